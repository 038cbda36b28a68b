"""名校+弱校 through the engine: the teacher-exchange rules (交流轮岗) hold exactly, every summer of
every replicate, on the shipped county_mingxiao scenario and on variants of it; groups that have not
formed yet change nothing; and each parameter family changes what the engine does.

How the summers are watched: the registered mode is replaced (for the test only) by a subclass that
records the teachers just before and just after its ``exchange`` hook and the moves it returns
(:class:`Spy`), and ``Simulation.run(observer=...)`` snapshots the teachers each year as the year is
recorded (:class:`Watch`).  Every rule is then checked on each summer and each year of the run
(:func:`check_run`).  The pure mechanisms are unit-tested in test_exchange_rules.py and
test_partnership.py; this file tests that the engine calls them at the right time, with the right
state, and keeps what they decide."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest

from sim.engine import Simulation
from sim.modes import REGISTRY
from sim.modes.mingxiao import Mingxiao
from sim.network import ROLES
from sim.results import tables
from sim.rng import BORN_KEY_BITS
from sim.scenario.loader import load_scenario
from sim.state import SENIOR, Teachers

from conftest import ROOT

MINGXIAO = ROOT / "scenarios" / "county_mingxiao.yaml"
BASELINE = ROOT / "scenarios" / "county_baseline.yaml"
N_GROUPS = 7
"""Groups of county_mingxiao.yaml (the overrides below set a parameter in every one of them)."""
YEARS = 6
HUB, MEMBER = ROLES.index("hub"), ROLES.index("member")
EPS = 1e-9


def every_group(**values) -> list[str]:
    """``--set`` overrides giving every group of county_mingxiao the same ``params`` values
    (dotted keys below ``params``)."""
    return [f"groups[{i}].params.{key}={value}" for i in range(N_GROUPS) for key, value in values.items()]


def scenario(*overrides: str, years: int = YEARS):
    return load_scenario(MINGXIAO, [f"simulation.years={years}", *overrides])


# -- watching a run -----------------------------------------------------------------------------

def _copy(t: Teachers) -> Teachers:
    return Teachers(**{k: np.array(v, copy=True) for k, v in vars(t).items()})


@dataclass
class Summer:
    """One call of the exchange hook: teachers before and after, the moves returned, the groups."""

    year: int
    before: Teachers
    after: Teachers
    moves: object
    rules: object
    groups: np.ndarray
    net: object


class Spy(Mingxiao):
    """The shipped mode, recording each summer's exchange and title rules (same name, same hooks)."""

    def __init__(self) -> None:
        super().__init__()
        self.summers: list[Summer] = []
        self.title_rules: dict[int, int] = {}

    def exchange(self, ctx):  # noqa: ANN001, ANN201
        before = _copy(ctx.state.teachers)
        moves = super().exchange(ctx)
        rules = {p.exchange for p in ctx.params}
        assert len(rules) == 1, "the checks below assume one set of exchange rules per run"
        self.summers.append(Summer(ctx.year, before, _copy(ctx.state.teachers), moves, rules.pop(),
                                   ctx.groups.copy(), ctx.net))
        return moves

    def teacher_rules(self, ctx, params):  # noqa: ANN001, ANN201
        out = super().teacher_rules(ctx, params)
        self.title_rules[ctx.year] = out.senior_hardship_years
        return out


@pytest.fixture(autouse=True)
def spy(monkeypatch):
    """The engine builds its mode objects from the registry: put the spy there for each test."""
    monkeypatch.setitem(REGISTRY, Mingxiao.name, Spy)


@dataclass
class Watch:
    """Observer: the teachers as each year is recorded, and the groups active then."""

    snaps: dict[int, Teachers] = field(default_factory=dict)
    active: dict[int, np.ndarray] = field(default_factory=dict)

    def __call__(self, sim: Simulation) -> None:
        self.snaps[sim.year] = _copy(sim.state.teachers)
        self.active[sim.year] = sim.state.group_active.copy()


@dataclass
class Run:
    sim: Simulation
    watch: Watch
    out: dict[str, pd.DataFrame]

    @property
    def summers(self) -> list[Summer]:
        mode = self.sim.modes.get(Mingxiao.name)
        return mode.summers if mode is not None else []


def run(scn, seed: int, years: int | None = None) -> Run:
    sim = Simulation(scn, seed, years)
    watch = Watch()
    records = sim.run(observer=watch)
    return Run(sim, watch, tables(records, scn.name, 0))


# -- the rules, as the issue states them ---------------------------------------------------------

def layout(s: Summer) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per campus: group (−1 none or not formed), role code, hub of its group (−1 none)."""
    g = np.where(np.isin(s.net.campus_group, s.groups), s.net.campus_group, -1)
    role = np.where(g >= 0, s.net.campus_role, 0)
    hub = np.where(g >= 0, np.asarray(s.net.group_hub)[np.maximum(g, 0)], -1)
    return g, role, hub


def expected_eligible(s: Summer) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Teachers the rules let rotate this summer (after the ended terms return), the campus each is
    at then, and their consecutive years there."""
    r, t, y = s.rules, s.before, s.year
    ended = (t.exchange_until >= 0) & (t.exchange_until <= y)
    campus = np.where(ended, t.owner, t.campus)
    years_here = np.where(ended & (t.campus != t.owner), 0, t.years_here)
    g, role, hub = layout(s)
    members = np.bincount(g[(g >= 0) & (role == MEMBER)], minlength=len(s.net.group_hub))
    hub_sends = (role == HUB) & (members[np.maximum(g, 0)] > 0) & (r.directions in ("hub_to_member", "both"))
    member_sends = (role == MEMBER) & (hub >= 0) & (r.directions in ("member_to_hub", "both"))
    age_ok = np.where(t.female, t.age < r.female_max_age, t.age < r.male_max_age)
    at_home = (campus == t.owner) & ((t.exchange_until < 0) | ended)
    ok = at_home & ~t.manager & age_ok & (years_here >= r.min_years_at_school) & (hub_sends | member_sends)[campus]
    return ok, campus, years_here


def check_summer(s: Summer) -> dict[str, int]:
    """Every exchange rule on one summer; returns counts (sent, backbone sent at hubs, returned) so
    a caller can see the checks were not vacuous."""
    r, t0, t1, y = s.rules, s.before, s.after, s.year
    n = len(s.net.campus_group)
    assert (t0.id == t1.id).all(), "the exchange hook keeps the teachers' rows"
    ended = (t0.exchange_until >= 0) & (t0.exchange_until <= y)
    sent = t1.exchange_until == y + r.term_years
    assert not (sent & (t0.exchange_until == y + r.term_years)).any()
    # terms end: every ended posting returns home (unless sent again at once), the rest is untouched
    back = ended & ~sent
    assert (t1.campus[back] == t0.owner[back]).all(), f"year {y}: a teacher whose term ended did not go home"
    assert (t1.exchange_until[back] == -1).all()
    same = ~ended & ~sent
    for name in ("campus", "owner", "exchange_until", "years_here"):
        assert (getattr(t1, name)[same] == getattr(t0, name)[same]).all(), f"year {y}: {name} changed for a bystander"
    # only eligible teachers rotate
    ok, home, years_here = expected_eligible(s)
    assert ok[sent].all(), f"year {y}: {np.flatnonzero(sent & ~ok).size} ineligible teachers exchanged"
    assert not t0.manager[sent].any()
    # directions: a member sends to its hub, a hub to one of its own members
    g, role, hub = layout(s)
    dest, origin = t1.campus[sent], home[sent]
    from_member = role[origin] == MEMBER
    assert (dest[from_member] == hub[origin[from_member]]).all()
    assert ((g[dest] == g[origin]) & (role[dest] == MEMBER))[~from_member].all()
    # the post: stays at home (national rule) or moves with the teacher (pooled staffing)
    if r.post_stays_home:
        assert (t1.owner == t0.owner).all()
    else:
        assert (t1.owner[sent] == dest).all()
    # how many each campus sends: the share of its eligible teachers (at least the due ones), within
    # the cap; at campuses the floor binds, backbone share ≥ floor, and the full number whenever
    # enough eligible backbone teachers exist
    count = lambda mask: np.bincount(home[mask], minlength=n)  # noqa: E731
    # the cap bounds the teachers of a campus away at once: its posts' holders, less those still away
    still_away = (t0.campus != t0.owner) & ~ended
    owned, away = np.bincount(t0.owner, minlength=n), np.bincount(t0.owner[still_away], minlength=n)
    cap = np.maximum(np.floor(r.cap_share * owned + EPS).astype(int) - away, 0)
    elig, due = count(ok), count(ok & (years_here >= r.must_rotate_years))
    target = np.minimum(np.minimum(np.maximum(np.ceil(r.share * elig - EPS), due), elig), cap).astype(int)
    n_sent, b_sent, b_elig = count(sent), count(sent & t0.backbone), count(ok & t0.backbone)
    assert (n_sent <= cap).all(), f"year {y}: cap exceeded at {np.flatnonzero(n_sent > cap)}"
    binds = (role == HUB) if r.backbone_floor_on == "hub" else np.ones(n, bool)
    need = np.ceil(r.backbone_floor * target - EPS).astype(int)
    enough = b_elig >= need
    assert (b_sent[binds] >= np.ceil(r.backbone_floor * n_sent[binds] - EPS)).all(), f"year {y}: backbone floor"
    assert (n_sent[binds & enough] == target[binds & enough]).all(), f"year {y}: a hub with enough backbone sent fewer"
    assert (n_sent[binds & ~enough] < target[binds & ~enough]).all()
    assert (n_sent[~binds] == target[~binds]).all(), f"year {y}: wrong number sent"
    # the moves returned are exactly the teachers sent (the flows table's rows)
    if sent.any():
        m = s.moves
        assert m.flow == "exchange"
        got = sorted(zip(np.asarray(m.origin).tolist(), np.asarray(m.destination).tolist(), np.asarray(m.backbone).tolist()))
        assert got == sorted(zip(origin.tolist(), dest.tolist(), t0.backbone[sent].tolist()))
    else:
        assert s.moves is None
    return {"sent": int(sent.sum()), "hub_backbone": int(b_sent[role == HUB].sum()), "returned": int(back.sum()),
            "floor_short": int((binds & ~enough & (target > 0)).sum())}


def check_run(rn: Run) -> dict[str, int]:
    """All rules on every summer and every recorded year of one run; totals of what was checked."""
    totals = {"sent": 0, "hub_backbone": 0, "returned": 0, "floor_short": 0, "seniors": 0, "back_home": 0}
    snaps, summers = rn.watch.snaps, rn.summers
    dyn = rn.sim.scn.dynamics.teachers
    sent_at: dict[int, tuple[int, int]] = {}  # teacher id → (summer sent, host)
    for s in summers:
        for k, v in check_summer(s).items():
            totals[k] += v
        new = s.after.exchange_until == s.year + s.rules.term_years
        sent_at.update(zip(s.after.id[new].tolist(), zip([s.year] * int(new.sum()), s.after.campus[new].tolist())))
        # senior titles this summer (the round ran just before the exchange): only with the service years
        required = max(dyn.senior_hardship_years, s.rules.senior_title_hardship_years)
        assert rn.sim.modes[Mingxiao.name].title_rules[s.year] == required
        before = snaps[s.year]
        was_senior = np.isin(s.before.id, before.id[before.title == SENIOR])
        promoted = (s.before.title == SENIOR) & ~was_senior & np.isin(s.before.id, before.id)
        assert (s.before.hardship_years[promoted] >= required).all(), f"year {s.year}: senior title without service"
        totals["seniors"] += int(promoted.sum())
    term = summers[0].rules.term_years if summers else 0
    for y, t in snaps.items():
        # nobody is away from their post without a running posting; no posting outlives its term
        on = t.exchange_until >= 0
        assert (t.exchange_until[on] >= y).all(), f"year {y}: a posting that should have ended"
        assert (on | (t.campus == t.owner)).all(), f"year {y}: away from the post without a posting"
        # each exchanged teacher teaches at the host through the term and is home the year after
        for tid, campus, owner, until in zip(t.id.tolist(), t.campus.tolist(), t.owner.tolist(),
                                             t.exchange_until.tolist()):
            if tid not in sent_at:
                continue
            k, host = sent_at[tid]
            if k < y <= k + term:
                assert campus == host and until == k + term, f"year {y}: teacher {tid} left the host early"
            elif y == k + term + 1:
                assert campus == owner and until == -1, f"year {y}: teacher {tid} not back after the term"
                totals["back_home"] += 1
    return totals


# -- the rules on the shipped scenario and on variants --------------------------------------------

VARIANTS = {
    "shipped": [],
    "huanggang": every_group(**{"exchange.backbone_floor": 0.36, "exchange.backbone_floor_on": "all",
                                "exchange.share": 0.2, "exchange.term_years": 2}),
    "tight": every_group(**{"exchange.cap_share": 0.05, "exchange.share": 0.3, "exchange.min_years_at_school": 2,
                            "exchange.term_years": 1, "exchange.directions": "hub_to_member"}),
    "pooled": every_group(**{"exchange.post_stays_home": "false", "exchange.directions": "member_to_hub",
                             "exchange.male_max_age": 40, "exchange.female_max_age": 35}),
}


@pytest.mark.parametrize("name", list(VARIANTS))
def test_exchange_rules_hold_every_summer_of_every_replicate(name):
    """Backbone floor, cap, eligibility, directions, terms and returns, posts: every summer of three
    replicates; and each check saw something to check."""
    scn = scenario(*VARIANTS[name])
    totals = {}
    for seed in (1, 2, 3):
        rn = run(scn, seed)
        assert len(rn.summers) == YEARS and len(rn.watch.snaps) == YEARS
        for k, v in check_run(rn).items():
            totals[k] = totals.get(k, 0) + v
    assert totals["sent"] > 0 and totals["seniors"] > 0
    if name != "pooled":
        assert totals["returned"] > 0 and totals["back_home"] > 0
    if VARIANTS[name] == [] or name == "huanggang":
        assert totals["hub_backbone"] > 0


def test_pooled_staffing_keeps_teachers_at_the_host():
    """post_stays_home false: the post moves with the teacher, who stays at the host when the term ends."""
    rn = run(scenario(*VARIANTS["pooled"], "simulation.years=5"), 1)
    s = rn.summers[0]
    sent = s.after.exchange_until == s.year + s.rules.term_years
    assert sent.any() and (s.after.owner[sent] == s.after.campus[sent]).all()
    later = rn.watch.snaps[1 + s.rules.term_years + 1]
    ids = s.after.id[sent]
    here = np.isin(later.id, ids)
    host = dict(zip(ids.tolist(), s.after.campus[sent].tolist()))
    stayed = [c == host[i] for i, c in zip(later.id[here].tolist(), later.campus[here].tolist())]
    assert np.mean(stayed) > 0.9  # 调剂 may move a few surplus teachers, nobody is sent back


def test_senior_title_rule_is_on_with_groups_and_off_without():
    """Without groups (the county baseline) some teachers become senior without rural or weak
    service; with the groups (rule 3 years, to make it bite) nobody does."""
    def new_seniors(rn: Run) -> np.ndarray:
        out = []
        for y in range(1, YEARS):
            a, b = rn.watch.snaps[y], rn.watch.snaps[y + 1]
            promoted = (b.title == SENIOR) & np.isin(b.id, a.id[a.title != SENIOR])
            out.append(b.hardship_years[promoted])
        return np.concatenate(out)

    base = load_scenario(BASELINE, [f"simulation.years={YEARS}"])
    strict = scenario(*every_group(**{"exchange.senior_title_hardship_years": 3}))
    for seed in (1, 2):
        off, on = new_seniors(run(base, seed)), new_seniors(run(strict, seed))
        assert len(off) and len(on)
        assert (off < 1).any(), "the baseline has no service rule"
        assert (on >= 3).all()


def test_new_member_hires_are_first_posted_at_the_hub_and_return():
    """hub_first_posting_years = 2: a member's new recruits teach at the hub in their first two
    years and are at their member post in the third."""
    rn = run(scenario(*every_group(**{"exchange.hub_first_posting_years": 2})), 4)
    check_run(rn)  # the exchange rules still hold around the first postings
    net, seen, back = rn.sim.net, 0, 0
    hub_of = np.where(net.campus_role == MEMBER, np.asarray(net.group_hub)[np.maximum(net.campus_group, 0)], -1)
    first = {}
    for y, t in rn.watch.snaps.items():
        hired = ((t.id >> BORN_KEY_BITS) == y) & (hub_of[t.owner] >= 0)
        assert (t.campus[hired] == hub_of[t.owner[hired]]).all() and (t.exchange_until[hired] == y + 1).all()
        seen += int(hired.sum())
        first.update({i: y for i in t.id[hired].tolist()})
        for tid, campus, owner, until in zip(t.id.tolist(), t.campus.tolist(), t.owner.tolist(), t.exchange_until.tolist()):
            if tid in first and y == first[tid] + 1:
                assert campus == hub_of[owner] and until == y
            elif tid in first and y == first[tid] + 2:
                assert campus == owner and until == -1
                back += 1
    assert seen > 0 and back > 0
    default = run(scenario(), 4)
    y = 2
    t = default.watch.snaps[y]
    hired = ((t.id >> BORN_KEY_BITS) == y) & (hub_of[t.owner] >= 0)
    assert hired.any() and (t.campus[hired] == t.owner[hired]).all()  # off by default


def test_extra_attrition_adds_leavers_among_exchanged_teachers():
    """Same seed, extra_attrition 0 and 0.3: up to the second summer the runs are identical; the
    second summer's leavers with extra attrition include every leaver without it, and the extra
    ones were all away on exchange."""
    def exits(rn: Run, year: int) -> np.ndarray:
        s = next(s for s in rn.summers if s.year == year)
        snap = rn.watch.snaps[year]
        return np.setdiff1d(snap.id, s.before.id)

    for seed in (1, 2):
        a = run(scenario(years=2), seed)
        b = run(scenario(*every_group(**{"exchange.extra_attrition": 0.3}), years=2), seed)
        snap = a.watch.snaps[2]
        assert (snap.id == b.watch.snaps[2].id).all() and (snap.exchange_until == b.watch.snaps[2].exchange_until).all()
        ea, eb = exits(a, 2), exits(b, 2)
        assert np.isin(ea, eb).all()
        extra = np.setdiff1d(eb, ea)
        assert len(extra) > 0
        away = snap.exchange_until[np.isin(snap.id, extra)]
        assert (away >= 2).all()


# -- roll-out: nothing before the groups form --------------------------------------------------

BASE_COLUMNS_EXCLUDED = {"scenario", "group", "role"}


def _equal_before(a: dict, b: dict, years: int) -> None:
    ca, cb = a["campus_year"], b["campus_year"]
    cols = [c for c in ca.columns if c not in BASE_COLUMNS_EXCLUDED]
    pd.testing.assert_frame_equal(ca[ca.year <= years][cols].reset_index(drop=True),
                                  cb[cb.year <= years][cols].reset_index(drop=True))
    fa, fb = a["flows"], b["flows"]
    pd.testing.assert_frame_equal(fa[fa.year <= years].drop(columns="scenario").reset_index(drop=True),
                                  fb[fb.year <= years].drop(columns="scenario").reset_index(drop=True))


@pytest.mark.parametrize("how", ["start_year", "form_group"])
def test_groups_not_yet_formed_change_nothing(how, write):
    """Groups forming in year 3 (by start_year, or by form_group policies): years 1–2 equal the
    county baseline's (campus_year and flows); year 3 differs."""
    if how == "start_year":
        late = scenario(*[f"groups[{i}].start_year=3" for i in range(N_GROUPS)], years=4)
    else:
        ids = [g.id for g in scenario().groups]
        policies = ", ".join(f"{{action: form_group, year: 3, group: {g}}}" for g in ids)
        late = scenario(f"policies=[{policies}]", years=4)
    base = load_scenario(BASELINE, ["simulation.years=4"])
    a, b = run(base, 7), run(late, 7)
    assert not b.watch.active[2].any() and b.watch.active[3].all()
    _equal_before(a.out, b.out, 2)
    ca, cb = a.out["campus_year"], b.out["campus_year"]
    assert not ca[ca.year == 4].mean_achievement.equals(cb[cb.year == 4].mean_achievement)
    assert (b.out["flows"].query("flow == 'exchange'").year.min()) == 3
