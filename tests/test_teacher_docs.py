"""docs/TEACHERS.md lists every teacher parameter, with the declared range of each ranged one."""

from __future__ import annotations

from sim.scenario.dynamics import TeacherDynamics
from sim.scenario.models import Teachers
from sim.scenario.ranges import uncertainties

from conftest import ROOT

DOC = (ROOT / "docs" / "TEACHERS.md").read_text(encoding="utf-8")


def table_row(path: str) -> str:
    rows = [line for line in DOC.splitlines() if line.startswith(f"| `{path}` |")]
    assert len(rows) == 1, path
    return rows[0]


def number(x: float) -> str:
    return f"{x:g}"


def test_every_teacher_parameter_has_a_row_with_its_range():
    for prefix, model in (("teachers", Teachers), ("dynamics.teachers", TeacherDynamics)):
        for name in model.model_fields:
            table_row(f"{prefix}.{name}")
        for u in uncertainties(model, prefix):
            path, _, locale = u.path.rpartition(".")
            row_path = path if locale in ("urban", "town", "rural") else u.path
            _, _, default, declared, _ = table_row(row_path).split(" | ")  # path, unit, default, range, source
            assert f"{number(u.low)}–{number(u.high)}" in declared, u.path
            assert number(u.default) in default, u.path
