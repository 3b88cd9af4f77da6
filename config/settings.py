"""Settings of the service-window management system.

One file, driven by environment variables (see docs/configuration.md). With no
variable set it runs the embedded demo: SQLite in var/, DEBUG on, a development key.
Production sets at least SECRET_KEY, DEBUG=false, ALLOWED_HOSTS and DATABASE_URL.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.getenv("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded database lives here on a fresh checkout


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: str) -> int:
    return int(os.getenv(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "true")
# The fallback key exists only so that a fresh checkout runs; `check --deploy` flags it.
SECRET_KEY = os.getenv("SECRET_KEY", "django-insecure-demo-only-never-use-in-production")
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
    "audit.middleware.RequestContextMiddleware",
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
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=envint("CONN_MAX_AGE", "0")))
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

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", VAR_DIR / "media"))
# Serve from the finders as well, so a checkout works before collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "false")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
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
