"""A small fixed-window rate limit per client address for public look-ups (the guide
search and its API). Counts live in Django's cache (per process with the default
local-memory cache; shared when a deployment configures a shared cache).

The numbers are product settings, not regulation numbers: generous enough for the
hall's kiosks, which share one address, and low enough to stop a scraper."""

from __future__ import annotations

from django.http import HttpRequest

from common.ratelimit import client_hit

# (requests, seconds) per client address.
GUIDE_SEARCH = (240, 60)
API_LOOKUP = (240, 60)


def allow(request: HttpRequest, scope: str, limit: tuple[int, int]) -> bool:
    count, window = limit
    return client_hit(request, f"catalog:{scope}", limit=count, window_seconds=window)


RATE_LIMITED_MESSAGE = "查询过于频繁，请稍等一分钟再试。"
