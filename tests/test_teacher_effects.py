"""Teachers as people pupils meet, tested statistically over 20 seeds with 95 % intervals.

Each claim is a mean over seeds (or a mean of paired differences on common random numbers) whose
95 % t interval must lie on the claimed side; the county baseline with flat births, so that the
workforce is in a steady state.  Directions and intervals only: the model's learning is being
recalibrated, so no fixed outcome value of the shipped scenario is pinned.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.engine import Simulation
from sim.metrics.balance import balance_metrics
from sim.metrics.staffing import pupil_value_added
from sim.results import tables
from sim.scenario.loader import load_scenario

from conftest import COUNTY

pytestmark = pytest.mark.slow

SEEDS = range(201, 221)
FLAT = ["demography.births={2010: 1.0}"]


def ci95(values) -> tuple[float, float]:
    """95 % t confidence interval of the mean."""
    v = np.asarray(values, dtype=float)
    half = stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v))
    return v.mean() - half, v.mean() + half


@pytest.fixture(scope="module")
def steady():
    """Ten years of the flat-births county on each seed: campus_year and the year-10 teachers."""
    scn = load_scenario(COUNTY, FLAT + ["simulation.years=10"])
    out = []
    for seed in SEEDS:
        sim = Simulation(scn, seed)
        last = {}
        cy = tables(sim.run(observer=lambda s: last.update(t=s.state.teachers)), scn.name, 0)["campus_year"]
        out.append((cy, last["t"]))
    return out


def test_mean_skill_rises_with_experience_over_the_first_ten_years(steady):
    """Year-10 cross-section: the slope of skill on experience among teachers with 0–10 years."""
    slopes = []
    for _, t in steady:
        early = t.experience <= 10
        slopes.append(np.polyfit(t.experience[early].astype(float), t.skill[early].astype(float), 1)[0])
    lo, hi = ci95(slopes)
    print(f"skill per year of experience (0–10 years), year 10: [{lo:.4f}, {hi:.4f}]")
    assert lo > 0, (lo, hi)


def test_pupil_experienced_value_added_is_in_the_literature_range_mostly_within_campuses(steady):
    for year in (1, 10):
        felt = pd.DataFrame([pupil_value_added(cy).loc[year] for cy, _ in steady])
        lo, hi = ci95(felt["sd"])
        share = ci95(felt["within_share"])
        print(f"year {year}: pupil-experienced value-added SD [{lo:.4f}, {hi:.4f}], within-campus share "
              f"[{share[0]:.3f}, {share[1]:.3f}]")
        assert 0.11 <= lo and hi <= 0.15, (year, lo, hi)
        assert share[0] > 0.5


def test_backbone_stock_and_its_balance_hold_without_policy(steady):
    ratio, drift = [], {"primary": [], "junior": []}
    for cy, _ in steady:
        stock = cy.groupby("year")["teachers_backbone"].sum()
        ratio.append(stock[10] / stock[1])
        cv = balance_metrics(cy)
        cv = cv[cv.metric == "cv_teachers_backbone"].pivot(index="year", columns="entity", values="value")
        for stage in drift:
            drift[stage].append(cv.loc[10, stage] - cv.loc[1, stage])
    lo, hi = ci95(ratio)
    print(f"backbone stock year 10 / year 1: [{lo:.3f}, {hi:.3f}]")
    assert 0.8 <= lo and hi <= 1.2, (lo, hi)
    for stage, d in drift.items():
        lo, hi = ci95(d)
        print(f"{stage} backbone 差异系数 change year 1 → 10: [{lo:.3f}, {hi:.3f}]")
        assert -0.1 <= lo and hi <= 0.1, (stage, lo, hi)


def rural_means(cy: pd.DataFrame, year: int) -> tuple[float, float]:
    """Teacher-weighted mean skill and pupil-weighted mean achievement at rural campuses in ``year``."""
    y = cy[(cy.year == year) & (cy.locale == "rural")]
    skill = (y.mean_teacher_skill * y.teachers).sum() / y.teachers.sum()
    achievement = (y.mean_achievement * y.enrolment).sum() / y.enrolment.sum()
    return skill, achievement


def test_doubling_rural_attrition_lowers_rural_teacher_skill_and_achievement_by_year_5():
    base = load_scenario(COUNTY, FLAT + ["simulation.years=5"])
    twice = load_scenario(COUNTY, FLAT + ["simulation.years=5",
                                          "dynamics.teachers.attrition={urban: 0.02, town: 0.04, rural: 0.16}"])
    d_skill, d_ach = [], []
    for seed in SEEDS:
        a = rural_means(tables(Simulation(twice, seed).run(), "a", 0)["campus_year"], 5)
        b = rural_means(tables(Simulation(base, seed).run(), "b", 0)["campus_year"], 5)
        d_skill.append(a[0] - b[0])
        d_ach.append(a[1] - b[1])
    print("rural attrition 8 % → 16 %, year 5: rural teacher skill", np.round(ci95(d_skill), 4),
          "rural achievement", np.round(ci95(d_ach), 4))
    assert ci95(d_skill)[1] < 0, ci95(d_skill)
    assert ci95(d_ach)[1] < 0, ci95(d_ach)


def class_gains(scn, seed: int, move=None) -> tuple[np.ndarray, np.ndarray, int]:
    """Mean achievement per class after year 1 (dense class keys), the class key of every pupil,
    and the moved teacher's row (or −1).  ``move(sim)`` may post a teacher elsewhere first."""
    sim = Simulation(scn, seed, 1)
    moved = move(sim) if move else -1
    seen = {}

    def observe(s: Simulation) -> None:
        st = s.state.students
        total = np.bincount(s.class_key, weights=st.achievement, minlength=s.n_classes)
        seen["mean"] = total / np.maximum(np.bincount(s.class_key, minlength=s.n_classes), 1)
        seen["taught"] = s.class_teachers.klass[s.class_teachers.teacher == moved] if moved >= 0 else None

    sim.run(observe)
    return seen["mean"], seen["taught"], moved


def test_a_strong_teacher_moved_to_a_village_raises_their_own_class_only():
    """The strongest experienced urban main-subject teacher goes on exchange to a village primary
    school (posted there, post kept at home): the class they teach there gains over the same class
    without them; the village's other classes do not."""
    scn = load_scenario(COUNTY, FLAT + ["simulation.years=1"])
    village = next(i for i, c in enumerate(scn.campuses) if c.locale == "rural" and c.stage == "primary"
                   and c.pupils > 140)
    own, others = [], []
    for seed in SEEDS:
        def move(sim: Simulation) -> int:
            t = sim.state.teachers
            pick = (sim.net.campus_locale[t.campus] == 0) & ~t.pe_arts & (t.experience >= 10) & ~t.manager
            row = np.flatnonzero(pick)[np.argmax(t.skill[pick])]
            t.campus[row] = village
            t.exchange_until[row] = 2
            return int(row)

        with_, taught, _ = class_gains(scn, seed, move)
        without, _, _ = class_gains(scn, seed)
        sim = Simulation(scn, seed, 1)
        keys = np.flatnonzero(np.repeat(np.arange(len(sim.ids)), sim.classes.sum(1)) == village)
        assert len(taught) and np.isin(taught, keys).all()
        diff = with_ - without
        own.append(diff[taught].mean())
        others.append(diff[np.setdiff1d(keys, taught)].mean())
    lo, hi = ci95(own)
    lo_o, hi_o = ci95(others)
    print(f"strong teacher moved to a village: own class [{lo:.4f}, {hi:.4f}], other classes [{lo_o:.4f}, {hi_o:.4f}]")
    assert lo > 0, (lo, hi)
    assert lo_o < 0 < hi_o, (lo_o, hi_o)
    assert ci95(np.array(own) - np.array(others))[0] > 0
