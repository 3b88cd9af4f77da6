"""The time the queue runs on. Services read `clock.now()` (never `timezone.now()`
directly) so that tests can move the hall's clock with one monkeypatch:

    monkeypatch.setattr("queueing.clock.now", lambda: at(16, 59))
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def today() -> date:
    """The business date in Asia/Shanghai (a ticket taken at 00:30 belongs to that day)."""
    return timezone.localdate(now())


def local(moment: datetime) -> datetime:
    return timezone.localtime(moment)
