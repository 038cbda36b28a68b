"""Titles, backbone designation and qualification: quotas filled by merit, the ladder's waiting
years, the rural-service rule for the senior title, and a starting workforce that looks renewed."""

from __future__ import annotations

import numpy as np
import pytest

from sim.network import compile_network
from sim.processes.titles import (
    YEARS_TO_FIRST, YEARS_TO_SENIOR, designate_backbone, hardship_campuses, promote, quota, top_within_pools,
    upgrade_qualification)
from sim.scenario.dynamics import TeacherDynamics
from sim.scenario.loader import load_scenario
from sim.scenario.models import Teachers as TeacherSpec
from sim.scenario.models import TitleMix
from sim.state import FIRST, SECOND, SENIOR, THIRD, initial_state

from conftest import COUNTY
from teacher_rows import make, within

PARAMS = TeacherDynamics()
SPEC = TeacherSpec(title_mix=TitleMix(senior=0.2, first=0.4, second=0.4))


def test_quota_and_ranking_within_pools():
    pool = np.array([0, 0, 0, 0, 1, 1, 1])
    assert quota(pool, [0.5, 0.34]).tolist() == [2, 1]  # round half up of 2.0 and 1.02
    score = np.array([0.1, 0.5, 0.3, 0.9, 0.2, 0.2, 0.0])
    eligible = np.array([True, True, True, False, True, True, True])
    chosen = top_within_pools(pool, score, np.arange(7), eligible, np.array([2, 1]))
    assert np.flatnonzero(chosen).tolist() == [1, 2, 4]  # 3 is not eligible; tie 4/5 goes to the lower id


def test_ranking_within_pools_matches_the_full_sort_with_and_without_ties():
    """The fast path (continuous scores) and the tie path both pick what a (pool, −score, id) sort picks."""
    gen = np.random.default_rng(5)
    for scores in (gen.normal(size=3000), gen.integers(0, 20, 3000).astype(float)):
        pool, ids = gen.integers(0, 3, 3000), gen.permutation(3000) * 7
        eligible, places = gen.random(3000) < 0.7, np.array([100, 400, 2000])
        rows = np.flatnonzero(eligible)
        order = rows[np.lexsort((ids[rows], -scores[rows], pool[rows]))]
        rank = np.arange(len(order)) - np.searchsorted(pool[order], pool[order])
        expected = np.zeros(3000, bool)
        expected[order[rank < places[pool[order]]]] = True
        assert np.array_equal(top_within_pools(pool, scores, ids, eligible, places), expected)


def test_probation_ends_after_a_year():
    t = make(np.zeros(3), title=THIRD, experience=[0, 1, 2], title_years=[0, 1, 2])
    out = promote(t, np.zeros(3, np.int64), SPEC, PARAMS, seed=1, year=1)
    assert out.title.tolist() == [THIRD, SECOND, SECOND] and out.title_years.tolist() == [0, 0, 0]


def test_promotions_fill_free_posts_by_merit_after_the_waiting_years():
    # 10 teachers in one pool: senior ceiling 0.2 -> 2 posts, first ceiling 0.4 -> 4 posts
    title = [SENIOR, FIRST, FIRST, FIRST, SECOND, SECOND, SECOND, SECOND, SECOND, SECOND]
    years = [9, YEARS_TO_SENIOR, YEARS_TO_SENIOR, YEARS_TO_SENIOR - 1, YEARS_TO_FIRST, YEARS_TO_FIRST,
             YEARS_TO_FIRST, YEARS_TO_FIRST - 1, YEARS_TO_FIRST, 0]
    skill = [0.0, 1.0, 4.0, 9.0, 3.0, 0.0, -2.0, 9.0, 1.0, 9.0]  # far apart beside the evaluation draw
    t = make(np.zeros(10), title=title, title_years=years, skill=skill, experience=15)
    out = promote(t, np.zeros(10, np.int64), SPEC, PARAMS, seed=1, year=1)
    # one free senior post: the better of the two eligible first-title teachers (2), not 3 (too early)
    assert out.title[[1, 2, 3]].tolist() == [FIRST, SENIOR, FIRST]
    # first-title posts: 4 minus the 2 left -> 2 free, to the two best eligible (4 and 8; 7 and 9 too early)
    assert np.flatnonzero(out.title == FIRST).tolist() == [1, 3, 4, 8]
    assert out.title_years[[2, 4, 8]].tolist() == [0, 0, 0] and out.title_years[1] == YEARS_TO_SENIOR
    assert np.bincount(out.title, minlength=4)[[SENIOR, FIRST]].tolist() == [2, 4]


def test_senior_title_needs_rural_or_weak_service_when_the_rule_is_on():
    t = make(np.zeros(10), title=[FIRST] * 2 + [SECOND] * 8, title_years=YEARS_TO_SENIOR, skill=[0.5, 0.0] + [0] * 8,
             experience=20, hardship_years=[0, 1] + [0] * 8)
    pool = np.zeros(10, np.int64)
    spec = TeacherSpec(title_mix=TitleMix(senior=0.1, first=0.5, second=0.4))
    off = promote(t, pool, spec, PARAMS, 1, 1)
    on = promote(t, pool, spec, PARAMS.model_copy(update={"senior_hardship_years": 1}), 1, 1)
    assert off.title[:2].tolist() == [SENIOR, FIRST]   # the better teacher, who never served rurally
    assert on.title[:2].tolist() == [FIRST, SENIOR]    # the one with a year of rural service


def test_backbone_designation_rerank_within_each_pools_quota():
    skill = np.linspace(-2.0, 3.0, 20)  # far apart beside the evaluation draw
    t = make(np.repeat([0, 1], 10), title=FIRST, skill=np.r_[skill[:10], skill[10:]], experience=10,
             backbone=[True] * 3 + [False] * 17)
    t.experience[9] = 2  # the best of pool 0 is too new
    pool = t.campus.astype(np.int64)
    flags = designate_backbone(t, pool, np.array([0.2, 0.3]), seed=1, year=3)
    assert flags[:10].sum() == 2 and flags[10:].sum() == 3
    assert not flags[9] and not flags[0]  # too new; and an old holder now outranked loses the status
    assert flags[[7, 8, 17, 18, 19]].all()


def test_qualification_upgrades_at_the_rate_below_the_age_limit():
    n = 20_000
    t = make(np.zeros(2 * n), age=np.repeat([30, 50], n), qualified=False)
    out = upgrade_qualification(t, PARAMS, seed=2, year=4)
    assert within(out[:n].sum(), n, PARAMS.qualification_upgrade_rate) and not out[n:].any()
    assert upgrade_qualification(make([0], qualified=True), PARAMS, 2, 4).all()


def test_hardship_campuses_are_rural_or_the_weakest():
    locale = np.array([0, 0, 1, 1, 2, 1, 0, 1])
    quality = np.array([0.3, -0.5, 0.0, 0.1, 0.4, 0.2, 0.1, -0.2])
    assert hardship_campuses(locale, quality).tolist() == [False, True, False, False, True, False, False, True]
    assert hardship_campuses(locale, np.zeros(8)).tolist() == (locale == 2).tolist()  # alike: only rural ones


@pytest.fixture(scope="module")
def start():
    scn = load_scenario(COUNTY)
    net = compile_network(scn)
    return scn, net, initial_state(scn, net, seed=2).teachers


def test_starting_titles_follow_the_mix_the_ladder_and_merit(start):
    scn, net, t = start
    mix = scn.teachers.title_mix
    share = np.bincount(t.title, minlength=4) / len(t)
    assert share[SENIOR] == pytest.approx(mix.senior, abs=0.01)
    assert share[FIRST] == pytest.approx(mix.first, abs=0.01)
    assert (t.experience[t.title == SENIOR] >= 10).all() and (t.experience[t.title == FIRST] >= 5).all()
    assert (t.experience[t.title == THIRD] == 0).all()
    eligible = (t.experience >= 10) & (t.title >= FIRST)
    assert t.skill[eligible & (t.title == SENIOR)].mean() > t.skill[eligible & (t.title == FIRST)].mean()


def test_starting_backbone_and_qualification_by_locale(start):
    scn, net, t = start
    locale = net.campus_locale[t.campus]
    for code, name in enumerate(("urban", "town", "rural")):
        here = locale == code
        assert t.backbone[here].mean() == pytest.approx(scn.teachers.backbone_share.of(name), abs=1 / here.sum() + 1e-9)
        assert t.qualified[here].mean() == pytest.approx(scn.teachers.above_qualification_share.of(name),
                                                         abs=1 / here.sum() + 1e-9)
    assert (t.title[t.backbone] >= FIRST).all() and (t.experience[t.backbone] >= 5).all()
    assert t.skill[t.backbone].mean() > t.skill[~t.backbone & (t.title >= FIRST)].mean()
    assert t.age[t.qualified].mean() < t.age[~t.qualified].mean()  # younger cohorts hold more degrees
