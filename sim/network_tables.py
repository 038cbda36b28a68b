"""The static campus tables written beside a run's results: where each campus is and how campuses
are linked, so that pages can draw the map from tables on disk without re-resolving the scenario.

* ``campuses``: one row per campus, including campuses that a policy opens later: campus, name,
  stage, locale, x_km, y_km, group ('' if none), role (independent|hub|member), district ('' if
  none), opens_year (simulated year an ``open_campus`` policy opens it; 0 if open from the start).
* ``campus_links``: one row per group link (hub → member) and per district pair (undirected, one
  row per pair, as :func:`sim.network.build_graph` keeps them): kind (group|district), source,
  target, id (group or district id), mode (grouping mode of a group link, '' for a district).
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from .network import build_graph
from .scenario.models import OpenCampus
from .scenario.resolved import ResolvedScenario

CAMPUS_COLUMNS = ["campus", "name", "stage", "locale", "x_km", "y_km", "group", "role", "district", "opens_year"]
LINK_COLUMNS = ["kind", "source", "target", "id", "mode"]


def network_tables(scn: ResolvedScenario) -> dict[str, pd.DataFrame]:
    """``{"campuses": ..., "campus_links": ...}`` of ``scn`` (columns in the module docstring)."""
    opens = {p.campus.id: p.year for p in scn.policies if isinstance(p, OpenCampus)}
    full = replace(scn, campuses=scn.campuses + tuple(p.campus for p in scn.policies if isinstance(p, OpenCampus)))
    graph = build_graph(full)
    campuses = pd.DataFrame(
        [(c.id, c.name or c.id, c.stage, c.locale, float(c.x_km), float(c.y_km), graph.nodes[c.id]["group"] or "",
          graph.nodes[c.id]["role"], c.district or "", int(opens.get(c.id, 0))) for c in full.campuses],
        columns=CAMPUS_COLUMNS)
    links = pd.DataFrame(
        [(a["kind"], u, v, a["group"] if a["kind"] == "group" else a["district"], a.get("mode", ""))
         for u, v, a in graph.edges(data=True) if a["kind"] in ("group", "district")],
        columns=LINK_COLUMNS)
    return {"campuses": campuses, "campus_links": links.astype(str)}
