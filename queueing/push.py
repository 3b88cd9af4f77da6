"""Push for the hall's event streams: one listener per process fans every call, recall and
window change out to the streams of that process (issue 16).

Writing side (the services, inside their transaction):

* `publish_board_event(event)` after a `BoardEvent` row is inserted, `publish_activity(...)`
  for what a counter tablet or a citizen's phone wants to know at once but a display does
  not replay (a service started, finished, passed over, transferred at a window).
* On PostgreSQL both are a `pg_notify` in the writing transaction: delivered when it
  commits, in commit order, never when it rolls back. On another database (the embedded
  SQLite of `make run` and of the tests) they are handed to this process's hub after the
  commit (`transaction.on_commit`); a poller picks up rows another process wrote.

Reading side (the stream views, queueing/stream.py):

* `hub()` is the process's one `Hub`. A stream `subscribe`s to a branch; the hub makes
  sure its source is running first (on PostgreSQL one connection that `LISTEN`s on
  `CHANNEL`; else the in-process hand-over plus a poller of the events table) and delivers
  every message of that branch to each subscription's mailbox — an `asyncio` mailbox for
  the async stream server (config/streams.py), a thread-safe queue for a WSGI thread.
* An idle stream costs nothing: no database work, no thread, no timer but its heartbeat.
* When the listening connection breaks (PostgreSQL restarted, network), messages may have
  been missed: every subscription is closed, so every stream ends and its client
  reconnects with Last-Event-ID and replays from the table.

The wire format of a notification is text: ``"<branch id> <event> <id or -> <data JSON>"``,
so that the listener builds each Server-Sent Event once and sends the same bytes to every
stream of the branch.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import select
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import close_old_connections, connection, transaction

from queueing.models import BoardEvent

logger = logging.getLogger(__name__)

CHANNEL = "wsm_board"
NOTIFY_LIMIT = 7900  # PostgreSQL refuses payloads of 8000 bytes and more
POLL_SECONDS = 0.25  # the poller of a database without notifications (SQLite)
MAILBOX_LIMIT = 1000  # a client this far behind is cut off; it reconnects and replays
READY_TIMEOUT = 5.0

ACTIVITY = "ticket"  # the SSE event name of a transient message (not stored, not replayed)


# ---------------------------------------------------------------------------------------
# Messages


def event_data(event: BoardEvent) -> dict[str, Any]:
    """The JSON a stream sends for a display event (the public contract of the streams)."""
    return {
        "id": event.pk,
        "kind": event.kind,
        "number": event.display_number,
        "window": event.window_number,
        "text": event.text,
        "at": event.at,
        "stale": False,
        **event.payload,
    }


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)


def frame(kind: str, event_id: int | None, data_json: str) -> bytes:
    """One Server-Sent Event. A message without an id leaves the client's Last-Event-ID as
    it was (activity messages are not replayed)."""
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {kind}\ndata: {data_json}\n\n".encode()


@dataclass(eq=False)
class Message:
    branch_id: int
    kind: str
    id: int | None
    data_json: str
    wire: bytes = b""
    _data: dict[str, Any] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.wire:
            self.wire = frame(self.kind, self.id, self.data_json)

    @property
    def data(self) -> dict[str, Any]:
        """The parsed data, for subscriptions that filter (parsed once per message)."""
        if self._data is None:
            self._data = json.loads(self.data_json)
        return self._data

    def encode(self) -> str:
        return f"{self.branch_id} {self.kind} {'-' if self.id is None else self.id} {self.data_json}"

    @classmethod
    def decode(cls, text: str) -> Message:
        branch, kind, ident, data_json = text.split(" ", 3)
        return cls(int(branch), kind, None if ident == "-" else int(ident), data_json)

    @classmethod
    def of(cls, event: BoardEvent) -> Message:
        return cls(event.branch_id, event.kind, event.pk, dumps(event_data(event)))


# ---------------------------------------------------------------------------------------
# Writing side


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _send(message: Message) -> None:
    if _is_postgresql():
        text = message.encode()
        if len(text.encode()) > NOTIFY_LIMIT:  # never for a display event; the listener reads the row
            text = Message(message.branch_id, message.kind, message.id, "null").encode()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, text])
    else:
        transaction.on_commit(lambda: hub().deliver(message, local=True))


def publish_board_event(event: BoardEvent) -> None:
    """Tell every stream of the branch about a display event, when the transaction that
    wrote it commits (called by the services right after the insert)."""
    _send(Message.of(event))


def publish_activity(branch_id: int, data: dict[str, Any]) -> None:
    """A transient message about a window's service (start, complete, no-show, transfer):
    counter tablets and citizens' phones refresh at once; nothing is stored or replayed."""
    _send(Message(branch_id, ACTIVITY, None, dumps(data)))


# ---------------------------------------------------------------------------------------
# Subscriptions

CLOSED = object()  # what a closed subscription hands out: its stream ends
Render = Callable[[Message], bytes | None]


def _all(message: Message) -> bytes | None:
    return message.wire


class Subscription:
    """One stream's place in the hub. `render` chooses and formats what the stream sends
    (by default every message of the branch, as the display's bytes)."""

    def __init__(self, hub: Hub, branch_id: int, render: Render | None) -> None:
        self.hub = hub
        self.branch_id = branch_id
        self.render = render or _all
        self.closed = False
        # Ids the stream has sent already from the table (a reconnect's replay): their
        # notifications, if they arrive afterwards, are skipped.
        self.skip: set[int] = set()

    def offer(self, message: Message) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def cancel(self) -> None:
        """The stream is over: leave the hub."""
        self.hub.unsubscribe(self)


class ThreadSubscription(Subscription):
    """For a stream served by a WSGI thread (runserver, the test server, a gunicorn that
    still serves a stream): the thread blocks on a queue, no database polling."""

    def __init__(self, hub: Hub, branch_id: int, render: Render | None) -> None:
        super().__init__(hub, branch_id, render)
        self._queue: deque[Any] = deque()
        self._ready = threading.Condition()

    def offer(self, message: Message) -> None:
        wire = self.render(message)
        if wire is None:
            return
        with self._ready:
            if len(self._queue) >= MAILBOX_LIMIT:
                self.closed = True
                self._queue.append(CLOSED)
            else:
                self._queue.append((message.id, wire))
            self._ready.notify()

    def close(self) -> None:
        with self._ready:
            self.closed = True
            self._queue.append(CLOSED)
            self._ready.notify()

    def get(self, timeout: float) -> Any:
        """The next frame (bytes), None after `timeout` seconds without one, or CLOSED."""
        deadline = time.monotonic() + timeout
        with self._ready:
            while True:
                if not self._queue:
                    left = deadline - time.monotonic()
                    if left <= 0 or not self._ready.wait(left):
                        return None
                    continue
                item = self._queue.popleft()
                if item is CLOSED:
                    return CLOSED
                if item[0] is None or item[0] not in self.skip:
                    return item[1]


class AsyncSubscription(Subscription):
    """For a stream of the async stream server: a mailbox in its event loop. Messages come
    from the listener thread in one batch per event loop (`Hub.deliver`)."""

    def __init__(
        self, hub: Hub, branch_id: int, render: Render | None, loop: asyncio.AbstractEventLoop
    ) -> None:
        super().__init__(hub, branch_id, render)
        self.loop = loop
        self._items: deque[Any] = deque()
        self._waiter: asyncio.Future[None] | None = None

    # --- in the event loop -------------------------------------------------------------
    def offer(self, message: Message) -> None:
        wire = self.render(message)
        if wire is not None:
            self._put((message.id, wire))

    def close(self) -> None:
        self.closed = True
        self._put(CLOSED)

    def _put(self, item: Any) -> None:
        if len(self._items) >= MAILBOX_LIMIT and item is not CLOSED:
            self.closed = True
            item = CLOSED
        self._items.append(item)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def get(self, timeout: float) -> Any:
        """The next frame (bytes), None after `timeout` seconds without one, or CLOSED."""
        deadline = self.loop.time() + timeout
        while True:
            if not self._items:
                left = deadline - self.loop.time()
                if left <= 0:
                    return None
                waiter = self._waiter = self.loop.create_future()
                timer = self.loop.call_later(left, _wake, waiter)
                try:
                    await waiter
                finally:
                    timer.cancel()
                    self._waiter = None
                continue
            item = self._items.popleft()
            if item is CLOSED:
                return CLOSED
            if item[0] is None or item[0] not in self.skip:
                return item[1]


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


def _offer_all(subscriptions: list[Subscription], message: Message | None) -> None:
    for subscription in subscriptions:
        if message is None:
            subscription.close()
        else:
            subscription.offer(message)


# ---------------------------------------------------------------------------------------
# The hub


class StreamUnavailable(Exception):
    """The hub's source could not be started (the database cannot be reached)."""


class Hub:
    """The process's fan-out: subscriptions by branch, and the one source that feeds them."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self._lock = threading.Lock()
        self._by_branch: dict[int, set[Subscription]] = {}
        self._source: _Source | None = None
        self.keep_running = False  # the stream server keeps its listener for its lifetime
        self._last_id = 0  # without notifications: the newest event id delivered
        self.delivered = 0  # messages delivered to a subscription (for the benchmark)

    # --- subscriptions -------------------------------------------------------------------
    def subscribe(
        self,
        branch_id: int,
        *,
        render: Render | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> Subscription:
        """A new subscription, once the source is listening — so that a stream that reads
        the table after subscribing misses nothing (StreamUnavailable if it cannot)."""
        subscription: Subscription = (
            AsyncSubscription(self, branch_id, render, loop)
            if loop is not None
            else ThreadSubscription(self, branch_id, render)
        )
        with self._lock:
            self._by_branch.setdefault(branch_id, set()).add(subscription)
            source = self._ensure_source()
        if not source.ready.wait(READY_TIMEOUT):
            self.unsubscribe(subscription)
            raise StreamUnavailable("the event source did not start")
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            subs = self._by_branch.get(subscription.branch_id)
            if subs is not None:
                subs.discard(subscription)
                if not subs:
                    del self._by_branch[subscription.branch_id]
            if not self._by_branch and not self.keep_running and self._source is not None:
                self._source.stop()
                self._source = None

    @property
    def subscriptions(self) -> int:
        with self._lock:
            return sum(len(s) for s in self._by_branch.values())

    # --- the source ------------------------------------------------------------------------
    def start(self) -> None:
        """Start the source now and keep it (the stream server, at start-up)."""
        self.keep_running = True
        with self._lock:
            self._ensure_source()

    def _ensure_source(self) -> _Source:
        if self._source is None or not self._source.is_alive():
            self._source = _PgListener(self) if _is_postgresql() else _Poller(self)
            self._source.start()
        return self._source

    def stop(self) -> None:
        """Close every subscription and stop the source (shutdown, tests)."""
        self.close_all()
        with self._lock:
            self.keep_running = False
            source, self._source = self._source, None
        if source is not None:
            source.stop()
            source.join(timeout=5)

    # --- delivery ----------------------------------------------------------------------------
    def deliver(self, message: Message, *, local: bool = False) -> None:
        """Hand `message` to every subscription of its branch (from any thread)."""
        if message.id is not None and not isinstance(self._source, _PgListener):
            with self._lock:  # without notifications the poller and local hand-overs meet
                if message.id <= self._last_id:
                    return
                self._last_id = message.id
        with self._lock:
            subscriptions = list(self._by_branch.get(message.branch_id, ()))
        self._dispatch(subscriptions, message)

    def close_all(self) -> None:
        """End every stream (its client reconnects and replays what it missed)."""
        with self._lock:
            subscriptions = [s for subs in self._by_branch.values() for s in subs]
        self._dispatch(subscriptions, None)

    def _dispatch(self, subscriptions: list[Subscription], message: Message | None) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list[Subscription]] = {}
        for subscription in subscriptions:
            if isinstance(subscription, AsyncSubscription):
                by_loop.setdefault(subscription.loop, []).append(subscription)
            elif message is None:
                subscription.close()
            else:
                subscription.offer(message)
        for loop, subs in by_loop.items():
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            if running is loop:
                _offer_all(subs, message)
            elif not loop.is_closed():
                loop.call_soon_threadsafe(_offer_all, subs, message)
        self.delivered += len(subscriptions)

    def known_after(self, last_id: int) -> None:
        """Without notifications: ids up to `last_id` exist already (the poller's start)."""
        with self._lock:
            self._last_id = max(self._last_id, last_id)


_hub: Hub | None = None
_hub_lock = threading.Lock()


def hub() -> Hub:
    """This process's hub (a forked child gets its own)."""
    global _hub
    with _hub_lock:
        if _hub is None or _hub.pid != os.getpid():
            _hub = Hub()
        return _hub


def reset_hub() -> None:
    """Stop and forget the hub (tests)."""
    global _hub
    with _hub_lock:
        current, _hub = _hub, None
    if current is not None and current.pid == os.getpid():
        current.stop()


# ---------------------------------------------------------------------------------------
# Sources


class _Source(threading.Thread):
    def __init__(self, hub: Hub, name: str) -> None:
        super().__init__(name=name, daemon=True)
        self.hub = hub
        self.ready = threading.Event()
        self._stopping = threading.Event()
        self._wake_r, self._wake_w = os.pipe()

    def stop(self) -> None:
        self._stopping.set()
        with contextlib.suppress(OSError):  # already closed
            os.write(self._wake_w, b"x")

    def _close_pipe(self) -> None:
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)


def listen_params() -> dict[str, Any]:
    """How the listener connects: the application's database, or STREAM_LISTEN_DATABASE_URL
    when the application goes through pgbouncer in transaction mode (which cannot LISTEN)."""
    url = getattr(settings, "QUEUEING_STREAM_LISTEN_URL", "")
    if url:
        import dj_database_url

        parsed = dj_database_url.parse(url)
        params = {
            "dbname": parsed["NAME"],
            "user": parsed.get("USER") or None,
            "password": parsed.get("PASSWORD") or None,
            "host": parsed.get("HOST") or None,
            "port": parsed.get("PORT") or None,
        }
        params = {k: v for k, v in params.items() if v}
    else:
        params = dict(connection.get_connection_params())
        for key in ("cursor_factory", "context", "prepare_threshold", "server_side_binding"):
            params.pop(key, None)
    # A half-open connection (a network cut without a reset) is noticed within ~2 minutes.
    params.update(keepalives=1, keepalives_idle=60, keepalives_interval=10, keepalives_count=5)
    params.setdefault("application_name", "wsm-streams")
    return params


class _PgListener(_Source):
    """One connection that LISTENs; every notification goes to the hub. Reconnects with
    back-off; while it was away the subscriptions are closed (their clients replay)."""

    def __init__(self, hub: Hub) -> None:
        super().__init__(hub, "wsm-listen")
        self.params = listen_params()

    def run(self) -> None:
        import psycopg

        backoff = 0.5
        try:
            while not self._stopping.is_set():
                try:
                    conn = psycopg.connect(**self.params, autocommit=True)
                except Exception as exc:
                    logger.warning("stream listener cannot connect: %s", exc)
                    self._stopping.wait(backoff)
                    backoff = min(backoff * 2, 10.0)
                    continue
                backoff = 0.5
                try:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.ready.set()
                    self._listen(conn)
                except Exception as exc:
                    if not self._stopping.is_set():
                        logger.warning("stream listener lost its connection: %s", exc)
                finally:
                    self.ready.clear()
                    with contextlib.suppress(Exception):
                        conn.close()
                if not self._stopping.is_set():
                    self.hub.close_all()  # notifications may have been missed: clients replay
        finally:
            self._close_pipe()

    def _listen(self, conn: Any) -> None:
        pgconn = conn.pgconn
        fd = pgconn.socket
        while not self._stopping.is_set():
            readable, _, _ = select.select([fd, self._wake_r], [], [], 60.0)
            if self._wake_r in readable:
                os.read(self._wake_r, 64)
            if fd in readable:
                pgconn.consume_input()  # raises when the connection is gone
                while (note := pgconn.notifies()) is not None:
                    self._handle(note.extra.decode())
            if pgconn.status != 0:  # CONNECTION_OK
                raise ConnectionError("connection lost")

    def _handle(self, text: str) -> None:
        try:
            message = Message.decode(text)
            if message.data_json == "null" and message.id is not None:
                message = self._read(message.id) or message
        except Exception:
            logger.exception("unreadable notification on %s", CHANNEL)
            return
        self.hub.deliver(message)

    def _read(self, pk: int) -> Message | None:  # pragma: no cover — only for oversized payloads
        close_old_connections()
        event = BoardEvent.objects.filter(pk=pk).first()
        return Message.of(event) if event else None


class _Poller(_Source):
    """Without notifications (SQLite): this process's writes arrive through
    `transaction.on_commit`; the rows other processes write are read every POLL_SECONDS —
    one query per process, whatever the number of streams, and only while any is open."""

    def __init__(self, hub: Hub) -> None:
        super().__init__(hub, "wsm-poll")

    def run(self) -> None:
        try:
            last = BoardEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            self.hub.known_after(last)
            self.ready.set()
            while not self._stopping.wait(POLL_SECONDS):
                try:
                    for event in BoardEvent.objects.filter(pk__gt=self.hub._last_id).order_by("pk")[:500]:
                        self.hub.deliver(Message.of(event))
                except Exception as exc:  # the database is busy or gone for a moment
                    logger.info("stream poller: %s", exc)
                    time.sleep(POLL_SECONDS)
        except Exception:
            logger.exception("stream poller stopped")
            self.ready.set()  # do not keep subscribers waiting; streams still get local events
        finally:
            connection.close()
            self._close_pipe()
