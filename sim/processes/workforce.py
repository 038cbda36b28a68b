"""Drawing teachers: the starting workforce of each campus, and September recruits.

A starting workforce is one the career mechanisms could have produced:

* ages follow the scenario's age mix (bands 22–34, 35–49, 50+), and nobody is at or past the
  statutory retirement age by sex on 1 September of the first year (:mod:`sim.processes.retirement`):
  each band is cut at the oldest age a teacher of that sex and birth month may still start the year;
* experience is consistent with age (start at 22–26, :func:`~sim.processes.careers.start_experience`),
  and years at the current campus at most that;
* talent is drawn around the campus's starting quality (:mod:`sim.processes.careers`) and skill adds
  the experience profile, so experienced teachers are better on average;
* titles follow the quota ranking of :mod:`sim.processes.titles` by merit among those with the
  years the ladder asks; backbone status the top ``backbone_share`` of first-title-or-above teachers
  with 5+ years by merit, per locale; the higher qualification the top ``above_qualification_share``
  per locale by a mix of youth (younger cohorts hold more degrees) and talent (Liu 2021: a
  bachelor-degree teacher +0.069 SD) with a random part;
* teachers at hardship campuses (rural or weak) have served there for their years at the campus,
  and :data:`PRIOR_HARDSHIP_SHARE` of the others served 1–5 years at one before.

Every attribute is drawn from keyed numbers (:mod:`sim.rng`): starting teachers by their id (stream
"init", slots 10–39), recruits by their vacancy-slot key (stream "hiring").
"""

from __future__ import annotations

import numpy as np

from .. import rng
from ..network import CompiledNetwork
from ..scenario import models
from ..scenario.base import ByLocale
from ..scenario.dynamics import TeacherDynamics
from ..scenario.models import LOCALES
from ..scenario.resolved import ResolvedScenario
from ..state import FIRST, THIRD, Teachers
from . import careers, retirement, titles

AGE_BANDS = {"young": (22, 35), "middle": (35, 50), "old": (50, 70)}
"""Age bands of the age mix (models.AgeMix: young under 35, middle 35–49, old 50 and over), years;
the old band is cut by each teacher's statutory retirement age."""

PRIOR_HARDSHIP_SHARE = 0.5
"""Share of teachers at non-hardship campuses who taught 1–5 years at a rural or weak campus before
(no estimate; about half of rural-first-posted teachers later move to town posts, 中国农村教育发展报告
2013–2014)."""

QUALIFICATION_TILT = 0.5
"""Weight of youth and of talent (each in SD units) beside a unit-SD random part in the ranking that
gives the higher qualification to a locale's share of starting teachers (no estimate)."""


def by_locale(value: ByLocale, locale: np.ndarray) -> np.ndarray:
    """A per-locale parameter read at each locale code in ``locale`` (0 urban, 1 town, 2 rural)."""
    return np.array([value.of(loc) for loc in LOCALES])[locale]


def oldest_start_age(female: np.ndarray, birth_month: np.ndarray, school_year: int,
                     params: TeacherDynamics) -> np.ndarray:
    """The oldest age (years on 1 September ``school_year``) at which each teacher has not yet
    reached their statutory retirement month, given sex and birth month: worked out once for each of
    the 24 (sex, birth month) pairs and read off per teacher."""
    ages = np.arange(40, 71)
    month = np.tile(np.arange(1, 13), 2)[:, None]
    woman = np.repeat([False, True], 12)[:, None]
    by = retirement.birth_year(school_year, ages[None, :], month)
    due = retirement.retirement_month(by, month, woman, params.retirement_age_men, params.retirement_age_women,
                                      params.retirement_reform)
    ok = ~retirement.reached_by_september(due, school_year)
    oldest = np.where(ok.any(1), ages[np.where(ok, np.arange(len(ages)), -1).max(1)], ages[0] - 1)
    return oldest[np.asarray(female, np.int64) * 12 + np.asarray(birth_month, np.int64) - 1]


def _ages(band: np.ndarray, cap: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Integer ages uniform over each band [lo, hi) cut at ``cap`` (inclusive)."""
    lo = np.array([AGE_BANDS[b][0] for b in AGE_BANDS])[band]
    hi = np.minimum(np.array([AGE_BANDS[b][1] for b in AGE_BANDS])[band], cap + 1)
    hi = np.maximum(hi, lo + 1)
    return np.minimum(lo + np.floor(u * (hi - lo)), cap).astype(np.int8)


def _zscore(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, np.float64)
    sd = x.std()
    return (x - x.mean()) / sd if sd > 0 else np.zeros_like(x)


def initial_teachers(scn: ResolvedScenario, net: CompiledNetwork, seed: int,
                     hardship: np.ndarray | None = None) -> Teachers:
    """Each campus's teachers at the start (module docstring).  ``hardship``: per campus, rural or
    weak (default :func:`~sim.processes.titles.hardship_campuses` of the starting qualities)."""
    spec, params = scn.teachers, scn.dynamics.teachers
    counts = np.array([c.teachers for c in scn.campuses], dtype=np.int64)
    n = int(counts.sum())
    campus = np.repeat(np.arange(len(scn.campuses)), counts).astype(np.int32)
    ids = np.arange(n, dtype=np.int64)
    quality = np.array([c.quality for c in scn.campuses], dtype=np.float64)
    if hardship is None:  # the network may also hold campuses opened later by policy
        hardship = titles.hardship_campuses(net.campus_locale[:len(quality)], quality)

    def u(slot: int) -> np.ndarray:
        return rng.uniform(seed, "init", 0, ids, slot=10 + slot)

    locale = net.campus_locale[campus].astype(np.int64)
    female = u(4) < spec.female_share
    birth_month = (1 + np.floor(u(8) * 12)).astype(np.int8)
    mix = spec.age_mix
    band = np.searchsorted(np.cumsum([mix.young, mix.middle]), u(0))
    age = _ages(band, oldest_start_age(female, birth_month, scn.simulation.start_year, params), u(1))
    experience = careers.start_experience(age, u(9))
    talent = careers.talent_draw(careers.SKILL_PER_QUALITY * quality[campus],
                                 rng.normal(seed, "init", 0, ids, slot=20), spec.skill_sd)
    skill = careers.skill_of(talent, experience, params)
    score = titles.merit_score(skill, experience, rng.normal(seed, "init", 0, ids, slot=21))
    title, title_years = titles.initial_titles(experience, score, ids, locale, spec, u(2))
    backbone = titles.top_within_pools(locale, score, ids, (title >= FIRST)
                                       & (experience >= titles.BACKBONE_MIN_EXPERIENCE),
                                       titles.quota(locale, by_locale(spec.backbone_share, np.arange(3))))
    latent = QUALIFICATION_TILT * (_zscore(talent) - _zscore(age)) + rng.normal(seed, "init", 0, ids, slot=22)
    qualified = titles.top_within_pools(locale, latent, ids, np.ones(n, bool),
                                        titles.quota(locale, by_locale(spec.above_qualification_share, np.arange(3))))
    years_here = np.minimum(experience, np.floor(u(7) * 15)).astype(np.int8)
    before = np.where(u(5) < PRIOR_HARDSHIP_SHARE, np.minimum(1 + np.floor(u(6) * 5), experience - years_here), 0)
    hardship_years = np.maximum(before, 0) + np.where(hardship[campus], years_here, 0)
    manager = np.zeros(n, bool)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    for k in range(spec.managers_per_campus):  # the first few teachers of each campus lead it
        manager[starts[counts > k] + k] = True
    return Teachers(
        id=ids, campus=campus, owner=campus.copy(), pe_arts=u(3) < spec.pe_arts_share, talent=talent, skill=skill,
        experience=experience, age=age, birth_month=birth_month, female=female, title=title,
        title_years=title_years, backbone=backbone, qualified=qualified, years_here=years_here,
        hardship_years=hardship_years.astype(np.int8), exchange_until=np.full(n, -1, np.int16), manager=manager)


def recruits(campus: np.ndarray, keys: np.ndarray, campus_locale: np.ndarray, talent_mean: np.ndarray,
             spec: models.Teachers, params: TeacherDynamics, seed: int, year: int) -> Teachers:
    """New teachers posted to ``campus``, attributes and ids (:func:`sim.rng.born_ids`) keyed by their
    vacancy-slot ``keys`` (stream "hiring"; slot 0 is the fill decision itself).

    Age START_AGE + U{0…4}, no experience; talent around ``talent_mean[campus]`` with SD ``skill_sd``
    (so skill is talent − experience_premium); birth month uniform; women with probability
    ``female_share``, above the qualification requirement with the locale's
    ``above_qualification_share``, PE/arts with ``pe_arts_share``; third title (probation), not
    backbone, not a manager, owned by the campus of post, no exchange.
    """
    n = len(campus)

    def u(slot: int) -> np.ndarray:
        return rng.uniform(seed, "hiring", year, keys, slot=1 + slot)

    campus = campus.astype(np.int32)
    age = careers.START_AGE + np.floor(u(0) * careers.START_AGE_SPREAD)
    talent = careers.talent_draw(np.asarray(talent_mean)[campus], rng.normal(seed, "hiring", year, keys, slot=2),
                                 spec.skill_sd)
    experience = np.zeros(n, np.int8)
    zeros8 = np.zeros(n, np.int8)
    return Teachers(
        id=rng.born_ids(year, keys), campus=campus, owner=campus.copy(), pe_arts=u(2) < spec.pe_arts_share,
        talent=talent, skill=careers.skill_of(talent, experience, params), experience=experience,
        age=age.astype(np.int8), birth_month=(1 + np.floor(u(5) * 12)).astype(np.int8), female=u(3) < spec.female_share,
        title=np.full(n, THIRD, np.int8), title_years=zeros8.copy(), backbone=np.zeros(n, bool),
        qualified=u(4) < by_locale(spec.above_qualification_share, campus_locale[campus]),
        years_here=zeros8.copy(), hardship_years=zeros8.copy(), exchange_until=np.full(n, -1, np.int16),
        manager=np.zeros(n, bool))


def restore_age_mix(teachers: Teachers, spec: models.Teachers, params: TeacherDynamics, school_year: int,
                    seed: int) -> Teachers:
    """The teachers with the scenario's age mix put back, each keeping its place in the order of ages.

    After the career rules have run for some years before the start (:meth:`sim.engine.Simulation`'s
    workforce settling), the workforce is the one those rules produce, but older or younger than the
    scenario says.  Ages are drawn anew from ``age_mix`` (keyed by id, stream "init", slots 30 and
    31; cut below each teacher's retirement month as at the start), sorted, and given out by the
    rank of the settled ages within each sex; experience moves by the same number of years as age
    (within 0 … age − START_AGE), and skill follows.  So who is young (a campus that turns its staff
    over fast has more novices) is the rules', how young the county's teachers are is the data's.
    """
    ids = teachers.id
    u0 = rng.uniform(seed, "init", 0, ids, slot=30)
    u1 = rng.uniform(seed, "init", 0, ids, slot=31)
    mix = spec.age_mix
    band = np.searchsorted(np.cumsum([mix.young, mix.middle]), u0)
    cap = oldest_start_age(teachers.female, teachers.birth_month, school_year, params)
    drawn = _ages(band, cap, u1).astype(np.int16)
    age = teachers.age.astype(np.int16).copy()
    for sex in (False, True):
        rows = np.flatnonzero(teachers.female == sex)
        order = rows[np.lexsort((ids[rows], teachers.birth_month[rows], age[rows]))]
        age[order] = np.sort(drawn[rows])
    age = np.minimum(age, cap)
    shift = age - teachers.age.astype(np.int16)
    experience = np.clip(teachers.experience.astype(np.int16) + shift, 0,
                         np.maximum(age - careers.START_AGE, 0)).astype(np.int8)
    return Teachers(**{**vars(teachers), "age": age.astype(np.int8), "experience": experience,
                       "skill": careers.skill_of(teachers.talent, experience, params)})


def renew_leadership(teachers: Teachers, team_size: np.ndarray) -> np.ndarray:
    """The ``manager`` flags after each campus's leadership team is refilled to ``team_size`` (per
    campus): a team short of members (its managers retired, left or were moved) appoints the most
    experienced main-subject teachers at home (``campus == owner``, not on a posting), ties by id; a
    team above its size keeps its members (nobody is demoted: a consortium's members shrink theirs
    when it forms).  Managers count for the campus holding their post."""
    t = teachers
    n = len(team_size)
    have = np.bincount(t.owner[t.manager], minlength=n)
    short = np.maximum(np.asarray(team_size, np.int64) - have, 0)
    if not short.any():
        return t.manager
    pool = np.flatnonzero(~t.manager & (t.campus == t.owner) & (t.exchange_until < 0) & ~t.pe_arts
                          & (short[t.campus] > 0))
    pool = pool[np.lexsort((t.id[pool], -t.experience[pool], t.campus[pool]))]
    c = t.campus[pool]
    rank = np.arange(len(pool)) - np.searchsorted(c, c)
    manager = t.manager.copy()
    manager[pool[rank < short[c]]] = True
    return manager
