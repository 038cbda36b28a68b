"""Hand-made teacher arrays for mechanism tests."""

from __future__ import annotations

import numpy as np

from sim.state import SECOND, Teachers


def make(campus, age=30, female=False, skill=0.0, owner=None, first_id=0, experience=None, title=SECOND,
         pe_arts=False, years_here=3, **fields) -> Teachers:
    """Teachers at ``campus`` (array of campus indices) with the given scalar or array attributes;
    talent equals skill, experience defaults to age − 22, birth month January."""
    campus = np.asarray(campus, np.int32)
    n = len(campus)

    def full(v, dt):
        return np.broadcast_to(np.asarray(v, dt), (n,)).copy()

    age = full(age, np.int8)
    values = dict(
        id=np.arange(first_id, first_id + n, dtype=np.int64), campus=campus,
        owner=campus.copy() if owner is None else full(owner, np.int32), pe_arts=full(pe_arts, bool),
        talent=full(skill, np.float32), skill=full(skill, np.float32),
        experience=full(np.maximum(age - 22, 0) if experience is None else experience, np.int8), age=age,
        birth_month=np.ones(n, np.int8), female=full(female, bool), title=full(title, np.int8),
        title_years=np.full(n, 2, np.int8), backbone=np.zeros(n, bool), qualified=np.ones(n, bool),
        years_here=full(years_here, np.int8), hardship_years=np.zeros(n, np.int8),
        exchange_until=np.full(n, -1, np.int16), manager=np.zeros(n, bool))
    for name, value in fields.items():
        values[name] = full(value, values[name].dtype)
    return Teachers(**values)


def within(count, n, p, k=4.0) -> bool:
    """Whether ``count`` successes of ``n`` lie within k binomial standard errors of ``n p``."""
    return abs(count - n * p) <= k * np.sqrt(n * p * (1 - p)) + 1e-9
