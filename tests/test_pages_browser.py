"""The pages in a real headless Chromium (Debian's ``chromium``, driven by Playwright): every page of
a small run, a small comparison, a grouped run and a sweep loads from its folder with no console
error and no request leaving the machine (every request but file:// is aborted and recorded); the
expected plots draw something; the metric dropdown and the year slider change what is plotted, to
the tables' numbers; Chinese renders in a CJK font.  A full-page screenshot of every page is
written to the test's temporary folder.

Outside CI the tests skip when Chromium or Playwright is missing; in CI (``CI`` set) they fail, so a
missing install step in .ci/run cannot pass unseen.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from sim.report.campus_map import map_panel
from sim.report.folder import check_output_folder
from sim.report.load import load_run
from sim.report.pages import render_report

from pages_fixtures import make_comparison, make_grouped, make_run, make_sweep, shared_folder

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]
IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false")

RUN_PLOTS = ["series", "map", "class_sizes", "pupil_flows"]
COMPARISON_PLOTS = ["comparison_series", "forest", "cost"]
SWEEP_PLOTS = ["outcome_vs_parameter", "heatmap", "sensitivity", "parcoords", "robustness"]

DRAWN = (".scatterlayer .point, .scatterlayer .js-line, .scatterlayer .js-fill, .barlayer .point, .sankey-link, "
         ".sankey-node, .heatmaplayer image, .hm image, .parcoords .y-axis")
"""Marks that show a figure drew data (points, lines, bands, bars, Sankey links, heatmap images,
parallel-coordinate axes)."""


def _unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"CI must run the browser tests: {reason} (.ci/run installs chromium and playwright)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed")
    if not Path(CHROMIUM).exists():
        _unavailable(f"no Chromium at {CHROMIUM}")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """Every folder whose pages are visited: run, comparison, grouped run and sweep."""
    run = shared_folder(tmp_path_factory, "pages_run", make_run)
    compare = shared_folder(tmp_path_factory, "pages_compare", make_comparison)
    grouped = tmp_path_factory.mktemp("grouped") / "out"
    make_grouped(run, grouped)
    render_report(grouped)
    sweep = tmp_path_factory.mktemp("sweep") / "out"
    make_sweep(sweep)
    render_report(sweep)
    return {"run": run, "compare": compare, "grouped": grouped, "sweep": sweep}


PAGES = {
    "run/index": ("run", "index.html", []),
    "run/run": ("run", "run.html", RUN_PLOTS),
    "compare/index": ("compare", "index.html", []),
    "compare/comparison": ("compare", "comparison.html", COMPARISON_PLOTS),
    **{f"compare/{name}/{page}": ("compare", f"{name}/{page}.html", RUN_PLOTS if page == "run" else [])
       for name in ("county_baseline", "county_rural_allowance", "county_new_campus") for page in ("index", "run")},
    "grouped/run": ("grouped", "run.html", RUN_PLOTS + ["exchanges"]),
    "sweep/index": ("sweep", "index.html", []),
    "sweep/sweep": ("sweep", "sweep.html", SWEEP_PLOTS),
}


class Visit:
    """One page opened with the network blocked: its console errors, every request made, what was
    aborted, and how long it took until every figure was drawn."""

    def __init__(self, browser, path: Path):
        self.context = browser.new_context(viewport={"width": 1300, "height": 900})
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.errors: list[str] = []

        def route(r):
            if r.request.url.startswith("file://"):
                r.continue_()
            else:
                self.blocked.append(r.request.url)
                r.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(f"{m.type}: {m.text}")
                     if m.type == "error" or "WARN" in m.text else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        start = time.perf_counter()
        self.page.goto(path.as_uri())
        self.page.wait_for_function(
            "Array.from(document.querySelectorAll('div.plot')).every(d => d._fullLayout !== undefined)")
        self.load_s = time.perf_counter() - start

    def plots(self) -> dict[str, dict]:
        """Per figure: its traces and how many data marks it drew."""
        return {p["id"]: p for p in self.page.evaluate(
            "sel => Array.from(document.querySelectorAll('div.plot')).map(d => "
            "({id: d.id, traces: d.data.length, marks: d.querySelectorAll(sel).length}))", DRAWN)}

    def close(self) -> None:
        self.context.close()


@pytest.mark.parametrize("key", list(PAGES))
def test_page_loads_offline_and_draws_its_plots(browser, folders, tmp_path, key):
    folder, page, expected = PAGES[key]
    visit = Visit(browser, folders[folder] / page)
    try:
        visit.page.screenshot(path=str(tmp_path / f"{key.replace('/', '_')}.png"), full_page=True)
        assert visit.errors == []
        assert visit.blocked == []
        assert visit.requests and all(url.startswith("file://") for url in visit.requests)
        plots = visit.plots()
        assert sorted(plots) == sorted(expected)
        for plot in plots.values():
            assert plot["traces"] > 0 and plot["marks"] > 0, plot
        assert (tmp_path / f"{key.replace('/', '_')}.png").stat().st_size > 10_000
    finally:
        visit.close()


def _lines(visit: Visit, div: str) -> dict[str, list[float]]:
    return visit.page.evaluate(
        "id => Object.fromEntries(document.getElementById(id).data.filter(t => t.mode === 'lines+markers')"
        ".map(t => [t.name, Array.from(t.y)]))", div)


def test_metric_dropdown_changes_the_plotted_series(browser, folders):
    run = load_run(check_output_folder(folders["run"]))
    s = run.summary
    visit = Visit(browser, folders["run"] / "run.html")
    try:
        before = _lines(visit, "series")
        visit.page.select_option("#series-metric", "share_classes_56plus")
        after = _lines(visit, "series")
        assert after != before
        assert visit.page.input_value("#series-level") == "stage"
        for stage, label in (("primary", "小学 primary"), ("junior", "初中 junior")):
            want = s[(s["metric"] == "share_classes_56plus") & (s["level"] == "stage") & (s["entity"] == stage)]
            np.testing.assert_allclose(after[label], want.sort_values("year")["mean"])
        visit.page.select_option("#series-level", "locale")
        assert set(_lines(visit, "series")) == {"城区 urban", "镇区 town", "乡村 rural"}
        title = visit.page.evaluate("document.getElementById('series').layout.title.text")
        assert title.startswith("大班额及以上占比")
        visit.page.select_option("#series-metric", "cv_mean")  # a metric only at stage level: level follows
        assert visit.page.input_value("#series-level") == "stage"
        assert visit.errors == []
    finally:
        visit.close()


def test_year_slider_changes_the_map(browser, folders):
    run = load_run(check_output_folder(folders["run"]))
    by_year, by_colour = (u.views for u in map_panel(run.campuses, run.links, run.campus_year).updates)
    visit = Visit(browser, folders["run"] / "run.html")
    try:
        sizes = "() => { const d = document.getElementById('map'); return Array.from(d.data[d.data.length - 1].marker.size); }"
        last = visit.page.evaluate(sizes)
        visit.page.locator("#map-year").fill("0")
        first = visit.page.evaluate(sizes)
        assert first != last
        np.testing.assert_allclose(first, by_year["1"]["restyle"]["marker.size"][0])
        assert "year 1" in visit.page.text_content("#map-year-out")
        colour = "() => { const d = document.getElementById('map'); return Array.from(d.data[d.data.length - 1].marker.color); }"
        visit.page.select_option("#map-colour", "reputation")
        np.testing.assert_allclose(visit.page.evaluate(colour), by_colour["1|reputation"]["restyle"]["marker.color"][0])
        assert visit.errors == []
    finally:
        visit.close()


def _platform_fonts(visit: Visit, selector: str) -> list[dict]:
    cdp = visit.context.new_cdp_session(visit.page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]


def test_chinese_renders_in_a_cjk_font(browser, folders):
    visit = Visit(browser, folders["compare"] / "comparison.html")
    try:
        for selector in ("h1", "#forest .gtitle"):  # page text and text inside a Plotly figure
            fonts = _platform_fonts(visit, selector)
            cjk = [f for f in fonts if "CJK" in f["familyName"] or "Han" in f["familyName"]]
            assert cjk and sum(f["glyphCount"] for f in cjk) >= 2, (selector, fonts)
        # a CJK glyph is a full em wide; ten of them at 20 px measure 200 px
        width = visit.page.evaluate("""() => { const s = document.createElement('span');
            s.style.fontSize = '20px'; s.textContent = '差异系数城乡学业差距'; document.querySelector('main').append(s);
            return s.getBoundingClientRect().width; }""")
        assert width == pytest.approx(200, abs=2)
    finally:
        visit.close()


def test_comparison_entity_dropdown_follows_the_metric(browser, folders):
    visit = Visit(browser, folders["compare"] / "comparison.html")
    try:
        visit.page.select_option("#comparison_series-metric", "share_classes_56plus")
        visit.page.select_option("#comparison_series-level", "locale")
        assert visit.page.input_value("#comparison_series-entity") in ("urban", "town", "rural")
        names = visit.page.evaluate("Array.from(document.getElementById('comparison_series').data)"
                                    ".filter(t => t.mode === 'lines+markers').map(t => t.name)")
        assert names == ["county_baseline", "county_rural_allowance", "county_new_campus"]
        visit.page.select_option("#forest-year", "1")
        assert visit.errors == []
    finally:
        visit.close()
