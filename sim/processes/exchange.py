"""Teacher exchange (交流轮岗) inside education groups: who rotates, where, for how long, and back.

Pure, vectorised functions over the teacher arrays (:class:`~sim.state.Teachers`) and a group
layout (:class:`GroupLayout`: each campus's group, its role, each group's hub), with the rules of
:class:`~sim.scenario.exchange.ExchangeRules`.  Every random draw is keyed by (seed, "exchange",
year, teacher id) (:mod:`sim.rng`), so the orders do not depend on the order of the rows or on how
many processes run.  Any grouping mode may use them: its summer hook calls :func:`exchange_orders`,
its September hook :func:`post_new_hires_at_hub`.

Rules, in the order they apply each summer (after the school year ``year``):

1. **Return.** A teacher whose term has ended (``0 ≤ exchange_until ≤ year``) goes back to the
   campus holding their post (``campus = owner``), restarts their years at the campus and clears
   ``exchange_until`` (:func:`end_terms`).
2. **Eligibility** (:func:`eligible`): at home (``campus == owner``, no running posting), not in
   the leadership team (principals rotate by their own rules), men younger than ``male_max_age``
   (50) and women younger than ``female_max_age`` (45) (Xichou), at least ``min_years_at_school``
   (6) consecutive years at the campus (provincial rules implementing 教师〔2014〕4号), at a campus
   of a group that sends in its direction: a hub sends to its members when ``directions`` is
   ``hub_to_member`` or ``both``, a member to its hub when ``member_to_hub`` or ``both`` (Huanggang
   exchanged 1,232 teachers town → village and 1,356 village → town in a year).  A hub without
   members, a member without a hub and independent campuses send nobody.
3. **How many each campus sends.** With ``E`` eligible teachers, ``D`` of them due (at least
   ``must_rotate_years``, 12, at the campus: Xichou's "must rotate"), ``O`` teachers whose posts it
   holds and ``A`` of them away already (sent in earlier years, terms still running):
   ``n = min(max(⌈share × E⌉, D), E, max(⌊cap_share × O⌋ − A, 0))``.  ``share`` (10 %) is the
   national minimum for urban and strong schools; the cap (15 %, no estimate) bounds the teachers
   away at once, so no campus is gutted over a term of several years (a small village school sends
   one teacher at a time).  Due teachers the cap holds back are reported (``deferred``).
4. **Backbone floor.** At a campus the floor binds (the hub, or every sending campus when
   ``backbone_floor_on`` is ``all``; with ``group`` it binds each group's exchanged teachers as a
   whole, :func:`group_floor`), at least ``⌈backbone_floor × n⌉`` of the ``n`` sent are
   backbone teachers (national 20 %, Huanggang 30 %, achieved 35.8 %).  Backbone teachers are
   chosen first, as many as the floor needs; if the campus has too few eligible backbone teachers
   ``B``, it sends fewer — the most the floor allows, ``⌊B / backbone_floor⌋`` — and the teachers
   not sent are reported (``short``).  The floor is never met by sending more teachers than exist.
5. **Who.** Priority within a campus: the backbone teachers the floor needs, then everyone else;
   within each, due teachers first, then by a uniform draw keyed by teacher id.
6. **Where.** A member's teachers go to its hub.  A hub's teachers are dealt to its members in
   turn, neediest first (``need`` per campus, higher is needier — e.g. the vacant share of posts
   or minus reputation; without it, members take turns in campus order): the k-th teacher sent
   (backbone first, then by draw) goes to the (k mod m)-th neediest of the m members, so every
   member gets ⌊n/m⌋ or ⌈n/m⌉ and backbone teachers are spread over members.  Under ``ring``
   every campus of the group sends, to the others in turn (:func:`_ring_destinations`), so each
   campus receives about as many teachers as it sends (a district's unified deployment).
7. **Posting.** Sent teachers teach at the host (``campus = host``) for ``term_years`` school years
   (typically 2–3, range 1–6): ``exchange_until = year + term_years``, the last school year at the
   host; their years at the campus restart at 0 (and restart again on return, so a returning
   teacher is not due again for ``min_years_at_school``).  With ``post_stays_home`` (the national
   rule) the post stays at the home campus (``owner`` unchanged), which hires nobody in their place;
   with pooled staffing (教联体, 县管校聘) the post moves with the teacher (``owner = host``): the
   sending campus hires in their place, and at the end of the term the teacher simply stays.

Beside the yearly orders:

* **New teachers first posted at the hub** (:func:`post_new_hires_at_hub`, Xiangyun: 2 years;
  default 0, off): a teacher just hired for a member campus teaches at the group's hub for
  ``hub_first_posting_years`` school years (``exchange_until = year + N − 1``) and then returns to the
  member post, which stays theirs; the member's classes are covered meanwhile as any short-staffed
  campus's are.  It is a staffing rule of the group, not an exchange: it is not counted in the
  exchange flows.
* **Extra attrition** (:func:`extra_attrition`): while posted away from home (exchange or first
  posting) a teacher's yearly probability of leaving rises by ``extra_attrition`` (no estimate;
  default 0, range 0–0.10).
* **Senior-title rule** (:func:`title_params`): while the mode runs, the senior title (高级)
  requires ``senior_title_hardship_years`` (1) years at a rural or weak campus (Xichou; Ningxia
  2015; 国办发〔2015〕43号), the stricter of this and ``dynamics.teachers.senior_hardship_years``.
  Years at a rural or weak host count (:func:`sim.processes.careers.after_year` counts hardship
  service at the campus of post).

What the caller does: in summer, after exits and titles, ``teachers, orders = exchange_orders(...)``
and one flow row per (origin, destination) pair of each of ``orders.flows()`` (kind ``teacher``,
flows ``exchange`` and its ``exchange_backbone`` subset), which fill the ``exchanges``,
``exchange_rate`` and ``exchange_backbone_share`` metrics; in September, after hiring,
:func:`post_new_hires_at_hub` on the new hires; in summer exits, add :func:`extra_attrition` to each
teacher's probability of leaving; title rounds use :func:`title_params`.  Returns happen only in
:func:`exchange_orders` (or :func:`end_terms`), so a mode that posts teachers away must call one of
them every summer, also after its groups dissolve or its exchange stops, until every posting has ended.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import rng
from ..network import ROLES, CompiledNetwork
from ..scenario.dynamics import TeacherDynamics
from ..scenario.exchange import ExchangeRules
from ..state import Teachers

HUB, MEMBER = ROLES.index("hub"), ROLES.index("member")

_EPS = 1e-9
"""Slack for rounding shares of counts (0.3 × 10 is 3.0000000000000004 in floating point)."""


@dataclass(frozen=True)
class GroupLayout:
    """The groups in force: per campus its group (-1 none) and role (codes of
    :data:`sim.network.ROLES`: 0 independent, 1 hub, 2 member); per group its hub campus (-1 none)."""

    campus_group: np.ndarray
    campus_role: np.ndarray
    group_hub: np.ndarray

    @classmethod
    def of(cls, net: CompiledNetwork, formed: np.ndarray | None = None) -> "GroupLayout":
        """The network's groups; with ``formed`` (bool per group), only those formed."""
        group = np.asarray(net.campus_group, np.int64)
        if formed is not None:
            group = np.where((group >= 0) & np.asarray(formed, bool)[np.maximum(group, 0)], group, -1)
        role = np.where(group >= 0, net.campus_role, ROLES.index("independent"))
        return cls(group, role.astype(np.int8), np.asarray(net.group_hub, np.int64))

    def members(self) -> np.ndarray:
        """Members per group (int64, length of ``group_hub``)."""
        is_member = (self.campus_group >= 0) & (self.campus_role == MEMBER)
        return np.bincount(self.campus_group[is_member], minlength=len(self.group_hub))


@dataclass(frozen=True)
class Orders:
    """One summer's exchange orders.

    Per teacher sent (in the order of rows of the teachers passed in): ``ids``, ``origin`` (home
    campus), ``destination`` (host campus), ``backbone``.  Per teacher returned: ``returned_ids``,
    ``returned_from`` (host) and ``returned_to`` (home).  Per campus: ``short`` (teachers not sent
    because too few eligible backbone teachers meet the floor) and ``deferred`` (teachers due to
    rotate held back by the cap).
    """

    ids: np.ndarray
    origin: np.ndarray
    destination: np.ndarray
    backbone: np.ndarray
    returned_ids: np.ndarray
    returned_from: np.ndarray
    returned_to: np.ndarray
    short: np.ndarray
    deferred: np.ndarray

    def flows(self) -> list[tuple[str, np.ndarray, np.ndarray]]:
        """(flow, origin campuses, destination campuses) of the teacher flows to record: every
        teacher sent (``exchange``) and the backbone ones among them (``exchange_backbone``)."""
        b = self.backbone
        return [("exchange", self.origin, self.destination),
                ("exchange_backbone", self.origin[b], self.destination[b])]


def end_terms(teachers: Teachers, year: int) -> tuple[Teachers, np.ndarray]:
    """Teachers whose posting ended with school year ``year`` (``0 ≤ exchange_until ≤ year``) back
    at the campus holding their post, years at the campus restarted where they moved, postings
    cleared; returns (teachers, mask of those whose posting ended)."""
    t = teachers
    ended = (t.exchange_until >= 0) & (t.exchange_until <= year)
    moved = ended & (t.campus != t.owner)
    return Teachers(**{**vars(t), "campus": np.where(ended, t.owner, t.campus).astype(t.campus.dtype),
                       "years_here": np.where(moved, 0, t.years_here).astype(t.years_here.dtype),
                       "exchange_until": np.where(ended, -1, t.exchange_until).astype(t.exchange_until.dtype)}), ended


def sending_campuses(layout: GroupLayout, rules: ExchangeRules) -> np.ndarray:
    """Campuses that send teachers in the rules' directions (bool per campus): hubs with members,
    members whose group has a hub."""
    g, role = layout.campus_group, layout.campus_role
    in_group = g >= 0
    gi = np.maximum(g, 0)
    hub_sends = rules.directions in ("hub_to_member", "both", "ring")
    member_sends = rules.directions in ("member_to_hub", "both", "ring")
    has_members = layout.members()[gi] > 0 if len(layout.group_hub) else np.zeros(len(g), bool)
    has_hub = layout.group_hub[gi] >= 0 if len(layout.group_hub) else np.zeros(len(g), bool)
    return in_group & (((role == HUB) & has_members & hub_sends) | ((role == MEMBER) & has_hub & member_sends))


def eligible(teachers: Teachers, layout: GroupLayout, rules: ExchangeRules) -> np.ndarray:
    """Teachers who may be exchanged this summer (module docstring, rule 2)."""
    t = teachers
    age_ok = np.where(t.female, t.age < rules.female_max_age, t.age < rules.male_max_age)
    at_home = (t.campus == t.owner) & (t.exchange_until < 0)
    return (at_home & ~t.manager & age_ok & (t.years_here >= rules.min_years_at_school)
            & sending_campuses(layout, rules)[t.campus])


def _rank_within(key: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Position of each row of ``order`` (rows sorted by ``key`` first) within its run of equal keys."""
    k = key[order]
    return np.arange(len(order)) - np.searchsorted(k, k, side="left")


def _ceil_share(share: float, n: np.ndarray) -> np.ndarray:
    return np.ceil(share * np.asarray(n, np.float64) - _EPS).astype(np.int64)


def sent_per_campus(elig: np.ndarray, due: np.ndarray, backbone: np.ndarray, owned: np.ndarray, away: np.ndarray,
                    floor_binds: np.ndarray, rules: ExchangeRules) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per campus, from its eligible, due and eligible-backbone counts, the teachers whose posts it
    holds and how many of them are away already: (teachers to send, backbone teachers among them the
    floor requires, teachers not sent for want of backbone teachers) (module docstring, rules 3 and 4)."""
    cap = np.maximum(np.floor(rules.cap_share * np.asarray(owned, np.float64) + _EPS).astype(np.int64)
                     - np.asarray(away, np.int64), 0)
    n = np.minimum(np.minimum(np.maximum(_ceil_share(rules.share, elig), due), elig), cap)
    f = rules.backbone_floor
    fewer = n
    if f > 0:
        with np.errstate(over="ignore"):
            allowed = np.minimum((np.asarray(backbone, np.float64) + _EPS) / f, n)  # ⌈f m⌉ ≤ B for m ≤ this
        fewer = np.where(floor_binds, np.floor(allowed).astype(np.int64), n)
    need_b = np.where(floor_binds, _ceil_share(f, fewer), 0)
    return fewer, need_b, n - fewer


def group_floor(n: np.ndarray, backbone: np.ndarray, group: np.ndarray, floor: float
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The backbone floor over each group's exchanged teachers as a whole (``backbone_floor_on:
    group``; Huanggang: 交流教师中骨干教师比例不低于30%): per campus, from the teachers it would send
    (``n``) and its eligible backbone teachers (``backbone``), (teachers to send, backbone teachers
    among them, teachers not sent for want of backbone teachers).

    A group sending ``N`` needs ``⌈floor × N⌉`` backbone teachers among them.  Campuses offer
    ``b = min(backbone, n)``; the campuses with the most offer them first.  If the group's offer
    falls short, it sends ``⌊offer ÷ floor⌋`` in all, the cut falling on the non-backbone places of
    the campuses with the most of them, so the floor holds and no more is cut than it needs."""
    n = np.asarray(n, np.int64)
    g = np.asarray(group, np.int64)
    inside = g >= 0
    b = np.where(inside, np.minimum(np.asarray(backbone, np.int64), n), 0)
    n_groups = int(g.max()) + 1 if inside.any() else 0
    total = np.bincount(g[inside], weights=n[inside], minlength=n_groups).astype(np.int64)
    offer = np.bincount(g[inside], weights=b[inside], minlength=n_groups).astype(np.int64)
    required = _ceil_share(floor, total)
    keep = np.minimum(total, np.floor((offer + _EPS) / floor).astype(np.int64)) if floor > 0 else total
    cut_total = np.where(offer >= required, 0, total - keep)

    def greedy(amount: np.ndarray, per_group: np.ndarray) -> np.ndarray:
        """``per_group`` units taken from campuses by ``amount`` descending, at most ``amount`` each."""
        rows = np.flatnonzero(inside)
        rows = rows[np.lexsort((rows, -amount[rows], g[rows]))]
        before = np.cumsum(amount[rows]) - amount[rows]
        start = np.zeros(n_groups, np.int64)
        firsts = np.r_[True, g[rows][1:] != g[rows][:-1]] if len(rows) else np.zeros(0, bool)
        start[g[rows][firsts]] = before[firsts]
        taken = np.zeros(len(n), np.int64)
        taken[rows] = np.clip(per_group[g[rows]] - (before - start[g[rows]]), 0, amount[rows])
        return taken

    need_b = np.where(inside, greedy(b, np.minimum(required, offer)), 0)
    cut = greedy(n - b, cut_total)
    return n - cut, need_b, cut


def _choose(campus: np.ndarray, rows: np.ndarray, due: np.ndarray, draw: np.ndarray, places: np.ndarray) -> np.ndarray:
    """Of ``rows``, the first ``places[campus]`` of each campus by (due first, then draw)."""
    order = rows[np.lexsort((draw[rows], ~due[rows], campus[rows]))]
    return order[_rank_within(campus, order) < places[campus[order]]]


def _ring_destinations(rows: np.ndarray, t: Teachers, layout: GroupLayout, draw: np.ndarray,
                       year: int) -> np.ndarray:
    """Host campus of each sent teacher ``rows`` under ``ring`` (module docstring, rule 6): the
    group's open campuses in campus order form a ring; the k-th teacher a campus at position p of m
    sends (backbone first, then by draw) goes to position ``(p + 1 + (year + k) mod (m − 1)) mod m``,
    never home, the campuses taking turns so each receives about what it sends."""
    home = t.campus[rows]
    group = layout.campus_group
    campuses = np.flatnonzero(group >= 0)
    campuses = campuses[np.lexsort((campuses, group[campuses]))]
    size = np.bincount(group[campuses], minlength=len(layout.group_hub))
    start = np.cumsum(size) - size
    position = np.full(len(group), -1, np.int64)
    position[campuses] = np.arange(len(campuses)) - start[group[campuses]]
    order = np.lexsort((t.id[rows], draw[rows], ~t.backbone[rows], home))
    k = np.empty(len(rows), np.int64)
    k[order] = _rank_within(home, order)
    g, m = group[home], size[group[home]]
    step = 1 + (year + k) % np.maximum(m - 1, 1)
    return campuses[start[g] + (position[home] + step) % m]


def _destinations(rows: np.ndarray, t: Teachers, layout: GroupLayout, draw: np.ndarray,
                  need: np.ndarray) -> np.ndarray:
    """Host campus of each sent teacher ``rows`` (module docstring, rule 6)."""
    home = t.campus[rows]
    group = layout.campus_group[home]
    dest = layout.group_hub[group].astype(np.int64)  # members send to their hub
    from_hub = layout.campus_role[home] == HUB
    if from_hub.any():
        members = np.flatnonzero((layout.campus_group >= 0) & (layout.campus_role == MEMBER))
        members = members[np.lexsort((members, -need[members], layout.campus_group[members]))]
        count = np.bincount(layout.campus_group[members], minlength=len(layout.group_hub))
        start = np.cumsum(count) - count
        hub_rows = np.flatnonzero(from_hub)
        order = hub_rows[np.lexsort((t.id[rows][hub_rows], draw[rows][hub_rows], ~t.backbone[rows][hub_rows],
                                     group[hub_rows]))]
        k = _rank_within(group, order)
        g = group[order]
        dest[order] = members[start[g] + k % count[g]]
    return dest


def exchange_orders(teachers: Teachers, layout: GroupLayout, rules: ExchangeRules, year: int, seed: int,
                    need: np.ndarray | None = None) -> tuple[Teachers, Orders]:
    """The summer's exchange after school year ``year``: ended terms return, then each sending
    campus sends its share of eligible teachers within the cap and the backbone floor to its
    group's other campuses (module docstring).  ``need``: per campus, higher is needier (the order
    in which a hub's members receive teachers); returns (teachers, orders) — a new object, rows in
    the same order."""
    n_campus = len(layout.campus_group)
    t, ended = end_terms(teachers, year)
    came_back = ended & (teachers.campus != teachers.owner)
    need = np.zeros(n_campus) if need is None else np.asarray(need, np.float64)

    elig = eligible(t, layout, rules)
    due = elig & (t.years_here >= rules.must_rotate_years)
    draw = rng.uniform(seed, "exchange", year, t.id)
    floor_binds = (np.ones(n_campus, bool) if rules.backbone_floor_on == "all"
                   else layout.campus_role == HUB if rules.backbone_floor_on == "hub" else np.zeros(n_campus, bool))

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(t.campus[mask], minlength=n_campus)

    owned = np.bincount(t.owner, minlength=n_campus)
    away = np.bincount(t.owner[t.campus != t.owner], minlength=n_campus)
    n, need_b, short = sent_per_campus(count(elig), count(due), count(elig & t.backbone), owned, away, floor_binds,
                                       rules)
    if rules.backbone_floor_on == "group":
        n, need_b, short = group_floor(n, count(elig & t.backbone), layout.campus_group, rules.backbone_floor)
    first = _choose(t.campus, np.flatnonzero(elig & t.backbone), due, draw, need_b)
    rest = np.flatnonzero(elig)
    rest = rest[~np.isin(rest, first)]
    sent = np.sort(np.concatenate([first, _choose(t.campus, rest, due, draw, n - np.minimum(need_b, n))]))
    deferred = count(due) - np.bincount(t.campus[sent[due[sent]]], minlength=n_campus)

    origin = t.campus[sent].astype(np.int64)
    dest = (_ring_destinations(sent, t, layout, draw, year) if rules.directions == "ring"
            else _destinations(sent, t, layout, draw, need))
    campus, owner, years, until = t.campus.copy(), t.owner.copy(), t.years_here.copy(), t.exchange_until.copy()
    campus[sent] = dest
    if not rules.post_stays_home:
        owner[sent] = dest
    years[sent] = 0
    until[sent] = year + rules.term_years
    out = Teachers(**{**vars(t), "campus": campus, "owner": owner, "years_here": years, "exchange_until": until})
    orders = Orders(ids=t.id[sent], origin=origin, destination=dest, backbone=t.backbone[sent].copy(),
                    returned_ids=t.id[came_back], returned_from=teachers.campus[came_back].astype(np.int64),
                    returned_to=t.campus[came_back].astype(np.int64), short=short, deferred=deferred)
    return out, orders


def post_new_hires_at_hub(teachers: Teachers, hired: np.ndarray, layout: GroupLayout, rules: ExchangeRules,
                          year: int) -> tuple[Teachers, np.ndarray]:
    """New teachers first posted at the hub (Xiangyun): each of ``hired`` (mask of teachers just
    hired in September of school year ``year``) whose post is at a member campus of a group with a
    hub teaches at that hub for ``hub_first_posting_years`` school years (``exchange_until = year +
    N − 1``), keeping the member post; returns (teachers, mask of those posted at a hub).  With
    N = 0 nothing changes."""
    t = teachers
    years = rules.hub_first_posting_years
    g = layout.campus_group[t.owner]
    hub = layout.group_hub[np.maximum(g, 0)] if len(layout.group_hub) else np.full(len(t), -1)
    posted = (np.asarray(hired, bool) & (years > 0) & (g >= 0) & (layout.campus_role[t.owner] == MEMBER)
              & (hub >= 0) & (t.campus == t.owner))
    campus = np.where(posted, hub, t.campus).astype(t.campus.dtype)
    until = np.where(posted, year + years - 1, t.exchange_until).astype(t.exchange_until.dtype)
    return Teachers(**{**vars(t), "campus": campus, "exchange_until": until}), posted


def on_posting(teachers: Teachers, year: int) -> np.ndarray:
    """Teachers posted away from home in school year ``year`` (exchange or first posting at the hub;
    under pooled staffing, exchanged teachers whose term runs)."""
    return teachers.exchange_until >= year


def extra_attrition(teachers: Teachers, rules: ExchangeRules, year: int) -> np.ndarray:
    """Per teacher, the probability of leaving added to the ordinary rate in the summer after school
    year ``year``: ``extra_attrition`` while on a posting that includes that year, else 0."""
    return np.where(on_posting(teachers, year), rules.extra_attrition, 0.0)


def title_params(params: TeacherDynamics, rules: ExchangeRules) -> TeacherDynamics:
    """Teacher dynamics with the senior-title rural/weak service rule of the mode: the stricter of the
    scenario's ``senior_hardship_years`` and the rules' ``senior_title_hardship_years``."""
    years = max(params.senior_hardship_years, rules.senior_title_hardship_years)
    return params.model_copy(update={"senior_hardship_years": years})
