"""The time the ratings app runs on. Services read `clock.now()` (never `timezone.now()`
directly) so that tests can move it with one monkeypatch:

    monkeypatch.setattr("ratings.clock.now", lambda: moment)
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def today() -> date:
    """The business date in Asia/Shanghai."""
    return timezone.localdate(now())
