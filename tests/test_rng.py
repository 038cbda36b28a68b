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


def _reference_uniform(seed: int, stream: str, year: int, agent: int, slot: int) -> float:
    """The documented generator in plain Python integers: SplitMix64's finaliser on the mixed key."""
    mask, golden = (1 << 64) - 1, 0x9E3779B97F4A7C15
    k = (0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 0xD6E8FEB86659FD93, 0xCA5A826395121157)

    def mix(x: int) -> int:
        x &= mask
        x = ((x ^ (x >> 30)) * k[0]) & mask
        x = ((x ^ (x >> 27)) * k[1]) & mask
        return x ^ (x >> 31)

    key = mix((seed & mask) * k[2] + rng.STREAMS[stream] * golden)
    key = mix(key ^ ((year * k[3] + slot) & mask))
    return ((mix(((agent * golden) & mask) ^ key) >> 11) + 0.5) * 2.0**-53


def test_draws_are_the_documented_generator_and_slot_ranges_are_its_columns():
    ids = np.array([0, 1, 977, (3 << 40) + 5])
    for seed, stream, year, slot in ((7, "choice", 2026, 0), (2**40 + 3, "learning", 3, 250), (0, "init", 0, 21)):
        expected = [_reference_uniform(seed, stream, year, int(i), slot) for i in ids]
        assert np.array_equal(rng.uniform(seed, stream, year, ids, slot), expected)
    columns = rng.gumbel(7, "choice", 2026, ids, slot=range(3, 8))
    assert columns.shape == (4, 5)
    for k in range(5):
        assert np.array_equal(columns[:, k], rng.gumbel(7, "choice", 2026, ids, slot=3 + k))
