"""Each time rule of 000 §五(二)2–3 and 002 篇5 §三4, table-driven on the real holiday
arrangements of the State Council (国办发明电): 国庆节 2025 and 2026 (with the makeup
Saturdays 2025-10-11 and 2026-10-10), 春节 2026 (break 15–23 February, Saturday 14 February
worked), 元旦 2026, and 2027 not yet published. Every date below was checked against the
notices, not computed by the code under test."""

from __future__ import annotations

from datetime import date

import pytest

from cases import deadlines, services
from cases.models import CaseStatus, Channel, Escalation
from cases.selectors import due_of
from cases.tests.conftest import at, first_material
from workdays.calendar import calendar_index

pytestmark = pytest.mark.django_db

D = date.fromisoformat


# --- The clock starts the day after receipt (000 §五(二)2(1)) ----------------------------


@pytest.mark.parametrize(
    ("received", "code", "channel", "deadline", "why"),
    [
        # A case accepted before National Day: 1–7 Oct 2026 rest, Sat 10 Oct worked.
        ("2026-09-30", "DK015", "counter", "2026-10-13", "5 days: 8, 9, 10 (Sat, 调休), 12, 13 Oct"),
        ("2026-09-30", "GJ014", "counter", "2026-10-08", "1 day: the first working day after the break"),
        # National Day 2025: 1–8 Oct rest, Sat 11 Oct worked.
        ("2025-09-30", "DK015", "counter", "2025-10-14", "5 days: 9, 10, 11 (Sat, 调休), 13, 14 Oct"),
        ("2025-09-30", "GJ014", "counter", "2025-10-09", "1 day"),
        # The Friday before the 2026 Spring Festival: Sat 14 Feb is a working day.
        ("2026-02-13", "GJ014", "counter", "2026-02-14", "1 day: the makeup Saturday"),
        ("2026-02-13", "DK015", "counter", "2026-02-27", "5 days: 14, 24, 25, 26, 27 Feb"),
        # Received on a rest day (online): the start day is not counted, whatever it is.
        ("2026-03-07", "DK015", "online", "2026-03-13", "Sat 7 Mar: Mon 9 … Fri 13 Mar"),
        # 即办 (000 §五(二)3): the same day, or the next working day for a rest day.
        ("2026-03-16", "TQ001", "counter", "2026-03-16", "immediate, a Monday"),
        ("2026-03-07", "TQ001", "online", "2026-03-09", "immediate, received on a Saturday"),
        ("2026-10-10", "TQ001", "counter", "2026-10-10", "immediate, on the makeup Saturday"),
        ("2025-10-01", "TQ001", "online", "2025-10-09", "immediate, received on National Day"),
        ("2026-12-30", "GJ014", "counter", "2026-12-31", "1 day at the end of the published calendar"),
    ],
)
def test_the_deadline_counts_from_the_day_after_receipt(register, received, code, channel, deadline, why):
    day = D(received)
    case = register(code, when=at(day.year, day.month, day.day), channel=channel)
    assert case.status == CaseStatus.ACCEPTED
    assert case.deadline == D(deadline), why
    assert case.promised_deadline == D(deadline)
    assert case.accepted_on == day
    assert case.rules_ref == "handan-2021-case-time-limit@1"


# --- A deadline in an unpublished year is never guessed ---------------------------------


@pytest.mark.parametrize(
    ("received", "code"),
    [("2026-12-24", "DK016"), ("2026-12-31", "GJ014"), ("2026-12-28", "DK015")],
)
def test_a_deadline_in_an_unpublished_year_is_pending_not_guessed(register, received, code):
    day = D(received)
    case = register(code, when=at(day.year, day.month, day.day))
    assert case.status == CaseStatus.ACCEPTED  # accepted all the same
    assert case.deadline is None and case.promised_deadline is None
    assert case.deadline_pending and case.pending_year == 2027
    public = case.events.filter(public=True).last()
    assert "2027年节假日安排发布后确定" in public.public_note


def test_the_last_working_day_of_the_published_calendar_still_works(register):
    case = register("DK015", when=at(2026, 12, 24))
    # 5 working days from 24 Dec: 25, 28, 29, 30, 31 Dec — all in 2026.
    assert case.deadline == D("2026-12-31")


# --- Incomplete materials: the clock starts the day after completion (000 §五(二)2(2)) ---


@pytest.mark.parametrize(
    ("registered", "completed", "code", "deadline", "why"),
    [
        # Supplement completed on a makeup Saturday (2026-10-10): counting starts Monday.
        ("2026-09-29", "2026-10-10", "DK015", "2026-10-16", "12, 13, 14, 15, 16 Oct"),
        ("2026-09-29", "2026-10-10", "GJ014", "2026-10-12", "1 day after the makeup Saturday"),
        # Completed on the makeup Saturday before the 2026 Spring Festival.
        ("2026-02-10", "2026-02-14", "GJ014", "2026-02-24", "next working day is after the break"),
        ("2026-02-10", "2026-02-14", "DK015", "2026-02-28", "24, 25, 26, 27 Feb and Sat 28 Feb (调休上班)"),
    ],
)
def test_after_a_supplement_the_deadline_counts_from_the_day_after_completion(
    register, users, clock, registered, completed, code, deadline, why
):
    day = D(registered)
    missing = first_material(code)
    case = register(code, when=at(day.year, day.month, day.day), missing=(missing,))
    assert case.status == CaseStatus.SUPPLEMENT
    assert case.deadline is None and case.accepted_on is None
    done = D(completed)
    clock.set(done.year, done.month, done.day, 9)
    codes = list(case.materials.filter(status="missing").values_list("material__code", flat=True))
    case = services.case_supplement_receive(actor=users["teller1"], case=case, material_codes=codes)
    assert case.status == CaseStatus.ACCEPTED
    assert case.accepted_on == done  # 002 篇5 §二4: 补齐之日为正式受理之日
    assert case.deadline == D(deadline), why


# --- Handovers between departments count from the handover day (000 §五(二)2(3)) --------


@pytest.mark.parametrize(
    ("handed_over", "days", "due", "why"),
    [
        # A handover on the Friday before the 2026 Spring Festival.
        ("2026-02-13", 1, "2026-02-13", "the handover day itself is day 1"),
        ("2026-02-13", 2, "2026-02-14", "day 2 is the makeup Saturday"),
        ("2026-02-13", 3, "2026-02-24", "day 3 is after the break"),
        # The day before National Day 2026.
        ("2026-09-30", 1, "2026-09-30", "same day"),
        ("2026-09-30", 2, "2026-10-08", "after the break"),
        # A handover registered on a rest day: day 1 is the next working day.
        ("2026-10-11", 1, "2026-10-12", "Sunday 11 Oct: Monday"),
    ],
)
def test_a_handover_counts_from_the_day_it_is_registered(register, users, clock, handed_over, days, due, why):
    from org.models import Department

    start = D(handed_over)
    # A joint case (商转公, 10 working days) accepted a few days before.
    accepted = {"2026-02-13": (2026, 2, 9), "2026-09-30": (2026, 9, 28), "2026-10-11": (2026, 9, 28)}[
        handed_over
    ]
    case = register("DK016", when=at(*accepted))
    clock.set(start.year, start.month, start.day, 11)
    (handover,) = services.case_handover_register(
        actor=users["teller1"], case=case, departments=[Department.objects.get(code="GJ")], limit_days=days
    )
    assert handover.registered_on == start
    assert handover.due_on == D(due), why
    case.refresh_from_db()
    assert case.status == CaseStatus.JOINT


def test_a_handover_may_not_run_past_the_case_deadline(register, users, clock):
    from common.errors import DomainError
    from org.models import Department

    case = register("GJ015", when=at(2026, 2, 11))  # joint, 3 days: 12, 13, 14 Feb
    assert case.deadline == D("2026-02-14")
    clock.set(2026, 2, 13, 9)
    with pytest.raises(DomainError) as err:
        services.case_handover_register(
            actor=users["teller1"], case=case, departments=[Department.objects.get(code="GJ")], limit_days=3
        )
    assert err.value.code == "handover_after_deadline"
    assert "2026年2月24日" in err.value.message and "2026年2月14日" in err.value.message


# --- 上报件: 15 calendar days from the day after forwarding (002 篇5 §三4) -----------------


@pytest.mark.parametrize(
    ("forwarded", "explain_after"),
    [
        ("2026-09-30", "2026-10-15"),  # the holidays do not stop calendar days
        ("2026-02-13", "2026-02-28"),
        ("2026-12-30", "2027-01-14"),  # calendar days need no holiday notice
    ],
)
def test_an_escalated_case_owes_an_explanation_after_fifteen_days(
    register, users, clock, forwarded, explain_after
):
    day = D(forwarded)
    case = register("GJ019", when=at(day.year, day.month, day.day, 9))
    clock.set(day.year, day.month, day.day, 15)
    escalation = services.case_escalate(actor=users["teller1"], case=case, authority="住房公积金管理委员会")
    assert escalation.explain_after == D(explain_after)
    last_day = D(explain_after)
    assert not services.escalation_needs_explanation(escalation, last_day)
    assert services.escalation_needs_explanation(escalation, date.fromordinal(last_day.toordinal() + 1))
    assert Escalation.objects.get(case=case).rules_ref == "handan-2021-case-time-limit@1"


# --- On time, due soon, due today, overdue ----------------------------------------------


@pytest.mark.parametrize(
    ("today", "state", "left", "text"),
    [
        ("2026-09-30", "on_time", 5, "剩余 5 个工作日"),
        ("2026-10-05", "on_time", 5, "剩余 5 个工作日"),  # in the break: 8, 9, 10, 12, 13 Oct remain
        ("2026-10-09", "on_time", 3, "剩余 3 个工作日"),
        ("2026-10-10", "on_time", 2, "剩余 2 个工作日"),  # the makeup Saturday counts
        ("2026-10-11", "on_time", 2, "剩余 2 个工作日"),
        ("2026-10-12", "due_soon", 1, "剩余 1 个工作日"),  # the rule set's 1 working day before
        ("2026-10-13", "due_today", 0, "今日到期"),
        ("2026-10-14", "overdue", -1, "已超过承诺时限 1 个工作日"),
        ("2026-10-17", "overdue", -3, "已超过承诺时限 3 个工作日"),
    ],
)
def test_every_case_shows_its_deadline_state(register, today, state, left, text):
    case = register("DK015", when=at(2026, 9, 30))
    assert case.deadline == D("2026-10-13")
    due = due_of(case, today=D(today), due_soon_days=1)
    assert due is not None
    assert (str(due.state), due.workdays_left, due.text) == (state, left, text)


def test_a_pending_deadline_is_shown_as_pending():
    due = deadlines.due_state(calendar_index(), deadline=None, today=D("2026-12-28"), due_soon_days=1)
    assert due.state == deadlines.DueState.PENDING
    assert "待节假日安排发布" in due.text


def test_the_due_soon_line_follows_the_rule_set():
    cal = calendar_index()
    # Deadline Tue 13 Oct 2026; with a 2-day line, Fri 9 Oct is still on time (3 left).
    assert (
        deadlines.due_state(cal, deadline=D("2026-10-13"), today=D("2026-10-09"), due_soon_days=2).state
        == "on_time"
    )
    assert (
        deadlines.due_state(cal, deadline=D("2026-10-13"), today=D("2026-10-10"), due_soon_days=2).state
        == "due_soon"
    )


@pytest.mark.parametrize(
    ("offset", "start", "days", "expected"),
    [
        (1, "2026-09-30", 1, "2026-10-08"),  # receipt / supplement: from the next day
        (0, "2026-09-30", 1, "2026-09-30"),  # handover: from the day itself
        (0, "2026-10-11", 2, "2026-10-13"),  # handover on a Sunday
        (2, "2026-09-29", 1, "2026-10-08"),  # a revised rule set starting two days later
        (2, "2026-10-09", 1, "2026-10-12"),  # … from Sunday 11 Oct: Monday
    ],
)
def test_the_start_offset_of_the_rule_set_is_honoured(offset, start, days, expected):
    assert deadlines.counted_deadline(calendar_index(), D(start), days, offset) == D(expected)


def test_received_on_a_rest_day_by_mail_is_not_a_counter_case(register):
    case = register("DK015", when=at(2026, 10, 11), channel=Channel.MAIL)
    assert case.deadline == D("2026-10-16")  # Sun 11 Oct not counted: 12 … 16 Oct
