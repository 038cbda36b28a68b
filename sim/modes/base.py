"""The seam between the engine and the grouping modes: the :class:`GroupingMode` base class whose
named hooks the engine calls at its calendar events, the :class:`Context` each hook receives, and
the registry of modes by name.

Each hook is a no-op by default (it returns its input unchanged, or nothing), so a mode overrides
only what it changes.  The engine calls a mode's hooks once per event for all of its groups at
once (``ctx.groups``: indices into the compiled network's group arrays, only groups that have
formed and not dissolved), so a mode can be vectorised over its groups like every mechanism.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

if TYPE_CHECKING:
    from ..network import CompiledNetwork
    from ..processes.enrolment import AdmissionRule
    from ..scenario.base import Model
    from ..scenario.dynamics import TeacherDynamics
    from ..scenario.resolved import ResolvedScenario
    from ..state import State


@dataclass(frozen=True)
class Context:
    """What a hook sees: the run state (students, teachers and the per-campus facts a mode may
    change: ``resources``, ``allowance``, ``brand``, ``hardship``, ``management``), the compiled
    network (campus and group arrays: ``campus_group``, ``campus_role``, ``group_hub``,
    ``link_indptr``/``link_members`` …), the groups the call concerns with their typed
    ``params`` (aligned: ``params[i]`` belongs to ``groups[i]``), the simulated year and the seed
    (draws go through :mod:`sim.rng` keyed by ``seed`` and ``year``), and the scenario."""

    state: "State"
    net: "CompiledNetwork"
    groups: np.ndarray
    params: tuple["Model", ...]
    year: int
    seed: int
    scenario: "ResolvedScenario | None" = None
    """The run's scenario (its dynamics and unit costs), for hooks that need them."""

    @property
    def hubs(self) -> np.ndarray:
        """Hub campus of each group of ``groups`` (-1: none)."""
        return self.net.group_hub[self.groups]

    def members(self, i: int) -> np.ndarray:
        """Member campuses (not the hub) of ``groups[i]``."""
        g = self.groups[i]
        return self.net.link_members[self.net.link_indptr[g]:self.net.link_indptr[g + 1]]

    def in_groups(self) -> np.ndarray:
        """Boolean per campus: hub or member of one of ``groups``."""
        return np.isin(self.net.campus_group, self.groups)


@dataclass(frozen=True)
class Moves:
    """Teachers a hook moved between campuses, for the flows table: the origin and destination
    campus of each move, recorded as rows of ``flow`` (kind teacher), and the subset flagged
    ``backbone`` (if given) as rows of ``<flow>_backbone`` (the exchange contract of
    :mod:`sim.metrics.staffing`: flows ``exchange`` and ``exchange_backbone``)."""

    origin: np.ndarray
    destination: np.ndarray
    flow: str = "deployment"
    backbone: np.ndarray | None = None


class GroupingMode:
    """A grouping mode: subclass, set ``name``, override the hooks it needs, and :func:`register`.

    Hooks, in calendar order (week of the simulated year in brackets):

    ``form(ctx)`` [34, policy week]
        the groups of ``ctx.groups`` form this year (their ``start_year``, or a ``form_group``
        policy's year): set up what forming does (management team, brand, zoning …).
    ``dissolve(ctx) -> bool array | None`` [34]
        each later policy week, for the groups formed before: which of them dissolve now.
    ``zones(ctx, part, zones) -> zones`` [35, September]
        the campuses each cell's entrants (part 0: grade 1, part 1: grade 7) are zoned to this year,
        (cells × m) campus indices padded with −1, column 0 the campus that guarantees a place;
        given as the one-column catchment (or an earlier mode's zones); return them changed (a
        multi-school zone, 多校划片, whose places go by lottery; a rotated catchment, 滚动划片)
        or as given (:func:`sim.processes.enrolment.zoned`).
    ``admission(ctx, rule) -> rule`` [35, September]
        the admission rule of entrants (grade 1) and grade-7 movers this year; return ``rule``
        or a rule wrapping it (e.g. families' travel times shortened by a school bus).
    ``posts(ctx, posts) -> posts`` [35, staffing]
        posts (编制) per campus before 调剂 and hiring; return them changed or as given.
    ``pool(ctx, posts) -> Moves | None`` [35, staffing, after ``posts``, before 调剂 and hiring]
        move teachers to the group's vacancies before they are left to the county's 调剂, to
        hiring and to substitutes (pooled 编制: a consortium deploys its teachers by need).
    ``deploy(ctx) -> Moves | None`` [35, after hiring, before teachers are assigned to classes]
        move teachers in ``ctx.state.teachers`` (e.g. hub staff seeded at a branch campus).
    ``facilities(ctx, resources, pupils) -> resources`` [55 and 75, each half-year's learning]
        the physical resources (campus × resource, the units of ``ctx.state.resources``) each
        campus's pupils learn with, given the campus's own and its ``pupils``; return them changed
        (facilities shared across a district) or as given.  The official per-school indicators keep
        ``ctx.state.resources``.
    ``learning(ctx, class_skill, class_campus) -> class_skill`` [35, after assignment]
        the value added each class's pupils get this year (synchronous classes, shared lesson
        plans); ``class_campus[k]`` is class k's campus.
    ``brand(ctx)`` [75, assessment, before reputation is updated]
        set ``ctx.state.brand`` (the term reputation moves towards, beside this year's measured
        results, ``ctx.state.measured``).
    ``costs(ctx) -> {item: yuan per campus}`` [78, recording]
        this year's costs of the mode, recorded as campus-year columns ``cost_<item>_yuan``
        (declare the items in ``cost_items``).
    ``record(ctx) -> {column: value per campus}`` [78, recording]
        the extra campus-year columns of the mode (declare them in ``columns``).
    ``skill_links(ctx) -> per-teacher mean skill | None`` [78, summer, before careers]
        the mean skill of the teachers each teacher learns from by joint teaching research (nan:
        none); talent moves towards it by ``peer_learning`` (:func:`sim.processes.careers.after_year`).
    ``leaving(ctx) -> per-teacher probability | None`` [78, summer, before exits]
        the yearly probability of leaving the mode adds to the ordinary attrition of each teacher
        of ``ctx.state.teachers`` (e.g. teachers on exchange); the modes' additions are summed.
    ``teacher_rules(ctx, params) -> params`` [78, summer, title round]
        the teacher dynamics the title round uses while the mode runs (e.g. a stricter rural-service
        condition for the senior title); return them changed or as given.
    ``exchange(ctx) -> Moves | None`` [78, summer, after exits and the title round]
        exchange orders (交流轮岗) for next year: move teachers (``campus``, ``exchange_until``)
        and return the moves with ``flow="exchange"`` and their backbone flags.

    Columns from ``record`` and ``costs`` of the modes present are summed over their groups
    (a campus is in one group) and are 0 at campuses outside them.
    """

    name: ClassVar[str] = ""
    columns: ClassVar[tuple[str, ...]] = ()
    cost_items: ClassVar[tuple[str, ...]] = ()

    def form(self, ctx: Context) -> None:
        return None

    def dissolve(self, ctx: Context) -> np.ndarray | None:
        return None

    def zones(self, ctx: Context, part: int, zones: np.ndarray) -> np.ndarray:
        return zones

    def admission(self, ctx: Context, rule: "AdmissionRule") -> "AdmissionRule":
        return rule

    def posts(self, ctx: Context, posts: np.ndarray) -> np.ndarray:
        return posts

    def pool(self, ctx: Context, posts: np.ndarray) -> Moves | None:
        return None

    def facilities(self, ctx: Context, resources: np.ndarray, pupils: np.ndarray) -> np.ndarray:
        return resources

    def deploy(self, ctx: Context) -> Moves | None:
        return None

    def learning(self, ctx: Context, class_skill: np.ndarray, class_campus: np.ndarray) -> np.ndarray:
        return class_skill

    def brand(self, ctx: Context) -> None:
        return None

    def costs(self, ctx: Context) -> dict[str, np.ndarray]:
        return {}

    def record(self, ctx: Context) -> dict[str, np.ndarray]:
        return {}

    def skill_links(self, ctx: Context) -> np.ndarray | None:
        return None

    def leaving(self, ctx: Context) -> np.ndarray | None:
        return None

    def teacher_rules(self, ctx: Context, params: "TeacherDynamics") -> "TeacherDynamics":
        return params

    def exchange(self, ctx: Context) -> Moves | None:
        return None


REGISTRY: dict[str, type[GroupingMode]] = {}
"""Registered grouping modes by name (what ``run`` can simulate)."""


def register(cls: type[GroupingMode]) -> type[GroupingMode]:
    """Class decorator: make ``cls`` the behaviour of groups whose ``mode`` is ``cls.name``."""
    if not cls.name:
        raise ValueError(f"{cls.__qualname__} has no name")
    if cls.name in REGISTRY and REGISTRY[cls.name] is not cls:
        raise ValueError(f"grouping mode {cls.name!r} is registered already ({REGISTRY[cls.name].__qualname__})")
    REGISTRY[cls.name] = cls
    return cls


def unregister(name: str) -> None:
    """Remove mode ``name`` from the registry (tests that register a mode of their own)."""
    REGISTRY.pop(name, None)
