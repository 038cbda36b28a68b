"""The pupil side of the model holds together (statistical, over 20 seeds with 95 % intervals): a
no-policy county with steady births keeps its gap; entrants start where the starting pupils did;
better teaching raises achievement to a level, not without bound; flight selects on family
background; good village schools bring families back; boarding places take distant pupils."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.engine import Simulation
from sim.network import travel_minutes
from sim.results import tables
from sim.scenario.loader import load_scenario
from sim.state import BOARDING, RELOCATED

from conftest import COUNTY

pytestmark = pytest.mark.slow

SEEDS = range(301, 321)
STEADY = ["demography.births={2010: 1.0}", "dynamics.migration.flight_rate=0", "dynamics.migration.backflow_rate=0",
          "demography.urbanisation_drift_pp=0"]
"""Flat births, no household moves, no policy: the county should hold still."""


def ci95(values) -> tuple[float, float]:
    d = np.asarray(values, dtype=float)
    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    return d.mean() - half, d.mean() + half


def gap_by_grade(run: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Urban+town minus rural mean achievement, by year (rows) and grade (columns)."""
    gy, cy = run["grade_year"], run["campus_year"]
    rural = gy.campus.map(cy.drop_duplicates("campus").set_index("campus").locale) == "rural"
    sums = gy.assign(w=gy.pupils * gy.mean_achievement, rural=rural).groupby(["year", "grade", "rural"])[["w", "pupils"]].sum()
    mean = (sums.w / sums.pupils).unstack("rural")
    return (mean[False] - mean[True]).unstack("grade")


def region_gap(run: dict[str, pd.DataFrame]) -> pd.Series:
    cy = run["campus_year"]
    rural = cy.locale == "rural"
    s = cy.assign(w=cy.enrolment * cy.mean_achievement.fillna(0), rural=rural).groupby(["year", "rural"])[
        ["w", "enrolment"]].sum()
    mean = (s.w / s.enrolment).unstack("rural")
    return mean[False] - mean[True]


@pytest.fixture(scope="module")
def steady_runs():
    scn = load_scenario(COUNTY, STEADY)
    return [tables(Simulation(scn, seed).run(), scn.name, 0) for seed in SEEDS]


def test_no_policy_county_with_steady_births_keeps_its_gap(steady_runs):
    change = [region_gap(run).loc[10] - region_gap(run).loc[1] for run in steady_runs]
    lo, hi = ci95(change)
    assert -0.05 < lo and hi < 0.05, (lo, hi)
    assert region_gap(steady_runs[0]).loc[1] > 0.2  # there is a gap to keep


def test_entrants_start_where_the_starting_pupils_did(steady_runs):
    """The grade-1 gap after the first school year is the same for the pupils present at the start
    (year 1) and for the entrants of the next years."""
    diffs = []
    for run in steady_runs:
        g1 = gap_by_grade(run)[1]
        diffs.append(g1.loc[2:5].mean() - g1.loc[1])
    lo, hi = ci95(diffs)
    assert -0.05 < lo and hi < 0.05, (lo, hi)


def test_better_teachers_raise_achievement_to_a_level():
    """+0.1 SD of value added at one campus (its teachers kept: no exits or moves) lifts its pupils,
    and the lift settles: it stops growing once every grade has had the better teachers, below
    0.1 / (1 − carry_over)."""
    scn = load_scenario(COUNTY, STEADY + ["dynamics.teachers.attrition=0", "dynamics.teachers.retirement_reform=false",
                                          "dynamics.teachers.retirement_age_men=70",
                                          "dynamics.teachers.retirement_age_women=70",
                                          "dynamics.teachers.town_selection_rate=0",
                                          "dynamics.teachers.reallocation_km=0.001"])
    campus = next(i for i, c in enumerate(scn.campuses) if c.locale == "town" and c.stage == "primary")
    cid = scn.campuses[campus].id
    lift = []
    for seed in SEEDS:
        plain = Simulation(scn, seed)
        better = Simulation(scn, seed)
        t = better.state.teachers
        t.talent = np.where(t.campus == campus, t.talent + 0.1, t.talent).astype(np.float32)
        t.skill = np.where(t.campus == campus, t.skill + 0.1, t.skill).astype(np.float32)
        better._assign()
        a, b = (tables(sim.run(), scn.name, 0)["campus_year"] for sim in (better, plain))
        lift.append((a[a.campus == cid].set_index("year").mean_achievement
                     - b[b.campus == cid].set_index("year").mean_achievement).to_numpy())
    lift = np.array(lift)
    assert ci95(lift[:, 0])[0] > 0.05  # a year of better teaching shows at once
    assert ci95(lift[:, 5] - lift[:, 0])[0] > 0  # and builds up while new grades meet it
    lo, hi = ci95(lift[:, 9] - lift[:, 6])  # then it has settled
    assert -0.03 < lo and hi < 0.03, (lo, hi)
    assert ci95(lift[:, 9])[1] < 0.1 / (1 - scn.dynamics.learning.carry_over)


def test_flight_to_town_selects_better_off_families():
    scn = load_scenario(COUNTY)
    diffs = []
    for seed in SEEDS:
        sim = Simulation(scn, seed, years=4)
        before = set(sim.state.students.id[(sim.state.students.flags & RELOCATED) != 0].tolist())
        sim.run()
        s = sim.state.students
        rural_origin = sim.net.cell_locale[s.origin_cell] == 2
        moved = ((s.flags & RELOCATED) != 0) & rural_origin & ~np.isin(s.id, list(before)) & (s.origin_cell != s.cell)
        stayed = (sim.net.cell_locale[s.cell] == 2) & (s.cell == s.origin_cell)
        assert moved.sum() > 50
        diffs.append(s.ses[moved].mean() - s.ses[stayed].mean())
    assert ci95(diffs)[0] > 0.1


def test_village_schools_as_good_as_town_ones_bring_families_back():
    """Holding every village school's reputation level with the town schools' (at the best of them,
    so that no family of rural origin sees its village school as worse than the town one it uses)
    brings back at least 0.5 % of pupils a year."""
    scn = load_scenario(COUNTY)

    def equal_reputation(sim: Simulation) -> None:
        rep, rural = sim.state.reputation, sim.net.campus_locale == 2
        rep[rural] = rep[~rural].max()

    shares = []
    for seed in SEEDS:
        sim = Simulation(scn, seed, years=5)
        equal_reputation(sim)
        out = tables(sim.run(observer=equal_reputation), scn.name, 0)
        back = out["flows"].query("kind == 'student' and flow == 'backflow'").groupby("year")["count"].sum()
        pupils = out["campus_year"].groupby("year").enrolment.sum()
        shares.append((back / pupils.shift(1)).loc[2:].mean())
    assert ci95(shares)[0] >= 0.005


def test_rural_junior_beds_take_distant_pupils():
    scn = load_scenario(COUNTY)
    limit = scn.dynamics.choice.boarding_minutes
    boarders_at_rural_juniors = []
    for seed in list(SEEDS)[:5]:
        sim = Simulation(scn, seed, years=3)
        seen = []

        def check(sim: Simulation) -> None:
            s, net = sim.state.students, sim.net
            board = (s.flags & BOARDING) != 0
            km = np.hypot(net.cell_x_km[s.cell[board]] - net.campus_x_km[s.campus[board]],
                          net.cell_y_km[s.cell[board]] - net.campus_y_km[s.campus[board]])
            assert (travel_minutes(km, net.campus_locale[s.campus[board]], sim.scn.travel) > limit).all()
            assert (np.bincount(s.campus[board], minlength=len(sim.ids)) <= sim.beds).all()
            rural_junior = (net.campus_locale == 2) & net.campus_teaches[:, 1]
            seen.append(rural_junior[s.campus[board]].sum())

        sim.run(observer=check)
        boarders_at_rural_juniors.append(np.mean(seen))
    assert min(boarders_at_rural_juniors) > 0
