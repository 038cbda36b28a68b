"""Enrolment at the start of a school year: how many children enter grade 1, who they are, and
which campus admits each pupil entering grade 1 (part 0) or grade 7 (part 1).

Entrants come from the residential cells' children by single year of age.  Admission follows one
of two rules (``Choice.admission``):

* ``catchment`` (就近入学): every applicant goes to the nearest campus teaching the part;
  pupils beyond its free seats are admitted anyway and flagged as overflow (the guarantee of a
  place is the law; the crowding shows up as large classes).
* ``open``: families rank their cell's choice set by a multinomial-logit utility, down to their
  guaranteed catchment campus; campuses fill by deferred acceptance with catchment priority and a
  keyed lottery; whoever is left goes to the catchment campus as overflow, so every applicant ends
  with exactly one campus and never at one it likes less than its catchment campus.

All draws are keyed by pupil id (:mod:`sim.rng`), so an assignment does not depend on the order of
the arrays, and a policy that changes one campus leaves other families' draws untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .. import rng
from ..network import CompiledNetwork
from ..scenario.dynamics import Choice
from ..stages import AGES, ENTRY_AGE, births_series
from ..state import Students
from .progression import UNPLACED

SES_SD_IN_CELL = 0.8
"""SD of family SES around its cell's mean, as in :func:`sim.state.initial_students`."""

SES_GRADIENT = 0.3
"""Achievement SD per SD of SES relative to the cell mean, as in :func:`sim.state.initial_students`."""

ACHIEVEMENT_NOISE_SD = 0.9
"""SD of individual achievement at entry, as in :func:`sim.state.initial_students`."""

CATCHMENT_LOTTERY_SLOT = 1
"""``rng`` slot of the lottery that orders applicants under the catchment rule."""

ROUND_LOTTERY_SLOT = 100
"""Slot of the lottery that orders non-priority applicants at an over-subscribed campus (Gumbel
draws use slots 0..K-1, K ≤ 50, so these never collide)."""

PLACEMENT_LOTTERY_SLOT = 250
"""Slot of the lottery that orders overflow applicants placed at free seats nearby."""

RURAL_CODE = 2
"""Locale code of rural cells and campuses (``models.LOCALES`` order)."""

BOARDING_LOTTERY_SLOT = 200
"""Slot of the lottery that shares a campus's free beds among its far-away admits."""


def cohort_entrants(children: np.ndarray, start_year: int, school_year: int, births: dict[int, float],
                    trend: float) -> np.ndarray:
    """Grade-1 entrants per cell in ``school_year`` (int, shape (n_cells,)).

    The entering cohort is aged ``ENTRY_AGE`` = 6 in ``school_year``, so it was aged
    ``a = 6 − (school_year − start_year)`` at the start.  If ``a ≥ 0`` it is counted in the cell's
    children at the start: ``entrants = children[:, a]`` (no mortality or migration before school
    age; the migration mechanism moves pupils, not pre-school children).  Otherwise it was not yet
    born at the start and is projected from the cell's age-0 cohort by national births:

        entrants = round(children[:, 0] × B(school_year − 6) / B(start_year)),

    where ``B`` is :func:`sim.stages.births_series` (given births, held before and trended after)
    and the age-0 cohort at the start was born in ``start_year`` (:func:`sim.stages.birth_year`).
    Rounding is half-up (``floor(x + 0.5)``), deterministic and independent of the platform.
    """
    children = np.asarray(children, dtype=np.int64)
    if children.ndim != 2 or children.shape[1] != AGES:
        raise ValueError(f"children must be (n_cells, {AGES}); got {children.shape}")
    age_at_start = ENTRY_AGE - (school_year - start_year)
    if age_at_start > ENTRY_AGE:
        raise ValueError(f"school_year {school_year} is before start_year {start_year}")
    if age_at_start >= 0:
        return children[:, age_at_start].copy()
    born = school_year - ENTRY_AGE
    first, last = min(born, start_year), max(born, start_year)
    series = births_series(births, trend, range(first, last + 1))
    ratio = series[born - first] / series[start_year - first]
    return np.floor(children[:, 0] * ratio + 0.5).astype(np.int64)


CELL_RANK_BITS = 20
"""Bits of an entrant's rank among its cell's entrants in its id key (cell × 2²⁰ + rank)."""


def new_students(counts: np.ndarray, grade: int, cell_ses: np.ndarray, cell_locale: np.ndarray,
                 seed: int, year: int) -> Students:
    """``counts[i]`` new pupils living in cell i, in ``grade``, not yet placed (campus ``UNPLACED``).

    Ids are :func:`sim.rng.born_ids` of (cell × 2²⁰ + rank within the cell), in cell order, so a
    pupil's id does not depend on other cells' cohorts.  Attributes follow the convention of
    :func:`sim.state.initial_students`, with draws keyed by (seed, "init", year, id):

        SES         = cell SES + 0.8 · z₂
        achievement = 0.3 · (SES − cell SES) + 0.9 · z₃

    (z_s standard normal at slot s).  Achievement has no campus term: a child has not been taught
    yet, so entrants start at the start-year region mean plus their family gradient.
    """
    counts = np.asarray(counts, dtype=np.int64)
    n = int(counts.sum())
    cell = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
    rank = np.arange(n) - np.repeat(np.cumsum(counts) - counts, counts)
    ids = rng.born_ids(year, (cell.astype(np.int64) << CELL_RANK_BITS) + rank)
    home_ses = np.asarray(cell_ses, dtype=np.float64)[cell]
    ses = home_ses + SES_SD_IN_CELL * rng.normal(seed, "init", year, ids, slot=2)
    achievement = SES_GRADIENT * (ses - home_ses) + ACHIEVEMENT_NOISE_SD * rng.normal(seed, "init", year, ids, slot=3)
    return Students(id=ids, grade=np.full(n, grade, np.int8), cell=cell, campus=np.full(n, UNPLACED, np.int32),
                    klass=np.zeros(n, np.int16), achievement=achievement.astype(np.float32),
                    ses=ses.astype(np.float32), origin=np.asarray(cell_locale, dtype=np.int8)[cell],
                    origin_cell=cell.copy(), flags=np.zeros(n, np.uint8))


@dataclass(frozen=True)
class Admission:
    """Where each applicant was admitted (arrays aligned with the applicants)."""

    campus: np.ndarray                   # int32 campus admitted to
    overflow: np.ndarray                 # bool: admitted above the campus's free seats (就近入学 guarantee)
    chose_outside_catchment: np.ndarray  # bool: campus differs from the cell's catchment campus
    boards: np.ndarray                   # bool: trip beyond Choice.boarding_minutes and given a free bed


def _rank_within(group: np.ndarray, *keys: np.ndarray) -> np.ndarray:
    """Position (0, 1, …) of each element within its ``group``, ordered by ``keys`` (first key first).

    A stable lexicographic sort on (group, keys…); the position is the sorted index minus the
    index where the group's run starts.
    """
    order = np.lexsort(tuple(reversed(keys)) + (group,))
    sorted_group = group[order]
    starts = np.flatnonzero(np.r_[True, sorted_group[1:] != sorted_group[:-1]])
    run_start = np.repeat(starts, np.diff(np.r_[starts, len(group)]))
    rank = np.empty(len(group), dtype=np.int64)
    rank[order] = np.arange(len(group)) - run_start
    return rank


def _utilities(cell: np.ndarray, ses: np.ndarray, ids: np.ndarray, part: int, reputation: np.ndarray,
               net: CompiledNetwork, boarding_free: np.ndarray | None, params: Choice, seed: int,
               year: int) -> np.ndarray:
    """Random utility (n_applicants, K) of each column of the applicant's choice set.

        U_ij = w_r · max(0, 1 + s · SES_i) · rep_j − w_t · minutes_ij − w_c · [locale_j ≠ locale_i]
               + boarding_bonus · [beds_j > 0 and minutes_ij > boarding_minutes] + G_ij

    with G_ij a standard Gumbel keyed by (seed, "choice", year, id, slot = column j), so the
    argmax over columns is a multinomial-logit draw and each family keeps its taste for column j
    across scenarios.  The SES weight is floored at 0: a poor family may not care about reputation,
    but never prefers a school for being worse.  Padding columns (-1) get −∞.
    """
    cols = net.choice[part, cell]
    valid = cols >= 0
    j = np.maximum(cols, 0)
    minutes = np.where(valid, net.choice_min[part, cell], 0.0)
    taste = params.reputation_weight * np.maximum(0.0, 1.0 + params.ses_reputation * ses)
    u = taste[:, None] * reputation[j]
    u -= params.time_weight * minutes
    u -= params.cost_weight * (net.campus_locale[j] != net.cell_locale[cell][:, None])
    if boarding_free is not None:
        u += params.boarding_bonus * ((boarding_free[j] > 0) & (minutes > params.boarding_minutes))
    u += np.column_stack([rng.gumbel(seed, "choice", year, ids, slot=k) for k in range(cols.shape[1])])
    return np.where(valid, u, -np.inf)


def _deferred_acceptance(cell: np.ndarray, ids: np.ndarray, part: int, seats: np.ndarray, utility: np.ndarray,
                         net: CompiledNetwork, seed: int, year: int) -> np.ndarray:
    """Campus per applicant by applicant-proposing deferred acceptance (UNPLACED when every campus
    the applicant would accept was full).

    Each applicant ranks its choice set by utility and drops every campus it ranks below its
    catchment campus: the catchment place is guaranteed (就近入学), so nobody takes a school they
    like less.  Campuses order applicants by (catchment pupil first, then one lottery number per
    applicant keyed by (seed, "choice", year, id, slot 100)).  Rounds: every free applicant
    proposes to its next campus; each campus keeps the best ``seats`` of those it holds and those
    proposing, and rejects the rest, who move down their lists.  The result is stable (no applicant
    prefers a campus that holds someone of lower priority) and it pays no family to misreport its
    ranking.  A catchment pupil rejected by its own catchment campus (more catchment pupils than
    seats) ends UNPLACED and is then admitted there as overflow.
    """
    n, k = utility.shape
    order = np.argsort(-utility, axis=1, kind="stable")  # best first; padding (−∞) last
    ranked = np.where(np.isfinite(np.take_along_axis(utility, order, axis=1)),
                      np.take_along_axis(net.choice[part, cell], order, axis=1), -1)
    catchment = net.catchment[part, cell]
    is_catchment = ranked == catchment[:, None]
    ranked[(np.cumsum(is_catchment, axis=1) - is_catchment) > 0] = -1  # below the catchment campus
    ranked = np.column_stack([ranked, np.full(n, -1)])  # a final -1 column: the list is exhausted
    # priority at a campus: lower is better; catchment pupils (0) before others (1), then lottery.
    # As one int64 key per (applicant, campus): campus-major, then the flag, then the applicant's
    # rank in the lottery over all applicants (ties by position, as a stable sort orders them).
    lottery = rng.uniform(seed, "choice", year, ids, slot=ROUND_LOTTERY_SLOT)
    lottery_rank = np.empty(n, dtype=np.int64)
    lottery_rank[np.argsort(lottery, kind="stable")] = np.arange(n)
    seats = np.asarray(seats, dtype=np.int64)
    pointer = np.zeros(n, dtype=np.int64)
    campus = np.full(n, UNPLACED, dtype=np.int64)
    held = np.zeros(len(seats), dtype=np.int64)  # applicants each campus holds
    free = np.arange(n)
    while True:
        target = ranked[free, pointer[free]]
        keep = target >= 0
        free, target = free[keep], target[keep]
        if len(free) == 0:
            break
        campus[free] = target
        held += np.bincount(target, minlength=len(seats))
        crowded = held > seats
        contest = np.flatnonzero(crowded[np.maximum(campus, 0)] & (campus >= 0))
        if len(contest) == 0:
            break
        c = campus[contest]
        key = (c * 2 + (c != catchment[contest])) * n + lottery_rank[contest]
        order = np.argsort(key)  # keys are distinct: no tie to break
        sorted_c = c[order]
        starts = np.flatnonzero(np.r_[True, sorted_c[1:] != sorted_c[:-1]])
        position = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
        rejected = contest[order[position >= seats[sorted_c]]]
        campus[rejected] = UNPLACED
        pointer[rejected] += 1
        held = np.where(crowded, np.maximum(seats, 0), held)
        free = np.sort(rejected)
    return campus.astype(np.int32)


def _boarders(campus: np.ndarray, minutes: np.ndarray, ids: np.ndarray, boarding_free: np.ndarray | None,
              params: Choice, seed: int, year: int) -> np.ndarray:
    """Applicants who board: admitted beyond ``params.boarding_minutes``, and among the first
    ``boarding_free[campus]`` such admits of their campus by a keyed lottery (slot 200)."""
    far = minutes > params.boarding_minutes
    boards = np.zeros(len(campus), dtype=bool)
    if boarding_free is None or not far.any():
        return boards
    rows = np.flatnonzero(far)
    lottery = rng.uniform(seed, "choice", year, ids[rows], slot=BOARDING_LOTTERY_SLOT)
    boards[rows] = _rank_within(campus[rows], lottery) < boarding_free[campus[rows]]
    return boards


@dataclass(frozen=True)
class Applicants:
    """Who applies for an entry grade this year, and what the rule may look at."""

    cell: np.ndarray                  # int64 home cell
    ses: np.ndarray                   # float64 family SES
    ids: np.ndarray                   # int64 pupil id (keys the draws)
    part: int                         # 0 grade 1, 1 grade 7
    seats: np.ndarray                 # int64 free seats per campus for the entry grade (0 when closed)
    reputation: np.ndarray            # float64 per campus
    net: CompiledNetwork
    boarding_free: np.ndarray | None  # free beds per campus, or None to ignore boarding
    params: Choice
    seed: int
    year: int


AdmissionRule = Callable[[Applicants], tuple[np.ndarray, np.ndarray]]
"""An admission rule maps applicants to (campus per applicant, overflow flag per applicant).
Every applicant must get a campus; overflow marks those admitted beyond the campus's free seats."""


def catchment_rule(a: Applicants) -> tuple[np.ndarray, np.ndarray]:
    """就近入学: campus = ``net.catchment[part, cell]``; within each campus applicants are ordered
    by a lottery keyed by (seed, "choice", year, id, slot 1) and those beyond its seats are overflow
    (still admitted: the guarantee of a place)."""
    campus = a.net.catchment[a.part, a.cell].astype(np.int32)
    lottery = rng.uniform(a.seed, "choice", a.year, a.ids, slot=CATCHMENT_LOTTERY_SLOT)
    return campus, _rank_within(campus, lottery) >= a.seats[campus]


def open_rule(a: Applicants) -> tuple[np.ndarray, np.ndarray]:
    """Open choice: :func:`_utilities` ranks the choice set, :func:`_deferred_acceptance` fills
    campuses (catchment priority, then lottery); anyone left unplaced goes to the catchment campus
    as overflow."""
    utility = _utilities(a.cell, a.ses, a.ids, a.part, a.reputation, a.net, a.boarding_free, a.params,
                         a.seed, a.year)
    campus = _deferred_acceptance(a.cell, a.ids, a.part, a.seats, utility, a.net, a.seed, a.year)
    overflow = campus == UNPLACED
    return np.where(overflow, a.net.catchment[a.part, a.cell], campus).astype(np.int32), overflow


def _place_overflow(a: Applicants, campus: np.ndarray, overflow: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """统筹安排: the bureau places overflow applicants at free seats nearby instead of crowding their
    zoned campus.  Column by column of their choice sets (nearest first), an overflow applicant
    whose column-k campus is within ``params.allocation_minutes``, not more rural than its home
    cell, and has seats left after everyone admitted, is placed there; a campus takes such
    applicants in the order of a lottery keyed by (seed, "choice", year, id, slot 250).  Who is
    left stays overflow at the zoned campus."""
    overflow = overflow.copy()
    if not overflow.any() or a.params.allocation_minutes <= 0:
        return campus, overflow
    remaining = a.seats - np.bincount(campus[~overflow], minlength=len(a.seats))
    order = np.argsort(a.net.choice_km[a.part, a.cell], axis=1, kind="stable")
    cols = np.take_along_axis(a.net.choice[a.part, a.cell], order, axis=1)
    minutes = np.take_along_axis(a.net.choice_min[a.part, a.cell], order, axis=1)
    home = a.net.cell_locale[a.cell]
    lottery = rng.uniform(a.seed, "choice", a.year, a.ids, slot=PLACEMENT_LOTTERY_SLOT)
    for k in range(cols.shape[1]):
        rows = np.flatnonzero(overflow)
        if rows.size == 0:
            break
        target = cols[rows, k]
        ok = (target >= 0) & (minutes[rows, k] <= a.params.allocation_minutes)
        ok &= (a.net.campus_locale[np.maximum(target, 0)] <= home[rows]) | (home[rows] == RURAL_CODE)
        ok &= remaining[np.maximum(target, 0)] > 0
        rows, target = rows[ok], target[ok]
        if rows.size == 0:
            continue
        taken = _rank_within(target, lottery[rows]) < remaining[target]
        campus[rows[taken]] = target[taken]
        overflow[rows[taken]] = False
        remaining -= np.bincount(target[taken], minlength=len(remaining))
    return campus, overflow


ADMISSION_RULES: dict[str, AdmissionRule] = {"catchment": catchment_rule, "open": open_rule}
"""Rules by the name used in ``Choice.admission``.  Grouping modes add their own (e.g. a group
admitting as one school) by registering a function here."""


def admit(cell: np.ndarray, ses: np.ndarray, ids: np.ndarray, part: int, seats: np.ndarray,
          reputation: np.ndarray, net: CompiledNetwork, boarding_free: np.ndarray | None, params: Choice,
          seed: int, year: int, rule: AdmissionRule | None = None) -> Admission:
    """Admit applicants for grade 1 (``part`` 0) or grade 7 (``part`` 1).

    ``cell``, ``ses``, ``ids``: per applicant; ``seats``: free seats per campus for the entry grade
    this year (a closed campus has 0); ``reputation``: per campus; ``boarding_free``: free beds per
    campus, or None to ignore boarding; ``rule``: the admission rule, by default
    ``ADMISSION_RULES[params.admission]``.

    Every applicant ends with exactly one campus.  Boarding: see :func:`_boarders`.
    """
    a = Applicants(cell=np.asarray(cell, dtype=np.int64), ses=np.asarray(ses, dtype=np.float64),
                   ids=np.asarray(ids, dtype=np.int64), part=part, seats=np.asarray(seats, dtype=np.int64),
                   reputation=np.asarray(reputation, dtype=np.float64), net=net, boarding_free=boarding_free,
                   params=params, seed=seed, year=year)
    catchment = net.catchment[part, a.cell]
    if (catchment < 0).any():
        raise ValueError(f"some applicants' cells have no campus teaching part {part}")
    campus, overflow = (rule or ADMISSION_RULES[params.admission])(a)
    campus, overflow = _place_overflow(a, campus, overflow)
    minutes = np.where(net.choice[part, a.cell] == campus[:, None], net.choice_min[part, a.cell], np.inf).min(axis=1)
    return Admission(campus=campus, overflow=overflow, chose_outside_catchment=campus != catchment,
                     boards=_boarders(campus, minutes, a.ids, boarding_free, params, seed, year))
