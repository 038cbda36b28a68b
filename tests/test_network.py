"""Tests of sim.network (graph, compiled arrays, statistics) and the offline network map."""

from __future__ import annotations

import re

import numpy as np
import pytest
from plotly.offline import get_plotlyjs

from sim.atomic import TMP_SUFFIX
from sim.network import (PARTS, build_graph, cell_node, compile_network, network_stats,
                         travel_minutes)
from sim.report.network_map import write_network_map
from sim.scenario.models import (LOCALES, MODES, STAGES, Campus, Cell, Demography, make_group,
                                 Simulation, Teachers, Travel)
from sim.scenario.resolved import ResolvedScenario
from sim.scenario.dynamics import Dynamics
from sim.stages import STAGE_GRADES

ROLES = ("independent", "hub", "member")


def campus(cid: str, stage: str, x: float, y: float, locale: str = "town", district: str | None = None,
           pupils: int = 400) -> Campus:
    """A resolved campus (every optional field filled, as the resolver guarantees)."""
    return Campus(id=cid, name=cid, stage=stage, locale=locale, x_km=x, y_km=y, classrooms=10,
                  capacity=450, pupils=pupils, teachers=30, quality=0.0, reputation=0.0,
                  district=district, legal_person=cid, floor_area_m2=2000.0, sports_area_m2=3000.0,
                  equipment_value_yuan=9e5, multimedia_classrooms=10)


def cell(cid: str, x: float, y: float, locale: str = "town") -> Cell:
    return Cell(id=cid, x_km=x, y_km=y, locale=locale, children=[10] * 15)


def scenario(campuses, cells=(), groups=(), travel: Travel | None = None) -> ResolvedScenario:
    return ResolvedScenario(
        name="test", title="测试 test", source="<test>", digest="0" * 64, simulation=Simulation(),
        campuses=tuple(campuses), cells=tuple(cells), demography=Demography(), teachers=Teachers(),
        travel=travel or Travel(), dynamics=Dynamics(), groups=tuple(groups), policies=(), data={})


@pytest.fixture
def small() -> ResolvedScenario:
    """Ten campuses of all stages and locales, two districts, three groups, six cells."""
    campuses = [
        campus("PU1", "primary", 0, 0, "urban", "D1", pupils=1800),
        campus("PU2", "primary", 1, 0, "urban", "D1"),
        campus("JU1", "junior", 0.5, 0.2, "urban", "D1"),
        campus("PT1", "primary", 8, 3, "town", "D2"),
        campus("JT1", "junior", 8.2, 3.1, "town", "D2"),
        campus("NT1", "nine_year", 9, 2, "town", "D2"),
        campus("PR1", "primary", 15, -4, "rural"),
        campus("PR2", "primary", 20, 5, "rural"),
        campus("JR1", "junior", 18, 1, "rural"),
        campus("PR3", "primary", -12, 7, "rural"),
    ]
    groups = [
        make_group(id="G1", mode="mingxiao_ruoxiao", hub="PU1", members=["PR1", "PR2"]),
        make_group(id="G2", mode="jiaolianti", hub="JU1", members=["JR1", "JT1"], start_year=2),
        make_group(id="G0", mode="baseline", members=["PR3"]),
    ]
    cells = [cell("K1", 0, 1, "urban"), cell("K2", 8, 2), cell("K3", 17, 0, "rural"),
             cell("K4", -11, 6, "rural"), cell("K5", 4, 4), cell("K6", 30, 30, "rural")]
    return scenario(campuses, cells, groups, Travel(neighbours=3, choice_set=4))


def random_scenario(n_campuses: int, n_cells: int, seed: int = 0, n_groups: int = 0) -> ResolvedScenario:
    """Random campuses and cells in a 100 km square; groups of a hub and three members."""
    rng = np.random.default_rng(seed)
    stages = rng.choice(STAGES, n_campuses)
    locales = rng.choice(LOCALES, n_campuses)
    xy = rng.uniform(0, 100, (n_campuses, 2))
    campuses = [campus(f"C{i}", stages[i], *xy[i], locales[i], f"D{i % 300}") for i in range(n_campuses)]
    cells = [cell(f"K{i}", *p) for i, p in enumerate(rng.uniform(0, 100, (n_cells, 2)))]
    groups = [make_group(id=f"G{g}", mode=MODES[1 + g % 3], hub=f"C{4 * g}",
                    members=[f"C{4 * g + j}" for j in (1, 2, 3)]) for g in range(n_groups)]
    return scenario(campuses, cells, groups)


def edges_of(graph, kind: str) -> dict[tuple[str, str], dict]:
    return {(u, v): a for u, v, a in graph.edges(data=True) if a["kind"] == kind}


def csr_edges(indptr, indices, km, minutes, row_name, col_name) -> dict[tuple[str, str], tuple]:
    out = {}
    for r in range(len(indptr) - 1):
        for k in range(indptr[r], indptr[r + 1]):
            out[(row_name[r], col_name[indices[k]])] = (km[k], minutes[k])
    return out


def teaches(stage: str, part: int) -> bool:
    lo, hi = STAGE_GRADES[stage]
    return lo <= (1 if part == 0 else 7) <= hi


# --------------------------------------------------------------------------------------------


def test_graph_nodes_carry_roles_and_groups(small):
    g = build_graph(small)
    assert g.nodes["PU1"]["role"] == "hub" and g.nodes["PU1"]["group"] == "G1"
    assert g.nodes["JR1"]["role"] == "member" and g.nodes["JR1"]["group"] == "G2"
    assert g.nodes["PR3"]["role"] == "member" and g.nodes["PR3"]["group"] == "G0"
    assert g.nodes["NT1"]["role"] == "independent" and g.nodes["NT1"]["group"] is None
    assert g.nodes[cell_node("K1")]["kind"] == "cell"
    assert sum(1 for _, k in g.nodes(data="kind") if k == "campus") == 10
    assert set(edges_of(g, "group")) == {("PU1", "PR1"), ("PU1", "PR2"), ("JU1", "JR1"), ("JU1", "JT1")}
    assert edges_of(g, "group")[("JU1", "JT1")]["mode"] == "jiaolianti"


def test_district_edges_join_each_pair_once(small):
    pairs = {frozenset(p) for p in edges_of(build_graph(small), "district")}
    d1, d2 = ["PU1", "PU2", "JU1"], ["PT1", "JT1", "NT1"]
    expected = {frozenset((a, b)) for d in (d1, d2) for a in d for b in d if a < b}
    assert pairs == expected
    assert len(edges_of(build_graph(small), "district")) == 6


def test_travel_minutes_is_road_distance_over_destination_speed(small):
    travel = small.travel
    g = build_graph(small)
    for kind in ("group", "district", "proximity", "catchment"):
        for (u, v), a in edges_of(g, kind).items():
            straight = np.hypot(g.nodes[u]["x_km"] - g.nodes[v]["x_km"], g.nodes[u]["y_km"] - g.nodes[v]["y_km"])
            assert a["distance_km"] == pytest.approx(straight)
            speed = travel.speed_kmh.of(g.nodes[v]["locale"])
            assert a["travel_min"] == pytest.approx(straight * travel.circuity / speed * 60)
    # 10 km straight at circuity 1.3 to a rural campus at 30 km/h: 13 km / 30 km/h = 26 min
    assert travel_minutes(np.array([10.0]), np.array([2]), Travel())[0] == pytest.approx(26.0)


def test_proximity_respects_stage_overlap(small):
    g = build_graph(small)
    prox = edges_of(g, "proximity")
    for u, v in prox:
        su, sv = g.nodes[u]["stage"], g.nodes[v]["stage"]
        assert u != v
        assert {su, sv} != {"primary", "junior"}, (u, v)
    # each campus links to min(neighbours, campuses of overlapping stage - 1)
    stages = {c.id: c.stage for c in small.campuses}
    for cid, s in stages.items():
        overlapping = sum(1 for t in stages.values() if {s, t} != {"primary", "junior"}) - 1
        assert sum(1 for u, _ in prox if u == cid) == min(small.travel.neighbours, overlapping)
    # the junior campus JU1's nearest overlapping campuses: JT1 and NT1 (nine-year), then JR1
    assert {v for u, v in prox if u == "JU1"} == {"JT1", "NT1", "JR1"}


def test_proximity_picks_the_nearest(small):
    g = build_graph(small)
    xy = {c.id: np.array([c.x_km, c.y_km]) for c in small.campuses}
    stages = {c.id: c.stage for c in small.campuses}
    for cid in xy:
        linked = sorted(a["distance_km"] for (u, _), a in edges_of(g, "proximity").items() if u == cid)
        others = sorted(np.linalg.norm(xy[cid] - xy[o]) for o in xy
                        if o != cid and {stages[cid], stages[o]} != {"primary", "junior"})
        assert linked == pytest.approx(others[:len(linked)])


def test_compiled_csr_matches_graph(small):
    g = build_graph(small)
    net = compile_network(small, g)
    ids = net.campus_ids
    prox = csr_edges(net.prox_indptr, net.prox_indices, net.prox_km, net.prox_min, ids, ids)
    graph_prox = {k: (a["distance_km"], a["travel_min"]) for k, a in edges_of(g, "proximity").items()}
    assert prox.keys() == graph_prox.keys()
    for k in prox:
        assert prox[k] == pytest.approx(graph_prox[k])
    links = csr_edges(net.link_indptr, net.link_members, net.link_km, net.link_min, net.group_ids, ids)
    graph_links = {(a["group"], v): (a["distance_km"], a["travel_min"]) for (u, v), a in edges_of(g, "group").items()}
    assert links.keys() == graph_links.keys()
    for k in links:
        assert links[k] == pytest.approx(graph_links[k])
    for r in range(net.n_campuses):  # rows nearest first
        assert np.all(np.diff(net.prox_km[net.prox_indptr[r]:net.prox_indptr[r + 1]]) >= 0)


def test_compiled_group_arrays_match_node_attributes(small):
    g = build_graph(small)
    net = compile_network(small, g)
    assert net.campus_group.dtype == np.int32 and net.campus_role.dtype == np.int8
    assert net.campus_stage.dtype == np.int8 and net.campus_locale.dtype == np.int8
    for i, cid in enumerate(net.campus_ids):
        a = g.nodes[cid]
        assert ROLES[net.campus_role[i]] == a["role"]
        assert (net.group_ids[net.campus_group[i]] if net.campus_group[i] >= 0 else None) == a["group"]
        assert (net.district_ids[net.campus_district[i]] if net.campus_district[i] >= 0 else None) == a["district"]
        assert net.legal_person_ids[net.campus_legal_person[i]] == a["legal_person"]
        assert STAGES[net.campus_stage[i]] == a["stage"] and LOCALES[net.campus_locale[i]] == a["locale"]
    hubs = {gid: net.campus_ids[h] if h >= 0 else None for gid, h in zip(net.group_ids, net.group_hub)}
    assert hubs == {"G1": "PU1", "G2": "JU1", "G0": None}
    assert [MODES[m] for m in net.group_mode] == ["mingxiao_ruoxiao", "jiaolianti", "baseline"]
    assert net.group_start_year.tolist() == [1, 2, 1]
    for gi, h in enumerate(net.group_hub):  # every hub is a hub of its own group
        if h >= 0:
            assert net.campus_role[h] == 1 and net.campus_group[h] == gi


def test_compile_reads_links_added_to_the_graph(small):
    g = build_graph(small)
    assert not g.has_edge("PR3", "PR2", key="proximity")
    g.add_edge("PR3", "PR2", key="proximity", kind="proximity", distance_km=99.0, travel_min=1.0)
    net = compile_network(small, g)
    i = list(net.campus_ids).index("PR3")
    row = slice(net.prox_indptr[i], net.prox_indptr[i + 1])
    assert len(net.prox_km[row]) == small.travel.neighbours + 1
    assert net.prox_km[row][-1] == 99.0 and net.campus_ids[net.prox_indices[row][-1]] == "PR2"


def test_choice_sets_sorted_by_teaching_campus_and_padded(small):
    net = compile_network(small)
    k = small.travel.choice_set
    stage = {c.id: c.stage for c in small.campuses}
    assert net.choice.shape == (2, 6, k) and net.choice.dtype == np.int32
    assert net.choice_km.dtype == np.float32 and net.choice_min.shape == (2, 6, k)
    for p in range(2):
        n_teaching = sum(teaches(s, p) for s in stage.values())
        for c in range(net.n_cells):
            row, km = net.choice[p, c], net.choice_km[p, c]
            valid = row >= 0
            assert valid.sum() == min(k, n_teaching)
            assert np.all(valid[:valid.sum()])  # padding only at the end
            assert np.all(np.diff(km[valid]) >= 0)
            assert np.all(np.isinf(km[~valid])) and np.all(np.isinf(net.choice_min[p, c][~valid]))
            assert all(teaches(stage[net.campus_ids[j]], p) for j in row[valid])
            d_all = sorted(np.hypot(net.campus_x_km[j] - net.cell_x_km[c], net.campus_y_km[j] - net.cell_y_km[c])
                           for j in range(net.n_campuses) if teaches(stage[net.campus_ids[j]], p))
            assert km[valid] == pytest.approx(d_all[:valid.sum()], rel=1e-6)
    # junior grades are taught by JU1, JT1, JR1 and nine-year NT1: exactly k = 4, so no padding
    assert (net.choice[1] >= 0).sum(axis=1).tolist() == [4] * 6


def test_choice_sets_pad_with_minus_one():
    scn = scenario([campus("P", "primary", 0, 0), campus("J", "junior", 5, 0)], [cell("K", 1, 0)],
                   travel=Travel(choice_set=3))
    net = compile_network(scn)
    assert net.choice[0, 0].tolist() == [0, -1, -1]
    assert net.choice[1, 0].tolist() == [1, -1, -1]
    assert net.catchment[:, 0].tolist() == [0, 1]
    assert net.choice_km[1, 0, 0] == pytest.approx(4.0)
    assert net.choice_min[1, 0, 0] == pytest.approx(4.0 * 1.3 / 25.0 * 60.0)


def test_catchment_matches_graph_edges(small):
    g = build_graph(small)
    net = compile_network(small, g)
    assert np.array_equal(net.catchment, net.choice[:, :, 0])
    for p, part in enumerate(PARTS):
        for c, cid in enumerate(net.cell_ids):
            target = next(v for _, v, key in g.out_edges(cell_node(cid), keys=True) if key == f"catchment:{part}")
            assert net.campus_ids[net.catchment[p, c]] == target


def test_compiled_arrays_are_read_only(small):
    net = compile_network(small)
    with pytest.raises(ValueError):
        net.choice[0, 0, 0] = 5


def test_campus_in_two_groups_is_rejected(small):
    bad = scenario(small.campuses, groups=[make_group(id="A", mode="xuequ", hub="PU1", members=["PU2"]),
                                           make_group(id="B", mode="xuequ", hub="PT1", members=["PU2"])])
    with pytest.raises(ValueError, match="PU2"):
        build_graph(bad)


def test_network_stats_known_numbers(small):
    stats = network_stats(small, build_graph(small))
    assert stats["campuses"] == 10 and stats["cells"] == 6
    # non-baseline groups: G1 = PU1, PR1, PR2; G2 = JU1, JR1, JT1 -> 6 of 10; G0 (baseline) excluded
    assert stats["campuses_in_groups"] == 6
    assert stats["group_coverage_pct"] == pytest.approx(60.0)
    assert stats["groups"] == 3 and stats["groups_baseline"] == 1 and stats["groups_jiaolianti"] == 1
    assert stats["districts"] == 2
    assert stats["edges_group"] == 4 and stats["edges_district"] == 6
    assert stats["edges_catchment"] == 12
    hub_km = [np.hypot(15, 4), np.hypot(20, 5), np.hypot(17.5, 0.8), np.hypot(7.7, 2.9)]
    assert stats["hub_member_km_mean"] == pytest.approx(np.mean(hub_km))
    assert stats["hub_member_km_max"] == pytest.approx(np.hypot(20, 5))
    # G2 (JU1 in D1, JT1 in D2) joins D1, D2 and G1 into one component; PR3 (hub-less G0) is alone
    assert stats["components"] == 2
    assert stats["mean_nearest_campus_km"] == pytest.approx(
        np.mean([np.hypot(0.5, 0.8), np.hypot(0, 1), np.hypot(1, 1), np.hypot(1, 1),
                 np.hypot(4, 1), np.hypot(10, 25)]))


def test_network_map_is_offline_html(small, tmp_path):
    out = write_network_map(small, build_graph(small), tmp_path / "maps" / "network.html")
    html = out.read_text(encoding="utf-8")
    assert out.exists() and not [p for p in out.parent.iterdir() if p.name.endswith(TMP_SUFFIX)]
    # plotly.js is inlined verbatim and no script is fetched from elsewhere (the bundle itself
    # mentions cdn.plot.ly only as its default topojson address, unused by a cartesian map)
    assert get_plotlyjs() in html
    assert not re.search(r"<script[^>]*\bsrc=", html)
    for c in small.campuses:
        assert c.id in html
    assert "scaleanchor" in html and "Noto Sans CJK SC" in html


def test_scaling_smoke():
    scn = random_scenario(3000, 5000, n_groups=50)
    net = compile_network(scn)
    k, n = scn.travel.neighbours, 3000
    assert net.campus_ids.shape == (n,) and net.cell_ids.shape == (5000,)
    assert net.prox_indptr.shape == (n + 1,) and net.prox_indptr[-1] == n * k == len(net.prox_indices)
    assert net.link_indptr[-1] == 150 and net.group_hub.shape == (50,)
    assert net.choice.shape == (2, 5000, scn.travel.choice_set) and (net.choice >= 0).all()
    assert (net.campus_role == 2).sum() == 150 and (net.campus_role == 1).sum() == 50
