"""Online booking: slots, SMS code, limits, check-in, late arrivals, no-shows."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest

from common.errors import Conflict, DomainError
from org.models import Staff
from queueing import selectors, services
from queueing.models import (
    Appointment,
    AppointmentEvent,
    AppointmentStatus,
    BookingChallenge,
    HallSettings,
    Queue,
    Ticket,
    TicketSource,
)
from queueing.tests.conftest import MONDAY, C, L, W, window

ID_1 = "110101199003070011"  # valid check characters (GB 11643)
ID_2 = "11010119900307002X"
TUESDAY = MONDAY + timedelta(days=1)


def request_code(
    branch, *, category=L, day=TUESDAY, slot="09:00", id_number=ID_1, mobile="13812345678", ip=None
):
    return services.appointment_code_request(
        branch=branch,
        category=category,
        service_date=day,
        slot_start=slot,
        name="张三",
        id_number=id_number,
        mobile=mobile,
        client_ip=ip,
    )


def code_from(outbox) -> str:
    return re.search(r"验证码 (\d{6})", outbox[-1].text).group(1)


def book(branch, outbox, clock, **kwargs) -> Appointment:
    challenge = request_code(branch, **kwargs)
    appointment = services.appointment_book(challenge_id=challenge.pk, code=code_from(outbox))
    clock.advance(seconds=61)  # the next code for the same number may be sent after a minute
    return appointment


def test_the_demo_halls_take_their_lunch_break_from_the_hours_note(hd01, wa01):
    assert (HallSettings.objects.get(branch=hd01).break_starts_at, hd01.hall.break_ends_at) == (
        time(12, 0),
        time(14, 0),
    )
    assert wa01.hall.break_ends_at == time(14, 30)


def test_slots_run_from_opening_to_the_day_close_around_the_lunch_break(hd01, clock):
    params = selectors.queue_rules(MONDAY).params
    starts = [s.key for s in selectors.booking_slots(hd01, params)]
    assert starts[0] == "08:30" and starts[-1] == "16:30"
    assert "11:30" in starts and "12:00" not in starts and "13:30" not in starts and "14:00" in starts


def test_booking_sends_a_code_and_the_code_makes_the_booking(hd01, clock, sms_outbox):
    challenge = request_code(hd01)
    assert len(sms_outbox) == 1 and sms_outbox[0].to == "13812345678"
    assert sms_outbox[0].text.startswith("【住房公积金】") and "验证码" in sms_outbox[0].text
    stored = BookingChallenge.objects.get(pk=challenge.pk)
    assert code_from(sms_outbox) not in stored.code_hash  # only a keyed hash is kept
    appointment = services.appointment_book(challenge_id=challenge.pk, code=code_from(sms_outbox))
    assert (appointment.status, appointment.slot_start, appointment.slot_end) == (
        AppointmentStatus.BOOKED,
        time(9, 0),
        time(9, 30),
    )
    assert re.fullmatch(r"\d{8}", appointment.code)
    assert appointment.code in sms_outbox[-1].text  # the confirmation carries the booking code
    assert AppointmentEvent.objects.get(appointment=appointment).action == "book"


def test_a_wrong_code_counts_and_five_wrong_codes_end_the_challenge(hd01, clock, sms_outbox):
    challenge = request_code(hd01)
    for left in (4, 3, 2, 1):
        with pytest.raises(DomainError, match=f"还可以再试 {left} 次"):
            services.appointment_book(
                challenge_id=challenge.pk, code="000000" if code_from(sms_outbox) != "000000" else "111111"
            )
    with pytest.raises(DomainError, match="输错次数过多"):
        services.appointment_book(challenge_id=challenge.pk, code="999999x")
    with pytest.raises(DomainError, match="输错次数过多"):
        services.appointment_book(challenge_id=challenge.pk, code=code_from(sms_outbox))
    assert not Appointment.objects.exists()


def test_an_expired_code_is_refused(hd01, clock, sms_outbox):
    challenge = request_code(hd01)
    clock.advance(minutes=5, seconds=1)
    with pytest.raises(DomainError, match="已过期"):
        services.appointment_book(challenge_id=challenge.pk, code=code_from(sms_outbox))


def test_a_code_is_used_once(hd01, clock, sms_outbox):
    challenge = request_code(hd01)
    code = code_from(sms_outbox)
    services.appointment_book(challenge_id=challenge.pk, code=code)
    with pytest.raises(DomainError, match="失效"):
        services.appointment_book(challenge_id=challenge.pk, code=code)


def test_codes_are_sent_at_most_once_a_minute_per_number(hd01, clock, sms_outbox):
    request_code(hd01)
    with pytest.raises(DomainError) as refused:
        request_code(hd01, category=W)
    assert refused.value.status == 429 and "秒后再获取" in refused.value.message
    clock.advance(seconds=61)
    request_code(hd01, category=W)


def test_identity_number_and_mobile_are_validated(hd01, clock, sms_outbox):
    with pytest.raises(DomainError, match="校验位"):
        request_code(hd01, id_number="110101199003070012")
    with pytest.raises(DomainError, match="手机号码"):
        request_code(hd01, mobile="1234")
    assert sms_outbox == []


def test_only_working_days_within_the_horizon_can_be_booked(hd01, clock, sms_outbox):
    saturday = MONDAY + timedelta(days=5)
    with pytest.raises(DomainError, match="不是工作日"):
        request_code(hd01, day=saturday)
    with pytest.raises(DomainError, match="5 个工作日内"):
        request_code(hd01, day=MONDAY + timedelta(days=14))
    params = selectors.queue_rules(MONDAY).params
    assert selectors.bookable_dates(today=MONDAY, params=params) == [
        MONDAY + timedelta(days=n) for n in (0, 1, 2, 3, 4, 7)
    ]


def test_dates_of_an_unpublished_year_are_never_offered(hd01, clock):
    params = selectors.queue_rules(MONDAY).params
    dates = selectors.bookable_dates(today=date(2026, 12, 28), params=params)
    assert dates == [date(2026, 12, 28), date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)]


def test_a_slot_that_has_begun_cannot_be_booked(hd01, clock, sms_outbox):
    clock.set(9, 10)
    with pytest.raises(Conflict, match="时段已开始"):
        request_code(hd01, day=MONDAY, slot="09:00")
    request_code(hd01, day=MONDAY, slot="09:30")


def test_a_full_slot_is_refused_and_the_last_place_goes_to_one_person(hd01, clock, sms_outbox):
    Queue.objects.filter(branch=hd01, category=L).update(slot_capacity=1)
    first = request_code(hd01, id_number=ID_1, mobile="13800000001")
    first_code = code_from(sms_outbox)
    second = request_code(hd01, id_number=ID_2, mobile="13800000002")  # still free when requested
    second_code = code_from(sms_outbox)
    services.appointment_book(challenge_id=first.pk, code=first_code)
    with pytest.raises(Conflict, match="已约满"):
        services.appointment_book(challenge_id=second.pk, code=second_code)
    assert Appointment.objects.count() == 1


def test_the_daily_cap_of_a_category_is_kept(hd01, clock, sms_outbox):
    Queue.objects.filter(branch=hd01, category=L).update(daily_booking_cap=1)
    book(hd01, sms_outbox, clock, id_number=ID_1, mobile="13800000001")
    with pytest.raises(Conflict, match="预约名额已满"):
        request_code(hd01, id_number=ID_2, mobile="13800000002", slot="10:00")


def test_one_active_booking_per_person_per_category_per_day(hd01, wa01, clock, sms_outbox):
    book(hd01, sms_outbox, clock)
    with pytest.raises(Conflict, match="同一业务每天只能预约一次"):
        request_code(wa01, slot="10:00")  # also at another branch


def test_the_database_refuses_a_second_active_booking_of_the_same_category_and_day(hd01, clock, sms_outbox):
    from django.db import IntegrityError, transaction

    first = book(hd01, sms_outbox, clock)
    duplicate = Appointment(
        branch=hd01,
        queue=first.queue,
        category=first.category,
        service_date=first.service_date,
        slot_start=time(10, 0),
        slot_end=time(10, 30),
        name="张三",
        id_number=ID_1,
        mobile="13812345678",
        code="99999999",
        created_at=clock(),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_a_person_may_book_at_most_the_daily_number_of_matters(hd01, clock, sms_outbox):
    book(hd01, sms_outbox, clock, category=L)
    book(hd01, sms_outbox, clock, category=W)
    with pytest.raises(Conflict, match="最多预约 2 项"):
        request_code(hd01, category=C)


def test_a_cancelled_booking_frees_its_place_and_can_be_made_again(hd01, clock, sms_outbox):
    appointment = book(hd01, sms_outbox, clock)
    services.appointment_cancel(actor="public", appointment=appointment)
    assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.CANCELLED
    book(hd01, sms_outbox, clock)


# --- Check-in -------------------------------------------------------------------------------


@pytest.fixture
def booked_today(hd01, clock, sms_outbox):
    clock.set(8, 0)
    return book(hd01, sms_outbox, clock, day=MONDAY, slot="10:00")


def test_check_in_before_the_window_opens_says_when_to_come(booked_today, clock):
    clock.set(9, 29)
    with pytest.raises(Conflict, match="请于 09:30 以后签到"):
        services.ticket_check_in(actor="kiosk", appointment=booked_today)


def test_an_on_time_check_in_is_called_before_walk_ins_at_the_slot_time(hd01, booked_today, clock, teller):
    clock.set(9, 40)
    walk_in = services.ticket_take(actor="kiosk", branch=hd01, category=L)
    clock.set(9, 45)
    ticket = services.ticket_check_in(actor="kiosk", appointment=booked_today)
    assert ticket.source == TicketSource.APPOINTMENT and ticket.display_number.startswith("C")
    assert Appointment.objects.get(pk=booked_today.pk).status == AppointmentStatus.CHECKED_IN
    assert selectors.people_ahead(ticket) == 1  # before 10:00 it waits like anybody
    loan: Staff = teller(hd01, [L])
    clock.set(10, 0)
    assert selectors.people_ahead(Ticket.objects.get(pk=ticket.pk)) == 0
    assert services.ticket_call_next(actor="t", staff=loan, window=window(hd01, 6)).pk == ticket.pk
    services.ticket_complete(actor="t", staff=loan, window=window(hd01, 6))
    assert services.ticket_call_next(actor="t", staff=loan, window=window(hd01, 6)).pk == walk_in.pk


def test_a_late_arrival_becomes_a_walk_in_and_is_not_a_no_show(hd01, booked_today, clock):
    clock.set(9, 0)
    earlier = services.ticket_take(actor="kiosk", branch=hd01, category=L)
    clock.set(10, 11)  # check-in closed at 10:10
    ticket = services.ticket_check_in(actor="kiosk", appointment=booked_today)
    assert ticket.appointment_at is None
    assert Appointment.objects.get(pk=booked_today.pk).status == AppointmentStatus.LATE
    assert selectors.people_ahead(ticket) == 1 and selectors.people_ahead(earlier) == 0


def test_an_appointment_is_checked_in_once(booked_today, clock):
    clock.set(9, 50)
    services.ticket_check_in(actor="kiosk", appointment=booked_today)
    with pytest.raises(Conflict, match="已签到"):
        services.ticket_check_in(actor="kiosk", appointment=Appointment.objects.get(pk=booked_today.pk))


def test_check_in_on_another_day_is_refused(hd01, clock, sms_outbox):
    appointment = book(hd01, sms_outbox, clock, day=TUESDAY)
    with pytest.raises(Conflict, match="请在当天签到"):
        services.ticket_check_in(actor="kiosk", appointment=appointment)


# --- No-shows -----------------------------------------------------------------------------


def test_repeated_no_shows_block_booking_for_the_configured_days(hd01, clock, sms_outbox):
    days = [MONDAY, TUESDAY, TUESDAY + timedelta(days=1)]
    clock.set(8, 0)
    for day in days:
        book(hd01, sms_outbox, clock, day=day, slot="10:00")
    clock.set(8, 0, day=days[-1] + timedelta(days=1))  # Thursday: the three days are over
    with pytest.raises(DomainError) as refused:
        request_code(hd01, day=clock.moment.date(), slot="10:00")
    assert refused.value.code == "booking_blocked" and refused.value.status == 403
    assert "2026年12月25日前不能网上预约" in refused.value.message  # last no-show 25 Nov + 30 days
    assert Appointment.objects.filter(status=AppointmentStatus.NO_SHOW).count() == 3


def test_two_no_shows_do_not_block(hd01, clock, sms_outbox):
    clock.set(8, 0)
    book(hd01, sms_outbox, clock, day=MONDAY, slot="10:00")
    book(hd01, sms_outbox, clock, day=TUESDAY, slot="10:00")
    clock.set(8, 0, day=TUESDAY + timedelta(days=1))
    request_code(hd01, day=clock.moment.date(), slot="10:00")


def test_the_day_end_job_marks_unchecked_appointments_as_no_shows_after_the_day_close(
    hd01, clock, sms_outbox
):
    clock.set(8, 0)
    appointment = book(hd01, sms_outbox, clock, day=MONDAY, slot="10:00")
    clock.set(16, 0)
    assert services.appointments_mark_no_shows(actor="job") == 0  # the citizen may still come late
    clock.set(17, 0)
    assert services.appointments_mark_no_shows(actor="job") == 1
    assert Appointment.objects.get(pk=appointment.pk).status == AppointmentStatus.NO_SHOW
