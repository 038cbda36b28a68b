"""What the grouping modes share: their active groups split by parameter set (:class:`Part`, as
per-campus arrays), the exchange layout of a part, the years each campus has been in its group, the
teachers moved by several calls gathered into one :class:`~sim.modes.base.Moves`, joint research
links across a group's campuses, and the hooks of every mode with an exchange block
(:class:`ExchangeMode`).

A mode's hooks receive all its active groups at once (``ctx.groups`` with their ``ctx.params``);
groups with equal parameters are handled together, so a scenario whose groups share one parameter
set (the usual case) runs each mechanism once over arrays, whatever the number of groups.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..processes import district, exchange, partnership
from ..scenario.base import Model
from ..scenario.xuequ import JointResearch
from .base import Context, GroupingMode, Moves


@dataclass(frozen=True)
class Part:
    """The active groups of a mode that share one parameter set, as per-campus arrays."""

    params: Model
    groups: np.ndarray    # group indices
    hub_of: np.ndarray    # per campus: hub of the group it is a member of, −1 otherwise
    in_part: np.ndarray   # per campus: hub or member of one of ``groups``
    group_of: np.ndarray  # per campus: its group if in ``groups``, else −1

    @property
    def hub(self) -> np.ndarray:
        """Per campus: it is the hub (head school, core campus) of one of ``groups``."""
        return self.in_part & (self.hub_of < 0)


class Parts:
    """A mode's active groups by parameter set, remembered per set of active groups (the network's
    group structure does not change during a run)."""

    def __init__(self) -> None:
        self._by_groups: dict[tuple[int, ...], list[Part]] = {}

    def __call__(self, ctx: Context) -> list[Part]:
        key = tuple(ctx.groups.tolist())
        if key not in self._by_groups:
            self._by_groups[key] = _split(ctx)
        return self._by_groups[key]


def _split(ctx: Context) -> list[Part]:
    sets: list[tuple[Model, list[int]]] = []
    for g, p in zip(ctx.groups.tolist(), ctx.params):
        for q, gs in sets:
            if q == p:
                gs.append(g)
                break
        else:
            sets.append((p, [g]))
    net, out = ctx.net, []
    for p, gs in sets:
        active = np.zeros(len(net.group_hub), bool)
        active[gs] = True
        hub_of = partnership.member_hub(net.campus_group, net.campus_role, net.group_hub, active)
        in_part = np.isin(net.campus_group, gs)
        out.append(Part(p, np.array(gs), hub_of, in_part, np.where(in_part, net.campus_group, -1).astype(np.int64)))
    return out


def exchange_layout(ctx: Context, part: Part) -> exchange.GroupLayout:
    """The part's groups for the exchange rules, without closed campuses (a campus not open yet
    neither sends nor receives teachers)."""
    formed = np.zeros(len(ctx.net.group_hub), bool)
    formed[part.groups] = True
    layout = exchange.GroupLayout.of(ctx.net, formed)
    closed = ~ctx.state.open
    return replace(layout, campus_group=np.where(closed, -1, layout.campus_group),
                   campus_role=np.where(closed, 0, layout.campus_role).astype(np.int8))


def years_in_group(ctx: Context, formed: dict[int, int]) -> np.ndarray:
    """Per campus, years since its group formed (``formed``: group → year; 0 in the year it forms
    and for campuses outside the groups)."""
    first = np.full(len(ctx.net.group_hub) + 1, ctx.year)
    for g, year in formed.items():
        first[g] = year
    return ctx.year - first[ctx.net.campus_group]


def concat(moves: list[Moves | None], flow: str) -> Moves | None:
    """One :class:`Moves` of ``flow`` from several (None when nobody moved)."""
    moves = [m for m in moves if m is not None and len(m.origin)]
    if not moves:
        return None
    backbone = [m.backbone for m in moves]
    return Moves(np.concatenate([m.origin for m in moves]), np.concatenate([m.destination for m in moves]), flow,
                 None if any(b is None for b in backbone) else np.concatenate(backbone))


def exchange_moves(ctx: Context, part: Part, rules: exchange.ExchangeRules) -> Moves:
    """The summer's exchange orders of the part's groups under ``rules`` (weaker campuses receive
    hub teachers first), applied to ``ctx.state.teachers``."""
    st = ctx.state
    st.teachers, orders = exchange.exchange_orders(st.teachers, exchange_layout(ctx, part), rules, ctx.year,
                                                   ctx.seed, -st.reputation)
    return Moves(orders.origin, orders.destination, "exchange", orders.backbone)


def research_links(ctx: Context, part: Part, research: JointResearch) -> None:
    """A year of joint research and lesson preparation across the part's groups: each teacher is
    linked to ``research.links_per_teacher`` teachers of the same subject group at the group's other
    campuses, and teachers on a posting to their hosts; the weaker of each link closes
    ``research.spread_rate`` of the gap (talent of ``ctx.state.teachers`` raised in place)."""
    st = ctx.state
    t, k = st.teachers, research.links_per_teacher
    seekers, partners = district.district_links(t.id, t.campus, t.pe_arts, part.group_of, k, ctx.seed, ctx.year)
    hosts, visitors = partnership.host_links(t.id, t.campus, t.owner, t.pe_arts, part.in_part, k, ctx.seed, ctx.year)
    grown = partnership.spread_skill(t.skill, np.r_[seekers, hosts], np.r_[partners, visitors], research.spread_rate)
    st.teachers = type(t)(**{**vars(t), "talent": (t.talent + grown).astype(t.talent.dtype)})


class ExchangeMode(GroupingMode):
    """A mode whose groups' parameters hold an ``exchange`` block (:class:`ExchangeRules`): its
    teachers on a posting leave at the rules' extra rate, the senior title asks for the rules'
    rural or weak-school service, and each summer the rules' exchange orders run.  Subclasses set
    ``name``, register, and add their own hooks (calling these where they add to them)."""

    def __init__(self) -> None:
        self._parts = Parts()

    def leaving(self, ctx: Context) -> np.ndarray | None:
        t, out = ctx.state.teachers, None
        for part in self._parts(ctx):
            extra = exchange.extra_attrition(t, part.params.exchange, ctx.year) * part.in_part[t.owner]
            out = extra if out is None else out + extra
        return out

    def teacher_rules(self, ctx: Context, params):  # noqa: ANN001, ANN201 (TeacherDynamics in and out)
        for part in self._parts(ctx):
            params = exchange.title_params(params, part.params.exchange)
        return params

    def exchange(self, ctx: Context) -> Moves | None:
        return concat([exchange_moves(ctx, part, part.params.exchange) for part in self._parts(ctx)], "exchange")
