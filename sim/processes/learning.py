"""Learning: how a pupil's achievement changes over a school year, in SD units.

A pupil's achievement is a family-and-ability baseline ``b`` (set at entry, never taught) plus a
school-made part that fades: only ``carry_over`` (δ) of it persists into the next year, and the
year's gain is added on top:

    a_t+1 = b + δ · (a_t − b) + g_t

    g_t = teaching_i                                        value added of the pupil's teachers
        − class_size_effect × min(max(0, size_k − standard_k), class_size_cap)
        + peer_effect × (1 − δ) × (mean_k − mean_grade)     linear-in-means peers (class k vs its grade)
        + facilities_effect × (min(resources_c, 1) − 1)     resources relative to the per-pupil standard
        + noise_sd × ε_i                                    ε keyed to the pupil (stream "learning")

So a constant yearly advantage ``x`` settles at ``x / (1 − δ)`` instead of growing without bound,
and the peer term is scaled so that ``peer_effect`` is the settled level effect of one SD of class
mean.  Peers are compared with the pupil's own grade across the region (grades differ in how much
school they have had).  Defaults and sources are in :class:`~sim.scenario.dynamics.Learning`.

The engine applies a year in two halves (one per semester): the fading at the start of the year,
then half the gain in each half, with independent noise of SD ``noise_sd / √2`` in each, so that a
year's noise has SD ``noise_sd`` exactly.

:func:`burn_in` gives pupils present at the start the school years they have already had, by the
same rule, so that the start is a state the model itself produces (grade 1 has had no school, grade
9 eight years of it).
"""

from __future__ import annotations

import numpy as np

from .. import rng
from ..scenario.dynamics import Learning

HALVES = 2
"""Learning steps per school year (the two semesters)."""


def group_means(key: np.ndarray, values: np.ndarray, n_keys: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-key mean of ``values`` and count; keys are dense ints in [0, n_keys)."""
    count = np.bincount(key, minlength=n_keys)
    total = np.bincount(key, weights=values, minlength=n_keys)
    return np.divide(total, count, out=np.zeros(n_keys), where=count > 0), count


def expected_gain(achievement: np.ndarray, grade: np.ndarray, teaching: np.ndarray, class_key: np.ndarray,
                  n_classes: int, class_standard: np.ndarray, campus: np.ndarray, campus_resources: np.ndarray,
                  params: Learning) -> np.ndarray:
    """The deterministic part of every pupil's yearly gain ``g`` (float64), all terms but the noise.

    ``teaching``: per pupil, the value added of the pupil's teachers this year (SD per year);
    ``class_key``: dense class index per pupil; ``class_standard``: standard size per class;
    ``campus_resources``: resources ÷ standard per campus.
    """
    if len(achievement) == 0:
        return np.zeros(0)
    mean_k, size_k = group_means(class_key, achievement, n_classes)
    mean_g, _ = group_means(np.asarray(grade, np.int64), achievement, 10)
    gain = np.asarray(teaching, dtype=np.float64).copy()
    excess = np.minimum(np.maximum(size_k - class_standard, 0), params.class_size_cap)
    gain -= params.class_size_effect * excess[class_key]
    gain += params.peer_effect * (1.0 - params.carry_over) * (mean_k[class_key] - mean_g[grade])
    gain += (params.facilities_effect * (np.minimum(campus_resources, 1.0) - 1.0))[campus]
    return gain


def learn_half(achievement: np.ndarray, base: np.ndarray, gain: np.ndarray, ids: np.ndarray, half: int,
               params: Learning, seed: int, year: int) -> np.ndarray:
    """Achievement after half ``half`` (0 or 1) of school year ``year`` (float32).

    Half 0 first lets the school-made part fade (``b + δ (a − b)``); each half adds ``gain / 2`` and
    noise of SD ``noise_sd / √2`` keyed by (seed, "learning", year, id, slot = half).
    """
    a = np.asarray(achievement, dtype=np.float64)
    if half == 0:
        a = base + params.carry_over * (a - base)
    noise = rng.normal(seed, "learning", year, ids, slot=half)
    noise *= params.noise_sd / np.sqrt(HALVES)
    return (a + gain / HALVES + noise).astype(np.float32)


def burn_in(achievement: np.ndarray, base: np.ndarray, grade: np.ndarray, ids: np.ndarray, gain_of,
            primary_campus: np.ndarray, params: Learning, seed: int) -> np.ndarray:
    """Achievement of pupils present at the start after the school years they have already had.

    A pupil in grade g has had g − 1 years: for k = 1 … 8, every pupil in a grade above k gets one
    year by the rule of the module docstring, with noise keyed by (seed, "burn_in", k, id).  The
    year's gain is ``gain_of(achievement)`` of the pupil's present class, campus and teachers (the
    best record of the years before), except that a junior pupil's primary years (k ≤ 6) take the
    mean gain of the primary pupils of ``primary_campus`` (the campus that taught it then: its
    cell's zoned primary campus, or its own for a nine-year school).  Returns float32.
    """
    a = np.asarray(achievement, dtype=np.float64).copy()
    junior = grade >= 7
    n_campuses = int(np.max(primary_campus, initial=0)) + 1
    for k in range(1, int(np.max(grade, initial=1))):
        had = grade > k
        g = gain_of(a.astype(np.float32))
        if k <= 6 and junior.any():
            mean, _ = group_means(primary_campus[~junior], g[~junior], n_campuses)
            g[junior] = mean[primary_campus[junior]]
        noise = params.noise_sd * rng.normal(seed, "burn_in", k, ids[had])
        a[had] = base[had] + params.carry_over * (a[had] - base[had]) + g[had] + noise
    return a.astype(np.float32)
