"""The test suite's clock (imported by tests only; time-machine is a dev dependency).

Every test starts at the suite's pinned moment (`WSM_TEST_NOW`, conftest.py), never at the
day it runs. A test that needs another moment takes the `clock` fixture or builds a
`FrozenClock`: time-machine moves `timezone.now()` itself, so `common.clock`, model field
defaults, sessions and the live server's thread all see the same time.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import time_machine
from django.utils import timezone

from common import clock

# The suite's default moment: a Monday morning inside the published calendar. CI runs the
# date-sensitive tests a second time at WSM_TEST_NOW_SECOND (scripts/test.sh).
DEFAULT_TEST_NOW = "2026-12-07T10:00:00+08:00"


def pinned_moment() -> datetime:
    """The moment every test starts at (WSM_TEST_NOW, an ISO datetime with offset)."""
    moment = datetime.fromisoformat(os.environ.get("WSM_TEST_NOW") or DEFAULT_TEST_NOW)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


_running: list[FrozenClock] = []


def stop_all() -> None:
    """Stop every clock a test started and did not stop (the root conftest's teardown)."""
    while _running:
        _running[-1].stop()


class FrozenClock:
    """A stopped clock that the test moves: `set`/`move_to`, `advance`, or assign `moment`.

    Calling it returns the moment, so it can stand wherever a `now` callable is expected.
    With `tick=True` it runs on from each moment it is moved to (browser tests).
    """

    def __init__(self, moment: datetime, *, tick: bool = False) -> None:
        self._moment = moment
        self._tick = tick
        # In UTC: time-machine would also switch the process's TZ for a ZoneInfo moment.
        self._traveller = time_machine.travel(moment.astimezone(UTC), tick=tick)
        self._coordinates = self._traveller.start()
        _running.append(self)

    def __call__(self) -> datetime:
        return clock.now() if self._tick else self._moment

    @property
    def moment(self) -> datetime:
        return self._moment

    @moment.setter
    def moment(self, value: datetime) -> None:
        self.move_to(value)

    def move_to(self, moment: datetime) -> datetime:
        self._moment = moment
        self._coordinates.move_to(moment.astimezone(UTC))
        return moment

    def advance(self, **delta: float) -> datetime:
        return self.move_to(self._moment + timedelta(**delta))

    def stop(self) -> None:
        if self in _running:
            # time-machine keeps a stack: stop the ones started after this one first.
            while _running and _running[-1] is not self:
                _running[-1].stop()
            _running.pop()
            self._traveller.stop()
