"""The baseline story, tested statistically: each claim is a paired comparison over 20 seeds (common
random numbers: both arms of a pair share the seed), asserted on the 95 % confidence interval of the
mean paired difference, never on one lucky seed.

County baseline with flat births, so that crowding persists over the horizon instead of melting
with the falling cohorts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT
from scipy import stats

from sim.engine import Simulation
from sim.results import tables
from sim.scenario.loader import load_scenario

pytestmark = pytest.mark.slow

SEEDS = range(101, 121)
YEARS = 6
COUNTY = ROOT / "scenarios" / "county_baseline.yaml"
FLAT = ["demography.births={2010: 1.0}", f"simulation.years={YEARS}"]


def ci95(diffs) -> tuple[float, float]:
    """95 % t confidence interval of the mean of paired differences."""
    d = np.asarray(diffs, dtype=float)
    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    return d.mean() - half, d.mean() + half


def campus_year(scn, seed, tweak=None, years=YEARS) -> pd.DataFrame:
    """One run's campus_year table; ``tweak(sim)`` may change the start state first."""
    sim = Simulation(scn, seed, years)
    if tweak:
        tweak(sim)
    return tables(sim.run(), scn.name, 0)["campus_year"]


def flight_rate(run: dict[str, pd.DataFrame]) -> float:
    """Pupils whose families moved from a village to a town, per village pupil, over the horizon."""
    cy, flows = run["campus_year"], run["flows"]
    moved = flows[(flows.kind == "student") & (flows.flow == "relocation")]["count"].sum()
    return moved / cy[(cy.locale == "rural") & (cy.year < YEARS)].enrolment.sum()


def town_class_size(cy: pd.DataFrame, year: int) -> float:
    """Pupils per class over urban and town campuses."""
    y = cy[(cy.year == year) & (cy.locale != "rural")]
    return y.enrolment.sum() / y.classes.sum()


def test_quality_gap_drives_flight_to_town_and_crowds_town_schools():
    """With the quality gap, compared with the same county without it, a larger share of village
    pupils' families move to a town each year, and town classes grow more over the horizon."""
    gap = load_scenario(COUNTY, FLAT)
    even = load_scenario(COUNTY, FLAT + ["region.synthetic.quality_mean={urban: 0, town: 0, rural: 0}"])
    d_flight, d_size = [], []
    for seed in SEEDS:
        a, b = (tables(Simulation(scn, seed, YEARS).run(), scn.name, 0) for scn in (gap, even))
        d_flight.append(flight_rate(a) - flight_rate(b))
        ca, cb = a["campus_year"], b["campus_year"]
        d_size.append((town_class_size(ca, YEARS) - town_class_size(ca, 1))
                      - (town_class_size(cb, YEARS) - town_class_size(cb, 1)))
    assert ci95(d_flight)[0] > 0
    assert ci95(d_size)[0] > 0


def test_village_reputation_raises_its_enrolment():
    scn = load_scenario(COUNTY, FLAT)
    # a village school with room to grow that other villages' families could reach
    cy = campus_year(scn, 1, years=2)
    sim = Simulation(scn, 1, 1)
    others = np.bincount(sim.net.choice[0, :, 1:][sim.net.choice_min[0, :, 1:] < 30].ravel(), minlength=len(sim.ids))
    y2 = cy[cy.year == 2].set_index("campus")
    room = [i for i, c in enumerate(scn.campuses) if c.locale == "rural" and c.stage == "primary"
            and y2.enrolment[c.id] < 0.7 * y2.capacity[c.id]]
    village = max(room, key=lambda i: others[i])

    def famous(sim):  # a lasting brand (as a hub would lend it), not a one-off rumour
        sim.state.brand[village] = 0.5

    diffs = []
    for seed in SEEDS:
        a, b = campus_year(scn, seed, famous), campus_year(scn, seed)
        pick = (a.year >= 2) & (a.campus == scn.campuses[village].id)
        diffs.append(a[pick].enrolment.sum() - b[pick.to_numpy()].enrolment.sum())
    assert ci95(diffs)[0] > 0


def test_teacher_skill_raises_pupils_gains():
    scn = load_scenario(COUNTY, FLAT)
    campus = next(i for i, c in enumerate(scn.campuses) if c.locale == "town" and c.stage == "primary")

    def skilled(sim):
        t = sim.state.teachers
        t.skill = np.where(t.campus == campus, t.skill + 0.1, t.skill).astype(np.float32)

    diffs = []
    for seed in SEEDS:
        a, b = campus_year(scn, seed, skilled, years=1), campus_year(scn, seed, years=1)
        pick = a.campus == scn.campuses[campus].id
        diffs.append(a[pick].mean_achievement.item() - b[pick.to_numpy()].mean_achievement.item())
    lo, hi = ci95(diffs)
    # 0.1 SD more value added gives about 0.1 SD more gain (a little more through better peers)
    assert 0.05 < lo and hi < 0.15


def attrition_rate(scn, seed) -> pd.Series:
    """Yearly attrition ÷ teachers by locale of post, pooled over the years."""
    sim = Simulation(scn, seed, YEARS)
    out = tables(sim.run(), scn.name, 0)
    cy, flows = out["campus_year"], out["flows"]
    locale = cy.drop_duplicates("campus").set_index("campus").locale
    left = flows[flows.flow == "attrition"].assign(locale=lambda f: f.origin.map(locale)).groupby("locale")["count"].sum()
    return left / cy.groupby("locale").teachers.sum()


@pytest.mark.parametrize("allowance, rural_higher", [(None, True), (3000, False)])
def test_rural_attrition_exceeds_town_unless_allowances(allowance, rural_higher):
    sets = FLAT + ([] if allowance is None else
                   [f"policies=[{{action: set_allowance, year: 1, yuan_per_month: {{urban: 0, town: 0, rural: {allowance}}}}}]"])
    scn = load_scenario(COUNTY, sets)
    diffs = [r["rural"] - r["town"] for r in (attrition_rate(scn, seed) for seed in SEEDS)]
    lo, hi = ci95(diffs)
    assert (lo > 0) if rural_higher else (hi < 0)


def test_new_town_campus_lowers_large_class_share_from_its_opening():
    """In a county with 大班额 (town schools 25 % over their seats, as before the 2016–2020 campaign), a
    campus opened in year 3 next to the most crowded school (城镇: county town or township) lowers
    the region's share of 56+ classes in year 3 and every year after."""
    crowded_county = FLAT + ["region.synthetic.crowding={urban: 1.25, town: 1.2, rural: 0.6}"]
    base = load_scenario(COUNTY, crowded_county)
    cy = campus_year(base, 1, years=2)
    crowded = cy[(cy.year == 2) & (cy.locale != "rural")].sort_values("classes_56plus").iloc[-1]
    where = next(c for c in base.campuses if c.id == crowded.campus)
    opened = load_scenario(COUNTY, crowded_county + [
        f"policies=[{{action: open_campus, year: 3, campus: {{id: NEW, stage: {where.stage}, locale: {where.locale}, "
        f"x_km: {where.x_km + 0.5}, y_km: {where.y_km}, classrooms: 24, pupils: 0, teachers: 0}}}}]"])

    def share56(cy: pd.DataFrame) -> pd.Series:
        g = cy.groupby("year")
        return g.classes_56plus.sum() / g.classes.sum()

    diffs = np.array([(share56(campus_year(opened, s)) - share56(campus_year(base, s))).to_numpy() for s in SEEDS])
    for year in (1, 2):  # nothing changes before it opens (common random numbers)
        assert np.all(diffs[:, year - 1] == 0)
    for year in range(3, YEARS + 1):
        assert ci95(diffs[:, year - 1])[1] < 0, year
