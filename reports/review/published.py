"""Published tables (公示表) as printable PDFs: the quarterly appraisal results of the
window staff as published on the notice board (002 篇2 二(二) "对当期考核结果及所有不规范
行为在公示栏上公布") and the window scores of a closed period (000 §五(五): 80 citizen +
20 supervision, "客观、公开、公正").

Only what is published is printed: a quarter the appraisal app marks 已公示, its current
publication; window scores only for a period that has ended (a running month is not a
result yet)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether

from appraisal.models import AppraisalQuarter, AppraisalResult
from appraisal.selectors import ScoreTable
from common import clock
from reports.review.pdf import Report, gap, para, table
from reports.review.weekly import centre_name


def appraisal_pdf(quarter: AppraisalQuarter, results: list[AppraisalResult]) -> bytes:
    report = Report(title=f"{quarter}窗口工作人员考核结果公示", header=centre_name(), landscape_pages=True)
    w = report.width
    sections = [(s["name"], s["base"]) for s in results[0].sections] if results else []
    header = [
        "名次",
        "姓名",
        "工号",
        "管理部",
        *[f"{n}\n（{b}分）" for n, b in sections],
        "加分",
        "得分",
        "等次",
        "不规范行为",
    ]
    fixed = [12 * mm, 20 * mm, 18 * mm, 34 * mm]
    section_w = [20 * mm] * len(sections)
    tail = [13 * mm, 14 * mm, 26 * mm]
    rest = w - sum(fixed) - sum(section_w) - sum(tail)
    rows = []
    for r in results:
        grade = r.grade_label + ("（有效投诉，一票否决）" if r.veto_applied else "")
        rows.append(
            [
                r.rank,
                r.staff_name,
                r.staff_no,
                r.branch_name,
                *[s["score"] for s in r.sections],
                r.bonus or "",
                r.total,
                grade,
                "；".join(r.irregularities) or "无",
            ]
        )
    numeric = (0, *range(4, 4 + len(sections) + 2))
    published = f"{clock.local(quarter.published_at):%Y年%m月%d日}" if quarter.published_at else ""
    again = f"（第{quarter.publication}次公示，以本次为准）" if quarter.publication > 1 else ""
    story: list[Flowable] = [
        para(f"{quarter}窗口工作人员考核结果公示", "title"),
        para(f"{centre_name()} · 公示日期 {published}{again}", "subtitle"),
        table(header, rows, [*fixed, *section_w, *tail, rest], numeric=numeric, empty="本季度没有考核结果。"),
        gap(3),
        para(
            "考核按季度进行，百分倒扣（加）制；每季考评得分在90分以上且为前2名的为“优秀”，70–90分为“称职”，"
            "60–69分为“基本称职”，60分以下为“不称职”。凡经查实属有效投诉的，当季、年均不得评为“优秀”"
            f"（002 篇2 二）。考核规则集 {results[0].rules_ref if results else '—'}。",
            "note",
        ),
    ]
    if quarter.note:
        story.append(para(quarter.note, "body"))
    story += [gap(6), para("业务管理处（盖章）　　　　____年____月____日", "sign")]
    return report.build(story)


def window_scores_pdf(score_table: ScoreTable, *, today: date) -> bytes:
    by_staff = score_table.by == "staff"
    title = "管理部日常考核表" if by_staff else "服务窗口评价结果公示"
    report = Report(title=f"{title} {score_table.period.label}", header=centre_name(), landscape_pages=True)
    w = report.width
    weights = score_table.weights
    inspections = score_table.inspection_labels
    header = [
        "名次",
        "工作人员" if by_staff else "窗口",
        f"职工评价\n（{weights['citizen']}分）",
        "计入评价",
        *[f"{label}\n（{weight}分）" for _, label, weight in inspections],
        f"监督检查\n（{weights['supervision']}分）",
        f"总分\n（{weights['total']}分）",
        "提示",
    ]
    widths = [12 * mm, 52 * mm, 24 * mm, 18 * mm, *[24 * mm] * len(inspections), 24 * mm, 20 * mm]
    widths.append(w - sum(widths))
    numeric = tuple(range(2, 6 + len(inspections)))
    numeric = (0, *numeric)
    groups: dict[str, list[list[object]]] = defaultdict(list)
    for r in score_table.rows:
        parts = [
            (f"{p.points}\n未检查" if p.uninspected else f"{p.points}\n{p.count}次")
            for p in r.supervision.parts
        ]
        groups[r.group_label].append(
            [
                r.rank or "—",
                r.label,
                r.citizen if r.citizen is not None else "无评价",
                r.citizen_counted,
                *parts,
                r.supervision.total,
                r.total if r.total is not None else "—",
                "；".join(f for f in r.flags if "未检查" not in f),
            ]
        )
    story: list[Flowable] = [
        para(f"{title}（{score_table.period.label}）", "title"),
        para(
            f"{centre_name()} · 期间 {score_table.period.start:%Y-%m-%d} 至 {score_table.period.end:%Y-%m-%d}"
            f" · 制表日期 {today:%Y-%m-%d}",
            "subtitle",
        ),
    ]
    if not score_table.citizen_available:
        story.append(
            para(
                f"{score_table.citizen_note}职工评价（{weights['citizen']}分）暂不显示分数，也不计总分和名次。",
                "note",
            )
        )
    for branch, rows in groups.items():
        story.append(KeepTogether([para(branch, "h2"), table(header, rows, widths, numeric=numeric)]))
    if not groups:
        story.append(para("没有可评价的窗口。", "note"))
    story += [
        gap(3),
        para(
            f"打分制总分{weights['total']}分：办事职工评价{weights['citizen']}分"
            f" + 监督检查{weights['supervision']}分"
            "（000 §五(五)2、4）。每类检查取期内各次得分的平均值折算；期内未进行的按满分计并标注“未检查”；"
            f"期内没有计入评价的不计总分、不排名。名次在各管理部内排列。规则集 {score_table.rules_ref}。",
            "note",
        ),
        gap(6),
        para("业务管理处（盖章）　　　　____年____月____日", "sign"),
    ]
    return report.build(story)
