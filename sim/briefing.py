"""The compact bilingual summary of a scenario comparison, for the planner: when each plan first
meets the 差异系数 lines on every indicator (and whether it still meets them in the last year), the
56+ share in the reference's worst year, the last year's 56+ share, gaps, backflow and cost, each with its 95 % interval, and each plan's
difference from the reference (a share's in percentage points), saying where a difference is not
distinguishable from zero and where a plan makes a yardstick worse.

The content is here; :func:`sim.cli._print_comparison` lays it out to the width of the terminal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .comparison import EFFECTS
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

    @property
    def diff_unit(self) -> str:
        """Unit of a difference: a difference of percentages is in percentage points."""
        return " pp" if self.unit == " %" else self.unit


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
    Line("核心校与成员校差距 / hub–member gap of the plan's groups, SD", "region", REGION, "hub_member_gap"),
    Line("交流比例 / share of teachers exchanged", "region", REGION, "exchange_rate", 100, 1, " %"),
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

PEAK_LINES = (
    Line("大班额占比 / share of 56+ classes", "region", REGION, "share_classes_56plus", 100, 2, " %"),
)
"""Lines read also in the year the reference is at its worst, when that year is clearly worse than
the last (a plan against a passing crowd, such as a birth bulge, shows there and not at the end)."""

PEAK_MARGIN = 0.01
"""How much worse than the last year the reference's worst year must be for its line to appear (one
percentage point of classes)."""


def _num(x: float, line: Line, sign: bool = False) -> str:
    if x is None or not np.isfinite(x):
        return "–"
    return f"{x * line.scale:{'+' if sign else ''},.{line.digits}f}"


def first_pass_year(metrics: pd.DataFrame, scenario: str, stage: str) -> str:
    """When all seven 差异系数 first fall within the line: median first year over the replicate runs
    that get there, how many of the runs do, and how many still meet the line in the last year."""
    m = metrics[(metrics["scenario"] == scenario) & (metrics["level"] == "stage") & (metrics["entity"] == stage)
                & (metrics["metric"] == "cv_pass_all")]
    runs = metrics.loc[metrics["scenario"] == scenario, "replicate"].nunique()
    last = int(metrics.loc[metrics["scenario"] == scenario, "year"].max())
    first = m[m["value"] == 1].groupby("replicate")["year"].min()
    if first.empty:
        return f"未达标 / not met (0/{runs} 次 runs)"
    held = int(((m["year"] == last) & (m["value"] == 1)).sum())
    median = int(np.median(first))
    text = f"第{median}年 / year {median} ({len(first)}/{runs} 次 runs)"
    if held == len(first):
        return f"{text}; 第{last}年仍达标 / still met in year {last}: {held}/{runs}"
    return f"{text}; 至第{last}年失守 / lost by year {last}: {len(first) - held} of {len(first)}"


WORSE = "更差：该指标显著变差 / worse: the plan significantly widens this gap"
NO_REDUCTION = "未显著缩小 / reduction not distinguishable from 0"


def _cost_cell(row: pd.Series, yardstick: pd.Series | None, line: Line) -> str:
    """A cost-effectiveness cell: the cost per unit of reduction, or why there is none."""
    if row["distinguishable"]:
        return f"{_num(row['mean'], line)} [{_num(row['ci_low'], line)}, {_num(row['ci_high'], line)}]"
    if yardstick is not None and yardstick["distinguishable"] and yardstick["diff"] > 0:
        return WORSE
    return NO_REDUCTION


def _cell(row: pd.Series | None, line: Line, reference: bool) -> str:
    if row is None:
        return "–"
    text = f"{_num(row['mean'], line)}{line.unit} [{_num(row['ci_low'], line)}, {_num(row['ci_high'], line)}]"
    if reference or pd.isna(row["diff"]):  # a plan measure the reference has not (groups, exchange)
        return text
    diff = f"Δ {_num(row['diff'], line, sign=True)}{line.diff_unit} [{_num(row['diff_ci_low'], line, sign=True)}, " \
           f"{_num(row['diff_ci_high'], line, sign=True)}]"
    return f"{text}\n{diff}" + ("" if row["distinguishable"] else " n.s.")


def _row(table: pd.DataFrame, key: tuple) -> pd.Series | None:
    """The row of ``key`` in an indexed table, or None."""
    return table.loc[key] if key in table.index else None


def _yardstick(line: Line) -> tuple[str, str, str] | None:
    """(level, entity, metric) whose reduction a cost-effectiveness line prices."""
    for level, entity, metric, _ in EFFECTS.get(line.metric, []):
        if (level, entity) == (line.level, line.entity):
            return level, entity, metric
    return None


def summary_rows(comparison: pd.DataFrame, metrics: pd.DataFrame, names: list[str]) -> list[tuple[str, list[str]]]:
    """(label, one cell per scenario) for every line of the summary: first the first year each plan
    meets the 差异系数 lines, then :data:`PEAK_LINES` in the reference's worst year, then
    :data:`LAST_YEAR_LINES` in the last simulated year."""
    year = int(comparison["year"].max())
    rows = [(f"七项首次全部达标({stage_zh}) / first year all 7 差异系数 within the line, {stage}",
             [first_pass_year(metrics, name, stage) for name in names])
            for stage, stage_zh in (("primary", "小学"), ("junior", "初中"))]
    indexed = comparison.set_index(["scenario", "level", "entity", "metric", "year"]).sort_index()
    for line in PEAK_LINES:
        key = (names[0], line.level, line.entity, line.metric)
        series = indexed.loc[key]["mean"] if key in indexed.index.droplevel("year") else pd.Series(dtype=float)
        worst = int(series.idxmax()) if len(series) else year
        if worst != year and series[worst] - series.get(year, 0.0) >= PEAK_MARGIN:
            rows.append((f"{line.label}, 参照最高的第{worst}年 / in the reference's worst year, year {worst}",
                         [_cell(_row(indexed, (name, line.level, line.entity, line.metric, worst)), line, i == 0)
                          for i, name in enumerate(names)]))
    last = comparison[comparison["year"] == year].set_index(["scenario", "level", "entity", "metric"])
    for line in LAST_YEAR_LINES:
        cells = []
        for i, name in enumerate(names):
            key = (name, line.level, line.entity, line.metric)
            row = last.loc[key] if key in last.index else None
            if line.metric in EFFECTS and i == 0:
                cells.append("参照 / reference")
            elif line.metric in EFFECTS:
                stick = _yardstick(line)
                stick_key = (name, *stick) if stick else None
                cells.append("–" if row is None else _cost_cell(
                    row, last.loc[stick_key] if stick_key in last.index else None, line))
            else:
                cells.append(_cell(row, line, reference=i == 0))
        rows.append((f"{line.label}, 第{year}年 / year {year}", cells))
    return rows


def footnotes(reference: str, replicates: int, common: bool = True) -> list[str]:
    """What the numbers mean; ``reference`` is the reference plan's title, ``common`` whether the
    plans ran on common random numbers (not with ``--independent-seeds``)."""
    seeds = ("各情景共用同一组种子（共同随机数）/ mean [95 % interval] over {r} replicate runs, every plan on the "
             "same seeds (common random numbers)." if common else
             "各情景种子相互独立 / mean [95 % interval] over {r} replicate runs, each plan on its own seeds "
             "(--independent-seeds: no common random numbers, so intervals of differences are wider).")
    return [
        f"均值 [95% 置信区间]，{replicates} 次重复，" + seeds.format(r=replicates),
        f"(k/{replicates} 次 runs): {replicates} 次重复中有 k 次 / k of the {replicates} replicate runs; "
        "首次达标年份为这些重复的中位数 / the first year is the median over those runs.",
        f"Δ: 与参照情景「{reference}」的{'配对' if common else ''}差值 [95% 区间] / "
        f"{'paired ' if common else ''}difference from the reference \"{reference}\" [95 % interval]; "
        f"pp = 百分点 / percentage points; n.s. = {NOT_DISTINGUISHABLE}.",
        "成本效益为额外累计成本 ÷ 改善量，区间为重复间自助法 / cost-effectiveness is extra cumulative cost ÷ "
        "improvement, bootstrap interval over replicates.",
        "指标定义 / definitions: docs/METRICS.md, or python run_sim.py metrics.",
    ]
