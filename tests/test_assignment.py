"""Teachers to classes: the snake deal by experience, spread over grades and classes, every class
taught, and the class mean of main-subject skill that pupils get."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.processes.assignment import GRADE_ORDER, NOVICE_YEARS, assign_teachers, deal_order

def grid(per_campus: dict[int, dict[int, int]], n_campuses: int) -> np.ndarray:
    """(n_campuses, 9) classes from {campus: {grade: classes}}."""
    out = np.zeros((n_campuses, 9), np.int64)
    for c, grades in per_campus.items():
        for g, k in grades.items():
            out[c, g - 1] = k
    return out


def class_label(classes: np.ndarray) -> list[tuple[int, int, int]]:
    """(campus, grade, number) of every dense class key."""
    return [(c, g + 1, k) for c in range(classes.shape[0]) for g in range(9) for k in range(classes[c, g])]


def pairs_by_class(ct, ids) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for t, k in zip(ct.teacher.tolist(), ct.klass.tolist()):
        out.setdefault(k, []).append(int(ids[t]))
    return {k: sorted(v) for k, v in out.items()}


def test_snake_deal_by_experience_hand_example():
    classes = grid({0: {6: 1, 1: 2}}, 1)
    labels = class_label(classes)
    order, start = deal_order(classes)
    assert [labels[k] for k in order] == [(0, 6, 0), (0, 1, 0), (0, 1, 1)]  # graduating grade first
    experience = np.array([30, 25, 20, 15, 10, 5, 0])
    ids = np.arange(7) + 100
    main, pe = assign_teachers(np.zeros(7), np.zeros(7, bool), experience, ids, classes)
    got = {labels[k]: v for k, v in pairs_by_class(main, ids).items()}
    # round 1 forwards (ranks 0, 1, 2), round 2 backwards (3, 4, 5), round 3 forwards (6)
    assert got == {(0, 6, 0): [100, 105, 106], (0, 1, 0): [101, 104], (0, 1, 1): [102, 103]}
    assert len(pe.teacher) == 0


def test_fewer_teachers_than_classes_the_senior_ones_take_a_second_class():
    classes = grid({0: {1: 2, 2: 2, 3: 1}}, 1)
    main, _ = assign_teachers(np.zeros(2), np.zeros(2, bool), np.array([3, 9]), np.array([7, 8]), classes)
    counts = np.bincount(main.teacher, minlength=2)
    assert main.count().tolist() == [1] * 5 and counts.tolist() == [2, 3]  # the 9-year teacher takes the odd class


def test_pe_arts_teachers_spread_and_teach_everything_where_alone():
    classes = grid({0: {1: 2, 2: 2}, 1: {7: 3}}, 2)
    campus = np.array([0, 0, 0, 0, 1, 1])
    pe_arts = np.array([False, False, True, True, True, True])  # campus 1 has only PE/arts teachers
    main, pe = assign_teachers(campus, pe_arts, np.array([5, 6, 7, 8, 9, 10]), np.arange(6), classes)
    assert (pe.count()[:4] == 1).all()  # campus 0: each class one of its 2 PE/arts teachers, each 2 classes
    assert np.bincount(pe.teacher[pe.klass < 4], minlength=6)[[2, 3]].tolist() == [2, 2]
    assert (main.count() >= 1).all()  # campus 1: its PE/arts teachers teach everything (包班)
    assert set(main.teacher[main.klass >= 4].tolist()) == {4, 5}


def test_a_teacher_teaches_at_the_campus_of_post():
    classes = grid({0: {1: 1}, 1: {1: 1}}, 2)
    # teacher 2 belongs to campus 0 but is posted (on exchange) at campus 1
    main, _ = assign_teachers(np.array([0, 1, 1]), np.zeros(3, bool), np.array([5, 5, 30]), np.arange(3), classes)
    assert pairs_by_class(main, np.arange(3)) == {0: [0], 1: [1, 2]}


def test_class_mean_of_main_skill():
    classes = grid({0: {1: 2}}, 1)
    main, _ = assign_teachers(np.zeros(3), np.zeros(3, bool), np.array([9, 5, 1]), np.arange(3), classes)
    np.testing.assert_allclose(main.mean(np.array([0.3, 0.1, -0.1])), [0.3, 0.0])  # {0} and {1, 2}


@st.composite
def campuses(draw):
    n = draw(st.integers(1, 4))
    classes = np.array([[draw(st.integers(0, 3)) for _ in range(9)] for _ in range(n)], np.int64)
    m = draw(st.integers(0, 40))
    campus = np.array([draw(st.integers(0, n - 1)) for _ in range(m)], np.int64)
    experience = np.array([draw(st.integers(0, 35)) for _ in range(m)], np.int64)
    pe_arts = np.array([draw(st.booleans()) for _ in range(m)], bool)
    return classes, campus, experience, pe_arts


@settings(max_examples=150, deadline=None)
@given(campuses(), st.randoms(use_true_random=False))
def test_deal_properties(case, random):
    classes, campus, experience, pe_arts = case
    ids = np.arange(len(campus)) * 7 + 3
    main, pe = assign_teachers(campus, pe_arts, experience, ids, classes)
    n = classes.shape[0]
    class_campus = np.repeat(np.arange(n), classes.sum(1))
    has_teacher = np.bincount(campus, minlength=n) > 0
    # every class of a campus with a teacher is taught, by teachers of that campus only
    assert ((main.count() >= 1) == has_teacher[class_campus]).all()
    assert (campus[main.teacher] == class_campus[main.klass]).all()
    # main teachers spread evenly: counts per class differ by at most one within a campus (a class
    # of a graduating grade may have one more: an experienced teacher taking it as a second class)
    for c in range(n):
        counts = main.count()[class_campus == c]
        if counts.size:
            assert counts.max() - counts.min() <= 2
        here = np.flatnonzero((campus == c) & ~pe_arts)
        if here.size and classes[c].sum():
            # the first round spreads the most experienced teachers over every grade, graduating first
            top = experience[here].max()
            first_grade = next(g for g in GRADE_ORDER if classes[c, g - 1])
            keys = np.flatnonzero(class_campus == c)
            labels = np.repeat(np.arange(1, 10), classes[c])
            graduating_first = keys[labels == first_grade][0]
            assert top in experience[main.teacher[main.klass == graduating_first]]
            # a graduating grade is not left to novices while the campus has an experienced teacher
            if (experience[here] >= NOVICE_YEARS).any():
                for g in (6, 9):
                    in_grade = keys[labels == g]
                    if in_grade.size:
                        taught = main.teacher[np.isin(main.klass, in_grade)]
                        assert (experience[taught] >= NOVICE_YEARS).any()
    # independent of the order of the teacher arrays
    perm = np.array(random.sample(range(len(campus)), len(campus)), np.int64)
    main2, pe2 = assign_teachers(campus[perm], pe_arts[perm], experience[perm], ids[perm], classes)
    assert pairs_by_class(main2, ids[perm]) == pairs_by_class(main, ids)
    assert pairs_by_class(pe2, ids[perm]) == pairs_by_class(pe, ids)
