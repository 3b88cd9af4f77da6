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

import math
from dataclasses import dataclass

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


# --- Growing delays (the citizen's look-ups by number and password) -----------------------


@dataclass(frozen=True)
class Backoff:
    """After `free` failures, each further failure makes the caller wait: `first` seconds,
    then twice as long each time, at most `longest`. Forgotten `forget` seconds after the
    last failure."""

    free: int = 5
    first: int = 30
    longest: int = 900
    forget: int = 3600


def _backoff_key(key: str) -> str:
    return f"backoff:{key[:200]}"


def backoff_wait(key: str) -> int:
    """Seconds the caller must still wait before trying `key` again (0: may try now)."""
    state = cache.get(_backoff_key(key)) or {}
    return max(0, math.ceil(float(state.get("until", 0)) - _seconds()))


def backoff_fail(key: str, policy: Backoff) -> int:
    """Record one failure under `key`; the seconds to wait before the next try."""
    name = _backoff_key(key)
    state = cache.get(name) or {"failures": 0, "until": 0}
    failures = int(state["failures"]) + 1
    wait = 0
    if failures > policy.free:
        wait = min(policy.longest, policy.first * 2 ** (failures - policy.free - 1))
    cache.set(name, {"failures": failures, "until": _seconds() + wait}, timeout=policy.forget + wait)
    return wait


def backoff_clear(key: str) -> None:
    """A success: the caller starts afresh."""
    cache.delete(_backoff_key(key))


@dataclass(frozen=True)
class LookupGate:
    """The gate in front of a citizen's look-up by number and password (a case, a
    complaint): at most `per_address` look-ups per client address and window (the hall's
    kiosks share one address: the number is generous), and for each (number, address) a
    few free failures, then growing waits (`backoff`). A stranger elsewhere can neither
    lock nor slow the owner out; guessing one number's password from one address takes
    hours. The same answer for an unknown number and a wrong password is the caller's."""

    scope: str
    per_address: tuple[int, int]
    backoff: Backoff = Backoff()

    def _key(self, request: HttpRequest, number: str) -> str:
        return f"{self.scope}:{(number or '').strip().upper()[:40]}:{client_ip(request) or 'unknown'}"

    def refusal(self, request: HttpRequest, number: str) -> str | None:
        """Why this look-up may not be tried now (a message for the citizen), or None;
        counts the look-up against the address."""
        count, seconds = self.per_address
        if not client_hit(request, self.scope, limit=count, window_seconds=seconds):
            return "查询过于频繁，请稍后再试。如有急事请拨打12329。"
        wait = backoff_wait(self._key(request, number))
        if wait:
            return (
                f"该编号在本机连续查询失败，请{_wait_text(wait)}后再试；"
                "忘记查询密码的，请携带身份证件到窗口重置。"
            )
        return None

    def record(self, request: HttpRequest, number: str, *, found: bool) -> None:
        key = self._key(request, number)
        if found:
            backoff_clear(key)
        else:
            backoff_fail(key, self.backoff)


def _wait_text(seconds: int) -> str:
    return f"{seconds}秒" if seconds < 120 else f"{math.ceil(seconds / 60)}分钟"
