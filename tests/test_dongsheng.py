"""scenarios/dongsheng.yaml: Dongsheng district with its four group forms mapped to modes and
variants, its private schools, and (slow) a full run of 10 years × 20 replicates through the command
line with every mode at work."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.scenario.loader import load_scenario

from mode_runs import SCENARIOS

DONGSHENG = SCENARIOS / "dongsheng.yaml"


def test_the_four_forms_map_to_modes_and_variants():
    scn = load_scenario(DONGSHENG)
    form = {g.id: (g.mode, getattr(g.params, "variant", None)) for g in scn.groups}
    assert form["yixiao"] == ("mingxiao_ruoxiao", "tuoguan")      # 紧密型 tight
    assert form["shiyan"][0] == "jiaolianti"                       # 融合型 fused
    assert form["sixiao"] == form["wuxiao"] == ("mingxiao_ruoxiao", "jiedui")  # 结对型 paired
    alliance = next(g for g in scn.groups if g.id == "quyizhong")  # 联盟型 alliance
    assert alliance.mode == "xuequ" and alliance.params.admission == "none"


def test_private_schools_sit_beside_the_public_ones_and_join_no_group():
    scn = load_scenario(DONGSHENG)
    private = {c.id for c in scn.campuses if c.sector == "private"}
    public = [c for c in scn.campuses if c.sector == "public"]
    grouped = {cid for g in scn.groups for cid in (g.hub, *g.members)}
    assert len(private) == 14 and not private & grouped
    assert all(c.tuition_yuan_per_year > 0 for c in scn.campuses if c.id in private)
    assert abs(len(grouped & {c.id for c in public}) / len(public) - 0.48) < 0.01  # the seed's 48 % coverage


@pytest.mark.slow
def test_dongsheng_runs_ten_years_with_twenty_replicates(run_cli, tmp_path):
    out = tmp_path / "out"
    result = run_cli("run", DONGSHENG, "--replicates", "20", "--years", "10", "--out", out)
    assert result.exit_code == 0, result.output
    assert (out / "complete.json").exists()
    cy = pd.read_parquet(out / "campus_year.parquet", columns=["replicate", "year", "sector"])
    assert cy.replicate.nunique() == 20 and cy.year.nunique() == 10
    metrics = pd.read_parquet(out / "metrics_summary.parquet")
    last = metrics[metrics.year == 10]
    share = last[(last.metric == "private_share") & (last.level == "region")]["mean"]
    assert 0.05 < float(share.iloc[0]) < 0.5  # private schools keep pupils, the public ones most
    groups = set(last[(last.metric == "hub_member_gap") & (last.level == "group")].entity)
    assert {"yixiao", "shiyan", "sixiao", "wuxiao", "quyizhong"} <= groups  # every form is running
    flows = pd.read_parquet(out / "flows.parquet", columns=["kind", "flow", "count"])
    assert flows[(flows.kind == "teacher") & (flows.flow == "exchange")]["count"].sum() > 0
