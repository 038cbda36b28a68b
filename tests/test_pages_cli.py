"""`run_sim.py report`: pages written by run and compare, re-rendered from the tables alone, offline
(no address outside the folder), and refused with exit code 2 and nothing written for a folder
with missing or damaged tables."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import sim.runner

from pages_fixtures import make_comparison, make_run, make_sweep, shared_folder

PAGE_FILES = ("index.html", "run.html", "summary.xlsx", "plotly.min.js")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    return shared_folder(tmp_path_factory, "pages_run", make_run)


@pytest.fixture(scope="module")
def compare_dir(tmp_path_factory):
    return shared_folder(tmp_path_factory, "pages_compare", make_comparison)


def test_run_and_compare_end_with_pages(run_dir, compare_dir):
    for name in PAGE_FILES:
        assert (run_dir / name).is_file(), name
    assert (run_dir / "campuses.parquet").is_file() and (run_dir / "campus_links.parquet").is_file()
    for name in ("index.html", "comparison.html", "summary.xlsx", "plotly.min.js"):
        assert (compare_dir / name).is_file(), name
    scenarios = [p for p in compare_dir.iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert len(scenarios) == 3
    for sub in scenarios:
        page = (sub / "run.html").read_text(encoding="utf-8")
        assert '<script src="../plotly.min.js">' in page and 'href="../index.html"' in page
        assert (sub / "metrics_summary.parquet").is_file() and (sub / "summary.xlsx").is_file()
    assert len(list(compare_dir.rglob("plotly.min.js"))) == 1
    index = (compare_dir / "index.html").read_text(encoding="utf-8")
    for sub in scenarios:
        assert f'href="{sub.name}/run.html"' in index
    assert 'href="comparison.html"' in index


def _addresses(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]*)"', html)


def test_pages_point_only_inside_the_folder(run_dir, compare_dir, tmp_path):
    make_sweep(tmp_path / "sweep")
    from sim.report.pages import render_report
    render_report(tmp_path / "sweep")
    pages = list(run_dir.glob("*.html")) + list(compare_dir.rglob("*.html")) + list((tmp_path / "sweep").glob("*.html"))
    assert len(pages) >= 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for address in _addresses(html):
            assert not re.match(r"^[a-z]+:", address) or address == "data:,", (page, address)
            if not address.startswith("data:"):
                assert (page.parent / address).resolve().exists(), (page, address)
        assert "<meta charset=\"utf-8\">" in html and "Noto Sans CJK SC" in html


def _snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


def test_report_renders_from_the_tables_without_running(run_cli, run_dir, tmp_path, monkeypatch):
    copy = tmp_path / "copy"
    shutil.copytree(run_dir, copy, ignore=shutil.ignore_patterns("*.html", "*.js", "*.xlsx", ".runs"))
    monkeypatch.setattr(sim.runner, "run_jobs", lambda *a, **k: pytest.fail("report must not simulate"))
    result = run_cli("report", copy)
    assert result.exit_code == 0, result.output
    for name in PAGE_FILES:
        assert (copy / name).is_file()
    assert "页面 pages:" in result.output


def _damage(kind: str, folder: Path) -> Path:
    """Damage a copy of a run or comparison folder; return the file the message must name."""
    if kind == "missing table":
        (folder / "metrics_summary.parquet").unlink()
        return folder / "metrics_summary.parquet"
    if kind == "not parquet":
        (folder / "campus_year.parquet").write_bytes(b"this is not a parquet file")
        return folder / "campus_year.parquet"
    if kind == "truncated":
        data = (folder / "flows.parquet").read_bytes()
        (folder / "flows.parquet").write_bytes(data[: len(data) // 2])
        return folder / "flows.parquet"
    if kind == "damaged pages":  # footer intact, a data page header garbled: passes the checks, fails when read
        path = folder / "grade_year.parquet"
        chunk = pq.ParquetFile(path).metadata.row_group(0).column(0)
        start = chunk.dictionary_page_offset or chunk.data_page_offset
        data = bytearray(path.read_bytes())
        data[start:start + 60] = b"\xff" * 60
        path.write_bytes(bytes(data))
        from sim.report.folder import check_output_folder
        check_output_folder(folder)
        return path
    if kind == "missing column":
        campuses = pd.read_parquet(folder / "campuses.parquet").drop(columns="x_km")
        campuses.to_parquet(folder / "campuses.parquet", index=False)
        return folder / "campuses.parquet"
    if kind == "bad manifest":
        (folder / "manifest.json").write_text("{not json", encoding="utf-8")
        return folder / "manifest.json"
    raise ValueError(kind)


@pytest.mark.parametrize("kind", ["missing table", "not parquet", "truncated", "damaged pages", "missing column",
                                  "bad manifest"])
def test_report_on_a_damaged_run_folder_exits_2_and_writes_nothing(run_cli, run_dir, tmp_path, kind):
    folder = tmp_path / "run"
    shutil.copytree(run_dir, folder, ignore=shutil.ignore_patterns("*.html", "*.js", "*.xlsx", ".runs"))
    culprit = _damage(kind, folder)
    before = _snapshot(folder)
    result = run_cli("report", folder)
    assert result.exit_code == 2, result.output
    assert culprit.name in result.output and "应为 / expected" in result.output
    assert "未写入任何文件 / nothing was written" in result.output and "Traceback" not in result.output
    assert _snapshot(folder) == before


def test_report_on_a_comparison_with_a_damaged_scenario_writes_nothing(run_cli, compare_dir, tmp_path):
    folder = tmp_path / "compare"
    shutil.copytree(compare_dir, folder, ignore=shutil.ignore_patterns("*.html", "*.js", "*.xlsx", ".runs"))
    culprit = _damage("truncated", folder / "county_new_campus")
    before = _snapshot(folder)
    result = run_cli("report", folder)
    assert result.exit_code == 2 and "county_new_campus" in result.output and culprit.name in result.output
    assert _snapshot(folder) == before
    shutil.rmtree(folder / "county_new_campus")
    result = run_cli("report", folder)
    assert result.exit_code == 2 and "county_new_campus/manifest.json" in result.output


def test_report_on_a_sweep_without_a_required_table_exits_2(run_cli, tmp_path):
    make_sweep(tmp_path / "sweep")
    (tmp_path / "sweep" / "outcomes.parquet").unlink()
    result = run_cli("report", tmp_path / "sweep")
    assert result.exit_code == 2 and "outcomes.parquet" in result.output
    assert not (tmp_path / "sweep" / "index.html").exists()


@pytest.mark.parametrize("make", [lambda p: None, lambda p: p.mkdir()])
def test_report_on_a_folder_that_is_not_an_output_exits_2(run_cli, tmp_path, make):
    target = tmp_path / "nothing"
    make(target)
    result = run_cli("report", target)
    assert result.exit_code == 2 and "nothing" in result.output and "应为 / expected" in result.output
    assert not (target / "index.html").exists()


def test_sweep_manifest_kind_selects_the_sweep_page(run_cli, tmp_path):
    make_sweep(tmp_path / "sweep")
    result = run_cli("report", tmp_path / "sweep")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "sweep" / "sweep.html").read_text(encoding="utf-8")
    assert "fixture_sweep" in html and "section-sensitivity" in html
    assert json.loads((tmp_path / "sweep" / "manifest.json").read_text())["kind"] == "sweep"


def test_templates_ship_in_a_non_editable_install(tmp_path):
    """The wheel carries the templates as package data: pages render from the unpacked wheel alone."""
    import subprocess
    import sys
    import zipfile

    from conftest import ROOT

    source = tmp_path / "source"  # a clean copy: no build/ or egg-info left by an earlier build
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".*", "build", "*.egg-info", "outputs", "__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "wheel"), str(source)],
                   check=True, capture_output=True)
    (wheel,) = (tmp_path / "wheel").glob("edugroup_sim-*.whl")
    zipfile.ZipFile(wheel).extractall(tmp_path / "site")
    make_sweep(tmp_path / "sweep")
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import sim.report.pages as p; "
            "assert p.__file__.startswith(sys.argv[1]), p.__file__; p.render_report(sys.argv[2])")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "site"), str(tmp_path / "sweep")],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "section-parcoords" in (tmp_path / "sweep" / "sweep.html").read_text(encoding="utf-8")
