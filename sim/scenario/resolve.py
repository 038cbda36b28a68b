"""Fill every optional campus field and place residential cells, so downstream code never guesses.

Positions given as lon/lat are projected to km on a local equirectangular plane centred on the
mean position of the scenario's campuses (accurate to well under 1 % across a county or city).
"""

from __future__ import annotations

import math

from .campus_defaults import capacity_of, resources_at, stage_parts, teachers_for
from .models import PRIVATE_TUITION_YUAN, Campus, Cell, OpenCampus, Policy, Scenario
from .synthetic import cells_per_campus

KM_PER_DEG_LAT = 110.57
KM_PER_DEG_LON_EQUATOR = 111.32
DEFAULT_FILL = 0.9
"""Share of capacity enrolled when a campus gives no ``pupils`` (no estimate; state pupils instead)."""


class _Projection:
    def __init__(self, points: list[tuple[float, float]]):
        self.lon0 = sum(p[0] for p in points) / len(points) if points else 0.0
        self.lat0 = sum(p[1] for p in points) / len(points) if points else 0.0
        self.kx = KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(self.lat0))

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.lon0) * self.kx, (lat - self.lat0) * KM_PER_DEG_LAT


def _fill(c: Campus, scn: Scenario, project: _Projection, opening: bool) -> Campus:
    upd: dict = {}
    if c.x_km is None:
        upd["x_km"], upd["y_km"] = project(c.lon, c.lat)
    if c.name is None:
        upd["name"] = c.id
    if c.legal_person is None:
        upd["legal_person"] = c.id
    capacity = c.capacity if c.capacity is not None else capacity_of(c.stage, c.classrooms, c.class_size_standard)
    upd["capacity"] = capacity
    pupils = c.pupils if c.pupils is not None else (0 if opening else round(DEFAULT_FILL * capacity))
    upd["pupils"] = pupils
    if c.teachers is None:
        upd["teachers"] = teachers_for(stage_parts(c.stage, pupils), scn.teachers)
    standard = resources_at(stage_parts(c.stage, capacity))
    for key, value in standard.items():
        if getattr(c, key) is None:
            upd[key] = value
    if c.reputation is None:
        upd["reputation"] = c.quality
    if c.tuition_yuan_per_year is None:
        upd["tuition_yuan_per_year"] = PRIVATE_TUITION_YUAN[c.stage] if c.sector == "private" else 0.0
    return c.model_copy(update=upd)


def resolve_region(campuses: list[Campus], cells: list[Cell] | None, scn: Scenario
                   ) -> tuple[list[Campus], list[Cell], list[Policy]]:
    """Campuses, cells and policies with every field filled.

    Campuses opened by a policy start empty unless they state ``pupils``.  Without explicit cells,
    one cell is placed at each campus (``cells_per_campus``).
    """
    opened = [p.campus for p in scn.policies if isinstance(p, OpenCampus)]
    points = [(c.lon, c.lat) for c in campuses + opened if c.lon is not None]
    points += [(c.lon, c.lat) for c in cells or [] if c.lon is not None]
    project = _Projection(points)
    campuses = [_fill(c, scn, project, opening=False) for c in campuses]
    policies = [p.model_copy(update={"campus": _fill(p.campus, scn, project, opening=True)})
                if isinstance(p, OpenCampus) else p for p in scn.policies]
    if cells is None:
        cells = cells_per_campus(campuses, scn.demography, scn.simulation.start_year)
    cells = [c if c.x_km is not None else c.model_copy(update=dict(zip(("x_km", "y_km"), project(c.lon, c.lat))))
             for c in cells]
    return campuses, cells, policies
