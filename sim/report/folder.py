"""What an output folder must hold before pages are rendered from it, and the checks of it.

``report`` reads only tables already on disk.  Before it writes anything it checks the folder
(:func:`check_output_folder`): which kind of output it is (a run, a comparison, a sweep), that every
table the pages read is there, is a readable Parquet file and has the columns the pages use, and
that ``manifest.json`` is valid JSON.  A failed check raises :class:`ReportInputError` naming the
file, what was expected and what was found; the command line prints it and exits with code 2.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from ..comparison import COLUMNS as COMPARISON_COLUMNS
from ..errors import display_path
from ..network_tables import CAMPUS_COLUMNS, LINK_COLUMNS
from ..outfolder import MARKER, IncompleteFolder, check_complete
from ..results import FLOW_COLUMNS


class ReportInputError(Exception):
    """An output folder that pages cannot be rendered from: the file at fault, what was expected
    and what was found."""

    def __init__(self, path: Path, expected: str, found: str = ""):
        self.path, self.expected, self.found = Path(path), expected, found
        super().__init__(self.render())

    def render(self) -> str:
        """One line: ``file: 应为 / expected …; 实际 / found …``."""
        text = f"{display_path(self.path)}: 应为 / expected {self.expected}"
        return text + (f"; 实际 / found {self.found}" if self.found else "")


RUN_TABLES: dict[str, tuple[str, ...]] = {
    "metrics_summary": ("scenario", "year", "level", "entity", "metric", "n", "mean", "sd", "ci_low", "ci_high"),
    "metrics": ("scenario", "replicate", "year", "level", "entity", "metric", "value"),
    "campus_year": ("scenario", "replicate", "year", "campus", "locale", "group", "role", "open", "enrolment",
                    "mean_achievement", "reputation"),
    "grade_year": ("scenario", "replicate", "year", "campus", "grade", "pupils", "classes"),
    "flows": tuple(FLOW_COLUMNS),
    "campuses": tuple(CAMPUS_COLUMNS),
    "campus_links": tuple(LINK_COLUMNS),
}
"""Tables of a run folder that the pages read, with the columns they use."""

RUN_MANIFEST_KEYS = ("scenario", "title", "scenario_hash", "years", "replicate_seeds", "code_version", "created")

COMPARISON_TABLES: dict[str, tuple[str, ...]] = {"comparison": tuple(COMPARISON_COLUMNS)}

SWEEP_TABLES: dict[str, tuple[str, ...]] = {
    "design": ("point", "scenario"),
    "outcomes": ("point", "scenario", "replicate", "seed", "outcome", "value"),
    "outcome_summary": ("point", "scenario", "outcome", "n", "mean", "sd", "ci_low", "ci_high"),
}
"""Tables every sweep folder has (the contract of the sweep's outputs)."""

SWEEP_OPTIONAL_TABLES: dict[str, tuple[str, ...]] = {
    "sensitivity": ("outcome", "parameter", "method", "index", "value", "conf"),  # may add: scenario
    "goal_seek": ("outcome", "parameter", "target", "year", "share_required", "value", "ci_low", "ci_high", "found"),
    "robustness": ("scenario", "outcome", "share_best"),
}
"""Sweep tables that only some designs produce: a missing one omits its section of the page."""

SWEEP_MANIFEST_KEYS = ("kind", "name", "parameters")


@dataclass(frozen=True)
class OutputFolder:
    """A checked output folder: its ``kind`` (run, comparison or sweep), its manifest, the tables
    present (``tables``: name → path) and, for a comparison, the checked run folder of each
    scenario in the comparison's order (reference first)."""

    path: Path
    kind: str
    manifest: dict
    tables: dict[str, Path]
    runs: tuple["OutputFolder", ...] = field(default=())


def _manifest(path: Path, keys: tuple[str, ...]) -> dict:
    if not path.is_file():
        raise ReportInputError(path, "manifest.json 清单文件 / the folder's manifest.json", "文件不存在 / no such file")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportInputError(path, "可读的 JSON / readable JSON", f"{type(exc).__name__}: {exc}") from None
    if not isinstance(doc, dict):
        raise ReportInputError(path, "JSON 对象 / a JSON object", type(doc).__name__)
    missing = [k for k in keys if k not in doc]
    if missing:
        raise ReportInputError(path, f"字段 / keys {', '.join(keys)}", f"缺少 / missing {', '.join(missing)}")
    return doc


def _table(folder: Path, name: str, columns: tuple[str, ...], required: bool = True) -> Path | None:
    """Path of ``<name>.parquet`` after checking it is a readable Parquet file with ``columns``;
    None if it is absent and not ``required``."""
    path = folder / f"{name}.parquet"
    if not path.is_file():
        if not required:
            return None
        raise ReportInputError(path, f"表 {name}.parquet / the table {name}.parquet", "文件不存在 / no such file")
    try:
        names = pq.read_schema(path).names
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise ReportInputError(path, "可读的 Parquet 表 / a readable Parquet table",
                               f"{type(exc).__name__}: {exc}") from None
    missing = [c for c in columns if c not in names]
    if missing:
        raise ReportInputError(path, f"列 / columns {', '.join(columns)}", f"缺少 / missing {', '.join(missing)}")
    return path


def _run_folder(path: Path) -> OutputFolder:
    manifest = _manifest(path / "manifest.json", RUN_MANIFEST_KEYS)
    tables = {name: _table(path, name, cols) for name, cols in RUN_TABLES.items()}
    return OutputFolder(path, "run", manifest, tables)  # type: ignore[arg-type]


def _comparison_scenarios(table: Path) -> list[str]:
    try:
        names = pq.read_table(table, columns=["scenario"]).column("scenario").to_pylist()
    except Exception as exc:
        raise ReportInputError(table, "可读的 Parquet 表 / a readable Parquet table",
                               f"{type(exc).__name__}: {exc}") from None
    scenarios = list(dict.fromkeys(names))
    if len(scenarios) < 2:
        raise ReportInputError(table, "至少两个情景 / rows of at least two scenarios", f"{len(scenarios)}")
    return scenarios


def folder_kind(path: Path) -> str:
    """'sweep' (manifest kind sweep), 'comparison' (comparison.parquet) or 'run' (anything else that
    has a manifest or metrics table); raises :class:`ReportInputError` for any other folder."""
    if not path.is_dir():
        raise ReportInputError(path, "输出目录 / an output folder of run, compare or sweep", "目录不存在 / no such folder")
    manifest = path / "manifest.json"
    if manifest.is_file():
        try:
            if json.loads(manifest.read_text(encoding="utf-8")).get("kind") == "sweep":
                return "sweep"
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError):
            pass  # reported by the run folder's manifest check
    if (path / "comparison.parquet").exists():
        return "comparison"
    if manifest.exists() or (path / "metrics.parquet").exists() or (path / "metrics_summary.parquet").exists():
        return "run"
    raise ReportInputError(path, "run、compare 或 sweep 的输出目录 / an output folder of run, compare or sweep",
                           "无 manifest.json、metrics.parquet 或 comparison.parquet / none of manifest.json, "
                           "metrics.parquet, comparison.parquet")


def check_output_folder(path: Path) -> OutputFolder:
    """Every check of an output folder before ``report`` renders it (module docstring); the first
    problem found raises :class:`ReportInputError`.  Nothing is written.  This is the one place for
    checks of a whole folder: its tables first (the most precise message), then its completion
    marker (:func:`sim.outfolder.check_complete`: finished, not being written, nothing changed since)."""
    path = Path(path)
    kind = folder_kind(path)
    if kind == "run":
        folder = _run_folder(path)
    elif kind == "comparison":
        tables = {name: _table(path, name, cols) for name, cols in COMPARISON_TABLES.items()}
        runs = tuple(_run_folder(path / name) for name in _comparison_scenarios(tables["comparison"]))
        folder = OutputFolder(path, kind, runs[0].manifest.get("comparison", {}), tables, runs)  # type: ignore[arg-type]
    else:
        manifest = _manifest(path / "manifest.json", SWEEP_MANIFEST_KEYS)
        tables = {name: _table(path, name, cols) for name, cols in SWEEP_TABLES.items()}
        optional = {name: _table(path, name, cols, required=False) for name, cols in SWEEP_OPTIONAL_TABLES.items()}
        folder = OutputFolder(path, kind, manifest, {**tables, **{k: v for k, v in optional.items() if v is not None}})  # type: ignore[dict-item]
    try:  # the tables are readable; are they the finished output of one command?
        check_complete(path)
    except IncompleteFolder as exc:
        raise ReportInputError(path / MARKER, "a complete output folder / 完整的输出目录", exc.reason) from None
    return folder
