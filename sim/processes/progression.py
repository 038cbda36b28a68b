"""Progression at the start of a school year: grade advance, the primary -> junior transition and
graduation out of grade 9.

Every pupil moves up one grade.  Pupils who finished grade 9 leave compulsory education
(graduates).  Pupils entering grade 7 at a campus that teaches no junior grades must find a junior
school: their campus is set to ``UNPLACED`` (-1) for the enrolment mechanism to fill; pupils of
nine-year campuses stay where they are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..state import Students

UNPLACED = -1
"""Campus value of a pupil waiting for a place (entrants and primary -> junior movers)."""


@dataclass(frozen=True)
class Progression:
    """What a year's progression did (for the invariants and the flow tables)."""

    graduates: int
    to_junior: int


def progress(students: Students, teaches_junior: np.ndarray) -> tuple[Students, Progression]:
    """Advance ``students`` one grade; return the pupils still in school and the counts.

    ``teaches_junior[c]`` says whether campus c teaches grades 7–9.
    """
    stay = students.grade < 9
    out = students.take(stay)
    out.grade = (out.grade + 1).astype(np.int8)
    moving = (out.grade == 7) & (out.campus >= 0)
    moving &= ~teaches_junior[np.maximum(out.campus, 0)]
    out.campus = np.where(moving, UNPLACED, out.campus).astype(np.int32)
    return out, Progression(graduates=int((~stay).sum()), to_junior=int(moving.sum()))
