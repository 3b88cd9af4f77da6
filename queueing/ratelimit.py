"""A fixed-window rate limit for public look-ups (a citizen's ticket page, booking
look-ups), keyed by client address. It uses Django's cache: with the default
per-process cache each worker counts for itself, so a deployment with several workers
should configure a shared cache (docs/queueing.md "Rate limits")."""

from __future__ import annotations

from django.http import HttpRequest

from common.errors import DomainError
from common.ratelimit import client_hit


class RateLimited(DomainError):
    code = "too_many_requests"
    status = 429


def hit(request: HttpRequest, scope: str, *, per_minute: int) -> None:
    """Count one request of this client in `scope`; RateLimited once over the limit."""
    if not client_hit(request, f"queueing:{scope}", limit=per_minute, window_seconds=60):
        raise RateLimited("查询过于频繁，请稍等一分钟再试。")
