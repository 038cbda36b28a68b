"""Run a sweep and write its results.

:func:`sweep` reads a sweep file, binds it to its scenarios (:mod:`sim.sweep.bind`) and calls
:func:`execute`, which runs every point × scenario × replicate on the batch executor
(:func:`sim.runner.run_tasks`: local processes or Dask), each run stored under ``<out>/.runs/`` as
it finishes (a killed sweep rerun with the same command skips them), a failing run recorded with its
error while the others go on; then writes, in ``out``:

* ``design.parquet``: point, scenario, then one column per swept parameter (its dotted path);
* ``runs.parquet``: point, scenario, replicate, seed, key (of the stored run), status (ok|failed), error;
* ``outcomes.parquet``: point, scenario, replicate, seed, outcome, value (one row per run and outcome);
* ``outcome_summary.parquet``: mean and 95 % interval per point, scenario and outcome (:mod:`.summary`);
* ``sensitivity.parquet``: Sobol or Morris indices (:mod:`.sensitivity`);
* ``goal_seek.parquet``: the goals' answers (:mod:`.goalseek`);
* ``robustness.parquet``: share of runs each plan is best (:mod:`.robustness`);
* ``prim_boxes.parquet``: scenario-discovery boxes (:mod:`.discovery`);
* ``manifest.json``: ``"kind": "sweep"``, the sweep's name, parameters, design, scenarios, seeds,
  outcomes, code version, the run counts and notes (analyses left out and why).
"""

from __future__ import annotations

import datetime as _dt
import json
import time
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from ..atomic import write_text_atomic
from ..results import code_fingerprint, code_version, write_tables
from ..runner import Progress, run_tasks
from ..runstore import Failure, RunStore
from .bind import bind
from .discovery import BOX_COLUMNS, boxes
from .goalseek import GOAL_COLUMNS, goal_seek
from .plan import Plan
from .robustness import robustness
from .sensitivity import sensitivity
from .spec import load_sweep
from .summary import outcome_summary
from .tasks import Evaluate, Measure, simulate

RUN_COLUMNS = ["point", "scenario", "replicate", "seed", "key", "status", "error"]
OUTCOME_COLUMNS = ["point", "scenario", "replicate", "seed", "outcome", "value"]


def plan_sweep(path: Path, replicates: int | None = None, years: int | None = None, size: int | None = None) -> Plan:
    """Read the sweep file at ``path`` and bind it to its scenarios; ``replicates``, ``years`` and the
    design's ``size`` override the file's.  Raises ScenarioError (located problems) before anything runs."""
    spec, locs = load_sweep(path, replicates=replicates, years=years, size=size)
    return bind(spec, locs, path)


def sweep(path: Path, out: Path, workers: int = 1, dask: str | None = None, progress: Progress | None = None,
          **overrides: int | None) -> dict:
    """Run the sweep file at ``path`` into ``out`` (module docstring); return its run counts and notes."""
    return execute(plan_sweep(path, **overrides), out, simulate, workers, dask, progress)


def design_table(plan: Plan) -> pd.DataFrame:
    """``design.parquet``: every point for every base scenario, with its swept values."""
    parts = [plan.design.table.assign(scenario=s).rename_axis("point").reset_index() for s in plan.scenarios]
    table = pd.concat(parts, ignore_index=True).sort_values(["point", "scenario"], kind="stable", ignore_index=True)
    return table[["point", "scenario", *plan.design.table.columns]].astype({"point": "int64"})


def execute(plan: Plan, out: Path, evaluate: Evaluate = simulate, workers: int = 1, dask: str | None = None,
            progress: Progress | None = None) -> dict:
    """Run ``plan``'s runs with the model ``evaluate`` and write every result table into ``out``;
    return the run counts, notes and the files written."""
    started = time.perf_counter()
    tasks = plan.tasks()
    version = code_fingerprint()
    keys = [plan.key(task, version) for task in tasks]
    store = RunStore(out / ".runs")
    reused = sum(store.has(key) for key in keys)
    results = run_tasks(Measure(evaluate), tasks, keys, workers, dask, store, progress, keep_going=True)
    runs = pd.DataFrame([(t.point, t.scenario, t.replicate, t.seed, k, "failed" if isinstance(r, Failure) else "ok",
                          r.error if isinstance(r, Failure) else "") for t, k, r in zip(tasks, keys, results)],
                        columns=RUN_COLUMNS)
    outcomes = _outcomes(tasks, results)
    summary = outcome_summary(outcomes)
    tables, notes = _analyses(plan, outcomes, summary)
    files = write_tables(out, {"design": design_table(plan), "runs": runs, "outcomes": outcomes,
                               "outcome_summary": summary, **tables})
    failed = int((runs["status"] == "failed").sum())
    counts = {"runs": len(tasks), "reused": reused, "ran": len(tasks) - reused, "failed": failed,
              "seconds": round(time.perf_counter() - started, 2)}
    files.append(_write_manifest(out, plan, counts, notes))
    return {**counts, "notes": notes, "out": str(out), "files": files}


def _outcomes(tasks: list, results: list) -> pd.DataFrame:
    """One row per run and outcome (failed runs have none)."""
    parts = []
    for task, res in zip(tasks, results):
        if isinstance(res, Failure):
            continue
        frame = res["outcomes"]
        parts.append(pd.DataFrame({"point": task.point, "scenario": task.scenario, "replicate": task.replicate,
                                   "seed": task.seed, "outcome": frame["outcome"], "value": frame["value"]}))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c == "value" else "int64") for c in OUTCOME_COLUMNS}
                            ).astype({"scenario": str, "outcome": str})
    return pd.concat(parts, ignore_index=True).astype({"point": "int64", "replicate": "int64", "seed": "int64",
                                                       "value": "float64"})[OUTCOME_COLUMNS]


def _analyses(plan: Plan, outcomes: pd.DataFrame, summary: pd.DataFrame) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Sensitivity, goal-seek, robustness and discovery tables, and notes on what was left out."""
    indices, notes = sensitivity(plan.design, summary)
    per_run = outcomes.merge(plan.design.table.rename_axis("point").reset_index(), on="point")
    years = {ref.name: ref.year_in(plan.years) for ref in plan.refs}
    goals = []
    for goal in plan.goals:
        parameter = goal.parameter or plan.factors[0].path
        others = [f.path for f in plan.factors if f.path != parameter] if plan.design.method == "grid" else []
        runs = per_run[per_run["outcome"] == goal.outcome]
        goals += goal_seek(goal, parameter, runs, others, years.get(goal.outcome, plan.years), plan.start_year)
    better = {o.outcome: o.better for o in plan.outcomes if o.better}
    found = []
    design = plan.design.table.rename_axis("point").reset_index()
    for item in plan.discovery:
        box_table, note = boxes(item, outcomes, design, better.get(item.outcome))
        found.append(box_table)
        if note:
            notes.append(note)
    return {"sensitivity": indices,
            "goal_seek": pd.DataFrame(goals, columns=GOAL_COLUMNS).astype({"found": bool}),
            "robustness": robustness(outcomes, better, plan.scenarios),
            "prim_boxes": pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=BOX_COLUMNS)}, notes


def _write_manifest(out: Path, plan: Plan, counts: dict, notes: list[str]) -> Path:
    design = plan.design
    doc = {
        "kind": "sweep", "name": plan.name, "title": plan.title, "source": plan.source, "scenarios": plan.scenarios,
        "parameters": [{k: v for k, v in asdict(f).items() if v is not None} for f in plan.factors],
        "design": {"method": design.method, "size": design.size, "seed": design.seed, "points": design.points,
                   **({"levels": design.levels} if design.method == "morris" else {})},
        "replicates": plan.replicates, "years": plan.years, "start_year": plan.start_year, "base_seed": plan.base_seed,
        "seeds": plan.seeds(), "common_random_numbers": True,
        "outcomes": [{"outcome": o.outcome, "better": o.better} for o in plan.outcomes],
        "goals": [g.model_dump() for g in plan.goals], "discovery": [d.model_dump() for d in plan.discovery],
        "code_version": code_version(), "code_fingerprint": code_fingerprint(),
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"), "counts": counts, "notes": notes,
    }
    return write_text_atomic(out / "manifest.json", json.dumps(doc, ensure_ascii=False, indent=2, default=str))
