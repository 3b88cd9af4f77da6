"""Fixtures of the ratings tests: the demo centre, one clock for the hall and the ratings,
a served visit, and helpers that make ratings on a given day."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from common.testing import FrozenClock
from org.models import Branch, Category, Staff, Window
from queueing.models import Ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 11, 23)  # a working day (calendar 2026 is published)


def at(hour: int, minute: int = 0, *, day: date = MONDAY, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=SHANGHAI)


class Clock(FrozenClock):
    """Both the queue's and the ratings' clock: clock.set(9, 30, day=…); clock.advance(minutes=5)."""

    def set(self, hour: int, minute: int = 0, *, day: date = MONDAY) -> datetime:
        return self.move_to(at(hour, minute, day=day))


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock():
    c = Clock(at(9, 0))
    yield c
    c.stop()


@pytest.fixture
def demo(db):
    from org.demo import seed_demo

    seed_demo()


@pytest.fixture
def hd01(demo) -> Branch:
    return Branch.objects.get(code="HD01")


@pytest.fixture
def wa01(demo) -> Branch:
    return Branch.objects.get(code="WA01")


def window(branch: Branch, number: int) -> Window:
    return Window.objects.select_related("branch").get(branch=branch, number=number)


def staff(username: str) -> Staff:
    return Staff.objects.select_related("branch", "user", "department").get(user__username=username)


@pytest.fixture
def teller1(hd01) -> Staff:
    return staff("teller1")  # 胡晓明, HD01, 归集 → window 1


@pytest.fixture
def teller2(hd01) -> Staff:
    return staff("teller2")  # 何平, HD01, 提取 → window 3


def serve(teller: Staff, number: int, category: str = Category.COLLECTION) -> Ticket:
    """Take a ticket, call it at the window, start and complete it: a finished visit
    with its rating tokens (and, for withdrawal/loan, a 12329 callback)."""
    from queueing import services as queue

    branch = teller.branch
    assert branch is not None
    queue.ticket_take(actor="kiosk:test", branch=branch, category=category)
    the_window = window(branch, number)
    called = queue.ticket_call_next(actor=teller.user, staff=teller, window=the_window)
    assert called is not None
    queue.ticket_start(actor=teller.user, staff=teller, window=the_window)
    return queue.ticket_complete(actor=teller.user, staff=teller, window=the_window)


@pytest.fixture
def served(clock, teller1) -> Ticket:
    return serve(teller1, 1)


def counter_of(ticket: Ticket):
    """The counter tablet (评价器) bound to the window that served `ticket`: the only
    device that may read and submit the service's counter rating."""
    from queueing.models import Device, DeviceKind
    from queueing.services import device_issue

    device = Device.objects.filter(kind=DeviceKind.COUNTER, window=ticket.window, revoked_at=None).first()
    if device is None:
        device, _ = device_issue(
            actor="test", branch=ticket.branch, kind=DeviceKind.COUNTER, name="评价器", window=ticket.window
        )
    return device


def rater_for(token: str):
    """Who submits a rating with `token`: the window's counter tablet for a counter token,
    the anonymous citizen (a phone) for any other."""
    from ratings.models import RatingChannel, RatingToken

    row = RatingToken.objects.select_related("ticket__window").filter(token=token).first()
    return counter_of(row.ticket) if row is not None and row.channel == RatingChannel.COUNTER else None


def tokens(ticket: Ticket) -> dict[str, str]:
    from ratings.models import RatingToken

    return {t.channel: t.token for t in RatingToken.objects.filter(ticket=ticket)}


@pytest.fixture
def office(make_user):
    return make_user("office")


@pytest.fixture
def office2(make_user):
    return make_user("office")


@pytest.fixture
def leader(make_user):
    return make_user("leader")


C, W, L = Category.COLLECTION, Category.WITHDRAWAL, Category.LOAN
