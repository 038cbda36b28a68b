"""Agent state as structures of arrays: students, teachers and campuses, one numpy array per field.

No Python object exists per student or teacher: mechanisms update whole arrays at once.  Every
agent carries a permanent ``id`` (never reused) that keys its random draws (:mod:`sim.rng`), so
draws do not depend on array order.  Student state stays well under the 64 bytes per student
budget (:data:`STUDENT_BYTES`).

Initial state comes from a :class:`~sim.scenario.resolved.ResolvedScenario` and its compiled
network: each campus's pupils split over grades by cohort births, living in the residential cell
nearest their campus; each campus's teachers drawn from the scenario's workforce composition
(:func:`sim.processes.workforce.initial_teachers`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np
from scipy.spatial import cKDTree

from . import rng
from .network import CompiledNetwork
from .scenario.resolved import ResolvedScenario
from .stages import ENTRY_AGE, split_by_grade

BOARDING, RELOCATED, OVERFLOW = np.uint8(1), np.uint8(2), np.uint8(4)
"""Student flag bits: boards at school; family lives away from its cell of origin (moved to a town
during the run, or before it); admitted above the free seats of its zoned campus (就近入学 overflow)."""


@dataclass
class Students:
    """Pupils in school, one row each."""

    id: np.ndarray             # int64 permanent id
    grade: np.ndarray          # int8 1–9
    cell: np.ndarray           # int32 home residential cell
    campus: np.ndarray         # int32 campus attended
    klass: np.ndarray          # int16 class number within its campus and grade
    achievement: np.ndarray    # float32, SD units relative to the start-year region mean
    base: np.ndarray           # float32 family-and-ability baseline at entry, same units (never taught)
    ses: np.ndarray            # float32 family socio-economic status, SD units
    origin: np.ndarray         # int8 locale code of the home cell at entry (0 urban, 1 town, 2 rural)
    origin_cell: np.ndarray    # int32 home cell at entry (where a relocated family may return to)
    flags: np.ndarray          # uint8 bit set: BOARDING, RELOCATED

    def __len__(self) -> int:
        return len(self.id)

    def take(self, keep: np.ndarray) -> "Students":
        """The students selected by a boolean mask or index array (a new object)."""
        return Students(**{f.name: getattr(self, f.name)[keep] for f in fields(self)})

    def concat(self, other: "Students") -> "Students":
        """These students followed by ``other`` (a new object)."""
        return Students(**{f.name: np.concatenate([getattr(self, f.name), getattr(other, f.name)]) for f in fields(self)})


STUDENT_BYTES = 8 + 1 + 4 + 4 + 2 + 4 + 4 + 4 + 1 + 4 + 1
"""Bytes of state per student (the sum of the field widths above): 37."""


TITLES: tuple[str, ...] = ("三级及未定级 / third or unrated", "二级 / second", "一级 / first", "高级 / senior")
"""Professional titles (职称) of primary and junior teachers by code 0–3 (人社部发〔2015〕79号 unified the
primary and secondary title ladders: 三级, 二级, 一级, 高级, and 正高级, too rare to model)."""
THIRD, SECOND, FIRST, SENIOR = range(4)


@dataclass
class Teachers:
    """Full-time teachers, one row each.

    A teacher on exchange (交流轮岗) is posted at a host campus (``campus``, where they teach classes
    and are paid) and keeps the post of their home campus (``owner``, 编制) until ``exchange_until``.
    ``skill`` is always ``talent`` plus the experience profile of :mod:`sim.processes.careers`.
    """

    id: np.ndarray             # int64 permanent id
    campus: np.ndarray         # int32 campus of post (where the teacher teaches)
    owner: np.ndarray          # int32 campus holding the staffing quota (编制)
    pe_arts: np.ndarray        # bool: PE, music or art teacher (else main subjects)
    talent: np.ndarray         # float32 lasting part of value added, pupil SD per year
    skill: np.ndarray          # float32 value added this year (talent + experience profile), pupil SD per year
    experience: np.ndarray     # int8 school years taught before this one
    age: np.ndarray            # int8 completed years on 1 September of the current school year
    birth_month: np.ndarray    # int8 1–12
    female: np.ndarray         # bool
    title: np.ndarray          # int8 code into TITLES: 0 third/unrated, 1 second, 2 first, 3 senior
    title_years: np.ndarray    # int8 years held the current title
    backbone: np.ndarray       # bool: county-level-or-higher backbone teacher (骨干)
    qualified: np.ndarray      # bool: above the required qualification
    years_here: np.ndarray     # int8 consecutive years at the current campus
    hardship_years: np.ndarray  # int8 years taught at rural or weak campuses (the senior-title rule)
    exchange_until: np.ndarray  # int16 simulated year an exchange posting ends, -1 none
    manager: np.ndarray        # bool: in the campus leadership team

    def __len__(self) -> int:
        return len(self.id)

    def take(self, keep: np.ndarray) -> "Teachers":
        """The teachers selected by a boolean mask or index array (a new object)."""
        return Teachers(**{f.name: getattr(self, f.name)[keep] for f in fields(self)})

    def concat(self, other: "Teachers") -> "Teachers":
        """These teachers followed by ``other`` (a new object; dtypes of ``self`` kept)."""
        return Teachers(**{f.name: np.concatenate([getattr(self, f.name), getattr(other, f.name)]).astype(
            getattr(self, f.name).dtype) for f in fields(self)})


@dataclass
class State:
    """Everything that changes during a run."""

    students: Students
    teachers: Teachers
    reputation: np.ndarray     # float64 per campus, SD units
    classrooms: np.ndarray     # int64 per campus
    open: np.ndarray           # bool per campus (campuses opened later by policy start closed)
    zone: np.ndarray = field(default_factory=lambda: np.zeros((2, 0), np.int64))
    # (2, n_cells) int64 zoned campus per part (-1: by the nearest rule); a campus opened by policy carves its zone
    odds: np.ndarray = field(default_factory=lambda: np.zeros((2, 0)))
    # (2, n_campuses) float: chance of a place choosers met at each campus at the last entry (grade 1, grade 7)
    # per-campus facts that policies and grouping modes change (sim.modes hooks receive this state):
    resources: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)))
    # (n_campuses, 4) float: floor area m², sports area m², equipment yuan, multimedia classrooms (stages.RESOURCE_STANDARDS order)
    allowance: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # float per campus: allowance paid to each teacher posted there, yuan a month (set_allowance)
    brand: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # float per campus, SD units: reputation beside measured results that families perceive (a group's brand)
    hardship: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    # bool per campus: rural or weak, where a year of teaching counts for the senior-title rule
    management: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # float per campus, SD units of management quality, 0 neutral (a hub's team may raise a member's;
    # no mechanism reads it until a mode gives it an effect)
    measured: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # float per campus, SD units: this year's measured results (grades 5 and 8; nan without them), set
    # at the assessment before the modes' brand hooks read it
    leadership: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    # int per campus: the size of its leadership team, refilled each summer (teachers.managers_per_campus;
    # a consortium's member campuses keep a smaller one)
    group_active: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    # bool per group: formed (its start_year or form_group year reached) and not dissolved


def home_cells(net: CompiledNetwork) -> np.ndarray:
    """The residential cell nearest each campus (where its pupils are taken to live at the start)."""
    tree = cKDTree(np.column_stack([net.cell_x_km, net.cell_y_km]))
    _, idx = tree.query(np.column_stack([net.campus_x_km, net.campus_y_km]))
    return idx.astype(np.int32)


SES_SD_IN_CELL = 0.8
"""SD of family SES around its cell's mean, SD units (no estimate: cells are small areas, so most
of the SES variance lies within them)."""

ENTRY_ABILITY_SD = 0.8
"""SD of the part of achievement at entry not explained by family SES, so that achievement within a
grade has an SD of about 1 once school-made differences are added (no estimate)."""


def ses_reference(cell_ses: np.ndarray, children: np.ndarray) -> float:
    """Children-weighted mean SES of the region's cells at the start: the SES at which a child
    enters at the start-year region mean."""
    weight = np.asarray(children, dtype=float).reshape(len(cell_ses), -1).sum(axis=1)
    return float(np.average(cell_ses, weights=weight)) if weight.sum() > 0 else 0.0


def family_draws(seed: int, year: int, ids: np.ndarray, home_ses: np.ndarray, ses_ref: float,
                 family_gradient: float) -> tuple[np.ndarray, np.ndarray]:
    """(SES, baseline achievement) of children entering school in ``year`` (0: present at the start),
    float32, drawn keyed by (seed, "init", year, id, slot 2 and 3):

        SES  = cell SES + SES_SD_IN_CELL · z₂
        base = family_gradient · (SES − ses_ref) + ENTRY_ABILITY_SD · z₃

    so achievement at entry carries the family gradient within and between cells."""
    ses = np.asarray(home_ses, dtype=np.float64) + SES_SD_IN_CELL * rng.normal(seed, "init", year, ids, slot=2)
    base = family_gradient * (ses - ses_ref) + ENTRY_ABILITY_SD * rng.normal(seed, "init", year, ids, slot=3)
    return ses.astype(np.float32), base.astype(np.float32)


def start_enrolment(scn: ResolvedScenario) -> np.ndarray:
    """Pupils by campus and grade (n_campus, 9) as the scenario states them: each campus's
    ``pupils`` split over its grades by cohort births."""
    stages = [c.stage for c in scn.campuses]
    pupils = np.array([c.pupils for c in scn.campuses], dtype=np.int64)
    return split_by_grade(stages, pupils, scn.simulation.start_year, scn.demography.births,
                          scn.demography.births_trend)


def initial_students(scn: ResolvedScenario, net: CompiledNetwork, seed: int, ses_ref: float) -> Students:
    """Pupils at the start, with their family draws; achievement is the entry baseline (the engine
    then gives them the school years they have had, :func:`sim.processes.learning.burn_in`).

    A region whose cells hold its pupils (``scn.start_from_cells``: synthetic regions) starts with
    every cell's children of school age at their zoned campus (``net.catchment``), grade g at age
    g + 5; otherwise each campus's pupils, split by grade, live in the cell nearest the campus.
    Ids are 0 … N − 1 in (cell, grade) or (campus, grade) order.
    """
    if scn.start_from_cells:
        kids = np.array([c.children[ENTRY_AGE:ENTRY_AGE + 9] for c in scn.cells], dtype=np.int64).reshape(-1, 9)
        cell = np.repeat(np.repeat(np.arange(len(kids), dtype=np.int32), 9), kids.ravel())
        grade = np.repeat(np.tile(np.arange(1, 10, dtype=np.int8), len(kids)), kids.ravel())
        campus = net.catchment[(grade >= 7).astype(np.int64), cell].astype(np.int32)
    else:
        enrol = start_enrolment(scn)
        campus = np.repeat(np.repeat(np.arange(len(scn.campuses)), 9), enrol.ravel()).astype(np.int32)
        grade = np.repeat(np.tile(np.arange(1, 10, dtype=np.int8), len(scn.campuses)), enrol.ravel())
        cell = home_cells(net)[campus]
    n = len(campus)
    ids = np.arange(n, dtype=np.int64)
    cell_ses = np.array([c.ses for c in scn.cells], dtype=np.float32)
    ses, base = family_draws(seed, 0, ids, cell_ses[cell], ses_ref, scn.dynamics.learning.family_gradient)
    return Students(id=ids, grade=grade, cell=cell, campus=campus, klass=np.zeros(n, np.int16),
                    achievement=base.copy(), base=base, ses=ses, origin=net.cell_locale[cell].astype(np.int8),
                    origin_cell=cell.copy(), flags=np.zeros(n, np.uint8))


def region_ses_reference(scn: ResolvedScenario) -> float:
    """:func:`ses_reference` of the scenario's cells."""
    return ses_reference(np.array([c.ses for c in scn.cells]), np.array([c.children for c in scn.cells]))


def initial_state(scn: ResolvedScenario, net: CompiledNetwork, seed: int) -> State:
    """The state at the start of simulated year 1 (before the engine's burn-in of achievement)."""
    from .processes.workforce import initial_teachers  # the starting workforce is drawn by the career mechanisms

    students = initial_students(scn, net, seed, region_ses_reference(scn))
    teachers = initial_teachers(scn, net, seed)
    return State(
        students=students, teachers=teachers,
        reputation=np.array([c.reputation for c in scn.campuses], dtype=np.float64),
        classrooms=np.array([c.classrooms for c in scn.campuses], dtype=np.int64),
        open=np.ones(len(scn.campuses), dtype=bool))
