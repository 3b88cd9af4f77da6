"""Excel exports of the violations ledger, written through common.excel (the one writer:
text that looks like a formula stays text, characters a workbook cannot hold are
dropped). Staff names are shown (they are on the 工作岗位牌, 000 §四(二)2(1)); no
citizen's personal data is in these workbooks."""

from __future__ import annotations

from typing import Any

from common import clock
from common.excel import new_workbook, workbook_bytes, write_sheet
from common.periods import Period


def ledger_workbook(book: Any, period: Period) -> bytes:
    wb, ws = new_workbook()
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
                f"{clock.local(v.recorded_at):%Y-%m-%d %H:%M}",
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
