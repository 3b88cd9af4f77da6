"""The daily sweep (`manage.py cases_sweep`) and the reminders it writes: deadlines
waiting for the calendar computed, reminders before a deadline (on screen and by text),
new overdue cases flagged (000 §五(二)5), escalations owing their explanation (002 篇5
§三4) and handovers due (000 §五(二)2(3)). Running it twice on a day sends nothing new.
The regulations set no reminder; when one starts is the rule set's product choice.
"""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from cases.models import (
    RUNNING,
    Case,
    CaseStatus,
    Escalation,
    EscalationStatus,
    Handover,
    HandoverStatus,
    Reminder,
    ReminderKind,
)
from cases.notify import text_after_commit
from cases.selectors import escalation_needs_explanation, heads_of
from cases.services._common import SWEEP_ACTOR, fmt, locked, rules_on
from cases.services.overdue import case_deadlines_recompute, reassess
from common import clock
from common.actors import forbidden, staff_of
from org.models import Staff
from workdays.calendar import CalendarNotPublished, calendar_index


def _remind(case: Case, staff: Staff, kind: str, text: str, *, today: date, now: datetime, sms: bool) -> bool:
    """One reminder per case, person, kind and day; a text to the person's mobile only
    with the first of the day."""
    reminder, created = Reminder.objects.get_or_create(
        case=case, staff=staff, kind=kind, day=today, defaults={"text": text[:300], "created_at": now}
    )
    if created and sms and staff.phone:
        reminder.sms_sent = text_after_commit(to=staff.phone, text=text, purpose=f"case_{kind}")
        if reminder.sms_sent:
            reminder.save(update_fields=["sms_sent"])
    return created


def cases_sweep(*, actor: str = SWEEP_ACTOR, now: datetime | None = None) -> dict[str, int]:
    """The daily round (a scheduler runs `manage.py cases_sweep`, e.g. each working morning):
    deadlines waiting for the calendar, reminders before deadlines (on screen and by text),
    new overdue cases flagged, escalations owing an explanation, handovers due. Running it
    twice on a day sends nothing new."""
    now = now or clock.now()
    today = clock.local_date(now)
    counts = {"deadlines": case_deadlines_recompute(actor=actor, now=now)}
    params = rules_on(today).params
    cal = calendar_index()
    try:
        soon_until: date | None = cal.add_workdays(today, params.due_soon_working_days)
    except CalendarNotPublished:
        soon_until = None
    reminded = overdue = explain = handovers = 0

    running = Case.objects.filter(status__in=RUNNING, deadline__isnull=False).select_related(
        "first_responsible", "version", "branch"
    )
    # Reminders before the deadline (the rule set's due-soon line, a product choice).
    soon = running.filter(deadline__gte=today, deadline__lte=soon_until or today)
    for case in soon.exclude(status=CaseStatus.ESCALATED):
        assert case.deadline is not None
        when = "今天" if case.deadline == today else fmt(case.deadline)
        text = (
            f"办件提醒：受理编号{case.receipt_no}（{case.version.name}）将于{when}到期，"
            "请按时办结并告知申请人。"
        )
        with transaction.atomic():
            if _remind(
                case, case.first_responsible, ReminderKind.DUE_SOON, text, today=today, now=now, sms=True
            ):
                reminded += 1

    # New overdue cases: every case whose deadline has passed, and decided cases whose
    # answer or delivery may be missing.
    # (A delivered case was judged when it was delivered: nothing about it changes later.)
    candidates = Case.objects.filter(
        status__in=(*RUNNING, CaseStatus.COMPLETED), deadline__lt=today
    ).select_related("first_responsible", "version", "branch")
    for case in candidates:
        with transaction.atomic():
            new = reassess(locked(case), actor=actor, now=now)
            if not new:
                continue
            overdue += 1
            text = (
                f"超时办结：受理编号{case.receipt_no}（{case.version.name}）"
                f"办结期限{fmt(case.deadline)}已过。"
            )
            targets = [case.first_responsible, *heads_of(case.department_id, case.branch_id)]
            for staff in dict.fromkeys(targets):
                _remind(case, staff, ReminderKind.OVERDUE, text, today=today, now=now, sms=True)

    for escalation in Escalation.objects.filter(
        status=EscalationStatus.FORWARDED, explanation=""
    ).select_related("case", "case__first_responsible", "case__version"):
        if not escalation_needs_explanation(escalation, today):
            continue
        case = escalation.case
        text = (
            f"上报件超过批复期限：受理编号{case.receipt_no}转报{escalation.authority}后至{fmt(escalation.explain_after)}"
            "仍未批复，请向中心作出书面解释。"
        )
        with transaction.atomic():
            if _remind(
                case, case.first_responsible, ReminderKind.EXPLAIN, text, today=today, now=now, sms=False
            ):
                explain += 1

    for handover in Handover.objects.filter(status=HandoverStatus.OPEN, due_on__lte=today).select_related(
        "case", "department", "case__version"
    ):
        state = "今天到期" if handover.due_on == today else "已超过反馈期限"
        text = (
            f"联办意见{state}：受理编号{handover.case.receipt_no}（{handover.case.version.name}），"
            f"请{handover.department.name}反馈意见。"
        )
        with transaction.atomic():
            for staff in heads_of(handover.department_id, None):
                if _remind(
                    handover.case, staff, ReminderKind.HANDOVER, text, today=today, now=now, sms=False
                ):
                    handovers += 1
    counts.update(reminded=reminded, overdue=overdue, explain=explain, handovers=handovers)
    return counts


def reminder_mark_seen(
    *, actor: AbstractBaseUser, reminder: Reminder, now: datetime | None = None
) -> Reminder:
    staff = staff_of(actor)
    if staff is None or reminder.staff_id != staff.pk:
        raise forbidden("这条提醒不是发给您的。")
    now = now or clock.now()
    # The list shows one reminder per case and kind (cases.selectors.reminders_for): the
    # earlier days' rows of the same case and kind are read with it, or they would come back.
    Reminder.objects.filter(
        case_id=reminder.case_id, staff_id=reminder.staff_id, kind=reminder.kind, seen_at__isnull=True
    ).update(seen_at=now)
    reminder.refresh_from_db(fields=["seen_at"])
    return reminder
