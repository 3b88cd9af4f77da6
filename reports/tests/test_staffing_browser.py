"""The staffing advice page in a real browser: the ECharts chart is drawn from the
advice, and the weekday tabs switch chart and table without a reload. Screenshots:
var/screenshots/reports_staffing_*.png."""

from __future__ import annotations

from pathlib import Path

import pytest

from org.models import Branch
from reports.tests.test_dashboard_support import MONDAY, at, install_clock, synthetic_history

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_the_staffing_advice_draws_its_chart_and_switches_weekdays_in_place(
    page, login, make_user, monkeypatch
):
    from org.demo import seed_demo

    seed_demo()
    install_clock(monkeypatch, at(9, 0))
    hd01 = Branch.objects.get(code="HD01")
    assert synthetic_history(hd01, end=MONDAY, weeks=4) > 2000

    login(make_user("office"))
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(page.base_url + "/reports/staffing/?branch=HD01&weeks=4&end=2026-11-23&weekday=1")
    page.wait_for_selector("#staffing-chart svg")
    monday = page.locator("[data-staffing-weekday='1']")
    assert monday.is_visible()
    assert monday.locator("tr.dash-row-short").count() > 0  # Monday's morning peak is understaffed
    page.screenshot(path=str(SHOTS / "reports_staffing_monday.png"), full_page=True)

    url_before = page.url
    page.click("[data-staffing-tab='3']")
    assert page.locator("[data-staffing-weekday='3']").is_visible()
    assert not monday.is_visible()
    assert page.url.endswith("weekday=3") and page.url != url_before
    page.wait_for_function("() => document.querySelector('#staffing-chart').textContent.includes('周三')")

    page.set_viewport_size({"width": 820, "height": 1180})
    page.screenshot(path=str(SHOTS / "reports_staffing_tablet.png"), full_page=True)
