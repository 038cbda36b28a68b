"""The run page's campus map: campuses at their km coordinates, marker area ∝ enrolment, colour =
mean achievement or reputation, symbol = stage, outline = locale; lines for group links (by mode)
and district pairs; a year slider and a colour dropdown.

Positions and links come from ``campuses.parquet`` and ``campus_links.parquet``; enrolment,
achievement and reputation are ``campus_year`` means over replicates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..labels import LOCALE_LABEL, MODE_LABEL, ROLE_LABEL, STAGE_LABEL
from .network_map import LOCALE_COLOUR, MODE_COLOUR, STAGE_SYMBOL, marker_sizes
from .panel import Control, Panel, Update, base_layout, view_key
from .text import YEAR_LABEL, metric_label

COLOURS = {"mean_achievement": metric_label("mean_achievement"), "reputation": "声誉 / reputation (SD)"}
"""Colour choices: campus_year column → bilingual label."""

CLOSED_OPACITY = 0.25


def campus_means(campus_year: pd.DataFrame) -> pd.DataFrame:
    """Per year and campus: mean over replicates of enrolment, mean achievement and reputation, and
    the share of replicates in which the campus is open."""
    cy = campus_year.assign(open=campus_year["open"].astype(float))
    return cy.groupby(["year", "campus"], sort=True)[["enrolment", "mean_achievement", "reputation", "open"]].mean()


def _segments(campuses: pd.DataFrame, links: pd.DataFrame) -> tuple[list, list]:
    xy = campuses.set_index("campus")[["x_km", "y_km"]]
    x: list = []
    y: list = []
    for u, v in zip(links["source"], links["target"]):
        x += [xy.at[u, "x_km"], xy.at[v, "x_km"], None]
        y += [xy.at[u, "y_km"], xy.at[v, "y_km"], None]
    return x, y


def _link_traces(campuses: pd.DataFrame, links: pd.DataFrame) -> list[dict]:
    """District pairs (faint) and group links, one trace per grouping mode."""
    traces = []
    district = links[links["kind"] == "district"]
    if len(district):
        x, y = _segments(campuses, district)
        traces.append({"type": "scatter", "x": x, "y": y, "mode": "lines", "name": "学区关系 district",
                       "hoverinfo": "skip", "line": {"color": "rgba(120,120,120,0.35)", "width": 0.8}})
    group = links[links["kind"] == "group"]
    for mode, d in group.groupby("mode", sort=True):
        x, y = _segments(campuses, d)
        traces.append({"type": "scatter", "x": x, "y": y, "mode": "lines", "name": MODE_LABEL.get(mode, mode),
                       "hoverinfo": "skip", "line": {"color": MODE_COLOUR.get(mode, "#555"), "width": 1.8}})
    return traces


def _campus_text(c: pd.DataFrame) -> list[str]:
    group = [f"{g} ({ROLE_LABEL.get(r, r)})" if g else "—" for g, r in zip(c["group"], c["role"])]
    return [f"<b>{n}</b> ({i})<br>{STAGE_LABEL.get(s, s)} · {LOCALE_LABEL.get(lo, lo)}<br>集团 group: {g}"
            f"<br>学区 district: {d or '—'}"
            for n, i, s, lo, g, d in zip(c["name"], c["campus"], c["stage"], c["locale"], group, c["district"])]


SPAN_PERCENTILE = 98
"""The colour scale spans ± this percentile of |value| over campuses and years, so that one
outlying campus does not wash out the rest."""


def _robust_span(values: np.ndarray) -> float:
    finite = np.abs(values[np.isfinite(values)])
    return float(np.percentile(finite, SPAN_PERCENTILE)) if finite.size and finite.max() > 0 else 1.0


def _year_update(m: pd.DataFrame, largest: float, trace: int) -> dict:
    """Marker sizes, hover numbers and opacity (closed campuses faint) of one year's means."""
    enrol = np.nan_to_num(m["enrolment"].to_numpy(float))
    custom = np.column_stack([np.round(enrol), np.round(m["mean_achievement"].to_numpy(float), 3),
                              np.round(m["reputation"].to_numpy(float), 3)])
    restyle = {"marker.size": [np.round(marker_sizes(enrol, largest), 1)], "customdata": [custom]}
    closed = m["open"].fillna(0).to_numpy(float) <= 0.5
    restyle["marker.opacity"] = [np.where(closed, CLOSED_OPACITY, 1.0)] if closed.any() else 1.0
    return {"traces": [trace], "restyle": restyle}


def map_panel(campuses: pd.DataFrame, links: pd.DataFrame, campus_year: pd.DataFrame) -> Panel:
    """The campus map with a year slider and a colour dropdown (module docstring).  Its updates:
    sizes and hover numbers keyed by year, colours by year and colour."""
    means = campus_means(campus_year)
    years = sorted(means.index.get_level_values("year").unique())
    ids = campuses["campus"].tolist()
    means = means.reindex(pd.MultiIndex.from_product([years, ids], names=["year", "campus"]))
    largest = float(np.nan_to_num(means["enrolment"].to_numpy(float)).max(initial=0.0))
    traces = _link_traces(campuses, links)
    trace = len(traces)
    by_year = {str(y): _year_update(means.loc[y], largest, trace) for y in years}
    by_colour = {view_key(y, column): {"traces": [trace], "restyle": {
        "marker.color": [np.round(means.loc[y, column].to_numpy(float), 3)], "marker.colorbar.title.text": label}}
        for y in years for column, label in COLOURS.items()}
    span = max(_robust_span(means[c].to_numpy(float)) for c in COLOURS)
    first_colour = next(iter(COLOURS))
    size = by_year[str(years[-1])]["restyle"]
    colour = by_colour[view_key(years[-1], first_colour)]["restyle"]
    traces.append({
        "type": "scatter", "x": campuses["x_km"], "y": campuses["y_km"], "mode": "markers", "name": "校区 campuses",
        "text": _campus_text(campuses), "customdata": size["customdata"][0], "showlegend": False,
        "hovertemplate": "%{text}<br>在校生 pupils: %{customdata[0]:,.0f}<br>平均学业 achievement: "
                         "%{customdata[1]:+.2f} SD<br>声誉 reputation: %{customdata[2]:+.2f} SD<extra></extra>",
        "marker": {"size": size["marker.size"][0], "color": colour["marker.color"][0],
                   "opacity": size["marker.opacity"][0] if isinstance(size["marker.opacity"], list) else 1.0,
                   "colorscale": "RdYlBu", "cmid": 0.0, "cmin": -span, "cmax": span,
                   "symbol": [STAGE_SYMBOL.get(s, "circle") for s in campuses["stage"]],
                   "line": {"color": [LOCALE_COLOUR.get(lo, "#333") for lo in campuses["locale"]], "width": 1.5},
                   "colorbar": {"title": {"text": COLOURS[first_colour]}, "thickness": 14}}})
    layout = base_layout(height=640, xaxis={"title": {"text": "东西 km / east–west km"}},
                         yaxis={"title": {"text": "南北 km / north–south km"}, "scaleanchor": "x", "scaleratio": 1},
                         title={"text": "校区地图 / campus map"})
    controls = (Control("year", YEAR_LABEL, [(str(y), f"第{y}年 year {y}") for y in years], str(years[-1]),
                        kind="range"),
                Control("colour", "颜色 colour", list(COLOURS.items()), first_colour))
    return Panel("map", "校区地图 / campus map", go.Figure(traces, layout), controls, note=(
        "标记面积=在校生（重复均值），颜色=所选指标，形状=学段（圆 小学 primary、方 初中 junior、菱形 九年一贯 "
        "nine-year），边框=城乡（红 城区 urban、橙 镇区 town、绿 乡村 rural）；拖动滑块换年份 / marker area = "
        "pupils (mean over replicates), colour = the chosen measure, symbol = stage, outline = locale; drag "
        "the slider to change the year."),
        updates=(Update(("year",), by_year), Update(("year", "colour"), by_colour)))
