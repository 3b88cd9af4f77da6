"""Issue 16 "Done when", against `make serve` (python -m config.serve: gunicorn with
deploy/gunicorn.conf.py, the stream server, the router in front — the production
topology) on the test database: a call reaches an open stream within a second, the
router sends streams to the stream server and everything else to gunicorn, and a hall
display in Chromium shows a call within a second and survives a restart of the whole
server without anybody touching it.

The served processes run on the real clock, not the suite's pinned one: everything they
must see is written through their API, or in this process with the clock moved to the
server's (its Date header)."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from django.db import connection

from common.testing import FrozenClock
from org.demo import seed_demo
from org.models import Branch, Staff
from org.services import api_token_issue
from queueing import services
from queueing.models import DeviceKind

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path("var/screenshots")
HOST = "127.0.0.1"
DEADLINE = 1.0  # seconds from the call to the stream / the display


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    return f"postgres://{auth}@{settings['HOST'] or HOST}:{settings['PORT'] or 5432}/{settings['NAME']}"


class Served:
    """`make serve` in a child process, on a free port, against the test database."""

    def __init__(self, **env: str) -> None:
        self.port = _free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.env = {
            **os.environ,
            "PORT": str(self.port),
            "DATABASE_URL": _database_url(),
            "GUNICORN_WORKERS": "2",
            "GUNICORN_ACCESS_LOG": "/dev/null",
            "STREAMS_ACCESS_LOG": "false",
            "STREAMS_THREADS": "2",
            "SSE_HEARTBEAT_SECONDS": "1",
            **env,
        }
        for name in ("SECRET_KEY", "DEBUG", "WSM_TEST_NOW"):
            self.env.pop(name, None)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "config.serve"], cwd=ROOT, env=self.env, start_new_session=True
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "make serve exited"
            try:
                if self.request("GET", "/api/v1/health")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError("make serve did not answer within 90 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def request(self, method: str, path: str, token: str | None = None, body: dict | None = None):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=10)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response.status, dict(response.getheaders()), data

    def server_time(self):
        _, headers, _ = self.request("GET", "/api/v1/health")
        return parsedate_to_datetime(headers["Date"])


@pytest.fixture
def centre(transactional_db, reference_data):
    """The demo centre, open all day (the served processes run on the real clock), with
    a kiosk, a display and teller1's token."""
    seed_demo()
    Branch.objects.filter(code="HD01").update(opens_at="00:00", day_close_at="23:59", closes_at="23:59")
    hall = Branch.objects.get(code="HD01")
    teller1 = Staff.objects.get(user__username="teller1")
    return {
        "hall": hall,
        "teller1": teller1,
        "kiosk": services.device_issue(actor="t", branch=hall, kind=DeviceKind.KIOSK, name="取号机")[1],
        "board": services.device_issue(actor="t", branch=hall, kind=DeviceKind.BOARD, name="显示屏")[1],
        "teller": api_token_issue(actor="t", user=teller1.user, name="test"),
    }


@pytest.fixture
def served(centre):
    server = Served()
    server.start()
    yield server
    server.stop()


class EventStream:
    """A display's stream over a raw socket; `wait_for(text)` returns the seconds waited."""

    def __init__(self, server: Served, path: str, token: str) -> None:
        self.sock = socket.create_connection((HOST, server.port), timeout=10)
        self.sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {token}\r\n"
            "Accept: text/event-stream\r\n\r\n".encode()
        )
        self.received = b""
        while b"\r\n\r\n" not in self.received:
            self.received += self.sock.recv(65536)
        self.head = self.received.split(b"\r\n\r\n")[0].decode()

    def wait_for(self, text: str, timeout: float = 5.0) -> float:
        started = time.monotonic()
        self.sock.settimeout(0.05)
        while text.encode() not in self.received:
            if time.monotonic() - started > timeout:
                raise AssertionError(f"{text!r} did not arrive; got {self.received[-500:]!r}")
            try:
                chunk = self.sock.recv(65536)
            except TimeoutError:
                continue
            if not chunk:
                raise AssertionError("the stream ended")
            self.received += chunk
        return time.monotonic() - started

    def close(self) -> None:
        self.sock.close()


def test_through_make_serve_a_call_reaches_an_open_stream_within_a_second(served, centre):
    stream = EventStream(served, "/api/v1/branches/HD01/events", centre["board"])
    try:
        assert stream.head.startswith("HTTP/1.1 200") and "text/event-stream" in stream.head
        assert "gunicorn" not in stream.head.lower()  # the router sent it to the stream server
        status, headers, body = served.request(
            "POST", "/api/v1/tickets", centre["kiosk"], {"branch": "HD01", "category": "collection"}
        )
        assert status == 201 and headers.get("Server", "").startswith("gunicorn")  # the rest: gunicorn
        number = json.loads(body)["number"]
        began = time.monotonic()
        status, _, _ = served.request("POST", "/api/v1/windows/HD01/1/call-next", centre["teller"])
        assert status == 200
        waited = stream.wait_for(f"请 {number} 号到 1 号窗口办理") + (time.monotonic() - began)
        assert waited < DEADLINE * 2  # generous: the call's own request is in the figure
        stream.wait_for(": 心跳")  # the heartbeat (1 s here)
    finally:
        stream.close()


def test_in_the_old_polling_mode_streams_go_to_gunicorn_as_before(centre):
    server = Served(STREAM_MODE="poll", SSE_MAX_SECONDS="5")
    server.start()
    try:
        stream = EventStream(server, "/api/v1/branches/HD01/events", centre["board"])
        assert "gunicorn" in stream.head.lower()
        take = {"branch": "HD01", "category": "collection"}
        server.request("POST", "/api/v1/tickets", centre["kiosk"], take)
        server.request("POST", "/api/v1/windows/HD01/1/call-next", centre["teller"])
        stream.wait_for("号到 1 号窗口办理")
        stream.close()
    finally:
        server.stop()


# --- In Chromium --------------------------------------------------------------------------------


@pytest.fixture
def display(browser):
    contexts = []

    def make(server: Served, token: str):
        ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 720})
        contexts.append(ctx)
        p = ctx.new_page()
        p.set_default_timeout(15_000)
        p.goto(server.url + "/queue/device/")
        p.fill("input[name=token]", token)
        p.click("button[type=submit].primary")
        p.wait_for_url(re.compile(r"/board/HD01/$"))
        p.wait_for_function("() => window.__boardReady === true")
        if p.locator("#board-overlay").is_visible():
            p.click("#board-enable-voice")
        p.evaluate("() => { window.__loadedAt = Date.now(); }")
        return p

    yield make
    for ctx in contexts:
        ctx.close()


def banner_says(text: str) -> str:
    return f"() => document.getElementById('board-banner-text').textContent.includes({text!r})"


@pytest.mark.browser
def test_a_display_on_make_serve_shows_a_call_within_a_second_and_survives_a_restart(served, centre, display):
    board = display(served, centre["board"])
    board.wait_for_timeout(500)  # the stream is open
    served.request("POST", "/api/v1/tickets", centre["kiosk"], {"branch": "HD01", "category": "collection"})
    started = time.monotonic()
    status, _, _ = served.request("POST", "/api/v1/windows/HD01/1/call-next", centre["teller"])
    assert status == 200
    board.wait_for_function(banner_says("请 A001 号到 1 号窗口办理"), timeout=5_000)
    elapsed = time.monotonic() - started
    SHOTS.mkdir(parents=True, exist_ok=True)
    board.screenshot(path=str(SHOTS / "queue-board-make-serve.png"))
    assert elapsed < DEADLINE, f"the display showed the call after {elapsed:.2f} s"

    # --- The whole server restarts; a call is made while it is down --------------------------
    server_now = served.server_time()
    served.request("POST", "/api/v1/windows/HD01/1/complete", centre["teller"])
    served.stop()
    board.wait_for_selector("#board-offline:not([hidden])", timeout=15_000)
    hall, teller1 = centre["hall"], centre["teller1"]
    FrozenClock(server_now, tick=True)  # this process writes at the server's time
    services.ticket_take(actor="k", branch=hall, category="collection")
    services.ticket_call_next(actor="t", staff=teller1, window=hall.windows.get(number=1))
    connection.close()
    served.start()
    board.wait_for_function(banner_says("请 A002 号到 1 号窗口办理"), timeout=20_000)
    board.wait_for_selector("#board-offline[hidden]", state="attached", timeout=10_000)
    assert board.evaluate("window.__loadedAt") is not None  # the same page: nobody reloaded it
    board.screenshot(path=str(SHOTS / "queue-board-after-restart.png"))
