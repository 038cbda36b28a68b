"""The bench command: a county run printed as one JSON line with the agreed keys and sane values,
a table without --json, and a clean usage error for a bad size.  No timing assertions: the targets
are checked by ``bench --check`` on a quiet machine, not by unit tests."""

from __future__ import annotations

import json

import pytest

from sim.bench import REGIONS, SIZES, TARGETS, build_scenario, check

KEYS = {"size", "pupils", "campuses", "years", "wall_s", "student_years_per_s", "peak_rss_mb", "bytes_per_student"}


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    from click.testing import CliRunner

    from sim.cli import cli
    result = CliRunner().invoke(cli, ["bench", "--size", "county", "--json"])
    assert result.exit_code == 0, result.output
    return result


def test_county_json_has_the_keys_and_sane_values(county):
    lines = county.output.strip().splitlines()
    assert len(lines) == 1
    doc = json.loads(lines[0])
    assert KEYS <= doc.keys()
    assert doc["size"] == "county" and doc["years"] == 10 and doc["campuses"] == 60
    assert 38_000 <= doc["pupils"] <= 42_000
    assert doc["wall_s"] > 0 and doc["student_years_per_s"] > 0
    assert doc["peak_rss_mb"] > 0
    assert 16 <= doc["bytes_per_student"] <= 64  # the 64-byte budget of sim.state


def test_table_output_and_years(run_cli):
    result = run_cli("bench", "--years", "2")
    assert result.exit_code == 0, result.output
    assert "student-years/s" in result.output and "wall" in result.output


def test_bad_size_is_a_usage_error(run_cli):
    result = run_cli("bench", "--size", "town")
    assert result.exit_code == 2
    assert "--size" in result.output and "Traceback" not in result.output


def test_sizes_scale_the_county_and_resolve():
    assert set(REGIONS) == set(SIZES) == set(TARGETS)
    scn = build_scenario("county", years=3)
    assert len(scn.campuses) == 60 and sum(c.pupils for c in scn.campuses) == 40_000
    assert scn.simulation.years == 3
    city = REGIONS["city"]
    assert sum(n for by_locale in city["campuses"].values() for n in by_locale.values()) == 1_500
    assert sum(city["pupils"].values()) == 600_000
    province = REGIONS["province"]
    assert sum(n for by_locale in province["campuses"].values() for n in by_locale.values()) == 12_000
    assert sum(province["pupils"].values()) == 5_000_000


def test_check_marks_missed_targets():
    fast = {"size": "city", "wall_s": 1.0, "student_years_per_s": 2e6}
    slow = {"size": "city", "wall_s": 9.0, "student_years_per_s": 5e5}
    assert all(check(fast).values())
    assert check(slow) == {"wall_s": False, "student_years_per_s": False}


def test_missed_target_is_marked_and_fails_only_with_check(run_cli, monkeypatch):
    import sim.bench
    monkeypatch.setitem(sim.bench.TARGETS, "county", {"wall_s": ("<", 0.0)})  # impossible: always missed
    marked = run_cli("bench", "--years", "1")
    assert marked.exit_code == 0 and "✗" in marked.output
    checked = run_cli("bench", "--years", "1", "--json", "--check")
    assert checked.exit_code == 1
    assert json.loads(checked.output.strip().splitlines()[0])["targets_met"] is False


def test_sweep_bench_reports_runs_per_minute(run_cli):
    """``bench --sweep``: a real (tiny) county sweep, timed; the JSON carries runs_per_min."""
    result = run_cli("bench", "--sweep", "--runs", "3", "--workers", "1", "--years", "2", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output.strip().splitlines()[-1])
    assert doc["runs"] == 3 and doc["failed"] == 0 and doc["executor"] == "local" and doc["years"] == 2
    assert doc["runs_per_min"] > 0 and doc["projected_1000_s"] == pytest.approx(1000 / doc["runs_per_min"] * 60, rel=0.01)
    assert isinstance(doc["targets_met"], bool) and doc["cpu_s"] > 0 and doc["cpu_per_run_s"] > 0
    table = run_cli("bench", "--sweep", "--runs", "2", "--workers", "1", "--years", "1")
    assert table.exit_code == 0 and "runs/min" in table.output and "1,000 runs" in table.output
