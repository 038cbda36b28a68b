"""Synthetic regions: a realistic county generated from a few summary figures, and residential cells.

A planner who has no school census can describe a county by campus counts per stage and locale,
pupils per stage and a handful of levers (:class:`~sim.scenario.models.SyntheticRegion`).
:func:`synthesise_region` turns that into explicit :class:`Campus` and :class:`Cell` objects,
deterministically from ``spec.seed`` (the layout stays fixed across replicates, so replicate
variance is the simulation's, not the map's).  :func:`cells_per_campus` places residential cells for
an explicit campus list that comes without any.

Layout, in km with the county seat at (0, 0):

* urban campuses lie uniformly in the county-town disc;
* township seats lie on a ring between 0.35 and 0.8 of the county radius, evenly spread in angle
  with jitter; town campuses sit within 1 km of a seat;
* villages lie uniformly in the county outside the county town; rural campuses sit within 0.5 km of
  a village.  Town and rural campuses are dealt over the seats / villages in turn.

Enrolment reproduces "城区挤、农村空": each campus's target is capacity × locale crowding × noise,
then the targets are scaled so that the pupils per stage match ``spec.pupils`` exactly (see
:func:`_enrolment` for nine-year campuses, which count in both stages).

Cells and zoning (划片) nest as a bureau draws them.  Every campus teaching primary grades has a
home cell at its site whose children of primary ages are its pupils, zoned to it.  Each home cell of
a primary-only campus is zoned for grades 7–9 to one junior-only campus (对口初中) not more rural than
the cell, by a balanced nearest-first assignment (:func:`_assign_feeders`); a junior-only campus's
pupils live in its feeder cells, in proportion to their cohorts, and its classrooms are sized to that
catchment at the locale's crowding, so every catchment's demand matches its campus's seats at the
start within the scenario's crowding.  A nine-year campus's home cell is zoned to it for both parts.
Seats and villages without a campus get a cell of their own with a small population (20–60 school-age
children) taken from the nearest home cell of their locale, zoned like it.  So the children of the
cells sum to the county's pupils, stage by stage and grade by grade.

Private (民办) campuses, when asked for (``spec.private``), are added after all of this from a random
stream of their own (:func:`_private_campuses`): the public campuses, cells and zones are those of the
same region without them.  They have no home cell and are nobody's zone; their pupils at the start are
the families who choose them when the engine settles the starting placement, out of the county's
pupils (so the public campuses start less full).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.spatial import cKDTree

from ..apportion import largest_remainder
from ..stages import AGES, ENTRY_AGE, STANDARD_CLASS_SIZE, births_series, grade_weights, split_by_grade
from .campus_defaults import capacity_of, resources_at, stage_parts, teachers_for
from .models import LOCALES, STAGES, Campus, Cell, Demography, SyntheticRegion, Teachers

STAGE_LETTER = {"primary": "P", "junior": "J", "nine_year": "N"}
LOCALE_LETTER = {"urban": "U", "town": "T", "rural": "R"}

CLASSROOM_FACTOR = {"primary": 1.0, "junior": 2.0 / 3.0, "nine_year": 1.2}
"""Size of a campus relative to a primary campus of the same locale (before scaling to pupils)."""

CLASSROOM_NOISE = 0.3
"""Campus classrooms vary uniformly within ±30 % of the locale mean."""

MIN_CLASSROOMS = 3
"""Smallest generated campus (a village school with a few mixed classes)."""

NOISE_SD = 0.1
"""SD of the lognormal noise on enrolment targets and resource inputs."""

TOWN_RING = (0.35, 0.8)
"""Township seats lie between these fractions of the county radius."""

TOWN_SPREAD_KM = 1.0
VILLAGE_SPREAD_KM = 0.5
"""Largest distance of a town / rural campus from its township seat / village, km."""

UNSCHOOLED_CELL_CHILDREN = (20, 60)
"""School-age children (inclusive range) drawn for a seat or village cell without a campus."""

SES_NOISE_SD = 0.1
"""SD of a cell's SES around its locale mean."""


# --------------------------------------------------------------------------------------------
# public API


def synthesise_region(spec: SyntheticRegion, teachers: Teachers, demography: Demography,
                      start_year: int) -> tuple[list[Campus], list[Cell]]:
    """Generate the campuses and residential cells of a synthetic county (see the module docstring).

    Deterministic: the same ``spec`` (with the same ``teachers``, ``demography`` and ``start_year``)
    gives identical output.  Campuses come ordered by stage, locale and number.  Raises
    ``ValueError`` if a stage has pupils but no campus teaches it.
    """
    counts = {(s, l): getattr(getattr(spec.campuses, s), l) for s in STAGES for l in LOCALES}
    _check_stages_taught(spec, counts)
    rng = np.random.default_rng(np.random.SeedSequence(spec.seed))

    def settlements_needed(locale: str, given: int) -> int:  # one stand-in if campuses need one
        return given or int(any(counts[s, locale] for s in STAGES))

    seats = _town_seats(rng, settlements_needed("town", spec.towns), spec.county_radius_km)
    villages = _annulus(rng, settlements_needed("rural", spec.villages),
                        min(spec.county_town_radius_km, spec.county_radius_km), spec.county_radius_km)
    anchors = {"town": (seats, TOWN_SPREAD_KM), "rural": (villages, VILLAGE_SPREAD_KM)}

    ids, stages, locales, xy, quality, sizes = [], [], [], [], [], []
    dealt = dict.fromkeys(LOCALES, 0)  # town/rural campuses placed so far, to deal settlements in turn
    for stage in STAGES:
        for locale in LOCALES:
            n = counts[stage, locale]
            if n == 0:
                continue
            width = max(2, len(str(n)))
            ids += [f"{STAGE_LETTER[stage]}{LOCALE_LETTER[locale]}{k:0{width}d}" for k in range(1, n + 1)]
            stages += [stage] * n
            locales += [locale] * n
            if locale == "urban":
                xy.append(_annulus(rng, n, 0.0, spec.county_town_radius_km))
            else:
                points, spread = anchors[locale]
                picks = (dealt[locale] + np.arange(n)) % len(points)
                xy.append(points[picks] + _annulus(rng, n, 0.0, spread))
                dealt[locale] += n
            drawn = rng.normal(spec.quality_mean.of(locale), spec.quality_sd, n)
            quality += sorted(drawn.tolist(), reverse=True)
            size = spec.campus_size.of(locale) * CLASSROOM_FACTOR[stage]
            sizes += (size * rng.uniform(1 - CLASSROOM_NOISE, 1 + CLASSROOM_NOISE, n)).tolist()
    xy_km = np.concatenate(xy) if xy else np.zeros((0, 2))
    classrooms = _classrooms(spec, stages, locales, np.array(sizes), demography, start_year)
    capacity = [capacity_of(s, r) for r, s in zip(classrooms, stages)]

    by_grade = _enrolment(spec, rng, stages, locales, capacity, demography, start_year)
    feeder_of, feeders = _assign_feeders(stages, locales, xy_km, by_grade)
    by_grade = _share_junior_pupils(by_grade, feeders)
    classrooms = _fit_classrooms(spec, rng, stages, locales, by_grade)
    capacity = [capacity_of(s, r) for r, s in zip(classrooms, stages)]
    pupils = by_grade.sum(axis=1)
    districts = _districts(xy_km, spec.districts)

    campuses = []
    for i, cid in enumerate(ids):
        level = spec.resource_level.of(locales[i])
        resources = {name: value * rng.lognormal(0.0, NOISE_SD)
                     for name, value in resources_at(stage_parts(stages[i], capacity[i]), level).items()}
        campuses.append(Campus(
            id=cid, stage=stages[i], locale=locales[i],
            x_km=float(xy_km[i, 0]), y_km=float(xy_km[i, 1]), district=districts[i],
            classrooms=classrooms[i], capacity=capacity[i], pupils=int(pupils[i]),
            teachers=teachers_for({"primary": int(by_grade[i, :6].sum()), "junior": int(by_grade[i, 6:].sum())},
                                  teachers),
            floor_area_m2=float(resources["floor_area_m2"]),
            sports_area_m2=float(resources["sports_area_m2"]),
            equipment_value_yuan=float(resources["equipment_value_yuan"]),
            multimedia_classrooms=max(0, round(resources["multimedia_classrooms"])),
            quality=quality[i], reputation=quality[i],
            boarding_places=_beds(spec, stages[i], locales[i], capacity[i]),
        ))
    cells = _region_cells(rng, campuses, by_grade, feeder_of, feeders, seats, villages, demography, start_year)
    if spec.private is not None:
        campuses += _private_campuses(spec, teachers, campuses, seats)
    return campuses, cells


def cells_per_campus(campuses: list[Campus], demography: Demography, start_year: int) -> list[Cell]:
    """One residential cell per campus, for an explicit region given without cells.

    ``campuses`` must be resolved (position and ``pupils`` set).  Each cell sits at its campus, has
    the campus's locale, id ``C_<campus id>``, the locale's mean SES, and is zoned to its campus for
    the grades the campus teaches (for the others, and at a private campus, which is nobody's zone,
    by the nearest rule).  Its children of ages 6–14
    are the campus's pupils split over the grades it teaches by birth-cohort weights (other
    school ages are 0); ages 0–5 are scaled by births from its youngest taught grade.
    """
    by_grade = split_by_grade([c.stage for c in campuses], np.array([c.pupils for c in campuses]), start_year,
                              demography.births, demography.births_trend)
    cells = []
    for campus, grades in zip(campuses, by_grade):
        cells.append(Cell(
            id=f"C_{campus.id}", x_km=campus.x_km, y_km=campus.y_km, lon=campus.lon, lat=campus.lat,
            locale=campus.locale,
            children=_children_by_age(grades, demography, start_year),
            ses=demography.ses_mean.of(campus.locale),
            zone_primary=campus.id if campus.stage != "junior" and campus.sector == "public" else None,
            zone_junior=campus.id if campus.stage != "primary" and campus.sector == "public" else None,
        ))
    return cells


# --------------------------------------------------------------------------------------------
# helpers


def _check_stages_taught(spec: SyntheticRegion, counts: dict[tuple[str, str], int]) -> None:
    """Raise ValueError if a stage has pupils but no campus (of that stage or nine-year) teaches it."""
    for stage in STANDARD_CLASS_SIZE:
        taught = sum(counts[s, l] for s in (stage, "nine_year") for l in LOCALES)
        if getattr(spec.pupils, stage) > 0 and taught == 0:
            raise ValueError(
                f"synthetic region: {getattr(spec.pupils, stage)} {stage} pupils but no {stage} or nine_year "
                f"campus to teach them; add campuses under campuses.{stage} or campuses.nine_year, "
                f"or set pupils.{stage} to 0 / 有{stage}学生却没有相应学段的校区")


def _annulus(rng: np.random.Generator, n: int, r_min: float, r_max: float) -> np.ndarray:
    """``n`` points (n × 2, km) uniform in area between radii ``r_min`` and ``r_max`` around (0, 0)."""
    radius = np.sqrt(rng.uniform(r_min**2, r_max**2, n))
    angle = rng.uniform(0.0, 2 * math.pi, n)
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


def _town_seats(rng: np.random.Generator, n: int, county_radius_km: float) -> np.ndarray:
    """``n`` township seats on a ring around the county town, evenly spread in angle with jitter."""
    angle = rng.uniform(0.0, 2 * math.pi) + 2 * math.pi * (np.arange(n) + rng.uniform(-0.25, 0.25, n)) / max(n, 1)
    radius = county_radius_km * rng.uniform(*TOWN_RING, n)
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


def _classrooms(spec: SyntheticRegion, stages: list[str], locales: list[str], sizes: np.ndarray,
                demography: Demography, start_year: int) -> list[int]:
    """Classrooms per campus: relative ``sizes`` scaled so that capacity × crowding ≈ pupils per stage.

    So ``crowding`` reads as the enrolment ÷ capacity a planner would see (1.2 = 20 % over capacity).
    Primary-only and nine-year campuses share one scale fitted to primary pupils (nine-year ones by
    the primary share of their grades); junior-only campuses get the scale that seats the junior
    pupils the nine-year campuses leave.  At least ``MIN_CLASSROOMS`` each.
    """
    stage_arr = np.array(stages)
    seats = np.array([capacity_of(s, 1) for s in stages], dtype=float)
    demand = sizes * seats * np.array([spec.crowding.of(l) for l in locales])
    f = grade_weights("nine_year", start_year, demography.births, demography.births_trend)[:6].sum()
    nine, prim, jun = (stage_arr == "nine_year"), (stage_arr == "primary"), (stage_arr == "junior")
    primary_supply = demand[prim].sum() + f * demand[nine].sum()
    junior_supply = demand[jun].sum() + (1 - f) * demand[nine].sum()
    fallback = (spec.pupils.primary + spec.pupils.junior) / max(demand.sum(), 1e-9)
    k_primary = spec.pupils.primary / primary_supply if spec.pupils.primary and primary_supply else fallback
    if not (spec.pupils.primary and primary_supply) and junior_supply:
        k_primary = spec.pupils.junior / junior_supply
    left = spec.pupils.junior - k_primary * (1 - f) * demand[nine].sum()
    k_junior = left / demand[jun].sum() if demand[jun].sum() and left > 0 else k_primary
    scale = np.where(jun, k_junior, k_primary)
    return np.maximum(np.rint(sizes * scale), MIN_CLASSROOMS).astype(int).tolist()


def _enrolment(spec: SyntheticRegion, rng: np.random.Generator, stages: list[str], locales: list[str],
               capacity: list[int], demography: Demography, start_year: int) -> np.ndarray:
    """Pupils by campus and grade (n × 9), each stage summing to ``spec.pupils`` where possible.

    Targets are capacity × crowding × lognormal noise.  Nine-year campuses are sized first (their
    targets scaled like the rest), and their pupils split over grades by cohort births exactly as
    the engine splits any campus; the primary-only and junior-only campuses then share out what is
    left of each stage's total, so totals are exact.  When a stage is taught by nine-year campuses
    alone, its total can be off by the rounding of the birth-weighted split (a pupil or two); the
    other stage absorbs it, so the grand total stays exact.
    """
    target = (np.asarray(capacity, dtype=float) * np.clip([spec.crowding.of(l) for l in locales], 0.0, None)
              * rng.lognormal(0.0, NOISE_SD, len(stages)))
    stage_arr = np.array(stages)
    nine = stage_arr == "nine_year"
    f = grade_weights("nine_year", start_year, demography.births, demography.births_trend)[:6].sum()
    totals = {"primary": spec.pupils.primary, "junior": spec.pupils.junior}
    pupils = np.zeros(len(stages), dtype=np.int64)
    if nine.any():
        pure = {s: target[stage_arr == s].sum() for s in totals}
        nine_t = target[nine].sum()
        if pure["primary"] > 0 and pure["junior"] > 0:
            scale = {s: totals[s] / (pure[s] + nine_t * (f if s == "primary" else 1 - f)) for s in totals}
            nine_total = round(nine_t * (f * scale["primary"] + (1 - f) * scale["junior"]))
            # leave room for each stage's pure campuses (one pupil of rounding per nine-year campus)
            room = min(totals["primary"] / f, totals["junior"] / (1 - f)) - nine.sum()
            nine_total = max(0, min(nine_total, int(room)))
        elif pure["primary"] > 0:  # junior taught only by nine-year campuses: size them for it
            nine_total = round(totals["junior"] / (1 - f))
            _check_nine_year_fit("primary", nine_total * f, totals["primary"])
        elif pure["junior"] > 0:
            nine_total = round(totals["primary"] / f)
            _check_nine_year_fit("junior", nine_total * (1 - f), totals["junior"])
        else:
            nine_total = totals["primary"] + totals["junior"]
        pupils[nine] = _split(nine_total, target[nine])
    nine_grades = split_by_grade(stages, np.where(nine, pupils, 0), start_year, demography.births,
                                 demography.births_trend)
    both_pure = all((stage_arr == s).any() for s in totals)
    while both_pure and pupils[nine].sum() > 0 and (nine_grades[:, :6].sum() > totals["primary"]
                                                    or nine_grades[:, 6:].sum() > totals["junior"]):
        pupils[nine] = _split(int(pupils[nine].sum()) - 1, target[nine])  # each campus's split rounds
        nine_grades = split_by_grade(stages, np.where(nine, pupils, 0), start_year, demography.births,
                                     demography.births_trend)
    left = {"primary": totals["primary"] - int(nine_grades[:, :6].sum()),
            "junior": totals["junior"] - int(nine_grades[:, 6:].sum())}
    pure_stages = [s for s in totals if (stage_arr == s).any()]
    if len(pure_stages) == 1:  # the one pure stage absorbs the rounding, so the grand total is exact
        left[pure_stages[0]] = sum(left.values())
    for stage in pure_stages:
        rows = stage_arr == stage
        pupils[rows] = _split(max(left[stage], 0), target[rows])
    return split_by_grade(stages, pupils, start_year, demography.births, demography.births_trend)


def _check_nine_year_fit(stage: str, implied: float, total: int) -> None:
    """Raise ValueError when nine-year campuses, sized for the stage only they teach, would hold
    more ``stage`` pupils than the region has."""
    if implied > total * 1.01 + 2:
        raise ValueError(
            f"the other stage is taught only by nine_year campuses, whose grades imply about {implied:.0f} "
            f"{stage} pupils in them, more than pupils.{stage} = {total}; raise pupils.{stage} or add campuses "
            f"/ 九年一贯制学校按年级比例推算的{stage}学生多于总数")


def _districts(xy_km: np.ndarray, k: int) -> list[str | None]:
    """District ids D1..Dk by angular sector around the county centre.

    Campuses are sorted by bearing and cut into ``k`` runs of (nearly) equal size, so each district
    is a wedge holding part of the county town plus the towns and villages behind it — the Wenshan
    "2 urban + 2 rural + 1 township" shape — and no district is empty when there are ≥ k campuses.
    """
    n = len(xy_km)
    if k == 0:
        return [None] * n
    order = np.argsort(np.arctan2(xy_km[:, 1], xy_km[:, 0]), kind="stable")
    out: list[str | None] = [None] * n
    for d, run in enumerate(np.array_split(order, k), start=1):
        for i in run:
            out[int(i)] = f"D{d}"
    return out


def _children_by_age(by_grade: np.ndarray, demography: Demography, start_year: int) -> list[int]:
    """Children of ages 0..14 of a cell whose school-age children are ``by_grade`` (grade g = age g + 5).

    Ages 0–5 are not in school yet: they are the youngest primary cohort present, scaled by births
    in their birth year relative to that cohort's (age a was born in ``start_year - a``).  A cell
    with junior pupils only (the home of a junior-only campus) gets no young children: the future
    pupils of that junior campus already live, as primary-age children, in its feeder cells, and
    counting them twice would inflate every later cohort.
    """
    children = np.zeros(AGES, dtype=int)
    children[ENTRY_AGE:] = by_grade
    present = np.flatnonzero(by_grade[:6])
    if present.size:
        ref_age = ENTRY_AGE + int(present[0])
        # births[AGES - 1 - a] is the birth year of the cohort now aged a
        births = births_series(demography.births, demography.births_trend, range(start_year - AGES + 1, start_year + 1))
        for age in range(ENTRY_AGE):
            children[age] = round(children[ref_age] * births[AGES - 1 - age] / births[AGES - 1 - ref_age])
    return children.tolist()


FEEDER_CANDIDATES = 16
"""Nearest junior campuses a primary catchment is considered for (more only if none of them may take it)."""


def _assign_feeders(stages: list[str], locales: list[str], xy_km: np.ndarray, by_grade: np.ndarray
                    ) -> tuple[np.ndarray, dict[int, list[int]]]:
    """对口初中: the junior-only campus each primary-only campus's catchment is zoned to for grades 7–9.

    Receivers are the junior-only campuses (the nine-year ones when there are none).  A feeder may go
    to a receiver not more rural than itself (village children may go to a township or county-town
    junior school; county-town children stay in the county town), nearest first, while the receiver's
    intake so far is below its pupils per junior grade minus half the feeder's cohort, so catchments
    balance; every receiver first gets its nearest allowed feeder when there are enough; a feeder
    left over goes to the allowed receiver with most room.  Returns ``feeder_of`` (receiver per
    campus, −1 for campuses that are not feeders) and ``feeders`` (receiver → its feeders).
    """
    stage = np.array(stages)
    rank = np.array([LOCALES.index(l) for l in locales])
    feeders_idx = np.flatnonzero(stage == "primary")
    receivers = np.flatnonzero(stage == "junior")
    if receivers.size == 0:
        receivers = np.flatnonzero(stage == "nine_year")
    feeder_of = np.full(len(stages), -1, dtype=np.int64)
    feeders: dict[int, list[int]] = {int(j): [] for j in receivers}
    if feeders_idx.size == 0 or receivers.size == 0:
        return feeder_of, feeders
    cohort = by_grade[feeders_idx, :6].sum(axis=1) / 6.0
    room = by_grade[receivers, 6:].sum(axis=1) / 3.0
    f_xy, r_xy = xy_km[feeders_idx], xy_km[receivers]
    allowed_rank = rank[receivers]

    def allowed(f: np.ndarray, r: np.ndarray) -> np.ndarray:
        ok = allowed_rank[r] <= rank[feeders_idx][f]
        return ok | ~(allowed_rank.min() <= rank[feeders_idx][f])  # none urban enough: any will do

    # candidate pairs: each feeder's FEEDER_CANDIDATES nearest receivers it may go to (all of them
    # for a feeder with none allowed among its nearest)
    k = min(FEEDER_CANDIDATES, receivers.size)
    dist, near = cKDTree(r_xy).query(f_xy, k=k)
    dist, near = np.asarray(dist).reshape(len(f_xy), k), np.asarray(near).reshape(len(f_xy), k)
    pair_f, pair_r = np.repeat(np.arange(len(f_xy)), k), near.ravel()
    ok = allowed(pair_f, pair_r)
    lonely = np.setdiff1d(np.arange(len(f_xy)), pair_f[ok])
    pair_f = np.r_[pair_f[ok], np.repeat(lonely, receivers.size)]
    pair_r = np.r_[pair_r[ok], np.tile(np.arange(receivers.size), len(lonely))]
    keep = allowed(pair_f, pair_r)
    pair_f, pair_r = pair_f[keep], pair_r[keep]
    pair_d = np.hypot(*(f_xy[pair_f] - r_xy[pair_r]).T)

    def take(f: int, r: int) -> None:
        feeder_of[feeders_idx[f]] = receivers[r]
        feeders[int(receivers[r])].append(int(feeders_idx[f]))
        room[r] -= cohort[f]

    free = np.ones(len(f_xy), dtype=bool)
    by_distance = np.argsort(pair_d, kind="stable")
    if feeders_idx.size >= receivers.size:
        first = {}
        for i in by_distance:  # each receiver's nearest candidate feeder, in distance order
            first.setdefault(int(pair_r[i]), []).append(int(pair_f[i]))
        for r in np.argsort(-room, kind="stable"):
            f = next((f for f in first.get(int(r), []) if free[f]), None)
            if f is not None:
                take(f, int(r))
                free[f] = False
    for i in by_distance:
        f, r = int(pair_f[i]), int(pair_r[i])
        if free[f] and room[r] >= cohort[f] / 2:
            take(f, r)
            free[f] = False
    for f in np.flatnonzero(free):
        options = pair_r[pair_f == f]
        take(int(f), int(options[np.argmax(room[options])]))
    for r in feeders:
        feeders[r].sort()
    return feeder_of, feeders


def _share_junior_pupils(by_grade: np.ndarray, feeders: dict[int, list[int]]) -> np.ndarray:
    """Junior pupils of the receivers sized to their catchments: the junior pupils they hold between
    them (a nine-year receiver's own primary pupils aside) are shared out in proportion to their
    feeders' cohorts, grade by grade (exact totals).  Receivers without feeders keep theirs."""
    by_grade = by_grade.copy()
    fed = [r for r, fs in feeders.items() if fs]
    if fed:
        weight = np.array([by_grade[feeders[r], :6].sum() for r in fed], dtype=float)
        for g in range(6, 9):
            by_grade[fed, g] = _split(int(by_grade[fed, g].sum()), weight)
    return by_grade


def _fit_classrooms(spec: SyntheticRegion, rng: np.random.Generator, stages: list[str], locales: list[str],
                    by_grade: np.ndarray) -> list[int]:
    """Classrooms per campus: enough for every grade's pupils in classes of the standard size × the
    locale's crowding × lognormal noise (SD ``NOISE_SD``), at least ``MIN_CLASSROOMS``.  Counting
    classes grade by grade keeps a campus from starting with large classes only because its
    classrooms do not divide evenly over its grades; the noise lets some campuses start fuller
    than others."""
    std = np.array([STANDARD_CLASS_SIZE["primary"]] * 6 + [STANDARD_CLASS_SIZE["junior"]] * 3, dtype=float)
    fill = np.array([spec.crowding.of(l) for l in locales]) * rng.lognormal(0.0, NOISE_SD, len(stages))
    classes = np.ceil(by_grade / (std[None, :] * np.maximum(fill, 1e-9)[:, None]))
    return np.maximum(classes.sum(axis=1), MIN_CLASSROOMS).astype(int).tolist()


def _beds(spec: SyntheticRegion, stage: str, locale: str, capacity: int) -> int:
    """Boarding places of a campus: the locale's ``boarding_share`` of its junior seats."""
    junior_seats = capacity if stage == "junior" else capacity / 3 if stage == "nine_year" else 0
    return int(round(spec.boarding_share.of(locale) * junior_seats))


def _region_cells(rng: np.random.Generator, campuses: list[Campus], by_grade: np.ndarray, feeder_of: np.ndarray,
                  feeders: dict[int, list[int]], seats: np.ndarray, villages: np.ndarray, demography: Demography,
                  start_year: int) -> list[Cell]:
    """Residential cells of a synthetic region, zoned (see the module docstring).

    School-age children (9 ints per cell, grade g = age g + 5): a home cell holds its campus's
    primary pupils by grade and, for a feeder, its share of its receiver's junior pupils in each
    grade (in proportion to the feeders' primary pupils); a nine-year campus's home cell holds all its
    pupils.  A receiver without feeders gets a home cell of its own.  Settlements without a campus
    draw a small population out of the nearest home cell of their locale.
    """
    n = len(campuses)
    stage = np.array([c.stage for c in campuses], dtype=object)
    teaches_primary = stage != "junior"
    school = np.where((stage == "nine_year")[:, None] | (np.arange(9) < 6)[None, :], by_grade, 0).astype(np.int64)
    school[stage == "junior"] = 0
    for r, fs in feeders.items():
        if fs:
            weight = by_grade[fs, :6].sum(axis=1).astype(float)
            own = by_grade[r, 6:] if stage[r] == "junior" else by_grade[r, 6:] - school[r, 6:]
            for g in range(3):
                school[fs, 6 + g] += _split(int(own[g]), weight)
        elif stage[r] == "junior":  # no feeders: its pupils live in a cell of its own
            school[r] = by_grade[r]
    homes = [i for i in range(n) if teaches_primary[i] or (stage[i] == "junior" and not feeders.get(i))]
    ids = [c.id for c in campuses]
    zone = {i: (ids[i] if teaches_primary[i] else None,
                ids[i] if campuses[i].stage != "primary" else (ids[feeder_of[i]] if feeder_of[i] >= 0 else None))
            for i in homes}
    rows = [dict(id=f"C{ids[i]}", x=campuses[i].x_km, y=campuses[i].y_km, locale=campuses[i].locale,
                 school=school[i], zone=zone[i]) for i in homes]
    campus_xy = np.array([[c.x_km, c.y_km] for c in campuses], dtype=float).reshape(-1, 2)
    nine = grade_weights("nine_year", start_year, demography.births, demography.births_trend)
    hamlets = 0
    for locale, points in (("town", seats), ("rural", villages)):
        home_here = [k for k, r in enumerate(rows) if r["locale"] == locale]
        if not home_here:
            continue
        settled = _nearest_point(points, campus_xy[[i for i in homes if campuses[i].locale == locale]])
        lone = np.setdiff1d(np.arange(len(points)), settled)
        donors = _nearest_point(np.array([[rows[k]["x"], rows[k]["y"]] for k in home_here]), points[lone])
        for j, d in zip(lone, donors):
            donor = rows[home_here[int(d)]]
            draw = _split(int(rng.integers(UNSCHOOLED_CELL_CHILDREN[0], UNSCHOOLED_CELL_CHILDREN[1] + 1)), nine)
            take = np.minimum(draw, donor["school"])
            donor["school"] = donor["school"] - take
            hamlets += 1
            rows.append(dict(id=f"H{LOCALE_LETTER[locale]}{hamlets:03d}", x=float(points[j, 0]), y=float(points[j, 1]),
                             locale=locale, school=take, zone=donor["zone"]))
    return [Cell(id=r["id"], x_km=float(r["x"]), y_km=float(r["y"]), locale=r["locale"],
                 children=_children_by_age(r["school"], demography, start_year),
                 ses=demography.ses_mean.of(r["locale"]) + float(rng.normal(0.0, SES_NOISE_SD)),
                 zone_primary=r["zone"][0], zone_junior=r["zone"][1])
            for r in rows]


PRIVATE_STREAM = 1
"""Second entry of the seed sequence of private campuses' draws (the public layout uses the bare
seed), so asking for private campuses leaves the public campuses, cells and zones as they were."""

PRIVATE_FILL = 0.9
"""Pupils at a generated private campus, as a share of its seats, from which its starting teachers
are sized (no estimate; its pupils at the start are the families who choose it)."""


def _private_campuses(spec: SyntheticRegion, teachers: Teachers, public: list[Campus], seats: np.ndarray
                      ) -> list[Campus]:
    """Private (民办) campuses of a synthetic region (:class:`SyntheticPrivate`), after its public ones.

    Urban ones lie uniformly in the county-town disc, town ones within ``TOWN_SPREAD_KM`` of a
    township seat (dealt in turn).  Quality is drawn around the public locale mean plus
    ``quality_premium`` with the region's ``quality_sd`` (sorted: lower numbers stronger);
    reputation starts at quality.  Classrooms: ``size`` × the mean of the public campuses of the
    same stage and locale (of the stage, or of all, when there are none) × uniform ±30 %; resources
    at the locale's ``resource_level`` with the usual noise; boarding places as public campuses;
    district: that of the nearest public campus.  Draws come from a stream of their own
    (:data:`PRIVATE_STREAM`)."""
    priv = spec.private
    rng = np.random.default_rng(np.random.SeedSequence([spec.seed, PRIVATE_STREAM]))
    rooms = {(c.stage, c.locale): [] for c in public}
    for c in public:
        rooms[c.stage, c.locale].append(c.classrooms)
    public_xy = np.array([[c.x_km, c.y_km] for c in public], dtype=float).reshape(-1, 2)
    dealt, out = 0, []
    for stage in STAGES:
        for locale in ("urban", "town"):
            n = getattr(getattr(priv.campuses, stage), locale)
            if n == 0:
                continue
            if locale == "urban":
                xy = _annulus(rng, n, 0.0, spec.county_town_radius_km)
            else:
                anchors = seats if len(seats) else np.zeros((1, 2))
                xy = anchors[(dealt + np.arange(n)) % len(anchors)] + _annulus(rng, n, 0.0, TOWN_SPREAD_KM)
                dealt += n
            quality = sorted(rng.normal(spec.quality_mean.of(locale) + priv.quality_premium, spec.quality_sd, n).tolist(),
                             reverse=True)
            same = rooms.get((stage, locale)) or [r for (s, _), v in rooms.items() if s == stage for r in v] \
                or [c.classrooms for c in public] or [MIN_CLASSROOMS]
            size = priv.size * float(np.mean(same)) * rng.uniform(1 - CLASSROOM_NOISE, 1 + CLASSROOM_NOISE, n)
            width = max(2, len(str(n)))
            for k in range(n):
                classrooms = max(int(round(size[k])), MIN_CLASSROOMS)
                capacity = capacity_of(stage, classrooms)
                pupils = int(round(PRIVATE_FILL * capacity))
                resources = {name: value * rng.lognormal(0.0, NOISE_SD) for name, value in
                             resources_at(stage_parts(stage, capacity), spec.resource_level.of(locale)).items()}
                near = int(np.argmin(np.hypot(*(public_xy - xy[k]).T))) if len(public) else -1
                out.append(Campus(
                    id=f"M{STAGE_LETTER[stage]}{LOCALE_LETTER[locale]}{k + 1:0{width}d}", stage=stage, locale=locale,
                    x_km=float(xy[k, 0]), y_km=float(xy[k, 1]), district=public[near].district if near >= 0 else None,
                    classrooms=classrooms, capacity=capacity, pupils=pupils,
                    teachers=teachers_for(stage_parts(stage, pupils), teachers),
                    floor_area_m2=float(resources["floor_area_m2"]),
                    sports_area_m2=float(resources["sports_area_m2"]),
                    equipment_value_yuan=float(resources["equipment_value_yuan"]),
                    multimedia_classrooms=max(0, round(resources["multimedia_classrooms"])),
                    quality=quality[k], reputation=quality[k],
                    boarding_places=_beds(spec, stage, locale, capacity),
                    sector="private", tuition_yuan_per_year=getattr(priv.tuition_yuan_per_year, stage)))
    return out


NEAREST_CANDIDATES = 8
"""k-d tree candidates checked exactly by :func:`_nearest_point`."""


def _nearest_point(points: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Index of the nearest of ``points`` to each ``query`` point, exactly as ``argmin`` of ``np.hypot``
    over all points would give it (the first one on ties).

    A k-d tree proposes the nearest ``NEAREST_CANDIDATES``; their ``np.hypot`` distances pick the
    winner.  Where a point outside the candidates could tie or win within rounding (the last
    candidate is not clearly farther than the winner), that query is checked against all points.
    """
    points, query = np.asarray(points, dtype=float).reshape(-1, 2), np.asarray(query, dtype=float).reshape(-1, 2)
    if len(query) == 0:
        return np.zeros(0, dtype=np.int64)

    def exact(q: np.ndarray, cand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        d = np.hypot(points[cand, 0] - q[:, None, 0], points[cand, 1] - q[:, None, 1])
        d = np.where(cand < len(points), d, np.inf)
        best = np.min(d, axis=1)
        first = np.where(d == best[:, None], cand, np.iinfo(np.int64).max).min(axis=1)  # lowest index on ties
        return first, best

    k = min(NEAREST_CANDIDATES, len(points))
    if k == len(points):
        return exact(query, np.broadcast_to(np.arange(len(points)), (len(query), len(points))))[0]
    tree_d, cand = cKDTree(points).query(query, k=k)
    out, best = exact(query, cand)
    unsure = np.flatnonzero(~(tree_d[:, -1] * (1 - 1e-9) > best * (1 + 1e-9)))
    for i in unsure:  # rare: check every point
        out[i] = exact(query[i:i + 1], np.arange(len(points))[None, :])[0][0]
    return out


def _split(total: int, weights: np.ndarray) -> np.ndarray:
    """Split the integer ``total`` over ``weights`` exactly (largest remainder); zero weights split evenly."""
    w = np.clip(np.asarray(weights, dtype=float), 0.0, None)
    if w.sum() <= 0.0:
        w = np.ones_like(w)
    return largest_remainder(np.array([total]), w[None, :])[0]
