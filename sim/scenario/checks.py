"""Checks that span several parts of a scenario: ids, and references between campuses, groups and
policies.  Each failure is a located :class:`~sim.errors.Problem`; all are reported together."""

from __future__ import annotations

import difflib

from ..errors import Problem, ScenarioError, dotted
from ..yamlsource import Locations
from .models import AddClassrooms, Campus, CloseCampus, FormGroup, OpenCampus, Scenario


def _hint(name: str, known: set[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'? / 是否应为 '{close[0]}'" if close else ""


def check_references(scn: Scenario, campuses: list[Campus], locs: Locations, file: str) -> None:
    """Raise ScenarioError listing every broken id or reference."""
    problems: list[Problem] = []

    def add(path: tuple, expected: str, found: str, hint: str = "") -> None:
        where, line = locs.find(path, file)
        problems.append(Problem(where, dotted(path), line, expected, found, hint))

    ids: set[str] = set()
    for i, c in enumerate(campuses):
        if c.id in ids:
            add(("region", "campuses", i, "id"), "a campus id used once / 校区编号唯一", f"'{c.id}' again / 重复")
        ids.add(c.id)
    with_xy = [c.id for c in campuses if c.x_km is not None]
    with_ll = [c.id for c in campuses if c.lon is not None]
    if with_xy and with_ll and len(with_xy) != len(campuses) and len(with_ll) != len(campuses):
        add(("region", "campuses"), "one coordinate system for all campuses (x_km/y_km or lon/lat) / 统一坐标",
            f"x_km/y_km on {with_xy[0]}, lon/lat on {with_ll[0]}")

    for i, p in enumerate(scn.policies):
        if isinstance(p, OpenCampus):
            if p.campus.id in ids:
                add(("policies", i, "campus", "id"), "a new campus id / 新校区编号", f"'{p.campus.id}' already exists / 已存在")
            ids.add(p.campus.id)
    for i, p in enumerate(scn.policies):
        if isinstance(p, (CloseCampus, AddClassrooms)) and p.campus not in ids:
            add(("policies", i, "campus"), "an existing campus id / 已有校区编号", f"'{p.campus}'", _hint(p.campus, ids))

    group_ids: set[str] = set()
    owner: dict[str, str] = {}
    for g_i, g in enumerate(scn.groups):
        if g.id in group_ids:
            add(("groups", g_i, "id"), "a group id used once / 集团编号唯一", f"'{g.id}' again / 重复")
        group_ids.add(g.id)
        roles = ([("hub", g.hub)] if g.hub is not None else []) + [(("members", m_i), m) for m_i, m in enumerate(g.members)]
        for key, cid in roles:
            path = ("groups", g_i) + (key if isinstance(key, tuple) else (key,))
            if cid not in ids:
                add(path, "a campus id of this scenario / 本情景中的校区编号", f"'{cid}'", _hint(cid, ids))
            elif cid in owner and owner[cid] != g.id:
                add(path, "each campus in at most one group / 每校最多属于一个集团",
                    f"'{cid}' is already in group '{owner[cid]}' / 已属于集团 '{owner[cid]}'")
            elif cid in owner:
                add(path, "each campus once in its group / 集团内不重复", f"'{cid}' twice / 重复")
            owner.setdefault(cid, g.id)
    for i, p in enumerate(scn.policies):
        if isinstance(p, FormGroup) and p.group not in group_ids:
            add(("policies", i, "group"), "a group id under groups / 已定义的集团编号", f"'{p.group}'", _hint(p.group, group_ids))

    if scn.demography.cells is not None:
        seen: set[str] = set()
        for i, cell in enumerate(scn.demography.cells):
            if cell.id in seen:
                add(("demography", "cells", i, "id"), "a cell id used once / 网格编号唯一", f"'{cell.id}' again / 重复")
            seen.add(cell.id)
    if problems:
        raise ScenarioError(problems)
