"""The official county balance yardstick of one run: the seven resource indicators and their 差异系数.

A planner reports a county against the high-quality balance evaluation of compulsory education
(《县域义务教育优质均衡发展督导评估办法》, 教督〔2017〕6号; see DOMAIN.md). This module computes
it from a run's ``campus_year`` table, following the official method exactly:

* schools are stage parts: a primary or junior campus is one part; a nine-year (九年一贯制) campus is
  split into a primary and a junior part, every resource (teacher counts included) shared by pupils
  weighted 1 : 1.1 (primary share P / (P + 1.1 J));
* only open campuses and parts with pupils; parts under 50 pupils are 教学点 and left out of the stage
  figures (they still get per-part rows);
* only public (公办) campuses: the yardstick measures how the county spreads the resources it
  provides, and it does not provide a private (民办) school's.  This is the model's reading, not a
  quoted rule (Hebei's implementing rules, for one, name every school in the education statistics as
  the scope of the evaluation as a whole); a campus_year without a ``sector`` column counts every
  campus;
* per stage the 差异系数 is enrolment-weighted: X̄ = ΣP_iX_i / ΣP_i, S = √(ΣP_i(X_i − X̄)² / ΣP_i),
  CV = S / X̄, to be ≤ 0.50 (primary) / ≤ 0.45 (junior) for every indicator;
* a school meets the per-school standard when ≥ 6 of the 7 indicators reach it and the rest reach
  ≥ 85 % of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..stages import RESOURCE_STANDARDS
from .frame import Block, Groups, Levels, finish, wanted

STAGES = ("primary", "junior")
CV_THRESHOLD = {"primary": 0.50, "junior": 0.45}
"""Highest passing inter-school 差异系数 per indicator, 教督〔2017〕6号."""
NINE_YEAR_JUNIOR_WEIGHT = 1.1
"""Weight of one junior pupil (vs 1 primary) when splitting a nine-year school, 教督〔2017〕6号."""
MIN_PUPILS = 50
"""Parts with fewer pupils are 教学点, left out of the stage figures, 教督〔2017〕6号."""
MIN_STANDARDS_MET, NEAR_STANDARD = 6, 0.85
"""Per-school rule: at least 6 of 7 indicators at standard, the others at ≥ 85 % of it."""
TEACHER_STANDARDS: dict[str, dict[str, float]] = {
    # teachers per 100 pupils, 教督〔2017〕6号
    "teachers_qualified": {"primary": 4.2, "junior": 5.3},
    "teachers_backbone": {"primary": 1.0, "junior": 1.0},
    "teachers_pe_arts": {"primary": 0.9, "junior": 0.9},
}
"""Per-school standard of the three teacher indicators, per 100 pupils, by stage."""
_EPS = 1e-9  # tolerance of the threshold comparisons against float round-off


@dataclass(frozen=True)
class Indicator:
    """One resource indicator: resource ``column`` over pupils (×100 if ``per_100``)."""

    key: str
    column: str  # source column of campus_year
    per_100: bool  # per 100 pupils (else per pupil)
    label_zh: str
    label_en: str
    unit: str
    standard: dict[str, float]  # per-school standard by stage, in the indicator's unit


def _physical(column: str, per_100: bool) -> dict[str, float]:
    return {s: round(v * (100 if per_100 else 1), 9) for s, v in RESOURCE_STANDARDS[column].items()}


INDICATORS: tuple[Indicator, ...] = (
    Indicator("teachers_qualified", "teachers_qualified", True, "每百名学生拥有高于规定学历教师数",
              "teachers above the required qualification per 100 pupils", "teachers per 100 pupils",
              TEACHER_STANDARDS["teachers_qualified"]),
    Indicator("teachers_backbone", "teachers_backbone", True, "每百名学生拥有县级及以上骨干教师数",
              "county-level-or-higher backbone teachers per 100 pupils", "teachers per 100 pupils",
              TEACHER_STANDARDS["teachers_backbone"]),
    Indicator("teachers_pe_arts", "teachers_pe_arts", True, "每百名学生拥有体育、艺术专任教师数",
              "PE and arts teachers per 100 pupils", "teachers per 100 pupils", TEACHER_STANDARDS["teachers_pe_arts"]),
    Indicator("floor_area", "floor_area_m2", False, "生均教学及辅助用房面积",
              "teaching and auxiliary floor area per pupil", "m² per pupil", _physical("floor_area_m2", False)),
    Indicator("sports_area", "sports_area_m2", False, "生均体育运动场馆面积", "sports ground area per pupil",
              "m² per pupil", _physical("sports_area_m2", False)),
    Indicator("equipment_value", "equipment_value_yuan", False, "生均教学仪器设备值",
              "teaching equipment value per pupil", "yuan per pupil", _physical("equipment_value_yuan", False)),
    Indicator("multimedia_classrooms", "multimedia_classrooms", True, "每百名学生拥有网络多媒体教室数",
              "networked multimedia classrooms per 100 pupils", "classrooms per 100 pupils",
              _physical("multimedia_classrooms", True)),
)
"""The seven resource indicators of 教督〔2017〕6号, in the official order."""


@dataclass(frozen=True)
class _Parts:
    """The open stage parts with pupils, one per row: primary parts first, then junior parts, each in
    ``campus_year`` order; ``x`` holds the seven indicators (columns in :data:`INDICATORS` order)."""

    year: np.ndarray
    campus: np.ndarray
    stage: np.ndarray
    pupils: np.ndarray
    x: np.ndarray


def _parts(cy: pd.DataFrame) -> _Parts:
    """Each open public stage part with pupils, with its share of the campus's resources."""
    is_open = cy["open"].to_numpy(bool)
    if "sector" in cy:
        is_open = is_open & (cy["sector"].to_numpy(object) != "private")
    p, j = cy["pupils_primary"].to_numpy(float)[is_open], cy["pupils_junior"].to_numpy(float)[is_open]
    weighted = p + NINE_YEAR_JUNIOR_WEIGHT * j
    stages = cy["stage"].to_numpy(object)[is_open]
    nine = stages == "nine_year"
    year, campus = cy["year"].to_numpy(np.int64)[is_open], cy["campus"].to_numpy(object)[is_open]
    resources = [cy[ind.column].to_numpy(float)[is_open] for ind in INDICATORS]
    out = []
    with np.errstate(invalid="ignore", divide="ignore"):  # 0/0 shares of empty parts are dropped by `keep`
        for stage, pupils, nine_share in (("primary", p, p / weighted),
                                          ("junior", j, NINE_YEAR_JUNIOR_WEIGHT * j / weighted)):
            keep = ((stages == stage) | nine) & (pupils > 0)
            share, n = np.where(nine, nine_share, 1.0)[keep], pupils[keep]
            x = np.empty((len(n), len(INDICATORS)))
            for i, ind in enumerate(INDICATORS):
                x[:, i] = resources[i][keep] * share / n
                if ind.per_100:
                    x[:, i] *= 100
            out.append(_Parts(year[keep], campus[keep], np.full(len(n), stage, dtype=object), n, x))
    return _Parts(*(np.concatenate([getattr(part, name) for part in out]) for name in _Parts.__dataclass_fields__))


def _stage_block(parts: _Parts, meets: np.ndarray) -> Block:
    """The 差异系数 of every indicator, their pass flags and the school counts per year and stage."""
    counted = parts.pupils >= MIN_PUPILS
    g = Groups.by(parts.year[counted], parts.stage[counted])
    pupils, x = parts.pupils[counted], parts.x[counted]
    total = g.sum(pupils)

    def weighted_mean(values: np.ndarray) -> np.ndarray:  # ΣP_i v_i / ΣP_i per year and stage
        return np.column_stack([g.sum(values[:, i] * pupils) for i in range(values.shape[1])]) / total[:, None]

    with np.errstate(invalid="ignore", divide="ignore"):
        mean = weighted_mean(x)
        dev = x - mean[g.codes]  # each part's own year-and-stage mean
        cv = np.sqrt(weighted_mean(dev ** 2)) / np.where(mean != 0, mean, np.nan)
    threshold = np.array([CV_THRESHOLD[stage] for stage in g.keys[1]], dtype=float)
    passed = np.where(np.isnan(cv), np.nan, (cv <= threshold[:, None] + _EPS).astype(float))
    schools = g.count()
    values = {f"cv_{ind.key}": cv[:, i] for i, ind in enumerate(INDICATORS)}
    values["cv_mean"] = cv.mean(axis=1)
    values.update({f"cv_pass_{ind.key}": passed[:, i] for i, ind in enumerate(INDICATORS)})
    values["cv_pass_all"] = np.where((passed == 0).any(axis=1), 0.0,
                                     np.where(np.isnan(passed).any(axis=1), np.nan, 1.0))
    values["balance_schools"] = schools
    values["share_schools_meeting_standard"] = g.sum(meets[counted]) / schools
    return Block("stage", g.keys[0], g.keys[1], values)


def balance_blocks(cy: pd.DataFrame, levels: Levels = None) -> list[Block]:
    """The balance yardstick of one run's ``campus_year``, as blocks of rows.

    Level ``stage`` (entity primary/junior, for stages with counted schools): ``cv_<indicator>``,
    ``cv_mean``, ``cv_pass_<indicator>``, ``cv_pass_all``, ``balance_schools``,
    ``share_schools_meeting_standard``. Level ``campus_stage`` (entity ``<campus>/<stage>``):
    ``ind_<indicator>``, ``standards_met``, ``meets_school_standard``. An undefined 差异系数 (mean 0)
    has no row, nor have its pass flag and cv_mean; cv_pass_all is 0 if any indicator fails, else
    missing if any is undefined.  Only the ``levels`` asked for (default: both).
    """
    if Groups.by(cy["year"], cy["campus"]).size < len(cy):
        raise ValueError("campus_year holds several rows per year and campus: pass one run")
    parts = _parts(cy)
    standard = np.array([[ind.standard[s] for ind in INDICATORS] for s in STAGES])
    ratio = parts.x / standard[np.where(parts.stage == "primary", 0, 1)]
    standards_met = (ratio >= 1 - _EPS).sum(1).astype(float)
    meets = ((standards_met >= MIN_STANDARDS_MET) & (ratio >= NEAR_STANDARD - _EPS).all(1)).astype(float)
    out = [_stage_block(parts, meets)] if wanted(levels, "stage") else []
    if wanted(levels, "campus_stage"):
        entity = parts.campus + "/" + parts.stage
        order = np.argsort(Groups.by(parts.year, entity).codes, kind="stable")
        values = {f"ind_{ind.key}": parts.x[order, i] for i, ind in enumerate(INDICATORS)}
        values.update(standards_met=standards_met[order], meets_school_standard=meets[order])
        out.append(Block("campus_stage", parts.year[order], entity[order], values))
    return out


def balance_metrics(cy: pd.DataFrame, levels: Levels = None) -> pd.DataFrame:
    """The balance yardstick of one run as a tidy table (year, level, entity, metric, value): the rows of
    :func:`balance_blocks`."""
    return finish(balance_blocks(cy, levels))
