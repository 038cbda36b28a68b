"""All metrics of one run, from its tables: the tidy ``metrics`` table of :mod:`sim.results`."""

from __future__ import annotations

import pandas as pd

from ..scenario.models import Costs
from .balance import balance_metrics
from .class_size import class_size_metrics
from .cost import cost_metrics
from .frame import COLUMNS
from .migration import migration_metrics
from .quality import quality_metrics
from .staffing import teacher_metrics

METRIC_COLUMNS = ["scenario", "replicate", "seed", *COLUMNS]
"""Columns of ``metrics.parquet``."""


def run_metrics(frames: dict[str, pd.DataFrame], costs: Costs, seed: int) -> pd.DataFrame:
    """Every metric family of one run (one scenario, one replicate), tidy, with the run's keys."""
    cy, gy, flows = frames["campus_year"], frames["grade_year"], frames["flows"]
    out = pd.concat([balance_metrics(cy), quality_metrics(cy), class_size_metrics(cy, gy),
                     migration_metrics(cy, flows), teacher_metrics(cy, flows), cost_metrics(cy, costs)],
                    ignore_index=True)
    out.insert(0, "seed", seed)
    out.insert(0, "replicate", int(cy["replicate"].iloc[0]))
    out.insert(0, "scenario", str(cy["scenario"].iloc[0]))
    return out.astype({"seed": "int64", "replicate": "int64"})[METRIC_COLUMNS]
