"""A teller logs a hand-over in a few seconds; the receiver calls back and closes it
(首问必果), in a real browser. Screenshots in var/screenshots/."""

from __future__ import annotations

import pytest

from inquiries.models import Inquiry, InquiryStatus
from org.models import Branch, Centre, Department

pytestmark = pytest.mark.browser


def test_a_teller_hands_over_an_inquiry_and_the_receiver_closes_it(page, login, make_user, browser):
    centre = Centre.objects.create(code="C", name="测试中心")
    hall = Branch.objects.create(centre=centre, code="B1", name="中心服务大厅")
    withdrawal = Department.objects.create(centre=centre, code="TQ", name="提取处")
    teller = make_user("teller", branch=hall)
    receiver = make_user("teller", branch=hall, department=withdrawal)

    login(teller)
    page.click("nav >> text=首问负责")
    page.wait_for_selector("#inquiry-form")
    page.wait_for_load_state("load")  # the page's stylesheet hides the conditional fields
    # the hand-over fields appear only when 登记并转交 is chosen
    assert not page.is_visible("select[name=receiver]")
    page.check("input[name=channel][value=phone]")
    page.fill("input[name=matter]", "异地转移接续后余额未到账")
    page.fill("input[name=visitor_name]", "张先生")
    page.fill("input[name=visitor_phone]", "13903105678")
    page.check("input[name=outcome][value=handed_over]")
    page.select_option("select[name=department]", label="提取处")
    page.select_option(
        "select[name=receiver]", label=f"{receiver.staff.name}（{receiver.staff.staff_no}） · 提取处"
    )
    page.fill("input[name=resolve_working_days]", "3")
    page.screenshot(path="var/screenshots/inquiries-log.png", full_page=True)
    page.click("#inquiry-form button:has-text('登记')")
    page.wait_for_selector(".msg-success")
    assert "须在" in page.inner_text(".messages")
    assert "我首问的未结事项" in page.inner_text("#worklist")
    inquiry = Inquiry.objects.get()

    other = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    phone = other.new_page()
    phone.goto(page.base_url + "/login/")
    phone.fill("input[name=username]", receiver.username)
    phone.fill("input[name=password]", "pw-for-tests-only")
    phone.click("button[type=submit]")
    phone.goto(page.base_url + "/inquiries/")
    assert "转交给我的事项" in phone.inner_text("#worklist")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.click(f"text={inquiry.no}")
    phone.fill("textarea[name=note]", "已电话联系，约定周一来办")
    phone.click("button:has-text('记录已联系')")
    phone.fill("textarea[name=result]", "已查明原因并补记，余额到账")
    phone.click("button:has-text('办结')")
    phone.wait_for_selector("text=已办结")
    phone.screenshot(path="var/screenshots/inquiries-detail-phone.png", full_page=True)
    other.close()
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.CLOSED

    page.reload()
    assert "没有待办的首问事项" in page.inner_text("#worklist")
