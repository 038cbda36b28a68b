"""Teacher careers: value added as a lasting talent plus an experience profile shared by everyone.

    skill_i = talent_i − experience_premium × exp(−experience_i / experience_years)

The profile (:func:`experience_effect`) is concave: a novice is ``experience_premium`` below the same
teacher with long experience, and the deficit shrinks fastest in the first years (Rockoff 2004;
Papay & Kraft 2015).  It applies to every teacher, incumbents included, so losing experienced
teachers costs quality and hiring novices does not raise it.  Talent is lasting: it moves only by
peer learning (towards linked teachers' mean skill) and a small yearly drift
(:data:`TALENT_DRIFT_SD`), both keyed by teacher id (stream ``"skill"``).

Teachers start teaching at :data:`START_AGE` plus 0–4 years (:data:`START_AGE_SPREAD`), so a
teacher's experience never exceeds their age minus 22.  Talent at a campus is drawn around
``SKILL_PER_QUALITY × campus starting quality`` with SD ``teachers.skill_sd``, for incumbents and
recruits alike: teacher quality differs between campuses through their starting quality, and a
campus's recruits are neither better nor worse than its incumbents.
"""

from __future__ import annotations

import numpy as np

from .. import rng
from ..scenario.dynamics import TeacherDynamics
from ..state import Teachers

START_AGE = 22
"""Youngest age at which a teacher starts (bachelor graduates), years."""

START_AGE_SPREAD = 5
"""Teachers start at START_AGE + 0 … 4 years, uniformly: graduates, some after a master's degree or
other work (no estimate)."""

SKILL_PER_QUALITY = 0.15
"""Mean talent (pupil SD per year) per SD of a campus's starting quality: a campus 0.3 SD ahead has
teachers adding 0.045 SD a year more.  No published estimate; keeps most of the variance of teacher
value added within campuses, as the literature finds (Hanushek & Rivkin 2010)."""

TALENT_DRIFT_SD = 0.01
"""SD of the yearly idiosyncratic change of a teacher's talent, pupil SD per year (no estimate)."""

INT8_MAX = np.iinfo(np.int8).max


def experience_effect(experience: np.ndarray, params: TeacherDynamics) -> np.ndarray:
    """Value added from experience relative to a long-experienced teacher (≤ 0), pupil SD per year."""
    return -params.experience_premium * np.exp(-np.asarray(experience, np.float64) / params.experience_years)


def skill_of(talent: np.ndarray, experience: np.ndarray, params: TeacherDynamics) -> np.ndarray:
    """Skill (float32) of teachers with ``talent`` and ``experience`` years: the module equation."""
    return (np.asarray(talent, np.float64) + experience_effect(experience, params)).astype(np.float32)


def start_experience(age: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Experience (int8) of teachers aged ``age`` who started at START_AGE + ⌊u × START_AGE_SPREAD⌋
    (``u`` uniform draws); 0 for those younger than their start age."""
    start = START_AGE + np.floor(np.asarray(u) * START_AGE_SPREAD)
    return np.maximum(np.asarray(age, np.float64) - start, 0).astype(np.int8)


def talent_draw(mean: np.ndarray, z: np.ndarray, sd: float) -> np.ndarray:
    """Talent (float32) around ``mean`` (per teacher, pupil SD per year) with SD ``sd``, from normal draws ``z``."""
    return (np.asarray(mean, np.float64) + sd * np.asarray(z, np.float64)).astype(np.float32)


def _older(x: np.ndarray, by: np.ndarray | int = 1) -> np.ndarray:
    return np.minimum(x.astype(np.int16) + by, INT8_MAX).astype(np.int8)


def after_year(teachers: Teachers, params: TeacherDynamics, link_mean: np.ndarray | None, hardship: np.ndarray,
               seed: int, year: int) -> Teachers:
    """The teachers after teaching school year ``year`` (a new object).

    One year older, one more year of experience, at their campus, in their title, and (where their
    campus of post is a hardship campus, ``hardship[campus]``: rural or weak) of hardship service;
    talent moves by ``peer_learning × (m − skill)`` towards the mean skill ``m`` of the teachers one
    is linked to by joint research (``link_mean``, nan or ``None``: no link) plus a drift of SD
    TALENT_DRIFT_SD keyed by (seed, "skill", year, id); skill is recomputed from talent and the new
    experience.  Ages and counters cap at the int8 maximum.
    """
    talent = teachers.talent.astype(np.float64)
    if link_mean is not None:
        gap = np.asarray(link_mean, np.float64) - teachers.skill
        talent += params.peer_learning * np.where(np.isnan(gap), 0.0, gap)
    talent += TALENT_DRIFT_SD * rng.normal(seed, "skill", year, teachers.id)
    experience = _older(teachers.experience)
    return Teachers(**{
        **vars(teachers), "talent": talent.astype(np.float32), "experience": experience,
        "skill": skill_of(talent, experience, params), "age": _older(teachers.age),
        "years_here": _older(teachers.years_here), "title_years": _older(teachers.title_years),
        "hardship_years": _older(teachers.hardship_years, np.asarray(hardship)[teachers.campus].astype(np.int16))})


def campus_link_mean(teachers: Teachers, n_campuses: int, link_of_campus: np.ndarray) -> np.ndarray:
    """Per teacher, the mean skill of the staff at the campus their campus learns from (nan if none).

    ``link_of_campus[c]`` is the campus whose teachers campus c's teachers learn from (e.g. the group
    hub), −1 for none.  With ``S_k`` the summed skill and ``N_k`` the teachers posted at campus k,
    teacher i at campus c gets ``S_k / N_k`` for ``k = link_of_campus[c]``; nan where ``k = −1`` or
    campus k has no teachers.
    """
    total = np.bincount(teachers.campus, weights=teachers.skill, minlength=n_campuses)
    count = np.bincount(teachers.campus, minlength=n_campuses)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, total / count, np.nan)
    link = np.asarray(link_of_campus)[teachers.campus]
    return np.where(link >= 0, mean[np.maximum(link, 0)], np.nan)
