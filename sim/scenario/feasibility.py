"""What ``run`` needs of a scenario beyond each field's own bounds, checked when it is loaded, so
that a scenario ``validate`` accepts is one the engine can simulate:

* sizes: campuses, cells, pupils and district sizes within :mod:`sim.scenario.limits` (checked
  before a synthetic region is generated, so a typing slip never allocates gigabytes);
* every pupil has somewhere to go: in every simulated year some open campus teaches grades 1–6 and
  some teaches grades 7–9 (grade-6 pupils move up into grade 7), and a campus with pupils has a
  classroom;
* the policy timeline is consistent: a campus is closed only while open, classrooms removed exist
  and leave the campus at least one, one allowance per year.

Each failure is a located :class:`~sim.errors.Problem`; all are reported together.
"""

from __future__ import annotations

from collections import Counter

from ..errors import Problem, ScenarioError, dotted
from ..stages import AGES, births_series
from ..yamlsource import Locations
from .limits import MAX_CAMPUSES, MAX_CAMPUSES_PER_DISTRICT, MAX_CELLS, MAX_PUPILS
from .models import STAGES, AddClassrooms, Campus, Cell, CloseCampus, OpenCampus, Policy, Scenario, SetAllowance

PARTS = {"primary": ("primary", "nine_year"), "junior": ("junior", "nine_year")}
"""Campus stages that teach each stage part (grades 1–6, grades 7–9)."""
PART_LABEL = {"primary": "grades 1–6 (primary or nine_year) / 小学段", "junior": "grades 7–9 (junior or nine_year) / 初中段"}


class _Report:
    """Collects located problems."""

    def __init__(self, locs: Locations, file: str):
        self.locs, self.file, self.problems = locs, file, []

    def add(self, path: tuple, expected: str, found: str, hint: str = "") -> None:
        where, line = self.locs.find(path, self.file)
        self.problems.append(Problem(where, dotted(path), line, expected, found, hint))

    def raise_any(self) -> None:
        if self.problems:
            raise ScenarioError(self.problems)


def check_size(scn: Scenario, campuses: list[Campus] | None, locs: Locations, file: str) -> None:
    """Refuse a region too large to simulate; ``campuses`` is None for a synthetic region (checked
    from its figures before it is generated)."""
    report = _Report(locs, file)
    opened = [p.campus for p in scn.policies if isinstance(p, OpenCampus)]
    spec = scn.region.synthetic
    if spec is not None:
        counts = {s: getattr(spec.campuses, s) for s in STAGES}
        n_public = n_campuses = sum(c.urban + c.town + c.rural for c in counts.values())
        if spec.private is not None:  # private campuses are generated beside the public ones
            n_campuses += sum(getattr(spec.private.campuses, s).urban + getattr(spec.private.campuses, s).town
                              for s in STAGES)
        n_urban = sum(c.urban for c in counts.values())
        pupils = spec.pupils.primary + spec.pupils.junior
        if spec.districts and (n_campuses + len(opened)) / spec.districts > MAX_CAMPUSES_PER_DISTRICT:
            need = -(-(n_campuses + len(opened)) // MAX_CAMPUSES_PER_DISTRICT)
            report.add(("region", "synthetic", "districts"),
                       f"at most {MAX_CAMPUSES_PER_DISTRICT} campuses per district / 每学区不超过此数",
                       f"{n_campuses} campuses in {spec.districts} district(s)", f"use at least {need} districts or 0")
        if spec.districts > n_public:
            report.add(("region", "synthetic", "districts"), "no more districts than public campuses / 学区数不超过公办校区数",
                       f"{spec.districts} districts for {n_public} public campuses")
        if n_urban + spec.towns + spec.villages > MAX_CELLS:
            report.add(("region", "synthetic"), f"at most {MAX_CELLS:,} residential cells (urban campuses + towns + "
                       "villages) / 居住网格数上限", f"{n_urban + spec.towns + spec.villages:,}")
        where = ("region", "synthetic", "campuses")
    else:
        campuses = campuses or []
        n_campuses = len(campuses)
        pupils = sum(c.pupils or 0 for c in campuses)
        districts = Counter(c.district for c in campuses + opened if c.district is not None)
        for district, n in districts.items():
            if n > MAX_CAMPUSES_PER_DISTRICT:
                report.add(("region",), f"at most {MAX_CAMPUSES_PER_DISTRICT} campuses per district / 每学区不超过此数",
                           f"{n} campuses in district '{district}'")
        where = ("region",)
    if n_campuses + len(opened) > MAX_CAMPUSES:
        report.add(where, f"at most {MAX_CAMPUSES:,} campuses, those opened by policies included / 校区数上限",
                   f"{n_campuses + len(opened):,}")
    cells = scn.demography.cells or []
    pupils += sum(sum(c.children) for c in cells)
    if pupils > MAX_PUPILS:
        report.add(where if not cells else ("demography", "cells"),
                   f"at most {MAX_PUPILS:,} pupils and children / 学生与儿童总数上限", f"{pupils:,}")
    growth = cohort_growth(scn)
    if pupils * growth > MAX_PUPILS:
        report.add(("demography",), f"births that keep the region under {MAX_PUPILS:,} pupils and children over the run "
                                    "/ 出生数使学生总数不超过上限",
                   f"cohorts up to {growth:,.3g}× others within {scn.simulation.years} years "
                   f"(births or births_trend) / 出生队列增长过快")
    report.raise_any()


def cohort_growth(scn: Scenario) -> float:
    """Ratio of the largest to the smallest birth cohort among those at school or born during the
    run (given births, held before, trended after): how much larger than today's a cohort can be."""
    d, start = scn.demography, scn.simulation.start_year
    window = births_series(d.births, d.births_trend, range(start - AGES + 1, start + scn.simulation.years + 1))
    return float(window.max() / window.min())


def check_runnable(campuses: list[Campus], cells: list[Cell], policies: list[Policy], locs: Locations,
                   file: str) -> None:
    """Refuse what the engine cannot simulate: resolved ``campuses`` (pupils filled in), ``cells``
    and ``policies`` (the scenario's, in order, with opened campuses resolved)."""
    report = _Report(locs, file)
    where = _campus_paths(campuses, policies)
    for c in campuses:
        if c.pupils and c.classrooms == 0:
            report.add(where[c.id] + ("classrooms",), "at least one classroom for a campus with pupils / 有学生须有教室",
                       f"0 classrooms for {c.pupils} pupils")
    if not any(c.pupils for c in campuses) and not any(any(cell.children) for cell in cells):
        report.add(("region",), "some pupils or children to simulate / 至少有学生或儿童", "none / 无")
    _check_timeline(campuses, policies, report)
    report.raise_any()


def _campus_paths(campuses: list[Campus], policies: list[Policy]) -> dict[str, tuple]:
    """YAML path of each campus: its place in the region list, or the policy that opens it."""
    out = {c.id: ("region", "campuses", i) for i, c in enumerate(campuses)}
    out.update({p.campus.id: ("policies", i, "campus") for i, p in enumerate(policies) if isinstance(p, OpenCampus)})
    return out


def _check_timeline(campuses: list[Campus], policies: list[Policy], report: _Report) -> None:
    """Walk the policies year by year: campuses open and close, classrooms change, allowances are set.
    Only public campuses count for the stage parts taught: every cell needs a public zone."""
    stage = {c.id: c.stage for c in campuses}
    stage.update({p.campus.id: p.campus.stage for p in policies if isinstance(p, OpenCampus)})
    rooms = {c.id: c.classrooms for c in campuses}
    rooms.update({p.campus.id: p.campus.classrooms for p in policies if isinstance(p, OpenCampus)})
    is_open = {c.id: True for c in campuses}
    public = {c.id: c.stage for c in campuses if c.sector == "public"}
    public.update({p.campus.id: p.campus.stage for p in policies if isinstance(p, OpenCampus) and p.campus.sector == "public"})
    opens = {p.campus.id: p.year for p in policies if isinstance(p, OpenCampus)}
    closed_by: dict[str, tuple[int, int]] = {}
    allowance_year: dict[int, int] = {}
    _stages_taught(is_open, public, 1, ("region",), report)
    for year in sorted({p.year for p in policies}):
        changed = None
        for i, p in enumerate(policies):
            if p.year != year:
                continue
            if isinstance(p, OpenCampus):
                is_open[p.campus.id] = True
                changed = ("policies", i)
            elif isinstance(p, CloseCampus) and p.campus in stage:
                if not is_open.get(p.campus):
                    found = (f"closed in year {closed_by[p.campus][0]} by policies[{closed_by[p.campus][1]}]"
                             if p.campus in closed_by else f"it opens only in year {opens[p.campus]}")
                    report.add(("policies", i, "campus"), f"a campus open in year {year} / 该年开办中的校区", found)
                    continue
                is_open[p.campus] = False
                closed_by[p.campus] = (year, i)
                changed = ("policies", i)
            elif isinstance(p, AddClassrooms) and p.campus in rooms:
                rooms[p.campus] += p.classrooms
                if rooms[p.campus] < 0 or (rooms[p.campus] == 0 and is_open.get(p.campus, False)):
                    report.add(("policies", i, "classrooms"),
                               "at least one classroom left on an open campus (close_campus closes a campus) "
                               "/ 开办中的校区至少保留一间教室",
                               f"{p.classrooms} leaves {rooms[p.campus]}")
            elif isinstance(p, SetAllowance):
                if year in allowance_year:
                    report.add(("policies", i), "one set_allowance per year / 每年至多一项补助政策",
                               f"a second one in year {year} (first: policies[{allowance_year[year]}])")
                allowance_year.setdefault(year, i)
        if changed is not None:
            _stages_taught(is_open, public, year, changed, report)


def _stages_taught(is_open: dict[str, bool], stage: dict[str, str], year: int, path: tuple,
                   report: _Report) -> None:
    """Some open campus teaches each stage part from ``year`` on; else a problem at ``path``."""
    for part, stages in PARTS.items():
        if not any(is_open.get(cid) and s in stages for cid, s in stage.items()):
            report.add(path, f"an open public campus teaching {PART_LABEL[part]} in every year, for pupils moving up "
                             "and children entering (private campuses are nobody's zone) / 每年须有开办中的该学段公办校区",
                       f"none from year {year} / 第{year}年起没有")
            return
