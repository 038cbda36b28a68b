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

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..stages import LARGE_CLASS, SUPER_LARGE_CLASS
from .frame import REGION, Block, Groups, Levels, campus_rows, finish, ratio, wanted

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


@dataclass(frozen=True)
class Bands:
    """Grade rows of open campuses with classes, in ``grade_year`` order: their year, keys at each
    level (:data:`KEYS`) and the pupils, classes and class counts in each size band (:data:`_COUNTS`)."""

    year: np.ndarray
    keys: dict[str, np.ndarray]
    counts: dict[str, np.ndarray]


KEYS = ("region", "stage", "locale", "stage_locale", "campus")
"""The levels of the class-size rows."""


def class_bands(gy: pd.DataFrame, cy: pd.DataFrame) -> Bands:
    """Grade rows of open campuses with pupils, classes and class counts in each size band."""
    row = campus_rows(cy, gy["year"], gy["campus"])
    n, k = gy["pupils"].to_numpy(np.int64), gy["classes"].to_numpy(np.int64)
    is_open = np.append(cy["open"].to_numpy(bool), False)  # row -1 (no campus) reads False
    keep = is_open[row] & (k > 0)
    row, n, k = row[keep], n[keep], k[keep]
    ge46, ge56, ge66 = (classes_at_least(n, k, s) for s in (NORMAL_CLASS_MAX + 1, LARGE_CLASS, SUPER_LARGE_CLASS))
    stage = np.where(gy["grade"].to_numpy()[keep] <= 6, "primary", "junior").astype(object)
    locale = cy["locale"].to_numpy(object)[row]
    keys = {"region": np.full(len(n), REGION, dtype=object), "stage": stage, "locale": locale,
            "stage_locale": stage + "/" + locale, "campus": gy["campus"].to_numpy(object)[keep]}
    counts = {"pupils": n, "classes": k, "le45": k - ge46, "b46_55": ge46 - ge56, "b56_65": ge56 - ge66, "ge66": ge66}
    return Bands(gy["year"].to_numpy(np.int64)[keep], keys, counts)


def band_metrics(bands: Bands, level: str) -> Block:
    """Class count, mean size and size-band shares and counts of each entity of ``level``."""
    g = Groups.by(bands.year, bands.keys[level])
    s = {name: g.sum(count) for name, count in bands.counts.items()}
    k = s["classes"]
    return Block(level, g.keys[0], g.keys[1], {
        "classes": k,
        "mean_class_size": s["pupils"] / k,
        "share_classes_le45": s["le45"] / k,
        "share_classes_46_55": s["b46_55"] / k,
        "share_classes_56_65": s["b56_65"] / k,
        "share_classes_56plus": (s["b56_65"] + s["ge66"]) / k,
        "share_classes_66plus": s["ge66"] / k,
        "classes_56plus": s["b56_65"] + s["ge66"],
        "classes_66plus": s["ge66"],
    })


def capacity_metrics(cy: pd.DataFrame, level: str) -> Block:
    """Open campuses over capacity and enrolment ÷ capacity; per campus only the utilisation."""
    is_open = cy["open"].to_numpy(bool)
    key = np.full(is_open.sum(), REGION, dtype=object) if level == "region" else cy[level].to_numpy(object)[is_open]
    g = Groups.by(cy["year"].to_numpy(np.int64)[is_open], key)
    enrolment, capacity = cy["enrolment"].to_numpy(float)[is_open], cy["capacity"].to_numpy(float)[is_open]
    values = {} if level == "campus" else {"campuses_over_capacity": g.sum(enrolment > capacity)}
    return Block(level, g.keys[0], g.keys[1], {**values, "utilisation": ratio(g.sum(enrolment), g.sum(capacity))})


def class_size_blocks(cy: pd.DataFrame, gy: pd.DataFrame, levels: Levels = None) -> list[Block]:
    """All class-size and capacity metrics of one run (only at ``levels`` when given), as blocks of rows."""
    bands = class_bands(gy, cy)
    parts = [band_metrics(bands, level) for level in KEYS if wanted(levels, level)]
    parts += [capacity_metrics(cy, level) for level in ("region", "locale", "campus") if wanted(levels, level)]
    return parts


def class_size_metrics(cy: pd.DataFrame, gy: pd.DataFrame, levels: Levels = None) -> pd.DataFrame:
    """The class-size and capacity metrics of one run as a tidy table (year, level, entity, metric, value): the rows of
    :func:`class_size_blocks`."""
    return finish(class_size_blocks(cy, gy, levels))
