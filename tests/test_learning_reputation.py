"""Learning gains, fading and burn-in, and reputation updates, against hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest

from sim.processes.learning import burn_in, expected_gain, learn_half
from sim.processes.reputation import measured_quality, update_reputation
from sim.scenario.dynamics import Learning


def test_gain_terms_by_hand():
    # class 0: 3 pupils of grade 2 (standard 2 -> 1 above); class 1: 1 pupil of grade 3 at standard
    params = Learning(class_size_effect=0.01, peer_effect=0.2, carry_over=0.5, facilities_effect=0.02, noise_sd=0.0)
    ach = np.array([0.0, 0.3, 0.6, -0.5])
    grade = np.array([2, 2, 3, 3])
    gain = expected_gain(ach, grade, teaching=np.array([0.1, 0.1, 0.1, -0.05]), class_key=np.array([0, 0, 1, 1]),
                         n_classes=2, class_standard=np.array([1, 2]), campus=np.array([0, 0, 1, 1]),
                         campus_resources=np.array([1.2, 0.5]), params=params)
    peer = 0.2 * (1 - 0.5)
    # class means 0.15 and 0.05; grade means 0.15 (grade 2) and 0.05 (grade 3): peers add nothing here
    assert gain == pytest.approx([0.1 - 0.01, 0.1 - 0.01, 0.1 + 0.02 * (0.5 - 1), -0.05 + 0.02 * (0.5 - 1)])
    # a class above its grade's mean gains the peer term
    gain = expected_gain(np.array([1.0, 1.0, -1.0, -1.0]), np.full(4, 4), np.zeros(4), np.array([0, 0, 1, 1]), 2,
                         np.array([10, 10]), np.zeros(4, int), np.ones(1), params)
    assert gain == pytest.approx([peer, peer, -peer, -peer])


def test_class_size_penalty_is_capped():
    params = Learning(class_size_effect=0.01, class_size_cap=5, peer_effect=0.0, facilities_effect=0.0)
    sizes = [10, 14, 40]  # 0, 4 and 30 pupils above a standard of 10
    key = np.repeat(np.arange(3), sizes)
    gain = expected_gain(np.zeros(key.size), np.ones(key.size, int), np.zeros(key.size), key, 3, np.full(3, 10),
                         np.zeros(key.size, int), np.ones(1), params)
    assert [gain[key == k][0] for k in range(3)] == pytest.approx([0.0, -0.04, -0.05])


def test_a_constant_advantage_settles_at_advantage_over_one_minus_carry_over():
    params = Learning(carry_over=0.6, noise_sd=0.0)
    base = np.array([0.2, -0.1])
    a = base.astype(np.float32)
    for year in range(1, 40):
        for half in (0, 1):
            a = learn_half(a, base, np.array([0.1, 0.0]), np.arange(2), half, params, seed=1, year=year)
    assert a - base == pytest.approx([0.1 / (1 - 0.6), 0.0], abs=1e-5)


def test_yearly_noise_has_the_declared_sd():
    params = Learning(noise_sd=0.3, carry_over=0.7)
    n = 40_000
    base = np.zeros(n)
    a = np.zeros(n, np.float32)
    for half in (0, 1):
        a = learn_half(a, base, np.zeros(n), np.arange(n), half, params, seed=4, year=3)
    assert np.std(a) == pytest.approx(0.3, rel=0.03)


def test_burn_in_gives_each_grade_its_past_years():
    params = Learning(carry_over=0.5, noise_sd=0.0)
    grade = np.arange(1, 10)
    base = np.zeros(9, np.float32)
    done = burn_in(base.copy(), base, grade, np.arange(9), lambda a: np.full(9, 0.2), np.zeros(9, int), params, seed=1)
    years = grade - 1
    assert done == pytest.approx(0.2 * (1 - 0.5 ** years) / (1 - 0.5), abs=1e-6)


def test_reputation_moves_towards_measured_with_lag():
    campus = np.array([0, 0, 1, 1])
    grade = np.array([5, 3, 8, 8])
    ach = np.array([1.0, -9.0, 0.2, 0.4])
    measured = measured_quality(campus, grade, ach, 3)
    assert measured[:2] == pytest.approx([1.0, 0.3]) and np.isnan(measured[2])  # grade 3 not assessed
    rep = update_reputation(np.array([0.0, 0.0, 0.7]), measured, np.zeros(3), lag=0.25)
    assert rep == pytest.approx([0.25, 0.075, 0.7])
