"""Page size and load time at the city benchmark size (600,000 pupils, 1,500 campuses, 10 years):
``run`` writes the tables and the pages; ``report`` re-renders them from the tables; Chromium
opens the run page offline.  The figures are printed (they are reported, not pinned: the machine
is shared); only generous sanity bounds are asserted."""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from sim.bench import scenario_data
from sim.cli import cli
from sim.report.pages import render_report

from test_pages_browser import Visit, browser  # noqa: F401  (the browser fixture)

MB = 1024 * 1024


@pytest.mark.slow
def test_city_pages_size_and_load_time(tmp_path, browser, capsys):  # noqa: F811
    yaml = YAML()
    with open(tmp_path / "city.yaml", "w", encoding="utf-8") as f:
        yaml.dump(scenario_data("city", years=10), f)
    out = tmp_path / "city"
    t0 = time.perf_counter()
    result = CliRunner().invoke(cli, ["run", str(tmp_path / "city.yaml"), "--replicates", "1", "--workers", "1",
                                      "--out", str(out)])
    run_s = time.perf_counter() - t0
    assert result.exit_code == 0, result.output
    t0 = time.perf_counter()
    render_report(out)
    report_s = time.perf_counter() - t0
    visit = Visit(browser, out / "run.html")
    try:
        assert visit.errors == [] and visit.blocked == []
        plots = visit.plots()
        assert all(p["marks"] > 0 for p in plots.values()), plots
        t0 = time.perf_counter()
        visit.page.locator("#map-year").fill("0")
        visit.page.evaluate("() => document.getElementById('map').data.length")
        slider_s = time.perf_counter() - t0
    finally:
        visit.close()
    sizes = {name: (out / name).stat().st_size / MB for name in ("run.html", "index.html", "summary.xlsx",
                                                                "plotly.min.js")}
    tables = sum(p.stat().st_size for p in out.glob("*.parquet")) / MB
    with capsys.disabled():
        print(f"\n[city pages] run+pages {run_s:.1f} s; report {report_s:.1f} s; run.html {sizes['run.html']:.2f} MB "
              f"(+ plotly.min.js {sizes['plotly.min.js']:.2f} MB, summary.xlsx {sizes['summary.xlsx'] * 1024:.0f} kB; "
              f"tables {tables:.1f} MB); load until every figure is drawn {visit.load_s:.2f} s; year slider "
              f"{slider_s:.2f} s")
    assert sizes["run.html"] < 20  # sanity: aggregated tables, not pupil rows, make the page
    assert visit.load_s < 120
