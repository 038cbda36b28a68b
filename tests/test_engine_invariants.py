"""Engine invariants, checked every simulated year: conservation of pupils and teachers, one campus
and one class per pupil, a teacher for every class, classrooms and seats respected except recorded
overflow at zoned campuses.  Run on the county baseline with every kind of policy (open, close, add
classrooms, allowance) so that the policy paths are checked too, and on every shipped scenario."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.engine import Simulation
from sim.results import replicate_seed, tables
from sim.scenario.loader import load_scenario
from sim.state import OVERFLOW

from conftest import ROOT, SCENARIOS

YEARS = 6


def policy_scenario(tmp_path):
    """County baseline, flat births (crowding persists), and one policy of each kind."""
    base = load_scenario(ROOT / "scenarios" / "county_baseline.yaml")
    town = next(c for c in base.campuses if c.locale == "town" and c.stage == "primary")
    rural = [c for c in base.campuses if c.locale == "rural" and c.stage == "primary"][-1]
    urban = next(c for c in base.campuses if c.locale == "urban")
    path = tmp_path / "policies.yaml"
    path.write_text(f"""\
extends: {ROOT / "scenarios" / "county_baseline.yaml"}
name: county_policies
simulation: {{years: {YEARS}}}
demography: {{births: {{2010: 1.0}}}}
policies:
  - {{action: add_classrooms, year: 2, campus: {urban.id}, classrooms: 4}}
  - {{action: set_allowance, year: 2, yuan_per_month: {{urban: 0, town: 300, rural: 1000}}}}
  - action: open_campus
    year: 3
    campus: {{id: PTNEW, stage: primary, locale: town, x_km: {town.x_km + 0.8}, y_km: {town.y_km},
             classrooms: 24, pupils: 0, teachers: 0}}
  - {{action: close_campus, year: 4, campus: {rural.id}}}
""", encoding="utf-8")
    return load_scenario(path), rural.id


class Checker:
    """Observer asserting the invariants after each recorded year."""

    def __init__(self, opened=()):
        self.years = 0
        self.previous_pupils = None
        self.opened = list(opened)

    def __call__(self, sim: Simulation) -> None:
        st, s, t = sim.state, sim.state.students, sim.state.teachers
        n = len(sim.ids)
        # each pupil on exactly one open campus teaching its grade, and in one of its grade's classes
        assert len(np.unique(s.id)) == len(s)
        assert (s.campus >= 0).all() and st.open[s.campus].all()
        assert sim.net.campus_teaches[s.campus, (s.grade >= 7).astype(int)].all()
        classes = sim.classes[s.campus, s.grade - 1]
        assert ((s.klass >= 0) & (s.klass < classes)).all()
        key = (s.campus.astype(np.int64) * 9 + s.grade - 1) * 10_000 + s.klass
        assert len(np.unique(key)) == sim.classes.sum()  # no empty class, none missing
        # pupils: previous − graduates + entrants (moves within the region change no total)
        if self.previous_pupils is not None:
            assert len(s) == self.previous_pupils - sim.graduates + sim.entrants
        self.previous_pupils = len(s)
        # every class has a teacher; closed campuses have no pupils and no classes
        teachers = np.bincount(t.campus, minlength=n)
        assert (teachers >= sim.classes.sum(1)).all()
        assert sim.classes[~st.open].sum() == 0
        # classrooms: a campus opens more classes than rooms only to give each occupied grade one
        enrol = sim._enrolment()
        assert np.array_equal(sim.records.campus_year[-1]["enrolment"], enrol.sum(1))  # the record counts the state
        occupied = (enrol > 0).sum(1)
        assert (sim.classes.sum(1) <= np.maximum(st.classrooms, occupied)).all()
        # seats: no campus holds more pupils in a grade than its seats per grade, except pupils flagged
        # as overflow, who were admitted at their zoned campus (就近入学) beyond its seats
        flagged = np.zeros((n, 9), np.int64)
        over = (s.flags & OVERFLOW) != 0
        np.add.at(flagged, (s.campus[over], s.grade[over] - 1), 1)
        seats = sim._grade_capacity()[:, None] * sim.net.campus_teaches.repeat([6, 3], axis=1)
        assert (enrol <= seats + flagged).all()
        # a campus opened by policy never holds more pupils than its seats
        opened = np.isin(np.arange(n), self.opened)
        assert (enrol[opened].sum(1) <= sim._capacity()[opened]).all()
        self.years += 1


@pytest.fixture(scope="module")
def policy_run(tmp_path_factory):
    scn, closed = policy_scenario(tmp_path_factory.mktemp("inv"))
    sim = Simulation(scn, seed=11)
    checker = Checker([list(sim.ids).index("PTNEW")])
    records = sim.run(observer=checker)
    return scn, closed, checker, tables(records, scn.name, 0), sim


def test_invariants_hold_every_year(policy_run):
    _, _, checker, _, _ = policy_run
    assert checker.years == YEARS


def test_teachers_are_previous_minus_exits_plus_hires(policy_run):
    _, _, _, out, _ = policy_run
    cy, flows = out["campus_year"], out["flows"]
    teachers = cy.groupby("year").teachers.sum()
    t = flows[flows.kind == "teacher"].groupby(["year", "flow"])["count"].sum().unstack(fill_value=0)
    for y in range(2, YEARS + 1):
        exits = t.loc[y - 1, "retirement"] + t.loc[y - 1, "attrition"]
        assert teachers[y] == teachers[y - 1] - exits + t.loc[y, "hire"]


def test_pupils_match_flows(policy_run):
    _, _, _, out, _ = policy_run
    cy, flows = out["campus_year"], out["flows"]
    pupils = cy.groupby("year").enrolment.sum()
    f = flows[flows.kind == "student"].groupby(["year", "flow"])["count"].sum().unstack(fill_value=0)
    for y in range(2, YEARS + 1):
        assert pupils[y] == pupils[y - 1] - f.loc[y, "graduation"] + f.loc[y, "entry"]


def test_seats_respected_except_recorded_overflow(policy_run):
    """New pupils of a campus (grade 1, and grade 7 from other campuses) fit its free seats, or are
    counted as overflow."""
    _, _, _, out, sim = policy_run
    cy, flows = out["campus_year"], out["flows"]
    admitted = flows[flows.flow.isin(["entry", "junior_entry"])].groupby(
        ["year", "destination"])["count"].sum().rename_axis(["year", "campus"])
    merged = cy.set_index(["year", "campus"]).join(admitted.rename("admitted")).fillna({"admitted": 0})
    campus = merged.index.get_level_values("campus")
    grades = pd.Series(sim.net.campus_teaches @ np.array([6, 3]), index=sim.ids)[campus].to_numpy()
    entry_grades = pd.Series(sim.net.campus_teaches.sum(1), index=sim.ids)[campus].to_numpy()
    # free seats for new pupils are at most one grade's seats per entry grade (grade 1, grade 7)
    seat_cap = merged.capacity.to_numpy() // np.maximum(grades, 1) * entry_grades
    later = merged.index.get_level_values("year") >= 2
    assert (merged.admitted.to_numpy()[later] <= seat_cap[later] + merged.overflow.to_numpy()[later]).all()
    assert merged.overflow.sum() > 0  # crowded town schools do overflow: the check is not vacuous


def test_closed_campus_is_emptied_and_its_teachers_redeployed(policy_run):
    _, closed, _, out, _ = policy_run
    cy, flows = out["campus_year"], out["flows"]
    after = cy[(cy.campus == closed) & (cy.year >= 4)]
    assert (after.enrolment == 0).all() and (after.teachers == 0).all() and not after.open.any()
    assert cy[(cy.campus == closed) & (cy.year == 3)].enrolment.item() > 0
    moved = flows[(flows.flow == "closure") & (flows.origin == closed)]["count"].sum()
    assert moved == cy[(cy.campus == closed) & (cy.year == 3)].enrolment.item()  # all its pupils move
    assert flows[(flows.flow == "redeployment") & (flows.origin == closed)]["count"].sum() > 0


def test_new_campus_fills_from_its_opening_year(policy_run):
    _, _, _, out, _ = policy_run
    cy = out["campus_year"]
    new = cy[cy.campus == "PTNEW"].set_index("year")
    assert (new.loc[:2, "enrolment"] == 0).all() and not new.loc[:2, "open"].any()
    assert new.loc[3, "enrolment"] > 0 and new.loc[3, "teachers"] >= new.loc[3, "classes"] > 0


def test_allowance_is_recorded_by_locale(policy_run):
    _, _, _, out, _ = policy_run
    cy = out["campus_year"]
    assert (cy[cy.year == 1].allowance_yuan == 0).all()
    later = cy[cy.year >= 2].groupby("locale").allowance_yuan.agg(["min", "max"])
    assert later.loc["rural"].tolist() == [1000, 1000] and later.loc["town"].tolist() == [300, 300]


@pytest.mark.slow
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_invariants_hold_in_every_shipped_scenario(path):
    """Every year of every replicate each shipped scenario asks for, grouped ones included."""
    scn = load_scenario(path)
    for replicate in range(scn.simulation.replicates):
        sim = Simulation(scn, replicate_seed(scn.simulation.seed, replicate))
        opened = [list(sim.ids).index(p.campus.id) for p in scn.policies if p.action == "open_campus"]
        checker = Checker(opened)
        sim.run(observer=checker)
        assert checker.years == scn.simulation.years
