"""The comparison summary a planner reads: every plan readable at any terminal width (table where
it fits, a list where it does not), plans named by their titles, fractions explained, a line lost
by the last year said so, a plan that worsens a yardstick called worse, shares' differences in
percentage points, and no claim of common random numbers when the seeds were independent.

Metrics here are made up so that the right words are known; they are toy values, not the model's.
"""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from rich.cells import cell_len
from rich.console import Console

import sim.cli
from sim.briefing import NO_REDUCTION, WORSE, first_pass_year, footnotes, summary_rows
from sim.comparison import comparison_table

TITLES = ["示例县基线 / Example county baseline",
          "示例县：县城新建初中（第2年）/ Example county: new county-town junior campus in year 2",
          "示例县：乡村教师分档补助（第1年起）/ Example county: tiered rural allowance from year 1"]
NAMES = ["base", "campus", "allowance"]


def _metrics(rng: np.random.Generator) -> pd.DataFrame:
    """Toy metrics: 5 replicates, 3 years.  'campus' widens the urban–rural gap and costs more;
    'allowance' changes nothing but cost; primary lines pass in year 1 in 3 runs and are lost by
    year 3 in 2 of them; the 56+ share falls by 5 points with the new campus."""
    rows, shared = [], rng.normal(0, 0.001, 5)  # replicate noise shared by the plans (common seeds)
    for s, name in enumerate(NAMES):
        for r in range(5):
            noise = shared[r]
            for year in (1, 2, 3):
                def add(level, entity, metric, value):
                    rows.append((name, r, 7, year, level, entity, metric, value))
                add("stage", "primary", "cv_pass_all", float(r < 3 and (year == 1 or r == 0)))
                add("stage", "junior", "cv_pass_all", 0.0)
                add("stage", "primary", "cv_mean", 0.5 + noise)
                add("stage", "junior", "cv_mean", 0.45 + noise)
                add("region", "all", "share_classes_56plus", 0.20 - 0.05 * (name == "campus") + noise)
                add("region", "all", "achievement_gap_rural", 0.3 + 0.1 * (name == "campus") + noise)
                add("region", "all", "cumulative_cost_yuan", 1e7 * year * (1 + 0.2 * s) + 1e4 * r)
    return pd.DataFrame(rows, columns=["scenario", "replicate", "seed", "year", "level", "entity", "metric", "value"])


@pytest.fixture(scope="module")
def toy():
    metrics = _metrics(np.random.default_rng(3))
    comparison = comparison_table(metrics, NAMES)
    return metrics, summary_rows(comparison, metrics, NAMES)


def _printed(monkeypatch, width: int, rows, notes) -> tuple[str, str]:
    screen = Console(width=width, record=True, file=io.StringIO(), highlight=False)
    monkeypatch.setattr(sim.cli, "console", screen)
    scns = [SimpleNamespace(title=t) for t in TITLES]
    saved = sim.cli._print_comparison(scns, rows, notes)
    return screen.export_text(), saved


def _squeezed(text: str) -> str:
    return re.sub(r"\s", "", text)


@pytest.mark.parametrize("width", [40, 80, 100, 200])
def test_every_plan_readable_at_any_width(toy, monkeypatch, width):
    _, rows = toy
    notes = footnotes(TITLES[0], 5)
    shown, saved = _printed(monkeypatch, width, rows, notes)
    assert all(cell_len(line) <= width for line in shown.splitlines())
    assert "…" not in shown
    if width < sim.cli._table_width(len(TITLES)):  # a list: the plans by title, then every cell whole
        flat = _squeezed(shown)
        assert all(_squeezed(title) in flat for title in TITLES)
        for _, cells in rows:
            for cell in cells:
                assert all(_squeezed(part) in flat for part in cell.split("\n"))
    else:  # a table: one column per plan, headed by its title, every cell whole in its column
        _assert_table(shown, rows)
    _assert_table(saved, rows)  # summary.txt holds the table
    assert _squeezed(notes[0]) in _squeezed(saved)


def _blocks(text: str) -> list[list[str]]:
    """The text of each column of each block (head, then one per row) of a rich table, squeezed."""
    blocks, current = [], None
    for line in text.splitlines():
        if line.startswith(("┏", "┡", "├", "└")):
            if current:
                blocks.append(["".join(col) for col in current])
            current = None
        elif line.startswith(("┃", "│")):
            parts = re.split("[┃│]", line)[1:-1]
            current = current or [[] for _ in parts]
            for col, part in zip(current, parts):
                col.append(_squeezed(part))
    return blocks


def _assert_table(text: str, rows) -> None:
    head, *body = _blocks(text)
    assert head[1:] == [_squeezed(t) + ("(参照reference)" if i == 0 else "") for i, t in enumerate(TITLES)]
    assert len(body) == len(rows)
    for columns, (label, cells) in zip(body, rows):
        assert columns[0] == _squeezed(label)
        assert columns[1:] == [_squeezed(c) for c in cells]


def test_fractions_and_lost_lines_are_explained(toy):
    metrics, rows = toy
    cell = first_pass_year(metrics, "base", "primary")
    assert cell.startswith("第1年 / year 1 (3/5 次 runs)") and "lost by year 3: 2 of 3" in cell
    assert first_pass_year(metrics, "base", "junior") == "未达标 / not met (0/5 次 runs)"
    held = metrics.assign(value=np.where(metrics["metric"] == "cv_pass_all", 1.0, metrics["value"]))
    assert "still met in year 3: 5/5" in first_pass_year(held, "base", "primary")
    assert any("k of the 5 replicate runs" in note for note in footnotes(TITLES[0], 5))


def test_cost_effectiveness_says_worse_where_the_plan_widens_the_gap(toy):
    _, rows = toy
    gap = next(cells for label, cells in rows if label.startswith("差距每缩小1 SD成本"))
    assert gap[0] == "参照 / reference" and gap[1] == WORSE and gap[2] == NO_REDUCTION


def test_share_differences_in_percentage_points(toy):
    _, rows = toy
    share = next(cells for label, cells in rows if label.startswith("大班额占比"))
    assert re.search(r"Δ -5\.00 pp \[-5\.00, -5\.00\]$", share[1]), share[1]
    assert "Δ" not in share[0]


def test_footnotes_claim_common_random_numbers_only_when_true():
    common, independent = footnotes(TITLES[0], 5, True), footnotes(TITLES[0], 5, False)
    assert "same seeds (common random numbers)" in common[0] and "paired" in common[2]
    assert "own seeds" in independent[0] and "same seeds" not in " ".join(independent)
    assert "paired" not in independent[2] and TITLES[0] in independent[2]


def test_a_passing_crowd_shows_in_the_reference_worst_year():
    """When the reference's 56+ share peaks before the last year (a birth bulge), the summary also
    reads every plan in that year; when it peaks in the last year, no extra line appears."""
    metrics = _metrics(np.random.default_rng(4))
    share = metrics["metric"] == "share_classes_56plus"
    bulge = share & (metrics["year"] == 2)
    metrics.loc[bulge, "value"] += np.where(metrics.loc[bulge, "scenario"] == "campus", 0.0, 0.3)
    rows = dict(summary_rows(comparison_table(metrics, NAMES), metrics, NAMES))
    peak = [label for label in rows if "worst year, year 2" in label]
    assert len(peak) == 1
    base, campus, _ = rows[peak[0]]
    assert base.startswith("50.") and campus.split("\n")[1].startswith("Δ -35.")  # 0.50 vs 0.15: -35 pp
    flat = dict(summary_rows(comparison_table(_metrics(np.random.default_rng(4)), NAMES), metrics, NAMES))
    assert not any("worst year" in label for label in flat)
