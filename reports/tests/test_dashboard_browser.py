"""The live hall dashboard in a real browser: it refreshes by itself when a ticket is
taken, on a hall-office TV (1920×1080), a desktop and a tablet. Screenshots:
var/screenshots/reports_dashboard_*.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from org.models import Branch, Category
from reports.tests.test_dashboard_support import at, hall_in_known_states, install_clock

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def busy_hall(page, make_user, monkeypatch):
    """The demo centre with HD01 in known states at 09:30 and a few more people in line."""
    from org.demo import seed_demo
    from queueing import services as queue

    seed_demo()
    clock = install_clock(monkeypatch, at(9, 0))
    monkeypatch.setattr("reports.dashboard.constants.REFRESH_SECONDS", 2)
    hall = hall_in_known_states(make_user, clock)
    for minute, category, priority in [
        (10, Category.WITHDRAWAL, ""),
        (12, Category.WITHDRAWAL, ""),
        (14, Category.LOAN, ""),
        (18, Category.WITHDRAWAL, "pregnant"),
        (21, Category.COLLECTION, ""),
        (25, Category.OTHER, ""),
    ]:
        clock.set(9, minute)
        queue.ticket_take(actor="kiosk:test", branch=hall.hd01, category=category, priority=priority)
    for code, n in (("WA01", 3), ("SX01", 2)):
        for i in range(n):
            clock.set(9, 5 + i * 4)
            queue.ticket_take(
                actor="kiosk:test", branch=Branch.objects.get(code=code), category=Category.WITHDRAWAL
            )
    clock.set(9, 30)
    return hall, clock


def test_the_branch_dashboard_refreshes_by_itself_when_a_ticket_is_taken(page, login, make_user, busy_hall):
    from queueing import services as queue

    hall, clock = busy_hall
    page.set_viewport_size({"width": 1920, "height": 1080})
    login(make_user("office"))
    page.goto(page.base_url + "/dashboard/HD01/")
    taken = page.locator("[data-dash=taken]")
    waiting = page.locator("[data-dash=waiting]")
    assert taken.inner_text() == "10"
    assert waiting.inner_text() == "8"
    page.screenshot(path=str(SHOTS / "reports_dashboard_branch_tv.png"), full_page=True)

    clock.set(9, 31)
    queue.ticket_take(actor="kiosk:test", branch=hall.hd01, category=Category.LOAN)
    expect(taken).to_have_text("11", timeout=15_000)
    assert waiting.inner_text() == "9"

    page.set_viewport_size({"width": 820, "height": 1180})
    page.screenshot(path=str(SHOTS / "reports_dashboard_branch_tablet.png"), full_page=True)


def test_the_centre_dashboard_refreshes_by_itself_when_a_ticket_is_taken(page, login, make_user, busy_hall):
    from queueing import services as queue

    hall, clock = busy_hall
    login(make_user("leader"))
    page.goto(page.base_url + "/dashboard/")
    taken = page.locator(".dash-kpis [data-dash=taken]")
    assert taken.inner_text() == "16"  # HD01 10, WA01 4, SX01 2
    page.screenshot(path=str(SHOTS / "reports_dashboard_centre.png"), full_page=True)

    clock.set(9, 32)
    queue.ticket_take(actor="kiosk:test", branch=hall.wa01, category=Category.LOAN)
    expect(taken).to_have_text("17", timeout=15_000)
