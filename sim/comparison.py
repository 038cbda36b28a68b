"""The comparison table: every metric of every scenario with its mean and 95 % interval, and its
paired difference against the reference (the first scenario) on the same seeds; plus the cost per
unit of gap closed, which only a comparison can give.

``comparison.parquet`` columns: scenario, reference, year, level, entity, metric, n (replicates),
mean, ci_low, ci_high, sd (replicates' SD), diff, diff_ci_low, diff_ci_high (paired difference
against the reference and its interval), distinguishable (the difference's interval excludes 0).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .intervals import CONFIDENCE, paired, summarise, t_interval
from .metrics.catalogue import CATALOGUE
from .metrics.frame import REGION

KEYS = ["year", "level", "entity", "metric"]
COLUMNS = ["scenario", "reference", *KEYS, "n", "mean", "ci_low", "ci_high", "sd", "diff", "diff_ci_low",
           "diff_ci_high", "distinguishable"]

BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20251
"""Resamples and seed of the percentile bootstrap of cost-effectiveness ratios (fixed: the same
tables always give the same intervals)."""

COST = ("region", REGION, "cumulative_cost_yuan")
EFFECTS = {
    # metric key: (level, entity, metric whose reduction is bought, size of one unit of reduction)
    "cost_per_cv_0_01_yuan": [("stage", "primary", "cv_mean", 0.01), ("stage", "junior", "cv_mean", 0.01)],
    "cost_per_gap_sd_yuan": [("region", REGION, "achievement_gap_rural", 1.0)],
}
"""Cost-effectiveness metrics: extra cumulative cost over the reference per unit of reduction."""


def _per_replicate(metrics: pd.DataFrame, scenario: str, level: str, entity: str, metric: str) -> pd.DataFrame:
    """Replicate × year values of one metric of one scenario."""
    m = metrics[(metrics["scenario"] == scenario) & (metrics["level"] == level) & (metrics["entity"] == entity)
                & (metrics["metric"] == metric)]
    return m.pivot(index="replicate", columns="year", values="value")


def _ratio(cost: np.ndarray, effect: np.ndarray, rng: np.random.Generator) -> tuple[float, float, float, bool]:
    """Cost per unit of effect over paired replicates: ratio of means, bootstrap interval, and
    whether the effect is distinguishably positive (else no ratio is given)."""
    n = len(effect)
    if n < 2:
        return np.nan, np.nan, np.nan, False
    low, _ = t_interval(np.array([n]), np.array([effect.mean()]), np.array([effect.std(ddof=1)]))
    if not low[0] > 0:
        return np.nan, np.nan, np.nan, False
    idx = rng.integers(0, n, size=(BOOTSTRAP_RESAMPLES, n))
    boot = cost[idx].mean(axis=1) / effect[idx].mean(axis=1)
    tail = 100 * (1 - CONFIDENCE) / 2
    lo, hi = np.percentile(boot, [tail, 100 - tail])
    return cost.mean() / effect.mean(), lo, hi, True


def cost_effectiveness(metrics: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Rows of ``cost_per_*`` metrics for every scenario but the reference, every year."""
    reference, rows = names[0], []
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    ref_cost = _per_replicate(metrics, reference, *COST)
    for name in names[1:]:
        extra_cost = _per_replicate(metrics, name, *COST) - ref_cost
        for key, effects in EFFECTS.items():
            for level, entity, metric, unit in effects:
                effect = (_per_replicate(metrics, reference, level, entity, metric)
                          - _per_replicate(metrics, name, level, entity, metric)) / unit
                for year in extra_cost.columns.intersection(effect.columns):
                    both = pd.concat([extra_cost[year], effect[year]], axis=1, join="inner").dropna()
                    ratio, lo, hi, ok = _ratio(both.iloc[:, 0].to_numpy(), both.iloc[:, 1].to_numpy(), rng)
                    rows.append({"scenario": name, "reference": reference, "year": year, "level": level,
                                 "entity": entity, "metric": key, "n": len(both), "mean": ratio, "ci_low": lo,
                                 "ci_high": hi, "distinguishable": ok})
    return pd.DataFrame(rows, columns=COLUMNS)


BOUNDED_UNITS = ("share", "flag (1/0)")
"""Units whose values lie in [0, 1]: their intervals are clipped to it (a t interval of a share
near 0 would otherwise reach below 0)."""


def clip_intervals(table: pd.DataFrame) -> pd.DataFrame:
    """``ci_low``/``ci_high`` of metrics with a unit in :data:`BOUNDED_UNITS` clipped to [0, 1]."""
    bounded = table["metric"].map(lambda k: k in CATALOGUE and CATALOGUE[k].unit in BOUNDED_UNITS).astype(bool)
    for col in ("ci_low", "ci_high"):
        table.loc[bounded, col] = table.loc[bounded, col].clip(0.0, 1.0)
    return table


def metric_summary(metrics: pd.DataFrame) -> pd.DataFrame:
    """Mean and 95 % interval over replicates of every metric of every scenario and year
    (``metrics_summary.parquet``: scenario, year, level, entity, metric, n, mean, sd, ci_low, ci_high)."""
    return clip_intervals(summarise(metrics, ["scenario", *KEYS]))


def comparison_table(metrics: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Mean and interval of every metric of each scenario in ``names``, and the paired difference
    against ``names[0]`` matched on replicate (runs on the same seeds)."""
    reference = metrics[metrics["scenario"] == names[0]]
    parts = []
    for name in names:
        own = metrics[metrics["scenario"] == name]
        level = clip_intervals(summarise(own, KEYS))
        diff = summarise(paired(own, reference, KEYS), KEYS).rename(
            columns={"mean": "diff", "ci_low": "diff_ci_low", "ci_high": "diff_ci_high"})
        table = level.merge(diff[[*KEYS, "diff", "diff_ci_low", "diff_ci_high"]], on=KEYS, how="left")
        table.insert(0, "reference", names[0])
        table.insert(0, "scenario", name)
        table["distinguishable"] = (table["diff_ci_low"] > 0) | (table["diff_ci_high"] < 0)
        parts.append(table[COLUMNS])
    parts.append(cost_effectiveness(metrics, names))
    out = pd.concat([p for p in parts if len(p)], ignore_index=True)
    numbers = {c: "float64" for c in ("mean", "ci_low", "ci_high", "sd", "diff", "diff_ci_low", "diff_ci_high")}
    return out.astype({"year": "int64", "n": "int64", "distinguishable": bool, **numbers})
