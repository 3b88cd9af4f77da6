"""The weekly review pack of a hall (每周工作总结, 000 §二(一)4) as a PDF: a cover, the
week's figures with charts, then the head's own entries and the signature lines."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Table, TableStyle

from common import clock
from common.identity import scrub
from org.models import Centre
from reports.review.charts import bar_chart
from reports.review.figures import WeekFigures
from reports.review.pdf import AMBER, BLUE, GREEN, LINE, RED, Report, gap, para, stats, table
from supervision.models import WeeklyReview, WeeklyReviewStatus

LEVEL_COLOURS = [GREEN, colors.HexColor("#5fa36f"), BLUE, AMBER, RED]
CLAUSE = (
    "管理部及贷款大厅负责人应每周对工作进行安排，对工作中所遇到问题以及新的政策进行学习交流，做好工作总结，"
    "对大厅安全和卫生做到全面检查。对办事职工提出的合理化建议要认真研究采纳。部门负责人要做到不定时进行现场巡视，"
    "对巡视过程中发现的问题及时进行改进。（000 §二(一)4 定期总结，不断改进）"
)


def centre_name() -> str:
    centre = Centre.objects.order_by("pk").first()
    return centre.name if centre else "住房公积金管理中心"


def _minutes(value: object) -> str:
    return "—" if value is None else f"{value} 分钟"


def _cover(f: WeekFigures, review: WeeklyReview | None, width: float) -> list[Flowable]:
    status = review.get_status_display() if review else "未填写"
    lines = [
        ("管理部（大厅）", f.branch.name),
        ("统计周期", f.label),
        ("总结状态", status),
    ]
    if review and review.status == WeeklyReviewStatus.SUBMITTED and review.submitted_at:
        lines.append(
            ("提交", f"{review.submitted_by_label}  {clock.local(review.submitted_at):%Y-%m-%d %H:%M}")
        )
    info = Table(
        [[para(k, "h2"), para(v, "cover_sub")] for k, v in lines],
        colWidths=[40 * mm, width - 60 * mm],
        hAlign="CENTER",
    )
    info.setStyle(
        TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")])
    )
    return [
        gap(30),
        para(centre_name(), "cover_org"),
        para("每周工作总结", "cover_title"),
        para(f"{f.branch.name} · {f.key}", "cover_sub"),
        gap(14),
        info,
        gap(14),
        para("本周要点", "h1"),
        stats(
            [
                ("取号", f.tickets),
                ("办结", f.served),
                ("平均等候", _minutes(f.wait_avg)),
                (f"{f.target_minutes}分钟内叫号", f.within_target_share),
                ("受理办件", f.cases_accepted),
                ("超时办件", f.overdue_cases),
                ("评价", f.ratings),
                ("差评", f.bad_ratings),
                ("收到投诉", f.complaints_received),
                ("违规记录", len(f.violations)),
            ],
            width,
        ),
        gap(10),
        para(CLAUSE, "note"),
        PageBreak(),
    ]


def _band_colours(f: WeekFigures) -> list[colors.Color]:
    """Green within the target wait, red from twice the target, amber between."""
    out = []
    for i in range(len(f.wait_bands)):
        if f.target_minutes and (i + 1) * f.wait_band <= f.target_minutes:
            out.append(GREEN)
        elif f.target_minutes and i * f.wait_band >= 2 * f.target_minutes:
            out.append(RED)
        else:
            out.append(AMBER)
    return out


def _queue(f: WeekFigures, width: float) -> list[Flowable]:
    target = (
        f"服务目标：{f.target_share_percent}% 的号在 {f.target_minutes} 分钟内叫号"
        f"（规则集 {f.queue_rules_ref}）；"
        f"本周 {f.within_target}/{f.target_base} = {f.within_target_share}"
        + (f"（分母含超过目标仍未叫号的 {f.past_target} 个号）" if f.past_target else "")
        + "，"
        + (
            "达到目标。"
            if f.target_met
            else "未达到目标。"
            if f.target_met is False
            else "本周没有可计算等候的号。"
        )
    )
    half = width / 2 - 3
    charts = Table(
        [
            [
                bar_chart(
                    "每日取号、办结与过号",
                    [d.short_label for d in f.days],
                    [
                        ("取号", [d.taken for d in f.days]),
                        ("办结", [d.served for d in f.days]),
                        ("过号", [d.no_shows for d in f.days]),
                    ],
                    width=half,
                    height=165,
                ),
                bar_chart(
                    "等候时间分布（分钟，人数）",
                    [label for label, _ in f.wait_bands],
                    [("人数", [n for _, n in f.wait_bands])],
                    width=half,
                    height=165,
                    bar_colours=_band_colours(f),
                ),
            ]
        ],
        colWidths=[width / 2, width / 2],
    )
    return [
        para("一、排队叫号", "h1"),
        stats(
            [
                ("取号", f.tickets),
                ("办结", f.served),
                ("过号（占叫号）", f"{f.no_shows}（{f.no_show_share}）"),
                ("取消", f.cancelled),
                ("计入等候的号", f.waits_counted),
                ("平均等候", _minutes(f.wait_avg)),
                ("90%的号等候少于", "—" if f.wait_p90 is None else f"{f.wait_p90_text} 分钟"),
                (f"{f.target_minutes}分钟内叫号", f.within_target_share),
            ],
            width,
        ),
        gap(2),
        para(target, "note"),
        charts,
        table(
            ["日期", "取号", "办结", "过号"],
            [[d.label, d.taken, d.served, d.no_shows] for d in f.days],
            [width * 0.4, width * 0.2, width * 0.2, width * 0.2],
            numeric=(1, 2, 3),
        ),
        gap(1.5),
        para(
            "等候时间 = 首次叫号时间 − 取号（或预约签到）时间；过号和取消的号不计入平均等候；"
            "超过目标仍未叫号（仍在等候、超过目标后离开或过号）的号计入目标内叫号率的分母。"
            "口径与运营统计相同。",
            "note",
        ),
    ]


def _appointments_and_cases(f: WeekFigures, width: float) -> list[Flowable]:
    return [
        para("二、网上预约", "h1"),
        stats(
            [
                ("预约", f.appointments),
                ("按时签到", f.appointments_checked_in),
                ("迟到转现场", f.appointments_late),
                ("爽约", f"{f.appointments_no_show}（{f.appointment_no_show_share}）"),
                ("取消", f.appointments_cancelled),
            ],
            width,
        ),
        para("三、办件（限时办结）", "h1"),
        para("本周收件及其办理结果", "h2"),
        stats(
            [
                ("收件", f.cases["received"]),
                ("办结", f.cases["completed"]),
                ("其中超时办结", f.cases["overdue"]),
                ("未办结", f.cases["open"]),
                ("不予受理", f.cases["rejected"]),
                ("撤回", f.cases["withdrawn"]),
            ],
            width,
        ),
        para("本周办理", "h2"),
        stats(
            [
                ("正式受理", f.cases_accepted),
                ("本周办结", f.cases_completed),
                ("其中超时", f.cases_completed_overdue),
                ("新认定超时", f.overdue_cases),
            ],
            width,
        ),
        gap(2),
        KeepTogether(
            [
                para("受理办件按办件类型", "h2"),
                table(
                    ["办件类型", "受理件数"],
                    f.cases_by_type,
                    [width * 0.6, width * 0.4],
                    numeric=(1,),
                ),
            ]
        ),
        KeepTogether(
            [
                para("超时办结情形（本周认定）", "h2"),
                table(
                    ["情形", "次数"],
                    f.overdue_reasons,
                    [width * 0.8, width * 0.2],
                    numeric=(1,),
                    empty="本周没有认定超时办结的办件。",
                ),
            ]
        ),
    ]


def _ratings_and_complaints(f: WeekFigures, width: float) -> list[Flowable]:
    half = width / 2 - 3
    follow = [(label, n) for label, n in f.bad_follow_up if n]
    block = Table(
        [
            [
                bar_chart(
                    "评价等级分布",
                    [label for label, _ in f.rating_levels],
                    [("条数", [n for _, n in f.rating_levels])],
                    width=half,
                    height=150,
                    bar_colours=LEVEL_COLOURS,
                ),
                [
                    para("差评回访整改进度", "h2"),
                    table(
                        ["状态", "条数"],
                        follow,
                        [half * 0.7, half * 0.3],
                        numeric=(1,),
                        empty="本周没有差评。",
                    ),
                ],
            ]
        ],
        colWidths=[width / 2, width / 2],
    )
    block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [
        para("四、好差评", "h1"),
        stats(
            [
                ("评价", f.ratings),
                ("差评", f.bad_ratings),
                ("差评率", f.bad_share),
            ],
            width,
        ),
        gap(2),
        block,
        para("五、投诉", "h1"),
        stats(
            [
                ("本周收到", f.complaints_received),
                ("本周办结", f.complaints_closed),
                ("周末仍在办理", f.complaints_open),
            ],
            width,
        ),
        gap(1.5),
        para("投诉按发生的管理部统计；投诉内容由业务管理处按投诉管理制度办理。", "note"),
    ]


def _supervision(f: WeekFigures, width: float) -> list[Flowable]:
    amount = f"，罚款合计 {f.violation_amount} 元" if f.violation_amount else ""
    return [
        para("六、监督检查", "h1"),
        stats(
            [
                ("检查", f.inspections),
                ("检查发现问题", sum(n for _, n in f.inspection_findings)),
                ("巡查", f.patrols),
                ("发现问题的巡查", f.patrols_with_findings),
                ("违规记录", len(f.violations)),
            ],
            width,
        ),
        gap(2),
        para("检查发现的问题", "h2"),
        table(
            ["检查项目", "次数"],
            f.inspection_findings,
            [width * 0.85, width * 0.15],
            numeric=(1,),
            empty="本周检查未发现问题。",
        ),
        para(f"违规处罚台账（本周{len(f.violations)}条{amount}）", "h2"),
        table(
            ["台账编号", "日期", "当事人", "违规行为", "来源", "罚款（元）"],
            [[v.no, f"{v.day:%m-%d}", v.person, v.item, v.source, v.amount] for v in f.violations],
            [width * 0.15, width * 0.09, width * 0.12, width * 0.38, width * 0.12, width * 0.14],
            numeric=(5,),
            empty="本周没有违规记录。",
        ),
    ]


def _suggestions(f: WeekFigures, width: float) -> list[Flowable]:
    return [
        para("七、办事职工的意见建议", "h1"),
        table(
            ["来源", "内容", "次数", "首次"],
            [[source, text, n, f"{day:%m-%d}"] for source, text, n, day in f.grouped_suggestions],
            [width * 0.14, width * 0.64, width * 0.1, width * 0.12],
            numeric=(2,),
            empty="本周没有收到意见建议。",
        ),
        para("同样的意见合为一行并注明次数；其中的身份证号码和手机号码已脱敏。", "note"),
    ]


def _entry(label: str, text: str) -> list[Flowable]:
    return [para(label, "h2"), para(text.strip() or "（未填写）", "entry")]


def _head_entries(review: WeeklyReview | None, width: float) -> list[Flowable]:
    story: list[Flowable] = [PageBreak(), para("八、负责人工作总结", "h1")]
    if review is None:
        story.append(para("本周尚未在系统中填写，可在下列各栏手写。", "note"))
        blank = Table(
            [[para(x, "h2")] for x in _LABELS], colWidths=[width], rowHeights=[22 * mm] * len(_LABELS)
        )
        blank.setStyle(
            TableStyle([("GRID", (0, 0), (-1, -1), 0.4, LINE), ("VALIGN", (0, 0), (-1, -1), "TOP")])
        )
        story.append(blank)
    else:
        if review.status != WeeklyReviewStatus.SUBMITTED:
            story.append(para("本总结尚未提交，以下为草稿。", "note"))
        story += _entry("（一）本周工作安排", review.arrangements)
        story += _entry("（二）工作中遇到的问题", review.problems)
        story += _entry("（三）新政策学习交流", review.policy_study)
        story += _entry("（四）工作总结", review.summary)
        story += _entry(
            "（五）大厅安全检查",
            ("已检查。" if review.safety_checked else "未检查。")
            + ("\n" + review.safety_findings if review.safety_findings else ""),
        )
        story += _entry(
            "（六）大厅卫生检查",
            ("已检查。" if review.hygiene_checked else "未检查。")
            + ("\n" + review.hygiene_findings if review.hygiene_findings else ""),
        )
        story += _entry("（七）现场巡视发现的问题及改进", review.site_visits)
        adoption = review.get_adoption_display() + (
            f"：{review.adoption_note}" if review.adoption_note else ""
        )
        story += _entry(
            "（八）办事职工提出的合理化建议及研究采纳情况",
            (scrub(review.suggestions) + "\n" if review.suggestions else "") + adoption,
        )
    story.append(
        KeepTogether(
            [
                gap(8),
                para("部门负责人（签字）：________________　　日期：____年____月____日", "sign"),
                para("业务管理处意见：______________________________________________", "sign"),
            ]
        )
    )
    return story


_LABELS = [
    "（一）本周工作安排",
    "（二）工作中遇到的问题",
    "（三）新政策学习交流",
    "（四）工作总结",
    "（五）大厅安全检查",
    "（六）大厅卫生检查",
    "（七）现场巡视发现的问题及改进",
    "（八）办事职工提出的合理化建议及研究采纳情况",
]


def weekly_pack_pdf(f: WeekFigures, review: WeeklyReview | None) -> bytes:
    report = Report(title=f"每周工作总结 {f.branch.name} {f.key}", header=centre_name())
    w = report.width
    story: list[Flowable] = []
    story += _cover(f, review, w)
    story += _queue(f, w)
    story += _appointments_and_cases(f, w)
    story += _ratings_and_complaints(f, w)
    story += _supervision(f, w)
    story += _suggestions(f, w)
    story += _head_entries(review, w)
    return report.build(story)
