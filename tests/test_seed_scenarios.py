"""The two scenarios built on the seed documents: a Huanggang-like county of fused consortia
(scenarios/huanggang_county.yaml) and a Ziyun-like county of seven school districts
(scenarios/ziyun.yaml).

Each validates, has the grouping its header promises (every campus in a consortium; seven districts
over every campus), and runs its full horizon through the CLI to a complete output folder.  The
Huanggang run must reproduce the two exchange figures it is calibrated to: ≈ 10.7 % of teachers
exchanged in the first year, at least 30 % of them backbone teachers.
"""

from __future__ import annotations

import json
from collections import Counter

import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import ROOT
from sim.cli import cli
from sim.outfolder import check_complete
from sim.scenario import load_scenario

HUANGGANG = ROOT / "scenarios" / "huanggang_county.yaml"
ZIYUN = ROOT / "scenarios" / "ziyun.yaml"
YEARS, REPLICATES = 10, 20


def _members(scn) -> list[str]:
    return [c for g in scn.groups for c in (g.hub, *g.members)]


@pytest.mark.parametrize("path", [HUANGGANG, ZIYUN], ids=lambda p: p.name)
def test_validates(run_cli, path):
    result = run_cli("validate", path)
    assert result.exit_code == 0 and "valid" in result.output, result.output


def test_huanggang_puts_every_public_primary_and_junior_campus_in_a_consortium():
    scn = load_scenario(HUANGGANG)
    named = _members(scn)
    assert len(named) == len(set(named))  # no campus in two consortia
    assert set(named) == {c.id for c in scn.campuses}  # 100 % (all campuses of the model are public)
    assert all(g.mode == "jiaolianti" and g.start_year == 1 for g in scn.groups)
    # the seed's 75 primary and 47 junior consortia over 10 counties: ≈ 7.5 and 4.7 a county
    stage = {c.id: c.stage for c in scn.campuses}
    cores = Counter(stage[g.hub] for g in scn.groups)
    assert 6 <= cores["primary"] <= 9 and 4 <= cores["junior"] <= 6 and 10 <= len(scn.groups) <= 15
    # at the published scale: ≈ 36,800 teachers over 10 counties
    assert 3_300 <= sum(c.teachers for c in scn.campuses) <= 4_200
    g = scn.groups[0].params
    assert (g.exchange.backbone_floor, g.support.tier_minutes) == (0.30, (20.0, 40.0, 60.0))


def test_ziyun_has_seven_districts_over_every_campus():
    scn = load_scenario(ZIYUN)
    assert len(scn.groups) == 7 and all(g.mode == "xuequ" for g in scn.groups)
    named = _members(scn)
    assert len(named) == len(set(named)) and set(named) == {c.id for c in scn.campuses}
    district = {c.id: c.district for c in scn.campuses}
    for g in scn.groups:  # each group is one wedge of the county, headed by its strongest campus
        assert len({district[c] for c in (g.hub, *g.members)}) == 1
        reputation = {c.id: c.reputation for c in scn.campuses}
        assert reputation[g.hub] == max(reputation[c] for c in (g.hub, *g.members))
    assert all(g.params.exchange.share == 0.15 and g.params.leaders.rotate for g in scn.groups)  # the seed's 15 %


# -- the full runs -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Each scenario run for 10 years × 20 replicates by the CLI, once for the module."""
    out = {}
    for path in (HUANGGANG, ZIYUN):
        folder = tmp_path_factory.mktemp(path.stem) / "out"
        result = CliRunner().invoke(cli, ["run", str(path), "--replicates", str(REPLICATES), "--years", str(YEARS),
                                          "--out", str(folder)])
        assert result.exit_code == 0, result.output
        out[path.stem] = folder
    return out


def _exchange(folder) -> pd.DataFrame:
    """Per replicate and year: teachers, teachers exchanged (flows ``exchange``) and the backbone
    ones among them (``exchange_backbone``)."""
    flows = pd.read_parquet(folder / "flows.parquet")
    teacher = flows[flows["kind"] == "teacher"]
    by = ["replicate", "year"]
    cy = pd.read_parquet(folder / "campus_year.parquet")
    table = pd.DataFrame({"teachers": cy.groupby(by)["teachers"].sum()})
    for flow in ("exchange", "exchange_backbone"):
        table[flow] = teacher[teacher["flow"] == flow].groupby(by)["count"].sum()
    return table.fillna(0)


@pytest.mark.slow
@pytest.mark.parametrize("name, path", [("huanggang_county", HUANGGANG), ("ziyun", ZIYUN)])
def test_full_run_finishes_with_every_campus_year(runs, name, path):
    folder = runs[name]
    marker = check_complete(folder, verify=True)
    assert marker["command"] == "run" and {"campus_year.parquet", "flows.parquet"} <= {f["path"] for f in marker["files"]}
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["years"] == YEARS and len(manifest["replicate_seeds"]) == REPLICATES
    cy = pd.read_parquet(folder / "campus_year.parquet")
    campuses = len(load_scenario(path).campuses)
    assert len(cy) == campuses * YEARS * REPLICATES
    assert sorted(cy["year"].unique()) == list(range(1, YEARS + 1))
    assert sorted(cy["replicate"].unique()) == list(range(REPLICATES))


@pytest.mark.slow
def test_huanggang_exchanges_a_tenth_of_its_teachers_a_third_of_them_backbone(runs):
    first = _exchange(runs["huanggang_county"]).xs(1, level="year")
    share = first["exchange"].sum() / first["teachers"].sum()
    assert 0.07 <= share <= 0.15  # Huanggang: 3,939 of ≈ 36,800 teachers = 10.7 % in a year
    assert (first["exchange"] / first["teachers"]).between(0.06, 0.16).all()
    backbone = first["exchange_backbone"].sum() / first["exchange"].sum()
    assert backbone >= 0.30  # the floor; Huanggang reached 35.8 %
    assert (first["exchange_backbone"] >= 0.30 * first["exchange"] - 1).all()


@pytest.mark.slow
def test_ziyun_exchanges_its_front_line_teachers_every_year(runs):
    table = _exchange(runs["ziyun"])
    rate = table.groupby(level="year").sum().pipe(lambda t: t["exchange"] / t["teachers"])
    # 15 % of front-line teachers (those at home within the exchange ages), leaders too: ≈ 8–15 % of
    # all teachers, every year rather than once
    assert rate.between(0.07, 0.15).all(), rate
