"""Benchmark of the hall's event streams at centre and province scale (issue 16): push
(the stream server, one LISTEN per process) against the polling design before it, and the
queue's operations against the same transactions written by hand in SQL.

    .venv/bin/python bench/fanout_bench.py [--streams 100,500,2000] [--designs push,poll]
                                           [--idle-seconds 20] [--ops-seconds 20] [--seconds 10]

All on 127.0.0.1, bounded in time, cleaned up at the end (also on Ctrl+C):

1. a throw-away PostgreSQL cluster (initdb in a temporary folder, as the postgres user when
   run as root; autovacuum off so that the idle figures are the application's own),
   migrated, the demo centre seeded, its hall HD01 open all day, a kiosk token, a display
   token and eight universal tellers with a token per window;
2. for each design and each number of streams, `make serve` (python -m config.serve: gunicorn
   with deploy/gunicorn.conf.py, the stream server, the router) — the production topology
   — sized as docs/deploy.md says for that design (push: gunicorn's defaults, max_connections
   100 whatever the streams; poll: workers × threads ≥ streams × 1.2 + 20 and
   max_connections to match, capped by --poll-max-connections), then:
   a. separate client processes open the streams (asyncio, one socket each) at
      --connect-rate per second and record each one's time to its first byte;
   b. nothing happens for --idle-seconds: the database's transactions (pg_stat_database),
      the server's CPU (every process of make serve, from /proc) and PostgreSQL's CPU;
   c. --calls calls one second apart (take, call-next, complete on window 1): the time
      from sending the call to each stream receiving it, over all streams;
   d. --ops-seconds of paced operations (--ops-rate takes and calls per second; every call
      is completed half a second later), their latency while the streams are open — and the
      same load before any stream was opened (each design's baseline);
3. with the push design and no stream: take (4 client processes) and call-next + complete (8
   teller processes) as fast as they go for --seconds, with the server's CPU per request
   (each request's thread CPU time, logged by gunicorn when GUNICORN_CPU_LOG is set), and
   the same transactions written by hand through psycopg — the floor — with the same
   numbers of processes: the throughput ratio of each operation;
4. a check that no ticket was called twice and numbers are gapless per queue.

The machine's cores are shared by server, database and clients (and, on the project's VM,
other jobs): the load average is printed beside the figures.
"""

# ruff: noqa: E501  (SQL and table layouts read better on one line)
from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import math
import multiprocessing as mp
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from queue_bench import Cluster as _Cluster
from queue_bench import _cpu_model, free_port, percentile

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CLK = os.sysconf("SC_CLK_TCK")
CATEGORIES = ["collection", "withdrawal", "loan", "other"]


# --- The database ----------------------------------------------------------------------------


class Cluster(_Cluster):
    """queue_bench's throw-away cluster, restartable with another max_connections."""

    def options(self, max_connections: int) -> str:
        return (
            f"-p {self.port} -k {self.folder} -c listen_addresses={HOST} -c max_connections={max_connections} "
            "-c shared_buffers=256MB -c synchronous_commit=off -c autovacuum=off"
        )

    def start(self, max_connections: int = 100) -> None:  # type: ignore[override]
        self.data.mkdir(parents=True)
        if self.user:
            subprocess.run(["chown", "-R", self.user, str(self.folder)], check=True)
        self.folder.chmod(0o755)
        subprocess.run(
            self._as_pg(
                str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                "-E", "UTF8", "--locale=C.UTF-8",
            ),
            check=True,
            capture_output=True,
        )  # fmt: skip
        self._ctl("start", max_connections)

    def _ctl(self, action: str, max_connections: int) -> None:
        subprocess.run(
            self._as_pg(
                str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "pg.log"),
                "-w", "-m", "fast", "-o", self.options(max_connections), action,
            ),
            check=True,
            capture_output=True,
        )  # fmt: skip
        self.max_connections = max_connections

    def restart(self, max_connections: int) -> None:
        if getattr(self, "max_connections", None) != max_connections:
            self._ctl("restart", max_connections)

    def postmaster(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])


def connect(cluster: Cluster):
    import psycopg

    return psycopg.connect(f"host={HOST} port={cluster.port} user=postgres dbname=wsm", autocommit=True)


def prepare_database(cluster: Cluster) -> dict:
    import psycopg

    with psycopg.connect(
        f"host={HOST} port={cluster.port} user=postgres dbname=postgres", autocommit=True
    ) as c:
        c.execute("CREATE DATABASE wsm")
    os.environ["DATABASE_URL"] = cluster.url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    from org.demo import seed_demo
    from org.models import Branch, Role, Window
    from org.services import api_token_issue, staff_account_create
    from queueing.models import DeviceKind, Queue
    from queueing.services import device_issue

    seed_demo()
    Branch.objects.filter(code="HD01").update(opens_at="00:00", day_close_at="23:59", closes_at="23:59")
    branch = Branch.objects.get(code="HD01")
    kiosk = device_issue(actor="bench", branch=branch, kind=DeviceKind.KIOSK, name="bench kiosk")[1]
    board = device_issue(actor="bench", branch=branch, kind=DeviceKind.BOARD, name="bench board")[1]
    tellers, windows, staff = {}, {}, {}
    for window in Window.objects.filter(branch=branch).order_by("number"):
        person = staff_account_create(
            actor="bench",
            username=f"bench{window.number}",
            password=None,
            staff_no=f"B{window.number:03d}",
            name=f"压测柜员{window.number}",
            roles=[Role.TELLER],
            branch=branch,
            is_universal_teller=True,
        )
        tellers[window.number] = api_token_issue(actor="bench", user=person.user, name="bench")
        windows[window.number] = window.pk
        staff[window.number] = person.pk
    queues = {q.category: (q.pk, q.letter) for q in Queue.objects.filter(branch=branch)}
    connections.close_all()
    return {
        "kiosk": kiosk,
        "board": board,
        "tellers": tellers,
        "branch": branch.pk,
        "windows": windows,
        "staff": staff,
        "queues": queues,
    }


def db_counters(cluster: Cluster) -> tuple[int, float]:
    """Transactions committed and rolled back in the database so far, and PostgreSQL's CPU
    seconds (every process of the cluster)."""
    with connect(cluster) as c:
        xacts = c.execute(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'wsm'"
        ).fetchone()[0]
    return int(xacts), tree_cpu(cluster.postmaster())


# --- Processes -----------------------------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def tree_pids(root: int) -> list[int]:
    tree, pids, todo = _children(), [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(tree.get(pid, []))
    return pids


def tree_cpu(root: int) -> float:
    total = 0
    for pid in tree_pids(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLK


class Serve:
    """`make serve` (what the Makefile runs after checking the virtualenv)."""

    def __init__(self, cluster: Cluster, folder: Path, *, mode: str, workers: int, threads: int) -> None:
        self.port = free_port()
        self.cpu_log = folder / f"cpu-{self.port}.log"
        self.env = {
            **os.environ,
            "PORT": str(self.port),
            "DATABASE_URL": cluster.url,
            "DEBUG": "false",
            "SECRET_KEY": "bench-only-" + secrets.token_hex(16),
            "ALLOWED_HOSTS": HOST,
            "CONN_MAX_AGE": "60",
            "LOG_LEVEL": "WARNING",
            "VAR_DIR": str(folder),
            "STREAM_MODE": mode,
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_THREADS": str(threads),
            "GUNICORN_ACCESS_LOG": "/dev/null",
            "GUNICORN_LOG_LEVEL": "warning",
            "GUNICORN_CPU_LOG": str(self.cpu_log),
            "STREAMS_ACCESS_LOG": "false",
            "STREAMS_LOG_LEVEL": "warning",
        }
        self.log = (folder / f"serve-{self.port}.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "config.serve"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"make serve exited; see {self.log.name}")
            try:
                if request(self.port, "GET", "/api/v1/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.3)
        else:
            self.stop()
            sys.exit(f"make serve did not answer within 120 s; see {self.log.name}")
        for _ in range(3):  # every gunicorn worker imports and connects on its first requests
            request(self.port, "GET", "/api/v1/branches/HD01/board", TOKENS["board"])

    def cpu(self) -> float:
        return tree_cpu(self.process.pid)

    def rss(self) -> tuple[float, float]:
        """Resident memory in MB: every process of make serve, and the stream server's."""
        total = streams = 0.0
        for pid in tree_pids(self.process.pid):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
            total += kb / 1024
            if b"config.streams" in cmdline:
                streams += kb / 1024
        return total, streams

    def request_cpu(self) -> dict[str, list[float]]:
        """Each request's thread CPU time in ms, by operation, since the last call."""
        out: dict[str, list[float]] = {}
        if self.cpu_log.exists():
            for line in self.cpu_log.read_text().splitlines():
                _method, path, ms = line.split()
                out.setdefault(operation(path), []).append(float(ms))
            self.cpu_log.unlink()
        return out

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def operation(path: str) -> str:
    if path.endswith("/call-next"):
        return "call-next"
    if path.endswith("/complete"):
        return "complete"
    if path == "/api/v1/tickets":
        return "take"
    return path


# --- HTTP clients ----------------------------------------------------------------------------------

TOKENS: dict = {}


def request(port: int, method: str, path: str, token: str | None = None, body: dict | None = None, conn=None):
    own = conn is None
    conn = conn or http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"Connection": "keep-alive"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=payload, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if own:
        conn.close()
    return response.status, data


def take_body(i: int) -> dict:
    return {"branch": "HD01", "category": CATEGORIES[i % 4]}


def http_worker(job: dict, port: int, start_at: float, seconds: float, out: mp.Queue) -> None:
    """Closed loop (`pace` None) or paced: take, or a teller's call-next then complete."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    samples: dict[str, list[float]] = {}
    statuses: dict[str, dict[int, int]] = {}
    while time.time() < start_at:
        time.sleep(0.001)
    warm_until = time.monotonic() + job.get("warm", 1.5)
    end = warm_until + seconds
    i = job.get("offset", 0)
    pace = job.get("pace")
    next_at = time.monotonic()
    while time.monotonic() < end:
        if pace:
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            next_at += pace
        steps = job["steps"]
        for name, method, path, body in steps:
            began = time.perf_counter()
            try:
                status, _ = request(
                    port, method, path, job["token"], body if body != "take" else take_body(i), conn
                )
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
                status = 0
            i += 1
            if time.monotonic() >= warm_until:
                samples.setdefault(name, []).append(time.perf_counter() - began)
                statuses.setdefault(name, {}).setdefault(status, 0)
                statuses[name][status] += 1
            if pace and len(steps) > 1:
                time.sleep(pace / 4)  # a teller completes a moment after calling
    out.put((samples, statuses))


def run_http(jobs: list[dict], port: int, seconds: float) -> tuple[dict[str, list[float]], dict]:
    out: mp.Queue = mp.Queue()
    start_at = time.time() + 0.5
    processes = [mp.Process(target=http_worker, args=(job, port, start_at, seconds, out)) for job in jobs]
    for p in processes:
        p.start()
    samples: dict[str, list[float]] = {}
    statuses: dict[str, dict[int, int]] = {}
    for _ in processes:
        got, counts = out.get(timeout=seconds + 120)
        for name, values in got.items():
            samples.setdefault(name, []).extend(values)
        for name, c in counts.items():
            for status, n in c.items():
                statuses.setdefault(name, {}).setdefault(status, 0)
                statuses[name][status] += n
    for p in processes:
        p.join(timeout=10)
    return samples, statuses


def take_jobs(n: int, *, pace: float | None = None) -> list[dict]:
    return [
        {
            "token": TOKENS["kiosk"],
            "steps": [("take", "POST", "/api/v1/tickets", "take")],
            "offset": i,
            "pace": pace,
        }
        for i in range(n)
    ]


def teller_jobs(numbers: list[int], *, pace: float | None = None) -> list[dict]:
    return [
        {
            "token": TOKENS["tellers"][n],
            "steps": [
                ("call-next", "POST", f"/api/v1/windows/HD01/{n}/call-next", None),
                ("complete", "POST", f"/api/v1/windows/HD01/{n}/complete", None),
            ],
            "pace": pace,
        }
        for n in numbers
    ]


# --- Stream clients ------------------------------------------------------------------------------


def stream_worker(
    count: int, port: int, path: str, token: str, rate: float, start_at: float, stop: mp.Event, out: mp.Queue
) -> None:
    """Opens `count` streams at `rate` per second; reports each one's time to first byte,
    then, when told to stop, every call each stream received (number, wall-clock time)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    async def one(i: int, result: dict) -> None:
        await asyncio.sleep(max(0.0, start_at + i / rate - time.time()))
        began = time.time()
        result["began"] = began
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port, limit=2**20), 10)
            writer.write(
                f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {token}\r\n"
                "Accept: text/event-stream\r\n\r\n".encode()
            )
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
            result["status"] = int(head.split(b" ", 2)[1])
            if result["status"] != 200:
                writer.close()
                return
            buffer = await asyncio.wait_for(reader.read(65536), 30)
            result["first"] = time.time() - began
            calls: list[tuple[str, float]] = result["calls"]
            while buffer is not None:
                while (start := buffer.find(b"event: call\ndata: ")) >= 0:
                    end = buffer.find(b"\n", start + 18)
                    if end < 0:
                        break
                    data = json.loads(buffer[start + 18 : end])
                    calls.append((data["number"], time.time()))
                    buffer = buffer[end:]
                if len(buffer) > 4096:
                    buffer = buffer[-4096:]
                chunk = await reader.read(65536)
                if not chunk:
                    result["ended"] = True
                    break
                buffer += chunk
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
            result["error"] = type(exc).__name__

    async def main() -> None:
        results = [{"calls": []} for _ in range(count)]
        tasks = [asyncio.create_task(one(i, r)) for i, r in enumerate(results)]
        told = False
        while not stop.is_set():
            await asyncio.sleep(0.1)
            if not told and all("first" in r or "status" in r or "error" in r for r in results):
                told = True
                out.put(("connected", [{k: v for k, v in r.items() if k != "calls"} for r in results]))
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        out.put(("calls", [r["calls"] for r in results], [r.get("ended", False) for r in results]))

    asyncio.run(main())


@dataclass
class StreamFleet:
    port: int
    n: int
    processes: int
    rate: float
    path: str = "/api/v1/branches/HD01/events"
    out: mp.Queue = field(default_factory=mp.Queue)
    stop: mp.Event = field(default_factory=mp.Event)
    workers: list = field(default_factory=list)

    def open(self, timeout: float) -> list[dict]:
        per = [
            self.n // self.processes + (1 if i < self.n % self.processes else 0)
            for i in range(self.processes)
        ]
        start_at = time.time() + 0.5
        self.workers = [
            mp.Process(
                target=stream_worker,
                args=(count, self.port, self.path, TOKENS["board"], self.rate / self.processes,
                      start_at + i / self.rate, self.stop, self.out),
            )
            for i, count in enumerate(per)
            if count
        ]  # fmt: skip
        for w in self.workers:
            w.start()
        results: list[dict] = []
        deadline = time.time() + timeout
        reported = 0
        while reported < len(self.workers) and time.time() < deadline:
            try:
                kind, rows = self.out.get(timeout=1)
            except Exception:
                continue
            if kind == "connected":
                results.extend(rows)
                reported += 1
        return results

    def close(self) -> tuple[list[list[tuple[str, float]]], int]:
        self.stop.set()
        calls: list[list[tuple[str, float]]] = []
        ended = 0
        for _ in self.workers:
            try:
                message = self.out.get(timeout=60)
            except Exception:
                break
            if message[0] == "calls":
                calls.extend(message[1])
                ended += sum(message[2])
            else:  # a late "connected" report
                _, _rows = message
                message = self.out.get(timeout=60)
                calls.extend(message[1])
                ended += sum(message[2])
        for w in self.workers:
            w.join(timeout=10)
            if w.is_alive():
                w.kill()
        return calls, ended

    def cpu(self) -> float:
        return sum(tree_cpu(w.pid) for w in self.workers if w.pid)


# --- The floor: the same transactions by hand through psycopg --------------------------------------


def floor_worker(kind: str, job: dict, dsn: str, start_at: float, seconds: float, out: mp.Queue) -> None:
    import psycopg

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    conn = psycopg.connect(dsn, autocommit=True)
    ids = job["ids"]
    samples: dict[str, list[float]] = {}
    while time.time() < start_at:
        time.sleep(0.001)
    warm_until = time.monotonic() + 1.5
    end = warm_until + seconds
    i = job.get("offset", 0)
    while time.monotonic() < end:
        steps = (
            [("take", floor_take)]
            if kind == "take"
            else [("call-next", floor_call), ("complete", floor_complete)]
        )
        for name, fn in steps:
            began = time.perf_counter()
            fn(conn, ids, job, i)
            i += 1
            if time.monotonic() >= warm_until:
                samples.setdefault(name, []).append(time.perf_counter() - began)
    conn.close()
    out.put(samples)


def _local_day(cur) -> object:
    return cur.execute("SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date").fetchone()[0]


def floor_take(conn, ids: dict, job: dict, i: int) -> None:
    """What POST /tickets does: the queue's next number under the counter's row lock, the
    ticket, its event, the audit event, the displays' nudge — then the slip's figures: people
    ahead, the recent service times (EWMA) and the open windows of its category."""
    category = CATEGORIES[i % 4]
    queue_id, letter = ids["queues"][category]
    branch = ids["branch"]
    with conn.transaction(), conn.cursor() as cur:
        day = _local_day(cur)
        number = cur.execute(
            "INSERT INTO queueing_ticketcounter (queue_id, service_date, last_number) VALUES (%s, %s, 1) "
            "ON CONFLICT (queue_id, service_date) DO UPDATE SET last_number = queueing_ticketcounter.last_number + 1 "
            "RETURNING last_number",
            (queue_id, day),
        ).fetchone()[0]
        display = f"{letter}{number:03d}"
        ticket = cur.execute(
            "INSERT INTO queueing_ticket (branch_id, queue_id, service_date, number, display_number, category, "
            "priority, source, status, token, taken_at, taken_by, queued_at, recall_count, note) VALUES "
            "(%s, %s, %s, %s, %s, %s, '', 'kiosk', 'waiting', %s, now(), 'kiosk:bench', now(), 0, '') "
            "RETURNING id, queued_at",
            (branch, queue_id, day, number, display, category, secrets.token_urlsafe(16)),
        ).fetchone()
        cur.execute(
            "INSERT INTO queueing_ticketevent (ticket_id, action, from_status, to_status, at, actor_label, note) "
            "VALUES (%s, 'take', '', 'waiting', now(), 'kiosk:bench', '')",
            (ticket[0],),
        )
        cur.execute(
            "INSERT INTO audit_auditevent (at, actor_label, action, object_type, object_id, object_repr, summary, "
            "changes) VALUES (now(), 'kiosk:bench', 'queueing.ticket.take', 'queueing.ticket', %s, %s, %s, %s)",
            (str(ticket[0]), display, f"取号 {display}", '{"source": "kiosk", "priority": ""}'),
        )
        cur.execute("SELECT pg_notify('wsm_board', %s)", (f"{branch} ticket - {{}}",))
    with conn.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM queueing_ticket WHERE branch_id = %s AND service_date = %s "
            "AND status IN ('waiting', 'transferred') AND target_window_id IS NULL AND category = %s AND id <> %s "
            "AND (status = 'transferred' OR (appointment_at IS NOT NULL AND appointment_at <= now()) "
            "OR queued_at < %s OR (queued_at = %s AND id < %s))",
            (branch, day, category, ticket[0], ticket[1], ticket[1], ticket[0]),
        ).fetchone()
        cur.execute(
            "SELECT called_at, started_at, finished_at FROM queueing_ticket WHERE branch_id = %s AND category = %s "
            "AND status = 'done' AND finished_at >= now() - interval '14 days' ORDER BY finished_at DESC LIMIT 20",
            (branch, category),
        ).fetchall()
        cur.execute(
            "SELECT count(*) FROM org_window w JOIN queueing_windowstate s ON s.window_id = w.id "
            "WHERE w.branch_id = %s AND w.is_active AND s.status = 'open' AND w.categories ? %s",
            (branch, category),
        ).fetchone()


def floor_call(conn, ids: dict, job: dict, i: int) -> None:
    """What call-next does: the window's state locked, no active call, the best candidate
    locked (SKIP LOCKED) and called, its event, the audit event, the display event and its
    notification."""
    window, number, staff, branch = job["window"], job["number"], job["staff"], ids["branch"]
    with conn.transaction(), conn.cursor() as cur:
        day = _local_day(cur)
        cur.execute(
            "SELECT status, staff_id FROM queueing_windowstate WHERE window_id = %s FOR UPDATE", (window,)
        )
        active = cur.execute(
            "SELECT id FROM queueing_ticket WHERE window_id = %s AND status IN ('called', 'serving')",
            (window,),
        ).fetchone()
        if active:
            return
        row = cur.execute(
            "SELECT id, display_number, category, priority FROM queueing_ticket WHERE branch_id = %s "
            "AND service_date = %s AND status IN ('waiting', 'transferred') "
            "AND (target_window_id = %s OR (target_window_id IS NULL AND category = ANY(%s))) "
            "ORDER BY CASE WHEN status = 'transferred' AND target_window_id = %s THEN 0 "
            "WHEN status = 'transferred' THEN 1 WHEN appointment_at <= now() THEN 2 ELSE 3 END, "
            "CASE WHEN appointment_at <= now() THEN appointment_at ELSE queued_at END, queued_at, id "
            "LIMIT 1 FOR UPDATE OF queueing_ticket SKIP LOCKED",
            (branch, day, window, CATEGORIES, window),
        ).fetchone()
        if row is None:
            return
        cur.execute(
            "UPDATE queueing_ticket SET status = 'called', window_id = %s, staff_id = %s, called_at = now(), "
            "started_at = NULL, finished_at = NULL, recall_count = 0, target_window_id = NULL WHERE id = %s",
            (window, staff, row[0]),
        )
        cur.execute(
            "INSERT INTO queueing_ticketevent (ticket_id, action, from_status, to_status, at, actor_label, note, "
            "window_id, staff_id) VALUES (%s, 'call', 'waiting', 'called', now(), 'bench', '', %s, %s)",
            (row[0], window, staff),
        )
        cur.execute(
            "INSERT INTO audit_auditevent (at, actor_label, action, object_type, object_id, object_repr, summary, "
            "changes) VALUES (now(), 'bench', 'queueing.ticket.call', 'queueing.ticket', %s, %s, %s, %s)",
            (str(row[0]), row[1], f"{number} 号窗口叫号 {row[1]}", '{"status": ["waiting", "called"]}'),
        )
        text = f"请 {row[1]} 号到 {number} 号窗口办理"
        event = cur.execute(
            "INSERT INTO queueing_boardevent (branch_id, kind, at, window_number, display_number, text, payload) "
            "VALUES (%s, 'call', now(), %s, %s, %s, %s) RETURNING id",
            (branch, number, row[1], text, json.dumps({"ticket": row[0], "category": row[2]})),
        ).fetchone()[0]
        payload = json.dumps({"id": event, "kind": "call", "number": row[1], "window": number, "text": text})
        cur.execute("SELECT pg_notify('wsm_board', %s)", (f"{branch} call {event} {payload}",))


def floor_complete(conn, ids: dict, job: dict, i: int) -> None:
    """What complete does: the window's state locked, its active call locked and finished,
    its event, the audit event, the two rating tokens (evaluator, slip) and, for withdrawal
    and loan, the 12329 callback with its event and audit event; the tablet's notification."""
    window, number, branch = job["window"], job["number"], ids["branch"]
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(
            "SELECT status, staff_id FROM queueing_windowstate WHERE window_id = %s FOR UPDATE", (window,)
        )
        row = cur.execute(
            "SELECT id, display_number, category, status, service_date, staff_id FROM queueing_ticket "
            "WHERE window_id = %s AND status IN ('called', 'serving') FOR UPDATE",
            (window,),
        ).fetchone()
        if row is None:
            return
        cur.execute(
            "UPDATE queueing_ticket SET status = 'done', finished_at = now() WHERE id = %s", (row[0],)
        )
        cur.execute(
            "INSERT INTO queueing_ticketevent (ticket_id, action, from_status, to_status, at, actor_label, note, "
            "window_id, staff_id) VALUES (%s, 'complete', %s, 'done', now(), 'bench', '', %s, %s)",
            (row[0], row[3], window, row[5]),
        )
        cur.execute(
            "INSERT INTO audit_auditevent (at, actor_label, action, object_type, object_id, object_repr, summary, "
            "changes) VALUES (now(), 'bench', 'queueing.ticket.complete', 'queueing.ticket', %s, %s, %s, %s)",
            (str(row[0]), row[1], f"{number} 号窗口办结 {row[1]}", '{"status": ["called", "done"]}'),
        )
        cur.execute(
            "INSERT INTO ratings_ratingtoken (token, channel, service_kind, ticket_id, branch_id, window_id, "
            "created_at, expires_at) VALUES (%s, 'counter', 'visit', %s, %s, %s, now(), now() + interval '2 minutes'), "
            "(%s, 'qr', 'visit', %s, %s, %s, now(), now() + interval '7 days') ON CONFLICT DO NOTHING",
            (
                secrets.token_urlsafe(24),
                row[0],
                branch,
                window,
                secrets.token_urlsafe(24),
                row[0],
                branch,
                window,
            ),
        )
        if row[2] in ("withdrawal", "loan"):
            callback = cur.execute(
                "INSERT INTO ratings_hotlinecallback (service_kind, matter_name, category, service_number, "
                "citizen_name, phone, service_completed_at, service_on, status, attempts, attitude, efficiency, "
                "dissatisfied_reason, comments, rules_ref, created_at, branch_id, ticket_id, window_id, staff_id) "
                "VALUES ('visit', '', %s, %s, '', '', now(), %s, 'pending', 0, '', '', '', '', 'bench', now(), "
                "%s, %s, %s, %s) RETURNING id",
                (row[2], f"HD01-{row[4]:%Y%m%d}-{row[1]}", row[4], branch, row[0], window, row[5]),
            ).fetchone()[0]
            cur.execute(
                "INSERT INTO ratings_callbackevent (callback_id, action, from_status, to_status, at, actor_label, "
                "note, outcome) VALUES (%s, 'create', '', 'pending', now(), 'system:queue', '', '')",
                (callback,),
            )
            cur.execute(
                "INSERT INTO audit_auditevent (at, actor_label, action, object_type, object_id, object_repr, "
                "summary, changes) VALUES (now(), 'system:queue', 'ratings.callback.create', "
                "'ratings.hotlinecallback', %s, '', '12329回访任务', '{}')",
                (str(callback),),
            )
        cur.execute("SELECT pg_notify('wsm_board', %s)", (f'{branch} ticket - {{"window": {number}}}',))


def run_floor(kind: str, jobs: list[dict], dsn: str, seconds: float) -> dict[str, list[float]]:
    out: mp.Queue = mp.Queue()
    start_at = time.time() + 0.5
    processes = [
        mp.Process(target=floor_worker, args=(kind, job, dsn, start_at, seconds, out)) for job in jobs
    ]
    for p in processes:
        p.start()
    samples: dict[str, list[float]] = {}
    for _ in processes:
        for name, values in out.get(timeout=seconds + 120).items():
            samples.setdefault(name, []).extend(values)
    for p in processes:
        p.join(timeout=10)
    return samples


def reset_line(cluster: Cluster, ids: dict, n: int) -> None:
    """A line of `n` waiting tickets (a busy hall's morning), the same for the application's
    tellers and the floor's: tickets beyond it leave the line (cancelled), missing ones are
    taken. The calling query sorts the line, so its length must not grow from phase to phase."""
    with connect(cluster) as c:
        waiting = c.execute(
            "SELECT count(*) FROM queueing_ticket WHERE branch_id = %s AND status = 'waiting'",
            (ids["branch"],),
        ).fetchone()[0]
        if waiting > n:
            c.execute(
                "UPDATE queueing_ticket SET status = 'cancelled', finished_at = now() WHERE id IN ("
                "SELECT id FROM queueing_ticket WHERE branch_id = %s AND status = 'waiting' "
                "ORDER BY queued_at DESC, id DESC OFFSET %s)",
                (ids["branch"], n),
            )
    if waiting < n:
        prefill(cluster, ids, n - waiting)


def prefill(cluster: Cluster, ids: dict, n: int) -> None:
    """`n` more waiting tickets, a quarter in each queue (numbers stay gapless)."""
    with connect(cluster) as c:
        for category in CATEGORIES:
            queue_id, letter = ids["queues"][category]
            c.execute(
                """
                WITH day AS (SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date AS d),
                counter AS (
                    INSERT INTO queueing_ticketcounter (queue_id, service_date, last_number)
                    SELECT %(q)s, d, %(n)s FROM day
                    ON CONFLICT (queue_id, service_date)
                    DO UPDATE SET last_number = queueing_ticketcounter.last_number + %(n)s
                    RETURNING last_number)
                INSERT INTO queueing_ticket (branch_id, queue_id, service_date, number, display_number, category,
                    priority, source, status, token, taken_at, taken_by, queued_at, recall_count, note)
                SELECT %(b)s, %(q)s, day.d, g, %(letter)s || lpad(g::text, 3, '0'), %(c)s, '', 'kiosk', 'waiting',
                    md5(random()::text || g::text), now(), 'bench', now(), 0, ''
                FROM day, counter, generate_series(counter.last_number - %(n)s + 1, counter.last_number) AS g
                """,
                {"q": queue_id, "n": max(n // 4, 1), "b": ids["branch"], "letter": letter, "c": category},
            )


# --- Measuring -----------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    return percentile(values, q) if values else float("nan")


def ms(values: list[float]) -> str:
    if not values:
        return "     —      —      —"
    return f"{pct(values, 50) * 1000:6.0f} {pct(values, 95) * 1000:6.0f} {max(values) * 1000:6.0f}"


def ops_line(samples: dict[str, list[float]]) -> dict[str, str]:
    return {
        name: f"{pct(v, 50) * 1000:.0f}/{pct(v, 95) * 1000:.0f}/{pct(v, 99) * 1000:.0f}"
        for name, v in samples.items()
    }


def ops_phase(port: int, seconds: float, rate: float) -> dict[str, list[float]]:
    """Paced: `rate` takes a second (4 kiosks) and `rate` calls a second (8 windows), each
    call completed a moment later."""
    jobs = take_jobs(4, pace=4 / rate) + teller_jobs(list(range(1, 9)), pace=8 / rate)
    for job in jobs:
        job["warm"] = 1.0
    samples, _ = run_http(jobs, port, seconds)
    return samples


def latency_calls(port: int, calls: int) -> dict[str, float]:
    """`calls` calls one second apart at window 1; the wall-clock time each was sent, by number."""
    sent: dict[str, float] = {}
    token = TOKENS["tellers"][1]
    request(port, "POST", "/api/v1/windows/HD01/1/complete", token)  # a call left over by a phase before
    for _ in range(calls):
        request(
            port, "POST", "/api/v1/tickets", TOKENS["kiosk"], {"branch": "HD01", "category": "collection"}
        )
        began = time.time()
        status, body = request(port, "POST", "/api/v1/windows/HD01/1/call-next", token)
        if status == 200:
            sent[json.loads(body)["number"]] = began
        time.sleep(0.5)
        request(port, "POST", "/api/v1/windows/HD01/1/complete", token)
        time.sleep(0.5)
    return sent


def phase(cluster: Cluster, folder: Path, args, design: str, n: int) -> dict:
    workers, threads, max_conn = sizing(design, n, args)
    cluster.restart(max_conn)
    serve = Serve(cluster, folder, mode=design, workers=workers, threads=threads)
    result: dict = {"design": design, "n": n, "workers": workers, "threads": threads, "max_conn": max_conn}
    fleet = None
    reset_line(cluster, TOKENS, args.line)
    try:
        if n == 0:
            result["ops"] = ops_phase(serve.port, args.ops_seconds, args.ops_rate)
            return result
        fleet = StreamFleet(serve.port, n, args.stream_processes, args.connect_rate)
        connected = fleet.open(timeout=n / args.connect_rate + 60)
        ok = [r for r in connected if r.get("status") == 200 and "first" in r]
        result["served"] = len(ok)
        result["within2"] = sum(1 for r in ok if r["first"] <= 2.0)
        result["ttfb"] = [r["first"] for r in ok]
        result["failed"] = n - len(ok)
        result["errors"] = sorted({str(r.get("error") or r.get("status")) for r in connected if r not in ok})
        # PostgreSQL's backends report their counts up to 10 s late when they fall idle: the
        # streams' connections must be out of the figures before the idle window starts.
        time.sleep(12)
        x0, pg0 = db_counters(cluster)
        s0, c0 = serve.cpu(), fleet.cpu()
        t0 = time.monotonic()
        time.sleep(args.idle_seconds)
        x1, pg1 = db_counters(cluster)
        s1, c1 = serve.cpu(), fleet.cpu()
        span = time.monotonic() - t0
        result["idle_tx"] = max(x1 - x0 - 1, 0) / span  # minus the measurement's own
        result["idle_cpu"] = (s1 - s0) / span * 100
        result["idle_pg_cpu"] = (pg1 - pg0) / span * 100
        result["idle_client_cpu"] = (c1 - c0) / span * 100
        result["rss"], result["stream_rss"] = serve.rss()
        sent = latency_calls(serve.port, args.calls)
        result["ops"] = ops_phase(serve.port, args.ops_seconds, args.ops_rate)
        time.sleep(1)
        calls, ended = fleet.close()
        fleet = None
        latencies, expected = [], len(ok) * len(sent)
        for received in calls:
            for number, at in received:
                if number in sent:
                    latencies.append(at - sent[number])
        result["latency"] = latencies
        result["delivered"] = len(latencies)
        result["expected"] = expected
        result["ended"] = ended
    finally:
        if fleet is not None:
            fleet.close()
        serve.stop()
    return result


def sizing(design: str, n: int, args) -> tuple[int, int, int]:
    cores = os.cpu_count() or 2
    workers = 2 * cores + 1
    if design == "push":
        return workers, 4, 100  # docs/deploy.md § 6: whatever the number of displays
    threads = max(2, math.ceil((n * 1.2 + 20) / workers))  # the rule before issue 16
    return workers, threads, min(workers * threads + 20, args.poll_max_connections)


def throughput(cluster: Cluster, folder: Path, args, ids: dict) -> list[tuple]:
    serve = Serve(cluster, folder, mode="push", workers=5, threads=4)
    rows = []
    try:
        reset_line(cluster, ids, args.line)
        serve.request_cpu()
        cpu0 = serve.cpu()
        take, take_status = run_http(take_jobs(4), serve.port, args.seconds)
        take_cpu = (serve.cpu() - cpu0) / max(len(take["take"]), 1) * 1000
        thread_cpu = serve.request_cpu()
        reset_line(cluster, ids, args.line)
        cpu0 = serve.cpu()
        tellers, teller_status = run_http(teller_jobs(list(range(1, 9))), serve.port, args.seconds)
        pairs = max(len(tellers.get("complete", [])), 1)
        pair_cpu = (serve.cpu() - cpu0) / pairs * 1000
        thread_cpu.update(serve.request_cpu())
    finally:
        serve.stop()
    dsn = f"host={HOST} port={cluster.port} user=postgres dbname=wsm"
    reset_line(cluster, ids, args.line)
    floor_take_s = run_floor("take", [{"ids": ids, "offset": i} for i in range(4)], dsn, args.seconds)
    reset_line(cluster, ids, args.line)
    floor_teller = run_floor(
        "teller",
        [
            {"ids": ids, "window": ids["windows"][n], "number": n, "staff": ids["staff"][n]}
            for n in range(1, 9)
        ],
        dsn,
        args.seconds,
    )
    for name, http_samples, floor_samples, clients, whole in (
        ("take", take.get("take", []), floor_take_s.get("take", []), 4, take_cpu),
        ("call-next", tellers.get("call-next", []), floor_teller.get("call-next", []), 8, pair_cpu),
        ("complete", tellers.get("complete", []), floor_teller.get("complete", []), 8, None),
    ):
        rate, floor_rate = len(http_samples) / args.seconds, len(floor_samples) / args.seconds
        cpu = thread_cpu.get(name, [])
        rows.append(
            (name, clients, rate, pct(http_samples, 50) * 1000, pct(http_samples, 99) * 1000,
             pct(cpu, 50) if cpu else float("nan"), whole, floor_rate, pct(floor_samples, 50) * 1000,
             rate / floor_rate if floor_rate else float("nan"))
        )  # fmt: skip
    statuses = {**take_status, **teller_status}
    rows.append(("statuses", statuses))
    return rows


def check_database(cluster: Cluster) -> list[str]:
    problems = []
    with connect(cluster) as c:
        gaps = c.execute(
            "SELECT queue_id, service_date FROM queueing_ticket GROUP BY queue_id, service_date "
            "HAVING count(*) <> max(number) OR min(number) <> 1"
        ).fetchall()
        if gaps:
            problems.append(f"{len(gaps)} queues with gaps in their numbers")
        twice = c.execute(
            "SELECT count(*) FROM (SELECT ticket_id FROM queueing_ticketevent WHERE action = 'call' "
            "GROUP BY ticket_id HAVING count(*) > 1) t"
        ).fetchone()[0]
        if twice:
            problems.append(f"{twice} tickets called more than once")
    return problems


# --- Main --------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--streams", default="100,500,2000", help="numbers of concurrent streams")
    parser.add_argument("--designs", default="push,poll", help="push (issue 16) and/or poll (before)")
    parser.add_argument("--idle-seconds", type=float, default=20.0)
    parser.add_argument("--ops-seconds", type=float, default=20.0, help="paced operations, per phase")
    parser.add_argument("--ops-rate", type=float, default=4.0, help="takes and calls per second, paced")
    parser.add_argument("--calls", type=int, default=5, help="calls whose delivery to every stream is timed")
    parser.add_argument("--seconds", type=float, default=10.0, help="throughput phases (max 30)")
    parser.add_argument("--connect-rate", type=float, default=250.0, help="streams opened per second")
    parser.add_argument("--stream-processes", type=int, default=4)
    parser.add_argument("--poll-max-connections", type=int, default=600)
    parser.add_argument("--line", type=int, default=1000, help="waiting tickets before each throughput phase")
    parser.add_argument("--no-throughput", action="store_true", help="skip the comparison with the floor")
    args = parser.parse_args()
    args.seconds = min(max(args.seconds, 1.0), 30.0)
    counts = [int(x) for x in args.streams.split(",") if x.strip()]
    designs = [d.strip() for d in args.designs.split(",") if d.strip()]

    folder = Path(tempfile.mkdtemp(prefix="wsm-fanout-bench-"))
    cluster = Cluster(folder)
    try:
        cluster.start()
        ids = prepare_database(cluster)
        TOKENS.update(ids)
        load = os.getloadavg()
        print(
            f"fan-out benchmark: make serve (gunicorn + stream server + router) on PostgreSQL {cluster.version}, "
            f"all on {HOST}; {_cpu_model()}, {os.cpu_count()} CPU cores, Linux {platform.release()}; "
            f"Python {platform.python_version()}; load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
            flush=True,
        )
        results = []
        for design in designs:
            for n in [0, *counts]:
                print(f"  … {design}, {n} streams (load {os.getloadavg()[0]:.2f})", flush=True)
                results.append(phase(cluster, folder, args, design, n))
        report_streams(results, args)
        if not args.no_throughput:
            print(f"  … throughput against the floor (load {os.getloadavg()[0]:.2f})", flush=True)
            report_throughput(throughput(cluster, folder, args, ids), args)
        print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        problems = check_database(cluster)
        print(
            "database check: "
            + ("; ".join(problems) if problems else "no ticket called twice, numbers gapless")
        )
        if problems:
            sys.exit(1)
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:
            pass
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


def report_streams(results: list[dict], args) -> None:
    print(
        f"\nstreams: opened at {args.connect_rate:g}/s from {args.stream_processes} client processes; idle "
        f"{args.idle_seconds:g} s; {args.calls} calls 1 s apart timed to every stream; then {args.ops_seconds:g} s "
        f"of paced operations ({args.ops_rate:g} takes/s and {args.ops_rate:g} calls/s, each call completed)\n"
    )
    print(
        f"{'design':6} {'streams':>7} {'sizing':>16} {'served':>11} {'≤2 s':>6} {'ttfb p95/max ms':>16} "
        f"{'idle tx/s':>9} {'idle CPU':>9} {'PG CPU':>7} {'call→stream p50/p95/max ms':>27} {'delivered':>13}"
    )
    for r in results:
        if r["n"] == 0:
            continue
        sizing = f"{r['workers']}×{r['threads']} mc={r['max_conn']}"
        ttfb = r["ttfb"]
        ttfb_s = f"{pct(ttfb, 95) * 1000:.0f}/{max(ttfb) * 1000:.0f}" if ttfb else "—"
        print(
            f"{r['design']:6} {r['n']:>7} {sizing:>16} {r['served']:>5}/{r['n']:<5} {r['within2']:>6} {ttfb_s:>16} "
            f"{r['idle_tx']:>9.1f} {r['idle_cpu']:>8.1f}% {r['idle_pg_cpu']:>6.1f}% {ms(r['latency']):>27} "
            f"{r['delivered']:>6}/{r['expected']:<6}"
            + (f"  errors: {', '.join(r['errors'])}" if r["errors"] else "")
        )
    print("\nidle CPU: every process of make serve, in % of one core; PG CPU: every process of the cluster.")
    print(
        "memory (RSS) with the streams open: "
        + "; ".join(
            f"{r['design']} {r['n']}: {r['rss']:.0f} MB"
            + (f" (stream server {r['stream_rss']:.0f} MB)" if r["stream_rss"] else "")
            for r in results
            if r["n"]
        )
    )
    print("\noperations (p50/p95/p99 ms) with the streams open, against the same paced load with none:")
    print(f"{'design':6} {'streams':>7} {'take':>16} {'call-next':>16} {'complete':>16}   p99 ÷ no streams")
    base: dict[str, dict[str, list[float]]] = {}
    for r in results:
        ops = r.get("ops") or {}
        if r["n"] == 0:
            base[r["design"]] = ops
        line = ops_line(ops)
        ratios = []
        for name in ("take", "call-next", "complete"):
            b = base.get(r["design"], {}).get(name)
            if b and ops.get(name):
                ratios.append(f"{pct(ops[name], 99) / pct(b, 99):.2f}")
            else:
                ratios.append("—")
        print(
            f"{r['design']:6} {r['n']:>7} {line.get('take', '—'):>16} {line.get('call-next', '—'):>16} "
            f"{line.get('complete', '—'):>16}   {' / '.join(ratios)}"
        )


def report_throughput(rows: list[tuple], args) -> None:
    statuses = rows.pop()[1]
    print(
        f"\nthroughput, no stream open, {args.seconds:g} s each after a 1.5 s warm-up; the floor: the same "
        "transactions by hand through psycopg, same number of client processes:\n"
    )
    print(
        f"{'operation':10} {'clients':>7} {'HTTP req/s':>10} {'p50 ms':>7} {'p99 ms':>7} {'server CPU ms/req':>17} "
        f"{'floor tx/s':>10} {'floor p50 ms':>12} {'÷ floor':>8}"
    )
    for name, clients, rate, p50, p99, cpu, whole, floor_rate, floor_p50, ratio in rows:
        cpu_s = f"{cpu:.1f}" + (f" ({whole:.1f})" if whole is not None else "")
        print(
            f"{name:10} {clients:>7} {rate:>10.0f} {p50:>7.1f} {p99:>7.1f} {cpu_s:>17} {floor_rate:>10.0f} "
            f"{floor_p50:>12.1f} {ratio:>8.2f}"
        )
    print(
        "\nserver CPU: the request's own thread (gunicorn's GUNICORN_CPU_LOG), median; in brackets every process of "
        "make serve over the phase ÷ requests (for call-next: ÷ pairs, call-next and complete together)."
    )
    print("statuses: " + "; ".join(f"{k} {dict(sorted(v.items()))}" for k, v in statuses.items()))


if __name__ == "__main__":
    mp.set_start_method("fork")
    main()
