"""Computing only some metric families and levels (what a sweep does) gives exactly the full
catalogue's rows there, and every value of the full table reads the same as a sweep outcome, on
real runs (and on a run given groups and teacher exchange, which the engine does not make yet)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sim.engine import Simulation
from sim.metrics.catalogue import CATALOGUE, COMPARISON_ONLY, FAMILIES
from sim.metrics.compute import metric_blocks, run_metrics
from sim.metrics.frame import COLUMNS, finish
from sim.results import tables
from sim.scenario import load_scenario
from sim.sweep.outcomes import outcome_values, parse_outcome

from conftest import COUNTY, ROOT, TINY


def grouped_with_exchange(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The run's tables as if its first six campuses formed two groups (a hub and two members each)
    and teachers went on exchange between campuses in years 1 and 3."""
    cy = frames["campus_year"].copy()
    campuses = sorted(cy["campus"].unique())
    group = {c: f"g{i % 2}" for i, c in enumerate(campuses[:6])}
    role = {c: "hub" if i < 2 else "member" for i, c in enumerate(campuses[:6])}
    cy["group"] = cy["campus"].map(group).fillna("").astype(str)
    cy["role"] = cy["campus"].map(role).fillna("independent").astype(str)
    locale = dict(zip(cy["campus"], cy["locale"]))
    flows = frames["flows"]
    rows = []
    for year in (1, 3):
        for i, (a, b) in enumerate(zip(campuses, campuses[3:])):
            rows.append({"year": year, "kind": "teacher", "flow": "exchange", "origin": a, "destination": b,
                         "count": 1 + i % 3, "origin_locale": locale[a], "destination_locale": locale[b]})
            if i % 2:
                rows.append({**rows[-1], "flow": "exchange_backbone", "count": 1})
    extra = pd.DataFrame(rows).assign(scenario=flows["scenario"].iloc[0], replicate=flows["replicate"].iloc[0])
    flows = pd.concat([flows, extra[flows.columns]], ignore_index=True).astype(flows.dtypes.to_dict())
    return {**frames, "campus_year": cy, "flows": flows}


@pytest.fixture(scope="module")
def runs():
    out = []
    for path, seed in ((COUNTY, 1), (ROOT / "scenarios" / "county_rural_allowance.yaml", 2),
                       (ROOT / "scenarios" / "county_new_campus.yaml", 3)):
        scn = load_scenario(path, TINY)
        frames = tables(Simulation(scn, seed, scn.simulation.years).run(), scn.name, 0)
        out.append((scn, seed, frames, run_metrics(frames, scn.costs, seed)))
    scn, seed, frames, _ = out[0]
    frames = grouped_with_exchange(frames)
    out.append((scn, seed, frames, run_metrics(frames, scn.costs, seed)))
    return out


def test_each_family_and_level_alone_equals_the_full_table(runs):
    for scn, seed, frames, full in runs:
        family = full["metric"].map(lambda k: CATALOGUE[k].family)
        for name in FAMILIES:
            for level in sorted(set(full.loc[family == name, "level"])):
                part = finish(metric_blocks(frames, scn.costs, {name: {level}}))
                expected = full.loc[(family == name) & (full["level"] == level), COLUMNS].reset_index(drop=True)
                assert len(part) > 0
                pd.testing.assert_frame_equal(part, expected, check_exact=True)
            whole = finish(metric_blocks(frames, scn.costs, {name: None}))
            pd.testing.assert_frame_equal(whole, full.loc[family == name, COLUMNS].reset_index(drop=True),
                                          check_exact=True)


def test_the_grouped_run_has_group_and_exchange_rows(runs):
    full = runs[-1][3]
    for metric in ("hub_member_gap", "hub_change", "exchanges", "exchange_backbone_share", "exchange_rate"):
        assert (full["metric"] == metric).any(), metric
    assert (full.loc[full["metric"] == "exchanges", "value"] > 0).any()


def test_every_value_of_the_full_table_reads_the_same_as_an_outcome(runs):
    """Every row of the full table, as an outcome measured alone, with the other metrics of its
    level, and at ``final`` for the last year; a row the table lacks reads NaN."""
    for scn, seed, frames, full in runs:
        years, start = scn.simulation.years, scn.simulation.start_year
        assert not full.duplicated(["year", "level", "entity", "metric"]).any()
        rows = full[~full["metric"].isin(COMPARISON_ONLY)]
        keys = rows[["metric", "level", "entity", "year"]].itertuples(index=False)
        names = [f"{m}/{lv}/{e}@{y}" for m, lv, e, y in keys]
        expected = dict(zip(names, rows["value"]))
        last = rows[rows["year"] == years]
        expected.update({f"{m}/{lv}/{e}@final": v for m, lv, e, v
                         in last[["metric", "level", "entity", "value"]].itertuples(index=False)})
        refs = [parse_outcome(n, start, years) for n in expected]
        by_level: dict[tuple[str, str], list] = {}
        for ref in refs:
            by_level.setdefault((ref.family, ref.level), []).append(ref)
        got: dict[str, float] = {}
        for together in by_level.values():
            got.update(outcome_values(frames, scn.costs, together, years))
        assert got == expected
        alone = {}
        for ref in refs:  # one outcome per metric and level, measured alone
            alone.setdefault((ref.metric, ref.level), ref)
        for ref in alone.values():
            assert outcome_values(frames, scn.costs, [ref], years) == {ref.name: expected[ref.name]}
        short = parse_outcome("entrants@1", start, years)  # metric@year: the region's value
        assert outcome_values(frames, scn.costs, [short], years) == {short.name: expected["entrants/region/all@1"]}
        for name in ("mean_achievement/campus/NOPE@final", "hub_member_gap/group/g9@1"):
            missing = parse_outcome(name, start, years)
            assert math.isnan(outcome_values(frames, scn.costs, [missing], years)[name])
