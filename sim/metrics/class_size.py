"""Class-size and capacity metrics of one simulation run: 大班额, 超大班额 and 城区挤、农村空.

The State Council set out to end classes of 66+ pupils by 2018 and of 56+ by 2020
(国发〔2016〕40号), so a planner must see every remaining one, where it is (stage, locale,
campus) and whether grouping moves pupils from crowded town campuses to emptying rural ones.

Class sizes come from ``grade_year`` (pupils and classes per campus-grade). Pupils of a
campus-grade with n pupils in k classes are spread evenly: n mod k classes hold ceil(n/k)
pupils and the rest floor(n/k), so the band counts are exact without class rows. A grade's
stage is primary for grades 1–6 and junior for 7–9, so a nine-year campus counts in both.
Capacity use (enrolment against seats) comes from ``campus_year``. Only open campuses count.
Output is tidy: ``year, level, entity, metric, value``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..stages import LARGE_CLASS, SUPER_LARGE_CLASS
from .frame import REGION, finish, melt

NORMAL_CLASS_MAX = 45
"""Largest normal class, pupils: the primary standard size (建标〔2002〕102号; band ≤45, 国发〔2016〕40号)."""

BIG_CLASS_MAX = 55
"""Largest 'large' class (46–55) below 大班额 (国发〔2016〕40号)."""
assert BIG_CLASS_MAX + 1 == LARGE_CLASS and NORMAL_CLASS_MAX < BIG_CLASS_MAX < SUPER_LARGE_CLASS

_COUNTS = ["pupils", "classes", "le45", "b46_55", "b56_65", "ge66"]


def classes_at_least(pupils: np.ndarray, classes: np.ndarray, size: int) -> np.ndarray:
    """Number of classes of ``size`` pupils or more when ``pupils`` are spread evenly over ``classes``."""
    k = np.maximum(classes, 1)
    q, r = np.divmod(pupils, k)
    return np.where(classes > 0, r * (q + 1 >= size) + (classes - r) * (q >= size), 0)


def class_bands(gy: pd.DataFrame, cy: pd.DataFrame) -> pd.DataFrame:
    """Grade rows of open campuses with pupils, classes and class counts in each size band."""
    keys = cy[["year", "campus", "locale", "open"]]
    g = gy.merge(keys, on=["year", "campus"], how="inner", validate="many_to_one")
    g = g.loc[g["open"].astype(bool) & (g["classes"] > 0)].copy()
    n, k = g["pupils"].to_numpy(np.int64), g["classes"].to_numpy(np.int64)
    ge46, ge56, ge66 = (classes_at_least(n, k, s) for s in (NORMAL_CLASS_MAX + 1, LARGE_CLASS, SUPER_LARGE_CLASS))
    g["le45"], g["b46_55"], g["b56_65"], g["ge66"] = k - ge46, ge46 - ge56, ge56 - ge66, ge66
    g["stage"] = np.where(g["grade"] <= 6, "primary", "junior")
    g["stage_locale"] = g["stage"] + "/" + g["locale"].astype(str)
    g["all"] = REGION
    return g


def band_metrics(bands: pd.DataFrame, level: str, key: str) -> pd.DataFrame:
    """Class count, mean size and size-band shares and counts of each entity of ``level``."""
    s = bands.groupby(["year", key], observed=True)[_COUNTS].sum()
    s = s.loc[s["classes"] > 0]
    k = s["classes"]
    wide = pd.DataFrame({
        "classes": k,
        "mean_class_size": s["pupils"] / k,
        "share_classes_le45": s["le45"] / k,
        "share_classes_46_55": s["b46_55"] / k,
        "share_classes_56_65": s["b56_65"] / k,
        "share_classes_56plus": (s["b56_65"] + s["ge66"]) / k,
        "share_classes_66plus": s["ge66"] / k,
        "classes_56plus": s["b56_65"] + s["ge66"],
        "classes_66plus": s["ge66"],
    }).astype(float)
    return melt(wide, level)


def capacity_metrics(cy: pd.DataFrame, level: str, key: str) -> pd.DataFrame:
    """Open campuses over capacity and enrolment ÷ capacity; per campus only the utilisation."""
    c = cy.loc[cy["open"].astype(bool), ["year", "campus", "locale", "enrolment", "capacity"]]
    c = c.assign(all=REGION, over=(c["enrolment"] > c["capacity"]).astype(float))
    s = c.groupby(["year", key], observed=True)[["enrolment", "capacity", "over"]].sum()
    util = (s["enrolment"] / s["capacity"].where(s["capacity"] > 0)).astype(float)
    wide = pd.DataFrame({"utilisation": util}) if level == "campus" else \
        pd.DataFrame({"campuses_over_capacity": s["over"], "utilisation": util})
    return melt(wide, level)


def class_size_metrics(cy: pd.DataFrame, gy: pd.DataFrame) -> pd.DataFrame:
    """All class-size and capacity metrics of one run as a tidy table (year, level, entity, metric, value)."""
    bands = class_bands(gy, cy)
    levels = {"region": "all", "stage": "stage", "locale": "locale", "stage_locale": "stage_locale",
              "campus": "campus"}
    parts = [band_metrics(bands, level, key) for level, key in levels.items()]
    parts += [capacity_metrics(cy, level, key) for level, key in
              (("region", "all"), ("locale", "locale"), ("campus", "campus"))]
    return finish(parts)
