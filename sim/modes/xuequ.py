"""学区制 (mode ``xuequ``): neighbouring campuses form a school district under a head school (the
group's hub) and a joint council; each campus keeps its legal person, budget and posts.

Ziyun's "十统一" as mechanisms, each the pure function of :mod:`sim.processes.district` (or the
exchange rules of every mode, :mod:`sim.processes.exchange`) called at the engine's hooks:

=================  =====================================================================================
hook               what the mode does
=================  =====================================================================================
form               remembers the year each district formed (the start of 滚动划片's rotation)
zones              admission by district: ``lottery`` (多校划片) zones each cell whose catchment campus is
                   in a district to the district's campuses teaching the stage (those within reach:
                   :func:`sim.processes.enrolment.zoned`); ``rolling`` (滚动划片) rotates the cell's
                   zoned campus over the district's campuses every ``rolling_period_years``; ``none``
                   keeps catchments
admission          marks the cells whose zone's places go by random lottery (``ranking: random``,
                   电脑随机派位) rather than by families' ranking
facilities         pupils learn with their campus's resources less the pooled share plus their part of
                   the district's pool, discounted by travel minutes (the official per-school
                   indicators keep each campus's own)
skill_links        joint research and lesson preparation: each teacher linked to teachers of the same
                   subject group at the district's other campuses, and teachers on exchange to their
                   hosts; the weaker of a link gains
leaving            extra attrition of teachers posted away (the exchange rules' ``extra_attrition``)
teacher_rules      the senior title asks for rural or weak-school service while the mode runs
exchange           unified deployment: returns, then the district's share of front-line teachers
                   goes to the district's other campuses in turn (``directions: ring``); leaders and
                   middle managers rotate around the district's ring too
record / costs     the district's mean achievement (unified evaluation), leaders posted away; the
                   council's running cost and allowances of teachers and leaders posted away
=================  =====================================================================================
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..network import travel_minutes
from ..processes import district, exchange
from ..scenario.xuequ import XuequParams
from .base import Context, Moves, register
from .parts import ExchangeMode, Part, concat, research_links


@register
class Xuequ(ExchangeMode):
    """学区制 (module docstring)."""

    name = "xuequ"
    columns = ("district_mean_achievement", "leaders_posted")
    cost_items = ("district_running", "exchange_allowance")

    def __init__(self) -> None:
        super().__init__()
        self._formed: dict[int, int] = {}  # group → simulated year it formed
        self._minutes: dict[tuple[int, ...], np.ndarray] = {}  # part's groups → minutes per district pair

    def form(self, ctx: Context) -> None:
        for g in ctx.groups.tolist():
            self._formed[g] = ctx.year

    def zones(self, ctx: Context, part: int, zones: np.ndarray) -> np.ndarray:
        teaches = ctx.net.campus_teaches[:, part].astype(bool) & ctx.state.open
        for p in self._parts(ctx):
            params: XuequParams = p.params
            if params.admission == "lottery":
                zones = _widen(zones, district.district_zones(zones[:, 0], p.group_of, teaches))
            elif params.admission == "rolling":
                first = zones[:, 0].copy()
                for g in p.groups.tolist():  # a cell's catchment campus is in one district at most
                    first = district.rolling_zone(first, np.where(p.group_of == g, 0, -1), ctx.year, self._formed[g],
                                                  params.rolling_period_years, teaches)
                zones = zones.copy()
                zones[:, 0] = first
        return zones

    def admission(self, ctx: Context, rule):  # noqa: ANN001, ANN201 (an AdmissionRule in and out)
        random = [p for p in self._parts(ctx) if p.params.admission == "lottery" and p.params.ranking == "random"]
        if not random:
            return rule
        net, campuses = ctx.net, np.zeros(len(ctx.state.reputation), bool)
        for p in random:
            campuses |= p.in_part
        flagged = campuses[np.maximum(net.catchment, 0)] & (net.catchment >= 0)  # (part, cell)

        def district_lottery(a):  # noqa: ANN001, ANN202
            return rule(replace(a, zone_random=flagged[a.part]))
        return district_lottery

    def facilities(self, ctx: Context, resources: np.ndarray, pupils: np.ndarray) -> np.ndarray:
        for p in self._parts(ctx):
            f = p.params.facilities
            if f.share > 0:
                resources = district.pooled_resources(resources, pupils, p.group_of, self._pair_minutes(ctx, p),
                                                      f.share, f.discount_per_minute)
        return resources

    def _pair_minutes(self, ctx: Context, p: Part) -> np.ndarray:
        """Travel minutes between the campuses of each pair of :func:`district.district_pairs`."""
        key = tuple(p.groups.tolist())
        if key not in self._minutes:
            i, j = district.district_pairs(p.group_of)
            net = ctx.net
            km = np.hypot(net.campus_x_km[i] - net.campus_x_km[j], net.campus_y_km[i] - net.campus_y_km[j])
            self._minutes[key] = travel_minutes(km, net.campus_locale[j], ctx.scenario.travel)
        return self._minutes[key]

    def skill_links(self, ctx: Context) -> None:
        for p in self._parts(ctx):
            research_links(ctx, p, p.params.research)
        return None

    def exchange(self, ctx: Context) -> Moves | None:
        teachers = super().exchange(ctx)
        return concat([teachers, *(self._rotate_leaders(ctx, p) for p in self._parts(ctx))], "exchange")

    def _rotate_leaders(self, ctx: Context, p: Part) -> Moves | None:
        """校级领导、中层交流: leaders sent this summer teach and lead at their host campus for the
        exchange term, then return (their post stays home)."""
        lead = p.params.leaders
        if not lead.rotate:
            return None
        st, t = ctx.state, ctx.state.teachers
        who, host = district.leader_rotation(t.id, t.campus, t.owner, t.manager, np.where(st.open, p.group_of, -1),
                                             lead.share, ctx.seed, ctx.year)
        if not len(who):
            return None
        campus, until = t.campus.copy(), t.exchange_until.copy()
        origin = t.campus[who].astype(np.int64)
        campus[who] = host
        until[who] = ctx.year + p.params.exchange.term_years
        st.teachers = type(t)(**{**vars(t), "campus": campus, "exchange_until": until.astype(t.exchange_until.dtype)})
        return Moves(origin, host.astype(np.int64), "exchange", np.asarray(t.backbone[who], bool))

    def record(self, ctx: Context) -> dict[str, np.ndarray]:
        st, s, t = ctx.state, ctx.state.students, ctx.state.teachers
        n = len(st.reputation)
        pupils = np.bincount(s.campus[s.campus >= 0], minlength=n)
        mean = np.bincount(s.campus[s.campus >= 0], weights=s.achievement[s.campus >= 0], minlength=n)
        mean = np.divide(mean, pupils, out=np.zeros(n), where=pupils > 0)
        leaders_here = np.bincount(t.campus[exchange.on_posting(t, ctx.year) & t.manager], minlength=n)
        out = {"district_mean_achievement": np.zeros(n), "leaders_posted": np.zeros(n)}
        for p in self._parts(ctx):
            if p.params.unified_evaluation:
                out["district_mean_achievement"] += np.nan_to_num(district.district_mean(mean, pupils, p.group_of))
            out["leaders_posted"] += np.where(p.in_part, leaders_here, 0)
        return out

    def costs(self, ctx: Context) -> dict[str, np.ndarray]:
        t, n = ctx.state.teachers, len(ctx.state.reputation)
        posted = np.bincount(t.campus[exchange.on_posting(t, ctx.year)], minlength=n)
        out = {"district_running": np.zeros(n), "exchange_allowance": np.zeros(n)}
        for p in self._parts(ctx):
            c = district.district_costs(p.group_of, p.hub, posted, p.params.costs)
            out["district_running"] += c["district_running_yuan"]
            out["exchange_allowance"] += c["exchange_allowance_yuan"]
        return out


def _widen(zones: np.ndarray, wider: np.ndarray) -> np.ndarray:
    """Zones of ``wider`` where it has more than one campus, ``zones`` elsewhere (padded to one width)."""
    width = max(zones.shape[1], wider.shape[1])
    pad = lambda z: np.pad(z, ((0, 0), (0, width - z.shape[1])), constant_values=-1)  # noqa: E731
    multi = (wider >= 0).sum(axis=1) > 1
    return np.where(multi[:, None], pad(wider), pad(zones))
