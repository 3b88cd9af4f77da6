"""Benchmark of the queue API over HTTP: take, call-next, complete and the board, against
a multi-worker gunicorn on a throw-away PostgreSQL cluster, with the same server's
trivial JSON endpoint (/api/v1/health) measured in the same run as the ceiling.

    .venv/bin/python bench/queue_bench.py [--seconds 10] [--clients 4] [--workers 4] [--threads 2]

What it does, all on 127.0.0.1 and bounded in time (≤ 30 s per endpoint):

1. initdb a cluster in a temporary folder (as the postgres user when run as root:
   initdb refuses root), start it on a free port, create a database;
2. migrate, seed the demo centre (org.demo.seed_demo), move the demo hall's day close
   to 23:59 (so the figures do not depend on the hour the benchmark runs), issue a
   kiosk token, a display token and one universal teller with a token per window;
3. start gunicorn (gthread workers, persistent database connections);
4. drive each endpoint from separate client processes (http.client, keep-alive) for
   `--seconds`, recording every latency: health, take (POST /tickets), then the tellers
   (one process per window: call-next then complete, in turn), then the board;
5. print requests, throughput and p50/p95/p99 per endpoint and each one's throughput
   as a share of the ceiling; then check in the database that no ticket was called
   twice and that numbers are gapless per queue;
6. stop gunicorn and the cluster and remove the folder, also on Ctrl+C.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
HOST = "127.0.0.1"
MAX_SECONDS = 30
WARM_UP_SECONDS = 1.5  # per phase, not counted


# --- Processes we start --------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def pg_bin() -> Path:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not candidates:
        sys.exit("PostgreSQL is not installed (apt-get install postgresql): initdb not found.")
    return candidates[-1].parent


class Cluster:
    """A throw-away PostgreSQL cluster (the approach of scripts/test.sh)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "pgdata"
        self.bin = pg_bin()
        self.port = free_port()
        self.user = None
        if os.geteuid() == 0:
            self.user = "postgres" if _user_exists("postgres") else "nobody"
        self.version = subprocess.run(
            [str(self.bin / "postgres"), "--version"], capture_output=True, text=True, check=True
        ).stdout.split()[2]

    def _as_pg(self, *command: str) -> list[str]:
        return ["runuser", "-u", self.user, "--", *command] if self.user else list(command)

    def start(self) -> None:
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
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses={HOST} -c max_connections=200 "
            "-c shared_buffers=256MB -c synchronous_commit=off"
        )
        subprocess.run(
            self._as_pg(
                str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "pg.log"),
                "-w", "-o", options, "start",
            ),
            check=True,
            capture_output=True,
        )  # fmt: skip

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                self._as_pg(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"),
                capture_output=True,
            )

    @property
    def url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/wsm"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def prepare_database(cluster: Cluster) -> dict:
    """Migrate, seed and issue the tokens; returns what the clients need."""
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
    from queueing.models import DeviceKind
    from queueing.services import device_issue

    seed_demo()
    Branch.objects.filter(code="HD01").update(day_close_at="23:59", closes_at="23:59")
    branch = Branch.objects.get(code="HD01")
    kiosk = device_issue(actor="bench", branch=branch, kind=DeviceKind.KIOSK, name="bench kiosk")[1]
    board = device_issue(actor="bench", branch=branch, kind=DeviceKind.BOARD, name="bench board")[1]
    tellers = {}
    for window in Window.objects.filter(branch=branch).order_by("number"):
        staff = staff_account_create(
            actor="bench",
            username=f"bench{window.number}",
            password=None,
            staff_no=f"B{window.number:03d}",
            name=f"压测柜员{window.number}",
            roles=[Role.TELLER],
            branch=branch,
            is_universal_teller=True,
        )
        tellers[window.number] = api_token_issue(actor="bench", user=staff.user, name="bench")
    connections.close_all()
    return {"kiosk": kiosk, "board": board, "tellers": tellers}


def start_gunicorn(port: int, workers: int, threads: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    command = [
        str(VENV_BIN / "gunicorn"),
        "config.wsgi:application",
        "--bind", f"{HOST}:{port}",
        "--workers", str(workers),
        "--worker-class", "gthread",
        "--threads", str(threads),
        "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/api/v1/health")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    sys.exit(f"gunicorn did not answer within 30 s; see {log}")


# --- Clients -----------------------------------------------------------------------------------


@dataclass
class Sample:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[str, dict[int, int]] = field(default_factory=dict)

    def add(self, name: str, seconds: float, status: int) -> None:
        self.latencies.setdefault(name, []).append(seconds)
        counts = self.statuses.setdefault(name, {})
        counts[status] = counts.get(status, 0) + 1


def _request(
    conn: http.client.HTTPConnection, method: str, path: str, token: str | None, body: dict | None
) -> int:
    headers = {"Connection": "keep-alive"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=payload, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status


def client(job: dict, port: int, seconds: float, start_at: float, out: mp.Queue) -> None:
    """One client process: waits for the common start, warms up (every gunicorn worker
    imports and connects on its first requests), then repeats its job for `seconds`,
    recording every latency."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    sample = Sample()
    while time.time() < start_at:
        time.sleep(0.001)
    warm_until = time.monotonic() + WARM_UP_SECONDS
    end = warm_until + seconds
    steps = job["steps"]
    i = 0
    while time.monotonic() < end:
        name, method, path, token, body = steps[i % len(steps)]
        i += 1
        began = time.perf_counter()
        try:
            status = _request(conn, method, path, token, body)
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
            status = 0
        if time.monotonic() >= warm_until:
            sample.add(name, time.perf_counter() - began, status)
    out.put(sample)


def run_phase(jobs: list[dict], port: int, seconds: float) -> Sample:
    out: mp.Queue = mp.Queue()
    start_at = time.time() + 0.5
    processes = [mp.Process(target=client, args=(job, port, seconds, start_at, out)) for job in jobs]
    for p in processes:
        p.start()
    merged = Sample()
    for _ in processes:
        sample = out.get(timeout=seconds + WARM_UP_SECONDS + 60)
        for name, values in sample.latencies.items():
            merged.latencies.setdefault(name, []).extend(values)
        for name, counts in sample.statuses.items():
            target = merged.statuses.setdefault(name, {})
            for status, n in counts.items():
                target[status] = target.get(status, 0) + n
    for p in processes:
        p.join(timeout=10)
    return merged


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


# --- Main ---------------------------------------------------------------------------------------


def check_database() -> list[str]:
    from collections import Counter

    from queueing.models import Queue, Ticket, TicketEvent

    problems = []
    for queue in Queue.objects.filter(branch__code="HD01"):
        numbers = sorted(Ticket.objects.filter(queue=queue).values_list("number", flat=True))
        if numbers != list(range(1, len(numbers) + 1)):
            problems.append(f"queue {queue.letter}: numbers not gapless")
    calls = Counter(TicketEvent.objects.filter(action="call").values_list("ticket_id", flat=True))
    twice = [pk for pk, n in calls.items() if n > 1]
    if twice:
        problems.append(f"{len(twice)} tickets called more than once")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10.0, help=f"per endpoint (max {MAX_SECONDS})")
    parser.add_argument("--clients", type=int, default=4, help="client processes for health, take and board")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    args = parser.parse_args()
    seconds = min(max(args.seconds, 1.0), MAX_SECONDS)

    folder = Path(tempfile.mkdtemp(prefix="wsm-queue-bench-"))
    cluster = Cluster(folder)
    server = None
    try:
        cluster.start()
        tokens = prepare_database(cluster)
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": cluster.url,
            "DEBUG": "false",
            "SECRET_KEY": "bench-only-" + os.urandom(8).hex(),
            "ALLOWED_HOSTS": HOST,
            "CONN_MAX_AGE": "60",
            "LOG_LEVEL": "WARNING",
            "VAR_DIR": str(folder),
        }
        server = start_gunicorn(port, args.workers, args.threads, env, folder / "gunicorn.log")
        windows = sorted(tokens["tellers"])
        cores = os.cpu_count()
        load = os.getloadavg()[0]
        print(
            f"queue benchmark: gunicorn {args.workers} workers × {args.threads} threads (gthread) on "
            f"PostgreSQL {cluster.version}, all on {HOST}; {_cpu_model()}, {cores} CPU cores, "
            f"Linux {platform.release()}; Python {platform.python_version()}; "
            f"{seconds:g} s per phase after {WARM_UP_SECONDS:g} s warm-up; load average before: {load:.2f}"
        )

        def same(step: tuple) -> list[dict]:
            return [{"steps": [step]} for _ in range(args.clients)]

        results: dict[str, Sample] = {}
        results["health"] = run_phase(same(("health", "GET", "/api/v1/health", None, None)), port, seconds)
        categories = ["collection", "withdrawal", "loan", "other"]
        take_jobs = [
            {"steps": [("take", "POST", "/api/v1/tickets", tokens["kiosk"], {"branch": "HD01", "category": c})
                       for c in categories[i % 4:] + categories[: i % 4]]}
            for i in range(args.clients)
        ]  # fmt: skip
        results["take"] = run_phase(take_jobs, port, seconds)
        teller_jobs = [
            {
                "steps": [
                    ("call-next", "POST", f"/api/v1/windows/HD01/{n}/call-next", tokens["tellers"][n], None),
                    ("complete", "POST", f"/api/v1/windows/HD01/{n}/complete", tokens["tellers"][n], None),
                ]
            }
            for n in windows
        ]
        results["tellers"] = run_phase(teller_jobs, port, seconds)
        results["board"] = run_phase(
            same(("board", "GET", "/api/v1/branches/HD01/board", tokens["board"], None)), port, seconds
        )

        rows = [
            ("health", "GET  /api/v1/health (ceiling)", results["health"]),
            ("take", "POST /api/v1/tickets (take)", results["take"]),
            ("call-next", "POST /api/v1/windows/HD01/N/call-next", results["tellers"]),
            ("complete", "POST /api/v1/windows/HD01/N/complete", results["tellers"]),
            ("board", "GET  /api/v1/branches/HD01/board", results["board"]),
        ]
        ceiling = len(results["health"].latencies["health"]) / seconds
        print(f"\n{'endpoint':40} {'clients':>7} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'p99 ms':>8} {'÷ ceiling':>10}  statuses")  # fmt: skip
        for name, label, sample in rows:
            values = sample.latencies.get(name, [])
            clients = len(windows) if name in ("call-next", "complete") else args.clients
            rate = len(values) / seconds
            statuses = ", ".join(f"{s}×{n}" for s, n in sorted(sample.statuses.get(name, {}).items()))
            p50, p95, p99 = (percentile(values, q) * 1000 for q in (50, 95, 99))
            print(
                f"{label:40} {clients:>7} {len(values):>9} {rate:>8.0f} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f} "
                f"{rate / ceiling:>10.2f}  {statuses}"
            )
        print(
            "\ncall-next and complete alternate in each teller process (one per window), so they share the "
            "phase; call-next answers 204 when the queue is empty."
        )
        print(
            f"load average after: {os.getloadavg()[0]:.2f} (client processes share the cores with the server)"
        )
        problems = check_database()
        print(
            "database check: "
            + ("; ".join(problems) if problems else "no ticket called twice, numbers gapless")
        )
        if problems:
            sys.exit(1)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:
            pass
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    mp.set_start_method("fork")
    main()
