"""Throughput of sweeps (``run_sim.py bench --sweep``): a real sweep of the benchmark county, timed
from the sweep file to the written outcome tables.

The sweep samples every declared uncertain parameter (Latin hypercube, one replicate per point) of
:func:`sim.bench.scenario_data`'s county (40,000 pupils, 60 campuses, 10 years) and measures four
outcomes, through the same path as ``run_sim.py sweep`` (binding, executor, run store, analyses,
tables), on local worker processes or a Dask ``LocalCluster``.  Figures (:func:`bench_sweep`):
``runs``, ``workers``, ``executor``, ``wall_s`` (whole sweep, worker start-up included),
``runs_per_min`` and ``projected_1000_s`` (1,000 runs at that rate), against the target of a
1,000-run county sweep in 3 minutes on a 2-core machine (:data:`TARGET_1000_S`); and, because a
shared machine's load distorts wall time, ``cpu_s`` (CPU seconds of this process and its workers
over the sweep), ``cpu_per_run_s`` and ``load_avg`` (the 1-minute load average at the end): on an
otherwise idle machine of C cores the sweep cannot take less than ``cpu_s`` / C.
"""

from __future__ import annotations

import json
import os
import resource
import tempfile
import time
from pathlib import Path

from ..bench import scenario_data
from .run import execute, plan_sweep

TARGET_1000_S = 180.0
"""A 1,000-run county sweep (10 years a run), outcomes written, on 2 cores: 3 minutes."""
OUTCOMES = ["cv_mean/stage/junior@final", "achievement_gap_rural@final", "attrition_rate/locale/rural@final",
            "share_classes_56plus@final"]


def _cpu_s() -> float:
    """CPU seconds used so far by this process and its finished (reaped) children: the sweep's
    workers are reaped when it ends, so the difference over a sweep is all the work it took."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bench_sweep(runs: int = 1000, workers: int = 2, dask: str | None = None, years: int = 10) -> dict:
    """Run a ``runs``-run county sweep and return its figures (module docstring)."""
    with tempfile.TemporaryDirectory(prefix="edugroup-bench-sweep-") as tmp:
        folder = Path(tmp)
        (folder / "county.yaml").write_text(json.dumps(scenario_data("county", years)), encoding="utf-8")
        (folder / "sweep.yaml").write_text(json.dumps({
            "name": "bench_sweep", "scenarios": ["county.yaml"], "parameters": [{"uncertain": "all"}],
            "design": {"method": "latin", "size": runs, "seed": 1}, "replicates": 1, "outcomes": OUTCOMES,
        }), encoding="utf-8")
        cpu0 = _cpu_s()
        started = time.perf_counter()
        plan = plan_sweep(folder / "sweep.yaml")
        planned = time.perf_counter()
        counts = execute(plan, folder / "out", workers=workers, dask=dask)
        wall = time.perf_counter() - started
        cpu = _cpu_s() - cpu0
    rate = counts["runs"] / wall * 60
    result = {"size": "county", "years": years, "runs": counts["runs"], "failed": counts["failed"], "workers": workers,
              "executor": f"dask-{dask}" if dask else "local", "wall_s": round(wall, 2),
              "plan_s": round(planned - started, 2), "runs_per_min": round(rate, 1),
              "projected_1000_s": round(1000 / rate * 60, 1), "cpu_s": round(cpu, 1),
              "cpu_per_run_s": round(cpu / counts["runs"], 3), "load_avg": round(os.getloadavg()[0], 2),
              "target_1000_s": TARGET_1000_S}
    result["targets_met"] = result["projected_1000_s"] < TARGET_1000_S and counts["failed"] == 0
    return result
