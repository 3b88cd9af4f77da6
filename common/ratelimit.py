"""The one rate limiter: fixed windows counted in Django's cache.

    if not ratelimit.hit(f"case-query:{receipt_no}:{ip}", limit=10, window_seconds=3600):
        ... refuse with 429 ...

`hit` counts one attempt under any key; `client_hit` keys it to the client's address.
A deployment with several workers or servers configures a shared cache (CACHE_URL,
docs/configuration.md) — production defaults to a file cache shared by the workers of
one server. `cache.add` and `cache.incr` are atomic on the local-memory, Redis and
Memcached backends; on the file and database caches two racing requests may both be
counted as the first, which lets a client at most a few attempts more, never fewer.

Keys that name a citizen's record (a receipt number) always include the client's
address too, so that a stranger cannot lock the owner out (docs/configuration.md).
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

from common import clock
from common.request import client_ip


def _seconds() -> float:
    return clock.timestamp()  # a seam for tests that freeze the counting window


def _key(key: str, window_seconds: int) -> str:
    bucket = int(_seconds() // window_seconds)
    # Cache keys must be short ASCII-safe strings (memcached): keep the caller's key
    # readable but bounded.
    return f"ratelimit:{key[:200]}:{window_seconds}:{bucket}"


def hit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt under `key`; False once `limit` attempts were made in the
    current window (the refused attempt is not counted)."""
    name = _key(key, window_seconds)
    timeout = window_seconds + 30
    if cache.add(name, 1, timeout=timeout):
        return limit >= 1
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=timeout)
        return True
    if count > limit:
        cache.decr(name)  # a refused attempt does not count: the window stays at the limit
        return False
    return True


def remaining(key: str, *, limit: int, window_seconds: int) -> int:
    """Attempts left under `key` in the current window."""
    return max(limit - count(key, window_seconds=window_seconds), 0)


def count(key: str, *, window_seconds: int) -> int:
    """How many attempts were counted under `key` in the current window."""
    return int(cache.get(_key(key, window_seconds)) or 0)


def add(key: str, *, window_seconds: int) -> int:
    """Count one event under `key` whatever the total (failed logins); the new total."""
    name = _key(key, window_seconds)
    if cache.add(name, 1, timeout=window_seconds + 30):
        return 1
    try:
        return int(cache.incr(name))
    except ValueError:
        cache.set(name, 1, timeout=window_seconds + 30)
        return 1


def client_hit(request: HttpRequest, scope: str, *, limit: int, window_seconds: int) -> bool:
    """Count one request of this client (by address) in `scope`; False once over `limit`."""
    return hit(f"{scope}:{client_ip(request) or 'unknown'}", limit=limit, window_seconds=window_seconds)
