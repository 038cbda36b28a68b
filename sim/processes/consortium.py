"""教联体 mechanisms (Huanggang's fused consortium): pooled posts deployed by need, one leadership
team, PE/arts teachers back to their subject, synchronous classes (专递课堂), buses, staff housing,
allowances by distance, a possible effort cost of centralising, and the consortium's costs.

Pure, vectorised functions over plain numpy arrays; the ``jiaolianti`` mode calls them from its
hooks (the exchange itself is :func:`sim.processes.exchange.exchange_orders` with
:class:`~sim.scenario.jiaolianti.ConsortiumExchange`).  Campus arrays are indexed like the
scenario's campuses; ``consortium_of`` is per campus the consortium (group index) it belongs to,
hub or member, −1 outside; ``hub_of`` is per campus the hub of the consortium it is a member of,
−1 for hubs and outsiders (:func:`sim.processes.partnership.member_hub`).  Teacher arrays are
fields of :class:`~sim.state.Teachers`.

Units: skill and class value added, pupil SD per year; travel times, one-way minutes; money, yuan;
probabilities, per year.  Subject groups: 0 main subjects, 1 PE/music/art (``Teachers.pe_arts``).

Keyed draws (:mod:`sim.rng`) use stream ``"staffing"`` with slots of their own
(:data:`SLOT_MANAGERS`, :data:`SLOT_PE_ARTS`; the 调剂/选调 draws use slots 0 and 1), so they depend
only on (seed, year, teacher id), not on the order of rows or on other mechanisms' draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import rng
from ..network import travel_minutes
from ..scenario.jiaolianti import ConsortiumCosts
from ..scenario.models import Travel
from ..state import Teachers

MAIN, PE_ARTS = 0, 1
"""Subject groups: main subjects, PE/music/art."""

STREAM = "staffing"
SLOT_MANAGERS, SLOT_PE_ARTS = 2, 3
"""Slots of the keyed draws of :func:`managers_to_classes` and :func:`pe_arts_to_subject`."""

_EPS = 1e-9
"""Slack for rounding shares of counts (0.67 × 3 must give 2)."""


# --------------------------------------------------------------------------------------------
# pooled posts (编制统筹)


def split_posts(posts: np.ndarray, pe_arts_share: float) -> np.ndarray:
    """Posts per campus and subject group, (n, 2) int64: ``round(pe_arts_share × posts)`` PE/arts
    posts and the rest main-subject posts.  With the scenario's ``teachers.pe_arts_share`` (the share
    the county recruits) a campus whose PE/arts share is below the county's has a PE/arts vacancy."""
    posts = np.asarray(posts, np.int64)
    pe = np.minimum(np.round(pe_arts_share * posts).astype(np.int64), posts)
    return np.column_stack([posts - pe, pe])


def movable(teachers: Teachers, year: int) -> np.ndarray:
    """Teachers the consortium may deploy in September of school year ``year``: at the campus holding
    their post, not on a running posting (``exchange_until < year``) and not in a leadership team."""
    t = teachers
    return (t.campus == t.owner) & (t.exchange_until < year) & ~t.manager


def staffing_balance(teachers: Teachers, posts_by_group: np.ndarray, year: int) -> tuple[np.ndarray, np.ndarray]:
    """(surplus, vacancy) per campus and subject group, (n, 2) int64 each: teachers whose post the
    campus holds (``owner``) above its posts, counting only :func:`movable` teachers, and posts above
    them."""
    t = teachers
    posts = np.asarray(posts_by_group, np.int64)
    n = len(posts)
    key = t.owner.astype(np.int64) * 2 + t.pe_arts
    owned = np.bincount(key, minlength=2 * n).reshape(n, 2)
    free = np.bincount(key[movable(t, year)], minlength=2 * n).reshape(n, 2)
    return np.minimum(np.maximum(owned - posts, 0), free), np.maximum(posts - owned, 0)


@dataclass(frozen=True)
class Deployment:
    """Teachers deployed by need in one September: per teacher moved (rows in the order of the
    teachers passed in), ``ids``, ``origin`` and ``destination`` campus and ``pe_arts``."""

    ids: np.ndarray
    origin: np.ndarray
    destination: np.ndarray
    pe_arts: np.ndarray


def _pairs(surplus: np.ndarray, vacancy: np.ndarray, consortium_of: np.ndarray, xy: np.ndarray,
           locale: np.ndarray, travel: Travel, max_minutes: float):
    """Candidate (origin, destination, group, minutes) of one consortium and subject group, the
    destination within ``max_minutes`` of the origin, nearest first (ties by origin, destination)."""
    src, dst, grp = [], [], []
    for g in (MAIN, PE_ARTS):
        s, v = np.flatnonzero(surplus[:, g] > 0), np.flatnonzero(vacancy[:, g] > 0)
        same = consortium_of[s][:, None] == consortium_of[v][None, :]
        i, j = np.nonzero(same)
        src.append(s[i])
        dst.append(v[j])
        grp.append(np.full(len(i), g))
    src, dst, grp = (np.concatenate(x).astype(np.int64) for x in (src, dst, grp))
    minutes = travel_minutes(np.hypot(*(xy[src] - xy[dst]).T), locale[dst], travel)
    ok = minutes <= max_minutes
    src, dst, grp, minutes = src[ok], dst[ok], grp[ok], minutes[ok]
    order = np.lexsort((dst, src, grp, minutes))
    return src[order], dst[order], grp[order]


def deploy_by_need(teachers: Teachers, posts_by_group: np.ndarray, consortium_of: np.ndarray, campus_xy: np.ndarray,
                   campus_locale: np.ndarray, travel: Travel, max_minutes: float,
                   year: int) -> tuple[Teachers, Deployment]:
    """编制统筹: posts belong to the consortium, so each September, before vacancies are left to
    hiring and substitutes, surplus teachers fill vacancies of the same subject group (main or
    PE/arts) at campuses of the same consortium, nearest first.

    Rule: all (surplus campus, vacancy campus) pairs of one consortium and subject group whose
    travel time (:func:`sim.network.travel_minutes`, to the destination's locale speed) is at most
    ``max_minutes`` are taken in order of travel time (ties by group, origin, destination), each
    moving as many teachers as both sides allow.  Afterwards no campus has a vacancy while another
    campus of the same consortium within ``max_minutes`` has a surplus of the same subject group
    (surplus counts only :func:`movable` teachers; :func:`staffing_balance`).  Who moves from a
    campus: last in, first out (fewest years at the campus, then the most recent id), as in 调剂.
    A moved teacher's post moves too (``campus = owner = destination``), years at the campus restart.

    ``posts_by_group``: (n, 2) posts per campus and subject group (:func:`split_posts`);
    ``campus_xy``: (n, 2) km; ``campus_locale``: locale codes.  Returns (teachers, deployment); the
    caller records one teacher flow row per move.
    """
    t = teachers
    consortium_of = np.asarray(consortium_of, np.int64)
    surplus, vacancy = staffing_balance(t, posts_by_group, year)
    inside = (consortium_of >= 0)[:, None]
    surplus, vacancy = surplus * inside, vacancy * inside
    src, dst, grp = _pairs(surplus, vacancy, consortium_of, np.asarray(campus_xy, float), np.asarray(campus_locale),
                           travel, max_minutes)
    count = np.zeros(len(src), np.int64)
    for k in range(len(src)):  # greedy in travel-time order: a consortium has a handful of campuses
        s, d, g = src[k], dst[k], grp[k]
        count[k] = min(surplus[s, g], vacancy[d, g])
        surplus[s, g] -= count[k]
        vacancy[d, g] -= count[k]
    keep = count > 0
    src, dst, grp, count = src[keep], dst[keep], grp[keep], count[keep]
    if not len(src):
        none = np.zeros(0, np.int64)
        return t, Deployment(none, none, none, np.zeros(0, bool))
    # each (origin, group)'s movable teachers, last in first out; moves of that origin and group in pair order
    rows = np.flatnonzero(movable(t, year))
    key = t.owner[rows].astype(np.int64) * 2 + t.pe_arts[rows]
    rows = rows[np.lexsort((-t.id[rows], t.years_here[rows], key))]
    key = t.owner[rows].astype(np.int64) * 2 + t.pe_arts[rows]
    first = np.searchsorted(key, np.arange(2 * len(surplus)))
    pair_key = src * 2 + grp
    order = np.argsort(pair_key, kind="stable")
    pair_key, dst_sorted, count_sorted = pair_key[order], dst[order], count[order]
    gives = np.repeat(pair_key, count_sorted)
    rank = np.arange(len(gives)) - np.searchsorted(gives, gives)
    moved = rows[first[gives] + rank]
    dest = np.repeat(dst_sorted, count_sorted)
    campus, owner, years = t.campus.copy(), t.owner.copy(), t.years_here.copy()
    origin = t.campus[moved].astype(np.int64)
    campus[moved] = dest
    owner[moved] = dest
    years[moved] = 0
    out = Teachers(**{**vars(t), "campus": campus, "owner": owner, "years_here": years})
    by_row = np.argsort(moved)
    return out, Deployment(t.id[moved][by_row], origin[by_row], dest[by_row].astype(np.int64),
                           t.pe_arts[moved][by_row].copy())


# --------------------------------------------------------------------------------------------
# one leadership team


def managers_to_classes(teachers: Teachers, member: np.ndarray, share: float, seed: int,
                        year: int) -> tuple[Teachers, np.ndarray]:
    """Member campuses keep no leadership team of their own: of the ``m`` managers posted at each
    member campus (``member``: bool per campus), ``⌊share × m⌋`` leave the team (``manager`` turned
    off), chosen by a keyed draw (stream ``"staffing"``, slot :data:`SLOT_MANAGERS`, ``year``); the
    others (by default the executive principal, 执行校长) stay.  Hubs and other campuses keep theirs.

    What it changes: only the ``manager`` flag.  A manager already teaches a full load in the
    engine (:func:`sim.processes.assignment.assign_teachers` ignores the flag); leaving the team makes
    the teacher one the consortium may deploy (:func:`movable`), exchange and 调剂 (all skip
    managers).  Returns (teachers, mask of those who returned to the classroom)."""
    t = teachers
    at = np.asarray(member, bool)[t.campus] & t.manager
    rows = np.flatnonzero(at)
    n = np.floor(share * np.bincount(t.campus[rows], minlength=len(member)) + _EPS).astype(np.int64)
    draw = rng.uniform(seed, STREAM, year, t.id[rows], slot=SLOT_MANAGERS)
    rows = rows[np.lexsort((t.id[rows], draw, t.campus[rows]))]
    c = t.campus[rows]
    rank = np.arange(len(rows)) - np.searchsorted(c, c)
    back = np.zeros(len(t), bool)
    back[rows[rank < n[c]]] = True
    return Teachers(**{**vars(t), "manager": t.manager & ~back}), back


def pe_arts_to_subject(teachers: Teachers, in_consortium: np.ndarray, specialist_share: float, return_share: float,
                       seed: int) -> tuple[Teachers, np.ndarray]:
    """PE, music and art specialists teaching main subjects return to their own subject.

    Which main-subject teacher (``pe_arts`` false) is such a specialist is a lasting attribute: a
    draw keyed by (seed, ``"staffing"``, year 0, id, slot :data:`SLOT_PE_ARTS`) below
    ``specialist_share``; one returns if the same draw is below ``specialist_share × return_share``
    (so a larger share only adds returners).  Only teachers posted at campuses ``in_consortium``
    (bool per campus).

    What it changes: ``pe_arts`` turned on.  The teacher is then dealt over classes as a PE/arts
    teacher (:func:`sim.processes.assignment.assign_teachers`: no longer one of a class's
    main-subject teachers, whose mean skill is the class's value added), counts in the PE-arts
    balance indicator (``teachers_pe_arts``, per 100 pupils), and belongs to the PE/arts subject
    group of :func:`deploy_by_need`, so the main-subject vacancy it leaves is filled from the pool.
    Returns (teachers, mask of those who returned)."""
    t = teachers
    u = rng.uniform(seed, STREAM, 0, t.id, slot=SLOT_PE_ARTS)
    back = ~t.pe_arts & np.asarray(in_consortium, bool)[t.campus] & (u < specialist_share * return_share)
    return Teachers(**{**vars(t), "pe_arts": t.pe_arts | back}), back


# --------------------------------------------------------------------------------------------
# synchronous classes (专递课堂), buses, housing, allowances, effort


def hub_backbone_skill(skill: np.ndarray, campus: np.ndarray, backbone: np.ndarray, pe_arts: np.ndarray,
                       hub_of: np.ndarray) -> np.ndarray:
    """Per campus, the mean skill (pupil SD per year) of the main-subject backbone teachers posted at
    the hub of the consortium it is a member of; nan for hubs, outsiders and hubs without any."""
    hub_of = np.asarray(hub_of, np.int64)
    n = len(hub_of)
    lead = np.asarray(backbone, bool) & ~np.asarray(pe_arts, bool)
    total = np.bincount(campus[lead], weights=np.asarray(skill, float)[lead], minlength=n)
    count = np.bincount(campus[lead], minlength=n)
    mean = np.divide(total, count, out=np.full(n, np.nan), where=count > 0)
    return np.where(hub_of >= 0, mean[np.maximum(hub_of, 0)], np.nan)


def synchronous_skill(class_skill: np.ndarray, class_campus: np.ndarray, lead_skill: np.ndarray, share: float,
                      discount: float) -> np.ndarray:
    """Value added of each class (pupil SD per year) when ``share`` of its main-subject lessons are
    taught live by the hub's backbone teachers (``lead_skill`` per campus, nan: none), with the class's
    own teacher assisting: ``skill + share × (1 − discount) × max(lead − skill, 0)``.  A class whose
    own teachers are at least as good keeps its lessons (no loss); classes of campuses without a
    lead are unchanged."""
    skill = np.asarray(class_skill, float)
    lead = np.asarray(lead_skill, float)[class_campus]
    gap = np.where(np.isnan(lead), 0.0, np.maximum(lead - skill, 0.0))
    return skill + share * (1.0 - discount) * gap


def bus_minutes(choice_min: np.ndarray, choice: np.ndarray, served: np.ndarray, saved: float) -> np.ndarray:
    """Travel minutes of the choice sets (as ``CompiledNetwork.choice_min``, +inf pads kept) with a
    school bus to campuses ``served`` (bool per campus): ``max(minutes − saved, 0)`` to those, others
    unchanged (a new array)."""
    minutes = np.asarray(choice_min)
    bus = (choice >= 0) & np.asarray(served, bool)[np.maximum(choice, 0)]
    return np.where(bus, np.maximum(minutes - saved, 0.0), minutes).astype(minutes.dtype)


def allowance_level(minutes_from_core: np.ndarray, tier_minutes: tuple[float, ...]) -> np.ndarray:
    """Allowance level per campus (0: none, 1–3) from its travel minutes from the core campus: the
    number of tier bounds it reaches (nan minutes, e.g. outside a consortium: level 0)."""
    m = np.nan_to_num(np.asarray(minutes_from_core, float), nan=-np.inf)
    return (m[:, None] >= np.asarray(tier_minutes, float)[None, :]).sum(axis=1)


def tier_allowance(minutes_from_core: np.ndarray, tier_minutes: tuple[float, ...],
                   tier_yuan_per_month: tuple[float, ...]) -> np.ndarray:
    """Monthly allowance per exchanged teacher posted at each campus, yuan (三级九等 by distance)."""
    level = allowance_level(minutes_from_core, tier_minutes)
    return np.concatenate([[0.0], np.asarray(tier_yuan_per_month, float)])[level]


def housing_attrition(base_probability: np.ndarray, campus: np.ndarray, housed: np.ndarray, cut: float) -> np.ndarray:
    """Per teacher, the change of the yearly probability of leaving from staff flats (≤ 0, to add to
    the ordinary probability ``base_probability``): ``−cut × base`` for teachers posted at campuses
    ``housed`` (bool per campus, e.g. members at least ``housing_minutes`` from the core), else 0."""
    return np.where(np.asarray(housed, bool)[campus], -cut * np.asarray(base_probability, float), 0.0)


def effort_cost(class_skill: np.ndarray, class_campus: np.ndarray, pooled: np.ndarray, effort_sd: float) -> np.ndarray:
    """Value added of each class less ``effort_sd`` (pupil SD per year) at campuses ``pooled`` (bool
    per campus: whose staffing the consortium decides), the effort cost of centralising (Han, Liu &
    An 2017); 0 by default."""
    return np.asarray(class_skill, float) - np.where(np.asarray(pooled, bool)[class_campus], effort_sd, 0.0)


def consortium_costs(hub_of: np.ndarray, joined: np.ndarray, bused: np.ndarray, posted: np.ndarray,
                     allowance_month: np.ndarray, params: ConsortiumCosts) -> dict[str, np.ndarray]:
    """Costs per campus this school year, yuan (float64 arrays):

    * ``running_yuan``: ``running_yuan_per_consortium`` at every hub leading a member;
    * ``network_rooms_yuan``: ``network_rooms_yuan_per_campus`` at campuses ``joined`` this year;
    * ``bus_yuan``: ``bus_yuan_per_campus`` at members ``bused``;
    * ``allowance_yuan``: ``posted`` exchanged teachers at the campus × ``allowance_month`` × 12.
    """
    hub_of = np.asarray(hub_of, np.int64)
    leads = np.bincount(hub_of[hub_of >= 0], minlength=len(hub_of)) > 0
    return {
        "running_yuan": np.where(leads, params.running_yuan_per_consortium, 0.0),
        "network_rooms_yuan": np.where(joined, params.network_rooms_yuan_per_campus, 0.0),
        "bus_yuan": np.where(np.asarray(bused, bool) & (hub_of >= 0), params.bus_yuan_per_campus, 0.0),
        "allowance_yuan": np.asarray(posted, float) * np.asarray(allowance_month, float) * 12.0,
    }
