"""Grades, ages and official per-stage standards shared by the generator, the engine and the metrics.

Sources: standard class sizes 45 (primary) / 50 (junior) pupils, 建标〔2002〕102号; class-size bands
56+ 大班额 and 66+ 超大班额, 国发〔2016〕40号; per-pupil resource standards of the county
high-quality balance evaluation, 教督〔2017〕6号 (all in DOMAIN.md).
"""

from __future__ import annotations

import numpy as np

from .apportion import largest_remainder

GRADES = np.arange(1, 10)
"""Compulsory grades 1–9."""

STAGE_GRADES: dict[str, tuple[int, int]] = {"primary": (1, 6), "junior": (7, 9), "nine_year": (1, 9)}
"""First and last grade (inclusive) taught by a campus of each stage."""

ENTRY_AGE = 6
"""Age (years, at the start of the school year) at which children enter grade 1."""

AGES = 15
"""Residential cells count children of ages 0..14."""

STANDARD_CLASS_SIZE = {"primary": 45, "junior": 50}
"""Standard class size, pupils (建标〔2002〕102号)."""

LARGE_CLASS = 56
"""大班额: classes of 56 pupils or more (国发〔2016〕40号)."""

SUPER_LARGE_CLASS = 66
"""超大班额: classes of 66 pupils or more (国发〔2016〕40号)."""

SCALE_MEAN, SCALE_SD = 500.0, 100.0
"""Scale score of achievement: 500 + 100 × z (PISA-style).  Ratio measures of inequality (CV,
Theil) need a positive scale with a meaningful zero; z-scores have mean ≈ 0."""

RESOURCE_STANDARDS: dict[str, dict[str, float]] = {
    # per pupil (areas, value) or per 100 pupils (multimedia classrooms), 教督〔2017〕6号
    "floor_area_m2": {"primary": 4.5, "junior": 5.8},
    "sports_area_m2": {"primary": 7.5, "junior": 10.2},
    "equipment_value_yuan": {"primary": 2000.0, "junior": 2500.0},
    "multimedia_classrooms": {"primary": 2.3 / 100, "junior": 2.4 / 100},
}
"""Per-pupil standard of each physical resource input of the balance evaluation, by stage."""


def grade_stage(grade: int) -> str:
    """'primary' for grades 1–6, 'junior' for 7–9."""
    return "primary" if grade <= 6 else "junior"


def campus_grades(stage: str) -> np.ndarray:
    """The grades a campus of ``stage`` teaches."""
    lo, hi = STAGE_GRADES[stage]
    return np.arange(lo, hi + 1)


def birth_year(school_year: int, grade: int) -> int:
    """Calendar year in which most pupils of ``grade`` in ``school_year`` were born."""
    return school_year - (ENTRY_AGE - 1) - grade


def births_series(births: dict[int, float], trend: float, years: range) -> np.ndarray:
    """Births for each calendar year in ``years``: given values, held and trended outside them.

    Before the first given year the first value is held; after the last, it changes by ``trend``
    (relative change per year) compounded.
    """
    known = sorted(births)
    first, last = known[0], known[-1]
    out = []
    for y in years:
        if y in births:
            out.append(births[y])
        elif y < first:
            out.append(births[first])
        elif y > last:
            out.append(births[last] * (1.0 + trend) ** (y - last))
        else:  # a gap inside the series: nearest earlier year
            out.append(births[max(k for k in known if k < y)])
    return np.asarray(out, dtype=float)


def grade_weights(stage: str, school_year: int, births: dict[int, float], trend: float = 0.0) -> np.ndarray:
    """Relative size of each grade a campus of ``stage`` teaches in ``school_year`` (sums to 1).

    Cohorts are proportional to births in their birth year, so falling births show up as smaller
    lower grades.
    """
    grades = campus_grades(stage)
    years = [birth_year(school_year, int(g)) for g in grades]
    b = births_series(births, trend, range(min(years), max(years) + 1))
    w = np.array([b[y - min(years)] for y in years])
    return w / w.sum()



def grade_mask(stages: list[str] | tuple[str, ...]) -> np.ndarray:
    """Boolean (n_campus, 9): which of grades 1–9 each campus teaches."""
    mask = np.zeros((len(stages), len(GRADES)), dtype=bool)
    for code, (lo, hi) in STAGE_GRADES.items():
        rows = np.fromiter((s == code for s in stages), dtype=bool, count=len(stages))
        mask[np.ix_(rows, np.arange(lo - 1, hi))] = True
    return mask


def split_by_grade(stages: list[str] | tuple[str, ...], pupils: np.ndarray, school_year: int,
                   births: dict[int, float], trend: float = 0.0) -> np.ndarray:
    """Pupils of each campus split over the grades it teaches, in proportion to cohort births.

    Returns int (n_campus, 9) whose rows sum exactly to ``pupils``.
    """
    years = [birth_year(school_year, int(g)) for g in GRADES]
    cohort = births_series(births, trend, range(min(years), max(years) + 1))[np.array(years) - min(years)]
    weights = grade_mask(stages) * cohort[None, :]
    return largest_remainder(np.asarray(pupils), weights)


def standard_sizes(stages: list[str] | tuple[str, ...], overrides: list[int | None] | None = None) -> np.ndarray:
    """Standard class size (n_campus, 9) by grade, with a campus's own standard where it sets one."""
    base = np.array([STANDARD_CLASS_SIZE[grade_stage(int(g))] for g in GRADES], dtype=np.int64)
    out = np.tile(base, (len(stages), 1))
    for i, o in enumerate(overrides or []):
        if o is not None:
            out[i, :] = o
    return out


TEACHES = np.array([[True, False], [False, True], [True, True]])
"""``TEACHES[stage code, part]``: whether a campus of that stage (primary, junior, nine-year) teaches
that part (grades 1–6, grades 7–9)."""

OVERLAP = (TEACHES.astype(int) @ TEACHES.T.astype(int)) > 0
"""``OVERLAP[s, t]``: campuses of stages s and t teach at least one grade in common."""
