"""The stream server: the ASGI application that holds the event streams of hall displays,
counter tablets and citizens' ticket pages (issue 16, docs/decisions/0004).

    .venv/bin/python -m config.streams          # production: wsm-streams.service (docs/deploy.md § 6)

Each request runs through Django's ordinary (synchronous) middleware and view in a small
thread pool — the same authentication, host check, session and security headers as on
the WSGI server. A view that answers with a push stream (`queueing.stream.AsyncEventStream`)
has subscribed to the process's hub (queueing/push.py); this server then sends the stream
from its event loop: no thread and no database connection is held while a stream is
open, and an idle stream costs a heartbeat every 15 s. One LISTEN connection per process
feeds every stream of that process. Anything else (a page sent here by mistake, the health
check) is answered normally, so nginx may send it any path.

Environment (read here, like deploy/gunicorn.conf.py reads GUNICORN_*):

* STREAMS_BIND — host:port (default 127.0.0.1:8001);
* STREAMS_WORKERS — processes (default 1: one process holds thousands of streams);
* STREAMS_THREADS — threads per process for the requests' synchronous part (default 4;
  each may hold a database connection while it works);
* STREAMS_ACCESS_LOG — "false" to silence the access log (one line per stream opened);
* STREAMS_FORWARDED_ALLOW_IPS — who may set X-Forwarded-* (default 127.0.0.1: nginx);
* STREAMS_GRACEFUL_TIMEOUT — seconds to wait for requests on shutdown (default 3; every
  open stream is ended at once, its client reconnects to the next process).
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import uvicorn

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

logger = logging.getLogger("config.streams")

Scope = dict[str, Any]
_END = object()


class StreamServer:
    """The ASGI callable (`application`)."""

    def __init__(self, threads: int | None = None) -> None:
        import django

        django.setup(set_prefix=False)
        from django.core.handlers.base import BaseHandler

        self.handler = BaseHandler()
        self.handler.load_middleware(is_async=False)  # the WSGI server's chain, as it is
        self.threads = threads or int(os.getenv("STREAMS_THREADS", "4"))
        self.pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="wsm-request")

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            await self.http(scope, receive, send)
        elif scope["type"] == "lifespan":
            await self.lifespan(receive, send)
        else:  # websockets are not served
            message = await receive()
            if message["type"] == "websocket.connect":
                await send({"type": "websocket.close", "code": 1003})

    # --- start-up and shutdown ------------------------------------------------------------
    async def lifespan(self, receive: Any, send: Any) -> None:
        from queueing import push

        loop = asyncio.get_running_loop()
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await loop.run_in_executor(self.pool, push.hub().start)
                except Exception as exc:  # pragma: no cover — a broken configuration
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                _end_streams_on_exit(loop)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await loop.run_in_executor(None, push.hub().stop)
                self.pool.shutdown(wait=False, cancel_futures=True)
                await send({"type": "lifespan.shutdown.complete"})
                return

    # --- one request -------------------------------------------------------------------------
    async def http(self, scope: Scope, receive: Any, send: Any) -> None:
        from django.http import HttpResponse

        from queueing.stream import AsyncEventStream

        loop = asyncio.get_running_loop()
        body = await _read_body(receive)
        if body is None:  # the client went away before its request was complete
            return
        response = await loop.run_in_executor(self.pool, self._respond, scope, body, loop)
        if isinstance(response, AsyncEventStream):
            await self._stream(response, receive, send)
        elif response.streaming:
            await self._send_streaming(response, send, loop)
        else:
            assert isinstance(response, HttpResponse)
            await send(_start(response))
            await send({"type": "http.response.body", "body": response.content})

    def _respond(self, scope: Scope, body: Any, loop: asyncio.AbstractEventLoop) -> Any:
        """In a pool thread: Django's request cycle, as a WSGI server runs it."""
        from django.core import signals
        from django.core.exceptions import RequestDataTooBig
        from django.core.handlers.asgi import ASGIRequest, get_script_prefix
        from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError
        from django.urls import set_script_prefix

        from queueing.stream import AsyncEventStream

        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        try:
            request = ASGIRequest(scope, body)
        except UnicodeDecodeError:
            response: Any = HttpResponseBadRequest()
        except RequestDataTooBig:
            response = HttpResponse("413 Payload too large", status=413)
        else:
            request.stream_loop = loop  # type: ignore[attr-defined]  # push streams live in this loop
            try:
                response = self.handler.get_response(request)
            except Exception:  # pragma: no cover — get_response turns errors into responses itself
                logger.exception("unhandled error in %s", scope.get("path"))
                response = HttpResponseServerError()
        if isinstance(response, AsyncEventStream):
            # The request's database work is done: the stream lives in the event loop.
            body.close()
            signals.request_finished.send(sender=self.__class__)
        elif not response.streaming:
            response.close()  # request_finished in this thread; the content is in memory
        return response

    async def _stream(self, response: Any, receive: Any, send: Any) -> None:
        subscription = response.subscription
        # The client going away ends the stream at once (uvicorn reports it to receive()).
        disconnected = asyncio.ensure_future(receive())
        disconnected.add_done_callback(lambda _: subscription.close())
        events = response.events()
        try:
            await send(_start(response))
            async for chunk in events:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except OSError:  # pragma: no cover — the transport broke mid-send
            pass
        finally:
            disconnected.cancel()
            await events.aclose()
            response.cancel()

    async def _send_streaming(self, response: Any, send: Any, loop: asyncio.AbstractEventLoop) -> None:
        """A file or another synchronous streaming response: read in a pool thread."""
        chunks = iter(response)
        try:
            await send(_start(response))
            while (chunk := await loop.run_in_executor(self.pool, next, chunks, _END)) is not _END:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            await loop.run_in_executor(self.pool, response.close)


def _end_streams_on_exit(loop: asyncio.AbstractEventLoop) -> None:
    """On SIGTERM/SIGINT uvicorn stops accepting and waits for open requests; open streams
    would only end at the graceful timeout. End them just after it stopped accepting, so
    that their clients reconnect at once (to another worker, or the restarted server)."""
    import signal
    import threading

    from queueing import push

    if threading.current_thread() is not threading.main_thread():  # pragma: no cover
        return
    for sig in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(sig)
        if not callable(previous):
            continue

        def handler(signum: int, frame: Any, previous: Any = previous) -> None:
            loop.call_soon_threadsafe(loop.call_later, 0.2, push.hub().close_all)
            previous(signum, frame)

        signal.signal(sig, handler)


async def _read_body(receive: Any) -> Any:
    from django.conf import settings

    # Closed by the request (Django closes its body), or here when the client goes away.
    body = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, mode="w+b")  # noqa: SIM115
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            body.close()
            return None
        if "body" in message:
            body.write(message["body"])
        if not message.get("more_body", False):
            break
    body.seek(0)
    return body


def _start(response: Any) -> dict[str, Any]:
    headers = [(str(name).encode("ascii"), str(value).encode("latin1")) for name, value in response.items()]
    headers += [
        (b"Set-Cookie", c.output(header="").encode("ascii").strip()) for c in response.cookies.values()
    ]
    return {"type": "http.response.start", "status": response.status_code, "headers": headers}


# ---------------------------------------------------------------------------------------
# The application and the server


_application: StreamServer | None = None


def __getattr__(name: str) -> Any:
    """`config.streams:application`, built on first use (so that `python -m config.streams`
    does not build it twice)."""
    global _application
    if name == "application":
        if _application is None:
            _application = StreamServer()
        return _application
    raise AttributeError(name)


def config(bind: str | None = None) -> uvicorn.Config:
    host, _, port = (bind or os.getenv("STREAMS_BIND") or "127.0.0.1:8001").rpartition(":")
    return uvicorn.Config(
        "config.streams:application",
        host=host.strip("[]") or "127.0.0.1",
        port=int(port),
        workers=int(os.getenv("STREAMS_WORKERS", "1")),
        lifespan="on",
        http="h11",
        loop="asyncio",
        access_log=os.getenv("STREAMS_ACCESS_LOG", "true").lower() not in {"0", "false", "no", "off"},
        log_level=os.getenv("STREAMS_LOG_LEVEL", "info"),
        proxy_headers=True,
        forwarded_allow_ips=os.getenv("STREAMS_FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
        timeout_graceful_shutdown=int(os.getenv("STREAMS_GRACEFUL_TIMEOUT", "3")),
        backlog=int(os.getenv("STREAMS_BACKLOG", "4096")),
        server_header=False,
    )


def main() -> None:
    from uvicorn.supervisors import Multiprocess

    cfg = config()
    if cfg.workers > 1:
        Multiprocess(cfg, sockets=[cfg.bind_socket()]).run()
    else:
        uvicorn.Server(cfg).run()


if __name__ == "__main__":
    main()
