"""The yardstick tables of the official lines: per scenario and year, whether the 差异系数 lines
are met (share of runs with all seven indicators within the line, the mean 差异系数 per stage), the
56+ and 66+ classes; the year each line is first met; and each indicator's line in one year.

Lines: every indicator's 差异系数 ≤ 0.50 (primary) / ≤ 0.45 (junior), 教督〔2017〕6号; no class
of 56 or more, and none of 66 or more (国发〔2016〕40号).  The year a line is first met is the
median over the runs that meet it of each run's first such year, with how many runs do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..metrics.balance import CV_THRESHOLD, INDICATORS
from ..metrics.frame import REGION
from .headline import Headline
from .text import metric_label

COLUMNS: tuple[Headline, ...] = (
    Headline("stage", "primary", "cv_pass_all"), Headline("stage", "junior", "cv_pass_all"),
    Headline("stage", "primary", "cv_mean", CV_THRESHOLD["primary"]),
    Headline("stage", "junior", "cv_mean", CV_THRESHOLD["junior"]),
    Headline("region", REGION, "classes_56plus"), Headline("region", REGION, "classes_66plus"),
)
"""Columns of the yardstick table (means over runs; a flag's mean is the share of runs)."""


@dataclass(frozen=True)
class Line:
    """A line that a run meets in a year when its ``metric`` at (level, entity) equals ``target``."""

    level: str
    entity: str
    metric: str
    target: float
    label: str


def _none_of(metric: str, what_zh: str, what_en: str) -> Line:
    return Line("region", REGION, metric, 0.0, f"无{what_zh} / no {what_en}")


FIRST_MET: tuple[Line, ...] = (
    Line("stage", "primary", "cv_pass_all", 1.0, Headline("stage", "primary", "cv_pass_all").label),
    Line("stage", "junior", "cv_pass_all", 1.0, Headline("stage", "junior", "cv_pass_all").label),
    _none_of("classes_56plus", "大班额（≥56人）", "classes of 56 or more"),
    _none_of("classes_66plus", "超大班额（≥66人）", "classes of 66 or more"),
)


INDICATOR_LINES: tuple[Line, ...] = tuple(
    Line("stage", stage, f"cv_pass_{ind.key}", 1.0, f"{metric_label(f'cv_pass_{ind.key}')} — {stage}")
    for ind in INDICATORS for stage in ("primary", "junior"))
"""Each indicator's 差异系数 line per stage (the 'first met' column of the indicator table)."""

YARDSTICK_METRICS = tuple(dict.fromkeys(line.metric for line in FIRST_MET + INDICATOR_LINES))
"""Per-replicate metrics the first-met years need."""


def yardstick_table(summary: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """One row per scenario and year, one column per :data:`COLUMNS` entry (its label), of means."""
    rows = []
    for name in names:
        s = summary[summary["scenario"] == name]
        for year in sorted(s["year"].unique()):
            row = {"scenario": name, "year": int(year)}
            at = s[s["year"] == year].set_index(["level", "entity", "metric"])["mean"]
            for h in COLUMNS:
                row[h.label] = float(at.get((h.level, h.entity, h.metric), np.nan))
            rows.append(row)
    return pd.DataFrame(rows)


def first_met(metrics: pd.DataFrame, scenario: str, lines: tuple[Line, ...] = FIRST_MET
              ) -> dict[str, tuple[int | None, int]]:
    """For each line: (median first year over the runs that meet it or None, how many runs meet
    it), from per-replicate metrics."""
    out = {}
    m = metrics[metrics["scenario"] == scenario]
    for line in lines:
        hit = m[(m["level"] == line.level) & (m["entity"] == line.entity) & (m["metric"] == line.metric)
                & np.isclose(m["value"], line.target)]
        first = hit.groupby("replicate")["year"].min()
        out[line.label] = (int(np.median(first)) if len(first) else None, int(len(first)))
    return out


def first_met_text(year: int | None, met: int, runs: int) -> str:
    """'第3年 / year 3 (18/20)' or '未达到 / not met (0/20)'."""
    if year is None:
        return f"未达到 / not met (0/{runs})"
    return f"第{year}年 / year {year} ({met}/{runs})"


def indicator_table(summary: pd.DataFrame, runs: tuple[tuple[str, pd.DataFrame, int], ...], year: int) -> pd.DataFrame:
    """Each indicator's 差异系数, the share of runs within its line in ``year``, and the year it is
    first met, per scenario and stage; ``runs`` holds (scenario, per-replicate metrics, number of
    runs).  Columns indicator (bilingual), stage, scenario, cv, share_within, first_met (text)."""
    s = summary[(summary["year"] == year) & (summary["level"] == "stage")].set_index(["scenario", "entity", "metric"])
    met = {name: first_met(metrics, name, INDICATOR_LINES) for name, metrics, _ in runs}
    rows = []
    for ind in INDICATORS:
        for stage in ("primary", "junior"):
            line = next(ln for ln in INDICATOR_LINES if ln.metric == f"cv_pass_{ind.key}" and ln.entity == stage)
            for name, _, n in runs:
                rows.append({"indicator": metric_label(f"cv_{ind.key}"), "stage": stage, "scenario": name,
                             "cv": float(s["mean"].get((name, stage, f"cv_{ind.key}"), np.nan)),
                             "share_within": float(s["mean"].get((name, stage, line.metric), np.nan)),
                             "first_met": first_met_text(*met[name][line.label], n)})
    return pd.DataFrame(rows)
