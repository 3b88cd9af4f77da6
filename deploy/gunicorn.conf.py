"""gunicorn settings of a production server (docs/deploy.md § 应用服务器).

    .venv/bin/gunicorn --config deploy/gunicorn.conf.py

Every value can be overridden from the environment file (/etc/wsm/wsm.env) without
editing this file: GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_THREADS, GUNICORN_TIMEOUT,
GUNICORN_GRACEFUL_TIMEOUT, GUNICORN_MAX_REQUESTS, GUNICORN_FORWARDED_ALLOW_IPS.

gunicorn serves the pages and the API. The event streams of hall displays, counter
tablets and ticket pages are not here: nginx sends them to the stream server (python -m
config.streams, wsm-streams.service), where an open stream holds no thread and no
database connection (issue 16, docs/decisions/0004). So the threads are sized for the
ordinary requests alone, whatever the number of displays (docs/deploy.md § 6):

    workers = 2 × cores + 1,  threads = 4   (each busy thread uses one database connection)
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.getenv(name, str(default)))


wsgi_app = "config.wsgi:application"

# Behind nginx on the same host; another application server of a scaled-out site binds
# its private address instead (GUNICORN_BIND=10.0.0.12:8000) and nginx lists them all.
bind = os.getenv("GUNICORN_BIND", "127.0.0.1:8000").split(",")

worker_class = "gthread"
# The classic 2 × cores + 1: one process per core is busy in Python while another waits
# on PostgreSQL. Each process holds its own copy of the code (~120 MB).
workers = _int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)
# Threads overlap a request's database waits; the pages answer in tens of milliseconds,
# so 4 per process keep the cores busy. Each busy thread uses one database connection:
# PostgreSQL's max_connections must exceed workers × threads × servers (+ the stream
# servers and the jobs, docs/deploy.md § 3).
threads = _int("GUNICORN_THREADS", 4)

# The worker's heartbeat, not a request limit (in gthread workers the main loop keeps
# beating while a thread works): a hung worker is replaced after this long. Kept above a
# WSGI-served event stream's 55 s (a stream sent here in STREAM_MODE=poll, or by an nginx
# site that was not updated) so that no setting here can cut one.
timeout = _int("GUNICORN_TIMEOUT", 75)
# On `systemctl reload wsm` (HUP) new workers start at once and the old ones finish
# their requests for up to this long.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 60)
# nginx keeps connections to the upstream open (keepalive in the site file).
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Recycle a worker now and then so that slow growth (PDF and chart rendering) cannot
# accumulate; the jitter keeps the workers from restarting together.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)

# Load the application in each worker, not in the master: `systemctl reload wsm` then
# picks up new code after an upgrade without dropping a connection.
preload_app = False

# The heartbeat files on tmpfs: a slow disk must never look like a hung worker.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Only nginx may tell gunicorn the original scheme (Django reads it through
# SECURE_PROXY_SSL_HEADER when BEHIND_PROXY=true).
forwarded_allow_ips = os.getenv("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

proc_name = "wsm"
# Both logs to standard output/error: systemd's journal keeps them (journalctl -u wsm).
accesslog = os.getenv("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.getenv("GUNICORN_LOG_LEVEL", "info")
# Client address as nginx saw it, the request, status, size and duration in ms.
access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'


# bench/fanout_bench.py only: each request's CPU time in its own thread, appended to this
# file ("METHOD PATH MS"). Off unless the variable is set.
_cpu_log = os.getenv("GUNICORN_CPU_LOG")
if _cpu_log:
    import threading
    import time

    _cpu_lock = threading.Lock()

    def pre_request(worker, req):  # type: ignore[no-untyped-def]
        req.cpu_started = time.thread_time()

    def post_request(worker, req, environ, resp):  # type: ignore[no-untyped-def]
        spent = (time.thread_time() - getattr(req, "cpu_started", time.thread_time())) * 1000
        with _cpu_lock, open(_cpu_log, "a") as log:
            log.write(f"{req.method} {req.path} {spent:.3f}\n")
