"""The sweep file and outcome names: located errors (exit 2, no traceback) for bad sweep files,
swept values refused where a scenario would refuse them, outcome syntax, and the expansion of
"all declared uncertain parameters" from the declared ranges."""

from __future__ import annotations

import json

import pytest

from sim.errors import ScenarioError
from sim.scenario.ranges import uncertainties
from sim.sweep import plan_sweep
from sim.sweep.outcomes import parse_outcome

from conftest import COUNTY, ROOT, TINY


def write_sweep(write, **fields) -> object:
    doc = {"name": "s", "scenarios": [str(COUNTY)], "set": TINY,
           "parameters": [{"path": "dynamics.migration.flight_rate", "values": [0.01, 0.02]}],
           "outcomes": ["cv_mean/stage/junior@final"], **fields}
    return write("s.yaml", json.dumps(doc, indent=1))


def problems(path) -> list[str]:
    with pytest.raises(ScenarioError) as exc:
        plan_sweep(path)
    return [p.render() for p in exc.value.problems]


def test_outcome_names():
    ref = parse_outcome("cv_mean/stage/junior@final", 2025, 10)
    assert (ref.metric, ref.level, ref.entity, ref.year, ref.year_in(10)) == ("cv_mean", "stage", "junior", None, 10)
    assert parse_outcome("attrition_rate/locale/rural@5", 2025, 10).year == 5
    assert parse_outcome("achievement_gap_rural@2030", 2025, 10).year == 6  # calendar year → 6th simulated year
    region = parse_outcome("backflow_cumulative@final", 2025, 10)
    assert (region.level, region.entity) == ("region", "all")
    for bad, says in (("cv_mean/stage/junior", "metric/level/entity@year"), ("nonsense@final", "catalogue"),
                      ("cv_mean/campus/A@final", "level"), ("cv_mean/stage/junior@11", "year"),
                      ("cv_mean/stage/junior@2040", "year"), ("cost_per_cv_0_01_yuan@final", "catalogue")):
        with pytest.raises(ValueError, match=says):
            parse_outcome(bad, 2025, 10)


def test_unknown_key_and_bad_design_are_located(write):
    path = write("s.yaml", f"name: s\nscenarios: [{COUNTY}]\nparameters:\n  - {{path: a.b, values: [1]}}\n"
                           "outcomes: [cv_mean/stage/junior@final]\ndesign: {method: sobol, size: 10}\nreplicate: 3\n")
    found = "\n".join(problems(path))
    assert "s.yaml:6" in found and "power of 2" in found
    assert "s.yaml:7" in found and "replicate" in found and "replicates" in found  # did you mean


def test_outcomes_and_questions_are_checked_against_the_scenarios(write):
    path = write_sweep(write, outcomes=["cv_mean/stage/senior@final", "nonsense@final"],
                       goals=[{"outcome": "cv_mean/stage/junior@final", "target": "<= 0.45", "parameter": "x.y"}],
                       discovery=[{"outcome": "cv_mean/stage/junior@final", "scenario": "county_baseline",
                                   "versus": "other"}])
    found = "\n".join(problems(path))
    for text in ("outcomes[0]", "senior", "outcomes[1]", "goals[0].parameter", "discovery[0].versus",
                 "discovery[0].outcome", "better"):
        assert text in found, text


def test_a_swept_value_the_scenario_refuses_names_the_parameter_value_and_point(write, tmp_path):
    path = write_sweep(write, parameters=[{"path": "dynamics.migration.flight_rate", "values": [0.02, 1.5]},
                                          {"path": "dynamics.migration.no_such_key", "values": [1]}])
    found = problems(path)
    assert any("s.yaml:" in p and "parameters[0]" in p and "1.5" in p and "point 1" in p for p in found), found
    assert any("no_such_key" in p and "parameters[1]" in p for p in found), found


def test_mixed_kinds_of_values_are_refused(write):
    found = problems(write_sweep(write, parameters=[{"path": "dynamics.migration.flight_rate", "values": [0.01, "x"]}]))
    assert any("parameters[0]" in p and "one kind" in p for p in found)


def test_missing_scenario_file_is_located(write):
    found = problems(write_sweep(write, scenarios=["nowhere.yaml"]))
    assert any("scenarios[0]" in p and "nowhere.yaml" in p for p in found)


def test_cli_reports_a_bad_sweep_with_exit_2(run_cli, write, tmp_path):
    path = write_sweep(write, design={"method": "sobol", "size": 4})  # sobol needs ranges, not listed values
    result = run_cli("sweep", path, "--out", tmp_path / "out")
    assert result.exit_code == 2 and "design" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_all_declared_uncertain_parameters_come_from_their_declarations(write):
    path = write_sweep(write, parameters=[{"uncertain": "all"}], design={"method": "latin", "size": 3})
    plan = plan_sweep(path)
    declared = [(u.path, u.low, u.high) for u in uncertainties() if u.low < u.high]
    assert [(f.path, f.low, f.high) for f in plan.factors] == declared
    table = plan.design.table
    for path_, low, high in declared:
        assert table[path_].between(low, high).all()
    teachers = plan_sweep(write_sweep(write, parameters=[{"uncertain": "dynamics.teachers"}],
                                      design={"method": "latin", "size": 2}))
    assert teachers.factors and all(f.path.startswith("dynamics.teachers.") for f in teachers.factors)
    assert "no declared" not in str(teachers)
    found = problems(write_sweep(write, parameters=[{"uncertain": "nothing.here"}]))
    assert any("parameters[0].uncertain" in p for p in found)


def test_per_locale_parameters_keep_the_other_locales(write):
    path = write_sweep(write, parameters=[{"path": "dynamics.teachers.fill_rate.rural", "values": [0.5]}])
    scn = plan_sweep(path).tasks()[0].input.resolve()
    assert scn.dynamics.teachers.fill_rate.rural == 0.5 and scn.dynamics.teachers.fill_rate.urban == 1.0


def test_shipped_sweeps_bind():
    shipped = sorted((ROOT / "scenarios" / "sweeps").glob("*.yaml"))
    assert [p.name for p in shipped] == ["exchange_share.yaml", "sensitivity.yaml"]
    grid = plan_sweep(shipped[0])
    assert grid.design.method == "grid" and grid.goals and grid.runs == 4 * 3 * 5
    sobol = plan_sweep(shipped[1], size=2)
    assert sobol.design.method == "sobol" and len(sobol.factors) == len([u for u in uncertainties() if u.low < u.high])
    assert sobol.runs == 2 * (len(sobol.factors) + 2)
