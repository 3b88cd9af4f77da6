"""Issue #5 "Done when", in headless Chromium: a 承诺件 from the ticket called at the
teller's workstation, through a supplement, acceptance, an extension approved by the
department head and a leader, completion, delivery, and the citizen's query on a phone
by receipt number and password. Screenshots go to var/screenshots/cases-flow-*.png."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cases.models import Case, CaseStatus
from cases.tests.conftest import at
from common import sms
from common.testing import FrozenClock
from org.demo import seed_demo
from org.models import Branch
from queueing import services as queue
from queueing.models import Ticket

pytestmark = pytest.mark.browser

SHOTS = Path("var/screenshots")


@pytest.fixture
def hall(page, monkeypatch, settings, make_user):
    """The demo centre on Monday 23 November 2026, 10:00 (real seconds tick on), a loan
    teller at window 6 of 中心服务大厅, texts kept in memory."""
    now = FrozenClock(at(2026, 11, 23, 10), tick=True)
    settings.SMS_BACKEND = "common.sms.LocmemBackend"
    sms.outbox.clear()
    SHOTS.mkdir(parents=True, exist_ok=True)
    call_command("seed_catalog")
    seed_demo()
    hd01 = Branch.objects.get(code="HD01")
    queue.hall_setup(actor="test", branch=hd01)
    for name in ("head1", "leader1"):
        user = get_user_model().objects.get(username=name)
        user.set_password("pw-for-tests-only")
        user.save()
    teller = make_user("teller", branch=hd01, username="loan_teller", categories=["loan"])
    return {"branch": hd01, "teller": teller, "now": now}


def signed_in(browser, base_url: str, username: str, **context):
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 860}, **context)
    p = ctx.new_page()
    p.set_default_timeout(10_000)
    p.goto(base_url + "/login/")
    p.fill("input[name=username]", username)
    p.fill("input[name=password]", "pw-for-tests-only")
    p.click("button[type=submit]")
    p.wait_for_url(base_url + "/")
    return ctx, p


def test_a_promised_case_from_the_called_ticket_to_the_citizens_query(page, login, browser, hall):
    base = page.base_url
    ticket = queue.ticket_take(actor="kiosk:HD01", branch=hall["branch"], category="loan")

    # 1. The teller calls the ticket at window 6 and starts serving it.
    login(hall["teller"])
    page.goto(base + "/queue/HD01/6/")
    page.get_by_role("button", name=re.compile("叫下一位")).click()
    page.get_by_role("button", name=re.compile("开始办理")).click()
    page.wait_for_selector("text=正在办理")
    ticket.refresh_from_db()
    assert ticket.status == "serving"

    # 2. "受理办件" from the workstation: the ticket's loan matters first.
    page.goto(base + f"/cases/accept/?ticket={ticket.pk}")
    page.wait_for_selector(f"text={ticket.display_number}")
    page.fill("input[name=q]", "建造")
    page.wait_for_selector("text=建造、翻建、大修自住住房公积金贷款")
    page.screenshot(path=str(SHOTS / "cases-flow-1-choose.png"), full_page=True)
    page.get_by_role("link", name=re.compile("建造、翻建、大修自住住房公积金贷款")).first.click()

    # 3. Applicant and materials: one required material is missing.
    page.fill("input[name=name]", "李明")
    page.fill("input[name=id_number]", "130402198807150027")
    page.fill("input[name=phone]", "13831001234")
    page.get_by_role("button", name="全部已收取").click()
    rows = page.locator(".mat-row")
    first = rows.nth(0)
    missing_name = first.locator("strong").inner_text().split(". ", 1)[1]
    first.get_by_text("需补正").click()
    first.locator("input.note").fill("申请表未签字，请借款人签字后提交")
    for i in range(rows.count()):  # conditional materials that do not apply
        row = rows.nth(i)
        if row.get_by_text("不适用").count():
            row.get_by_text("不适用").click()
    assert "需补正 1 项" in page.inner_text("#accept-summary")
    page.screenshot(path=str(SHOTS / "cases-flow-2-form.png"), full_page=True)
    page.get_by_role("button", name="登记办件").click()
    page.wait_for_url(re.compile(r"/cases/HD01-20261123-\d{4}/$"))
    password = page.inner_text("#password-banner .secret").strip()
    assert re.fullmatch(r"\d{6}", password)
    case = Case.objects.get()
    assert case.status == CaseStatus.SUPPLEMENT and case.ticket_id == ticket.pk
    assert page.get_by_text("补办件通知单").count()
    pdf = page.request.get(base + f"/cases/{case.receipt_no}/print/supplement.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    page.screenshot(path=str(SHOTS / "cases-flow-3-supplement.png"), full_page=True)

    # 4. The next day the applicant brings the missing material: formal acceptance.
    hall["now"].move_to(at(2026, 11, 24, 9))
    page.reload()
    page.get_by_label(re.compile(re.escape(missing_name))).check()
    page.get_by_role("button", name="登记收到的材料").click()
    page.wait_for_selector("text=材料已补齐，正式受理")
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED and case.deadline.isoformat() == "2026-12-01"
    assert page.get_by_text("2026-12-01").count()
    acceptance = page.request.get(base + f"/cases/{case.receipt_no}/print/acceptance.pdf")
    assert acceptance.ok

    # 5. It cannot be finished in time: an extension, explained to the applicant.
    page.get_by_text("申请延期", exact=True).click()
    page.fill(
        "textarea[name=extension-reason]",
        "建房用地批准文件需向自然资源和规划部门核实，对方书面答复尚未送达。",
    )
    page.fill("input[name=extension-requested_deadline]", "2026-12-04")
    page.fill("input[name=extension-explained_note]", "11月30日电话告知申请人，申请人表示理解")
    page.check("input[name=extension-explained]")
    hall["now"].move_to(at(2026, 11, 30, 15))
    page.get_by_role("button", name="提交延期申请").click()
    page.wait_for_selector("text=等待部门负责人签署意见")

    # 6. The department head signs, then a leader approves.
    ctx, head = signed_in(browser, base, "head1")
    head.goto(base + f"/cases/{case.receipt_no}/")
    head.fill("textarea[name=head-opinion]", "情况属实，同意延期至12月4日。")
    head.get_by_role("button", name="签署意见").click()
    head.wait_for_selector("text=已签署部门负责人意见")
    ctx.close()
    ctx, leader = signed_in(browser, base, "leader1")
    leader.goto(base + f"/cases/{case.receipt_no}/")
    leader.fill("textarea[name=leader-opinion]", "同意。")
    leader.get_by_role("button", name="审批").click()
    leader.wait_for_selector("text=已批准延期")
    leader.screenshot(path=str(SHOTS / "cases-flow-4-approved.png"), full_page=True)
    ctx.close()
    case.refresh_from_db()
    assert case.deadline.isoformat() == "2026-12-04" and case.promised_deadline.isoformat() == "2026-12-01"
    assert any("延期至2026年12月4日" in m.text for m in sms.outbox)

    # 7. Completion within the new deadline, told by text, and the result collected.
    hall["now"].move_to(at(2026, 12, 3, 10))
    page.reload()
    page.get_by_label("准予办理").check()
    page.fill("textarea[name=complete-result]", "准予贷款。贷款金额人民币300,000.00元，期限15年。")
    page.fill("input[name=complete-transaction_no]", "DK20261203000187")
    page.select_option("select[name=complete-notify_method]", "sms")
    page.once("dialog", lambda dialog: dialog.accept())  # 办结 asks for confirmation (issue 14.9)
    page.get_by_role("button", name="办结", exact=True).click()
    page.wait_for_selector("text=已办结")
    page.fill("input[name=deliver-note]", "申请人本人领取")
    page.get_by_role("button", name="登记送达").click()
    page.wait_for_selector("text=已登记送达")
    case.refresh_from_db()
    assert case.status == CaseStatus.DELIVERED and not case.overdue
    assert case.transaction_no == "DK20261203000187"
    page.screenshot(path=str(SHOTS / "cases-flow-5-delivered.png"), full_page=True)
    completion = page.request.get(base + f"/cases/{case.receipt_no}/print/completion.pdf")
    assert completion.ok

    # 8. The citizen scans the QR code on a phone and enters the password.
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = ctx.new_page()
    phone.goto(base + f"/query/?no={case.receipt_no}")
    assert phone.input_value("input[name=no]") == case.receipt_no
    phone.fill("input[name=password]", "000000" if password != "000000" else "111111")
    phone.get_by_role("button", name="查询").click()
    phone.wait_for_selector("text=受理编号或查询密码不正确")
    phone.fill("input[name=password]", password)
    phone.get_by_role("button", name="查询").click()
    phone.wait_for_url(re.compile(rf"/query/{case.receipt_no}/$"))
    text = phone.inner_text("main")
    assert "已办结" in text and "2026年12月4日" in text
    assert "经批准延期，办结期限延至2026年12月4日" in text
    assert "建房用地批准文件需向自然资源" not in text  # the staff's reason stays inside
    phone.screenshot(path=str(SHOTS / "cases-flow-6-query.png"), full_page=True)
    ctx.close()
    assert Ticket.objects.get(pk=ticket.pk).cases.get() == case
