"""The metric catalogue is complete, bilingual and in step with the code and the docs."""

from __future__ import annotations

import re

import pytest

from sim.metrics.catalogue import CATALOGUE, COMPARISON_ONLY, FAMILIES, markdown

from conftest import COUNTY, ROOT, TINY

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def metrics():
    from sim.runner import run
    from sim.scenario import load_scenario
    groups = ["groups=[{id: g1, mode: baseline, members: []}]"]
    return run(load_scenario(COUNTY, TINY + groups), seed=2)["metrics"]


def test_every_emitted_metric_is_catalogued_at_its_levels(metrics):
    for key, levels in metrics.groupby("metric")["level"].unique().items():
        assert key in CATALOGUE, key
        assert set(levels) <= set(CATALOGUE[key].levels), (key, levels)
    assert metrics["value"].notna().all()


def test_a_baseline_run_emits_all_but_group_exchange_private_and_comparison_metrics(metrics):
    missing = set(CATALOGUE) - set(metrics["metric"])
    assert missing == {"hub_member_gap", "hub_change", "exchange_backbone_share", "group_cost_yuan", "private_share",
                       *COMPARISON_ONLY}


def test_entries_are_bilingual_with_unit_levels_and_definition():
    for m in CATALOGUE.values():
        zh, _, en = m.label.partition(" / ")
        assert CJK.match(zh) and re.match(r"[A-Za-z]", en), m.label
        assert m.unit and m.levels and len(m.definition) > 40 and m.family in FAMILIES, m.key


def test_docs_are_generated_from_the_catalogue():
    assert (ROOT / "docs" / "METRICS.md").read_text(encoding="utf-8").strip() == markdown().strip()
