"""The simulation engine: a simpy calendar that calls vectorised mechanisms over the state arrays.

Time unit: one week.  Simulated year k (1-based) is school year ``start_year + k − 1`` and starts at
week ``52 (k − 1) + 35`` (September).  Each year holds a fixed number of events, never one per
agent:

=====  ==========================  ==========================================================
week   event                       what happens
=====  ==========================  ==========================================================
34     policy timeline             the scenario's policies dated this year take effect
35     school-year start           (from year 2) household moves, progression, grade-1 entry,
                                   admission of entrants and grade-7 movers (from the modes'
                                   zones); 分流 into campuses opened this year; class formation;
                                   staffing (posts from classes and pupils, a group's pooled
                                   deployment, 调剂 of surplus teachers, 选调进城, hiring,
                                   substitutes for what stays vacant); teachers assigned to classes
55     semester boundary           first half of the year's learning gain
75     end-of-year assessment      second half of the gain; grades 5 and 8 measured; reputation
78     summer staffing             the year is recorded (the teachers who taught it); then a year of
                                   experience, retirement, attrition, titles and backbone rounds,
                                   leadership teams refilled, the modes' exchange orders
=====  ==========================  ==========================================================

Grouping modes change a run only through the hooks of :class:`sim.modes.GroupingMode`, called at
these events for the groups that have formed (:mod:`sim.modes` lists each hook and when it runs);
policies are applied by a handler per policy type (:attr:`Simulation.POLICY_HANDLERS`).  A group
whose mode is not registered is refused (:func:`sim.modes.check_supported`), never run as if inert.
The per-campus facts policies and modes change (resources, allowance, brand, hardship, management
quality) live in the run state (:class:`sim.state.State`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import simpy

from . import rng
from .modes import Context, Moves, check_supported, mode_class
from .network import ROLES, CompiledNetwork, compile_choice, compile_network, explicit_zones
from .processes import (assignment, careers, enrolment, learning, migration, partnership, progression, reputation,
                        staffing, teachers, titles, workforce)
from .processes.classes import assign_classes, class_size_counts, form_classes
from .scenario.campus_defaults import seats_per_classroom, teachers_needed
from .scenario.models import LOCALES, STAGES, AddClassrooms, CloseCampus, FormGroup, OpenCampus, SetAllowance
from .scenario.resolved import ResolvedScenario
from .stages import ENTRY_AGE, LARGE_CLASS, RESOURCE_STANDARDS, SCALE_MEAN, SCALE_SD, SUPER_LARGE_CLASS, standard_sizes
from .state import BOARDING, FIRST, OVERFLOW, RELOCATED, SENIOR, State, initial_state, region_ses_reference

WEEKS_PER_YEAR = 52

WORKFORCE_SETTLE_YEARS = 15
"""Years of the teachers' cycle run before the start to settle the workforce (about the time it
takes the rules to turn over most of a village school's staff)."""
WEEK = {"policy": 34, "start": 35, "semester": 55, "assessment": 75, "staffing": 78}
"""Week of each calendar event, counted from the start of the simulated year's calendar year."""

RESOURCE_KEYS = tuple(RESOURCE_STANDARDS)
FLOOR = RESOURCE_KEYS.index("floor_area_m2")

RELIEF_LOTTERY_SLOT = 300
"""``rng`` slot (stream "choice") of the lottery that orders pupils moving to a newly opened campus
(admission lotteries use slots below 300)."""


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
    and a dict of campus-grade columns (arrays), and flow rows in chunks (dicts of equal-length
    columns, :data:`FLOW_FIELDS`), so that a year's thousands of flow rows are never Python objects."""

    campus_year: list[dict[str, np.ndarray]] = field(default_factory=list)
    grade_year: list[dict[str, np.ndarray]] = field(default_factory=list)
    flows: list[dict[str, np.ndarray]] = field(default_factory=list)
    keep: bool = True
    """False while the workforce settles before the start: flows are not even formatted."""

    def add_flows(self, year: int, kind: str, flow: str, origin: np.ndarray, destination: np.ndarray,
                  count: np.ndarray, origin_locale: np.ndarray, destination_locale: np.ndarray) -> None:
        """Append flow rows (one per element of ``count``; the other columns are arrays of its length
        or one value for every row)."""
        n = len(count)
        columns = (year, kind, flow, origin, destination, count, origin_locale, destination_locale)
        self.flows.append({name: np.broadcast_to(np.asarray(value, dtype=dtype), (n,))
                           for (name, dtype), value in zip(FLOW_FIELDS.items(), columns)})


FLOW_FIELDS: dict[str, type] = {"year": np.int64, "kind": object, "flow": object, "origin": object,
                                "destination": object, "count": np.int64, "origin_locale": object,
                                "destination_locale": object}
"""Columns of the flow rows a run records, with their dtypes."""


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
        quality = np.array([c.quality for c in self.scn.campuses], dtype=float)
        self.talent_mean = careers.SKILL_PER_QUALITY * quality
        self.campus_xy = np.column_stack([self.net.campus_x_km, self.net.campus_y_km])
        self.town_km = county_town_km(self.net)
        self._group_label = np.append(self.net.group_ids.astype(str), "")[self.net.campus_group]  # -1 (none) → ""
        self._places = {"cell": _Places.of(self.cell_ids, self.net.cell_locale),
                        "campus": _Places.of(self.ids, self.net.campus_locale)}
        self.beds = np.array([c.boarding_places for c in self.scn.campuses], dtype=np.int64)
        self.ses_ref = region_ses_reference(self.scn)
        zone, is_open = explicit_zones(self.scn), np.r_[np.ones(len(scn.campuses), bool), np.zeros(len(opened), bool)]
        self.choice_net = self._choice_network(is_open, zone)
        self.state: State = initial_state(replace(self.scn, campuses=scn.campuses), self.choice_net, self.seed)
        self.state.classrooms = np.array([c.classrooms for c in self.scn.campuses], dtype=np.int64)
        self.state.open, self.state.zone, self.state.odds = is_open, zone, np.ones((2, n))
        self._init_campus_facts(quality)
        self._init_modes()
        self.records = Records()
        self.year = 1
        self._year_flows = {"overflow": np.zeros(n, np.int64), "outside": np.zeros(n, np.int64)}
        self._built = {"classrooms_added": np.zeros(n, np.int64), "floor_area_added_m2": np.zeros(n)}
        self._settle_start()
        self._form_classes()
        self.posts = self._needed_posts()
        self._post_history = [self.posts]
        self._settle_workforce()
        self._assign()
        self._burn_in()

    def _init_campus_facts(self, quality: np.ndarray) -> None:
        """The per-campus facts policies and modes change, in the run state: resource inputs, no
        allowance, no brand, hardship campuses (rural or weak), management quality at the start (the
        campuses' quality standardised across the region: better-run schools are the stronger ones;
        only changes of it act, through the modes that change it)."""
        st, n = self.state, len(self.ids)
        st.resources = np.array([[getattr(c, k) for k in RESOURCE_KEYS] for c in self.scn.campuses], dtype=float)
        st.allowance, st.brand = np.zeros(n), np.zeros(n)
        st.management = partnership.initial_management(quality)
        st.hardship = titles.hardship_campuses(self.net.campus_locale, quality)
        st.leadership = np.full(n, self.scn.teachers.managers_per_campus, np.int64)

    def _init_modes(self) -> None:
        """One object per grouping mode present; every group inactive until it forms: in its
        ``start_year``, or in the year of the ``form_group`` policy naming it."""
        groups = self.scn.groups
        self.modes = {name: mode_class(name)() for name in dict.fromkeys(g.mode for g in groups)}
        self._group_mode = np.array([g.mode for g in groups], dtype=object)
        self._group_at = {g.id: i for i, g in enumerate(groups)}
        self._formed_by_policy = np.isin(np.arange(len(groups)),
                                         [self._group_at[p.group] for p in self.scn.policies if isinstance(p, FormGroup)])
        self._formed_year = np.full(len(groups), -1)
        self.state.group_active = np.zeros(len(groups), bool)

    def _settle_workforce(self) -> None:
        """Run the teachers' yearly cycle (summer exits, titles and backbone, September staffing)
        for ``WORKFORCE_SETTLE_YEARS`` years before the start, on this year's classes, so that how the
        workforce is spread over campuses (whose teachers left or were selected for town posts, who
        replaced them) is one the career rules produce.  Each settling year ends with the scenario's
        age mix put back (workforce.restore_age_mix), so retirements and the vacancies they open run
        at the rate the start's age mix implies.  The settling years use negative year numbers, so
        their draws and new ids are apart from the run's, and record nothing."""
        records, self.records = self.records, Records(keep=False)
        st, year = self.state, self._school_year()
        for k in range(-WORKFORCE_SETTLE_YEARS, 0):
            self.year = k
            self._summer()
            self._staff()
            st.teachers = workforce.restore_age_mix(st.teachers, self.scn.teachers, self.scn.dynamics.teachers,
                                                    year, self.seed)
        self.year, self.records = 1, records
        st.teachers.backbone = titles.designate_backbone(  # the county's designation in force at the start
            st.teachers, self.net.campus_locale[st.teachers.owner].astype(np.int64),
            np.array([self.scn.teachers.backbone_share.of(loc) for loc in LOCALES]), self.seed, 0)

    def _settle_start(self) -> None:
        """Make the starting placement one the yearly admission would have produced.

        In a region built from cells (synthetic), every grade is admitted from its cells by the
        scenario's admission rule as on entering (zoned, the bureau's placement of overflow, choice;
        nine-year pupils of junior grades stay, as they do at grade 7), while the other grades hold
        their places, twice: first to learn the admission chances the entry grades (1 and 7) show,
        then with those chances.  In every region, pupils above their campus's seats per grade are
        flagged overflow,
        pupils living beyond ``boarding_minutes`` of a campus with beds take them, and a share of the
        pupils living in towns have a village as their cell of origin (migration.origin_pool).
        """
        s, st = self.state.students, self.state
        s.origin_cell = migration.origin_pool(s.cell, s.id, self.choice_net, self.children.sum(axis=1),
                                              self.scn.dynamics.migration.rural_origin_share, self.seed)
        s.origin = self.net.cell_locale[s.origin_cell].astype(np.int8)
        s.flags |= np.where(s.origin_cell != s.cell, RELOCATED, 0).astype(np.uint8)
        stays = (self.net.campus_stage[s.campus] == STAGES.index("nine_year")) & (s.grade >= 7)
        rule, n = enrolment.ADMISSION_RULES[self.scn.dynamics.choice.admission], len(self.ids)
        for learn_odds in ((True, False) if self.scn.start_from_cells else (False,)):
            enrol = self._enrolment()  # the other grades hold their places while one grade applies
            for grade in ((7, 1) if learn_odds else range(9, 0, -1)):
                rows = np.flatnonzero((s.grade == grade) & ~stays)
                enrol[:, grade - 1] -= np.bincount(s.campus[rows], minlength=n)
                a = self._applicants(rows, grade, enrol)
                if not self.scn.start_from_cells:
                    self._seat(rows, grade, enrol, s.campus[rows], enrolment.overflow_at(a, s.campus[rows]), a)
                    continue
                campus, overflow, odds = rule(a)
                if not learn_odds:
                    self._seat(rows, grade, enrol, campus, overflow, a)
                    continue
                if odds is not None:
                    st.odds[int(grade >= 7)] = odds
                enrol[:, grade - 1] += np.bincount(s.campus[rows], minlength=n)

    def _burn_in(self) -> None:
        """Give the pupils present at the start the school years they have had (learning.burn_in),
        taught in those years by their campus's teachers as a whole (who taught which class before
        is not recorded; this year's class teachers act from year 1), and start each campus's reputation at what families would have come to perceive: its
        measured results plus the premium the scenario gives it over its quality (reputation −
        quality), so that a region with no premium starts where its reputation would settle."""
        s, st = self.state.students, self.state
        # past years' teachers: the campus's as a whole (this year's class teachers are not last year's)
        felt = self.class_skill[self.class_key]
        teaching = (np.bincount(s.campus, weights=felt, minlength=len(self.ids))
                    / np.maximum(np.bincount(s.campus, minlength=len(self.ids)), 1))[s.campus]
        resources = self._resource_ratio()

        def gain_of(achievement: np.ndarray) -> np.ndarray:
            return learning.expected_gain(achievement, s.grade, teaching, self.class_key, self.n_classes,
                                          self.class_standard, s.campus, resources, self.scn.dynamics.learning)

        primary = np.maximum(np.where(s.grade >= 7, self.choice_net.catchment[0, s.cell], s.campus), 0)
        s.achievement = learning.burn_in(s.achievement, s.base, s.grade, s.id, gain_of, primary,
                                         self.scn.dynamics.learning, self.seed)
        measured = reputation.measured_quality(s.campus, s.grade, s.achievement, len(self.ids))
        premium = np.array([c.reputation - c.quality for c in self.scn.campuses])
        st.reputation = np.where(np.isnan(measured), np.array([c.reputation for c in self.scn.campuses]),
                                 measured + premium)

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
            self._group_events(k)
            yield env.timeout(base + WEEK["start"] - env.now)
            if k > 1:
                self._school_year_start()
            for c in self.opened_now:
                self._relieve_into(c)
            self._form_classes()
            self._staff()
            self._assign()
            yield env.timeout(base + WEEK["semester"] - env.now)
            self._learn(half=0)
            yield env.timeout(base + WEEK["assessment"] - env.now)
            self._learn(half=1)
            self._assess()
            yield env.timeout(base + WEEK["staffing"] - env.now)
            self._record()
            if observer:
                observer(self)
            self._summer()

    # -- events --------------------------------------------------------------------------------

    def _apply_policies(self, k: int) -> None:
        """Apply the policies dated year ``k`` in their order, each by the handler of its type
        (:attr:`POLICY_HANDLERS`); if campuses opened or closed, recompute choice sets, zone the
        new campuses and move the pupils and teachers of closed ones."""
        self.opened_now = []
        changed = False
        for p in self.scn.policies:
            if p.year == k:
                changed |= bool(self.POLICY_HANDLERS[type(p)](self, p))
        if changed:
            self.choice_net = self._choice_network()
            for c in self.opened_now:
                self._carve_zone(c)
            self._displace_from_closed()
            self._redeploy_from_closed()

    def _open_campus(self, p: OpenCampus) -> bool:
        c = self._campus_at(p.campus.id)
        self.state.open[c] = True
        self.opened_now.append(c)
        self._built["classrooms_added"][c] += self.state.classrooms[c]
        self._built["floor_area_added_m2"][c] += self.state.resources[c, FLOOR]
        return True

    def _close_campus(self, p: CloseCampus) -> bool:
        self.state.open[self._campus_at(p.campus)] = False
        return True

    def _add_classrooms_policy(self, p: AddClassrooms) -> bool:
        self._add_classrooms(self._campus_at(p.campus), p.classrooms)
        return False

    def _set_allowance(self, p: SetAllowance) -> bool:
        self.state.allowance = allowance_of(p, self.net.campus_locale, self.town_km)
        return False

    def _form_group(self, p: FormGroup) -> bool:
        """The group named forms this year (its ``start_year`` is overridden)."""
        self._form(np.arange(len(self.scn.groups)) == self._group_at[p.group])
        return False

    POLICY_HANDLERS: dict[type, Callable[["Simulation", object], bool]] = {
        OpenCampus: _open_campus, CloseCampus: _close_campus, AddClassrooms: _add_classrooms_policy,
        SetAllowance: _set_allowance, FormGroup: _form_group}
    """Policy type → handler (called with the policy in the policy week of its year; returns
    whether campuses opened or closed)."""

    def _campus_at(self, campus_id: str) -> int:
        return int(np.flatnonzero(self.ids == campus_id)[0])

    # -- grouping modes ------------------------------------------------------------------------

    def _contexts(self, groups: np.ndarray | None = None):
        """(mode object, :class:`~sim.modes.Context`) for each mode with groups among ``groups``
        (a boolean mask over groups; default: the active ones)."""
        mask = self.state.group_active if groups is None else groups
        for name, mode in self.modes.items():
            g = np.flatnonzero(mask & (self._group_mode == name))
            if g.size:
                yield mode, Context(self.state, self.choice_net, g, tuple(self.scn.groups[i].params for i in g),
                                    self.year, self.seed, self.scn)

    def _form(self, forming: np.ndarray) -> None:
        """Groups ``forming`` (boolean mask) become active, and their modes' ``form`` hooks run."""
        forming = forming & ~self.state.group_active
        self.state.group_active |= forming
        self._formed_year[forming] = self.year
        for mode, ctx in self._contexts(forming):
            mode.form(ctx)

    def _group_events(self, k: int) -> None:
        """Policy week, after the policies: groups formed in earlier years may dissolve; groups
        whose ``start_year`` is ``k`` (and that no form_group policy names) form."""
        earlier = self.state.group_active & (self._formed_year < k)
        for mode, ctx in self._contexts(earlier):
            gone = mode.dissolve(ctx)
            if gone is not None:
                self.state.group_active[ctx.groups[np.asarray(gone, bool)]] = False
        due = (np.array([g.start_year for g in self.scn.groups], dtype=np.int64) == k) & ~self._formed_by_policy
        self._form(due & (self._formed_year < 0))

    def _record_moves(self, moves: Moves | None) -> None:
        """Flow rows of teachers a mode moved (``moves.flow``, and ``<flow>_backbone`` for the
        backbone subset)."""
        if moves is None:
            return
        self._flow_pairs("teacher", moves.flow, moves.origin, moves.destination, "campus", "campus")
        if moves.backbone is not None:
            b = np.asarray(moves.backbone, bool)
            self._flow_pairs("teacher", f"{moves.flow}_backbone", np.asarray(moves.origin)[b],
                             np.asarray(moves.destination)[b], "campus", "campus")

    def _mode_columns(self) -> dict[str, np.ndarray]:
        """The extra campus-year columns of the modes present (``record`` and ``costs`` hooks):
        declared columns, 0 where no active group of the mode adds to them."""
        n = len(self.ids)
        out = {c: np.zeros(n) for mode in self.modes.values()
               for c in (*mode.columns, *(f"cost_{item}_yuan" for item in mode.cost_items))}
        for mode, ctx in self._contexts():
            for column, value in mode.record(ctx).items():
                out[column] = out[column] + value
            for item, value in mode.costs(ctx).items():
                out[f"cost_{item}_yuan"] = out[f"cost_{item}_yuan"] + value
        return out

    def _add_classrooms(self, c: int, rooms: int) -> None:
        """Build (or, negative, take out of use) classrooms at campus ``c``.  Each classroom comes
        with the teaching and auxiliary floor area the standard asks for the pupils it seats
        (seats × 4.5 m² primary / 5.8 m² junior, 教督〔2017〕6号), so per-pupil floor area follows."""
        rooms = max(rooms, -int(self.state.classrooms[c]))
        weights = self.net.campus_teaches[c] * np.array([6, 3])
        std = RESOURCE_STANDARDS["floor_area_m2"]
        per_seat = weights @ np.array([std["primary"], std["junior"]]) / max(weights.sum(), 1)
        area = max(rooms * self.seats_per_room[c] * per_seat, -self.state.resources[c, FLOOR])
        self.state.classrooms[c] += rooms
        self.state.resources[c, FLOOR] += area
        self._built["classrooms_added"][c] += rooms
        self._built["floor_area_added_m2"][c] += area

    def _school_year_start(self) -> None:
        st, year, school_year = self.state, self.year, self._school_year()
        s = st.students
        moves = migration.migrate(cell=s.cell, origin_cell=s.origin_cell, flags=s.flags, grade=s.grade, ids=s.id,
                                  ses=s.ses, reputation=st.reputation, net=self.choice_net,
                                  params=self.scn.dynamics.migration,
                                  urbanisation_drift_pp=self.scn.demography.urbanisation_drift_pp,
                                  cell_ses=self.cell_ses, seed=self.seed, year=year)
        self._flow_pairs("student", "relocation", s.cell[moves.moved_to_town], moves.new_cell[moves.moved_to_town],
                         "cell", "cell")
        self._flow_pairs("student", "backflow", s.cell[moves.returned], moves.new_cell[moves.returned],
                         "cell", "cell")
        s.cell = moves.new_cell.astype(np.int32)
        s.flags = np.where(moves.moved_to_town, s.flags | RELOCATED, s.flags)
        s.flags = np.where(moves.returned, s.flags & ~RELOCATED, s.flags).astype(np.uint8)
        movers = moves.moved_to_town | moves.returned
        transfer_from = np.where(movers, s.campus, progression.UNPLACED)
        s.campus = np.where(movers, progression.UNPLACED, s.campus).astype(np.int32)
        preschool = np.arange(max(ENTRY_AGE + 1 - year, 0) + 1)  # cohorts not yet entered, and age 0
        kids = migration.migrate_children(self.children, preschool, st.reputation, self.choice_net,
                                          self.scn.dynamics.migration, self.scn.demography.urbanisation_drift_pp,
                                          self.seed, year)
        self.children = kids.children
        left = np.repeat(np.arange(len(kids.movers)), kids.movers)
        self._flow_pairs("child", "relocation", left, kids.dest[left], "cell", "cell")
        transfer_from = transfer_from[s.grade < 9]
        s, prog = progression.progress(s, self.net.campus_teaches[:, 1])
        self.records.add_flows(self.year, "student", "graduation", "grade 9", "out", [prog.graduates], "", "")
        self.graduates = prog.graduates
        counts = enrolment.cohort_entrants(self.children, self.scn.simulation.start_year, school_year,
                                           self.scn.demography.births, self.scn.demography.births_trend)
        new = enrolment.new_students(counts, 1, self.cell_ses, self.net.cell_locale, self.ses_ref,
                                     self.scn.dynamics.learning.family_gradient, self.seed, year)
        self.entrants = len(new)
        st.students = s.concat(new)
        self._admit_unplaced(np.r_[transfer_from, np.full(len(new), progression.UNPLACED)])

    def _admit_unplaced(self, transfer_from: np.ndarray) -> None:
        """Place every pupil without a campus: entrants (grade 1) and pupils moving up to a junior
        school (grade 7) by the scenario's admission rule; families who moved house keep their grade
        and are placed by the zoned rule (就近入学 for 随迁子女: a transfer from ``transfer_from``,
        not a new choice)."""
        s = self.state.students
        enrol = self._enrolment()
        rule = enrolment.ADMISSION_RULES[self.scn.dynamics.choice.admission]
        contexts = list(self._contexts())
        for mode, ctx in contexts:
            rule = mode.admission(ctx, rule)
        zones = [self._zones(part, contexts) for part in (0, 1)]
        unplaced = np.flatnonzero(s.campus == progression.UNPLACED)  # placing one grade leaves the others unplaced
        unplaced_grade = s.grade[unplaced]
        for grade in range(1, 10):
            rows = unplaced[unplaced_grade == grade]
            if grade in (1, 7):
                if rows.size:
                    adm = self._place(rows, grade, enrol, rule, zones[int(grade >= 7)])
                    np.add.at(self._year_flows["outside"], adm.campus[adm.chose_outside_catchment], 1)
                    self._flow_pairs("student", "entry" if grade == 1 else "junior_entry", s.cell[rows], adm.campus,
                                     "cell", "campus")
                continue
            rows = rows[transfer_from[rows] >= 0]
            if rows.size:
                adm = self._place(rows, grade, enrol, enrolment.catchment_rule)
                self._flow_pairs("student", "transfer", transfer_from[rows], adm.campus, "campus", "campus")

    def _zones(self, part: int, contexts: list) -> np.ndarray | None:
        """The campuses each cell's entrants of ``part`` are zoned to this year (the modes'
        ``zones`` hooks, from the one-column catchment), or None when no mode changes them."""
        catchment = self.choice_net.catchment[part][:, None].astype(np.int64)
        zones = catchment
        for mode, ctx in contexts:
            zones = mode.zones(ctx, part, zones)
        return None if zones is catchment else zones

    def _displace_from_closed(self) -> None:
        s = self.state.students
        displaced = ~self.state.open[np.maximum(s.campus, 0)] & (s.campus >= 0)
        if displaced.any():
            enrol = self._enrolment()
            for grade in range(1, 10):
                rows = np.flatnonzero(displaced & (s.grade == grade))
                if rows.size:
                    old = s.campus[rows].copy()
                    adm = self._place(rows, grade, enrol, enrolment.catchment_rule)
                    self._flow_pairs("student", "closure", old, adm.campus, "campus", "campus")

    def _applicants(self, rows: np.ndarray, grade: int, enrol: np.ndarray,
                    zones: np.ndarray | None = None) -> enrolment.Applicants:
        """Pupils ``rows`` applying for places in ``grade`` at campuses already holding ``enrol``
        (campus × grade), zoned by ``zones`` (cells × m; None: the catchment)."""
        s, st, part = self.state.students, self.state, int(grade >= 7)
        return enrolment.Applicants(
            cell=s.cell[rows].astype(np.int64), ses=s.ses[rows].astype(np.float64), ids=s.id[rows], part=part,
            seats=self._free_places(enrol, grade), reputation=st.reputation, net=self.choice_net,
            boarding_free=self._free_beds(), odds=st.odds[part], params=self.scn.dynamics.choice, seed=self.seed,
            year=self.year, zones=zones)

    def _free_places(self, enrol: np.ndarray, grade: int) -> np.ndarray:
        """Free places per open campus in ``grade``, given ``enrol`` (campus × grade): up to its
        seats per grade, and only in classes it can form at the standard size (the grade's classes,
        plus the classrooms no grade uses), so that admitting a pupil never makes a class larger than
        the standard.  A cohort keeps the classes it entered with, so a small school whose classrooms
        do not divide evenly by its grades takes a full grade of seats only when a room is free."""
        classes = -(-enrol // np.maximum(self.standard, 1))
        spare = np.maximum(self.state.classrooms - classes.sum(axis=1), 0)
        g = grade - 1
        in_rooms = (classes[:, g] + spare) * self.standard[:, g] - enrol[:, g]
        return np.maximum(np.minimum(in_rooms, self._grade_capacity() - enrol[:, g]), 0) * self.state.open

    def _place(self, rows: np.ndarray, grade: int, enrol: np.ndarray,
               rule: enrolment.AdmissionRule | None = None, zones: np.ndarray | None = None) -> enrolment.Admission:
        """Admit pupils ``rows`` into ``grade`` at open campuses' free seats by ``rule`` (default: the
        scenario's) from their ``zones`` (default: the catchment); count them in ``enrol`` (campus ×
        grade, updated in place), their overflow in this year's record, and the admission chances
        choosers met in the state."""
        st = self.state
        a = self._applicants(rows, grade, enrol, zones)
        adm = enrolment.admit(a, rule)
        if adm.odds is not None and grade in (1, 7):
            st.odds[a.part] = adm.odds
        np.add.at(self._year_flows["overflow"], adm.campus[adm.overflow], 1)
        self._seat(rows, grade, enrol, adm.campus, adm.overflow, a, adm.boards)
        return adm

    def _seat(self, rows: np.ndarray, grade: int, enrol: np.ndarray, campus: np.ndarray, overflow: np.ndarray,
              a: enrolment.Applicants, boards: np.ndarray | None = None) -> None:
        """Put pupils ``rows`` at ``campus``: count them in ``enrol`` and set their overflow flag and
        their boarding flag (given, or drawn for those beyond ``boarding_minutes`` of a campus with
        free beds)."""
        s = self.state.students
        if boards is None:
            boards = enrolment.boarders(a, campus)
        s.campus[rows] = campus
        np.add.at(enrol[:, grade - 1], campus, 1)
        flags = s.flags[rows] & ~(OVERFLOW | BOARDING)
        s.flags[rows] = flags | np.where(overflow, OVERFLOW, 0) | np.where(boards, BOARDING, 0)

    def _free_beds(self) -> np.ndarray:
        """Beds per campus not taken by its boarders (0 at closed campuses)."""
        s = self.state.students
        boarders = np.bincount(s.campus[((s.flags & BOARDING) != 0) & (s.campus >= 0)], minlength=len(self.ids))
        return np.maximum(self.beds - boarders, 0) * self.state.open

    def _carve_zone(self, new: int) -> None:
        """A campus opened by policy is zoned (its catchment carved from its neighbours'): for each
        part it teaches, it takes over cells whose choice set holds it, that it is not more rural
        than, and whose zoned campus is over its seats, nearest first, then cells nearer to it than
        to their zoned campus, until their yearly cohort fills its seats per grade."""
        st, s, net = self.state, self.state.students, self.choice_net
        grade_cap, enrol = self._grade_capacity(), self._enrolment()
        for part in np.flatnonzero(self.net.campus_teaches[new]):
            grades = np.arange(6) if part == 0 else np.arange(6, 9)
            current = net.catchment[part]
            in_set = (net.choice[part] == new).any(axis=1) & (net.campus_locale[new] <= net.cell_locale)
            cells = np.flatnonzero(in_set & (current != new) & (current >= 0))
            if cells.size == 0:
                continue
            crowded = (enrol[:, grades].sum(1) > grade_cap * len(grades))[current[cells]]
            km_new = net.choice_km[part, cells, np.argmax(net.choice[part, cells] == new, axis=1)]
            keep = crowded | (km_new < net.choice_km[part, cells, 0])
            cells, km_new, crowded = cells[keep], km_new[keep], crowded[keep]
            cohort = np.bincount(s.cell[np.isin(s.grade - 1, grades)], minlength=net.n_cells) / len(grades)
            order = np.lexsort((km_new, ~crowded))
            take = cells[order][np.cumsum(cohort[cells[order]]) <= grade_cap[new]]
            st.zone[part, take] = new
        self.choice_net = self._choice_network()

    def _relieve_into(self, new: int) -> None:
        """分流: a newly opened campus takes the pupils above capacity of its crowded neighbours
        (proximity links, nearest first), grade by grade, up to its own seats per grade less the
        pupils it has already admitted this year; pupils living in the cells now zoned to it go
        first, then a lottery keyed by pupil id decides who moves."""
        s, net = self.state.students, self.net
        enrol, grade_cap = self._enrolment(), self._grade_capacity()
        free = np.maximum(grade_cap[new] - enrol[new], 0) * np.repeat(net.campus_teaches[new], [6, 3])
        lottery = rng.uniform(self.seed, "choice", self.year, s.id, slot=RELIEF_LOTTERY_SLOT)
        rezoned = self.choice_net.catchment[(s.grade >= 7).astype(np.int64), s.cell] == new
        for c in net.prox_indices[net.prox_indptr[new]:net.prox_indptr[new + 1]]:
            excess = np.minimum(np.maximum(enrol[c] - grade_cap[c], 0), free)
            for g in np.flatnonzero(excess):
                rows = np.flatnonzero((s.campus == c) & (s.grade == g + 1))
                rows = rows[np.lexsort((lottery[rows], ~rezoned[rows]))][:excess[g]]
                s.campus[rows] = new
                s.flags[rows] &= ~(OVERFLOW | BOARDING)
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
        """Classes of the school year from its pupils.  ``self.enrol`` (campus × grade) keeps the
        pupils they were formed from: pupils do not change campus again until the next school year
        starts, so staffing, learning and the year's record read it instead of recounting."""
        self.enrol = enrol = self._enrolment()
        self.classes = form_classes(enrol, self.state.classrooms, self.standard)
        s = self.state.students
        s.klass, self.class_key, self.n_classes = assign_classes(s.campus, s.grade, s.id, self.classes)
        self.class_standard = np.repeat(self.standard.ravel(), self.classes.ravel())

    def _learn(self, half: int) -> None:
        s, params = self.state.students, self.scn.dynamics.learning
        gain = learning.expected_gain(s.achievement, s.grade, self.class_skill[self.class_key], self.class_key,
                                      self.n_classes, self.class_standard, s.campus, self._resource_ratio(), params)
        s.achievement = learning.learn_half(s.achievement, s.base, gain, s.id, half, params, self.seed, self.year)

    def _assess(self) -> None:
        st, s = self.state, self.state.students
        st.measured = measured = reputation.measured_quality(s.campus, s.grade, s.achievement, len(self.ids))
        for mode, ctx in self._contexts():
            mode.brand(ctx)
        st.reputation = reputation.update_reputation(st.reputation, measured, st.brand,
                                                     self.scn.dynamics.reputation.lag)

    def _staff(self) -> None:
        """September staffing: posts from this year's classes and pupils (编制); a group's pooled
        teachers deployed to its vacancies (the modes' ``pool``); surplus teachers moved
        to vacancies nearest first (调剂); village teachers selected for town posts (选调进城);
        recruitment, every class getting a teacher; substitutes (代课) for the posts still vacant."""
        st, params = self.state, self.scn.dynamics.teachers
        self.posts, classes = self._needed_posts(), self.classes.sum(1)
        for mode, ctx in self._contexts():
            self.posts = mode.posts(ctx, self.posts)
        for mode, ctx in self._contexts():
            self._record_moves(mode.pool(ctx, self.posts))
        self._post_history = (self._post_history + [self.posts])[-staffing.STAFFING_MEMORY:]
        st.teachers, moves = staffing.reallocate(st.teachers, self.posts, self.campus_xy, self.net.campus_stage,
                                                 params, self.year, kept=np.max(self._post_history, axis=0),
                                                 public=~self.net.campus_private)
        self._flow_pairs("teacher", "reallocation", moves.origin, moves.destination, "campus", "campus")
        st.teachers, moves = staffing.select_to_town(st.teachers, self.posts, self.net.campus_locale,
                                                     self.net.campus_stage, st.reputation, params, self.seed, self.year,
                                                     public=~self.net.campus_private)
        self._flow_pairs("teacher", "town_selection", moves.origin, moves.destination, "campus", "campus")
        st.teachers, self.hiring = teachers.september_hiring(
            st.teachers, self.posts, classes * st.open, self.net.campus_locale, self.talent_mean, self.scn.teachers,
            params, self.seed, self.year)
        self._campus_flows("teacher", "hire", self.hiring.hired, inflow=True)
        self._campus_flows("teacher", "substitute", self.hiring.vacancies, inflow=True)
        for mode, ctx in self._contexts():
            self._record_moves(mode.deploy(ctx))

    def _needed_posts(self) -> np.ndarray:
        """Posts (编制) per campus from this year's pupils and classes; 0 at closed campuses."""
        enrol = self.enrol
        return teachers_needed(enrol[:, :6].sum(1), enrol[:, 6:].sum(1), self.scn.teachers,
                               self.classes.sum(1)) * self.state.open

    def _assign(self) -> None:
        """Teachers to classes (:mod:`sim.processes.assignment`), and the value added each class's
        pupils get: the mean skill of its main-subject teachers, less the substitutes' cost
        (``vacancy_penalty`` × the campus's vacant share of posts).  A class without a teacher of its
        own (its campus's teachers all away) is taught by a substitute with a novice's skill."""
        t, n = self.state.teachers, len(self.ids)
        self.class_teachers, self.class_pe_arts = assignment.assign_teachers(
            t.campus, t.pe_arts, t.experience, t.id, self.classes)
        self.class_campus = campus = np.repeat(np.arange(n), self.classes.sum(1))
        substitute = self.talent_mean + careers.experience_effect(0, self.scn.dynamics.teachers)
        skill = self.class_teachers.mean(t.skill)
        skill = np.where(np.isnan(skill), substitute[campus], skill)
        vacant = np.clip(1 - np.bincount(t.campus, minlength=n) / np.maximum(self.posts, 1), 0, 1)
        self.class_skill = skill - self.scn.dynamics.learning.vacancy_penalty * vacant[campus]
        for mode, ctx in self._contexts():
            self.class_skill = mode.learning(ctx, self.class_skill, campus)

    def _summer(self) -> None:
        """After the school year: a year of experience (and of hardship service where taught),
        retirement and attrition, the title round, backbone designation every
        ``backbone_cycle_years``, in-service qualification, leadership teams refilled."""
        st, params, spec = self.state, self.scn.dynamics.teachers, self.scn.teachers
        extra_leaving = self._extra_leaving()  # on this year's rows, before the year ages them (same order)
        links = self._link_mean()  # first: the modes' skill_links hooks may change st.teachers
        t = careers.after_year(st.teachers, params, links, st.hardship, self.seed, self.year)
        t, exits = teachers.summer_exits(t, self.net.campus_locale, st.allowance, params, self.seed, self.year,
                                         self._school_year() + 1, extra_leaving)
        self._campus_flows("teacher", "retirement", exits.retired, inflow=False)
        self._campus_flows("teacher", "attrition", exits.left, inflow=False)
        pool = self.net.campus_locale[t.owner].astype(np.int64)
        before = t
        rules = params
        for mode, ctx in self._contexts():
            rules = mode.teacher_rules(ctx, rules)
        t = titles.promote(t, pool, spec, rules, self.seed, self.year)
        if self.year % params.backbone_cycle_years == 0:
            share = np.array([spec.backbone_share.of(loc) for loc in LOCALES])
            t.backbone = titles.designate_backbone(t, pool, share, self.seed, self.year)
        t.qualified = titles.upgrade_qualification(t, params, self.seed, self.year)
        t.manager = workforce.renew_leadership(t, st.leadership * st.open)
        for flow, new in (("senior_title", (t.title == SENIOR) & (before.title != SENIOR)),
                          ("first_title", (t.title == FIRST) & (before.title < FIRST)),
                          ("backbone", t.backbone & ~before.backbone)):
            self._campus_flows("teacher", flow, np.bincount(t.campus[new], minlength=len(self.ids)), inflow=True)
        st.teachers = t
        for mode, ctx in self._contexts():
            self._record_moves(mode.exchange(ctx))

    def _extra_leaving(self) -> np.ndarray | None:
        """Per teacher, the yearly probability of leaving the modes add to the ordinary rate (their
        ``leaving`` hooks, summed), or None when no mode adds any."""
        out = None
        for mode, ctx in self._contexts():
            extra = mode.leaving(ctx)
            if extra is not None:
                out = extra if out is None else out + extra
        return out

    def _link_mean(self) -> np.ndarray | None:
        """Per teacher, the mean skill of the teachers they learn from by joint teaching research
        (the modes' ``skill_links``; nan: none), or None when no mode links teachers."""
        out = None
        for mode, ctx in self._contexts():
            links = mode.skill_links(ctx)
            if links is not None:
                out = links if out is None else np.where(np.isnan(out), links, out)
        return out

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

    def _resource_ratio(self) -> np.ndarray:
        """Mean over the physical resources of (resources the campus's pupils learn with ÷ per-pupil
        standard × its pupils): the campus's own, or what the modes' ``facilities`` hooks share."""
        enrol = self.enrol
        prim, jun = enrol[:, :6].sum(1), enrol[:, 6:].sum(1)
        std = np.array([[RESOURCE_STANDARDS[k]["primary"], RESOURCE_STANDARDS[k]["junior"]] for k in RESOURCE_KEYS])
        need = prim[:, None] * std[:, 0] + jun[:, None] * std[:, 1]
        usable = self.state.resources
        for mode, ctx in self._contexts():
            usable = mode.facilities(ctx, usable, prim + jun)
        return np.where(need > 0, usable / np.maximum(need, 1e-9), 1.0).mean(axis=1)

    def _felt_skill(self) -> tuple[np.ndarray, np.ndarray]:
        """Per campus, the pupil-weighted mean and SD (ddof 0) of the teacher value added its pupils'
        classes get (nan without pupils): the sufficient statistics of the pupil-experienced spread."""
        n = len(self.ids)
        pupils = np.bincount(self.class_key, minlength=self.n_classes)
        campus = self.class_campus
        count = np.bincount(campus, weights=pupils, minlength=n)
        mean = np.bincount(campus, weights=pupils * self.class_skill, minlength=n) / np.maximum(count, 1)
        sq = np.bincount(campus, weights=pupils * self.class_skill ** 2, minlength=n) / np.maximum(count, 1)
        sd = np.sqrt(np.maximum(sq - mean ** 2, 0))
        return np.where(count > 0, mean, np.nan), np.where(count > 0, sd, np.nan)

    def _choice_network(self, is_open: np.ndarray | None = None, zone: np.ndarray | None = None) -> CompiledNetwork:
        """Choice sets and catchments over open campuses only (default: the state's), as indices into
        all campuses, with the state's zones; cells zoned to a closed campus are zoned by rule among
        the open ones."""
        is_open = self.state.open if is_open is None else is_open
        zone = self.state.zone if zone is None else zone
        open_idx = np.flatnonzero(is_open)
        position = np.full(len(self.ids), -1, dtype=np.int64)
        position[open_idx] = np.arange(len(open_idx))
        zone = np.where(zone >= 0, position[np.maximum(zone, 0)], -1)
        choice, choice_km, choice_min = compile_choice(
            replace(self.scn, campuses=tuple(self.scn.campuses[i] for i in open_idx), groups=(), policies=()), zone)
        mapped = np.where(choice >= 0, open_idx[np.maximum(choice, 0)], -1).astype(np.int32)
        return replace(self.net, choice=mapped, choice_km=choice_km, choice_min=choice_min,
                       catchment=mapped[:, :, 0])

    # -- recording -----------------------------------------------------------------------------

    def _campus_flows(self, kind: str, flow: str, counts: np.ndarray, inflow: bool) -> None:
        """One flow row per campus with a non-zero count, between it and outside the system
        ('in' → campus if ``inflow``, else campus → 'out')."""
        if not self.records.keep:
            return
        c = np.flatnonzero(counts)
        ids = self.ids[c].astype(str).astype(object)
        locales = np.asarray(LOCALES, dtype=object)[self.net.campus_locale[c]]
        self.records.add_flows(self.year, kind, flow, "in" if inflow else ids, ids if inflow else "out", counts[c],
                               "" if inflow else locales, locales if inflow else "")

    def _flow_pairs(self, kind: str, flow: str, origin: np.ndarray, destination: np.ndarray,
                    origin_places: str, destination_places: str) -> None:
        """One flow row per distinct (origin, destination) pair, in label order, with its count and
        the two places' locales.  ``origin`` and ``destination`` are indices into the places named
        by ``origin_places`` / ``destination_places`` ('cell' or 'campus'): pairs are counted on
        integer ranks, and labels are looked up once per distinct pair, not once per pupil."""
        if len(origin) == 0 or not self.records.keep:
            return
        op, dp = self._places[origin_places], self._places[destination_places]
        nd = len(dp.labels)
        keys, counts = np.unique(op.rank[np.asarray(origin, np.int64)] * nd + dp.rank[np.asarray(destination, np.int64)],
                                 return_counts=True)
        o, d = keys // nd, keys % nd
        self.records.add_flows(self.year, kind, flow, op.labels[o], dp.labels[d], counts, op.locale[o], dp.locale[d])

    def _record(self) -> None:
        st, s, t = self.state, self.state.students, self.state.teachers
        n = len(self.ids)
        enrol = self.enrol
        pupils = enrol.sum(1)
        cls = self.classes
        size = np.divide(enrol, cls, out=np.zeros(enrol.shape), where=cls > 0)
        ach_sum = np.bincount(s.campus, weights=s.achievement, minlength=n)
        tcount = np.bincount(t.campus, minlength=n)
        skill = np.bincount(t.campus, weights=t.skill, minlength=n) / np.maximum(tcount, 1)
        skill_sq = np.bincount(t.campus, weights=np.square(t.skill, dtype=float), minlength=n) / np.maximum(tcount, 1)
        score = np.maximum(SCALE_MEAN + SCALE_SD * s.achievement.astype(float), 1.0)
        felt_mean, felt_sd = self._felt_skill()
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
            "overflow_pupils": np.bincount(s.campus[(s.flags & OVERFLOW) != 0], minlength=n),
            "boarders": np.bincount(s.campus[(s.flags & BOARDING) != 0], minlength=n),
            "boarding_places": self.beds,
            "outside_catchment": self._year_flows["outside"],
            "teachers": tcount,
            "vacancies": self.hiring.vacancies,
            "mean_teacher_skill": np.where(tcount > 0, skill, np.nan),
            "mean_achievement": np.where(pupils > 0, ach_sum / np.maximum(pupils, 1), np.nan),
            "reputation": st.reputation,
            "teachers_qualified": np.bincount(t.campus[t.qualified], minlength=n),
            "teachers_backbone": np.bincount(t.campus[t.backbone], minlength=n),
            "teachers_pe_arts": np.bincount(t.campus[t.pe_arts], minlength=n),
            "teachers_senior": np.bincount(t.campus[t.title == SENIOR], minlength=n),
            "posts": self.posts,
            "class_skill_mean": felt_mean,
            "class_skill_sd": felt_sd,
            "allowance_yuan": st.allowance,
            "sd_teacher_skill": np.where(tcount > 0, np.sqrt(np.maximum(skill_sq - skill ** 2, 0)), np.nan),
            "score_xlnx": np.bincount(s.campus, weights=score * np.log(score), minlength=n),
            **self._built,
            **{k: st.resources[:, i] for i, k in enumerate(RESOURCE_KEYS)},
            **self._mode_columns(),
        }
        self.records.campus_year.append({
            "year": np.full(n, self.year), "campus": self.ids, "stage": np.array(self.stage_names),
            "locale": np.array(LOCALES)[self.net.campus_locale], "group": self._group_label,
            "role": np.array(ROLES)[self.net.campus_role],
            "sector": np.where(self.net.campus_private, "private", "public"),
            **{k: np.array(v, copy=True) for k, v in per.items()}})  # copies: the state changes in place later
        c, g = np.nonzero((enrol > 0) | (cls > 0))
        placed = s.campus >= 0
        cg = s.campus[placed].astype(np.int64) * 9 + s.grade[placed] - 1
        by_grade = {name: np.bincount(cg, weights=w, minlength=n * 9).reshape(n, 9)[c, g] for name, w in (
            ("achievement_sum", s.achievement[placed]), ("ses_sum", s.ses[placed]),
            ("overflow", (s.flags[placed] & OVERFLOW) != 0), ("boarders", (s.flags[placed] & BOARDING) != 0))}
        self.records.grade_year.append({
            "year": np.full(len(c), self.year), "campus": self.ids[c], "grade": g + 1, "pupils": enrol[c, g],
            "classes": cls[c, g], "overflow": by_grade["overflow"].astype(np.int64),
            "boarders": by_grade["boarders"].astype(np.int64),
            "mean_achievement": np.divide(by_grade["achievement_sum"], enrol[c, g], out=np.full(len(c), np.nan),
                                          where=enrol[c, g] > 0),
            "mean_ses": np.divide(by_grade["ses_sum"], enrol[c, g], out=np.full(len(c), np.nan), where=enrol[c, g] > 0)})
        self._year_flows = {k: np.zeros(n, np.int64) for k in self._year_flows}
        self._built = {k: np.zeros_like(v) for k, v in self._built.items()}

