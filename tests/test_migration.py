"""Migration: rural flight rises with the quality gap and selects on SES; only families of rural origin
return; the backflow pool at the start; keyed draws."""

from __future__ import annotations

import numpy as np
from conftest import tiny_network

from sim.processes.migration import migrate, nearest_town_cell, origin_pool
from sim.scenario.dynamics import Migration
from sim.state import RELOCATED

# campuses: 0 town primary, 1 rural primary, 2 town junior, 3 rural junior
CAMPUSES = [("primary", "town", 0, 0), ("primary", "rural", 20, 0),
            ("junior", "town", 0, 1), ("junior", "rural", 20, 1)]
# cells: 0 town, 1 rural (near the rural campuses), 2 urban far away
CELLS = [("town", 0, 0), ("rural", 20, 0), ("urban", -60, 0)]
N = 20_000


NET = tiny_network(CAMPUSES, CELLS)


CELL_SES = np.array([0.0, -0.4, 0.3])


def rural_pupils(grade=3, ses=None):
    cell = np.full(N, 1)
    ses = CELL_SES[cell] + 0.8 * np.random.default_rng(5).normal(size=N) if ses is None else ses
    return dict(cell=cell, origin_cell=cell, flags=np.zeros(N, np.uint8), grade=np.full(N, grade), ids=np.arange(N),
                ses=ses, cell_ses=CELL_SES)


def test_nearest_town_cell():
    assert nearest_town_cell(NET).tolist() == [0, 0, 2]


def test_flight_rises_with_the_quality_gap():
    params = Migration()
    share = {}
    for town_rep in (0.0, 1.0):
        m = migrate(**rural_pupils(ses=CELL_SES[np.full(N, 1)]), reputation=np.array([town_rep, 0.0, 0.0, 0.0]),
                    net=NET, params=params.model_copy(update={"ses_selection": 0.0}), urbanisation_drift_pp=0.9,
                    seed=1, year=3)
        assert (m.new_cell[m.moved_to_town] == 0).all() and (m.new_cell[~m.moved_to_town] == 1).all()
        assert not m.returned.any()
        share[town_rep] = m.moved_to_town.mean()
        expected = min(0.5, params.flight_rate * np.exp(params.gap_elasticity * town_rep) + 0.0045)
        assert abs(share[town_rep] - expected) < 4 * np.sqrt(expected * (1 - expected) / N)
    se = np.sqrt(share[0.0] * (1 - share[0.0]) / N + share[1.0] * (1 - share[1.0]) / N)
    assert share[1.0] - share[0.0] > 10 * se


def test_junior_pupils_look_at_junior_catchments():
    # the town's primary campus is better, its junior campus is not: grade-8 pupils see no gap
    rep = np.array([1.0, 0.0, 0.0, 0.0])
    kw = dict(reputation=rep, net=NET, params=Migration(), urbanisation_drift_pp=0.0, seed=1, year=3)
    primary, junior = migrate(**rural_pupils(3), **kw), migrate(**rural_pupils(8), **kw)
    assert junior.moved_to_town.mean() < 0.5 * primary.moved_to_town.mean()


def test_backflow_only_for_relocated_families_when_home_is_as_good():
    cell, origin = np.zeros(N, int), np.full(N, 1)
    flags = np.where(np.arange(N) % 2 == 0, RELOCATED, 0).astype(np.uint8)
    kw = dict(cell=cell, origin_cell=origin, flags=flags, grade=np.full(N, 4), ids=np.arange(N), net=NET,
              params=Migration(backflow_rate=0.2), urbanisation_drift_pp=0.9, seed=2, year=5, ses=np.zeros(N),
              cell_ses=CELL_SES)
    m = migrate(reputation=np.array([0.0, 0.3, 0.0, 0.0]), **kw)
    assert not m.moved_to_town.any()
    assert m.returned.any() and not m.returned[flags == 0].any()
    assert (m.new_cell[m.returned] == 1).all() and (m.new_cell[~m.returned] == 0).all()
    assert abs(m.returned[flags != 0].mean() - 0.2 * np.exp(1.5 * 0.3)) < 0.02
    # the home campus clearly worse: nobody returns
    assert not migrate(reputation=np.array([0.0, -0.3, 0.0, 0.0]), **kw).returned.any()


def test_same_inputs_same_moves_whatever_the_order():
    kw = dict(reputation=np.array([0.5, 0.0, 0.2, 0.0]), net=NET, params=Migration(), urbanisation_drift_pp=0.9,
              seed=7, year=2)
    p = rural_pupils()
    p["grade"] = np.arange(N) % 9 + 1
    a, b = migrate(**p, **kw), migrate(**p, **kw)
    assert np.array_equal(a.new_cell, b.new_cell) and np.array_equal(a.moved_to_town, b.moved_to_town)
    perm = np.random.default_rng(0).permutation(N)
    c = migrate(**{k: (v if k == "cell_ses" else v[perm]) for k, v in p.items()}, **kw)
    assert np.array_equal(a.moved_to_town[perm], c.moved_to_town)
    assert not np.array_equal(a.moved_to_town, migrate(**p, **{**kw, "seed": 8}).moved_to_town)


def test_preschool_children_follow_the_flight_and_are_conserved():
    from sim.processes.migration import migrate_children
    children = np.full((3, 15), 400)
    ages = np.arange(6)
    out = {}
    for town_rep in (0.0, 1.0):
        out[town_rep] = migrate_children(children, ages, np.array([town_rep, 0.0, 0.0, 0.0]), NET, Migration(),
                                         0.0, seed=2, year=3).children
        assert out[town_rep].sum() == children.sum()
        assert (out[town_rep][:, 6:] == children[:, 6:]).all()  # pupils' ages are not touched here
        assert (out[town_rep][1, :6] <= 400).all() and (out[town_rep][2] == 400).all()  # only rural cells lose
    moved_even, moved_gap = 2400 - out[0.0][1, :6].sum(), 2400 - out[1.0][1, :6].sum()
    assert 0 < moved_even < moved_gap  # a better town school pulls more families, never fewer (same draws)
    assert (out[1.0][1, :6] <= out[0.0][1, :6]).all()


def test_better_off_families_move_first_at_an_unchanged_village_rate():
    kw = dict(reputation=np.zeros(4), net=NET, urbanisation_drift_pp=0.9, seed=4, year=3)
    pupils = rural_pupils()
    flat = migrate(**pupils, params=Migration(ses_selection=0.0), **kw).moved_to_town
    picky = migrate(**pupils, params=Migration(ses_selection=0.8), **kw).moved_to_town
    assert pupils["ses"][picky].mean() > pupils["ses"][~picky].mean() + 0.3
    assert abs(pupils["ses"][flat].mean() - pupils["ses"][~flat].mean()) < 0.1
    se = np.sqrt(2 * flat.mean() * (1 - flat.mean()) / N)
    assert abs(picky.mean() - flat.mean()) < 4 * se  # the factor averages 1 over the village


def test_origin_pool_gives_town_pupils_a_village_of_origin():
    n = 10_000
    cell = np.r_[np.zeros(n, int), np.full(n, 1)]
    ids = np.arange(2 * n)
    origin = origin_pool(cell, ids, NET, np.array([0, 50, 0]), share=0.3, seed=1)
    town = cell == 0
    assert abs((origin[town] != 0).mean() - 0.3) < 0.02
    assert (origin[town][origin[town] != 0] == 1).all()  # the only village
    assert (origin[~town] == 1).all()  # villagers are where they came from
    assert np.array_equal(origin, origin_pool(cell, ids, NET, np.array([0, 50, 0]), share=0.3, seed=1))
    assert (origin_pool(cell, ids, NET, np.array([0, 50, 0]), share=0.0, seed=1) == cell).all()
