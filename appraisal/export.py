"""Excel exports of the window score table and of a published quarter, written through
common.excel (the one writer of every export)."""

from __future__ import annotations

from typing import Any

from appraisal.models import AppraisalQuarter, AppraisalResult
from common.excel import new_workbook, workbook_bytes, write_sheet


def _num(value: Any) -> Any:
    return float(value) if value is not None else "未评价"


def window_scores_workbook(table: Any) -> bytes:
    wb, ws = new_workbook()
    ws.title = "管理部日常考核表" if table.by == "staff" else "服务窗口评价"
    labels = [f"{label}（{weight}分）" for _, label, weight in table.inspection_labels]
    write_sheet(
        ws,
        [
            "管理部",
            "窗口" if table.by == "window" else "工作人员",
            f"职工评价（{table.weights['citizen']}分）",
            "计入评价条数",
            "不重复计分条数",
            *labels,
            f"监督检查（{table.weights['supervision']}分）",
            f"总分（{table.weights['total']}分）",
            "本管理部名次",
            "提示",
        ],
        (
            [
                r.group_label,
                r.label,
                _num(r.citizen),
                r.citizen_counted,
                r.citizen_merged,
                *[float(p.points) for p in r.supervision.parts],
                float(r.supervision.total),
                _num(r.total),
                r.rank or "",
                "；".join(r.flags),
            ]
            for r in table.rows
        ),
        title=f"{ws.title} {table.period.label}（规则集 {table.rules_ref}）",
    )
    return workbook_bytes(wb)


def quarter_workbook(quarter: AppraisalQuarter, results: list[AppraisalResult]) -> bytes:
    wb, ws = new_workbook()
    ws.title = "季度考核结果"
    sections = [s["name"] for s in results[0].sections] if results else []
    ref = results[0].rules_ref if results else quarter.rules_ref
    write_sheet(
        ws,
        [
            "名次",
            "工号",
            "姓名",
            "管理部",
            *sections,
            "互评（好/总）",
            "互评扣分",
            "加分",
            "季度得分",
            "等次",
            "提示",
            "扣分项目",
        ],
        (
            [
                r.rank,
                r.staff_no,
                r.staff_name,
                r.branch_name,
                *[s["score"] for s in r.sections],
                f"{r.peer['counted']}/{r.peer['total']}",
                r.peer["deduction"],
                r.bonus,
                r.total,
                r.grade_label,
                "；".join(r.flags),
                "；".join(f"{i['code']} {i['text']}×{i['quantity']}" for s in r.sections for i in s["items"]),
            ]
            for r in results
        ),
        title=f"{quarter}窗口工作人员考核结果（第{quarter.publication}次公示，规则集 {ref}）",
    )
    return workbook_bytes(wb)
