"""Paired differences of each plan from the reference, with their 95 % intervals: a forest plot
per chosen year (one panel per headline measure), and plain-language notes saying which differences
are distinguishable from zero and which are not.

Values are the ``diff``, ``diff_ci_low``, ``diff_ci_high`` and ``distinguishable`` columns of
``comparison.parquet`` (the mean of per-replicate differences on shared seeds and its t interval).
"""

from __future__ import annotations

import pandas as pd
from plotly.subplots import make_subplots

from .headline import HEADLINES, Headline, headline_row, headline_subset
from .panel import Control, Panel, base_layout
from .series import colour
from .text import PERCENT_UNITS, format_interval, format_value, split_label

FOREST_HEADLINES: tuple[Headline, ...] = tuple(h for h in HEADLINES if h.metric != "cv_pass_all")
"""Measures in the forest plot (the pass flags are in the yardstick table instead)."""


def _forest_traces(comparison: pd.DataFrame, names: list[str], year: int) -> list[dict]:
    """One trace per headline measure (its own axes): each plan's difference with error bars;
    open markers where the difference is not distinguishable from zero."""
    traces = []
    plans = names[1:]
    for i, h in enumerate(FOREST_HEADLINES, start=1):
        rows = [headline_row(comparison, name, year, h) for name in plans]
        x = [None if r is None else r["diff"] for r in rows]
        plus = [None if r is None else r["diff_ci_high"] - r["diff"] for r in rows]
        minus = [None if r is None else r["diff"] - r["diff_ci_low"] for r in rows]
        sure = [r is not None and bool(r["distinguishable"]) for r in rows]
        hover = [f"{name}: Δ {format_value(r['diff'], h.unit, True)} "
                 f"{format_interval(r['diff_ci_low'], r['diff_ci_high'], h.unit, True)}"
                 + ("" if s else " n.s.") if r is not None else f"{name}: –" for name, r, s in zip(plans, rows, sure)]
        axis = "" if i == 1 else str(i)
        traces.append({"type": "scatter", "x": x, "y": plans, "mode": "markers", "name": h.label, "showlegend": False,
                       "error_x": {"type": "data", "array": plus, "arrayminus": minus, "thickness": 1.5, "color": "#444"},
                       "marker": {"size": 10, "color": [colour(k + 1) for k in range(len(plans))],
                                  "symbol": ["circle" if s else "circle-open" for s in sure]},
                       "hovertext": hover, "hoverinfo": "text", "xaxis": f"x{axis}", "yaxis": f"y{axis}"})
    return traces


def forest_panel(comparison: pd.DataFrame, names: list[str]) -> Panel:
    """Forest plot of the plans' differences from the reference in the chosen year (last first)."""
    years = sorted(comparison["year"].unique().tolist())
    rows = len(FOREST_HEADLINES)
    fig = make_subplots(rows=rows, cols=1, subplot_titles=[h.label for h in FOREST_HEADLINES],
                        vertical_spacing=0.35 / rows)
    zero = [{"type": "line", "xref": "x" if i == 1 else f"x{i}", "yref": "y domain" if i == 1 else f"y{i} domain",
             "x0": 0, "x1": 0, "y0": 0, "y1": 1, "line": {"dash": "dot", "color": "#555", "width": 1}}
            for i in range(1, rows + 1)]
    fig.update_layout(shapes=zero)
    for i, h in enumerate(FOREST_HEADLINES, start=1):
        if h.unit in PERCENT_UNITS:
            fig.update_xaxes(tickformat=".1%", row=i, col=1)
    fig.update_annotations(font_size=12)
    fig.update_layout(**base_layout(height=130 * rows + 60 * len(names), showlegend=False,
                                    title={"text": f"与参照 {names[0]} 的配对差值 / paired differences from the "
                                                   f"reference {names[0]}"}))
    heads = headline_subset(comparison)
    views = {str(y): {"data": _forest_traces(heads, names, y), "layout": {}} for y in years}
    fig.add_traces(views[str(years[-1])]["data"])
    controls = (Control("year", "年份 year", [(str(y), f"第{y}年 year {y}") for y in years], str(years[-1])),)
    return Panel("forest", "与参照的差值 / differences from the reference", fig, controls, views,
                 "点为配对差值，横线为95%区间；空心点表示与参照无显著差异 / dots are paired differences, bars "
                 "their 95 % intervals; open dots are not distinguishable from the reference.")


def difference_notes(comparison: pd.DataFrame, names: list[str], year: int) -> list[tuple[bool, str]]:
    """(distinguishable, sentence) for every plan and headline measure in ``year``: what the
    difference from the reference is, and whether it can be told apart from zero."""
    reference, notes = names[0], []
    comparison = headline_subset(comparison)
    for name in names[1:]:
        for h in FOREST_HEADLINES:
            r = headline_row(comparison, name, year, h)
            if r is None or pd.isna(r["diff"]):
                continue
            zh, en = split_label(h.label)
            diff = (f"Δ {format_value(r['diff'], h.unit, True)} "
                    f"{format_interval(r['diff_ci_low'], r['diff_ci_high'], h.unit, True)}")
            if not r["distinguishable"]:
                notes.append((False, f"第{year}年，{name} 的{zh}与参照 {reference} 无显著差异（{diff}，区间含0）/ "
                                     f"In year {year}, {name}'s {en} is not distinguishable from the reference "
                                     f"{reference} ({diff}; the interval includes 0)."))
            else:
                up = r["diff"] > 0
                notes.append((True, f"第{year}年，{name} 的{zh}{'高于' if up else '低于'}参照 {reference}（{diff}）/ "
                                    f"In year {year}, {name}'s {en} is {'higher' if up else 'lower'} than the "
                                    f"reference {reference}'s ({diff})."))
    return notes
