"""The compact bilingual summary of a scenario comparison, for the planner: when each plan first
meets the 差异系数 lines on every indicator, the last year's 56+ share, gaps, backflow and cost,
each with its 95 % interval, and each plan's difference from the reference, saying where a
difference is not distinguishable from zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .metrics.frame import REGION

NOT_DISTINGUISHABLE = "与参照无显著差异 / not distinguishable from the reference"


@dataclass(frozen=True)
class Line:
    """One line of the summary: what it measures, how values are shown, and where it is found."""

    label: str
    level: str
    entity: str
    metric: str
    scale: float = 1.0
    digits: int = 3
    unit: str = ""


LAST_YEAR_LINES = (
    Line("七项全部达标(小学) / all 7 差异系数 ≤ 0.50, primary: share of runs", "stage", "primary", "cv_pass_all",
         100, 0, " %"),
    Line("七项全部达标(初中) / all 7 差异系数 ≤ 0.45, junior: share of runs", "stage", "junior", "cv_pass_all",
         100, 0, " %"),
    Line("差异系数均值(小学) / mean 差异系数, primary", "stage", "primary", "cv_mean"),
    Line("差异系数均值(初中) / mean 差异系数, junior", "stage", "junior", "cv_mean"),
    Line("大班额占比 / share of 56+ classes", "region", REGION, "share_classes_56plus", 100, 2, " %"),
    Line("超大班额班级 / 66+ classes", "region", REGION, "classes_66plus", 1, 1),
    Line("城乡学业差距 / urban–rural gap, SD", "region", REGION, "achievement_gap_rural"),
    Line("乡村学位使用率 / rural seat use", "locale", "rural", "utilisation", 100, 1, " %"),
    Line("累计回流 / backflow to date, pupils", "region", REGION, "backflow_cumulative", 1, 1),
    Line("乡村教师流失率 / rural teacher attrition", "locale", "rural", "attrition_rate", 100, 2, " %"),
    Line("累计成本 / cost to date, 万元 (10k yuan)", "region", REGION, "cumulative_cost_yuan", 1e-4, 0),
    Line("差距每缩小1 SD成本 / cost per SD of gap closed, 万元", "region", REGION, "cost_per_gap_sd_yuan", 1e-4, 0),
    Line("差异系数每降0.01成本(小学) / cost per 0.01 差异系数, primary, 万元", "stage", "primary",
         "cost_per_cv_0_01_yuan", 1e-4, 0),
    Line("差异系数每降0.01成本(初中) / cost per 0.01 差异系数, junior, 万元", "stage", "junior",
         "cost_per_cv_0_01_yuan", 1e-4, 0),
)
"""Lines read in the last simulated year."""


def _num(x: float, line: Line, sign: bool = False) -> str:
    if x is None or not np.isfinite(x):
        return "–"
    return f"{x * line.scale:{'+' if sign else ''},.{line.digits}f}"


def first_pass_year(metrics: pd.DataFrame, scenario: str, stage: str) -> str:
    """When all seven 差异系数 first fall within the line: median first year over the replicates
    that get there, and how many do."""
    m = metrics[(metrics["scenario"] == scenario) & (metrics["level"] == "stage") & (metrics["entity"] == stage)
                & (metrics["metric"] == "cv_pass_all")]
    runs = metrics.loc[metrics["scenario"] == scenario, "replicate"].nunique()
    first = m[m["value"] == 1].groupby("replicate")["year"].min()
    if first.empty:
        return f"未达标 / not met (0/{runs})"
    return f"第{int(np.median(first))}年 / year {int(np.median(first))} ({len(first)}/{runs})"


def _cell(row: pd.Series | None, line: Line, reference: bool) -> str:
    if row is None:
        return "–"
    if line.metric.startswith("cost_per_"):
        if not row["distinguishable"]:
            return "差距未显著缩小 / reduction not distinguishable from 0"
        return f"{_num(row['mean'], line)} [{_num(row['ci_low'], line)}, {_num(row['ci_high'], line)}]"
    text = f"{_num(row['mean'], line)}{line.unit} [{_num(row['ci_low'], line)}, {_num(row['ci_high'], line)}]"
    if reference:
        return text
    diff = f"Δ {_num(row['diff'], line, sign=True)} [{_num(row['diff_ci_low'], line, sign=True)}, " \
           f"{_num(row['diff_ci_high'], line, sign=True)}]"
    return f"{text}\n{diff}" + ("" if row["distinguishable"] else " n.s.")


def summary_rows(comparison: pd.DataFrame, metrics: pd.DataFrame, names: list[str]) -> list[tuple[str, list[str]]]:
    """(label, one cell per scenario) for every line of the summary: first the first year each plan
    meets the 差异系数 lines, then :data:`LAST_YEAR_LINES` in the last simulated year."""
    year = int(comparison["year"].max())
    rows = [(f"七项首次全部达标({stage_zh}) / first year all 7 差异系数 within the line, {stage}",
             [first_pass_year(metrics, name, stage) for name in names])
            for stage, stage_zh in (("primary", "小学"), ("junior", "初中"))]
    last = comparison[comparison["year"] == year].set_index(["scenario", "level", "entity", "metric"])
    for line in LAST_YEAR_LINES:
        cells = []
        for i, name in enumerate(names):
            key = (name, line.level, line.entity, line.metric)
            row = last.loc[key] if key in last.index else None
            cells.append("参照 / reference" if i == 0 and line.metric.startswith("cost_per_") else
                         _cell(row, line, reference=i == 0))
        rows.append((f"{line.label}, 第{year}年 / year {year}", cells))
    return rows


def footnotes(names: list[str], replicates: int) -> list[str]:
    """What the numbers mean."""
    return [
        f"均值 [95% 置信区间]，{replicates} 次重复，共同随机数 / mean [95 % interval] over {replicates} replicates "
        "on common random numbers.",
        f"Δ: 与参照情景 {names[0]} 的配对差值 [95% 区间] / paired difference from the reference {names[0]} "
        f"[95 % interval]; n.s. = {NOT_DISTINGUISHABLE}.",
        "成本效益为额外累计成本 ÷ 改善量，区间为重复间自助法 / cost-effectiveness is extra cumulative cost ÷ "
        "improvement, bootstrap interval over replicates.",
        "指标定义 / definitions: docs/METRICS.md, or python run_sim.py metrics.",
    ]
