"""Private schools (民办学校): nobody's catchment, never a placement of the bureau's, chosen by families
at a tuition cost that weighs less for better-off families, staffed outside the county's 调剂 and
选调, left out of the 差异系数, counted by ``private_share``; refused in groups, zones and new-campus
policies with located errors; generated in synthetic regions where asked.  A region without private
campuses runs exactly as before (also pinned by tests/test_golden.py)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from conftest import COUNTY, SMALL, TINY
from sim.engine import Simulation
from sim.metrics.balance import balance_metrics
from sim.metrics.compute import run_metrics
from sim.network import compile_network, explicit_zones
from sim.processes.enrolment import Applicants, admit, catchment_rule, open_rule, place_overflow, zoned
from sim.processes.staffing import SELECTION_MIN_YEARS, reallocate, select_to_town
from sim.results import tables
from sim.scenario import load_scenario
from sim.scenario.dynamics import Choice, Dynamics, TeacherDynamics
from sim.scenario.models import SECTORS, Campus, Cell, Demography, Teachers, Travel
from sim.scenario.models import Simulation as SimulationSpec
from sim.scenario.resolved import ResolvedScenario

from teacher_rows import make

PRIVATE = ("region.synthetic.private={campuses: {primary: {urban: 2, town: 1}, junior: {urban: 1}}}")
"""``--set`` adding four private campuses to the tiny county (TINY)."""


def network(campuses, cells, zones=None):
    """Compiled network of campuses ``(stage, locale, x_km, y_km, sector, tuition)`` and cells
    ``(locale, x_km, y_km)``; ``zones`` optional per-cell zone_primary ids."""
    cs = [Campus(id=f"S{i}", name=f"S{i}", stage=st, locale=loc, x_km=x, y_km=y, classrooms=10, capacity=450,
                 pupils=400, teachers=30, quality=0.0, reputation=0.0, legal_person=f"S{i}", floor_area_m2=1.0,
                 sports_area_m2=1.0, equipment_value_yuan=1.0, multimedia_classrooms=1, sector=sector,
                 tuition_yuan_per_year=fee)
          for i, (st, loc, x, y, sector, fee) in enumerate(campuses)]
    zones = zones or [None] * len(cells)
    ks = [Cell(id=f"K{i}", x_km=x, y_km=y, locale=loc, children=[10] * 15, zone_primary=z)
          for i, ((loc, x, y), z) in enumerate(zip(cells, zones))]
    scn = ResolvedScenario(name="t", title="t", source="<test>", digest="0" * 64, simulation=SimulationSpec(),
                           campuses=tuple(cs), cells=tuple(ks), demography=Demography(), teachers=Teachers(),
                           travel=Travel(), dynamics=Dynamics(), groups=(), policies=(), data={})
    return scn, compile_network(scn)


def applicants(net, cell, ses, seats, reputation, params=Choice(), seed=1, year=1, part=0):
    ids = np.arange(len(cell), dtype=np.int64)
    return Applicants(cell=np.asarray(cell, np.int64), ses=np.asarray(ses, float), ids=ids, part=part,
                      seats=np.asarray(seats, np.int64), reputation=np.asarray(reputation, float), net=net,
                      boarding_free=None, odds=None, params=params, seed=seed, year=year)


def run(overrides, seed=1):
    scn = load_scenario(COUNTY, TINY + overrides)
    return scn, tables(Simulation(scn, seed, 3).run(), scn.name, 0)


# --------------------------------------------------------------------------------------------
# zoning and the bureau's placement


def test_a_private_campus_is_never_a_catchment_but_is_in_the_choice_sets():
    # the private campus S0 sits on every cell; the public ones are farther away
    campuses = [("primary", "urban", 0, 0, "private", 6000.0), ("primary", "urban", 2, 0, "public", None),
                ("primary", "urban", -3, 0, "public", None)]
    cells = [("urban", 0, 0), ("urban", 0.5, 0), ("urban", -0.5, 0)]
    scn, net = network(campuses, cells)
    assert (net.catchment[0] > 0).all() and net.catchment[0].tolist() == [1, 1, 2]
    assert (net.choice[0] == 0).any(axis=1).all()  # still one of the families' options
    assert net.campus_private.tolist() == [True, False, False] and net.campus_tuition.tolist() == [6000, 0, 0]
    # the same campus made public is the catchment of every cell: the rule is what keeps it out
    _, public = network([(*c[:4], "public", None) for c in campuses], cells)
    assert (public.catchment[0] == 0).all()


def test_an_explicit_zone_naming_a_private_campus_is_dropped_by_the_network():
    campuses = [("primary", "urban", 0, 0, "private", None), ("primary", "urban", 2, 0, "public", None)]
    scn, net = network(campuses, [("urban", 0, 0)], zones=["S0"])
    assert explicit_zones(scn)[0].tolist() == [-1] and net.catchment[0].tolist() == [1]


def test_the_bureau_places_no_overflow_at_a_private_campus():
    # S0 public, full; S1 is near with free seats: the bureau places S0's overflow there only when public
    cells = [("urban", 0, 0)]
    params = Choice(allocation_minutes=60)
    for sector, expect in (("private", 0), ("public", 30)):
        _, net = network([("primary", "urban", 0, 0, "public", None), ("primary", "urban", 1, 0, sector, None)], cells)
        a = applicants(net, np.zeros(100), np.zeros(100), seats=[70, 50], reputation=[0.0, 0.0], params=params)
        campus, overflow = place_overflow(a, *zoned(a))
        assert (campus == 1).sum() == expect
        assert overflow.sum() == 30 - expect


# --------------------------------------------------------------------------------------------
# choice, tuition and SES


def _private_take(fee, seeds=range(1, 6), ses=None):
    """Pupils admitted at the private campus S1 (one cell, 400 applicants a seed) with fee ``fee``."""
    campuses = [("primary", "urban", 0, 0, "public", None), ("primary", "urban", 1, 0, "private", fee)]
    _, net = network(campuses, [("urban", 0, 0)])
    taken, ses_in, ses_all = [], [], []
    for seed in seeds:
        s = np.random.default_rng(seed).normal(size=400) if ses is None else np.full(400, ses)
        a = applicants(net, np.zeros(400), s, seats=[400, 400], reputation=[0.0, 0.3], seed=seed)
        campus, _, _ = open_rule(a)
        taken.append(int((campus == 1).sum()))
        ses_in.append(s[campus == 1].mean() if (campus == 1).any() else np.nan)
        ses_all.append(s.mean())
    return np.array(taken), np.array(ses_in), np.array(ses_all)


def test_tuition_deters_families_and_better_off_families_pay_it():
    free, _, _ = _private_take(0.0)
    dear, ses_in, ses_all = _private_take(20_000.0)
    assert (dear < free).all() and dear.sum() < 0.6 * free.sum()
    assert (ses_in > ses_all + 0.3).all()  # higher-SES families over-represented where a fee is charged
    # at a given SES the fee weighs less for the better off (exp(−slope × SES))
    poor, _, _ = _private_take(20_000.0, ses=-1.0)
    rich, _, _ = _private_take(20_000.0, ses=1.0)
    assert rich.sum() > 2 * poor.sum()


def test_a_free_private_campus_is_chosen_as_a_public_one_would_be_once_zones_are_set():
    # tuition 0: utilities are unchanged by the sector, so admissions match those at the same public
    # campus when both leave families zoned to S0
    cells = [("urban", 0, 0)]
    _, priv = network([("primary", "urban", 0, 0, "public", None), ("primary", "urban", 1, 0, "private", 0.0)], cells)
    _, pub = network([("primary", "urban", 0, 0, "public", None), ("primary", "urban", 1, 0, "public", None)], cells)
    ses = np.random.default_rng(3).normal(size=300)
    got = [open_rule(applicants(n, np.zeros(300), ses, [300, 100], [0.0, 0.3], seed=4))[0] for n in (priv, pub)]
    assert np.array_equal(*got) and (got[0] == 1).sum() > 0


def test_the_catchment_rule_lets_families_leave_for_private_schools_only():
    cells = [("urban", 0, 0)]
    campuses = [("primary", "urban", 0, 0, "public", None), ("primary", "urban", 1, 0, "public", None),
                ("primary", "urban", 1.5, 0, "private", 5000.0)]
    _, net = network(campuses, cells)
    ses = np.random.default_rng(5).normal(size=500)
    campus, overflow, odds = catchment_rule(applicants(net, np.zeros(500), ses, [500, 500, 100], [0.0, 0.5, 0.5]))
    assert (campus != 1).all() and 0 < (campus == 2).sum() <= 100 and odds is None
    # without a private campus the rule is 就近入学 alone, as before
    _, public = network(campuses[:2], cells)
    campus, _, odds = catchment_rule(applicants(public, np.zeros(500), ses, [500, 500], [0.0, 0.5]))
    assert (campus == 0).all() and odds is None


def test_a_private_campus_admits_up_to_its_seats_by_lottery():
    campuses = [("primary", "urban", 0, 0, "public", None), ("primary", "urban", 1, 0, "private", 1000.0)]
    _, net = network(campuses, [("urban", 0, 0)])
    adm = admit(applicants(net, np.zeros(600), np.ones(600), [600, 40], [0.0, 1.5]))
    assert (adm.campus == 1).sum() == 40 and not adm.overflow[adm.campus == 1].any()


# --------------------------------------------------------------------------------------------
# the engine: placement, staffing, metrics


@pytest.fixture(scope="module")
def private_run():
    return run([PRIVATE])


def test_a_county_run_with_private_campuses(private_run):
    scn, f = private_run
    cy, gy, flows = f["campus_year"], f["grade_year"], f["flows"]
    private = set(cy.loc[cy["sector"] == "private", "campus"])
    assert private == {"MPU01", "MPU02", "MPT01", "MJU01"} and set(cy["sector"]) == set(SECTORS)
    # families chose them, up to their seats, and nobody was put there as overflow
    at = cy[cy["campus"].isin(private)]
    assert (at["enrolment"] > 0).all() and (at["overflow_pupils"] == 0).all()
    # better-off families are over-represented there
    sector = gy["campus"].map(cy.drop_duplicates("campus").set_index("campus")["sector"])
    mean_ses = (gy["mean_ses"] * gy["pupils"]).groupby(sector).sum() / gy["pupils"].groupby(sector).sum()
    assert mean_ses["private"] > mean_ses["public"] + 0.3
    # the county moves no teacher to or from them (调剂, 选调进城)
    moved = flows[(flows["kind"] == "teacher") & flows["flow"].isin(["reallocation", "town_selection"])]
    assert not (moved["origin"].isin(private) | moved["destination"].isin(private)).any()
    # nobody is zoned to them
    sim = Simulation(scn, 1, 1)
    assert not sim.choice_net.campus_private[sim.choice_net.catchment].any()


def test_private_share_and_the_balance_yardstick(private_run):
    scn, f = private_run
    cy = f["campus_year"]
    m = run_metrics(f, scn.costs, 1)
    share = m[m["metric"] == "private_share"]
    assert set(share["level"]) == {"region", "stage"} and len(share) == 9
    y3 = cy[(cy["year"] == 3) & cy["open"]]
    expected = y3.loc[y3["sector"] == "private", "enrolment"].sum() / y3["enrolment"].sum()
    got = share[(share["level"] == "region") & (share["year"] == 3)]["value"].item()
    assert got == pytest.approx(expected) and 0 < got < 0.5
    # the 差异系数 counts public schools only: the private parts have no rows, and the stage figures
    # equal those of the public campuses alone
    parts = m[m["level"] == "campus_stage"]["entity"].str.split("/").str[0]
    assert parts.notna().all() and not parts.isin(cy.loc[cy["sector"] == "private", "campus"]).any()
    public_only = balance_metrics(cy[cy["sector"] == "public"].drop(columns="sector"))
    ours = m[m["level"] == "stage"].merge(public_only, on=["year", "level", "entity", "metric"])
    assert len(ours) > 20 and np.allclose(ours["value_x"], ours["value_y"])
    everyone = balance_metrics(cy.drop(columns="sector"))  # counting private schools changes the figures
    b = everyone[everyone["metric"] == "balance_schools"]["value"].sum()
    assert b > m[m["metric"] == "balance_schools"]["value"].sum()


def test_tuition_parameters_are_inert_without_private_campuses():
    _, base = run([])
    _, other = run(["dynamics.choice.tuition_weight=6", "dynamics.choice.tuition_ses_slope=0.2"])
    assert (base["campus_year"]["sector"] == "public").all()
    pd.testing.assert_frame_equal(base["campus_year"], other["campus_year"])
    pd.testing.assert_frame_equal(base["flows"], other["flows"])


def test_staffing_leaves_private_campuses_alone():
    # campus 0 has 3 surplus teachers, campus 1 (private) 2 vacancies, campus 2 (public) 1 vacancy
    xy = np.array([[0, 0], [1, 0], [5, 0]], float)
    stage = np.zeros(3, np.int64)
    t = make(np.r_[[0] * 5, [1] * 1, [2] * 1])
    posts = np.array([2, 3, 2])
    public = np.array([True, False, True])
    _, both = reallocate(t, posts, xy, stage, TeacherDynamics(), year=1)
    assert (both.destination == 1).sum() == 2  # without the rule the private campus takes two
    _, moves = reallocate(t, posts, xy, stage, TeacherDynamics(), year=1, public=public)
    assert moves.destination.tolist() == [2]
    # surplus at a private campus is not moved either
    t = make(np.r_[[1] * 5, [0] * 1])
    _, moves = reallocate(t, np.array([3, 2, 0]), xy, stage, TeacherDynamics(), year=1, public=public)
    assert len(moves.origin) == 0
    # 选调进城: rural teachers of a private campus do not sit it, nor are private vacancies filled
    always = TeacherDynamics(town_selection_rate=1.0)
    t = make(np.r_[[0] * 4, [2] * 4], years_here=SELECTION_MIN_YEARS)
    locale = np.array([2, 0, 2])
    _, moves = select_to_town(t, np.array([4, 6, 4]), locale, stage, np.zeros(3), always, seed=1, year=2,
                              public=np.array([True, True, False]))
    assert set(moves.origin.tolist()) == {0} and set(moves.destination.tolist()) == {1}
    _, moves = select_to_town(t, np.array([4, 6, 4]), locale, stage, np.zeros(3), always, seed=1, year=2,
                              public=np.array([True, False, True]))
    assert len(moves.origin) == 0


# --------------------------------------------------------------------------------------------
# synthetic regions


def test_synthetic_private_campuses_appear_where_asked_and_leave_the_public_region_as_it_was():
    base = load_scenario(COUNTY, TINY)
    scn = load_scenario(COUNTY, TINY + ["region.synthetic.private={campuses: {primary: {urban: 12, town: 3}, "
                                        "junior: {town: 2}, nine_year: {urban: 1}}, quality_premium: 0.3, "
                                        "tuition_yuan_per_year: {junior: 12000}}"])
    private = [c for c in scn.campuses if c.sector == "private"]
    assert [c.id for c in scn.campuses if c.sector == "public"] == [c.id for c in base.campuses]
    assert [c for c in scn.campuses if c.sector == "public"] == list(base.campuses)
    assert scn.cells == base.cells
    ids = sorted(c.id for c in private)
    assert ids == sorted([f"MPU{k:02d}" for k in range(1, 13)] + ["MPT01", "MPT02", "MPT03", "MJT01", "MJT02",
                                                                  "MNU01"])
    assert {c.locale for c in private} == {"urban", "town"}
    fee = {c.stage: c.tuition_yuan_per_year for c in private}
    assert fee == {"primary": 6000.0, "junior": 12000.0, "nine_year": 9000.0}
    urban = [c.quality for c in private if c.locale == "urban" and c.stage == "primary"]
    assert np.mean(urban) > 0.25 + 0.15  # the public urban mean 0.25 plus most of the 0.3 premium
    assert all(np.hypot(c.x_km, c.y_km) <= 4 for c in private if c.locale == "urban")  # in the county town
    # nobody lives zoned to them
    zoned = {z for cell in scn.cells for z in (cell.zone_primary, cell.zone_junior)}
    assert not zoned & set(ids)


def test_a_synthetic_private_block_refuses_village_schools(write, run_cli):
    result = run_cli("validate", COUNTY, "--set",
                     "region.synthetic.private={campuses: {primary: {rural: 2}}}")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "region.synthetic.private.campuses.primary.rural" in result.stderr


# --------------------------------------------------------------------------------------------
# located errors


def _swap(old: str, new: str) -> str:
    assert old in SMALL, old
    return SMALL.replace(old, new, 1)


ERRORS = [
    ("tuition_at_public", _swap("pupils: 1200, quality: 0.3}", "pupils: 1200, quality: 0.3, tuition_yuan_per_year: 5000}"),
     "region.campuses[0]", 7, "no tuition at a public campus"),
    ("private_hub", _swap("pupils: 1200, quality: 0.3}", "pupils: 1200, quality: 0.3, sector: private}"),
     "groups[0].hub", 14, "public campus"),
    ("private_member", _swap("pupils: 150, quality: -0.3}", "pupils: 150, quality: -0.3, sector: private}"),
     "groups[0].members[0]", 15, "public campus"),
    ("private_new_campus", SMALL + "  - {action: open_campus, year: 2, campus: {id: E, stage: primary, locale: urban, "
                                   "x_km: 1, y_km: 1, classrooms: 6, sector: private}}\n",
     "policies[1].campus.sector", 18, "public campus"),
    ("bad_sector", _swap("pupils: 560}", "pupils: 560, sector: charter}"), "region.campuses[2].sector", 9, "private"),
    ("no_public_junior", _swap("pupils: 560}", "pupils: 560, sector: private}").replace(
        "stage: nine_year", "stage: primary"), "region", None, "open public campus teaching grades 7–9"),
]


@pytest.mark.parametrize("name,text,path,line,fragment", ERRORS, ids=[e[0] for e in ERRORS])
def test_private_sector_errors_are_located(write, run_cli, name, text, path, line, fragment):
    f = write("broken.yaml", text)
    result = run_cli("validate", f)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    err = result.stderr
    if line is not None:
        assert re.search(rf"broken\.yaml:{line}: ", err), err
    assert f": {path}: " in err, err
    assert fragment.lower() in err.lower(), err


def test_a_zone_naming_a_private_campus_is_located(write, run_cli):
    text = _swap("pupils: 1200, quality: 0.3}", "pupils: 1200, quality: 0.3, sector: private}")
    text = text[:text.index("groups:")] + text[text.index("policies:"):]  # A may not be a hub now
    text += ("demography:\n  cells:\n    - {id: K1, x_km: 0, y_km: 0, locale: urban, zone_primary: A, "
             "children: [10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10]}\n")
    result = run_cli("validate", write("zoned.yaml", text))
    assert result.exit_code == 2, result.output
    assert "demography.cells[0].zone_primary" in result.stderr and "is private" in result.stderr


def test_a_private_campus_is_valid_and_takes_the_default_fee(write, run_cli):
    text = _swap("pupils: 1200, quality: 0.3}", "pupils: 1200, quality: 0.3}\n"
                 "    - {id: P, stage: junior, locale: urban, x_km: 1, y_km: 0, classrooms: 10, sector: private}")
    path = write("ok.yaml", text)
    assert run_cli("validate", path).exit_code == 0
    scn = load_scenario(path)
    fee = {c.id: c.tuition_yuan_per_year for c in scn.campuses}
    assert fee["P"] == 15_000 and fee["A"] == 0


def test_the_coverage_plan_groups_public_campuses_only():
    plan = "rollout={new_groups_per_year: 20, target_coverage: 1.0, max_km: 100, min_gap: 0}"
    scn = load_scenario(COUNTY, TINY + [PRIVATE.replace("urban: 2", "urban: 4"), plan])
    private = {c.id for c in scn.campuses if c.sector == "private"}
    named = {cid for g in scn.groups for cid in [g.hub, *g.members]}
    assert scn.groups and named and not named & private
    # the strongest campuses are private (quality premium): without the rule they would be hubs
    strongest = max(scn.campuses, key=lambda c: c.reputation)
    assert strongest.id in private
