"""manage.py simulate: a short history of the demo centre, generated through the services
(reports/simulate/, docs/simulate.md).

The history is generated once for the module (inside a transaction rolled back at the
end) over 8–11 October 2026: Thursday, Friday, the 调休 working Saturday and a Sunday.
Its first day is generated on its own before, from the same starting point (a savepoint),
to check that the run is deterministic.

The history's days are fixed, so the module runs at a fixed moment after them (MOMENT),
whatever the suite's pinned moment is (WSM_TEST_NOW, which the second-date pass sets to
8 October itself): the generation and every test read the same "today"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F, Max, Q

from common import clock
from common.testing import FrozenClock, stop_all

START, END = date(2026, 10, 8), date(2026, 10, 11)
WORKING_DAYS = {date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 10)}
SEED, VOLUME = 2026, 0.5
FINAL = {"done", "no_show", "cancelled"}
MOMENT = datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _pinned_clock():
    """Overrides the suite's fixture of this name: this module's moment is MOMENT."""
    FrozenClock(MOMENT, tick=True)
    yield
    stop_all()


@dataclass
class History:
    output: str
    alone: list[tuple[object, ...]]  # the first day, generated on its own
    within: list[tuple[object, ...]]  # the first day, generated as part of the period


def fingerprint(day: date) -> list[tuple[object, ...]]:
    from queueing.models import Ticket

    rows = Ticket.objects.filter(service_date=day).order_by(
        "branch__code", "service_date", "queue__letter", "number"
    )
    return [
        (
            t.branch.code,
            t.service_date,
            t.display_number,
            t.category,
            t.status,
            clock.local(t.called_at).strftime("%H:%M") if t.called_at else None,
        )
        for t in rows.select_related("branch")
    ]


def simulate(**options: object) -> str:
    out = StringIO()
    call_command("simulate", stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def history(django_db_setup, django_db_blocker):
    from org.demo import seed_demo
    from workdays.calendar import calendar_invalidate

    with django_db_blocker.unblock(), transaction.atomic():
        generating = FrozenClock(MOMENT)
        seed_demo()
        before = transaction.savepoint()
        # The first day alone, then (from the same starting point) the whole period: the
        # first day must come out the same — what happens later never changes it.
        simulate(start=START.isoformat(), end=START.isoformat(), seed=SEED, volume=VOLUME)
        alone = fingerprint(START)
        transaction.savepoint_rollback(before)
        calendar_invalidate()
        output = simulate(start=START.isoformat(), end=END.isoformat(), seed=SEED, volume=VOLUME)
        generating.stop()
        yield History(output=output, alone=alone, within=fingerprint(START))
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_the_same_seed_on_the_same_database_gives_the_same_history(history: History) -> None:
    assert len(history.alone) > 30
    assert history.alone == history.within


def test_it_issues_tickets_only_on_working_days_including_the_adjusted_saturday(history: History) -> None:
    from queueing.models import Ticket

    days = set(Ticket.objects.values_list("service_date", flat=True).distinct())
    assert days == WORKING_DAYS


def test_tickets_are_taken_within_opening_hours_and_none_after_the_day_close(history: History) -> None:
    from queueing.models import Ticket

    for ticket in Ticket.objects.select_related("branch"):
        taken = clock.local(ticket.taken_at).time()
        assert ticket.branch.opens_at <= taken < ticket.branch.day_close_at, ticket


def test_every_ticket_ends_in_a_final_state_and_every_window_is_signed_out(history: History) -> None:
    from queueing.models import Ticket, WindowState, WindowStatus

    assert set(Ticket.objects.values_list("status", flat=True)) <= FINAL
    assert Ticket.objects.filter(status="done").count() > 0.85 * Ticket.objects.count()
    assert not WindowState.objects.exclude(status=WindowStatus.CLOSED).exists()


def test_the_central_hall_is_much_busier_than_the_county_branches(history: History) -> None:
    from django.db.models import Count

    from queueing.models import Ticket

    per_branch = dict(Ticket.objects.values_list("branch__code").annotate(n=Count("id")))
    assert per_branch["HD01"] > 2 * per_branch["WA01"]
    assert per_branch["HD01"] > 2 * per_branch["SX01"]


def test_every_step_writes_its_event_and_audit_row_at_the_simulated_time(history: History) -> None:
    from audit.models import AuditEvent
    from queueing.models import Ticket, TicketEvent

    tickets = Ticket.objects.count()
    assert AuditEvent.objects.filter(action="queueing.ticket.take").count() == tickets
    assert TicketEvent.objects.filter(action="take").count() == tickets
    assert (
        TicketEvent.objects.filter(action="complete").count() == Ticket.objects.filter(status="done").count()
    )
    # The audit log carries the simulated moments (bookings up to six days before the
    # period), not the time the command ran.
    simulated = AuditEvent.objects.filter(
        Q(action__startswith="queueing.ticket.")
        | Q(action__startswith="queueing.appointment.")
        | Q(action__startswith="queueing.window.")
        | Q(action__startswith="case.")
        | Q(action__startswith="ratings.")
    )
    days = {clock.local(at).date() for at in simulated.values_list("at", flat=True)}
    assert days & WORKING_DAYS == WORKING_DAYS
    assert min(days) >= date(2026, 10, 2) and max(days) <= END
    # A ticket's own times are the moments of its events (a transferred ticket is called twice).
    last_call = Ticket.objects.filter(status="done").annotate(
        last=Max("events__at", filter=Q(events__action="call"))
    )
    for ticket in last_call:
        assert ticket.last == ticket.called_at, ticket


def test_tellers_pause_for_lunch_and_breaks_with_a_reason(history: History) -> None:
    from queueing.models import WindowEvent

    pauses = WindowEvent.objects.filter(action="pause")
    assert pauses.exists()
    assert WindowEvent.objects.filter(action="resume").count() == pauses.count()
    assert pauses.filter(note="午间休息").exists()


def test_appointments_are_booked_through_the_booking_services_and_checked_in(history: History) -> None:
    from queueing.models import Appointment, AppointmentEvent, Ticket

    appointments = Appointment.objects.all()
    assert appointments.count() > 5
    assert AppointmentEvent.objects.filter(action="book").count() == appointments.count()
    assert set(appointments.values_list("status", flat=True)) <= {"checked_in", "late", "no_show"}
    assert (
        Ticket.objects.filter(source="appointment").count() == appointments.exclude(status="no_show").count()
    )


def test_cases_of_every_handling_type_with_supplements_and_rejections(history: History) -> None:
    from cases.models import Case

    types = set(Case.objects.values_list("handling_type", flat=True))
    assert types == {"immediate", "promised", "joint", "escalated"}
    assert Case.objects.filter(supplement__isnull=False).exists()
    assert Case.objects.filter(status="rejected").exists()
    assert Case.objects.filter(status="delivered", handling_type="immediate").exists()
    for case in Case.objects.filter(handling_type="joint").exclude(status__in=["supplement", "rejected"]):
        assert case.handovers.exists(), case.receipt_no
    for case in Case.objects.filter(handling_type="escalated").exclude(status__in=["supplement", "rejected"]):
        assert hasattr(case, "escalation") or case.received_on == max(WORKING_DAYS), case.receipt_no
    # Every case came from a ticket served at a window of its own branch.
    assert not Case.objects.filter(ticket__isnull=True).exists()
    assert not Case.objects.exclude(ticket__branch=F("branch")).exists()


def test_ratings_have_a_plausible_bad_share_and_bad_ratings_are_followed_up(history: History) -> None:
    from queueing.models import Ticket
    from ratings.models import FollowUp, Rating

    served = Ticket.objects.filter(status="done").count()
    ratings = Rating.objects.count()
    assert 0.55 * served <= ratings <= served
    assert Rating.objects.filter(is_bad=True).count() <= 0.08 * ratings
    assert FollowUp.objects.filter(rating__isnull=False).count() == Rating.objects.filter(is_bad=True).count()


def test_the_hotline_calls_back_withdrawal_and_loan_visits_on_the_next_working_day(history: History) -> None:
    from ratings.models import CallbackStatus, HotlineCallback

    callbacks = HotlineCallback.objects.all()
    assert callbacks.filter(status=CallbackStatus.COMPLETED).exists()
    answered = callbacks.exclude(answered_at=None)
    for callback in answered[:100]:
        assert clock.local_date(callback.answered_at) > callback.service_on


def test_inspections_and_patrols_are_recorded(history: History) -> None:
    from supervision.models import Inspection, Patrol

    assert Patrol.objects.filter(day__in=WORKING_DAYS).count() >= 3
    assert Inspection.objects.exists()


def test_the_summary_names_what_was_generated(history: History) -> None:
    for label in (
        "取号",
        "办结",
        "过号",
        "网上预约",
        "办件",
        "补办件",
        "退回件",
        "延期申请",
        "评价",
        "差评",
        "投诉",
        "巡查",
    ):
        assert re.search(rf"{label}：\d+", history.output), label
    assert "起一周" in history.output


def test_if_empty_does_nothing_once_a_history_exists(history: History) -> None:
    from queueing.models import Ticket

    before = Ticket.objects.count()
    output = simulate(if_empty=True)
    assert "已有历史取号记录" in output
    assert Ticket.objects.count() == before


def test_a_period_that_overlaps_the_existing_history_is_refused(history: History) -> None:
    with pytest.raises(CommandError, match="已有取号记录"):
        simulate(start="2026-10-09", end="2026-10-09")


def test_the_nightly_statistics_roll_up_runs_for_the_simulated_days(history: History) -> None:
    from django.core.management import get_commands

    if "reports_rollup" not in get_commands():
        pytest.skip("the statistics roll-up command is not installed")
    assert "统计汇总（reports_rollup）4 天" in history.output


def test_the_central_hall_has_real_queues_at_the_peak_and_meets_the_wait_target(history: History) -> None:
    from queueing.models import Ticket

    waits = [
        (t.called_at - t.queued_at).total_seconds() / 60
        for t in Ticket.objects.filter(branch__code="HD01", status="done").exclude(called_at=None)
    ]
    assert max(waits) > 10  # windows are staffed for the load: people do wait at the peak
    assert sum(w <= 20 for w in waits) / len(waits) >= 0.7
