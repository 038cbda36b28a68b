"""All metrics of one run, from its tables: the tidy ``metrics`` table of :mod:`sim.results`; or,
as blocks of rows, only the families and levels a caller needs (a sweep that measures a few
outcomes, :func:`sim.sweep.outcomes.outcome_values`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from ..scenario.models import Costs
from .balance import balance_blocks
from .class_size import class_size_blocks
from .cost import cost_blocks
from .frame import COLUMNS, Block, Levels, finish
from .migration import migration_blocks
from .quality import quality_blocks
from .staffing import teacher_blocks

METRIC_COLUMNS = ["scenario", "replicate", "seed", *COLUMNS]
"""Columns of ``metrics.parquet`` (:func:`run_metrics`)."""


FAMILY_BLOCKS: dict[str, Callable[[dict[str, pd.DataFrame], Costs, Levels], list[Block]]] = {
    "balance": lambda f, costs, levels: balance_blocks(f["campus_year"], levels),
    "quality": lambda f, costs, levels: quality_blocks(f["campus_year"], levels),
    "class_size": lambda f, costs, levels: class_size_blocks(f["campus_year"], f["grade_year"], levels),
    "migration": lambda f, costs, levels: migration_blocks(f["campus_year"], f["flows"], levels),
    "teachers": lambda f, costs, levels: teacher_blocks(f["campus_year"], f["flows"], levels),
    "cost": lambda f, costs, levels: cost_blocks(f["campus_year"], costs, levels),
}
"""Each metric family (:data:`sim.metrics.catalogue.FAMILIES`) from a run's tables, in catalogue
order; given levels, only its rows at those levels."""


def metric_blocks(frames: dict[str, pd.DataFrame], costs: Costs,
                  only: Mapping[str, Levels] | None = None) -> list[Block]:
    """The rows of every metric family of one run, as blocks (:func:`run_metrics` makes them a
    table); with ``only`` (family → levels, None for all its levels), just those families and
    levels: exactly the full table's rows there."""
    return [block for name, family in FAMILY_BLOCKS.items() if only is None or name in only
            for block in family(frames, costs, None if only is None else only[name])]


def run_metrics(frames: dict[str, pd.DataFrame], costs: Costs, seed: int) -> pd.DataFrame:
    """Every metric family of one run (one scenario, one replicate), tidy, with the run's keys."""
    cy = frames["campus_year"]
    return finish(metric_blocks(frames, costs), {"scenario": str(cy["scenario"].iloc[0]),
                                                 "replicate": int(cy["replicate"].iloc[0]), "seed": int(seed)})
