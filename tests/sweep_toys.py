"""Toy models plugged into a sweep in place of the simulator (module-level, so worker processes
can import them), and a builder of toy sweep plans."""

from __future__ import annotations

import math
import time

import numpy as np

from sim.sweep.design import Factor, build_design
from sim.sweep.plan import Plan
from sim.sweep.spec import Outcome


def toy_plan(factors: list[Factor], method: str = "grid", size: int | None = None, replicates: int = 1,
             outcomes: tuple = ("y",), scenarios: tuple = ("toy",), seed: int = 1, **questions) -> Plan:
    outs = [o if isinstance(o, Outcome) else Outcome(outcome=o) for o in outcomes]
    return Plan("toy", "toy", list(scenarios), factors, build_design(factors, method, size, seed=seed), replicates,
                years=1, base_seed=seed, outcomes=outs, **questions)


def ishigami(task) -> dict[str, float]:
    """The Ishigami function (a = 7, b = 0.1) of parameters x1, x2, x3."""
    x1, x2, x3 = (task.values[k] for k in ("x1", "x2", "x3"))
    return {"y": math.sin(x1) + 7 * math.sin(x2) ** 2 + 0.1 * x3 ** 4 * math.sin(x1)}


def noisy_line(task) -> dict[str, float]:
    """p plus normal noise of SD 0.1 drawn from the run's seed (the same at every point: CRN)."""
    return {"y": task.values["p"] + 0.1 * np.random.default_rng(task.seed).standard_normal()}


def two_plans(task) -> dict[str, float]:
    """Plan 'a' scores x, plan 'b' a flat 0.5 (lower is better): 'a' wins where x < 0.5."""
    return {"y": task.values["x"] if task.scenario == "a" else 0.5}


def fails_at_point_2(task) -> dict[str, float]:
    if task.point == 2:
        raise ValueError("bad point")
    return {"y": float(task.values["p"]) * 10 + task.replicate}


def slow_echo(task) -> dict[str, float]:
    """The point's value and the seed, after a pause (so a worker can be killed while busy)."""
    time.sleep(0.3)
    return {"y": float(task.values["p"]), "seed": float(task.seed % 1000)}


def dies_at_point_1(task) -> dict[str, float]:
    """Kills its own worker process at point 1 (as an out-of-memory kill would)."""
    import os

    if task.point == 1:
        os._exit(1)
    return {"y": float(task.values["p"])}
