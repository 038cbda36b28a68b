"""Run results as tidy tables, and writing them (Parquet, atomically) with a manifest.

Tables of one run:

* ``campus_year``: one row per scenario, replicate, year and campus (enrolment, capacity, classes,
  class sizes and 56+/66+ counts, teachers, posts, skill, achievement, reputation, resource inputs
  and the teacher counts behind the balance indicators, senior titles, overflow, vacancies,
  allowance; ``class_skill_mean`` / ``class_skill_sd``: pupil-weighted mean and SD of the teacher
  value added of the campus's pupils' classes).
* ``grade_year``: one row per scenario, replicate, year, campus and grade with pupils or classes
  (pupils, classes): the class-size distribution follows exactly, since a grade's pupils are spread
  evenly over its classes.
* ``metrics``: the tidy metric table (scenario, replicate, seed, year, level, entity, metric, value;
  :mod:`sim.metrics`), added by :func:`sim.runner.run`.
* ``flows``: scenario, replicate, year, kind (student|child|teacher), flow, origin, destination
  (cell or campus ids, or 'in'/'out'), count, origin_locale and destination_locale
  (urban|town|rural, '' outside the system).  Student flows: entry, junior_entry, relocation,
  backflow, graduation, closure, transfer.  Teacher flows: hire (in → campus), substitute (in →
  campus: posts left vacant after hiring, covered by 代课), retirement and attrition (campus → out,
  at the end of the year), redeployment (campus → campus: out of a closed campus), reallocation
  (campus → campus: 调剂 of surplus teachers to vacancies), town_selection (campus → campus: 选调进城
  of village teachers to town posts), and the stocks a teacher enters in the summer title round
  (in → campus): senior_title, first_title, backbone.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import subprocess
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from .atomic import write_atomic, write_text_atomic
from .engine import FLOW_FIELDS, Records
from .scenario.resolved import ResolvedScenario

TABLES = ("campus_year", "grade_year", "flows", "metrics")
"""The tables of a run, each written as ``<name>.parquet``."""

FLOW_COLUMNS = ["scenario", "replicate", *FLOW_FIELDS]


def replicate_seed(base: int, replicate: int) -> int:
    """Seed of replicate r: a pure function of (base seed, r), so every scenario compared on the
    same base seed gets the same replicate seeds (common random numbers)."""
    return int(np.random.SeedSequence([base, replicate]).generate_state(1, np.uint32)[0])


def tables(records: Records, scenario: str, replicate: int) -> dict[str, pd.DataFrame]:
    """The run's tables with their identifying columns first."""
    frames = {
        "campus_year": _stacked(records.campus_year),
        "grade_year": _stacked(records.grade_year),
        "flows": _flows(records.flows),
    }
    for df in frames.values():
        df.insert(0, "replicate", replicate)
        df.insert(0, "scenario", scenario)
    return frames


def _flows(chunks: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    """The flow rows of a run, one table of its column chunks in the order recorded."""
    return pd.DataFrame({name: np.concatenate([chunk[name] for chunk in chunks]) if chunks else np.zeros(0, dtype)
                         for name, dtype in FLOW_FIELDS.items()})


def _stacked(years: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    """One table of the yearly column dicts, years in order: each column joined first and made a
    table once (what ``pd.concat`` of one table per year gives, at a fraction of its cost)."""
    return pd.DataFrame({name: np.concatenate([np.asarray(year[name]) for year in years]) for name in years[0]})


def code_version() -> str:
    """Package version, plus the git commit when run from a checkout."""
    version = metadata.version("edugroup-sim")
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                cwd=Path(__file__).parent, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"{version}+{commit}" if commit else version


def code_fingerprint() -> str:
    """Short hash of the package's source: runs cached by an older or edited version of the code
    are not reused (a git commit would miss uncommitted edits)."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.relative_to(Path(__file__).parent).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def write_tables(out_dir: Path, frames: dict[str, pd.DataFrame], csv: bool = False) -> list[Path]:
    """Write each table as ``<name>.parquet`` atomically (and ``<name>.csv``, UTF-8 with BOM so that
    Excel shows Chinese, when ``csv``); return the paths."""
    paths = []
    for name, df in frames.items():
        paths.append(write_atomic(out_dir / f"{name}.parquet", lambda tmp, df=df: df.to_parquet(tmp, index=False)))
        if csv:
            paths.append(write_atomic(out_dir / f"{name}.csv",
                                      lambda tmp, df=df: df.to_csv(tmp, index=False, encoding="utf-8-sig")))
    return paths


def write_manifest(out_dir: Path, scn: ResolvedScenario, seeds: list[int], years: int,
                   base_seed: int | None = None, extra: dict | None = None) -> Path:
    """``manifest.json``: scenario hash and resolved data, code version, seeds, years, date (and
    ``extra`` facts, e.g. the comparison this run belongs to)."""
    doc = {
        "scenario": scn.name, "title": scn.title, "source": scn.source, "scenario_hash": scn.digest,
        "years": years, "base_seed": scn.simulation.seed if base_seed is None else base_seed,
        "replicate_seeds": seeds, "code_version": code_version(), "code_fingerprint": code_fingerprint(),
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        **(extra or {}), "resolved_scenario": scn.data,
    }
    return write_text_atomic(out_dir / "manifest.json", json.dumps(doc, ensure_ascii=False, indent=2))
