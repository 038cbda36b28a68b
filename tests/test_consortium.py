"""教联体 mechanisms (sim.processes.consortium) and parameters (sim.scenario.jiaolianti): the pooled
编制 exact rule on many random worlds, each function's invariants, each parameter changing
behaviour, zero settings as no-ops, and keyed draws independent of row order."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from sim.processes import consortium as cs
from sim.processes.exchange import ExchangeRules
from sim.scenario.jiaolianti import ConsortiumCosts, JiaoliantiParams, Support
from sim.scenario.models import Travel
from sim.scenario.ranges import uncertainties
from sim.state import Teachers

TRAVEL = Travel()
YEAR = 3


def make_teachers(campus: np.ndarray, r: np.random.Generator, pe_share: float = 0.2, manager_share: float = 0.1,
                  away_share: float = 0.1) -> Teachers:
    n = len(campus)
    campus = np.asarray(campus, np.int32)
    owner = campus.copy()
    away = r.random(n) < away_share  # some on a running posting (owner elsewhere or exchange running)
    until = np.where(away, YEAR + r.integers(0, 3, n), -1).astype(np.int16)
    return Teachers(
        id=r.permutation(10 * n + 7)[:n].astype(np.int64), campus=campus, owner=owner,
        pe_arts=r.random(n) < pe_share, talent=r.normal(0, 0.2, n).astype(np.float32),
        skill=r.normal(0, 0.2, n).astype(np.float32), experience=r.integers(0, 30, n).astype(np.int8),
        age=r.integers(22, 60, n).astype(np.int8), birth_month=r.integers(1, 13, n).astype(np.int8),
        female=r.random(n) < 0.7, title=r.integers(0, 4, n).astype(np.int8), title_years=np.zeros(n, np.int8),
        backbone=r.random(n) < 0.2, qualified=r.random(n) < 0.7, years_here=r.integers(0, 20, n).astype(np.int8),
        hardship_years=np.zeros(n, np.int8), exchange_until=until, manager=r.random(n) < manager_share)


def unmet(teachers: Teachers, posts: np.ndarray, consortium_of: np.ndarray, xy: np.ndarray, locale: np.ndarray,
          max_minutes: float) -> list[tuple[int, int, int]]:
    """(surplus campus, vacancy campus, group) pairs of one consortium within reach: the rule's breaches."""
    surplus, vacancy = cs.staffing_balance(teachers, posts, YEAR)
    out = []
    for g in (0, 1):
        for s in np.flatnonzero(surplus[:, g] > 0):
            for v in np.flatnonzero(vacancy[:, g] > 0):
                if consortium_of[s] < 0 or consortium_of[s] != consortium_of[v]:
                    continue
                km = np.hypot(*(xy[s] - xy[v]))
                if cs.travel_minutes(np.array([km]), locale[[v]], TRAVEL)[0] <= max_minutes:
                    out.append((s, v, g))
    return out


@st.composite
def worlds(draw):
    n = draw(st.integers(2, 9))
    seed = draw(st.integers(0, 2**31))
    r = np.random.default_rng(seed)
    consortium_of = r.integers(-1, 3, n)
    xy = r.uniform(0, draw(st.sampled_from([0.0, 5.0, 40.0])), (n, 2))
    locale = r.integers(0, 3, n)
    campus = r.integers(0, n, draw(st.integers(0, 120)))
    t = make_teachers(campus, r)
    posts = r.integers(0, 12, (n, 2))
    max_minutes = draw(st.sampled_from([1e9, 60.0, 15.0]))
    return t, posts, consortium_of, xy, locale, max_minutes


@settings(max_examples=150, deadline=None)
@given(worlds())
def test_pooled_posts_leave_no_vacancy_beside_a_surplus_of_the_same_group(world):
    t, posts, consortium_of, xy, locale, max_minutes = world
    new, dep = cs.deploy_by_need(t, posts, consortium_of, xy, locale, TRAVEL, max_minutes, YEAR)
    assert unmet(new, posts, consortium_of, xy, locale, max_minutes) == []
    # moves: only movable teachers, within one consortium and reach, same subject group, into a vacancy
    moved = new.campus != t.campus
    assert moved.sum() == len(dep.ids)
    assert np.all(cs.movable(t, YEAR)[moved])
    assert np.all(consortium_of[t.campus[moved]] >= 0)
    assert np.all(consortium_of[t.campus[moved]] == consortium_of[new.campus[moved]])
    assert np.array_equal(new.owner[moved], new.campus[moved])
    assert np.all(new.years_here[moved] == 0)
    assert np.array_equal(np.sort(dep.ids), np.sort(t.id[moved]))
    _, vac_before = cs.staffing_balance(t, posts, YEAR)
    got = np.zeros_like(vac_before)
    np.add.at(got, (dep.destination, dep.pe_arts.astype(int)), 1)
    assert np.all(got <= vac_before)  # nobody sent beyond a vacancy
    assert np.array_equal(new.pe_arts, t.pe_arts) and len(new) == len(t)


def test_with_unlimited_reach_the_issue_rule_holds_whatever_the_distance():
    r = np.random.default_rng(5)
    for _ in range(30):
        n = 8
        consortium_of, xy, locale = r.integers(0, 2, n), r.uniform(0, 300, (n, 2)), r.integers(0, 3, n)
        t = make_teachers(r.integers(0, n, 100), r)
        posts = r.integers(0, 12, (n, 2))
        new, _ = cs.deploy_by_need(t, posts, consortium_of, xy, locale, TRAVEL, np.inf, YEAR)
        surplus, vacancy = cs.staffing_balance(new, posts, YEAR)
        for c in (0, 1):
            inside = consortium_of == c
            for g in (0, 1):
                assert not (surplus[inside, g].any() and vacancy[inside, g].any())


def test_nearest_vacancy_is_filled_first_and_reach_bounds_moves():
    # campus 0 has one main surplus; campuses 1 (near) and 2 (far) each lack one main teacher
    r = np.random.default_rng(0)
    t = make_teachers(np.array([0, 0, 0, 1, 2]), r, pe_share=0, manager_share=0, away_share=0)
    posts = np.array([[2, 0], [2, 0], [2, 0]])
    xy = np.array([[0.0, 0.0], [2.0, 0.0], [10.0, 0.0]])
    locale = np.array([2, 2, 2])
    _, dep = cs.deploy_by_need(t, posts, np.zeros(3, int), xy, locale, TRAVEL, 1e9, YEAR)
    assert dep.destination.tolist() == [1]
    near = cs.travel_minutes(np.array([2.0]), np.array([2]), TRAVEL)[0]
    _, dep = cs.deploy_by_need(t, posts, np.array([0, -1, 0]), xy, locale, TRAVEL, 1e9, YEAR)
    assert dep.destination.tolist() == [2]  # campus 1 is outside the consortium
    _, dep = cs.deploy_by_need(t, posts, np.array([0, -1, 0]), xy, locale, TRAVEL, near, YEAR)
    assert len(dep.ids) == 0  # campus 2 beyond reach
    # last in, first out: the teacher with the fewest years at campus 0 goes
    _, dep = cs.deploy_by_need(t, posts, np.zeros(3, int), xy, locale, TRAVEL, 1e9, YEAR)
    rows0 = np.flatnonzero(t.campus == 0)
    assert dep.ids[0] == t.id[rows0[np.lexsort((-t.id[rows0], t.years_here[rows0]))[0]]]


def test_subject_groups_do_not_mix():
    r = np.random.default_rng(1)
    t = make_teachers(np.array([0, 0, 1]), r, manager_share=0, away_share=0)
    t.pe_arts[:] = [True, False, False]
    posts = np.array([[1, 0], [1, 1]])  # campus 0: PE surplus; campus 1: PE vacancy, main full
    _, dep = cs.deploy_by_need(t, posts, np.zeros(2, int), np.zeros((2, 2)), np.zeros(2, int), TRAVEL, 1e9, YEAR)
    assert dep.pe_arts.tolist() == [True] and dep.destination.tolist() == [1]
    posts = np.array([[1, 0], [2, 0]])  # now campus 1 lacks a main teacher: the PE surplus cannot fill it
    _, dep = cs.deploy_by_need(t, posts, np.zeros(2, int), np.zeros((2, 2)), np.zeros(2, int), TRAVEL, 1e9, YEAR)
    assert len(dep.ids) == 0


def test_deployment_does_not_depend_on_row_order():
    r = np.random.default_rng(2)
    n = 6
    t = make_teachers(r.integers(0, n, 80), r)
    posts, xy, locale = r.integers(0, 16, (n, 2)), r.uniform(0, 10, (n, 2)), r.integers(0, 3, n)
    cons = np.array([0, 0, 0, 1, 1, 1])
    new, _ = cs.deploy_by_need(t, posts, cons, xy, locale, TRAVEL, 1e9, YEAR)
    perm = r.permutation(len(t))
    new_p, _ = cs.deploy_by_need(t.take(perm), posts, cons, xy, locale, TRAVEL, 1e9, YEAR)
    assert dict(zip(new.id.tolist(), new.campus.tolist())) == dict(zip(new_p.id.tolist(), new_p.campus.tolist()))


def test_split_posts():
    p = cs.split_posts(np.array([0, 10, 7]), 0.1)
    assert p.sum(1).tolist() == [0, 10, 7] and p[:, 1].tolist() == [0, 1, 1]
    assert cs.split_posts(np.array([5]), 0.0)[:, 1].tolist() == [0]


# -- one leadership team --------------------------------------------------------------------


def _managers(n_campus: int = 4, per: int = 3, others: int = 5, seed: int = 0) -> Teachers:
    r = np.random.default_rng(seed)
    campus = np.repeat(np.arange(n_campus), per + others)
    t = make_teachers(campus, r)
    t.manager[:] = np.tile(np.r_[np.ones(per, bool), np.zeros(others, bool)], n_campus)
    return t


def test_managers_return_by_the_share_at_members_only():
    t = _managers()
    member = np.array([False, True, True, True])
    for share, n in [(0.0, 0), (0.34, 1), (0.67, 2), (1.0, 3)]:
        new, back = cs.managers_to_classes(t, member, share, seed=1, year=YEAR)
        per_campus = np.bincount(t.campus[back], minlength=4)
        assert per_campus.tolist() == [0, n, n, n]
        assert np.array_equal(new.manager, t.manager & ~back) and np.all(t.manager[back])
    # a larger share only adds returners (same ranking)
    _, low = cs.managers_to_classes(t, member, 0.34, 1, YEAR)
    _, high = cs.managers_to_classes(t, member, 0.67, 1, YEAR)
    assert np.all(high[low])


def test_manager_draws_are_keyed_and_order_free():
    t = _managers(n_campus=20)
    member = np.ones(20, bool)
    _, a = cs.managers_to_classes(t, member, 0.34, 7, YEAR)
    perm = np.random.default_rng(0).permutation(len(t))
    _, b = cs.managers_to_classes(t.take(perm), member, 0.34, 7, YEAR)
    assert set(t.id[a]) == set(t.take(perm).id[b])
    _, c = cs.managers_to_classes(t, member, 0.34, 8, YEAR)
    assert set(t.id[a]) != set(t.id[c])  # another seed, another choice (20 campuses, 3 managers each)


def test_pe_arts_specialists_return_to_their_subject():
    r = np.random.default_rng(3)
    t = make_teachers(r.integers(0, 4, 40000), r, pe_share=0.1)
    inside = np.array([True, True, True, False])
    new, back = cs.pe_arts_to_subject(t, inside, 0.05, 1.0, seed=4)
    assert not back[t.campus == 3].any() and not t.pe_arts[back].any()
    assert np.array_equal(new.pe_arts, t.pe_arts | back)
    eligible = ~t.pe_arts & inside[t.campus]
    rate, n = back[eligible].mean(), eligible.sum()
    assert abs(rate - 0.05) < 1.96 * np.sqrt(0.05 * 0.95 / n) * 1.5
    _, half = cs.pe_arts_to_subject(t, inside, 0.05, 0.5, seed=4)
    assert np.all(back[half]) and half.sum() < back.sum()
    for zero in [(0.0, 1.0), (0.05, 0.0)]:
        same, none = cs.pe_arts_to_subject(t, inside, *zero, seed=4)
        assert not none.any() and np.array_equal(same.pe_arts, t.pe_arts)
    perm = r.permutation(len(t))
    _, b = cs.pe_arts_to_subject(t.take(perm), inside, 0.05, 1.0, seed=4)
    assert set(t.id[back]) == set(t.take(perm).id[b])


# -- synchronous classes, buses, housing, allowances, effort, costs ---------------------------


def test_synchronous_classes_lift_weaker_classes_towards_the_hub_backbone():
    # campus 0 hub (backbone skill 0.4 and 0.2, a PE/arts backbone ignored), campus 1 member, campus 2 outside
    skill = np.array([0.4, 0.2, 0.9, 0.0])
    lead = cs.hub_backbone_skill(skill, np.array([0, 0, 0, 1]), np.array([True, True, True, False]),
                                 np.array([False, False, True, False]), np.array([-1, 0, -1]))
    assert np.isnan(lead[0]) and lead[1] == pytest.approx(0.3) and np.isnan(lead[2])
    cls_skill, cls_campus = np.array([0.1, 0.5, 0.1, 0.0]), np.array([1, 1, 2, 0])
    got = cs.synchronous_skill(cls_skill, cls_campus, lead, 0.2, 0.5)
    assert got.tolist() == pytest.approx([0.1 + 0.1 * 0.2, 0.5, 0.1, 0.0])
    assert np.all(got >= cls_skill)
    more = cs.synchronous_skill(cls_skill, cls_campus, lead, 0.4, 0.5)
    less = cs.synchronous_skill(cls_skill, cls_campus, lead, 0.2, 0.8)
    assert more[0] > got[0] > less[0]
    for share, discount in [(0.0, 0.5), (0.3, 1.0)]:
        assert np.array_equal(cs.synchronous_skill(cls_skill, cls_campus, lead, share, discount), cls_skill)


def test_buses_shorten_trips_to_served_campuses_only():
    choice = np.array([[[0, 1, -1]]])
    minutes = np.array([[[25.0, 6.0, np.inf]]], np.float32)
    got = cs.bus_minutes(minutes, choice, np.array([False, True]), 10.0)
    assert got.tolist() == [[[25.0, 0.0, np.inf]]] and got.dtype == np.float32
    assert np.array_equal(cs.bus_minutes(minutes, choice, np.array([True, True]), 0.0), minutes)


def test_allowance_tiers_by_distance_from_the_core():
    mins = np.array([np.nan, 0.0, 19.9, 20.0, 45.0, 200.0])
    assert cs.allowance_level(mins, (20, 40, 60)).tolist() == [0, 0, 0, 1, 2, 3]
    assert cs.tier_allowance(mins, (20, 40, 60), (200, 400, 600)).tolist() == [0, 0, 0, 200, 400, 600]
    with pytest.raises(ValidationError):
        Support(tier_minutes=(30, 20, 40))


def test_housing_lowers_leaving_at_housed_campuses_only():
    base = np.array([0.1, 0.1, 0.2])
    got = cs.housing_attrition(base, np.array([0, 1, 1]), np.array([False, True]), 0.25)
    assert got.tolist() == pytest.approx([0.0, -0.025, -0.05])
    assert np.all(cs.housing_attrition(base, np.array([0, 1, 1]), np.array([True, True]), 0.0) == 0)


def test_effort_cost_lowers_pooled_campuses_only():
    skill, campus = np.array([0.1, 0.2]), np.array([0, 1])
    assert cs.effort_cost(skill, campus, np.array([False, True]), 0.03).tolist() == pytest.approx([0.1, 0.17])
    assert np.array_equal(cs.effort_cost(skill, campus, np.array([True, True]), 0.0), skill)


def test_costs():
    p = ConsortiumCosts()
    c = cs.consortium_costs(np.array([-1, 0, 0, -1]), np.array([True, True, False, False]),
                            np.array([True, True, False, True]), np.array([0, 2, 1, 3]),
                            np.array([0.0, 400.0, 200.0, 0.0]), p)
    assert c["running_yuan"].tolist() == [p.running_yuan_per_consortium, 0, 0, 0]
    assert c["network_rooms_yuan"].tolist() == [p.network_rooms_yuan_per_campus] * 2 + [0, 0]
    assert c["bus_yuan"].tolist() == [0, p.bus_yuan_per_campus, 0, 0]
    assert c["allowance_yuan"].tolist() == [0, 9600, 2400, 0]


# -- parameters ------------------------------------------------------------------------------


def test_parameters_defaults_lie_in_ranges_and_exchange_is_pooled():
    found = uncertainties(JiaoliantiParams, "params")
    assert len(found) >= 15
    assert [u.path for u in found if not u.low <= u.default <= u.high] == []
    p = JiaoliantiParams()
    assert isinstance(p.exchange, ExchangeRules)
    assert (p.exchange.post_stays_home, p.exchange.backbone_floor, p.exchange.backbone_floor_on) == (False, 0.30, "group")
    assert all(f.description for m in (p.pooling, p.leadership, p.synchronous, p.support, p.centralisation, p.costs)
               for f in type(m).model_fields.values())
    with pytest.raises(ValidationError):
        JiaoliantiParams.model_validate({"pooling": {"max_minutes": -1}})
    with pytest.raises(ValidationError):
        JiaoliantiParams.model_validate({"synchronous": {"shares": 0.1}})
