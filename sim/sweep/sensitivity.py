"""Sensitivity indices with SALib: Sobol first-order (S1) and total (ST) indices from a Sobol
(Saltelli) design, or Morris mu* and sigma from a Morris design, per base scenario and outcome
(``sensitivity.parquet``: outcome, parameter, method, index, value, conf, scenario; ``conf`` is the
half-width of the index's 95 % bootstrap interval, NaN for Morris sigma, which has none).

The model output of a point is its outcome's mean over replicates.  An outcome missing at any point
(a failed run, an undefined value), or the same at every point, has no indices (a note says so):
the estimators need every point, and a variance to share out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from SALib.analyze import morris, sobol

from .design import Design

SENSITIVITY_COLUMNS = ["outcome", "parameter", "method", "index", "value", "conf", "scenario"]
CONF_LEVEL = 0.95
BOOTSTRAP_SEED = 20251
"""Seed of SALib's bootstrap of the intervals: the same results always give the same intervals."""


def indices(design: Design, y: np.ndarray) -> list[tuple[str, str, float, float]]:
    """(parameter, index, value, conf) for model outputs ``y`` at the design's points."""
    names = design.problem["names"]
    if design.method == "sobol":
        res = sobol.analyze(design.problem, y, calc_second_order=False, conf_level=CONF_LEVEL, seed=BOOTSTRAP_SEED)
        return [(name, index, float(res[index][j]), float(res[f"{index}_conf"][j]))
                for index in ("S1", "ST") for j, name in enumerate(names)]
    res = morris.analyze(design.problem, design.unit, y, conf_level=CONF_LEVEL, num_levels=design.levels,
                         seed=BOOTSTRAP_SEED)
    return [(name, "mu_star", float(res["mu_star"][j]), float(res["mu_star_conf"][j])) for j, name in enumerate(names)] \
        + [(name, "sigma", float(res["sigma"][j]), np.nan) for j, name in enumerate(names)]


def sensitivity(design: Design, summary: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Indices of every outcome and scenario in ``summary`` (outcome_summary); and notes on the
    outcomes left out.  Empty unless the design is a Sobol or Morris design."""
    rows, notes = [], []
    if design.method not in ("sobol", "morris"):
        return pd.DataFrame(columns=SENSITIVITY_COLUMNS), notes
    for (scenario, outcome), part in summary.groupby(["scenario", "outcome"], sort=False):
        y = part.set_index("point")["mean"].reindex(range(design.points)).to_numpy(float)
        if not np.isfinite(y).all():
            notes.append(f"{scenario} {outcome}: {int((~np.isfinite(y)).sum())} points without a value, no indices "
                         "/ 有缺失点，未计算敏感性指数")
            continue
        if np.ptp(y) == 0:
            notes.append(f"{scenario} {outcome}: the same value at every point, no indices / 各点取值相同，未计算敏感性指数")
            continue
        rows += [(outcome, name, design.method, index, value, conf, scenario)
                 for name, index, value, conf in indices(design, y)]
    return pd.DataFrame(rows, columns=SENSITIVITY_COLUMNS), notes
