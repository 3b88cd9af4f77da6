"""The yearly complaint analysis (投诉年度汇总分析, 000 §五(四)12) as a page and a PDF:
"详细统计各个部门投诉数量以及案件办理质量。同时加强对热点问题以及重复性投诉的统计，详细调查
分析产生原因，查找工作中的薄弱点，提出预防纠正措施，报中心审议研究后开展整改落实".

The counts are the complaints app's own analysis (complaints.analysis.complaint_analysis,
the same figures as its on-screen page and Excel export), with the months and the causes
the responsible departments recorded in their handling reports added here; the written
part (causes, measures, the centre's opinion) is supervision.ComplaintAnalysis."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Table, TableStyle

from common import clock
from common.db import reporting_alias
from common.identity import scrub
from common.periods import Period
from complaints.analysis import Analysis, complaint_analysis, percent
from complaints.conf import repeat_window_days
from complaints.models import ComplaintClass, Handling
from complaints.models import Report as HandlingReport
from reports.review.charts import bar_chart, hbar_chart
from reports.review.pdf import AMBER, BLUE, GREEN, LINE, RED, Report, gap, para, stats, table
from reports.review.weekly import centre_name
from supervision.models import AnalysisStatus, ComplaintAnalysis

MONTHS = [f"{m}月" for m in range(1, 13)]


@dataclass
class RecordedCause:
    no: str
    department: str
    class_label: str
    causes: str
    prevention: str


@dataclass
class YearAnalysis:
    year: int
    analysis: Analysis
    by_month: list[tuple[str, int]]
    causes: list[RecordedCause]

    @property
    def total(self):  # type: ignore[no-untyped-def]
        return self.analysis.total


def year_analysis(year: int, *, today: date | None = None) -> YearAnalysis:
    analysis = complaint_analysis(Period.year(year), window_days=repeat_window_days(), today=today)
    months = Counter(c.received_on.month for c in analysis.complaints)
    ids = [c.pk for c in analysis.complaints]
    # The causes as recorded: the latest handling report of each complaint (the office
    # reviewed it), else the department's handling record.
    latest: dict[int, tuple[str, str]] = {}
    for complaint_id, cause, prevention in (
        Handling.objects.using(reporting_alias())
        .filter(complaint_id__in=ids)
        .order_by("round", "submitted_at", "id")
        .values_list("complaint_id", "causes", "prevention")
    ):
        latest[complaint_id] = (cause, prevention)
    for complaint_id, cause, prevention in (
        HandlingReport.objects.using(reporting_alias())
        .filter(complaint_id__in=ids)
        .order_by("round", "submitted_at", "id")
        .values_list("complaint_id", "causes", "prevention")
    ):
        latest[complaint_id] = (cause, prevention)
    class_labels = dict(ComplaintClass.choices)
    causes = [
        RecordedCause(
            no=c.no,
            department=c.responsible_department.name if c.responsible_department else "—",
            class_label=class_labels.get(c.class_code, "尚未定性"),
            causes=latest[c.pk][0],
            prevention=latest[c.pk][1],
        )
        for c in analysis.complaints
        if c.pk in latest and latest[c.pk][0].strip()
    ]
    return YearAnalysis(
        year=year,
        analysis=analysis,
        by_month=[(MONTHS[m - 1], months.get(m, 0)) for m in range(1, 13)],
        causes=causes,
    )


def _quality_rows(groups) -> list[list[object]]:  # type: ignore[no-untyped-def]
    return [
        [
            g.label,
            g.quality.count,
            g.quality.valid,
            g.quality.major,
            f"{percent(g.quality.on_time_rate)}（{g.quality.on_time}/{g.quality.due}）",
            f"{percent(g.quality.satisfaction_rate)}（{g.quality.satisfied}/{g.quality.reached}）",
            g.quality.reopened,
        ]
        for g in groups
    ]


def complaints_year_pdf(data: YearAnalysis, written: ComplaintAnalysis | None) -> bytes:
    a = data.analysis
    t = a.total
    report = Report(title=f"{data.year}年度投诉汇总分析", header=centre_name())
    w = report.width
    half = w / 2 - 3
    quality_header = ["", "件数", "有效", "重大", "按时答复率", "回访满意率", "重新办理"]
    quality_widths = [w * 0.25, w * 0.08, w * 0.08, w * 0.08, w * 0.19, w * 0.19, w * 0.13]
    status = written.get_status_display() if written else "未撰写"
    story: list[Flowable] = [
        para(centre_name(), "cover_org"),
        para(f"{data.year}年度投诉汇总分析报告", "title"),
        para(
            f"业务管理处 · 统计截至 {a.today:%Y-%m-%d} · 重复投诉窗口 {a.window_days} 天"
            f" · 分析状态：{status}",
            "subtitle",
        ),
        stats(
            [
                ("收到投诉", t.count),
                ("有效投诉", t.valid),
                ("重大投诉", t.major),
                ("按时答复率", percent(t.on_time_rate)),
                ("回访满意率", percent(t.satisfaction_rate)),
                ("回访不满意重新办理", t.reopened),
                ("未办结", a.open_count),
                ("未办结且已逾期", a.overdue_open),
                ("重复投诉", len(a.repeats)),
                ("意见建议", len(a.suggestions)),
            ],
            w,
        ),
        gap(3),
        bar_chart(
            "各月收到的投诉（件）", MONTHS, [("件数", [n for _, n in data.by_month])], width=w, height=150
        ),
        para("一、各部门投诉数量及办理质量", "h1"),
        table(
            ["责任部门", *quality_header[1:]],
            _quality_rows(a.by_department),
            quality_widths,
            numeric=(1, 2, 3, 6),
        ),
        para("按管理部（投诉发生地）", "h2"),
        table(
            ["管理部", *quality_header[1:]], _quality_rows(a.by_branch), quality_widths, numeric=(1, 2, 3, 6)
        ),
        para(
            "按时答复率 = 按时答复的件数 ÷ 已答复或已过答复期限的件数（时限按投诉管理规则集）；"
            "回访满意率 = 满意和基本满意 ÷ 回访到投诉人的件数；重新办理 = 回访不满意后重新办理的件数。",
            "note",
        ),
    ]
    charts = Table(
        [
            [
                bar_chart(
                    "投诉性质（件）",
                    [label for label, _ in a.by_class] or ["无"],
                    [("件数", [n for _, n in a.by_class] or [0])],
                    width=half,
                    height=150,
                    bar_colours=[RED, AMBER, BLUE, LINE],
                ),
                bar_chart(
                    "投诉渠道（件）",
                    [label for label, _ in a.by_channel] or ["无"],
                    [("件数", [n for _, n in a.by_channel] or [0])],
                    width=half,
                    height=150,
                    colours=[GREEN],
                ),
            ]
        ],
        colWidths=[w / 2, w / 2],
    )
    story += [
        para("二、投诉性质、渠道和受理范围", "h1"),
        charts,
        table(["受理范围", "件数"], a.by_scope, [w * 0.8, w * 0.2], numeric=(1,)),
    ]
    if a.satisfaction:
        story += [
            para("回访结果（最近一次回访）", "h2"),
            table(["回访结果", "件数"], a.satisfaction, [w * 0.8, w * 0.2], numeric=(1,)),
        ]
    story += [para("三、热点问题", "h1")]
    if a.hot_matters:
        story.append(
            hbar_chart("被投诉两次以上的事项", a.hot_matters, width=w, colour=AMBER, label_width=160)
        )
    else:
        story.append(para("没有被投诉两次以上的事项。", "note"))
    if a.hot_staff:
        story.append(
            hbar_chart("被投诉两次以上的工作人员", a.hot_staff, width=w, colour=RED, label_width=160)
        )
    story += [
        para("四、重复性投诉", "h1"),
        table(
            ["情形", "识别依据（已脱敏）", "件数", "投诉编号及日期"],
            [
                [
                    r.reason,
                    r.key,
                    len(r.complaints),
                    "、".join(f"{c.no}（{c.received_on:%m-%d}）" for c in r.complaints),
                ]
                for r in a.repeats
            ],
            [w * 0.2, w * 0.25, w * 0.08, w * 0.47],
            numeric=(2,),
            empty=f"本年度没有间隔 {a.window_days} 天以内的重复投诉。",
        ),
        para("五、责任部门记录的原因分析", "h1"),
        table(
            ["投诉编号", "责任部门", "性质", "原因分析", "预防措施"],
            [[c.no, c.department, c.class_label, scrub(c.causes), scrub(c.prevention)] for c in data.causes],
            [w * 0.14, w * 0.14, w * 0.1, w * 0.34, w * 0.28],
            empty="本年度还没有办理报告记录原因分析。",
        ),
        para("六、投诉人提出的意见建议", "h1"),
        table(
            ["投诉编号", "日期", "来源", "内容"],
            [[s.no, f"{s.on:%m-%d}", s.source, scrub(s.text)] for s in a.suggestions],
            [w * 0.15, w * 0.1, w * 0.1, w * 0.65],
            empty="本年度没有收到意见建议。",
        ),
        PageBreak(),
        para("七、原因分析与预防纠正措施", "h1"),
    ]
    if written is None:
        story.append(para("业务管理处尚未撰写本年度的原因分析与预防纠正措施。", "note"))
    else:
        story += [
            para("（一）产生原因与工作中的薄弱点", "h2"),
            para(written.causes or "（未填写）", "entry"),
            para("（二）预防纠正措施", "h2"),
            para(written.measures or "（未填写）", "entry"),
        ]
        if written.status == AnalysisStatus.DRAFT:
            story.append(para("本分析尚未报中心审议，以上为草稿。", "note"))
    opinion = written.opinion if written and written.opinion else ""
    decided = (
        f"{written.decided_by_label}  {clock.local(written.decided_at):%Y-%m-%d}"
        if written and written.decided_at
        else ""
    )
    box = Table(
        [
            [para("中心审议意见", "h2"), para(opinion or " ", "entry")],
            [para("审议人 / 日期", "h2"), para(decided or " ", "entry")],
        ],
        colWidths=[35 * mm, w - 35 * mm],
        rowHeights=[30 * mm, 10 * mm],
    )
    box.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, LINE), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [
        gap(4),
        KeepTogether([box]),
        gap(6),
        para(
            "业务管理处（盖章）：　　　　　　负责人（签字）：________________　　日期：____年____月____日",
            "sign",
        ),
    ]
    return report.build(story)
