"""The tidy shape every metric family returns, and the helpers that build it.

A metric table has the columns ``year, level, entity, metric, value``: one row per year, level
(region, stage, locale, stage_locale, locale_pair, group, campus, campus_stage), entity at that
level (``all`` for the region) and metric key of :mod:`sim.metrics.catalogue`.  A metric that
does not exist somewhere (a share of zero classes, a gap with one side empty) has no row there:
rows are never NaN, so averages over replicates use the replicates where the metric exists.

Every run computes some eighty metrics from tables of a few hundred to a few thousand rows, and a
sweep does so a thousand times: at that size a pandas group-by costs far more than its arithmetic.
So the families sum over integer group codes with :func:`numpy.bincount` (:class:`Groups`) and
hand their rows over as arrays (:class:`Block`), made into one table at the end (:func:`finish`).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

COLUMNS = ["year", "level", "entity", "metric", "value"]
REGION = "all"
"""Entity name of the whole region."""

Levels = Collection[str] | None
"""The levels a caller needs (None: all).  A metric family given levels computes only the parts of
its table at those levels; the rows it returns are exactly the full table's rows at those levels."""


def wanted(levels: Levels, *names: str) -> bool:
    """Whether any of the levels ``names`` is needed."""
    return levels is None or any(name in levels for name in names)


def ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``numerator / denominator``, missing where the denominator is not positive (a share of
    nothing, a rate over no teachers, does not exist)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return numerator / np.where(denominator > 0, denominator, np.nan)


def codes_in(values: pd.Series | np.ndarray, labels: Sequence) -> np.ndarray:
    """Position of each value among ``labels`` (-1 for a value not among them)."""
    found, distinct = pd.factorize(values)
    where = {label: i for i, label in enumerate(labels)}
    table = np.array([where.get(label, -1) for label in distinct] + [-1], dtype=np.int64)
    return table[found]  # factorize's -1 (a missing value) reads the table's last entry, -1


def campus_rows(cy: pd.DataFrame, year: pd.Series, campus: pd.Series) -> np.ndarray:
    """Row of ``campus_year`` holding each (``year``, ``campus``), -1 where none; ValueError if
    ``campus_year`` has several rows for one year and campus (it must be one run's)."""
    found, _ = pd.factorize(pd.concat([cy["campus"], campus], ignore_index=True))
    width = int(found.max()) + 1 if len(found) else 1
    key = np.concatenate([cy["year"].to_numpy(np.int64), year.to_numpy(np.int64)]) * width + found
    rows = pd.Index(key[:len(cy)])
    if not rows.is_unique:
        raise ValueError("campus_year holds several rows per year and campus: pass one run")
    return rows.get_indexer(key[len(cy):])


class Groups:
    """Rows grouped by keys, with each row's group (``codes``, -1 for a row in no group) and the key
    values of every group (``keys``, one array per key, in group order).

    :meth:`by` groups as ``DataFrame.groupby(keys)`` does (the key combinations present, sorted);
    :meth:`over` makes a group of every combination of given labels, present or not (what a
    group-by reindexed to a complete index gives).  :meth:`sum` adds up a column per group, a
    missing value counting as 0 as in pandas."""

    def __init__(self, codes: np.ndarray, keys: list[np.ndarray]):
        self.codes = codes
        self.keys = keys
        self.size = len(keys[0])
        self._rows = None if len(codes) == 0 or codes.min() >= 0 else codes >= 0

    @classmethod
    def by(cls, *keys: pd.Series | np.ndarray) -> Groups:
        """Groups of the key combinations present, in sorted order (a row with a missing key is in none)."""
        code = np.zeros(len(keys[0]), dtype=np.int64)
        missing = np.zeros(len(code), dtype=bool)
        distinct = []
        for key in keys:
            found, labels = pd.factorize(key, sort=True)
            code = code * max(len(labels), 1) + found
            missing |= found < 0
            distinct.append(np.asarray(labels))
        if missing.any():
            present, inverse = np.unique(code[~missing], return_inverse=True)
            codes = np.full(len(code), -1, dtype=np.int64)
            codes[~missing] = inverse.reshape(-1)
        else:
            present, codes = np.unique(code, return_inverse=True)
        return cls(codes.reshape(-1), cls._decode(present, distinct))

    @classmethod
    def over(cls, positions: Sequence[np.ndarray], labels: Sequence[Sequence]) -> Groups:
        """A group for every combination of ``labels`` (the labels of each key, in order; the first
        key varies slowest), given each row's position among each key's labels (:func:`codes_in`);
        a row whose position is outside a key's labels is in no group."""
        code = np.zeros(len(positions[0]), dtype=np.int64)
        for found, names in zip(positions, labels):
            code = np.where((code >= 0) & (found >= 0) & (found < len(names)), code * len(names) + found, -1)
        every = np.arange(int(np.prod([len(names) for names in labels])))
        arrays = [np.asarray(names) for names in labels]
        return cls(code, cls._decode(every, [a.astype(object) if a.dtype.kind == "U" else a for a in arrays]))

    @staticmethod
    def _decode(code: np.ndarray, distinct: list[np.ndarray]) -> list[np.ndarray]:
        keys = []
        for labels in reversed(distinct):
            n = max(len(labels), 1)
            keys.append(labels[code % n] if len(labels) else labels[:0])
            code = code // n
        return keys[::-1]

    def sum(self, values: pd.Series | np.ndarray, where: np.ndarray | None = None) -> np.ndarray:
        """Per-group sum of ``values`` (only of the rows ``where`` is true, if given), as floats."""
        v = np.asarray(values)
        v = np.where(np.isnan(v), 0.0, v) if v.dtype.kind == "f" else v.astype(float)
        if where is not None:
            v = np.where(where, v, 0.0)
        if self._rows is None:
            return np.bincount(self.codes, weights=v, minlength=self.size)
        return np.bincount(self.codes[self._rows], weights=v[self._rows], minlength=self.size)

    def count(self, where: np.ndarray | None = None) -> np.ndarray:
        """Rows per group (only the rows ``where`` is true, if given)."""
        return self.sum(np.ones(len(self.codes)), where)


@dataclass(frozen=True)
class Block:
    """The rows of one level: each row's year and entity, and one value per row for each metric
    (in the order the table lists them)."""

    level: str
    year: np.ndarray
    entity: np.ndarray
    values: dict[str, np.ndarray]

    @classmethod
    def region(cls, years: np.ndarray, values: dict[str, np.ndarray]) -> Block:
        """Region rows (entity ``all``), one per year."""
        return cls("region", years, np.full(len(years), REGION, dtype=object), values)

    def value(self, metric: str, entity: str, year: int) -> float:
        """The value of ``metric`` at ``entity`` in ``year``, NaN where the block has none (no such
        row, or a missing value: a row the table leaves out)."""
        values = self.values.get(metric)
        if values is None:
            return math.nan
        found = np.asarray(values, dtype=float)[(self.year == year) & (self.entity == entity)]
        found = found[~np.isnan(found)]
        return float(found[0]) if len(found) else math.nan


def finish(blocks: list[Block], keys: Mapping[str, str | int] | None = None) -> pd.DataFrame:
    """The tidy table of ``blocks``: per block, each metric's rows in turn (in row order; what
    ``DataFrame.melt`` of a wide table gives), without rows that have no value; after ``keys``
    (column → value on every row, e.g. a run's scenario and seed) if given."""
    parts = [(block, key, np.asarray(value, dtype=float)) for block in blocks for key, value in block.values.items()]
    part = np.repeat(np.arange(len(parts)), [len(v) for _, _, v in parts])  # each row's (block, metric)

    def joined(arrays: list[np.ndarray], dtype: type) -> np.ndarray:
        return np.concatenate(arrays).astype(dtype, copy=False) if arrays else np.empty(0, dtype=dtype)

    value = joined([v for _, _, v in parts], float)
    keep = ~np.isnan(value)
    part, n = part[keep], int(keep.sum())
    keys = keys or {}
    text = ["level", "entity", "metric", *(name for name, v in keys.items() if isinstance(v, str))]
    return pd.DataFrame({
        **{name: np.full(n, v, dtype=object if isinstance(v, str) else np.int64) for name, v in keys.items()},
        "year": joined([b.year for b, _, _ in parts], np.int64)[keep],
        "level": np.array([b.level for b, _, _ in parts], dtype=object)[part],
        "entity": joined([np.asarray(b.entity, dtype=object) for b, _, _ in parts], object)[keep],
        "metric": np.array([key for _, key, _ in parts], dtype=object)[part],
        "value": value[keep],
    }).astype(dict.fromkeys(text, str))
