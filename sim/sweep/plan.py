"""A sweep ready to run: its design, base scenarios, outcomes and analysis questions, and the runs
it consists of (every point × base scenario × replicate, on common random numbers)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from ..results import replicate_seed
from ..runstore import run_key
from .design import Design, Factor
from .outcomes import OutcomeRef
from .spec import Discovery, Goal, Outcome
from .tasks import PointScenario, RunTask


@dataclass
class Plan:
    """Everything :func:`sim.sweep.run.execute` needs.  ``inputs`` holds each (point, scenario)'s
    validated scenario (None for a plugged-in model) and ``digests`` what identifies it."""

    name: str
    title: str
    scenarios: list[str]
    factors: list[Factor]
    design: Design
    replicates: int
    years: int
    base_seed: int
    outcomes: list[Outcome]
    refs: tuple[OutcomeRef, ...] = ()
    goals: list[Goal] = field(default_factory=list)
    discovery: list[Discovery] = field(default_factory=list)
    inputs: dict[tuple[int, str], PointScenario] | None = None
    digests: dict[tuple[int, str], str] = field(default_factory=dict)
    start_year: int | None = None
    source: str = ""

    def __post_init__(self) -> None:
        for point in range(self.design.points):
            for scenario in self.scenarios:
                self.digests.setdefault((point, scenario), _values_digest(scenario, self.values(point)))

    @property
    def runs(self) -> int:
        """Number of runs: points × base scenarios × replicates."""
        return self.design.points * len(self.scenarios) * self.replicates

    def values(self, point: int) -> dict:
        """The swept values of ``point`` by parameter path."""
        return {k: _plain(v) for k, v in self.design.table.iloc[point].items()}

    def seeds(self) -> list[int]:
        """Seed of each replicate: the same at every point and for every scenario (common random numbers)."""
        return [replicate_seed(self.base_seed, r) for r in range(self.replicates)]

    def tasks(self) -> list[RunTask]:
        """Every run, point by point."""
        seeds = self.seeds()
        return [RunTask(point, scenario, r, seeds[r], self.years, self.values(point), self.refs,
                        None if self.inputs is None else self.inputs[point, scenario])
                for point in range(self.design.points) for scenario in self.scenarios
                for r in range(self.replicates)]

    def key(self, task: RunTask, version: str) -> str:
        """A run's key: a hash of its point's scenario, seed, years, outcomes and the code."""
        return run_key("sweep", self.digests[task.point, task.scenario], task.seed, task.years,
                       json.dumps([o.outcome for o in self.outcomes]), version)


def _plain(value: object) -> object:
    """A numpy scalar as the Python value (for YAML and JSON)."""
    return value.item() if hasattr(value, "item") else value


def _values_digest(scenario: str, values: dict) -> str:
    return hashlib.sha256(json.dumps([scenario, values], sort_keys=True, default=str).encode()).hexdigest()
