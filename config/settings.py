"""Settings of the service-window management system.

One file, driven by environment variables (see docs/configuration.md and, for a
production server, docs/deploy.md and deploy/wsm.env.example). With no variable set
it runs the embedded demo: SQLite in var/, DEBUG on, a development key.
Production sets at least SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; once SECRET_KEY
is set DEBUG is off unless asked for, and HTTPS hardening is on unless HTTPS=false.
"""

from __future__ import annotations

import os
from datetime import timedelta
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
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
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
    "common.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before any view: NUL bytes and lone surrogates refused, control characters dropped,
    # JSON-only API bodies (common/input.py).
    "common.input.InputGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Staff sessions: the idle timeout and the second factor (org/security.py).
    "org.security.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last but one, so that the audit log sees the authenticated user and the client address.
    "common.request.RequestContextMiddleware",
    # A DomainError a page did not catch: its message and status, not a 500.
    "common.input.DomainErrorMiddleware",
    # Last (django-axes): turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
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

# Staff passwords (等保2.0 三级 身份鉴别): a minimum length, three of the four kinds of
# character, not a common password, not like the user's name (docs/security.md).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": envint("PASSWORD_MIN_LENGTH", "8")},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "org.security.PasswordComplexityValidator"},
]
# django-axes first: it counts failed logins and refuses a locked-out account before the
# password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins (docs/security.md): an account is locked after LOGIN_FAILURE_LIMIT
# failures in a row, for LOGIN_LOCKOUT_MINUTES or until an administrator lifts it
# (/org/lockouts/); one address gets at most LOGIN_FAILURES_PER_ADDRESS failures in that
# time, whatever accounts it tries.
LOGIN_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", "5")
LOGIN_LOCKOUT_MINUTES = envint("LOGIN_LOCKOUT_MINUTES", "30")
LOGIN_FAILURES_PER_ADDRESS = envint("LOGIN_FAILURES_PER_ADDRESS", "20")
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for the address among the lockout parameters; the address has its own,
# higher limit (LOGIN_FAILURES_PER_ADDRESS, org/login.py): locking a whole office behind
# one NAT address after five typing errors would lock out colleagues.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "common.request.client_ip"
AXES_LOCKOUT_CALLABLE = "org.login.lockout_response"
AXES_VERBOSE = False
AXES_HTTP_RESPONSE_CODE = 429
# A staff session ends after STAFF_IDLE_MINUTES without a click (hall devices are bound
# to their own device sessions and tokens and stay signed in), and after a working day at most.
STAFF_IDLE_MINUTES = envint("STAFF_IDLE_MINUTES", "30")
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(12 * 3600))
# The second factor (TOTP in an authenticator app, with recovery codes) is required for
# these roles (comma-separated role codes of org.models.Role); anyone may enrol.
OTP_REQUIRED_ROLES = envlist("OTP_REQUIRED_ROLES", "admin")
OTP_TOTP_ISSUER = os.getenv("OTP_TOTP_ISSUER", "住房公积金窗口服务管理系统")
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
# Every asset is this site's own (static/vendor, no CDN): scripts only from files of this
# site — no inline script, no inline event handler, no javascript: link, no eval; pages get
# their behaviour from data attributes read by static/js/app.js, and every browser test
# fails on a refusal (conftest.py) — styles from this site and the pages' style attributes,
# images also as data: URLs (QR codes, photos previews), connections (htmx, the event
# streams) to this site only, and no framing (common/headers.py, docs/security.md).
CONTENT_SECURITY_POLICY = os.getenv(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; media-src 'self' data: blob:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)

# Logs go to standard error: systemd's journal keeps them with their time stamps
# (`journalctl -u wsm`); the level name comes first: `journalctl -u wsm -g '^ERROR'`.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s %(message)s"}},
    # Identity and mobile numbers and database row values never reach a log (common/logs.py).
    "filters": {"redact": {"()": "common.logs.RedactPersonalData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
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
# The event streams of hall displays, counter tablets and ticket pages (queueing/stream.py,
# docs/deploy.md § 6). "push": the stream server (python -m config.streams) holds them,
# one LISTEN connection per process fans every call out; "poll": the design before issue
# 16 (each stream a gunicorn thread polling the events table), for the benchmark only.
QUEUEING_STREAM_MODE = os.getenv("STREAM_MODE", "push")
# A stream on the stream server ends after this long (±10 %) and the client reconnects,
# so that a revoked device or an expired session is noticed; idle it costs nothing.
QUEUEING_STREAM_MAX_SECONDS = envint("STREAM_MAX_SECONDS", "1800")
# The stream server LISTENs on the application's database; behind pgbouncer in transaction
# mode (which cannot LISTEN) give it PostgreSQL's own address here.
QUEUEING_STREAM_LISTEN_URL = os.getenv("STREAM_LISTEN_DATABASE_URL", "")
# A stream served by a WSGI thread (make run, the test server) ends after this many
# seconds and the browser reconnects by itself, so no thread is held forever.
QUEUEING_SSE_MAX_SECONDS = envint("SSE_MAX_SECONDS", "55")
QUEUEING_SSE_HEARTBEAT_SECONDS = envint("SSE_HEARTBEAT_SECONDS", "15")

# The demo centre is loaded by `make run` when the database is empty.
DEMO_PASSWORD = os.getenv("DEMO_PASSWORD", "demo-2026")
