"""Initial agent state: counts match the scenario, attributes follow its composition, draws are
keyed to agents and reproducible."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ROOT

from sim.network import compile_network
from sim.scenario import load_scenario
from sim.state import STUDENT_BYTES, Students, initial_state
from sim.summary import start_enrolment


@pytest.fixture(scope="module")
def county():
    scn = load_scenario(ROOT / "scenarios/county_baseline.yaml")
    return scn, compile_network(scn)


def test_students_match_start_enrolment(county):
    scn, net = county
    st = initial_state(scn, net, seed=1)
    enrol = start_enrolment(scn)
    counts = np.zeros_like(enrol)
    np.add.at(counts, (st.students.campus, st.students.grade - 1), 1)
    assert np.array_equal(counts, enrol)
    assert len(np.unique(st.students.id)) == len(st.students)


def test_teachers_match_campus_counts_and_mix(county):
    scn, net = county
    t = initial_state(scn, net, seed=1).teachers
    assert np.array_equal(np.bincount(t.campus, minlength=len(scn.campuses)), [c.teachers for c in scn.campuses])
    young = (t.age < 35).mean()
    assert abs(young - scn.teachers.age_mix.young) < 0.03
    urban = net.campus_locale[t.campus] == 0
    rural = net.campus_locale[t.campus] == 2
    assert t.backbone[urban].mean() > t.backbone[rural].mean()
    assert abs(t.skill.std() - scn.teachers.skill_sd) < 0.03


def test_better_campuses_start_with_higher_achievement(county):
    scn, net = county
    s = initial_state(scn, net, seed=1).students
    quality = np.array([c.quality for c in scn.campuses])
    mean = np.bincount(s.campus, weights=s.achievement) / np.bincount(s.campus)
    assert np.corrcoef(quality, mean)[0, 1] > 0.8


def test_initial_state_is_reproducible_and_seed_dependent(county):
    scn, net = county
    a, b, c = (initial_state(scn, net, seed=s).students for s in (1, 1, 2))
    assert np.array_equal(a.achievement, b.achievement)
    assert not np.array_equal(a.achievement, c.achievement)


def test_student_state_fits_the_memory_budget(county):
    scn, net = county
    s = initial_state(scn, net, seed=1).students
    assert sum(getattr(s, f).itemsize for f in Students.__dataclass_fields__) == STUDENT_BYTES < 64
