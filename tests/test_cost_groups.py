"""The grouping modes' costs reach the cost metrics: on a real short run of
scenarios/county_mingxiao.yaml the mode's campus-year cost columns (cost_<item>_yuan) sum to
``group_cost_yuan``, which is part of ``cost_yuan`` and so of the cumulative cost; a run without
such columns has no ``group_cost_yuan`` and its costs are the three classic items only."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.engine import Simulation
from sim.metrics.compute import metric_blocks, run_metrics
from sim.metrics.cost import mode_cost_columns
from sim.metrics.frame import finish
from sim.results import tables
from sim.scenario import load_scenario

from conftest import COUNTY, ROOT, TINY

MINGXIAO = ROOT / "scenarios" / "county_mingxiao.yaml"
YEARS = 3


def region(metrics: pd.DataFrame, key: str) -> np.ndarray:
    rows = metrics[(metrics["level"] == "region") & (metrics["metric"] == key)].sort_values("year")
    return rows["value"].to_numpy()


@pytest.fixture(scope="module")
def grouped():
    scn = load_scenario(MINGXIAO, [f"simulation.years={YEARS}"])
    frames = tables(Simulation(scn, 4, YEARS).run(), scn.name, 0)
    return scn, frames, run_metrics(frames, scn.costs, 4)


def test_the_mode_records_its_cost_columns(grouped):
    _, frames, _ = grouped
    assert mode_cost_columns(frames["campus_year"]) == ["cost_exchange_allowance_yuan", "cost_group_management_yuan"]


def test_group_cost_is_the_sum_of_the_mode_cost_columns_each_year(grouped):
    scn, frames, metrics = grouped
    cy = frames["campus_year"]
    by_year = cy.groupby("year")[["cost_exchange_allowance_yuan", "cost_group_management_yuan"]].sum()
    expected = by_year.sum(axis=1).to_numpy()
    np.testing.assert_allclose(region(metrics, "group_cost_yuan"), expected, rtol=1e-12)
    # every group leads members from year 1, so each hub's running cost is paid every year
    hubs_paid = (cy["cost_group_management_yuan"] > 0).groupby(cy["year"]).sum().to_numpy()
    assert (hubs_paid == len(scn.groups)).all()
    # teachers go on exchange after year 1, so allowances are paid from year 2 on
    assert (by_year["cost_exchange_allowance_yuan"].to_numpy()[1:] > 0).all()


def test_cost_yuan_includes_the_group_cost_and_accumulates_it(grouped):
    _, _, metrics = grouped
    parts = sum(region(metrics, k) for k in ("allowance_cost_yuan", "posts_cost_yuan", "construction_cost_yuan"))
    group = region(metrics, "group_cost_yuan")
    assert (group > 0).all()
    np.testing.assert_allclose(region(metrics, "cost_yuan"), parts + group, rtol=1e-12)
    np.testing.assert_allclose(region(metrics, "cumulative_cost_yuan"), np.cumsum(parts + group), rtol=1e-12)


def test_the_cost_family_alone_gives_the_same_rows(grouped):
    scn, frames, metrics = grouped
    alone = finish(metric_blocks(frames, scn.costs, {"cost": {"region"}}))
    full = metrics[metrics["metric"].isin(set(alone["metric"])) & (metrics["level"] == "region")]
    pd.testing.assert_frame_equal(alone, full[alone.columns].reset_index(drop=True), check_exact=True)
    assert "group_cost_yuan" in set(alone["metric"])


def test_a_run_without_mode_costs_has_no_group_cost():
    scn = load_scenario(COUNTY, TINY)
    frames = tables(Simulation(scn, 1, scn.simulation.years).run(), scn.name, 0)
    assert mode_cost_columns(frames["campus_year"]) == []
    metrics = run_metrics(frames, scn.costs, 1)
    assert not (metrics["metric"] == "group_cost_yuan").any()
    parts = sum(region(metrics, k) for k in ("allowance_cost_yuan", "posts_cost_yuan", "construction_cost_yuan"))
    np.testing.assert_array_equal(region(metrics, "cost_yuan"), parts)
