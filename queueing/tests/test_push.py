"""Issue 16.1 — push, not polling: a call, recall or window change notifies after commit
(PostgreSQL NOTIFY; on SQLite the process's hub after commit), one source per process
fans it out to every stream, an idle stream does no database work, a rolled-back write
notifies nobody. These tests run on both databases (scripts/test.sh's two passes)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from org.demo import seed_demo
from org.models import Branch, Staff
from queueing import push, services
from queueing.models import BoardEvent, DeviceKind
from queueing.tests.conftest import C, W, window

WAIT = 5.0  # seconds a test waits for a message that must come


def run_async(coroutine):
    """asyncio.run in a thread of its own: a browser test earlier in this worker leaves
    Playwright's event loop running in the main thread, where asyncio.run refuses."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture
def hall(transactional_db, reference_data):
    """The demo centre, committed (the hub's source and the stream server's threads read
    with their own connections)."""
    seed_demo()
    return Branch.objects.get(code="HD01")


@pytest.fixture
def teller1(hall) -> Staff:
    return Staff.objects.get(user__username="teller1")


def frames_until(subscription: push.ThreadSubscription, count: int, timeout: float = WAIT) -> list[str]:
    frames: list[str] = []
    deadline = time.monotonic() + timeout
    while len(frames) < count and time.monotonic() < deadline:
        item = subscription.get(0.1)
        if isinstance(item, bytes):
            frames.append(item.decode())
    return frames


def data_of(frame: str) -> dict:
    line = next(ln for ln in frame.splitlines() if ln.startswith("data: "))
    return json.loads(line.removeprefix("data: "))


# --- The hub ------------------------------------------------------------------------------


def test_a_message_reaches_every_subscription_of_its_branch_and_no_other():
    hub = push.Hub()
    hub._source = _AlwaysReady()
    one, two = hub.subscribe(1), hub.subscribe(1)
    other = hub.subscribe(2)
    message = push.Message(1, "call", 7, json.dumps({"id": 7, "text": "请 A001 号到 1 号窗口办理"}))

    hub.deliver(message)

    assert one.get(0.1) == two.get(0.1) == message.wire
    assert other.get(0.05) is None
    assert message.wire.decode().startswith("id: 7\nevent: call\ndata: {")


def test_a_replayed_id_is_not_sent_again_and_a_closed_hub_ends_every_stream():
    hub = push.Hub()
    hub._source = _AlwaysReady()
    subscription = hub.subscribe(1)
    subscription.skip.add(7)
    hub.deliver(push.Message(1, "call", 7, "{}"))
    hub.deliver(push.Message(1, "call", 8, "{}"))
    assert subscription.get(0.1).startswith(b"id: 8\n")

    hub.close_all()
    assert subscription.get(0.1) is push.CLOSED


def test_a_transient_message_has_no_id_so_the_client_keeps_its_last_event_id():
    wire = push.Message(1, push.ACTIVITY, None, '{"window": 3}').wire.decode()
    assert wire == 'event: ticket\ndata: {"window": 3}\n\n'


def test_a_notification_is_text_that_the_listener_reads_back():
    message = push.Message(3, "recall", 41, '{"id": 41, "text": "请 B007 号到 3 号窗口办理"}')
    back = push.Message.decode(message.encode())
    assert (back.branch_id, back.kind, back.id, back.data_json) == (3, "recall", 41, message.data_json)
    assert back.wire == message.wire


def test_an_async_mailbox_wakes_on_a_message_and_times_out_into_a_heartbeat():
    async def scenario():
        hub = push.Hub()
        hub._source = _AlwaysReady()
        subscription = hub.subscribe(1, loop=asyncio.get_running_loop())
        assert await subscription.get(0.05) is None  # nothing: the stream sends a heartbeat
        threading.Timer(0.05, hub.deliver, [push.Message(1, "call", 5, "{}")]).start()
        started = time.monotonic()
        frame = await subscription.get(5)
        return frame, time.monotonic() - started

    frame, waited = run_async(scenario())
    assert frame.startswith(b"id: 5\n") and waited < 1


def test_a_client_that_stops_reading_is_cut_off_instead_of_growing_without_bound():
    hub = push.Hub()
    hub._source = _AlwaysReady()
    subscription = hub.subscribe(1)
    for n in range(push.MAILBOX_LIMIT + 5):
        hub.deliver(push.Message(1, "call", n + 1, "{}"))
    items = [subscription.get(0) for _ in range(push.MAILBOX_LIMIT + 1)]
    assert items[-1] is push.CLOSED and subscription.closed


class _AlwaysReady:
    def __init__(self):
        self.ready = threading.Event()
        self.ready.set()

    def is_alive(self):
        return True

    def stop(self):
        pass


# --- Writes notify after commit, on both databases ------------------------------------------


def test_a_call_reaches_a_subscribed_stream_when_its_transaction_commits(hall, teller1):
    subscription = push.hub().subscribe(hall.pk)
    try:
        ticket = services.ticket_take(actor="k", branch=hall, category=C)
        services.ticket_call_next(actor="t", staff=teller1, window=window(hall, 1))
        frames = frames_until(subscription, 3)  # take (activity), window opened, the call
    finally:
        subscription.cancel()

    kinds = [f.split("event: ")[1].split("\n")[0] for f in frames]
    assert kinds == ["ticket", "window", "call"], frames
    call = data_of(frames[2])
    event = BoardEvent.objects.get(kind="call")
    assert frames[2].startswith(f"id: {event.pk}\n")
    assert call["text"] == "请 A001 号到 1 号窗口办理" and call["ticket"] == ticket.pk and call["window"] == 1
    assert call["stale"] is False and call["number"] == "A001"


def test_what_a_rolled_back_transaction_wrote_is_never_announced(hall, teller1):
    services.ticket_take(actor="k", branch=hall, category=C)
    subscription = push.hub().subscribe(hall.pk)
    try:

        def call_then_fail():
            with transaction.atomic():
                services.ticket_call_next(actor="t", staff=teller1, window=window(hall, 1))
                raise RuntimeError("the teller's request failed after the call")

        with pytest.raises(RuntimeError):
            call_then_fail()
        assert frames_until(subscription, 1, timeout=1.0) == []
    finally:
        subscription.cancel()
    assert not BoardEvent.objects.filter(kind="call").exists()


def test_a_finished_service_tells_the_windows_tablet_without_a_stored_event(hall, teller1):
    services.ticket_take(actor="k", branch=hall, category=C)
    services.ticket_call_next(actor="t", staff=teller1, window=window(hall, 1))
    subscription = push.hub().subscribe(hall.pk)
    try:
        services.ticket_start(actor="t", staff=teller1, window=window(hall, 1))
        services.ticket_complete(actor="t", staff=teller1, window=window(hall, 1))
        frames = frames_until(subscription, 2)
    finally:
        subscription.cancel()
    assert [data_of(f)["action"] for f in frames] == ["start", "complete"]
    assert all(not f.startswith("id:") and data_of(f)["window"] == 1 for f in frames)


def test_the_source_stops_when_the_last_stream_of_a_wsgi_process_leaves(hall):
    hub = push.hub()
    subscription = hub.subscribe(hall.pk)
    source = hub._source
    assert source is not None and source.is_alive()
    subscription.cancel()
    source.join(timeout=WAIT)
    assert not source.is_alive() and hub._source is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="LISTEN/NOTIFY is PostgreSQL's")
def test_on_postgresql_a_write_in_another_connection_is_pushed_by_the_listener(hall, teller1):
    """The stream server's case: the write happens in another process (gunicorn); here in
    another thread, with its own connection."""
    subscription = push.hub().subscribe(hall.pk)
    try:
        assert isinstance(push.hub()._source, push._PgListener)

        def teller_elsewhere():
            services.ticket_take(actor="k", branch=hall, category=C)
            services.ticket_call_next(actor="t", staff=teller1, window=window(hall, 2))
            connection.close()

        worker = threading.Thread(target=teller_elsewhere)
        worker.start()
        worker.join()
        frames = frames_until(subscription, 3)
    finally:
        subscription.cancel()
    assert "请 A001 号到 2 号窗口办理" in frames[-1]


def test_the_ticket_page_hears_its_own_call_and_calls_in_its_line_only(hall, teller1):
    from queueing import stream

    mine = services.ticket_take(actor="k", branch=hall, category=C)
    behind = services.ticket_take(actor="k", branch=hall, category=C)
    other = services.ticket_take(actor="k", branch=hall, category=W)
    for_mine = push.hub().subscribe(hall.pk, render=stream._ticket_render(mine))
    for_behind = push.hub().subscribe(hall.pk, render=stream._ticket_render(behind))
    for_other = push.hub().subscribe(hall.pk, render=stream._ticket_render(other))
    try:
        services.ticket_call_next(actor="t", staff=teller1, window=window(hall, 1))  # calls A001
        got_mine = frames_until(for_mine, 1)
        got_behind = frames_until(for_behind, 1)
        got_other = frames_until(for_other, 1, timeout=0.5)
    finally:
        for s in (for_mine, for_behind, for_other):
            s.cancel()
    assert data_of(got_mine[0]) == {"reason": "mine", "kind": "call"}
    assert data_of(got_behind[0]) == {"reason": "line", "kind": "call"}
    assert got_other == []


# --- The stream server (config/streams.py), in process ---------------------------------------


def _asgi_get(app, path: str, headers: dict[str, str], *, action, wait_for: str, timeout: float = WAIT):
    """GET `path` on the ASGI app; run `action` once the head arrived; return the status,
    the head and the body received until `wait_for` appears (then the client goes away)."""

    async def scenario():
        received: dict = {"status": None, "headers": {}, "body": b""}
        gone = asyncio.Event()
        got = asyncio.Event()
        sent = [False]

        async def receive():
            if not sent[0]:
                sent[0] = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await gone.wait()
            return {"type": "http.disconnect"}

        async def send(message):
            if message["type"] == "http.response.start":
                received["status"] = message["status"]
                received["headers"] = {k.decode().lower(): v.decode() for k, v in message["headers"]}
                asyncio.get_running_loop().run_in_executor(None, action)
            elif message["type"] == "http.response.body":
                received["body"] += message.get("body", b"")
                if wait_for.encode() in received["body"] or not message.get("more_body"):
                    got.set()

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path.split("?")[0],
            "raw_path": path.split("?")[0].encode(),
            "query_string": path.split("?")[1].encode() if "?" in path else b"",
            "root_path": "",
            "headers": [(b"host", b"testserver")]
            + [(k.lower().encode(), v.encode()) for k, v in headers.items()],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        task = asyncio.create_task(app(scope, receive, send))
        try:
            await asyncio.wait_for(got.wait(), timeout)
        finally:
            gone.set()
            await asyncio.wait_for(task, timeout)
        return received

    return run_async(scenario())


@pytest.fixture
def stream_server(settings):
    from config.streams import StreamServer

    settings.ALLOWED_HOSTS = ["testserver"]
    app = StreamServer(threads=2)
    yield app
    app.pool.shutdown(wait=True)


def test_the_stream_server_pushes_a_call_to_a_display_and_lets_it_go_when_it_leaves(
    hall, teller1, stream_server
):
    _, token = services.device_issue(actor="t", branch=hall, kind=DeviceKind.BOARD, name="屏")

    def call():
        services.ticket_take(actor="k", branch=hall, category=C)
        services.ticket_call_next(actor="t", staff=teller1, window=window(hall, 1))
        connection.close()

    got = _asgi_get(
        stream_server,
        "/api/v1/branches/HD01/events",
        {"Authorization": f"Bearer {token}"},
        action=call,
        wait_for="请 A001 号到 1 号窗口办理",
    )

    assert got["status"] == 200 and got["headers"]["content-type"].startswith("text/event-stream")
    assert got["headers"]["x-accel-buffering"] == "no" and "content-security-policy" in got["headers"]
    assert got["body"].startswith(b"retry: ") and b"event: call\n" in got["body"]
    deadline = time.monotonic() + WAIT
    while push.hub().subscriptions and time.monotonic() < deadline:
        time.sleep(0.05)
    assert push.hub().subscriptions == 0  # the display went away: its place in the hub is gone


def test_the_stream_server_refuses_what_the_wsgi_server_refuses(hall, stream_server):
    nothing = lambda: None  # noqa: E731
    anonymous = _asgi_get(stream_server, "/board/HD01/events/", {}, action=nothing, wait_for="")
    assert anonymous["status"] == 302 and anonymous["headers"]["location"].startswith("/queue/device/")
    no_token = _asgi_get(stream_server, "/api/v1/branches/HD01/events", {}, action=nothing, wait_for="")
    assert no_token["status"] == 401
    _, other_hall = services.device_issue(
        actor="t", branch=Branch.objects.get(code="WA01"), kind=DeviceKind.BOARD, name="屏"
    )
    wrong_hall = _asgi_get(
        stream_server,
        "/api/v1/branches/HD01/events",
        {"Authorization": f"Bearer {other_hall}"},
        action=nothing,
        wait_for="",
    )
    assert wrong_hall["status"] == 403
    assert push.hub().subscriptions == 0


def test_the_stream_server_answers_ordinary_requests_too(hall, stream_server):
    got = _asgi_get(stream_server, "/api/v1/health", {}, action=lambda: None, wait_for="ok")
    assert got["status"] == 200 and json.loads(got["body"]) == {"status": "ok"}


def test_a_reconnecting_display_gets_what_it_missed_from_the_table(hall, teller1, stream_server):
    services.ticket_take(actor="k", branch=hall, category=C)
    services.ticket_call_next(actor="t", staff=teller1, window=window(hall, 1))
    missed = BoardEvent.objects.get(kind="call")
    _, token = services.device_issue(actor="t", branch=hall, kind=DeviceKind.BOARD, name="屏")

    got = _asgi_get(
        stream_server,
        "/api/v1/branches/HD01/events",
        {"Authorization": f"Bearer {token}", "Last-Event-ID": str(missed.pk - 1)},
        action=lambda: None,
        wait_for="请 A001 号到 1 号窗口办理",
    )
    assert f"id: {missed.pk}\nevent: call\n".encode() in got["body"]
