"""The complaint analysis (000 §五(四)12) as an Excel workbook, written through the
project's one Excel writer (common.excel). Personal data is masked (DESIGN.md: masked
wherever shown in lists or exports): 张*, 138****5678."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from common.excel import append_row, new_workbook, workbook_bytes, write_sheet
from common.identity import mask_name, mask_phone
from complaints.analysis import Analysis, Group, percent


def analysis_workbook(report: Analysis) -> bytes:
    wb, summary = new_workbook()
    summary.title = "汇总"
    t = report.total
    write_sheet(
        summary,
        ["项目", "数值"],
        [
            ["统计期间", f"{report.period.start:%Y-%m-%d} 至 {report.period.end:%Y-%m-%d}"],
            ["统计日", f"{report.today:%Y-%m-%d}"],
            ["收到投诉", t.count],
            ["有效投诉（重大+一般）", t.valid],
            ["重大投诉", t.major],
            ["应答复件数", t.due],
            ["按时答复件数", t.on_time],
            ["按时答复率", percent(t.on_time_rate)],
            ["回访件数（已联系上）", t.reached],
            ["满意和基本满意", t.satisfied],
            ["回访满意率", percent(t.satisfaction_rate)],
            ["回访不满意重新办理", t.reopened],
            ["尚未办结", report.open_count],
            ["其中已逾期未答复", report.overdue_open],
            ["重复投诉判定窗口（天）", report.window_days],
        ],
    )
    _groups(wb.create_sheet("按责任部门"), "责任部门", report.by_department)
    _groups(wb.create_sheet("按管理部"), "管理部", report.by_branch)
    write_sheet(wb.create_sheet("按受理范围"), ["受理范围", "件数"], [list(r) for r in report.by_scope])
    write_sheet(wb.create_sheet("按性质"), ["投诉性质", "件数"], [list(r) for r in report.by_class])
    write_sheet(wb.create_sheet("按渠道"), ["投诉渠道", "件数"], [list(r) for r in report.by_channel])
    write_sheet(
        wb.create_sheet("回访满意度"),
        ["回访结果（最后一次）", "件数"],
        [list(r) for r in report.satisfaction],
    )
    hot = wb.create_sheet("热点问题")
    write_sheet(hot, ["热点事项", "件数"], [list(r) for r in report.hot_matters])
    append_row(hot, [])
    append_row(hot, ["被投诉较多的工作人员", "件数"])
    for name, n in report.hot_staff:
        append_row(hot, [name, n])
    write_sheet(
        wb.create_sheet("重复投诉"),
        ["类型", "依据（已脱敏）", "件数", "投诉编号", "收到日期"],
        [
            [
                r.reason,
                r.key,
                len(r.complaints),
                "、".join(c.no for c in r.complaints),
                "、".join(f"{c.received_on:%m-%d}" for c in r.complaints),
            ]
            for r in report.repeats
        ],
    )
    write_sheet(
        wb.create_sheet("意见建议"),
        ["投诉编号", "日期", "来源", "建议"],
        [[s.no, f"{s.on:%Y-%m-%d}", s.source, s.text] for s in report.suggestions],
    )
    write_sheet(
        wb.create_sheet("投诉明细"),
        [
            "投诉编号",
            "收到日期",
            "渠道",
            "投诉人",
            "联系电话",
            "投诉事由",
            "管理部",
            "责任部门",
            "性质",
            "状态",
            "答复期限",
            "回访结果",
        ],
        [
            [
                c.no,
                f"{c.received_on:%Y-%m-%d}",
                c.get_channel_display(),
                "匿名" if c.anonymous else mask_name(c.complainant_name),
                mask_phone(c.complainant_phone),
                c.subject,
                c.branch.name if c.branch else "",
                c.responsible_department.name if c.responsible_department else "",
                c.get_class_code_display() if c.class_code else "尚未定性",
                c.get_status_display(),
                f"{c.reply_due:%Y-%m-%d}" if c.reply_due else "待定",
                c.get_satisfaction_display() if c.satisfaction else "",
            ]
            for c in report.complaints
        ],
    )
    return workbook_bytes(wb)


def _groups(ws: Worksheet, title: str, groups: list[Group]) -> None:
    write_sheet(
        ws,
        [title, "件数", "有效投诉", "重大投诉", "按时答复率", "回访满意率", "重新办理"],
        [
            [
                g.label,
                g.quality.count,
                g.quality.valid,
                g.quality.major,
                percent(g.quality.on_time_rate),
                percent(g.quality.satisfaction_rate),
                g.quality.reopened,
            ]
            for g in groups
        ],
    )
