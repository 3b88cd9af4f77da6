"""Fixtures shared by every app's tests."""

from __future__ import annotations

import io
import logging
import re

import pytest

from common import clock
from common.testing import FrozenClock, pinned_moment, stop_all
from org.models import Role


def pytest_configure(config):
    from django.conf import settings

    # Password hashing is deliberately slow; tests create many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Assigning a setting sends no setting_changed signal: forget any hasher list an import
    # may already have read (one slow PBKDF2 hash per demo account made the suite 3× slower).
    from django.contrib.auth.hashers import reset_hashers

    reset_hashers(setting="PASSWORD_HASHERS")
    # Tests move the clock across hours and days while signed in (force_login), and sign
    # the administrator in without a phone: the idle timeout, the session's length and the
    # second factor have their own tests (org/tests/test_login.py), which switch them on.
    settings.STAFF_IDLE_MINUTES = 10**6
    settings.SESSION_COOKIE_AGE = 10**8
    settings.OTP_REQUIRED_ROLES = []


# --- Personal data never reaches a log (issue 15) -------------------------------------------
# Every record any test logs goes, besides pytest's own capture, through a handler set up
# like production's (the RedactPersonalData filter of settings.LOGGING); after each test
# what it logged is scanned for identity and mobile numbers, and a leak fails that test
# (per test, so that it also holds when the suite runs on several workers).

_LOG_OUTPUT = io.StringIO()
_PERSONAL = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|1[3-9]\d{9})(?![0-9A-Za-z])")


@pytest.fixture(scope="session", autouse=True)
def _production_log_handler():
    from common.logs import RedactPersonalData

    handler = logging.StreamHandler(_LOG_OUTPUT)
    handler.addFilter(RedactPersonalData())
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    logging.getLogger().addHandler(handler)
    yield
    logging.getLogger().removeHandler(handler)


@pytest.fixture(autouse=True)
def _no_personal_numbers_in_the_log(_production_log_handler):
    _LOG_OUTPUT.seek(0)
    _LOG_OUTPUT.truncate()
    yield
    logged = _LOG_OUTPUT.getvalue()
    leaks = sorted(set(_PERSONAL.findall(logged)))
    assert not leaks, f"personal numbers reached the log: {leaks[:10]}"


@pytest.fixture(autouse=True)
def _pinned_clock():
    """Every test starts at the suite's pinned moment (WSM_TEST_NOW), whatever the day it
    runs; the clock runs on from there. See docs/testing.md."""
    FrozenClock(pinned_moment(), tick=True)
    yield
    stop_all()  # this one and any a test started without stopping


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit and failed-login counters live in the cache: one test must not spend
    # the next one's allowance.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def frozen_clock():
    """The clock stopped at the pinned moment; the test moves it (`move_to`, `advance`)."""
    stopped = FrozenClock(pinned_moment())
    yield stopped
    stopped.stop()


@pytest.fixture
def make_user(db):
    """make_user("teller", branch=…) → a user with a staff record and that role."""
    from org.models import Staff
    from org.services import staff_account_create

    counter = {"n": 0}

    def make(role: str | None = None, *, branch=None, username: str | None = None, **fields) -> object:
        counter["n"] += 1
        n = counter["n"]
        roles = [Role(role)] if role else []
        staff: Staff = staff_account_create(
            actor="test",
            username=username or f"t{n}_{role or 'norole'}",
            password="pw-for-tests-only",
            staff_no=f"T{n:04d}",
            name=f"测试{n}",
            roles=roles,
            branch=branch,
            **fields,
        )
        return staff.user

    return make


# --- Browser tests -------------------------------------------------------------
# Playwright drives Debian's Chromium (`playwright install` cannot download browsers
# on the hall's intranet or in CI). Without /usr/bin/chromium a browser test is
# skipped locally and fails under CI=true.

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    import os
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.getenv("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    # The sync Playwright API runs an event loop in this thread; Django's ORM refuses
    # to run beside one unless told that this test process is single-threaded there.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    new_context = chromium.new_context

    def watched_context(*args, **kwargs):  # every page of every test: see _no_csp_violations
        context = new_context(*args, **kwargs)
        context.on("console", _record_csp_violation)
        return context

    chromium.new_context = watched_context  # type: ignore[method-assign]
    yield chromium
    chromium.close()
    playwright.stop()


# The Content-Security-Policy is `script-src 'self'` (config/settings.py): Chromium refuses
# an inline script, an inline event handler, a javascript: link or an eval and says so on
# the console. Every browser test fails on such a refusal (issue 14.9).
CSP_VIOLATIONS: list[str] = []


def _record_csp_violation(message) -> None:  # type: ignore[no-untyped-def]
    if message.type == "error" and "Content Security Policy" in message.text:
        CSP_VIOLATIONS.append(f"{message.location.get('url', '')}: {message.text}")


@pytest.fixture(autouse=True)
def _no_csp_violations(request):
    if "browser" not in request.fixturenames:
        yield
        return
    CSP_VIOLATIONS.clear()
    yield
    found, CSP_VIOLATIONS[:] = list(CSP_VIOLATIONS), []
    assert not found, "Content-Security-Policy violations:\n" + "\n".join(found)


@pytest.fixture(autouse=True)
def _fresh_calendar_index():
    # A rolled-back test transaction fires no signal: without this a year one test
    # published would still be in this process's calendar index in the next test.
    from workdays.calendar import calendar_invalidate

    calendar_invalidate()
    yield
    calendar_invalidate()


@pytest.fixture
def reference_data(transactional_db):
    """The rows the data migrations load (calendar 2004–2026, bundled rule sets,
    the service guide and the standard phrases),
    written again when a transactional test before this one flushed them.

    Serialized rollback cannot be used for this: once Playwright's sync API runs, the
    test thread gets a different (context-local) Django connection object that lacks
    the serialized contents."""

    from rules.loader import load_bundled
    from rules.models import RuleSet
    from workdays.models import CalendarRevision, Day, PublishedYear
    from workdays.seed import write_seed

    if not PublishedYear.objects.exists():
        Day.objects.all().delete()
        write_seed(day_model=Day, year_model=PublishedYear, revision_model=CalendarRevision, now=clock.now())
    if not RuleSet.objects.exists():
        load_bundled(RuleSet)
    from django.apps import apps as django_apps

    from catalog.models import Phrase
    from catalog.seeding import seed_catalog

    if not Phrase.objects.exists():
        seed_catalog(django_apps, actor_label="test:reference_data")


@pytest.fixture
def page(browser, live_server, reference_data):
    """A fresh browser page against the live server, with the reference data loaded."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url  # type: ignore[attr-defined]
    yield page
    context.close()


@pytest.fixture
def login(page):
    """login(user) signs the browser in through the login form (password of make_user)."""

    def do_login(user) -> None:
        page.goto(page.base_url + "/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", "pw-for-tests-only")
        page.click("button[type=submit]")
        page.wait_for_url(page.base_url + "/")

    return do_login
