"""``summary.xlsx`` for the bureau: the headline table (last year, each plan's mean and 95 %
interval and, in a comparison, its difference from the reference), the yardstick table, the year
each line is first met and, in a comparison, the cost per unit of gap closed; Chinese headers with
English beside them, formatted for a report to the county government.

Numbers are stored as they are in the tables (shares as fractions shown in %, yuan as yuan), so a
reader can recompute from them.
"""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .cost_effect import cost_rows
from .headline import HEADLINES, headline_row, headline_subset
from .load import ComparisonData, RunData
from .text import PERCENT_UNITS
from .yardstick import COLUMNS as YARDSTICK_COLUMNS
from .yardstick import first_met, yardstick_table

HEADLINE_SHEET = "主要指标 headline"
YARDSTICK_SHEET = "均衡达标 yardstick"
FIRST_MET_SHEET = "首次达标 first met"
COST_SHEET = "成本效益 cost"

HEADLINE_HEADERS = ["指标 / measure", "情景 / scenario", "年份 / year", "均值 / mean", "95%下限 / CI low",
                    "95%上限 / CI high"]
DIFF_HEADERS = ["与参照差值 / difference", "差值下限 / diff. CI low", "差值上限 / diff. CI high",
                "显著 / distinguishable"]
UNIT_HEADER = "单位 / unit"

_HEAD_FILL = PatternFill("solid", fgColor="1F4E79")
_HEAD_FONT = Font(bold=True, color="FFFFFF", name="Microsoft YaHei")
_BODY_FONT = Font(name="Microsoft YaHei")
_THIN = Side(style="thin", color="BFBFBF")


def number_format(unit: str) -> str:
    """Excel number format of a catalogue unit."""
    if unit in PERCENT_UNITS:
        return "0.0%"
    if unit.startswith("yuan"):
        return "#,##0"
    if unit in ("ratio", "SD", "index"):
        return "0.000"
    return "#,##0.0"


def _sheet(wb: Workbook, title: str, headers: list[str], rows: list[list], formats: list[list[str | None]]) -> None:
    ws = wb.create_sheet(title)
    ws.append(headers)
    for row, fmts in zip(rows, formats):
        ws.append(row)
        for col, fmt in enumerate(fmts, start=1):
            if fmt:
                ws.cell(ws.max_row, col).number_format = fmt
    for cell in ws[1]:
        cell.fill, cell.font = _HEAD_FILL, _HEAD_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for r in ws.iter_rows(min_row=2):
        for cell in r:
            cell.font, cell.border = _BODY_FONT, Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
    for col, header in enumerate(headers, start=1):
        longest = max([len(str(header)) // 2 + 4] + [len(str(ws.cell(i, col).value or "")) for i in range(2, ws.max_row + 1)])
        ws.column_dimensions[get_column_letter(col)].width = min(60, max(10, longest + 2))
    ws.row_dimensions[1].height = 36
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = ws.dimensions


def _headline(wb: Workbook, summary: pd.DataFrame, names: list[str], year: int, paired: bool) -> None:
    rows, formats = [], []
    summary = headline_subset(summary)
    for h in HEADLINES:
        for name in names:
            r = headline_row(summary, name, year, h)
            if r is None:
                continue
            row = [h.label, name, year, r["mean"], r["ci_low"], r["ci_high"]]
            fmt = [None, None, "0", *[number_format(h.unit)] * 3]
            if paired:
                row += [r["diff"], r["diff_ci_low"], r["diff_ci_high"], "是 yes" if r["distinguishable"] else "否 no"]
                fmt += [number_format(h.unit)] * 3 + [None]
            rows.append([None if isinstance(v, float) and pd.isna(v) else v for v in row + [h.unit]])
            formats.append(fmt + [None])
    _sheet(wb, HEADLINE_SHEET, HEADLINE_HEADERS + (DIFF_HEADERS if paired else []) + [UNIT_HEADER], rows, formats)


def _yardstick(wb: Workbook, summary: pd.DataFrame, names: list[str]) -> None:
    table = yardstick_table(summary, names)
    rows = [[None if isinstance(v, float) and pd.isna(v) else v for v in r] for r in table.itertuples(index=False)]
    formats = [[None, "0", *[number_format(h.unit) for h in YARDSTICK_COLUMNS]]] * len(rows)
    _sheet(wb, YARDSTICK_SHEET, ["情景 / scenario", "年份 / year", *[h.label for h in YARDSTICK_COLUMNS]], rows, formats)


def _first_met(wb: Workbook, runs: tuple[RunData, ...]) -> None:
    rows = []
    for run in runs:
        for line, (year, met) in first_met(run.metrics, run.scenario).items():
            rows.append([run.scenario, line, year, met, run.replicates])
    _sheet(wb, FIRST_MET_SHEET, ["情景 / scenario", "达标线 / line", "首次达标年份（中位数）/ first year met (median)",
                                 "达标运行数 / runs meeting it", "运行数 / runs"], rows, [[None, None, "0", "0", "0"]] * len(rows))


def _cost(wb: Workbook, comparison: pd.DataFrame, year: int) -> None:
    rows = [[r.scenario, r.measure, year, *(v if r.distinguishable else None for v in (r.mean, r.ci_low, r.ci_high)),
             "是 yes" if r.distinguishable else "否 no"] for r in cost_rows(comparison, year)]
    _sheet(wb, COST_SHEET, ["情景 / scenario", "指标 / measure", "年份 / year", "元 / yuan", "95%下限 / CI low",
                            "95%上限 / CI high", "改善显著 / reduction distinguishable"], rows,
           [[None, None, "0", "#,##0", "#,##0", "#,##0", None]] * len(rows))


def _save(wb: Workbook) -> bytes:
    del wb[wb.sheetnames[0]]  # the empty default sheet
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def run_workbook(run: RunData) -> bytes:
    """summary.xlsx of one run (no differences: there is no reference)."""
    wb = Workbook()
    year = int(run.summary["year"].max())
    _headline(wb, run.summary, [run.scenario], year, paired=False)
    _yardstick(wb, run.summary, [run.scenario])
    _first_met(wb, (run,))
    return _save(wb)


def comparison_workbook(data: ComparisonData) -> bytes:
    """summary.xlsx of a comparison: every plan beside the reference."""
    wb = Workbook()
    year = int(data.comparison["year"].max())
    _headline(wb, data.comparison, data.names, year, paired=True)
    _yardstick(wb, data.comparison, data.names)
    _first_met(wb, data.runs)
    _cost(wb, data.comparison, year)
    return _save(wb)
