"""Cost per unit of gap closed: each plan's extra cumulative cost over the reference per 0.01 of
差异系数 reduced (per stage) and per SD of the urban–rural gap closed, with bootstrap intervals, in
the last year; where the reduction is not distinguishable from zero, no ratio is given.

Values are the ``cost_per_*`` rows of ``comparison.parquet`` (:mod:`sim.comparison`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from plotly.subplots import make_subplots

from ..metrics.catalogue import COMPARISON_ONLY
from .panel import Panel, base_layout
from .series import colour
from .text import entity_label, format_interval, format_value, metric_label, metric_unit

NOT_REDUCED = "差距未显著缩小 / reduction not distinguishable from 0"


@dataclass(frozen=True)
class CostRow:
    """One plan's cost per unit of one gap, as numbers and as text."""

    scenario: str
    measure: str
    mean: float
    ci_low: float
    ci_high: float
    distinguishable: bool

    @property
    def text(self) -> str:
        unit = "yuan"
        if not self.distinguishable:
            return NOT_REDUCED
        return f"{format_value(self.mean, unit)} {format_interval(self.ci_low, self.ci_high, unit)}"


def cost_rows(comparison: pd.DataFrame, year: int) -> list[CostRow]:
    """Every plan's cost-per-unit rows in ``year`` (the reference has none)."""
    c = comparison[comparison["metric"].isin(COMPARISON_ONLY) & (comparison["year"] == year)]
    return [CostRow(r.scenario, f"{metric_label(r.metric)} — {entity_label(r.level, r.entity)}", float(r.mean),
                    float(r.ci_low), float(r.ci_high), bool(r.distinguishable))
            for r in c.sort_values(["metric", "entity", "scenario"]).itertuples()]


def cost_panel(comparison: pd.DataFrame, names: list[str], year: int) -> Panel | None:
    """Bars of cost per unit with intervals, one subplot per gap, in ``year``; None if the table
    has no cost-per-unit rows."""
    rows = cost_rows(comparison, year)
    if not rows:
        return None
    measures = list(dict.fromkeys(r.measure for r in rows))
    fig = make_subplots(rows=1, cols=len(measures), subplot_titles=measures, horizontal_spacing=0.08)
    plans = names[1:]
    for col, measure in enumerate(measures, start=1):
        mine = {r.scenario: r for r in rows if r.measure == measure}
        shown = [mine.get(p) for p in plans]
        fig.add_bar(x=plans, y=[r.mean / 1e4 if r and r.distinguishable else None for r in shown],
                    error_y={"type": "data", "array": [(r.ci_high - r.mean) / 1e4 if r and r.distinguishable else None
                                                       for r in shown],
                             "arrayminus": [(r.mean - r.ci_low) / 1e4 if r and r.distinguishable else None
                                            for r in shown], "color": "#444"},
                    marker_color=[colour(k + 1) for k in range(len(plans))], showlegend=False,
                    hovertext=[f"{p}: {r.text if r else '–'}" for p, r in zip(plans, shown)], hoverinfo="text",
                    row=1, col=col)
        for p, r in zip(plans, shown):
            if r is not None and not r.distinguishable:
                fig.add_annotation(x=p, y=0, text="n.s.", showarrow=False, yshift=10, row=1, col=col)
    fig.update_yaxes(title_text=f"万元 / 10k yuan ({metric_unit(COMPARISON_ONLY[0])})", row=1, col=1)
    fig.update_annotations(font_size=11)
    fig.update_layout(**base_layout(height=420, title={"text": f"第{year}年 / year {year}"}))
    return Panel("cost", "每单位差距缩小的成本 / cost per unit of gap closed", fig, (), {},
                 "额外累计成本 ÷ 改善量，区间为重复间自助法；n.s. = " + NOT_REDUCED +
                 " / extra cumulative cost ÷ improvement, bootstrap interval over replicates.")
