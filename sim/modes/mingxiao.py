"""名校+弱校 (mode ``mingxiao_ruoxiao``): a strong hub school takes weak, rural or new member schools,
as 托管 (entrusted management), 结对 (pairing) or 名校+新校 (a new branch campus).

The mechanisms are the pure functions of :mod:`sim.processes.partnership` and
:mod:`sim.processes.exchange`; this module only calls them at the engine's hooks, for all groups of
the mode at once (groups with equal parameters are handled together):

=================  =====================================================================================
hook               what the mode does
=================  =====================================================================================
form               remembers the year each group formed and the management quality at the start
posts              extra posts per member (托管: the executive principal's post; 结对: none)
deploy             new recruits of members first posted at the hub (``exchange.hub_first_posting_years``);
                   a 名校+新校 branch opening this year gets hub teachers (post and quota), the
                   branch's new recruits taking their places at the hub, and the hub's management and
                   a share of its reputation
learning           pupils' yearly gain + management gained since the start (members), − dilution (hubs)
brand              members' reputation target takes a fading share of the hub's reputation
skill_links        a year of partnership: joint research spreads skill from hub to member teachers,
                   and between teachers on exchange and their hosts (the weaker end of a link gains),
                   hub mentors speed members' novices, management raises teachers' growth, and
                   members' management moves toward the hub's (applied to talent and the run state;
                   no ``link_mean`` is returned, so the ordinary peer-learning term stays off)
leaving            extra attrition of teachers on exchange
teacher_rules      the senior title asks for rural or weak-school service while the mode runs
exchange           the summer's exchange orders (交流轮岗): returns, then who rotates where
record / costs     management quality, brand, mentees, dilution; exchange allowances and the groups'
                   running cost (extra posts are real teachers, costed with the teacher posts)
=================  =====================================================================================
"""

from __future__ import annotations

import numpy as np

from ..processes import exchange, partnership
from ..rng import BORN_KEY_BITS
from ..scenario.mingxiao import MingxiaoParams
from .base import Context, Moves, register
from .parts import ExchangeMode, Part, concat, exchange_layout, years_in_group


@register
class Mingxiao(ExchangeMode):
    """名校+弱校 and its variants (module docstring)."""

    name = "mingxiao_ruoxiao"
    columns = ("management_quality", "brand", "mentees", "dilution_sd", "extra_posts")
    cost_items = ("exchange_allowance", "group_management")

    def __init__(self) -> None:
        super().__init__()
        self._formed: dict[int, int] = {}       # group → simulated year it formed
        self._mq_start: np.ndarray | None = None  # management quality before any group formed
        self._branches: set[int] = set()        # 名校+新校 members not open yet: seeded when they open

    # -- helpers ---------------------------------------------------------------------------

    def _management(self, ctx: Context, params: MingxiaoParams) -> tuple[np.ndarray, np.ndarray]:
        """Per campus, (pupils' yearly gain SD, extra share of teachers' growth) from the management
        quality gained since the first group formed."""
        start = ctx.state.management if self._mq_start is None else self._mq_start
        return partnership.management_effect(ctx.state.management, start, params.management)

    # -- hooks -----------------------------------------------------------------------------

    def form(self, ctx: Context) -> None:
        if self._mq_start is None:
            self._mq_start = ctx.state.management.copy()
        for g in ctx.groups.tolist():
            self._formed[g] = ctx.year
        for part in self._parts(ctx):
            if part.params.variant == "xinxiao":
                self._branches |= set(np.flatnonzero((part.hub_of >= 0) & ~ctx.state.open).tolist())

    def posts(self, ctx: Context, posts: np.ndarray) -> np.ndarray:
        out = posts.copy()
        for part in self._parts(ctx):
            extra = int(round(part.params.extra_posts()))
            member = (part.hub_of >= 0) & ctx.state.open
            out[member] += extra * (out[member] > 0)
        return out

    def deploy(self, ctx: Context) -> Moves | None:
        st, moves = ctx.state, []
        for part in self._parts(ctx):
            t = st.teachers
            hired = (t.id >> BORN_KEY_BITS) == ctx.year
            t, posted = exchange.post_new_hires_at_hub(t, hired, exchange_layout(ctx, part), part.params.exchange, ctx.year)
            moves.append(Moves(st.teachers.campus[posted].astype(np.int64), t.campus[posted].astype(np.int64)))
            st.teachers = t
            if part.params.variant == "xinxiao":
                moves.append(self._open_branches(ctx, part))
        return concat(moves, "deployment")

    def _open_branches(self, ctx: Context, part: Part) -> Moves | None:
        """名校+新校: each member campus that was not open when its group formed gets, in the year it
        opens, hub teachers (post and quota), as many of its own teachers (this year's recruits first)
        going to the hub in their place,
        and its hub's management and a share of its reputation.  (A member already open when the
        group formed is run like a 托管 member: the variant's management rate and brand share.)"""
        st, p, out = ctx.state, part.params, []
        for branch in np.flatnonzero((part.hub_of >= 0) & st.open).tolist():
            if branch not in self._branches:
                continue
            self._branches.discard(branch)
            hub = int(part.hub_of[branch])
            t = st.teachers
            at_branch = int((t.campus == branch).sum())
            sent = partnership.branch_staff(t.id, t.campus, t.owner, hub, at_branch, p.branch.seed_share,
                                            p.branch.hub_cap, ctx.seed, ctx.year)
            staff = np.flatnonzero(t.campus == branch)  # swapped 1 : 1, this year's recruits first
            back = staff[np.lexsort((t.id[staff], (t.id[staff] >> BORN_KEY_BITS) != ctx.year))][:len(sent)]
            sent = sent[:len(back)]
            campus, owner = t.campus.copy(), t.owner.copy()
            campus[sent], owner[sent] = branch, branch
            campus[back], owner[back] = hub, hub
            st.teachers = type(t)(**{**vars(t), "campus": campus, "owner": owner})
            out.append(np.r_[np.full(len(sent), hub), np.full(len(back), branch)])
            out.append(np.r_[np.full(len(sent), branch), np.full(len(back), hub)])
            st.management = partnership.open_branch_management(st.management, branch, hub)
            st.reputation = partnership.open_branch_reputation(st.reputation, branch, hub, p.brand_share())
        if not out:
            return None
        return Moves(np.concatenate(out[0::2]).astype(np.int64), np.concatenate(out[1::2]).astype(np.int64))

    def _gain_terms(self, ctx: Context, part: Part) -> tuple[np.ndarray, np.ndarray]:
        """Per campus: the pupils' yearly gain from management gained (members) and the dilution
        lost (hubs), SD per year."""
        t, n = ctx.state.teachers, len(part.hub_of)
        gain, _ = self._management(ctx, part.params)
        loss = partnership.dilution(partnership.members_per_hub(part.hub_of),
                                    partnership.backbone_away_share(t.owner, t.campus, t.backbone, n),
                                    part.params.dilution)
        return np.where(part.hub_of >= 0, gain, 0.0), loss

    def learning(self, ctx: Context, class_skill: np.ndarray, class_campus: np.ndarray) -> np.ndarray:
        for part in self._parts(ctx):
            gain, loss = self._gain_terms(ctx, part)
            class_skill = class_skill + (gain - loss)[class_campus]
        return class_skill

    def brand(self, ctx: Context) -> None:
        st, measured = ctx.state, ctx.state.measured
        years = years_in_group(ctx, self._formed)
        for part in self._parts(ctx):
            offset = partnership.brand(st.reputation, measured, part.hub_of, years, part.params.brand_share(),
                                       part.params.brand)
            st.brand = np.where(part.in_part, offset, st.brand)

    def skill_links(self, ctx: Context) -> None:
        st, dyn = ctx.state, ctx.scenario.dynamics.teachers
        for part in self._parts(ctx):
            t, p = st.teachers, part.params
            k = p.teaching.links_per_teacher
            member_side, hub_side = partnership.skill_links(t.id, t.campus, t.pe_arts, part.hub_of, k, ctx.seed,
                                                            ctx.year)
            hosts, visitors = partnership.host_links(t.id, t.campus, t.owner, t.pe_arts, part.in_part, k, ctx.seed,
                                                     ctx.year)
            mentor = partnership.mentoring_pairs(t.id, t.campus, t.experience, t.backbone, t.skill, part.hub_of,
                                                 p.teaching.mentee_years, p.teaching.mentees_per_mentor)
            _, growth = self._management(ctx, p)
            grown = (partnership.spread_skill(t.skill, np.r_[member_side, hosts], np.r_[hub_side, visitors],
                                              p.teaching.spread_rate)
                     + partnership.mentoring_growth(t.experience, mentor, p.teaching.mentoring_speedup, dyn)
                     + partnership.experience_growth(t.experience, np.where(part.in_part, growth, 0.0)[t.campus], dyn))
            st.teachers = type(t)(**{**vars(t), "talent": (t.talent + grown).astype(t.talent.dtype)})
            st.management = partnership.management_step(st.management, part.hub_of, p.convergence_rate())
        return None

    def record(self, ctx: Context) -> dict[str, np.ndarray]:
        st, t = ctx.state, ctx.state.teachers
        n = len(st.reputation)
        out = {"management_quality": np.zeros(n), "brand": np.zeros(n), "mentees": np.zeros(n),
               "dilution_sd": np.zeros(n), "extra_posts": np.zeros(n)}
        for part in self._parts(ctx):
            p = part.params
            mentor = partnership.mentoring_pairs(t.id, t.campus, t.experience, t.backbone, t.skill, part.hub_of,
                                                 p.teaching.mentee_years, p.teaching.mentees_per_mentor)
            _, loss = self._gain_terms(ctx, part)
            out["management_quality"] += np.where(part.in_part, st.management, 0.0)
            out["brand"] += np.where(part.in_part, st.brand, 0.0)
            out["mentees"] += np.bincount(t.campus[mentor >= 0], minlength=n)
            out["dilution_sd"] += loss
            out["extra_posts"] += np.where((part.hub_of >= 0) & st.open, round(p.extra_posts()), 0)
        return out

    def costs(self, ctx: Context) -> dict[str, np.ndarray]:
        t, n = ctx.state.teachers, len(ctx.state.reputation)
        posted = np.bincount(t.campus[exchange.on_posting(t, ctx.year)], minlength=n)  # exchange, first postings
        out = {"exchange_allowance": np.zeros(n), "group_management": np.zeros(n)}
        for part in self._parts(ctx):
            c = partnership.partnership_costs(part.hub_of, posted * part.in_part, 0.0, part.params.costs,
                                              ctx.scenario.costs.teacher_yuan_per_year)
            out["exchange_allowance"] += c["exchange_allowance_yuan"]
            out["group_management"] += c["group_management_yuan"]
        return out
