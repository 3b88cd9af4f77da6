"""Issue #4 "Done when", in headless Chromium: a ticket at the kiosk, an appointment booked
on a phone and checked in, a teller calls, recalls, transfers and completes, pauses the
window — and the hall display shows each call within a second of it, with no reload.
Screenshots go to var/screenshots/queue-*.png."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from common import sms
from common.testing import FrozenClock
from org.demo import seed_demo
from org.models import Branch, Staff
from org.services import api_token_issue
from queueing import services
from queueing.models import DeviceKind, Ticket, TicketStatus
from queueing.tests.conftest import at

pytestmark = pytest.mark.browser

SHOTS = Path("var/screenshots")
BOARD_DEADLINE_SECONDS = 1.0


@pytest.fixture
def hall(page, monkeypatch, settings):
    """The demo centre on a Monday morning (real seconds tick on), texts kept in memory."""
    FrozenClock(at(10, 0), tick=True)
    settings.SMS_BACKEND = "common.sms.LocmemBackend"
    settings.QUEUEING_SSE_MAX_SECONDS = 120
    sms.outbox.clear()
    SHOTS.mkdir(parents=True, exist_ok=True)
    seed_demo()
    for name in ("teller1", "head1"):
        user = get_user_model().objects.get(username=name)
        user.set_password("pw-for-tests-only")
        user.save()
    return Branch.objects.get(code="HD01")


@pytest.fixture
def new_page(browser, live_server, transactional_db, settings):
    """new_page(viewport=…) → another browser (kiosk, display, phone); closed after the test.
    A short heartbeat lets the live server notice at once that a display has gone, so its
    event stream ends while the test database is still there."""
    settings.QUEUEING_SSE_HEARTBEAT_SECONDS = 0.3
    contexts = []

    def make(**context):
        ctx = browser.new_context(locale="zh-CN", **context)
        contexts.append(ctx)
        p = ctx.new_page()
        p.set_default_timeout(10_000)
        p.base_url = live_server.url  # type: ignore[attr-defined]
        return p

    yield make
    for ctx in contexts:
        ctx.close()
    time.sleep(1.0)


def bind_device(p, branch: Branch, kind: str, window=None) -> None:
    _, token = services.device_issue(
        actor="test", branch=branch, kind=kind, name=f"测试{kind}", window=window
    )
    p.goto(p.base_url + "/queue/device/")
    p.fill("input[name=token]", token)
    p.click("button[type=submit].primary")


def open_board(p, branch: Branch) -> None:
    bind_device(p, branch, DeviceKind.BOARD)
    p.wait_for_url(re.compile(r"/board/HD01/$"))
    p.wait_for_function("() => window.__boardReady === true")
    if p.locator("#board-overlay").is_visible():  # the autoplay policy: one click to allow sound
        p.click("#board-enable-voice")
        p.wait_for_selector("#board-overlay", state="hidden")
    p.evaluate("() => { window.__loadedAt = Date.now(); }")  # proves later that it never reloaded


def seconds_until_board_shows(board, expression: str) -> float:
    """How long until a JS expression on the board holds, measured from now."""
    started = time.monotonic()
    board.wait_for_function(expression, timeout=5_000)
    return time.monotonic() - started


def banner_says(text: str) -> str:
    return f"() => document.getElementById('board-banner-text').textContent.includes({text!r})"


def test_kiosk_booking_teller_and_display_work_together(new_page, live_server, page, hall, login):
    base = live_server.url
    timings: dict[str, float] = {}

    # --- The hall display, on a 1080p TV --------------------------------------------------
    board = new_page(viewport={"width": 1920, "height": 1080})
    open_board(board, hall)

    # --- A citizen takes a ticket at the kiosk ---------------------------------------------
    kiosk = new_page(viewport={"width": 1280, "height": 1024})
    bind_device(kiosk, hall, DeviceKind.KIOSK)
    kiosk.wait_for_url(re.compile(r"/kiosk/HD01/$"))
    kiosk.screenshot(path=str(SHOTS / "queue-kiosk.png"))
    kiosk.click("a.kiosk-tile[data-category=collection]")
    kiosk.wait_for_selector("text=普通取号")
    kiosk.screenshot(path=str(SHOTS / "queue-kiosk-priority.png"))
    kiosk.click("button.kiosk-tile.plain")
    kiosk.wait_for_selector("#slip-number")
    assert kiosk.inner_text("#slip-number") == "A001"
    assert "前面还有" in kiosk.inner_text(".slip")
    kiosk.screenshot(path=str(SHOTS / "queue-slip.png"))
    services.ticket_take(actor="kiosk:second", branch=hall, category="collection")  # A002 behind

    # --- Another citizen books on a phone and checks in -------------------------------------
    phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone.goto(base + "/book/")
    phone.select_option("select[name=branch]", "HD01")
    phone.wait_for_selector("select[name=category]")
    phone.select_option("select[name=category]", "loan")
    phone.wait_for_selector("select[name=date]")
    phone.select_option("select[name=date]", "2026-11-23")
    phone.wait_for_selector("#slot-grid")
    phone.click("label:has(input[value='10:30']) .slot")
    assert phone.eval_on_selector("input[name=slot][value='10:30']", "e => e.checked")
    phone.fill("input[name=name]", "李四")
    phone.fill("input[name=id_number]", "110101199003070011")
    phone.fill("input[name=mobile]", "13912345678")
    phone.check("input[name=agree]")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.screenshot(path=str(SHOTS / "queue-booking-phone.png"), full_page=True)
    phone.click("button:has-text('获取短信验证码')")
    phone.wait_for_load_state()
    if "/book/verify/" not in phone.url:
        raise AssertionError(phone.inner_text("main"))
    phone.wait_for_url(re.compile(r"/book/verify/$"))
    code = re.search(r"验证码 (\d{6})", sms.outbox[-1].text).group(1)
    phone.fill("input[name=code]", code)
    phone.click("button:has-text('确认预约')")
    phone.wait_for_selector("#booking-code")
    booking_code = phone.inner_text("#booking-code").strip()
    phone.screenshot(path=str(SHOTS / "queue-booking-done.png"), full_page=True)

    kiosk.goto(base + "/kiosk/HD01/?step=checkin")
    for digit in booking_code:
        kiosk.click(f"[data-keypad] button[data-key='{digit}']")
    kiosk.click("[data-keypad] button.wide")
    kiosk.wait_for_selector("#slip-number")
    assert kiosk.inner_text("#slip-number") == "C001" and "预约签到" in kiosk.inner_text(".slip")

    # --- The teller works window 1 from the workstation ------------------------------------
    teller = page
    teller.set_viewport_size({"width": 1366, "height": 900})
    login(get_user_model().objects.get(username="teller1"))
    teller.goto(base + "/queue/")
    teller.click("form[action$='/queue/HD01/1/do/sign-in/'] button")
    teller.wait_for_url(re.compile(r"/queue/HD01/1/$"))

    teller.click("button[data-shortcut=F1]")
    timings["call A001 → 1"] = seconds_until_board_shows(board, banner_says("请 A001 号到 1 号窗口办理"))
    teller.wait_for_selector("#ws-current-number")
    assert teller.inner_text("#ws-current-number") == "A001"

    first = board.evaluate("document.querySelector('#board-recent li').dataset.event")
    teller.click("button[data-shortcut=F3]")  # 重呼
    timings["recall A001"] = seconds_until_board_shows(
        board, f"() => document.querySelector('#board-recent li').dataset.event !== {first!r}"
    )
    teller.wait_for_selector("text=已重呼 1 次")
    teller.click("button[data-shortcut=F2]")  # 开始办理
    teller.wait_for_selector("text=正在办理")
    teller.screenshot(path=str(SHOTS / "queue-workstation.png"), full_page=True)

    # 多窗联办: A001 goes to the loan queue and is called there first (before C001).
    teller.click("summary:has-text('转移')")
    teller.select_option("select[name=category]", "loan")
    teller.click("button:has-text('转移，保留号码排在最前')")
    teller.wait_for_selector("text=A001 已转至")
    loan_teller = Staff.objects.get(staff_no="1106")
    token = api_token_issue(actor="test", user=_with_teller_role(loan_teller), name="6号窗口")
    started = time.monotonic()
    response = _post(live_server.url + "/api/v1/windows/HD01/6/call-next", token)
    assert response["number"] == "A001"
    board.wait_for_function(banner_says("请 A001 号到 6 号窗口办理"), timeout=5_000)
    timings["call A001 → 6 (transferred)"] = time.monotonic() - started
    _post(live_server.url + "/api/v1/windows/HD01/6/complete", token)

    teller.click("button[data-shortcut=F1]")
    timings["call A002 → 1"] = seconds_until_board_shows(board, banner_says("请 A002 号到 1 号窗口办理"))
    teller.wait_for_selector("#ws-current-number")
    teller.once("dialog", lambda dialog: dialog.accept())  # 办结 asks for confirmation
    teller.click("button[data-shortcut=F4]")  # 办结
    teller.wait_for_selector("text=A002 已办结")

    # Pause: the display shows 暂停服务 on window 1.
    teller.click("summary:has-text('暂停服务')")
    teller.select_option("select[name=reason]", "away")
    teller.click("button.amber:has-text('暂停服务')")
    teller.wait_for_selector("text=显示屏与柜台平板正显示")
    board.wait_for_function(
        "() => document.querySelector('.board-window[data-window-number=\"1\"]').dataset.status === 'paused'",
        timeout=5_000,
    )
    assert "暂停服务" in board.inner_text(".board-window[data-window-number='1']")
    teller.screenshot(path=str(SHOTS / "queue-workstation-paused.png"), full_page=True)
    board.wait_for_timeout(4000)  # let the flash animation end for the picture
    board.screenshot(path=str(SHOTS / "queue-board.png"))

    # Every call was on the display within a second, announced by voice, with no reload.
    print("\nboard latency:", {k: f"{v * 1000:.0f} ms" for k, v in timings.items()})
    assert max(timings.values()) < BOARD_DEADLINE_SECONDS, timings
    announced = board.evaluate("window.__boardAnnouncements")
    assert announced[:4] == [
        "请 A001 号到 1 号窗口办理",
        "请 A001 号到 1 号窗口办理",
        "请 A001 号到 6 号窗口办理",
        "请 A002 号到 1 号窗口办理",
    ]
    assert board.evaluate("window.__loadedAt") is not None
    statuses = dict(Ticket.objects.values_list("display_number", "status"))
    assert (
        statuses["A001"] == statuses["A002"] == TicketStatus.DONE and statuses["C001"] == TicketStatus.WAITING
    )


def test_the_display_survives_a_server_outage_without_a_reload(new_page, page, hall, monkeypatch, settings):
    """The event stream ends every few seconds (as it does every ~55 s in production) and then
    fails with 503 for a while, as during a restart; a call made meanwhile still appears."""
    settings.QUEUEING_SSE_MAX_SECONDS = 2
    board = new_page(viewport={"width": 1280, "height": 720})
    open_board(board, hall)
    board.wait_for_timeout(2500)  # at least one normal end of stream and reconnect

    from django.http import HttpResponse

    import queueing.views.devices

    real_stream = queueing.views.devices.board_stream
    monkeypatch.setattr(
        queueing.views.devices, "board_stream", lambda request, branch: HttpResponse("restarting", status=503)
    )
    board.wait_for_selector("#board-offline:not([hidden])", timeout=6_000)
    staff = Staff.objects.get(user__username="teller1")
    services.ticket_take(actor="k", branch=hall, category="collection")
    services.ticket_call_next(actor="t", staff=staff, window=staff.branch.windows.get(number=1))
    monkeypatch.setattr(queueing.views.devices, "board_stream", real_stream)
    board.wait_for_function(banner_says("请 A001 号到 1 号窗口办理"), timeout=8_000)
    assert board.evaluate("window.__loadedAt") is not None  # the same page, never reloaded
    board.wait_for_selector("#board-offline[hidden]", state="attached")


def test_the_counter_tablet_the_citizens_phone_and_the_guide_page(new_page, live_server, page, hall, login):
    staff = Staff.objects.get(user__username="teller1")
    window1 = staff.branch.windows.get(number=1)
    services.ticket_take(actor="k", branch=hall, category="collection", priority="elderly")
    mine = services.ticket_take(actor="k", branch=hall, category="collection")
    services.ticket_take(actor="k", branch=hall, category="withdrawal")

    phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone.goto(live_server.url + f"/t/{mine.token}/")
    assert phone.inner_text("#ticket-message") == "前面还有 1 人，请留意叫号。"
    services.ticket_call_next(actor="t", staff=staff, window=window1)  # A001: A002 is next
    phone.wait_for_function(
        "() => document.getElementById('ticket-message').textContent.includes('您是下一位')", timeout=8_000
    )  # the page refreshes itself
    phone.screenshot(path=str(SHOTS / "queue-ticket-phone.png"), full_page=True)
    tablet = new_page(viewport={"width": 1024, "height": 600})
    bind_device(tablet, hall, DeviceKind.COUNTER, window=window1)
    tablet.wait_for_url(re.compile(r"/queue/counter/HD01/1/$"))
    assert "胡晓明" in tablet.inner_text("#counter") and "A001" in tablet.inner_text("#counter")
    tablet.screenshot(path=str(SHOTS / "queue-counter.png"))
    services.ticket_complete(actor="t", staff=staff, window=window1)
    services.window_pause(actor="t", staff=staff, window=window1, reason="away")
    tablet.wait_for_selector("#counter-state[data-status=paused]", timeout=6_000)
    tablet.screenshot(path=str(SHOTS / "queue-counter-paused.png"))

    login(get_user_model().objects.get(username="head1"))
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + "/queue/guide/")
    page.select_option("select[name=category]", "loan")
    page.select_option("select[name=priority]", "military")
    page.click("button.primary:has-text('取号')")
    page.wait_for_selector("text=已取号 C001")
    assert "绿色通道 · 军人" in page.inner_text("#waiting-table")
    page.screenshot(path=str(SHOTS / "queue-guide.png"), full_page=True)


def _with_teller_role(staff: Staff):
    from django.contrib.auth.models import Group

    from org.models import Role

    staff.user.groups.add(Group.objects.get(name=Role.TELLER.label))
    return staff.user


def _post(url: str, token: str) -> dict:
    import json
    import urllib.request

    request = urllib.request.Request(url, method="POST", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read() or b"{}")
