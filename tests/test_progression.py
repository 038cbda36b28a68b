"""Progression: grades advance, grade 9 graduates, primary-only pupils entering grade 7 need a place."""

from __future__ import annotations

import numpy as np

from sim.processes.progression import UNPLACED, progress
from sim.state import Students


def _students(grades, campuses):
    n = len(grades)
    return Students(id=np.arange(n), grade=np.array(grades, np.int8), cell=np.zeros(n, np.int32),
                    campus=np.array(campuses, np.int32), klass=np.zeros(n, np.int16),
                    achievement=np.arange(n, dtype=np.float32), base=np.zeros(n, np.float32), ses=np.zeros(n, np.float32),
                    origin=np.zeros(n, np.int8), origin_cell=np.zeros(n, np.int32), flags=np.zeros(n, np.uint8))


def test_progression_counts_and_moves():
    # campus 0 primary-only, campus 1 nine-year
    s = _students([1, 6, 6, 8, 9, 9], [0, 0, 1, 1, 1, 1])
    out, p = progress(s, teaches_junior=np.array([False, True]))
    assert (p.graduates, p.to_junior) == (2, 1)
    assert out.grade.tolist() == [2, 7, 7, 9]
    assert out.campus.tolist() == [0, UNPLACED, 1, 1]
    assert out.achievement.tolist() == [0.0, 1.0, 2.0, 3.0]  # attributes travel with their pupil
    assert len(out) == len(s) - p.graduates
