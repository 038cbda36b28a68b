"""Careers: skill is a lasting talent plus an experience profile shared by every teacher."""

from __future__ import annotations

import numpy as np
import pytest

from sim.processes.careers import (
    START_AGE, START_AGE_SPREAD, TALENT_DRIFT_SD, after_year, campus_link_mean, experience_effect, skill_of,
    start_experience)
from sim.scenario.dynamics import TeacherDynamics

from teacher_rows import make

PARAMS = TeacherDynamics()


def test_experience_profile_is_steep_early_and_flat_later():
    e = np.arange(0, 41)
    effect = experience_effect(e, PARAMS)
    gains = np.diff(effect)
    assert effect[0] == pytest.approx(-PARAMS.experience_premium)
    assert (gains > 0).all() and (np.diff(gains) < 0).all()  # rising, concave
    # about half of a 30-year career's return comes in the first 5 years (Papay & Kraft 2015)
    assert 0.4 < (effect[5] - effect[0]) / (effect[30] - effect[0]) < 0.6
    assert effect[40] > -0.005


def test_skill_is_talent_plus_profile_for_everyone():
    talent = np.array([0.1, 0.1, -0.2])
    exp = np.array([0, 20, 3])
    np.testing.assert_allclose(skill_of(talent, exp, PARAMS), talent + experience_effect(exp, PARAMS), atol=1e-7)


def test_start_experience_is_consistent_with_age():
    age = np.repeat(np.arange(22, 62), 100)
    u = np.tile(np.linspace(0.001, 0.999, 100), 40)
    exp = start_experience(age, u)
    assert (exp >= 0).all() and (exp <= age - START_AGE).all()
    assert (exp >= age - START_AGE - (START_AGE_SPREAD - 1)).all()
    assert exp.dtype == np.int8


def test_a_year_adds_experience_and_moves_skill_along_the_profile():
    t = make(np.zeros(2000), age=np.repeat([23, 50], 1000), experience=np.repeat([1, 28], 1000), skill=0.0,
             hardship_years=2)
    t.skill[:] = skill_of(t.talent, t.experience, PARAMS)
    hardship = np.array([True])
    out = after_year(t, PARAMS, None, hardship, seed=1, year=2)
    assert (out.experience == t.experience + 1).all() and (out.age == t.age + 1).all()
    assert (out.years_here == 4).all() and (out.title_years == 3).all() and (out.hardship_years == 3).all()
    gain = (out.skill - t.skill).astype(float)
    novice, veteran = gain[:1000].mean(), gain[1000:].mean()
    expected = experience_effect(np.array([2, 29]), PARAMS) - experience_effect(np.array([1, 28]), PARAMS)
    se = TALENT_DRIFT_SD / np.sqrt(1000) * 4
    assert novice == pytest.approx(expected[0], abs=se) and veteran == pytest.approx(expected[1], abs=se)
    assert novice > veteran
    np.testing.assert_allclose(out.skill, skill_of(out.talent, out.experience, PARAMS), atol=1e-6)
    # hardship years count only where the campus taught at is rural or weak
    assert (after_year(t, PARAMS, None, np.array([False]), 1, 2).hardship_years == 2).all()


def test_peer_learning_moves_talent_towards_link_mean():
    t = make(np.zeros(4), skill=[0.0, 0.2, -0.1, 0.1])
    link = np.array([0.3, 0.0, np.nan, 0.1])
    none = np.zeros(1, bool)
    alone = after_year(t, PARAMS, None, none, seed=4, year=1).talent
    linked = after_year(t, PARAMS, link, none, seed=4, year=1).talent
    np.testing.assert_allclose(linked - alone, PARAMS.peer_learning * np.array([0.3, -0.2, 0.0, 0.0]), atol=1e-6)
    assert np.array_equal(alone, after_year(t, PARAMS, None, none, seed=4, year=1).talent)
    assert not np.array_equal(alone, after_year(t, PARAMS, None, none, seed=5, year=1).talent)


def test_campus_link_mean_hand_example():
    t = make([0, 0, 1, 1, 1, 2], skill=[0.1, 0.3, -0.2, 0.0, 0.2, 0.5])
    # campuses 1 and 2 learn from campus 0 (the hub); campus 0 from nobody; campus 3 has no staff
    out = campus_link_mean(t, 4, np.array([-1, 0, 0, 3]))
    np.testing.assert_allclose(out, [np.nan, np.nan, 0.2, 0.2, 0.2, 0.2], atol=1e-7)
    out = campus_link_mean(t, 4, np.array([1, 3, 1, -1]))  # linked to an empty campus -> nan
    np.testing.assert_allclose(out, [0.0, 0.0, np.nan, np.nan, np.nan, 0.0], atol=1e-7)
