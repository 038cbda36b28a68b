"""Enrolment at the start of a school year: how many children enter grade 1, who they are, and
which campus admits each pupil entering grade 1 (part 0) or grade 7 (part 1), or moving house.

Entrants come from the residential cells' children by single year of age.  Admission follows the
order of 就近入学 and 公民同招, in up to three steps (``Choice.admission`` names the rule):

1. **Zoned** (划片): every applicant is admitted at its cell's zoned campus; where zoned applicants
   outnumber the free seats, those beyond them (by a keyed lottery) are overflow.  Where a grouping
   mode zones cells to several campuses (多校划片), the zone's places go by lottery over families'
   ranking of its campuses.
2. **Placement** (统筹安排): the bureau places overflow applicants at free seats nearby
   (:func:`place_overflow`); who is left stays at the zoned campus as recorded overflow (the
   guarantee of a place is the law: the crowding shows up as large classes).
3. **Choice** (``open`` rule only, :func:`choose`): for the seats still free, families who prefer
   another campus of their choice set to the one they hold apply to it (multinomial-logit
   utilities that weigh reputation, travel, locale, boarding places and last year's admission
   chances); places are allocated by deferred acceptance with a keyed lottery.  A family that gets
   no such place keeps the one it holds, so nobody ends at a campus it likes less.

Private (民办) campuses are nobody's zoned campus and the bureau places nobody there; they admit
families who apply, up to their free seats by lottery (公民同招: a private school may not pick
pupils by tests), and charge tuition, which weighs less with family SES (:func:`_utilities`).
Under the ``catchment`` rule families may still leave their zoned campus for a private one (a
choice step over private campuses only): 就近入学 binds public schools.

So choosers never take the seats the bureau needs for zoned pupils, and no campus admits beyond its
free seats except zoned overflow.  All draws are keyed by pupil id (:mod:`sim.rng`), so an
assignment does not depend on the order of the arrays, and a policy that changes one campus leaves
other families' draws untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from .. import rng
from . import district
from ..network import CompiledNetwork
from ..scenario.dynamics import Choice
from ..stages import AGES, ENTRY_AGE, births_series
from ..state import Students, family_draws
from .progression import UNPLACED

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
                 ses_ref: float, family_gradient: float, seed: int, year: int) -> Students:
    """``counts[i]`` new pupils living in cell i, in ``grade``, not yet placed (campus ``UNPLACED``).

    Ids are :func:`sim.rng.born_ids` of (cell × 2²⁰ + rank within the cell), in cell order, so a
    pupil's id does not depend on other cells' cohorts.  SES and the entry baseline come from
    :func:`sim.state.family_draws` (keyed by the id): a child has not been taught yet, so its
    achievement is its baseline, which carries the family gradient within and between cells.
    """
    counts = np.asarray(counts, dtype=np.int64)
    n = int(counts.sum())
    cell = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
    rank = np.arange(n) - np.repeat(np.cumsum(counts) - counts, counts)
    ids = rng.born_ids(year, (cell.astype(np.int64) << CELL_RANK_BITS) + rank)
    ses, base = family_draws(seed, year, ids, np.asarray(cell_ses, dtype=np.float64)[cell], ses_ref, family_gradient)
    return Students(id=ids, grade=np.full(n, grade, np.int8), cell=cell, campus=np.full(n, UNPLACED, np.int32),
                    klass=np.zeros(n, np.int16), achievement=base.copy(), base=base, ses=ses,
                    origin=np.asarray(cell_locale, dtype=np.int8)[cell], origin_cell=cell.copy(),
                    flags=np.zeros(n, np.uint8))


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
    index where the group's run starts.  One key in (0, 1) (a lottery draw, continuous: it never
    ties) takes one faster sort on group + key instead.
    """
    if len(keys) == 1 and len(group) and 0.0 < keys[0].min() and keys[0].max() < 1.0:
        order = np.argsort(group + keys[0])  # one sort: group, then a continuous key in (0, 1) (no ties)
    else:
        order = np.lexsort(tuple(reversed(keys)) + (group,))
    sorted_group = group[order]
    starts = np.flatnonzero(np.r_[True, sorted_group[1:] != sorted_group[:-1]])
    run_start = np.repeat(starts, np.diff(np.r_[starts, len(group)]))
    rank = np.empty(len(group), dtype=np.int64)
    rank[order] = np.arange(len(group)) - run_start
    return rank


@dataclass(frozen=True)
class Applicants:
    """Who applies for places in one grade this year, and what the rule may look at."""

    cell: np.ndarray                  # int64 home cell
    ses: np.ndarray                   # float64 family SES
    ids: np.ndarray                   # int64 pupil id (keys the draws)
    part: int                         # 0 grades 1–6, 1 grades 7–9
    seats: np.ndarray                 # int64 free seats per campus in the grade before these applicants (0 when closed)
    reputation: np.ndarray            # float64 per campus
    net: CompiledNetwork
    boarding_free: np.ndarray | None  # free beds per campus, or None to ignore boarding
    odds: np.ndarray | None           # per campus, a chooser's chance of a place last year (None: not known, 1)
    params: Choice
    seed: int
    year: int
    zones: np.ndarray | None = None   # (cells × m) campuses each cell is zoned to, −1 padded; None: the catchment
    zone_random: np.ndarray | None = None  # bool per cell: its zone's places by random lottery, not families' ranking
    one_school: np.ndarray | None = None   # per campus: the school (consortium) it is a campus of, −1 none
    one_school_minutes: float = 0.0        # placement radius at another campus of one school, one-way minutes

    def zone_of(self) -> np.ndarray:
        """(applicants × m) the campuses each applicant is zoned to, column 0 its guaranteed one."""
        if self.zones is None:
            return self.net.catchment[self.part, self.cell][:, None].astype(np.int64)
        return np.asarray(self.zones, np.int64)[self.cell]


@dataclass(frozen=True)
class Admission:
    """Where each applicant was admitted (arrays aligned with the applicants), and the admission
    chances choosers met at each campus (for next year's families)."""

    campus: np.ndarray                   # int32 campus admitted to
    overflow: np.ndarray                 # bool: admitted above the campus's free seats (就近入学 guarantee)
    chose_outside_catchment: np.ndarray  # bool: campus is none of the cell's zoned campuses
    boards: np.ndarray                   # bool: trip beyond Choice.boarding_minutes and given a free bed
    odds: np.ndarray | None              # float per campus: free seats per chooser, clipped to [ODDS_FLOOR, 1]


AdmissionRule = Callable[[Applicants], tuple[np.ndarray, np.ndarray, np.ndarray | None]]
"""An admission rule maps applicants to (campus, overflow flag, odds per campus or None).  Every
applicant must get a campus; overflow marks those admitted beyond the campus's free seats."""

ODDS_FLOOR = 0.01
"""Smallest admission chance families reckon with at a campus that had no seat for choosers."""


def overflow_at(a: Applicants, campus: np.ndarray) -> np.ndarray:
    """Applicants beyond each campus's free seats, by a lottery keyed by (seed, "choice", year, id,
    slot 1): exactly ``max(0, admitted − seats)`` per campus are flagged."""
    flag = np.zeros(len(campus), bool)
    rows = np.flatnonzero((np.bincount(campus, minlength=len(a.seats)) > a.seats)[campus])
    if rows.size:  # only over-subscribed campuses draw: a campus's ranks depend on its applicants alone
        lottery = rng.uniform(a.seed, "choice", a.year, a.ids[rows], slot=CATCHMENT_LOTTERY_SLOT)
        flag[rows] = _rank_within(campus[rows], lottery) >= a.seats[campus[rows]]
    return flag


def zoned(a: Applicants) -> tuple[np.ndarray, np.ndarray]:
    """Step 1: every applicant at its cell's zoned campus; those beyond its free seats are overflow.

    Where a grouping mode zones a cell to several campuses (``a.zones``, 多校划片), its applicants
    rank the zone's campuses within reach (in their choice set and within the bureau's placement
    radius ``allocation_minutes``; the zone's first campus always) by the utility of :func:`_utilities` (or, in cells flagged ``a.zone_random``, in a random
    order: 电脑随机派位), and the zone's places go by lottery
    (:func:`sim.processes.district.lottery_allocate`); those left without a place are overflow at the
    zone's first campus."""
    zone = a.zone_of()
    campus = zone[:, 0].astype(np.int32)
    overflow = overflow_at(a, campus)
    multi = np.flatnonzero((zone >= 0).sum(axis=1) > 1)
    if multi.size:
        known, reachable = _reachable(a)  # per cell, gathered below
        cell = a.cell[multi]
        preference = np.full((len(multi), reachable.shape[1]), np.nan)  # nan: a random order (电脑随机派位)
        ranks = np.ones(len(multi), bool) if a.zone_random is None else ~np.asarray(a.zone_random, bool)[cell]
        if ranks.any():  # families rank the zone's schools by utility (only theirs is computed)
            rows = multi[ranks]
            utility = _utilities(replace(a, cell=a.cell[rows], ses=a.ses[rows], ids=a.ids[rows]))
            ranked = np.where(known[cell[ranks]], utility[:, None, :], -np.inf).max(axis=2)
            preference[ranks] = np.where(np.isfinite(ranked), ranked, -1e9)
        got, left = district.lottery_allocate(a.ids[multi], cell, reachable, a.seats, a.seed, a.year, preference)
        campus[multi], overflow[multi] = got, left
    return campus, overflow


def _reachable(a: Applicants) -> tuple[np.ndarray, np.ndarray]:
    """Per cell, the campuses of its zone within reach: ``known`` (cells × m × K, bool: zone column
    i is choice-set column k, within ``allocation_minutes``) and ``reachable`` (cells × m, the zone
    with −1 where out of reach; the zone's first campus always)."""
    zone = np.asarray(a.zones, np.int64)
    near = a.net.choice_min[a.part] <= a.params.allocation_minutes
    known = (zone[:, :, None] == a.net.choice[a.part][:, None, :]) & near[:, None, :]
    reachable = np.where(known.any(axis=2), zone, -1)
    reachable[:, 0] = zone[:, 0]
    return known, reachable


def place_overflow(a: Applicants, campus: np.ndarray, overflow: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Step 2, 统筹安排: the bureau places overflow applicants at free seats nearby instead of crowding
    their zoned campus.  Column by column of their choice sets (nearest first), an overflow applicant
    whose column-k campus is within ``params.allocation_minutes``, not more rural than its home cell
    (any campus for a village family), and has seats left after everyone admitted, is placed there;
    a campus takes such applicants in the order of a lottery keyed by (seed, "choice", year, id, slot
    250).  The bureau places nobody at a private campus.  Where campuses are campuses of one school
    (``a.one_school``, a consortium with one legal person), an overflow applicant may also be placed at
    another campus of its zoned campus's school within ``a.one_school_minutes``, whatever its locale.
    Who is left stays overflow at the zoned campus."""
    campus, overflow = campus.copy(), overflow.copy()
    if not overflow.any() or (a.params.allocation_minutes <= 0 and a.one_school is None):
        return campus, overflow
    remaining = a.seats - np.bincount(campus[~overflow], minlength=len(a.seats))
    who = np.flatnonzero(overflow)  # the overflow applicants; arrays below are aligned with them
    cell = a.cell[who]
    order = np.argsort(a.net.choice_km[a.part, cell], axis=1, kind="stable")
    cols = np.take_along_axis(a.net.choice[a.part, cell], order, axis=1)
    minutes = np.take_along_axis(a.net.choice_min[a.part, cell], order, axis=1)
    home = a.net.cell_locale[cell]
    lottery = rng.uniform(a.seed, "choice", a.year, a.ids[who], slot=PLACEMENT_LOTTERY_SLOT)
    left = np.ones(len(who), dtype=bool)
    for k in range(cols.shape[1]):
        rows = np.flatnonzero(left)
        if rows.size == 0:
            break
        target = cols[rows, k]
        t = np.maximum(target, 0)
        fits = (minutes[rows, k] <= a.params.allocation_minutes) & (
            (a.net.campus_locale[t] <= home[rows]) | (home[rows] == RURAL_CODE))
        if a.one_school is not None:
            school = np.asarray(a.one_school)
            fits |= ((school[t] >= 0) & (school[t] == school[campus[who[rows]]])
                     & (minutes[rows, k] <= a.one_school_minutes))
        ok = (target >= 0) & fits & (remaining[t] > 0) & ~a.net.campus_private[t]
        rows, target = rows[ok], target[ok]
        if rows.size == 0:
            continue
        taken = _rank_within(target, lottery[rows]) < remaining[target]
        campus[who[rows[taken]]] = target[taken]
        left[rows[taken]] = False
        remaining -= np.bincount(target[taken], minlength=len(remaining))
    overflow[who] = left
    return campus, overflow


def _utilities(a: Applicants) -> np.ndarray:
    """Random utility (n_applicants, K) of each column of the applicant's choice set, before the
    admission chance.

        U_ij = w_r · max(0, 1 + s · SES_i) · rep_j − w_t · t_ij − w_c · [locale_j ≠ locale_i]
               + boarding_bonus · [bed_j] − w_f · fee_j / 10,000 · exp(−b · SES_i) + G_ij

    where ``t_ij`` is the one-way trip in minutes, capped at ``boarding_minutes`` where campus j has a
    free bed (a boarder does not make the trip daily) and ``bed_j`` says that cap applied; G_ij is a
    standard Gumbel keyed by (seed, "choice", year, id, slot = column j), so the argmax over columns
    is a multinomial-logit draw and each family keeps its taste for column j across scenarios.  The
    SES weight is floored at 0: a poor family may not care about reputation, but never prefers a
    school for being worse.  ``fee_j`` is campus j's yearly tuition in yuan (private campuses only),
    weighed by ``tuition_weight`` (w_f) for a family of SES 0 and by exp(−b · SES) relative to it,
    b = ``tuition_ses_slope`` (a fee as a share of an income rising with SES); the term is added
    only where some campus charges a fee, so a region without one draws and sums exactly as before.
    Padding columns (-1) get −∞.
    """
    p, cell = a.params, a.cell
    per_cell = len(cell) > a.net.choice.shape[1]  # the (cell, column) terms once per cell, then gathered
    at = np.arange(a.net.choice.shape[1]) if per_cell else cell
    cols = a.net.choice[a.part, at]
    j = np.maximum(cols, 0)
    minutes = a.net.choice_min[a.part, at]
    fixed = np.zeros(cols.shape)
    if a.boarding_free is not None:
        bed = (a.boarding_free[j] > 0) & (minutes > p.boarding_minutes)
        minutes = np.where(bed, p.boarding_minutes, minutes)
        fixed += p.boarding_bonus * bed
    fixed -= p.time_weight * minutes
    fixed -= p.cost_weight * (a.net.campus_locale[j] != a.net.cell_locale[at][:, None])
    fixed[cols < 0] = -np.inf  # padding columns
    reputation = a.reputation[j][cell] if per_cell else a.reputation[j]
    taste = p.reputation_weight * np.maximum(0.0, 1.0 + p.ses_reputation * a.ses)
    u = np.multiply(reputation, taste[:, None], out=reputation)
    u += fixed[cell] if per_cell else fixed
    fee = a.net.campus_tuition[j]
    if (fee > 0).any():  # read per applicant only in a region with fees
        fee = fee[cell] if per_cell else fee
        u -= p.tuition_weight * (fee / 10_000.0) * np.exp(-p.tuition_ses_slope * a.ses)[:, None]
    u += rng.gumbel(a.seed, "choice", a.year, a.ids, slot=range(cols.shape[1]))
    return u


def _held_utility(utility: np.ndarray, held: np.ndarray) -> np.ndarray:
    """Per row, the utility of the column ``held`` marks (a campus is in a choice set once), −∞
    where no column is held."""
    rows, col = np.arange(len(held)), held.argmax(axis=1)
    return np.where(held[rows, col], utility[rows, col], -np.inf)


def _preferred(cols: np.ndarray, utility: np.ndarray, held_u: np.ndarray) -> np.ndarray:
    """Each applicant's campuses it likes better than the one it holds (of utility ``held_u``), best
    first, padded with -1."""
    order = np.argsort(-utility, axis=1)  # finite utilities never tie (Gumbel draws); −∞ ones are dropped
    better = np.take_along_axis(utility, order, axis=1) > held_u[:, None]
    return np.where(better, np.take_along_axis(cols, order, axis=1), -1)


def deferred_acceptance(ranked: np.ndarray, seats: np.ndarray, lottery: np.ndarray) -> np.ndarray:
    """Campus per applicant by applicant-proposing deferred acceptance, UNPLACED when every campus
    on its list was full.

    ``ranked`` (n, L): each applicant's acceptable campuses, best first, padded with -1.  Campuses
    order applicants by ``lottery`` (lower first).  Rounds: every free applicant proposes to its next
    campus; each campus keeps the best ``seats`` of those it holds and those proposing and rejects
    the rest, who move down their lists.  The result is stable, and it pays no family to misreport.
    """
    n = len(ranked)
    ranked = np.column_stack([ranked, np.full(n, -1)])  # a final -1 column: the list is exhausted
    lottery_rank = np.empty(n, dtype=np.int64)
    lottery_rank[np.argsort(lottery)] = np.arange(n)  # continuous draws: no ties, any sort agrees
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
        order = np.argsort(c * n + lottery_rank[contest])  # keys are distinct: no tie to break
        sorted_c = c[order]
        starts = np.flatnonzero(np.r_[True, sorted_c[1:] != sorted_c[:-1]])
        position = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
        rejected = contest[order[position >= seats[sorted_c]]]
        campus[rejected] = UNPLACED
        pointer[rejected] += 1
        held = np.where(crowded, np.maximum(seats, 0), held)
        free = np.sort(rejected)
    return campus.astype(np.int32)


def choose(a: Applicants, campus: np.ndarray, overflow: np.ndarray, among: np.ndarray | None = None
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Step 3: families who prefer another campus of their choice set to the one they hold
    (``campus``) apply to it for the seats still free; deferred acceptance with a lottery keyed by
    (seed, "choice", year, id, slot 100) allocates them.  ``among`` (bool per campus, default all):
    the campuses families may apply to (the ``catchment`` rule lets them apply to private ones only).

    Families weigh a campus they do not hold by the chance of a place seen there last year
    (``a.odds``): utility ``+ chance_weight × ln(odds_j)`` (:func:`_utilities`).  Returns the new
    (campus, overflow) and this year's chances for next year's families: free seats ÷ the families
    who would apply if a place were certain, clipped to [ODDS_FLOOR, 1] (1 where seats were free and
    nobody would apply).  Counting would-be applicants, not those who applied, keeps the chances
    from swinging with last year's (a cobweb).
    """
    remaining = np.maximum(a.seats - np.bincount(campus, minlength=len(a.seats)), 0)
    cols = a.net.choice[a.part, a.cell]
    utility = _utilities(a)
    held = cols == campus[:, None]
    if among is not None:
        utility = np.where(held | among[np.maximum(cols, 0)], utility, -np.inf)
    held_u = _held_utility(utility, held)
    would = np.bincount(cols[utility > held_u[:, None]], minlength=len(a.seats))
    odds = np.where(would > 0, remaining / np.maximum(would, 1), np.where(remaining > 0, 1.0, ODDS_FLOOR))
    if a.odds is not None:
        chance = a.params.chance_weight * np.log(np.clip(a.odds, ODDS_FLOOR, 1.0))
        utility += chance[np.maximum(cols, 0)] * ~held
    rows = np.flatnonzero((utility > held_u[:, None]).any(axis=1))  # only they apply anywhere
    wanting = _preferred(cols[rows], utility[rows], held_u[rows])
    lottery = rng.uniform(a.seed, "choice", a.year, a.ids[rows], slot=ROUND_LOTTERY_SLOT)
    got = deferred_acceptance(wanting, remaining, lottery)
    campus = campus.copy()
    campus[rows] = np.where(got >= 0, got, campus[rows])
    return campus.astype(np.int32), overflow_at(a, campus), np.clip(odds, ODDS_FLOOR, 1.0)


def catchment_rule(a: Applicants) -> tuple[np.ndarray, np.ndarray, None]:
    """就近入学 only: steps 1 and 2 (zoned, then the bureau's placement of overflow); where the region
    has private campuses, families may then leave for one of them (step 3 over private campuses only).
    It reports no admission chances: the engine also re-admits movers and pupils of closed campuses
    by this rule, and their few applications must not replace the chances the year's entrants saw."""
    placed = place_overflow(a, *zoned(a))
    if not a.net.campus_private.any():
        return (*placed, None)
    return (*choose(a, *placed, among=a.net.campus_private)[:2], None)


def open_rule(a: Applicants) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Zoned, placement, then choice for the seats left (steps 1–3)."""
    return choose(a, *place_overflow(a, *zoned(a)))


ADMISSION_RULES: dict[str, AdmissionRule] = {"catchment": catchment_rule, "open": open_rule}
"""Rules by the name used in ``Choice.admission``.  Grouping modes add their own (e.g. a district
admitting by lottery over several schools) by registering a function here."""


def boarders(a: Applicants, campus: np.ndarray) -> np.ndarray:
    """Applicants who board at ``campus``: admitted beyond ``boarding_minutes`` of it, and among the
    first ``boarding_free[campus]`` such admits of their campus by a lottery keyed by (seed,
    "choice", year, id, slot 200)."""
    boards = np.zeros(len(campus), dtype=bool)
    if a.boarding_free is None:
        return boards
    bed = np.flatnonzero(a.boarding_free[campus] > 0)  # only they can board: the trip is read for them alone
    cell = a.cell[bed]
    cols = a.net.choice[a.part, cell]
    minutes = np.where(cols == campus[bed][:, None], a.net.choice_min[a.part, cell], np.inf).min(axis=1)
    rows = bed[minutes > a.params.boarding_minutes]
    if not len(rows):
        return boards
    lottery = rng.uniform(a.seed, "choice", a.year, a.ids[rows], slot=BOARDING_LOTTERY_SLOT)
    boards[rows] = _rank_within(campus[rows], lottery) < a.boarding_free[campus[rows]]
    return boards


def admit(a: Applicants, rule: AdmissionRule | None = None) -> Admission:
    """Admit the applicants ``a`` by ``rule`` (default ``ADMISSION_RULES[a.params.admission]``).

    Every applicant ends with exactly one campus; those admitted beyond ``boarding_minutes`` get a
    free bed of their campus where there is one (:func:`boarders`).
    """
    if (a.net.catchment[a.part, a.cell] < 0).any():
        raise ValueError(f"some applicants' cells have no campus teaching part {a.part}")
    campus, overflow, odds = (rule or ADMISSION_RULES[a.params.admission])(a)
    outside = ~(a.zone_of() == np.asarray(campus)[:, None]).any(axis=1)
    return Admission(campus=campus, overflow=overflow, chose_outside_catchment=outside,
                     boards=boarders(a, campus), odds=odds)
