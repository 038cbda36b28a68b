"""The school network: campuses, groups, districts, proximity and catchments.

Two views of the same network:

* :func:`build_graph` returns a :class:`networkx.MultiDiGraph` for analysis, statistics and maps.
  Nodes are campuses (node id = campus id, ``kind='campus'``) and residential cells (node id
  ``"cell:<cell id>"``, ``kind='cell'``; the prefix keeps cell and campus ids from clashing).
  Edges carry ``kind`` and the edge key equals the kind, so an edge is addressed as
  ``graph.edges[u, v, "proximity"]``; catchment edges use the keys ``"catchment:primary"`` and
  ``"catchment:junior"`` because a nine-year campus can be a cell's catchment school for both parts.

  =========== ================= =================================================================
  kind        direction         meaning and attributes
  =========== ================= =================================================================
  group       hub -> member     group membership: ``group``, ``mode``, ``distance_km``, ``travel_min``
  district    undirected pair   two campuses share a district id: ``district``, ``distance_km``, ``travel_min``;
                                one edge per pair, from the campus listed first in the scenario
                                (districts are cliques, so this halves the largest edge set)
  proximity   campus -> campus  one of the ``travel.neighbours`` nearest campuses with overlapping
                                grades: ``distance_km``, ``travel_min``, ``rank`` (0 = nearest)
  catchment   cell -> campus    zoned campus teaching a stage part (:func:`_zone_first`): ``part``
                                (0 primary grades, 1 junior grades), ``distance_km``, ``travel_min``
  =========== ================= =================================================================

* :func:`compile_network` returns a :class:`CompiledNetwork` of plain numpy arrays for the engine,
  so that networkx stays off the hot path.  Campus structure (group, role, district, legal person)
  and the proximity and group links are read from the graph, which is therefore the single source of
  truth: a link added to the graph reaches the engine.  Choice sets, which are wider than the
  catchment edges kept in the graph, come from k-d tree queries over the scenario's coordinates.

Distances: ``distance_km`` is always the straight-line distance; the road distance is
``distance_km × travel.circuity`` and ``travel_min = road km ÷ speed_kmh(locale of the destination
campus) × 60``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, fields
from typing import Iterable

import networkx as nx
import numpy as np
from scipy.spatial import cKDTree

from .scenario.models import LOCALES, MODES, STAGES, Travel
from .scenario.resolved import ResolvedScenario
from .stages import OVERLAP, TEACHES

PARTS: tuple[str, ...] = ("primary", "junior")
"""Stage parts: 0 = primary grades 1–6, 1 = junior grades 7–9 (a nine-year campus teaches both)."""

ROLES: tuple[str, ...] = ("independent", "hub", "member")
"""Campus roles in order of their codes."""


CELL_PREFIX = "cell:"


def cell_node(cell_id: str) -> str:
    """Graph node id of a residential cell."""
    return CELL_PREFIX + cell_id


def _codes(values: Iterable[str], vocabulary: tuple[str, ...]) -> np.ndarray:
    """Integer codes (int8) of ``values`` by position in ``vocabulary``."""
    lookup = {v: i for i, v in enumerate(vocabulary)}
    return np.array([lookup[v] for v in values], dtype=np.int8)


def _index(values: list[str | None]) -> tuple[np.ndarray, np.ndarray]:
    """Ids in order of first appearance and the int32 index of each value (-1 for None)."""
    ids = list(dict.fromkeys(v for v in values if v is not None))
    lookup = {v: i for i, v in enumerate(ids)}
    index = np.array([-1 if v is None else lookup[v] for v in values], dtype=np.int32)
    return np.array(ids, dtype=str), index


def travel_minutes(distance_km: np.ndarray, dest_locale: np.ndarray, travel: Travel) -> np.ndarray:
    """Minutes to travel a straight-line ``distance_km`` to campuses of locale codes ``dest_locale``.

    Road distance is straight-line × circuity; the speed is that of the destination's locale, since
    the slow part of a school trip (town streets, village roads) is near the school.
    """
    speed = np.array([travel.speed_kmh.of(loc) for loc in LOCALES])
    return np.asarray(distance_km, dtype=float) * travel.circuity / speed[dest_locale] * 60.0


def _campus_xy(scn: ResolvedScenario) -> np.ndarray:
    """(n_campuses, 2) float64 positions in km."""
    return np.array([(c.x_km, c.y_km) for c in scn.campuses], dtype=float).reshape(-1, 2)


def _cell_xy(scn: ResolvedScenario) -> np.ndarray:
    """(n_cells, 2) float64 positions in km."""
    return np.array([(c.x_km, c.y_km) for c in scn.cells], dtype=float).reshape(-1, 2)


def nearest(xy: np.ndarray, candidates: np.ndarray, query_xy: np.ndarray, k: int,
            exclude: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` nearest of the ``candidates`` (indices into ``xy``) to each query point.

    Returns ``(index, distance_km)`` of shape (n_queries, k), nearest first, padded with -1 and
    +inf when fewer than ``k`` candidates exist.  ``exclude`` (one index per query) drops the query
    campus itself from its own neighbours.
    """
    m = len(query_xy)
    index = np.full((m, k), -1, dtype=np.int64)
    dist = np.full((m, k), np.inf)
    if m == 0 or len(candidates) == 0:
        return index, dist
    kk = min(k + (exclude is not None), len(candidates))
    d, j = cKDTree(xy[candidates]).query(query_xy, k=list(range(1, kk + 1)))
    found = candidates[j]
    valid = np.ones(found.shape, dtype=bool) if exclude is None else found != exclude[:, None]
    order = np.argsort(~valid, axis=1, kind="stable")  # valid first, distance order kept
    found, d, valid = (np.take_along_axis(a, order, axis=1) for a in (found, d, valid))
    width = min(k, kk)
    index[:, :width] = np.where(valid, found, -1)[:, :width]
    dist[:, :width] = np.where(valid, d, np.inf)[:, :width]
    return index, dist


def _with_minutes(index: np.ndarray, dist: np.ndarray, locale: np.ndarray, travel: Travel) -> np.ndarray:
    """Travel minutes for a padded neighbour array (+inf where ``index`` is -1)."""
    minutes = np.full(dist.shape, np.inf)
    ok = index >= 0
    minutes[ok] = travel_minutes(dist[ok], locale[index[ok]], travel)
    return minutes


def proximity_neighbours(scn: ResolvedScenario) -> tuple[np.ndarray, np.ndarray]:
    """Each campus's ``travel.neighbours`` nearest other campuses with overlapping grades.

    Returns padded ``(index, distance_km)`` arrays of shape (n_campuses, neighbours).  A primary
    campus may link to primary and nine-year campuses, a junior one to junior and nine-year ones,
    a nine-year one to any.
    """
    xy = _campus_xy(scn)
    stage = _codes((c.stage for c in scn.campuses), STAGES)
    k = scn.travel.neighbours
    index = np.full((len(xy), k), -1, dtype=np.int64)
    dist = np.full((len(xy), k), np.inf)
    for s in np.unique(stage):
        rows = np.flatnonzero(stage == s)
        candidates = np.flatnonzero(OVERLAP[s, stage])
        index[rows], dist[rows] = nearest(xy, candidates, xy[rows], k, exclude=rows)
    return index, dist


def private_campuses(scn: ResolvedScenario) -> np.ndarray:
    """(n_campuses,) bool: the private (民办) campuses of ``scn``."""
    return np.array([c.sector == "private" for c in scn.campuses], dtype=bool)


def campus_tuition(scn: ResolvedScenario) -> np.ndarray:
    """(n_campuses,) float64: each campus's yearly tuition, yuan (0 where none is charged)."""
    return np.array([c.tuition_yuan_per_year or 0.0 for c in scn.campuses], dtype=np.float64)


def explicit_zones(scn: ResolvedScenario) -> np.ndarray:
    """(2, n_cells) int64: the campus each cell names as its zone per part (``zone_primary``,
    ``zone_junior``; index into ``scn.campuses``), −1 where it names none, or a campus that is not
    in ``scn.campuses`` (closed), does not teach the part or is private (nobody's catchment; the
    scenario checks refuse such a zone, so this only guards the engine)."""
    at = scn.campus_index()
    teaches = TEACHES[_codes((c.stage for c in scn.campuses), STAGES)].reshape(-1, 2)
    private = private_campuses(scn)
    out = np.full((2, len(scn.cells)), -1, dtype=np.int64)
    for i, cell in enumerate(scn.cells):
        for p, zoned in enumerate((cell.zone_primary, cell.zone_junior)):
            j = at.get(zoned, -1) if zoned is not None else -1
            if j >= 0 and teaches[j, p] and not private[j]:
                out[p, i] = j
    return out


def choice_sets(scn: ResolvedScenario, zone: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's ``travel.choice_set`` nearest campuses teaching each stage part, its zoned
    campus first.

    Returns padded ``(index, distance_km)`` of shape (2, n_cells, choice_set); part 0 = primary
    grades, 1 = junior grades.  ``zone`` (2, n_cells), campus index per part or −1: the zoning to
    use (default :func:`explicit_zones`); where it is −1 the rule of :func:`_zone_first` zones the cell.

    Private (民办) campuses are in the choice sets like any campus near the cell, but never anyone's
    zone: with private campuses present, each cell is first zoned among the public campuses alone
    (a zone naming a private campus counts as none), and that public campus then heads its set
    (taking the place of the farthest campus when it is not among the nearest).  A region without
    private campuses takes the first path only, unchanged.
    """
    xy = _campus_xy(scn)
    teaches = TEACHES[_codes((c.stage for c in scn.campuses), STAGES)].reshape(-1, 2)
    cells = _cell_xy(scn)
    k = scn.travel.choice_set
    campus_locale = _codes((c.locale for c in scn.campuses), LOCALES)
    cell_locale = _codes((c.locale for c in scn.cells), LOCALES)
    parts = [nearest(xy, np.flatnonzero(teaches[:, p]), cells, k) for p in range(2)]
    index, dist = np.stack([p[0] for p in parts]), np.stack([p[1] for p in parts])
    zone = explicit_zones(scn) if zone is None else np.asarray(zone, dtype=np.int64)
    private = private_campuses(scn)
    if private.any():
        zone = np.where((zone >= 0) & ~private[np.maximum(zone, 0)], zone, -1)
        public = [nearest(xy, np.flatnonzero(teaches[:, p] & ~private), cells, k) for p in range(2)]
        zoned, _ = _zone_first(np.stack([p[0] for p in public]), np.stack([p[1] for p in public]), campus_locale,
                               cell_locale, zone, xy, cells)
        zone = zoned[:, :, 0]  # the public catchment per part (−1 only where no public campus teaches it)
    return _zone_first(index, dist, campus_locale, cell_locale, zone, xy, cells)


def _zone_first(index: np.ndarray, dist: np.ndarray, campus_locale: np.ndarray, cell_locale: np.ndarray,
                zone: np.ndarray, campus_xy: np.ndarray, cell_xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Move each cell's catchment (zoned) campus to column 0 of its choice set.

    A cell with an explicit zone (``zone`` ≥ 0) is zoned there; if that campus is not among its
    nearest, it takes the place of the farthest one.  Otherwise zoning (划片) follows administrative
    lines, not bare distance: an urban or town cell is zoned to the nearest campus in its set that is
    not more rural than the cell (a township seat's children go to the township school even when a
    village school is a little closer); a village cell, or a cell with no such campus in its set, to
    the nearest campus.
    """
    index, dist = index.copy(), dist.copy()
    k = index.shape[2]
    explicit = zone >= 0
    missing = explicit & ~(index == zone[:, :, None]).any(axis=2)
    p, i = np.nonzero(missing)
    index[p, i, -1] = zone[p, i]
    dist[p, i, -1] = np.hypot(*(cell_xy[i] - campus_xy[zone[p, i]]).T) if len(i) else dist[p, i, -1]
    valid = index >= 0
    eligible = valid & (campus_locale[np.maximum(index, 0)] <= cell_locale[None, :, None])
    first = np.where(eligible.any(axis=2) & (cell_locale < LOCALES.index("rural"))[None, :],
                     eligible.argmax(axis=2), 0)
    first = np.where(explicit, (index == zone[:, :, None]).argmax(axis=2), first)
    cols = np.arange(k)[None, None, :]
    f = first[:, :, None]
    order = np.where(cols == 0, f, np.where(cols <= f, cols - 1, cols))  # zoned campus, then the rest in order
    return np.take_along_axis(index, order, axis=2), np.take_along_axis(dist, order, axis=2)


# --------------------------------------------------------------------------------------------
# the graph


def memberships(scn: ResolvedScenario) -> dict[str, tuple[str, str]]:
    """Campus id -> (group id, 'hub' or 'member') for every campus named by a group.

    A campus belongs to at most one group; an unknown campus id or a second group is an error
    (the scenario resolver reports these to the planner; here they guard the engine's arrays).
    """
    known = {c.id for c in scn.campuses}
    out: dict[str, tuple[str, str]] = {}
    for g in scn.groups:
        named = ([(g.hub, "hub")] if g.hub is not None else []) + [(m, "member") for m in g.members]
        for cid, role in named:
            if cid not in known:
                raise ValueError(f"group {g.id} names unknown campus {cid}")
            if cid in out:
                raise ValueError(f"campus {cid} is named twice: group {out[cid][0]} and group {g.id}")
            out[cid] = (g.id, role)
    return out


def _campus_nodes(scn: ResolvedScenario) -> Iterable[tuple[str, dict]]:
    """Campus nodes with their scenario attributes, role and group."""
    member = memberships(scn)
    for c in scn.campuses:
        group, role = member.get(c.id, (None, "independent"))
        yield c.id, dict(
            kind="campus", name=c.name, stage=c.stage, locale=c.locale, x_km=c.x_km, y_km=c.y_km,
            capacity=c.capacity, pupils=c.pupils, teachers=c.teachers, quality=c.quality,
            reputation=c.reputation, district=c.district, legal_person=c.legal_person,
            role=role, group=group)


def _campus_links(scn: ResolvedScenario, src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Straight-line km and travel minutes from campuses ``src`` to campuses ``dst`` (index arrays)."""
    xy = _campus_xy(scn)
    locale = _codes((c.locale for c in scn.campuses), LOCALES)
    km = np.hypot(*(xy[dst] - xy[src]).T).reshape(-1)
    return km, travel_minutes(km, locale[dst], scn.travel)


def _group_edges(scn: ResolvedScenario) -> Iterable[tuple]:
    """hub -> member edges of every group that has a hub."""
    at = scn.campus_index()
    pairs = [(g, at[g.hub], at[m]) for g in scn.groups if g.hub is not None for m in g.members]
    src = np.array([p[1] for p in pairs], dtype=np.int64)
    dst = np.array([p[2] for p in pairs], dtype=np.int64)
    km, minutes = _campus_links(scn, src, dst)
    for (g, i, j), d, t in zip(pairs, km, minutes):
        yield scn.campuses[i].id, scn.campuses[j].id, "group", dict(
            kind="group", group=g.id, mode=g.mode, distance_km=float(d), travel_min=float(t))


def _district_edges(scn: ResolvedScenario) -> Iterable[tuple]:
    """One edge per pair of campuses of the same district, from the one listed first."""
    district = np.array([c.district or "" for c in scn.campuses], dtype=str)
    src, dst = [], []
    for d in np.unique(district[district != ""]):
        rows = np.flatnonzero(district == d)
        u, v = (a.ravel() for a in np.meshgrid(rows, rows, indexing="ij"))
        src.append(u[u < v])
        dst.append(v[u < v])
    src = np.concatenate(src) if src else np.zeros(0, dtype=np.int64)
    dst = np.concatenate(dst) if dst else np.zeros(0, dtype=np.int64)
    km, minutes = _campus_links(scn, src, dst)
    for i, j, d, t in zip(src, dst, km, minutes):
        yield scn.campuses[i].id, scn.campuses[j].id, "district", dict(
            kind="district", district=str(district[i]), distance_km=float(d), travel_min=float(t))


def _proximity_edges(scn: ResolvedScenario) -> Iterable[tuple]:
    """campus -> neighbour edges from :func:`proximity_neighbours`, with their rank."""
    index, dist = proximity_neighbours(scn)
    minutes = _with_minutes(index, dist, _codes((c.locale for c in scn.campuses), LOCALES), scn.travel)
    for i, rank in zip(*np.nonzero(index >= 0)):
        yield scn.campuses[i].id, scn.campuses[index[i, rank]].id, "proximity", dict(
            kind="proximity", rank=int(rank), distance_km=float(dist[i, rank]),
            travel_min=float(minutes[i, rank]))


def _cell_nodes(scn: ResolvedScenario) -> Iterable[tuple[str, dict]]:
    """Residential cell nodes."""
    for c in scn.cells:
        yield cell_node(c.id), dict(kind="cell", id=c.id, x_km=c.x_km, y_km=c.y_km, locale=c.locale,
                                    ses=c.ses, children=int(sum(c.children)))


def _catchment_edges(scn: ResolvedScenario) -> Iterable[tuple]:
    """cell -> zoned campus teaching each part (column 0 of the choice sets)."""
    ids = [c.id for c in scn.campuses]
    index, dist = choice_sets(scn)
    minutes = _with_minutes(index, dist, _codes((c.locale for c in scn.campuses), LOCALES), scn.travel)
    for p, part in enumerate(PARTS):
        for i in np.flatnonzero(index[p, :, 0] >= 0):
            yield cell_node(scn.cells[i].id), ids[index[p, i, 0]], f"catchment:{part}", dict(
                kind="catchment", part=p, distance_km=float(dist[p, i, 0]),
                travel_min=float(minutes[p, i, 0]))


def build_graph(scn: ResolvedScenario) -> nx.MultiDiGraph:
    """The network as a MultiDiGraph (node and edge kinds in the module docstring)."""
    graph = nx.MultiDiGraph(name=scn.name, title=scn.title)
    graph.add_nodes_from(_campus_nodes(scn))
    graph.add_nodes_from(_cell_nodes(scn))
    for edges in (_group_edges, _district_edges, _proximity_edges, _catchment_edges):
        graph.add_edges_from(edges(scn))
    return graph


# --------------------------------------------------------------------------------------------
# compiled arrays


@dataclass(frozen=True)
class CompiledNetwork:
    """The network as read-only numpy arrays, indexed like ``scn.campuses``, ``scn.groups`` and
    ``scn.cells``.  Padding is -1 in index arrays and +inf in distance and time arrays.

    CSR rows: the neighbours of campus ``i`` are ``prox_indices[prox_indptr[i]:prox_indptr[i+1]]``
    (nearest first); the members linked to the hub of group ``g`` are
    ``link_members[link_indptr[g]:link_indptr[g+1]]``.
    """

    campus_ids: np.ndarray          # (n,) str
    campus_x_km: np.ndarray         # (n,) float64
    campus_y_km: np.ndarray         # (n,) float64
    campus_stage: np.ndarray        # (n,) int8: 0 primary, 1 junior, 2 nine_year
    campus_locale: np.ndarray       # (n,) int8: 0 urban, 1 town, 2 rural
    campus_teaches: np.ndarray      # (n, 2) bool: teaches part 0 (grades 1–6) / part 1 (grades 7–9)
    campus_group: np.ndarray        # (n,) int32: index into group_ids, -1 none
    campus_role: np.ndarray         # (n,) int8: 0 independent, 1 hub, 2 member
    campus_district: np.ndarray     # (n,) int32: index into district_ids, -1 none
    campus_legal_person: np.ndarray  # (n,) int32: index into legal_person_ids
    group_ids: np.ndarray           # (g,) str
    group_mode: np.ndarray          # (g,) int8: index into models.MODES (-1: a mode registered outside the language, as by a test)
    group_hub: np.ndarray           # (g,) int32: hub campus, -1 none
    group_start_year: np.ndarray    # (g,) int32: simulated year the group forms
    district_ids: np.ndarray        # (d,) str
    legal_person_ids: np.ndarray    # (l,) str
    prox_indptr: np.ndarray         # (n+1,) int64
    prox_indices: np.ndarray        # (e,) int32 neighbour campus
    prox_km: np.ndarray             # (e,) float64 straight-line km
    prox_min: np.ndarray            # (e,) float64 travel minutes
    link_indptr: np.ndarray         # (g+1,) int64
    link_members: np.ndarray        # (m,) int32 member campus
    link_km: np.ndarray             # (m,) float64 hub–member straight-line km
    link_min: np.ndarray            # (m,) float64 hub -> member travel minutes
    cell_ids: np.ndarray            # (c,) str
    cell_x_km: np.ndarray           # (c,) float64
    cell_y_km: np.ndarray           # (c,) float64
    cell_locale: np.ndarray         # (c,) int8
    choice: np.ndarray              # (2, c, K) int32: nearest campuses teaching each part, -1 pad
    choice_km: np.ndarray           # (2, c, K) float32 straight-line km, +inf pad
    choice_min: np.ndarray          # (2, c, K) float32 travel minutes, +inf pad
    catchment: np.ndarray           # (2, c) int32: choice[:, :, 0], the zoned campus per part
    campus_private: np.ndarray      # (n,) bool: a private (民办) campus, nobody's catchment
    campus_tuition: np.ndarray      # (n,) float64: yearly tuition, yuan (0 at public campuses)

    def __post_init__(self) -> None:
        """Freeze the arrays too: one compiled network is shared by every replicate."""
        for f in fields(self):
            getattr(self, f.name).setflags(write=False)

    @property
    def n_campuses(self) -> int:
        return len(self.campus_ids)

    @property
    def n_cells(self) -> int:
        return len(self.cell_ids)


def _csr(rows: np.ndarray, cols: np.ndarray, values: list[np.ndarray], n_rows: int,
         order_by: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """CSR ``(indptr, indices int32, values)`` of (row, col) pairs, each row sorted by ``order_by``."""
    order = np.lexsort((order_by, rows))
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_rows), out=indptr[1:])
    return indptr, cols[order].astype(np.int32), [v[order] for v in values]


def _graph_links(graph: nx.MultiDiGraph, kind: str, row_of, col_of: dict[str, int]):
    """(rows, cols, km, minutes) arrays of the edges of ``kind``; ``row_of(u, attrs)`` gives the row."""
    found = [(row_of(u, a), col_of[v], a["distance_km"], a["travel_min"])
             for u, v, a in graph.edges(data=True) if a.get("kind") == kind]
    rows, cols, km, minutes = (np.array(x) for x in zip(*found)) if found else [np.zeros(0)] * 4
    return rows.astype(np.int64), cols.astype(np.int64), km.astype(float), minutes.astype(float)


def compile_network(scn: ResolvedScenario, graph: nx.MultiDiGraph | None = None) -> CompiledNetwork:
    """Arrays for the engine; ``graph`` defaults to :func:`build_graph` of ``scn``."""
    graph = build_graph(scn) if graph is None else graph
    campuses = scn.campuses
    at = scn.campus_index()
    node = [graph.nodes[c.id] for c in campuses]
    group_ids = np.array([g.id for g in scn.groups], dtype=str)
    group_at = {g.id: i for i, g in enumerate(scn.groups)}
    district_ids, campus_district = _index([a["district"] for a in node])
    legal_ids, campus_legal = _index([a["legal_person"] for a in node])

    p_rows, p_cols, p_km, p_min = _graph_links(graph, "proximity", lambda u, a: at[u], at)
    prox_indptr, prox_indices, (prox_km, prox_min) = _csr(p_rows, p_cols, [p_km, p_min], len(campuses), p_km)
    l_rows, l_cols, l_km, l_min = _graph_links(graph, "group", lambda u, a: group_at[a["group"]], at)
    link_indptr, link_members, (link_km, link_min) = _csr(l_rows, l_cols, [l_km, l_min], len(group_ids), l_cols)

    locale = _codes((c.locale for c in campuses), LOCALES)
    stage = _codes((c.stage for c in campuses), STAGES)
    choice, choice_km, choice_min = compile_choice(scn)
    xy, cell_xy = _campus_xy(scn), _cell_xy(scn)
    return CompiledNetwork(
        campus_ids=np.array([c.id for c in campuses], dtype=str),
        campus_x_km=xy[:, 0].copy(), campus_y_km=xy[:, 1].copy(),
        campus_stage=stage, campus_locale=locale, campus_teaches=TEACHES[stage],
        campus_group=np.array([-1 if a["group"] is None else group_at[a["group"]] for a in node], dtype=np.int32),
        campus_role=_codes((a["role"] for a in node), ROLES),
        campus_district=campus_district, campus_legal_person=campus_legal,
        group_ids=group_ids,
        group_mode=np.array([MODES.index(g.mode) if g.mode in MODES else -1 for g in scn.groups], dtype=np.int8),
        group_hub=np.array([-1 if g.hub is None else at[g.hub] for g in scn.groups], dtype=np.int32),
        group_start_year=np.array([g.start_year for g in scn.groups], dtype=np.int32),
        district_ids=district_ids, legal_person_ids=legal_ids,
        prox_indptr=prox_indptr, prox_indices=prox_indices, prox_km=prox_km, prox_min=prox_min,
        link_indptr=link_indptr, link_members=link_members, link_km=link_km, link_min=link_min,
        cell_ids=np.array([c.id for c in scn.cells], dtype=str),
        cell_x_km=cell_xy[:, 0].copy(), cell_y_km=cell_xy[:, 1].copy(),
        cell_locale=_codes((c.locale for c in scn.cells), LOCALES),
        choice=choice, choice_km=choice_km, choice_min=choice_min, catchment=choice[:, :, 0].copy(),
        campus_private=private_campuses(scn), campus_tuition=campus_tuition(scn),
    )


def compile_choice(scn: ResolvedScenario, zone: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The choice-set arrays of :class:`CompiledNetwork` (``choice`` int32, ``choice_km`` and
    ``choice_min`` float32) straight from k-d tree queries, without building the graph: the engine
    recompiles them whenever campuses open or close, or zones change (``zone`` as in :func:`choice_sets`)."""
    choice, choice_km = choice_sets(scn, zone)
    choice_min = _with_minutes(choice, choice_km, _codes((c.locale for c in scn.campuses), LOCALES), scn.travel)
    return choice.astype(np.int32), choice_km.astype(np.float32), choice_min.astype(np.float32)


# --------------------------------------------------------------------------------------------
# summary


def network_stats(scn: ResolvedScenario, graph: nx.MultiDiGraph) -> dict[str, int | float | None]:
    """Plain numbers describing the network for the command-line summary.

    ``campuses_in_groups`` and ``group_coverage_pct`` count hubs and members of non-baseline
    groups only (a baseline group is a comparison set, not a grouping policy).  ``components`` counts
    connected components of the campuses joined by group and district edges (an independent campus
    outside any district is its own component).  ``mean_nearest_campus_km`` is the mean straight-line
    distance from a residential cell to its nearest campus of any stage.  Undefined means are None.
    """
    campus_nodes = [n for n, k in graph.nodes(data="kind") if k == "campus"]
    mode_of = {g.id: g.mode for g in scn.groups}
    grouped = sum(1 for n in campus_nodes if mode_of.get(graph.nodes[n]["group"], "baseline") != "baseline")
    public = sum(1 for c in scn.campuses if c.sector == "public")  # coverage of public schools: private ones join none
    edges = [(u, v, a) for u, v, a in graph.edges(data=True)]
    kinds = Counter(a["kind"] for _, _, a in edges)
    hub_km = [a["distance_km"] for _, _, a in edges if a["kind"] == "group"]
    nearest_km: dict[str, float] = {}
    for u, _, a in edges:
        if a["kind"] == "catchment":
            nearest_km[u] = min(a["distance_km"], nearest_km.get(u, np.inf))
    joined = nx.Graph()
    joined.add_nodes_from(campus_nodes)
    joined.add_edges_from((u, v) for u, v, a in edges if a["kind"] in ("group", "district"))
    modes = Counter(g.mode for g in scn.groups)
    return {
        "campuses": len(campus_nodes),
        "cells": sum(1 for _, k in graph.nodes(data="kind") if k == "cell"),
        **{f"edges_{kind}": kinds.get(kind, 0) for kind in ("group", "district", "proximity", "catchment")},
        "groups": len(scn.groups),
        **{f"groups_{mode}": modes.get(mode, 0) for mode in MODES},
        "campuses_in_groups": grouped,
        "group_coverage_pct": 100.0 * grouped / public if public else None,
        "districts": len({graph.nodes[n]["district"] for n in campus_nodes} - {None}),
        "hub_member_km_mean": float(np.mean(hub_km)) if hub_km else None,
        "hub_member_km_max": float(np.max(hub_km)) if hub_km else None,
        "components": nx.number_connected_components(joined),
        "mean_nearest_campus_km": float(np.mean(list(nearest_km.values()))) if nearest_km else None,
    }
