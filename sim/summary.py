"""The figures ``validate`` prints for a scenario: what region it describes at the start."""

from __future__ import annotations

from collections import Counter

import numpy as np

from .processes.classes import form_classes, size_bands
from .scenario.resolved import ResolvedScenario
from .stages import split_by_grade, standard_sizes


def start_enrolment(scn: ResolvedScenario) -> np.ndarray:
    """Pupils by campus and grade (n_campus, 9) at the start, split by cohort births."""
    stages = [c.stage for c in scn.campuses]
    pupils = np.array([c.pupils for c in scn.campuses], dtype=np.int64)
    return split_by_grade(stages, pupils, scn.simulation.start_year, scn.demography.births,
                          scn.demography.births_trend)


def summarise(scn: ResolvedScenario) -> dict:
    """Counts, pupils, teachers, start class sizes, groups by mode and group coverage."""
    campuses = scn.campuses
    enrol = start_enrolment(scn)
    classes = form_classes(enrol, np.array([c.classrooms for c in campuses]),
                           standard_sizes([c.stage for c in campuses], [c.class_size_standard for c in campuses]))
    in_groups = {cid for g in scn.groups if g.mode != "baseline" for cid in [g.hub, *g.members] if cid}
    ids = {c.id for c in campuses}
    return {
        "name": scn.name,
        "title": scn.title,
        "source": scn.source,
        "campuses": len(campuses),
        "by_stage_locale": Counter((c.stage, c.locale) for c in campuses),
        "pupils_primary": int(enrol[:, :6].sum()),
        "pupils_junior": int(enrol[:, 6:].sum()),
        "capacity": int(sum(c.capacity for c in campuses)),
        "teachers": int(sum(c.teachers for c in campuses)),
        "cells": len(scn.cells),
        **size_bands(enrol, classes),
        "groups_by_mode": Counter(g.mode for g in scn.groups),
        "group_coverage_pct": 100.0 * len(in_groups & ids) / len(campuses) if campuses else 0.0,
        "policies": len(scn.policies),
    }
