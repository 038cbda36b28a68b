"""教联体 (mode ``jiaolianti``) through the engine: the backbone floor every year, pooled posts
leaving no vacancy beside a same-consortium surplus, one leadership team, and (slow) what consortia
do to a county over 20 common-random-number pairs: a narrower hub–member gap, pupils coming back to
their villages, buses raising member enrolment, consortium-wide admission easing the core's 56+
classes."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine import Simulation
from sim.modes.jiaolianti import Jiaolianti
from sim.network import travel_minutes
from sim.processes import consortium
from sim.results import tables
from sim.scenario.loader import load_scenario

from mode_runs import SCENARIOS, backflow, ci95, enrolment, exchange_calls, hub_member_gap, large_class_share, paired

JIAOLIANTI = SCENARIOS / "county_jiaolianti.yaml"
BASELINE = SCENARIOS / "county_baseline.yaml"


def test_exchange_keeps_the_backbone_floor_every_year(monkeypatch):
    calls = exchange_calls(monkeypatch, JIAOLIANTI, 4, 3)
    assert [c[3] for c in calls] == [1, 2, 3, 4]
    total = 0
    for _, layout, rules, year, orders in calls:
        assert rules.backbone_floor == 0.30 and rules.backbone_floor_on == "group" and not rules.post_stays_home
        group = layout.campus_group[orders.origin]
        sent = np.bincount(group, minlength=len(layout.group_hub))
        backbone = np.bincount(group[orders.backbone], minlength=len(sent))
        assert (backbone >= np.ceil(0.30 * sent - 1e-9)).all(), (year, sent, backbone)  # every consortium
        assert len(np.unique(orders.origin)) > len(np.unique(group))  # members send too, not the cores alone
        total += len(orders.origin)
    assert total > 100  # a real exchange: about a tenth of the county's 2,800 teachers a year


def test_pooled_posts_leave_no_vacancy_beside_a_surplus_of_the_same_subject(monkeypatch):
    checked = []
    real = Jiaolianti.pool

    def spy(self, ctx, posts):
        moves = real(self, ctx, posts)
        st, net = ctx.state, ctx.net
        surplus, vacancy = consortium.staffing_balance(st.teachers, consortium.split_posts(
            posts, ctx.scenario.teachers.pe_arts_share), ctx.year)
        group = np.where(st.open & np.isin(net.campus_group, ctx.groups), net.campus_group, -1)
        limit = ctx.params[0].pooling.max_minutes
        for g in (0, 1):
            for s in np.flatnonzero((surplus[:, g] > 0) & (group >= 0)):
                v = np.flatnonzero((vacancy[:, g] > 0) & (group == group[s]))
                km = np.hypot(net.campus_x_km[v] - net.campus_x_km[s], net.campus_y_km[v] - net.campus_y_km[s])
                assert (travel_minutes(km, net.campus_locale[v], ctx.scenario.travel) > limit).all(), (ctx.year, s, v)
        checked.append((ctx.year, 0 if moves is None else len(moves.origin)))
        return moves

    monkeypatch.setattr(Jiaolianti, "pool", spy)
    scn = load_scenario(JIAOLIANTI, ["simulation.years=4"])
    Simulation(scn, 9, 4).run()
    assert [y for y, _ in checked] == [1, 2, 3, 4]
    assert sum(n for _, n in checked) > 0  # the pool moved teachers


def test_one_leadership_team_sends_managers_and_pe_arts_teachers_back():
    scn = load_scenario(JIAOLIANTI, ["simulation.years=1"])
    cy = tables(Simulation(scn, 4, 1).run(), scn.name, 0)["campus_year"]
    members = [m for g in scn.groups for m in g.members]
    y = cy.set_index("campus")
    assert y.loc[members, "managers_returned"].sum() >= len(members)  # two of three managers a member
    assert y.loc[[g.hub for g in scn.groups], "managers_returned"].sum() == 0
    assert y.pe_arts_returned.sum() > 0
    assert (y.loc[members, "sampling_test_g5"] != 0).any() or (y.loc[members, "sampling_test_g8"] != 0).any()


# -- statistical claims over common-random-number pairs ----------------------------------------

YEARS = 5
NO_BUS = ("groups[*].params.support.bus_minutes_saved=0",)


@pytest.fixture(scope="module")
def runs():
    arms = {"baseline": (BASELINE, ()), "mode": (JIAOLIANTI, ()), "no_bus": (JIAOLIANTI, NO_BUS)}
    return load_scenario(JIAOLIANTI).groups, paired(arms, YEARS)


@pytest.mark.slow
def test_consortia_narrow_the_hub_member_gap_by_year_5(runs):
    groups, r = runs
    low, high = ci95([hub_member_gap(x["mode"]["campus_year"], groups, YEARS)
                      - hub_member_gap(x["baseline"]["campus_year"], groups, YEARS) for x in r.values()])
    assert high < 0, (low, high)


@pytest.mark.slow
def test_consortia_bring_pupils_back_to_their_villages(runs):
    _, r = runs
    low, high = ci95([backflow(x["mode"]["flows"]) - backflow(x["baseline"]["flows"]) for x in r.values()])
    assert low > 0, (low, high)


@pytest.mark.slow
def test_buses_raise_member_enrolment(runs):
    groups, r = runs
    members = [m for g in groups for m in g.members]
    low, high = ci95([enrolment(x["mode"]["campus_year"], members, YEARS)
                      - enrolment(x["no_bus"]["campus_year"], members, YEARS) for x in r.values()])
    assert low > 0, (low, high)


@pytest.mark.slow
def test_consortium_wide_admission_eases_the_core_campus_large_classes(tmp_path):
    """Where a member campus near a crowded core has seats (here the nine-year village school NR02,
    14 minutes from the No. 1 junior school by bus, given ten more classrooms in both arms), the
    consortium seats the core's overflow there: fewer 56+ classes at the core over years 2–5."""
    extra = "policies:\n  - {action: add_classrooms, year: 1, campus: NR02, classrooms: 12}\n"
    arms = {}
    for name, base in (("baseline", BASELINE), ("mode", JIAOLIANTI)):
        path = tmp_path / f"{name}.yaml"
        path.write_text(f"name: {name}_nr02\nextends: {base}\n{extra}", encoding="utf-8")
        arms[name] = (path, ())
    r = paired(arms, YEARS)
    low, high = ci95([large_class_share(x["mode"]["campus_year"], ["JU01"], range(2, YEARS + 1))
                      - large_class_share(x["baseline"]["campus_year"], ["JU01"], range(2, YEARS + 1))
                      for x in r.values()])
    assert high < 0, (low, high)
