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

With ``groups=True`` (``bench --groups``) the same region is grouped by 名校+弱校 (mode
``mingxiao_ruoxiao``; ``groups="xuequ"`` or ``"jiaolianti"``, ``bench --groups --mode …``, by that
mode instead; every parameter at its default) over :data:`GROUP_COVERAGE` of its campuses,
by the pairing rule of a coverage plan (:func:`sim.scenario.rollout.pair_by_rule`: strongest
campuses first, each taking its weakest neighbours), all formed in year 1; the run then carries
every hook of the mode (exchange, skill links, brand, costs; pooled posts, buses and synchronous
classes under 教联体; zoning and shared facilities under 学区制) and the same targets hold.
The result says how many ``groups`` formed and their ``group_coverage`` (share of open campuses in
a group).
"""

from __future__ import annotations

import copy
import resource
import sys
import time
from pathlib import Path

import numpy as np

from .network import STAGES
from .scenario.rollout import coverage, pair_by_rule
from .scenario.loader import resolve
from .scenario.mingxiao import CoveragePlan
from .scenario.mode_params import MODE_LABELS
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
    "region": {"synthetic": {"seed": 7, "crowding": {"urban": 1.05, "town": 1.0, "rural": 0.6},
                             "campus_size": {"urban": 4.0, "town": 2.5, "rural": 1.6},
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

GROUP_COVERAGE = 0.7
"""Share of campuses ``bench --groups`` puts in groups (Yuxi's 70 % target of compulsory schools)."""


def _mode(groups: bool | str) -> str | None:
    """The grouping mode asked for: None (no groups), ``mingxiao_ruoxiao`` for True, or the name given."""
    return None if groups is False or groups is None else "mingxiao_ruoxiao" if groups is True else str(groups)


def scenario_data(size: str, years: int = 10, seed: int = 1, groups: bool | str = False) -> dict:
    """The scenario of ``size`` as the plain data a YAML file would hold (with ``groups``: and the
    groups of :func:`bench_groups` of that mode, 名校+弱校 for True, under ``groups``)."""
    if size not in REGIONS:
        raise ValueError(f"size must be one of {', '.join(SIZES)}; got {size!r}")
    data = copy.deepcopy(BASE)
    data["name"] = f"bench_{size}"
    data["title"] = f"基准 / benchmark: {size}"
    data["simulation"].update(years=years, seed=seed)
    data["region"]["name"] = f"bench {size}"
    data["region"]["synthetic"].update(copy.deepcopy(REGIONS[size]))
    mode = _mode(groups)
    if mode:
        label = MODE_LABELS[mode]
        data["name"] = f"bench_{size}_{mode}"
        data["title"] = f"基准（{label.split(' / ')[0]}）/ benchmark: {size}, {label.split(' / ')[-1]} groups"
        data["groups"] = bench_groups(_resolve(data, f"<bench:{size}>"), mode=mode)
    return data


def bench_groups(scn: ResolvedScenario, target: float = GROUP_COVERAGE, mode: str = "mingxiao_ruoxiao") -> list[dict]:
    """Groups of ``mode`` over ``target`` of the campuses of ``scn`` (all open at the start), as the
    ``groups`` entries of a scenario, all forming in year 1: a coverage plan's pairing rule
    (:func:`~sim.scenario.rollout.pair_by_rule`) with campus quality as strength, applied until
    the target is met or no further group can form (a plan forms at most 1,000 groups a call)."""
    campuses = scn.campuses
    n = len(campuses)
    plan = CoveragePlan(target_coverage=target, new_groups_per_year=1000)
    strength, stage = [c.quality for c in campuses], [STAGES.index(c.stage) for c in campuses]
    x_km, y_km, is_open = [c.x_km for c in campuses], [c.y_km for c in campuses], np.ones(n, bool)
    grouped, groups = np.zeros(n, bool), []
    while True:
        pairing = pair_by_rule(strength, stage, x_km, y_km, is_open, grouped, plan, year=1)
        for h in pairing.hubs.tolist():
            members = np.flatnonzero(pairing.hub_of == h)
            groups.append({"id": f"g{len(groups) + 1:04d}", "mode": mode, "hub": campuses[h].id,
                           "members": [campuses[m].id for m in members.tolist()]})
            grouped[h] = grouped[members] = True
        if len(pairing.hubs) == 0:
            return groups


def group_coverage(scn: ResolvedScenario) -> float:
    """Share of the campuses of ``scn`` (all open at the start) that are a hub or member of a group."""
    index = scn.campus_index()
    grouped = [False] * len(scn.campuses)
    for g in scn.groups:
        for cid in (g.hub, *g.members):
            if cid is not None:
                grouped[index[cid]] = True
    return coverage(grouped, [True] * len(scn.campuses))


def _resolve(data: dict, source: str) -> ResolvedScenario:
    return resolve(Scenario.model_validate(data), data, Locations(), Path(source))


def build_scenario(size: str, years: int = 10, seed: int = 1, groups: bool | str = False) -> ResolvedScenario:
    """Validate and resolve the benchmark scenario of ``size`` (synthesises its region; with
    ``groups``, grouped by :func:`bench_groups`)."""
    return _resolve(scenario_data(size, years, seed, groups), f"<bench:{size}>")


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


def bench(size: str, years: int = 10, seed: int = 1, groups: bool | str = False) -> dict:
    """Build the region of ``size`` (with ``groups``: grouped by that mode, 名校+弱校 for True, over
    70 % of its campuses),
    run it for ``years`` years, and return the figures (module docstring)."""
    from .engine import Simulation
    from .metrics.compute import run_metrics
    from .results import tables

    t0 = time.perf_counter()
    scn = build_scenario(size, years, seed, groups)
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
        "groups": len(scn.groups),
        "mode": _mode(groups) or "",
        "group_coverage": round(group_coverage(scn), 3),
    }
    result["targets_met"] = all(check(result).values())
    return result
