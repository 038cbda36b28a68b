"""What 名校+弱校 does to a county, through the engine.

Statistical claims (marked slow) are paired comparisons over 20 common-random-number pairs — both
arms of a pair share the seed — asserted on the 95 % t-interval of the mean paired difference, after
five simulated years, on scenarios/county_mingxiao.yaml against the county baseline it extends or
against itself with one parameter changed.  No test pins an effect size: only signs, and the
relation between two effects.

Then one cheap test per parameter family (eligibility, share, backbone floor, cap, term, mentoring,
brand, dilution, management and variant): one or two seeds, an exact comparison showing the family
changes what the engine does."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.engine import Simulation
from sim.intervals import t_interval
from sim.results import tables
from sim.scenario.loader import load_scenario

from test_mingxiao_rules import BASELINE, MINGXIAO, every_group, scenario

YEARS = 5
SEEDS = range(201, 221)


def mingxiao(*overrides: str, years: int = YEARS):
    return scenario(*overrides, years=years)


def ci95(diffs) -> tuple[float, float]:
    """95 % t confidence interval of the mean of paired differences."""
    d = np.asarray(diffs, dtype=float)
    return t_interval(len(d), d.mean(), d.std(ddof=1))


def outputs(scn, seed: int, years: int = YEARS) -> dict[str, pd.DataFrame]:
    return tables(Simulation(scn, seed, years).run(), scn.name, 0)


def campus_year(scn, seed: int, years: int = YEARS) -> pd.DataFrame:
    return outputs(scn, seed, years)["campus_year"]


def roles(scn) -> tuple[list[str], list[str]]:
    """(hub ids, member ids) of the scenario's groups."""
    return [g.hub for g in scn.groups], [m for g in scn.groups for m in g.members]


def weighted(cy: pd.DataFrame, ids, column: str, year: int = YEARS, weight: str = "enrolment") -> float:
    """``column`` averaged over campuses ``ids`` in ``year``, weighted by ``weight`` (pupils or teachers)."""
    y = cy[(cy.year == year) & cy.campus.isin(ids)]
    return float((y[column] * y[weight]).sum() / y[weight].sum())


# -- statistical claims over common-random-number pairs ----------------------------------------

@pytest.fixture(scope="module")
def paired_runs():
    """Per seed: the county baseline, county_mingxiao at its defaults, and county_mingxiao without
    brand (brand.share 0) and without joint research (teaching.spread_rate 0)."""
    arms = {"baseline": load_scenario(BASELINE, [f"simulation.years={YEARS}"]), "mode": mingxiao(),
            "no_brand": mingxiao(*every_group(**{"brand.share": 0})),
            "no_spread": mingxiao(*every_group(**{"teaching.spread_rate": 0}))}
    return arms["mode"], {seed: {k: campus_year(scn, seed) for k, scn in arms.items()} for seed in SEEDS}


def paired(paired_runs, measure, a: str, b: str) -> tuple[float, float]:
    """95 % interval of measure(arm a) − measure(arm b) over the seeds."""
    _, runs = paired_runs
    return ci95([measure(r[a]) - measure(r[b]) for r in runs.values()])


@pytest.mark.slow
def test_hub_member_gap_narrows_by_year_5(paired_runs):
    scn, _ = paired_runs
    hubs, members = roles(scn)

    def gap(cy):
        return weighted(cy, hubs, "mean_achievement") - weighted(cy, members, "mean_achievement")

    assert paired(paired_runs, gap, "mode", "baseline")[1] < 0


@pytest.mark.slow
def test_brand_raises_members_reputation_and_enrolment(paired_runs):
    scn, _ = paired_runs
    _, members = roles(scn)

    def at_members(column):
        return lambda cy: cy[(cy.year == YEARS) & cy.campus.isin(members)][column].mean()

    assert paired(paired_runs, at_members("reputation"), "mode", "no_brand")[0] > 0
    assert paired(paired_runs, at_members("enrolment"), "mode", "no_brand")[0] > 0


@pytest.mark.slow
def test_member_teachers_skill_rises_under_the_mode(paired_runs):
    """Teachers teaching at members (their own, plus hub teachers on exchange) are better than in the
    baseline."""
    scn, _ = paired_runs
    _, members = roles(scn)
    skill = lambda cy: weighted(cy, members, "mean_teacher_skill", weight="teachers")  # noqa: E731
    assert paired(paired_runs, skill, "mode", "baseline")[0] > 0


@pytest.mark.slow
def test_joint_research_raises_member_teachers_skill(paired_runs):
    """spread_rate 0.05 against 0: teachers at members gain from their linked hub teachers."""
    scn, _ = paired_runs
    _, members = roles(scn)
    skill = lambda cy: weighted(cy, members, "mean_teacher_skill", weight="teachers")  # noqa: E731
    assert paired(paired_runs, skill, "mode", "no_spread")[0] > 0


@pytest.mark.slow
def test_hub_not_distinguishable_from_baseline_at_default_dilution(paired_runs):
    scn, _ = paired_runs
    hubs, _ = roles(scn)
    lo, hi = paired(paired_runs, lambda cy: weighted(cy, hubs, "mean_achievement"), "mode", "baseline")
    print(f"hub, mode − baseline at year 5: ({lo:.4f}, {hi:.4f}) SD")
    assert lo < 0 < hi


DILUTION_GROUPS = """\
extends: {base}
name: county_dilution
groups:
  - {{id: four, mode: mingxiao_ruoxiao, hub: PU03, members: [PR18, PR17, PR16, PR15], params: {params}}}
  - {{id: one, mode: mingxiao_ruoxiao, hub: PU01, members: [PR22], params: {params}}}
"""


@pytest.mark.slow
def test_with_dilution_a_hub_with_four_members_loses_more_than_one_with_one(tmp_path):
    """Two groups in one county, dilution.per_member 0.0125 SD (top of its range) against 0: the
    hub of four members loses more achievement (against itself without dilution) than the hub of one."""
    def scn(per_member):
        path = tmp_path / f"dilution_{per_member}.yaml"
        path.write_text(DILUTION_GROUPS.format(base=MINGXIAO, params=f"{{dilution: {{per_member: {per_member}}}}}"),
                        encoding="utf-8")
        return load_scenario(path, [f"simulation.years={YEARS}"])

    on, off = scn(0.0125), scn(0)
    diffs = []
    for seed in SEEDS:
        a, b = campus_year(on, seed), campus_year(off, seed)
        loss = lambda hub: weighted(b, [hub], "mean_achievement") - weighted(a, [hub], "mean_achievement")  # noqa: E731
        diffs.append(loss("PU03") - loss("PU01"))
    assert ci95(diffs)[0] > 0


# -- each parameter family changes what the engine does (cheap, exact) ----------------------------

def exchanged(out, flow: str = "exchange", origins=None) -> int:
    """Teachers sent on exchange over the run (optionally from ``origins`` only)."""
    f = out["flows"]
    f = f[(f.kind == "teacher") & (f.flow == flow)]
    if origins is not None:
        f = f[f.origin.isin(origins)]
    return int(f["count"].sum())


def test_eligibility_rules_change_who_rotates():
    """Younger age limits or more years at the school leave fewer teachers to send."""
    default = outputs(mingxiao(), 1)
    for rule in ({"exchange.male_max_age": 35, "exchange.female_max_age": 35}, {"exchange.min_years_at_school": 15}):
        assert exchanged(outputs(mingxiao(*every_group(**rule)), 1)) < exchanged(default)


def test_share_and_cap_change_how_many_rotate():
    """With a loose cap, a larger share sends more; with a tight cap, fewer go."""
    loose = {"exchange.cap_share": 0.3}
    n = {share: exchanged(outputs(mingxiao(*every_group(**loose, **{"exchange.share": share})), 1))
         for share in (0.1, 0.2)}
    assert n[0.2] > n[0.1] > 0
    tight = exchanged(outputs(mingxiao(*every_group(**{"exchange.cap_share": 0.05, "exchange.share": 0.2})), 1))
    assert 0 < tight < n[0.2]


def test_backbone_floor_raises_the_backbone_share_sent_by_hubs():
    scn = mingxiao()
    hubs, _ = roles(scn)
    share = {}
    for floor in (0.2, 0.5):
        out = outputs(mingxiao(*every_group(**{"exchange.backbone_floor": floor})), 1)
        share[floor] = exchanged(out, "exchange_backbone", hubs) / exchanged(out, "exchange", hubs)
        assert share[floor] >= floor
    assert share[0.5] > share[0.2]


def test_term_length_changes_how_many_are_away():
    """Teachers away in year 3 (exchange allowances paid): terms of 3 years keep the first summer's
    teachers away; terms of 1 year have brought them home."""
    paid = {}
    for term in (1, 3):
        cy = outputs(mingxiao(*every_group(**{"exchange.term_years": term}), years=3), 1)["campus_year"]
        paid[term] = cy[cy.year == 3].cost_exchange_allowance_yuan.sum()
    assert paid[3] > paid[1] > 0


def test_mentoring_pairs_follow_mentee_years():
    """mentee_years 0 turns mentoring off: no mentees recorded; at the default, members record mentees."""
    scn = mingxiao(years=2)
    _, members = roles(scn)
    on = campus_year(scn, 1, 2)
    off = campus_year(mingxiao(*every_group(**{"teaching.mentee_years": 0}), years=2), 1, 2)
    assert on[on.campus.isin(members)].mentees.sum() > 0
    assert off.mentees.sum() == 0
    assert (on[~on.campus.isin(members)].mentees == 0).all()


def test_mentoring_speeds_members_novices():
    """mentoring_speedup 2 against 0: teachers at members are better after three years."""
    scn = mingxiao(years=3)
    _, members = roles(scn)
    skill = {}
    for speedup in (0, 2):
        cy = campus_year(mingxiao(*every_group(**{"teaching.mentoring_speedup": speedup}), years=3), 1, 3)
        skill[speedup] = weighted(cy, members, "mean_teacher_skill", year=3, weight="teachers")
    assert skill[2] > skill[0]


def test_brand_share_sets_members_brand_and_reputation():
    scn = mingxiao(years=2)
    _, members = roles(scn)
    on = campus_year(scn, 1, 2)
    off = campus_year(mingxiao(*every_group(**{"brand.share": 0}), years=2), 1, 2)
    m_on, m_off = on[on.campus.isin(members)], off[off.campus.isin(members)]
    assert (m_off.brand == 0).all() and (m_on.brand > 0).mean() > 0.8
    assert m_on.reputation.mean() > m_off.reputation.mean()


def test_dilution_costs_the_hubs_per_member():
    """dilution.per_member 0.02: each hub records 0.02 SD a year per member, and its pupils end lower."""
    scn = mingxiao(years=3)
    hubs, _ = roles(scn)
    members = {g.hub: len(g.members) for g in scn.groups}
    on = campus_year(mingxiao(*every_group(**{"dilution.per_member": 0.02}), years=3), 1, 3)
    off = campus_year(scn, 1, 3)
    rec = on[on.year == 1].set_index("campus").dilution_sd
    assert np.allclose(rec[hubs], [0.02 * members[h] for h in hubs])
    assert (rec.drop(hubs) == 0).all() and (off.dilution_sd == 0).all()
    assert weighted(on, hubs, "mean_achievement", 3) < weighted(off, hubs, "mean_achievement", 3)


def test_variant_tuoguan_converges_management_faster_and_adds_posts():
    """Every group 托管 against every group 结对: members' management quality rises more, one extra
    post per member; management's pupil effect 0 changes members' achievement."""
    scn = mingxiao(years=3)
    _, members = roles(scn)
    cy = {v: campus_year(mingxiao(*every_group(variant=v), years=3), 1, 3) for v in ("tuoguan", "jiedui")}
    rise = {v: c[(c.year == 3) & c.campus.isin(members)].management_quality.values
            - c[(c.year == 1) & c.campus.isin(members)].management_quality.values for v, c in cy.items()}
    assert (rise["jiedui"] > 0).all() and (rise["tuoguan"] > rise["jiedui"]).all()
    posts = {v: c[c.campus.isin(members)].extra_posts for v, c in cy.items()}
    assert (posts["tuoguan"] == 1).all() and (posts["jiedui"] == 0).all()
    flat = campus_year(mingxiao(*every_group(variant="tuoguan", **{"management.pupil_effect": 0}), years=3), 1, 3)
    assert weighted(flat, members, "mean_achievement", 3) < weighted(cy["tuoguan"], members, "mean_achievement", 3)
