"""Class formation and integer apportionment, checked against hand-computed cases."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.apportion import largest_remainder
from sim.processes.classes import class_size_counts, form_classes, size_bands


def test_largest_remainder_hand_example():
    # 10 over (1,1,1): 3.33 each -> floors 3,3,3, one left to the first tie -> 4,3,3
    # 7 over (2,1,0): 4.67, 2.33 -> floors 4,2; remainder .67 wins -> 5,2,0
    out = largest_remainder(np.array([10, 7, 0]), np.array([[1, 1, 1], [2, 1, 0], [0, 0, 0]]))
    assert out.tolist() == [[4, 3, 3], [5, 2, 0], [0, 0, 0]]


@given(arrays(np.int64, st.integers(1, 6), elements=st.integers(0, 10_000)), st.data())
def test_largest_remainder_keeps_totals(totals, data):
    w = data.draw(arrays(np.float64, (len(totals), 4), elements=st.floats(0.01, 100)))
    out = largest_remainder(totals, w)
    assert (out.sum(axis=1) == totals).all() and (out >= 0).all()
    assert (np.abs(out - w / w.sum(1, keepdims=True) * totals[:, None]) < 1).all()


def test_enough_classrooms_gives_standard_classes():
    # 120 pupils at standard 45 -> ceil(2.67) = 3 classes of 40; 100 -> 3 classes of 33/33/34
    classes = form_classes(np.array([[120, 100]]), np.array([10]), np.array([[45, 45]]))
    assert classes.tolist() == [[3, 3]]


def test_short_of_classrooms_makes_large_classes():
    # need 7+7+7 = 21 classes of 45 for 300 pupils each, only 9 rooms: 3 classes of 100 per grade
    enrol = np.array([[300, 300, 300]])
    classes = form_classes(enrol, np.array([9]), np.full((1, 3), 45))
    assert classes.tolist() == [[3, 3, 3]]
    assert size_bands(enrol, classes) == {"classes": 9, "classes_56plus": 9, "classes_66plus": 9}


def test_every_grade_with_pupils_gets_a_class_even_without_rooms():
    classes = form_classes(np.array([[10, 0, 5]]), np.array([1]), np.full((1, 3), 45))
    assert classes.tolist() == [[1, 0, 1]]


def test_class_size_counts_by_even_split():
    # 170 pupils in 3 classes: 57, 57, 56 -> three 56+, none 66+; 133 in 2: 67, 66 -> two 66+
    enrol, classes = np.array([[170, 133]]), np.array([[3, 2]])
    assert class_size_counts(enrol, classes, 56).tolist() == [[3, 2]]
    assert class_size_counts(enrol, classes, 66).tolist() == [[0, 2]]
    assert class_size_counts(np.array([[167]]), np.array([[3]]), 56).tolist() == [[2]]  # 56, 56, 55


def test_assign_classes_round_robin_by_id():
    from sim.processes.classes import assign_classes

    campus, grade, ids = np.array([0, 0, 0, 1, 0]), np.array([1, 1, 1, 1, 2]), np.array([5, 3, 9, 1, 2])
    classes = np.zeros((2, 9), int)
    classes[0, 0], classes[0, 1], classes[1, 0] = 2, 1, 1
    klass, key, n = assign_classes(campus, grade, ids, classes)
    # campus 0 grade 1: ids 3, 5, 9 -> classes 0, 1, 0; keys: campus 0 grade 1 -> 0..1, grade 2 -> 2, campus 1 -> 3
    assert klass.tolist() == [1, 0, 0, 0, 0]
    assert key.tolist() == [1, 0, 0, 3, 2] and n == 4
    perm = np.array([4, 2, 0, 3, 1])  # order does not matter
    assert assign_classes(campus[perm], grade[perm], ids[perm], classes)[0].tolist() == klass[perm].tolist()
