"""In a real browser: a fine counted in a published quarter is reversed on appeal; the
office's 工作台 shows the flag, the quarter's page what changed and the difference, the
office publishes the correction, and the public notice board says it was corrected.
Screenshots in var/screenshots/appraisal-*.png."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from appraisal import services
from appraisal.tests.conftest import staff
from org.demo import seed_demo

pytestmark = pytest.mark.browser
SHOTS = Path("var/screenshots")


@pytest.fixture
def office(reference_data):
    seed_demo()
    user = get_user_model().objects.get(username="office1")
    user.set_password("pw-for-tests-only")
    user.save()
    return user


def test_a_changed_publication_is_flagged_and_corrected_in_the_browser(page, login, office):
    from supervision.services.violations import violation_record, violation_reverse

    SHOTS.mkdir(parents=True, exist_ok=True)
    q1 = services.quarter_open(actor=office, year=2026, quarter=1)
    services.entry_record(
        actor=office,
        quarter=q1,
        staff=staff("1101"),
        item_code="D3",
        quantity=1,
        occurred_on=date(2026, 3, 9),
        evidence="书面建议被采纳",
    )
    wrong = violation_record(
        actor=office, item_code="2.1", occurred_on=date(2026, 3, 10), staff=staff("1101"), note="无打卡记录"
    )
    services.quarter_publish(actor=office, quarter=q1, note="公示")
    violation_reverse(actor=office, violation=wrong, reason="考勤机故障，经核实按时到岗")
    services.publication_sweep()  # the night's check

    login(office)
    todo = page.get_by_text("已公示的考核结果有变动，待更正公示")
    assert todo.is_visible()
    page.screenshot(path=str(SHOTS / "appraisal-worklist-flag.png"), full_page=True)
    todo.click()
    page.wait_for_url("**/appraisal/quarters/2026-Q1/**")
    card = page.locator("#published-change")
    assert card.is_visible()
    assert wrong.no in card.inner_text() and "已撤销" in card.inner_text()
    hu = card.locator("#change-table tr", has_text="胡晓明")
    assert "→" in hu.inner_text()
    card.screenshot(path=str(SHOTS / "appraisal-published-change.png"))
    page.fill("#id_reason", f"{wrong.no} 经申诉核实为考勤机故障，已冲正")
    page.get_by_role("button", name="更正公示（第2次公示）").click()
    page.wait_for_load_state()
    assert page.get_by_text("已更正公示").first.is_visible()
    assert page.locator("#published-change").count() == 0
    history = page.locator("#publications")
    assert "第2次" in history.inner_text() and "已由第2次公示替代" in history.inner_text()
    page.screenshot(path=str(SHOTS / "appraisal-quarter-corrected.png"), full_page=True)

    page.goto(page.base_url + "/notice-board/2026-Q1/")
    correction = page.locator("#correction")
    assert "更正公示" in correction.inner_text() and "胡晓明" in correction.inner_text()
    assert page.get_by_text("第2次公示，以本次为准").is_visible()
    page.screenshot(path=str(SHOTS / "appraisal-notice-board-corrected.png"), full_page=True)
