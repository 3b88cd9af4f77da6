"""A teller looks up a deadline, and an administrator enters a year's notice, in a
real browser (htmx)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_a_teller_computes_a_deadline_over_national_day_and_is_told_when_2027_is_missing(
    page, login, make_user
):
    login(make_user("teller"))
    page.click("nav summary:has-text('系统')")
    page.click("nav .navmenu >> text=工作日历")
    page.wait_for_selector("h1:has-text('工作日历与办理时限')")

    page.goto(page.base_url + "/workdays/?year=2026")
    assert page.get_attribute("td[data-date='2026-10-01']", "title") == "2026-10-01 周四 法定节假日 国庆节"
    page.fill("input[name=start]", "2026-09-30")
    page.fill("input[name=days]", "1")
    page.click("button:has-text('计算截止日')")
    page.wait_for_selector("#deadline-result .deadline")
    assert "2026年10月8日（周四）" in page.inner_text("#deadline-result")
    assert page.url.endswith("/workdays/?year=2026")  # answered in place by htmx

    page.fill("input[name=start]", "2026-12-31")
    page.click("button:has-text('计算截止日')")
    page.wait_for_selector("#deadline-result .error")
    assert "2027年的节假日安排尚未发布" in page.inner_text("#deadline-result")
    page.screenshot(path="var/screenshots/workdays-calendar.png", full_page=True)


def test_the_calendar_fits_a_phone_screen(page, login, make_user):
    login(make_user("guide"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + "/workdays/?year=2026")
    page.wait_for_selector(".months")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_an_administrator_enters_the_2027_notice_previews_it_and_publishes_it(page, login, make_user):
    login(make_user("admin"))
    page.goto(page.base_url + "/workdays/?year=2027")
    page.click("text=录入节假日安排通知")
    page.fill("textarea[name=notice_text]", "测试用通知原文（非真实通知）")
    page.fill("textarea[name=holidays]", "元旦 2027-01-01 2027-01-03\n春节 2027-02-06 2027-02-13")
    page.fill("textarea[name=makeup_workdays]", "2027-02-14 春节调休")
    page.click("button[value=preview]")
    page.wait_for_selector("text=预览：2027年")
    assert page.get_attribute("td[data-date='2027-02-14']", "class") == "day-makeup_workday"
    page.screenshot(path="var/screenshots/workdays-notice-preview.png", full_page=True)

    page.once("dialog", lambda dialog: dialog.accept())  # publishing asks for confirmation
    page.click("button[value=publish]")
    page.wait_for_selector("text=2027年节假日安排已发布")
    page.fill("input[name=start]", "2026-12-31")
    page.fill("input[name=days]", "1")
    page.click("button:has-text('计算截止日')")
    page.wait_for_selector("#deadline-result .deadline")
    assert "2027年1月4日（周一）" in page.inner_text("#deadline-result")
