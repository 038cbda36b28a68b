"""Reading a checked output folder's tables into memory, only the columns and rows the pages use.

Everything a page shows is read here, before any file is written, so that a table that is damaged
past its footer still stops ``report`` with a message naming the file and nothing written.  Pages
read aggregated tables only (metric summaries, campus-years, campus-grades, flows), never pupils.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .folder import RUN_TABLES, OutputFolder, ReportInputError
from .yardstick import YARDSTICK_METRICS


@dataclass(frozen=True)
class RunData:
    """The tables of one run folder (one scenario) that its page shows."""

    folder: Path
    manifest: dict
    summary: pd.DataFrame      # metrics_summary
    metrics: pd.DataFrame      # per-replicate rows of YARDSTICK_METRICS only
    campus_year: pd.DataFrame  # the columns of RUN_TABLES["campus_year"]
    grade_year: pd.DataFrame
    flows: pd.DataFrame
    campuses: pd.DataFrame
    links: pd.DataFrame

    @property
    def scenario(self) -> str:
        return str(self.manifest["scenario"])

    @property
    def replicates(self) -> int:
        return len(self.manifest["replicate_seeds"])


@dataclass(frozen=True)
class ComparisonData:
    """A comparison folder: the comparison table and every scenario's run (reference first)."""

    folder: Path
    comparison: pd.DataFrame
    runs: tuple[RunData, ...]

    @property
    def names(self) -> list[str]:
        return [r.scenario for r in self.runs]


@dataclass(frozen=True)
class SweepData:
    """A sweep folder: its manifest, design and outcomes, and the optional analyses it has."""

    folder: Path
    manifest: dict
    design: pd.DataFrame
    outcomes: pd.DataFrame
    outcome_summary: pd.DataFrame
    sensitivity: pd.DataFrame | None
    goal_seek: pd.DataFrame | None
    robustness: pd.DataFrame | None

    @property
    def parameters(self) -> list[str]:
        """Swept parameters: the design's columns after point and scenario."""
        return [c for c in self.design.columns if c not in ("point", "scenario")]


def read_table(path: Path, columns: list[str] | None = None, filters: list | None = None) -> pd.DataFrame:
    """``pd.read_parquet`` whose failures name the file (:class:`ReportInputError`)."""
    try:
        return pd.read_parquet(path, columns=columns, filters=filters)
    except Exception as exc:  # a table damaged past its footer fails only here
        raise ReportInputError(path, "可读的 Parquet 表 / a readable Parquet table",
                               f"{type(exc).__name__}: {exc}") from None


def load_run(folder: OutputFolder) -> RunData:
    """The tables of a checked run folder."""
    t = folder.tables
    read = {name: read_table(t[name], list(RUN_TABLES[name])) for name in
            ("metrics_summary", "campus_year", "grade_year", "flows", "campuses", "campus_links")}
    metrics = read_table(t["metrics"], list(RUN_TABLES["metrics"]), filters=[("metric", "in", list(YARDSTICK_METRICS))])
    return RunData(folder.path, folder.manifest, read["metrics_summary"], metrics, read["campus_year"],
                   read["grade_year"], read["flows"], read["campuses"], read["campus_links"])


def load_comparison(folder: OutputFolder) -> ComparisonData:
    """The comparison table and the runs of a checked comparison folder."""
    return ComparisonData(folder.path, read_table(folder.tables["comparison"]),
                          tuple(load_run(run) for run in folder.runs))


def load_sweep(folder: OutputFolder) -> SweepData:
    """The tables of a checked sweep folder (None for an optional table it does not have)."""
    t = folder.tables
    optional = {name: read_table(t[name]) if name in t else None for name in ("sensitivity", "goal_seek", "robustness")}
    return SweepData(folder.path, folder.manifest, read_table(t["design"]), read_table(t["outcomes"]),
                     read_table(t["outcome_summary"]), **optional)
