"""Teacher life cycle: retirement, attrition, hiring, flows, keyed draws and skill growth."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from sim.processes.teachers import (
    HIRING_KEY_STRIDE, NOVICE_AGE_SPREAD, attrition_probability, campus_link_mean, grow_skill, september_hiring,
    summer_exits)
from sim.scenario.base import ShareByLocale
from sim.scenario.dynamics import TeacherDynamics
from sim.scenario.models import Teachers as TeacherSpec
from sim.state import Teachers

SPEC = TeacherSpec()
PARAMS = TeacherDynamics()
NO_ATTRITION = TeacherDynamics(attrition=ShareByLocale(urban=0.0, town=0.0, rural=0.0))
URBAN, TOWN, RURAL = 0, 1, 2


def make(campus, age=30, female=False, skill=0.0, owner=None, first_id=0) -> Teachers:
    """Teachers at ``campus`` (array of campus indices) with the given scalar or array attributes."""
    campus = np.asarray(campus, np.int32)
    n = len(campus)
    full = lambda v, dt: np.broadcast_to(np.asarray(v, dt), (n,)).copy()  # noqa: E731
    return Teachers(
        id=np.arange(first_id, first_id + n, dtype=np.int64), campus=campus,
        owner=campus.copy() if owner is None else full(owner, np.int32), pe_arts=np.zeros(n, bool),
        skill=full(skill, np.float32), age=full(age, np.int8), female=full(female, bool),
        title=np.ones(n, np.int8), backbone=np.zeros(n, bool), qualified=np.ones(n, bool),
        years_here=np.full(n, 3, np.int8), exchange_until=np.full(n, -1, np.int16), manager=np.zeros(n, bool))


def staff(teachers, needed, locale, allowance=None, params=PARAMS, seed=1, year=3, covered=None):
    """Summer exits then September hiring, with the flows of both in one object."""
    locale = np.asarray(locale, np.int8)
    allowance = np.zeros(len(locale)) if allowance is None else np.asarray(allowance, float)
    stay, exits = summer_exits(teachers, locale, allowance, params, seed, year)
    covered = np.zeros(len(locale), np.int64) if covered is None else np.asarray(covered)
    out, hiring = september_hiring(stay, np.asarray(needed), covered, locale, SPEC, params, seed, year)
    return out, SimpleNamespace(retired=exits.retired, left=exits.left, hired=hiring.hired, vacancies=hiring.vacancies)


def within(count, n, p, k=4.0) -> bool:
    """Whether ``count`` successes of ``n`` lie within k binomial standard errors of ``n p``."""
    return abs(count - n * p) <= k * np.sqrt(n * p * (1 - p)) + 1e-9


def test_ageing_and_retirement_by_sex():
    ages = np.array([58, 59, 60, 70, 53, 54, 55, 59])
    female = np.array([0, 0, 0, 0, 1, 1, 1, 1], bool)
    t = make(np.zeros(8), age=ages, female=female)
    out, flows = staff(t, [0], [URBAN], params=NO_ATTRITION)
    # after ageing: men 59, 60, 61, 71 (retire at 60); women 54, 55, 56, 60 (retire at 55)
    assert out.id.tolist() == [0, 4]
    assert out.age.tolist() == [59, 54]
    assert out.years_here.tolist() == [4, 4]
    assert flows.retired.tolist() == [6] and flows.left.tolist() == [0]


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
    assert attrition_probability(np.array([RURAL]), np.array([1e9]), PARAMS)[0] == pytest.approx(PARAMS.attrition.urban)


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
    assert age.min() == 22 and age.max() == 22 + NOVICE_AGE_SPREAD - 1
    assert np.all(out.campus[new] == 1) and np.all(out.owner[new] == 1)
    assert np.all(out.title[new] == 0) and not out.backbone[new].any() and not out.manager[new].any()
    assert np.all(out.years_here[new] == 0) and np.all(out.exchange_until[new] == -1)
    assert out.skill[new].mean() < -0.03 and abs(out.skill[new].std() - SPEC.skill_sd) < 0.01
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


def test_novices_gain_more_than_veterans():
    n = 2000
    t = make(np.zeros(2 * n), age=np.repeat([23, 45], n))
    gain = grow_skill(t, PARAMS, None, seed=1, year=2) - t.skill
    assert gain.dtype == np.float32
    assert gain[:n].mean() == pytest.approx(PARAMS.experience_gain, abs=0.002)
    assert gain[n:].mean() == pytest.approx(PARAMS.late_gain, abs=0.002)
    assert gain[:n].mean() > gain[n:].mean()


def test_peer_learning_moves_towards_link_mean():
    t = make(np.zeros(4), skill=[0.0, 0.2, -0.1, 0.1])
    link = np.array([0.3, 0.0, np.nan, 0.1])
    alone = grow_skill(t, PARAMS, None, seed=4, year=1)
    linked = grow_skill(t, PARAMS, link, seed=4, year=1)
    expected = PARAMS.peer_learning * np.array([0.3, -0.2, 0.0, 0.0])
    np.testing.assert_allclose(linked - alone, expected, atol=1e-6)
    assert np.array_equal(alone, grow_skill(t, PARAMS, None, seed=4, year=1))


def test_campus_link_mean_hand_example():
    t = make([0, 0, 1, 1, 1, 2], skill=[0.1, 0.3, -0.2, 0.0, 0.2, 0.5])
    # campuses 1 and 2 learn from campus 0 (the hub); campus 0 from nobody; campus 3 has no staff
    out = campus_link_mean(t, 4, np.array([-1, 0, 0, 3]))
    np.testing.assert_allclose(out, [np.nan, np.nan, 0.2, 0.2, 0.2, 0.2], atol=1e-7)
    out = campus_link_mean(t, 4, np.array([1, 3, 1, -1]))  # linked to an empty campus -> nan
    np.testing.assert_allclose(out, [0.0, 0.0, np.nan, np.nan, np.nan, 0.0], atol=1e-7)


def test_every_class_gets_a_teacher_whatever_the_fill_rate():
    never = NO_ATTRITION.model_copy(update={"fill_rate": ShareByLocale(urban=0.0, town=0.0, rural=0.0)})
    t = make(np.zeros(2, np.int32))
    out, flows = staff(t, [10, 4], [RURAL, RURAL], params=never, covered=[6, 12])
    # campus 0: 2 owned, 6 classes -> 4 covered posts filled though nobody applies; campus 1: needs only 4
    assert flows.hired.tolist() == [4, 4] and flows.vacancies.tolist() == [4, 0]
    assert np.bincount(out.owner, minlength=2).tolist() == [6, 4]
