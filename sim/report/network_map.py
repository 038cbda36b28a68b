"""A map of the school network as one self-contained HTML file that opens offline.

Campuses are markers at their km coordinates (colour = locale, symbol = stage, size = pupils),
group links are lines coloured by grouping mode, district pairs are faint lines (hidden until
switched on in the legend, since districts are cliques) and residential cells are small grey dots.
plotly.js is inlined, so the file works on an intranet PC without internet access.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import plotly.graph_objects as go

from ..atomic import write_text_atomic
from ..labels import LOCALE_LABEL, MODE_LABEL, ROLE_LABEL, STAGE_LABEL
from ..scenario.models import LOCALES, MODES, STAGES
from ..scenario.resolved import ResolvedScenario

FONT_FAMILY = ("Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, Hiragino Sans GB, "
               "WenQuanYi Micro Hei, SimHei, sans-serif")
"""Font stack with a CJK font on every common system, so Chinese renders with no web font."""

LOCALE_COLOUR = {"urban": "#c0392b", "town": "#e67e22", "rural": "#27ae60"}
STAGE_SYMBOL = {"primary": "circle", "junior": "square", "nine_year": "diamond"}
MODE_COLOUR = {"baseline": "#7f8c8d", "mingxiao_ruoxiao": "#8e44ad", "xuequ": "#2980b9",
               "jiaolianti": "#d35400"}


def _campus_hover(cid: str, a: dict) -> str:
    """Bilingual hover text of one campus node (Chinese label first, English beside)."""
    group = "—" if a["group"] is None else f"{a['group']} ({ROLE_LABEL[a['role']]})"
    return "<br>".join([
        f"<b>{a.get('name') or cid}</b> ({cid})",
        f"学段 stage: {STAGE_LABEL[a['stage']]}",
        f"城乡 locale: {LOCALE_LABEL[a['locale']]}",
        f"在校生 pupils: {a['pupils']}",
        f"容量 capacity: {a['capacity']}",
        f"教师 teachers: {a['teachers']}",
        f"质量 quality: {a['quality']:+.2f} SD",
        f"声誉 reputation: {a['reputation']:+.2f} SD",
        f"集团 group: {group}",
        f"学区 district: {a['district'] or '—'}",
        f"法人 legal person: {a['legal_person']}",
    ])


def marker_sizes(pupils: np.ndarray, largest: float) -> np.ndarray:
    """Marker diameters in px: area proportional to pupils, 5–28 px."""
    return 5.0 + 23.0 * np.sqrt(pupils / largest) if largest > 0 else np.full(len(pupils), 5.0)


def _campus_traces(graph: nx.MultiDiGraph) -> list[go.Scatter]:
    """One marker trace per locale and stage, so the legend explains both colour and symbol."""
    campuses = [(n, a) for n, a in graph.nodes(data=True) if a.get("kind") == "campus"]
    largest = max((a["pupils"] or 0 for _, a in campuses), default=0)
    traces = []
    for locale in LOCALES:
        for stage in STAGES:
            sel = [(n, a) for n, a in campuses if a["locale"] == locale and a["stage"] == stage]
            if not sel:
                continue
            pupils = np.array([a["pupils"] or 0 for _, a in sel], dtype=float)
            traces.append(go.Scatter(
                x=[a["x_km"] for _, a in sel], y=[a["y_km"] for _, a in sel], mode="markers",
                name=f"{LOCALE_LABEL[locale]} · {STAGE_LABEL[stage]}",
                marker=dict(color=LOCALE_COLOUR[locale], symbol=STAGE_SYMBOL[stage],
                            size=marker_sizes(pupils, largest), line=dict(color="white", width=0.5)),
                hovertext=[_campus_hover(n, a) for n, a in sel], hoverinfo="text"))
    return traces


def _line_xy(graph: nx.MultiDiGraph, pairs: list[tuple[str, str]]) -> tuple[list, list]:
    """x and y lists drawing each (u, v) pair as a segment, segments separated by None."""
    x: list = []
    y: list = []
    for u, v in pairs:
        a, b = graph.nodes[u], graph.nodes[v]
        x += [a["x_km"], b["x_km"], None]
        y += [a["y_km"], b["y_km"], None]
    return x, y


def _link_traces(graph: nx.MultiDiGraph) -> list[go.Scatter]:
    """Group links, one trace (and legend entry) per mode; district pairs as one faint trace."""
    by_mode: dict[str, list[tuple[str, str]]] = {m: [] for m in MODES}
    district: list[tuple[str, str]] = []
    for u, v, a in graph.edges(data=True):
        if a["kind"] == "group":
            by_mode[a["mode"]].append((u, v))
        elif a["kind"] == "district":
            district.append((u, v))
    traces = []
    if district:
        x, y = _line_xy(graph, district)
        traces.append(go.Scatter(x=x, y=y, mode="lines", name="学区关系 district", hoverinfo="skip",
                                 line=dict(color="rgba(120,120,120,0.25)", width=0.7),
                                 visible="legendonly"))
    for mode, pairs in by_mode.items():
        if pairs:
            x, y = _line_xy(graph, pairs)
            traces.append(go.Scatter(x=x, y=y, mode="lines", name=MODE_LABEL[mode], hoverinfo="skip",
                                     line=dict(color=MODE_COLOUR[mode], width=1.6)))
    return traces


def _cell_trace(graph: nx.MultiDiGraph) -> list[go.Scatter]:
    """Residential cells as small grey dots (an empty list when the graph has none)."""
    cells = [a for _, a in graph.nodes(data=True) if a.get("kind") == "cell"]
    if not cells:
        return []
    return [go.Scatter(
        x=[a["x_km"] for a in cells], y=[a["y_km"] for a in cells], mode="markers",
        name="居住网格 residential cell", marker=dict(color="#aaaaaa", size=3),
        hovertext=[f"网格 cell: {a['id']}<br>儿童 children 0–14: {a['children']}" for a in cells],
        hoverinfo="text")]


def network_figure(scn: ResolvedScenario, graph: nx.MultiDiGraph) -> go.Figure:
    """The network map as a plotly figure (cells at the bottom, campuses on top)."""
    fig = go.Figure(_cell_trace(graph) + _link_traces(graph) + _campus_traces(graph))
    fig.update_layout(
        title=f"学校网络 school network — {scn.title or scn.name}",
        font=dict(family=FONT_FAMILY),
        xaxis=dict(title="东西 km / east–west km"),
        yaxis=dict(title="南北 km / north–south km", scaleanchor="x", scaleratio=1),
        legend=dict(itemsizing="constant"),
        template="plotly_white", hovermode="closest", height=800)
    return fig


def write_network_map(scn: ResolvedScenario, graph: nx.MultiDiGraph, path: Path) -> Path:
    """Write the map to ``path`` atomically as one self-contained HTML file; return the path."""
    html = network_figure(scn, graph).to_html(include_plotlyjs=True, full_html=True)
    return write_text_atomic(path, html)
