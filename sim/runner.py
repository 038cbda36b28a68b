"""Run batches of simulations (replicates of one scenario, several scenarios on shared seeds, the
points of a sweep) on an executor (:mod:`sim.executor`: this process, local worker processes or
Dask), each finished run stored as it arrives (:mod:`sim.runstore`) so that an interrupted batch
resumes where it stopped.

Results do not depend on the number of workers or on where they run: each run's seed is fixed before
the batch starts (:func:`sim.results.replicate_seed`), every draw is keyed to an agent, and results
are returned in task order whatever order the runs end in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .engine import Simulation, check_supported
from .executor import open_executor
from .metrics.compute import run_metrics
from .results import TABLES, code_fingerprint, replicate_seed, tables
from .runstore import Failure, Result, RunStore, run_key
from .scenario.resolved import ResolvedScenario

INDEPENDENT_STREAM = 1 << 20
"""Offset of the replicate numbers from which independent (non-shared) base seeds are derived."""

Progress = Callable[[bool], None]
"""Called once per finished run (True) or failed run (False), in the main process."""


@dataclass(frozen=True)
class Job:
    """One run: scenario, replicate number, its seed (derived from the batch's base seed) and
    simulated years."""

    scn: ResolvedScenario
    replicate: int
    seed: int
    years: int
    base_seed: int

    def key(self, version: str) -> str:
        """The run's key in a batch store: a hash of the resolved scenario, seed, years and code."""
        return run_key("tables", self.scn.digest, self.seed, self.years, self.replicate, version)


def run(scn: ResolvedScenario, seed: int, years: int | None = None, replicate: int = 0) -> dict[str, pd.DataFrame]:
    """One run: the tables of ``scn`` simulated with ``seed`` (campus_year, grade_year, flows) and its metrics."""
    frames = tables(Simulation(scn, seed, years).run(), scn.name, replicate)
    frames["metrics"] = run_metrics(frames, scn.costs, seed)
    return frames


def _run_job(job: Job) -> dict[str, pd.DataFrame]:
    return run(job.scn, job.seed, job.years, job.replicate)


def replicate_jobs(scn: ResolvedScenario, replicates: int, years: int | None = None,
                   base_seed: int | None = None) -> list[Job]:
    """Replicates 0..R−1 of ``scn``; seeds derive from ``base_seed`` (default: the scenario's), so
    scenarios given the same base seed run on the same seeds (common random numbers)."""
    base = scn.simulation.seed if base_seed is None else base_seed
    return [Job(scn, r, replicate_seed(base, r), years or scn.simulation.years, base) for r in range(replicates)]


def comparison_jobs(scns: Sequence[ResolvedScenario], replicates: int, years: int, base_seed: int,
                    common: bool = True) -> list[Job]:
    """Replicates of every scenario.  With ``common`` (the default) every scenario runs on the
    same seeds, so paired differences are due to policy, not noise; without, scenario k gets
    seeds of its own (only to measure what common random numbers buy)."""
    return [job for k, scn in enumerate(scns)
            for job in replicate_jobs(scn, replicates, years, base_seed if common or k == 0 else
                                      replicate_seed(base_seed, INDEPENDENT_STREAM + k))]


def run_tasks(fn: Callable[[Any], dict[str, pd.DataFrame]], tasks: Sequence[Any], keys: Sequence[str],
              workers: int = 1, dask: str | None = None, store: RunStore | None = None,
              progress: Progress | None = None, keep_going: bool = False) -> list[Result]:
    """``fn(task)`` for every task, in task order: runs found in ``store`` are read, the others run on
    the executor (``workers`` local processes, or Dask at ``dask``) and are stored as each ends.

    A run that raises is stored as a :class:`~sim.runstore.Failure` and the batch goes on when
    ``keep_going``; otherwise its error is raised once the runs already finished are stored.
    """
    store = store or RunStore(None)
    results: list[Result | None] = [store.load(key) for key in keys]
    for res in results:
        if res is not None and progress:
            progress(not isinstance(res, Failure))
    todo = [i for i, res in enumerate(results) if res is None]
    if todo:
        with open_executor(workers, dask, len(todo)) as pool:
            for j, value, error in pool.results(fn, [tasks[i] for i in todo]):
                i = todo[j]
                if error is not None and not keep_going:
                    raise error
                results[i] = Failure.of(error) if error is not None else value
                store.save(keys[i], results[i])
                if progress:
                    progress(error is None)
    return results  # type: ignore[return-value]


def run_jobs(jobs: Sequence[Job], workers: int = 1, progress: Progress | None = None,
             cache: Path | None = None, dask: str | None = None) -> list[dict[str, pd.DataFrame]]:
    """Run ``jobs`` (on ``workers`` processes, or Dask at ``dask``), in job order.  With ``cache``,
    runs found finished there are read instead of re-run, and each new run is saved as it ends."""
    for scn in {job.scn.name: job.scn for job in jobs}.values():
        check_supported(scn)
    version = code_fingerprint()
    results = run_tasks(_run_job, jobs, [job.key(version) for job in jobs], workers, dask, RunStore(cache), progress)
    return [{name: res[name] for name in TABLES} for res in results]  # type: ignore[index]


def concat_runs(results: Sequence[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """The tables of several runs, concatenated in the given order."""
    return {name: pd.concat([r[name] for r in results], ignore_index=True) for name in results[0]}
