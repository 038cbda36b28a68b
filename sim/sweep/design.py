"""The design of a sweep: which values of the swept parameters each point gets.

Samples come from SALib (Latin hypercube, Saltelli's scheme for Sobol indices, Morris trajectories)
in the unit hypercube, one dimension per parameter, and are mapped to each parameter's values: a
range linearly or on a log scale, listed values or categories by equal slices of [0, 1).  A grid is
every combination of each parameter's values (a range gives ``steps`` values, evenly spaced or
geometric).  The same design and seed always give the same points.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from SALib.sample import latin, morris, sobol

ANALYSED = ("sobol", "morris")
"""Designs that sensitivity indices are computed from; they need ranges, not listed values."""


@dataclass(frozen=True)
class Factor:
    """A swept parameter: ``path`` and either a range ``low``–``high`` (``log`` scale, ``steps`` on a
    grid) or a list of ``values`` (ordered values or categories)."""

    path: str
    low: float | None = None
    high: float | None = None
    log: bool = False
    steps: int | None = None
    values: tuple[Any, ...] | None = None

    @property
    def is_range(self) -> bool:
        return self.values is None

    def grid(self) -> list[Any]:
        """The parameter's values on a grid."""
        if not self.is_range:
            return list(self.values)
        if self.steps is None:
            raise ValueError(f"{self.path}: a range on a grid needs steps / 网格上的范围须给出 steps")
        space = np.geomspace if self.log else np.linspace
        return [float(v) for v in space(self.low, self.high, self.steps)]

    def from_unit(self, u: np.ndarray) -> list[Any]:
        """Values at positions ``u`` in [0, 1]."""
        if self.is_range:
            if self.log:
                return list(np.exp(np.log(self.low) + u * (np.log(self.high) - np.log(self.low))))
            return list(self.low + u * (self.high - self.low))
        k = len(self.values)
        return [self.values[i] for i in np.minimum((u * k).astype(int), k - 1)]


@dataclass(frozen=True)
class Design:
    """The points (``table``: one row per point, one column per parameter path) and, for sampled
    designs, the unit-hypercube sample and SALib problem they came from (for the analysis)."""

    method: str
    table: pd.DataFrame
    unit: np.ndarray | None
    problem: dict | None
    size: int | None = None
    levels: int = 4
    seed: int = 1

    @property
    def points(self) -> int:
        return len(self.table)


def problem_of(factors: list[Factor]) -> dict:
    """The SALib problem: every parameter on [0, 1] (mapped to its own scale afterwards)."""
    return {"num_vars": len(factors), "names": [f.path for f in factors], "bounds": [[0.0, 1.0]] * len(factors)}


def build_design(factors: list[Factor], method: str, size: int | None = None, levels: int = 4,
                 seed: int = 1) -> Design:
    """The points of ``method`` over ``factors`` (module docstring); ``size`` as in the sweep file."""
    names = [f.path for f in factors]
    if method == "grid":
        rows = list(itertools.product(*(f.grid() for f in factors)))
        return Design(method, pd.DataFrame(rows, columns=names), None, None)
    if method in ANALYSED and not all(f.is_range for f in factors):
        listed = ", ".join(f.path for f in factors if not f.is_range)
        raise ValueError(f"{method} needs ranges (min/max), not listed values: {listed} / {method} 设计只接受范围")
    problem = problem_of(factors)
    if method == "random":
        unit = np.random.default_rng(seed).random((size, len(factors)))
    elif method == "latin":
        unit = latin.sample(problem, size, seed=seed)
    elif method == "sobol":
        unit = sobol.sample(problem, size, calc_second_order=False, seed=seed)
    elif method == "morris":
        unit = morris.sample(problem, size, num_levels=levels, seed=seed)
    else:
        raise ValueError(f"unknown design method {method!r}")
    table = pd.DataFrame({f.path: f.from_unit(unit[:, j]) for j, f in enumerate(factors)})
    return Design(method, table, unit, problem, size, levels, seed)
