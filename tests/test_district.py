"""学区制 mechanisms (:mod:`sim.processes.district`) and their parameters (:mod:`sim.scenario.xuequ`):
invariants of each function, each parameter changes behaviour, zero settings are no-ops, and on a
toy district lottery zoning lowers the spread of intake SES across the district's schools."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from sim.processes import district as D
from sim.processes.partnership import spread_skill
from sim.scenario.exchange import ExchangeRules
from sim.scenario.ranges import uncertainties
from sim.scenario.xuequ import DistrictCosts, XuequParams

DISTRICT_OF = np.array([0, 0, 0, -1, 1, 1])
"""Two districts (campuses 0–2 and 4–5) and an independent campus 3."""


# ------------------------------------------------------------------------------------- params


def test_defaults_carry_the_district_exchange_and_partial_blocks_keep_them():
    p = XuequParams()
    assert (p.exchange.share, p.exchange.directions, p.exchange.term_years) == (0.15, "ring", 1)
    assert ExchangeRules().share == 0.10  # the plain rules are untouched
    q = XuequParams.model_validate({"exchange": {"share": 0.2}})
    assert q.exchange.share == 0.2 and q.exchange.term_years == 1 and q.exchange.cap_share == 0.2
    assert p.costs.running_yuan_per_district == 200_000.0


def test_every_field_is_described_and_uncertain_ones_lie_in_their_range():
    for u in uncertainties(XuequParams, "p", XuequParams()):
        assert u.low <= u.default <= u.high, u.path
    paths = {u.path for u in uncertainties(XuequParams, "p", XuequParams())}
    assert {"p.exchange.share", "p.leaders.share", "p.research.spread_rate", "p.facilities.share",
            "p.facilities.discount_per_minute", "p.costs.running_yuan_per_district"} <= paths
    for model in (XuequParams, DistrictCosts):
        for name, info in model.model_fields.items():
            if name not in ("leaders", "research", "facilities", "costs"):
                assert info.description and " / " in info.description, name


@pytest.mark.parametrize("bad", [{"admission": "open"}, {"rolling_period_years": 0}, {"facilities": {"share": 1.5}},
                                 {"exchange": {"share": -0.1}}, {"unknown": 1}])
def test_bad_values_are_refused(bad):
    with pytest.raises(ValidationError):
        XuequParams.model_validate(bad)


# ------------------------------------------------------------------------------------- structure


def test_district_table_and_pairs():
    assert D.district_table(DISTRICT_OF).tolist() == [[0, 1, 2], [4, 5, -1]]
    i, j = D.district_pairs(DISTRICT_OF)
    assert list(zip(i.tolist(), j.tolist())) == [(0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1), (4, 5), (5, 4)]
    assert D.district_table(np.array([-1, -1])).shape[0] == 0


# ------------------------------------------------------------------------------------- facilities

R = np.array([[10.0, 1.0], [0.0, 1.0], [2.0, 1.0], [5.0, 5.0], [1.0, 1.0], [3.0, 3.0]])
P = np.array([10.0, 10.0, 20.0, 5.0, 1.0, 1.0])


def test_full_sharing_without_travel_equalises_resources_per_pupil_in_each_district():
    out = D.pooled_resources(R, P, DISTRICT_OF, np.zeros((6, 6)), 1.0, 0.0)
    per_pupil = out / P[:, None]
    assert np.allclose(per_pupil[:3], R[:3].sum(0) / P[:3].sum())
    assert np.allclose(per_pupil[4:], R[4:].sum(0) / P[4:].sum())
    assert np.array_equal(out[3], R[3])  # independent campus keeps its own
    assert np.allclose(out[:3].sum(0), R[:3].sum(0))  # nothing created


def test_zero_share_is_a_no_op_and_input_is_not_changed():
    before = R.copy()
    assert np.array_equal(D.pooled_resources(R, P, DISTRICT_OF, np.full((6, 6), 10.0), 0.0, 0.02), R)
    D.pooled_resources(R, P, DISTRICT_OF, np.full((6, 6), 10.0), 0.5, 0.02)
    assert np.array_equal(R, before)


def test_travel_discount_and_share_change_what_is_usable():
    minutes = np.full((6, 6), 20.0)
    near = D.pooled_resources(R, P, DISTRICT_OF, np.zeros((6, 6)), 0.5, 0.02)
    far = D.pooled_resources(R, P, DISTRICT_OF, minutes, 0.5, 0.02)
    assert (far[:3].sum(0) < near[:3].sum(0)).all()  # travel loses part of the pool
    assert (far[:3].sum(0) <= R[:3].sum(0) + 1e-9).all()
    more = D.pooled_resources(R, P, DISTRICT_OF, minutes, 0.8, 0.02)
    assert more[1, 0] > far[1, 0]  # the campus with no floor area gains more with a larger share
    beyond = D.pooled_resources(R, P, DISTRICT_OF, np.full((6, 6), 60.0), 0.5, 0.02)  # nothing usable at 60 min
    assert np.allclose(beyond[:3], 0.5 * R[:3] + 0.5 * (P[:3] / P[:3].sum())[:, None] * R[:3])
    i, j = D.district_pairs(DISTRICT_OF)
    assert np.allclose(D.pooled_resources(R, P, DISTRICT_OF, minutes[i, j], 0.5, 0.02), far)  # per-pair form


# ------------------------------------------------------------------------------------- zones


def test_district_zones_put_the_catchment_first_then_the_district():
    zones = D.district_zones(np.array([0, 1, 2, 3, 4, 5, -1]), DISTRICT_OF)
    assert zones.tolist() == [[0, 1, 2], [1, 0, 2], [2, 0, 1], [3, -1, -1], [4, 5, -1], [5, 4, -1], [-1, -1, -1]]
    only = D.district_zones(np.array([0, 1]), DISTRICT_OF, teaches=np.array([1, 1, 0, 1, 1, 1], bool))
    assert only.tolist() == [[0, 1], [1, 0]]


def _applicants(n: int = 300):
    ids = np.arange(10_000, 10_000 + n, dtype=np.int64)
    cell = ids % 3
    zones = D.district_zones(np.array([0, 1, 2]), DISTRICT_OF)
    return ids, cell, zones


@pytest.mark.parametrize("seats", [[100, 100, 100, 0, 0, 0], [150, 20, 60, 0, 0, 0], [10, 0, 5, 0, 0, 0]])
def test_lottery_respects_seats_and_places_everyone(seats):
    ids, cell, zones = _applicants()
    seats = np.array(seats)
    campus, overflow = D.lottery_allocate(ids, cell, zones, seats, 7, 2025)
    assert len(campus) == len(ids) and (campus >= 0).all()
    assert (np.bincount(campus[~overflow], minlength=6) <= seats).all()
    assert overflow.sum() == max(0, len(ids) - seats[:3].sum())  # overflow only when the zone is full
    assert (campus[overflow] == zones[cell[overflow], 0]).all()  # at the catchment campus
    assert all(c in z for c, z in zip(campus, zones[cell]))  # inside the zone


def test_lottery_is_reproducible_order_independent_and_seeded():
    ids, cell, zones = _applicants()
    seats = np.array([120, 90, 60, 0, 0, 0])
    a = D.lottery_allocate(ids, cell, zones, seats, 7, 2025)
    assert all(np.array_equal(x, y) for x, y in zip(a, D.lottery_allocate(ids, cell, zones, seats, 7, 2025)))
    perm = np.random.default_rng(0).permutation(len(ids))
    b = D.lottery_allocate(ids[perm], cell[perm], zones, seats, 7, 2025)
    assert np.array_equal(b[0], a[0][perm]) and np.array_equal(b[1], a[1][perm])
    assert not np.array_equal(D.lottery_allocate(ids, cell, zones, seats, 8, 2025)[0], a[0])
    assert not np.array_equal(D.lottery_allocate(ids, cell, zones, seats, 7, 2026)[0], a[0])


def test_lottery_mixes_cells_and_follows_given_preferences():
    ids, cell, zones = _applicants()
    campus, _ = D.lottery_allocate(ids, cell, zones, np.array([100, 100, 100, 0, 0, 0]), 7, 2025)
    assert (campus != zones[cell, 0]).mean() > 0.4  # most would be at the catchment under one-school zoning
    liked = np.tile([0.0, 1.0, 2.0], (len(ids), 1))  # everyone prefers its zone's last column
    want = zones[cell, 2]
    campus, _ = D.lottery_allocate(ids, cell, zones, np.array([300, 300, 300, 0, 0, 0]), 7, 2025, preference=liked)
    assert np.array_equal(campus, want)


def test_rolling_zone_rotates_every_period_as_a_ring():
    catch = np.array([0, 1, 2, 3, 4, 5, -1])
    assert np.array_equal(D.rolling_zone(catch, DISTRICT_OF, 2024, 2025, 2), catch)  # before the start
    seen = []
    for year in range(2025, 2031):
        z = D.rolling_zone(catch, DISTRICT_OF, year, 2025, 2)
        assert sorted(z[:3].tolist()) == [0, 1, 2] and sorted(z[4:6].tolist()) == [4, 5]  # a bijection
        assert z[3] == 3 and z[6] == -1
        seen.append(z[0])
    assert seen == [0, 0, 1, 1, 2, 2]  # changes every 2 years, visiting every campus
    assert [D.rolling_zone(catch, DISTRICT_OF, y, 2025, 1)[0] for y in range(2025, 2029)] == [0, 1, 2, 0]


# ------------------------------------------------------------------------------------- intake SES


def _toy_intake(seed: int, lottery: bool) -> float:
    """A district of 4 schools with 4 cells of rising mean SES (−1.5 … 1.5), 60 entrants each and
    60 seats per school: the SD across schools of their entrants' mean SES."""
    district_of = np.zeros(4, np.int64)
    ids = np.arange(240, dtype=np.int64) + 1000 * seed
    cell = ids % 4
    ses = np.linspace(-1.5, 1.5, 4)[cell] + np.random.default_rng(seed).normal(0, 1, 240)
    zones = D.district_zones(np.arange(4), district_of)
    if lottery:
        campus, overflow = D.lottery_allocate(ids, cell, zones, np.full(4, 60), seed, 2025)
        assert not overflow.any()
    else:
        campus = cell
    return float(D.intake_spread(campus, ses, district_of)[0])


def test_lottery_zoning_lowers_the_spread_of_intake_ses():
    diff = np.array([_toy_intake(s, False) - _toy_intake(s, True) for s in range(20)])
    low = diff.mean() - 1.96 * diff.std(ddof=1) / np.sqrt(len(diff))
    assert low > 0.5  # catchment spread ≈ 1.1 SD, lottery ≈ sampling noise


def test_intake_spread_and_district_mean():
    spread = D.intake_spread(np.array([0, 0, 1, 1, 3, 4]), np.array([1.0, 1.0, -1.0, -1.0, 5.0, 2.0]), DISTRICT_OF)
    assert spread[0] == pytest.approx(1.0) and np.isnan(spread[1])  # district 1 has one campus with entrants
    mean = D.district_mean(np.array([1.0, 3.0, 0.0, 9.0, 2.0, 4.0]), np.array([1.0, 1.0, 2.0, 1.0, 1.0, 3.0]),
                           DISTRICT_OF)
    assert np.allclose(mean[[0, 1, 2]], 1.0) and np.isnan(mean[3]) and np.allclose(mean[[4, 5]], 3.5)


# ------------------------------------------------------------------------------------- research


def _teachers(n: int = 120):
    ids = np.arange(500, 500 + n, dtype=np.int64)
    campus = np.arange(n) % 6
    pe = ((np.arange(n) // 6) % 4 == 0).astype(np.int64)
    return ids, campus, pe


def test_links_go_to_other_campuses_of_the_district_in_the_same_subject_group():
    ids, campus, pe = _teachers()
    a, b = D.district_links(ids, campus, pe, DISTRICT_OF, 3, 1, 2025)
    assert len(a) == 3 * (campus != 3).sum()
    assert (campus[a] != campus[b]).all() and (DISTRICT_OF[campus[a]] == DISTRICT_OF[campus[b]]).all()
    assert (pe[a] == pe[b]).all() and not np.isin(3, campus[a]) and not np.isin(3, campus[b])
    assert set(campus[b[campus[a] == 0]]) == {1, 2}  # both other campuses are drawn
    assert D.district_links(ids, campus, pe, DISTRICT_OF, 0, 1, 2025)[0].size == 0


def test_links_are_order_independent_and_lift_the_weaker_side():
    ids, campus, pe = _teachers()
    a, b = D.district_links(ids, campus, pe, DISTRICT_OF, 2, 1, 2025)
    perm = np.random.default_rng(3).permutation(len(ids))
    pa, pb = D.district_links(ids[perm], campus[perm], pe[perm], DISTRICT_OF, 2, 1, 2025)
    assert sorted(zip(ids[a], ids[b])) == sorted(zip(ids[perm][pa], ids[perm][pb]))
    skill = np.where(campus == 0, 0.2, 0.0)  # campus 0 is the strong school
    gain = spread_skill(skill, a, b, 0.05)
    assert gain[campus == 0].max() == 0 and gain[np.isin(campus, [1, 2])].mean() > 0
    assert gain[campus == 3].max() == 0


# ------------------------------------------------------------------------------------- leaders


def test_leader_rotation_sends_the_share_to_another_district_campus():
    ids, campus, _ = _teachers()
    manager = np.arange(len(ids)) < 48  # 8 leaders at each campus
    who, host = D.leader_rotation(ids, campus, campus, manager, DISTRICT_OF, 0.25, 1, 2025)
    assert np.bincount(campus[who], minlength=6).tolist() == [2, 2, 2, 0, 2, 2]
    assert manager[who].all() and (host != campus[who]).all()
    assert (DISTRICT_OF[host] == DISTRICT_OF[campus[who]]).all()
    hosts_of_0 = set()
    for year in (2025, 2026):
        w, h = D.leader_rotation(ids, campus, campus, manager, DISTRICT_OF, 0.25, 1, year)
        hosts_of_0 |= set(h[campus[w] == 0].tolist())
    assert hosts_of_0 == {1, 2}  # a different campus each year
    away = campus.copy()
    away[who] = host
    again, _ = D.leader_rotation(ids, away, campus, manager, DISTRICT_OF, 0.25, 1, 2025)
    assert not np.isin(again, who).any()  # leaders away are not sent again
    assert D.leader_rotation(ids, campus, campus, manager, DISTRICT_OF, 0.0, 1, 2025)[0].size == 0


# ------------------------------------------------------------------------------------- costs


def test_costs_book_the_running_cost_at_heads_and_allowances_where_posted():
    head = np.array([1, 0, 0, 1, 1, 0], bool)
    costs = D.district_costs(DISTRICT_OF, head, np.array([0, 2, 1, 4, 0, 0]), DistrictCosts())
    assert costs["district_running_yuan"].tolist() == [200_000.0, 0, 0, 0, 200_000.0, 0]
    assert costs["exchange_allowance_yuan"].tolist() == [0, 9600.0, 4800.0, 0, 0, 0]
    free = D.district_costs(DISTRICT_OF, head, np.ones(6), DistrictCosts(running_yuan_per_district=0,
                                                                          exchange_allowance_yuan=0))
    assert not any(v.any() for v in free.values())
