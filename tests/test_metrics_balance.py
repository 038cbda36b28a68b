"""The balance yardstick (教督〔2017〕6号) against hand-computed values on small hand-built tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.metrics.balance import INDICATORS, balance_metrics

KEYS = [ind.key for ind in INDICATORS]
# resources per pupil comfortably above every standard of both stages (teachers, multimedia per pupil)
AMPLE = {"teachers_qualified": 0.06, "teachers_backbone": 0.02, "teachers_pe_arts": 0.015, "floor_area_m2": 7.0,
         "sports_area_m2": 12.0, "equipment_value_yuan": 3000.0, "multimedia_classrooms": 0.03}


def campus(cid: str, stage: str, primary: int = 0, junior: int = 0, year: int = 2024, open: bool = True,
           **resources: float) -> dict:
    """One campus_year row; resources not given are AMPLE × pupils."""
    row = {"year": year, "campus": cid, "stage": stage, "locale": "town", "open": open,
           "pupils_primary": primary, "pupils_junior": junior}
    row.update({k: v * (primary + junior) for k, v in AMPLE.items()})
    row.update(resources)
    return row


def table(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def get(out: pd.DataFrame, level: str, entity: str, metric: str, year: int = 2024) -> float:
    hit = out[(out.year == year) & (out.level == level) & (out.entity == entity) & (out.metric == metric)]
    assert len(hit) == 1, (level, entity, metric, year, len(hit))
    return float(hit["value"].iloc[0])


def three_primaries(year: int = 2024, pupils_c: int = 600) -> list[dict]:
    """Pupils 100, 300, 600 with floor areas 600, 1200, 1800 m²: 6, 4 and 3 m² per pupil."""
    return [campus("A", "primary", 100, year=year, floor_area_m2=600.0),
            campus("B", "primary", 300, year=year, floor_area_m2=1200.0),
            campus("C", "primary", pupils_c, year=year, floor_area_m2=1800.0)]


# 1. the enrolment-weighted 差异系数
def test_weighted_cv_worked_example():
    """X = 6, 4, 3 m² with P = 100, 300, 600 (ΣP = 1000):

    X̄  = (100·6 + 300·4 + 600·3) / 1000 = (600 + 1200 + 1800) / 1000 = 3.6   (= 3600 m² / 1000 pupils)
    S² = (100·(6−3.6)² + 300·(4−3.6)² + 600·(3−3.6)²) / 1000
       = (100·5.76 + 300·0.16 + 600·0.36) / 1000 = (576 + 48 + 216) / 1000 = 0.84
    CV = √0.84 / 3.6 = 0.916515… / 3.6 = 0.254587…
    The unweighted CV of (6, 4, 3) is 1.2472… / 4.3333… = 0.2878…, a different (wrong) number.
    """
    out = balance_metrics(table(*three_primaries()))
    cv = get(out, "stage", "primary", "cv_floor_area")
    assert abs(cv - math.sqrt(0.84) / 3.6) < 1e-12
    x = np.array([6.0, 4.0, 3.0])
    for ddof in (0, 1):
        assert abs(cv - x.std(ddof=ddof) / x.mean()) > 0.02
    # the other resources are AMPLE × pupils: every school has the same value, CV 0
    assert get(out, "stage", "primary", "cv_sports_area") == pytest.approx(0.0, abs=1e-12)
    assert get(out, "stage", "primary", "cv_mean") == pytest.approx(cv / 7, abs=1e-12)
    assert get(out, "stage", "primary", "balance_schools") == 3.0
    assert [get(out, "campus_stage", f"{c}/primary", "ind_floor_area") for c in "ABC"] == pytest.approx([6, 4, 3])


# 2. nine-year schools split 1 : 1.1
def test_nine_year_split():
    """P = 400 primary, J = 200 junior pupils: weights 400 : 1.1·200 = 400 : 220, total 620.

    floor 3100 m²        → primary 3100·400/620 = 2000 m² / 400 = 5.0;  junior 3100·220/620 = 1100 m² / 200 = 5.5
    31 qualified teachers → primary 20 / 400 ·100 = 5.0;                junior 11 / 200 ·100 = 5.5
    equipment 1 240 000  → primary 800 000 / 400 = 2000;               junior 440 000 / 200 = 2200
    Every junior value is 1.1 × the primary one, and the two parts together hold the whole resource.
    """
    res = {"teachers_qualified": 31, "teachers_backbone": 62, "teachers_pe_arts": 6.2, "floor_area_m2": 3100.0,
           "sports_area_m2": 6200.0, "equipment_value_yuan": 1_240_000.0, "multimedia_classrooms": 31}
    out = balance_metrics(table(campus("N", "nine_year", 400, 200, **res)))
    primary = {k: get(out, "campus_stage", "N/primary", f"ind_{k}") for k in KEYS}
    junior = {k: get(out, "campus_stage", "N/junior", f"ind_{k}") for k in KEYS}
    assert primary == pytest.approx({"teachers_qualified": 5.0, "teachers_backbone": 10.0, "teachers_pe_arts": 1.0,
                                     "floor_area": 5.0, "sports_area": 10.0, "equipment_value": 2000.0,
                                     "multimedia_classrooms": 5.0}, rel=1e-12)
    assert junior == pytest.approx({k: 1.1 * v for k, v in primary.items()}, rel=1e-12)
    assert 400 * primary["floor_area"] + 200 * junior["floor_area"] == pytest.approx(3100.0, rel=1e-12)
    assert get(out, "stage", "primary", "balance_schools") == 1.0
    assert get(out, "stage", "junior", "balance_schools") == 1.0


def test_nine_year_without_junior_pupils_keeps_everything_in_primary():
    out = balance_metrics(table(campus("N", "nine_year", 400, 0, floor_area_m2=2000.0)))
    assert get(out, "campus_stage", "N/primary", "ind_floor_area") == pytest.approx(5.0, rel=1e-12)
    assert not (out.entity == "N/junior").any() and not (out.entity == "junior").any()


# 3. 教学点 under 50 pupils, empty parts and closed campuses
def test_small_parts_excluded_from_stage_closed_campuses_ignored():
    rows = [*three_primaries(),
            campus("D", "primary", 40, floor_area_m2=1000.0),                 # 教学点: 25 m² per pupil
            campus("E", "primary", 500, open=False, floor_area_m2=100.0),     # closed
            campus("F", "junior", 0),                                          # no pupils: no part
            campus("N", "nine_year", 300, 30, floor_area_m2=1000.0)]          # junior part 30 < 50
    out = balance_metrics(table(*rows))
    # N/primary (300 pupils) is counted: 1000·300/333 m² / 300 pupils = 1000/333 per pupil
    n_primary = 1000.0 / 333.0
    p = np.array([100, 300, 600, 300])
    x = np.array([6.0, 4.0, 3.0, n_primary])
    mean = (p * x).sum() / p.sum()
    expected = math.sqrt((p * (x - mean) ** 2).sum() / p.sum()) / mean
    assert get(out, "stage", "primary", "cv_floor_area") == pytest.approx(expected, rel=1e-12)
    assert get(out, "stage", "primary", "balance_schools") == 4.0
    assert get(out, "campus_stage", "D/primary", "ind_floor_area") == pytest.approx(25.0)
    assert get(out, "campus_stage", "N/junior", "ind_floor_area") == pytest.approx(1000.0 * 33 / 333 / 30)
    assert not out.entity.str.startswith(("E/", "F/")).any()
    assert set(out.loc[out.level == "stage", "entity"]) == {"primary"}  # the only junior part is a 教学点


# 4. pass flags at 0.50 (primary) and 0.45 (junior)
def two_schools(stage: str, floor_a: float, floor_b: float, **res: float) -> pd.DataFrame:
    """Two schools of 100 pupils: CV = |a − b| / (a + b) (X̄ = (a+b)/2, S = |a−b|/2)."""
    pupils = (100, 0) if stage == "primary" else (0, 100)
    return table(*(campus(c, stage, *pupils, floor_area_m2=f, **res) for c, f in (("A", floor_a), ("B", floor_b))))


def test_cv_thresholds_by_stage():
    between = 9 / 19  # floors 1400 and 500 m²: |14 − 5| / (14 + 5) = 0.4737, between 0.45 and 0.50
    for stage, passes in (("primary", 1.0), ("junior", 0.0)):
        out = balance_metrics(two_schools(stage, 1400.0, 500.0))
        assert get(out, "stage", stage, "cv_floor_area") == pytest.approx(between, rel=1e-12)
        assert get(out, "stage", stage, "cv_pass_floor_area") == passes
        assert get(out, "stage", stage, "cv_pass_sports_area") == 1.0
        assert get(out, "stage", stage, "cv_pass_all") == passes
    # exactly at the threshold passes: 3 vs 1 → 2/4 = 0.50; 29 vs 11 → 18/40 = 0.45
    assert get(balance_metrics(two_schools("primary", 300.0, 100.0)), "stage", "primary", "cv_pass_floor_area") == 1.0
    assert get(balance_metrics(two_schools("junior", 2900.0, 1100.0)), "stage", "junior", "cv_pass_floor_area") == 1.0
    assert get(balance_metrics(two_schools("junior", 3000.0, 1000.0)), "stage", "junior", "cv_pass_floor_area") == 0.0


def test_cv_undefined_when_no_school_has_the_resource():
    out = balance_metrics(two_schools("primary", 700.0, 700.0, teachers_backbone=0))
    present = set(out.loc[out["level"] == "stage", "metric"])
    # an undefined coefficient (mean 0) has no row, nor its pass flag, the mean of the seven or pass_all
    assert {"cv_teachers_backbone", "cv_pass_teachers_backbone", "cv_mean", "cv_pass_all"}.isdisjoint(present)
    assert "cv_floor_area" in present
    out = balance_metrics(two_schools("primary", 1600.0, 400.0, teachers_backbone=0))  # CV 0.6
    assert get(out, "stage", "primary", "cv_pass_all") == 0.0  # one fails outright


# 5. the per-school standard: ≥ 6 of 7 at standard, the rest ≥ 85 %
AT_STANDARD = {  # 1000 pupils exactly at every standard
    "primary": {"teachers_qualified": 42, "teachers_backbone": 10, "teachers_pe_arts": 9, "floor_area_m2": 4500.0,
                "sports_area_m2": 7500.0, "equipment_value_yuan": 2_000_000.0, "multimedia_classrooms": 23},
    "junior": {"teachers_qualified": 53, "teachers_backbone": 10, "teachers_pe_arts": 9, "floor_area_m2": 5800.0,
               "sports_area_m2": 10200.0, "equipment_value_yuan": 2_500_000.0, "multimedia_classrooms": 24},
}


def test_school_standard_rule():
    std = AT_STANDARD["primary"]
    rows = [campus("S7", "primary", 1000, **std),
            campus("S90", "primary", 1000, **{**std, "sports_area_m2": 0.90 * 7500}),
            campus("S85", "primary", 1000, **{**std, "sports_area_m2": 0.85 * 7500}),
            campus("S80", "primary", 1000, **{**std, "sports_area_m2": 0.80 * 7500}),
            campus("S5", "primary", 1000, **{**std, "floor_area_m2": 0.9 * 4500, "equipment_value_yuan": 1_900_000.0}),
            campus("J7", "junior", 0, 1000, **AT_STANDARD["junior"]),
            campus("J6", "junior", 0, 1000, **{**AT_STANDARD["junior"], "teachers_qualified": 52})]
    out = balance_metrics(table(*rows))
    expect = {"S7": (7, 1), "S90": (6, 1), "S85": (6, 1), "S80": (6, 0), "S5": (5, 0)}
    for c, (met, meets) in expect.items():
        assert get(out, "campus_stage", f"{c}/primary", "standards_met") == met, c
        assert get(out, "campus_stage", f"{c}/primary", "meets_school_standard") == meets, c
    assert get(out, "campus_stage", "J7/junior", "standards_met") == 7
    assert get(out, "campus_stage", "J6/junior", "standards_met") == 6  # 5.2 < 5.3 per 100, 98 % of it
    assert get(out, "campus_stage", "J6/junior", "meets_school_standard") == 1
    assert get(out, "stage", "primary", "share_schools_meeting_standard") == pytest.approx(3 / 5)
    assert get(out, "stage", "junior", "share_schools_meeting_standard") == 1.0


# 6. crowding lowers per-pupil values
def test_crowding_halves_per_pupil_values_and_moves_the_cv():
    """C doubles to 1200 pupils on the same 1800 m²: 1.5 m² per pupil. Now P = 100, 300, 1200 (ΣP = 1600):

    X̄ = (600 + 1200 + 1800) / 1600 = 2.25
    S² = (100·3.75² + 300·1.75² + 1200·0.75²) / 1600 = (1406.25 + 918.75 + 675) / 1600 = 1.875
    CV = √1.875 / 2.25 = 0.6086…  (was 0.2546: now fails the 0.50 line)
    """
    base = balance_metrics(table(*three_primaries()))
    crowded_rows = three_primaries()
    crowded_rows[2]["pupils_primary"] = 1200  # resources unchanged
    crowded = balance_metrics(table(*crowded_rows))
    for k in KEYS:
        before = get(base, "campus_stage", "C/primary", f"ind_{k}")
        assert get(crowded, "campus_stage", "C/primary", f"ind_{k}") == pytest.approx(before / 2, rel=1e-12)
    assert get(crowded, "stage", "primary", "cv_floor_area") == pytest.approx(math.sqrt(1.875) / 2.25, rel=1e-12)
    assert get(base, "stage", "primary", "cv_pass_floor_area") == 1.0
    assert get(crowded, "stage", "primary", "cv_pass_floor_area") == 0.0
    assert get(crowded, "stage", "primary", "cv_sports_area") > 0.1  # other indicators diverge too


# 7. output shape
def test_columns_dtypes_metric_sets_and_years_independent():
    y1 = three_primaries(2024) + [campus("NT01", "junior", 0, 400, year=2024)]
    y2 = three_primaries(2025, pupils_c=1200)  # no junior school in 2025
    cy = table(*y1, *y2).assign(scenario="s", replicate=0, enrolment=0)  # extra columns are ignored
    out = balance_metrics(cy)
    assert list(out.columns) == ["year", "level", "entity", "metric", "value"]
    assert out["year"].dtype == np.int64 and out["value"].dtype == np.float64
    for c in ("level", "entity", "metric"):
        assert pd.api.types.is_string_dtype(out[c]) and all(isinstance(v, str) for v in out[c])
    assert set(out.level) == {"stage", "campus_stage"}
    stage_metrics = {f"cv_{k}" for k in KEYS} | {f"cv_pass_{k}" for k in KEYS} | {
        "cv_mean", "cv_pass_all", "balance_schools", "share_schools_meeting_standard"}
    part_metrics = {f"ind_{k}" for k in KEYS} | {"standards_met", "meets_school_standard"}
    for (year, level, entity), grp in out.groupby(["year", "level", "entity"]):
        assert set(grp.metric) == (stage_metrics if level == "stage" else part_metrics)
        assert len(grp) == len(set(grp.metric))
    assert set(out.loc[(out.year == 2024) & (out.level == "stage"), "entity"]) == {"primary", "junior"}
    assert set(out.loc[(out.year == 2025) & (out.level == "stage"), "entity"]) == {"primary"}
    assert "NT01/junior" in set(out.entity)
    for year, rows in ((2024, y1), (2025, y2)):
        alone = balance_metrics(table(*rows))
        both = out[out.year == year].reset_index(drop=True)
        pd.testing.assert_frame_equal(both, alone)
    assert get(out, "stage", "primary", "cv_floor_area", 2024) == pytest.approx(math.sqrt(0.84) / 3.6, rel=1e-12)
    assert get(out, "stage", "primary", "cv_floor_area", 2025) == pytest.approx(math.sqrt(1.875) / 2.25, rel=1e-12)


def test_empty_input_and_duplicate_rows():
    empty = balance_metrics(table(*three_primaries()).iloc[:0])
    assert list(empty.columns) == ["year", "level", "entity", "metric", "value"] and empty.empty
    assert empty["year"].dtype == np.int64 and empty["value"].dtype == np.float64
    with pytest.raises(ValueError):
        balance_metrics(table(*three_primaries(), *three_primaries()))


def test_indicator_table_matches_the_official_standards():
    assert KEYS == ["teachers_qualified", "teachers_backbone", "teachers_pe_arts", "floor_area", "sports_area",
                    "equipment_value", "multimedia_classrooms"]
    std = {ind.key: (ind.standard["primary"], ind.standard["junior"]) for ind in INDICATORS}
    assert std == {"teachers_qualified": (4.2, 5.3), "teachers_backbone": (1.0, 1.0), "teachers_pe_arts": (0.9, 0.9),
                   "floor_area": (4.5, 5.8), "sports_area": (7.5, 10.2), "equipment_value": (2000.0, 2500.0),
                   "multimedia_classrooms": (2.3, 2.4)}
