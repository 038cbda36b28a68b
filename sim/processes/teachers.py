"""Teacher life cycle: summer exits (ageing, retirement, attrition), September hiring, skill growth.

Every random decision is keyed (:mod:`sim.rng`), so it does not depend on array order or on what
happened at other campuses:

* attrition by teacher id (stream ``"attrition"``);
* hiring by vacancy slot, key ``campus × HIRING_KEY_STRIDE + slot`` (stream ``"hiring"``): the
  s-th vacancy of campus c in year y is filled, and by a recruit with the same attributes, in every
  scenario on the same seed, whatever the other campuses do;
* skill noise by teacher id (stream ``"skill"``).

Posts are counted by the campus holding the staffing quota (``owner``, 编制), so a teacher away on an
exchange posting still fills their home post and the sending campus does not hire a replacement.
Retirement and attrition are counted at the campus of post (``campus``), where the allowance is paid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import rng
from ..scenario import models
from ..scenario.base import ByLocale
from ..scenario.dynamics import TeacherDynamics
from ..scenario.models import LOCALES
from ..state import EXPERIENCE_START_AGE, Teachers

INT8_MAX = np.iinfo(np.int8).max
"""Ceiling of the int8 ``age`` and ``years_here`` fields."""

HIRING_KEY_STRIDE = 1_000_000
"""Keys of vacancy slots: ``campus index × HIRING_KEY_STRIDE + slot`` (distinct while a campus has
fewer than a million vacancies)."""

NOVICE_AGE_SPREAD = 5
"""New teachers' ages are uniform over the integers 22 … 26 (22 + 0 … 4): bachelor graduates,
some after a master's degree or other work (no estimate)."""

NOVICE_SKILL = -0.05
"""Mean skill of a new teacher, pupil SD per year relative to the start-year region mean (0): novices
are less effective than experienced teachers (Rockoff 2004, AER P&P 94(2): significant returns to
early experience).  Size no estimate: half of the five years' ``experience_gain`` (5 × 0.02)."""

SKILL_NOISE_SD = 0.01
"""SD of the yearly idiosyncratic change in a teacher's skill, pupil SD per year (no estimate)."""

EARLY_CAREER_YEARS = 5
"""Years of experience during which skill grows at ``experience_gain`` (Rockoff 2004; Papay &
Kraft 2015, J. Public Econ. 130: steep gains in the first 3–5 years), ``late_gain`` after."""


@dataclass(frozen=True)
class Exits:
    """Who left in a summer, per campus of post (int64 arrays of length n_campuses)."""

    retired: np.ndarray    # left at retirement age
    left: np.ndarray       # attrition (other exits)


@dataclass(frozen=True)
class Hiring:
    """What a September hiring round did, per campus (int64 arrays of length n_campuses)."""

    hired: np.ndarray      # new teachers posted to (and owned by) the campus
    vacancies: np.ndarray  # posts still unfilled after hiring


def by_locale(value: ByLocale, locale: np.ndarray) -> np.ndarray:
    """A per-locale parameter read at each locale code in ``locale`` (0 urban, 1 town, 2 rural)."""
    return np.array([value.of(loc) for loc in LOCALES])[locale]


def attrition_probability(locale: np.ndarray, allowance_yuan: np.ndarray, params: TeacherDynamics) -> np.ndarray:
    """Yearly probability of leaving at posts of locale codes ``locale`` paying ``allowance_yuan`` a month.

    ``p = a_u + (a_l − a_u) × 0.5 ^ (allowance / allowance_halving_yuan)``, where ``a_l`` is the
    attrition rate of the post's locale and ``a_u`` the urban rate: each ``allowance_halving_yuan``
    of monthly allowance halves the excess over the urban rate (defaults in
    :class:`~sim.scenario.dynamics.TeacherDynamics`; no published estimate).
    """
    a_l = by_locale(params.attrition, locale)
    a_u = params.attrition.urban
    allowance = np.asarray(allowance_yuan, float)
    # allowance / halving, read as 0 for no allowance and ∞ for any allowance when halving is 0
    halvings = np.divide(allowance, params.allowance_halving_yuan, out=np.where(allowance > 0, np.inf, 0.0),
                         where=params.allowance_halving_yuan > 0)
    return a_u + (a_l - a_u) * 0.5 ** halvings


def _aged(teachers: Teachers) -> Teachers:
    """A copy one year older and one more year at the current campus (capped at the int8 maximum)."""
    def older(x: np.ndarray) -> np.ndarray:
        return np.minimum(x.astype(np.int16) + 1, INT8_MAX).astype(np.int8)

    return Teachers(**{**vars(teachers), "age": older(teachers.age), "years_here": older(teachers.years_here)})


def _take(teachers: Teachers, keep: np.ndarray) -> Teachers:
    return Teachers(**{name: value[keep] for name, value in vars(teachers).items()})


def _concat(a: Teachers, b: Teachers) -> Teachers:
    return Teachers(**{name: np.concatenate([value, getattr(b, name)]).astype(value.dtype)
                       for name, value in vars(a).items()})


def _recruits(campus: np.ndarray, keys: np.ndarray, locale: np.ndarray, spec: models.Teachers,
              seed: int, year: int) -> Teachers:
    """New teachers posted to ``campus``, attributes and ids (:func:`sim.rng.born_ids`) keyed by
    their vacancy-slot ``keys``.

    Age 22 + U{0…4}; skill ``NOVICE_SKILL + skill_sd × z``; women with probability ``female_share``,
    above the qualification requirement with the locale's ``above_qualification_share``, PE/arts with
    ``pe_arts_share`` (all from the scenario's workforce composition); second title or below, not
    backbone, not a manager, owned by the campus of post, no exchange.
    """
    n = len(campus)

    def u(slot: int) -> np.ndarray:  # slot 0 is the fill decision itself
        return rng.uniform(seed, "hiring", year, keys, slot=1 + slot)

    age = EXPERIENCE_START_AGE + np.floor(u(0) * NOVICE_AGE_SPREAD)
    skill = NOVICE_SKILL + spec.skill_sd * rng.normal(seed, "hiring", year, keys, slot=2)
    campus = campus.astype(np.int32)
    return Teachers(
        id=rng.born_ids(year, keys), campus=campus, owner=campus.copy(),
        pe_arts=u(2) < spec.pe_arts_share, skill=skill.astype(np.float32), age=age.astype(np.int8),
        female=u(3) < spec.female_share, title=np.zeros(n, np.int8), backbone=np.zeros(n, bool),
        qualified=u(4) < by_locale(spec.above_qualification_share, locale[campus]),
        years_here=np.zeros(n, np.int8), exchange_until=np.full(n, -1, np.int16), manager=np.zeros(n, bool))


def summer_exits(teachers: Teachers, campus_locale: np.ndarray, allowance_yuan: np.ndarray,
                 params: TeacherDynamics, seed: int, year: int) -> tuple[Teachers, Exits]:
    """Age the workforce and remove retirees and leavers at the end of school year ``year``.

    1. Ageing: ``age += 1``, ``years_here += 1``.
    2. Retirement: men aged ≥ ``retirement_age_men`` and women ≥ ``retirement_age_women`` leave.
    3. Attrition: each remaining teacher leaves if ``U(seed, "attrition", year, id) < p`` with ``p``
       from :func:`attrition_probability` at the locale and monthly allowance of the campus of post.

    ``campus_locale``: campus locale codes; ``allowance_yuan``: monthly allowance per campus.  The
    survivors keep their order.
    """
    n_campuses = len(campus_locale)
    aged = _aged(teachers)
    limit = np.where(aged.female, params.retirement_age_women, params.retirement_age_men)
    retiring = aged.age >= limit
    post = aged.campus
    p_leave = attrition_probability(campus_locale[post], np.asarray(allowance_yuan)[post], params)
    leaving = ~retiring & (rng.uniform(seed, "attrition", year, aged.id) < p_leave)
    return _take(aged, ~(retiring | leaving)), Exits(retired=np.bincount(post[retiring], minlength=n_campuses),
                                                   left=np.bincount(post[leaving], minlength=n_campuses))


def september_hiring(teachers: Teachers, needed: np.ndarray, covered: np.ndarray, campus_locale: np.ndarray,
                     spec: models.Teachers, params: TeacherDynamics, seed: int,
                     year: int) -> tuple[Teachers, Hiring]:
    """Fill open posts at the start of school year ``year``; return (teachers, what was hired).

    Campus c has ``v_c = max(needed_c − owned_c, 0)`` open posts, ``owned_c`` the teachers whose
    quota it holds.  Vacancy slot s = 0 … v_c − 1 is filled if ``s < covered_c − owned_c`` (the
    bureau gives every class a teacher, by transfer or a substitute contract, 代课/调剂, whatever
    the labour market) or if ``U(seed, "hiring", year, c × HIRING_KEY_STRIDE + s) < fill_rate(locale_c)``;
    so hires never exceed ``needed``, and a campus never has fewer owned teachers than
    ``min(covered, needed)``.  Recruits are drawn by :func:`_recruits`, with ids from their slot keys, and
    follow the existing teachers.

    ``needed``: posts per campus (from pupils and classes,
    :func:`~sim.scenario.campus_defaults.teachers_needed`); ``covered``: posts that must be filled
    (the campus's classes).
    """
    n_campuses = len(needed)
    owned = np.bincount(teachers.owner, minlength=n_campuses)
    open_posts = np.maximum(np.asarray(needed, np.int64) - owned, 0)
    must = np.maximum(np.asarray(covered, np.int64) - owned, 0)
    slot_campus = np.repeat(np.arange(n_campuses), open_posts)
    slot = np.arange(len(slot_campus)) - np.repeat(np.cumsum(open_posts) - open_posts, open_posts)
    keys = slot_campus.astype(np.int64) * HIRING_KEY_STRIDE + slot
    filled = (slot < must[slot_campus]) | (
        rng.uniform(seed, "hiring", year, keys, slot=0) < by_locale(params.fill_rate, campus_locale[slot_campus]))
    recruits = _recruits(slot_campus[filled], keys[filled], campus_locale, spec, seed, year)
    hired = np.bincount(slot_campus[filled], minlength=n_campuses)
    return _concat(teachers, recruits), Hiring(hired=hired, vacancies=open_posts - hired)


def grow_skill(teachers: Teachers, params: TeacherDynamics, link_mean: np.ndarray | None, seed: int,
               year: int) -> np.ndarray:
    """Each teacher's skill after a year of teaching (float32, pupil SD per year).

    ``skill' = skill + g(experience) + λ × (m − skill) + σ × z``, where ``g`` is ``experience_gain``
    for fewer than ``EARLY_CAREER_YEARS`` years of experience and ``late_gain`` after (Rockoff 2004;
    Papay & Kraft 2015), ``λ`` is ``peer_learning``, ``m`` the mean skill of the teachers one is
    linked to by joint research (``link_mean``, nan or ``None`` = no link: no peer term), ``σ`` is
    ``SKILL_NOISE_SD`` and ``z`` a standard normal keyed by (seed, "skill", year, id).
    """
    skill = teachers.skill.astype(np.float64)
    gain = np.where(teachers.experience < EARLY_CAREER_YEARS, params.experience_gain, params.late_gain)
    if link_mean is not None:
        gap = np.asarray(link_mean, np.float64) - skill
        gain = gain + params.peer_learning * np.where(np.isnan(gap), 0.0, gap)
    noise = SKILL_NOISE_SD * rng.normal(seed, "skill", year, teachers.id)
    return (skill + gain + noise).astype(np.float32)


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
