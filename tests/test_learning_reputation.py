"""Learning gains and reputation updates against hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest

from sim.processes.learning import PEER_YEARLY, yearly_gain
from sim.processes.reputation import measured_quality, update_reputation
from sim.scenario.dynamics import Learning


def test_gain_terms_by_hand():
    # two classes: class 0 has 3 pupils (standard 2 -> 1 above), class 1 has 1 pupil at standard
    params = Learning(class_size_effect=0.01, peer_effect=0.2, facilities_effect=0.02, noise_sd=0.0)
    ach = np.array([0.0, 0.3, 0.6, -0.5])
    gain = yearly_gain(ach, np.arange(4), class_key=np.array([0, 0, 0, 1]), n_classes=2,
                       class_standard=np.array([2, 2]), campus=np.array([0, 0, 0, 1]),
                       campus_skill=np.array([0.1, -0.05]), campus_resources=np.array([1.2, 0.5]),
                       params=params, seed=1, year=1)
    overall = ach.mean()  # 0.1
    g0 = 0.1 - 0.01 * 1 + 0.2 * PEER_YEARLY * (0.3 - overall) + 0.0
    g1 = -0.05 - 0.0 + 0.2 * PEER_YEARLY * (-0.5 - overall) + 0.02 * (0.5 - 1)
    assert gain == pytest.approx([g0, g0, g0, g1])


def test_better_teachers_give_bigger_gains_on_average():
    n = 20_000
    params = Learning()
    campus = np.arange(n) % 2
    gain = yearly_gain(np.zeros(n), np.arange(n), class_key=campus, n_classes=2, class_standard=np.array([n, n]),
                       campus=campus, campus_skill=np.array([0.0, 0.1]), campus_resources=np.ones(2),
                       params=params, seed=3, year=2)
    diff = gain[campus == 1].mean() - gain[campus == 0].mean()
    se = params.noise_sd * np.sqrt(2 / (n / 2))
    assert abs(diff - 0.1) < 4 * se


def test_reputation_moves_towards_measured_with_lag():
    campus = np.array([0, 0, 1, 1])
    grade = np.array([5, 3, 8, 8])
    ach = np.array([1.0, -9.0, 0.2, 0.4])
    measured = measured_quality(campus, grade, ach, 3)
    assert measured[:2] == pytest.approx([1.0, 0.3]) and np.isnan(measured[2])  # grade 3 not assessed
    rep = update_reputation(np.array([0.0, 0.0, 0.7]), measured, np.zeros(3), lag=0.25)
    assert rep == pytest.approx([0.25, 0.075, 0.7])
