"""A fixed-window rate limit per client address, counted in Django's cache.

With the default per-process cache each worker counts for itself; a deployment with
several workers configures a shared cache (docs/configuration.md). Where a limit must
hold across processes without a shared cache (complaint and case look-ups by number
and password), complaints.ratelimit counts in the database instead.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest

from audit.middleware import client_ip


def _seconds() -> float:
    return time.time()  # a seam for tests that freeze the clock


def cache_hit(request: HttpRequest, scope: str, *, limit: int, window_seconds: int) -> bool:
    """Count one request of this client in `scope`; False once over `limit` in the window."""
    bucket = int(_seconds() // window_seconds)
    key = f"ratelimit:{scope}:{client_ip(request) or 'unknown'}:{bucket}"
    if cache.add(key, 1, timeout=window_seconds + 30):
        return True
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds + 30)
        return True
