"""Excel exports (openpyxl) of the violations ledger; `write_sheet` and `xlsx_response`
are shared with the appraisal exports. Staff names are shown (they are on the
工作岗位牌, 000 §四(二)2(1)); no citizen's personal data is in these workbooks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from common.periods import Period

_HEAD_FILL = PatternFill("solid", fgColor="E8EFF8")
_BOLD = Font(bold=True)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def write_sheet(
    ws: Worksheet, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str = ""
) -> None:
    """A header row (bold, shaded, frozen) and the rows; columns sized to their text."""
    if title:
        ws.append([title])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True, size=13)
    ws.append(list(headers))
    head_row = ws.max_row
    for col in range(1, len(headers) + 1):
        cell = ws.cell(row=head_row, column=col)
        cell.font = _BOLD
        cell.fill = _HEAD_FILL
        cell.alignment = Alignment(vertical="center")
    widths = [len(str(h)) * 2 + 2 for h in headers]
    for row in rows:
        values = ["" if v is None else v for v in row]
        ws.append(values)
        for i, v in enumerate(values[: len(widths)]):
            widths[i] = min(60, max(widths[i], len(str(v)) * 2 + 2))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = f"A{head_row + 1}"  # after the rows: a cell made earlier would shift them


def workbook_bytes(wb: Workbook) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


def ledger_workbook(book: Any, period: Period) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "违规处罚台账"
    write_sheet(
        ws,
        [
            "台账编号",
            "记录类型",
            "违规日期",
            "当事人",
            "管理部",
            "处罚事项",
            "违规行为",
            "依据",
            "来源",
            "来源记录",
            "罚款（元）",
            "其他处罚",
            "状态",
            "冲正理由",
            "规则集",
            "登记人",
            "登记时间",
        ],
        (
            [
                v.no,
                v.get_kind_display(),
                v.occurred_on.isoformat(),
                v.offender_name,
                v.branch.name if v.branch else "",
                v.item_code,
                v.item_text,
                v.clause,
                v.get_source_display(),
                v.source_ref,
                v.amount_yuan,
                "；".join(v.consequences),
                v.get_status_display(),
                v.reason,
                v.rules_ref,
                v.recorded_by_label,
                f"{v.recorded_at:%Y-%m-%d %H:%M}",
            ]
            for v in book.rows
        ),
        title=f"违规处罚台账 {period.label}（罚款合计 {book.total_amount} 元）",
    )
    reports = wb.create_sheet("通报")
    write_sheet(
        reports,
        [
            "月份",
            "工作人员",
            "处罚事项",
            "违规行为",
            "原因",
            "触发记录",
            "通报单位",
            "状态",
            "通报日期",
            "通报情况",
        ],
        (
            [
                f"{r.month:%Y-%m}",
                r.staff.name,
                r.item_code,
                r.item_text,
                f"一月内第{r.count_at_trigger}次" if r.kind == "repeat" else r.get_kind_display(),
                r.trigger.no,
                r.unit,
                r.get_status_display(),
                r.sent_on.isoformat() if r.sent_on else "",
                r.sent_note,
            ]
            for r in book.reports
        ),
    )
    return workbook_bytes(wb)
