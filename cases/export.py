"""The office's overdue report as an Excel workbook (openpyxl). The applicant is masked
(DESIGN.md: masked wherever shown in lists or exports): 李*, 138****1234."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cases.selectors import OverdueReport
from common.identity import mask_name, mask_phone

_HEAD_FILL = PatternFill("solid", fgColor="E8EFF8")
_BOLD = Font(bold=True)


def overdue_workbook(report: OverdueReport) -> bytes:
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = "按管理部和处室"
    reasons = [text for text, _ in report.reason_list]
    _rows(
        summary,
        ["管理部", "处室", "超时办件", *reasons],
        [[g.branch, g.department, g.cases, *(g.reasons.get(r, 0) for r in reasons)] for g in report.groups],
    )
    _rows(
        wb.create_sheet("办件与情形"),
        [
            "受理编号",
            "事项",
            "管理部",
            "处室",
            "第一责任人",
            "申请人",
            "联系电话",
            "办结期限",
            "状态",
            "超时情形",
        ],
        [
            [
                c.receipt_no,
                c.version.name,
                c.branch.name,
                c.department.name if c.department else "",
                c.first_responsible.name,
                mask_name(c.applicant_name) if c.applicant_kind == "person" else c.applicant_name,
                mask_phone(c.applicant_phone),
                c.deadline.isoformat() if c.deadline else "",
                c.get_status_display(),
                "；".join(f.text for f in getattr(c, "findings", [])),
            ]
            for c in report.cases
        ],
    )
    _rows(
        wb.create_sheet("当前已过期限未办结"),
        ["受理编号", "事项", "管理部", "处室", "第一责任人", "办结期限"],
        [
            [
                c.receipt_no,
                c.version.name,
                c.branch.name,
                c.department.name if c.department else "",
                c.first_responsible.name,
                c.deadline.isoformat() if c.deadline else "",
            ]
            for c in report.running_late
        ],
    )
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _rows(sheet: Worksheet, header: list[str], rows: list[list[Any]]) -> None:
    sheet.append(header)
    for cell in sheet[1]:
        cell.font, cell.fill = _BOLD, _HEAD_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for row in rows:
        sheet.append(row)
    for index, title in enumerate(header, start=1):
        width = max([len(str(title))] + [len(str(r[index - 1])) for r in rows]) if rows else len(title)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width * 2, 10), 60)
    sheet.freeze_panes = "A2"
