"""gunicorn settings of a production server (docs/deploy.md § 应用服务器).

    .venv/bin/gunicorn --config deploy/gunicorn.conf.py

Every value can be overridden from the environment file (/etc/wsm/wsm.env) without
editing this file: GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_THREADS, GUNICORN_TIMEOUT,
GUNICORN_GRACEFUL_TIMEOUT, GUNICORN_MAX_REQUESTS, GUNICORN_FORWARDED_ALLOW_IPS.

Why threads (gthread): each hall display (叫号显示屏) and each window's counter tablet
(评价器) keeps a Server-Sent Events request open (/board/<branch>/events/, or
/api/v1/branches/<branch>/events for a device) for up to SSE_MAX_SECONDS (55 s) and then
reconnects. A sync worker would be blocked by one of them for that long; a gthread worker
gives each stream one thread and keeps serving with the others. Size the threads so that
every stream plus the ordinary requests of a busy moment fit (docs/deploy.md § 6):

    workers × threads  ≥  (displays + counter tablets) × 1.2 + 20
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
# Threads mostly wait (on the database, on a display's next event), so many per process
# are cheap: 5 workers × 16 threads on 2 cores hold 80 streams and requests at once.
# Each busy thread uses one database connection: PostgreSQL's max_connections must
# exceed workers × threads × servers (+ jobs), or pgbouncer sits in between.
threads = _int("GUNICORN_THREADS", 16)

# The worker's heartbeat, not a request limit: in gthread workers the main loop keeps
# beating while a thread streams, so a display's 55-second stream is never killed by
# it. Kept above the stream's length anyway, so that no setting here can cut one.
timeout = _int("GUNICORN_TIMEOUT", 75)
# On `systemctl reload wsm` (HUP) new workers start at once and the old ones finish
# their requests for up to this long; a display whose stream is cut reconnects within
# a second and replays what it missed (Last-Event-ID), so nobody misses a call.
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
