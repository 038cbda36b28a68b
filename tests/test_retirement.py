"""Statutory retirement on the 2024 schedule, starting ages below it, and no wave of year-1 retirements."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from sim.engine import Simulation
from sim.processes.retirement import birth_year, month_index, reached_by_september, retirement_month
from sim.processes.teachers import retiring
from sim.results import tables
from sim.scenario.loader import load_scenario
from sim.state import initial_state
from sim.network import compile_network

from conftest import COUNTY


def retire_at(year, month, female=False, old_women=55, reform=True) -> tuple[int, int]:
    """(calendar year, month 1–12) of statutory retirement of someone born in year/month."""
    m = int(retirement_month(np.array([year]), np.array([month]), np.array([female]), 60, old_women, reform)[0])
    return m // 12, m % 12 + 1


@pytest.mark.parametrize("born, female, old, expected", [
    # the published examples of the schedule (one month per 4 months of birth from 2025; per 2 for 50)
    ((1964, 12), False, 55, (2024, 12)),   # reached 60 before 2025: unchanged
    ((1965, 1), False, 55, (2025, 2)),     # 60 and 1 month
    ((1965, 4), False, 55, (2025, 5)),     # still 1 month: the first 4 months of birth share it
    ((1965, 5), False, 55, (2025, 7)),     # 2 months
    ((1966, 1), False, 55, (2026, 5)),     # 60 and 4 months
    ((1976, 8), False, 55, (2039, 7)),     # 62 and 11 months
    ((1976, 9), False, 55, (2039, 9)),     # 63: the cap of 36 months
    ((1990, 3), False, 55, (2053, 3)),
    ((1970, 1), True, 55, (2025, 2)),      # women cadres 55 -> 58
    ((1971, 6), True, 55, (2026, 11)),
    ((1981, 9), True, 55, (2039, 9)),      # 58
    ((1975, 1), True, 50, (2025, 2)),      # women workers 50 -> 55, one month per 2 months
    ((1976, 6), True, 50, (2027, 3)),
    ((1984, 12), True, 50, (2039, 12)),    # 55: the cap of 60 months
])
def test_schedule_matches_the_2024_decision(born, female, old, expected):
    assert retire_at(*born, female=female, old_women=old) == expected


def test_switch_keeps_the_old_ages():
    assert retire_at(1976, 9, reform=False) == (2036, 9)
    assert retire_at(1981, 9, female=True, reform=False) == (2036, 9)


def test_birth_year_and_the_september_rule():
    # aged 44 on 1 September 2025: born before September 1981 (Jan–Aug) or in Sep–Dec 1980
    assert birth_year(2025, np.array([44, 44]), np.array([8, 10])).tolist() == [1981, 1980]
    # a retirement month of September bars starting that school year; October does not
    assert reached_by_september(np.array([month_index(2025, 9), month_index(2025, 10)]), 2025).tolist() == [True, False]


@pytest.fixture(scope="module")
def county():
    scn = load_scenario(COUNTY)
    return scn, compile_network(scn)


@pytest.mark.parametrize("reform", [True, False])
def test_no_starting_teacher_is_at_or_past_retirement_age(county, reform):
    scn, net = county
    scn = replace(scn, dynamics=scn.dynamics.model_copy(update={
        "teachers": scn.dynamics.teachers.model_copy(update={"retirement_reform": reform})}))
    t = initial_state(scn, net, seed=3).teachers
    assert not retiring(t, scn.simulation.start_year, scn.dynamics.teachers).any()
    # the age mix is kept: the old band is only cut, not emptied, and women are younger
    assert (t.age >= 50).mean() == pytest.approx(scn.teachers.age_mix.old, abs=0.03)
    assert t.age[t.female].max() < t.age[~t.female].max()
    # experience consistent with age: started at 22 at the earliest
    assert (t.experience <= t.age - 22).all() and (t.years_here <= t.experience).all()


def test_year_one_retirements_are_no_wave():
    """Retirements of year 1 are within twice the mean of the later years (the start used to retire
    every woman aged 55–60 at once), on several seeds."""
    scn = load_scenario(COUNTY, ["simulation.years=8"])
    for seed in (1, 2, 3):
        flows = tables(Simulation(scn, seed).run(), scn.name, 0)["flows"]
        per_year = flows[flows.flow == "retirement"].groupby("year")["count"].sum().reindex(range(1, 9), fill_value=0)
        assert 0 < per_year[1] <= 2 * per_year[2:].mean(), per_year.tolist()
