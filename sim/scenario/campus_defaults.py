"""Defaults derived for campus fields a planner may leave out: capacity, teachers, resources.

Shared by the explicit-campus resolver and the synthetic generator so that both follow one rule.
"""

from __future__ import annotations

import math

import numpy as np

from ..stages import RESOURCE_STANDARDS, STANDARD_CLASS_SIZE, campus_grades, grade_stage
from .models import Teachers


def seats_per_classroom(stage: str, class_size_standard: int | None = None) -> float:
    """Pupils one classroom holds at the standard class size (nine-year: mean over its 9 grades)."""
    if class_size_standard is not None:
        return float(class_size_standard)
    sizes = [STANDARD_CLASS_SIZE[grade_stage(int(g))] for g in campus_grades(stage)]
    return float(np.mean(sizes))


def capacity_of(stage: str, classrooms: int, class_size_standard: int | None = None) -> int:
    """Design capacity, pupils: classrooms × standard class size."""
    return int(round(classrooms * seats_per_classroom(stage, class_size_standard)))


def stage_parts(stage: str, pupils: int) -> dict[str, float]:
    """Pupils of a campus split into its primary and junior parts (nine-year: by grade count 6:3)."""
    if stage == "nine_year":
        return {"primary": pupils * 6 / 9, "junior": pupils * 3 / 9}
    return {stage: float(pupils)}


def teachers_needed(primary: np.ndarray, junior: np.ndarray, spec: Teachers,
                    classes: np.ndarray | None = None) -> np.ndarray:
    """Full-time teachers needed for ``primary`` and ``junior`` pupils (arrays, one per campus).

    The larger of the pupil-ratio norm and ``min_per_class`` teachers per class, because small
    rural schools are staffed by classes, not by pupils; 0 for a campus without pupils.  ``classes``
    per campus are the classes actually formed; by default, the pupils at the standard class size.
    """
    primary, junior = np.asarray(primary, dtype=float), np.asarray(junior, dtype=float)
    by_ratio = primary / spec.pupils_per_teacher.primary + junior / spec.pupils_per_teacher.junior
    if classes is None:
        classes = np.ceil(primary / STANDARD_CLASS_SIZE["primary"]) + np.ceil(junior / STANDARD_CLASS_SIZE["junior"])
    need = np.maximum(np.round(by_ratio), np.ceil(np.round(classes * spec.min_per_class, 9)))
    return np.where(primary + junior > 0, need, 0).astype(np.int64)


def teachers_for(parts: dict[str, float], spec: Teachers) -> int:
    """Teachers needed for one campus's stage parts ``{'primary': pupils, 'junior': pupils}``."""
    return int(teachers_needed(np.array([parts.get("primary", 0.0)]), np.array([parts.get("junior", 0.0)]), spec)[0])


def resources_at(parts: dict[str, float], level: float = 1.0) -> dict[str, float]:
    """Resource inputs that meet the per-pupil standards for ``parts`` pupils, times ``level``."""
    out = {}
    for key, std in RESOURCE_STANDARDS.items():
        out[key] = level * sum(std[s] * n for s, n in parts.items())
    out["multimedia_classrooms"] = int(math.ceil(out["multimedia_classrooms"]))
    return out
