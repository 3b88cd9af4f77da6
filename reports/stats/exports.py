"""A statistics page as an Excel workbook (openpyxl): a 概况 sheet with the period, the
filters and the headline figures, then one sheet per table, each with a bold frozen
header row, column widths that fit, and number formats (counts, percentages, minutes,
dates). Tables carry no citizen's personal data except where they list cases, and
there the selectors have already masked name and phone (common.identity)."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.stats.selectors import Section, Table

_HEAD_FILL = PatternFill("solid", fgColor="E8EFF8")
_BOLD = Font(bold=True)
_FORMATS = {
    "int": "#,##0",
    "pct": "0.0%",
    "min": "0.0",
    "hours": "0.0",
    "float": "0.00",
    "date": "yyyy-mm-dd",
    "text": "@",
}
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _width(value: Any) -> int:
    text = "" if value is None else str(value)
    # CJK characters take two columns in a spreadsheet.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def section_workbook(section: Section) -> bytes:
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = "概况"
    f = section.f
    summary.append([f"{section.title}统计"])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append(["统计期间", f.label])
    summary.append(["统计范围", f.scope_label])
    summary.append(["导出时间", f"{f.today:%Y-%m-%d}"])
    summary.append([])
    summary.append(["指标", "数值", "说明"])
    head_row = summary.max_row
    for cell in summary[head_row]:
        cell.font = _BOLD
        cell.fill = _HEAD_FILL
    for k in section.kpis:
        summary.append([k.label, k.value, k.note])
        cell = summary.cell(row=summary.max_row, column=2)
        cell.number_format = _FORMATS.get(k.fmt, "General")
    for note in section.notes:
        summary.append([])
        summary.append(["说明", note])
    _fit(summary, [12, 16, 40])
    used: set[str] = {"概况"}
    for table in section.tables:
        title = _BAD_SHEET_CHARS.sub("", table.title)[:28] or table.key
        while title in used:
            title = title[:26] + "_2"
        used.add(title)
        _table_sheet(wb.create_sheet(title), table)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _table_sheet(ws: Worksheet, table: Table) -> None:
    ws.append([c.label for c in table.columns])
    for cell in ws[1]:
        cell.font = _BOLD
        cell.fill = _HEAD_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.freeze_panes = "A2"
    widths = [_width(c.label) for c in table.columns]
    for row in table.rows:
        ws.append(list(row))
        r = ws.max_row
        for i, (column, value) in enumerate(zip(table.columns, row, strict=True), start=1):
            cell = ws.cell(row=r, column=i)
            cell.number_format = _FORMATS.get(column.fmt, "General")
            shown = f"{value:.1f}" if isinstance(value, float) else value
            widths[i - 1] = max(widths[i - 1], _width(shown))
    if table.note:
        ws.append([])
        ws.append([table.note])
        ws.cell(row=ws.max_row, column=1).font = Font(italic=True, color="666666")
    _fit(ws, widths)
    if table.rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"


def _fit(ws: Worksheet, widths: list[int]) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, width + 2))
