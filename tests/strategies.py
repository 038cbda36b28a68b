"""Hypothesis strategies for whole scenarios: small explicit regions with random campuses, cells,
policies and parameters, mostly within the language's bounds and sometimes at or past them, so
that both `validate`'s refusals and the engine's runs are exercised."""

from __future__ import annotations

from hypothesis import strategies as st

from sim.scenario.models import LOCALES, STAGES

IDS = [f"S{i}" for i in range(12)]


def _maybe(strategy, p_none: float = 0.5):
    return st.one_of(st.none(), strategy) if p_none else strategy


COORD = st.one_of(st.just(0.0), st.floats(-40, 40), st.sampled_from([-5000.0, 5000.0]))
"""Positions: often all at one point (ties everywhere), sometimes at the edge of the map."""


def _campus(cid: str):
    return st.fixed_dictionaries(
        {"id": st.just(cid), "stage": st.sampled_from(STAGES), "locale": st.sampled_from(LOCALES),
         "x_km": COORD, "y_km": COORD, "classrooms": st.one_of(st.integers(0, 40), st.just(2000))},
        optional={
            "pupils": st.one_of(st.integers(0, 2500), st.just(20000)), "capacity": st.integers(0, 3000),
            "teachers": st.integers(0, 200), "quality": st.floats(-3.2, 3.2), "reputation": st.floats(-3.2, 3.2),
            "class_size_standard": st.integers(1, 120), "boarding_places": st.integers(0, 300),
            "teaching_point": st.booleans(), "district": st.sampled_from(["D1", "D2"]),
            "floor_area_m2": st.floats(0, 20000), "multimedia_classrooms": st.integers(0, 40),
        })


def _cell(i: int):
    return st.fixed_dictionaries(
        {"id": st.just(f"K{i}"), "locale": st.sampled_from(LOCALES), "x_km": COORD,
         "y_km": COORD, "children": st.lists(st.integers(0, 150), min_size=15, max_size=15)},
        optional={"ses": st.floats(-3.2, 3.2)})


def _policy(existing: list[str]):
    year = st.integers(1, 5)
    new = st.builds(lambda c: c, _campus("NEW")).map(lambda c: {**c, "pupils": 0})
    return st.one_of(
        st.fixed_dictionaries({"action": st.just("open_campus"), "year": year, "campus": new}),
        st.fixed_dictionaries({"action": st.just("close_campus"), "year": year,
                               "campus": st.sampled_from(existing + ["NEW"])}),
        st.fixed_dictionaries({"action": st.just("add_classrooms"), "year": year,
                               "campus": st.sampled_from(existing + ["NEW"]), "classrooms": st.integers(-10, 20)}),
        st.fixed_dictionaries({"action": st.just("set_allowance"), "year": year,
                               "yuan_per_month": st.fixed_dictionaries({"rural": st.integers(0, 2000)}),
                               "tiers": st.just([{"from_km": 0, "yuan_per_month": 100},
                                                 {"from_km": 10, "yuan_per_month": 300}])}),
    )


MODE_PARAMS = {
    "baseline": [{}],
    "mingxiao_ruoxiao": [{}, {"variant": "tuoguan"}, {"variant": "xinxiao"},
                         {"exchange": {"share": 0.3, "term_years": 1, "cap_share": 0.3}}],
    "xuequ": [{}, {"admission": "rolling", "rolling_period_years": 1}, {"admission": "lottery", "ranking": "families"},
              {"admission": "none", "facilities": {"share": 0.5}}, {"leaders": {"share": 0.3}}],
    "jiaolianti": [{}, {"pooling": {"on": False}}, {"admission": {"placement_minutes": 0}},
                   {"synchronous": {"share": 0.5}, "support": {"bus_minutes_saved": 30}},
                   {"centralisation": {"effort_sd": 0.05}, "exchange": {"backbone_floor": 0.4}}],
}
"""A few parameter sets per grouping mode: the defaults, and each mode's switches at their ends."""


def _group(i: int, ids: list[str]):
    """A group of any mode over some of the campuses ``ids`` (hub the first drawn)."""
    return st.lists(st.sampled_from(ids), min_size=2, max_size=min(len(ids), 5), unique=True).flatmap(
        lambda chosen: st.sampled_from(sorted(MODE_PARAMS)).flatmap(
            lambda mode: st.fixed_dictionaries(
                {"id": st.just(f"G{i}"), "mode": st.just(mode), "hub": st.just(chosen[0]),
                 "members": st.just(chosen[1:]), "params": st.sampled_from(MODE_PARAMS[mode])},
                optional={"start_year": st.integers(1, 3)})))


@st.composite
def scenarios(draw) -> dict:
    """A scenario as plain data (a dict to dump as YAML)."""
    n = draw(st.integers(1, 8))
    campuses = [draw(_campus(IDS[i])) for i in range(n)]
    if draw(st.booleans()):  # most regions teach both stages; the others test the refusal
        campuses[0] = {**campuses[0], "stage": "nine_year"}
    doc: dict = {
        "name": "prop",
        "simulation": {"years": draw(st.integers(1, 4)), "replicates": 1, "seed": draw(st.integers(0, 2**32))},
        "region": {"campuses": campuses},
    }
    if draw(st.booleans()):
        doc["demography"] = {"cells": [draw(_cell(i)) for i in range(draw(st.integers(1, 5)))],
                             "births_trend": draw(st.floats(-0.5, 0.5))}
    if draw(st.booleans()):
        doc["policies"] = draw(st.lists(_policy([c["id"] for c in campuses]), max_size=4, unique_by=lambda p: p["action"]))
    if n >= 2 and draw(st.booleans()):  # grouping modes; campuses in two groups are refused
        ids = [c["id"] for c in campuses]
        doc["groups"] = [draw(_group(i, ids)) for i in range(draw(st.integers(1, 2)))]
    if draw(st.booleans()):
        doc["teachers"] = {"pupils_per_teacher": {"primary": draw(st.floats(1, 100)), "junior": draw(st.floats(1, 100))},
                           "min_per_class": draw(st.floats(0, 10))}
    if draw(st.booleans()):
        doc["travel"] = {"speed_kmh": draw(st.floats(1, 200)), "circuity": draw(st.floats(1, 3)),
                         "neighbours": draw(st.integers(1, 50)), "choice_set": draw(st.integers(1, 50))}
    if draw(st.booleans()):
        doc["dynamics"] = {
            "choice": {"reputation_weight": draw(st.floats(0, 100)), "time_weight": draw(st.floats(0, 3)),
                       "admission": draw(st.sampled_from(["open", "catchment"])),
                       "allocation_minutes": draw(st.floats(0, 200))},
            "learning": {"noise_sd": draw(st.floats(0, 5)), "class_size_effect": draw(st.floats(0, 0.1))},
            "migration": {"flight_rate": draw(st.floats(0, 1)), "backflow_rate": draw(st.floats(0, 1))},
        }
    return doc
