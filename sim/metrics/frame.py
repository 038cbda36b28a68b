"""The tidy shape every metric family returns, and the helpers that build it.

A metric table has the columns ``year, level, entity, metric, value``: one row per year, level
(region, stage, locale, stage_locale, locale_pair, group, campus, campus_stage), entity at that
level (``all`` for the region) and metric key of :mod:`sim.metrics.catalogue`.  A metric that
does not exist somewhere (a share of zero classes, a gap with one side empty) has no row there:
rows are never NaN, so averages over replicates use the replicates where the metric exists.
"""

from __future__ import annotations

import pandas as pd

COLUMNS = ["year", "level", "entity", "metric", "value"]
REGION = "all"
"""Entity name of the whole region."""


def melt(wide: pd.DataFrame, level: str) -> pd.DataFrame:
    """Tidy rows of ``level`` from a frame indexed by (year, entity) with one column per metric."""
    long = wide.rename_axis(index=["year", "entity"]).reset_index().melt(
        id_vars=["year", "entity"], var_name="metric", value_name="value")
    long["level"] = level
    return long[COLUMNS]


def melt_region(wide: pd.DataFrame) -> pd.DataFrame:
    """Tidy region rows (entity ``all``) from a frame indexed by year."""
    return melt(wide.assign(entity=REGION).set_index("entity", append=True), "region")


def finish(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate tidy parts, drop rows without a value, and fix the column types."""
    parts = [p for p in parts if len(p)]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)
    out = out.dropna(subset=["value"]).reset_index(drop=True)
    return out.astype({"year": "int64", "level": str, "entity": str, "metric": str, "value": "float64"})
