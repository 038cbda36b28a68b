"""The official county balance yardstick of one run: the seven resource indicators and their 差异系数.

A planner reports a county against the high-quality balance evaluation of compulsory education
(《县域义务教育优质均衡发展督导评估办法》, 教督〔2017〕6号; see DOMAIN.md). This module computes
it from a run's ``campus_year`` table, following the official method exactly:

* schools are stage parts: a primary or junior campus is one part; a nine-year (九年一贯制) campus is
  split into a primary and a junior part, every resource (teacher counts included) shared by pupils
  weighted 1 : 1.1 (primary share P / (P + 1.1 J));
* only open campuses and parts with pupils; parts under 50 pupils are 教学点 and left out of the stage
  figures (they still get per-part rows);
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
from .frame import finish, melt

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


def _parts(cy: pd.DataFrame) -> pd.DataFrame:
    """One row per open stage part with pupils: year, campus, stage, pupils and its share of resources."""
    cy = cy[cy["open"].astype(bool)]
    p, j = cy["pupils_primary"].astype(float), cy["pupils_junior"].astype(float)
    weighted = p + NINE_YEAR_JUNIOR_WEIGHT * j
    nine = cy["stage"].eq("nine_year")
    out = []
    for stage, pupils, nine_share in (("primary", p, p / weighted),
                                      ("junior", j, NINE_YEAR_JUNIOR_WEIGHT * j / weighted)):
        keep = cy["stage"].isin([stage, "nine_year"]) & (pupils > 0)
        share = nine_share.where(nine, 1.0)[keep]
        part = pd.DataFrame({"year": cy["year"][keep].astype("int64"), "campus": cy["campus"][keep].astype(str),
                             "stage": stage, "pupils": pupils[keep]})
        for ind in INDICATORS:
            x = cy[ind.column][keep].astype(float) * share / part["pupils"]
            part[ind.key] = x * 100 if ind.per_100 else x
        out.append(part)
    return pd.concat(out, ignore_index=True)


def balance_metrics(cy: pd.DataFrame) -> pd.DataFrame:
    """The balance yardstick of one run's ``campus_year``, tidy: year, level, entity, metric, value.

    Level ``stage`` (entity primary/junior, for stages with counted schools): ``cv_<indicator>``,
    ``cv_mean``, ``cv_pass_<indicator>``, ``cv_pass_all``, ``balance_schools``,
    ``share_schools_meeting_standard``. Level ``campus_stage`` (entity ``<campus>/<stage>``):
    ``ind_<indicator>``, ``standards_met``, ``meets_school_standard``. An undefined 差异系数 (mean 0)
    has no row, nor have its pass flag and cv_mean; cv_pass_all is 0 if any indicator fails, else
    missing if any is undefined.
    """
    if cy.duplicated(["year", "campus"]).any():
        raise ValueError("campus_year holds several rows per year and campus: pass one run")
    parts = _parts(cy)
    keys = [ind.key for ind in INDICATORS]
    x = parts[keys].to_numpy(float)
    standard = {s: np.array([ind.standard[s] for ind in INDICATORS]) for s in STAGES}
    ratio = x / np.where(parts["stage"].eq("primary").to_numpy()[:, None], standard["primary"], standard["junior"])
    parts["standards_met"] = (ratio >= 1 - _EPS).sum(1).astype(float)
    parts["meets_school_standard"] = ((parts["standards_met"] >= MIN_STANDARDS_MET)
                                      & (ratio >= NEAR_STANDARD - _EPS).all(1)).astype(float)
    part_wide = parts.rename(columns={k: f"ind_{k}" for k in keys}).assign(entity=parts["campus"] + "/" + parts["stage"])
    part_wide = part_wide[["year", "entity", *[f"ind_{k}" for k in keys], "standards_met", "meets_school_standard"]]
    part_wide = part_wide.sort_values(["year", "entity"])

    counted = parts[parts["pupils"] >= MIN_PUPILS]
    g = counted.groupby(["year", "stage"])

    def weighted_mean(values: pd.DataFrame) -> pd.DataFrame:  # ΣP_i v_i / ΣP_i per year and stage
        return values.mul(counted["pupils"], axis=0).groupby([counted["year"], counted["stage"]]).sum() \
            .div(g["pupils"].sum(), axis=0)

    mean = weighted_mean(counted[keys])
    dev = counted[keys] - mean.loc[pd.MultiIndex.from_frame(counted[["year", "stage"]])].to_numpy()
    cv = np.sqrt(weighted_mean(dev.pow(2))).div(mean.where(mean != 0))
    thr = pd.Series(cv.index.get_level_values("stage").map(CV_THRESHOLD), index=cv.index).astype(float)
    passed = cv.le(thr + _EPS, axis=0).astype(float).where(cv.notna())
    stage = pd.concat([cv.add_prefix("cv_"), cv.mean(axis=1, skipna=False).rename("cv_mean"),
                       passed.add_prefix("cv_pass_")], axis=1)
    stage["cv_pass_all"] = np.where(passed.eq(0).any(axis=1), 0.0, np.where(passed.isna().any(axis=1), np.nan, 1.0))
    stage["balance_schools"] = g.size().astype(float)
    stage["share_schools_meeting_standard"] = g["meets_school_standard"].mean()
    stage = stage.reset_index().rename(columns={"stage": "entity"})

    return finish([melt(stage.set_index(["year", "entity"]), "stage"),
                   melt(part_wide.set_index(["year", "entity"]), "campus_stage")])
