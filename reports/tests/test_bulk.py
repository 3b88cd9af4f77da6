"""The bulk generator at the small scale, on the test database (SQLite or PostgreSQL).

One generation over a week of late 2025 is shared by the tests of this module (it is
the expensive part); each test then checks one promise of reports/simulate/bulk/."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date, timedelta

import pytest
from django.core.management.base import CommandError
from django.db import connection

from audit.models import AuditEvent
from cases.models import Case, CaseSequence, CaseStatus, OverdueFinding
from common import clock
from common.identity import validate_mobile, validate_resident_id, validate_uscc
from complaints.models import Complaint
from queueing.models import Appointment, Ticket, TicketCounter, TicketStatus
from ratings.models import FollowUp, HotlineCallback, Rating, RatingToken
from reports.simulate import profile
from reports.simulate.bulk import SCALES, generate
from workdays.calendar import calendar_index

START, END = date(2025, 12, 1), date(2025, 12, 9)  # seven working days


def _run(seed: int = 7) -> dict[str, int]:
    return generate(start=START, end=END, scale="small", seed=seed, stdout=io.StringIO())


@pytest.fixture(scope="module")
def bulk(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Generate once for the module, inside a transaction rolled back at the end."""
    with django_db_blocker.unblock():
        from django.db import transaction

        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            summary = _run()
            yield summary
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


pytestmark = pytest.mark.django_db


def _workdays() -> list[date]:
    cal = calendar_index()
    days, d = [], START
    while d <= END:
        if cal.is_workday(d):
            days.append(d)
        d += timedelta(days=1)
    return days


def test_it_writes_a_thousandth_of_the_large_volume(bulk):
    days = len(_workdays())
    expected = SCALES["small"].tickets_per_year / 250 * days
    assert 0.6 * expected <= bulk["tickets"] <= 1.6 * expected
    assert bulk["tickets"] == Ticket.objects.count()
    assert bulk["ratings"] == Rating.objects.count() > 0
    assert bulk["cases"] == Case.objects.count() > 0
    served = Ticket.objects.filter(status=TicketStatus.DONE).count()
    assert 0.55 * served <= Rating.objects.filter(ticket__isnull=False).count() <= 0.85 * served
    assert 0.2 * served <= Case.objects.count() <= 0.5 * served


def test_it_writes_nothing_on_a_rest_day(bulk):
    workdays = set(_workdays())
    assert set(Ticket.objects.values_list("service_date", flat=True)) <= workdays
    assert set(Case.objects.values_list("received_on", flat=True)) <= workdays


def test_every_ticket_has_its_timestamps_in_order_and_its_local_date(bulk):
    for t in Ticket.objects.all():
        assert clock.local_date(t.taken_at) == t.service_date
        assert t.queued_at == t.taken_at
        if t.status == TicketStatus.DONE:
            assert t.taken_at <= t.called_at <= t.started_at <= t.finished_at
            assert t.window_id and t.staff_id
        elif t.status == TicketStatus.NO_SHOW:
            assert t.taken_at <= t.called_at <= t.no_show_at == t.finished_at
            assert t.started_at is None
        else:
            assert t.status == TicketStatus.CANCELLED
            assert t.called_at is None and t.window_id is None and t.finished_at >= t.taken_at


def test_numbers_are_gapless_per_queue_and_day_and_match_the_counter(bulk):
    numbers: dict[tuple[int, date], list[int]] = defaultdict(list)
    for t in Ticket.objects.select_related("queue"):
        numbers[t.queue_id, t.service_date].append(t.number)
        assert t.display_number == f"{t.queue.letter}{t.number:03d}"
    counters = {(c.queue_id, c.service_date): c.last_number for c in TicketCounter.objects.all()}
    for key, got in numbers.items():
        assert sorted(got) == list(range(1, len(got) + 1))
        assert counters[key] == len(got)
    assert Ticket.objects.values("token").distinct().count() == Ticket.objects.count()


def test_a_window_only_serves_the_categories_it_is_set_up_for(bulk):
    for t in Ticket.objects.filter(status=TicketStatus.DONE).select_related("window"):
        assert t.category in t.window.categories
        assert t.window.branch_id == t.branch_id


def test_ratings_link_the_service_they_rate(bulk):
    for r in Rating.objects.select_related("ticket", "token", "case"):
        assert r.token.ticket_id == r.ticket_id and r.token.case_id == r.case_id
        assert r.rated_at >= r.token.created_at and r.rated_at < r.token.expires_at
        assert clock.local_date(r.rated_at) == r.rated_on
        if r.ticket is not None:
            assert r.ticket.status == TicketStatus.DONE
            ticket = r.ticket
            assert (r.window_id, r.staff_id, r.branch_id) == (
                ticket.window_id,
                ticket.staff_id,
                ticket.branch_id,
            )
        else:
            assert r.case is not None and r.case.decided_at is not None
        assert r.is_bad == (r.level <= 2)
        assert bool(r.reasons) == r.is_bad
    assert RatingToken.objects.count() == Rating.objects.count()


def test_the_bad_share_is_plausible_and_each_bad_rating_has_its_follow_up(bulk):
    total = Rating.objects.count()
    bad = Rating.objects.filter(is_bad=True).count()
    expected = profile.RATING_LEVEL_WEIGHTS[1] + profile.RATING_LEVEL_WEIGHTS[2]
    assert bad / total <= expected * 4  # a few dozen ratings: loose, but not anything
    assert FollowUp.objects.filter(rating__isnull=False).count() == bad


def test_cases_have_unique_receipts_and_consistent_deadlines(bulk):
    cal = calendar_index()
    per_branch_day: dict[tuple[int, date], list[int]] = defaultdict(list)
    for c in Case.objects.select_related("branch", "ticket"):
        prefix = f"{c.branch.code}-{c.received_on:%Y%m%d}-"
        assert c.receipt_no.startswith(prefix)
        per_branch_day[c.branch_id, c.received_on].append(int(c.receipt_no[len(prefix) :]))
        assert clock.local_date(c.received_at) == c.received_on
        if c.ticket is not None:
            assert c.ticket.status == TicketStatus.DONE and c.received_at >= c.ticket.started_at
        if c.applicant_id_number:
            validate_resident_id(c.applicant_id_number)
        if c.applicant_credit_code:
            validate_uscc(c.applicant_credit_code)
        validate_mobile(c.applicant_phone)
        if c.status in (CaseStatus.REJECTED, CaseStatus.SUPPLEMENT):
            assert c.deadline is None and c.accepted_at is None
            continue
        assert c.promised_deadline is not None and c.deadline is not None
        if c.promised_days == 0:
            assert c.deadline == cal.add_workdays(c.accepted_on, 0)
        else:
            assert c.promised_deadline == cal.add_workdays(c.accepted_on, c.promised_days)
            assert c.deadline >= c.promised_deadline
        if c.decided_at is not None:
            assert c.accepted_at <= c.decided_at
        late = c.decided_at is not None and clock.local_date(c.decided_at) > c.deadline
        assert c.overdue == OverdueFinding.objects.filter(case=c).exists()
        if late:
            assert c.overdue
    for key, got in per_branch_day.items():
        assert sorted(got) == list(range(1, len(got) + 1))
        assert CaseSequence.objects.get(branch_id=key[0], day=key[1]).last == len(got)


def test_appointments_are_checked_in_or_no_shows_with_valid_people(bulk):
    appointments = list(Appointment.objects.select_related("ticket"))
    assert appointments
    for a in appointments:
        validate_resident_id(a.id_number)
        validate_mobile(a.mobile)
        assert len(a.code) == 8 and a.code.isdigit()
        if a.status == "checked_in":
            assert a.ticket is not None and a.ticket.source == "appointment"
            assert a.ticket.service_date == a.service_date and a.ticket.category == a.category
        else:
            assert a.status == "no_show" and a.ticket is None and a.closed_at is not None
    no_shows = sum(a.status == "no_show" for a in appointments)
    assert no_shows <= len(appointments) * 0.5


def test_callbacks_are_for_withdrawals_and_loans_only(bulk):
    assert HotlineCallback.objects.exists()
    assert set(HotlineCallback.objects.values_list("category", flat=True)) <= {"withdrawal", "loan"}
    for cb in HotlineCallback.objects.exclude(status="pending"):
        assert cb.service_completed_at < (cb.answered_at or cb.created_at + timedelta(days=30))


def test_complaints_are_numbered_per_day_and_their_states_follow_their_age(bulk):
    for c in Complaint.objects.all():
        assert c.no.startswith(f"TS{c.received_on:%Y%m%d}-")
        if c.status in ("closed", "archived"):
            assert c.replied_at is not None and c.closed_at >= c.replied_at
        if c.class_code:
            assert c.reply_due is not None


GENERATED = (
    Ticket,
    TicketCounter,
    Appointment,
    Case,
    CaseSequence,
    OverdueFinding,
    RatingToken,
    Rating,
    FollowUp,
    HotlineCallback,
    Complaint,
)


def test_every_link_points_at_an_existing_row(bulk):
    # The links are made from ids the generator took itself, and on the benchmark
    # cluster the foreign-key triggers are skipped during the load: check them all here.
    from django.apps import apps
    from django.db import models

    checked = 0
    for model in (
        *GENERATED,
        *(
            apps.get_model(m)
            for m in (
                "cases.SupplementRequest",
                "cases.Extension",
                "cases.Handover",
                "cases.Escalation",
                "queueing.WindowEvent",
            )
        ),
    ):
        for f in model._meta.concrete_fields:
            if isinstance(f, models.ForeignKey):
                target = f.related_model._default_manager.values("pk")
                dangling = model._default_manager.filter(**{f"{f.attname}__isnull": False}).exclude(
                    **{f"{f.attname}__in": target}
                )
                assert not dangling.exists(), f"{model.__name__}.{f.name}"
                checked += 1
    assert checked > 30


def test_one_audit_record_summarises_the_load(bulk):
    event = AuditEvent.objects.get(action="reports.simulate.bulk")
    assert event.changes["tickets"] == bulk["tickets"]


def test_the_same_seed_gives_the_same_counts_and_a_rerun_adds_nothing(bulk):
    from django.db import transaction

    with transaction.atomic():
        again = _run()
        transaction.set_rollback(True)
    assert again["tickets"] == 0  # every hall and day already has its counter: skipped
    assert Ticket.objects.count() == bulk["tickets"]


def test_it_refuses_the_large_scale_on_sqlite_and_a_reversed_period():
    with pytest.raises(CommandError, match="开始日期晚于结束日期"):
        generate(start=END, end=START, scale="small", stdout=io.StringIO())
    with pytest.raises(CommandError, match="规模"):
        generate(start=START, end=END, scale="huge", stdout=io.StringIO())
    if connection.vendor == "sqlite":
        with pytest.raises(CommandError, match="PostgreSQL"):
            generate(start=START, end=END, scale="large", stdout=io.StringIO())
