"""The analyses of a sweep on toy models whose answers are known: Sobol indices of the Ishigami
function, a goal-seek threshold, robustness between two plans, PRIM boxes, Morris screening."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from sim.sweep import execute
from sim.sweep.design import Factor
from sim.sweep.spec import Discovery, Goal, Outcome

from sweep_toys import ishigami, noisy_line, toy_plan, two_plans

PI = math.pi
ISHIGAMI_S1 = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}
ISHIGAMI_ST = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}
"""Analytic first-order and total indices of the Ishigami function with a = 7, b = 0.1."""


@pytest.mark.slow
def test_sobol_indices_of_ishigami_match_the_known_values(tmp_path):
    factors = [Factor(name, -PI, PI) for name in ("x1", "x2", "x3")]
    plan = toy_plan(factors, "sobol", size=512)
    execute(plan, tmp_path, ishigami)
    table = pd.read_parquet(tmp_path / "sensitivity.parquet")
    assert set(table["method"]) == {"sobol"} and set(table["index"]) == {"S1", "ST"}
    for index, known in (("S1", ISHIGAMI_S1), ("ST", ISHIGAMI_ST)):
        got = table[table["index"] == index].set_index("parameter")
        for name, value in known.items():
            assert got.loc[name, "value"] == pytest.approx(value, abs=0.06), (index, name)
            assert 0 < got.loc[name, "conf"] < 0.15
    assert len(pd.read_parquet(tmp_path / "runs.parquet")) == 512 * 5  # N × (D + 2), one replicate


def test_morris_ranks_the_influential_parameters_of_ishigami(tmp_path):
    factors = [Factor(name, -PI, PI) for name in ("x1", "x2", "x3")]
    execute(toy_plan(factors, "morris", size=40), tmp_path, ishigami)
    table = pd.read_parquet(tmp_path / "sensitivity.parquet")
    mu = table[table["index"] == "mu_star"].set_index("parameter")["value"]
    assert mu.notna().all() and (mu > 0).all()
    assert mu["x2"] > mu["x3"] and mu["x1"] > mu["x3"]
    assert table.loc[table["index"] == "sigma", "conf"].isna().all()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_goal_seek_finds_the_known_threshold(tmp_path, seed):
    """y = p + N(0, 0.1); y ≥ 0.5 in 80 % of runs from p = 0.5 + 0.1 Φ⁻¹(0.8) ≈ 0.584 on."""
    truth = 0.5 + 0.1 * norm.ppf(0.8)
    grid = [round(0.05 * k, 2) for k in range(21)]
    plan = toy_plan([Factor("p", values=tuple(grid))], replicates=60, seed=seed,
                    goals=[Goal(outcome="y", target=">= 0.5", share=0.8)])
    execute(plan, tmp_path, noisy_line)
    row = pd.read_parquet(tmp_path / "goal_seek.parquet").iloc[0]
    assert row["found"] and row["parameter"] == "p" and row["target"] == ">= 0.5" and row["share_required"] == 0.8
    assert abs(row["value"] - truth) <= 0.05 + 1e-9
    assert row["ci_low"] <= truth <= row["ci_high"]
    assert row["ci_high"] - row["ci_low"] <= 0.2
    assert json.loads(row["given"]) == {}


def test_goal_seek_reports_a_goal_never_met(tmp_path):
    plan = toy_plan([Factor("p", values=(0.0, 0.1, 0.2))], replicates=5,
                    goals=[Goal(outcome="y", target=">= 0.9", share=0.8)])
    execute(plan, tmp_path, noisy_line)
    row = pd.read_parquet(tmp_path / "goal_seek.parquet").iloc[0]
    assert not row["found"] and np.isnan(row["value"]) and np.isnan(row["ci_low"])


def test_goal_seek_on_a_grid_holds_the_other_parameter_fixed(tmp_path):
    factors = [Factor("p", values=(0.0, 0.25, 0.5, 0.75, 1.0)), Factor("q", values=("x", "z"))]
    plan = toy_plan(factors, replicates=20, goals=[Goal(outcome="y", target=">= 0.5", parameter="p")])
    execute(plan, tmp_path, noisy_line)
    table = pd.read_parquet(tmp_path / "goal_seek.parquet")
    assert sorted(json.loads(g)["q"] for g in table["given"]) == ["x", "z"]
    assert table["found"].all()


def test_robustness_counts_the_runs_each_plan_wins(tmp_path):
    xs = tuple(round(0.1 * k, 1) for k in range(10))  # 0.0 … 0.9: 'a' wins at 0.0–0.4, ties at 0.5
    plan = toy_plan([Factor("x", values=xs)], scenarios=("a", "b"),
                    outcomes=(Outcome(outcome="y", better="lower"),))
    execute(plan, tmp_path, two_plans)
    share = pd.read_parquet(tmp_path / "robustness.parquet").set_index("scenario")["share_best"]
    assert share["a"] == pytest.approx(0.55) and share["b"] == pytest.approx(0.45)  # 5 wins + half a tie of 10


def test_prim_finds_where_a_plan_does_not_beat_the_other(tmp_path):
    factors = [Factor("x", 0.0, 1.0), Factor("noise", 0.0, 1.0)]
    plan = toy_plan(factors, "latin", size=400, scenarios=("a", "b"), outcomes=(Outcome(outcome="y", better="lower"),),
                    discovery=[Discovery(outcome="y", scenario="a", versus="b")])
    execute(plan, tmp_path, two_plans)
    boxes = pd.read_parquet(tmp_path / "prim_boxes.parquet")
    first = boxes[boxes["box"] == 1].set_index("parameter")
    assert "x" in first.index
    assert first.loc["x", "low"] == pytest.approx(0.5, abs=0.05)
    assert first.loc["x", "density"] >= 0.95 and first.loc["x", "coverage"] >= 0.9
