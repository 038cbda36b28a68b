"""Achievement-quality metrics on hand-built campus_year tables with explicit pupil scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.metrics.quality import SCALE_MEAN, SCALE_SD, quality_metrics

# One year of pupils, z scores per campus: (locale, group, role, pupil z's).
PUPILS = {
    "A": ("urban", "g1", "hub", [1.0, 0.5, 0.0, 1.5]),       # mean 0.75,  scale 575
    "B": ("rural", "g1", "member", [-0.5, -1.0, 0.0]),       # mean -0.5,  scale 450
    "C": ("town", "", "independent", [0.2, -0.2]),           # mean 0.0,   scale 500
    "D": ("rural", "g1", "member", [0.4, -0.6, 0.1, 0.1, 0.5]),  # mean 0.1, scale 510
}


def campus_rows(year: int, pupils: dict, open_: bool = True) -> list[dict]:
    """campus_year rows whose mean_achievement and score_xlnx come from the explicit pupil z's."""
    rows = []
    for campus, (locale, group, role, z) in pupils.items():
        x = SCALE_MEAN + SCALE_SD * np.asarray(z, dtype=float)
        rows.append({"year": year, "campus": campus, "stage": "primary", "locale": locale, "open": open_,
                     "enrolment": len(z), "capacity": 100, "mean_achievement": float(np.mean(z)),
                     "score_xlnx": float(np.sum(x * np.log(x))), "group": group, "role": role})
    return rows


def make_cy(*blocks: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([r for b in blocks for r in b])


def get(out: pd.DataFrame, level: str, entity: str, metric: str, year: int = 2020) -> float:
    hit = out.loc[(out["year"] == year) & (out["level"] == level) & (out["entity"] == entity)
                  & (out["metric"] == metric), "value"]
    assert len(hit) == 1, (level, entity, metric, year, len(hit))
    return float(hit.iloc[0])


def theil(x: np.ndarray) -> float:
    """Theil T by its definition, (1/N) Σ (x/μ) ln(x/μ)."""
    r = x / x.mean()
    return float(np.mean(r * np.log(r)))


def between(parts: list[np.ndarray]) -> float:
    """Between-class Theil component by its definition, Σ_g (N_g/N)(μ_g/μ) ln(μ_g/μ)."""
    allx = np.concatenate(parts)
    mu, n = allx.mean(), len(allx)
    return float(sum(len(p) / n * p.mean() / mu * np.log(p.mean() / mu) for p in parts))


def scores(*campuses: str, pupils: dict = PUPILS) -> np.ndarray:
    return SCALE_MEAN + SCALE_SD * np.concatenate([np.asarray(pupils[c][3], dtype=float) for c in campuses])


@pytest.fixture
def out() -> pd.DataFrame:
    return quality_metrics(make_cy(campus_rows(2020, PUPILS)))


def test_schema(out):
    assert list(out.columns) == ["year", "level", "entity", "metric", "value"]
    assert out["year"].dtype == np.int64 and out["value"].dtype == np.float64
    assert set(out["level"]) == {"region", "locale", "group", "campus"}


def test_theil_matches_pupil_level_definition(out):
    assert get(out, "region", "all", "theil") == pytest.approx(theil(scores("A", "B", "C", "D")), abs=1e-10)


def test_theil_decompositions_sum_and_match_definition(out):
    total = get(out, "region", "all", "theil")
    for part in ("campus", "locale", "group"):
        b = get(out, "region", "all", f"theil_between_{part}")
        w = get(out, "region", "all", f"theil_within_{part}")
        assert b + w == pytest.approx(total, abs=1e-12)
        assert b >= 0 and w >= 0
    partitions = {
        "campus": [scores("A"), scores("B"), scores("C"), scores("D")],
        "locale": [scores("A"), scores("C"), scores("B", "D")],
        "group": [scores("A", "B", "D"), scores("C")],  # C is the pooled "independent" class
    }
    for part, classes in partitions.items():
        assert get(out, "region", "all", f"theil_between_{part}") == pytest.approx(between(classes), abs=1e-10)


def test_between_locale_zero_when_locale_means_equal():
    pupils = {"U": ("urban", "", "independent", [1.0, -1.0]),       # mean 0
              "R": ("rural", "", "independent", [0.5, -0.5, 0.0])}  # mean 0
    out = quality_metrics(make_cy(campus_rows(2020, pupils)))
    assert get(out, "region", "all", "theil_between_locale") == pytest.approx(0.0, abs=1e-12)
    assert get(out, "region", "all", "theil_within_locale") == pytest.approx(
        get(out, "region", "all", "theil"), abs=1e-12)
    assert get(out, "region", "all", "achievement_gap_rural") == pytest.approx(0.0, abs=1e-12)


def test_achievement_cv_by_hand(out):
    # Campus mean scale scores 575 (4 pupils), 450 (3), 500 (2), 510 (5); N = 14.
    # X̄ = (4·575 + 3·450 + 2·500 + 5·510) / 14 = 7200 / 14 = 514.2857…
    # S² = (4(575 − X̄)² + 3(450 − X̄)² + 2(500 − X̄)² + 5(510 − X̄)²) / 14 = 27642.857… / 14 = 1974.49…
    # CV = S / X̄ = 44.4353… / 514.2857… = 0.086402…
    xbar = 7200 / 14
    s = np.sqrt((4 * (575 - xbar) ** 2 + 3 * (450 - xbar) ** 2 + 2 * (500 - xbar) ** 2
                 + 5 * (510 - xbar) ** 2) / 14)
    assert get(out, "region", "all", "achievement_cv") == pytest.approx(s / xbar, abs=1e-12)
    assert get(out, "region", "all", "achievement_cv") == pytest.approx(0.086402, abs=1e-6)


def test_achievement_gap_rural_by_hand(out):
    # urban + town: (4·0.75 + 2·0.0) / 6 = 0.5;  rural: (3·(−0.5) + 5·0.1) / 8 = −0.125;  gap 0.625
    assert get(out, "region", "all", "achievement_gap_rural") == pytest.approx(0.625, abs=1e-12)


def test_no_gap_row_without_rural_pupils():
    pupils = {k: v for k, v in PUPILS.items() if v[0] != "rural"}
    out = quality_metrics(make_cy(campus_rows(2020, pupils)))
    assert "achievement_gap_rural" not in set(out["metric"])
    assert "theil" in set(out["metric"])


def test_locale_and_campus_means(out):
    assert get(out, "locale", "urban", "mean_achievement") == pytest.approx(0.75)
    assert get(out, "locale", "town", "mean_achievement") == pytest.approx(0.0)
    assert get(out, "locale", "rural", "mean_achievement") == pytest.approx(-0.125)  # (−1.5 + 0.5) / 8
    assert get(out, "campus", "B", "mean_achievement") == pytest.approx(-0.5)
    assert get(out, "campus", "D", "mean_achievement") == pytest.approx(0.1)


def test_hub_member_gap_and_hub_change():
    later = {**PUPILS, "A": ("urban", "g1", "hub", [z - 0.2 for z in PUPILS["A"][3]])}  # hub falls 0.2 SD
    out = quality_metrics(make_cy(campus_rows(2020, PUPILS), campus_rows(2021, later)))
    # hub 0.75 minus members (3·(−0.5) + 5·0.1) / 8 = −0.125  →  0.875; a year later 0.55 + 0.125 = 0.675
    assert get(out, "group", "g1", "hub_member_gap", 2020) == pytest.approx(0.875)
    assert get(out, "group", "g1", "hub_member_gap", 2021) == pytest.approx(0.675)
    assert get(out, "campus", "A", "hub_change", 2020) == pytest.approx(0.0)
    assert get(out, "campus", "A", "hub_change", 2021) == pytest.approx(-0.2)
    hub_rows = out.loc[out["metric"] == "hub_change"]
    assert set(hub_rows["entity"]) == {"A"}  # members and independents have no hub_change
    assert set(out.loc[out["level"] == "group", "entity"]) == {"g1"}  # no row for the "" class


def test_group_without_member_pupils_has_no_gap():
    pupils = {**PUPILS, "B": ("rural", "g2", "hub", PUPILS["B"][3])}  # g2: a hub without members
    out = quality_metrics(make_cy(campus_rows(2020, pupils)))
    assert set(out.loc[out["level"] == "group", "entity"]) == {"g1"}


def test_no_group_rows_without_groups():
    pupils = {k: (loc, "", "independent", z) for k, (loc, _, _, z) in PUPILS.items()}
    out = quality_metrics(make_cy(campus_rows(2020, pupils)))
    assert "group" not in set(out["level"])
    assert "hub_change" not in set(out["metric"])
    assert get(out, "region", "all", "theil_between_group") == 0.0
    assert get(out, "region", "all", "theil_within_group") == pytest.approx(get(out, "region", "all", "theil"))


def test_closed_and_empty_campuses_ignored(out):
    closed = campus_rows(2020, {"E": ("rural", "g1", "member", [-3.0] * 10)}, open_=False)
    empty = {**campus_rows(2020, {"F": ("rural", "g1", "member", [0.0])})[0],
             "enrolment": 0, "mean_achievement": np.nan, "score_xlnx": 0.0}
    with_extra = quality_metrics(make_cy(campus_rows(2020, PUPILS), closed, [empty]))
    pd.testing.assert_frame_equal(with_extra, out)


def test_vectorised_over_many_campuses():
    rng = np.random.default_rng(3)
    pupils = {f"c{i}": (["urban", "town", "rural"][i % 3], f"g{i % 5}" if i % 4 else "",
                        "hub" if i % 4 == 1 and i < 20 else ("member" if i % 4 else "independent"),
                        rng.normal(0, 0.8, rng.integers(5, 40)).tolist()) for i in range(60)}
    cy = make_cy(*(campus_rows(y, pupils) for y in range(2020, 2030)))
    out = quality_metrics(cy)
    allx = scores(*pupils, pupils=pupils)
    for y in (2020, 2029):
        assert get(out, "region", "all", "theil", y) == pytest.approx(theil(allx), abs=1e-10)
    assert (out["level"] == "campus").sum() >= 600
