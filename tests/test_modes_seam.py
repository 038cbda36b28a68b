"""The seam for grouping modes: a mode registered from this file (no edit of the engine) changes a
run through its hooks, exactly where and when they say; groups form in their start year or by a
form_group policy; every policy type has a handler; bad mode parameters are located errors."""

from __future__ import annotations

import re
import typing
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from pydantic import Field

from sim.engine import Simulation
from sim.modes import Context, GroupingMode, Moves, register, unregister
from sim.results import tables
from sim.scenario import load_scenario
from sim.scenario.base import Model
from sim.scenario.models import FormGroup, Policy, group_model, make_group
from sim.state import Teachers

from conftest import COUNTY, TINY

SEED = 11


class ToyParams(Model):
    """Parameters of the toy mode."""

    brand: float = Field(0.5, description="members' brand, SD units (toy).")
    dissolve_year: int = Field(0, description="year the group dissolves, 0 never (toy).")
    exchange: bool = Field(False, description="move the hub's first teacher to the first member each summer (toy).")


class Toy(GroupingMode):
    """Members get a brand; the group records whether it is active; optionally one exchange a year."""

    name = "toy_seam"
    columns = ("toy_active",)
    formed_in: list[int] = []

    def form(self, ctx: Context) -> None:
        self.formed_in.append(ctx.year)

    def dissolve(self, ctx: Context) -> np.ndarray:
        return np.array([p.dissolve_year == ctx.year for p in ctx.params])

    def brand(self, ctx: Context) -> None:
        for i, p in enumerate(ctx.params):
            ctx.state.brand[ctx.members(i)] = p.brand

    def record(self, ctx: Context) -> dict[str, np.ndarray]:
        return {"toy_active": ctx.in_groups().astype(float)}

    def exchange(self, ctx: Context) -> Moves | None:
        t: Teachers = ctx.state.teachers
        rows, dest = [], []
        for i, p in enumerate(ctx.params):
            at_hub = np.flatnonzero(t.campus == ctx.hubs[i])
            if p.exchange and at_hub.size:
                rows.append(at_hub[0])
                dest.append(ctx.members(i)[0])
        if not rows:
            return None
        rows, dest = np.array(rows), np.array(dest)
        origin = t.campus[rows].copy()
        t.campus[rows] = dest
        t.exchange_until[rows] = ctx.year + 2
        return Moves(origin, dest, flow="exchange", backbone=np.ones(len(rows), bool))


ToyGroup = group_model("toy_seam", ToyParams)


@pytest.fixture(scope="module")
def toy():
    register(Toy)
    yield Toy
    unregister("toy_seam")


@pytest.fixture(scope="module")
def county():
    return load_scenario(COUNTY, TINY + ["simulation.years=4"])


def _ids(scn, locale: str) -> list[str]:
    return [c.id for c in scn.campuses if c.stage == "primary" and c.locale == locale]


def run(scn, groups=(), policies=()) -> dict[str, pd.DataFrame]:
    scn = replace(scn, groups=tuple(groups), policies=tuple(policies))
    return tables(Simulation(scn, SEED).run(), scn.name, 0)


def _toy_group(scn, **params):
    hub, members = _ids(scn, "urban")[0], _ids(scn, "rural")[:2]
    start = params.pop("start_year", 2)
    return ToyGroup(id="t1", mode="toy_seam", hub=hub, members=members, start_year=start, params=ToyParams(**params)), members


def _by(frames, column):
    return frames["campus_year"].pivot(index="campus", columns="year", values=column)


def test_a_mode_registered_from_a_test_changes_the_run_through_its_hooks(toy, county):
    base = run(county)
    group, members = _toy_group(county, brand=0.5)
    toy.formed_in.clear()
    grouped = run(county, [group])
    assert toy.formed_in == [2]
    diff = _by(grouped, "reputation") - _by(base, "reputation")
    # year 1: the group has not formed; year 2: reputation moves towards measured + brand, and nothing
    # else has changed before that year's assessment, so members gain exactly lag × brand
    assert np.abs(diff[1]).max() == 0
    lag = county.dynamics.reputation.lag
    np.testing.assert_allclose(diff.loc[members, 2], lag * 0.5, rtol=1e-9)
    assert np.abs(diff.drop(index=members)[2]).max() == 0
    active = _by(grouped, "toy_active")
    assert active[1].sum() == 0 and active[2].sum() == 3 and set(active.index[active[2] > 0]) == {group.hub, *members}


def test_dissolution_and_exchange_moves_are_recorded(toy, county):
    group, members = _toy_group(county, brand=0.0, dissolve_year=4, exchange=True)
    frames = run(county, [group])
    active = _by(frames, "toy_active").sum()
    assert active.tolist() == [0, 3, 3, 0]
    fl = frames["flows"]
    ex = fl[fl["flow"] == "exchange"]
    assert ex["year"].tolist() == [2, 3] and set(ex["origin"]) == {group.hub} and set(ex["destination"]) == {members[0]}
    assert fl[fl["flow"] == "exchange_backbone"]["count"].sum() == 2


def test_form_group_policy_overrides_start_year(toy, county):
    group, _ = _toy_group(county, start_year=1)
    toy.formed_in.clear()
    frames = run(county, [group], [FormGroup(action="form_group", year=3, group="t1")])
    assert toy.formed_in == [3]
    assert _by(frames, "toy_active").sum().tolist() == [0, 0, 3, 3]
    toy.formed_in.clear()
    run(county, [group])
    assert toy.formed_in == [1]


def test_baseline_groups_change_no_number(county):
    hub, members = _ids(county, "urban")[0], _ids(county, "rural")[:2]
    plain = run(county)["campus_year"]
    grouped = run(county, [make_group(id="b", mode="baseline", hub=hub, members=members)])["campus_year"]
    assert set(grouped.loc[grouped["campus"] == hub, "role"]) == {"hub"}
    pd.testing.assert_frame_equal(plain.drop(columns=["group", "role"]), grouped.drop(columns=["group", "role"]))


def test_every_policy_type_has_a_handler():
    union = typing.get_args(typing.get_args(Policy)[0])
    assert set(union) == set(Simulation.POLICY_HANDLERS)
    assert len(union) == 5


def _yaml(group: str) -> str:
    return ("name: bad_mode\nsimulation: {years: 2}\nregion:\n  campuses:\n"
            "    - {id: A, stage: primary, locale: urban, x_km: 0, y_km: 0, classrooms: 12, pupils: 500}\n"
            "    - {id: B, stage: primary, locale: rural, x_km: 9, y_km: 3, classrooms: 6, pupils: 120}\n"
            "    - {id: C, stage: junior, locale: town, x_km: 4, y_km: 1, classrooms: 9, pupils: 300}\n"
            "groups:\n" + group)


@pytest.mark.parametrize("group, where, says", [
    ("  - {id: g, mode: baseline, members: [B],\n     params: {brand: 1}}\n", r"bad\.yaml:10: groups\[0\]\.params\.brand",
     "unknown key 'brand'"),
    ("  - {id: g, mode: mingxiao, hub: A, members: [B]}\n", r"bad\.yaml:9: groups\[0\]", "mingxiao_ruoxiao"),
])
def test_bad_mode_params_are_located_errors(run_cli, write, group, where, says):
    result = run_cli("validate", str(write("bad.yaml", _yaml(group))))
    assert result.exit_code == 2
    assert re.search(where, result.output), result.output
    assert says in result.output


def test_a_mode_not_implemented_is_refused_by_run_with_a_located_message(run_cli, write, tmp_path, monkeypatch):
    from sim.modes import REGISTRY

    monkeypatch.delitem(REGISTRY, "xuequ")  # every mode of the language runs: pretend one does not yet
    path = write("pending.yaml", _yaml("  - {id: g, mode: xuequ, hub: A, members: [B]}\n"))
    result = run_cli("run", str(path), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "groups[0].mode" in result.output and "尚未实现" in result.output and "not implemented" in result.output


def test_a_misspelt_mode_parameter_gets_a_did_you_mean(toy):
    from sim.scenario.validation_errors import known_fields

    class Root(Model):
        groups: list[typing.Annotated[typing.Union[ToyGroup, group_model("baseline", Model)],
                                      Field(discriminator="mode")]]

    assert known_fields(Root, ("groups", 0, "toy_seam", "params")) == ["brand", "dissolve_year", "exchange"]
    assert {"params", "hub", "start_year"} <= set(known_fields(Root, ("groups", 0, "toy_seam")))
