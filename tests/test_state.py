"""Initial agent state: counts match the scenario, attributes follow its composition, draws are
keyed to agents and reproducible."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ROOT

from sim.network import compile_network
from sim.scenario import load_scenario
from sim.state import STUDENT_BYTES, Students, initial_state, start_enrolment


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
    assert abs(t.talent.std() - scn.teachers.skill_sd) < 0.03
    # skill adds the experience profile: experienced teachers are better on average
    assert np.corrcoef(t.skill, t.experience)[0, 1] > 0.03 and abs(np.corrcoef(t.talent, t.experience)[0, 1]) < 0.05


def test_start_is_what_the_learning_rule_produces(county):
    """Pupils start with the school years their grade has had: grade 1 none (achievement is the
    entry baseline), then a school-made part that spreads with every grade and follows the campus."""
    from sim.engine import Simulation

    scn, _ = county
    sim = Simulation(scn, seed=1, years=1)
    s = sim.state.students
    made = s.achievement - s.base
    assert np.array_equal(s.achievement[s.grade == 1], s.base[s.grade == 1])
    spread = [made[s.grade == g].std() for g in range(2, 10)]
    assert all(b > a for a, b in zip(spread, spread[1:4]))  # grows over the primary years
    quality = np.array([c.quality for c in sim.scn.campuses])
    old = s.grade >= 4
    mean = np.bincount(s.campus[old], weights=made[old], minlength=len(quality)) / np.maximum(
        np.bincount(s.campus[old], minlength=len(quality)), 1)
    taught = np.bincount(s.campus[old], minlength=len(quality)) > 30
    assert np.corrcoef(quality[taught], mean[taught])[0, 1] > 0.5


def test_initial_state_is_reproducible_and_seed_dependent(county):
    scn, net = county
    a, b, c = (initial_state(scn, net, seed=s).students for s in (1, 1, 2))
    assert np.array_equal(a.achievement, b.achievement)
    assert not np.array_equal(a.achievement, c.achievement)


def test_student_state_fits_the_memory_budget(county):
    scn, net = county
    s = initial_state(scn, net, seed=1).students
    assert sum(getattr(s, f).itemsize for f in Students.__dataclass_fields__) == STUDENT_BYTES < 64
