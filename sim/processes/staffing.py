"""Staffing that follows pupils: surplus teachers moved to vacancies (调剂), village teachers selected
for town posts (选调进城).

Each September the bureau sets every campus's posts from its classes and pupils (the 编制 standard,
:func:`~sim.scenario.campus_defaults.teachers_needed`); a campus holds ``owned`` posts (teachers
whose quota it holds).  Then, before recruitment:

1. :func:`reallocate` (调剂): a campus with more teachers than it has needed in any of the last
   ``STAFFING_MEMORY`` years gives up its surplus to campuses with vacancies teaching overlapping
   grades within ``reallocation_km``, nearest first (a campus sheds posts once it has shrunk for
   that long, not for a one-year dip in its classes).
   Who moves: the teachers with the fewest years at the campus (last in, first out), never a
   manager nor a teacher away on exchange.  Rounds go through each surplus campus's nearest
   vacancy campuses in distance order; where several surplus campuses reach the same campus in a
   round, the nearer ones are served first.
2. :func:`select_to_town` (选调进城): rural teachers with :data:`SELECTION_MIN_YEARS` at their
   campus and under :data:`SELECTION_MAX_AGE` apply with probability ``town_selection_rate`` (draw
   keyed by id, stream "staffing"); by merit (skill and an exam draw), the best applicants take the
   town and urban vacancies left, the most reputed campuses first.  It is a move within the county,
   distinct from leaving the profession, and leaves a village vacancy to refill.

Private (民办) campuses hire and keep their own staff: the county moves no teacher to or from them
(``public`` marks the campuses that take part; default all).

Moved teachers change both their campus of post and the campus holding their post, and restart
their years at the campus.  All arithmetic is over arrays: one k-d tree query per stage, a few
vectorised rounds, no loop over teachers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from .. import rng
from ..stages import OVERLAP
from ..scenario.dynamics import TeacherDynamics
from ..scenario.models import LOCALES
from ..state import Teachers

NEAREST = 8
"""Vacancy campuses (nearest first) a surplus campus tries in one reallocation."""

STAFFING_MEMORY = 3
"""Years over which a campus keeps the largest number of posts it needed before its surplus is
moved (a bureau does not move teachers for a one-year dip in a campus's classes; no estimate)."""

SELECTION_MIN_YEARS = 3
"""Years at the current rural campus before a teacher may apply for a town post (特岗 contracts and
选调 notices commonly ask three years' service)."""

SELECTION_MAX_AGE = 45
"""Applicants for town posts are younger than this (选调 notices commonly set 40–45)."""

EXAM_NOISE_SD = 0.05
"""SD of the selection exam draw beside skill in an applicant's merit, pupil SD per year (no estimate)."""


@dataclass(frozen=True)
class Moves:
    """Teachers moved between campuses: origin and destination campus of each move."""

    origin: np.ndarray
    destination: np.ndarray

    @classmethod
    def none(cls) -> "Moves":
        return cls(np.zeros(0, np.int64), np.zeros(0, np.int64))


def _moved(teachers: Teachers, rows: np.ndarray, dest: np.ndarray) -> Teachers:
    """A copy with teachers ``rows`` posted to (and owned by) ``dest``, their years here restarted."""
    campus, owner, years = teachers.campus.copy(), teachers.owner.copy(), teachers.years_here.copy()
    campus[rows] = dest
    owner[rows] = dest
    years[rows] = 0
    return Teachers(**{**vars(teachers), "campus": campus, "owner": owner, "years_here": years})


def _at_home(teachers: Teachers, year: int) -> np.ndarray:
    """Teachers posted at the campus holding their post and not on a running exchange."""
    return (teachers.campus == teachers.owner) & (teachers.exchange_until < year)


def _match(surplus: np.ndarray, vacancy: np.ndarray, xy: np.ndarray, stage: np.ndarray,
           radius_km: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Surplus campuses matched to vacancy campuses nearest first: (origin, destination, count) rows,
    ordered by origin and then by the order the origin's teachers are handed over."""
    surplus, vacancy = surplus.copy(), vacancy.copy()
    src, dst, dist = [], [], []
    givers = np.flatnonzero(surplus > 0)
    for s in np.unique(stage[givers]):
        rows = givers[stage[givers] == s]
        cand = np.flatnonzero((vacancy > 0) & OVERLAP[s, stage])
        if cand.size == 0:
            continue
        k = min(NEAREST, cand.size)
        d, j = cKDTree(xy[cand]).query(xy[rows], k=k, distance_upper_bound=radius_km)
        d, j = d.reshape(len(rows), k), j.reshape(len(rows), k)
        ok = np.isfinite(d)
        src.append(np.repeat(rows, k).reshape(len(rows), k)[ok])
        dst.append(cand[np.minimum(j, cand.size - 1)][ok])
        dist.append(d[ok])
    if not src:
        return (np.zeros(0, np.int64),) * 3
    src, dst, dist = np.concatenate(src), np.concatenate(dst), np.concatenate(dist)
    order = np.lexsort((dist, src))
    rank = np.empty(len(src), np.int64)  # position in its surplus campus's list, nearest first
    rank[order] = np.arange(len(src)) - np.searchsorted(src[order], src[order])
    granted = np.zeros(len(src), np.int64)
    for r in range(NEAREST):  # round r: each surplus campus asks its r-th nearest vacancy campus
        ask = np.flatnonzero(rank == r)
        if ask.size == 0:
            break
        ask = ask[np.lexsort((dist[ask], dst[ask]))]  # by destination, nearer askers first
        want = surplus[src[ask]]
        before = np.cumsum(want) - want
        first = np.searchsorted(dst[ask], dst[ask])  # first asker of the same destination
        before -= before[first]
        give = np.clip(vacancy[dst[ask]] - before, 0, want)
        granted[ask] = give
        np.subtract.at(surplus, src[ask], give)
        np.subtract.at(vacancy, dst[ask], give)
    keep = granted > 0
    order = np.lexsort((rank[keep], src[keep]))
    return src[keep][order], dst[keep][order], granted[keep][order]


def reallocate(teachers: Teachers, posts: np.ndarray, campus_xy: np.ndarray, campus_stage: np.ndarray,
               params: TeacherDynamics, year: int, kept: np.ndarray | None = None,
               public: np.ndarray | None = None) -> tuple[Teachers, Moves]:
    """调剂: move surplus teachers to vacancies nearest first (module docstring); return the new
    teachers and the moves.  ``posts``: posts per campus (0 at closed campuses); ``kept``: the posts
    a campus keeps its teachers for (default ``posts``): the bureau moves a teacher away only when
    the campus has needed fewer posts for a while, not for a one-year dip; ``public``: campuses the
    county staffs (default all): the others neither give nor receive.

    Matching repeats until no surplus campus with a movable teacher has a vacancy campus teaching
    overlapping grades within ``reallocation_km``."""
    n = len(posts)
    owned = np.bincount(teachers.owner, minlength=n)
    rows = np.flatnonzero(_at_home(teachers, year) & ~teachers.manager)
    # last in, first out: fewest years here, then the most recently created id
    rows = rows[np.lexsort((-teachers.id[rows], teachers.years_here[rows], teachers.owner[rows]))]
    free = np.bincount(teachers.owner[rows], minlength=n)
    surplus = np.minimum(np.maximum(owned - (posts if kept is None else np.maximum(kept, posts)), 0), free)
    vacancy = np.maximum(posts - owned, 0)
    if public is not None:
        surplus, vacancy = surplus * public, vacancy * public
    found = []
    while True:
        src, dst, count = _match(surplus, vacancy, campus_xy, campus_stage, params.reallocation_km)
        if count.sum() == 0:
            break
        found.append((src, dst, count))
        np.subtract.at(surplus, src, count)
        np.subtract.at(vacancy, dst, count)
    if not found:
        return teachers, Moves.none()
    src, dst, count = (np.concatenate(x) for x in zip(*found))
    order = np.argsort(src, kind="stable")  # by origin, in the order found (nearest first)
    src, dst, count = src[order], dst[order], count[order]
    gives = np.repeat(src, count)
    first = np.concatenate([[0], np.cumsum(free)])
    moved = rows[first[gives] + np.arange(len(gives)) - np.searchsorted(gives, gives)]
    dest = np.repeat(dst, count)
    return _moved(teachers, moved, dest), Moves(gives, dest)


def select_to_town(teachers: Teachers, posts: np.ndarray, campus_locale: np.ndarray, campus_stage: np.ndarray,
                   reputation: np.ndarray, params: TeacherDynamics, seed: int, year: int,
                   public: np.ndarray | None = None) -> tuple[Teachers, Moves]:
    """选调进城 (module docstring); return the new teachers and the moves (rural → town or urban).
    ``public``: campuses the county staffs (default all); only their teachers apply and only their
    vacancies are filled."""
    n = len(posts)
    t = teachers
    rural = LOCALES.index("rural")
    eligible = (_at_home(t, year) & ~t.manager & (campus_locale[t.campus] == rural)
                & (t.years_here >= SELECTION_MIN_YEARS) & (t.age < SELECTION_MAX_AGE))
    if public is not None:
        eligible &= public[t.campus]
    applies = eligible & (rng.uniform(seed, "staffing", year, t.id, slot=0) < params.town_selection_rate)
    vacancy = np.where(campus_locale < rural, np.maximum(posts - np.bincount(t.owner, minlength=n), 0), 0)
    if public is not None:
        vacancy = vacancy * public
    rows = np.flatnonzero(applies)
    if rows.size == 0 or vacancy.sum() == 0:
        return t, Moves.none()
    score = t.skill[rows] + EXAM_NOISE_SD * rng.normal(seed, "staffing", year, t.id[rows], slot=1)
    rows = rows[np.lexsort((t.id[rows], -score))]
    moved, dest = [], []
    for s in np.unique(campus_stage[t.campus[rows]]):  # primary, junior and nine-year applicants
        mine = rows[campus_stage[t.campus[rows]] == s]
        camp = np.flatnonzero((vacancy > 0) & OVERLAP[s, campus_stage])
        camp = camp[np.lexsort((camp, -np.asarray(reputation)[camp]))]
        slots = np.repeat(camp, vacancy[camp])
        take = min(len(mine), len(slots))
        moved.append(mine[:take])
        dest.append(slots[:take])
        np.subtract.at(vacancy, slots[:take], 1)
    moved, dest = np.concatenate(moved), np.concatenate(dest)
    origin = t.campus[moved].astype(np.int64)
    return _moved(t, moved, dest), Moves(origin, dest)
