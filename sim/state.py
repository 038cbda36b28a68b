"""Agent state as structures of arrays: students, teachers and campuses, one numpy array per field.

No Python object exists per student or teacher: mechanisms update whole arrays at once.  Every
agent carries a permanent ``id`` (never reused) that keys its random draws (:mod:`sim.rng`), so
draws do not depend on array order.  Student state stays well under the 64 bytes per student
budget (:data:`STUDENT_BYTES`).

Initial state comes from a :class:`~sim.scenario.resolved.ResolvedScenario` and its compiled
network: each campus's pupils split over grades by cohort births, living in the residential cell
nearest their campus; each campus's teachers drawn from the scenario's workforce composition.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
from scipy.spatial import cKDTree

from . import rng
from .network import CompiledNetwork
from .scenario.resolved import ResolvedScenario
from .summary import start_enrolment

BOARDING, RELOCATED = np.uint8(1), np.uint8(2)
"""Student flag bits: boards at school; family moved house (e.g. to a town) during the run."""

AGE_BANDS = {"young": (22, 35), "middle": (35, 50), "old": (50, 60)}
"""Teacher ages drawn uniformly within each band of the age mix, years (bands as in models.AgeMix)."""

SKILL_PER_QUALITY = 0.15
"""Mean teacher value added (pupil SD per year) per SD of starting campus quality: a campus 0.3 SD
ahead has teachers adding 0.045 SD a year more.  No published estimate; a sweep can vary it."""

EXPERIENCE_START_AGE = 22
"""Teachers start teaching at 22 (bachelor graduates); experience = age − 22."""


@dataclass
class Students:
    """Pupils in school, one row each."""

    id: np.ndarray             # int64 permanent id
    grade: np.ndarray          # int8 1–9
    cell: np.ndarray           # int32 home residential cell
    campus: np.ndarray         # int32 campus attended
    klass: np.ndarray          # int16 class number within its campus and grade
    achievement: np.ndarray    # float32, SD units relative to the start-year region mean
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


STUDENT_BYTES = 8 + 1 + 4 + 4 + 2 + 4 + 4 + 1 + 4 + 1
"""Bytes of state per student (the sum of the field widths above): 33."""


@dataclass
class Teachers:
    """Full-time teachers, one row each."""

    id: np.ndarray             # int64 permanent id
    campus: np.ndarray         # int32 campus of post
    owner: np.ndarray          # int32 campus holding the staffing quota (编制)
    pe_arts: np.ndarray        # bool: PE, music or art teacher (else main subjects)
    skill: np.ndarray          # float32 value added, pupil SD per year
    age: np.ndarray            # int8 years
    female: np.ndarray         # bool
    title: np.ndarray          # int8: 0 second or below, 1 first, 2 senior
    backbone: np.ndarray       # bool: county-level-or-higher backbone teacher
    qualified: np.ndarray      # bool: above the required qualification
    years_here: np.ndarray     # int8 consecutive years at the current campus
    exchange_until: np.ndarray  # int16 simulated year an exchange posting ends, -1 none
    manager: np.ndarray        # bool: in the campus leadership team

    def __len__(self) -> int:
        return len(self.id)

    @property
    def experience(self) -> np.ndarray:
        """Years of teaching, derived from age."""
        return np.maximum(self.age.astype(np.int16) - EXPERIENCE_START_AGE, 0)


@dataclass
class State:
    """Everything that changes during a run."""

    students: Students
    teachers: Teachers
    reputation: np.ndarray     # float64 per campus, SD units
    classrooms: np.ndarray     # int64 per campus
    open: np.ndarray           # bool per campus (campuses opened later by policy start closed)


def home_cells(net: CompiledNetwork) -> np.ndarray:
    """The residential cell nearest each campus (where its pupils are taken to live at the start)."""
    tree = cKDTree(np.column_stack([net.cell_x_km, net.cell_y_km]))
    _, idx = tree.query(np.column_stack([net.campus_x_km, net.campus_y_km]))
    return idx.astype(np.int32)


def initial_students(scn: ResolvedScenario, net: CompiledNetwork, seed: int) -> Students:
    """Pupils of every campus at the start, split by grade; achievement from the campus quality."""
    enrol = start_enrolment(scn)
    n = int(enrol.sum())
    campus = np.repeat(np.repeat(np.arange(len(scn.campuses)), 9), enrol.ravel()).astype(np.int32)
    grade = np.repeat(np.tile(np.arange(1, 10, dtype=np.int8), len(scn.campuses)), enrol.ravel())
    ids = np.arange(n, dtype=np.int64)
    cell = home_cells(net)[campus]
    cell_ses = np.array([c.ses for c in scn.cells], dtype=np.float32)
    quality = np.array([c.quality for c in scn.campuses], dtype=np.float32)
    ses = cell_ses[cell] + rng.normal(seed, "init", 0, ids, slot=0).astype(np.float32) * 0.8
    # achievement: campus quality plus an SES gradient (0.3 SD per SD; no estimate) and individual noise
    achievement = quality[campus] + 0.3 * (ses - cell_ses[cell]) + rng.normal(seed, "init", 0, ids, slot=1) * 0.9
    return Students(id=ids, grade=grade, cell=cell, campus=campus, klass=np.zeros(n, np.int16),
                    achievement=achievement.astype(np.float32), ses=ses, origin=net.cell_locale[cell].astype(np.int8),
                    origin_cell=cell.copy(), flags=np.zeros(n, np.uint8))


def initial_teachers(scn: ResolvedScenario, net: CompiledNetwork, seed: int) -> Teachers:
    """Each campus's teachers, attributes drawn from the scenario's workforce composition."""
    spec = scn.teachers
    counts = np.array([c.teachers for c in scn.campuses], dtype=np.int64)
    n = int(counts.sum())
    campus = np.repeat(np.arange(len(scn.campuses)), counts).astype(np.int32)
    ids = np.arange(n, dtype=np.int64)

    def u(slot: int) -> np.ndarray:
        return rng.uniform(seed, "init", 0, ids, slot=10 + slot)

    locale = net.campus_locale[campus]

    def by_locale(share) -> np.ndarray:  # a ShareByLocale read per teacher
        return np.array([share.urban, share.town, share.rural])[locale]

    mix = spec.age_mix
    band = np.searchsorted(np.cumsum([mix.young, mix.middle]), u(0))
    lo = np.array([AGE_BANDS[b][0] for b in ("young", "middle", "old")])[band]
    hi = np.array([AGE_BANDS[b][1] for b in ("young", "middle", "old")])[band]
    age = (lo + u(1) * (hi - lo)).astype(np.int8)
    titles = spec.title_mix
    title = (2 - np.searchsorted(np.cumsum([titles.senior, titles.first]), u(2))).astype(np.int8)
    quality = np.array([c.quality for c in scn.campuses])[campus]
    skill = SKILL_PER_QUALITY * quality + spec.skill_sd * rng.normal(seed, "init", 0, ids, slot=20)
    manager = np.zeros(n, bool)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    for k in range(spec.managers_per_campus):  # the first few teachers of each campus lead it
        rows = starts[counts > k] + k
        manager[rows] = True
    return Teachers(
        id=ids, campus=campus, owner=campus.copy(), pe_arts=u(3) < spec.pe_arts_share,
        skill=skill.astype(np.float32), age=age, female=u(4) < spec.female_share, title=title,
        backbone=u(5) < by_locale(spec.backbone_share), qualified=u(6) < by_locale(spec.above_qualification_share),
        years_here=np.minimum(age - EXPERIENCE_START_AGE, (u(7) * 15).astype(np.int8)).astype(np.int8),
        exchange_until=np.full(n, -1, np.int16), manager=manager)


def initial_state(scn: ResolvedScenario, net: CompiledNetwork, seed: int) -> State:
    """The state at the start of simulated year 1."""
    students = initial_students(scn, net, seed)
    teachers = initial_teachers(scn, net, seed)
    return State(
        students=students, teachers=teachers,
        reputation=np.array([c.reputation for c in scn.campuses], dtype=np.float64),
        classrooms=np.array([c.classrooms for c in scn.campuses], dtype=np.int64),
        open=np.ones(len(scn.campuses), dtype=bool))
