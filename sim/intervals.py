"""Means over replicates with 95 % intervals, and paired differences between scenarios.

The interval of a mean over R replicates is Student's t interval, mean ± t(0.975, R − 1) · s / √R:
it says how precisely R replicates pin down the expected outcome of a plan, not how much one
county's future can vary (that spread is the replicates' own SD, also reported).  A difference
between two plans run on the same seeds (common random numbers) is the mean of the per-replicate
differences, with the t interval of those differences: the paired design removes the noise the
two plans share, which is most of it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

CONFIDENCE = 0.95


def t_interval(n: np.ndarray, mean: np.ndarray, sd: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds of the t interval of a mean of ``n`` values with SD ``sd``; NaN for n < 2."""
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stats.t.ppf(0.5 + CONFIDENCE / 2, np.where(n > 1, n - 1, np.nan)) * np.asarray(sd) / np.sqrt(n)
    return mean - half, mean + half


def summarise(values: pd.DataFrame, keys: list[str], column: str = "value") -> pd.DataFrame:
    """Per group of ``keys``: ``n``, ``mean``, ``sd`` and the t interval ``ci_low``, ``ci_high``."""
    g = values.groupby(keys, sort=False, observed=True)[column].agg(["count", "mean", "std"]).reset_index()
    g = g.rename(columns={"count": "n", "std": "sd"})
    g["ci_low"], g["ci_high"] = t_interval(g["n"].to_numpy(), g["mean"].to_numpy(), g["sd"].to_numpy())
    return g


def paired(values: pd.DataFrame, reference: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per-replicate differences ``values − reference`` matched on ``replicate`` and ``keys``
    (rows present in only one of the two have no difference)."""
    both = values.merge(reference[["replicate", *keys, "value"]], on=["replicate", *keys], suffixes=("", "_ref"))
    return both.assign(value=both["value"] - both["value_ref"]).drop(columns="value_ref")
