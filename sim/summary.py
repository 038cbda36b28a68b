"""The figures ``validate`` prints for a scenario: what region it describes at the start.

The start is the one ``run`` begins from (:class:`~sim.engine.Simulation` builds it: pupils placed
as the yearly admission would have placed them, classes formed), so ``validate`` and the first
year of ``run`` agree.  Groups do not change the start, so they are left out of that build.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import numpy as np

from .processes.classes import size_bands
from .scenario.resolved import ResolvedScenario


def start_classes(scn: ResolvedScenario) -> tuple[np.ndarray, np.ndarray]:
    """Pupils and classes by campus and grade (each ``(n_campus, 9)``) at the start of a run of
    ``scn`` on its base seed (campuses opened later by policy left out)."""
    from .engine import Simulation

    sim = Simulation(replace(scn, groups=()), scn.simulation.seed, years=1)
    n = len(scn.campuses)
    s = sim.state.students
    enrol = np.zeros((n, 9), dtype=np.int64)
    np.add.at(enrol, (s.campus, s.grade - 1), 1)
    return enrol, sim.classes[:n]


def summarise(scn: ResolvedScenario) -> dict:
    """Counts, pupils, teachers, start class sizes, groups by mode and group coverage (of public
    campuses: private ones cannot join a group)."""
    campuses = scn.campuses
    enrol, classes = start_classes(scn)
    in_groups = {cid for g in scn.groups if g.mode != "baseline" for cid in [g.hub, *g.members] if cid}
    ids = {c.id for c in campuses if c.sector == "public"}  # coverage of public schools (private ones join no group)
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
        "group_coverage_pct": 100.0 * len(in_groups & ids) / len(ids) if ids else 0.0,
        "policies": len(scn.policies),
    }
