"""Read an explicit campus list from a CSV file (one row per campus, columns named as the fields
of :class:`~sim.scenario.models.Campus`).  Problems name the CSV file, its line and column.

Line numbers are those a spreadsheet or editor shows: the line on which a row starts, counting
blank lines and the extra lines of quoted fields that span several lines.  The file is read by the
same bounded reader as scenarios (a regular file of at most :data:`MAX_CSV_BYTES`).
"""

from __future__ import annotations

import csv
import difflib
import io
from pathlib import Path

from pydantic import ValidationError

from ..errors import Problem, ScenarioError, display_path
from ..yamlsource import Locations, decode, read_bytes
from .limits import MAX_CAMPUSES
from .models import Campus
from .validation_errors import problems_from_validation

REQUIRED = ("id", "stage", "locale", "classrooms")

MAX_CSV_BYTES = 16 * 2**20
"""Largest campus CSV, bytes (16 MiB: some 80,000 rows of campus figures)."""

MAX_PROBLEMS = 50
"""Problems reported from one CSV before the rest are summarised (a wrong file gives one per row)."""


def _rows(text: str, shown: str):
    """``(first line, values)`` of every non-blank row, the header included (a field longer than
    the csv module's limit, 128 k characters, is a located problem)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        before = reader.line_num
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ScenarioError([Problem(shown, "", reader.line_num or before + 1,
                                         "a well-formed CSV row / 格式正确的 CSV 行", str(exc))]) from None
        if row and any(v.strip() for v in row):
            yield before + 1, row


def read_campus_csv(path: Path, referrer: tuple[str, int | None]) -> tuple[list[Campus], bytes]:
    """Campuses from ``path`` and the file's bytes (for the scenario's digest); ``referrer`` is the
    (file, line) of the YAML key that named it."""
    shown = display_path(path)
    if not path.exists():
        raise ScenarioError([Problem(referrer[0], "region.campuses_csv", referrer[1],
                                     "an existing CSV file / 存在的 CSV 文件", f"{shown} (not found / 未找到)")])
    raw = read_bytes(path, MAX_CSV_BYTES)
    rows = _rows(decode(raw, shown), shown)
    first = next(rows, None)
    if first is None:
        raise ScenarioError([Problem(shown, "", 1, "a header row and at least one campus row / 表头及至少一行",
                                     "an empty file / 空文件")])
    header_line, header = first
    header = [h.strip() for h in header]
    _check_header(header, header_line, shown)
    campuses: list[Campus] = []
    problems: list[Problem] = []
    ids: dict[str, int] = {}
    for line, row in rows:
        if len(row) != len(header):
            problems.append(Problem(shown, "", line, f"{len(header)} values as in the header / 与表头列数一致",
                                    f"{len(row)} values / 个值"))
            continue
        values = {k: v.strip() for k, v in zip(header, row) if v.strip() != ""}
        locs = Locations({(): (shown, line), **{(k,): (shown, line) for k in values}})
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
        if len(campuses) > MAX_CAMPUSES:
            problems.append(Problem(shown, "", line, f"at most {MAX_CAMPUSES:,} campuses / 校区数上限",
                                    "more rows / 行数过多"))
            break
    if problems:
        more = len(problems) - MAX_PROBLEMS
        raise ScenarioError(problems[:MAX_PROBLEMS] + (
            [Problem(shown, "", None, "…", f"{more} more problem(s) / 另有 {more} 处问题")] if more > 0 else []))
    if not campuses:
        raise ScenarioError([Problem(shown, "", header_line, "at least one campus row / 至少一行", "no rows / 无数据")])
    return campuses, raw


def _check_header(header: list[str], line: int, shown: str) -> None:
    """Every required column present, every column a campus field, none twice."""
    fields = set(Campus.model_fields)
    problems = []
    for col in REQUIRED:
        if col not in header:
            problems.append(Problem(shown, col, line, f"a column '{col}' / 必需列", "no such column / 缺少该列"))
    seen: set[str] = set()
    for col in header:
        if col in seen:
            problems.append(Problem(shown, col, line, "each column once / 每列只出现一次", f"'{col}' twice / 重复列"))
        seen.add(col)
        if col not in fields:
            close = difflib.get_close_matches(col, sorted(fields), n=1, cutoff=0.6)
            problems.append(Problem(shown, col, line, "a campus field as column name / 校区字段名", f"unknown column {col!r}",
                                    f"did you mean '{close[0]}'?" if close else ""))
    if problems:
        raise ScenarioError(problems)
