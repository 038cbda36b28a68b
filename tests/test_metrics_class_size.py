"""Class-size and capacity metrics on hand-built campus_year and grade_year tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.metrics.class_size import class_size_metrics, classes_at_least

BANDS = ("share_classes_le45", "share_classes_46_55", "share_classes_56_65", "share_classes_66plus")


def tables(year: int = 2020) -> tuple[pd.DataFrame, pd.DataFrame]:
    """P: urban primary, 112 + 131 pupils in 2 + 2 classes (56, 56 | 66, 65), 243 pupils on 200 seats.
    R: rural nine-year, grade 1 90 in 2 (45, 45), grade 7 101 in 2 (51, 50), 191 pupils on 400 seats.
    X: closed urban campus with one class of 200 (must be ignored)."""
    cy = pd.DataFrame([
        (year, "P", "primary", "urban", True, 243, 200),
        (year, "R", "nine_year", "rural", True, 191, 400),
        (year, "X", "primary", "urban", False, 200, 100),
    ], columns=["year", "campus", "stage", "locale", "open", "enrolment", "capacity"])
    gy = pd.DataFrame([
        (year, "P", 1, 112, 2),
        (year, "P", 2, 131, 2),
        (year, "R", 1, 90, 2),
        (year, "R", 7, 101, 2),
        (year, "R", 8, 0, 0),
        (year, "X", 1, 200, 1),
    ], columns=["year", "campus", "grade", "pupils", "classes"])
    return cy, gy


@pytest.fixture
def out() -> pd.DataFrame:
    return class_size_metrics(*tables())


def get(out: pd.DataFrame, level: str, entity: str, metric: str, year: int = 2020) -> float:
    hit = out.loc[(out["year"] == year) & (out["level"] == level) & (out["entity"] == entity)
                  & (out["metric"] == metric), "value"]
    assert len(hit) == 1, (level, entity, metric, year, len(hit))
    return float(hit.iloc[0])


def test_schema(out):
    assert list(out.columns) == ["year", "level", "entity", "metric", "value"]
    assert out["year"].dtype == np.int64 and out["value"].dtype == np.float64
    assert set(out["level"]) == {"region", "stage", "locale", "stage_locale", "campus"}


def test_even_spread_matches_explicit_class_lists():
    rng = np.random.default_rng(0)
    n, k = rng.integers(0, 400, 500), rng.integers(1, 8, 500)
    for size in (46, 56, 66):
        explicit = [sum(int(c >= size) for c in [ni // ki + 1] * (ni % ki) + [ni // ki] * (ki - ni % ki))
                    for ni, ki in zip(n, k)]
        assert classes_at_least(n, k, size).tolist() == explicit
    assert classes_at_least(np.array([0]), np.array([0]), 1).tolist() == [0]


def test_region_by_hand(out):
    # sizes 56, 56 | 66, 65 | 45, 45 | 51, 50: 8 classes, 434 pupils
    assert get(out, "region", "all", "classes") == 8
    assert get(out, "region", "all", "mean_class_size") == pytest.approx(434 / 8)  # 54.25
    assert get(out, "region", "all", "share_classes_le45") == pytest.approx(2 / 8)  # 45, 45
    assert get(out, "region", "all", "share_classes_46_55") == pytest.approx(2 / 8)  # 51, 50
    assert get(out, "region", "all", "share_classes_56_65") == pytest.approx(3 / 8)  # 56, 56, 65
    assert get(out, "region", "all", "share_classes_66plus") == pytest.approx(1 / 8)  # 66
    assert get(out, "region", "all", "share_classes_56plus") == pytest.approx(4 / 8)
    assert get(out, "region", "all", "classes_56plus") == 4
    assert get(out, "region", "all", "classes_66plus") == 1


def test_band_shares_sum_to_one(out):
    shares = out.loc[out["metric"].isin(BANDS)].groupby(["year", "level", "entity"])["value"].sum()
    assert len(shares) == 1 + 2 + 2 + 3 + 2  # region, stages, locales, stage_locales, campuses
    np.testing.assert_allclose(shares.to_numpy(), 1.0)


def test_nine_year_campus_split_by_grade_stage(out):
    # primary: P's 4 classes + R's grade 1 (45, 45): 6 classes, 333 pupils
    assert get(out, "stage", "primary", "classes") == 6
    assert get(out, "stage", "primary", "mean_class_size") == pytest.approx(333 / 6)  # 55.5
    assert get(out, "stage", "primary", "classes_56plus") == 4
    assert get(out, "stage", "primary", "share_classes_le45") == pytest.approx(2 / 6)
    # junior: R's grade 7 (51, 50) only
    assert get(out, "stage", "junior", "classes") == 2
    assert get(out, "stage", "junior", "mean_class_size") == pytest.approx(50.5)
    assert get(out, "stage", "junior", "share_classes_46_55") == 1.0
    assert get(out, "stage", "junior", "classes_56plus") == 0
    assert "nine_year" not in set(out["entity"])


def test_locale_and_stage_locale(out):
    assert get(out, "locale", "urban", "classes") == 4
    assert get(out, "locale", "urban", "mean_class_size") == pytest.approx(243 / 4)  # 60.75
    assert get(out, "locale", "rural", "mean_class_size") == pytest.approx(191 / 4)  # 47.75
    assert set(out.loc[out["level"] == "stage_locale", "entity"]) == {"primary/urban", "primary/rural",
                                                                      "junior/rural"}
    assert get(out, "stage_locale", "primary/urban", "share_classes_56plus") == 1.0
    assert get(out, "stage_locale", "primary/rural", "mean_class_size") == 45.0
    assert get(out, "stage_locale", "junior/rural", "classes") == 2


def test_campus_rows(out):
    assert get(out, "campus", "P", "classes_56plus") == 4
    assert get(out, "campus", "P", "classes_66plus") == 1
    assert get(out, "campus", "R", "classes") == 4
    assert get(out, "campus", "R", "classes_56plus") == 0
    assert get(out, "campus", "R", "share_classes_46_55") == pytest.approx(0.5)


def test_capacity(out):
    assert get(out, "region", "all", "campuses_over_capacity") == 1  # P (X is closed)
    assert get(out, "region", "all", "utilisation") == pytest.approx(434 / 600)
    assert get(out, "locale", "urban", "campuses_over_capacity") == 1
    assert get(out, "locale", "urban", "utilisation") == pytest.approx(243 / 200)
    assert get(out, "locale", "rural", "campuses_over_capacity") == 0
    assert get(out, "locale", "rural", "utilisation") == pytest.approx(191 / 400)  # 农村空
    assert get(out, "campus", "P", "utilisation") == pytest.approx(1.215)
    assert get(out, "campus", "R", "utilisation") == pytest.approx(0.4775)
    assert not out.loc[out["level"] == "campus", "metric"].isin(["campuses_over_capacity"]).any()


def test_closed_campus_ignored(out):
    assert "X" not in set(out["entity"])
    cy, gy = tables()
    gy = gy.loc[gy["campus"] != "X"]
    cy = cy.loc[cy["campus"] != "X"]
    pd.testing.assert_frame_equal(class_size_metrics(cy, gy), out)


def test_years_kept_apart(out):
    cy0, gy0 = tables(2020)
    cy1, gy1 = tables(2021)
    gy1 = gy1.assign(classes=gy1["classes"] * 2)
    both = class_size_metrics(pd.concat([cy0, cy1]), pd.concat([gy0, gy1]))
    assert get(both, "region", "all", "classes", 2020) == 8
    assert get(both, "region", "all", "classes", 2021) == 16
    assert get(both, "region", "all", "classes_56plus", 2021) == 0
    pd.testing.assert_frame_equal(both.loc[both["year"] == 2020].reset_index(drop=True), out)
