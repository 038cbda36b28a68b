"""Professional titles (职称), backbone designation (骨干) and qualification, renewed within quotas.

Titles follow the unified ladder of 人社部发〔2015〕79号 (三级/未定级 → 二级 → 一级 → 高级):

* after the probation year (:data:`YEARS_TO_SECOND`) a teacher holds 二级;
* 二级 → 一级 after :data:`YEARS_TO_FIRST` years in title, 一级 → 高级 after :data:`YEARS_TO_SENIOR`
  years and, when ``senior_hardship_years`` > 0, that many years taught at rural or weak campuses
  (the Xichou rule; 国办发〔2015〕43号 for town teachers);
* promotions fill the free posts of a quota (岗位结构比例): in each pool (the locale of the campus
  holding the teacher's post, 编制) the senior and first titles may hold at most the scenario's
  ``title_mix`` shares of the pool's teachers; eligible candidates are ranked by :func:`merit`.

Backbone teachers (county level or higher) are designated every ``backbone_cycle_years``: all
eligible teachers of a pool (first title or above, :data:`BACKBONE_MIN_EXPERIENCE` years' experience)
are re-ranked by merit and the top ``backbone_share`` of the pool's teachers hold the status until
the next designation; between designations the stock falls with exits.

Merit is skill plus a seniority credit plus an evaluation draw keyed by (seed, "titles", year, id),
so titles and backbone status depend on experience and skill, and the stock renews as holders
retire.  Rankings are vectorised: one sort per round, no loop over teachers.
"""

from __future__ import annotations

import numpy as np

from .. import rng
from ..scenario import models
from ..scenario.dynamics import TeacherDynamics
from ..scenario.models import LOCALES
from ..state import FIRST, SECOND, SENIOR, THIRD, Teachers

YEARS_TO_SECOND = 1
"""Probation (见习期) before the second title, years (人社部发〔2015〕79号: one year for graduates)."""

YEARS_TO_FIRST = 4
"""Years in the second title before the first can be awarded (bachelor graduates, 人社部发〔2015〕79号)."""

YEARS_TO_SENIOR = 5
"""Years in the first title before the senior title can be awarded (人社部发〔2015〕79号)."""

BACKBONE_MIN_EXPERIENCE = 5
"""Years of teaching before a teacher can be designated backbone (county rules commonly ask 5; no
national figure)."""

SENIORITY_WEIGHT = 0.004
"""Merit credit per year of experience (capped at 30 years), pupil SD per year: committees weigh
seniority beside results (no estimate; 30 years ≈ one SD of talent)."""

EVALUATION_NOISE_SD = 0.05
"""SD of the evaluation draw in merit, pupil SD per year: committees see skill imperfectly (no estimate)."""

QUALIFICATION_MAX_AGE = 45
"""Teachers below this age may upgrade their qualification in service (no estimate)."""

WEAK_SHARE = 0.25
"""Share of campuses, those of lowest starting quality, counted as weak (薄弱学校) for the senior-title
rule besides rural ones (no estimate; a bureau keeps its own list, which a grouping mode may set)."""

SLOTS = {"senior": 0, "first": 1, "backbone": 2, "qualification": 3}
"""``rng`` slots (stream "titles") of each decision's draws."""


def hardship_campuses(campus_locale: np.ndarray, quality: np.ndarray) -> np.ndarray:
    """Rural or weak campuses (bool per campus): rural locale, or starting quality below the
    WEAK_SHARE quantile of campuses (none where all campuses are alike)."""
    quality = np.asarray(quality, np.float64)
    weak = quality < np.quantile(quality, WEAK_SHARE) if len(quality) else np.zeros(0, bool)
    return (np.asarray(campus_locale) == LOCALES.index("rural")) | weak


def merit_score(skill: np.ndarray, experience: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Skill + SENIORITY_WEIGHT × min(experience, 30) + EVALUATION_NOISE_SD × z (z standard normal)."""
    return np.asarray(skill, np.float64) + SENIORITY_WEIGHT * np.minimum(experience, 30) + EVALUATION_NOISE_SD * z


def merit(teachers: Teachers, seed: int, year: int, slot: int) -> np.ndarray:
    """:func:`merit_score` with z keyed by (seed, "titles", year, id, slot)."""
    return merit_score(teachers.skill, teachers.experience, rng.normal(seed, "titles", year, teachers.id, slot=slot))


def quota(pool: np.ndarray, share_by_pool: np.ndarray) -> np.ndarray:
    """Posts per pool: ``round(share × headcount)`` (half up) of the teachers in each pool."""
    share = np.asarray(share_by_pool, np.float64)
    return np.floor(share * np.bincount(pool, minlength=len(share)) + 0.5).astype(np.int64)


def top_within_pools(pool: np.ndarray, score: np.ndarray, ids: np.ndarray, eligible: np.ndarray,
                     places: np.ndarray) -> np.ndarray:
    """Mask of the eligible teachers ranked (score descending, then id) within ``places[pool]`` of their pool.

    Scores are continuous (they carry a normal draw), so they are first sorted by the fast unstable
    sort and then grouped by pool with a stable one; only where two scores tie does the full
    (pool, score, id) sort run."""
    rows = np.flatnonzero(eligible)
    by_score = rows[np.argsort(-score[rows])]
    if (np.diff(score[by_score]) == 0).any():
        order = rows[np.lexsort((ids[rows], -score[rows], pool[rows]))]
    else:
        order = by_score[np.argsort(pool[by_score], kind="stable")]
    p = pool[order]
    start = np.searchsorted(p, p, side="left")
    chosen = np.zeros(len(pool), bool)
    chosen[order[np.arange(len(order)) - start < np.asarray(places)[p]]] = True
    return chosen


def title_shares(spec: models.Teachers, n_pools: int) -> tuple[np.ndarray, np.ndarray]:
    """Senior and first-title ceilings per pool (the scenario's title mix, the same in every pool)."""
    mix = spec.title_mix
    return np.full(n_pools, mix.senior), np.full(n_pools, mix.first)


def promote(teachers: Teachers, pool: np.ndarray, spec: models.Teachers, params: TeacherDynamics, seed: int,
            year: int) -> Teachers:
    """The summer's title round (a new object): probation ends, then senior, then first promotions
    into the free posts of each pool's quota (module docstring).  Promoted teachers start their new
    title's years at 0."""
    t = teachers
    title, years = t.title.copy(), t.title_years.copy()
    n_pools = int(pool.max()) + 1 if len(pool) else 0
    senior_share, first_share = title_shares(spec, n_pools)
    probation = (title == THIRD) & (t.experience >= YEARS_TO_SECOND)
    title[probation], years[probation] = SECOND, 0
    rounds = ((SENIOR, FIRST, YEARS_TO_SENIOR, senior_share, "senior"),
              (FIRST, SECOND, YEARS_TO_FIRST, first_share, "first"))
    for to, frm, wait, share, slot in rounds:
        held = np.bincount(pool[title == to], minlength=n_pools)
        free = np.maximum(quota(pool, share) - held, 0)
        eligible = (title == frm) & (years >= wait)
        if to == SENIOR:
            eligible &= t.hardship_years >= params.senior_hardship_years
        up = top_within_pools(pool, merit(t, seed, year, SLOTS[slot]), t.id, eligible, free)
        title[up], years[up] = to, 0
    return Teachers(**{**vars(t), "title": title, "title_years": years})


def designate_backbone(teachers: Teachers, pool: np.ndarray, share_by_pool: np.ndarray, seed: int,
                       year: int) -> np.ndarray:
    """Backbone flags after a designation round: the top ``share × headcount`` eligible teachers by
    merit in each pool (first title or above, BACKBONE_MIN_EXPERIENCE years' experience)."""
    t = teachers
    eligible = (t.title >= FIRST) & (t.experience >= BACKBONE_MIN_EXPERIENCE)
    return top_within_pools(pool, merit(t, seed, year, SLOTS["backbone"]), t.id, eligible,
                            quota(pool, share_by_pool))


def upgrade_qualification(teachers: Teachers, params: TeacherDynamics, seed: int, year: int) -> np.ndarray:
    """Qualification flags after a year: a teacher under QUALIFICATION_MAX_AGE below the higher
    qualification gains it with probability ``qualification_upgrade_rate`` (draw keyed by id)."""
    t = teachers
    u = rng.uniform(seed, "titles", year, t.id, slot=SLOTS["qualification"])
    return t.qualified | ((t.age < QUALIFICATION_MAX_AGE) & (u < params.qualification_upgrade_rate))


def initial_titles(experience: np.ndarray, score: np.ndarray, ids: np.ndarray, pool: np.ndarray,
                   spec: models.Teachers, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Titles and years in title of a starting workforce, as the yearly rounds would have left it.

    Senior posts of each pool go to the best-scoring teachers with at least YEARS_TO_SECOND +
    YEARS_TO_FIRST + YEARS_TO_SENIOR years' experience, first-title posts to the best of the rest
    with YEARS_TO_SECOND + YEARS_TO_FIRST; the others hold the second title after probation, the
    third below it.  Years in title are drawn (``u`` uniform) up to the time since eligibility.
    """
    n_pools = int(pool.max()) + 1 if len(pool) else 0
    senior_share, first_share = title_shares(spec, n_pools)
    exp = np.asarray(experience, np.int64)
    need_first = YEARS_TO_SECOND + YEARS_TO_FIRST
    need_senior = need_first + YEARS_TO_SENIOR
    senior = top_within_pools(pool, score, ids, exp >= need_senior, quota(pool, senior_share))
    first = top_within_pools(pool, score, ids, (exp >= need_first) & ~senior, quota(pool, first_share))
    title = np.where(senior, SENIOR, np.where(first, FIRST, np.where(exp >= YEARS_TO_SECOND, SECOND, THIRD)))
    since = exp - np.array([0, YEARS_TO_SECOND, need_first, need_senior])[title]
    return title.astype(np.int8), np.floor(u * (since + 1)).astype(np.int8)
