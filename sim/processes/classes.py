"""Class formation: how many classes each grade of each campus opens, and how large they are.

Rule: a grade needs ``ceil(pupils / standard class size)`` classes.  When a campus's classrooms
cover every grade's need, it opens that many.  When they do not, its classrooms are shared out among
grades in proportion to need (largest remainder), each grade with pupils getting at least one class,
so classes grow beyond the standard: this is how 大班额 (56+) and 超大班额 (66+) arise.  Pupils of a
grade are spread as evenly as possible over its classes (sizes differ by at most one):
:func:`assign_classes` deals them round-robin in id order, so a pupil's class does not depend on
array order.
"""

from __future__ import annotations

import numpy as np

from ..apportion import largest_remainder
from ..stages import LARGE_CLASS, SUPER_LARGE_CLASS


def form_classes(enrolment: np.ndarray, classrooms: np.ndarray, standard: np.ndarray) -> np.ndarray:
    """Classes per campus and grade.

    enrolment: (n_campus, n_grade) pupils; classrooms: (n_campus,); standard: (n_campus, n_grade)
    standard class size.  Returns int (n_campus, n_grade).
    """
    enrolment = np.asarray(enrolment, dtype=np.int64)
    need = -(-enrolment // np.maximum(np.asarray(standard, dtype=np.int64), 1))
    rooms = np.asarray(classrooms, dtype=np.int64)
    short = need.sum(axis=1) > rooms
    if not short.any():
        return need
    classes = need.copy()
    occupied = enrolment[short] > 0
    floor = occupied.astype(np.int64)
    spare = np.maximum(rooms[short] - floor.sum(axis=1), 0)
    extra = largest_remainder(spare, np.maximum(need[short] - floor, 0))
    classes[short] = floor + np.minimum(extra, need[short] - floor)
    return classes


def class_size_counts(enrolment: np.ndarray, classes: np.ndarray, threshold: int) -> np.ndarray:
    """Number of classes with at least ``threshold`` pupils, per campus and grade.

    With k classes and n pupils, n mod k classes hold ceil(n/k) pupils and the rest floor(n/k).
    """
    enrolment = np.asarray(enrolment, dtype=np.int64)
    k = np.maximum(classes, 1)
    q, r = np.divmod(enrolment, k)
    big = np.where(q + 1 >= threshold, r, 0) + np.where(q >= threshold, k - r, 0)
    return np.where(classes > 0, big, 0)


def size_bands(enrolment: np.ndarray, classes: np.ndarray) -> dict[str, int]:
    """Totals of classes, 大班额 (56+) and 超大班额 (66+) classes over all campuses and grades."""
    return {
        "classes": int(classes.sum()),
        "classes_56plus": int(class_size_counts(enrolment, classes, LARGE_CLASS).sum()),
        "classes_66plus": int(class_size_counts(enrolment, classes, SUPER_LARGE_CLASS).sum()),
    }


def assign_classes(campus: np.ndarray, grade: np.ndarray, ids: np.ndarray, classes: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, int]:
    """Class number within campus-grade (int16), dense class key over the region, and class count.

    classes: (n_campuses, 9) classes per campus and grade (at least 1 wherever there are pupils).
    """
    cg = campus.astype(np.int64) * 9 + (grade.astype(np.int64) - 1)
    id_rank = np.empty(len(ids), np.int64)  # pupil ids are unique: (campus-grade, id rank) is one sort key
    id_rank[np.argsort(ids)] = np.arange(len(ids))
    order = np.argsort(cg * max(len(ids), 1) + id_rank)
    sorted_cg = cg[order]
    starts = np.flatnonzero(np.r_[True, sorted_cg[1:] != sorted_cg[:-1]])
    run_start = np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - run_start
    flat = np.maximum(classes.ravel(), 1)
    klass = rank % flat[cg]
    offsets = np.concatenate([[0], np.cumsum(classes.ravel())])
    key = offsets[cg] + klass
    return klass.astype(np.int16), key, int(offsets[-1])
