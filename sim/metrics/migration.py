"""Migration metrics of one run: who enters which school from where, school choice (择校率),
household flight to towns, backflow, and transfers between campuses.

Read from the run's ``flows`` table (pupil counts by origin and destination with their locales) and
``campus_year`` (entrants admitted outside their catchment).  Counts are emitted as zeros where
nothing moved, so that averages over replicates are not biased by missing rows; locale-pair
matrices are complete 3 × 3 tables.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from ..scenario.models import LOCALES
from .frame import Block, Groups, Levels, campus_rows, codes_in, finish, ratio, wanted

ENTRY_FLOWS = ("entry", "junior_entry")
"""Flows of pupils admitted into grade 1 and grade 7, from home cell to campus."""
TRANSFER_FLOWS = ("closure", "transfer")
"""Flows of pupils moved between campuses: out of a closed campus, or 分流 into a new one."""
PAIR_FLOWS = {"entry_flow": ENTRY_FLOWS, "relocations": ("relocation",), "backflow": ("backflow",),
              "transfers": TRANSFER_FLOWS}
"""Locale-pair metrics and the student flows each counts."""


class FlowTable:
    """A run's ``flows`` as integer codes, for sums by year (among the run's ``years``), by locale
    and by locale pair: :meth:`rows` picks rows by kind and flow, :meth:`by_year` and
    :meth:`pairs` add up their counts.  ``year`` is each row's position among ``years`` (-1
    outside them); ``origin`` and ``destination`` are positions among :data:`LOCALES`, then ''
    (outside the system) at position 3, -1 for anything else."""

    def __init__(self, flows: pd.DataFrame, years: np.ndarray):
        self.years = years
        self.count = flows["count"].to_numpy(float)
        self._kind, self._kinds = pd.factorize(flows["kind"])
        self._flow, self._flows = pd.factorize(flows["flow"])
        self.year = codes_in(flows["year"], years)  # position among years, -1 outside them
        ends = (*LOCALES, "")  # position 3: outside the system
        self.origin, self.destination = (codes_in(flows[column], ends) for column in ("origin_locale",
                                                                                    "destination_locale"))
        self.per_year = Groups.over([self.year], [years])
        self._pairs = Groups.over([self.year, self.origin, self.destination], [years, LOCALES, LOCALES])

    def rows(self, kind: str, flows: Collection[str]) -> np.ndarray:
        """Rows of ``kind`` (student|child|teacher) whose flow is one of ``flows``."""
        kinds = np.array([name == kind for name in self._kinds] + [False])  # factorize's -1 reads False
        names = np.array([name in flows for name in self._flows] + [False])
        return kinds[self._kind] & names[self._flow]

    def by_year(self, rows: np.ndarray) -> np.ndarray:
        """Count of the flows ``rows`` in each year (0 where none)."""
        return self.per_year.sum(self.count, rows)

    def pairs(self, flows: dict[str, np.ndarray]) -> Block:
        """``locale_pair`` rows: for each metric key, the count of its rows of ``flows`` by origin and
        destination locale, a complete 3 × 3 matrix (zeros included) every year."""
        year, origin, destination = self._pairs.keys
        return Block("locale_pair", year, origin + "→" + destination,  # e.g. rural→urban
                     {key: self._pairs.sum(self.count, rows) for key, rows in flows.items()})


def migration_blocks(cy: pd.DataFrame, flows: pd.DataFrame, levels: Levels = None) -> list[Block]:
    """Migration metrics per year at region, locale, campus and locale-pair level (only at ``levels`` when given)."""
    years = Groups.by(cy["year"])
    f = FlowTable(flows, years.keys[0])
    entry = f.rows("student", ENTRY_FLOWS)
    rural = LOCALES.index("rural")
    out = []
    outside = cy["outside_catchment"].to_numpy(float)
    if wanted(levels, "region"):
        entrants = f.by_year(entry)
        rural_home = entry & (f.origin == rural)
        backflow = f.by_year(f.rows("student", ("backflow",)))
        out.append(Block.region(f.years, {
            "entrants": entrants,
            "outside_catchment_share": ratio(years.sum(outside), entrants),
            "rural_flight_share": ratio(f.by_year(rural_home & (f.destination != rural)), f.by_year(rural_home)),
            "relocations": f.by_year(f.rows("student", ("relocation",))),
            "backflow": backflow,
            "transfers": f.by_year(f.rows("student", TRANSFER_FLOWS)),
            "child_relocations": f.by_year(f.rows("child", ("relocation",))),
            "backflow_cumulative": np.cumsum(backflow),
        }))
    if wanted(levels, "campus", "locale"):
        at = campus_rows(cy, flows["year"][entry], flows["destination"][entry])
        admitted = np.bincount(at[at >= 0], weights=f.count[entry][at >= 0], minlength=len(cy))
        year, campus = cy["year"].to_numpy(np.int64), cy["campus"].to_numpy(object)
        if wanted(levels, "campus"):
            out.append(Block("campus", year, campus, {"outside_catchment_share": ratio(outside, admitted)}))
        if wanted(levels, "locale"):
            g = Groups.by(year, cy["locale"])
            out.append(Block("locale", g.keys[0], g.keys[1],
                             {"outside_catchment_share": ratio(g.sum(outside), g.sum(admitted))}))
    if wanted(levels, "locale_pair"):
        out.append(f.pairs({key: f.rows("student", names) for key, names in PAIR_FLOWS.items()}))
    out += private_share_blocks(cy, levels)
    return out


def private_share_blocks(cy: pd.DataFrame, levels: Levels = None) -> list[Block]:
    """``private_share``: pupils at open private (民办) campuses ÷ pupils at all open campuses, per year,
    for the region and each stage (grades 1–6, 7–9: a nine-year campus counts in both).  No rows when
    the run has no private campus (a region without them has no private sector to measure)."""
    if "sector" not in cy or not (cy["sector"].to_numpy(object) == "private").any():
        return []
    years = Groups.by(cy["year"])
    is_open = cy["open"].to_numpy(bool)
    private = is_open & (cy["sector"].to_numpy(object) == "private")
    by_stage = {stage: cy[f"pupils_{stage}"].to_numpy(float) * is_open for stage in ("primary", "junior")}
    out = []
    if wanted(levels, "region"):
        total = by_stage["primary"] + by_stage["junior"]
        out.append(Block.region(years.keys[0], {"private_share": ratio(years.sum(total, private), years.sum(total))}))
    if wanted(levels, "stage"):
        stages = ("primary", "junior")
        share = [ratio(years.sum(by_stage[s], private), years.sum(by_stage[s])) for s in stages]
        out.append(Block("stage", np.tile(years.keys[0], 2), np.repeat(np.array(stages, dtype=object), years.size),
                         {"private_share": np.concatenate(share)}))
    return out


def migration_metrics(cy: pd.DataFrame, flows: pd.DataFrame, levels: Levels = None) -> pd.DataFrame:
    """The migration metrics of one run as a tidy table (year, level, entity, metric, value): the rows of
    :func:`migration_blocks`."""
    return finish(migration_blocks(cy, flows, levels))

