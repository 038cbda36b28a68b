"""Robustness across the swept uncertainty: in what share of runs each base scenario (plan) is the
best on an outcome (``robustness.parquet``: scenario, outcome, share_best, n).

A run here is a design point and replicate: every plan ran it on the same parameter values and
seed, so the plans are compared run by run.  Ties share the win equally.  Only outcomes with a
direction (``better: lower|higher``) and runs where every plan has a value count.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

ROBUSTNESS_COLUMNS = ["scenario", "outcome", "share_best", "n"]


def robustness(outcomes: pd.DataFrame, better: dict[str, str], scenarios: list[str]) -> pd.DataFrame:
    """Share of runs in which each scenario is best, for every outcome in ``better`` (name → lower|higher)."""
    rows = []
    for outcome, direction in better.items():
        wide = outcomes[outcomes["outcome"] == outcome].pivot_table(
            index=["point", "replicate"], columns="scenario", values="value", aggfunc="first")
        wide = wide.reindex(columns=scenarios).dropna()
        if wide.empty:
            continue
        values = wide.to_numpy(float)
        best = values.min(axis=1, keepdims=True) if direction == "lower" else values.max(axis=1, keepdims=True)
        winners = np.isclose(values, best, rtol=0, atol=1e-12)
        shares = (winners / winners.sum(axis=1, keepdims=True)).mean(axis=0)
        rows += [{"scenario": s, "outcome": outcome, "share_best": float(shares[j]), "n": len(wide)}
                 for j, s in enumerate(scenarios)]
    return pd.DataFrame(rows, columns=ROBUSTNESS_COLUMNS)
