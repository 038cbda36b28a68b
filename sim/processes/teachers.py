"""Teacher exits and hiring: summer retirement and attrition, September recruitment into open posts.

Every random decision is keyed (:mod:`sim.rng`), so it does not depend on array order or on what
happened at other campuses:

* attrition by teacher id (stream ``"attrition"``);
* hiring by vacancy slot, key ``campus × HIRING_KEY_STRIDE + slot`` (stream ``"hiring"``): the
  s-th vacancy of campus c in year y is filled, and by a recruit with the same attributes, in every
  scenario on the same seed, whatever the other campuses do.

Posts are counted by the campus holding the staffing quota (``owner``, 编制), so a teacher away on an
exchange posting still fills their home post and the sending campus does not hire a replacement.
Retirement and attrition are counted at the campus of post (``campus``), where the allowance is paid.
Careers (experience, talent, titles) are in :mod:`sim.processes.careers` and
:mod:`sim.processes.titles`; moves between campuses in :mod:`sim.processes.staffing`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import rng
from ..scenario import models
from ..scenario.dynamics import TeacherDynamics
from ..state import Teachers
from .workforce import by_locale, oldest_start_age, recruits

HIRING_KEY_STRIDE = 1_000_000
"""Keys of vacancy slots: ``campus index × HIRING_KEY_STRIDE + slot`` (distinct while a campus has
fewer than a million vacancies)."""


@dataclass(frozen=True)
class Exits:
    """Who left in a summer, per campus of post (int64 arrays of length n_campuses)."""

    retired: np.ndarray    # reached the statutory retirement age
    left: np.ndarray       # attrition (other exits from the county's schools)


@dataclass(frozen=True)
class Hiring:
    """What a September hiring round did, per campus (int64 arrays of length n_campuses)."""

    hired: np.ndarray      # new teachers posted to (and owned by) the campus
    vacancies: np.ndarray  # posts still unfilled after hiring: covered by substitutes (代课)


def attrition_probability(locale: np.ndarray, allowance_yuan: np.ndarray, experience: np.ndarray,
                          params: TeacherDynamics) -> np.ndarray:
    """Yearly probability of leaving at posts of locale codes ``locale`` paying ``allowance_yuan`` a
    month, for teachers with ``experience`` years.

    ``p = (a_u + (a_l − a_u) × 0.5 ^ (allowance / allowance_halving_yuan)) × r``, where ``a_l`` is the
    attrition rate of experienced teachers at the post's locale and ``a_u`` the urban rate: each
    ``allowance_halving_yuan`` of monthly allowance halves the excess over the urban rate; ``r`` is
    ``early_attrition_ratio`` in a teacher's first ``EARLY_CAREER_YEARS`` years, 1 after (defaults in
    :class:`~sim.scenario.dynamics.TeacherDynamics`).
    """
    a_l = by_locale(params.attrition, locale)
    a_u = params.attrition.urban
    allowance = np.asarray(allowance_yuan, float)
    # allowance / halving, read as 0 for no allowance and ∞ for any allowance when halving is 0
    halvings = np.divide(allowance, params.allowance_halving_yuan, out=np.where(allowance > 0, np.inf, 0.0),
                         where=params.allowance_halving_yuan > 0)
    early = np.where(np.asarray(experience) < EARLY_CAREER_YEARS, params.early_attrition_ratio, 1.0)
    return np.minimum((a_u + (a_l - a_u) * 0.5 ** halvings) * early, 1.0)


EARLY_CAREER_YEARS = 5
"""Years of experience during which a teacher leaves at ``early_attrition_ratio`` times the rate."""


def retiring(teachers: Teachers, school_year: int, params: TeacherDynamics) -> np.ndarray:
    """Mask of the teachers (ages as of 1 September ``school_year``) who have reached their statutory
    retirement month by then (:mod:`sim.processes.retirement`), under the reform or the old ages:
    those older than the oldest age at which their sex and birth month still teach (retirement comes
    later for a later birth, but by less than the birth's lateness, so the due date is monotone in age)."""
    return teachers.age > oldest_start_age(teachers.female, teachers.birth_month, school_year, params)


def summer_exits(teachers: Teachers, campus_locale: np.ndarray, allowance_yuan: np.ndarray,
                 params: TeacherDynamics, seed: int, year: int, next_school_year: int,
                 extra_leaving: np.ndarray | None = None) -> tuple[Teachers, Exits]:
    """Remove retirees and leavers at the end of school year ``year``.

    ``teachers`` are already a year older (:func:`sim.processes.careers.after_year`): their ages are
    those of 1 September ``next_school_year``.

    1. Retirement: teachers who reach their statutory retirement month by that September leave.
    2. Attrition: each remaining teacher leaves if ``U(seed, "attrition", year, id) < p`` with ``p``
       from :func:`attrition_probability` at the locale and monthly allowance of the campus of post
       and the teacher's experience, plus ``extra_leaving`` (per teacher, if given: what a grouping
       mode adds, e.g. for teachers on exchange).  The draw is the same, so a higher probability only
       adds leavers (common random numbers).

    ``campus_locale``: campus locale codes; ``allowance_yuan``: monthly allowance per campus.  The
    survivors keep their order.
    """
    n_campuses = len(campus_locale)
    retired = retiring(teachers, next_school_year, params)
    post = teachers.campus
    p_leave = attrition_probability(campus_locale[post], np.asarray(allowance_yuan)[post], teachers.experience,
                                    params)
    if extra_leaving is not None:
        p_leave = p_leave + extra_leaving
    leaving = ~retired & (rng.uniform(seed, "attrition", year, teachers.id) < p_leave)
    return teachers.take(~(retired | leaving)), Exits(retired=np.bincount(post[retired], minlength=n_campuses),
                                                      left=np.bincount(post[leaving], minlength=n_campuses))


def september_hiring(teachers: Teachers, needed: np.ndarray, covered: np.ndarray, campus_locale: np.ndarray,
                     talent_mean: np.ndarray, spec: models.Teachers, params: TeacherDynamics, seed: int,
                     year: int) -> tuple[Teachers, Hiring]:
    """Fill open posts at the start of school year ``year``; return (teachers, what was hired).

    Campus c has ``v_c = max(needed_c − owned_c, 0)`` open posts, ``owned_c`` the teachers whose
    quota it holds.  Vacancy slot s = 0 … v_c − 1 is filled if ``s < covered_c − owned_c`` (the
    bureau gives every class a teacher, whatever the labour market) or if
    ``U(seed, "hiring", year, c × HIRING_KEY_STRIDE + s) < fill_rate(locale_c)``; so hires never
    exceed ``needed``, and a campus never has fewer owned teachers than ``min(covered, needed)``.
    Where teachers away on exchange (whose posts stay at home) leave fewer teachers present than
    ``min(covered, needed)``, the shortfall is hired too (the bureau covers every class), above
    ``needed`` if it must.
    Recruits are drawn by :func:`~sim.processes.workforce.recruits` (talent around
    ``talent_mean[c]``), with ids from their slot keys, and follow the existing teachers.

    ``needed``: posts per campus (from pupils and classes,
    :func:`~sim.scenario.campus_defaults.teachers_needed`); ``covered``: posts that must be filled
    (the campus's classes).
    """
    n_campuses = len(needed)
    owned = np.bincount(teachers.owner, minlength=n_campuses)
    present = np.bincount(teachers.campus, minlength=n_campuses)
    needed, covered = np.asarray(needed, np.int64), np.asarray(covered, np.int64)
    # teachers away on exchange hold their posts at home: a class they leave without a teacher present is covered
    short = np.maximum(np.minimum(covered, needed) - present, 0)
    open_posts = np.maximum(np.maximum(needed - owned, 0), short)
    must = np.maximum(np.maximum(covered - owned, 0), short)
    slot_campus = np.repeat(np.arange(n_campuses), open_posts)
    slot = np.arange(len(slot_campus)) - np.repeat(np.cumsum(open_posts) - open_posts, open_posts)
    keys = slot_campus.astype(np.int64) * HIRING_KEY_STRIDE + slot
    filled = (slot < must[slot_campus]) | (
        rng.uniform(seed, "hiring", year, keys, slot=0) < by_locale(params.fill_rate, campus_locale[slot_campus]))
    new = recruits(slot_campus[filled], keys[filled], campus_locale, talent_mean, spec, params, seed, year)
    hired = np.bincount(slot_campus[filled], minlength=n_campuses)
    return teachers.concat(new), Hiring(hired=hired, vacancies=open_posts - hired)
