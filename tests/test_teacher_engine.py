"""Teachers in the engine: every class taught every year, pupils' gains use their own class's
teachers, the pupil-experienced spread read back from the run's tables, exchange-ready posts."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine import Simulation
from sim.metrics.staffing import pupil_value_added
from sim.results import tables
from sim.scenario.loader import load_scenario

from conftest import COUNTY, TINY
from test_engine_invariants import policy_scenario


class ClassCheck:
    """Observer: every class has a main-subject teacher of its own campus; PE/arts teachers spread
    over the classes of campuses that have any; and the pupil-experienced value added per campus."""

    def __init__(self):
        self.years, self.felt = [], {}

    def __call__(self, sim: Simulation) -> None:
        t = sim.state.teachers
        main, pe = sim.class_teachers, sim.class_pe_arts
        class_campus = np.repeat(np.arange(len(sim.ids)), sim.classes.sum(1))
        assert main.n_classes == sim.n_classes == sim.classes.sum()
        assert (main.count() >= 1).all()
        assert (t.campus[main.teacher] == class_campus[main.klass]).all()
        has_pe = np.bincount(t.campus[t.pe_arts], minlength=len(sim.ids)) > 0
        assert ((pe.count() >= 1) == has_pe[class_campus]).all()
        # the value added each pupil gets, straight from the state
        s = sim.state.students
        self.felt[sim.year] = (s.campus.copy(), sim.class_skill[sim.class_key].copy())
        self.years.append(sim.year)


@pytest.fixture(scope="module")
def policy_run(tmp_path_factory):
    scn, _ = policy_scenario(tmp_path_factory.mktemp("teach"))
    check = ClassCheck()
    records = Simulation(scn, seed=5).run(observer=check)
    return scn, check, tables(records, scn.name, 0)


def test_every_class_has_a_teacher_every_year(policy_run):
    scn, check, _ = policy_run
    assert check.years == list(range(1, scn.simulation.years + 1))


def test_pupil_value_added_is_read_back_from_the_tables(policy_run):
    _, check, out = policy_run
    felt = pupil_value_added(out["campus_year"])
    for year, (campus, value) in check.felt.items():
        assert felt.loc[year, "sd"] == pytest.approx(value.std(), rel=1e-9)
        means = np.bincount(campus, weights=value) / np.maximum(np.bincount(campus), 1)
        within = ((value - means[campus]) ** 2).mean() / value.var()
        assert felt.loc[year, "within_share"] == pytest.approx(within, rel=1e-9)
        assert 0 < within < 1


def test_a_teachers_skill_reaches_exactly_the_pupils_of_their_classes():
    """Two copies of a year that differ only in one teacher's skill: pupils of that teacher's classes
    gain the difference divided by their class's number of main-subject teachers, nobody else gains
    anything (peer effects off, so that a better class does not lift the region's mean)."""
    scn = load_scenario(COUNTY, TINY + ["dynamics.learning.peer_effect=0"])
    out = []
    for extra in (0.0, 0.3):
        sim = Simulation(scn, seed=3)
        sim._form_classes()
        sim._staff()
        t = sim.state.teachers
        row = int(np.flatnonzero(~t.pe_arts & (sim.net.campus_locale[t.campus] == 0))[0])
        t.skill[row] += extra
        sim._assign()
        sim._learn(0)
        sim._learn(1)
        out.append((sim.state.students.achievement.astype(float), sim))
    (a, sim), (b, _) = out
    main = sim.class_teachers
    taught = main.klass[main.teacher == row]
    expected = np.zeros(sim.n_classes)
    expected[taught] = 0.3 / main.count()[taught]
    np.testing.assert_allclose(b - a, expected[sim.class_key], atol=1e-5)
    assert len(taught) and (b - a > 0.05).sum() > 10


def test_a_teacher_on_exchange_teaches_at_the_host_and_keeps_the_home_post():
    scn = load_scenario(COUNTY, TINY + ["simulation.years=1"])
    base, moved = Simulation(scn, seed=2), Simulation(scn, seed=2)
    t = moved.state.teachers
    home, host = t.campus[0], int(np.flatnonzero(moved.net.campus_locale == 2)[0])
    t.campus[0], t.exchange_until[0] = host, 3
    seen = {}

    def observe(sim: Simulation) -> None:
        st = sim.state.teachers
        row = int(np.flatnonzero(st.id == 0)[0])
        seen[sim is moved] = (np.bincount(st.owner, minlength=len(sim.ids)), sim.class_teachers.klass[
            sim.class_teachers.teacher == row], np.repeat(np.arange(len(sim.ids)), sim.classes.sum(1)))

    base.run(observe)
    moved.run(observe)
    owned_b, _, _ = seen[False]
    owned_m, classes, class_campus = seen[True]
    assert (owned_m == owned_b).all()  # the home campus hired no replacement, the host no one less
    assert len(classes) and (class_campus[classes] == host).all() and home != host
