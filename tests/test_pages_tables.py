"""Every number a page plots comes from the tables on disk: series from metrics_summary or
comparison, class-size histograms agree with the class metrics, the map with campus_year, the
Sankeys with the flow metrics, the forest plot with the paired differences, summary.xlsx with the
comparison; the static campus tables; the group views on a grouped fixture; the sweep page on a
fixture written to the sweep contract."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from sim.labels import LOCALE_LABEL, ROLE_LABEL, STAGE_LABEL
from sim.network_tables import network_tables
from sim.report.campus_map import map_panel
from sim.report.class_sizes import class_size_distribution, class_size_panel
from sim.report.differences import FOREST_HEADLINES, difference_notes, forest_panel
from sim.report.flows import exchange_panel, pupil_flow_panel
from sim.report.folder import check_output_folder
from sim.report.headline import HEADLINES, cards
from sim.report.load import load_comparison, load_run, load_sweep
from sim.report.pages import sweep_page
from sim.report.series import comparison_series_panel, run_series_panel
from sim.report.sweep_figures import (goal_seek_sentences, heatmap_panel, outcome_panel, robustness_panel,
                                      sensitivity_panel)
from sim.report.text import format_value, metric_label
from sim.report.workbook import COST_SHEET, HEADLINE_SHEET, YARDSTICK_SHEET
from sim.report.yardstick import COLUMNS as YARDSTICK_COLUMNS
from sim.report.yardstick import first_met
from sim.scenario import load_scenario

from conftest import SMALL
from pages_fixtures import (EXCHANGE_BACK, EXCHANGE_OUT, GRID, HUB_GROUP, OUTCOMES, PARAMETERS, REPLICATES,
                            hub_member_gap, make_comparison, make_grouped, make_run, make_sweep, shared_folder)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return load_run(check_output_folder(shared_folder(tmp_path_factory, "pages_run", make_run)))


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    return load_comparison(check_output_folder(shared_folder(tmp_path_factory, "pages_compare", make_comparison)))


def _summary(run, level, entity, metric, year):
    s = run.summary
    row = s[(s["level"] == level) & (s["entity"] == entity) & (s["metric"] == metric) & (s["year"] == year)]
    assert len(row) == 1, (level, entity, metric, year)
    return row.iloc[0]


def _lines(view):
    """The mean-line traces of a series view, by name."""
    return {t["name"]: t for t in view["data"] if t["mode"] == "lines+markers"}


def test_run_series_are_the_metrics_summary(run):
    panel = run_series_panel(run.summary)
    line = _lines(panel.views["share_classes_56plus|region"])["全区 whole region"]
    for year in (1, 2, 3):
        row = _summary(run, "region", "all", "share_classes_56plus", year)
        assert line["y"][list(line["x"]).index(year)] == row["mean"]
    band = next(t for t in panel.views["share_classes_56plus|region"]["data"] if t.get("fill") == "toself")
    row = _summary(run, "region", "all", "share_classes_56plus", 3)
    assert row["ci_high"] in band["y"] and row["ci_low"] in band["y"]
    stage = _lines(panel.views["cv_mean|stage"])
    assert set(stage) == {STAGE_LABEL["primary"], STAGE_LABEL["junior"]}
    assert stage[STAGE_LABEL["junior"]]["y"][-1] == _summary(run, "stage", "junior", "cv_mean", 3)["mean"]
    # the page opens on the default view, and the level dropdown only offers levels the metric has
    assert [t.y[-1] for t in panel.figure.data if t.mode == "lines+markers"] == \
        [t["y"][-1] for t in panel.views["cv_mean|stage"]["data"] if t["mode"] == "lines+markers"]
    level = next(c for c in panel.controls if c.name == "level")
    assert level.allowed["cv_mean"] == ["stage"] and "locale" in level.allowed["share_classes_56plus"]
    metric = next(c for c in panel.controls if c.name == "metric")
    assert dict(metric.options)["share_classes_56plus"] == metric_label("share_classes_56plus")


def test_class_size_histograms_agree_with_the_class_metrics(run):
    dist = class_size_distribution(run.grade_year, run.campus_year, run.replicates)
    for year in (1, 3):
        d = dist[dist["year"] == year]
        assert d[d["size"] >= 56]["classes"].sum() == pytest.approx(
            _summary(run, "region", "all", "classes_56plus", year)["mean"])
        assert d["classes"].sum() == pytest.approx(_summary(run, "region", "all", "classes", year)["mean"])
        for locale in ("urban", "rural"):
            here = d[(d["locale"] == locale) & (d["size"] >= 66)]["classes"].sum()
            assert here == pytest.approx(_summary(run, "locale", locale, "classes_66plus", year)["mean"])
    panel = class_size_panel(run.grade_year, run.campus_year, run.replicates)
    urban = panel.views["3"]["restyle"]
    at = list(panel.figure.layout.annotations[0:3])
    assert [a.text for a in at] == [LOCALE_LABEL[lo] for lo in ("urban", "town", "rural")]
    assert sum(urban["y"][0]) == pytest.approx(dist[(dist["year"] == 3) & (dist["locale"] == "urban")]["classes"].sum())


def test_map_shows_campus_year_means(run):
    panel = map_panel(run.campuses, run.links, run.campus_year)
    ids = run.campuses["campus"].tolist()
    cy = run.campus_year[run.campus_year["year"] == 2].groupby("campus")[["enrolment", "mean_achievement",
                                                                          "reputation"]].mean().reindex(ids)
    by_year, by_colour = (u.views for u in panel.updates)
    view = by_year["2"]["restyle"]
    custom = np.array(view["customdata"][0])
    np.testing.assert_allclose(custom[:, 0], cy["enrolment"], atol=0.5)
    np.testing.assert_allclose(custom[:, 1], cy["mean_achievement"], atol=5e-4)
    np.testing.assert_allclose(by_colour["2|mean_achievement"]["restyle"]["marker.color"][0], cy["mean_achievement"],
                               atol=5e-4)
    np.testing.assert_allclose(by_colour["2|reputation"]["restyle"]["marker.color"][0], cy["reputation"], atol=5e-4)
    size = np.array(view["marker.size"][0])
    order = np.argsort(cy["enrolment"].to_numpy())
    assert np.all(np.diff(size[order]) >= 0)  # bigger schools, bigger markers
    assert not np.array_equal(by_year["1"]["restyle"]["marker.size"][0], size)


def _sankey_links(view):
    trace = view["data"][0]
    labels = trace["node"]["label"]
    return {(labels[s], labels[t]): v for s, t, v in zip(trace["link"]["source"], trace["link"]["target"],
                                                          trace["link"]["value"])}


def test_pupil_sankey_is_the_entry_flow_metric(run):
    panel = pupil_flow_panel(run.flows, run.campuses, run.replicates)
    links = _sankey_links(panel.views["entry_flow|locale|2"])
    for origin in ("urban", "town", "rural"):
        for destination in ("urban", "town", "rural"):
            expected = _summary(run, "locale_pair", f"{origin}→{destination}", "entry_flow", 2)["mean"]
            got = links.get((f"{LOCALE_LABEL[origin]} →", f"→ {LOCALE_LABEL[destination]}"), 0.0)
            assert got == pytest.approx(expected, abs=1e-3), (origin, destination)
    by = next(c for c in panel.controls if c.name == "by")
    assert [v for v, _ in by.options] == ["locale"]  # no groups, no role view


def test_cards_show_the_last_year(run):
    shown = {c.title_zh: c for c in cards(run.summary, run.scenario, 3)}
    assert len(shown) == len(HEADLINES)
    share = _summary(run, "region", "all", "share_classes_56plus", 3)
    card = next(c for t, c in shown.items() if t.startswith("大班额及以上占比"))
    assert card.value == format_value(share["mean"], "share")
    junior = next(c for t, c in shown.items() if t.startswith("差异系数均值") and "初中" in t)
    assert junior.status == ("met" if _summary(run, "stage", "junior", "cv_mean", 3)["mean"] <= 0.45 else "missed")


def test_comparison_figures_are_the_comparison_table(comparison):
    c, names = comparison.comparison, comparison.names
    panel = comparison_series_panel(c, names)
    lines = _lines(panel.views["cv_mean|stage|junior"])
    assert list(lines) == names
    for name in names:
        rows = c[(c["scenario"] == name) & (c["metric"] == "cv_mean") & (c["entity"] == "junior")].sort_values("year")
        np.testing.assert_array_equal(lines[name]["y"], rows["mean"])
    forest = forest_panel(c, names)
    for year in (1, 3):
        traces = forest.views[str(year)]["data"]
        assert len(traces) == len(FOREST_HEADLINES)
        for h, trace in zip(FOREST_HEADLINES, traces):
            assert list(trace["y"]) == names[1:]
            for plan, x, plus in zip(names[1:], trace["x"], trace["error_x"]["array"]):
                row = c[(c["scenario"] == plan) & (c["year"] == year) & (c["level"] == h.level)
                        & (c["entity"] == h.entity) & (c["metric"] == h.metric)].iloc[0]
                assert x == row["diff"] and plus == pytest.approx(row["diff_ci_high"] - row["diff"])


def test_notes_flag_differences_not_distinguishable_from_zero(comparison):
    c, names = comparison.comparison, comparison.names
    notes = difference_notes(c, names, 3)
    last = c[(c["year"] == 3) & c["scenario"].isin(names[1:])]
    expected = [bool(last[(last["scenario"] == n) & (last["level"] == h.level) & (last["entity"] == h.entity)
                          & (last["metric"] == h.metric)]["distinguishable"].iloc[0])
                for n in names[1:] for h in FOREST_HEADLINES]
    assert [sure for sure, _ in notes] == expected
    for sure, text in notes:
        assert ("not distinguishable" in text and "无显著差异" in text) != sure


def test_summary_xlsx_holds_the_comparison_numbers(comparison):
    c, names = comparison.comparison, comparison.names
    wb = load_workbook(comparison.folder / "summary.xlsx")
    sheet = wb[HEADLINE_SHEET]
    header = [cell.value for cell in sheet[1]]
    assert header[0] == "指标 / measure" and "与参照差值 / difference" in header
    labels = {h.label: h for h in HEADLINES}
    checked = 0
    for row in sheet.iter_rows(min_row=2, values_only=True):
        measure, scenario, year, mean, low, high, diff = row[:7]
        h = labels[measure]
        want = c[(c["scenario"] == scenario) & (c["year"] == year) & (c["level"] == h.level) & (c["entity"] == h.entity)
                 & (c["metric"] == h.metric)].iloc[0]
        assert (mean, low, high, diff) == pytest.approx((want["mean"], want["ci_low"], want["ci_high"], want["diff"]))
        checked += 1
    assert checked == len(HEADLINES) * len(names)
    yard = list(wb[YARDSTICK_SHEET].iter_rows(values_only=True))
    assert list(yard[0][2:]) == [h.label for h in YARDSTICK_COLUMNS]
    for scenario, year, *values in yard[1:]:
        for h, value in zip(YARDSTICK_COLUMNS, values):
            want = c[(c["scenario"] == scenario) & (c["year"] == year) & (c["level"] == h.level)
                     & (c["entity"] == h.entity) & (c["metric"] == h.metric)]["mean"].iloc[0]
            assert value == pytest.approx(want)
    assert len(yard) - 1 == len(names) * 3
    costs = list(wb[COST_SHEET].iter_rows(min_row=2, values_only=True))
    assert len(costs) == len(c[c["metric"].str.startswith("cost_per_") & (c["year"] == 3)])


def test_run_summary_xlsx_opens_with_the_run_numbers(run):
    sheet = load_workbook(run.folder / "summary.xlsx")[HEADLINE_SHEET]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    h = next(h for h in HEADLINES if h.metric == "achievement_gap_rural")
    assert rows[h.label][3] == pytest.approx(_summary(run, "region", "all", "achievement_gap_rural", 3)["mean"])
    assert sheet.cell(1, 1).font.bold and sheet.freeze_panes == "B2"


def test_first_met_is_the_median_first_year_of_runs_that_meet_it():
    def rows(metric, level, entity, values):
        return [{"scenario": "s", "replicate": r, "year": y + 1, "level": level, "entity": entity, "metric": metric,
                 "value": v} for r, series in enumerate(values) for y, v in enumerate(series)]
    metrics = pd.DataFrame(
        rows("cv_pass_all", "stage", "primary", [[0, 1, 1, 1], [0, 0, 0, 1], [0, 0, 0, 0]])
        + rows("cv_pass_all", "stage", "junior", [[0, 0, 0, 0]] * 3)
        + rows("classes_56plus", "region", "all", [[3, 0, 0, 0], [0, 0, 0, 0], [5, 4, 1, 0]])
        + rows("classes_66plus", "region", "all", [[0, 0, 0, 0]] * 3))
    got = list(first_met(metrics, "s").values())
    assert got == [(3, 2), (None, 0), (2, 3), (1, 3)]


def test_campus_tables_hold_positions_groups_districts_and_opened_campuses(write, comparison):
    text = SMALL.replace("pupils: 560}", "pupils: 560, district: d1}").replace("pupils: 300}", "pupils: 300, district: d1}")
    scn = load_scenario(write("small.yaml", text))
    tables = network_tables(scn)
    campuses = tables["campuses"].set_index("campus")
    assert list(campuses.index) == ["A", "B", "C", "D"]
    assert (campuses.loc["A", "role"], campuses.loc["B", "role"], campuses.loc["C", "role"]) == ("hub", "member",
                                                                                                 "independent")
    assert campuses.loc["B", "group"] == "g1" and campuses.loc["B", "x_km"] == 12.0
    links = tables["campus_links"]
    assert links.to_dict("records") == [
        {"kind": "group", "source": "A", "target": "B", "id": "g1", "mode": "mingxiao_ruoxiao"},
        {"kind": "district", "source": "C", "target": "D", "id": "d1", "mode": ""}]
    new = next(r for r in comparison.runs if r.scenario == "county_new_campus")
    assert set(new.campuses["campus"]) == set(new.campus_year["campus"])
    opened = new.campuses[new.campuses["opens_year"] > 0]
    assert len(opened) == 1 and opened["locale"].iloc[0] == "urban"


def test_group_views_appear_with_groups_and_exchanges(run, tmp_path):
    who = make_grouped(run.folder, tmp_path / "grouped")
    grouped = load_run(check_output_folder(tmp_path / "grouped"))
    panel = exchange_panel(grouped.flows, grouped.campuses, grouped.replicates)
    assert panel is not None and exchange_panel(run.flows, run.campuses, run.replicates) is None
    years = grouped.campus_year["year"].nunique()
    by_locale = _sankey_links(panel.views["exchanges|locale|all"])
    out = EXCHANGE_OUT * len(who["members"])
    assert by_locale[(f"{LOCALE_LABEL['urban']} →", f"→ {LOCALE_LABEL['rural']}")] == pytest.approx(out * years)
    assert by_locale[(f"{LOCALE_LABEL['rural']} →", f"→ {LOCALE_LABEL['urban']}")] == pytest.approx(EXCHANGE_BACK * years)
    by_role = _sankey_links(panel.views["exchanges|role|2"])
    assert by_role == {(f"{ROLE_LABEL['hub']} →", f"→ {ROLE_LABEL['member']}"): pytest.approx(out),
                       (f"{ROLE_LABEL['member']} →", f"→ {ROLE_LABEL['hub']}"): pytest.approx(EXCHANGE_BACK)}
    pupils = pupil_flow_panel(grouped.flows, grouped.campuses, grouped.replicates)
    assert [v for v, _ in next(c for c in pupils.controls if c.name == "by").options] == ["locale", "role"]
    entries = _sankey_links(pupils.views["entry_flow|role|all"])
    assert any(dest == f"→ {ROLE_LABEL['hub']}" for _, dest in entries)
    names = [t.name for t in map_panel(grouped.campuses, grouped.links, grouped.campus_year).figure.data]
    assert "名校+弱校 mingxiao_ruoxiao" in names
    series = run_series_panel(grouped.summary)
    assert "group" in next(c for c in series.controls if c.name == "level").allowed["hub_member_gap"]
    line = _lines(series.views["hub_member_gap|group"])[HUB_GROUP]
    np.testing.assert_allclose(line["y"], hub_member_gap(np.array(line["x"])))


@pytest.fixture
def sweep(tmp_path):
    make_sweep(tmp_path / "sweep")
    return load_sweep(check_output_folder(tmp_path / "sweep"))


def test_sweep_figures_are_the_sweep_tables(sweep):
    summary = sweep.outcome_summary.merge(sweep.design, on=["point", "scenario"])
    panel = outcome_panel(sweep)
    first = panel.views[OUTCOMES[0]]["data"][0]  # first parameter, first plan
    want = summary[(summary["outcome"] == OUTCOMES[0]) & (summary["scenario"] == "county_baseline")].sort_values(
        PARAMETERS[0])
    np.testing.assert_allclose(first["y"], want["mean"])
    heat = heatmap_panel(sweep)
    assert heat is not None
    z = np.array(heat.views[OUTCOMES[1]]["data"][0]["z"])
    assert z.shape == (len(GRID[PARAMETERS[1]]), len(GRID[PARAMETERS[0]]))
    cell = summary[(summary["outcome"] == OUTCOMES[1]) & (summary["scenario"] == "county_baseline")
                   & (summary[PARAMETERS[0]] == 0.02) & (summary[PARAMETERS[1]] == 600.0)]["mean"].iloc[0]
    assert z[2, 1] == pytest.approx(cell)
    sens = sensitivity_panel(sweep).views[f"{OUTCOMES[0]}|county_new_campus"]["data"]
    s1 = next(t for t in sens if t["name"].endswith("S1"))
    rows = sweep.sensitivity[(sweep.sensitivity["outcome"] == OUTCOMES[0]) & (sweep.sensitivity["index"] == "S1")
                             & (sweep.sensitivity["scenario"] == "county_new_campus")]
    np.testing.assert_allclose(s1["error_y"]["array"], rows["conf"])
    np.testing.assert_allclose(s1["y"], rows["value"])
    goals = goal_seek_sentences(sweep)
    assert [found for found, _ in goals] == [True, False]
    assert "teachers.allowance_yuan = 420" in goals[0][1] and "not found" in goals[1][1]
    robust = robustness_panel(sweep).figure.data
    assert [list(t.y) for t in robust] == [[0.75, 0.4], [0.25, 0.6]]


def test_sweep_sections_without_their_table_are_left_out(tmp_path):
    make_sweep(tmp_path / "bare", optional=False, grid=False)
    bare = load_sweep(check_output_folder(tmp_path / "bare"))
    assert sensitivity_panel(bare) is None and robustness_panel(bare) is None and heatmap_panel(bare) is None
    assert goal_seek_sentences(bare) == []
    html = sweep_page(bare)
    for section in ("section-sensitivity", "section-robustness", "section-heatmap", "section-goal-seek"):
        assert section not in html
    assert "section-parcoords" in html and "section-outcome_vs_parameter" in html


def test_indicator_table_is_the_comparison_and_the_runs(comparison):
    from sim.report.yardstick import INDICATOR_LINES, first_met, indicator_table
    c = comparison.comparison
    runs = tuple((r.scenario, r.metrics, r.replicates) for r in comparison.runs)
    table = indicator_table(c, runs, 3)
    assert len(table) == 7 * 2 * len(comparison.names)
    row = table[(table["stage"] == "junior") & (table["scenario"] == "county_new_campus")
                & (table["indicator"] == metric_label("cv_floor_area"))].iloc[0]
    at = c[(c["scenario"] == "county_new_campus") & (c["year"] == 3) & (c["entity"] == "junior")].set_index("metric")
    assert row["cv"] == at.loc["cv_floor_area", "mean"] and row["share_within"] == at.loc["cv_pass_floor_area", "mean"]
    new = next(r for r in comparison.runs if r.scenario == "county_new_campus")
    line = next(ln for ln in INDICATOR_LINES if ln.metric == "cv_pass_floor_area" and ln.entity == "junior")
    year, met = first_met(new.metrics, new.scenario, (line,))[line.label]
    passed = new.metrics[(new.metrics["metric"] == "cv_pass_floor_area") & (new.metrics["entity"] == "junior")
                         & (new.metrics["value"] == 1)]
    assert met == passed["replicate"].nunique()
    assert row["first_met"].endswith(f"({met}/{REPLICATES})")


def test_outcome_labels_name_metric_entity_and_year():
    from sim.report.sweep_figures import outcome_label
    final = outcome_label("cv_mean/stage/junior@final")
    assert final.startswith(metric_label("cv_mean")) and STAGE_LABEL["junior"] in final and "末年 final year" in final
    assert outcome_label("attrition_rate/locale/rural@2030").endswith("2030年 in 2030")
    assert outcome_label("achievement_gap_rural@final") == f"{metric_label('achievement_gap_rural')}, 末年 final year"
    assert outcome_label("share_classes_56plus/region/all@3").endswith("第3年 year 3")
    assert outcome_label("not an outcome") == "not an outcome"
