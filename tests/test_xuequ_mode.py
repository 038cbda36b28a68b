"""学区制 (mode ``xuequ``) through the engine: the district's exchange rule exactly, shared
facilities and admission by district acting, and (slow) what districts do to a county over 20
common-random-number pairs against the county baseline: a narrower hub–member gap, a smaller
spread of intake SES across each district's schools, fewer pupils admitted outside their zone."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine import Simulation
from sim.processes import exchange
from sim.results import tables
from sim.scenario.loader import load_scenario

from mode_runs import SCENARIOS, ci95, exchange_calls, hub_member_gap, intake_ses_spread, outside_share, paired

XUEQU = SCENARIOS / "county_xuequ.yaml"
BASELINE = SCENARIOS / "county_baseline.yaml"


def every_district(**values) -> list[str]:
    return [f"groups[*].params.{k}={v}" for k, v in values.items()]


def test_district_exchanges_its_share_of_front_line_teachers_every_year(monkeypatch):
    calls = exchange_calls(monkeypatch, XUEQU, 3, 7)
    assert [c[3] for c in calls] == [1, 2, 3]
    for teachers, layout, rules, year, orders in calls:
        assert rules.share == 0.15 and rules.min_years_at_school == 0
        back, _ = exchange.end_terms(teachers, year)
        elig = exchange.eligible(back, layout, rules)
        n = len(layout.campus_group)
        count = lambda mask: np.bincount(back.campus[mask], minlength=n)  # noqa: E731
        eligible, due = count(elig), count(elig & (back.years_here >= rules.must_rotate_years))
        owned = np.bincount(back.owner, minlength=n)
        away = np.bincount(back.owner[back.campus != back.owner], minlength=n)
        cap = np.maximum(np.floor(rules.cap_share * owned + 1e-9).astype(int) - away, 0)
        sent = np.bincount(orders.origin, minlength=n)
        want = np.minimum(np.minimum(np.maximum(np.ceil(0.15 * eligible - 1e-9).astype(int), due), eligible), cap)
        member = (layout.campus_group >= 0) & (layout.campus_role == 2)  # the backbone floor binds hubs only
        assert member.sum() == 24
        np.testing.assert_array_equal(sent[member], want[member])
        assert sent[member & (eligible > 0)].min() >= 1
        assert (sent[layout.campus_group < 0] == 0).all()
        # every move stays inside its district, and nobody in a leadership team is among the teachers sent
        np.testing.assert_array_equal(layout.campus_group[orders.origin], layout.campus_group[orders.destination])
        sent_rows = np.isin(teachers.id, orders.ids)
        assert not teachers.manager[sent_rows].any()


def test_shared_facilities_change_learning_but_not_the_official_indicators():
    runs = {}
    for share in (0.0, 0.5):
        scn = load_scenario(XUEQU, ["simulation.years=2", *every_district(**{"facilities.share": share}),
                                    "groups[*].params.admission=none"])
        runs[share] = tables(Simulation(scn, 11, 2).run(), scn.name, 0)["campus_year"].set_index(["year", "campus"])
    a, b = runs[0.0], runs[0.5]
    for column in ("floor_area_m2", "sports_area_m2", "equipment_value_yuan"):
        np.testing.assert_array_equal(a[column], b[column])
    assert not np.allclose(a.mean_achievement.to_numpy(), b.mean_achievement.to_numpy(), equal_nan=True)


def test_rolling_zones_move_entrants_to_the_next_school_of_the_district():
    campus_of = {}
    for admission in ("none", "rolling"):
        scn = load_scenario(XUEQU, ["simulation.years=2", f"groups[*].params.admission={admission}",
                                    "dynamics.choice.admission=catchment"])
        flows = tables(Simulation(scn, 5, 2).run(), scn.name, 0)["flows"]
        entry = flows[(flows.flow == "entry") & (flows.year == 2)]
        campus_of[admission] = entry.groupby("origin").apply(lambda d: d.loc[d["count"].idxmax(), "destination"])
    moved = (campus_of["none"] != campus_of["rolling"]).mean()
    assert moved > 0.3  # the cells zoned to district schools (half the campuses) now enter next door


# -- statistical claims over common-random-number pairs ----------------------------------------

YEARS = 5


@pytest.fixture(scope="module")
def runs():
    return load_scenario(XUEQU).groups, paired({"baseline": (BASELINE, ()), "mode": (XUEQU, ())}, YEARS)


@pytest.mark.slow
def test_districts_narrow_the_hub_member_gap_by_year_5(runs):
    groups, r = runs
    low, high = ci95([hub_member_gap(x["mode"]["campus_year"], groups, YEARS)
                      - hub_member_gap(x["baseline"]["campus_year"], groups, YEARS) for x in r.values()])
    assert high < 0, (low, high)


@pytest.mark.slow
def test_lottery_zoning_mixes_intake_ses_and_keeps_families_in_their_zone(runs):
    groups, r = runs
    years = range(2, YEARS + 1)
    low, high = ci95([intake_ses_spread(x["mode"]["grade_year"], groups, years)
                      - intake_ses_spread(x["baseline"]["grade_year"], groups, years) for x in r.values()])
    assert high < 0, ("intake SES spread", low, high)
    low, high = ci95([outside_share(x["mode"]["campus_year"], x["mode"]["grade_year"], years)
                      - outside_share(x["baseline"]["campus_year"], x["baseline"]["grade_year"], years)
                      for x in r.values()])
    assert high < 0, ("outside the zone", low, high)


@pytest.mark.slow
def test_losing_the_lottery_sends_some_families_to_private_schools(tmp_path):
    """With private schools in the county town (two primary, one junior), lottery zoning sends more
    entrants to them than one-school catchments do (Haidian 2018: rents near private schools rose
    about 4 % after 多校划片)."""
    path = tmp_path / "xuequ_private.yaml"
    path.write_text(f"name: xuequ_private\nextends: {XUEQU}\nregion:\n  synthetic:\n    private:\n      campuses:\n"
                    "        primary: {urban: 2}\n        junior: {urban: 1}\n", encoding="utf-8")
    r = paired({"lottery": (path, ()), "none": (path, ("groups[*].params.admission=none",))}, 4)

    def private_share(t) -> float:
        private = set(t["campus_year"].query("sector == 'private'").campus)
        entrants = t["grade_year"].query("grade in [1, 7] and year >= 2")
        return entrants[entrants.campus.isin(private)].pupils.sum() / entrants.pupils.sum()

    low, high = ci95([private_share(x["lottery"]) - private_share(x["none"]) for x in r.values()])
    assert low > 0, (low, high)
