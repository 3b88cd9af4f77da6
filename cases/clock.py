"""The time cases run on. Services read `clock.now()` (never `timezone.now()` directly)
so that tests can move the hall's clock with one monkeypatch:

    monkeypatch.setattr("cases.clock.now", lambda: at(2026, 9, 30, 10))
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def today() -> date:
    """The business date in Asia/Shanghai."""
    return timezone.localdate(now())
