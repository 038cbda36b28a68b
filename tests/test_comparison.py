"""Intervals, paired differences and cost-effectiveness against hand-computed values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.comparison import COLUMNS, comparison_table, metric_summary
from sim.intervals import paired, summarise


def rows(scenario: str, metric: str, values, level: str = "region", entity: str = "all", year: int = 5):
    return pd.DataFrame({"scenario": scenario, "replicate": range(len(values)), "seed": 0, "year": year,
                         "level": level, "entity": entity, "metric": metric, "value": values})


def test_t_interval_by_hand():
    s = summarise(rows("a", "m", [1.0, 2.0, 3.0, 4.0]), ["metric"]).iloc[0]
    # mean 2.5; sd = √(((1.5² + 0.5²)·2)/3) = √(5/3) = 1.29099; se = 1.29099/2 = 0.645497;
    # t(0.975, 3) = 3.182446; half width = 3.182446 × 0.645497 = 2.054260
    assert s["n"] == 4 and s["mean"] == 2.5 and s["sd"] == pytest.approx(np.sqrt(5 / 3))
    assert s["ci_low"] == pytest.approx(2.5 - 2.054260, abs=1e-6)
    assert s["ci_high"] == pytest.approx(2.5 + 2.054260, abs=1e-6)
    one = summarise(rows("a", "m", [7.0]), ["metric"]).iloc[0]
    assert one["mean"] == 7 and np.isnan(one["ci_low"])  # one replicate: no interval


def test_paired_differences_match_on_replicate():
    a = rows("a", "m", [1.0, 2.0, 3.0])
    b = rows("b", "m", [1.5, 2.5, 3.0]).iloc[[2, 0, 1]]  # order does not matter, replicate does
    d = paired(b, a, ["year", "level", "entity", "metric"]).sort_values("replicate")
    assert d["value"].tolist() == [0.5, 0.5, 0.0]


def test_comparison_table_paired_vs_reference():
    ref = rows("ref", "cv_mean", [0.50, 0.60, 0.70, 0.55], level="stage", entity="junior")
    plan = rows("plan", "cv_mean", [0.45, 0.56, 0.64, 0.51], level="stage", entity="junior")
    table = comparison_table(pd.concat([ref, plan]), ["ref", "plan"])
    assert list(table.columns) == COLUMNS
    r = table[table["scenario"] == "ref"].iloc[0]
    assert r["reference"] == "ref" and r["diff"] == 0 and not r["distinguishable"]
    p = table[(table["scenario"] == "plan") & (table["metric"] == "cv_mean")].iloc[0]
    # paired differences −0.05, −0.04, −0.06, −0.04: mean −0.0475, sd 0.009574, se 0.004787, t 3.182446
    assert p["diff"] == pytest.approx(-0.0475)
    assert p["diff_ci_high"] == pytest.approx(-0.0475 + 3.182446 * 0.0095743 / 2, abs=1e-6)
    assert p["distinguishable"]  # the interval lies below 0, although the two means' intervals overlap
    assert p["ci_low"] < r["ci_high"]


def test_shares_and_flags_are_clipped_to_their_range():
    m = rows("a", "share_classes_56plus", [0.0, 0.0, 0.0, 0.04])
    s = metric_summary(m).iloc[0]
    assert s["ci_low"] == 0.0 and s["mean"] == 0.01
    unbounded = metric_summary(rows("a", "achievement_gap_rural", [0.0, 0.0, 0.0, 0.04])).iloc[0]
    assert unbounded["ci_low"] < 0


def cost_effect(name: str, cost, gap):
    return pd.concat([rows(name, "cumulative_cost_yuan", cost), rows(name, "achievement_gap_rural", gap)])


def test_cost_per_gap_closed():
    ref = cost_effect("ref", [100e6] * 4, [0.30, 0.32, 0.28, 0.30])
    plan = cost_effect("plan", [110e6, 112e6, 108e6, 110e6], [0.20, 0.20, 0.20, 0.20])
    flat = cost_effect("flat", [105e6] * 4, [0.31, 0.31, 0.29, 0.30])  # no distinguishable change in the gap
    table = comparison_table(pd.concat([ref, plan, flat]), ["ref", "plan", "flat"])
    per_sd = table[table["metric"] == "cost_per_gap_sd_yuan"].set_index("scenario")
    # extra cost 10, 12, 8, 10 million for gap reductions 0.10, 0.12, 0.08, 0.10 SD: 100 million per SD,
    # in every replicate, so every bootstrap resample gives it too
    assert per_sd.loc["plan", "mean"] == pytest.approx(1e8)
    assert per_sd.loc["plan", "ci_low"] == pytest.approx(1e8) and per_sd.loc["plan", "ci_high"] == pytest.approx(1e8)
    assert per_sd.loc["plan", "distinguishable"]
    assert np.isnan(per_sd.loc["flat", "mean"]) and not per_sd.loc["flat", "distinguishable"]
    assert "ref" not in per_sd.index
