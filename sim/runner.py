"""Run replicates of a scenario, in this process or in parallel worker processes.

Results do not depend on the number of workers: each replicate's seed is a pure function of the
base seed and the replicate number (:func:`sim.results.replicate_seed`), every draw is keyed to an
agent, and tables are concatenated in replicate order.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import pandas as pd

from .engine import Simulation, check_supported
from .results import replicate_seed, tables
from .scenario.resolved import ResolvedScenario


def run(scn: ResolvedScenario, seed: int, years: int | None = None, replicate: int = 0) -> dict[str, pd.DataFrame]:
    """One run: the ``campus_year`` and ``flows`` tables of ``scn`` simulated with ``seed``."""
    return tables(Simulation(scn, seed, years).run(), scn.name, replicate)


def _run_replicate(job: tuple[ResolvedScenario, int, int | None]) -> dict[str, pd.DataFrame]:
    scn, r, years = job
    return run(scn, replicate_seed(scn.simulation.seed, r), years, replicate=r)


def run_replicates(scn: ResolvedScenario, replicates: int, workers: int = 1, years: int | None = None,
                   progress: Callable[[], None] | None = None) -> dict[str, pd.DataFrame]:
    """Replicates 0..R−1 of ``scn``; tables concatenated in replicate order."""
    check_supported(scn)
    jobs = [(scn, r, years) for r in range(replicates)]
    results: list[dict[str, pd.DataFrame]] = []
    if workers <= 1:
        for job in jobs:
            results.append(_run_replicate(job))
            if progress:
                progress()
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for res in pool.map(_run_replicate, jobs):
                results.append(res)
                if progress:
                    progress()
    return {name: pd.concat([r[name] for r in results], ignore_index=True) for name in results[0]}
