"""Per design point and base scenario: each outcome's mean over replicates and its 95 % interval
(``outcome_summary.parquet``: point, scenario, outcome, n, mean, sd, ci_low, ci_high)."""

from __future__ import annotations

import pandas as pd

from ..comparison import clip_intervals
from ..intervals import summarise

SUMMARY_COLUMNS = ["point", "scenario", "outcome", "n", "mean", "sd", "ci_low", "ci_high"]


def outcome_summary(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Mean, SD and t interval over the replicates of each point, scenario and outcome (NaN values,
    where a run has no such value, are left out; intervals of shares and flags are clipped to [0, 1])."""
    known = outcomes.dropna(subset=["value"])
    table = summarise(known, ["point", "scenario", "outcome"])
    table["metric"] = table["outcome"].str.split(r"[/@]", n=1, regex=True).str[0]
    table = clip_intervals(table)
    return table[SUMMARY_COLUMNS].astype({"point": "int64", "n": "int64"}).sort_values(
        ["point", "scenario", "outcome"], ignore_index=True)
