"""`run_sim.py sweep` on the shipped sweeps, kept small (design size, replicates and years
overridden): the files it leaves and their columns, which the sweep page reads (contracts)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from sim.scenario.ranges import uncertainties

from conftest import ROOT

SWEEPS = ROOT / "scenarios" / "sweeps"
CONTRACT = {
    "outcomes": ["point", "scenario", "replicate", "seed", "outcome", "value"],
    "outcome_summary": ["point", "scenario", "outcome", "n", "mean", "sd", "ci_low", "ci_high"],
    "sensitivity": ["outcome", "parameter", "method", "index", "value", "conf"],
    "goal_seek": ["outcome", "parameter", "target", "year", "share_required", "value", "ci_low", "ci_high", "found"],
    "robustness": ["scenario", "outcome", "share_best"],
}


def check_contract(out):
    for table, columns in CONTRACT.items():
        got = list(pd.read_parquet(out / f"{table}.parquet").columns)
        assert got[:len(columns)] == columns, table
    design = pd.read_parquet(out / "design.parquet")
    assert list(design.columns[:2]) == ["point", "scenario"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for key in ("kind", "name", "parameters", "design", "seeds", "code_version"):
        assert key in manifest
    assert manifest["kind"] == "sweep"
    return design, manifest


def test_sensitivity_sweep_small(run_cli, tmp_path):
    result = run_cli("sweep", SWEEPS / "sensitivity.yaml", "--size", "2", "--years", "2", "--workers", "1",
                     "--out", tmp_path)
    assert result.exit_code == 0, result.output
    design, manifest = check_contract(tmp_path)
    declared = [u.path for u in uncertainties() if u.low < u.high]
    assert list(design.columns[2:]) == declared and len(design) == 2 * (len(declared) + 2)
    assert manifest["design"]["method"] == "sobol" and manifest["counts"]["failed"] == 0
    table = pd.read_parquet(tmp_path / "sensitivity.parquet")
    outcomes = {o["outcome"] for o in manifest["outcomes"]}
    indexed = set(table["outcome"])
    assert indexed <= outcomes and indexed and table["value"].notna().all()  # undefined or constant: noted instead
    assert len(indexed) + len(manifest["notes"]) == len(outcomes)
    for outcome in indexed:
        part = table[table["outcome"] == outcome]
        assert set(part["parameter"]) == set(declared) and set(part["index"]) == {"S1", "ST"}
    assert (tmp_path / "sweep.html").exists() and (tmp_path / "index.html").exists()  # the sweep ends with its page


@pytest.mark.slow
def test_exchange_share_sweep_small(run_cli, tmp_path):
    result = run_cli("sweep", SWEEPS / "exchange_share.yaml", "--replicates", "1", "--years", "6",
                     "--workers", "2", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert "runs: 12" in result.output
    design, manifest = check_contract(tmp_path)
    assert len(design) == 12 and manifest["design"]["method"] == "grid"
    goals = pd.read_parquet(tmp_path / "goal_seek.parquet")
    assert len(goals) == 3 and (goals["calendar_year"] == 2030).all() and (goals["year"] == 6).all()
    assert sorted(json.loads(g)["groups[*].params.exchange.backbone_floor"] for g in goals["given"]) == [0.2, 0.3, 0.36]
    outcomes = pd.read_parquet(tmp_path / "outcomes.parquet")  # more exchange ordered, more teachers exchanged
    exchanged = outcomes[outcomes["outcome"] == "exchanges@2030"].merge(design, on=["point", "scenario"])
    by_share = exchanged.groupby("groups[*].params.exchange.share")["value"].mean()
    assert list(by_share.index) == [0.0, 0.1, 0.2, 0.3] and by_share.is_monotonic_increasing
    assert by_share.iloc[-1] > by_share.iloc[0]
    assert (tmp_path / "prim_boxes.parquet").exists()
