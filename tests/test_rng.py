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


def test_draws_do_not_depend_on_the_blocks_they_are_computed_in():
    """Large arrays are drawn a block at a time (rng.BLOCK values): every value, on either side of a
    block boundary, with one slot or a range of them, is the value of its id drawn alone, and the
    result keeps the shape of the ids (with a slots axis for a range)."""
    ids = np.arange(2 * rng.BLOCK + 7, dtype=np.int64) * 7919 + 3
    probe = np.array([0, rng.BLOCK - 1, rng.BLOCK, rng.BLOCK + 1, 2 * rng.BLOCK + 6])
    for draw in (rng.uniform, rng.normal, rng.gumbel):
        whole = draw(5, "learning", 4, ids, slot=2)
        assert whole.shape == ids.shape
        for i in probe:
            assert whole[i] == draw(5, "learning", 4, ids[i:i + 1], slot=2)[0]
        cols = draw(5, "choice", 4, ids, slot=range(3))
        assert cols.shape == (len(ids), 3)
        for i in probe:
            assert np.array_equal(cols[i], [draw(5, "choice", 4, ids[i:i + 1], slot=k)[0] for k in range(3)])
    grid = ids[:60].reshape(6, 10)
    assert np.array_equal(rng.uniform(5, "migration", 4, grid, slot=1), rng.uniform(5, "migration", 4, ids[:60], slot=1).reshape(6, 10))
    assert rng.uniform(5, "choice", 4, np.array([], np.int64), slot=range(4)).shape == (0, 4)
