"""学区制 mechanisms: shared facilities, district admission (多校划片 lottery, 滚动划片 rotation),
joint research links, leader rotation, unified evaluation and costs.

Pure, vectorised functions over plain numpy arrays; the ``xuequ`` mode calls them from its hooks.
Campus arrays are indexed like the scenario's campuses; ``district_of`` gives per campus the index
of the district it belongs to (0 … D − 1; −1 outside every active district), i.e. the compiled
network's ``campus_group`` restricted to the mode's active groups.  Cell arrays are indexed like the
scenario's cells; teacher arrays are fields of :class:`~sim.state.Teachers`.  Every draw goes
through :mod:`sim.rng` keyed by (seed, stream, year, id, slot), so results do not depend on the
order of the rows or on how many processes run.

Units: resources in the scenario's units per campus (m², yuan, rooms); travel in minutes one way;
SES in the population's SD units; costs in yuan per school year.  Teachers' exchange inside the
district is :func:`sim.processes.exchange.exchange_orders` with the district's
:class:`~sim.scenario.exchange.ExchangeRules` (the district's head school as the group's hub), and
the skill gained along research links is :func:`sim.processes.partnership.spread_skill`.
"""

from __future__ import annotations

import numpy as np

from .. import rng
from ..scenario.xuequ import DistrictCosts
from . import enrolment

DISTRICT_LOTTERY_SLOT = 400
"""``rng`` slot (stream "choice") of the lottery number that orders applicants of a 多校划片 zone.
The zone's campuses are ranked by slots 401 … 400 + m (m campuses in the zone) when families'
preferences are not given.  The "choice" stream's other slots: 0 … 49 (Gumbel tastes per
choice-set column), 1, 100, 200, 250, 300 (:mod:`sim.processes.enrolment`, the engine), so none collide."""

LEADER_SLOT = 1
"""``rng`` slot (stream "exchange") of the draw that picks the leaders a campus sends; the teachers'
exchange uses slot 0."""


# --------------------------------------------------------------------------------------------
# district structure


def district_table(district_of: np.ndarray, include: np.ndarray | None = None) -> np.ndarray:
    """(D × m) int64: each district's campuses in campus order, padded with −1 (``include``: bool
    per campus, e.g. the campuses teaching a stage part; default all)."""
    district_of = np.asarray(district_of, np.int64)
    ok = district_of >= 0
    if include is not None:
        ok &= np.asarray(include, bool)
    campuses = np.flatnonzero(ok)
    n_d = int(district_of.max()) + 1 if district_of.size and district_of.max() >= 0 else 0
    count = np.bincount(district_of[campuses], minlength=n_d)
    table = np.full((n_d, int(count.max()) if n_d else 0), -1, np.int64)
    d = district_of[campuses]  # campuses are in campus order, so a stable sort keeps it inside a district
    order = np.argsort(d, kind="stable")
    position = np.arange(len(campuses)) - (np.cumsum(count) - count)[d[order]]
    table[d[order], position] = campuses[order]
    return table


def district_pairs(district_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every ordered pair ``(i, j)`` of distinct campuses of the same district, as two index arrays
    (i ascending, then j): the pairs whose travel minutes :func:`pooled_resources` reads."""
    table = district_table(district_of)
    i = np.repeat(table, table.shape[1], axis=1).ravel()
    j = np.tile(table, (1, table.shape[1])).ravel()
    keep = (i >= 0) & (j >= 0) & (i != j)
    order = np.lexsort((j[keep], i[keep]))
    return i[keep][order], j[keep][order]


# --------------------------------------------------------------------------------------------
# shared facilities (统一共享设施)  — hook: learning (the resource ratio pupils learn with)


def pooled_resources(resources: np.ndarray, pupils: np.ndarray, district_of: np.ndarray, travel_min: np.ndarray,
                     share: float, discount: float) -> np.ndarray:
    """Resources each campus's pupils can use for learning (float64, n × k, the units of ``resources``).

    Each campus of a district keeps ``1 − share`` of its resources and puts ``share`` into the
    district's pool; campus i's pupils get a part of campus j's pooled resources in proportion to
    their number, ``pupils_i ÷ pupils of the district``, of which ``max(0, 1 − discount × minutes_ij)``
    is usable after the trip (``discount`` per minute one way; nothing lost at the own campus):

        usable_i = (1 − share) × R_i + share × Σ_j∈district (P_i ÷ P_d) × f_ij × R_j

    So with ``share`` 1 and no discount every campus of a district has the district's resources per
    pupil; the district's total usable never exceeds its total.  Campuses outside districts, and
    districts without pupils, keep their own.  The official per-school indicators are not touched:
    the evaluation counts resources per school (the caller keeps ``resources`` for them).

    ``travel_min``: campus-to-campus minutes, an (n × n) array or one value per pair of
    :func:`district_pairs` (aligned with it).
    """
    r = np.asarray(resources, np.float64)
    district_of = np.asarray(district_of, np.int64)
    out = r.copy()
    if share <= 0 or not (district_of >= 0).any():
        return out
    pupils = np.asarray(pupils, np.float64)
    inside = district_of >= 0
    d_pupils = np.bincount(district_of[inside], weights=pupils[inside])
    i, j = district_pairs(district_of)
    minutes = np.asarray(travel_min, np.float64)
    minutes = minutes[i, j] if minutes.ndim == 2 else minutes
    pool_d = d_pupils[np.maximum(district_of, 0)]
    active = inside & (pool_d > 0)
    frac = np.divide(pupils, pool_d, out=np.zeros(len(pupils)), where=active)
    received = frac[:, None] * r  # own pooled part, no trip
    usable = np.clip(1.0 - discount * minutes, 0.0, 1.0)
    np.add.at(received, i, (frac[i] * usable)[:, None] * r[j])
    out[active] = (1.0 - share) * r[active] + share * received[active]
    return out


# --------------------------------------------------------------------------------------------
# admission by district (招生按学区)  — hook: admission


def district_zones(catchment: np.ndarray, district_of: np.ndarray, teaches: np.ndarray | None = None) -> np.ndarray:
    """多校划片: per cell (cells × m, int64, padded with −1), the campuses its applicants may be
    allocated to: column 0 its catchment campus, then the other campuses of that campus's district
    (teaching the stage part, ``teaches``: bool per campus; default all) in campus order.  Cells
    whose catchment campus is outside every district (or −1) keep the one campus."""
    catch = np.asarray(catchment, np.int64)
    district_of = np.asarray(district_of, np.int64)
    table = district_table(district_of, teaches)
    d = np.where(catch >= 0, district_of[np.maximum(catch, 0)], -1)
    others = table[np.maximum(d, 0)] if table.size else np.zeros((len(catch), 0), np.int64)
    others = np.where((d[:, None] >= 0) & (others != catch[:, None]), others, -1)
    order = np.argsort(others < 0, axis=1, kind="stable")  # valid first, campus order kept
    zones = np.column_stack([catch, np.take_along_axis(others, order, axis=1)])
    width = int((zones >= 0).sum(axis=1).max()) if len(zones) else 1
    return zones[:, :max(width, 1)]


def lottery_allocate(ids: np.ndarray, cell: np.ndarray, zones: np.ndarray, seats: np.ndarray, seed: int, year: int,
                     preference: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Places in a 多校划片 zone by lottery: ``(campus int32, overflow bool)`` per applicant.

    Each applicant ranks the campuses of its cell's zone (``zones[cell]``): by ``preference``
    (applicants × zone columns, higher preferred, e.g. families' utilities) when given, otherwise (and
    in rows of ``preference`` holding nan: 电脑随机派位) in a random order drawn from
    ``U(seed, "choice", year, id, slot 401 … 400 + m)``.  Campuses admit by
    one lottery number per applicant, ``U(seed, "choice", year, id, slot 400)``, lower first, up to
    their ``seats`` (free seats per campus), by applicant-proposing deferred acceptance (with random
    preferences this is random serial dictatorship: in lottery order each takes its first choice with
    a seat left).  Applicants whose whole zone is full are placed at their zone's first campus (the
    catchment campus, 就近入学 guarantee) and flagged ``overflow``.  Everyone is placed; no campus
    takes more non-overflow applicants than its seats; the result depends on ids, not array order.
    """
    ids = np.asarray(ids, np.int64)
    rows = np.asarray(zones, np.int64)[np.asarray(cell, np.int64)]
    m = rows.shape[1]
    valid = rows >= 0
    taste = np.full((len(ids), m), np.nan) if preference is None else np.asarray(preference, np.float64)
    random = np.isnan(taste).any(axis=1)
    if random.any():
        draw = -rng.uniform(seed, "choice", year, ids[random], slot=range(DISTRICT_LOTTERY_SLOT + 1, DISTRICT_LOTTERY_SLOT + 1 + m))
        taste[random] = draw.reshape(int(random.sum()), m)
    order = np.argsort(np.where(valid, -taste, np.inf), axis=1, kind="stable")
    ranked = np.where(np.take_along_axis(valid, order, axis=1), np.take_along_axis(rows, order, axis=1), -1)
    lottery = rng.uniform(seed, "choice", year, ids, slot=DISTRICT_LOTTERY_SLOT)
    got = enrolment.deferred_acceptance(ranked, np.maximum(np.asarray(seats, np.int64), 0), lottery)
    overflow = got < 0
    return np.where(overflow, rows[:, 0], got).astype(np.int32), overflow


def rolling_zone(catchment: np.ndarray, district_of: np.ndarray, year: int, start_year: int, period: int,
                 teaches: np.ndarray | None = None) -> np.ndarray:
    """滚动划片 (Huize): per cell (int64), the campus it is zoned to in ``year``.

    The campuses of a district (teaching the part, ``teaches``) in campus order form a ring; a cell
    whose catchment campus is at position p is zoned, in ``year``, to the campus at position
    ``(p + ⌊(year − start_year) ÷ period⌋) mod m``: its catchment campus for the first ``period``
    years, then the next campus, and so on, so each district campus serves exactly one former
    catchment in every year and every cell takes its turn at every campus.  Before ``start_year``,
    and for cells outside districts, the catchment campus."""
    catch = np.asarray(catchment, np.int64)
    district_of = np.asarray(district_of, np.int64)
    table = district_table(district_of, teaches)
    if not table.size or year < start_year:
        return catch.copy()
    position = np.full(len(district_of), -1, np.int64)
    filled = table >= 0
    position[table[filled]] = np.nonzero(filled)[1]
    p = np.where(catch >= 0, position[np.maximum(catch, 0)], -1)
    d = np.where(p >= 0, district_of[np.maximum(catch, 0)], 0)
    size = filled.sum(axis=1)[d]
    turn = (year - start_year) // period
    zoned = table[d, (np.maximum(p, 0) + turn) % np.maximum(size, 1)]
    return np.where(p >= 0, zoned, catch)


# --------------------------------------------------------------------------------------------
# unified evaluation (统一质量监测与评价)  — hook: record; and the intake-SES spread of the issue


def district_mean(value: np.ndarray, weight: np.ndarray, district_of: np.ndarray) -> np.ndarray:
    """Per campus (float64), the ``weight``-weighted mean of ``value`` over its district's campuses
    (the district assessed as a whole); nan outside districts and in districts of zero weight."""
    district_of = np.asarray(district_of, np.int64)
    inside = district_of >= 0
    v, w = np.asarray(value, np.float64), np.asarray(weight, np.float64)
    if not inside.any():
        return np.full(len(v), np.nan)
    total = np.bincount(district_of[inside], weights=(v * w)[inside])
    mass = np.bincount(district_of[inside], weights=w[inside])
    mean = np.divide(total, mass, out=np.full(len(mass), np.nan), where=mass > 0)
    return np.where(inside, mean[np.maximum(district_of, 0)], np.nan)


def intake_spread(campus: np.ndarray, ses: np.ndarray, district_of: np.ndarray) -> np.ndarray:
    """Per district (float64, SES SD units), the SD (ddof 0) across its campuses of their entrants'
    mean SES (``campus``, ``ses``: one entry per entrant), over campuses with entrants; nan with
    fewer than two.  Lottery zoning should lower it against one-school catchments."""
    district_of = np.asarray(district_of, np.int64)
    campus = np.asarray(campus, np.int64)
    n_c = len(district_of)
    count = np.bincount(campus, minlength=n_c)
    mean = np.divide(np.bincount(campus, weights=np.asarray(ses, np.float64), minlength=n_c), count,
                     out=np.zeros(n_c), where=count > 0)
    ok = (district_of >= 0) & (count > 0)
    n_d = int(district_of.max()) + 1 if district_of.size and district_of.max() >= 0 else 0
    k = np.bincount(district_of[ok], minlength=n_d)
    mu = np.divide(np.bincount(district_of[ok], weights=mean[ok], minlength=n_d), k, out=np.zeros(n_d), where=k > 0)
    var = np.bincount(district_of[ok], weights=(mean[ok] - mu[district_of[ok]]) ** 2, minlength=n_d)
    return np.where(k >= 2, np.sqrt(np.divide(var, k, out=np.zeros(n_d), where=k > 0)), np.nan)


# --------------------------------------------------------------------------------------------
# joint teaching research (统一教研、统一备课)  — hook: skill_links


def district_links(teacher_id: np.ndarray, campus: np.ndarray, pe_arts: np.ndarray, district_of: np.ndarray,
                   k: int, seed: int, year: int) -> tuple[np.ndarray, np.ndarray]:
    """This year's joint-research links ``(seekers, partners)``: index arrays into the teachers.

    Every teacher posted at a district campus is linked to ``k`` teachers of the same subject group
    (main subjects or PE/music/art) posted at the district's OTHER campuses, drawn with replacement
    by ``U(seed, "skill_links", year, id, slot 0 … k − 1)``: a teacher's partners depend on its id
    and on who teaches in the district, not on array order.  No links for a teacher whose subject
    group has nobody elsewhere in the district, or when ``k`` is 0.  Feed them to
    :func:`sim.processes.partnership.spread_skill` with ``spread_rate``.
    """
    ids = np.asarray(teacher_id, np.int64)
    campus = np.asarray(campus, np.int64)
    district_of = np.asarray(district_of, np.int64)
    n_c = len(district_of)
    d = district_of[campus]
    inside = np.flatnonzero(d >= 0)
    if k <= 0 or len(inside) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    subject = np.asarray(pe_arts, np.int64)[inside]
    key = 2 * d[inside] + subject                       # district × subject group
    own = 2 * campus[inside] + subject                  # campus × subject group
    order = np.lexsort((ids[inside], campus[inside], key))  # key blocks, campus blocks inside them
    n_key = np.bincount(key, minlength=2 * (int(d.max()) + 1))
    n_own = np.bincount(own, minlength=2 * n_c)
    key_start = np.cumsum(n_key) - n_key
    own_start = np.empty(2 * n_c, np.int64)
    own_sorted = own[order]
    first = np.r_[True, own_sorted[1:] != own_sorted[:-1]]
    own_start[own_sorted[first]] = np.flatnonzero(first)
    avail = n_key[key] - n_own[own]
    has = np.flatnonzero(avail > 0)
    u = rng.uniform(seed, "skill_links", year, ids[inside[has]], slot=range(k))
    pick = np.minimum((u * avail[has, None]).astype(np.int64), avail[has, None] - 1)
    offset = (own_start[own[has]] - key_start[key[has]])[:, None]
    pick = np.where(pick >= offset, pick + n_own[own[has]][:, None], pick) + key_start[key[has]][:, None]
    return np.repeat(inside[has], k), inside[order[pick.ravel()]]


# --------------------------------------------------------------------------------------------
# leaders and middle managers rotate (校级领导、中层领导交流)  — hook: exchange


def leader_rotation(teacher_id: np.ndarray, campus: np.ndarray, owner: np.ndarray, manager: np.ndarray,
                    district_of: np.ndarray, share: float, seed: int, year: int) -> tuple[np.ndarray, np.ndarray]:
    """Leaders sent this year ``(who, host)``: teacher indices (ascending) and their host campuses.

    At every campus of a district with at least two campuses, ``⌈share × L⌉`` of its ``L`` leaders
    (``manager``) at home (``campus == owner``) are sent, those with the smallest
    ``U(seed, "exchange", year, id, slot 1)``.  A campus at ring position p of its district's m
    campuses (campus order) sends to position ``(p + 1 + year mod (m − 1)) mod m``: never itself,
    and to a different campus each year until it has sent to all.  The caller posts them for the
    exchange term as it does teachers (``campus = host``, ``exchange_until``)."""
    campus = np.asarray(campus, np.int64)
    district_of = np.asarray(district_of, np.int64)
    ids = np.asarray(teacher_id, np.int64)
    table = district_table(district_of)
    if share <= 0 or not table.size:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    size = (table >= 0).sum(axis=1)
    position = np.full(len(district_of), -1, np.int64)
    position[table[table >= 0]] = np.nonzero(table >= 0)[1]
    d = district_of[campus]
    able = np.flatnonzero(np.asarray(manager, bool) & (campus == np.asarray(owner)) & (d >= 0))
    able = able[size[d[able]] >= 2]
    if len(able) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    c = campus[able]
    n_leaders = np.bincount(c, minlength=len(district_of))
    u = rng.uniform(seed, "exchange", year, ids[able], slot=LEADER_SLOT)
    order = np.lexsort((ids[able], u, c))
    rank = np.empty(len(able), np.int64)
    rank[order] = np.arange(len(able)) - (np.cumsum(n_leaders) - n_leaders)[c[order]]
    sent = rank < np.ceil(share * n_leaders[c] - 1e-9)
    who, c = able[sent], c[sent]
    m = size[district_of[c]]
    host = table[district_of[c], (position[c] + 1 + year % (m - 1)) % m]
    order = np.argsort(who)
    return who[order], host[order]


# --------------------------------------------------------------------------------------------
# costs  — hook: costs


def district_costs(district_of: np.ndarray, head: np.ndarray, posted_here: np.ndarray,
                   params: DistrictCosts) -> dict[str, np.ndarray]:
    """Yearly costs per campus (float64, yuan per school year).

    * ``district_running_yuan``: ``running_yuan_per_district`` at the head school (``head``: bool per
      campus) of every district (Wuhua: 200,000 yuan a year);
    * ``exchange_allowance_yuan``: teachers and leaders posted at the campus from another campus of
      the district (``posted_here``, per campus of post) × ``exchange_allowance_yuan``.
    """
    inside = np.asarray(district_of) >= 0
    return {
        "district_running_yuan": np.where(inside & np.asarray(head, bool), params.running_yuan_per_district, 0.0),
        "exchange_allowance_yuan": np.where(inside, np.asarray(posted_here, np.float64), 0.0)
        * params.exchange_allowance_yuan,
    }
