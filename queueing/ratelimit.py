"""A fixed-window rate limit for public look-ups (a citizen's ticket page, booking
look-ups), keyed by client address. It uses Django's cache: with the default
per-process cache each worker counts for itself, so a deployment with several workers
should configure a shared cache (docs/queueing.md "Rate limits")."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest

from audit.middleware import client_ip
from common.errors import DomainError


class RateLimited(DomainError):
    code = "too_many_requests"
    status = 429


def _seconds() -> float:
    return time.time()


def hit(request: HttpRequest, scope: str, *, per_minute: int) -> None:
    """Count one request of this client in `scope`; RateLimited once over the limit."""
    window = int(_seconds() // 60)
    key = f"queueing:rl:{scope}:{client_ip(request) or 'unknown'}:{window}"
    if cache.add(key, 1, timeout=90):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=90)
            count = 1
    if count > per_minute:
        raise RateLimited("查询过于频繁，请稍等一分钟再试。")
