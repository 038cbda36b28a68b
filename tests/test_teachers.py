"""Teacher exits and hiring: retirement, attrition, recruitment, flows and keyed draws."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from sim.processes.careers import START_AGE_SPREAD, after_year
from sim.processes.teachers import HIRING_KEY_STRIDE, attrition_probability, september_hiring, summer_exits
from sim.scenario.base import ShareByLocale
from sim.scenario.dynamics import TeacherDynamics
from sim.scenario.models import Teachers as TeacherSpec
from sim.state import THIRD, Teachers

from teacher_rows import make, within

SPEC = TeacherSpec()
PARAMS = TeacherDynamics()
NO_ATTRITION = TeacherDynamics(attrition=ShareByLocale(urban=0.0, town=0.0, rural=0.0))
OLD_AGES = NO_ATTRITION.model_copy(update={"retirement_reform": False})
URBAN, TOWN, RURAL = 0, 1, 2
SCHOOL_YEAR = 2030
"""Calendar year of the school year that ends in the tests' summer."""


def staff(teachers, needed, locale, allowance=None, params=PARAMS, seed=1, year=3, covered=None, talent_mean=None):
    """A summer (a year older, exits) then September hiring, with the flows of both in one object."""
    locale = np.asarray(locale, np.int8)
    allowance = np.zeros(len(locale)) if allowance is None else np.asarray(allowance, float)
    aged = after_year(teachers, params, None, np.zeros(len(locale), bool), seed, year)
    stay, exits = summer_exits(aged, locale, allowance, params, seed, year, SCHOOL_YEAR + 1)
    covered = np.zeros(len(locale), np.int64) if covered is None else np.asarray(covered)
    talent_mean = np.zeros(len(locale)) if talent_mean is None else np.asarray(talent_mean)
    out, hiring = september_hiring(stay, np.asarray(needed), covered, locale, talent_mean, SPEC, params, seed, year)
    return out, SimpleNamespace(retired=exits.retired, left=exits.left, hired=hiring.hired, vacancies=hiring.vacancies)


def test_ageing_and_retirement_by_sex_at_the_old_ages():
    ages = np.array([58, 59, 60, 70, 53, 54, 55, 59])
    female = np.array([0, 0, 0, 0, 1, 1, 1, 1], bool)
    t = make(np.zeros(8), age=ages, female=female)
    out, flows = staff(t, [0], [URBAN], params=OLD_AGES)
    # after a year: men 59, 60, 61, 71 (retire at 60); women 54, 55, 56, 60 (retire at 55)
    assert out.id.tolist() == [0, 4]
    assert out.age.tolist() == [59, 54]
    assert out.years_here.tolist() == [4, 4]
    assert flows.retired.tolist() == [6] and flows.left.tolist() == [0]


def test_the_reform_keeps_those_born_later_at_work():
    # born January (make's birth month): a man 59 in September 2030 was born in 1971 and, a year older
    # on 1 September 2031, is 60 — but the reform has moved his retirement to 61 and 7 months
    t = make(np.zeros(2), age=[59, 59], female=[False, True], experience=30)
    t.age[1] = 54  # a woman born 1976: 55 in 2031, her retirement moved to 56 and 7 months
    out, flows = staff(t, [0], [URBAN], params=NO_ATTRITION)
    assert out.id.tolist() == [0, 1] and flows.retired.tolist() == [0]
    _, old = staff(t, [0], [URBAN], params=OLD_AGES)
    assert old.retired.tolist() == [2]


def test_ageing_caps_at_int8():
    t = make([0], age=30)
    t.years_here[:] = 127
    out, _ = staff(t, [0], [URBAN], params=NO_ATTRITION)
    assert out.years_here.tolist() == [127]


def test_attrition_matches_locale_rates():
    n = 20_000
    campus = np.repeat([0, 1, 2], n)
    out, flows = staff(make(campus), [0, 0, 0], [URBAN, TOWN, RURAL])
    for c, rate in enumerate([PARAMS.attrition.urban, PARAMS.attrition.town, PARAMS.attrition.rural]):
        assert within(flows.left[c], n, rate), (c, flows.left[c])
    assert flows.left[2] > flows.left[0]
    assert len(out) == 3 * n - flows.left.sum()


def test_allowance_reduces_rural_attrition():
    n = 20_000
    t = make(np.repeat([0, 1], n))
    _, none = staff(t, [0, 0], [RURAL, RURAL], allowance=[0, 0])
    _, paid = staff(t, [0, 0], [RURAL, RURAL], allowance=[0, PARAMS.allowance_halving_yuan])
    halfway = (PARAMS.attrition.urban + PARAMS.attrition.rural) / 2
    assert within(paid.left[1], n, halfway)
    assert paid.left[1] < none.left[1]
    assert paid.left[0] == none.left[0]  # the other campus's decisions are untouched
    assert attrition_probability(np.array([RURAL]), np.array([1e9]), np.array([10]), PARAMS)[0] == pytest.approx(
        PARAMS.attrition.urban)


def test_early_career_teachers_leave_more_often():
    n = 20_000
    novices, seasoned = make(np.zeros(n, int), age=24, experience=1), make(np.zeros(n, int), age=40, first_id=n)
    _, a = staff(novices, [0], [RURAL])
    _, b = staff(seasoned, [0], [RURAL])
    assert within(b.left[0], n, PARAMS.attrition.rural)
    assert within(a.left[0], n, PARAMS.early_attrition_ratio * PARAMS.attrition.rural)


def test_hiring_fills_vacancies_at_fill_rate_and_never_beyond_needed():
    needed = np.array([20_000, 20_000, 20_000, 5])
    locale = [URBAN, TOWN, RURAL, RURAL]
    t = make(np.full(10, 3))  # campus 3 is overstaffed: 10 teachers for 5 posts
    out, flows = staff(t, needed, locale, params=NO_ATTRITION)
    assert flows.hired[0] == 20_000 and flows.vacancies[0] == 0  # urban fill rate 1
    assert within(flows.hired[1], 20_000, PARAMS.fill_rate.town)
    assert within(flows.hired[2], 20_000, PARAMS.fill_rate.rural)
    assert flows.hired[3] == 0 and flows.vacancies[3] == 0
    assert (flows.hired + flows.vacancies)[:3].tolist() == needed[:3].tolist()
    owned = np.bincount(out.owner, minlength=4)
    assert np.all(owned[:3] <= needed[:3])


def test_posts_counted_by_owner():
    # a teacher of campus 0 away on exchange at campus 1 still fills campus 0's post
    t = make([1], owner=[0])
    t.exchange_until[:] = 5
    _, flows = staff(t, [1, 0], [URBAN, URBAN], params=NO_ATTRITION)
    assert flows.hired.tolist() == [0, 0]


def test_recruits_attributes_and_ids():
    out, flows = staff(make(np.zeros(5)), [0, 4000], [URBAN, RURAL], params=NO_ATTRITION)
    new = out.id >= 5
    assert new.sum() == flows.hired.sum() > 0
    # ids: year × 2⁴⁰ + the vacancy-slot key (campus 1 × HIRING_KEY_STRIDE + slot)
    assert set(out.id[new] - (3 << 40) - HIRING_KEY_STRIDE) <= set(range(4000))
    assert len(np.unique(out.id)) == len(out)
    assert out.id[:5].tolist() == [0, 1, 2, 3, 4]  # survivors first, order kept
    age = out.age[new]
    assert age.min() == 22 and age.max() == 22 + START_AGE_SPREAD - 1
    assert np.all(out.campus[new] == 1) and np.all(out.owner[new] == 1)
    assert np.all(out.title[new] == THIRD) and not out.backbone[new].any() and not out.manager[new].any()
    assert np.all(out.experience[new] == 0) and np.all(out.hardship_years[new] == 0)
    assert np.all(out.years_here[new] == 0) and np.all(out.exchange_until[new] == -1)
    # novices: talent around the campus's mean (0 here), skill one experience premium below it
    assert abs(out.talent[new].mean()) < 4 * SPEC.skill_sd / np.sqrt(new.sum())
    np.testing.assert_allclose(out.skill[new], out.talent[new] - PARAMS.experience_premium, atol=1e-6)
    assert abs(out.talent[new].std() - SPEC.skill_sd) < 0.01
    assert within(out.female[new].sum(), new.sum(), SPEC.female_share)
    assert within(out.qualified[new].sum(), new.sum(), SPEC.above_qualification_share.rural)
    assert within(out.pe_arts[new].sum(), new.sum(), SPEC.pe_arts_share)
    assert out.skill.dtype == np.float32 and out.age.dtype == np.int8 and out.campus.dtype == np.int32


def test_flows_conserve_per_campus():
    rng = np.random.default_rng(0)
    n = 5000
    t = make(rng.integers(0, 6, n), age=rng.integers(22, 62, n), female=rng.random(n) < 0.7)
    needed = np.array([900, 700, 1000, 800, 0, 850])
    locale = [URBAN, TOWN, RURAL, RURAL, TOWN, URBAN]
    out, f = staff(t, needed, locale, allowance=[0, 0, 500, 0, 0, 0])
    before, after = np.bincount(t.campus, minlength=6), np.bincount(out.campus, minlength=6)
    assert after.tolist() == (before - f.retired - f.left + f.hired).tolist()
    assert f.retired.sum() > 0 and f.left.sum() > 0 and f.hired.sum() > 0


def test_same_seed_same_result_and_seed_matters():
    t = make(np.repeat([0, 1, 2], 2000), age=40)
    a, fa = staff(t, [2100, 2100, 2100], [URBAN, TOWN, RURAL])
    b, fb = staff(t, [2100, 2100, 2100], [URBAN, TOWN, RURAL])
    c, _ = staff(t, [2100, 2100, 2100], [URBAN, TOWN, RURAL], seed=2)
    assert np.array_equal(a.id, b.id) and np.array_equal(a.skill, b.skill) and np.array_equal(fa.hired, fb.hired)
    assert not np.array_equal(a.id, c.id)


def test_common_random_numbers_across_arrays():
    t = make(np.repeat([0, 1, 2], 3000), age=40)
    needed, locale = [3000, 3000, 3000], [RURAL, RURAL, RURAL]
    full, f_full = staff(t, needed, locale)
    keep = t.campus != 1  # another run where campus 1's teachers are gone, in reversed order
    order = np.flatnonzero(keep)[::-1]
    part = Teachers(**{k: v[order] for k, v in vars(t).items()})
    cut, f_cut = staff(part, needed, locale)
    old = t.id[keep]
    assert set(np.intersect1d(full.id, old)) == set(np.intersect1d(cut.id, old))
    assert f_full.left[[0, 2]].tolist() == f_cut.left[[0, 2]].tolist()
    # recruits fill the same slots with the same people (ids differ, attributes do not), also at
    # campus 2, whose vacancies come after campus 1's in the arrays
    for c in (0, 2):
        new_full = (full.campus == c) & ~np.isin(full.id, t.id)
        new_cut = (cut.campus == c) & ~np.isin(cut.id, t.id)
        assert new_full.sum() > 0
        assert np.array_equal(full.skill[new_full], cut.skill[new_cut])


def test_recruits_talent_follows_their_campus():
    out, flows = staff(make(np.zeros(0)), [3000, 3000], [RURAL, RURAL], params=NO_ATTRITION, covered=[3000, 3000],
                       talent_mean=[-0.1, 0.2])
    gap = out.talent[out.campus == 1].mean() - out.talent[out.campus == 0].mean()
    assert gap == pytest.approx(0.3, abs=4 * SPEC.skill_sd * np.sqrt(2 / 3000))


def test_every_class_gets_a_teacher_whatever_the_fill_rate():
    never = NO_ATTRITION.model_copy(update={"fill_rate": ShareByLocale(urban=0.0, town=0.0, rural=0.0)})
    t = make(np.zeros(2, np.int32))
    out, flows = staff(t, [10, 4], [RURAL, RURAL], params=never, covered=[6, 12])
    # campus 0: 2 owned, 6 classes -> 4 covered posts filled though nobody applies; campus 1: needs only 4
    assert flows.hired.tolist() == [4, 4] and flows.vacancies.tolist() == [4, 0]
    assert np.bincount(out.owner, minlength=2).tolist() == [6, 4]
