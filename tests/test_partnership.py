"""名校+弱校 mechanisms (sim.processes.partnership) on toy populations: each parameter family moves
behaviour the right way and is a no-op at zero; invariants of spreading, brand and pairing."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from sim.network import STAGES
from sim.processes import partnership as pp
from sim.scenario import rollout
from sim.scenario.dynamics import TeacherDynamics
from sim.scenario.exchange import ExchangeRules
from sim.scenario.mingxiao import (Brand, CoveragePlan, Dilution, Management, MingxiaoParams,
                                   PartnershipCosts)
from sim.scenario.ranges import uncertainties

DYN = TeacherDynamics()
PRIMARY, JUNIOR, NINE = (STAGES.index(s) for s in ("primary", "junior", "nine_year"))

# Toy county: campus 0 hubs members 1 and 2 (group 0); campus 3 hubs member 4 (group 1, not yet
# formed); campus 5 is independent.
CAMPUS_GROUP = np.array([0, 0, 0, 1, 1, -1])
CAMPUS_ROLE = np.array([1, 2, 2, 1, 2, 0])
GROUP_HUB = np.array([0, 3])


def hub_of(active=(True, False)) -> np.ndarray:
    return pp.member_hub(CAMPUS_GROUP, CAMPUS_ROLE, GROUP_HUB, np.array(active))


def toy_teachers(per_campus: int = 20, seed: int = 0) -> dict[str, np.ndarray]:
    """Teachers spread evenly over the six campuses, hub 0's better than its members'."""
    r = np.random.default_rng(seed)
    n = 6 * per_campus
    campus = np.repeat(np.arange(6), per_campus)
    skill = r.normal(0, 0.2, n) + np.where(campus == 0, 0.3, 0.0)
    return {"id": np.arange(1000, 1000 + n), "campus": campus, "owner": campus.copy(), "skill": skill,
            "pe_arts": r.random(n) < 0.2, "experience": r.integers(0, 30, n),
            "backbone": r.random(n) < 0.15}


# -- group structure -------------------------------------------------------------------------

def test_member_hub_follows_active_groups():
    assert hub_of().tolist() == [-1, 0, 0, -1, -1, -1]
    assert hub_of((True, True)).tolist() == [-1, 0, 0, -1, 3, -1]
    assert pp.members_per_hub(hub_of((True, True))).tolist() == [2, 0, 0, 1, 0, 0]


# -- management ------------------------------------------------------------------------------

def test_initial_management_is_standardised_quality():
    mq = pp.initial_management(np.array([0.3, -0.2, -0.4, 0.1, 0.0, 0.2]))
    assert mq.mean() == pytest.approx(0.0) and mq.std() == pytest.approx(1.0)
    assert np.argmax(mq) == 0
    assert pp.initial_management(np.full(4, 0.2)).tolist() == [0.0] * 4


def test_management_converges_on_the_hub_faster_under_tuoguan():
    mq0 = np.array([1.5, -1.0, -0.5, 0.5, -1.5, 0.0])
    tuoguan, jiedui = (MingxiaoParams(variant=v).convergence_rate() for v in ("tuoguan", "jiedui"))
    a, b = pp.management_step(mq0, hub_of(), tuoguan), pp.management_step(mq0, hub_of(), jiedui)
    members = [1, 2]
    assert (a[members] > b[members]).all() and (b[members] > mq0[members]).all()
    assert (a[[0, 3, 4, 5]] == mq0[[0, 3, 4, 5]]).all()  # hubs, inactive group, independent unchanged
    assert pp.management_step(mq0, hub_of(), 0.0).tolist() == mq0.tolist()
    # repeated steps approach the hub's level geometrically and never pass it
    mq = mq0
    for _ in range(30):
        mq = pp.management_step(mq, hub_of(), tuoguan)
    assert mq[members] == pytest.approx([1.5, 1.5], abs=1e-3) and (mq[members] <= 1.5).all()


def test_management_never_lowers_a_member_better_than_its_hub():
    mq0 = np.array([0.0, 1.0, -1.0, 0, 0, 0])
    out = pp.management_step(mq0, hub_of(), 0.5)
    assert out[1] == 1.0 and out[2] == -0.5


def test_open_branch_starts_at_hub_management():
    out = pp.open_branch_management(np.array([1.0, -1.0, 2.0]), branch=1, hub=0)
    assert out.tolist() == [1.0, 1.0, 2.0]
    assert pp.open_branch_management(np.array([1.0, -1.0, 2.0]), branch=2, hub=0)[2] == 2.0


def test_management_effect_acts_only_through_gains_since_start():
    mq0 = np.array([1.0, -1.0, 0.0])
    gain, growth = pp.management_effect(mq0, mq0, Management())
    assert (gain == 0).all() and (growth == 0).all()
    gain, growth = pp.management_effect(mq0 + [0, 0.5, 0], mq0, Management())
    assert gain.tolist() == pytest.approx([0, 0.5 * 0.05, 0]) and growth[1] == pytest.approx(0.5 * 0.28)
    gain, growth = pp.management_effect(mq0 + 0.5, mq0, Management(pupil_effect=0, growth_effect=0))
    assert (gain == 0).all() and (growth == 0).all()


def test_experience_growth_scales_the_year_of_experience():
    x = np.array([0, 1, 5, 20])
    ordinary = pp.experience_growth(x, 1.0, DYN)
    assert (np.diff(ordinary) < 0).all() and (ordinary > 0).all()  # concave profile: early years grow most
    assert ordinary[0] == pytest.approx(DYN.experience_premium * (1 - np.exp(-1 / DYN.experience_years)))
    assert pp.experience_growth(x, 0.0, DYN).tolist() == [0.0] * 4
    assert pp.experience_growth(x, 0.5, DYN) == pytest.approx(0.5 * ordinary)


# -- joint research: skill links and spreading -----------------------------------------------

def test_links_join_member_teachers_to_hub_teachers_of_their_subject():
    t = toy_teachers()
    a, b = pp.skill_links(t["id"], t["campus"], t["pe_arts"], hub_of(), 3, seed=1, year=2)
    at_members = np.isin(t["campus"], [1, 2])
    assert len(a) == 3 * at_members.sum()
    assert np.isin(t["campus"][a], [1, 2]).all() and (t["campus"][b] == 0).all()
    assert (t["pe_arts"][a] == t["pe_arts"][b]).all()
    # keyed draws: the same links whatever the array order
    perm = np.random.default_rng(5).permutation(len(t["id"]))
    a2, b2 = pp.skill_links(t["id"][perm], t["campus"][perm], t["pe_arts"][perm], hub_of(), 3, seed=1, year=2)
    assert sorted(zip(t["id"][a], t["id"][b])) == sorted(zip(t["id"][perm][a2], t["id"][perm][b2]))
    assert len(pp.skill_links(t["id"], t["campus"], t["pe_arts"], hub_of(), 0, 1, 2)[0]) == 0
    none = pp.skill_links(t["id"], t["campus"], t["pe_arts"], np.full(6, -1), 3, 1, 2)
    assert len(none[0]) == 0


def test_spreading_never_lowers_anyone_and_the_receiving_side_gains_most():
    t = toy_teachers()
    a, b = pp.skill_links(t["id"], t["campus"], t["pe_arts"], hub_of(), 3, seed=1, year=2)
    gain = pp.spread_skill(t["skill"], a, b, rate=0.05)
    assert (gain >= 0).all()
    members, hub = np.isin(t["campus"], [1, 2]), t["campus"] == 0
    assert gain[members].mean() > 3 * gain[hub].mean()  # the weaker, receiving side gains most
    assert (gain[~(members | hub)] == 0).all()  # unlinked campuses untouched
    # nobody passes the best teacher they are linked to
    best = np.full(len(gain), -np.inf)
    np.maximum.at(best, a, t["skill"][b])
    np.maximum.at(best, b, t["skill"][a])
    linked = np.isfinite(best)
    assert (t["skill"][linked] + gain[linked] <= np.maximum(best[linked], t["skill"][linked]) + 1e-12).all()
    assert (pp.spread_skill(t["skill"], a, b, 0.0) == 0).all()
    assert pp.spread_skill(t["skill"], a, b, 0.1) == pytest.approx(2 * gain)


# -- mentoring -------------------------------------------------------------------------------

def test_mentoring_pairs_novices_at_members_with_hub_mentors_backbone_first():
    t = toy_teachers()
    t["experience"][[20, 21, 22, 40, 41, 100]] = [0, 1, 2, 0, 1, 0]  # novices at members 1, 2 and campus 5
    mentor = pp.mentoring_pairs(t["id"], t["campus"], t["experience"], t["backbone"], t["skill"], hub_of(),
                                mentee_years=3, per_mentor=2)
    mentees = np.flatnonzero(mentor >= 0)
    assert set(mentees) >= {20, 21, 22, 40, 41} and 100 not in mentees
    assert np.isin(t["campus"][mentees], [1, 2]).all() and (t["experience"][mentees] < 3).all()
    assert (t["campus"][mentor[mentees]] == 0).all() and (t["experience"][mentor[mentees]] >= 3).all()
    assert np.bincount(mentor[mentees]).max() <= 2
    hub_mentors = np.flatnonzero((t["campus"] == 0) & (t["experience"] >= 3))
    if t["backbone"][hub_mentors].any():
        assert t["backbone"][mentor[mentees[0]]]
    # capacity: one mentor with one mentee each leaves the rest without
    t["experience"][hub_mentors[1:]] = 0
    few = pp.mentoring_pairs(t["id"], t["campus"], t["experience"], t["backbone"], t["skill"], hub_of(), 3, 1)
    assert (few >= 0).sum() == 1
    off = pp.mentoring_pairs(t["id"], t["campus"], t["experience"], t["backbone"], t["skill"], hub_of(), 0, 2)
    assert (off == -1).all()


def test_mentoring_speeds_up_growth_of_mentees_only():
    experience = np.array([0, 1, 0, 10])
    mentor = np.array([7, 7, -1, -1])
    extra = pp.mentoring_growth(experience, mentor, 1.0, DYN)
    assert extra[0] > extra[1] > 0 and extra[2] == 0 and extra[3] == 0
    assert extra[0] == pytest.approx(pp.experience_growth(np.array([0]), 1.0, DYN)[0])
    assert (pp.mentoring_growth(experience, mentor, 0.0, DYN) == 0).all()
    assert pp.mentoring_growth(experience, mentor, 2.0, DYN) == pytest.approx(2 * extra)


# -- brand -----------------------------------------------------------------------------------

def test_brand_pulls_member_reputation_towards_the_hub_and_fades():
    rep = np.array([1.0, -0.5, 0.2, 0.8, -0.4, 0.0])
    measured = np.array([1.0, -0.6, np.nan, 0.8, -0.4, 0.0])
    years = np.zeros(6)
    b = pp.brand(rep, measured, hub_of(), years, 0.35, Brand())
    assert b[1] == pytest.approx(0.35 * (1.0 + 0.6)) and b[2] == pytest.approx(0.35 * 0.8)  # nan → reputation
    assert (b[[0, 3, 4, 5]] == 0).all()
    later = pp.brand(rep, measured, hub_of(), years + 3, 0.35, Brand())
    assert later[1] == pytest.approx(b[1] * 0.9 ** 3)
    assert (pp.brand(rep, measured, hub_of(), years, 0.0, Brand()) == 0).all()
    assert pp.brand(rep, measured, hub_of(), years + 3, 0.35, Brand(fade=0))[1] == pytest.approx(b[1])
    better = pp.brand(rep, np.array([1.0, 1.2, 1.0, 0, 0, 0]), hub_of(), years, 0.35, Brand())
    assert better[1] == 0  # a member better than its hub's reputation gets nothing


def test_brand_share_zero_leaves_reputation_unchanged_through_the_update():
    from sim.processes.reputation import update_reputation

    rep = np.array([1.0, -0.5, 0.2, 0.8, -0.4, 0.0])
    measured = rep + 0.0
    none = pp.brand(rep, measured, hub_of(), np.zeros(6), 0.0, Brand())
    assert update_reputation(rep, measured, none, 0.25).tolist() == rep.tolist()
    some = pp.brand(rep, measured, hub_of(), np.zeros(6), 0.35, Brand())
    after = update_reputation(rep, measured, some, 0.25)
    assert (after[[1, 2]] > rep[[1, 2]]).all() and (after[[0, 3, 4, 5]] == rep[[0, 3, 4, 5]]).all()


def test_branch_opens_with_a_share_of_the_hub_reputation():
    rep = np.array([1.0, -0.2])
    assert pp.open_branch_reputation(rep, 1, 0, 0.5)[1] == pytest.approx(0.4)
    assert pp.open_branch_reputation(rep, 1, 0, 0.0)[1] == -0.2
    assert MingxiaoParams(variant="xinxiao").brand_share() > MingxiaoParams(variant="tuoguan").brand_share()


# -- dilution --------------------------------------------------------------------------------

def test_dilution_is_zero_by_default_and_grows_with_members_and_backbone_away():
    members = np.array([4, 1, 0])
    away = np.array([0.2, 0.2, 0.5])
    assert (pp.dilution(members, away, Dilution()) == 0).all()
    on = Dilution(per_member=0.01, per_backbone_away=0.05)
    loss = pp.dilution(members, away, on)
    assert loss[0] > loss[1] > 0 and loss[2] == 0
    assert loss[0] == pytest.approx(0.04 + 0.01)
    more_away = pp.dilution(members, away + 0.3, on)
    assert (more_away[:2] > loss[:2]).all()


def test_backbone_away_share_counts_exchanged_backbone_by_owner():
    owner = np.array([0, 0, 0, 0, 1])
    campus = np.array([0, 1, 1, 0, 1])
    backbone = np.array([True, True, False, True, True])
    assert pp.backbone_away_share(owner, campus, backbone, 3).tolist() == pytest.approx([1 / 3, 0.0, 0.0])


# -- 名校+新校 staff ---------------------------------------------------------------------------

def test_branch_staff_takes_hub_teachers_up_to_the_cap():
    t = toy_teachers(per_campus=40)
    moved = pp.branch_staff(t["id"], t["campus"], t["owner"], hub=0, branch_posts=20, seed_share=0.3,
                            hub_cap=0.15, seed=3, year=2)
    assert len(moved) == 6 and (t["campus"][moved] == 0).all()
    capped = pp.branch_staff(t["id"], t["campus"], t["owner"], 0, 200, 0.3, 0.15, 3, 2)
    assert len(capped) == 6  # 15 % of 40
    assert len(pp.branch_staff(t["id"], t["campus"], t["owner"], 0, 20, 0.0, 0.15, 3, 2)) == 0
    perm = np.random.default_rng(1).permutation(len(t["id"]))
    again = pp.branch_staff(t["id"][perm], t["campus"][perm], t["owner"][perm], 0, 20, 0.3, 0.15, 3, 2)
    assert sorted(t["id"][perm][again]) == sorted(t["id"][moved])


# -- roll-out --------------------------------------------------------------------------------

def grid_county(n_side: int = 8, seed: int = 0):
    """n_side² primary campuses on a 5 km grid with random strengths."""
    r = np.random.default_rng(seed)
    x, y = np.meshgrid(np.arange(n_side) * 5.0, np.arange(n_side) * 5.0)
    n = n_side * n_side
    return r.normal(0, 0.5, n), np.full(n, PRIMARY), x.ravel(), y.ravel(), np.ones(n, bool)


def test_pairing_takes_strongest_hubs_and_their_weakest_nearby_campuses():
    strength, stage, x, y, is_open = grid_county()
    plan = CoveragePlan(new_groups_per_year=3, members_per_hub=2, max_km=12)
    p = rollout.pair_by_rule(strength, stage, x, y, is_open, np.zeros(64, bool), plan, year=1)
    assert len(p.hubs) == 3 and p.hubs[0] == np.argmax(strength)
    for h in p.hubs:
        members = np.flatnonzero(p.hub_of == h)
        assert 1 <= len(members) <= 2
        assert (np.hypot(x[members] - x[h], y[members] - y[h]) <= 12).all()
        assert (strength[members] <= strength[h] - plan.min_gap).all()
    first = p.hubs[0]
    km = np.hypot(x - x[first], y - y[first])
    pool = np.flatnonzero((km <= 12) & (strength <= strength[first] - plan.min_gap))
    pool = pool[pool != first]
    assert set(np.flatnonzero(p.hub_of == first)) == set(pool[np.argsort(strength[pool])][:2])


def test_pairing_never_puts_a_campus_in_two_groups_and_respects_stages():
    strength, _, x, y, is_open = grid_county(seed=2)
    stage = np.where(np.arange(64) % 3 == 0, JUNIOR, PRIMARY)
    grouped = np.zeros(64, bool)
    grouped[[5, 17]] = True
    plan = CoveragePlan(new_groups_per_year=6, members_per_hub=4, max_km=20)
    p = rollout.pair_by_rule(strength, stage, x, y, is_open, grouped, plan, year=1)
    members = np.flatnonzero(p.hub_of >= 0)
    assert len(set(members) & set(p.hubs)) == 0 and len(set(p.hubs)) == len(p.hubs)
    assert not grouped[members].any() and not grouped[p.hubs].any()
    assert (stage[members] == stage[p.hub_of[members]]).all()  # primary and junior do not mix
    closed = is_open.copy()
    closed[members[0]] = False
    q = rollout.pair_by_rule(strength, stage, x, y, closed, grouped, plan, year=1)
    assert q.hub_of[members[0]] == -1 and members[0] not in q.hubs


def test_nine_year_campus_may_join_a_primary_hub():
    strength = np.array([1.0, -1.0, -1.0])
    stage = np.array([PRIMARY, NINE, JUNIOR])
    p = rollout.pair_by_rule(strength, stage, np.zeros(3), np.zeros(3), np.ones(3, bool), np.zeros(3, bool),
                        CoveragePlan(), 1)
    assert p.hub_of.tolist() == [-1, 0, -1]


def test_coverage_target_is_reached_at_the_planned_pace():
    strength, stage, x, y, is_open = grid_county(n_side=10, seed=4)
    plan = CoveragePlan(start_year=2, new_groups_per_year=4, members_per_hub=3, target_coverage=0.7, max_km=15)
    grouped = np.zeros(100, bool)
    history, formed = [], []
    for year in range(1, 12):
        p = rollout.pair_by_rule(strength, stage, x, y, is_open, grouped, plan, year)
        grouped[p.hubs] = True
        grouped[p.hub_of >= 0] = True
        formed.append(len(p.hubs))
        history.append(rollout.coverage(grouped, is_open))
    assert formed[0] == 0  # before the start year
    reached = next(i for i, c in enumerate(history) if c >= 0.7)
    assert all(k == 4 for k in formed[1:reached])  # the planned pace until the target
    assert formed[reached] <= 4 and all(k == 0 for k in formed[reached + 1:])  # stops at the target
    assert history[reached] < 0.7 + 4 / 100  # the last group overshoots by less than a group
    assert all(b >= a for a, b in zip(history, history[1:]))


def test_faster_plan_covers_sooner():
    strength, stage, x, y, is_open = grid_county(n_side=10, seed=4)

    def years_to_target(per_year: int) -> int:
        plan = CoveragePlan(new_groups_per_year=per_year, target_coverage=0.5, max_km=15)
        grouped = np.zeros(100, bool)
        for year in range(1, 50):
            p = rollout.pair_by_rule(strength, stage, x, y, is_open, grouped, plan, year)
            grouped[p.hubs] = True
            grouped[p.hub_of >= 0] = True
            if rollout.coverage(grouped, is_open) >= 0.5:
                return year
        return 99

    assert years_to_target(6) < years_to_target(2) < 99


# -- costs -----------------------------------------------------------------------------------

def test_costs_follow_exchanges_posts_and_groups():
    h = hub_of((True, True))
    exchanged = np.array([0, 3, 1, 0, 2, 0])
    c = pp.partnership_costs(h, exchanged, 1.0, PartnershipCosts(), 120_000.0)
    assert c["exchange_allowance_yuan"].tolist() == [0, 14400, 4800, 0, 9600, 0]
    assert c["extra_posts"].tolist() == [0, 1, 1, 0, 1, 0]
    assert c["extra_posts_yuan"].sum() == 360_000
    assert c["group_management_yuan"].tolist() == [200_000, 0, 0, 200_000, 0, 0]
    zero = pp.partnership_costs(h, exchanged, 0.0, PartnershipCosts(exchange_allowance_yuan=0,
                                                                    management_yuan_per_group=0), 120_000.0)
    assert all((v == 0).all() for v in zero.values())
    tuoguan, jiedui = MingxiaoParams(variant="tuoguan"), MingxiaoParams(variant="jiedui")
    assert tuoguan.extra_posts() > jiedui.extra_posts() == 0


# -- parameters ------------------------------------------------------------------------------

def test_params_declare_units_sources_and_ranges():
    found = uncertainties(MingxiaoParams, "params", MingxiaoParams())
    assert {u.path for u in found} >= {"params.management.rate_tuoguan", "params.teaching.spread_rate",
                                       "params.brand.share", "params.dilution.per_member",
                                       "params.costs.exchange_allowance_yuan"}
    for u in found:
        assert u.low <= u.default <= u.high, u.path
        assert " / " in u.description and "default" in u.description, u.path


def test_params_refuse_bad_values():
    with pytest.raises(ValidationError):
        MingxiaoParams(variant="weituo")
    with pytest.raises(ValidationError):
        MingxiaoParams(brand={"share": 1.5})
    with pytest.raises(ValidationError):
        MingxiaoParams(exchange={"share": 0.1, "shares": 0.2})


# -- documentation -----------------------------------------------------------------------------

def test_modes_page_lists_every_parameter_with_its_default_and_range():
    from conftest import ROOT
    from sim.scenario.mingxiao import Branch, Teaching

    doc = (ROOT / "docs" / "MODES.md").read_text(encoding="utf-8").replace(",", "")

    def row(path: str) -> list[str]:
        rows = [line for line in doc.splitlines() if line.startswith(f"| `{path}` |")]
        assert len(rows) == 1, path
        return rows[0].split(" | ")

    nested = {"management": Management, "teaching": Teaching, "brand": Brand, "branch": Branch,
              "dilution": Dilution, "exchange": ExchangeRules, "costs": PartnershipCosts}
    for name in MingxiaoParams.model_fields:
        if name in nested:
            for leaf in nested[name].model_fields:
                row(f"{name}.{leaf}")
        else:
            row(name)
    for u in uncertainties(MingxiaoParams, "", MingxiaoParams()):
        _, default, declared, *_ = row(u.path)
        assert f"{u.low:g}–{u.high:g}" in declared, u.path
        assert float(default) == u.default, u.path
    documented = {line.split(" | ")[0][3:-1] for line in doc.splitlines() if line.startswith("| `")}
    assert not {d for d in documented if "." in d} - {
        f"{name}.{leaf}" for name, model in nested.items() for leaf in model.model_fields}  # no stale rows
    assert "交流轮岗 / Teacher exchange" in doc and "学区制" in doc and "教联体" in doc
    assert "../" not in doc and "shared/" not in doc  # the project documents itself
