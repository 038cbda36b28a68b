"""`run_sim.py compare`: the files it leaves and their columns (contracts), results independent of
the number of workers, resuming an interrupted batch, and bad input (exit 2, no traceback)."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

import sim.runner
from sim.comparison import COLUMNS
from sim.metrics.compute import METRIC_COLUMNS
from sim.scenario import load_scenario

from conftest import ROOT, TINY

PLANS = [ROOT / "scenarios" / f"{name}.yaml" for name in ("county_baseline", "county_rural_allowance")]
SETS = [arg for s in TINY for arg in ("--set", s)]


def compare(run_cli, out, *extra):
    result = run_cli("compare", *PLANS, "--replicates", "3", "--out", out, *SETS, *extra)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    from click.testing import CliRunner
    from sim.cli import cli
    tmp = tmp_path_factory.mktemp("compare")
    results = {}
    for name, workers in (("one", "1"), ("two", "2")):
        r = CliRunner().invoke(cli, ["compare", *map(str, PLANS), "--replicates", "3", "--out", str(tmp / name),
                                     "--workers", workers, "--csv", *SETS])
        assert r.exit_code == 0, r.output
        results[name] = (tmp / name, r.output)
    return results


def test_files_and_columns(outputs):
    out, printed = outputs["one"]
    comparison = pd.read_parquet(out / "comparison.parquet")
    assert list(comparison.columns) == COLUMNS
    assert set(comparison["scenario"]) == {"county_baseline", "county_rural_allowance"}
    assert set(comparison["reference"]) == {"county_baseline"}
    assert (out / "comparison.csv").exists() and (out / "summary.txt").exists()
    seeds = []
    for name in ("county_baseline", "county_rural_allowance"):
        for table in ("campus_year", "grade_year", "flows", "metrics"):
            assert (out / name / f"{table}.parquet").exists(), (name, table)
        metrics = pd.read_parquet(out / name / "metrics.parquet")
        assert list(metrics.columns) == METRIC_COLUMNS
        manifest = json.loads((out / name / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["comparison"] == {"reference": "county_baseline",
                                          "scenarios": ["county_baseline", "county_rural_allowance"],
                                          "common_random_numbers": True}
        seeds.append(manifest["replicate_seeds"])
    assert seeds[0] == seeds[1] and len(seeds[0]) == 3  # common random numbers
    summary = (out / "summary.txt").read_text(encoding="utf-8")
    for text in ("差异系数", "大班额", "回流 / backflow", "Δ"):
        assert text in summary and text in printed
    bare = re.sub(r"\s", "", printed)  # the printed summary names each plan by its full title, wrapped
    assert all(re.sub(r"\s", "", load_scenario(p).title) in bare for p in PLANS)


def test_allowance_plan_costs_more_and_says_so(outputs):
    comparison = pd.read_parquet(outputs["one"][0] / "comparison.parquet")
    row = comparison[(comparison["scenario"] == "county_rural_allowance") & (comparison["metric"] == "allowance_cost_yuan")
                     & (comparison["level"] == "region")]
    assert (row["diff"] > 0).all() and row["distinguishable"].all()


def test_workers_do_not_change_results(outputs):
    one, two = (pd.read_parquet(outputs[k][0] / "comparison.parquet") for k in ("one", "two"))
    pd.testing.assert_frame_equal(one, two)
    for table in ("campus_year", "flows", "metrics"):
        a, b = (pd.read_parquet(outputs[k][0] / "county_baseline" / f"{table}.parquet") for k in ("one", "two"))
        pd.testing.assert_frame_equal(a, b)


def test_interrupted_batch_resumes_without_redoing_finished_runs(run_cli, tmp_path, monkeypatch):
    compare(run_cli, tmp_path, "--workers", "1")
    first = pd.read_parquet(tmp_path / "comparison.parquet")
    runs = sorted(p for p in (tmp_path / ".runs").iterdir() if p.is_dir())
    assert len(runs) == 6
    (runs[2] / "done").unlink()  # as if killed while this run was being written
    calls = []
    real = sim.runner._run_job
    monkeypatch.setattr(sim.runner, "_run_job", lambda job: calls.append(job.replicate) or real(job))
    compare(run_cli, tmp_path, "--workers", "1")
    assert len(calls) == 1
    pd.testing.assert_frame_equal(first, pd.read_parquet(tmp_path / "comparison.parquet"))


def test_bad_input_exits_2(run_cli, write, tmp_path):
    broken = write("broken.yaml", "extends: " + str(PLANS[0]) + "\nsimulation: {years: ten}\n")
    result = run_cli("compare", PLANS[0], broken, "--out", tmp_path / "x")
    assert result.exit_code == 2 and "broken.yaml:2" in result.output and "Traceback" not in result.output
    result = run_cli("compare", PLANS[0], PLANS[0], "--out", tmp_path / "y")
    assert result.exit_code == 2 and "share a name" in result.output
    result = run_cli("compare", PLANS[0], "--out", tmp_path / "z")
    assert result.exit_code == 2 and "at least two" in result.output
    assert not (tmp_path / "y").exists()
