"""Golden regression test: short county runs give exactly the numbers pinned in tests/data/golden.parquet.

It pins the region and stage metrics (every family of the catalogue at those two levels), the
main campus-year columns and the yearly totals of every kind of flow of three shipped county
scenarios (baseline, a new campus, a rural allowance), two seeds each, over four years.  A
refactoring of the engine must leave every value as it was (to 1e-12 relative); when a change
of the model is *intended*, regenerate the file and commit it with the change that explains it:

    .venv/bin/python tests/test_golden.py          # rewrites tests/data/golden.parquet

(or ``pytest tests/test_golden.py --regen-golden``).  Never regenerate to make a refactoring pass.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "data" / "golden.parquet"
SCENARIOS = ("county_baseline", "county_new_campus", "county_rural_allowance")
SEEDS = (1, 2)
YEARS = 4
LEVELS = ("region", "stage")
CAMPUS_COLUMNS = ("open", "enrolment", "classes", "classes_56plus", "overflow", "boarders", "teachers", "posts",
                  "vacancies", "teachers_backbone", "teachers_senior", "mean_teacher_skill", "class_skill_mean",
                  "mean_achievement", "reputation", "allowance_yuan", "classrooms", "floor_area_m2")
KEYS = ["scenario", "seed", "table", "year", "entity", "name"]


def golden_frame() -> pd.DataFrame:
    """The pinned numbers of today's code, long format: one row per (scenario, seed, table, year,
    entity, name) with a float ``value``."""
    from sim.engine import Simulation
    from sim.metrics.compute import run_metrics
    from sim.results import tables
    from sim.scenario import load_scenario

    parts = []
    for name in SCENARIOS:
        scn = load_scenario(ROOT / "scenarios" / f"{name}.yaml", [f"simulation.years={YEARS}"])
        for seed in SEEDS:
            frames = tables(Simulation(scn, seed, YEARS).run(), scn.name, 0)
            m = run_metrics(frames, scn.costs, seed)
            m = m[m["level"].isin(LEVELS)]
            parts.append(pd.DataFrame({"table": "metrics", "year": m["year"], "entity": m["level"] + ":" + m["entity"],
                                       "name": m["metric"], "value": m["value"]}))
            cy = frames["campus_year"].melt(id_vars=["year", "campus"], value_vars=list(CAMPUS_COLUMNS))
            parts.append(pd.DataFrame({"table": "campus_year", "year": cy["year"], "entity": cy["campus"],
                                       "name": cy["variable"], "value": cy["value"]}))
            fl = frames["flows"].groupby(["year", "kind", "flow"], as_index=False)["count"].sum()
            parts.append(pd.DataFrame({"table": "flows", "year": fl["year"], "entity": fl["kind"],
                                       "name": fl["flow"], "value": fl["count"]}))
            for p in parts[-3:]:
                p.insert(0, "seed", seed)
                p.insert(0, "scenario", name)
    out = pd.concat(parts, ignore_index=True)
    out = out.astype({"scenario": str, "seed": np.int64, "table": str, "year": np.int64, "entity": str,
                      "name": str, "value": np.float64})
    return out.sort_values(KEYS, kind="stable").reset_index(drop=True)


def write_golden() -> None:
    """Rewrite the golden file from today's code (only when a change of the model is intended)."""
    from sim.atomic import write_atomic

    frame = golden_frame()
    write_atomic(GOLDEN, lambda tmp: frame.to_parquet(tmp, index=False))
    print(f"wrote {GOLDEN} ({len(frame)} values)")


def test_numbers_are_the_golden_ones(request):
    if request.config.getoption("--regen-golden"):
        write_golden()
    expected = pd.read_parquet(GOLDEN)
    actual = golden_frame()
    merged = expected.merge(actual, on=KEYS, how="outer", suffixes=("_golden", "_now"), indicator=True)
    missing = merged[merged["_merge"] != "both"]
    assert missing.empty, f"rows only on one side:\n{missing.head(20).to_string()}"
    a, b = merged["value_golden"].to_numpy(), merged["value_now"].to_numpy()
    same = (a == b) | (np.isnan(a) & np.isnan(b)) | np.isclose(a, b, rtol=1e-12, atol=0)
    assert same.all(), f"{(~same).sum()} values changed:\n{merged[~same].head(20).to_string()}"
    assert len(expected) > 10_000 and expected["value"].notna().mean() > 0.9


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    write_golden()
