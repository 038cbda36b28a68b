"""Shared fixtures: a small explicit scenario, a way to write files, and a CLI runner."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import cli

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
COUNTY = ROOT / "scenarios" / "county_baseline.yaml"

TINY = ["simulation.years=3",
        "region.synthetic.campuses={primary: {urban: 2, town: 2, rural: 4}, junior: {urban: 1, town: 1, rural: 1}, "
        "nine_year: {urban: 0, town: 0, rural: 1}}",
        "region.synthetic.pupils={primary: 2700, junior: 1300}", "region.synthetic.towns=2",
        "region.synthetic.villages=6"]
"""``--set`` overrides shrinking the county baseline to 12 campuses and 4,000 pupils over 3 years
(tens of milliseconds a run), for tests that need many runs."""

SMALL = textwrap.dedent("""\
    name: small
    simulation:
      years: 3
      seed: 5
    region:
      campuses:
        - {id: A, stage: primary, locale: urban, x_km: 0, y_km: 0, classrooms: 24, pupils: 1200, quality: 0.3}
        - {id: B, stage: primary, locale: rural, x_km: 12, y_km: 3, classrooms: 6, pupils: 150, quality: -0.3}
        - {id: C, stage: junior, locale: town, x_km: 6, y_km: -4, classrooms: 12, pupils: 560}
        - {id: D, stage: nine_year, locale: rural, x_km: -9, y_km: 8, classrooms: 9, pupils: 300}
    groups:
      - id: g1
        mode: mingxiao_ruoxiao
        hub: A
        members: [B]
    policies:
      - {action: add_classrooms, year: 2, campus: A, classrooms: 4}
    """)


def pytest_addoption(parser):
    parser.addoption("--regen-golden", action="store_true",
                     help="rewrite tests/data/golden.parquet from today's code (an intended model change only)")


@pytest.fixture
def write(tmp_path):
    """write(name, text or bytes) -> Path inside a fresh temporary folder."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def run_cli():
    """run_cli(*args) -> click Result; fails the test if the command raised anything but SystemExit."""

    def _run(*args: str):
        result = CliRunner().invoke(cli, [str(a) for a in args])
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result

    return _run


def tiny_network(campuses, cells):
    """Compiled network of campuses ``(stage, locale, x_km, y_km)`` and cells ``(locale, x_km, y_km)``,
    every campus alike otherwise (for mechanism tests that need a few campuses in known places)."""
    from sim.network import compile_network
    from sim.scenario.dynamics import Dynamics
    from sim.scenario.models import Campus, Cell, Demography, Simulation, Teachers, Travel
    from sim.scenario.resolved import ResolvedScenario

    cs = [Campus(id=f"S{i}", name=f"S{i}", stage=st, locale=loc, x_km=x, y_km=y, classrooms=10, capacity=450,
                 pupils=400, teachers=30, quality=0.0, reputation=0.0, legal_person=f"S{i}", floor_area_m2=1.0,
                 sports_area_m2=1.0, equipment_value_yuan=1.0, multimedia_classrooms=1)
          for i, (st, loc, x, y) in enumerate(campuses)]
    ks = [Cell(id=f"K{i}", x_km=x, y_km=y, locale=loc, children=[10] * 15) for i, (loc, x, y) in enumerate(cells)]
    return compile_network(ResolvedScenario(
        name="t", title="t", source="<test>", digest="0" * 64, simulation=Simulation(), campuses=tuple(cs),
        cells=tuple(ks), demography=Demography(), teachers=Teachers(), travel=Travel(), dynamics=Dynamics(),
        groups=(), policies=(), data={}))
