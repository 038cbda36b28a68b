"""One run of a sweep, as sent to a worker, and what a worker does with it.

A :class:`RunTask` carries a design point's scenario already validated (the point's values applied
to its base scenario through the ``--set`` path) but not yet resolved: the worker resolves it
(synthesises the region, fills campus defaults), simulates it and measures only the sweep's
outcomes (:func:`simulate`).  Any other model can be plugged in instead (a function of the task
returning outcome values), which is how the analysis is tested on functions with known answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..scenario.models import Scenario
from ..scenario.resolved import ResolvedScenario
from ..yamlsource import Locations
from .outcomes import OutcomeRef, outcome_values


@dataclass(frozen=True)
class PointScenario:
    """A design point's validated scenario: the model, the data it came from, where those values
    were written (for messages) and the base file (a campus CSV is read relative to it)."""

    model: Scenario
    data: dict
    locs: Locations
    path: Path

    def resolve(self) -> ResolvedScenario:
        from ..scenario.loader import resolve

        return resolve(self.model, self.data, self.locs, self.path)


@dataclass(frozen=True)
class RunTask:
    """Replicate ``replicate`` (seed ``seed``) of design point ``point`` of base scenario ``scenario``,
    for ``years`` years, measuring ``outcomes``; ``values`` are the point's swept values."""

    point: int
    scenario: str
    replicate: int
    seed: int
    years: int
    values: dict[str, Any]
    outcomes: tuple[OutcomeRef, ...] = ()
    input: PointScenario | None = field(default=None, repr=False)


Evaluate = Callable[[RunTask], dict[str, float]]
"""A model: the outcome values of one run."""


def simulate(task: RunTask) -> dict[str, float]:
    """The simulator as a sweep's model: resolve, simulate, and measure the task's outcomes only."""
    from ..engine import Simulation
    from ..results import tables

    scn = task.input.resolve()
    frames = tables(Simulation(scn, task.seed, task.years).run(), scn.name, task.replicate)
    return outcome_values(frames, scn.costs, list(task.outcomes), task.years)


@dataclass(frozen=True)
class Measure:
    """Runs ``evaluate`` on a task and returns the run's stored table ``outcomes`` (outcome, value)."""

    evaluate: Evaluate

    def __call__(self, task: RunTask) -> dict[str, pd.DataFrame]:
        values = self.evaluate(task)
        return {"outcomes": pd.DataFrame({"outcome": list(values), "value": [float(v) for v in values.values()]})}
