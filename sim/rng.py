"""Agent-keyed random numbers for common random numbers (CRN) across scenarios.

Every draw about an agent is a pure function of ``(seed, stream, year, agent id, slot)``: a
counter-based generator (the SplitMix64 finaliser applied to a mixed key), vectorised over ids.
So a student's choice draw in 2028 is the same number in every scenario run on the same seed,
whatever the order or length of the arrays and however many worker processes share the batch;
a policy that changes one agent's path does not reshuffle anyone else's draws.  This follows the
design of Starsim (arXiv 2409.02086), which keys draws by agent slot, but needs no per-agent state.

Streams name the mechanism a draw belongs to, so that adding draws to one mechanism never shifts
another's.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np
from scipy.special import ndtri

STREAMS: dict[str, int] = {
    "init": 1,          # initial agent attributes
    "choice": 2,        # school choice at entry
    "migration": 3,     # household moves and backflow
    "learning": 4,      # yearly achievement noise
    "attrition": 5,     # teachers leaving
    "hiring": 6,        # vacancies filled
    "skill": 7,         # teacher skill growth noise
    "assessment": 8,    # sampling for the grade-5/8 test
    "exchange": 9,      # teacher exchange selection
    "titles": 10,       # title promotions, backbone designation, qualification upgrades
    "staffing": 11,     # applications and exams for town posts (选调进城)
    "burn_in": 12,      # learning noise of the school years pupils had before the start
    "skill_links": 13,  # hub teachers a member teacher is linked to in joint research (名校+弱校)
    "branch_staff": 14,  # hub teachers seeded to a new branch campus (名校+新校)
}
"""One stream id per mechanism."""

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_KI = (0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 0xD6E8FEB86659FD93, 0xCA5A826395121157)
_K = [np.uint64(c) for c in _KI]
_MASK = 0xFFFFFFFFFFFFFFFF
_GOLDEN_I = 0x9E3779B97F4A7C15


BLOCK = 16_384
"""Draws are computed a block of this many values at a time, so that the hash's temporaries stay in
the CPU cache (two to three times faster than whole-array passes on large arrays; the values are
the same, element by element)."""


def _mix_inplace(x: np.ndarray, tmp: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser of a uint64 array, overwriting it (``tmp``: a scratch array of its shape)."""
    np.right_shift(x, np.uint64(30), out=tmp)
    x ^= tmp
    x *= _K[0]
    np.right_shift(x, np.uint64(27), out=tmp)
    x ^= tmp
    x *= _K[1]
    np.right_shift(x, np.uint64(31), out=tmp)
    x ^= tmp
    return x


def _mix_int(x: int) -> int:
    """SplitMix64 finaliser of one Python int (the scalar twin of :func:`_mix_inplace`)."""
    x &= _MASK
    x = ((x ^ (x >> 30)) * _KI[0]) & _MASK
    x = ((x ^ (x >> 27)) * _KI[1]) & _MASK
    return x ^ (x >> 31)


@lru_cache(maxsize=4096)
def _key(seed: int, stream: str, year: int, slot: int) -> np.uint64:
    """The mixed key of one (seed, stream, year, slot): computed once per process and reused, since
    a run draws from the same few keys hundreds of times."""
    key = _mix_int((seed & _MASK) * _KI[2] + STREAMS[stream] * _GOLDEN_I)
    return np.uint64(_mix_int(key ^ (((year & 0xFFFFFFFF) * _KI[3] + (slot & 0xFFFFFFFF)) & _MASK)))


Slot = int | range
"""A draw's slot, or a range of slots: one column of draws per slot (e.g. one per choice-set column)."""


def _draw(seed: int, stream: str, year: int, ids: np.ndarray, slot: Slot,
          finish: Callable[[np.ndarray], None] | None = None) -> np.ndarray:
    """Uniform draws in (0, 1) keyed by (seed, stream, year, id, slot), transformed in place by
    ``finish`` (inverse CDF of another distribution), one block of :data:`BLOCK` values at a time.

    A draw is the SplitMix64 finaliser of ``id × φ ⊕ key(seed, stream, year, slot)``, its top 53 bits
    mapped to ``(bits + 0.5) / 2⁵³``.  The result has the shape of ``ids`` (with a range of slots, one
    more axis: ids × slots)."""
    slots = slot if isinstance(slot, range) else (slot,)
    keys = np.array([_key(seed, stream, year, k) for k in slots], dtype=np.uint64)
    shape = np.shape(ids)
    with np.errstate(over="ignore"):
        x = np.asarray(ids).astype(np.uint64).reshape(-1)
        x *= _GOLDEN
        out = np.empty((len(x), len(keys)))
        rows = max(1, BLOCK // max(len(keys), 1))
        bits = np.empty((min(rows, len(x)), len(keys)), np.uint64)
        tmp = np.empty_like(bits)
        for start in range(0, len(x), rows):
            m = min(rows, len(x) - start)
            b, u = bits[:m], out[start:start + m]
            np.bitwise_xor(x[start:start + m, None], keys, out=b)
            _mix_inplace(b, tmp[:m])
            b >>= np.uint64(11)
            np.add(b, 0.5, out=u)
            u *= 2.0**-53
            if finish is not None:
                finish(u)
    return out.reshape(shape + (len(keys),) if isinstance(slot, range) else shape)


def uniform(seed: int, stream: str, year: int, ids: np.ndarray, slot: Slot = 0) -> np.ndarray:
    """Uniform draws in (0, 1), one per id, keyed by (seed, stream, year, id, slot); with a range of
    slots, an (ids × slots) array whose column k is the draws of the k-th slot."""
    return _draw(seed, stream, year, ids, slot)


def _ndtri(u: np.ndarray) -> None:
    """Uniform → standard normal, in place (inverse CDF)."""
    ndtri(u, out=u)


def normal(seed: int, stream: str, year: int, ids: np.ndarray, slot: Slot = 0) -> np.ndarray:
    """Standard normal draws, one per id (inverse CDF of :func:`uniform`)."""
    return _draw(seed, stream, year, ids, slot, _ndtri)


def _gumbel(u: np.ndarray) -> None:
    """Uniform → standard Gumbel, in place: −ln(−ln u)."""
    np.log(u, out=u)
    np.negative(u, out=u)
    np.log(u, out=u)
    np.negative(u, out=u)


def gumbel(seed: int, stream: str, year: int, ids: np.ndarray, slot: Slot = 0) -> np.ndarray:
    """Standard Gumbel draws (for multinomial-logit choices by argmax of utility + Gumbel)."""
    return _draw(seed, stream, year, ids, slot, _gumbel)


BORN_KEY_BITS = 40
"""Bits of the place-of-creation key in the id of an agent created during a run."""


def born_ids(year: int, keys: np.ndarray) -> np.ndarray:
    """Permanent ids of agents created in simulated ``year``: ``year × 2⁴⁰ + key``.

    ``key`` (< 2⁴⁰) names where the agent was created: a pupil's home cell × 2²⁰ + its rank among
    that cell's entrants, a teacher's vacancy slot.  So an agent's id, and every draw keyed by it,
    does not depend on how many agents were created elsewhere: a policy that changes hiring at
    one campus does not reshuffle the recruits of every other (common random numbers).  Agents
    present at the start have ids 0 … N − 1 (year 0).
    """
    keys = np.asarray(keys, dtype=np.int64)
    if keys.size and (keys.min() < 0 or keys.max() >= 1 << BORN_KEY_BITS):
        raise ValueError("agent key out of range")
    return (np.int64(year) << np.int64(BORN_KEY_BITS)) + keys

