"""Learning: each pupil's achievement gain over a school year, in SD units.

    gain_i = skill_c                                   mean value added of campus c's main-subject teachers
           − class_size_effect × max(0, size_k − standard_k)    pupils above the standard in class k
           + peer_effect × PEER_YEARLY × (mean_k − mean_all)    linear-in-means peers (class k vs region)
           + facilities_effect × (min(resources_c, 1) − 1)      resources relative to the per-pupil standard
           + noise_sd × ε_i                                     ε keyed to the pupil (stream "learning")

Defaults and sources are in :class:`~sim.scenario.dynamics.Learning`.  The engine applies the gain
in two halves, one per semester.
"""

from __future__ import annotations

import numpy as np

from .. import rng
from ..scenario.dynamics import Learning

PEER_YEARLY = 0.1
"""Share of the linear-in-means level effect realised in one year (no estimate; sweepable through
peer_effect)."""


def class_means(key: np.ndarray, values: np.ndarray, n_keys: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-key (class) mean of ``values`` and count; keys are dense ints in [0, n_keys)."""
    count = np.bincount(key, minlength=n_keys)
    total = np.bincount(key, weights=values, minlength=n_keys)
    return np.divide(total, count, out=np.zeros(n_keys), where=count > 0), count


def yearly_gain(achievement: np.ndarray, ids: np.ndarray, class_key: np.ndarray, n_classes: int,
                class_standard: np.ndarray, campus: np.ndarray, campus_skill: np.ndarray,
                campus_resources: np.ndarray, params: Learning, seed: int, year: int) -> np.ndarray:
    """Gain of every pupil this year (float64), by the equation in the module docstring.

    class_key: dense class index per pupil; class_standard: standard size per class;
    campus_skill: mean teacher value added per campus; campus_resources: resources ÷ standard per campus.
    """
    mean_k, size_k = class_means(class_key, achievement, n_classes)
    if len(achievement) == 0:
        return np.zeros(0)
    # the terms added in the order written above, in place (the same floating-point operations)
    gain = np.asarray(campus_skill[campus], dtype=np.float64)
    gain -= params.class_size_effect * np.maximum(size_k - class_standard, 0)[class_key]
    peer = mean_k[class_key]
    peer -= achievement.mean()
    peer *= params.peer_effect * PEER_YEARLY
    gain += peer
    gain += (params.facilities_effect * (np.minimum(campus_resources, 1.0) - 1.0))[campus]
    noise = rng.normal(seed, "learning", year, ids)
    noise *= params.noise_sd
    gain += noise
    return gain
