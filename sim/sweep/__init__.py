"""Batch parameter sweeps: designs from SALib, runs on local processes or Dask, resumable, with
sensitivity indices, goal-seek, robustness and scenario discovery (:func:`sweep`; the sweep file's
language in :mod:`sim.sweep.spec`, outcome names in :mod:`sim.sweep.outcomes`, outputs in
:mod:`sim.sweep.run`)."""

from .run import execute, plan_sweep, sweep

__all__ = ["execute", "plan_sweep", "sweep"]
