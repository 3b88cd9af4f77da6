"""A person signs in and finds the organisation (issue #2 "Done when")."""

import pytest
from django.contrib.auth import get_user_model

from org.demo import seed_demo

pytestmark = pytest.mark.browser


def test_an_administrator_signs_in_and_sees_the_organisation_in_chinese(page, login):
    seed_demo()
    admin = get_user_model().objects.get(username="admin")
    admin.set_password("pw-for-tests-only")
    admin.save()
    login(admin)
    assert "您好，孙洁" in page.inner_text("main")
    page.click("nav summary:has-text('系统')")
    page.click("nav .navmenu >> text=组织机构")
    page.wait_for_selector("#staff-table")
    text = page.inner_text("main")
    assert "中心服务大厅" in text and "武安市管理部" in text and "涉县管理部" in text
    assert "绿色通道" in text
    page.click("text=系统管理")
    page.wait_for_selector("#site-name")
    assert "组织机构" in page.inner_text("body")
    page.screenshot(path="var/screenshots/org-admin.png", full_page=True)


def test_a_wrong_password_shows_a_clear_message(page, make_user):
    user = make_user("teller")
    page.goto(page.base_url + "/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    assert "用户名或密码不正确" in page.inner_text("main")


def test_the_overview_fits_a_phone_screen(page, login, make_user):
    seed_demo()
    user = make_user("office")
    login(user)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + "/org/")
    # Wide tables scroll inside their own box; the page itself does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path="var/screenshots/org-phone.png", full_page=False)
