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
