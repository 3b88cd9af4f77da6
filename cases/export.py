"""The office's overdue report as an Excel workbook, through the one Excel writer
(common.excel: shaded frozen headers, text never taken for a formula). The applicant is
masked (DESIGN.md: masked wherever shown in lists or exports): 李*, 138****1234."""

from __future__ import annotations

from cases.selectors import OverdueReport
from common.excel import new_workbook, workbook_bytes, write_sheet
from common.identity import mask_name, mask_phone


def overdue_workbook(report: OverdueReport) -> bytes:
    wb, summary = new_workbook()
    summary.title = "按管理部和处室"
    reasons = [text for text, _ in report.reason_list]
    write_sheet(
        summary,
        ["管理部", "处室", "超时办件", *reasons],
        [[g.branch, g.department, g.cases, *(g.reasons.get(r, 0) for r in reasons)] for g in report.groups],
    )
    write_sheet(
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
    write_sheet(
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
    return workbook_bytes(wb)
