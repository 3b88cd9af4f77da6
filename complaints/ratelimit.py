"""A small fixed-window rate limiter kept in the database (`RateLimitBucket`).

Why the database: settings configure no cache, so Django's default LocMemCache would
count per worker process — with four gunicorn workers a client would get four times
the limit. One row per (key, window) is counted under a row lock (SQLite serialises
writers anyway), so the limit holds across processes on both databases.

    if not rate_limit_hit(f"complaint-submit:{ip}", limit=5, window_seconds=3600):
        ... refuse with 429 ...
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import F

from common import clock
from complaints.models import RateLimitBucket

_KEEP = timedelta(days=2)  # buckets older than this are removed when a new window opens


def rate_limit_hit(key: str, *, limit: int, window_seconds: int, now: datetime | None = None) -> bool:
    """Count one attempt for `key`; False when the limit of the current window is
    already reached (the attempt is then not counted)."""
    now = now or clock.now()
    start = _window_start(now, window_seconds)
    key = key[:200]
    with transaction.atomic():
        bucket, created = RateLimitBucket.objects.select_for_update().get_or_create(
            key=key, window_start=start
        )
        if bucket.count >= limit:
            return False
        RateLimitBucket.objects.filter(pk=bucket.pk).update(count=F("count") + 1)
        if created:
            RateLimitBucket.objects.filter(window_start__lt=now - _KEEP).delete()
    return True


def rate_limit_remaining(key: str, *, limit: int, window_seconds: int, now: datetime | None = None) -> int:
    now = now or clock.now()
    bucket = RateLimitBucket.objects.filter(
        key=key[:200], window_start=_window_start(now, window_seconds)
    ).first()
    return max(limit - (bucket.count if bucket else 0), 0)


def _window_start(now: datetime, window_seconds: int) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % window_seconds, tz=UTC)
