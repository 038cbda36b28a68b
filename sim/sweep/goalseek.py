"""Goal-seek: the smallest (or largest) value of a swept parameter for which an outcome meets its
target in at least a given share of runs (``goal_seek.parquet``).

For each value v of the parameter, the share of runs meeting the target (replicates, and any other
points with that value) is estimated with its 95 % Wilson interval (scipy).  The answer ``value`` is
the first tested value, going up (smallest) or down (largest), from which the share stays at or above
the required share at every value beyond.  ``ci_low``–``ci_high`` brackets where the threshold lies
between the tested values: from the last value at which the required share is ruled out (the upper
bound of the share falls short; the first tested value if there is none) to the first value from
which it is established (every lower bound beyond reaches it).  ``found`` is False when no value
tested meets the goal; the far end is NaN when no tested value establishes it.  On a grid of several parameters the goal is sought
separately for each combination of the others (``given``, JSON); otherwise the other parameters'
variation counts as uncertainty.

Columns: outcome, parameter, target, year, share_required, value, ci_low, ci_high, found, plus
scenario, given, calendar_year, seek.
"""

from __future__ import annotations

import json
import operator

import numpy as np
import pandas as pd
from scipy.stats import binomtest

from .spec import TARGET, Goal

GOAL_COLUMNS = ["outcome", "parameter", "target", "year", "share_required", "value", "ci_low", "ci_high", "found",
                "scenario", "given", "calendar_year", "seek"]
OPERATORS = {"<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt}


def meets(values: pd.Series, target: str) -> pd.Series:
    """Whether each value meets ``target`` (e.g. ``<= 0.45``)."""
    m = TARGET.match(target)
    return OPERATORS[m[1]](values, float(m[2]))


def _threshold(order: list, ok: dict[object, bool]) -> object:
    """The first value of ``order`` from which ``ok`` holds at every later value (None if none)."""
    answer = None
    for v in reversed(order):
        if not ok[v]:
            break
        answer = v
    return answer


def seek(values: pd.Series, success: pd.Series, share: float, smallest: bool) -> tuple[object, object, object]:
    """(value, ci_low, ci_high) over runs with parameter ``values`` and target ``success`` (module docstring)."""
    counts = success.groupby(values).agg(["sum", "count"])
    order = sorted(counts.index, reverse=not smallest)
    est, possible, sure = {}, {}, {}
    for v in order:
        k, n = int(counts.loc[v, "sum"]), int(counts.loc[v, "count"])
        ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
        est[v], possible[v], sure[v] = k / n >= share, ci.high >= share, ci.low >= share
    value, optimistic, pessimistic = _threshold(order, est), _threshold(order, possible), _threshold(order, sure)
    if optimistic is not None and order.index(optimistic) > 0:  # the threshold lies beyond the value ruled out
        optimistic = order[order.index(optimistic) - 1]
    return (value, optimistic, pessimistic) if smallest else (value, pessimistic, optimistic)


def goal_seek(goal: Goal, parameter: str, runs: pd.DataFrame, others: list[str], year: int, start_year: int | None
              ) -> list[dict]:
    """Rows of ``goal`` sought on ``parameter`` over ``runs`` (one row per run: scenario, the swept
    parameters' values, ``value`` of the goal's outcome); ``others`` are grid parameters to hold fixed."""
    rows = []
    known = runs.dropna(subset=["value"])
    for keys, part in known.groupby(["scenario", *others], sort=True, dropna=False):
        keys = keys if isinstance(keys, tuple) else (keys,)
        value, low, high = seek(part[parameter], meets(part["value"], goal.target), goal.share, goal.seek == "smallest")
        given = {k: (v.item() if hasattr(v, "item") else v) for k, v in zip(others, keys[1:])}
        rows.append({"outcome": goal.outcome, "parameter": parameter, "target": goal.target, "year": year,
                     "share_required": goal.share, "value": np.nan if value is None else value,
                     "ci_low": np.nan if low is None else low, "ci_high": np.nan if high is None else high,
                     "found": value is not None, "scenario": keys[0], "given": json.dumps(given, ensure_ascii=False),
                     "calendar_year": None if start_year is None else start_year + year - 1, "seek": goal.seek})
    return rows
