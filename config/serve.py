"""`make serve`: the production topology in one command, in the foreground.

    PORT=8000 DATABASE_URL=postgres://… .venv/bin/python -m config.serve

It starts exactly the two servers docs/deploy.md runs in production —

* the WSGI application server: gunicorn with deploy/gunicorn.conf.py (wsm.service), and
* the stream server: `python -m config.streams` (wsm-streams.service),

each on a free loopback port, and listens on 127.0.0.1:$PORT itself with a small router
that does what nginx does in production: the event-stream paths (the same patterns as
deploy/nginx-wsm.conf, `STREAM_PATHS`) go to the stream server, everything else to
gunicorn. Both servers run the whole application, so a request sent to the other one is
still answered correctly — only the streams would then hold a gunicorn thread.

With STREAM_MODE=poll (the design before issue 16, for bench/fanout_bench.py only) the
streams go to gunicorn, as they did then.

The router reads each request's head and body framing (Content-Length or chunked) and
passes the bytes on unchanged; responses are passed back as they come. It does not
support HTTP pipelining (no browser pipelines). Ctrl+C (or SIGTERM) stops everything.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
# The stream paths, as nginx routes them (deploy/nginx-wsm.conf; common/tests/test_deploy.py).
STREAM_PATHS = re.compile(rb"^(/board/[^/?]+/events/|/api/v1/branches/[^/?]+/events|/t/[^/?]+/events/)(\?|$)")
HEAD_LIMIT = 64 * 1024
HIGH_WATER = 1024 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


# ---------------------------------------------------------------------------------------
# The router


class _Upstream(asyncio.Protocol):
    """A connection to one of the two servers: what it sends goes straight to the client."""

    def __init__(self, client: _Client) -> None:
        self.client = client
        self.transport: asyncio.Transport | None = None
        self.pending: list[bytes] = []
        self.closed = False

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        for chunk in self.pending:
            transport.write(chunk)
        self.pending = []

    def data_received(self, data: bytes) -> None:
        client = self.client.transport
        if client is None or client.is_closing():
            return
        client.write(data)
        if client.get_write_buffer_size() > HIGH_WATER and self.transport is not None:
            self.transport.pause_reading()  # resumed by the client's resume_writing

    def write(self, data: bytes) -> None:
        if self.transport is None:
            self.pending.append(data)
        else:
            self.transport.write(data)

    def pause_writing(self) -> None:
        if self.client.transport is not None:
            self.client.transport.pause_reading()

    def resume_writing(self) -> None:
        if self.client.transport is not None:
            self.client.transport.resume_reading()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.client.upstream is self:  # the server closed (keep-alive timeout, a stream's end)
            self.client.close()

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()


class _Client(asyncio.Protocol):
    """One client connection: each request goes to the server its path belongs to."""

    def __init__(self, ports: dict[str, int]) -> None:
        self.ports = ports
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.upstream: _Upstream | None = None
        self.route = ""
        self.body_left = 0  # bytes of a Content-Length body still to pass on
        self.raw = False  # chunked request body: pass everything on to this upstream from now on

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        if self.raw:
            self._forward(data)
            return
        self.buffer += data
        self._process()

    def _process(self) -> None:
        while self.buffer:
            if self.body_left:
                take = bytes(self.buffer[: self.body_left])
                del self.buffer[: len(take)]
                self.body_left -= len(take)
                self._forward(take)
                continue
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > HEAD_LIMIT:
                    self._reply(431, b"Request Header Fields Too Large")
                return
            head = bytes(self.buffer[: end + 4])
            del self.buffer[: end + 4]
            try:
                target = head.split(b" ", 2)[1]
            except IndexError:
                self._reply(400, b"Bad Request")
                return
            self._switch("streams" if STREAM_PATHS.match(target) else "app")
            self._forward(head)
            lines = head.lower().split(b"\r\n")
            length = next(
                (ln.split(b":", 1)[1].strip() for ln in lines if ln.startswith(b"content-length:")), b""
            )
            if any(ln.startswith(b"transfer-encoding:") and b"chunked" in ln for ln in lines):
                self.raw = True  # rare (browsers never send it): the connection stays on this server
                rest, self.buffer = bytes(self.buffer), bytearray()
                if rest:
                    self._forward(rest)
                return
            self.body_left = int(length) if length.isdigit() else 0

    def _switch(self, route: str) -> None:
        if self.upstream is not None and not self.upstream.closed and route == self.route:
            return
        old, self.upstream, self.route = self.upstream, _Upstream(self), route
        if old is not None:
            old.close()  # its response is complete: the client sent its next request
        loop = asyncio.get_running_loop()
        upstream = self.upstream
        task = loop.create_task(loop.create_connection(lambda: upstream, HOST, self.ports[route]))
        task.add_done_callback(lambda t: self._connected(t, upstream))

    def _connected(self, task: asyncio.Task[Any], upstream: _Upstream) -> None:
        if (task.cancelled() or task.exception() is not None) and self.upstream is upstream:
            self._reply(502, b"Bad Gateway")

    def _forward(self, data: bytes) -> None:
        if self.upstream is not None:
            self.upstream.write(data)

    def _reply(self, status: int, reason: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            body = reason + b"\n"
            self.transport.write(
                b"HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
                b"Connection: close\r\n\r\n%s" % (status, reason, len(body), body)
            )
        self.close()

    def pause_writing(self) -> None:
        if self.upstream is not None and self.upstream.transport is not None:
            self.upstream.transport.pause_reading()

    def resume_writing(self) -> None:
        if self.upstream is not None and self.upstream.transport is not None:
            self.upstream.transport.resume_reading()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.upstream is not None:
            self.upstream.close()
        self.upstream = None

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def route(port: int, ports: dict[str, int], stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Client(ports), HOST, port, reuse_address=True, backlog=4096)
    async with server:
        await stop.wait()


# ---------------------------------------------------------------------------------------
# The two servers


def commands(env: dict[str, str]) -> dict[str, list[str]]:
    """The production commands (deploy/systemd/wsm.service and wsm-streams.service)."""
    bin_dir = Path(sys.executable).parent
    return {
        "app": [str(bin_dir / "gunicorn"), "--config", "deploy/gunicorn.conf.py"],
        "streams": [sys.executable, "-m", "config.streams"],
    }


def _healthy(port: int) -> bool:
    import http.client

    try:
        conn = http.client.HTTPConnection(HOST, port, timeout=2)
        conn.request("GET", "/api/v1/health")
        return conn.getresponse().status == 200
    except OSError:
        return False


def main() -> int:
    port = int(os.getenv("PORT", "8000"))
    ports = {"app": free_port(), "streams": free_port()}
    poll = os.getenv("STREAM_MODE", "push") == "poll"
    env = {
        **os.environ,
        "GUNICORN_BIND": f"{HOST}:{ports['app']}",
        "STREAMS_BIND": f"{HOST}:{ports['streams']}",
    }
    children: dict[str, subprocess.Popen[bytes]] = {}
    for name, command in commands(env).items():
        if poll and name == "streams":
            continue
        children[name] = subprocess.Popen(command, cwd=ROOT, env=env)
    if poll:
        ports["streams"] = ports["app"]

    def stop_children() -> None:
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 10
        for child in children.values():
            try:
                child.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                child.kill()

    try:
        deadline = time.monotonic() + 60
        waiting = set(children)
        while waiting and time.monotonic() < deadline:
            for name in list(waiting):
                if children[name].poll() is not None:
                    print(f"make serve: {name} server exited ({children[name].returncode})", file=sys.stderr)
                    stop_children()
                    return 1
                if _healthy(ports[name]):
                    waiting.discard(name)
            time.sleep(0.2)
        if waiting:
            print(f"make serve: {', '.join(sorted(waiting))} did not answer within 60 s", file=sys.stderr)
            stop_children()
            return 1
        print(
            f"服务地址 (serving at): http://{HOST}:{port}/   — gunicorn on :{ports['app']}, "
            + (
                "event streams on gunicorn (STREAM_MODE=poll)"
                if poll
                else f"stream server on :{ports['streams']}"
            )
            + "; 按 Ctrl+C 停止",
            flush=True,
        )
        return asyncio.run(_run(port, ports, children))
    finally:
        stop_children()


async def _run(port: int, ports: dict[str, int], children: dict[str, subprocess.Popen[bytes]]) -> int:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    router = loop.create_task(route(port, ports, stop))
    status = 0
    while not stop.is_set():
        if router.done():
            router.result()  # the port is taken: raise
        for name, child in children.items():
            if child.poll() is not None:
                print(f"make serve: {name} server exited ({child.returncode})", file=sys.stderr)
                status = 1
                stop.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=1.0)
    await router
    return status


if __name__ == "__main__":
    sys.exit(main())
