"""``bench --groups``: the benchmark region grouped by 名校+弱校 over 70 % of its campuses.  The grouped
scenario is valid scenario data (as a planner's YAML would be), its groups cover at least 70 % of the
open campuses with no campus in two groups and every hub stronger than its members, and a short run
of it rotates teachers.  No timing assertions: ``bench --check`` checks the targets."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from sim.bench import GROUP_COVERAGE, build_scenario, group_coverage, scenario_data
from sim.network import OVERLAP, STAGES
from sim.scenario.mingxiao import CoveragePlan


@pytest.fixture(scope="module", params=["county", "city"])
def grouped(request):
    return build_scenario(request.param, years=2, groups=True)


def test_the_grouped_scenario_validates_as_a_yaml_file(write, run_cli):
    path = write("bench_groups.yaml", json.dumps(scenario_data("county", years=2, groups=True), ensure_ascii=False))
    result = run_cli("validate", path)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


def test_groups_cover_seventy_percent_of_open_campuses(grouped):
    assert grouped.groups and all(g.mode == "mingxiao_ruoxiao" for g in grouped.groups)
    in_groups = {cid for g in grouped.groups for cid in (g.hub, *g.members)}
    assert len(in_groups) / len(grouped.campuses) >= GROUP_COVERAGE
    assert group_coverage(grouped) == len(in_groups) / len(grouped.campuses)


def test_no_campus_is_in_two_groups(grouped):
    seen = Counter(cid for g in grouped.groups for cid in (g.hub, *g.members))
    assert max(seen.values()) == 1
    assert len({g.id for g in grouped.groups}) == len(grouped.groups)


def test_hubs_are_stronger_nearby_schools_of_an_overlapping_stage(grouped):
    plan, by_id = CoveragePlan(), {c.id: c for c in grouped.campuses}
    for g in grouped.groups:
        hub = by_id[g.hub]
        assert 1 <= len(g.members) <= plan.members_per_hub
        for cid in g.members:
            m = by_id[cid]
            assert m.quality <= hub.quality - plan.min_gap
            assert ((m.x_km - hub.x_km) ** 2 + (m.y_km - hub.y_km) ** 2) ** 0.5 <= plan.max_km
            assert OVERLAP[STAGES.index(hub.stage), STAGES.index(m.stage)]


def test_without_groups_the_bench_scenario_has_none():
    scn = build_scenario("county", years=2)
    assert scn.groups == () and group_coverage(scn) == 0.0


def test_a_short_grouped_run_records_exchanges():
    from sim.engine import Simulation
    from sim.results import tables

    scn = build_scenario("county", years=3, groups=True)
    frames = tables(Simulation(scn, 1, 3).run(), scn.name, 0)
    flows = frames["flows"]
    exchanged = flows.loc[(flows["kind"] == "teacher") & (flows["flow"] == "exchange"), "count"].sum()
    assert exchanged > 0
    cy = frames["campus_year"]
    assert {"management_quality", "cost_exchange_allowance_yuan", "cost_group_management_yuan"} <= set(cy.columns)


def test_bench_groups_json_reports_groups_and_coverage(run_cli):
    result = run_cli("bench", "--groups", "--years", "2", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output.strip().splitlines()[-1])
    assert doc["groups"] > 0 and doc["group_coverage"] >= GROUP_COVERAGE
    assert doc["campuses"] == 60 and "targets_met" in doc
    plain = json.loads(run_cli("bench", "--years", "1", "--json").output.strip().splitlines()[-1])
    assert plain["groups"] == 0 and plain["group_coverage"] == 0.0


@pytest.mark.parametrize("mode, flow, columns", [
    ("jiaolianti", "pooled_deployment", {"sampling_test_g5", "cost_buses_yuan"}),
    ("xuequ", "exchange", {"district_mean_achievement", "cost_district_running_yuan"})])
def test_bench_groups_of_the_other_modes_cover_seventy_percent_and_run(mode, flow, columns, run_cli):
    from sim.engine import Simulation
    from sim.results import tables

    scn = build_scenario("county", years=2, groups=mode)
    assert {g.mode for g in scn.groups} == {mode} and group_coverage(scn) >= GROUP_COVERAGE
    frames = tables(Simulation(scn, 1, 2).run(), scn.name, 0)
    flows = frames["flows"]
    assert flows.loc[(flows["kind"] == "teacher") & (flows["flow"] == flow), "count"].sum() > 0
    assert columns <= set(frames["campus_year"].columns)
    doc = json.loads(run_cli("bench", "--groups", "--mode", mode, "--years", "1", "--json").output.strip().splitlines()[-1])
    assert doc["mode"] == mode and doc["group_coverage"] >= GROUP_COVERAGE
