"""Settings of the service-window management system.

One file, driven by environment variables (see docs/configuration.md and, for a
production server, docs/deploy.md and deploy/wsm.env.example). With no variable set
it runs the embedded demo: SQLite in var/, DEBUG on, a development key.
Production sets at least SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; once SECRET_KEY
is set DEBUG is off unless asked for, and HTTPS hardening is on unless HTTPS=false.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.getenv("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded database lives here on a fresh checkout


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: str) -> int:
    return int(os.getenv(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


# A production server sets SECRET_KEY, and with it DEBUG is off unless DEBUG=true is
# asked for; a fresh checkout (no SECRET_KEY) runs the demo with DEBUG on.
SECRET_KEY = os.getenv("SECRET_KEY", "").strip()
DEBUG = envbool("DEBUG", "false" if SECRET_KEY else "true")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "未设置 SECRET_KEY：关闭 DEBUG（生产环境）时必须在环境文件中设置 SECRET_KEY，"
            "例如用 `python3 -c 'import secrets; print(secrets.token_urlsafe(50))'` 生成后写入 "
            "/etc/wsm/wsm.env（见 docs/deploy.md）。"
            " SECRET_KEY is required when DEBUG is off."
        )
    # Only so that a fresh checkout runs; `check --deploy` flags it.
    SECRET_KEY = "django-insecure-demo-only-never-use-in-production"
# Old keys still accepted for signed values (sessions, links) while a new key rolls out.
SECRET_KEY_FALLBACKS = envlist("SECRET_KEY_FALLBACKS", "")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "common",
    "audit",
    "org",
    "workdays",
    "rules",
    "catalog",
    "documents",
    "queueing",
    "inquiries",
    "complaints",
    "cases",
    "ratings",
    "supervision",
    "appraisal",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that the audit log sees the authenticated user and the client address.
    "common.request.RequestContextMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "org.context_processors.staff_context",
            ],
        },
    },
]


def _database_from_env(variable: str = "DATABASE_URL") -> dict[str, Any]:
    url = os.getenv(variable, f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
    config: dict[str, Any] = dict(
        dj_database_url.parse(
            url,
            conn_max_age=envint("CONN_MAX_AGE", "0"),
            # A persistent connection is pinged before a request reuses it, so a restarted
            # PostgreSQL (or a pgbouncer that dropped it) costs no failed request.
            conn_health_checks=True,
        )
    )
    if config["ENGINE"] == "django.db.backends.postgresql" and envbool("DB_TRANSACTION_POOLING", "false"):
        # Behind pgbouncer in transaction mode a session is not ours between
        # transactions: no server-side cursors, no prepared statements (docs/deploy.md).
        config["DISABLE_SERVER_SIDE_CURSORS"] = True
        config.setdefault("OPTIONS", {})["prepare_threshold"] = None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers run beside the single writer; IMMEDIATE takes the write
        # lock at BEGIN so two writers queue up instead of failing half-way with
        # "database is locked" (the classic SQLite upgrade deadlock).
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": ("PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"),
        }
        # Tests use a file too (not :memory:) so that they exercise WAL and locking
        # the way production does; each test process gets its own file.
        config["TEST"] = {"NAME": os.getenv("TEST_SQLITE_PATH", str(VAR_DIR / "test.sqlite3"))}
    return config


DATABASES = {"default": _database_from_env()}
# Statistics and reports may read from a replica (docs/deploy.md); common.db.reporting_alias().
if os.getenv("REPORTS_DATABASE_URL"):
    DATABASES["reports"] = _database_from_env("REPORTS_DATABASE_URL")
    DATABASES["reports"]["TEST"] = {"MIRROR": "default"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# How far in the future a time typed by a person or sent by a device may lie before it
# is refused as a typo (a letter-opening PC's or an inspector's tablet's clock differs a
# little from the server's): common.clock.in_future.
CLOCK_SKEW_TOLERANCE_MINUTES = envint("CLOCK_SKEW_TOLERANCE_MINUTES", "10")

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", VAR_DIR / "media"))
# Production serves what `collectstatic` wrote, under content-hashed names that browsers
# may cache for ever (whitenoise, or nginx from STATIC_ROOT). A checkout serves
# straight from the finders, so it works before collectstatic.
STATIC_MANIFEST = envbool("STATIC_MANIFEST", "false" if DEBUG else "true")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = DEBUG
# Inspection photos come ten to a form at up to 5 MB each (supervision/conf.py); the
# nginx site allows 60 MB per request (deploy/nginx-wsm.conf). Files larger than this
# go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = envint("FILE_UPLOAD_MAX_MEMORY_SIZE", str(2_621_440))
FILE_UPLOAD_PERMISSIONS = 0o640  # scans and photos are personal data: not world-readable
# Where `manage.py backup` writes its archives (docs/deploy.md § 备份).
BACKUP_DIR = Path(os.getenv("BACKUP_DIR", VAR_DIR / "backups"))
# How many archives `manage.py backup` keeps in BACKUP_DIR (0 = all; --keep overrides).
BACKUP_KEEP = envint("BACKUP_KEEP", "0")


def _cache_from_env() -> dict[str, Any]:
    """CACHE_URL → CACHES["default"]. The rate limiters (common/ratelimit.py) count in
    this cache, so with several workers it must be shared:

    * ``db://django_cache`` — Django's database cache in that table (``manage.py
      createcachetable``); shared by every worker on every server, no extra service;
    * ``file:///var/lib/wsm/cache`` — files in that folder; shared by the workers of
      one server;
    * ``locmem://`` — per process (the development default).

    Without CACHE_URL a production server (DEBUG off) uses a file cache in VAR_DIR/cache,
    so the workers of one server still share their counts.
    """
    url = os.getenv("CACHE_URL", "").strip() or (
        "locmem://" if DEBUG else f"file://{(VAR_DIR / 'cache').as_posix()}"
    )
    parts = urlsplit(url)
    timeout = envint("CACHE_TIMEOUT", "300")
    # Django's default of 300 entries would cull live rate-limit counters (one per client
    # address and minute) on a busy morning; expired ones are dropped when it culls.
    options = {"MAX_ENTRIES": envint("CACHE_MAX_ENTRIES", "50000")}
    if parts.scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": parts.netloc}
    if parts.scheme == "db" and (parts.netloc or parts.path.strip("/")):
        table = (parts.netloc + parts.path).strip("/")
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": table,
            "TIMEOUT": timeout,
            "OPTIONS": options,
        }
    if parts.scheme == "file" and parts.path.startswith("/"):
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": unquote(parts.path),
            "TIMEOUT": timeout,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(
        f"CACHE_URL 无法识别：{url!r}。可用：db://表名（如 db://django_cache，需先运行 "
        "manage.py createcachetable）、file:///绝对路径、locmem://。"
    )


CACHES = {"default": _cache_from_env()}

# --- HTTPS and the proxy in front (docs/deploy.md § nginx) ---------------------------
# Behind nginx, the proxy tells Django the original scheme and client address. Only
# trust those headers when a proxy that overwrites them is in front: a client talking
# to gunicorn directly could forge them (and so dodge the rate limits).
BEHIND_PROXY = envbool("BEHIND_PROXY", "false")
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
TRUST_X_FORWARDED_FOR = BEHIND_PROXY  # read by common.request.client_ip
# The recommended setup: nginx serves HTTPS with the centre's certificate and tells
# Django so in X-Forwarded-Proto. Default: on for a production server behind the proxy
# (DEBUG off, BEHIND_PROXY on) — without the proxy's header Django cannot tell a secure
# request from a plain one. HTTPS=false is the escape hatch for a closed intranet
# without TLS (passwords then cross the network in clear: docs/deploy.md says so, and
# `check --deploy` keeps listing what is given up).
HTTPS = envbool("HTTPS", "true" if BEHIND_PROXY and not DEBUG else "false")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "true" if HTTPS else "false")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = HTTPS and envbool("SECURE_SSL_REDIRECT", "true")
# Monitoring may ask gunicorn for the health check on the loopback without TLS.
SECURE_REDIRECT_EXEMPT = [r"^api/v1/health$"]
SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", "31536000") if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("HSTS_INCLUDE_SUBDOMAINS", "true")
# The preload directive only matters once a domain is submitted to the browsers'
# preload list, which an intranet name never is; set HSTS_PRELOAD=false to leave it out.
SECURE_HSTS_PRELOAD = envbool("HSTS_PRELOAD", "true")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Logs go to standard error: systemd's journal keeps them with their time stamps
# (`journalctl -u wsm`); the level name comes first: `journalctl -u wsm -g '^ERROR'`.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Other worker processes notice a calendar change (a newly published year) within
# this many seconds; the process that made the change sees it at once.
WORKDAYS_REVISION_CHECK_SECONDS = envint("WORKDAYS_REVISION_CHECK_SECONDS", "5")

# SMS: the backend class ("common.sms.ConsoleBackend" logs instead of sending) and the
# signature put in front of every message. A real gateway is a small class (common/sms.py).
SMS_BACKEND = os.getenv("SMS_BACKEND", "common.sms.ConsoleBackend")
SMS_SIGNATURE = os.getenv("SMS_SIGNATURE", "【住房公积金】")
# The address printed in QR codes on slips and notices (e.g. https://gjj.example.gov.cn).
# Empty = the address of the request that printed it.
QUEUEING_PUBLIC_BASE_URL = os.getenv("PUBLIC_BASE_URL", "")
# A hall display's event stream ends after this many seconds and the browser
# reconnects by itself, so no worker thread is held forever.
QUEUEING_SSE_MAX_SECONDS = envint("SSE_MAX_SECONDS", "55")
QUEUEING_SSE_HEARTBEAT_SECONDS = envint("SSE_HEARTBEAT_SECONDS", "15")

# The demo centre is loaded by `make run` when the database is empty.
DEMO_PASSWORD = os.getenv("DEMO_PASSWORD", "demo-2026")
