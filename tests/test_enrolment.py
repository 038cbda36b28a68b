"""Enrolment: cohort sizes, new pupils, and admission under the catchment and open rules."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import tiny_network as network

from sim.processes.enrolment import Applicants, _utilities, admit, cohort_entrants, new_students
from sim.processes.progression import UNPLACED
from sim.scenario.dynamics import Choice


# two primary campuses 3 km apart, a cell at each
TWO = [("primary", "urban", 0, 0), ("primary", "urban", 3, 0)]
TWO_CELLS = [("urban", 0, 0), ("urban", 3, 0)]


def applicants(n_per_cell, first_id=0):
    cell = np.repeat(np.arange(len(n_per_cell)), n_per_cell)
    ids = np.arange(first_id, first_id + len(cell), dtype=np.int64)
    return cell, np.zeros(len(cell)), ids


def apply(cell, ses, ids, part, seats, reputation, net, beds, params, seed, year, odds=None):
    """The admission of these applicants (arguments as the fields of Applicants)."""
    return admit(Applicants(cell=np.asarray(cell, np.int64), ses=np.asarray(ses, float), ids=np.asarray(ids, np.int64),
                            part=part, seats=np.asarray(seats, np.int64), reputation=np.asarray(reputation, float),
                            net=net, boarding_free=beds, odds=odds, params=params, seed=seed, year=year))


# --------------------------------------------------------------------------------------------
# cohorts and new pupils


def test_cohort_entrants_reads_children_then_projects_by_births():
    children = np.zeros((3, 15), dtype=int)
    children[:, 0] = [5, 10, 1]
    children[:, 5] = [7, 8, 9]
    births = {2020: 10.0, 2021: 9.0}
    # aged 5 at the start -> enters a year later
    assert cohort_entrants(children, 2020, 2021, births, 0.0).tolist() == [7, 8, 9]
    # born 2021, after the start: age-0 cohort × 9/10, half rounds up
    assert cohort_entrants(children, 2020, 2027, births, 0.0).tolist() == [5, 9, 1]
    # born 2023: the last given year trended twice, 9 × 0.9² / 10 = 0.729
    assert cohort_entrants(children, 2020, 2029, births, -0.1).tolist() == [4, 7, 1]


def test_new_students_counts_ids_and_keyed_draws():
    ses, loc = np.array([0.5, 0.0, -0.5]), np.array([0, 1, 2])
    s = new_students(np.array([2, 0, 3]), 1, ses, loc, 0.0, 0.4, seed=3, year=2)
    # ids: year × 2⁴⁰ + cell × 2²⁰ + rank within the cell, whatever the other cells hold
    assert s.id.tolist() == [(2 << 40) + (c << 20) + r for c, r in ((0, 0), (0, 1), (2, 0), (2, 1), (2, 2))]
    assert s.cell.tolist() == [0, 0, 2, 2, 2]
    assert s.origin.tolist() == [0, 0, 2, 2, 2]
    assert (s.campus == UNPLACED).all() and (s.grade == 1).all()
    again = new_students(np.array([2, 0, 3]), 1, ses, loc, 0.0, 0.4, seed=3, year=2)
    assert np.array_equal(s.ses, again.ses) and np.array_equal(s.achievement, again.achievement)
    # a pupil's id and draws do not move when another cell's cohort changes (common random numbers)
    other = new_students(np.array([5, 1, 3]), 1, ses, loc, 0.0, 0.4, seed=3, year=2)
    assert other.id[-3:].tolist() == s.id[-3:].tolist()
    assert np.array_equal(other.ses[-3:], s.ses[-3:]) and np.array_equal(other.achievement[-3:], s.achievement[-3:])
    assert not np.allclose(new_students(np.array([2, 0, 3]), 1, np.zeros(3), np.zeros(3), 0.0, 0.4, 4, 2).ses,
                           s.ses - np.repeat([0.5, 0.0, -0.5], [2, 0, 3]))
    assert len(set(new_students(np.array([2, 0, 3]), 1, ses, loc, 0.0, 0.4, 3, 3).id) & set(s.id)) == 0  # another year
    # achievement at entry is the baseline, which carries the family gradient
    assert np.array_equal(s.achievement, s.base)


# --------------------------------------------------------------------------------------------
# admission


def test_catchment_rule_places_everyone_in_catchment_and_flags_overflow_exactly():
    net = network(TWO, TWO_CELLS)
    cell, ses, ids = applicants([10, 4])
    a = apply(cell, ses, ids, 0, np.array([6, 9]), np.array([3.0, 0.0]), net, None,
              Choice(admission="catchment", allocation_minutes=0), seed=1, year=1)
    assert a.campus.tolist() == [0] * 10 + [1] * 4
    assert a.overflow[:10].sum() == 4 and not a.overflow[10:].any()
    assert not a.chose_outside_catchment.any()


def test_open_rule_prefers_the_much_better_campus():
    net = network(TWO, TWO_CELLS)
    cell, ses, ids = applicants([500, 500])
    a = apply(cell, ses, ids, 0, np.array([2000, 2000]), np.array([1.0, 0.0]), net, None, Choice(), 1, 1)
    assert (a.campus == 0).mean() > 0.8
    assert a.chose_outside_catchment[cell == 1].mean() > 0.6
    assert not a.overflow.any()


def test_catchment_pupils_have_priority_when_seats_are_short():
    net = network(TWO, TWO_CELLS)
    cell, ses, ids = applicants([50, 50])
    # everyone ranks campus 0 first; it has exactly its own catchment's 50 seats
    a = apply(cell, ses, ids, 0, np.array([50, 100]), np.array([5.0, 0.0]), net, None, Choice(), 1, 1)
    assert (a.campus[cell == 0] == 0).all()
    assert (a.campus[cell == 1] == 1).all()
    # with 30 seats, 30 of its catchment pupils get in by lottery; the other 20 keep their guaranteed
    # place rather than take the campus they like less: they overflow into it (large classes)
    for seats_1 in (100, 50):
        a = apply(cell, ses, ids, 0, np.array([30, seats_1]), np.array([5.0, 0.0]), net, None,
                  Choice(allocation_minutes=0), 1, 1)
        assert (a.campus[cell == 0] == 0).all() and (a.campus[cell == 1] == 1).all()
        assert a.overflow.sum() == 20 and not a.overflow[cell == 1].any()


def test_choosers_never_land_below_their_zoned_campus_and_the_match_is_stable():
    r = np.random.default_rng(3)
    net = network([("primary", ("urban", "town", "rural")[i % 3], *r.uniform(0, 20, 2)) for i in range(9)],
                  [(("urban", "town", "rural")[i % 3], *r.uniform(0, 20, 2)) for i in range(12)])
    cell, ses, ids = r.integers(0, 12, 4000), r.normal(size=4000), np.arange(4000)
    rep, seats = r.normal(size=9), r.integers(100, 700, 9)
    params = Choice(allocation_minutes=0)
    a = apply(cell, ses, ids, 0, seats, rep, net, None, params, 7, 3)
    u = _utilities(Applicants(cell=cell, ses=ses, ids=ids, part=0, seats=seats, reputation=rep, net=net,
                              boarding_free=None, odds=None, params=params, seed=7, year=3))
    cols = net.choice[0, cell]
    u_of = lambda campus: np.where(cols == campus[:, None], u, -np.inf).max(axis=1)  # noqa: E731
    catch = net.catchment[0, cell]
    assert (u_of(a.campus) >= u_of(catch)).all()
    assert a.chose_outside_catchment.any()
    # zoned pupils come first: a campus admits choosers only into seats its zoned pupils leave free
    zoned = np.bincount(catch, minlength=9)
    choosers = np.bincount(a.campus[a.chose_outside_catchment], minlength=9)
    assert (choosers <= np.maximum(seats - zoned, 0)).all()
    # stability: where seats were left after choice, nobody prefers that campus to the one they got
    for j in range(9):
        if np.bincount(a.campus, minlength=9)[j] < seats[j]:
            wants = (cols == j).any(axis=1) & (u_of(np.full(len(cell), j)) > u_of(a.campus))
            assert not wants.any()


def test_low_admission_chances_deter_choosers():
    net = network(TWO, TWO_CELLS)
    cell, ses, ids = applicants([300, 300])
    seats, rep = np.array([400, 400]), np.array([0.3, 0.0])
    sure = apply(cell, ses, ids, 0, seats, rep, net, None, Choice(), 1, 1, odds=np.ones(2))
    slim = apply(cell, ses, ids, 0, seats, rep, net, None, Choice(), 1, 1, odds=np.array([0.05, 1.0]))
    moved = lambda a: (a.campus[cell == 1] == 0).sum()  # noqa: E731
    assert moved(slim) < moved(sure) / 2
    # chances reported for next year: free seats per family who would apply if a place were certain
    assert sure.odds[0] == pytest.approx(min(1.0, 100 / (moved(sure) if moved(sure) < 100 else 100)), rel=1) \
        and 0 < sure.odds[0] <= 1 and sure.odds[1] == 1.0


@pytest.mark.parametrize("rule", ["open", "catchment"])
def test_every_applicant_gets_one_campus_within_seats(rule):
    r = np.random.default_rng(0)
    campuses = [(("primary", "nine_year", "junior")[i % 3], ("urban", "town", "rural")[i % 3], *r.uniform(0, 30, 2))
                for i in range(12)]
    net = network(campuses, [("town", *r.uniform(0, 30, 2)) for _ in range(20)])
    cell = r.integers(0, 20, 3000)
    seats = r.integers(0, 300, 12)
    for part in (0, 1):
        a = apply(cell, r.normal(size=3000), np.arange(3000), part, seats, r.normal(size=12), net, None,
                  Choice(admission=rule), 5, 2)
        assert (a.campus >= 0).all() and net.campus_teaches[a.campus, part].all()
        within = np.bincount(a.campus[~a.overflow], minlength=12)
        assert (within <= seats).all()
        assert (a.campus[a.overflow] == net.catchment[part, cell[a.overflow]]).all()


@pytest.mark.parametrize("seats", [5000, 120])
def test_assignment_follows_the_pupil_not_the_array_order(seats):
    r = np.random.default_rng(1)
    net = network([("primary", "urban", *r.uniform(0, 10, 2)) for _ in range(6)],
                  [("urban", *r.uniform(0, 10, 2)) for _ in range(8)])
    cell, ses, ids = r.integers(0, 8, 1000), r.normal(size=1000), np.arange(1000) * 7 + 3
    rep = r.normal(size=6)
    a = apply(cell, ses, ids, 0, np.full(6, seats), rep, net, None, Choice(), 9, 4)
    perm = r.permutation(1000)
    b = apply(cell[perm], ses[perm], ids[perm], 0, np.full(6, seats), rep, net, None, Choice(), 9, 4)
    assert np.array_equal(a.campus[perm], b.campus)
    assert np.array_equal(a.overflow[perm], b.overflow)


def test_better_reputation_raises_intake():
    r = np.random.default_rng(2)
    net = network([("primary", "town", *r.uniform(0, 15, 2)) for _ in range(5)],
                  [("town", *r.uniform(0, 15, 2)) for _ in range(10)])
    cell, ses, ids = r.integers(0, 10, 2000), r.normal(size=2000), np.arange(2000)
    rep = np.zeros(5)
    before = apply(cell, ses, ids, 0, np.full(5, 5000), rep, net, None, Choice(), 1, 1)
    rep[2] = 0.5
    after = apply(cell, ses, ids, 0, np.full(5, 5000), rep, net, None, Choice(), 1, 1)
    n0, n1 = (before.campus == 2).sum(), (after.campus == 2).sum()
    assert n1 > n0 + 3 * np.sqrt(n0)
    assert (after.campus[before.campus == 2] == 2).all()  # common random numbers: nobody leaves it


def test_boarding_only_far_admits_and_within_beds():
    # a rural cell 25 km from a good town campus with 10 beds, near a weak rural campus
    net = network([("primary", "rural", 0, 0), ("primary", "town", 25, 0)], [("rural", 0, 0)])
    assert net.choice_min[0, 0, 1] > Choice().boarding_minutes
    cell, ses, ids = applicants([400])
    a = apply(cell, ses, ids, 0, np.array([400, 400]), np.array([0.0, 2.0]), net, np.array([0, 10]), Choice(), 1, 1)
    assert a.boards.sum() == 10 and (a.campus[a.boards] == 1).all()
    b = apply(cell, ses, ids, 0, np.array([400, 400]), np.array([0.0, 2.0]), net, None, Choice(), 1, 1)
    assert not b.boards.any() and (b.campus == 1).sum() < (a.campus == 1).sum()


@pytest.mark.parametrize("rule", ["open", "catchment"])
def test_bureau_places_overflow_at_free_seats_nearby(rule):
    # cell 0 (town) zoned to full campus 0; campus 1 (town) close by has room; campus 2 (rural) too
    net = network([("primary", "town", 0, 0), ("primary", "town", 2, 0), ("primary", "rural", 0.5, 0)],
                  [("town", 0, 0)])
    cell, ses, ids = applicants([100])
    rep = np.array([1.0, 0.0, 0.0])
    a = apply(cell, ses, ids, 0, np.array([60, 25, 500]), rep, net, None, Choice(admission=rule), 1, 1)
    # 60 admitted at their zoned campus, 25 placed at the nearby town campus (the bureau never places
    # them at the village school, though it is nearer and empty), and the last 15 overflow at the
    # zoned campus; under open choice a few placed families then choose the village school themselves
    counts = np.bincount(a.campus, minlength=3)
    assert counts[0] == 75 and counts[1] + counts[2] == 25
    assert counts[2] == 0 if rule == "catchment" else 0 <= counts[2] < 10
    assert a.overflow.sum() == 15 and (a.campus[a.overflow] == 0).all()
    far = Choice(admission=rule, allocation_minutes=1)
    b = apply(cell, ses, ids, 0, np.array([60, 25, 500]), rep, net, None, far, 1, 1)
    assert np.bincount(b.campus, minlength=3).tolist() == [100, 0, 0] and b.overflow.sum() == 40
