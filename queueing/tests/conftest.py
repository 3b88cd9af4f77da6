"""Fixtures of the queue's tests: the demo centre, a clock the tests move, tellers."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from common import sms
from common.testing import FrozenClock
from org.models import Branch, Category, Staff, Window

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 11, 23)  # a working day (calendar 2026 is published)


def at(hour: int, minute: int = 0, *, day: date = MONDAY, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=SHANGHAI)


class Clock(FrozenClock):
    """The clock, moved by the test: clock.set(9, 30); clock.advance(minutes=5)."""

    def set(self, hour: int, minute: int = 0, *, day: date = MONDAY) -> datetime:
        return self.move_to(at(hour, minute, day=day))


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate-limit counters live in the (per-process) cache: one test must not spend
    # the next one's allowance.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _stream_hub_stopped():
    # The event streams' hub (queueing/push.py) keeps a listener thread and connection while
    # streams are open: every test starts and ends without one.
    from queueing import push

    yield
    push.reset_hub()


@pytest.fixture
def frozen_minute(monkeypatch):
    """Rate limits count per clock minute: keep a test inside one."""
    monkeypatch.setattr("common.ratelimit._seconds", lambda: 1_800_000_000.0)


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


@pytest.fixture
def teller(make_user):
    """teller(branch, [categories], universal=False) → the Staff of a new teller login."""

    def make(branch: Branch, categories: list[str] | None = None, *, universal: bool = False) -> Staff:
        user = make_user(
            "teller",
            branch=branch,
            categories=[str(c) for c in (categories or [])],
            is_universal_teller=universal,
        )
        return Staff.objects.select_related("user").get(user=user)

    return make


@pytest.fixture
def sms_outbox(settings, monkeypatch):
    """Texts land in this list. The test's transaction never commits, so on_commit
    callbacks (the services send texts after commit) run at once here."""
    settings.SMS_BACKEND = "common.sms.LocmemBackend"
    monkeypatch.setattr("django.db.transaction.on_commit", lambda func, using=None, robust=False: func())
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


C, W, L, OT = Category.COLLECTION, Category.WITHDRAWAL, Category.LOAN, Category.OTHER
