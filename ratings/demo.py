"""好差评 demo data: four weeks of served visits in the three halls, rated at the counter
evaluator and by QR code (some left unrated), with their 差评 follow-ups at every stage
(one rectified and published, one overdue), a malicious rating excluded after review with
the citizen's appeal waiting, 12329 callbacks (answered, unreachable, pending), and the
monthly surveys of last month (closed, with responses) and this month (open).

Everything goes through the services, on the hall's clock set to the day concerned, so
every token, event, deadline and audit entry is what the process itself produced.
Loaded by `manage.py seed_demo` (registered in RatingsConfig.ready); idempotent.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from common import clock
from org.models import Category, Staff, Window
from ratings import services
from ratings.models import Rating, RatingChannel, RatingToken, SurveyKind, SurveyTarget
from workdays.calendar import CalendarNotPublished, is_workday

C, W, L = Category.COLLECTION, Category.WITHDRAWAL, Category.LOAN

# (staff_no, branch, window, categories served)
DESKS: list[tuple[str, str, int, list[str]]] = [
    ("1101", "HD01", 1, [C]),
    ("1102", "HD01", 2, [C]),
    ("1103", "HD01", 3, [W]),
    ("1104", "HD01", 4, [W]),
    ("1106", "HD01", 6, [L]),
    ("2002", "WA01", 1, [C, W, L]),
    ("2004", "WA01", 3, [L]),
    ("3002", "SX01", 1, [C, W, L]),
]
# Each desk's habits: weights of levels 5..1 (a slightly weaker desk gives the scores spread).
MOODS = {
    "1101": (70, 22, 5, 2, 1),
    "1102": (55, 30, 10, 4, 1),
    "1103": (62, 28, 6, 3, 1),
    "1104": (45, 35, 12, 6, 2),
    "1106": (66, 26, 6, 2, 0),
    "2002": (58, 30, 8, 3, 1),
    "2004": (50, 34, 10, 4, 2),
    "3002": (60, 30, 7, 2, 1),
}
DAYS = 20  # working days back from yesterday
VISITS_PER_DESK_PER_DAY = 3


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _working_days(today: date, count: int) -> list[date]:
    days: list[date] = []
    day = today - timedelta(days=1)
    while len(days) < count:
        try:
            if is_workday(day):
                days.append(day)
        except CalendarNotPublished:
            break
        day -= timedelta(days=1)
    return sorted(days)


def _serve(staff: Staff, window: Window, category: str, moment: datetime) -> Any:
    from queueing import services as queue

    with clock.running_at(moment):
        queue.ticket_take(actor="kiosk:demo", branch=window.branch, category=category)
        called = queue.ticket_call_next(actor=staff.user, staff=staff, window=window)
    if called is None:
        return None
    with clock.running_at(moment + timedelta(minutes=1)):
        queue.ticket_start(actor=staff.user, staff=staff, window=window)
    with clock.running_at(moment + timedelta(minutes=7)):
        return queue.ticket_complete(actor=staff.user, staff=staff, window=window)


def _rate(ticket: Any, channel: str, level: int, moment: datetime, **extra: Any) -> Rating:
    token = RatingToken.objects.get(ticket=ticket, channel=channel).token
    with clock.running_at(moment):
        return services.rating_submit(actor=f"demo:{channel}", token=token, level=level, **extra)


BAD_STORIES = [
    (["efficiency"], "等了很久，窗口只开了一个"),
    (["attitude"], "工作人员不耐烦"),
    (["ran_back"], "材料清单没说清楚，跑了两趟"),
    (["other"], "大厅空调太冷"),
]


def load_demo() -> str:
    if Rating.objects.exists():
        return "已有好差评数据，跳过"
    users = get_user_model().objects
    office, office2 = users.get(username="office1"), Staff.objects.get(staff_no="0102").user
    today = clock.today()
    days = _working_days(today, DAYS)
    if not days:
        return "工作日历中没有最近的工作日，未生成好差评演示数据"
    rng = random.Random(20211)
    desks: list[tuple[Staff, Window, list[str]]] = []
    for staff_no, branch_code, number, categories in DESKS:
        staff = Staff.objects.select_related("user", "branch").get(staff_no=staff_no)
        window = Window.objects.select_related("branch").get(branch__code=branch_code, number=number)
        desks.append((staff, window, categories))
    bad: list[Rating] = []
    served = rated = 0
    for day in days:
        for staff, window, categories in desks:
            for visit in range(VISITS_PER_DESK_PER_DAY):
                moment = _at(day, 9 + 2 * visit, rng.randrange(0, 50))
                ticket = _serve(staff, window, rng.choice(categories), moment)
                if ticket is None:
                    continue
                served += 1
                finished = ticket.finished_at
                draw = rng.random()
                if draw < 0.12:
                    continue  # not rated: the evaluator timed out and the QR code was never used
                level = rng.choices([5, 4, 3, 2, 1], weights=MOODS[staff.staff_no])[0]
                extra: dict[str, Any] = {}
                if level <= 2:
                    reasons, comment = rng.choice(BAD_STORIES)
                    extra = {
                        "reasons": reasons,
                        "comment": comment,
                        "contact_phone": f"1390310{rng.randrange(1000, 9999)}",
                    }
                if draw < 0.75:
                    rating = _rate(
                        ticket, RatingChannel.COUNTER, level, finished + timedelta(seconds=25), **extra
                    )
                else:
                    rating = _rate(ticket, RatingChannel.QR, level, finished + timedelta(hours=3), **extra)
                rated += 1
                if rating.is_bad:
                    bad.append(rating)
        # Tellers sign out at closing time, so the window history shows real opening hours.
        _sign_out_all(desks, _at(day, 17, 30))
    _work_follow_ups(bad, office, today)
    annotated = _annotate(bad, office, office2)
    callbacks = _callbacks(office)
    _surveys(office, today)
    return (
        f"{served} 次服务、{rated} 条评价（差评 {len(bad)} 条，核销 {annotated} 条），"
        f"12329回访 {callbacks} 条，两个月的满意度测评"
    )


def _sign_out_all(desks: list[tuple[Staff, Window, list[str]]], moment: datetime) -> None:
    from queueing import services as queue
    from queueing.models import WindowState, WindowStatus

    for staff, window, _ in desks:
        state = WindowState.objects.filter(window=window).first()
        if state is not None and state.status != WindowStatus.CLOSED:
            with clock.running_at(moment):
                queue.window_sign_out(actor=staff.user, staff=staff, window=window)


def _work_follow_ups(bad: list[Rating], office: Any, today: date) -> None:
    """Most bad ratings are followed up to the end. Left open: an early one (past its
    deadline: on the office's worklist as overdue) and the latest; the one before the
    latest has been contacted and is being verified."""
    if not bad:
        return
    keep_open = {bad[1].pk if len(bad) > 1 else bad[0].pk, bad[-1].pk}
    contacted_only = bad[-2].pk if len(bad) > 3 else None
    for index, rating in enumerate(bad):
        if rating.pk in keep_open:
            continue
        follow_up = rating.follow_up
        contacted = rating.rated_at + timedelta(hours=5)
        with clock.running_at(contacted):
            services.follow_up_contact(
                actor=office, follow_up=follow_up, method="phone", note="已电话联系评价人，了解具体情况"
            )
        if rating.pk == contacted_only:
            continue
        with clock.running_at(contacted + timedelta(days=2)):
            if index % 4 == 3:
                services.follow_up_close_unfounded(
                    actor=office,
                    follow_up=follow_up,
                    finding="调阅监控与业务系统记录，办理规范、用时正常，评价人表示理解",
                )
                continue
            services.follow_up_rectify(
                actor=office,
                follow_up=follow_up,
                verdict="substantiated",
                finding="经核实，" + (rating.comment or "情况属实"),
                rectification="约谈当事工作人员，组织窗口服务规范再学习；高峰时段由值班长协调增开窗口",
                public_summary="已约谈当事工作人员并组织服务规范再学习，高峰时段增开窗口、加强引导",
            )
        with clock.running_at(contacted + timedelta(days=3)):
            services.follow_up_close(
                actor=office, follow_up=follow_up, satisfaction="satisfied", note="评价人认可整改"
            )


def _annotate(bad: list[Rating], office: Any, office2: Any) -> int:
    """One bad rating found to be malicious (the same caller rated three windows 非常不满意
    within minutes); approved by a second person; the citizen appealed."""
    candidates = [r for r in bad if r.level == 1] or bad[:1]
    if not candidates:
        return 0
    rating = candidates[0]
    annotation = services.rating_annotation_propose(
        actor=office,
        rating=rating,
        kind="malicious",
        reason="同一手机号在5分钟内对三个窗口均给出“非常不满意”，与办理记录不符",
        evidence="评价记录与大厅监控 10:02–10:07；窗口业务系统办理日志",
    )
    services.rating_annotation_decide(
        actor=office2, annotation=annotation, approve=True, note="证据充分，同意核销"
    )
    services.rating_appeal_submit(
        actor="citizen:评价页面",
        annotation=annotation,
        statement="我当天确实在三个窗口之间来回跑，不是恶意评价",
        via="评价页面",
    )
    return 1


def _callbacks(office: Any) -> int:
    """Answer most of the withdrawal and loan callbacks; a few stay on the list."""
    from ratings.models import HotlineCallback

    rng = random.Random(12329)
    pending = list(HotlineCallback.objects.filter(status="pending").order_by("service_completed_at", "pk"))
    for index, callback in enumerate(pending[:-6]):
        with clock.running_at(callback.service_completed_at + timedelta(days=1, hours=1)):
            services.callback_phone_set(actor=office, callback=callback, phone=f"1380310{1000 + index:04d}")
            if index % 15 == 4:
                services.callback_attempt(
                    actor=office, callback=callback, outcome="not_reached", note="无人接听"
                )
                services.callback_attempt(actor=office, callback=callback, outcome="not_reached", note="关机")
                services.callback_close_unreachable(actor=office, callback=callback, note="三次未接通")
                continue
            attitude = rng.choices(["very_satisfied", "satisfied", "dissatisfied"], weights=(72, 27, 1))[0]
            efficiency = rng.choices(["very_satisfied", "satisfied", "dissatisfied"], weights=(64, 35, 1))[0]
            unhappy = "dissatisfied" in (attitude, efficiency)
            services.callback_record(
                actor=office,
                callback=callback,
                attitude=attitude,
                efficiency=efficiency,
                ran_back=index % 70 == 7,
                favours=False,
                dissatisfied_reason="办理时间比承诺的长" if unhappy else "",
                comments="希望增加网上办理的事项" if index % 5 == 0 else "",
            )
    # The problems the callbacks found are followed up like bad ratings; the latest stays open.
    from ratings.models import FollowUp

    found = list(
        FollowUp.objects.filter(callback__isnull=False).select_related("callback").order_by("opened_on", "pk")
    )
    for follow_up in found[:-1]:
        source = follow_up.callback
        assert source is not None
        answered = source.answered_at or source.created_at
        with clock.running_at(answered + timedelta(hours=3)):
            services.follow_up_contact(
                actor=office, follow_up=follow_up, method="phone", note="回访后再次联系，了解具体情况"
            )
        with clock.running_at(answered + timedelta(days=2)):
            services.follow_up_rectify(
                actor=office,
                follow_up=follow_up,
                verdict="partly",
                finding="办理时限内办结，但未主动告知进度",
                rectification="要求窗口在受理时告知办理时限，办结后短信通知",
                public_summary="受理时告知办理时限，办结后短信通知办事职工",
            )
        with clock.running_at(answered + timedelta(days=3)):
            services.follow_up_close(actor=office, follow_up=follow_up, satisfaction="basic")
    for index, callback in enumerate(pending[-6:]):
        if index % 2 == 0:
            with clock.running_at(callback.service_completed_at + timedelta(days=1)):
                services.callback_phone_set(
                    actor=office, callback=callback, phone=f"1370310{2000 + index:04d}"
                )
    return len(pending)


def _surveys(office: Any, today: date) -> None:
    """Last month's surveys (closed, with everybody's answers) and this month's (open)."""
    rng = random.Random(4)
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    for month, close in ((last_month, True), (today.replace(day=1), False)):
        for kind in (SurveyKind.BRANCH_RATES_DEPARTMENT, SurveyKind.MANAGERS_RATE_LEADERS):
            survey_round = services.survey_round_open(actor=office, kind=kind, month=month)
            raters = [
                s
                for s in Staff.objects.filter(is_active=True).select_related("user")
                if services.survey_may_rate(s, kind)
            ]
            share = 1.0 if close else 0.4
            for rater in raters[: max(1, int(len(raters) * share))]:
                for target in SurveyTarget.objects.filter(round=survey_round):
                    if target.leader_id == rater.pk:
                        continue
                    answers, reasons = {}, {}
                    for dimension in ("attitude", "quality", "efficiency"):
                        level = rng.choices(
                            ["very_satisfied", "satisfied", "dissatisfied"], weights=(55, 40, 5)
                        )[0]
                        answers[dimension] = level
                        if level == "dissatisfied":
                            reasons[dimension] = "业务咨询电话回复不及时"
                    services.survey_respond(rater=rater, target=target, answers=answers, reasons=reasons)
            if close:
                services.survey_round_close(actor=office, survey_round=survey_round)
