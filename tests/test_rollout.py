"""A scenario's ``rollout`` (coverage plan) becomes 名校+弱校 groups formed year by year."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import ROOT
from sim.engine import Simulation
from sim.scenario import load_scenario


@pytest.fixture
def planned(tmp_path):
    def make(plan: str, extra: str = "") -> object:
        f = tmp_path / "plan.yaml"
        f.write_text(f"name: plan\nextends: {ROOT / 'scenarios' / 'county_baseline.yaml'}\nrollout: {plan}\n{extra}",
                     encoding="utf-8")
        return load_scenario(f)
    return make


def test_the_plan_forms_groups_at_its_pace_until_its_coverage(planned):
    scn = planned("{start_year: 2, new_groups_per_year: 3, target_coverage: 0.5, members_per_hub: 2}")
    years = [g.start_year for g in scn.groups]
    assert min(years) == 2 and all(n <= 3 for n in np.bincount(years))
    named = [c for g in scn.groups for c in (g.hub, *g.members)]
    assert len(named) == len(set(named))  # no campus in two groups
    coverage = len(named) / len(scn.campuses)
    assert 0.5 <= coverage < 0.5 + 3 / len(scn.campuses)  # stops once the target is reached
    reputation = {c.id: c.reputation for c in scn.campuses}
    for g in scn.groups:
        assert g.mode == "mingxiao_ruoxiao" and g.id == f"plan{g.start_year}_{g.hub}" and 1 <= len(g.members) <= 2
        assert all(reputation[m] <= reputation[g.hub] - 0.1 for m in g.members)


def test_the_plan_leaves_out_the_scenarios_own_groups_and_passes_its_params(planned):
    own = ("groups:\n  - {id: mine, mode: mingxiao_ruoxiao, hub: PU01, members: [PR22]}\n")
    scn = planned("{new_groups_per_year: 20, target_coverage: 0.9, params: {exchange: {share: 0.2}}}", own)
    planned_groups = [g for g in scn.groups if g.id != "mine"]
    assert planned_groups and not any({"PU01", "PR22"} & {g.hub, *g.members} for g in planned_groups)
    assert all(g.params.exchange.share == 0.2 for g in planned_groups)


def test_planned_groups_form_in_their_year_in_the_run(planned):
    scn = planned("{start_year: 3, new_groups_per_year: 10, target_coverage: 0.7}")
    base = load_scenario(ROOT / "scenarios" / "county_baseline.yaml")
    seen = {}

    def active(sim):
        seen[sim.year] = int(sim.state.group_active.sum())

    Simulation(scn, 5, 4).run(active)
    assert seen[1] == seen[2] == 0 and seen[3] == 10 and seen[4] > 10
    a, b = Simulation(scn, 5, 2).run(), Simulation(base, 5, 2).run()  # nothing happens before year 3
    for x, y in zip(a.campus_year, b.campus_year):
        assert all(np.array_equal(x[k], y[k]) for k in y if k not in ("group", "role"))


# -- a roll-out of another mode ------------------------------------------------------------------


def test_a_rollout_of_consortia_forms_consortia_with_their_params(planned):
    from sim.scenario.jiaolianti import JiaoliantiParams

    scn = planned("{mode: jiaolianti, target_coverage: 0.5, members_per_hub: 4, "
                  "params: {exchange: {share: 0.45}, support: {tier_minutes: [15, 30, 45]}}}")
    assert scn.groups and all(g.mode == "jiaolianti" and isinstance(g.params, JiaoliantiParams) for g in scn.groups)
    assert all(g.params.exchange.share == 0.45 and g.params.support.tier_minutes == (15, 30, 45) for g in scn.groups)
    assert all(g.params.exchange.backbone_floor == 0.30 for g in scn.groups)  # the mode's own defaults
    named = [c for g in scn.groups for c in (g.hub, *g.members)]
    assert len(named) == len(set(named)) and len(named) >= 0.5 * len(scn.campuses)
    # the consortia run as consortia: each core books the consortium's running cost in year 1
    first = Simulation(scn, 3, 1).run().campus_year[0]
    cost, role = first["cost_consortium_running_yuan"], first["role"]
    assert cost.sum() == pytest.approx(len(scn.groups) * 200_000.0) and (cost[role != "hub"] == 0).all()
    assert np.isfinite(first["minutes_from_core"][role == "member"]).all()


def test_a_rollout_of_districts_keeps_the_districts_exchange_defaults(planned):
    scn = planned("{mode: xuequ, target_coverage: 0.4, params: {exchange: {term_years: 2}}}")
    assert scn.groups and all(g.mode == "xuequ" for g in scn.groups)
    # a partial exchange block is read over the district's defaults (share 0.15), not the plain rules'
    assert all(g.params.exchange.term_years == 2 and g.params.exchange.share == 0.15 for g in scn.groups)


BAD_PLANS = [
    # (rollout as written, located path, what the message names)
    ("rollout:\n  mode: jiaolianti\n  params:\n    variant: tuoguan\n", "rollout.params.variant", "pooling"),
    ("rollout:\n  params:\n    pooling: {on: false}\n", "rollout.params.pooling", "variant"),
    ("rollout:\n  mode: xuequ\n  params:\n    exchange: {shar: 0.2}\n", "rollout.params.exchange.shar", "share"),
    ("rollout:\n  mode: jiaolianti\n  params:\n    support: {tier_minutes: [40, 20, 60]}\n",
     "rollout.params.support.tier_minutes", "non-decreasing"),
    ("rollout:\n  mode: tuoguan\n", "rollout.mode", "jiaolianti"),
    ("rollout:\n  mode: baseline\n", "rollout.mode", "mingxiao_ruoxiao"),
]


@pytest.mark.parametrize("plan, where, names", BAD_PLANS, ids=[p[1] + f"-{i}" for i, p in enumerate(BAD_PLANS)])
def test_params_of_another_mode_are_refused_where_they_are_written(run_cli, write, plan, where, names):
    path = write("bad.yaml", f"name: bad\nextends: {ROOT / 'scenarios' / 'county_baseline.yaml'}\n{plan}")
    result = run_cli("validate", path)
    assert result.exit_code == 2, result.output
    line = next(i for i, text in enumerate(plan.splitlines(), start=3) if where.rsplit(".", 1)[-1] + ":" in text)
    assert f"bad.yaml:{line}: {where}:" in result.output and names in result.output
    assert "Traceback" not in result.output


def test_the_schema_knows_each_modes_rollout(run_cli):
    import json

    import jsonschema

    validator = jsonschema.Draft202012Validator(json.loads(run_cli("schema").output))
    region = {"synthetic": {"campuses": {}, "pupils": {"primary": 100, "junior": 50}}}
    ok = [{}, {"mode": "jiaolianti", "params": {"pooling": {"on": False}}}, {"params": {"variant": "tuoguan"}},
          {"mode": "xuequ", "params": {"admission": "none"}}]
    bad = [{"mode": "jiaolianti", "params": {"variant": "tuoguan"}}, {"params": {"pooling": {}}}, {"mode": "baseline"}]
    for plan in ok:
        assert not list(validator.iter_errors({"region": region, "rollout": plan})), plan
    for plan in bad:
        assert list(validator.iter_errors({"region": region, "rollout": plan})), plan
