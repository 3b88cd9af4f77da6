"""The event streams (Server-Sent Events) of the hall display, the counter tablet and the
citizen's ticket page.

* `/board/<branch>/events/` (a bound display or tablet, or staff) and
  `/api/v1/branches/<branch>/events` (a device token): every call, recall and window
  change of the hall, as `event: call|recall|window` with the JSON of `push.event_data`,
  and `event: ticket` activity (a service started or finished at a window) without an id.
* `/t/<token>/events/` (the slip's QR code): `event: update` when the citizen's own ticket
  moves or the line of its business moves, so that the phone refreshes its page.

How a stream is served (issue 16):

* **push** (the default). The view authorizes the request, subscribes to the process's
  hub (queueing/push.py) and only then reads what the client missed (Last-Event-ID, or
  `?after=`; the last minute) — so nothing falls between the two. Then every message
  arrives from the hub the moment its transaction commits; a comment line is sent as a
  heartbeat. Under the async stream server (config/streams.py, what production runs) the
  stream is an `asyncio` mailbox: no thread, no database work while idle; it ends after
  QUEUEING_STREAM_MAX_SECONDS (30 minutes, ±10 % so that reconnects spread out). Under a
  WSGI server (`make run`, the test server) it holds its thread, waits on the hub, and
  ends after QUEUEING_SSE_MAX_SECONDS (55 s) so that a thread is freed regularly.
* **poll** (`STREAM_MODE=poll`): the design before issue 16 — each stream a WSGI thread
  that polls the BoardEvent table every 250 ms, looking back a few seconds because events
  can commit out of id order. Kept only so that bench/fanout_bench.py can compare.

Either way a client reconnects by itself (EventSource, `retry:`), sends the last id it saw,
and gets what it missed again — which is also how a display survives a server restart.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

from common import clock
from common.numbers import parse_int
from org.models import Branch
from queueing import push, selectors
from queueing.constants import (
    SSE_HEARTBEAT_SECONDS,
    SSE_LOOKBACK_SECONDS,
    SSE_MAX_SECONDS,
    SSE_POLL_SECONDS,
    SSE_RETRY_MILLISECONDS,
)
from queueing.models import BoardEvent, BoardEventKind, Ticket

logger = logging.getLogger(__name__)

R = TypeVar("R", bound=HttpResponseBase)

CATCH_UP = timedelta(seconds=60)  # what a reconnecting display is sent again
STALE_AFTER = timedelta(seconds=20)  # older calls are shown but not announced by voice
STREAM_MAX_SECONDS = 1800.0  # a push stream on the stream server (QUEUEING_STREAM_MAX_SECONDS)
HEARTBEAT = ": 心跳\n\n".encode()


def _last_event_id(request: HttpRequest) -> int | None:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("after") or ""
    return parse_int(raw, minimum=0, maximum=2**63 - 1)


def format_event(event: BoardEvent, *, stale: bool = False) -> str:
    data = {**push.event_data(event), "stale": stale}
    return push.frame(event.kind, event.pk, push.dumps(data)).decode()


def _mode() -> str:
    return str(getattr(settings, "QUEUEING_STREAM_MODE", "push"))


def _heartbeat_seconds() -> float:
    return float(getattr(settings, "QUEUEING_SSE_HEARTBEAT_SECONDS", SSE_HEARTBEAT_SECONDS))


def _retry_line(spread: bool) -> bytes:
    # Thousands of streams of one server must not all come back in the same second after
    # it restarts: each is told a retry delay between one and five seconds.
    millis = (
        random.randint(SSE_RETRY_MILLISECONDS, 5 * SSE_RETRY_MILLISECONDS)
        if spread
        else SSE_RETRY_MILLISECONDS
    )
    return f"retry: {millis}\n\n".encode()


def _headers(response: R) -> R:
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


# ---------------------------------------------------------------------------------------
# The responses


class AsyncEventStream(StreamingHttpResponse):
    """A push stream for the async stream server: config/streams.py sends its head, then
    runs `events()` in the event loop until it ends or the client goes away."""

    def __init__(
        self, subscription: push.AsyncSubscription, replay: list[bytes], *, max_seconds: float
    ) -> None:
        super().__init__(iter(()), content_type="text/event-stream; charset=utf-8")
        self.subscription = subscription
        self.replay = replay
        self.max_seconds = max_seconds * random.uniform(0.9, 1.1)
        _headers(self)

    async def events(self) -> AsyncIterator[bytes]:
        subscription = self.subscription
        heartbeat = _heartbeat_seconds()
        loop = asyncio.get_running_loop()
        try:
            yield _retry_line(spread=True)
            for chunk in self.replay:
                yield chunk
            self.replay = []
            end = loop.time() + self.max_seconds
            while True:
                left = end - loop.time()
                if left <= 0:
                    return
                item = await subscription.get(min(heartbeat, left))
                if item is push.CLOSED:
                    return
                yield HEARTBEAT if item is None else item
        finally:
            subscription.cancel()

    def cancel(self) -> None:
        """The request ended before the stream started (an error while sending the head)."""
        self.subscription.cancel()


def _replay(branch: Branch, after: int | None) -> tuple[list[bytes], set[int]]:
    if after is None:
        return [], set()
    now = clock.now()
    events = selectors.board_events(branch, since=now - CATCH_UP, after_id=after)
    return [format_event(e, stale=now - e.at > STALE_AFTER).encode() for e in events], {e.pk for e in events}


def board_stream(request: HttpRequest, branch: Branch) -> HttpResponseBase:
    """The stream of a hall (the view has authorized the request)."""
    if _mode() == "poll":
        return polling_stream(request, branch)
    after = _last_event_id(request)
    loop: asyncio.AbstractEventLoop | None = getattr(request, "stream_loop", None)
    try:
        subscription = push.hub().subscribe(branch.pk, loop=loop)
    except push.StreamUnavailable:
        return _unavailable()
    try:
        # After subscribing: an event committed meanwhile is in the table or in the
        # mailbox (or both: then the mailbox's copy is skipped).
        replay, ids = _replay(branch, after)
        subscription.skip.update(ids)
    except Exception:
        subscription.cancel()
        raise
    return _response(subscription, replay)


def _response(subscription: push.Subscription, replay: list[bytes]) -> HttpResponseBase:
    if isinstance(subscription, push.AsyncSubscription):
        max_seconds = float(getattr(settings, "QUEUEING_STREAM_MAX_SECONDS", STREAM_MAX_SECONDS))
        return AsyncEventStream(subscription, replay, max_seconds=max_seconds)
    assert isinstance(subscription, push.ThreadSubscription)
    return _headers(
        StreamingHttpResponse(
            _thread_stream(subscription, replay), content_type="text/event-stream; charset=utf-8"
        )
    )


def _unavailable() -> HttpResponse:
    response = HttpResponse(
        "事件推送暂不可用，请稍候重试。", status=503, content_type="text/plain; charset=utf-8"
    )
    response["Retry-After"] = "2"
    return response


def _thread_stream(subscription: push.ThreadSubscription, replay: list[bytes]) -> Iterator[bytes]:
    # A heartbeat also tells a WSGI server that the client has gone: the write fails, the
    # generator is closed and leaves the hub.
    max_seconds = float(getattr(settings, "QUEUEING_SSE_MAX_SECONDS", SSE_MAX_SECONDS))
    heartbeat = _heartbeat_seconds()
    end = time.monotonic() + max_seconds
    try:
        yield _retry_line(spread=False)
        yield from replay
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return
            item = subscription.get(min(heartbeat, left))
            if item is push.CLOSED:
                return
            yield HEARTBEAT if item is None else item
    finally:
        subscription.cancel()


# ---------------------------------------------------------------------------------------
# A citizen's ticket page


def _ticket_render(ticket: Ticket) -> push.Render:
    """`event: update` when this ticket moves (its call, recall, start, end, transfer),
    or when a ticket of its business is called (the line moved by one)."""

    def render(message: push.Message) -> bytes | None:
        data = message.data
        if data.get("ticket") == ticket.pk:
            reason = "mine"
        elif message.kind == BoardEventKind.CALL and data.get("category") == ticket.category:
            reason = "line"
        else:
            return None
        return push.frame("update", None, json.dumps({"reason": reason, "kind": message.kind}))

    return render


def ticket_stream(request: HttpRequest, ticket: Ticket) -> HttpResponseBase:
    if _mode() == "poll":
        return HttpResponse(status=204)  # the page polls as it did before issue 16
    loop: asyncio.AbstractEventLoop | None = getattr(request, "stream_loop", None)
    try:
        subscription = push.hub().subscribe(ticket.branch_id, render=_ticket_render(ticket), loop=loop)
    except push.StreamUnavailable:
        return _unavailable()
    return _response(subscription, [])


# ---------------------------------------------------------------------------------------
# The design before issue 16 (STREAM_MODE=poll), for the benchmark's comparison only


def polling_stream(request: HttpRequest, branch: Branch) -> StreamingHttpResponse:
    max_seconds = float(getattr(settings, "QUEUEING_SSE_MAX_SECONDS", SSE_MAX_SECONDS))
    return _headers(
        StreamingHttpResponse(
            _polling_events(branch, after=_last_event_id(request), max_seconds=max_seconds),
            content_type="text/event-stream; charset=utf-8",
        )
    )


def _polling_events(branch: Branch, *, after: int | None, max_seconds: float) -> Iterator[str]:
    try:
        yield from _poll(branch, after=after, max_seconds=max_seconds)
    except Exception as exc:  # the database went away (restart, shutdown): end, the display reconnects
        logger.info("board stream of %s ended early: %s", branch.code, exc)


def _poll(branch: Branch, *, after: int | None, max_seconds: float) -> Iterator[str]:
    heartbeat = _heartbeat_seconds()
    yield f"retry: {SSE_RETRY_MILLISECONDS}\n\n"
    seen: set[int] = set()
    started = last_beat = time.monotonic()
    if after is not None:
        now = clock.now()
        for event in selectors.board_events(branch, since=now - CATCH_UP, after_id=after):
            seen.add(event.pk)
            yield format_event(event, stale=now - event.at > STALE_AFTER)
    else:
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
