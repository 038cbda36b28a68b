"""教联体 (mode ``jiaolianti``, Huanggang's fused consortium): a core county-town school (the group's
hub) and township and village schools (its members) become one school with one legal person.

Its integrations as mechanisms, each the pure function of :mod:`sim.processes.consortium` (or of the
exchange rules of every mode, :mod:`sim.processes.exchange`, and the district's research links,
:mod:`sim.processes.district`) called at the engine's hooks:

=================  =====================================================================================
hook               what the mode does
=================  =====================================================================================
form               one leadership team: a share of each member campus's managers return to teaching (its
                   team stays that much smaller);
                   PE/music/art specialists teaching main subjects return to their own subject
admission          consortium-wide admission: pupils a campus cannot seat are placed at other campuses of
                   the consortium too (one school), and school buses shorten families' trips to member
                   campuses (choice and placement; boarding kept)
pool               pooled 编制: each September surplus teachers fill vacancies of the same subject group
                   at campuses of the same consortium within ``max_minutes``, before 调剂 and hiring
learning           synchronous classes (专递课堂): a share of member classes' lessons at the core's
                   backbone teachers' skill, discounted; less the effort cost of centralising (default 0)
brand              member campuses carry the core school's name: a fading share of its reputation
skill_links        joint research and lesson preparation across the consortium's campuses
leaving            extra attrition of teachers posted away; staff flats at far campuses cut attrition
teacher_rules      the senior title asks for rural or weak-school service while the mode runs
exchange           mandatory exchange with the backbone floor over the consortium's exchanged teachers; posts move with
                   the teacher (pooled posts)
record / costs     grade-5 and grade-8 sampling tests (the consortium's mean), the synchronous classes'
                   gain, managers and PE/arts teachers returned, allowance level; the consortium's
                   running cost, networked rooms, buses and the distance-tier allowances of exchanged
                   teachers
=================  =====================================================================================
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..network import travel_minutes
from ..processes import consortium, district, exchange, partnership
from ..processes.teachers import attrition_probability
from .base import Context, Moves, register
from .parts import ExchangeMode, Part, concat, research_links, years_in_group

SAMPLED_GRADES = (5, 8)
"""Grades of Huanggang's sampling tests (五年级、八年级抽测), recorded as ``sampling_test_g<grade>``."""


@register
class Jiaolianti(ExchangeMode):
    """教联体 (module docstring)."""

    name = "jiaolianti"
    columns = ("sampling_test_g5", "sampling_test_g8", "synchronous_gain_sd", "managers_returned",
               "pe_arts_returned", "allowance_level", "minutes_from_core")
    cost_items = ("consortium_running", "network_rooms", "buses", "tier_allowance")

    def __init__(self) -> None:
        super().__init__()
        self._formed: dict[int, int] = {}  # group → simulated year it formed
        self._returned: dict[str, np.ndarray] = {}  # this year's returners per campus (the year a consortium forms)
        self._gain: np.ndarray | None = None       # this year's synchronous gain per class

    # -- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _minutes_from_core(ctx: Context, p: Part) -> np.ndarray:
        """Per campus, one-way travel minutes from its consortium's core campus (0 at the core, nan
        outside the part)."""
        net, hub = ctx.net, np.where(p.hub_of >= 0, p.hub_of, np.arange(len(p.hub_of)))
        km = np.hypot(net.campus_x_km - net.campus_x_km[hub], net.campus_y_km - net.campus_y_km[hub])
        return np.where(p.in_part, travel_minutes(km, net.campus_locale, ctx.scenario.travel), np.nan)

    def _housed(self, ctx: Context, p: Part) -> np.ndarray:
        """Member campuses with staff flats (at least ``housing_minutes`` from the core)."""
        return (p.hub_of >= 0) & (np.nan_to_num(self._minutes_from_core(ctx, p)) >= p.params.support.housing_minutes)

    # -- hooks -----------------------------------------------------------------------------

    def form(self, ctx: Context) -> None:
        st, n = ctx.state, len(ctx.state.reputation)
        for g in ctx.groups.tolist():
            self._formed[g] = ctx.year
        forming = np.isin(ctx.net.campus_group, ctx.groups)
        managers, pe_arts = np.zeros(n), np.zeros(n)
        for p in self._parts(ctx):
            lead = p.params.leadership
            member = (p.hub_of >= 0) & forming
            st.teachers, back = consortium.managers_to_classes(st.teachers, member, lead.managers_return_share,
                                                               ctx.seed, ctx.year)
            st.leadership = np.where(member, st.leadership - np.floor(lead.managers_return_share * st.leadership
                                                                      + 1e-9).astype(np.int64), st.leadership)
            managers += np.bincount(st.teachers.campus[back], minlength=n)
            st.teachers, back = consortium.pe_arts_to_subject(st.teachers, p.in_part & forming,
                                                              lead.pe_arts_specialist_share, lead.pe_arts_return_share,
                                                              ctx.seed)
            pe_arts += np.bincount(st.teachers.campus[back], minlength=n)
        self._returned = {"managers_returned": managers, "pe_arts_returned": pe_arts}

    def admission(self, ctx: Context, rule):  # noqa: ANN001, ANN201 (an AdmissionRule in and out)
        net = ctx.net
        choice_min, school = net.choice_min, np.full(len(ctx.state.reputation), -1)
        radius = 0.0
        for p in self._parts(ctx):  # the widest radius of the parts: one Applicants carries one radius
            radius = max(radius, p.params.admission.placement_minutes)
            school = np.where(p.in_part & ctx.state.open & (p.params.admission.placement_minutes > 0), p.group_of,
                              school)
            saved = p.params.support.bus_minutes_saved
            if saved > 0:
                choice_min = consortium.bus_minutes(choice_min, net.choice, (p.hub_of >= 0) & ctx.state.open, saved)
        bused = replace(net, choice_min=choice_min)

        def consortium_admission(a):  # noqa: ANN001, ANN202
            return rule(replace(a, net=bused, one_school=school, one_school_minutes=radius))
        return consortium_admission

    def pool(self, ctx: Context, posts: np.ndarray) -> Moves | None:
        st, net, moves = ctx.state, ctx.net, []
        by_group = consortium.split_posts(posts, ctx.scenario.teachers.pe_arts_share)
        xy = np.column_stack([net.campus_x_km, net.campus_y_km])
        for p in self._parts(ctx):
            pool = p.params.pooling
            if not pool.on:
                continue
            st.teachers, d = consortium.deploy_by_need(st.teachers, by_group, np.where(st.open, p.group_of, -1), xy,
                                                       net.campus_locale, ctx.scenario.travel, pool.max_minutes,
                                                       ctx.year)
            moves.append(Moves(d.origin, d.destination, "pooled_deployment"))
        return concat(moves, "pooled_deployment")

    def learning(self, ctx: Context, class_skill: np.ndarray, class_campus: np.ndarray) -> np.ndarray:
        t, before = ctx.state.teachers, class_skill
        for p in self._parts(ctx):
            sync = p.params.synchronous
            lead = consortium.hub_backbone_skill(t.skill, t.campus, t.backbone, t.pe_arts, p.hub_of)
            class_skill = consortium.synchronous_skill(class_skill, class_campus, lead, sync.share, sync.discount)
            class_skill = consortium.effort_cost(class_skill, class_campus, p.hub_of >= 0,
                                                 p.params.centralisation.effort_sd)
        self._gain = (class_skill - before, class_campus)
        return class_skill

    def brand(self, ctx: Context) -> None:
        st, measured = ctx.state, ctx.state.measured
        years = years_in_group(ctx, self._formed)
        for p in self._parts(ctx):
            b = p.params.brand
            offset = partnership.brand(st.reputation, measured, p.hub_of, years, b.share, b)
            st.brand = np.where(p.in_part, offset, st.brand)

    def skill_links(self, ctx: Context) -> None:
        for p in self._parts(ctx):
            research_links(ctx, p, p.params.research)
        return None

    def leaving(self, ctx: Context) -> np.ndarray | None:
        st, t = ctx.state, ctx.state.teachers
        base = attrition_probability(ctx.net.campus_locale[t.campus], st.allowance[t.campus], t.experience,
                                     ctx.scenario.dynamics.teachers)
        out = super().leaving(ctx)
        for p in self._parts(ctx):
            out = out + consortium.housing_attrition(base, t.campus, self._housed(ctx, p),
                                                     p.params.support.housing_attrition_cut)
        return out

    def record(self, ctx: Context) -> dict[str, np.ndarray]:
        st, s = ctx.state, ctx.state.students
        n = len(st.reputation)
        out = {c: np.zeros(n) for c in self.columns}
        out.update({k: v.copy() for k, v in self._returned.items()})
        self._returned = {}
        if self._gain is not None:
            gain, campus = self._gain
            classes = np.bincount(campus, minlength=n)
            out["synchronous_gain_sd"] = np.divide(np.bincount(campus, weights=gain, minlength=n), classes,
                                                   out=np.zeros(n), where=classes > 0)
        placed = s.campus >= 0
        for grade in SAMPLED_GRADES:
            rows = placed & (s.grade == grade)
            pupils = np.bincount(s.campus[rows], minlength=n)
            mean = np.divide(np.bincount(s.campus[rows], weights=s.achievement[rows], minlength=n), pupils,
                             out=np.zeros(n), where=pupils > 0)
            for p in self._parts(ctx):
                out[f"sampling_test_g{grade}"] += np.nan_to_num(district.district_mean(mean, pupils, p.group_of))
        for p in self._parts(ctx):
            minutes = self._minutes_from_core(ctx, p)
            out["minutes_from_core"] += np.nan_to_num(minutes)
            out["allowance_level"] += consortium.allowance_level(minutes, p.params.support.tier_minutes)
        return out

    def costs(self, ctx: Context) -> dict[str, np.ndarray]:
        t, n = ctx.state.teachers, len(ctx.state.reputation)
        posted = np.bincount(t.campus[exchange.on_posting(t, ctx.year)], minlength=n)
        joined = np.isin(ctx.net.campus_group, [g for g, y in self._formed.items() if y == ctx.year])
        out = {item: np.zeros(n) for item in self.cost_items}
        for p in self._parts(ctx):
            sup = p.params.support
            month = consortium.tier_allowance(self._minutes_from_core(ctx, p), sup.tier_minutes, sup.tier_yuan_per_month)
            c = consortium.consortium_costs(p.hub_of, joined & p.in_part, (p.hub_of >= 0) & (sup.bus_minutes_saved > 0),
                                            posted * p.in_part, month, p.params.costs)
            for item, key in (("consortium_running", "running_yuan"), ("network_rooms", "network_rooms_yuan"),
                              ("buses", "bus_yuan"), ("tier_allowance", "allowance_yuan")):
                out[item] += c[key]
        return out
