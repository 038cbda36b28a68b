"""Benchmark: one run of a synthetic county, city or province, timed in this process.

The regions are built in memory through the same path a scenario YAML takes (a plain dict
validated by the pydantic models, then resolved: the synthetic region generated, campus defaults
filled), so the benchmark measures the code planners run.  Sizes:

========  ========  ========  ==========================================================
size      pupils    campuses  shape
========  ========  ========  ==========================================================
county    40,000    60        ``scenarios/county_baseline.yaml``'s region
city      600,000   1,500     a Huanggang-sized city (17,000 km², ~120 townships)
province  5,000,000 12,000    a province-sized region (~190,000 km², ~1,000 townships)
========  ========  ========  ==========================================================

The campus mix is the county's, scaled (×25, ×200); pupils per campus fall a little with size, as
they do where small rural schools are many.  Figures reported (:func:`bench`): ``build_s`` (region
generation and resolution), ``wall_s`` (``Simulation`` construction plus the run, tables
excluded), ``student_years_per_s`` (pupils enrolled summed over the simulated years ÷ ``wall_s``),
``peak_rss_mb`` (peak resident memory of the process so far), ``bytes_per_student`` (bytes of the
student arrays ÷ pupils at the end), ``tables_s`` (records to tables) and ``metrics_s`` (every
metric of the catalogue from the tables).  Targets hold on a 2-core machine, one process (:data:`TARGETS`).
"""

from __future__ import annotations

import copy
import resource
import sys
import time
from pathlib import Path

from .scenario.loader import resolve
from .scenario.models import Scenario
from .scenario.resolved import ResolvedScenario
from .yamlsource import Locations

SIZES: tuple[str, ...] = ("county", "city", "province")

_COUNTY_CAMPUSES = {"primary": {"urban": 8, "town": 10, "rural": 22},
                    "junior": {"urban": 4, "town": 8, "rural": 2},
                    "nine_year": {"urban": 0, "town": 2, "rural": 4}}


def _campuses(factor: int) -> dict:
    return {s: {l: n * factor for l, n in by_locale.items()} for s, by_locale in _COUNTY_CAMPUSES.items()}


REGIONS: dict[str, dict] = {
    "county": dict(campuses=_campuses(1), pupils={"primary": 27_000, "junior": 13_000},
                   county_radius_km=30, county_town_radius_km=4, towns=10, villages=45),
    "city": dict(campuses=_campuses(25), pupils={"primary": 405_000, "junior": 195_000},
                 county_radius_km=75, county_town_radius_km=12, towns=120, villages=1_100),
    "province": dict(campuses=_campuses(200), pupils={"primary": 3_375_000, "junior": 1_625_000},
                     county_radius_km=245, county_town_radius_km=30, towns=1_000, villages=9_000),
}
"""The ``region.synthetic`` block of each size (besides the common levers in :data:`BASE`)."""

BASE: dict = {
    "simulation": {"years": 10, "replicates": 1, "seed": 1, "start_year": 2025},
    "region": {"synthetic": {"seed": 7, "crowding": {"urban": 1.15, "town": 1.05, "rural": 0.55},
                             "quality_mean": {"urban": 0.25, "town": 0.0, "rural": -0.3}, "quality_sd": 0.15}},
    "teachers": {"pupils_per_teacher": {"primary": 15.5, "junior": 12.0},
                 "age_mix": {"young": 0.12, "middle": 0.638, "old": 0.242}},
}
"""What every benchmark scenario shares with ``scenarios/county_baseline.yaml``."""

MB = 1024 * 1024

TARGETS: dict[str, dict[str, tuple[str, float]]] = {
    "county": {"wall_s": ("<", 1.0)},
    "city": {"wall_s": ("<", 6.0), "student_years_per_s": (">=", 1_000_000)},
    "province": {"wall_s": ("<", 60.0), "peak_rss_mb": ("<", 3 * 1024)},
}
"""Targets per size on a 2-core machine, one process: (comparison, bound)."""


def scenario_data(size: str, years: int = 10, seed: int = 1) -> dict:
    """The scenario of ``size`` as the plain data a YAML file would hold."""
    if size not in REGIONS:
        raise ValueError(f"size must be one of {', '.join(SIZES)}; got {size!r}")
    data = copy.deepcopy(BASE)
    data["name"] = f"bench_{size}"
    data["title"] = f"基准 / benchmark: {size}"
    data["simulation"].update(years=years, seed=seed)
    data["region"]["name"] = f"bench {size}"
    data["region"]["synthetic"].update(copy.deepcopy(REGIONS[size]))
    return data


def build_scenario(size: str, years: int = 10, seed: int = 1) -> ResolvedScenario:
    """Validate and resolve the benchmark scenario of ``size`` (synthesises its region)."""
    data = scenario_data(size, years, seed)
    return resolve(Scenario.model_validate(data), data, Locations(), Path(f"<bench:{size}>"))


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MB if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def check(result: dict) -> dict[str, bool]:
    """Pass (True) or miss (False) for each target of the result's size."""
    out = {}
    for key, (op, bound) in TARGETS.get(result["size"], {}).items():
        value = result[key]
        out[key] = value < bound if op == "<" else value >= bound
    return out


def bench(size: str, years: int = 10, seed: int = 1) -> dict:
    """Build the region of ``size``, run it for ``years`` years, and return the figures (module docstring)."""
    from .engine import Simulation
    from .metrics.compute import run_metrics
    from .results import tables

    t0 = time.perf_counter()
    scn = build_scenario(size, years, seed)
    t1 = time.perf_counter()
    sim = Simulation(scn, seed, years)
    records = sim.run()
    t2 = time.perf_counter()
    frames = tables(records, scn.name, 0)
    t3 = time.perf_counter()
    run_metrics(frames, scn.costs, seed)
    t4 = time.perf_counter()
    students = sim.state.students
    nbytes = sum(getattr(students, f).nbytes for f in vars(students))
    student_years = int(sum(int(row["enrolment"].sum()) for row in records.campus_year))
    wall = t2 - t1
    result = {
        "size": size,
        "pupils": int(sum(c.pupils for c in scn.campuses)),
        "campuses": len(scn.campuses),
        "years": years,
        "wall_s": round(wall, 3),
        "student_years_per_s": round(student_years / wall) if wall > 0 else 0,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "bytes_per_student": round(nbytes / max(len(students), 1), 1),
        "build_s": round(t1 - t0, 3),
        "tables_s": round(t3 - t2, 3),
        "metrics_s": round(t4 - t3, 3),
        "student_years": student_years,
        "cells": len(scn.cells),
        "teachers": int(len(sim.state.teachers)),
    }
    result["targets_met"] = all(check(result).values())
    return result
