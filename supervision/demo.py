"""Demo data of supervision, relative to today: facilities (one expired, two expiring),
this and last month's inspections of the main hall, two weeks of patrols with
violations (one person's third 未挂胸牌 in a month raises a report), and a third-party
report of last quarter with one accepted and one overdue issue notice. The appraisal's
demo (appraisal/demo.py) builds on it.

Loaded by `manage.py seed_demo` after the demo centre (idempotent: skipped when any
inspection exists)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from common import clock
from org.models import Branch, Staff, Window
from supervision import services
from supervision.models import FacilityKind, Inspection
from workdays.calendar import CalendarNotPublished, is_workday


def _workdays_back(today: date, count: int) -> list[date]:
    days: list[date] = []
    d = today
    while len(days) < count and d > today - timedelta(days=60):
        try:
            if is_workday(d):
                days.append(d)
        except CalendarNotPublished:
            pass
        d -= timedelta(days=1)
    return days


def _same_month(days: list[date], indexes: range, count: int) -> list[int]:
    """`count` of `indexes` (oldest first) whose days fall in one calendar month, the
    latest such month; ten working days always hold five or more of one month."""
    by_month: dict[tuple[int, int], list[int]] = {}
    for i in indexes:
        by_month.setdefault((days[i].year, days[i].month), []).append(i)
    group = next(g for _, g in sorted(by_month.items(), reverse=True) if len(g) >= count)
    return [group[0], group[len(group) // 2], group[-1]][:count]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@transaction.atomic
def load_demo() -> str:
    if Inspection.objects.exists():
        return "已存在，跳过。"
    users = get_user_model().objects
    inspector = users.get(username="inspector1")
    office = users.get(username="office1")
    leader = users.get(username="leader1")
    head = users.get(username="head1")
    staff = {s.staff_no: s for s in Staff.objects.select_related("branch")}
    hd = Branch.objects.get(code="HD01")
    windows = {(w.branch.code, w.number): w for w in Window.objects.select_related("branch")}
    today = clock.today()
    days = _workdays_back(today, 12)

    # Facilities (000 §四(三)3)
    for code in ("HD01", "WA01", "SX01"):
        branch = Branch.objects.get(code=code)
        places: list[tuple[str, str, str, int]] = [
            ("extinguisher", "手提式干粉灭火器 MFZ/ABC4", "大厅东侧入口", 300),
            (
                FacilityKind.EXTINGUISHER,
                "手提式干粉灭火器 MFZ/ABC4",
                "等候区立柱",
                20 if code == "HD01" else 200,
            ),
            (FacilityKind.EXTINGUISHER, "二氧化碳灭火器 MT/3", "机房门口", -6 if code == "HD01" else 120),
            (FacilityKind.HYDRANT, "室内消火栓 SN65", "西侧消防通道", 400),
            (FacilityKind.FIRST_AID, "急救药箱", "休息等候区", 12 if code == "WA01" else 90),
        ]
        for n, (kind, name, where, offset) in enumerate(places, start=1):
            services.facility_register(
                actor=office,
                branch=branch,
                kind=kind,
                name=name,
                location=where,
                serial=f"{code}-{n:02d}",
                valid_until=today + timedelta(days=offset),
                last_checked_on=today - timedelta(days=30),
            )

    # Inspections of the main hall (000 §五(五)4(2))
    F = services.FindingInput
    plan = [
        (days[9], "daily", ("HD01", 1), "1101", [F("S04", "未佩戴工作牌"), F("E01")]),
        (days[9], "daily", ("HD01", 3), "1103", []),
        (days[8], "daily", ("HD01", 4), "1104", [F("D04", "柜台内吃零食")]),
        (days[6], "daily", ("HD01", 6), "1106", [F("E06", "宣传折页有过期版本")]),
        (days[5], "surprise", ("HD01", 3), "1103", [F("S04", "工作牌放在抽屉里"), F("D05", "用手机看视频")]),
        (days[3], "daily", ("HD01", 8), "1108", []),
        (days[2], "daily", ("HD01", 2), "1102", [F("B02", "未出具补办清单")]),
    ]
    for day, kind, win, no, findings in plan:
        inspection = services.inspection_record(
            actor=inspector,
            kind=kind,
            window=windows[win],
            staff=staff[no],
            findings=findings,
            note="上午例行检查" if kind == "daily" else "突击检查，问题已当场指出",
            pointed_out=bool(findings),
            pointed_out_note="已当场向本人指出" if findings else "",
            inspected_at=_at(day, 10, 15),
        )
        if kind == "surprise":
            services.inspection_publish(
                actor=office,
                inspection=inspection,
                text=f"{day:%m月%d日}突击检查发现3号窗口何平未佩戴工作牌、工作时间用手机看视频，扣8分，予以通报批评。",
            )
    services.inspection_record(
        actor=leader,
        kind="leader",
        window=windows[("HD01", 5)],
        staff=staff["1105"],
        findings=[F("P05", "老年人未引导至绿色通道")],
        note="中心领导现场检查",
        inspected_at=_at(days[4], 15, 0),
    )

    # Patrols (002 篇4 二): the last ten working days of the main hall, two rounds each
    V = services.ViolationInput
    duty = staff["0401"]
    found: dict[tuple[int, str], list[services.ViolationInput]] = {
        (7, "afternoon"): [V("1", staff["1107"], note="迟到12分钟")],
        (6, "morning"): [V("6", staff["1102"], window=windows[("HD01", 2)])],
        (4, "afternoon"): [
            V("8", staff["1105"], note="上班时间玩手机"),
            V("10", offender_name="值日保安 张师傅", note="大门口抽烟"),
        ],
    }
    # One person's third 未挂胸牌 in one calendar month raises a report to the unit: put the
    # three on patrol days of the same month, whatever day the demo is loaded on.
    for n, i in enumerate(_same_month(days, range(9, 0, -1), 3)):
        note = "第三次未挂胸牌" if n == 2 else "未挂胸牌"
        found.setdefault((i, "morning"), []).insert(0, V("2.2", staff["1103"], note=note))
    month_start = today.replace(day=1)
    for i, day in enumerate(days[:10]):
        for rnd in ("morning", "afternoon"):
            if i == 0 and rnd == "afternoon":
                continue  # today's afternoon round has not happened yet
            lines = found.get((i, rnd), [])
            patrol = services.patrol_record(
                actor=inspector,
                branch=hd,
                day=day,
                round_code=rnd,
                duty_leader=duty,
                patrol_staff=[staff["0103"]],
                violations=lines,
                note="大厅秩序良好" if not lines else "",
            )
            if i > 1:
                services.patrol_sign(actor=head, patrol=patrol, opinion="情况属实")

    # Third-party report of last quarter (004 §四)
    q_end = month_start
    while (q_end.month - 1) % 3:
        q_end = (q_end - timedelta(days=1)).replace(day=1)
    q_end -= timedelta(days=1)
    year, quarter = q_end.year, (q_end.month - 1) // 3 + 1
    report = services.tp_report_register(
        actor=office,
        firm="某某市场调查有限公司",
        year=year,
        quarter=quarter,
        received_on=q_end + timedelta(days=5),
        methods=["mystery_shopper", "exit_interview", "site_check"],
        summary=f"{year}年第{quarter}季度对3个营业网点开展神秘客户体验调查和现场检查，总体良好，发现问题2项。",
    )
    f1 = services.tp_finding_add(
        actor=office,
        report=report,
        branch=hd,
        aspect="conduct",
        observed_on=q_end - timedelta(days=20),
        description="神秘客户咨询提取业务时，4号窗口工作人员未一次性告知所需材料。",
        window=windows[("HD01", 4)],
        staff=staff["1104"],
    )
    f2 = services.tp_finding_add(
        actor=office,
        report=report,
        branch=Branch.objects.get(code="WA01"),
        aspect="environment",
        observed_on=q_end - timedelta(days=15),
        description="休息等候区未配备老花镜和雨伞，意见箱钥匙缺失。",
    )
    n1 = services.notice_issue(
        actor=office,
        finding=f1,
        requirements="请自查自纠，形成整改报告并附直接责任人个人检查。",
        deadline=today + timedelta(days=1),
    )
    services.notice_answer(
        actor=head,
        notice=n1,
        causes="新上岗人员对提取业务材料清单不熟悉。",
        measures="组织提取业务一次性告知清单专题学习，窗口张贴材料清单。",
        systemic="每周例会抽查一次性告知执行情况。",
        self_examination="本人在接待咨询时没有使用一次性告知清单，给办事职工造成不便，今后严格执行一次性告知制度。",
    )
    services.notice_review(actor=office, notice=n1, accept=True, note="整改到位，同意销号。")
    notice2 = services.notice_issue(
        actor=office,
        finding=f2,
        requirements="请补齐便民设施并报送整改报告。",
        deadline=today + timedelta(days=1),
    )
    # Issued long enough ago to be overdue now: move its dates back (demo only).
    type(notice2).objects.filter(pk=notice2.pk).update(
        issued_on=today - timedelta(days=20), deadline=today - timedelta(days=3)
    )

    return "设施15项、检查8次、巡查19次、第三方检查报告1份。"
