"""The daily sweep (`manage.py cases_sweep`): reminders before deadlines on screen and by
text, once per person, case and day; new overdue cases flagged; escalations owing their
explanation; handovers due; pending deadlines computed."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from cases import services
from cases.models import Reminder, ReminderKind
from cases.tests.conftest import at
from org.models import Department

pytestmark = pytest.mark.django_db


def _phone(user, number="13931000001"):
    user.staff.phone = number
    user.staff.save(update_fields=["phone"])


def test_a_reminder_goes_out_once_a_day_before_the_deadline(users, register, clock, sms_outbox):
    _phone(users["teller1"])
    case = register("DK015", when=at(2026, 9, 30))  # deadline Tue 13 Oct
    clock.set(2026, 10, 10, 7)  # makeup Saturday: 2 working days left — not yet
    assert services.cases_sweep(now=clock())["reminded"] == 0
    clock.set(2026, 10, 12, 7)
    assert services.cases_sweep(now=clock())["reminded"] == 1
    assert services.cases_sweep(now=clock())["reminded"] == 0  # idempotent per day
    reminder = Reminder.objects.get()
    assert reminder.kind == ReminderKind.DUE_SOON and reminder.staff == users["teller1"].staff
    assert reminder.sms_sent and len(sms_outbox) == 1
    assert case.receipt_no in sms_outbox[0].text and "2026年10月13日" in sms_outbox[0].text
    clock.set(2026, 10, 13, 7)
    services.cases_sweep(now=clock())
    assert Reminder.objects.filter(kind=ReminderKind.DUE_SOON).count() == 2
    assert "今天" in Reminder.objects.latest("created_at").text


def test_no_text_to_a_landline(users, register, clock, sms_outbox):
    _phone(users["teller1"], "0310-3102003")
    register("DK015", when=at(2026, 9, 30))
    clock.set(2026, 10, 13, 7)
    services.cases_sweep(now=clock())
    assert Reminder.objects.get().sms_sent is False and sms_outbox == []


def test_an_overdue_case_reminds_the_teller_and_the_heads(users, register, clock, sms_outbox):
    case = register("DK015", when=at(2026, 9, 30))
    clock.set(2026, 10, 14, 7)
    counts = services.cases_sweep(now=clock())
    assert counts["overdue"] == 1
    staff = set(
        Reminder.objects.filter(kind=ReminderKind.OVERDUE).values_list("staff__user__username", flat=True)
    )
    assert staff == {"teller1", "head1"}
    case.refresh_from_db()
    assert case.overdue


def test_an_escalation_without_reply_asks_for_the_explanation_until_given(users, register, clock):
    case = register("GJ019", when=at(2026, 9, 28))
    clock.set(2026, 9, 30, 15)
    services.case_escalate(actor=users["teller1"], case=case, authority="住房公积金管理委员会")
    clock.set(2026, 10, 15, 7)
    assert services.cases_sweep(now=clock())["explain"] == 0
    clock.set(2026, 10, 16, 7)
    assert services.cases_sweep(now=clock())["explain"] == 1
    clock.set(2026, 10, 16, 10)
    services.case_escalation_explain(
        actor=users["teller1"], case=case, explanation="管委会会议推迟召开，已电话催办并告知单位"
    )
    clock.set(2026, 10, 19, 7)
    assert services.cases_sweep(now=clock())["explain"] == 0


def test_a_handover_due_reminds_the_head_of_that_department(users, register, clock, make_user):
    gj = Department.objects.get(code="GJ")
    head = make_user("head", department=gj)
    case = register("DK016", when=at(2026, 9, 28))
    clock.set(2026, 9, 30, 9)
    services.case_handover_register(
        actor=users["teller1"], case=case, departments=[gj], limit_days=2
    )  # due 8 Oct
    clock.set(2026, 10, 8, 7)
    assert services.cases_sweep(now=clock())["handovers"] == 1
    assert Reminder.objects.get(kind=ReminderKind.HANDOVER).staff == head.staff


def test_the_command_reports_what_it_did(register, clock):
    register("DK015", when=at(2026, 9, 30))
    out = StringIO()
    clock.set(2026, 10, 14, 7)
    call_command("cases_sweep", stdout=out)
    assert "新认定超时办结 1 件" in out.getvalue()
