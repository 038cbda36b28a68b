"""The shipped scenarios, the JSON Schema, ``extends`` and ``--set``, CSV and lon/lat regions."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest

from conftest import ROOT, SCENARIOS, SMALL

from sim.errors import ScenarioError
from sim.scenario import load_scenario
from sim.summary import summarise
from sim.scenario.merge import load_with_extends


def test_scenario_library_is_there():
    names = {p.name for p in SCENARIOS}
    assert {"county_baseline.yaml", "dongsheng.yaml"} <= names


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_shipped_scenario_validates(run_cli, path):
    result = run_cli("validate", path)
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


def test_schema_is_valid_and_shipped_scenarios_satisfy_it(run_cli):
    result = run_cli("schema")
    assert result.exit_code == 0
    schema = json.loads(result.output)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in SCENARIOS:
        data, _ = load_with_extends(path)  # the schema describes a scenario after `extends` is merged
        errors = list(validator.iter_errors(data))
        assert not errors, f"{path.name}: {errors[0].message}"
    # and the schema is not vacuous: a wrong type is caught
    assert list(validator.iter_errors({"region": {"campuses": []}, "simulation": {"years": "ten"}}))


def test_county_baseline_has_the_promised_shape():
    s = summarise(load_scenario(ROOT / "scenarios/county_baseline.yaml"))
    assert s["campuses"] == 60
    assert s["pupils_primary"] + s["pupils_junior"] == 40_000
    assert 2_500 <= s["teachers"] <= 3_500
    scn = load_scenario(ROOT / "scenarios/county_baseline.yaml")
    fill = {loc: sum(c.pupils for c in scn.campuses if c.locale == loc)
            / sum(c.capacity for c in scn.campuses if c.locale == loc) for loc in ("urban", "rural")}
    assert fill["urban"] > 0.9 > 0.7 > fill["rural"]  # 城区挤、农村空
    # as counties are in 2025: after the 2016–2020 campaign, at most a few percent of classes 56+ and none 66+
    assert s["classes_56plus"] <= 0.03 * s["classes"] and s["classes_66plus"] == 0


def test_dongsheng_matches_the_census():
    s = summarise(load_scenario(ROOT / "scenarios/dongsheng.yaml"))
    assert (s["pupils_primary"], s["pupils_junior"]) == (51_198, 26_942)
    assert abs(s["group_coverage_pct"] - 48.0) < 1.0
    scn = load_scenario(ROOT / "scenarios/dongsheng.yaml")
    assert len({c.district for c in scn.campuses}) == 8


def test_extends_deep_merges_and_child_wins(write):
    write("base.yaml", SMALL)
    child = write("child.yaml", "extends: base.yaml\nname: child\nsimulation:\n  years: 7\n")
    scn = load_scenario(child)
    assert scn.name == "child"
    assert scn.simulation.years == 7
    assert scn.simulation.seed == 5  # kept from the parent: mappings merge
    assert [c.id for c in scn.campuses] == ["A", "B", "C", "D"]


def test_extends_lists_replace(write):
    write("base.yaml", SMALL)
    child = write("child.yaml", "extends: base.yaml\ngroups: []\n")
    assert load_scenario(child).groups == ()


def test_set_overrides_scalars_and_list_items(write):
    f = write("s.yaml", SMALL)
    scn = load_scenario(f, ["simulation.years=9", "groups[0].hub=C", "region.campuses.1.pupils=99"])
    assert scn.simulation.years == 9
    assert scn.groups[0].hub == "C"
    assert scn.campuses[1].pupils == 99


def test_set_every_element_of_a_list_with_a_star(write):
    f = write("s.yaml", SMALL)
    scn = load_scenario(f, ["region.campuses[*].pupils=7"])
    assert [c.pupils for c in scn.campuses] == [7] * len(scn.campuses) and len(scn.campuses) > 1
    with pytest.raises(ScenarioError, match=r"\[\*\]"):
        load_scenario(f, ["demography.cells[*].ses=0.1"])  # no cells: nothing to set is an error, not a no-op


def test_set_changes_the_digest(write):
    f = write("s.yaml", SMALL)
    assert load_scenario(f).digest != load_scenario(f, ["simulation.seed=6"]).digest
    assert load_scenario(f).digest == load_scenario(f).digest


def test_explicit_campus_defaults_are_filled(write):
    scn = load_scenario(write("s.yaml", SMALL))
    a = scn.campuses[0]
    assert a.capacity == 24 * 45
    assert a.teachers > 0 and a.reputation == a.quality == 0.3
    assert a.floor_area_m2 == pytest.approx(4.5 * a.capacity)
    assert len(scn.cells) == 4  # one per campus when none are given


def test_csv_region(write):
    write("campuses.csv", "id,stage,locale,lon,lat,classrooms,pupils\n"
                          "X1,primary,urban,109.99,39.82,20,950\nX2,junior,rural,110.10,39.90,6,200\n")
    scn = load_scenario(write("csv.yaml", "name: csv\nregion:\n  campuses_csv: campuses.csv\n"))
    x1, x2 = scn.campuses
    dist = ((x1.x_km - x2.x_km) ** 2 + (x1.y_km - x2.y_km) ** 2) ** 0.5
    assert dist == pytest.approx(12.9, abs=0.1)  # 0.11° lon × 85.5 km = 9.4, 0.08° lat × 110.6 km = 8.8
    assert (x1.pupils, x2.pupils) == (950, 200)


def test_entry_point_exits_2_without_traceback(write):
    f = write("bad.yaml", "simulation: [\n")
    proc = subprocess.run([sys.executable, str(ROOT / "run_sim.py"), "validate", str(f)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "bad.yaml:" in proc.stderr


def test_network_command_writes_offline_map(run_cli, tmp_path):
    out = tmp_path / "net"
    result = run_cli("network", ROOT / "scenarios/dongsheng.yaml", "--out", out)
    assert result.exit_code == 0, result.output
    html = (out / "dongsheng_network.html").read_text(encoding="utf-8")
    assert "<script src=" not in html and "PU01" in html
    assert "集团覆盖率" in result.output and "48.15" in result.output
