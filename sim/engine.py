"""The simulation engine: a simpy calendar that calls vectorised mechanisms over the state arrays.

Time unit: one week.  Simulated year k (1-based) is school year ``start_year + k − 1`` and starts at
week ``52 (k − 1) + 35`` (September).  Each year holds a fixed number of events, never one per
agent:

=====  ==========================  ==========================================================
week   event                       what happens
=====  ==========================  ==========================================================
34     policy timeline             the scenario's policies dated this year take effect
35     school-year start           (from year 2) household moves, progression, grade-1 entry,
                                   admission of entrants and grade-7 movers; 分流 into campuses
                                   opened this year; class formation;
                                   hiring (new teachers report in September)
55     semester boundary           first half of the year's learning gain
75     end-of-year assessment      second half of the gain; grades 5 and 8 measured; reputation
78     summer staffing             the year is recorded (the teachers who taught it); then ageing,
                                   retirement, attrition, skill growth
=====  ==========================  ==========================================================

Grouping modes are not implemented yet: :func:`check_supported` refuses scenarios that form groups
rather than silently running them as if they had none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import simpy

from . import rng
from .errors import Problem, ScenarioError
from .network import ROLES, CompiledNetwork, compile_choice, compile_network
from .processes import enrolment, learning, migration, progression, reputation, teachers
from .processes.classes import assign_classes, class_size_counts, form_classes
from .scenario.campus_defaults import seats_per_classroom, teachers_needed
from .scenario.models import LOCALES, AddClassrooms, CloseCampus, OpenCampus, SetAllowance
from .scenario.resolved import ResolvedScenario
from .stages import ENTRY_AGE, LARGE_CLASS, RESOURCE_STANDARDS, SCALE_MEAN, SCALE_SD, SUPER_LARGE_CLASS, standard_sizes
from .state import RELOCATED, State, initial_state

WEEKS_PER_YEAR = 52
WEEK = {"policy": 34, "start": 35, "semester": 55, "assessment": 75, "staffing": 78}
"""Week of each calendar event, counted from the start of the simulated year's calendar year."""

RESOURCE_KEYS = tuple(RESOURCE_STANDARDS)
FLOOR = RESOURCE_KEYS.index("floor_area_m2")

RELIEF_LOTTERY_SLOT = 300
"""``rng`` slot (stream "choice") of the lottery that orders pupils moving to a newly opened campus
(admission lotteries use slots below 300)."""


def check_supported(scn: ResolvedScenario) -> None:
    """Refuse what the engine cannot yet simulate honestly (grouping modes)."""
    grouped = [i for i, g in enumerate(scn.groups) if g.mode != "baseline"]
    if grouped:
        g = scn.groups[grouped[0]]
        raise ScenarioError([Problem(
            scn.source, f"groups[{grouped[0]}].mode", None,
            "no grouping mode yet: the engine runs baseline scenarios; grouping modes come with their policy "
            "bundles / 集团化办学模式尚未实现，暂只能运行不分组情景",
            f"mode {g.mode} in group '{g.id}' ({len(grouped)} group(s))")])


def county_town_km(net: CompiledNetwork) -> np.ndarray:
    """Straight-line km from each campus to the county town: its nearest urban campus, or nearest
    town campus when the region has no urban one (0 for those campuses themselves)."""
    locale = net.campus_locale
    seat = np.flatnonzero(locale == 0)
    if seat.size == 0:
        seat = np.flatnonzero(locale == 1)
    if seat.size == 0:
        return np.zeros(len(locale))
    dx = net.campus_x_km[:, None] - net.campus_x_km[seat][None, :]
    dy = net.campus_y_km[:, None] - net.campus_y_km[seat][None, :]
    return np.hypot(dx, dy).min(axis=1)


def allowance_of(p: SetAllowance, campus_locale: np.ndarray, town_km: np.ndarray) -> np.ndarray:
    """Monthly allowance per campus under ``p``: the flat amount of its locale, plus, where its
    locale is in ``p.tier_locales``, the amount of the farthest tier whose ``from_km`` it reaches."""
    flat = np.array([p.yuan_per_month.urban, p.yuan_per_month.town, p.yuan_per_month.rural], dtype=float)
    out = flat[campus_locale]
    if p.tiers:
        starts = np.array([t.from_km for t in p.tiers])
        amounts = np.r_[0.0, [t.yuan_per_month for t in p.tiers]]
        tiered = np.isin(campus_locale, [LOCALES.index(loc) for loc in p.tier_locales])
        out = out + np.where(tiered, amounts[np.searchsorted(starts, town_km, side="right")], 0.0)
    return out


@dataclass
class Records:
    """What a run collected, turned into tables by sim.results: per year a dict of campus columns
    and a dict of campus-grade columns (arrays), and flow rows (dicts)."""

    campus_year: list[dict[str, np.ndarray]] = field(default_factory=list)
    grade_year: list[dict[str, np.ndarray]] = field(default_factory=list)
    flows: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class _Places:
    """Labels of one kind of place (cells or campuses) for flow rows: ``rank[i]`` is place i's
    position in the sorted labels, so sorting ranks sorts labels; ``locale`` is by rank."""

    labels: np.ndarray
    rank: np.ndarray
    locale: np.ndarray

    @classmethod
    def of(cls, ids: np.ndarray, locale_codes: np.ndarray) -> "_Places":
        labels, rank = np.unique(np.asarray(ids).astype(str), return_inverse=True)
        locale = np.empty(len(labels), dtype=object)
        locale[rank] = np.asarray(LOCALES, dtype=object)[np.asarray(locale_codes, dtype=np.int64)]
        return cls(labels, rank.astype(np.int64).ravel(), locale)


class Simulation:
    """One run of one scenario with one seed."""

    def __init__(self, scn: ResolvedScenario, seed: int, years: int | None = None):
        check_supported(scn)
        opened = [p.campus for p in scn.policies if isinstance(p, OpenCampus)]
        self.scn = replace(scn, campuses=scn.campuses + tuple(opened))
        self.seed = int(seed)
        self.years = years or scn.simulation.years
        self.net = compile_network(self.scn)
        n = len(self.scn.campuses)
        self.ids = np.array([c.id for c in self.scn.campuses])
        self.cell_ids = np.array([c.id for c in self.scn.cells])
        self.children = np.array([c.children for c in self.scn.cells], dtype=np.int64)
        self.cell_ses = np.array([c.ses for c in self.scn.cells], dtype=np.float32)
        self.stage_names = [c.stage for c in self.scn.campuses]
        self.standard = standard_sizes(self.stage_names, [c.class_size_standard for c in self.scn.campuses])
        self.seats_per_room = np.array([c.capacity / c.classrooms if c.classrooms else
                                        seats_per_classroom(c.stage, c.class_size_standard)
                                        for c in self.scn.campuses])
        self.resources = np.array([[getattr(c, k) for k in RESOURCE_KEYS] for c in self.scn.campuses], dtype=float)
        self.brand = np.zeros(n)
        self.allowance = np.zeros(n)
        self.town_km = county_town_km(self.net)
        self._group_label = np.append(self.net.group_ids.astype(str), "")[self.net.campus_group]  # -1 (none) → ""
        self._places = {"cell": _Places.of(self.cell_ids, self.net.cell_locale),
                        "campus": _Places.of(self.ids, self.net.campus_locale)}
        self.state: State = initial_state(replace(self.scn, campuses=scn.campuses), self.net, self.seed)
        self.state.reputation = np.array([c.reputation for c in self.scn.campuses], dtype=float)
        self.state.classrooms = np.array([c.classrooms for c in self.scn.campuses], dtype=np.int64)
        self.state.open = np.r_[np.ones(len(scn.campuses), bool), np.zeros(len(opened), bool)]
        self.choice_net = self._choice_network()
        self.records = Records()
        self.year = 1
        self._year_flows = {"overflow": np.zeros(n, np.int64), "outside": np.zeros(n, np.int64)}
        self._built = {"classrooms_added": np.zeros(n, np.int64), "floor_area_added_m2": np.zeros(n)}
        self._form_classes()

    # -- calendar ------------------------------------------------------------------------------

    def run(self, observer: Callable[["Simulation"], None] | None = None) -> Records:
        """Run all years; return the recorded rows.  ``observer(self)`` is called as each year is
        recorded, before the summer exits (progress bars, invariant checks)."""
        env = simpy.Environment()
        env.process(self._calendar(env, observer))
        env.run()
        return self.records

    def _calendar(self, env: simpy.Environment, observer: Callable[["Simulation"], None] | None):
        for k in range(1, self.years + 1):
            base = WEEKS_PER_YEAR * (k - 1)
            self.year = k
            yield env.timeout(base + WEEK["policy"] - env.now)
            self._apply_policies(k)
            yield env.timeout(base + WEEK["start"] - env.now)
            if k > 1:
                self._school_year_start()
            for c in self.opened_now:
                self._relieve_into(c)
            self._form_classes()
            self._hire()
            yield env.timeout(base + WEEK["semester"] - env.now)
            self._learn(half=0)
            yield env.timeout(base + WEEK["assessment"] - env.now)
            self._learn(half=1)
            self._assess()
            yield env.timeout(base + WEEK["staffing"] - env.now)
            self._record()
            if observer:
                observer(self)
            self._summer_exits()

    # -- events --------------------------------------------------------------------------------

    def _apply_policies(self, k: int) -> None:
        index = {cid: i for i, cid in enumerate(self.ids)}
        changed, self.opened_now = False, []
        for p in self.scn.policies:
            if p.year != k:
                continue
            if isinstance(p, AddClassrooms):
                self._add_classrooms(index[p.campus], p.classrooms)
            elif isinstance(p, SetAllowance):
                self.allowance = allowance_of(p, self.net.campus_locale, self.town_km)
            elif isinstance(p, OpenCampus):
                c = index[p.campus.id]
                self.state.open[c] = True
                self.opened_now.append(c)
                self._built["classrooms_added"][c] += self.state.classrooms[c]
                self._built["floor_area_added_m2"][c] += self.resources[c, FLOOR]
                changed = True
            elif isinstance(p, CloseCampus):
                self.state.open[index[p.campus]] = False
                changed = True
        if changed:
            self.choice_net = self._choice_network()
            self._displace_from_closed()
            self._redeploy_from_closed()

    def _add_classrooms(self, c: int, rooms: int) -> None:
        """Build (or, negative, take out of use) classrooms at campus ``c``.  Each classroom comes
        with the teaching and auxiliary floor area the standard asks for the pupils it seats
        (seats × 4.5 m² primary / 5.8 m² junior, 教督〔2017〕6号), so per-pupil floor area follows."""
        rooms = max(rooms, -int(self.state.classrooms[c]))
        weights = self.net.campus_teaches[c] * np.array([6, 3])
        std = RESOURCE_STANDARDS["floor_area_m2"]
        per_seat = weights @ np.array([std["primary"], std["junior"]]) / max(weights.sum(), 1)
        area = max(rooms * self.seats_per_room[c] * per_seat, -self.resources[c, FLOOR])
        self.state.classrooms[c] += rooms
        self.resources[c, FLOOR] += area
        self._built["classrooms_added"][c] += rooms
        self._built["floor_area_added_m2"][c] += area

    def _school_year_start(self) -> None:
        st, year, school_year = self.state, self.year, self._school_year()
        s = st.students
        moves = migration.migrate(cell=s.cell, origin_cell=s.origin_cell, flags=s.flags, grade=s.grade, ids=s.id,
                                  reputation=st.reputation, net=self.choice_net, params=self.scn.dynamics.migration,
                                  urbanisation_drift_pp=self.scn.demography.urbanisation_drift_pp,
                                  seed=self.seed, year=year)
        self._flow_pairs("student", "relocation", s.cell[moves.moved_to_town], moves.new_cell[moves.moved_to_town],
                         "cell", "cell")
        self._flow_pairs("student", "backflow", s.cell[moves.returned], moves.new_cell[moves.returned],
                         "cell", "cell")
        s.cell = moves.new_cell.astype(np.int32)
        s.flags = np.where(moves.moved_to_town, s.flags | RELOCATED, s.flags)
        s.flags = np.where(moves.returned, s.flags & ~RELOCATED, s.flags).astype(np.uint8)
        preschool = np.arange(max(ENTRY_AGE + 1 - year, 0) + 1)  # cohorts not yet entered, and age 0
        kids = migration.migrate_children(self.children, preschool, st.reputation, self.choice_net,
                                          self.scn.dynamics.migration, self.scn.demography.urbanisation_drift_pp,
                                          self.seed, year)
        self.children = kids.children
        left = np.repeat(np.arange(len(kids.movers)), kids.movers)
        self._flow_pairs("child", "relocation", left, kids.dest[left], "cell", "cell")
        s, prog = progression.progress(s, self.net.campus_teaches[:, 1])
        self.records.flows.append(self._flow_row("student", "graduation", "grade 9", "out", prog.graduates))
        self.graduates = prog.graduates
        counts = enrolment.cohort_entrants(self.children, self.scn.simulation.start_year, school_year,
                                           self.scn.demography.births, self.scn.demography.births_trend)
        new = enrolment.new_students(counts, 1, self.cell_ses, self.net.cell_locale, self.seed, year)
        self.entrants = len(new)
        st.students = s.concat(new)
        self._admit_unplaced()

    def _admit_unplaced(self) -> None:
        s = self.state.students
        enrol = self._enrolment()
        for grade, flow in ((1, "entry"), (7, "junior_entry")):
            rows = np.flatnonzero((s.campus == progression.UNPLACED) & (s.grade == grade))
            if rows.size:
                adm = self._place(rows, grade, enrol)
                np.add.at(self._year_flows["outside"], adm.campus[adm.chose_outside_catchment], 1)
                self._flow_pairs("student", flow, s.cell[rows], adm.campus, "cell", "campus")
                s.campus[rows] = adm.campus

    def _displace_from_closed(self) -> None:
        s = self.state.students
        displaced = ~self.state.open[np.maximum(s.campus, 0)] & (s.campus >= 0)
        if displaced.any():
            enrol = self._enrolment()
            for grade in range(1, 10):
                rows = np.flatnonzero(displaced & (s.grade == grade))
                if rows.size:
                    adm = self._place(rows, grade, enrol)
                    self._flow_pairs("student", "closure", s.campus[rows], adm.campus, "campus", "campus")
                    s.campus[rows] = adm.campus

    def _place(self, rows: np.ndarray, grade: int, enrol: np.ndarray) -> enrolment.Admission:
        """Admit pupils ``rows`` into ``grade`` at open campuses' free seats; count them in ``enrol``
        (campus × grade, updated in place) and their overflow in this year's record."""
        s, st = self.state.students, self.state
        seats = np.maximum(self._grade_capacity() - enrol[:, grade - 1], 0) * st.open
        adm = enrolment.admit(s.cell[rows], s.ses[rows], s.id[rows], int(grade >= 7), seats, st.reputation,
                              self.choice_net, None, self.scn.dynamics.choice, self.seed, self.year)
        np.add.at(enrol[:, grade - 1], adm.campus, 1)
        np.add.at(self._year_flows["overflow"], adm.campus[adm.overflow], 1)
        return adm

    def _relieve_into(self, new: int) -> None:
        """分流: a newly opened campus takes the pupils above capacity of its crowded neighbours
        (proximity links, nearest first), grade by grade and up to its own seats per grade; who
        moves is a lottery keyed by pupil id."""
        s, net = self.state.students, self.net
        enrol, grade_cap = self._enrolment(), self._grade_capacity()
        free = np.full(9, grade_cap[new]) * np.repeat(net.campus_teaches[new], [6, 3])
        lottery = rng.uniform(self.seed, "choice", self.year, s.id, slot=RELIEF_LOTTERY_SLOT)
        for c in net.prox_indices[net.prox_indptr[new]:net.prox_indptr[new + 1]]:
            excess = np.minimum(np.maximum(enrol[c] - grade_cap[c], 0), free)
            for g in np.flatnonzero(excess):
                rows = np.flatnonzero((s.campus == c) & (s.grade == g + 1))
                rows = rows[np.argsort(lottery[rows], kind="stable")][:excess[g]]
                s.campus[rows] = new
                free[g] -= rows.size
                self._flow_pairs("student", "transfer", np.full(rows.size, c), np.full(rows.size, new), "campus", "campus")

    def _redeploy_from_closed(self) -> None:
        """Teachers of a closed campus move, post and quota, to its nearest open neighbour teaching
        overlapping grades (proximity links); with none open, they stay on the closed campus's books."""
        t, net, is_open = self.state.teachers, self.net, self.state.open
        target = np.arange(len(self.ids))
        for c in np.flatnonzero(~is_open):
            neighbours = net.prox_indices[net.prox_indptr[c]:net.prox_indptr[c + 1]]
            neighbours = neighbours[is_open[neighbours]]
            if len(neighbours):
                target[c] = neighbours[0]
        moved = target[t.campus] != t.campus
        if moved.any():
            self._flow_pairs("teacher", "redeployment", t.campus[moved], target[t.campus[moved]], "campus", "campus")
            t.campus = target[t.campus].astype(np.int32)
            t.owner = target[t.owner].astype(np.int32)
            t.years_here = np.where(moved, 0, t.years_here).astype(np.int8)

    def _form_classes(self) -> None:
        enrol = self._enrolment()
        self.classes = form_classes(enrol, self.state.classrooms, self.standard)
        s = self.state.students
        s.klass, self.class_key, self.n_classes = assign_classes(s.campus, s.grade, s.id, self.classes)
        self.class_standard = np.repeat(self.standard.ravel(), self.classes.ravel())

    def _learn(self, half: int) -> None:
        s, dyn = self.state.students, self.scn.dynamics
        gain = learning.yearly_gain(s.achievement.astype(float), s.id, self.class_key, self.n_classes,
                                    self.class_standard, s.campus, self._campus_skill(), self._resource_ratio(),
                                    dyn.learning, self.seed, 2 * self.year + half)
        s.achievement = (s.achievement + gain / 2).astype(np.float32)

    def _assess(self) -> None:
        st, s = self.state, self.state.students
        measured = reputation.measured_quality(s.campus, s.grade, s.achievement, len(self.ids))
        st.reputation = reputation.update_reputation(st.reputation, measured, self.brand,
                                                     self.scn.dynamics.reputation.lag)

    def _hire(self) -> None:
        """September hiring into the posts this year's pupils and classes need; every class gets a teacher."""
        st = self.state
        enrol = self._enrolment()
        classes = self.classes.sum(1)
        needed = teachers_needed(enrol[:, :6].sum(1), enrol[:, 6:].sum(1), self.scn.teachers, classes) * st.open
        st.teachers, self.hiring = teachers.september_hiring(
            st.teachers, needed, classes * st.open, self.net.campus_locale, self.scn.teachers,
            self.scn.dynamics.teachers, self.seed, self.year)
        for c in np.flatnonzero(self.hiring.hired):
            self.records.flows.append(self._campus_flow_row("teacher", "hire", c, int(self.hiring.hired[c]), inflow=True))

    def _summer_exits(self) -> None:
        """Ageing, retirement and attrition at the end of the school year; skill grows with the year taught."""
        st = self.state
        st.teachers.skill = teachers.grow_skill(st.teachers, self.scn.dynamics.teachers, None, self.seed, self.year)
        st.teachers, exits = teachers.summer_exits(st.teachers, self.net.campus_locale, self.allowance,
                                                   self.scn.dynamics.teachers, self.seed, self.year)
        for kind, values in (("retirement", exits.retired), ("attrition", exits.left)):
            for c in np.flatnonzero(values):
                self.records.flows.append(self._campus_flow_row("teacher", kind, c, int(values[c]), inflow=False))

    # -- derived quantities --------------------------------------------------------------------

    def _school_year(self) -> int:
        return self.scn.simulation.start_year + self.year - 1

    def _enrolment(self) -> np.ndarray:
        s = self.state.students
        key = s.campus.astype(np.int64)  # unplaced pupils (campus -1) fall in the first 9 bins, dropped
        key *= 9
        key += s.grade
        key += 8
        return np.bincount(key, minlength=(len(self.ids) + 1) * 9)[9:].reshape(len(self.ids), 9)

    def _capacity(self) -> np.ndarray:
        return np.round(self.state.classrooms * self.seats_per_room).astype(np.int64)

    def _grade_capacity(self) -> np.ndarray:
        """Seats per grade: the campus's capacity shared evenly over the grades it teaches."""
        grades = self.net.campus_teaches @ np.array([6, 3])
        return self._capacity() // np.maximum(grades, 1)

    def _campus_skill(self) -> np.ndarray:
        t = self.state.teachers
        main = ~t.pe_arts
        n = len(self.ids)
        count = np.bincount(t.campus[main], minlength=n)
        mean = np.bincount(t.campus[main], weights=t.skill[main], minlength=n) / np.maximum(count, 1)
        enrol = self._enrolment()
        needed = teachers_needed(enrol[:, :6].sum(1), enrol[:, 6:].sum(1), self.scn.teachers, self.classes.sum(1))
        vacant = np.clip(1 - np.bincount(t.campus, minlength=n) / np.maximum(needed, 1), 0, 1)
        return mean - self.scn.dynamics.learning.vacancy_penalty * vacant

    def _resource_ratio(self) -> np.ndarray:
        """Mean over the physical resources of (campus resource ÷ per-pupil standard × its pupils)."""
        enrol = self._enrolment()
        prim, jun = enrol[:, :6].sum(1), enrol[:, 6:].sum(1)
        std = np.array([[RESOURCE_STANDARDS[k]["primary"], RESOURCE_STANDARDS[k]["junior"]] for k in RESOURCE_KEYS])
        need = prim[:, None] * std[:, 0] + jun[:, None] * std[:, 1]
        return np.where(need > 0, self.resources / np.maximum(need, 1e-9), 1.0).mean(axis=1)

    def _choice_network(self) -> CompiledNetwork:
        """Choice sets and catchments over open campuses only, as indices into all campuses."""
        open_idx = np.flatnonzero(self.state.open)
        choice, choice_km, choice_min = compile_choice(
            replace(self.scn, campuses=tuple(self.scn.campuses[i] for i in open_idx), groups=(), policies=()))
        mapped = np.where(choice >= 0, open_idx[np.maximum(choice, 0)], -1).astype(np.int32)
        return replace(self.net, choice=mapped, choice_km=choice_km, choice_min=choice_min,
                       catchment=mapped[:, :, 0])

    # -- recording -----------------------------------------------------------------------------

    def _flow_row(self, kind: str, flow: str, origin: str, destination: str, count: int,
                  origin_locale: str = "", destination_locale: str = "") -> dict:
        return {"year": self.year, "kind": kind, "flow": flow, "origin": str(origin), "destination": str(destination),
                "count": count, "origin_locale": origin_locale, "destination_locale": destination_locale}

    def _campus_flow_row(self, kind: str, flow: str, campus: int, count: int, inflow: bool) -> dict:
        """A flow row between campus ``campus`` and outside the system ('in' / 'out')."""
        cid, loc = self.ids[campus], LOCALES[self.net.campus_locale[campus]]
        if inflow:
            return self._flow_row(kind, flow, "in", cid, count, destination_locale=loc)
        return self._flow_row(kind, flow, cid, "out", count, origin_locale=loc)

    def _flow_pairs(self, kind: str, flow: str, origin: np.ndarray, destination: np.ndarray,
                    origin_places: str, destination_places: str) -> None:
        """One flow row per distinct (origin, destination) pair, in label order, with its count and
        the two places' locales.  ``origin`` and ``destination`` are indices into the places named
        by ``origin_places`` / ``destination_places`` ('cell' or 'campus'): pairs are counted on
        integer ranks, and labels are looked up once per distinct pair, not once per pupil."""
        if len(origin) == 0:
            return
        op, dp = self._places[origin_places], self._places[destination_places]
        nd = len(dp.labels)
        keys, counts = np.unique(op.rank[np.asarray(origin, np.int64)] * nd + dp.rank[np.asarray(destination, np.int64)],
                                 return_counts=True)
        o, d = keys // nd, keys % nd
        year = self.year
        self.records.flows.extend(
            {"year": year, "kind": kind, "flow": flow, "origin": a, "destination": b, "count": c,
             "origin_locale": al, "destination_locale": bl}
            for a, b, c, al, bl in zip(op.labels[o].tolist(), dp.labels[d].tolist(), counts.tolist(),
                                       op.locale[o].tolist(), dp.locale[d].tolist()))

    def _record(self) -> None:
        st, s, t = self.state, self.state.students, self.state.teachers
        n = len(self.ids)
        enrol = self._enrolment()
        pupils = enrol.sum(1)
        cls = self.classes
        size = np.divide(enrol, cls, out=np.zeros(enrol.shape), where=cls > 0)
        ach_sum = np.bincount(s.campus, weights=s.achievement, minlength=n)
        tcount = np.bincount(t.campus, minlength=n)
        skill = np.bincount(t.campus, weights=t.skill, minlength=n) / np.maximum(tcount, 1)
        skill_sq = np.bincount(t.campus, weights=np.square(t.skill, dtype=float), minlength=n) / np.maximum(tcount, 1)
        score = np.maximum(SCALE_MEAN + SCALE_SD * s.achievement.astype(float), 1.0)
        per = {
            "open": st.open,
            "enrolment": pupils,
            "pupils_primary": enrol[:, :6].sum(1),
            "pupils_junior": enrol[:, 6:].sum(1),
            "capacity": self._capacity(),
            "classrooms": st.classrooms,
            "classes": cls.sum(1),
            "mean_class_size": np.divide(pupils, cls.sum(1), out=np.zeros(n), where=cls.sum(1) > 0),
            "max_class_size": np.ceil(size.max(1)).astype(np.int64),
            "classes_56plus": class_size_counts(enrol, cls, LARGE_CLASS).sum(1),
            "classes_66plus": class_size_counts(enrol, cls, SUPER_LARGE_CLASS).sum(1),
            "overflow": self._year_flows["overflow"],
            "outside_catchment": self._year_flows["outside"],
            "teachers": tcount,
            "vacancies": self.hiring.vacancies,
            "mean_teacher_skill": np.where(tcount > 0, skill, np.nan),
            "mean_achievement": np.where(pupils > 0, ach_sum / np.maximum(pupils, 1), np.nan),
            "reputation": st.reputation,
            "teachers_qualified": np.bincount(t.campus[t.qualified], minlength=n),
            "teachers_backbone": np.bincount(t.campus[t.backbone], minlength=n),
            "teachers_pe_arts": np.bincount(t.campus[t.pe_arts], minlength=n),
            "allowance_yuan": self.allowance,
            "sd_teacher_skill": np.where(tcount > 0, np.sqrt(np.maximum(skill_sq - skill ** 2, 0)), np.nan),
            "score_xlnx": np.bincount(s.campus, weights=score * np.log(score), minlength=n),
            **self._built,
            **{k: self.resources[:, i] for i, k in enumerate(RESOURCE_KEYS)},
        }
        self.records.campus_year.append({
            "year": np.full(n, self.year), "campus": self.ids, "stage": np.array(self.stage_names),
            "locale": np.array(LOCALES)[self.net.campus_locale], "group": self._group_label,
            "role": np.array(ROLES)[self.net.campus_role],
            **{k: np.array(v, copy=True) for k, v in per.items()}})  # copies: the state changes in place later
        c, g = np.nonzero((enrol > 0) | (cls > 0))
        self.records.grade_year.append({"year": np.full(len(c), self.year), "campus": self.ids[c], "grade": g + 1,
                                        "pupils": enrol[c, g], "classes": cls[c, g]})
        self._year_flows = {k: np.zeros(n, np.int64) for k in self._year_flows}
        self._built = {k: np.zeros_like(v) for k, v in self._built.items()}

