"""Distance-tiered allowances, classrooms that bring floor area, and the per-campus sufficient
statistics the metrics read (Σ x ln x of scale scores, SD of teacher skill)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine import Simulation, allowance_of, county_town_km
from sim.scenario import load_scenario
from sim.scenario.models import SetAllowance
from sim.stages import SCALE_MEAN, SCALE_SD

from conftest import COUNTY, TINY, tiny_network

TIERS = {"action": "set_allowance", "year": 1, "yuan_per_month": {"town": 100},
         "tiers": [{"from_km": 0, "yuan_per_month": 300}, {"from_km": 10, "yuan_per_month": 500},
                   {"from_km": 20, "yuan_per_month": 800}]}


def test_allowance_by_locale_and_distance_tier():
    locale = np.array([0, 1, 2, 2, 2, 2])
    km = np.array([0.0, 5.0, 5.0, 10.0, 19.9, 25.0])
    assert allowance_of(SetAllowance(**TIERS), locale, km).tolist() == [0, 100, 300, 500, 500, 800]
    both = SetAllowance(**{**TIERS, "tier_locales": ["town", "rural"]})
    assert allowance_of(both, locale, km).tolist() == [0, 400, 300, 500, 500, 800]
    near = SetAllowance(**{**TIERS, "tiers": [{"from_km": 8, "yuan_per_month": 200}]})
    assert allowance_of(near, locale, km).tolist() == [0, 100, 0, 200, 200, 200]  # closer than the first tier: 0


def test_distance_from_the_county_town():
    net = tiny_network([("primary", "urban", 0, 0), ("primary", "urban", 2, 0), ("primary", "rural", 5, 0),
                        ("junior", "rural", 2, 12)], [("town", 0, 0)])
    assert county_town_km(net).tolist() == pytest.approx([0, 0, 3, 12])
    no_urban = tiny_network([("primary", "town", 0, 0), ("primary", "rural", 0, 7)], [("town", 0, 0)])
    assert county_town_km(no_urban).tolist() == pytest.approx([0, 7])


def test_tiers_must_ascend(run_cli, write):
    path = write("bad.yaml", f"extends: {COUNTY}\npolicies:\n  - action: set_allowance\n    year: 1\n"
                             "    tiers: [{from_km: 10, yuan_per_month: 500}, {from_km: 5, yuan_per_month: 300}]\n")
    result = run_cli("validate", path)
    assert result.exit_code == 2 and "bad.yaml:3" in result.output and "ascending" in result.output


def test_engine_pays_tiers_and_builds_floor_area():
    scn = load_scenario(COUNTY, TINY + [
        "policies=[{action: set_allowance, year: 1, tiers: [{from_km: 0, yuan_per_month: 300}, "
        "{from_km: 10, yuan_per_month: 800}]}, {action: add_classrooms, year: 2, campus: PU01, classrooms: 4}]"])
    sim = Simulation(scn, seed=1)
    cy = sim.run().campus_year
    rural = sim.net.campus_locale == 2
    assert (cy[0]["allowance_yuan"][~rural] == 0).all()
    assert (cy[0]["allowance_yuan"][rural] == np.where(sim.town_km[rural] >= 10, 800, 300)).all()
    pu01 = list(sim.ids).index("PU01")
    per_room = sim.seats_per_room[pu01] * 4.5  # m² the standard asks for the pupils one primary classroom seats
    assert cy[1]["floor_area_m2"][pu01] - cy[0]["floor_area_m2"][pu01] == pytest.approx(4 * per_room)
    assert cy[1]["classrooms_added"][pu01] == 4 and cy[1]["floor_area_added_m2"][pu01] == pytest.approx(4 * per_room)
    assert cy[0]["classrooms_added"].sum() == 0 and cy[2]["classrooms_added"].sum() == 0


def test_recorded_statistics_match_the_agents():
    scn = load_scenario(COUNTY, TINY)
    checked = []

    def observe(sim: Simulation) -> None:
        rec, s, t = sim.records.campus_year[-1], sim.state.students, sim.state.teachers
        x = SCALE_MEAN + SCALE_SD * s.achievement.astype(float)
        n = len(sim.ids)
        assert np.allclose(rec["score_xlnx"], np.bincount(s.campus, weights=x * np.log(x), minlength=n))
        for c in range(n):
            skill = t.skill[t.campus == c].astype(float)
            if skill.size:
                assert rec["sd_teacher_skill"][c] == pytest.approx(skill.std(), abs=1e-9)
        checked.append(sim.year)

    Simulation(scn, seed=4).run(observe)
    assert checked == [1, 2, 3]
