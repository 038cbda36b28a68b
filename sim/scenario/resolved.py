"""The frozen, fully resolved scenario that the network, the engine and the reports read.

Resolution turns what a planner wrote into explicit facts: a synthetic region becomes a campus list
and residential cells, every optional campus field is filled (positions in km, capacity, pupils,
teachers, resource inputs, reputation), and ``extends``/``--set`` are already applied.  Nothing
downstream re-reads the YAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import Problem
from .dynamics import Dynamics
from .models import Campus, Cell, Costs, Demography, Group, Policy, Simulation, Teachers, Travel


@dataclass(frozen=True)
class ResolvedScenario:
    """A scenario with every campus and cell explicit.

    Campus guarantees: ``x_km``, ``y_km``, ``name``, ``legal_person``, ``capacity``, ``pupils``,
    ``teachers``, the four resource inputs, ``reputation`` and ``tuition_yuan_per_year`` are set
    (never None).  Cells have
    ``x_km``/``y_km``.  ``digest`` is a SHA-256 of the merged scenario data, used to key results.
    """

    name: str
    title: str
    source: str
    digest: str
    simulation: Simulation
    campuses: tuple[Campus, ...]
    cells: tuple[Cell, ...]
    demography: Demography
    teachers: Teachers
    travel: Travel
    dynamics: Dynamics
    groups: tuple[Group, ...]
    policies: tuple[Policy, ...]
    costs: Costs = Costs()
    data: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    start_from_cells: bool = False
    """The cells' children of school age are the pupils at the start, at their zoned campuses
    (synthetic regions, whose cells and zones are built so); otherwise each campus's ``pupils`` are."""
    warnings: tuple[Problem, ...] = field(default=(), repr=False, compare=False)
    """Legal but suspicious settings, located (:mod:`sim.scenario.advisories`); printed, never fatal."""

    def campus_index(self) -> dict[str, int]:
        """Campus id -> position in :attr:`campuses`."""
        return {c.id: i for i, c in enumerate(self.campuses)}
