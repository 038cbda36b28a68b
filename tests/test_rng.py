"""Agent-keyed draws: order-independent, stream-independent, and statistically sound."""

from __future__ import annotations

import numpy as np
from scipy import stats

from sim import rng


def test_draws_follow_the_agent_not_the_array_position():
    ids = np.arange(1000)
    perm = np.random.default_rng(0).permutation(ids)
    a = rng.uniform(7, "choice", 2026, ids)
    b = rng.uniform(7, "choice", 2026, perm)
    assert np.array_equal(a[perm], b)
    # a subset (e.g. a scenario where some agents left) sees the same numbers
    assert np.array_equal(rng.uniform(7, "choice", 2026, ids[::3]), a[::3])


def test_keys_separate_draws():
    ids = np.arange(5000)
    base = rng.uniform(7, "choice", 2026, ids)
    for other in (rng.uniform(8, "choice", 2026, ids), rng.uniform(7, "learning", 2026, ids),
                  rng.uniform(7, "choice", 2027, ids), rng.uniform(7, "choice", 2026, ids, slot=1)):
        assert abs(np.corrcoef(base, other)[0, 1]) < 0.05
        assert not np.array_equal(base, other)


def test_uniform_and_normal_are_well_distributed():
    ids = np.arange(200_000)
    u = rng.uniform(1, "init", 2025, ids)
    assert 0.0 < u.min() and u.max() < 1.0
    assert stats.kstest(u, "uniform").pvalue > 0.001
    z = rng.normal(1, "init", 2025, ids)
    assert abs(z.mean()) < 0.01 and abs(z.std() - 1) < 0.01
    g = rng.gumbel(1, "init", 2025, ids)
    assert abs(g.mean() - np.euler_gamma) < 0.01
