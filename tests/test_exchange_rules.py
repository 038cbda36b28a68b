"""Teacher exchange rules (sim.processes.exchange): exact rule checks over many random teacher
populations, group layouts and rule sets, every year of several in sequence; reproducibility; and
one test per parameter family showing it changes what happens."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.processes import careers, titles
from sim.processes.exchange import (
    GroupLayout, end_terms, eligible, exchange_orders, extra_attrition, group_floor, post_new_hires_at_hub,
    title_params,
)
from sim.scenario import models
from sim.scenario.dynamics import TeacherDynamics
from sim.scenario.exchange import ExchangeRules
from sim.state import FIRST, SENIOR, Teachers
from teacher_rows import make

PARAMS = TeacherDynamics()
YEARS = 6


# -- random populations, layouts and rules ----------------------------------------------------------

def population(seed: int, n: int, n_campus: int) -> Teachers:
    """``n`` teachers spread over ``n_campus`` campuses with random ages, sexes, years at the campus,
    backbone and manager flags."""
    r = np.random.default_rng(seed)
    age = r.integers(22, 60, n)
    return make(r.integers(0, n_campus, n), age=age, female=r.random(n) < 0.5,
                years_here=np.minimum(r.integers(0, 25, n), age - 21), backbone=r.random(n) < r.uniform(0, 0.5),
                manager=r.random(n) < 0.05, experience=age - 22, skill=r.normal(0, 0.1, n).astype(np.float32),
                first_id=int(r.integers(0, 1000)))


def layout_of(groups: list[int], hubless: list[bool]) -> GroupLayout:
    """Campus c in group ``groups[c]`` (-1 none); the lowest-index campus of each group is its hub
    unless ``hubless[g]``."""
    group = np.asarray(groups, np.int64)
    n_groups = 2
    hub = np.full(n_groups, -1, np.int64)
    role = np.zeros(len(group), np.int8)
    for g in range(n_groups):
        at = np.flatnonzero(group == g)
        if at.size:
            role[at] = 2
            if not hubless[g]:
                hub[g], role[at[0]] = at[0], 1
    return GroupLayout(group, role, hub)


rule_sets = st.builds(
    ExchangeRules,
    male_max_age=st.integers(30, 60), female_max_age=st.integers(30, 60), min_years_at_school=st.integers(0, 12),
    must_rotate_years=st.integers(1, 20), share=st.one_of(st.floats(0, 1), st.sampled_from([0.1, 0.5])),
    backbone_floor=st.one_of(st.floats(0, 1), st.sampled_from([0.0, 0.2, 0.3])),
    backbone_floor_on=st.sampled_from(["hub", "all"]),
    directions=st.sampled_from(["hub_to_member", "member_to_hub", "both"]), term_years=st.integers(1, 6),
    cap_share=st.one_of(st.floats(0, 1), st.sampled_from([0.15, 0.3, 1.0])), post_stays_home=st.booleans())


@st.composite
def worlds(draw):
    n_campus = draw(st.integers(1, 8))
    groups = draw(st.lists(st.sampled_from([-1, 0, 0, 1]), min_size=n_campus, max_size=n_campus))
    hubless = draw(st.lists(st.booleans(), min_size=2, max_size=2).map(lambda b: [x and y for x, y in zip(b, b[::-1])]))
    teachers = population(draw(st.integers(0, 2**32 - 1)), draw(st.integers(0, 300)), n_campus)
    return teachers, layout_of(groups, hubless), draw(rule_sets), draw(st.integers(0, 2**32 - 1))


def next_year(t: Teachers, year: int, seed: int) -> Teachers:
    """A school year taught: everyone a year older and a year longer at their campus."""
    return careers.after_year(t, PARAMS, None, np.zeros(int(t.campus.max(initial=0)) + 1, bool), seed, year)


def expected_counts(t: Teachers, layout: GroupLayout, rules: ExchangeRules) -> dict[str, np.ndarray]:
    """Per campus, what the rules say, recomputed plainly (one campus at a time) from the teachers
    after returns."""
    n_campus = len(layout.campus_group)
    elig = eligible(t, layout, rules)
    out = {k: np.zeros(n_campus, np.int64) for k in ("target", "elig", "backbone", "cap")}
    for c in range(n_campus):
        here = t.campus == c
        e = int((elig & here).sum())
        d = int((elig & here & (t.years_here >= rules.must_rotate_years)).sum())
        mine = t.owner == c
        cap = max(math.floor(rules.cap_share * int(mine.sum()) + 1e-9) - int((mine & (t.campus != c)).sum()), 0)
        out["target"][c] = min(max(math.ceil(rules.share * e - 1e-9), d), e, cap)
        out["elig"][c], out["backbone"][c], out["cap"][c] = e, int((elig & here & t.backbone).sum()), cap
    return out


def floor_binds(layout: GroupLayout, rules: ExchangeRules) -> np.ndarray:
    return np.ones(len(layout.campus_group), bool) if rules.backbone_floor_on == "all" else layout.campus_role == 1


# -- the rules, every year ------------------------------------------------------------------------

@settings(max_examples=120, deadline=None)
@given(worlds())
def test_every_rule_holds_every_year(world):
    t, layout, rules, seed = world
    n_campus = len(layout.campus_group)
    owner_at_start = dict(zip(t.id.tolist(), t.owner.tolist()))
    sent_in: dict[int, tuple[int, int]] = {}  # id -> (year sent, host)
    binds = floor_binds(layout, rules)
    for year in range(1, YEARS + 1):
        before = t
        back, ended = end_terms(before, year)
        expect = expected_counts(back, layout, rules)
        elig = eligible(back, layout, rules)
        t, orders = exchange_orders(before, layout, rules, year, seed)
        row = {i: k for k, i in enumerate(t.id.tolist())}
        sent = np.array([row[i] for i in orders.ids.tolist()], np.int64)

        # only eligible teachers rotate, from the campus they were at
        assert elig[sent].all()
        assert (orders.origin == back.campus[sent]).all()
        out = np.bincount(orders.origin, minlength=n_campus)
        bb = np.bincount(orders.origin[orders.backbone], minlength=n_campus)
        # never more than the cap; exactly the share target unless the backbone floor forces fewer
        assert (out <= expect["cap"]).all()
        assert (out == expect["target"] - orders.short).all()
        enough = expect["backbone"] >= np.ceil(rules.backbone_floor * expect["target"] - 1e-9)
        assert (orders.short[enough | ~binds] == 0).all()
        # the backbone floor among those sent, wherever it binds
        assert (bb[binds] >= rules.backbone_floor * out[binds] - 1e-9).all()
        assert (orders.backbone == back.backbone[sent]).all()
        # due teachers go before others: a campus holding back a due teacher sends no one else but
        # the backbone teachers the floor needs
        due = elig & (back.years_here >= rules.must_rotate_years)
        held = np.bincount(back.campus[due], minlength=n_campus) - np.bincount(orders.origin[due[sent]],
                                                                                minlength=n_campus)
        assert (orders.deferred == held).all() and (orders.short >= 0).all()
        others = np.bincount(orders.origin[~due[sent]], minlength=n_campus)
        floor_need = np.where(binds, np.ceil(rules.backbone_floor * out - 1e-9), 0)
        assert (others[held > 0] <= floor_need[held > 0]).all()
        assert (np.bincount(orders.origin[~due[sent] & ~orders.backbone], minlength=n_campus)[held > 0] == 0).all()
        # destinations: another campus of the same group, hubs to members and members to the hub
        g = layout.campus_group[orders.origin]
        assert (layout.campus_group[orders.destination] == g).all()
        assert (orders.destination != orders.origin).all()
        from_hub = layout.campus_role[orders.origin] == 1
        assert (layout.campus_role[orders.destination][from_hub] == 2).all()
        assert (orders.destination[~from_hub] == layout.group_hub[g[~from_hub]]).all()
        if rules.directions == "hub_to_member":
            assert from_hub.all()
        if rules.directions == "member_to_hub":
            assert not from_hub.any()
        # the posting
        assert (t.campus[sent] == orders.destination).all()
        assert (t.exchange_until[sent] == year + rules.term_years).all()
        assert (t.years_here[sent] == 0).all()
        assert (t.owner[sent] == (back.owner[sent] if rules.post_stays_home else orders.destination)).all()
        # terms end and teachers return on time; nobody else moves
        for i, (y0, host) in list(sent_in.items()):
            k = row[i]
            if year < y0 + rules.term_years:
                assert t.campus[k] == host and t.exchange_until[k] == y0 + rules.term_years
            else:
                assert ended[k] and back.campus[k] == back.owner[k]
                del sent_in[i]
        moved_back = ended & (before.campus != before.owner)
        assert sorted(orders.returned_ids.tolist()) == sorted(before.id[moved_back].tolist())
        untouched = np.ones(len(t), bool)
        untouched[sent] = False
        untouched &= ~ended
        assert (t.campus[untouched] == before.campus[untouched]).all()
        if rules.post_stays_home:
            assert all(owner_at_start[i] == o for i, o in zip(t.id.tolist(), t.owner.tolist()))
        for i, host in zip(orders.ids.tolist(), orders.destination.tolist()):
            sent_in[i] = (year, host)
        t = next_year(t, year, seed)


def test_flows_hold_every_order_and_its_backbone_subset():
    t = population(3, 300, 4)
    layout = layout_of([0, 0, 0, 0], [False, False])
    _, orders = exchange_orders(t, layout, ExchangeRules(), 1, 5)
    (name, o, d), (bname, bo, bd) = orders.flows()
    assert (name, bname) == ("exchange", "exchange_backbone")
    assert len(o) == len(orders.ids) > 0 and 0 < len(bo) < len(o)
    assert (bo == orders.origin[orders.backbone]).all() and (bd == orders.destination[orders.backbone]).all()


# -- reproducibility ------------------------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(worlds(), st.integers(0, 2**32 - 1))
def test_same_seed_same_orders_whatever_the_row_order(world, perm_seed):
    t, layout, rules, seed = world
    perm = np.random.default_rng(perm_seed).permutation(len(t))
    a_t, a = exchange_orders(t, layout, rules, 2, seed)
    b_t, b = exchange_orders(t.take(perm), layout, rules, 2, seed)

    def by_id(o):
        return sorted(zip(o.ids.tolist(), o.origin.tolist(), o.destination.tolist(), o.backbone.tolist()))

    assert by_id(a) == by_id(b)
    assert (a.short == b.short).all() and (a.deferred == b.deferred).all()
    assert (b_t.campus == a_t.campus[perm]).all() and (b_t.exchange_until == a_t.exchange_until[perm]).all()
    again_t, again = exchange_orders(t, layout, rules, 2, seed)
    assert by_id(again) == by_id(a)


def test_another_seed_draws_other_teachers():
    t = population(1, 400, 3)
    layout = layout_of([0, 0, 0], [False, False])
    picks = {tuple(sorted(exchange_orders(t, layout, ExchangeRules(), 1, s)[1].ids.tolist())) for s in range(5)}
    assert len(picks) > 1


# -- each parameter family changes behaviour --------------------------------------------------------

HUB_AND_TWO = layout_of([0, 0, 0], [False, False])


def hub_staff(n=40, **fields) -> Teachers:
    """``n`` teachers at the hub (campus 0), men of 30 with 8 years there, unless told otherwise;
    plus 10 at each member (campuses 1, 2) with 2 years there (not eligible)."""
    hub = make(np.zeros(n), **{"age": 30, "years_here": 8, **fields})
    return hub.concat(make(np.repeat([1, 2], 10), age=30, years_here=2, first_id=n))


def sent(t, rules, year=1, seed=0, layout=HUB_AND_TWO):
    return exchange_orders(t, layout, rules, year, seed)[1]


def test_eligibility_by_age_sex_years_and_leadership():
    t = make(np.zeros(6), age=[46, 46, 49, 50, 30, 30], female=[False, True, False, False, False, False],
             years_here=[8, 8, 8, 8, 5, 8], manager=[False] * 5 + [True])
    t = t.concat(make([1], age=30, years_here=0, first_id=6))
    rules = ExchangeRules()
    assert eligible(t, HUB_AND_TWO, rules).tolist() == [True, False, True, False, False, False, False]
    looser = rules.model_copy(update={"female_max_age": 50, "min_years_at_school": 5})
    assert eligible(t, HUB_AND_TWO, looser).tolist() == [True, True, True, False, True, False, False]
    # a teacher away on a posting is not eligible, whatever their years
    away = make([0], age=30, years_here=9, exchange_until=3, first_id=7).concat(make([1], first_id=8, years_here=0))
    assert not eligible(away, HUB_AND_TWO, rules).any()


def test_teachers_due_to_rotate_go_first_and_raise_the_count():
    years = np.r_[np.full(5, 13), np.full(35, 7)]
    t = hub_staff(years_here=years)
    rules = ExchangeRules(share=0.05, cap_share=0.5, backbone_floor=0.0)
    o = sent(t, rules)
    assert len(o.ids) == 5 and set(o.ids.tolist()) == set(range(5))  # ⌈0.05 × 40⌉ = 2 < 5 due
    o = sent(t, rules.model_copy(update={"must_rotate_years": 20}))
    assert len(o.ids) == 2


def test_share_sets_how_many_are_sent():
    t = hub_staff()
    counts = [len(sent(t, ExchangeRules(share=s, cap_share=1.0, backbone_floor=0.0)).ids) for s in (0.1, 0.25, 0.5)]
    assert counts == [4, 10, 20]


def test_cap_limits_each_campus():
    t = hub_staff()  # 40 at the hub
    assert len(sent(t, ExchangeRules(share=0.5, cap_share=1.0, backbone_floor=0.0)).ids) == 20
    assert len(sent(t, ExchangeRules(share=0.5, cap_share=0.1, backbone_floor=0.0)).ids) == 4
    due = hub_staff(years_here=15)  # all due, still capped
    o = sent(due, ExchangeRules(cap_share=0.1, backbone_floor=0.0))
    assert len(o.ids) == 4 and o.deferred[0] == 36


def test_backbone_floor_picks_backbone_first_or_sends_fewer():
    # 34 teachers due to rotate go first unless the floor asks for the 6 backbone teachers (not due)
    backbone = np.arange(40) < 6
    t = hub_staff(backbone=backbone, years_here=np.where(backbone, 8, 13))
    rules = ExchangeRules(cap_share=0.25)  # 10 sent of 40
    no_floor = sent(t, rules.model_copy(update={"backbone_floor": 0.0}))
    floor = sent(t, rules.model_copy(update={"backbone_floor": 0.25}))
    assert len(no_floor.ids) == len(floor.ids) == 10
    assert no_floor.backbone.sum() == 0 and floor.backbone.sum() == 3 and floor.short[0] == 0
    high = sent(hub_staff(backbone=backbone), ExchangeRules(share=0.5, cap_share=1.0, backbone_floor=0.5))
    assert len(high.ids) == 12 and high.backbone.sum() == 6 and high.short[0] == 8  # 10 backbone of 20 needed, 6 exist
    # at members the default floor does not bind; with backbone_floor_on=all a member without backbone sends none
    m = make(np.repeat([0, 1, 2], 20), age=30, years_here=8)
    at_members = sent(m, ExchangeRules(share=0.5, cap_share=1.0))
    assert (np.bincount(at_members.origin, minlength=3)[1:] == 10).all()
    everywhere = sent(m, ExchangeRules(share=0.5, cap_share=1.0, backbone_floor_on="all"))
    assert len(everywhere.ids) == 0 and (everywhere.short == 10).all()


def test_directions():
    t = make(np.repeat([0, 1, 2], 20), age=30, years_here=8)
    rules = ExchangeRules(share=0.5, cap_share=1.0, backbone_floor=0.0)
    origins = {d: np.bincount(sent(t, rules.model_copy(update={"directions": d})).origin, minlength=3).tolist()
               for d in ("hub_to_member", "member_to_hub", "both")}
    assert origins == {"hub_to_member": [10, 0, 0], "member_to_hub": [0, 10, 10], "both": [10, 10, 10]}


def test_hub_teachers_go_to_the_neediest_members_in_turn():
    layout = layout_of([0, 0, 0, 0], [False, False])
    t = make(np.zeros(40), age=30, years_here=8, backbone=np.arange(40) < 8).concat(
        make(np.repeat([1, 2, 3], 5), first_id=40, years_here=0))
    rules = ExchangeRules(share=0.25, cap_share=1.0, backbone_floor=0.0, directions="hub_to_member")
    o = exchange_orders(t, layout, rules, 1, 0, need=np.array([0.0, 0.1, 0.9, 0.5]))[1]
    assert np.bincount(o.destination, minlength=4).tolist() == [0, 3, 4, 3]  # 10 over 3, the neediest first
    assert np.bincount(o.destination[o.backbone], minlength=4)[1:].max() - \
        np.bincount(o.destination[o.backbone], minlength=4)[1:].min() <= 1  # backbone spread


def test_term_sets_when_teachers_return():
    t = hub_staff()
    for term in (1, 3):
        rules = ExchangeRules(term_years=term, cap_share=1.0, backbone_floor=0.0, directions="hub_to_member")
        x, o = exchange_orders(t, HUB_AND_TWO, rules, 1, 0)
        ids = set(o.ids.tolist())
        for year in range(2, 6):
            x, o2 = exchange_orders(x, HUB_AND_TWO, rules, year, 0)
            at = x.campus[np.isin(x.id, list(ids))]
            assert (at == 0).all() if year >= 1 + term else (at != 0).all()
            if year == 1 + term:
                assert set(o2.returned_ids.tolist()) == ids


def test_pooled_staffing_moves_the_post_and_nobody_returns():
    t = hub_staff()
    rules = ExchangeRules(post_stays_home=False, term_years=1, backbone_floor=0.0, directions="hub_to_member")
    x, o = exchange_orders(t, HUB_AND_TWO, rules, 1, 0)
    moved = np.isin(x.id, o.ids)
    assert (x.owner[moved] == x.campus[moved]).all() and (x.campus[moved] != 0).all()
    x, o2 = exchange_orders(x, HUB_AND_TWO, rules, 2, 0)
    assert (x.campus[moved] != 0).all() and len(o2.returned_ids) == 0 and (x.exchange_until[moved] == -1).all()


def test_new_hires_first_posted_at_the_hub():
    t = make(np.array([0, 1, 2, 2, 3]), years_here=0)
    layout = layout_of([0, 0, 0, -1], [False, False])
    hired = np.array([True, True, True, False, True])
    same, none = post_new_hires_at_hub(t, hired, layout, ExchangeRules(), 4)
    assert not none.any() and (same.campus == t.campus).all()
    x, posted = post_new_hires_at_hub(t, hired, layout, ExchangeRules(hub_first_posting_years=2), 4)
    assert posted.tolist() == [False, True, True, False, False]  # hires at members only, not at the hub or outside
    assert x.campus.tolist() == [0, 0, 0, 2, 3] and x.owner.tolist() == [0, 1, 2, 2, 3]
    assert x.exchange_until.tolist() == [-1, 5, 5, -1, -1]  # teach school years 4 and 5 at the hub
    x, o = exchange_orders(x, layout, ExchangeRules(), 4, 0)
    assert x.campus.tolist() == [0, 0, 0, 2, 3]
    x, o = exchange_orders(x, layout, ExchangeRules(), 5, 0)
    assert x.campus.tolist() == [0, 1, 2, 2, 3] and sorted(o.returned_ids.tolist()) == [1, 2]


def test_extra_attrition_only_while_posted_away():
    t = make(np.zeros(3), exchange_until=[-1, 3, 5])
    assert extra_attrition(t, ExchangeRules(), 4).tolist() == [0, 0, 0]
    assert extra_attrition(t, ExchangeRules(extra_attrition=0.05), 4).tolist() == [0, 0, 0.05]
    assert extra_attrition(t, ExchangeRules(extra_attrition=0.05), 3).tolist() == [0, 0.05, 0.05]


def test_title_rule_is_the_stricter_of_scenario_and_mode():
    assert title_params(PARAMS, ExchangeRules()).senior_hardship_years == 1
    assert title_params(PARAMS, ExchangeRules(senior_title_hardship_years=0)).senior_hardship_years == 0
    strict = PARAMS.model_copy(update={"senior_hardship_years": 3})
    assert title_params(strict, ExchangeRules()).senior_hardship_years == 3


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 3))
def test_senior_titles_only_to_teachers_with_the_rural_service_when_on(seed, years):
    r = np.random.default_rng(seed)
    n = 200
    t = make(np.zeros(n), title=FIRST, hardship_years=r.integers(0, 4, n), skill=r.normal(0, 0.1, n),
             experience=20)
    t.title_years[:] = 6
    spec = models.Teachers()
    pool = np.zeros(n, np.int64)
    params = title_params(PARAMS, ExchangeRules(senior_title_hardship_years=years))
    up = titles.promote(t, pool, spec, params, seed, 1).title == SENIOR
    assert up.any()
    assert (t.hardship_years[up] >= years).all()
    if years > 0:
        assert (t.hardship_years < years).any() and not up[t.hardship_years < years].any()


@pytest.mark.parametrize("field", ["share", "backbone_floor", "term_years", "cap_share", "extra_attrition"])
def test_uncertain_rules_declare_a_range_holding_the_default(field):
    from sim.scenario.ranges import uncertainties

    found = {u.path: u for u in uncertainties(ExchangeRules, "exchange")}
    u = found[f"exchange.{field}"]
    assert u.low <= u.default <= u.high and u.description.split(" / ")[0]


def test_layout_keeps_only_the_groups_formed():
    from types import SimpleNamespace

    net = SimpleNamespace(campus_group=np.array([0, 0, 1, 1, -1], np.int32),
                          campus_role=np.array([1, 2, 1, 2, 0], np.int8), group_hub=np.array([0, 2], np.int32))
    every = GroupLayout.of(net)
    assert every.campus_group.tolist() == [0, 0, 1, 1, -1] and every.members().tolist() == [1, 1]
    first = GroupLayout.of(net, formed=np.array([True, False]))
    assert first.campus_group.tolist() == [0, 0, -1, -1, -1] and first.campus_role.tolist() == [1, 2, 0, 0, 0]
    t = make([0, 1, 2, 3], years_here=8)
    rules = ExchangeRules(cap_share=1.0, backbone_floor=0.0, share=1.0)
    assert eligible(t, every, rules).tolist() == [True] * 4
    assert eligible(t, first, rules).tolist() == [True, True, False, False]


def test_ring_sends_from_every_campus_to_the_others_in_turn():
    """A district of five campuses (hub 0): under ``ring`` each campus sends its share, never home,
    and receives about as many as it sends, year after year."""
    campus = np.repeat(np.arange(5), 40)
    t = make(campus, age=35, years_here=8, experience=13)
    layout = GroupLayout(np.zeros(5, np.int64), np.array([1, 2, 2, 2, 2], np.int8), np.array([0]))
    rules = ExchangeRules(directions="ring", share=0.2, cap_share=0.3, term_years=1, backbone_floor=0.0)
    for year in (1, 2, 3):
        t, orders = exchange_orders(t, layout, rules, year, seed=4)
        sent = np.bincount(orders.origin, minlength=5)
        received = np.bincount(orders.destination, minlength=5)
        assert (sent == (8 if year == 1 else sent[0])).all() and sent[0] > 0  # ⌈0.2 × eligible⌉ everywhere
        assert (orders.origin != orders.destination).all()
        assert received.max() - received.min() <= 2


def test_a_group_floor_counts_the_groups_exchanged_teachers_as_a_whole():
    """Hub 0 with backbone to spare, members 1–2 with none: under ``group`` the members still send
    ordinary teachers and the hub's backbone teachers carry the group's 30 %; where the group has too
    few backbone teachers, it sends no more than they allow, cutting ordinary places first."""
    n, backbone, group = np.array([4, 3, 3]), np.array([5, 0, 0]), np.zeros(3, np.int64)
    sent, need_b, cut = group_floor(n, backbone, group, 0.3)
    np.testing.assert_array_equal(sent, [4, 3, 3])
    assert need_b.sum() == 3 and need_b[0] == 3 and cut.sum() == 0  # ⌈0.3 × 10⌉ = 3 backbone, all from the hub
    sent, need_b, cut = group_floor(n, np.array([1, 0, 0]), group, 0.3)
    assert sent.sum() == 3 and need_b.sum() == 1 and cut.sum() == 7  # ⌊1 / 0.3⌋ = 3 in all
    assert (need_b <= sent).all() and (sent >= 0).all()
    sent, _, _ = group_floor(n, backbone, np.array([0, 0, -1]), 0.3)
    assert sent[2] == 3  # a campus outside every group is left alone
