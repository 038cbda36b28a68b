"""Sankey diagrams of flows between places: pupils (entry, moves to town, backflow, transfers)
between locales, and teacher exchanges (交流轮岗); both also by group role (hub, member,
independent) when the run has groups.

Read from ``flows.parquet``: a flow's ends are cells, campuses or 'in'/'out'.  By locale, each end
is its locale column; by role, a campus end is its role (``campuses.parquet``) and a home end its
locale.  Widths are flows per run (mean over replicates), in one year or summed over all years.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..labels import LOCALE_LABEL, ROLE_LABEL
from ..metrics.migration import PAIR_FLOWS
from ..scenario.models import LOCALES
from .network_map import LOCALE_COLOUR
from .panel import Control, Panel, base_layout, figure_of, view_key
from .text import ALL_YEARS_LABEL, YEAR_LABEL, metric_label

ROLE_COLOUR = {"hub": "#8e44ad", "member": "#2980b9", "independent": "#95a5a6"}
BY_LABEL = {"locale": "按城乡 by locale", "role": "按集团角色 by group role"}
TEACHER_EXCHANGE = {"exchanges": ("exchange",)}
"""Teacher flows shown: the exchanges metric key → flow names of kind 'teacher'."""


def has_groups(campuses: pd.DataFrame) -> bool:
    """Whether any campus is a hub or a member (the role views then appear)."""
    return bool((campuses["role"] != "independent").any())


def _ends(flows: pd.DataFrame, campuses: pd.DataFrame, by: str) -> tuple[pd.Series, pd.Series]:
    """Node names of each flow's origin and destination: a locale, or a campus's role."""
    if by == "locale":
        return flows["origin_locale"], flows["destination_locale"]
    role = campuses.set_index("campus")["role"]
    return (flows["origin"].map(role).fillna(flows["origin_locale"]),
            flows["destination"].map(role).fillna(flows["destination_locale"]))


def flow_matrix(flows: pd.DataFrame, campuses: pd.DataFrame, replicates: int, by: str,
                year: int | None = None) -> pd.Series:
    """Flows per run (mean over ``replicates``) by (origin, destination) node, in ``year`` or all years."""
    f = flows if year is None else flows[flows["year"] == year]
    origin, destination = _ends(f, campuses, by)
    keep = (origin != "") & (destination != "")
    total = f["count"][keep].groupby([origin[keep].rename("origin"), destination[keep].rename("destination")]).sum()
    return total / replicates


def _node_label(node: str) -> str:
    return LOCALE_LABEL.get(node, ROLE_LABEL.get(node, node))


def _node_colour(node: str) -> str:
    return LOCALE_COLOUR.get(node, ROLE_COLOUR.get(node, "#999"))


def _sankey(matrix: pd.Series, unit: str) -> dict:
    """A Sankey trace: origins on the left ('… →'), destinations on the right ('→ …')."""
    order = list(LOCALES) + list(ROLE_COLOUR)
    rank = {n: i for i, n in enumerate(order)}
    origins = sorted(matrix.index.get_level_values(0).unique(), key=lambda n: rank.get(n, len(rank)))
    dests = sorted(matrix.index.get_level_values(1).unique(), key=lambda n: rank.get(n, len(rank)))
    nodes = [f"{_node_label(n)} →" for n in origins] + [f"→ {_node_label(n)}" for n in dests]
    at_o, at_d = {n: i for i, n in enumerate(origins)}, {n: len(origins) + i for i, n in enumerate(dests)}
    m = matrix[matrix > 0]
    return {"type": "sankey", "arrangement": "fixed", "valueformat": ",.1f", "valuesuffix": f" {unit}",
            "node": {"label": nodes, "pad": 18, "thickness": 16,
                     "color": [_node_colour(n) for n in origins] + [_node_colour(n) for n in dests]},
            "link": {"source": [at_o[o] for o, _ in m.index], "target": [at_d[d] for _, d in m.index],
                     "value": np.round(m.to_numpy(float), 3), "color": "rgba(120,120,120,0.3)"}}


def flow_panel(flows: pd.DataFrame, campuses: pd.DataFrame, replicates: int, kind: str,
               flow_types: dict[str, tuple[str, ...]], panel_id: str, title: str, unit: tuple[str, str]) -> Panel | None:
    """Sankey of the ``kind`` flows of each type (metric key → flow names), with dropdowns for the
    type, the grouping (locale, and role when the run has groups) and the year; None if the run has
    no such flows.  ``unit`` is what flows, (中文, English)."""
    f = flows[flows["kind"] == kind]
    types = {key: names for key, names in flow_types.items() if f["flow"].isin(names).any()}
    if not types:
        return None
    years = sorted(flows["year"].unique().tolist())
    bys = ["locale", "role"] if has_groups(campuses) else ["locale"]
    views = {}
    for key, names in types.items():
        of_type = f[f["flow"].isin(names)]
        for by in bys:
            for year in [None, *years]:
                matrix = flow_matrix(of_type, campuses, replicates, by, year)
                views[view_key(key, by, "all" if year is None else year)] = {"data": [_sankey(matrix, " ".join(unit))], "layout": {
                    "title": {"text": f"{metric_label(key)} — {BY_LABEL[by]}, "
                                      + (ALL_YEARS_LABEL if year is None else f"第{year}年 year {year}")}}}
    first = next(iter(types))
    controls = (Control("flow", "流动 flow", [(k, metric_label(k)) for k in types], first),
                Control("by", "分组 grouping", [(b, BY_LABEL[b]) for b in bys], bys[-1]),
                Control("year", YEAR_LABEL, [("all", ALL_YEARS_LABEL)] + [(str(y), f"第{y}年 year {y}") for y in years],
                        "all"))
    start = views[view_key(first, bys[-1], "all")]
    return Panel(panel_id, title, figure_of(start, base_layout(height=460)), controls, views,
                 f"宽度为每次运行的{unit[0]}数（重复均值）/ widths are {unit[1]} per run (mean over replicates).")


def pupil_flow_panel(flows: pd.DataFrame, campuses: pd.DataFrame, replicates: int) -> Panel | None:
    """Pupil flows between locales (and group roles): entrants, moves to town, backflow, transfers."""
    return flow_panel(flows, campuses, replicates, "student", PAIR_FLOWS, "pupil_flows",
                      "学生流动 / pupil flows", ("学生", "pupils"))


def exchange_panel(flows: pd.DataFrame, campuses: pd.DataFrame, replicates: int) -> Panel | None:
    """Teacher exchanges (交流轮岗) between locales and group roles; None when the run has none."""
    return flow_panel(flows, campuses, replicates, "teacher", TEACHER_EXCHANGE, "exchanges",
                      "教师交流轮岗 / teacher exchanges", ("教师", "teachers"))
