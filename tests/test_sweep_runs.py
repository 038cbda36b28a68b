"""Running a sweep: the runs it makes and their parameters, common random numbers, failures
recorded while the rest finish, a real SIGKILL midway then a rerun that does each run exactly once,
identical results on 1 and 2 workers and on a Dask LocalCluster, even when a Dask worker is killed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from sim.scenario.dynamics import TeacherDynamics
from sim.sweep import execute, plan_sweep
from sim.sweep.design import Factor

from conftest import COUNTY, ROOT, TINY
from sweep_toys import dies_at_point_1, fails_at_point_2, slow_echo, toy_plan


def sweep_file(tmp_path: Path, parameters: list[dict], replicates: int = 2) -> Path:
    """A sweep of the tiny county (JSON is YAML)."""
    path = tmp_path / "sweep.yaml"
    path.write_text(json.dumps({
        "name": "test_sweep", "scenarios": [str(COUNTY)], "set": TINY, "parameters": parameters,
        "replicates": replicates,
        "outcomes": ["cv_mean/stage/junior@final", {"outcome": "attrition_rate/locale/rural@final", "better": "lower"}],
    }, indent=1), encoding="utf-8")
    return path


GRID = [{"path": "dynamics.migration.flight_rate", "values": [0.01, 0.04]},
        {"path": "dynamics.teachers.attrition.rural", "min": 0.05, "max": 0.15, "steps": 3}]


def read_back(task) -> dict[str, float]:
    """A model that reports the swept parameters as the resolved scenario holds them (no simulation)."""
    scn = task.input.resolve()
    t = scn.dynamics.teachers.attrition
    return {"flight_rate": scn.dynamics.migration.flight_rate, "rural": t.rural, "urban": t.urban, "town": t.town,
            "seed": float(task.seed)}


def test_a_2x3_grid_with_2_replicates_runs_12_runs_with_the_right_parameters(tmp_path):
    plan = plan_sweep(sweep_file(tmp_path, GRID))
    assert plan.runs == 12
    execute(plan, tmp_path / "out", read_back, workers=2)
    runs = pd.read_parquet(tmp_path / "out" / "runs.parquet")
    assert len(runs) == 12 and (runs["status"] == "ok").all() and runs["key"].is_unique
    design = pd.read_parquet(tmp_path / "out" / "design.parquet")
    assert list(design.columns) == ["point", "scenario", "dynamics.migration.flight_rate",
                                    "dynamics.teachers.attrition.rural"]
    assert len(design) == 6 and set(design["scenario"]) == {"county_baseline"}
    got = pd.read_parquet(tmp_path / "out" / "outcomes.parquet").pivot_table(
        index=["point", "replicate"], columns="outcome", values="value")
    for (point, replicate), row in got.iterrows():
        values = design.set_index("point").loc[point]
        assert row["flight_rate"] == values["dynamics.migration.flight_rate"]
        assert row["rural"] == pytest.approx(values["dynamics.teachers.attrition.rural"])
        base = TeacherDynamics().attrition
        assert (row["urban"], row["town"]) == (base.urban, base.town)  # the other locales keep the base's values
    seeds = got["seed"].unstack("replicate")
    assert (seeds.nunique() == 1).all() and seeds.iloc[0].nunique() == 2  # same seeds at every point (CRN)
    summary = pd.read_parquet(tmp_path / "out" / "outcome_summary.parquet")
    assert list(summary.columns) == ["point", "scenario", "outcome", "n", "mean", "sd", "ci_low", "ci_high"]
    assert (summary["n"] == 2).all() and len(summary) == 6 * 5


def test_a_run_that_raises_is_recorded_and_the_rest_finish(tmp_path):
    plan = toy_plan([Factor("p", values=(0.0, 1.0, 2.0, 3.0))], replicates=3)
    result = execute(plan, tmp_path, fails_at_point_2, workers=2)
    assert result["failed"] == 3 and result["runs"] == 12
    runs = pd.read_parquet(tmp_path / "runs.parquet")
    failed = runs[runs["status"] == "failed"]
    assert set(failed["point"]) == {2} and failed["error"].str.contains("ValueError: bad point").all()
    outcomes = pd.read_parquet(tmp_path / "outcomes.parquet")
    assert len(outcomes) == 9 and 2 not in set(outcomes["point"])
    again = execute(plan, tmp_path, fails_at_point_2)  # same code and inputs: the failure is not retried
    assert again["reused"] == 12 and again["failed"] == 3


def test_outcomes_are_the_simulated_metrics(tmp_path):
    """Real simulation: an outcome equals the metric of a plain run of the same scenario and seed."""
    from sim.runner import run

    plan = plan_sweep(sweep_file(tmp_path, [{"path": "dynamics.migration.flight_rate", "values": [0.03]}], 1))
    execute(plan, tmp_path / "out", workers=1)
    got = pd.read_parquet(tmp_path / "out" / "outcomes.parquet").set_index("outcome")["value"]
    task = plan.tasks()[0]
    metrics = run(task.input.resolve(), task.seed, task.years)["metrics"]
    last = metrics[metrics["year"] == plan.years]
    cv = last[(last["metric"] == "cv_mean") & (last["entity"] == "junior")]["value"].item()
    rural = last[(last["metric"] == "attrition_rate") & (last["level"] == "locale") & (last["entity"] == "rural")]
    assert got["cv_mean/stage/junior@final"] == cv and got["attrition_rate/locale/rural@final"] == rural["value"].item()


BIG = [{"path": "dynamics.migration.flight_rate", "values": [0.01, 0.02, 0.03, 0.04]},
       {"path": "dynamics.teachers.attrition.rural", "values": [0.05, 0.08, 0.11, 0.14, 0.17]}]


def cli(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "run_sim.py"), "sweep", *map(str, args)]


@pytest.mark.slow
def test_a_sigkilled_sweep_resumes_each_run_once_with_the_results_of_an_uninterrupted_one(tmp_path):
    path = sweep_file(tmp_path, BIG)
    out, ref = tmp_path / "killed", tmp_path / "reference"
    proc = subprocess.Popen(cli(path, "--out", out, "--workers", "2"), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 300
    while len(list((out / ".runs").glob("*/done"))) < 6:
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    children = psutil.Process(proc.pid).children(recursive=True)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    time.sleep(1)
    assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    done = {p.parent.name: p.stat().st_mtime_ns for p in (out / ".runs").glob("*/done")}
    assert 6 <= len(done) < 40 and not (out / "outcomes.parquet").exists()

    rerun = subprocess.run(cli(path, "--out", out, "--workers", "2"), capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert f"reused {len(done)}" in rerun.stdout and f"ran {40 - len(done)}" in rerun.stdout
    after = {p.parent.name: p.stat().st_mtime_ns for p in (out / ".runs").glob("*/done")}
    assert len(after) == 40 and all(after[k] == t for k, t in done.items())  # finished runs were not redone

    once = subprocess.run(cli(path, "--out", ref, "--workers", "1"), capture_output=True, text=True, timeout=600)
    assert once.returncode == 0, once.stderr
    for table in ("outcomes", "outcome_summary", "runs", "design"):
        pd.testing.assert_frame_equal(pd.read_parquet(out / f"{table}.parquet"), pd.read_parquet(ref / f"{table}.parquet"))


def dask_workers() -> list[psutil.Process]:
    """Worker processes of a LocalCluster started by this process."""
    return [c for c in psutil.Process().children(recursive=True)
            if any("spawn_main" in part for part in c.cmdline())]


@pytest.mark.slow
def test_a_dask_localcluster_matches_local_processes_even_when_a_worker_is_killed(tmp_path):
    plan = toy_plan([Factor("p", values=tuple(range(8)))], replicates=2)
    execute(plan, tmp_path / "local", slow_echo, workers=2)
    killed = []

    def kill_one(ok: bool) -> None:
        if not killed:
            victim = dask_workers()[0]
            victim.kill()
            killed.append(victim)

    result = execute(plan, tmp_path / "dask", slow_echo, workers=2, dask="local", progress=kill_one)
    assert killed and result["failed"] == 0 and result["ran"] == 16
    for table in ("outcomes", "outcome_summary", "runs"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "local" / f"{table}.parquet"),
                                      pd.read_parquet(tmp_path / "dask" / f"{table}.parquet"))
    assert not [p for p in dask_workers()]  # the cluster is closed with the sweep


@pytest.mark.slow
def test_a_real_sweep_on_dask_matches_the_local_result(tmp_path):
    plan = plan_sweep(sweep_file(tmp_path, [{"path": "dynamics.migration.flight_rate", "values": [0.01, 0.05]}]))
    execute(plan, tmp_path / "local", workers=1)
    execute(plan, tmp_path / "dask", workers=2, dask="local")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "local" / "outcomes.parquet"),
                                  pd.read_parquet(tmp_path / "dask" / "outcomes.parquet"))


@pytest.mark.slow
def test_on_dask_a_run_that_keeps_killing_workers_is_recorded_and_the_sweep_goes_on(tmp_path):
    import dask

    plan = toy_plan([Factor("p", values=(0, 1, 2))], replicates=1)
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        result = execute(plan, tmp_path, dies_at_point_1, workers=2, dask="local")
    runs = pd.read_parquet(tmp_path / "runs.parquet").set_index("point")
    assert result["failed"] == 1 and runs.loc[1, "status"] == "failed"
    assert "worker process died" in runs.loc[1, "error"] and "rerun the same command" in runs.loc[1, "error"]
    assert (runs.loc[[0, 2], "status"] == "ok").all()
