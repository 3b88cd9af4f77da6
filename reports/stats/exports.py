"""A statistics page as an Excel workbook, written through common.excel (the one writer:
text cleaned, never taken for a formula): a 概况 sheet with the period, the filters and
the headline figures, then one sheet per table, each with a bold frozen header row,
column widths that fit, number formats (counts, percentages, minutes, dates) and a
filter on the header. Tables carry no citizen's personal data except where they list
cases, and there the selectors have already masked name and phone (common.identity)."""

from __future__ import annotations

import re

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from common.excel import append_row, new_workbook, workbook_bytes, write_sheet
from reports.stats.selectors import Section, Table

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


def section_workbook(section: Section) -> bytes:
    wb, summary = new_workbook()
    summary.title = "概况"
    f = section.f
    append_row(summary, [f"{section.title}统计"])
    summary["A1"].font = Font(bold=True, size=14)
    append_row(summary, ["统计期间", f.label])
    append_row(summary, ["统计范围", f.scope_label])
    append_row(summary, ["导出时间", f"{f.today:%Y-%m-%d}"])
    append_row(summary, [])
    write_sheet(summary, ["指标", "数值", "说明"], [[k.label, k.value, k.note] for k in section.kpis])
    first = summary.max_row - len(section.kpis) + 1
    for i, k in enumerate(section.kpis):
        summary.cell(row=first + i, column=2).number_format = _FORMATS.get(k.fmt, "General")
    for note in section.notes:
        append_row(summary, [])
        append_row(summary, ["说明", note])
    used: set[str] = {"概况"}
    for table in section.tables:
        title = _BAD_SHEET_CHARS.sub("", table.title)[:28] or table.key
        while title in used:
            title = title[:26] + "_2"
        used.add(title)
        _table_sheet(wb.create_sheet(title), table)
    return workbook_bytes(wb)


def _table_sheet(ws: Worksheet, table: Table) -> None:
    write_sheet(ws, [c.label for c in table.columns], table.rows)
    for i, column in enumerate(table.columns, start=1):
        number_format = _FORMATS.get(column.fmt, "General")
        for r in range(2, len(table.rows) + 2):
            ws.cell(row=r, column=i).number_format = number_format
    if table.note:
        append_row(ws, [])
        append_row(ws, [table.note])
        ws.cell(row=ws.max_row, column=1).font = Font(italic=True, color="666666")
    if table.rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
