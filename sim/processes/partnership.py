"""名校+弱校 mechanisms: management, joint research, mentoring, brand, dilution, roll-out, costs.

Pure, vectorised functions over plain numpy arrays; the 名校+弱校 mode calls them from its hooks.
Campus arrays are indexed like the scenario's campuses; group arrays are those of
:class:`~sim.network.CompiledNetwork` (``campus_group``, ``campus_role`` 0 independent / 1 hub /
2 member, ``group_hub``); teacher arrays are fields of :class:`~sim.state.Teachers`.  Most functions
take ``hub_of`` from :func:`member_hub`: per campus, the hub of the active group it is a member of,
−1 for hubs, independents and members of groups not formed yet.

Units:

* management quality ``mq``: SD units of the spread of management quality across the county's
  campuses at the start (:func:`initial_management`);
* skill, talent: a teacher's value added, pupil SD per year (:mod:`sim.processes.careers`);
  the changes returned here are added to talent (the lasting part), never subtracted;
* learning modifiers: pupils' yearly gain, SD per year, added to every pupil of a campus
  (:func:`sim.processes.learning.expected_gain` adds its terms the same way);
* brand: an offset to the reputation target, SD units (:func:`sim.processes.reputation.update_reputation`
  moves reputation towards ``measured + brand`` at the reputation lag, so a brand shows in
  reputation gradually, as housing prices took more than a year to react in Beijing);
* costs: yuan per school year.

Effects are relative to the start: management lifts pupils and teachers by how much it has
*gained* since the start, so a run in which no group forms is the baseline exactly.
"""

from __future__ import annotations

import numpy as np

from .. import rng
from ..scenario.dynamics import TeacherDynamics
from ..scenario.mingxiao import Brand, Dilution, Management, PartnershipCosts
from .careers import experience_effect

HUB, MEMBER = 1, 2
"""Campus role codes (:data:`sim.network.ROLES`)."""


# --------------------------------------------------------------------------------------------
# group structure


def member_hub(campus_group: np.ndarray, campus_role: np.ndarray, group_hub: np.ndarray,
               active: np.ndarray | None = None) -> np.ndarray:
    """Per campus (int64), the hub campus of the group it is a member of, −1 for hubs, independents
    and members of groups not ``active`` (bool per group; default all)."""
    group = np.asarray(campus_group, np.int64)
    ok = (np.asarray(campus_role) == MEMBER) & (group >= 0)
    if active is not None:
        ok &= np.asarray(active, bool)[np.maximum(group, 0)]
    return np.where(ok, np.asarray(group_hub, np.int64)[np.maximum(group, 0)], -1)


def members_per_hub(hub_of: np.ndarray) -> np.ndarray:
    """Per campus (int64), the active members it leads (0 for non-hubs)."""
    hub_of = np.asarray(hub_of)
    return np.bincount(hub_of[hub_of >= 0], minlength=len(hub_of)).astype(np.int64)


# --------------------------------------------------------------------------------------------
# management


def initial_management(quality: np.ndarray) -> np.ndarray:
    """Management quality at the start (float64): the campuses' starting quality standardised across
    the county (mean 0, SD 1; all 0 when every campus starts equal).  Better-run schools are the
    stronger ones; the strength of that link is not measured, so only changes of ``mq`` act."""
    q = np.asarray(quality, np.float64)
    sd = q.std()
    return (q - q.mean()) / sd if sd > 0 else np.zeros_like(q)


def management_step(mq: np.ndarray, hub_of: np.ndarray, rate: float | np.ndarray) -> np.ndarray:
    """Management quality after one year of partnership (a new array).

    Each member moves ``rate`` (per campus or one value; share of the gap per year) of the way up to
    its hub's quality: ``mq_m + rate × max(0, mq_hub − mq_m)``.  Hubs, independents and members
    already as well run as their hub are unchanged; it never lowers anyone.
    """
    mq = np.asarray(mq, np.float64)
    hub_of = np.asarray(hub_of)
    member = hub_of >= 0
    gap = np.where(member, np.maximum(mq[np.maximum(hub_of, 0)] - mq, 0.0), 0.0)
    return mq + np.broadcast_to(np.asarray(rate, np.float64), mq.shape) * gap


def open_branch_management(mq: np.ndarray, branch: int, hub: int) -> np.ndarray:
    """Management quality when a 名校+新校 branch opens run by its hub's team: the branch starts at
    the hub's level if that is higher (a new array)."""
    out = np.asarray(mq, np.float64).copy()
    out[branch] = max(out[branch], out[hub])
    return out


def management_effect(mq: np.ndarray, mq_start: np.ndarray, params: Management) -> tuple[np.ndarray, np.ndarray]:
    """``(pupil_gain, growth_extra)`` per campus from management gained since the start.

    ``pupil_gain``: SD per year added to every pupil's yearly gain, ``pupil_effect × (mq − mq_start)``
    (Branch, Hanushek & Rivkin 2012: principals' effects have an SD of at least 0.05 pupil SD).
    ``growth_extra``: extra share of teachers' yearly growth from experience,
    ``growth_effect × (mq − mq_start)`` (Kraft & Papay 2014: 38 % more improvement over ten years
    between the 75th and 25th percentile of professional environment); feed it to
    :func:`experience_growth` per teacher via their campus of post.
    """
    gained = np.asarray(mq, np.float64) - np.asarray(mq_start, np.float64)
    return params.pupil_effect * gained, params.growth_effect * gained


def experience_growth(experience: np.ndarray, extra: np.ndarray | float, params: TeacherDynamics) -> np.ndarray:
    """Talent to add (float64, pupil SD per year) so that a teacher's growth from experience this
    year is ``1 + extra`` times the ordinary growth: ``extra × (e(x + 1) − e(x))``, with ``e`` the
    experience profile of :func:`sim.processes.careers.experience_effect` and ``x`` the experience of
    the year just taught (call before :func:`sim.processes.careers.after_year`).  Zero where
    ``extra`` is 0; negative ``extra`` (management lost) slows growth."""
    x = np.asarray(experience, np.float64)
    year_gain = experience_effect(x + 1, params) - experience_effect(x, params)
    return np.asarray(extra, np.float64) * year_gain


# --------------------------------------------------------------------------------------------
# joint teaching research: skill links


def _partners(teacher_id: np.ndarray, seekers: np.ndarray, want: np.ndarray, pool: np.ndarray,
              pool_key: np.ndarray, n_keys: int, k: int, seed: int, year: int, slot: int
              ) -> tuple[np.ndarray, np.ndarray]:
    """``k`` partners for each of ``seekers`` (teacher indices) among the teachers ``pool`` whose
    ``pool_key`` equals the seeker's ``want`` (keys below ``n_keys``), drawn with replacement by
    ``U(seed, "skill_links", year, id, slot … slot + k − 1)``: a seeker's partners depend on its id
    and on who is in the pool, not on array order.  Seekers with an empty pool get none."""
    ids = np.asarray(teacher_id)
    order = pool[np.lexsort((ids[pool], pool_key))]
    count = np.bincount(pool_key, minlength=n_keys)
    start = np.cumsum(count) - count
    has = count[want] > 0
    seekers, want = seekers[has], want[has]
    if k <= 0 or len(seekers) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    u = rng.uniform(seed, "skill_links", year, ids[seekers], slot=range(slot, slot + k))
    pick = start[want][:, None] + np.minimum((u * count[want][:, None]).astype(np.int64), count[want][:, None] - 1)
    return np.repeat(seekers, k), order[pick.ravel()]


def skill_links(teacher_id: np.ndarray, campus: np.ndarray, pe_arts: np.ndarray, hub_of: np.ndarray,
                k: int, seed: int, year: int) -> tuple[np.ndarray, np.ndarray]:
    """This year's joint-research links ``(member_side, hub_side)``: index arrays into the teachers.

    Every teacher posted at an active member campus (exchanged hub teachers included) is linked to
    ``k`` teachers posted at its hub in the same subject group (main subjects or PE/music/art),
    drawn with replacement by ``U(seed, "skill_links", year, id, slot = 0 … k−1)``, so a teacher's
    links do not depend on array order or on other campuses.  No links where the hub has no
    teacher of the subject group, or ``k`` is 0.
    """
    campus = np.asarray(campus, np.int64)
    hub_of = np.asarray(hub_of, np.int64)
    subject = np.asarray(pe_arts, np.int64)
    linked = np.flatnonzero(hub_of[campus] >= 0)
    return _partners(teacher_id, linked, 2 * hub_of[campus[linked]] + subject[linked], np.arange(len(campus)),
                     2 * campus + subject, 2 * len(hub_of), k, seed, year, 0)


def host_links(teacher_id: np.ndarray, campus: np.ndarray, owner: np.ndarray, pe_arts: np.ndarray,
               in_group: np.ndarray, k: int, seed: int, year: int) -> tuple[np.ndarray, np.ndarray]:
    """Links between teachers on a posting and their hosts: ``(hosts, visitors)`` index arrays.

    Every teacher at home (``campus == owner``) at a campus of an active group (``in_group``) that
    has visiting teachers of the same subject group (posted there from elsewhere: exchange, a first
    posting at the hub) is linked to ``k`` of them, drawn as in :func:`skill_links` (slots k … 2k−1).
    With :func:`spread_skill` the weaker end of each link gains: a member's teachers learn from the
    hub teachers sent to them, and member teachers sent to the hub learn from their hub colleagues
    and take it home (the receiving side gains most).
    """
    campus = np.asarray(campus, np.int64)
    subject = np.asarray(pe_arts, np.int64)
    away = campus != np.asarray(owner, np.int64)
    hosts = np.flatnonzero(~away & np.asarray(in_group, bool)[campus])
    key = 2 * campus + subject
    return _partners(teacher_id, hosts, key[hosts], np.flatnonzero(away), key[away], 2 * len(in_group), k, seed,
                     year, k)


def spread_skill(skill: np.ndarray, member_side: np.ndarray, hub_side: np.ndarray, rate: float) -> np.ndarray:
    """Talent to add (float64, ≥ 0, pupil SD per year) from a year of joint research along the links.

    Along every link each end looks at the other: teacher i gains ``rate × mean over its links of
    max(0, skill_other − skill_i)``.  Only the teacher below gains, so no one's skill is lowered, the
    weaker (receiving) side gains most, and with ``rate ≤ 1`` no one passes the best teacher they are
    linked to.  Zero for unlinked teachers or ``rate`` 0.
    """
    skill = np.asarray(skill, np.float64)
    a, b = np.asarray(member_side, np.int64), np.asarray(hub_side, np.int64)
    ends = np.concatenate([a, b])
    other = np.concatenate([b, a])
    gap = np.maximum(skill[other] - skill[ends], 0.0)
    n = len(skill)
    links = np.bincount(ends, minlength=n)
    total = np.bincount(ends, weights=gap, minlength=n)
    return rate * np.divide(total, links, out=np.zeros(n), where=links > 0)


# --------------------------------------------------------------------------------------------
# mentoring (青蓝工程)


def mentoring_pairs(teacher_id: np.ndarray, campus: np.ndarray, experience: np.ndarray, backbone: np.ndarray,
                    skill: np.ndarray, hub_of: np.ndarray, mentee_years: int, per_mentor: int) -> np.ndarray:
    """Per teacher (int64), the index of their hub mentor, −1 for none.

    Mentees: teachers posted at an active member campus with fewer than ``mentee_years`` years of
    experience, least experienced first (then by id).  Mentors: experienced teachers (at least
    ``mentee_years`` years) posted at the hub, backbone teachers first, then by skill (best first,
    then id); each takes ``per_mentor`` mentees in turn.  A hub's members share its mentors; mentees
    beyond their capacity go without.  Deterministic.
    """
    campus = np.asarray(campus, np.int64)
    ids = np.asarray(teacher_id)
    experience = np.asarray(experience, np.int64)
    hub_of = np.asarray(hub_of, np.int64)
    n_campuses = len(hub_of)
    out = np.full(len(campus), -1, np.int64)
    mentee = np.flatnonzero((hub_of[campus] >= 0) & (experience < mentee_years))
    is_hub = members_per_hub(hub_of) > 0
    mentor = np.flatnonzero(is_hub[campus] & (experience >= mentee_years))
    if len(mentee) == 0 or len(mentor) == 0:
        return out
    mentee_hub = hub_of[campus[mentee]]
    mentee = mentee[np.lexsort((ids[mentee], experience[mentee], mentee_hub))]
    mentee_hub = hub_of[campus[mentee]]
    mentor = mentor[np.lexsort((ids[mentor], -np.asarray(skill)[mentor], ~np.asarray(backbone)[mentor],
                                campus[mentor]))]
    n_mentors = np.bincount(campus[mentor], minlength=n_campuses)
    first_mentor = np.cumsum(n_mentors) - n_mentors
    n_mentees = np.bincount(mentee_hub, minlength=n_campuses)
    rank = np.arange(len(mentee)) - (np.cumsum(n_mentees) - n_mentees)[mentee_hub]
    paired = rank < n_mentors[mentee_hub] * per_mentor
    out[mentee[paired]] = mentor[first_mentor[mentee_hub[paired]] + rank[paired] // per_mentor]
    return out


def mentoring_growth(experience: np.ndarray, mentor: np.ndarray, speedup: float,
                     params: TeacherDynamics) -> np.ndarray:
    """Talent to add (float64, ≥ 0) to mentees this year: their growth from experience is
    ``1 + speedup`` times the ordinary (:func:`experience_growth`); 0 for teachers without a mentor."""
    return experience_growth(experience, np.where(np.asarray(mentor) >= 0, speedup, 0.0), params)


# --------------------------------------------------------------------------------------------
# brand


def brand(reputation: np.ndarray, measured: np.ndarray, hub_of: np.ndarray, years_in_group: np.ndarray,
          share: float | np.ndarray, params: Brand) -> np.ndarray:
    """Brand offset to each campus's reputation target (float64, ≥ 0, SD units).

    A member whose own results ``measured`` (its reputation where it has none) fall short of its
    hub's reputation gets ``s_t × (reputation_hub − measured)``, with ``s_t = share × (1 − fade) ^ t``
    and ``t`` its years in the group: its reputation target becomes a mix of its own results and the
    hub's reputation, the hub's weight fading so that parents come to judge it by results.
    0 for hubs, independents, and members at least as good as their hub.
    """
    reputation = np.asarray(reputation, np.float64)
    hub_of = np.asarray(hub_of, np.int64)
    own = np.where(np.isfinite(measured), measured, reputation)
    gap = np.maximum(reputation[np.maximum(hub_of, 0)] - own, 0.0)
    weight = np.asarray(share, np.float64) * (1.0 - params.fade) ** np.maximum(np.asarray(years_in_group), 0)
    return np.where(hub_of >= 0, weight * gap, 0.0)


def open_branch_reputation(reputation: np.ndarray, branch: int, hub: int, share: float) -> np.ndarray:
    """Reputation when a 名校+新校 branch opens carrying its hub's name (a new array): the branch
    takes ``share`` of the gap up to its hub's reputation at once, since it has no results yet for
    parents to judge."""
    out = np.asarray(reputation, np.float64).copy()
    out[branch] += share * max(out[hub] - out[branch], 0.0)
    return out


# --------------------------------------------------------------------------------------------
# dilution of the hub


def backbone_away_share(owner: np.ndarray, campus: np.ndarray, backbone: np.ndarray, n_campuses: int) -> np.ndarray:
    """Per campus (float64), the share of the backbone teachers whose post (编制) it holds who teach
    elsewhere (on exchange); 0 where it holds none."""
    owner = np.asarray(owner, np.int64)
    bb = np.asarray(backbone, bool)
    held = np.bincount(owner[bb], minlength=n_campuses)
    away = np.bincount(owner[bb & (owner != np.asarray(campus))], minlength=n_campuses)
    return np.divide(away, held, out=np.zeros(n_campuses), where=held > 0)


def dilution(members: np.ndarray, backbone_away: np.ndarray, params: Dilution) -> np.ndarray:
    """Yearly gain lost by a hub's pupils (float64, ≥ 0, SD per year): ``per_member × members +
    per_backbone_away × backbone_away`` at campuses leading at least one member, 0 elsewhere.
    Zero at the defaults (lead schools gained in the one study found, 雷万鹏 & 邓钟毓 2025)."""
    members = np.asarray(members, np.float64)
    loss = params.per_member * members + params.per_backbone_away * np.asarray(backbone_away, np.float64)
    return np.where(members > 0, loss, 0.0)


# --------------------------------------------------------------------------------------------
# 名校+新校: staff seeded from the hub


def branch_staff(teacher_id: np.ndarray, campus: np.ndarray, owner: np.ndarray, hub: int, branch_posts: int,
                 seed_share: float, hub_cap: float, seed: int, year: int) -> np.ndarray:
    """Indices of the hub teachers who move (post and quota) to a new branch when it opens.

    ``round(seed_share × branch_posts)`` teachers, at most ``hub_cap`` of the teachers posted at and
    owned by the hub (rounded down), chosen among them by the smallest ``U(seed, "branch_staff",
    year, id)``: a draw keyed to the teacher, so the choice does not depend on array order.
    """
    own = np.flatnonzero((np.asarray(campus) == hub) & (np.asarray(owner) == hub))
    n = min(int(round(seed_share * branch_posts)), int(np.floor(hub_cap * len(own))))
    if n <= 0:
        return np.zeros(0, np.int64)
    u = rng.uniform(seed, "branch_staff", year, np.asarray(teacher_id)[own])
    return np.sort(own[np.lexsort((np.asarray(teacher_id)[own], u))[:n]])


# --------------------------------------------------------------------------------------------
# costs


def partnership_costs(hub_of: np.ndarray, exchanged: np.ndarray, extra_posts: float | np.ndarray,
                      params: PartnershipCosts, teacher_yuan_per_year: float) -> dict[str, np.ndarray]:
    """Yearly costs per campus (float64 arrays, yuan per school year unless named otherwise).

    * ``exchange_allowance_yuan``: teachers on exchange posted at the campus (``exchanged``, per
      campus of post) × ``exchange_allowance_yuan``;
    * ``extra_posts`` (posts) and ``extra_posts_yuan``: ``extra_posts`` per active member (one value or
      per campus; e.g. the executive principal under 托管) × ``teacher_yuan_per_year``;
    * ``group_management_yuan``: ``management_yuan_per_group`` at every hub leading a member.

    Branch construction is not here: a branch's floor area is costed when it opens, with the
    scenario's construction unit cost.
    """
    hub_of = np.asarray(hub_of)
    member = hub_of >= 0
    posts = np.where(member, np.broadcast_to(np.asarray(extra_posts, np.float64), hub_of.shape), 0.0)
    return {
        "exchange_allowance_yuan": np.asarray(exchanged, np.float64) * params.exchange_allowance_yuan,
        "extra_posts": posts,
        "extra_posts_yuan": posts * teacher_yuan_per_year,
        "group_management_yuan": np.where(members_per_hub(hub_of) > 0, params.management_yuan_per_group, 0.0),
    }
