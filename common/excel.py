"""The one Excel writer (openpyxl) of every export: a titled sheet with a bold, shaded,
frozen header row, columns sized to their text, and cells that cannot be poisoned.

Text in an export often comes from citizens (a complaint's subject, a rating's comment):
 * characters that XML 1.0 cannot hold (control characters such as \\x0b) are dropped —
   openpyxl would refuse the whole workbook, and every later export of the same data;
 * text that a spreadsheet would run as a formula (starting with =, +, -, @, or a tab or
   carriage return) is stored as a text cell with Excel's quote prefix (OWASP "CSV
   injection"): =HYPERLINK(…) shows as the citizen typed it and is never a link.
Numbers, dates and booleans are written as themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from common import clock

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEAD_FILL = PatternFill("solid", fgColor="E8EFF8")
BOLD = Font(bold=True)
_FORMULA_START = re.compile(r"^[\s]*[=+\-@]|^[\t\r]")
MAX_WIDTH = 60


def clean_text(value: Any) -> Any:
    """`value` as a cell holds it: text without the characters a workbook cannot hold; a
    moment as Beijing wall-clock time (a workbook has no time zones: an aware datetime
    would be refused, a UTC one misread)."""
    if value is None:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return clock.local(value).replace(tzinfo=None)
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and bool(_FORMULA_START.match(value))


def append_row(ws: Worksheet, values: Sequence[Any]) -> None:
    """Append one row of values; text is cleaned and never taken for a formula."""
    cleaned = [clean_text(v) for v in values]
    ws.append(cleaned)
    for cell, value in zip(ws[ws.max_row], cleaned, strict=False):
        if looks_like_formula(value):
            cell.data_type = "s"  # openpyxl made it a formula ("f") for the leading "="
            cell.quotePrefix = True


def new_workbook() -> tuple[Workbook, Worksheet]:
    """A workbook and its first sheet."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    return wb, ws


def write_sheet(
    ws: Worksheet, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str = ""
) -> None:
    """An optional title row, a header row (bold, shaded, frozen) and the rows; columns
    sized to their text (up to MAX_WIDTH)."""
    if title:
        append_row(ws, [title])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True, size=13)
    append_row(ws, headers)
    head_row = ws.max_row
    for col in range(1, len(headers) + 1):
        cell = ws.cell(row=head_row, column=col)
        cell.font = BOLD
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    widths = [len(str(h)) * 2 + 2 for h in headers]
    for row in rows:
        values = [clean_text(v) for v in row]
        append_row(ws, values)
        for i, v in enumerate(values[: len(widths)]):
            widths[i] = min(MAX_WIDTH, max(widths[i], len(str(v)) * 2 + 2))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = f"A{head_row + 1}"  # after the rows: a cell made earlier would shift them


def workbook_bytes(wb: Workbook) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    """The workbook as a download named `filename` (Chinese names survive: RFC 6266)."""
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["Cache-Control"] = "no-store"  # exports hold personal data
    return response
