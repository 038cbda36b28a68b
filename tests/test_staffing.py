"""Staffing that follows pupils: 调剂 of surplus teachers nearest first, 选调进城, and a shrinking
campus that sheds its posts."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine import Simulation
from sim.network import OVERLAP
from sim.processes.staffing import STAFFING_MEMORY, SELECTION_MAX_AGE, SELECTION_MIN_YEARS, reallocate, select_to_town
from sim.results import tables
from sim.scenario.dynamics import TeacherDynamics
from sim.scenario.loader import load_scenario

from teacher_rows import make, within

PARAMS = TeacherDynamics()
PRIMARY, JUNIOR, NINE = 0, 1, 2
URBAN, TOWN, RURAL = 0, 1, 2


def test_surplus_goes_to_the_nearest_vacancies_last_in_first_out():
    # campus 0 (4 posts, 7 teachers) surrounded by: 1 at 5 km (2 vacancies), 2 at 10 km (5), a junior
    # campus 3 at 1 km (vacancies, other grades) and 4 at 50 km (beyond the 30 km radius)
    xy = np.array([[0, 0], [5, 0], [0, 10], [1, 0], [50, 0]], float)
    stage = np.array([PRIMARY, PRIMARY, PRIMARY, JUNIOR, PRIMARY])
    posts = np.array([4, 5, 8, 6, 9])
    t = make(np.r_[[0] * 7, [1] * 3, [2] * 3, [3] * 2, [4] * 5], years_here=np.r_[[9, 0, 2, 1, 8, 0, 0], [5] * 13])
    t.manager[5] = True  # a manager is never moved
    t.exchange_until[6] = 9  # nor a teacher whose exchange runs (posted here, post elsewhere)
    t.owner[6] = 2
    out, moves = reallocate(t, posts, xy, stage, PARAMS, year=3)
    # campus 0 owns 6 (teacher 6's post is campus 2's): surplus 2, moved: newest first (ids 1, 3)
    assert sorted(zip(moves.origin.tolist(), moves.destination.tolist())) == [(0, 1), (0, 1)]
    assert out.campus[[1, 3]].tolist() == [1, 1] and out.owner[[1, 3]].tolist() == [1, 1]
    assert out.years_here[[1, 3]].tolist() == [0, 0]
    assert out.campus[5] == 0 and out.campus[6] == 0 and out.owner[6] == 2
    assert len(out) == len(t) and np.array_equal(out.id, t.id)


def test_nearer_surplus_campus_served_first_and_spill_to_the_next():
    # surplus campuses A (x 0) and B (x 10) each have one teacher too many; V (x 4) has one vacancy,
    # nearer A; W (x 20, nine-year) has two: B's teacher goes there, and A's second surplus too
    xy = np.array([[0, 0], [10, 0], [4, 0], [20, 0]], float)
    stage = np.array([PRIMARY, PRIMARY, PRIMARY, NINE])
    posts = np.array([1, 1, 2, 2])
    t = make(np.r_[[0] * 3, [1] * 2, [2] * 1])
    out, moves = reallocate(t, posts, xy, stage, PARAMS, year=1)
    assert sorted(zip(moves.origin.tolist(), moves.destination.tolist())) == [(0, 2), (0, 3), (1, 3)]
    assert np.bincount(out.owner, minlength=4).tolist() == [1, 1, 2, 2]


@st.composite
def regions(draw):
    n = draw(st.integers(2, 12))
    xy = np.array([[draw(st.floats(0, 60)), draw(st.floats(0, 60))] for _ in range(n)])
    stage = np.array([draw(st.integers(0, 2)) for _ in range(n)])
    posts = np.array([draw(st.integers(0, 8)) for _ in range(n)])
    campus = np.array([draw(st.integers(0, n - 1)) for _ in range(draw(st.integers(0, 60)))], np.int32)
    return xy, stage, posts, campus


@settings(max_examples=100, deadline=None)
@given(regions())
def test_reallocation_leaves_no_reachable_vacancy_beside_a_surplus(region):
    xy, stage, posts, campus = region
    t = make(campus, years_here=np.arange(len(campus)) % 7)
    out, moves = reallocate(t, posts, xy, stage, PARAMS, year=2)
    owned = np.bincount(out.owner, minlength=len(posts))
    assert owned.sum() == len(t)
    before = np.bincount(t.owner, minlength=len(posts))
    # a campus gives only its surplus and receives only up to its posts
    assert (owned >= np.minimum(before, posts)).all()
    assert (owned <= np.maximum(before, posts)).all()
    surplus = np.flatnonzero(owned > posts)
    vacancy = np.flatnonzero(owned < posts)
    for s in surplus:
        d = np.hypot(*(xy[vacancy] - xy[s]).T)
        assert not ((d <= PARAMS.reallocation_km) & OVERLAP[stage[s], stage[vacancy]]).any()
    assert len(moves.origin) == int((out.owner != t.owner).sum())


def test_town_selection_takes_the_best_rural_applicants_into_town_vacancies():
    n = 4000
    # campus 0: rural, 4000 teachers; campus 1: town, 10 vacancies; campus 2: urban, 5 vacancies, better reputation
    skill = np.arange(n, dtype=float)  # far apart beside the exam draw
    t = make(np.zeros(n), age=30, years_here=SELECTION_MIN_YEARS, skill=skill)
    posts = np.array([n, 10, 5])
    locale = np.array([RURAL, TOWN, URBAN])
    stage = np.array([PRIMARY, PRIMARY, PRIMARY])
    always = PARAMS.model_copy(update={"town_selection_rate": 1.0})
    out, moves = select_to_town(t, posts, locale, stage, np.array([0.0, 0.1, 0.5]), always, seed=1, year=2)
    assert sorted(moves.destination.tolist()) == [1] * 10 + [2] * 5 and (moves.origin == 0).all()
    ranked = np.argsort(-skill)
    assert np.flatnonzero(out.campus == 2).tolist() == sorted(ranked[:5])  # the best to the most reputed
    assert np.flatnonzero(out.campus == 1).tolist() == sorted(ranked[5:15])
    assert (out.owner == out.campus).all() and (out.years_here[out.campus > 0] == 0).all()
    # applications happen at the rate; each needs a vacancy
    many = np.array([n, n, 0])
    _, at_rate = select_to_town(t, many, locale, stage, np.zeros(3), PARAMS, seed=1, year=2)
    assert within(len(at_rate.origin), n, PARAMS.town_selection_rate)


def test_town_selection_eligibility():
    t = make(np.zeros(4), age=[30, SELECTION_MAX_AGE, 30, 30], years_here=[SELECTION_MIN_YEARS,
                                                                            SELECTION_MIN_YEARS, 1, 5])
    t.manager[3] = True
    always = PARAMS.model_copy(update={"town_selection_rate": 1.0})
    out, moves = select_to_town(t, np.array([4, 9]), np.array([RURAL, TOWN]), np.array([PRIMARY, PRIMARY]),
                                np.zeros(2), always, seed=1, year=2)
    assert np.flatnonzero(out.campus == 1).tolist() == [0]  # too old, too new here, a manager: not eligible
    town = make(np.zeros(3), years_here=9)  # town teachers do not apply
    _, none = select_to_town(town, np.array([3, 9]), np.array([TOWN, URBAN]), np.array([PRIMARY, PRIMARY]),
                             np.zeros(2), always, seed=1, year=2)
    assert len(none.origin) == 0


SHRINKING = """\
name: shrinking
simulation: {years: 6, seed: 3}
region:
  campuses:
    - {id: VIL, stage: primary, locale: rural, x_km: 0, y_km: 0, classrooms: 12, pupils: 480, quality: -0.6}
    - {id: TWN, stage: primary, locale: town, x_km: 6, y_km: 0, classrooms: 60, pupils: 1500, quality: 0.4}
    - {id: JUN, stage: junior, locale: town, x_km: 6, y_km: 1, classrooms: 40, pupils: 1000}
demography: {births: {2010: 1.0}}
dynamics:
  migration: {flight_rate: 0.05, gap_elasticity: 3.0}
"""


def staffing_table(scn, seed=3) -> tuple[pd.DataFrame, pd.DataFrame]:
    out = tables(Simulation(scn, seed).run(), scn.name, 0)
    return out["campus_year"].set_index(["campus", "year"]), out["flows"]


def test_a_shrinking_campus_sheds_posts_by_reallocation(write):
    scn = load_scenario(write("shrinking.yaml", SHRINKING))
    cy, flows = staffing_table(scn)
    vil = cy.loc["VIL"]
    shrinks = vil.enrolment.diff() < 0
    assert shrinks.loc[2:4].all()  # the village campus shrinks three years in a row (the test's premise)
    moved = flows[(flows.flow == "reallocation") & (flows.origin == "VIL")].groupby("year")["count"].sum()
    assert moved.sum() > 0 and set(moved.index) <= set(range(2, 7))
    assert (flows[flows.flow == "reallocation"].destination == "TWN").all()
    # it keeps no more teachers than the most posts it needed over the last few years (its managers
    # aside): a one-year dip does not move a teacher, a lasting fall does
    kept_for = vil.posts.rolling(STAFFING_MEMORY, min_periods=1).max()
    assert (vil.teachers <= kept_for + 3).all()
    # without reallocation (radius ~0) the same campus keeps its teachers
    kept, _ = staffing_table(load_scenario(write("kept.yaml", SHRINKING + "  teachers: {reallocation_km: 0.001}\n")))
    assert kept.loc["VIL"].teachers.iloc[-1] > vil.teachers.iloc[-1]
    assert (kept.loc["VIL"].teachers - kept.loc["VIL"].posts).iloc[-1] > 3


def test_leadership_teams_are_refilled_by_experience_and_never_shrunk():
    from sim.processes.workforce import renew_leadership

    t = make([0, 0, 0, 0, 1, 1, 1], experience=[3, 20, 9, 15, 30, 2, 1],
             manager=[False, False, False, True, True, True, True])
    t.exchange_until[2] = 5  # on a posting: not appointed, so the novice fills the second place
    manager = renew_leadership(t, np.array([3, 1]))
    np.testing.assert_array_equal(manager, [True, True, False, True, True, True, True])  # campus 1 keeps its three
    t.exchange_until[2] = -1
    np.testing.assert_array_equal(renew_leadership(t, np.array([3, 1]))[:4], [False, True, True, True])
