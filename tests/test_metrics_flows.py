"""Migration, teacher and cost metrics against hand-computed values on small fixtures, and on a
real run: flow matrices conserve pupils."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.metrics.cost import cost_metrics
from sim.metrics.migration import migration_metrics
from sim.metrics.staffing import pupil_value_added, teacher_metrics
from sim.scenario.models import Costs

from conftest import COUNTY, TINY


def get(out: pd.DataFrame, level: str, entity: str, metric: str, year: int = 2) -> float:
    hit = out.loc[(out["year"] == year) & (out["level"] == level) & (out["entity"] == entity)
                  & (out["metric"] == metric), "value"]
    assert len(hit) == 1, (level, entity, metric, year, len(hit))
    return float(hit.iloc[0])


def campus_year(year: int = 2) -> pd.DataFrame:
    """Three campuses: U (urban), T (town), R (rural)."""
    return pd.DataFrame({
        "year": year, "campus": ["U", "T", "R"], "locale": ["urban", "town", "rural"], "open": True,
        "outside_catchment": [30, 5, 0], "teachers": [100, 50, 10], "vacancies": [0, 2, 3],
        "mean_teacher_skill": [0.1, 0.0, -0.2], "sd_teacher_skill": [0.1, 0.2, 0.0],
        "allowance_yuan": [0.0, 0.0, 500.0], "classrooms_added": [4, 0, 0], "floor_area_added_m2": [800.0, 0, 0],
        "enrolment": [1000, 500, 100], "teachers_senior": [12, 5, 1], "teachers_backbone": [20, 6, 0],
        "class_skill_mean": [0.1, 0.0, -0.2], "class_skill_sd": [0.1, 0.2, 0.0],
    })


def flow(year, kind, name, origin_locale, destination_locale, count, origin="o", destination="d"):
    return {"year": year, "kind": kind, "flow": name, "origin": origin, "destination": destination, "count": count,
            "origin_locale": origin_locale, "destination_locale": destination_locale}


FLOWS = pd.DataFrame([
    flow(2, "student", "entry", "rural", "urban", 20, "k1", "U"),
    flow(2, "student", "entry", "rural", "rural", 60, "k1", "R"),
    flow(2, "student", "junior_entry", "urban", "urban", 80, "k2", "U"),
    flow(2, "student", "entry", "town", "town", 40, "k3", "T"),
    flow(2, "student", "relocation", "rural", "town", 7, "k1", "k3"),
    flow(2, "student", "backflow", "town", "rural", 2, "k3", "k1"),
    flow(2, "student", "transfer", "urban", "town", 5, "U", "T"),
    flow(2, "child", "relocation", "rural", "urban", 9, "k1", "k2"),
    flow(2, "teacher", "attrition", "rural", "", 2, "R", "out"),
    flow(2, "teacher", "attrition", "urban", "", 3, "U", "out"),
    flow(2, "teacher", "hire", "", "town", 6, "in", "T"),
    flow(2, "teacher", "substitute", "", "rural", 3, "in", "R"),
    flow(2, "teacher", "reallocation", "rural", "town", 2, "R", "T"),
    flow(2, "teacher", "reallocation", "town", "town", 1, "T", "T2"),
    flow(2, "teacher", "town_selection", "rural", "urban", 1, "R", "U"),
    flow(2, "teacher", "exchange", "urban", "rural", 4, "U", "R"),
    flow(2, "teacher", "exchange", "rural", "urban", 1, "R", "U"),
    flow(2, "teacher", "exchange_backbone", "urban", "rural", 2, "U", "R"),
])


def test_migration_by_hand():
    out = migration_metrics(pd.concat([campus_year(1), campus_year(2)]), FLOWS)
    assert get(out, "region", "all", "entrants") == 200  # 20 + 60 + 80 + 40
    assert get(out, "region", "all", "outside_catchment_share") == pytest.approx(35 / 200)
    assert get(out, "campus", "U", "outside_catchment_share") == pytest.approx(30 / 100)  # 20 + 80 admitted at U
    assert get(out, "locale", "town", "outside_catchment_share") == pytest.approx(5 / 40)
    assert get(out, "region", "all", "rural_flight_share") == pytest.approx(20 / 80)
    assert get(out, "locale_pair", "rural→urban", "entry_flow") == 20
    assert get(out, "locale_pair", "urban→rural", "entry_flow") == 0  # the matrix is complete
    assert get(out, "region", "all", "relocations") == 7 and get(out, "region", "all", "backflow") == 2
    assert get(out, "locale_pair", "town→rural", "backflow") == 2
    assert get(out, "region", "all", "transfers") == 5 and get(out, "region", "all", "child_relocations") == 9
    # year 1 had no flows: counts are zero, shares do not exist
    assert get(out, "region", "all", "backflow", year=1) == 0
    assert out[(out.year == 1) & (out.metric == "outside_catchment_share")].empty
    assert get(out, "region", "all", "backflow_cumulative", year=2) == 2


def test_teachers_by_hand():
    out = teacher_metrics(campus_year(), FLOWS)
    assert get(out, "region", "all", "teachers") == 160 and get(out, "region", "all", "vacancies") == 5
    mean = (100 * 0.1 + 50 * 0.0 + 10 * -0.2) / 160
    assert get(out, "region", "all", "teacher_skill_mean") == pytest.approx(mean)
    second = (100 * (0.1 ** 2 + 0.1 ** 2) + 50 * (0.2 ** 2) + 10 * (0.2 ** 2)) / 160  # E[x²] pooled from mean, SD
    assert get(out, "region", "all", "teacher_skill_sd") == pytest.approx(np.sqrt(second - mean ** 2))
    assert get(out, "locale", "rural", "attrition") == 2 and get(out, "locale", "rural", "attrition_rate") == 0.2
    assert get(out, "region", "all", "attrition_rate") == pytest.approx(5 / 160)
    assert get(out, "locale", "town", "hires") == 6 and get(out, "locale", "urban", "hires") == 0
    assert get(out, "region", "all", "exchanges") == 5
    assert get(out, "locale_pair", "urban→rural", "exchanges") == 4
    assert get(out, "region", "all", "exchange_backbone_share") == pytest.approx(2 / 5)
    assert get(out, "locale", "rural", "substitutes") == 3 and get(out, "region", "all", "substitutes") == 3
    assert get(out, "region", "all", "senior_teachers") == 18 and get(out, "locale", "urban", "backbone_teachers") == 20
    assert get(out, "region", "all", "reallocations") == 3 and get(out, "locale_pair", "rural→town", "reallocations") == 2
    assert get(out, "region", "all", "town_selections") == 1
    assert get(out, "locale_pair", "rural→urban", "town_selections") == 1
    assert get(out, "region", "all", "attrition") == 5  # moves within the county are not attrition


def test_pupil_experienced_value_added_by_hand():
    # pupils 1000 / 500 / 100 with campus means 0.1 / 0 / -0.2 and SDs 0.1 / 0.2 / 0 of their classes' value added
    out = pupil_value_added(pd.concat([campus_year(2), campus_year(3).assign(class_skill_sd=0.0)]))
    mean = (100 - 20) / 1600
    total = (1000 * 0.02 + 500 * 0.04 + 100 * 0.04) / 1600 - mean ** 2
    within = (1000 * 0.01 + 500 * 0.04) / 1600
    assert out.loc[2, "sd"] == pytest.approx(np.sqrt(total)) and out.loc[2, "within_share"] == pytest.approx(within / total)
    assert out.loc[3, "within_share"] == 0  # same campus means, no spread inside campuses
    m = teacher_metrics(campus_year(), FLOWS)
    assert get(m, "region", "all", "pupil_teacher_va_sd") == pytest.approx(np.sqrt(total))


def test_no_exchange_means_zero_exchanges_and_no_share():
    out = teacher_metrics(campus_year(), FLOWS[FLOWS["flow"] != "exchange"])
    assert get(out, "region", "all", "exchanges") == 0
    assert "exchange_backbone_share" not in set(out["metric"])


def test_cost_by_hand():
    cy = pd.concat([campus_year(1).assign(classrooms_added=0, floor_area_added_m2=0.0), campus_year(2)])
    costs = Costs(teacher_yuan_per_year=100_000, construction_yuan_per_m2=2_000)
    out = cost_metrics(cy, costs)
    assert get(out, "region", "all", "allowance_cost_yuan") == 500 * 10 * 12
    assert get(out, "locale", "rural", "allowance_cost_yuan") == 60_000
    assert get(out, "region", "all", "construction_cost_yuan") == 800 * 2_000
    year1 = 160 * 100_000 + 60_000
    assert get(out, "region", "all", "cost_yuan", year=1) == year1
    assert get(out, "region", "all", "cumulative_cost_yuan") == 2 * year1 + 1_600_000


@pytest.fixture(scope="module")
def real_run():
    from sim.runner import run
    from sim.scenario import load_scenario
    return run(load_scenario(COUNTY, TINY + ["simulation.years=4"]), seed=11)


def test_flow_matrices_conserve_pupils(real_run):
    """On a real run: the entry matrix sums to the entrants, its columns to each locale's admissions,
    its rows to the admissions of pupils living there; the grade table sums to enrolment."""
    m, flows, cy, gy = real_run["metrics"], real_run["flows"], real_run["campus_year"], real_run["grade_year"]
    entry = flows[flows["flow"].isin(["entry", "junior_entry"])]
    pairs = m[(m["metric"] == "entry_flow")].copy()
    pairs[["o", "d"]] = pairs["entity"].str.split("→", expand=True)
    for year in (2, 3, 4):
        p, e = pairs[pairs["year"] == year], entry[entry["year"] == year]
        assert p["value"].sum() == e["count"].sum() == get(m, "region", "all", "entrants", year) > 0
        admitted = e.groupby("destination")["count"].sum()
        locale_of = cy[cy["year"] == year].set_index("campus")["locale"]
        by_school = admitted.groupby(locale_of.reindex(admitted.index)).sum()
        assert p.groupby("d")["value"].sum().reindex(by_school.index).tolist() == by_school.tolist()
        assert p.groupby("o")["value"].sum().to_dict() == {
            k: float(v) for k, v in e.groupby("origin_locale")["count"].sum().reindex(["rural", "town", "urban"],
                                                                                       fill_value=0).items()}
    sums = gy.groupby(["year", "campus"])["pupils"].sum()
    assert (sums.reindex(pd.MultiIndex.from_frame(cy[["year", "campus"]]), fill_value=0).to_numpy()
            == cy["enrolment"].to_numpy()).all()
    classes = gy.groupby(["year", "campus"])["classes"].sum()
    assert (classes.reindex(pd.MultiIndex.from_frame(cy[["year", "campus"]]), fill_value=0).to_numpy()
            == cy["classes"].to_numpy()).all()
