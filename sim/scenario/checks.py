"""Checks that span several parts of a scenario: ids, references between campuses, groups and
policies, and one coordinate system for all places.  Each failure is a located
:class:`~sim.errors.Problem`; all are reported together."""

from __future__ import annotations

import difflib

from ..errors import Problem, ScenarioError, dotted
from ..yamlsource import Locations
from .models import AddClassrooms, Campus, Cell, CloseCampus, FormGroup, OpenCampus, Policy, Scenario


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
    for i, p in enumerate(scn.policies):
        if isinstance(p, OpenCampus):
            if p.campus.id in ids:
                add(("policies", i, "campus", "id"), "a new campus id / 新校区编号", f"'{p.campus.id}' already exists / 已存在")
            ids.add(p.campus.id)
    for i, p in enumerate(scn.policies):
        if isinstance(p, (CloseCampus, AddClassrooms)) and p.campus not in ids:
            add(("policies", i, "campus"), "an existing campus id / 已有校区编号", f"'{p.campus}'", _hint(p.campus, ids))

    private = {c.id for c in campuses if c.sector == "private"}
    for i, p in enumerate(scn.policies):
        if isinstance(p, OpenCampus) and p.campus.sector == "private":
            add(("policies", i, "campus", "sector"), "a public campus: open_campus opens public schools (a private "
                "school opening during the run is not modelled; list it under region with its quality instead) "
                "/ 新建校区须为公办", "private / 民办")

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
            elif cid in private:
                add(path, "a public campus: education groups, school districts and consortia (集团/学区/教联体) join "
                          "public schools / 集团化办学成员须为公办学校", f"'{cid}' is private / 民办")
            elif cid in owner and owner[cid] != g.id:
                add(path, "each campus in at most one group / 每校最多属于一个集团",
                    f"'{cid}' is already in group '{owner[cid]}' / 已属于集团 '{owner[cid]}'")
            elif cid in owner:
                add(path, "each campus once in its group / 集团内不重复", f"'{cid}' twice / 重复")
            owner.setdefault(cid, g.id)
    formed: set[str] = set()
    for i, p in enumerate(scn.policies):
        if isinstance(p, FormGroup) and p.group not in group_ids:
            add(("policies", i, "group"), "a group id under groups / 已定义的集团编号", f"'{p.group}'", _hint(p.group, group_ids))
        elif isinstance(p, FormGroup) and p.group in formed:
            add(("policies", i, "group"), "each group formed by at most one form_group / 每个集团至多一条 form_group",
                f"'{p.group}' again / 重复")
        if isinstance(p, FormGroup):
            formed.add(p.group)

    if scn.demography.cells is not None:
        stage_of = {c.id: c.stage for c in campuses}
        stage_of.update({p.campus.id: p.campus.stage for p in scn.policies if isinstance(p, OpenCampus)})
        seen: set[str] = set()
        for i, cell in enumerate(scn.demography.cells):
            if cell.id in seen:
                add(("demography", "cells", i, "id"), "a cell id used once / 网格编号唯一", f"'{cell.id}' again / 重复")
            seen.add(cell.id)
            for field, teaches in (("zone_primary", ("primary", "nine_year")), ("zone_junior", ("junior", "nine_year"))):
                zoned = getattr(cell, field)
                if zoned is not None and stage_of.get(zoned) not in teaches:
                    found = f"'{zoned}'" + (f" ({stage_of[zoned]})" if zoned in stage_of else "")
                    add(("demography", "cells", i, field), f"a campus teaching those grades ({', '.join(teaches)}) / "
                        "须为教授相应年级的校区", found, _hint(zoned, ids))
                elif zoned in private:
                    add(("demography", "cells", i, field), "a public campus: a private school is nobody's zone "
                        "(就近入学 zones public schools; families apply to private ones) / 划片学校须为公办",
                        f"'{zoned}' is private / 民办")
    if problems:
        raise ScenarioError(problems)


def check_coordinates(campuses: list[Campus], cells: list[Cell] | None,
                      policies: list[Policy] | tuple[Policy, ...], locs: Locations, file: str) -> None:
    """Raise ScenarioError unless all places (campuses, those opened by policies, residential cells)
    can be put on one plane: every one has x_km/y_km, or every one has lon/lat (positions in km
    and positions in degrees cannot be mixed)."""
    places = [(("region", "campuses", i), c) for i, c in enumerate(campuses)]
    places += [(("policies", i, "campus"), p.campus) for i, p in enumerate(policies) if isinstance(p, OpenCampus)]
    places += [(("demography", "cells", i), c) for i, c in enumerate(cells or [])]
    xy_only = [path for path, c in places if c.lon is None]
    ll_only = [path for path, c in places if c.x_km is None]
    if xy_only and ll_only:
        path = ll_only[0] if len(ll_only) <= len(xy_only) else xy_only[0]
        where, line = locs.find(path, file)
        raise ScenarioError([Problem(where, dotted(path), line,
                                     "one coordinate system for all campuses and cells (x_km/y_km everywhere, or "
                                     "lon/lat everywhere) / 统一坐标",
                                     f"x_km/y_km only at {dotted(xy_only[0])}, lon/lat only at {dotted(ll_only[0])}")])
