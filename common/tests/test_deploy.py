"""The production settings (docs/deploy.md): `manage.py check --deploy` passes with no
warning in a production-like environment, a missing SECRET_KEY stops the start, and the
cache and proxy settings come from the environment as documented. Each case runs
manage.py in a fresh process, as systemd would, with only the variables it sets."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "gjj.example.gov.cn",
        "CSRF_TRUSTED_ORIGINS": "https://gjj.example.gov.cn",
        "CACHE_URL": "db://django_cache",
        "BEHIND_PROXY": "true",
        "HTTPS": "true",
    }
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def show(env: dict[str, str], expression: str) -> str:
    """The value of a settings expression in a process started with `env`."""
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); "
        f"django.setup(); from django.conf import settings as s; print({expression})"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_check_deploy_passes_without_a_single_warning_in_production(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_names_every_weakness_of_the_intranet_without_tls(tmp_path):
    # The escape hatch is honest: the check still lists what is given up.
    result = manage(production_env(tmp_path, HTTPS="false"), "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr + result.stdout


def test_it_refuses_to_start_with_debug_off_and_no_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]

    result = manage(env, "check")

    assert result.returncode != 0
    assert "未设置 SECRET_KEY" in result.stderr
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


def test_a_secret_key_behind_the_proxy_turns_debug_off_and_https_hardening_on(tmp_path):
    env = production_env(tmp_path)
    del env["DEBUG"], env["HTTPS"]

    assert show(env, "(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)") == (
        "(False, True, True, True)"
    )
    assert show(env, "s.SECURE_HSTS_SECONDS") == "31536000"
    assert show(env, "s.STORAGES['staticfiles']['BACKEND']") == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_the_proxy_headers_are_trusted_only_behind_the_proxy(tmp_path):
    behind = production_env(tmp_path)
    direct = production_env(tmp_path, BEHIND_PROXY="false")
    del behind["HTTPS"], direct["HTTPS"]

    assert show(behind, "(s.SECURE_PROXY_SSL_HEADER, s.TRUST_X_FORWARDED_FOR, s.SECURE_SSL_REDIRECT)") == (
        "(('HTTP_X_FORWARDED_PROTO', 'https'), True, True)"
    )
    # gunicorn answering plain HTTP itself (a benchmark, a smoke test): no header to trust,
    # and no redirect to an https:// it could not tell it had reached.
    assert show(direct, "(s.SECURE_PROXY_SSL_HEADER, s.TRUST_X_FORWARDED_FOR, s.SECURE_SSL_REDIRECT)") == (
        "(None, False, False)"
    )


@pytest.mark.parametrize(
    ("cache_url", "backend", "location"),
    [
        ("db://django_cache", "django.core.cache.backends.db.DatabaseCache", "django_cache"),
        (
            "file:///var/lib/wsm/cache",
            "django.core.cache.backends.filebased.FileBasedCache",
            "/var/lib/wsm/cache",
        ),
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache", ""),
    ],
)
def test_the_cache_comes_from_cache_url(tmp_path, cache_url, backend, location):
    env = production_env(tmp_path, CACHE_URL=cache_url)

    assert show(env, "(s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'])") == str(
        (backend, location)
    )


def test_without_cache_url_the_workers_of_a_production_server_share_a_file_cache(tmp_path):
    env = production_env(tmp_path)
    del env["CACHE_URL"]

    assert show(env, "(s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'])") == str(
        ("django.core.cache.backends.filebased.FileBasedCache", str(tmp_path / "var" / "cache"))
    )


def test_an_unknown_cache_url_is_refused_with_the_choices(tmp_path):
    result = manage(production_env(tmp_path, CACHE_URL="memcached://x"), "check")

    assert result.returncode != 0
    assert "CACHE_URL 无法识别" in result.stderr
    assert "db://django_cache" in result.stderr


def test_the_database_cache_is_shared_between_processes(tmp_path):
    """What the rate limiters rely on: a count made by one worker is seen by another."""
    env = production_env(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert manage(env, "createcachetable").returncode == 0
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); "
        "django.setup(); from django.core.cache import cache; cache.add('hits', 0); print(cache.incr('hits'))"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True)
        for _ in range(2)
    ]

    assert [run.stdout.strip() for run in runs] == ["1", "2"], [run.stderr for run in runs]


def _nginx_locations(text: str) -> dict[str, str]:
    """Regex location → its block, from the site file (its locations do not nest)."""
    blocks = {}
    for match in re.finditer(r"location ~ (\S+) \{(.*?)\n    \}", text, flags=re.S):
        blocks[match.group(1).strip('"')] = match.group(2)
    return blocks


def test_nginx_streams_both_real_event_paths_unbuffered():
    """The display streams must follow the code's URLs, wherever they move."""
    from django.urls import resolve, reverse

    locations = _nginx_locations((BASE_DIR / "deploy" / "nginx-wsm.conf").read_text())
    api_path = "/api/v1/branches/HD01/events"
    assert resolve(api_path).url_name  # the device API's stream exists at this path
    for path in (reverse("board_events", kwargs={"branch": "HD01"}), api_path):
        matching = [block for pattern, block in locations.items() if re.match(pattern, path)]
        assert matching, f"no nginx location for {path}"
        assert "proxy_buffering off" in matching[0]
        timeout = int(re.search(r"proxy_read_timeout (\d+)s", matching[0]).group(1))  # type: ignore[union-attr]
        assert timeout > settings.QUEUEING_SSE_MAX_SECONDS + settings.QUEUEING_SSE_HEARTBEAT_SECONDS


SCHEDULED = {
    "queue_day_end",
    "reports_rollup",
    "backup",
    "clearsessions",
    "cases_sweep",
    "complaints_sweep",
    "supervision_facilities",
    "ratings_sweep",
    "ratings_push",
    "appraisal_sweep",
}


def test_every_scheduled_command_has_a_timer_and_exists():
    from django.core.management import get_commands

    timers = {}
    for timer in (BASE_DIR / "deploy" / "systemd").glob("wsm-*.timer"):
        text = timer.read_text()
        unit = re.search(r"^Unit=wsm-job@(\w+)\.service$", text, flags=re.M)
        assert unit, f"{timer.name} starts no wsm-job@ unit"
        assert re.search(r"^OnCalendar=.* Asia/Shanghai$", text, flags=re.M), f"{timer.name}: Beijing time"
        timers[unit.group(1)] = timer.name

    assert set(timers) == SCHEDULED
    assert set(get_commands()) >= SCHEDULED
    # The same jobs, at the same times, for cron (docs/deploy.md).
    guide = (BASE_DIR / "docs" / "deploy.md").read_text()
    for command in SCHEDULED:
        assert f"manage.py {command}\n" in guide, f"no crontab line for {command}"


def test_gunicorn_config_uses_threads_and_outlives_a_display_stream(monkeypatch):
    monkeypatch.delenv("GUNICORN_TIMEOUT", raising=False)
    config: dict = {}
    exec((BASE_DIR / "deploy" / "gunicorn.conf.py").read_text(), config)

    assert config["worker_class"] == "gthread"
    assert config["threads"] > 1
    assert config["timeout"] > settings.QUEUEING_SSE_MAX_SECONDS
    assert config["wsgi_app"] == "config.wsgi:application"
