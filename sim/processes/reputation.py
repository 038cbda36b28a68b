"""Reputation: parents' perceived quality of each campus follows measured results with a lag.

    reputation_c ← reputation_c + lag × (measured_c + brand_c − reputation_c)

measured_c is the campus's mean achievement in the assessed grades (5 and 8, as Huanggang samples;
all its grades if it has none of them); brand_c is a term grouping modes may set (a hub's brand
carried to its members), 0 by default.  Campuses with no pupils keep their reputation.
"""

from __future__ import annotations

import numpy as np

ASSESSED_GRADES = (5, 8)
"""Grades of the end-of-year sampling test (Huanggang seed)."""


def measured_quality(campus: np.ndarray, grade: np.ndarray, achievement: np.ndarray, n_campuses: int) -> np.ndarray:
    """Mean achievement per campus in the assessed grades (NaN where a campus has no pupils)."""
    assessed = np.isin(grade, ASSESSED_GRADES)
    out = np.full(n_campuses, np.nan)
    for mask in (np.ones_like(assessed), assessed):  # all grades, then assessed grades where present
        count = np.bincount(campus[mask], minlength=n_campuses)
        total = np.bincount(campus[mask], weights=achievement[mask], minlength=n_campuses)
        out = np.where(count > 0, total / np.maximum(count, 1), out)
    return out


def update_reputation(reputation: np.ndarray, measured: np.ndarray, brand: np.ndarray, lag: float) -> np.ndarray:
    """One yearly update; campuses with NaN ``measured`` are unchanged."""
    target = measured + brand
    return np.where(np.isnan(measured), reputation, reputation + lag * (target - reputation))
