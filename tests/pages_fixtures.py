"""Output folders for the page tests: a small real run and comparison (made once per test session
and shared through pytest's base temporary folder), a run folder edited to have a group with teacher
exchanges (grouping modes cannot run yet), and sweep folders written to the sweep outputs' contract."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
from click.testing import CliRunner

from sim.cli import cli
from sim.intervals import summarise
from sim.outfolder import LOCK, MARKER, open_for_writing

from conftest import ROOT, TINY

PLANS = [ROOT / "scenarios" / f"{name}.yaml" for name in ("county_baseline", "county_rural_allowance",
                                                          "county_new_campus")]
SETS = [arg for s in TINY for arg in ("--set", s)]
REPLICATES = 3


def _invoke(*args) -> None:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    assert "页面 pages:" in result.output, result.output


def shared_folder(tmp_path_factory, name: str, make) -> Path:
    """``<pytest base temp>/<name>``, made by ``make(path)`` the first time any test module asks."""
    path = tmp_path_factory.getbasetemp() / name
    if not (path / "index.html").exists():
        shutil.rmtree(path, ignore_errors=True)
        make(path)
    return path


def make_run(path: Path) -> None:
    """A 3-year, 3-replicate run of the tiny county (pages rendered by ``run`` itself)."""
    _invoke("run", PLANS[0], "--replicates", REPLICATES, "--workers", 1, "--out", path, *SETS)


def make_comparison(path: Path) -> None:
    """The tiny county's three plans compared on 3 replicates (pages rendered by ``compare``)."""
    _invoke("compare", *PLANS, "--replicates", REPLICATES, "--workers", 1, "--out", path, *SETS)


HUB_GROUP = "G1"
EXCHANGE_OUT, EXCHANGE_BACK = 2, 1
"""Teachers sent from the hub to each member, and back from the first member, every year of every run."""


def make_grouped(run: Path, path: Path) -> dict:
    """A copy of ``run`` in which an urban campus is the hub of group G1 with two rural members, and
    teacher exchanges hub → member (2 a year each) and member → hub (1 a year) are recorded; returns
    the hub and members."""
    shutil.copytree(run, path, ignore=shutil.ignore_patterns("*.html", "*.js", "*.xlsx", ".runs"))
    campuses = pd.read_parquet(path / "campuses.parquet")
    hub = campuses[(campuses["locale"] == "urban") & (campuses["stage"] == "primary")]["campus"].iloc[0]
    members = campuses[(campuses["locale"] == "rural") & (campuses["stage"] == "primary")]["campus"].iloc[:2].tolist()
    role = {hub: "hub", **{m: "member" for m in members}}
    campuses["group"] = campuses["campus"].map(lambda c: HUB_GROUP if c in role else "")
    campuses["role"] = campuses["campus"].map(lambda c: role.get(c, "independent"))
    campuses.to_parquet(path / "campuses.parquet", index=False)
    links = pd.read_parquet(path / "campus_links.parquet")
    extra = pd.DataFrame({"kind": "group", "source": hub, "target": members, "id": HUB_GROUP, "mode": "mingxiao_ruoxiao"})
    pd.concat([links, extra], ignore_index=True).to_parquet(path / "campus_links.parquet", index=False)
    cy = pd.read_parquet(path / "campus_year.parquet")
    cy["group"] = cy["campus"].map(lambda c: HUB_GROUP if c in role else "")
    cy["role"] = cy["campus"].map(lambda c: role.get(c, "independent"))
    cy.to_parquet(path / "campus_year.parquet", index=False)
    flows = pd.read_parquet(path / "flows.parquet")
    rows = [{"scenario": flows["scenario"].iloc[0], "replicate": r, "year": y, "kind": "teacher", "flow": "exchange",
             "origin": o, "destination": d, "count": n, "origin_locale": ol, "destination_locale": dl}
            for r in sorted(flows["replicate"].unique()) for y in sorted(flows["year"].unique())
            for o, d, n, ol, dl in [(hub, m, EXCHANGE_OUT, "urban", "rural") for m in members]
            + [(members[0], hub, EXCHANGE_BACK, "rural", "urban")]]
    pd.concat([flows, pd.DataFrame(rows)], ignore_index=True).astype(flows.dtypes.to_dict()).to_parquet(
        path / "flows.parquet", index=False)
    summary = pd.read_parquet(path / "metrics_summary.parquet")
    years = np.sort(summary["year"].unique())
    gap = pd.DataFrame({"scenario": summary["scenario"].iloc[0], "year": years, "level": "group", "entity": HUB_GROUP,
                        "metric": "hub_member_gap", "n": REPLICATES, "mean": hub_member_gap(years), "sd": 0.02})
    gap["ci_low"], gap["ci_high"] = gap["mean"] - 0.03, gap["mean"] + 0.03
    pd.concat([summary, gap], ignore_index=True).astype(summary.dtypes.to_dict()).to_parquet(
        path / "metrics_summary.parquet", index=False)
    mark_complete(path, "run")
    return {"hub": hub, "members": members}


def mark_complete(path: Path, command: str) -> None:
    """Mark a hand-made or hand-edited output folder complete, as the command that writes it would."""
    out = open_for_writing(path, command, replace=False)
    out.finish([p for p in path.rglob("*") if p.is_file() and p.name not in (MARKER, LOCK) and ".runs" not in p.parts])


def hub_member_gap(years: np.ndarray) -> np.ndarray:
    """The grouped fixture's hub–member gap by year (SD), narrowing."""
    return 0.4 - 0.05 * years


PARAMETERS = ("dynamics.migration.flight_rate", "teachers.allowance_yuan")
GRID = {PARAMETERS[0]: [0.01, 0.02, 0.03], PARAMETERS[1]: [0.0, 300.0, 600.0]}
OUTCOMES = ("cv_mean/stage/junior@final", "share_classes_56plus/region/all@3")
SWEEP_PLANS = ("county_baseline", "county_new_campus")


def outcome_value(plan: int, outcome: int, a: float, b: float, replicate: int) -> float:
    """The fixture's known response surface (plus a small replicate wobble)."""
    return 0.3 + 0.1 * plan + outcome * 0.05 + 4.0 * a - 1e-4 * b + 0.001 * (replicate - 0.5)


def make_sweep(path: Path, optional: bool = True, grid: bool = True) -> None:
    """A sweep folder to the sweep contract: two plans over a 3 × 3 grid (or, without ``grid``,
    nine scattered points of three parameters), two replicates, two outcomes; with ``optional``
    also sensitivity, goal_seek and robustness tables."""
    path.mkdir(parents=True)
    rng = np.random.default_rng(3)
    if grid:
        a, b = np.meshgrid(GRID[PARAMETERS[0]], GRID[PARAMETERS[1]], indexing="ij")
        points = pd.DataFrame({PARAMETERS[0]: a.ravel(), PARAMETERS[1]: b.ravel()})
    else:
        points = pd.DataFrame({PARAMETERS[0]: rng.uniform(0.01, 0.03, 9), PARAMETERS[1]: rng.uniform(0, 600, 9),
                               "dynamics.learning.peer_effect": rng.uniform(0, 0.2, 9)})
    design = pd.concat([points.assign(point=np.arange(len(points)), scenario=name) for name in SWEEP_PLANS],
                       ignore_index=True)
    design = design[["point", "scenario", *points.columns]]
    design.to_parquet(path / "design.parquet", index=False)
    rows = [{"point": point, "scenario": name, "replicate": r, "seed": 100 + r, "outcome": o,
             "value": outcome_value(SWEEP_PLANS.index(name), k, a, b, r)}
            for point, name, a, b in zip(design["point"], design["scenario"], design[PARAMETERS[0]],
                                         design[PARAMETERS[1]])
            for r in range(2) for k, o in enumerate(OUTCOMES)]
    outcomes = pd.DataFrame(rows)
    outcomes.to_parquet(path / "outcomes.parquet", index=False)
    summary = summarise(outcomes, ["point", "scenario", "outcome"])
    summary[["point", "scenario", "outcome", "n", "mean", "sd", "ci_low", "ci_high"]].to_parquet(
        path / "outcome_summary.parquet", index=False)
    if optional:
        sens = pd.DataFrame([{"outcome": o, "parameter": p, "method": "sobol", "index": i,
                              "value": (0.6 if p == PARAMETERS[0] else 0.3) + 0.1 * k, "conf": 0.05 + 0.01 * j,
                              "scenario": name}
                             for k, name in enumerate(SWEEP_PLANS) for o in OUTCOMES
                             for j, p in enumerate(PARAMETERS) for i in ("S1", "ST")])
        sens.to_parquet(path / "sensitivity.parquet", index=False)
        pd.DataFrame([
            {"outcome": OUTCOMES[0], "parameter": PARAMETERS[1], "target": 0.45, "year": 10, "share_required": 0.8,
             "value": 420.0, "ci_low": 380.0, "ci_high": 470.0, "found": True},
            {"outcome": OUTCOMES[1], "parameter": PARAMETERS[1], "target": 0.0, "year": 3, "share_required": 0.9,
             "value": np.nan, "ci_low": np.nan, "ci_high": np.nan, "found": False},
        ]).to_parquet(path / "goal_seek.parquet", index=False)
        pd.DataFrame({"scenario": list(SWEEP_PLANS) * 2, "outcome": np.repeat(OUTCOMES, 2),
                      "share_best": [0.75, 0.25, 0.4, 0.6]}).to_parquet(path / "robustness.parquet", index=False)
    manifest = {"kind": "sweep", "name": "fixture_sweep", "parameters": [{"path": p} for p in points.columns],
                "design": {"method": "grid" if grid else "lhs", "points": len(points)}, "code_version": "test",
                "created": "2026-01-01T00:00:00+00:00", "scenarios": list(SWEEP_PLANS)}
    (path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    mark_complete(path, "sweep")
