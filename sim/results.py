"""Run results as tidy tables, and writing them (Parquet, atomically) with a manifest.

Tables of one run:

* ``campus_year``: one row per scenario, replicate, year and campus (enrolment, capacity, classes,
  class sizes and 56+/66+ counts, teachers, skill, achievement, reputation, resource inputs and
  the teacher counts behind the balance indicators, overflow, vacancies, allowance).
* ``flows``: scenario, replicate, year, kind (student|teacher), flow (admission, relocation,
  backflow, graduation, closure, retirement, attrition, hire), origin, destination, count.
"""

from __future__ import annotations

import datetime as _dt
import json
import subprocess
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from .atomic import write_atomic, write_text_atomic
from .engine import Records
from .scenario.resolved import ResolvedScenario

FLOW_COLUMNS = ["scenario", "replicate", "year", "kind", "flow", "origin", "destination", "count"]


def replicate_seed(base: int, replicate: int) -> int:
    """Seed of replicate r: a pure function of (base seed, r), so every scenario compared on the
    same base seed gets the same replicate seeds (common random numbers)."""
    return int(np.random.SeedSequence([base, replicate]).generate_state(1, np.uint32)[0])


def tables(records: Records, scenario: str, replicate: int) -> dict[str, pd.DataFrame]:
    """The run's tables with their identifying columns first."""
    campus_year = pd.concat([pd.DataFrame(year) for year in records.campus_year], ignore_index=True)
    campus_year.insert(0, "replicate", replicate)
    campus_year.insert(0, "scenario", scenario)
    flows = pd.DataFrame(records.flows, columns=FLOW_COLUMNS[2:])
    flows.insert(0, "replicate", replicate)
    flows.insert(0, "scenario", scenario)
    return {"campus_year": campus_year, "flows": flows.astype({"count": "int64", "year": "int64"})}


def code_version() -> str:
    """Package version, plus the git commit when run from a checkout."""
    version = metadata.version("edugroup-sim")
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                cwd=Path(__file__).parent, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"{version}+{commit}" if commit else version


def write_tables(out_dir: Path, frames: dict[str, pd.DataFrame]) -> list[Path]:
    """Write each table as ``<name>.parquet`` atomically; return the paths."""
    return [write_atomic(out_dir / f"{name}.parquet", lambda tmp, df=df: df.to_parquet(tmp, index=False))
            for name, df in frames.items()]


def write_manifest(out_dir: Path, scn: ResolvedScenario, seeds: list[int], years: int) -> Path:
    """``manifest.json``: scenario hash and resolved data, code version, seeds, years, date."""
    doc = {
        "scenario": scn.name, "title": scn.title, "source": scn.source, "scenario_hash": scn.digest,
        "years": years, "base_seed": scn.simulation.seed, "replicate_seeds": seeds,
        "code_version": code_version(), "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "resolved_scenario": scn.data,
    }
    return write_text_atomic(out_dir / "manifest.json", json.dumps(doc, ensure_ascii=False, indent=2))
