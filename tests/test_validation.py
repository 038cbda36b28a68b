"""The calibration targets: every shipped target passes, and the generated docs follow the code."""

from __future__ import annotations

import pytest

from sim.scenario.parameters import markdown as parameters_markdown
from sim.validation import TARGETS, VARIANTS, markdown, validate

from conftest import ROOT


def test_parameters_doc_is_generated_from_the_models():
    assert (ROOT / "docs" / "PARAMETERS.md").read_text(encoding="utf-8") == parameters_markdown() + "\n"


def test_validation_doc_lists_the_targets_as_defined():
    doc = (ROOT / "docs" / "VALIDATION.md").read_text(encoding="utf-8")
    assert doc.startswith(markdown())  # the definitions, then the results of the documented run
    assert all(f"`{t.key}`" in doc.split("## 结果 / Results")[-1] for t in TARGETS)


def test_every_target_names_a_variant_and_a_sane_range():
    assert {t.variant for t in TARGETS} == set(VARIANTS)
    assert all(t.low <= t.high and t.source and " / " in t.label for t in TARGETS)
    assert len({t.key for t in TARGETS}) == len(TARGETS)


@pytest.mark.slow
def test_every_shipped_target_passes():
    results = validate(replicates=10, workers=2)
    missed = results[~results.passed][["key", "mean", "ci_low", "ci_high", "low", "high"]]
    assert missed.empty, missed.to_string()
