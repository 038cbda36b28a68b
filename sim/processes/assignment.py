"""Teachers to classes: each September every class of a campus gets named teachers of that campus.

The rule is the one a principal's timetable follows (排课 by seniority, 老带新 pairing):

* main-subject teachers of a campus are ranked by experience (most first, then id) and dealt over
  its classes in **snake order**: the first round gives one teacher to every class, most experienced
  first; the second round runs backwards, so the class that got the most experienced teacher gets
  the least experienced of the second round; and so on.  Every class gets ⌊M/K⌋ or ⌈M/K⌉ of the
  campus's M main teachers; when M < K the most experienced teachers take a second class;
* classes are ordered for the deal by class number within grade, then grade in the order
  :data:`GRADE_ORDER` (graduating grades 6 and 9 first, then the upper grades): the first round
  spreads the most experienced teachers over all grades;
* a graduating grade is never left to novices (under :data:`NOVICE_YEARS`) while the campus has an
  experienced main teacher: if the deal left one so, the campus's most experienced teacher also
  takes its first class;
* PE, music and art teachers are dealt over the classes by the same rule, so they spread over
  classes (each teaches many); a campus without main-subject teachers has its PE/arts teachers
  teach everything (包班);
* a teacher teaches at their campus of post (``campus``): one on exchange teaches classes at the
  host campus while the home campus keeps the post.

A class's teacher value added is the mean skill of its main-subject teachers (:meth:`ClassTeachers.mean`):
a pupil's gain uses the teachers of the pupil's class, and a teacher who moves takes their effect
along.  Vectorised: one sort of the teachers and one of the classes; no loop over teachers or classes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GRADE_ORDER = (6, 9, 5, 8, 4, 7, 3, 2, 1)
"""Order of grades within a round of the deal: graduating grades first, then upper grades."""

GRADUATING = (6, 9)
"""Grades that end a stage (小学毕业班, 初三)."""

NOVICE_YEARS = 3
"""Teachers with fewer years of experience are novices (新教师, the first three years)."""

_GRADE_RANK = np.argsort(np.array(GRADE_ORDER) - 1)
"""Position of grade g (index g − 1) in GRADE_ORDER."""


@dataclass(frozen=True)
class ClassTeachers:
    """(teacher, class) pairs of one kind of teacher: ``teacher`` row indices into the teacher
    arrays and ``klass`` dense class keys (:func:`sim.processes.classes.assign_classes`)."""

    teacher: np.ndarray
    klass: np.ndarray
    n_classes: int

    def count(self) -> np.ndarray:
        """Teachers per class."""
        return np.bincount(self.klass, minlength=self.n_classes)

    def mean(self, values: np.ndarray) -> np.ndarray:
        """Per class, the mean of ``values[teacher]`` over its teachers (nan for a class without one)."""
        total = np.bincount(self.klass, weights=np.asarray(values, np.float64)[self.teacher], minlength=self.n_classes)
        count = self.count()
        return np.divide(total, count, out=np.full(self.n_classes, np.nan), where=count > 0)


def deal_order(classes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Classes in dealing order and where each campus's classes start in it.

    ``classes``: (n_campuses, 9) classes per campus and grade.  Returns ``(order, start)``: ``order``
    lists dense class keys campus by campus, each campus's by (class number, GRADE_ORDER);
    ``start[c]`` is campus c's first position (length n_campuses + 1)."""
    classes = np.asarray(classes, np.int64)
    n = classes.shape[0]
    cg = np.repeat(np.arange(n * 9), classes.ravel())
    offsets = np.concatenate([[0], np.cumsum(classes.ravel())])
    number = np.arange(len(cg)) - offsets[cg]
    order = np.lexsort((_GRADE_RANK[cg % 9], number, cg // 9))
    start = np.concatenate([[0], np.cumsum(classes.sum(1))])
    return order, start


def deal(rows: np.ndarray, campus: np.ndarray, experience: np.ndarray, ids: np.ndarray, order: np.ndarray,
         start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Snake deal of teachers ``rows`` (indices into the teacher arrays) over their campuses' classes.

    ``order``, ``start``: from :func:`deal_order`.  Returns (teacher row, class key) pairs: one per
    teacher at a campus with classes, plus one per class beyond the campus's teacher count (taken
    by its most experienced teachers again)."""
    rows = np.asarray(rows, np.int64)
    rows = rows[np.lexsort((ids[rows], -experience[rows].astype(np.int64), campus[rows]))]
    c = campus[rows].astype(np.int64)
    n_campuses = len(start) - 1
    m = np.bincount(c, minlength=n_campuses)
    first = np.concatenate([[0], np.cumsum(m)])
    k = np.diff(start)
    rank = np.arange(len(rows)) - first[c]
    has = k[c] > 0
    kk = np.maximum(k[c], 1)
    rnd, within = np.divmod(rank, kk)
    pos = np.where(rnd % 2 == 0, within, kk - 1 - within)
    teacher, klass = [rows[has]], [order[start[c[has]] + pos[has]]]
    # classes beyond the teachers of a campus: position p gets the teacher of rank p mod M
    short = np.flatnonzero((m > 0) & (m < k))
    extra = k[short] - m[short]
    camp = np.repeat(short, extra)
    p = np.arange(extra.sum()) - np.repeat(np.cumsum(extra) - extra, extra) + m[camp]
    teacher.append(rows[first[camp] + p % m[camp]])
    klass.append(order[start[camp] + p])
    return np.concatenate(teacher), np.concatenate(klass)


def assign_teachers(campus: np.ndarray, pe_arts: np.ndarray, experience: np.ndarray, ids: np.ndarray,
                    classes: np.ndarray) -> tuple[ClassTeachers, ClassTeachers]:
    """Main-subject and PE/arts teachers of every class (module docstring).

    ``campus``, ``pe_arts``, ``experience``, ``ids``: per teacher; ``classes``: (n_campuses, 9).
    Returns (main, pe_arts) :class:`ClassTeachers`."""
    campus = np.asarray(campus, np.int64)
    classes = np.asarray(classes, np.int64)
    order, start = deal_order(classes)
    n_classes = int(start[-1])
    main_count = np.bincount(campus[~pe_arts], minlength=classes.shape[0])
    main = ~pe_arts | (main_count[campus] == 0)  # 包班: PE/arts teachers teach everything where nobody else can
    pairs = [deal(np.flatnonzero(mask), campus, experience, ids, order, start) for mask in (main, pe_arts)]
    pairs[0] = _no_novice_only_graduating_grades(*pairs[0], campus, experience, ids, classes)
    return tuple(ClassTeachers(t, k, n_classes) for t, k in pairs)


def _no_novice_only_graduating_grades(teacher: np.ndarray, klass: np.ndarray, campus: np.ndarray,
                                      experience: np.ndarray, ids: np.ndarray, classes: np.ndarray
                                      ) -> tuple[np.ndarray, np.ndarray]:
    """Add (most experienced main teacher, first class) for each campus's graduating grade that the
    deal left to novices only, where the campus has an experienced main teacher among ``teacher``."""
    n = classes.shape[0]
    offsets = np.concatenate([[0], np.cumsum(classes.ravel())])
    cg = np.searchsorted(offsets, klass, side="right") - 1  # campus × 9 + grade index of each pair
    veteran = experience[teacher] >= NOVICE_YEARS
    covered = np.bincount(cg[veteran], minlength=n * 9).reshape(n, 9) > 0
    # each campus's most experienced main teacher (then lowest id), if experienced
    used = np.zeros(len(experience), bool)
    used[teacher] = True
    rows = np.flatnonzero(used)
    rows = rows[np.lexsort((ids[rows], -experience[rows].astype(np.int64), campus[rows]))]
    first = rows[np.r_[True, campus[rows][1:] != campus[rows][:-1]]] if rows.size else rows
    best = np.full(n, -1, np.int64)
    best[campus[first]] = np.where(experience[first] >= NOVICE_YEARS, first, -1)
    grade = np.array(GRADUATING) - 1
    c, g = np.nonzero((classes[:, grade] > 0) & ~covered[:, grade] & (best >= 0)[:, None])
    return np.r_[teacher, best[c]], np.r_[klass, offsets[c * 9 + grade[g]]]
