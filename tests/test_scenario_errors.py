"""Broken scenarios: each gives exit code 2 and a message naming file, YAML path and line.

The message format is ``file:line: path: 应为 / expected ...; 实际 / found ...``.
"""

from __future__ import annotations

import re

import pytest

from conftest import SMALL


def _swap(old: str, new: str) -> str:
    assert old in SMALL, old
    return SMALL.replace(old, new, 1)


CASES = [
    # (id, file content, expected path text, expected line, expected fragment)
    ("yaml_syntax", _swap("members: [B]", "members: [B"), "", 16, "YAML"),
    ("empty_file", "# nothing here\n\n", "", None, "empty"),
    ("list_at_top", "- a\n- b\n", "", 1, "mapping"),
    ("list_for_mapping", _swap("simulation:\n  years: 3\n  seed: 5", "simulation:\n  - 3\n  - 5"), "simulation", 2,
     "mapping"),
    ("duplicate_key", _swap("  seed: 5", "  seed: 5\n  seed: 6"), "", 5, "duplicate"),
    ("unknown_key", _swap("  years: 3", "  yaers: 3"), "simulation.yaers", 3, "did you mean 'years'"),
    ("wrong_type", _swap("years: 3", "years: three"), "simulation.years", 3, "integer"),
    ("negative_classrooms", _swap("classrooms: 6,", "classrooms: -6,"), "region.campuses[1].classrooms", 8,
     "greater than or equal to 0"),
    ("negative_pupils", _swap("pupils: 560", "pupils: -1"), "region.campuses[2].pupils", 9, "greater than or equal"),
    ("duplicate_campus", _swap("{id: C,", "{id: B,"), "region.campuses[2].id", 9, "used once"),
    ("hub_not_campus", _swap("hub: A", "hub: AA"), "groups[0].hub", 14, "did you mean 'A'"),
    ("member_in_two_groups", SMALL.replace("policies:", "  - {id: g2, mode: xuequ, hub: C, members: [B]}\npolicies:"),
     "groups[1].members[0]", 16, "already in group 'g1'"),
    ("bad_stage", _swap("stage: junior", "stage: senior"), "region.campuses[2].stage", 9, "primary"),
    ("no_position", _swap("x_km: 12, y_km: 3, ", ""), "region.campuses[1]", 8, "position"),
    ("unknown_policy_campus", _swap("campus: A, classrooms: 4", "campus: Q, classrooms: 4"), "policies[0].campus", 17,
     "existing campus"),
    ("unknown_policy_action", _swap("action: add_classrooms", "action: add_rooms"), "policies[0]", 17, "add_classrooms"),
    ("missing_region", SMALL[: SMALL.index("region:")] + SMALL[SMALL.index("groups:"):], "region", None, "required"),
    ("hub_missing", _swap("    hub: A\n", ""), "groups[0]", 12, "hub"),
]


@pytest.mark.parametrize("name,text,path,line,fragment", CASES, ids=[c[0] for c in CASES])
def test_broken_scenario_is_located(write, run_cli, name, text, path, line, fragment):
    f = write("broken.yaml", text)
    result = run_cli("validate", f)
    assert result.exit_code == 2, result.output
    err = result.stderr
    assert "Traceback" not in result.output
    assert "broken.yaml" in err
    if line is not None:
        assert re.search(rf"broken\.yaml:{line}: ", err), err
    assert f": {path}: " in err if path else True
    assert fragment.lower() in err.lower(), err


def test_not_utf8_names_line(write, run_cli):
    text = "name: 示例\nsimulation:\n  years: 3\n".encode("gbk")
    result = run_cli("validate", write("gbk.yaml", text))
    assert result.exit_code == 2
    assert "gbk.yaml:1:" in result.stderr and "UTF-8" in result.stderr


def test_missing_file(run_cli, tmp_path):
    result = run_cli("validate", tmp_path / "nope.yaml")
    assert result.exit_code == 2
    assert "nope.yaml" in result.stderr and "no such file" in result.stderr


def test_extends_cycle(write, run_cli):
    write("a.yaml", "extends: b.yaml\nname: a\n")
    b = write("b.yaml", "extends: a.yaml\nname: b\n")
    result = run_cli("validate", b)
    assert result.exit_code == 2
    assert "cycles" in result.stderr and "a.yaml -> " in result.stderr.replace("\\", "/")


def test_extends_missing_file(write, run_cli):
    f = write("child.yaml", "name: c\nextends: parent.yaml\n")
    result = run_cli("validate", f)
    assert result.exit_code == 2
    assert re.search(r"child\.yaml:2: extends: ", result.stderr)
    assert "parent.yaml" in result.stderr


def test_error_in_parent_points_at_parent(write, run_cli):
    write("parent.yaml", SMALL.replace("years: 3", "years: -3"))
    child = write("child.yaml", "extends: parent.yaml\nname: child\n")
    result = run_cli("validate", child)
    assert result.exit_code == 2
    assert re.search(r"parent\.yaml:3: simulation\.years: ", result.stderr), result.stderr


@pytest.mark.parametrize("csv_text,expected", [
    ("id,stage,x_km,y_km,classrooms\nA,primary,0,0,12\n", "campuses.csv:1: locale: "),  # missing column
    ("id,stage,locale,x_km,y_km,classrooms\nA,primary,urban,0,0,12\nB,primary,urbn,1,1,6\n",
     "campuses.csv:3: locale: "),  # bad value on the third line
], ids=["missing_column", "bad_value"])
def test_csv_problems_name_csv_line(write, run_cli, csv_text, expected):
    write("campuses.csv", csv_text)
    result = run_cli("validate", write("csv.yaml", "name: csv\nregion:\n  campuses_csv: campuses.csv\n"))
    assert result.exit_code == 2
    assert expected in result.stderr


def test_bad_set_syntax(write, run_cli):
    f = write("ok.yaml", SMALL)
    result = run_cli("validate", f, "--set", "simulation.years")
    assert result.exit_code == 2
    assert "--set" in result.stderr and "path=value" in result.stderr


def test_set_value_checked_like_yaml(write, run_cli):
    f = write("ok.yaml", SMALL)
    result = run_cli("validate", f, "--set", "simulation.years=0")
    assert result.exit_code == 2
    assert "--set: simulation.years" in result.stderr


def test_all_problems_reported_together(write, run_cli):
    text = _swap("years: 3", "years: 0").replace("seed: 5", "seed: -1")
    result = run_cli("validate", write("two.yaml", text))
    assert result.exit_code == 2
    assert "simulation.years" in result.stderr and "simulation.seed" in result.stderr
