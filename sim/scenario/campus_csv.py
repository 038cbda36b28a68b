"""Read an explicit campus list from a CSV file (one row per campus, columns named as the fields
of :class:`~sim.scenario.models.Campus`).  Problems name the CSV file, its line and column."""

from __future__ import annotations

import csv
import difflib
import io
from pathlib import Path

from pydantic import ValidationError

from ..errors import Problem, ScenarioError, display_path
from ..yamlsource import Locations, read_text
from .models import Campus
from .validation_errors import problems_from_validation

REQUIRED = ("id", "stage", "locale", "classrooms")


def read_campus_csv(path: Path, referrer: tuple[str, int | None]) -> list[Campus]:
    """Campuses from ``path``; ``referrer`` is the (file, line) of the YAML key that named it."""
    shown = display_path(path)
    if not path.is_file():
        raise ScenarioError([Problem(referrer[0], "region.campuses_csv", referrer[1],
                                     "an existing CSV file / 存在的 CSV 文件", f"{shown} (not found / 未找到)")])
    reader = csv.DictReader(io.StringIO(read_text(path)))
    header = reader.fieldnames or []
    fields = set(Campus.model_fields)
    problems = []
    for col in REQUIRED:
        if col not in header:
            problems.append(Problem(shown, col, 1, f"a column '{col}' / 必需列", "no such column / 缺少该列"))
    for col in header:
        if col not in fields:
            close = difflib.get_close_matches(col, sorted(fields), n=1, cutoff=0.6)
            problems.append(Problem(shown, col, 1, "a campus field as column name / 校区字段名", f"unknown column '{col}'",
                                    f"did you mean '{close[0]}'?" if close else ""))
    if problems:
        raise ScenarioError(problems)
    campuses: list[Campus] = []
    ids: dict[str, int] = {}
    for row_no, row in enumerate(reader):
        line = row_no + 2
        values = {k: v.strip() for k, v in row.items() if k is not None and v is not None and v.strip() != ""}
        if None in row:
            problems.append(Problem(shown, "", line, f"{len(header)} values as in the header / 与表头列数一致",
                                    f"{len(header) + len(row[None])} values"))
            continue
        locs = Locations({(k,): (shown, line) for k in values})
        try:
            campus = Campus.model_validate(values)
        except ValidationError as exc:
            problems.extend(problems_from_validation(exc, values, locs, shown, Campus))
            continue
        if campus.id in ids:
            problems.append(Problem(shown, "id", line, "a campus id used once / 校区编号唯一",
                                    f"'{campus.id}' again (first on line {ids[campus.id]}) / 重复"))
        ids.setdefault(campus.id, line)
        campuses.append(campus)
    if problems:
        raise ScenarioError(problems)
    if not campuses:
        raise ScenarioError([Problem(shown, "", 1, "at least one campus row / 至少一行", "no rows / 无数据")])
    return campuses
