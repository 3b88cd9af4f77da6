"""Issue 14.9 in headless Chromium, under the strict Content-Security-Policy
(`script-src 'self'`: no inline script, no inline handler, no eval — conftest.py fails
every browser test on a refusal):

* what a person sees is what happened: a refusal answered to an htmx request is shown
  where the person clicked (the workstation's sign-in conflict, the guide's ticket after
  轧账, a message-only answer next to its button), and a refused form on a full page is
  opened and scrolled to (a refused extension request);
* irreversible actions ask first and cancelling does nothing: 办结, 过号, 签退 (with the
  server's warning when nobody else serves the people waiting), 不予受理, 转报, a peer
  review, publishing a calendar year;
* the behaviours the inline scripts had (print, auto-submit, show-if, navigate, menus,
  pausing a poll while a form is open) work from static/js/app.js.

Screenshots: var/screenshots/frontend-*.png."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model

from common.testing import FrozenClock
from org.models import Branch, Staff, Window

pytestmark = pytest.mark.browser

SHOTS = Path("var/screenshots")
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 12, 7)
PASSWORD = "pw-for-tests-only"


def at(hour: int, minute: int = 0, second: int = 0, *, day: date = MONDAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=SHANGHAI)


def user(name: str):
    return get_user_model().objects.select_related("staff").get(username=name)


@pytest.fixture
def centre(page, settings):
    """The demo centre on a Monday morning, real seconds ticking on; demo logins with the
    tests' password."""
    from org.demo import seed_demo

    clock = FrozenClock(at(10, 0), tick=True)
    settings.SMS_BACKEND = "common.sms.LocmemBackend"
    SHOTS.mkdir(parents=True, exist_ok=True)
    seed_demo()
    for name in ("teller1", "guide1", "office1", "admin", "head1", "leader1"):
        u = user(name)
        u.set_password(PASSWORD)
        u.save()
    return clock


class Dialogs:
    """Answers the page's confirm dialogs as told and keeps their messages."""

    def __init__(self, page) -> None:
        self.messages: list[str] = []
        self.answer = "dismiss"
        page.on("dialog", self._on)

    def _on(self, dialog) -> None:
        self.messages.append(dialog.message)
        if self.answer == "accept":
            dialog.accept()
        else:
            dialog.dismiss()


def _in_view(page, selector: str) -> bool:
    return page.evaluate(
        """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
        return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }""",
        selector,
    )


def _window(number: int) -> Window:
    return Window.objects.select_related("branch").get(branch__code="HD01", number=number)


def _universal_teller(make_user) -> Staff:
    other = make_user("teller", branch=Branch.objects.get(code="HD01"), is_universal_teller=True)
    return other.staff


# --- The policy ------------------------------------------------------------------------------


def test_every_page_is_sent_with_the_strict_script_policy(page, centre):
    response = page.goto(page.base_url + "/login/")
    policy = response.headers["content-security-policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert script_src.strip() == "script-src 'self'"
    assert "unsafe-eval" not in policy


# --- Refusals shown where the person clicked ---------------------------------------------------


def test_the_workstation_shows_that_another_teller_holds_the_window(page, login, centre, make_user):
    from queueing import services

    login(user("teller1"))
    page.goto(page.base_url + "/queue/HD01/1/")
    page.wait_for_selector("text=您尚未在本窗口签到")
    other = _universal_teller(make_user)
    services.window_sign_in(actor="test", staff=other, window=_window(1))
    page.click("form[action$='/do/sign-in/'] button")
    alert = page.wait_for_selector("#ws-panel [role=alert]")
    assert f"1 号窗口已由 {other.name}（工号 {other.staff_no}）签到" in alert.inner_text()
    assert _in_view(page, "#ws-panel [role=alert]")
    page.screenshot(path=str(SHOTS / "frontend-workstation-held.png"))


def test_the_guide_sees_that_no_ticket_is_issued_after_the_day_is_closed(page, login, centre):
    centre.move_to(at(16, 59, 30))
    login(user("guide1"))
    page.goto(page.base_url + "/queue/guide/")
    page.wait_for_selector("form.guide-take")
    centre.move_to(at(17, 0, 30))  # 轧账 at 17:00 while the page was open
    page.select_option("form.guide-take select[name=category]", "collection")
    page.click("form.guide-take button.primary")
    alert = page.wait_for_selector("#guide-panel [role=alert]")
    assert "轧账" in alert.inner_text()
    from queueing.models import Ticket

    assert not Ticket.objects.exists()
    page.screenshot(path=str(SHOTS / "frontend-guide-day-closed.png"))


def _register(code: str = "DK015", *, missing: bool = False, when: datetime | None = None):
    from cases import services
    from cases.tests.conftest import CREDIT_CODE, MOBILE, PERSON_ID, first_material, marks_for
    from catalog.models import Matter

    matter = Matter.objects.get(code=code)
    if matter.service_object == "employer":
        applicant = services.ApplicantData(
            name="邯郸市示例科技有限公司",
            phone=MOBILE,
            credit_code=CREDIT_CODE,
            agent_name="王芳",
            agent_id_number=PERSON_ID,
        )
    else:
        applicant = services.ApplicantData(name="李明", phone=MOBILE, id_number=PERSON_ID)
    return services.case_register(
        actor=user("teller1"),
        matter=matter,
        applicant=applicant,
        marks=marks_for(code, missing=(first_material(code),) if missing else (), on=MONDAY),
        idempotency_key=uuid.uuid4(),
    ).case


def test_a_refused_extension_request_is_opened_and_shown_where_it_was_asked(page, login, centre):
    case = _register()
    login(user("teller1"))
    page.goto(page.base_url + f"/cases/{case.receipt_no}/")
    page.click("#extension summary")
    page.fill("textarea[name=extension-reason]", "需要向不动产登记中心核实房产信息")
    page.fill("input[name=extension-requested_deadline]", "2026-12-31")
    # 已向办事职工解释说明 left unticked: the service refuses (000 §五(二)4).
    page.click("#extension button[type=submit]")
    alert = page.wait_for_selector("#extension [role=alert]")
    assert "申请延期前须向办事职工解释说明" in alert.inner_text()
    assert page.get_attribute("#extension", "open") is not None
    assert _in_view(page, "#extension [role=alert]")
    page.screenshot(path=str(SHOTS / "frontend-extension-refused.png"))


def test_an_answer_that_is_only_a_message_is_shown_next_to_its_button(page, login, centre):
    from cases import services
    from cases.models import Reminder

    case = _register()  # deadline Mon 14 Dec: due soon from Fri 11 Dec
    centre.move_to(at(7, 30, day=date(2026, 12, 11)))
    services.cases_sweep()
    login(user("teller1"))
    page.goto(page.base_url + "/cases/")
    reminder = Reminder.objects.get(case=case)
    page.wait_for_selector(f"#reminder-{reminder.pk}")
    Reminder.objects.filter(pk=reminder.pk).delete()  # gone meanwhile (e.g. another tab)
    page.click(f"#reminder-{reminder.pk} button")
    box = page.wait_for_selector(f"#reminder-{reminder.pk} .htmx-error")
    assert box.inner_text() == "没有这条提醒。"
    page.screenshot(path=str(SHOTS / "frontend-reminder-gone.png"))


# --- Confirmations ---------------------------------------------------------------------------


def _serving(teller: Staff, *, recalls: int = 0, start: bool = False):
    from queueing import services

    branch = teller.branch
    ticket = services.ticket_take(actor="kiosk", branch=branch, category="collection")
    services.window_sign_in(actor="test", staff=teller, window=_window(1))
    services.ticket_call_next(actor="test", staff=teller, window=_window(1))
    for _ in range(recalls):
        services.ticket_recall(actor="test", staff=teller, window=_window(1))
    if start:
        services.ticket_start(actor="test", staff=teller, window=_window(1))
    return ticket


def test_completing_at_the_workstation_asks_first_and_cancelling_does_nothing(page, login, centre):
    from queueing.models import Ticket, TicketStatus

    teller = user("teller1").staff
    ticket = _serving(teller, start=True)
    login(user("teller1"))
    page.goto(page.base_url + "/queue/HD01/1/")
    dialogs = Dialogs(page)
    page.click("button[data-shortcut=F4]")
    assert dialogs.messages == [f"确定 {ticket.display_number} 办结？办结后不能撤回。"]
    page.wait_for_timeout(300)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.SERVING
    assert page.inner_text("#ws-current-number") == ticket.display_number
    dialogs.answer = "accept"
    page.keyboard.press("F4")  # the shortcut asks too
    page.wait_for_selector(f"text={ticket.display_number} 已办结")
    assert len(dialogs.messages) == 2
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.DONE


def test_a_no_show_asks_first_and_cancelling_does_nothing(page, login, centre):
    from queueing.models import TicketStatus
    from queueing.params import queue_rules

    teller = user("teller1").staff
    ticket = _serving(teller, recalls=queue_rules(MONDAY).params.recalls_before_no_show)
    login(user("teller1"))
    page.goto(page.base_url + "/queue/HD01/1/")
    dialogs = Dialogs(page)
    page.click("button.amber:has-text('过号')")
    assert "过号" in dialogs.messages[0] and ticket.display_number in dialogs.messages[0]
    page.wait_for_timeout(300)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CALLED
    dialogs.answer = "accept"
    page.click("button.amber:has-text('过号')")
    page.wait_for_selector(f"text={ticket.display_number} 已过号")


def test_signing_out_warns_when_nobody_else_serves_the_people_waiting(page, login, centre, make_user):
    from queueing import services
    from queueing.models import WindowState

    teller = user("teller1").staff
    services.window_sign_in(actor="test", staff=teller, window=_window(1))
    for _ in range(2):
        services.ticket_take(actor="kiosk", branch=teller.branch, category="collection")
    login(user("teller1"))
    page.goto(page.base_url + "/queue/HD01/1/")
    panel_requests: list[str] = []
    page.on("request", lambda r: panel_requests.append(r.url) if "/panel/" in r.url else None)
    page.click("summary:has-text('暂停服务 / 签退')")
    warning = page.inner_text("#ws-sign-out-warning")
    assert "归集(缴存) 2 人仍在等候" in warning and "没有其他服务中的窗口" in warning
    page.screenshot(path=str(SHOTS / "frontend-sign-out-warning.png"))
    dialogs = Dialogs(page)
    page.click("button:has-text('签退')")
    assert dialogs.messages[0].startswith("注意：归集(缴存) 2 人仍在等候")
    assert dialogs.messages[0].endswith("确定在 1 号窗口签退？签退后本窗口不再叫号。")
    assert WindowState.objects.get(window=_window(1)).staff_id == teller.pk
    # The panel is not refreshed while the form is open (no eval'd trigger filter needed).
    page.wait_for_timeout(6_000)
    assert panel_requests == []

    # A colleague opens window 2 (归集): nobody is left without a window; no warning.
    services.window_sign_in(actor="test", staff=_universal_teller(make_user), window=_window(2))
    page.reload()
    page.click("summary:has-text('暂停服务 / 签退')")
    assert page.locator("#ws-sign-out-warning").count() == 0
    dialogs.answer = "accept"
    page.click("button:has-text('签退')")
    assert dialogs.messages[1] == "确定在 1 号窗口签退？签退后本窗口不再叫号。"
    page.wait_for_url(re.compile(r"/queue/$"))
    assert WindowState.objects.get(window=_window(1)).staff_id is None


def test_a_refusal_to_accept_asks_first_and_missing_materials_lead_to_the_supplement_notice(
    page, login, centre
):
    from cases.models import CaseStatus

    case = _register(missing=True)
    login(user("teller1"))
    page.goto(page.base_url + f"/cases/{case.receipt_no}/")
    page.click("#reject summary")
    page.check("input[name=reject-ground][value=conditions_not_met]")
    page.fill("textarea[name=reject-reason]", "缺少单位公章的申请表")
    page.screenshot(path=str(SHOTS / "frontend-case-reject-grounds.png"), full_page=True)
    dialogs = Dialogs(page)
    page.click("#reject button[type=submit]")
    assert dialogs.messages[0].startswith(f"确定不予受理 {case.receipt_no}？")
    page.wait_for_timeout(300)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUPPLEMENT
    dialogs.answer = "accept"
    page.click("#reject button[type=submit]")
    alert = page.wait_for_selector("#reject [role=alert]")
    assert "不得以申请人提交的材料不全为由不予受理" in alert.inner_text()
    link = page.locator("#reject [role=alert] a", has_text="打印本办件的补办件通知单")
    assert link.get_attribute("href").endswith(f"/cases/{case.receipt_no}/print/supplement.pdf")
    assert _in_view(page, "#reject [role=alert]")
    page.screenshot(path=str(SHOTS / "frontend-case-reject-missing-materials.png"))
    case.refresh_from_db()
    assert case.status == CaseStatus.SUPPLEMENT

    page.fill(
        "textarea[name=reject-reason]",
        "经查询，申请人及配偶在本市名下已有两套住房，不符合本中心个人住房贷款管理办法的贷款条件。",
    )
    page.click("#reject button[type=submit]")
    page.wait_for_selector("text=已作出不予受理决定")
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED and case.rejection_ground == "conditions_not_met"
    assert "申请事项不符合法定条件" in page.inner_text("#rejection")
    page.screenshot(path=str(SHOTS / "frontend-case-rejected.png"), full_page=True)


def test_the_acceptance_form_asks_only_for_a_refusal(page, login, centre):
    from cases.models import Case

    login(user("teller1"))
    page.goto(page.base_url + "/cases/accept/DK015/")
    page.fill("input[name=name]", "李明")
    page.fill("input[name=id_number]", "130402198807150027")
    page.fill("input[name=phone]", "13831001234")
    page.click("[data-all-received]")
    page.check("input[name=decision][value=reject]")
    page.check("input[name=rejection_ground][value=outside_remit]")
    page.fill("textarea[name=rejection_reason]", "该事项属于不动产登记中心的职责，请到市不动产登记中心办理。")
    page.screenshot(path=str(SHOTS / "frontend-accept-reject.png"), full_page=True)
    dialogs = Dialogs(page)
    page.click("#submit-accept")
    assert dialogs.messages[0].startswith("确定不予受理？")
    page.wait_for_timeout(300)
    assert not Case.objects.exists()
    assert page.is_enabled("#submit-accept")  # cancelled: the button is not left "正在登记…"
    # "改为受理" puts the decision back; accepting asks nothing.
    page.click("#rejection a[data-decision=accept]")
    assert page.is_checked("input[name=decision][value=accept]")
    page.click("#submit-accept")
    page.wait_for_selector("text=已登记办件")
    assert len(dialogs.messages) == 1 and Case.objects.get().status == "accepted"


def test_forwarding_a_case_asks_first(page, login, centre):
    from cases.models import Escalation

    case = _register("GJ019")
    login(user("teller1"))
    page.goto(page.base_url + f"/cases/{case.receipt_no}/")
    dialogs = Dialogs(page)
    page.click("#escalate button[type=submit]")
    assert dialogs.messages[0].startswith("确定转报上级？")
    page.wait_for_timeout(300)
    assert not Escalation.objects.exists()
    dialogs.answer = "accept"
    page.click("#escalate button[type=submit]")
    page.wait_for_selector("text=已转报")
    assert Escalation.objects.filter(case=case).exists()


def test_submitting_a_peer_review_asks_first(page, login, centre):
    from appraisal import services
    from appraisal.models import PeerBallot

    quarter = services.quarter_open(actor=user("office1"), year=2026, quarter=4)
    login(user("teller1"))
    page.goto(page.base_url + "/appraisal/peer-review/")
    for group in page.locator("[role=radiogroup]").all():
        group.locator("input[value='好']").check()
    page.screenshot(path=str(SHOTS / "frontend-peer-review.png"), full_page=True)
    dialogs = Dialogs(page)
    page.click("button:has-text('提交互评')")
    assert dialogs.messages[0].startswith("确定提交") and "提交后不能修改" in dialogs.messages[0]
    page.wait_for_timeout(300)
    assert not PeerBallot.objects.filter(quarter=quarter).exists()
    dialogs.answer = "accept"
    page.click("button:has-text('提交互评')")
    page.wait_for_selector("text=互评已提交")


def test_publishing_a_calendar_year_asks_first(page, login, centre):
    from workdays.models import PublishedYear

    login(user("admin"))
    page.goto(page.base_url + "/workdays/?year=2027")
    page.click("text=录入节假日安排通知")
    page.fill("textarea[name=notice_text]", "测试用通知原文（非真实通知）")
    page.fill("textarea[name=holidays]", "元旦 2027-01-01 2027-01-03\n春节 2027-02-06 2027-02-13")
    page.fill("textarea[name=makeup_workdays]", "2027-02-14 春节调休")
    page.click("button[value=preview]")
    page.wait_for_selector("text=预览：2027年")
    dialogs = Dialogs(page)
    page.click("button[value=publish]")
    assert dialogs.messages[0].startswith("确定发布2027年节假日安排？")
    page.wait_for_timeout(300)
    assert not PublishedYear.objects.filter(year=2027).exists()
    page.screenshot(path=str(SHOTS / "frontend-calendar-publish.png"), full_page=True)


# --- The inline scripts' behaviours, now from static/js/app.js ----------------------------------


def test_print_buttons_auto_submitting_fields_and_menus_work_without_inline_script(page, login, centre):
    case = _register()
    login(user("office1"))
    # Menus: one drop-down open at a time, a click elsewhere closes it.
    groups = page.locator("details.navgroup")
    if groups.count() >= 2:
        groups.nth(0).locator("summary").click()
        groups.nth(1).locator("summary").click()
        assert page.locator("details.navgroup[open]").count() == 1
        page.click("main")
        assert page.locator("details.navgroup[open]").count() == 0
    # 打印 on a printable notice calls window.print (stubbed to count).
    page.add_init_script("window.__printed = 0; window.print = () => { window.__printed += 1; };")
    page.goto(page.base_url + f"/cases/{case.receipt_no}/print/acceptance.html")
    page.click("button[data-print]")
    assert page.evaluate("window.__printed") == 1
    # A select that submits its form on change.
    page.goto(page.base_url + "/facilities/")
    branch = Branch.objects.get(code="WA01")
    page.select_option("select[name=branch]", str(branch.pk))
    page.wait_for_url(re.compile(rf"branch={branch.pk}"))
    # A GET form that goes to an address made of its fields (yearly complaint analysis).
    page.goto(page.base_url + "/reports/complaints/2026/")
    page.select_option("select[name=year]", "2025")
    page.click("form.rv-pick button[type=submit]")
    page.wait_for_url(re.compile(r"/reports/complaints/2025/$"))
