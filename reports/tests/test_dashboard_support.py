"""Shared helpers of the dashboard, staffing and browser tests (no tests here): the
demo centre, a hall clock the tests move, tellers, and a hall in known states."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from common.testing import FrozenClock
from org.models import Branch, Category, Staff, Window

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 11, 23)  # a working day (the 2026 calendar is published)
PERSON_ID = "130402198807150027"
MOBILE = "13831001234"


def at(hour: int, minute: int = 0, *, day: date = MONDAY, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=SHANGHAI)


class Clock(FrozenClock):
    """The hall's clock (queueing, ratings and cases read it): clock.set(9, 30)."""

    def set(self, hour: int, minute: int = 0, *, day: date = MONDAY) -> datetime:
        return self.move_to(at(hour, minute, day=day))


def install_clock(monkeypatch, moment: datetime) -> Clock:
    """The clock stopped at `moment` until the end of the test (conftest stops it)."""
    return Clock(moment)


def window(branch: Branch, number: int) -> Window:
    return Window.objects.select_related("branch").get(branch=branch, number=number)


def make_teller(make_user, branch: Branch, categories: list[str], *, universal: bool = False) -> Staff:
    user = make_user(
        "teller", branch=branch, categories=[str(c) for c in categories], is_universal_teller=universal
    )
    return Staff.objects.select_related("user", "branch").get(user=user)


@dataclass
class Hall:
    """HD01 at 09:30 on MONDAY (see `hall_in_known_states`)."""

    hd01: Branch
    wa01: Branch
    withdrawal_teller: Staff
    loan_teller: Staff
    universal_teller: Staff


def hall_in_known_states(make_user, clock: Clock) -> Hall:
    """HD01: B001 (提取) 09:00, B002 (提取, 老年人) 09:01, A001 (归集) 09:02, C001 (贷款)
    09:03. Window 3 calls B001 at 09:05 and completes it at 09:10 (rated 非常不满意);
    green-channel window 8 calls B002 at 09:06 and starts it; window 6 is paused (临时离柜).
    WA01: one ticket, waiting since 09:15. Now: 09:30."""
    from queueing import services as queue
    from queueing.models import Priority
    from ratings import services as rating_services
    from ratings.models import RatingChannel, RatingToken

    hd01 = Branch.objects.get(code="HD01")
    wa01 = Branch.objects.get(code="WA01")
    withdrawal = make_teller(make_user, hd01, [Category.WITHDRAWAL])
    loan = make_teller(make_user, hd01, [Category.LOAN])
    universal = make_teller(make_user, hd01, [], universal=True)

    clock.set(8, 50)
    queue.window_sign_in(actor=withdrawal.user, staff=withdrawal, window=window(hd01, 3))
    queue.window_sign_in(actor=loan.user, staff=loan, window=window(hd01, 6))
    queue.window_sign_in(actor=universal.user, staff=universal, window=window(hd01, 8))
    clock.set(9, 0)
    queue.ticket_take(actor="kiosk:test", branch=hd01, category=Category.WITHDRAWAL)
    clock.set(9, 1)
    queue.ticket_take(
        actor="kiosk:test", branch=hd01, category=Category.WITHDRAWAL, priority=Priority.ELDERLY
    )
    clock.set(9, 2)
    queue.ticket_take(actor="kiosk:test", branch=hd01, category=Category.COLLECTION)
    clock.set(9, 3)
    queue.ticket_take(actor="kiosk:test", branch=hd01, category=Category.LOAN)
    clock.set(9, 4)
    queue.window_pause(actor=loan.user, staff=loan, window=window(hd01, 6), reason="away", note="取材料")
    clock.set(9, 5)
    first = queue.ticket_call_next(actor=withdrawal.user, staff=withdrawal, window=window(hd01, 3))
    assert first is not None and first.display_number == "B001"
    clock.set(9, 6)
    second = queue.ticket_call_next(actor=universal.user, staff=universal, window=window(hd01, 8))
    assert second is not None and second.display_number == "B002"
    queue.ticket_start(actor=universal.user, staff=universal, window=window(hd01, 8))
    clock.set(9, 10)
    done = queue.ticket_complete(actor=withdrawal.user, staff=withdrawal, window=window(hd01, 3))
    clock.set(9, 12)
    token = RatingToken.objects.get(ticket=done, channel=RatingChannel.QR).token
    rating_services.rating_submit(actor=None, token=token, level=1, reasons=["attitude"])
    clock.set(9, 15)
    queue.ticket_take(actor="kiosk:test", branch=wa01, category=Category.COLLECTION)
    clock.set(9, 30)
    return Hall(
        hd01=hd01, wa01=wa01, withdrawal_teller=withdrawal, loan_teller=loan, universal_teller=universal
    )


def register_case(actor, *, code: str = "DK015"):
    """A case accepted by `actor` with every material received."""
    from cases import services
    from cases.services import MaterialMark
    from catalog.models import Matter
    from catalog.selectors import version_in_force

    matter = Matter.objects.get(code=code)
    version = version_in_force(matter, MONDAY)
    assert version is not None
    marks = {
        m.code: MaterialMark("not_applicable") if m.requirement == "conditional" else MaterialMark("received")
        for m in version.materials.all()
    }
    registration = services.case_register(
        actor=actor,
        matter=matter,
        applicant=services.ApplicantData(name="李明", phone=MOBILE, id_number=PERSON_ID),
        marks=marks,
        idempotency_key=uuid.uuid4(),
    )
    return registration.case


def register_complaint(actor, branch: Branch):
    from complaints import services

    complaint, _ = services.complaint_register(
        actor=actor,
        channel="phone",
        subject="窗口等候时间过长",
        content="上午在大厅等了一个多小时。",
        complainant_name="张三",
        complainant_phone=MOBILE,
        branch=branch,
    )
    return complaint


@pytest.fixture
def demo(db):
    from org.demo import seed_demo

    seed_demo()


# Relative arrivals per hour of a hall day (08:30–12:00, 14:00–17:00) and the weekday.
_HOUR_WEIGHTS = {8: 0.45, 9: 1.4, 10: 1.35, 11: 0.8, 14: 0.9, 15: 1.05, 16: 0.7}
_WEEKDAY_WEIGHTS = {0: 1.3, 1: 1.05, 2: 1.0, 3: 0.95, 4: 1.1}
_SHARES = {Category.WITHDRAWAL: 0.5, Category.COLLECTION: 0.22, Category.LOAN: 0.2, Category.OTHER: 0.08}
_SERVICE = {Category.WITHDRAWAL: 7.0, Category.COLLECTION: 6.0, Category.LOAN: 16.0, Category.OTHER: 5.0}
# Windows a head typically opens: numbers open in the morning and in the afternoon.
_MORNING = (1, 3, 4, 6, 8)
_AFTERNOON = (1, 3, 6, 8)


def synthetic_history(branch: Branch, *, end: date, weeks: int, per_day: int = 160, seed: int = 7) -> int:
    """Weekdays of `weeks` weeks before `end` with realistic arrivals, service times and
    window sign-ins, written in bulk (fast enough for a browser test). Returns the
    number of tickets."""
    import random

    from queueing.models import Queue, Ticket, TicketStatus, WindowEvent, WindowStatus

    rng = random.Random(seed)
    queues = {q.category: q for q in Queue.objects.filter(branch=branch)}
    windows = {w.number: w for w in Window.objects.filter(branch=branch)}
    tickets: list[Ticket] = []
    events: list[WindowEvent] = []
    day = end - timedelta(days=7 * weeks)
    while day < end:
        if day.weekday() in _WEEKDAY_WEIGHTS:
            numbers = dict.fromkeys(queues, 0)
            total = per_day * _WEEKDAY_WEIGHTS[day.weekday()]
            weight_sum = sum(_HOUR_WEIGHTS.values())
            for hour, weight in _HOUR_WEIGHTS.items():
                start_minute = 30 if hour == 8 else 0
                for _ in range(round(total * weight / weight_sum)):
                    category = rng.choices(list(_SHARES), weights=list(_SHARES.values()))[0]
                    numbers[category] += 1
                    queue = queues[category]
                    taken = at(hour, rng.randrange(start_minute, 60), day=day, second=rng.randrange(60))
                    # People wait longer where the hall is short: Monday's morning peak.
                    wait_mean = 30 if day.weekday() == 0 and 9 <= hour < 12 else 12
                    called = taken + timedelta(minutes=rng.expovariate(1 / wait_mean))
                    started = called + timedelta(seconds=40)
                    finished = started + timedelta(minutes=rng.expovariate(1 / _SERVICE[category]))
                    tickets.append(
                        Ticket(
                            branch=branch,
                            queue=queue,
                            service_date=day,
                            number=numbers[category],
                            display_number=f"{queue.letter}{numbers[category]:03d}",
                            category=category,
                            source="kiosk",
                            status=TicketStatus.DONE,
                            token=Ticket.new_token(),
                            taken_at=taken,
                            taken_by="kiosk:synthetic",
                            queued_at=taken,
                            called_at=called,
                            started_at=started,
                            finished_at=finished,
                        )
                    )
            for numbers_open, (begin, finish) in (
                (_MORNING, ((8, 30), (12, 0))),
                (_AFTERNOON, ((14, 0), (17, 30))),
            ):
                for number in numbers_open:
                    events.append(
                        WindowEvent(
                            window=windows[number],
                            action="sign_in",
                            from_status=WindowStatus.CLOSED,
                            to_status=WindowStatus.OPEN,
                            at=at(*begin, day=day),
                            actor_label="synthetic",
                        )
                    )
                    events.append(
                        WindowEvent(
                            window=windows[number],
                            action="sign_out",
                            from_status=WindowStatus.OPEN,
                            to_status=WindowStatus.CLOSED,
                            at=at(*finish, day=day),
                            actor_label="synthetic",
                        )
                    )
        day += timedelta(days=1)
    Ticket.objects.bulk_create(tickets, batch_size=500)
    WindowEvent.objects.bulk_create(events, batch_size=500)
    return len(tickets)
