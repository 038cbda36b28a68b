"""Time series of catalogue metrics with their 95 % bands over replicates: the run page's series
(every entity of a level, picked by metric and level) and the comparison page's series (every
scenario side by side, picked by metric, level and entity).

Values are the ``mean``, ``ci_low`` and ``ci_high`` columns of ``metrics_summary`` (a run) or
``comparison`` (a comparison), plotted as they are.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from plotly.colors import hex_to_rgb, qualitative

from ..metrics.balance import CV_THRESHOLD
from ..metrics.catalogue import CATALOGUE, FAMILIES
from ..labels import STAGE_LABEL
from .panel import Control, Panel, base_layout, figure_of, view_key
from .text import (LEVEL_LABEL, YEAR_LABEL, axis_format, entity_label, format_interval, format_value, metric_label,
                   metric_unit)

SERIES_LEVELS = ("region", "stage", "locale", "stage_locale", "locale_pair", "group")
"""Levels offered in the series dropdowns (campus-level series belong on the map, not in a line chart)."""

PALETTE = qualitative.D3
DEFAULT_METRIC = ("cv_mean", "stage")


def colour(i: int) -> str:
    """The i-th colour of the palette (cycling)."""
    return PALETTE[i % len(PALETTE)]


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = hex_to_rgb(hex_colour)
    return f"rgba({r},{g},{b},{alpha})"


def band_traces(rows: pd.DataFrame, name: str, colour_hex: str, unit: str, axes: tuple[str, str] = ("x", "y"),
                showlegend: bool = True) -> list[dict]:
    """A filled 95 % band (when intervals exist) and the mean line of ``rows`` (year, mean, ci_low,
    ci_high; sorted by year), as plain Plotly trace dicts."""
    x, mean = rows["year"].to_numpy(), rows["mean"].to_numpy(float)
    low, high = rows["ci_low"].to_numpy(float), rows["ci_high"].to_numpy(float)
    ok = np.isfinite(low) & np.isfinite(high)
    xa, ya = axes
    traces = []
    if ok.any():
        traces.append({"type": "scatter", "x": np.concatenate([x[ok], x[ok][::-1]]),
                       "y": np.concatenate([high[ok], low[ok][::-1]]), "fill": "toself", "mode": "lines",
                       "fillcolor": _rgba(colour_hex, 0.18), "line": {"width": 0}, "hoverinfo": "skip",
                       "showlegend": False, "legendgroup": name, "name": f"{name} 95%", "xaxis": xa, "yaxis": ya})
    hover = [f"{name}<br>{YEAR_LABEL} {y}: {format_value(m, unit)} {format_interval(lo, hi, unit)}"
             for y, m, lo, hi in zip(x, mean, low, high)]
    traces.append({"type": "scatter", "x": x, "y": mean, "mode": "lines+markers", "name": name,
                   "line": {"color": colour_hex, "width": 2}, "marker": {"size": 6}, "legendgroup": name,
                   "hovertext": hover, "hoverinfo": "text", "showlegend": showlegend, "xaxis": xa, "yaxis": ya})
    return traces


def _threshold_shapes(metric: str, level: str, stages: list[str]) -> list[dict]:
    """Dashed lines at the 差异系数 line of each stage shown (0.50 primary, 0.45 junior)."""
    if not (CATALOGUE.get(metric) and CATALOGUE[metric].family == "balance" and CATALOGUE[metric].unit == "ratio"
            and level == "stage"):
        return []
    return [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": CV_THRESHOLD[s], "y1": CV_THRESHOLD[s],
             "line": {"dash": "dash", "color": "#888", "width": 1},
             "label": {"text": f"{STAGE_LABEL[s]} ≤ {CV_THRESHOLD[s]:.2f}", "textposition": "end", "font": {"size": 11}}}
            for s in stages if s in CV_THRESHOLD]


def _metric_control(keys: list[str], value: str) -> Control:
    order = {k: i for i, k in enumerate(CATALOGUE)}
    keys = sorted(keys, key=lambda k: order.get(k, len(order)))
    return Control("metric", "指标 metric", [(k, metric_label(k)) for k in keys], value,
                   groups={k: FAMILIES.get(CATALOGUE[k].family, "") if k in CATALOGUE else "" for k in keys})


def _default(views: dict, preferred: str) -> str:
    return preferred if preferred in views else next(iter(views))


def run_series_panel(summary: pd.DataFrame) -> Panel:
    """Every catalogue metric of a run over the years, one line and band per entity of the chosen
    level; dropdowns pick the metric and the level."""
    s = summary[summary["level"].isin(SERIES_LEVELS)].sort_values("year", kind="stable")
    views: dict[str, dict] = {}
    levels: dict[str, list[str]] = {}
    for (metric, level), d in s.groupby(["metric", "level"], sort=False):
        unit = metric_unit(metric)
        by_entity = dict(list(d.groupby("entity", sort=True)))
        entities = list(by_entity)
        data = [t for i, (e, rows) in enumerate(by_entity.items())
                for t in band_traces(rows, entity_label(level, e), colour(i), unit)]
        views[view_key(metric, level)] = {"data": data, "layout": {
            "title": {"text": f"{metric_label(metric)} — {LEVEL_LABEL.get(level, level)}"},
            "yaxis": axis_format(unit), "xaxis": {"title": {"text": YEAR_LABEL}, "dtick": 1},
            "shapes": _threshold_shapes(metric, level, entities)}}
        levels.setdefault(metric, []).append(level)
    start = _default(views, view_key(*DEFAULT_METRIC))
    metric, level = start.split("|")
    layout = base_layout(height=480)
    controls = (_metric_control(list(levels), metric),
                Control("level", "层级 level", [(lv, LEVEL_LABEL[lv]) for lv in SERIES_LEVELS], level,
                        depends_on=("metric",), allowed=levels))
    return Panel("series", "指标随时间变化 / metrics over time", figure_of(views[start], layout), controls, views,
                 "均值及95%区间（重复间）/ mean and 95 % interval over replicates; 选择指标与层级 / pick a metric and a level.")


def comparison_series_panel(comparison: pd.DataFrame, names: list[str]) -> Panel:
    """Every scenario side by side over the years, with bands, for the chosen metric, level and
    entity."""
    c = comparison[comparison["level"].isin(SERIES_LEVELS)].sort_values("year", kind="stable")
    views: dict[str, dict] = {}
    levels: dict[str, list[str]] = {}
    entities: dict[str, list[str]] = {}
    for (metric, level, entity), d in c.groupby(["metric", "level", "entity"], sort=True):
        unit = metric_unit(metric)
        by_name = dict(list(d.groupby("scenario", sort=False)))
        data = [t for i, name in enumerate(names) if name in by_name
                for t in band_traces(by_name[name], name, colour(i), unit)]
        views[view_key(metric, level, entity)] = {"data": data, "layout": {
            "title": {"text": f"{metric_label(metric)} — {entity_label(level, entity)}"},
            "yaxis": axis_format(unit), "xaxis": {"title": {"text": YEAR_LABEL}, "dtick": 1},
            "shapes": _threshold_shapes(metric, level, [entity])}}
        levels.setdefault(metric, [])
        if level not in levels[metric]:
            levels[metric].append(level)
        entities.setdefault(view_key(metric, level), []).append(entity)
    start = _default(views, view_key(*DEFAULT_METRIC, "primary"))
    metric, level, entity = start.split("|")
    entity_labels = {e: entity_label(key.split("|")[1], e) for key, es in entities.items() for e in es}
    controls = (_metric_control(list(levels), metric),
                Control("level", "层级 level", [(lv, LEVEL_LABEL[lv]) for lv in SERIES_LEVELS], level,
                        depends_on=("metric",), allowed=levels),
                Control("entity", "对象 entity", sorted(entity_labels.items()), entity,
                        depends_on=("metric", "level"), allowed=entities))
    return Panel("comparison_series", "各情景指标对比 / scenarios side by side",
                 figure_of(views[start], base_layout(height=480)), controls, views,
                 "各情景均值及95%区间 / each scenario's mean and 95 % interval over replicates.")
