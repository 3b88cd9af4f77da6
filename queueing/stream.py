"""The hall display's event stream (Server-Sent Events).

One generator per connected display polls the index-backed BoardEvent table every
~250 ms and sends each new call at once, a comment line as a heartbeat every ~15 s,
and ends after ~55 s so that a worker is never held for ever. EventSource reconnects
by itself, sending the last id it saw (Last-Event-ID); the stream then replays what
the display missed in the last minute — which is also how a display survives a
server restart without anybody touching it.

Events can commit out of id order on PostgreSQL (ids are taken at insert, visibility
comes at commit), so every poll looks back a few seconds and skips ids it has sent;
the display skips ids it has already shown, too.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, StreamingHttpResponse

from common import clock
from common.numbers import parse_int
from org.models import Branch
from queueing import selectors
from queueing.constants import (
    SSE_HEARTBEAT_SECONDS,
    SSE_LOOKBACK_SECONDS,
    SSE_MAX_SECONDS,
    SSE_POLL_SECONDS,
    SSE_RETRY_MILLISECONDS,
)
from queueing.models import BoardEvent

logger = logging.getLogger(__name__)

CATCH_UP = timedelta(seconds=60)  # what a reconnecting display is sent again
STALE_AFTER = timedelta(seconds=20)  # older calls are shown but not announced by voice


def _last_event_id(request: HttpRequest) -> int | None:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("after") or ""
    return parse_int(raw, minimum=0, maximum=2**63 - 1)


def format_event(event: BoardEvent, *, stale: bool = False) -> str:
    data = {
        "id": event.pk,
        "kind": event.kind,
        "number": event.display_number,
        "window": event.window_number,
        "text": event.text,
        "at": event.at,
        "stale": stale,
        **event.payload,
    }
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return f"id: {event.pk}\nevent: {event.kind}\ndata: {body}\n\n"


def events(branch: Branch, *, after: int | None, max_seconds: float) -> Iterator[str]:
    try:
        yield from _events(branch, after=after, max_seconds=max_seconds)
    except Exception as exc:  # the database went away (restart, shutdown): end, the display reconnects
        logger.info("board stream of %s ended early: %s", branch.code, exc)


def _events(branch: Branch, *, after: int | None, max_seconds: float) -> Iterator[str]:
    # A heartbeat also tells us when the display has gone: the write fails, the stream ends.
    heartbeat = float(getattr(settings, "QUEUEING_SSE_HEARTBEAT_SECONDS", SSE_HEARTBEAT_SECONDS))
    yield f"retry: {SSE_RETRY_MILLISECONDS}\n\n"
    seen: set[int] = set()
    started = last_beat = time.monotonic()
    if after is not None:
        now = clock.now()
        for event in selectors.board_events(branch, since=now - CATCH_UP, after_id=after):
            seen.add(event.pk)
            yield format_event(event, stale=now - event.at > STALE_AFTER)
    else:
        # A fresh page drew the current state itself: start from what is new now.
        seen.update(
            e.pk
            for e in selectors.board_events(
                branch, since=clock.now() - timedelta(seconds=SSE_LOOKBACK_SECONDS)
            )
        )
    lookback = timedelta(seconds=SSE_LOOKBACK_SECONDS)
    while time.monotonic() - started < max_seconds:
        for event in selectors.board_events(branch, since=clock.now() - lookback):
            if event.pk not in seen:
                seen.add(event.pk)
                yield format_event(event)
                last_beat = time.monotonic()
        if time.monotonic() - last_beat >= heartbeat:
            yield ": 心跳\n\n"
            last_beat = time.monotonic()
        time.sleep(SSE_POLL_SECONDS)


def board_stream(request: HttpRequest, branch: Branch) -> StreamingHttpResponse:
    max_seconds = float(getattr(settings, "QUEUEING_SSE_MAX_SECONDS", SSE_MAX_SECONDS))
    response = StreamingHttpResponse(
        events(branch, after=_last_event_id(request), max_seconds=max_seconds),
        content_type="text/event-stream; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response
