"""Run batches of simulations (replicates of one scenario, or several scenarios on shared seeds), in
this process or in parallel worker processes, each finished run kept on disk so that an
interrupted batch resumes where it stopped.

Results do not depend on the number of workers: each run's seed is fixed before the batch starts
(:func:`sim.results.replicate_seed`), every draw is keyed to an agent, and tables are concatenated
in job order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .atomic import write_text_atomic
from .engine import Simulation, check_supported
from .metrics.compute import run_metrics
from .results import TABLES, code_fingerprint, replicate_seed, tables, write_tables
from .scenario.resolved import ResolvedScenario


INDEPENDENT_STREAM = 1 << 20
"""Offset of the replicate numbers from which independent (non-shared) base seeds are derived."""


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
        """Name of the run's folder in a batch cache: changes with the scenario, seed, years and code."""
        return f"{self.scn.name}-r{self.replicate:04d}-s{self.seed}-y{self.years}-{self.scn.digest[:12]}-{version}"


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


class _Cache:
    """Finished runs under ``folder``: one sub-folder per run holding its tables, and a ``done``
    marker written last, so a run killed while writing counts as not done."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.version = code_fingerprint() if folder else ""

    def load(self, job: Job) -> dict[str, pd.DataFrame] | None:
        if self.folder is None:
            return None
        run_dir = self.folder / job.key(self.version)
        if not (run_dir / "done").exists():
            return None
        return {name: pd.read_parquet(run_dir / f"{name}.parquet") for name in TABLES}

    def save(self, job: Job, frames: dict[str, pd.DataFrame]) -> None:
        if self.folder is not None:
            run_dir = self.folder / job.key(self.version)
            write_tables(run_dir, frames)
            write_text_atomic(run_dir / "done", "")


def run_jobs(jobs: Sequence[Job], workers: int = 1, progress: Callable[[], None] | None = None,
             cache: Path | None = None) -> list[dict[str, pd.DataFrame]]:
    """Run ``jobs`` (in ``workers`` processes when more than one), in job order.  With ``cache``,
    runs found finished there are read instead of re-run, and each new run is saved as it ends."""
    for scn in {job.scn.name: job.scn for job in jobs}.values():
        check_supported(scn)
    store = _Cache(cache)
    results: list[dict[str, pd.DataFrame] | None] = [store.load(job) for job in jobs]
    todo = [i for i, res in enumerate(results) if res is None]
    for i, res in enumerate(results):
        if res is not None and progress:
            progress()

    def finished(i: int, res: dict[str, pd.DataFrame]) -> None:
        store.save(jobs[i], res)
        results[i] = res
        if progress:
            progress()

    if workers <= 1 or len(todo) <= 1:
        for i in todo:
            finished(i, _run_job(jobs[i]))
    else:
        with ProcessPoolExecutor(max_workers=min(workers, len(todo))) as pool:
            futures = {pool.submit(_run_job, jobs[i]): i for i in todo}
            for future in as_completed(futures):  # saved as each ends, whatever the order
                finished(futures[future], future.result())
    return results  # type: ignore[return-value]


def concat_runs(results: Sequence[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """The tables of several runs, concatenated in the given order."""
    return {name: pd.concat([r[name] for r in results], ignore_index=True) for name in results[0]}
