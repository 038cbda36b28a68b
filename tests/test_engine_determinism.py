"""Determinism and common random numbers: same scenario and seed give byte-identical tables, with
one worker or two; another seed gives other tables; a policy changes nothing before it starts."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from sim.cli import cli
from sim.runner import run
from sim.scenario.loader import load_scenario

from conftest import ROOT

COUNTY = str(ROOT / "scenarios" / "county_baseline.yaml")


def run_cli(runner, out, *args):
    result = runner.invoke(cli, ["run", COUNTY, "--years", "3", "--replicates", "2", "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    return {name: (out / name).read_bytes() for name in ("campus_year.parquet", "grade_year.parquet", "flows.parquet",
                                                         "metrics.parquet", "metrics_summary.parquet")}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    from click.testing import CliRunner
    runner, tmp = CliRunner(), tmp_path_factory.mktemp("det")
    return {
        "a": run_cli(runner, tmp / "a", "--seed", "3", "--workers", "1"),
        "again": run_cli(runner, tmp / "again", "--seed", "3", "--workers", "1"),
        "workers": run_cli(runner, tmp / "workers", "--seed", "3", "--workers", "2"),
        "other": run_cli(runner, tmp / "other", "--seed", "4"),
        "manifest": json.loads((tmp / "a" / "manifest.json").read_text(encoding="utf-8")),
    }


def test_same_seed_byte_identical(runs):
    assert runs["a"] == runs["again"]


def test_two_workers_byte_identical(runs):
    assert runs["a"] == runs["workers"]


def test_other_seed_differs(runs):
    for name in runs["a"]:
        assert runs["a"][name] != runs["other"][name]


def test_tables_and_manifest_contract(runs, tmp_path):
    path = tmp_path / "cy.parquet"
    path.write_bytes(runs["a"]["campus_year.parquet"])
    cy = pd.read_parquet(path)
    for col in ("scenario", "replicate", "year", "campus", "enrolment", "capacity", "classes", "mean_class_size",
                "max_class_size", "classes_56plus", "classes_66plus", "teachers", "mean_teacher_skill",
                "mean_achievement", "reputation", "teachers_qualified", "teachers_backbone", "teachers_pe_arts",
                "floor_area_m2", "sports_area_m2", "equipment_value_yuan", "multimedia_classrooms"):
        assert col in cy.columns, col
    assert sorted(cy.replicate.unique()) == [0, 1] and sorted(cy.year.unique()) == [1, 2, 3]
    assert len(cy) == 2 * 3 * 60
    path.write_bytes(runs["a"]["flows.parquet"])
    flows = pd.read_parquet(path)
    assert {"scenario", "replicate", "year", "kind", "origin", "destination", "count"} <= set(flows.columns)
    assert set(flows.kind) == {"student", "teacher", "child"}
    m = runs["manifest"]
    assert m["years"] == 3 and len(m["replicate_seeds"]) == 2 and len(m["scenario_hash"]) == 64
    assert m["resolved_scenario"]["name"] == "county_baseline"


def test_policy_changes_nothing_before_it_starts():
    """Common random numbers: a policy dated year 3 leaves years 1–2 identical, and later years of
    campuses far from it mostly so."""
    base = load_scenario(COUNTY, ["simulation.years=4"])
    richer = load_scenario(COUNTY, ["simulation.years=4",
                                    "policies=[{action: set_allowance, year: 3, yuan_per_month: "
                                    "{urban: 0, town: 0, rural: 1500}}]"])
    a, b = run(base, 9)["campus_year"], run(richer, 9)["campus_year"]
    cols = ["enrolment", "classes", "teachers", "mean_achievement", "reputation"]
    pd.testing.assert_frame_equal(a[a.year <= 2][cols].reset_index(drop=True),
                                  b[b.year <= 2][cols].reset_index(drop=True))
    late_a, late_b = a[a.year == 4].set_index("campus"), b[b.year == 4].set_index("campus")
    assert (late_a.allowance_yuan != late_b.allowance_yuan).any()
    # pupils' choices and moves share their draws: enrolment barely moves between the two scenarios
    assert (late_a.enrolment - late_b.enrolment).abs().sum() < 0.01 * late_a.enrolment.sum()
