"""Integer apportionment: split whole numbers in proportion to weights, totals kept exactly."""

from __future__ import annotations

import numpy as np


def largest_remainder(totals: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Split each ``totals[i]`` over row ``weights[i]`` into integers that sum exactly to it.

    Hamilton's largest-remainder method, vectorised over rows; ties go to the earlier column.
    ``totals`` has shape (n,) and ``weights`` (n, k); rows of zero weight get nothing.
    """
    totals = np.asarray(totals, dtype=np.int64)
    w = np.asarray(weights, dtype=float)
    sums = w.sum(axis=1, keepdims=True)
    share = np.divide(w, sums, out=np.zeros_like(w), where=sums > 0)
    exact = share * totals[:, None]
    base = np.floor(exact).astype(np.int64)
    short = totals - base.sum(axis=1)
    order = np.argsort(-(exact - base), axis=1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(w.shape[1])[None, :].repeat(w.shape[0], 0), axis=1)
    base += (ranks < short[:, None]) & (sums > 0)
    return base
