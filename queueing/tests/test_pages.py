"""Pages: anonymous, wrong role, right role — and what each shows."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from org.models import Staff
from queueing import services
from queueing.models import DeviceKind, Ticket, TicketStatus, WindowState, WindowStatus
from queueing.tests.conftest import C, L, W, window

# 000 §二(二)1(5), verbatim.
DAY_CLOSE_PHRASE = "对不起，我们已经轧账了，请您使用自助办理好吗？"

User = get_user_model()


def login(client, username: str) -> None:
    user = User.objects.get(username=username)
    client.force_login(user)


@pytest.fixture
def teller1(hd01) -> Staff:
    return Staff.objects.select_related("user", "branch").get(user__username="teller1")


def bind(client, branch, kind, window_obj=None) -> None:
    _, token = services.device_issue(
        actor="test", branch=branch, kind=kind, name="测试设备", window=window_obj
    )
    response = client.post("/queue/device/", {"token": token})
    assert response.status_code == 302


# --- Kiosk --------------------------------------------------------------------------------


def test_the_kiosk_sends_an_unknown_browser_to_the_device_page(client, hd01):
    response = client.get("/kiosk/HD01/")
    assert response.status_code == 302 and response["Location"].startswith("/queue/device/?next=")


def test_a_bound_kiosk_shows_the_categories_and_takes_a_ticket(client, hd01, clock):
    bind(client, hd01, DeviceKind.KIOSK)
    page = client.get("/kiosk/HD01/").content.decode()
    for name in ("归集", "提取", "贷款", "综合", "预约签到"):
        assert name in page
    step = client.get("/kiosk/HD01/?category=loan").content.decode()
    assert "绿色通道" in step and "孕妇" in step and "普通取号" in step
    response = client.post("/kiosk/HD01/take/", {"category": L, "priority": "disabled"})
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and ticket.token in response["Location"]
    assert (ticket.display_number, ticket.priority, ticket.source, ticket.taken_by) == (
        "C001",
        "disabled",
        "kiosk",
        "kiosk:HD01:测试设备",
    )
    slip = client.get(response["Location"]).content.decode()
    assert "C001" in slip and "前面还有" in slip and '<svg class="qr"' in slip and "绿色通道 · 残疾人" in slip


def test_a_kiosk_of_another_branch_is_refused(client, hd01, wa01):
    bind(client, wa01, DeviceKind.KIOSK)
    assert client.get("/kiosk/HD01/").status_code == 302  # not this branch's device: sign in


def test_a_display_token_does_not_open_the_kiosk(client, hd01):
    bind(client, hd01, DeviceKind.BOARD)
    assert client.get("/kiosk/HD01/").status_code == 302


def test_a_revoked_device_is_signed_out(client, hd01):
    device, token = services.device_issue(actor="t", branch=hd01, kind=DeviceKind.KIOSK, name="k")
    client.post("/queue/device/", {"token": token})
    services.device_revoke(actor="t", device=device)
    assert client.get("/kiosk/HD01/").status_code == 302


def test_a_wrong_device_token_is_refused_with_a_message(client, db):
    response = client.post("/queue/device/", {"token": "wsd_forged"})
    assert response.status_code == 422 and "设备令牌无效" in response.content.decode()


def test_after_the_day_close_the_kiosk_shows_the_standard_phrase_and_takes_nothing(client, hd01, clock):
    bind(client, hd01, DeviceKind.KIOSK)
    clock.set(17, 1)
    page = client.get("/kiosk/HD01/").content.decode()
    assert DAY_CLOSE_PHRASE in page and "自助" in page
    response = client.post("/kiosk/HD01/take/", {"category": C})
    assert response.status_code == 409 and DAY_CLOSE_PHRASE in response.content.decode()
    assert not Ticket.objects.exists()


def test_a_guide_may_open_the_kiosk_but_a_teller_of_another_branch_may_not(client, hd01, wa01, make_user):
    guide = make_user("guide", branch=hd01)
    client.force_login(guide)
    assert client.get("/kiosk/HD01/").status_code == 200
    client.force_login(make_user("teller", branch=wa01))
    assert client.get("/kiosk/HD01/").status_code == 403


def test_check_in_at_the_kiosk_by_identity_number(client, hd01, clock, sms_outbox):
    from queueing.tests.test_appointments import ID_1, book

    clock.set(8, 0)
    appointment = book(hd01, sms_outbox, clock, day=clock.moment.date(), slot="09:00")
    clock.set(8, 45)
    bind(client, hd01, DeviceKind.KIOSK)
    response = client.post("/kiosk/HD01/checkin/", {"code": ID_1})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "checked_in" and appointment.ticket is not None
    assert "预约签到" in client.get(response["Location"]).content.decode()


def test_a_citizen_with_two_bookings_today_chooses_one_at_the_kiosk(client, hd01, clock, sms_outbox):
    from queueing.tests.test_appointments import ID_1, book

    clock.set(8, 0)
    book(hd01, sms_outbox, clock, category=L, day=clock.moment.date(), slot="09:00")
    withdrawal = book(hd01, sms_outbox, clock, category=W, day=clock.moment.date(), slot="09:00")
    clock.set(8, 45)
    bind(client, hd01, DeviceKind.KIOSK)
    page = client.post("/kiosk/HD01/checkin/", {"code": ID_1}).content.decode()
    assert "您今天有多个预约" in page and "贷款 · 09:00–09:30" in page and "提取 · 09:00–09:30" in page
    response = client.post("/kiosk/HD01/checkin/", {"code": withdrawal.code})
    assert response.status_code == 302 and Ticket.objects.get().display_number == "B001"


def test_check_in_with_an_unknown_code_says_so(client, hd01, clock):
    bind(client, hd01, DeviceKind.KIOSK)
    response = client.post("/kiosk/HD01/checkin/", {"code": "12345678"})
    assert response.status_code == 404 and "没有找到该预约码" in response.content.decode()
    response = client.post("/kiosk/HD01/checkin/", {"code": "12"})
    assert response.status_code == 422 and "8位数字" in response.content.decode()


# --- Workstation ------------------------------------------------------------------------------


def test_the_workstation_needs_a_teller(client, hd01, make_user):
    assert client.get("/queue/").status_code == 302  # anonymous → login
    client.force_login(make_user("guide", branch=hd01))
    assert client.get("/queue/").status_code == 403
    assert client.get("/queue/HD01/1/").status_code == 403


def test_a_teller_signs_in_calls_and_completes_from_the_workstation(client, hd01, clock, teller1):
    login(client, "teller1")
    home = client.get("/queue/").content.decode()
    assert "在此窗口签到" in home
    services.ticket_take(actor="k", branch=hd01, category=C)
    response = client.post("/queue/HD01/1/do/call-next/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "已叫号 A001" in html and 'id="ws-current-number">A001' in html
    assert client.get("/queue/").status_code == 302  # back to the window held
    html = client.post("/queue/HD01/1/do/complete/", HTTP_HX_REQUEST="true").content.decode()
    assert "A001 已办结" in html
    assert Ticket.objects.get().status == TicketStatus.DONE


def test_the_ticket_at_the_window_leads_to_accepting_its_case(client, hd01, clock, teller1):
    login(client, "teller1")
    ticket = services.ticket_take(actor="k", branch=hd01, category=C)
    html = client.post("/queue/HD01/1/do/call-next/", HTTP_HX_REQUEST="true").content.decode()
    assert f'href="/cases/accept/?ticket={ticket.pk}"' in html
    assert 'href="/notices/new/"' in html


def test_a_refused_action_shows_its_message_with_a_4xx(client, hd01, clock, teller1):
    login(client, "teller1")
    services.ticket_take(actor="k", branch=hd01, category=C)
    client.post("/queue/HD01/1/do/call-next/", HTTP_HX_REQUEST="true")
    response = client.post("/queue/HD01/1/do/no-show/", HTTP_HX_REQUEST="true")
    assert response.status_code == 409 and "请先重呼" in response.content.decode()


def test_pause_and_transfer_from_the_workstation(client, hd01, clock, teller1):
    login(client, "teller1")
    services.ticket_take(actor="k", branch=hd01, category=C)
    client.post("/queue/HD01/1/do/call-next/", HTTP_HX_REQUEST="true")
    html = client.post(
        "/queue/HD01/1/do/transfer/", {"category": L, "note": "转贷款"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "已转至“贷款(1)”" not in html and "A001 已转至" in html
    html = client.post("/queue/HD01/1/do/pause/", {"reason": "away"}, HTTP_HX_REQUEST="true").content.decode()
    assert "暂停服务" in html
    assert WindowState.objects.get(window=window(hd01, 1)).status == WindowStatus.PAUSED


def test_a_teller_cannot_use_a_window_of_another_branch(client, hd01, wa01, clock):
    login(client, "teller3")  # 武安
    assert client.get("/queue/HD01/8/").status_code == 403
    assert client.post("/queue/HD01/8/do/call-next/").status_code == 403


def test_the_workstation_forms_need_csrf(hd01, clock, teller1):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(teller1.user)
    assert strict.post("/queue/HD01/1/do/call-next/").status_code == 403


# --- Guide page -------------------------------------------------------------------------------


def test_the_guide_page_roles(client, hd01, make_user):
    assert client.get("/queue/guide/").status_code == 302
    client.force_login(make_user("teller", branch=hd01))
    assert client.get("/queue/guide/").status_code == 403
    client.force_login(make_user("guide", branch=hd01))
    assert client.get("/queue/guide/").status_code == 200


def test_a_guide_takes_a_ticket_for_a_citizen_and_cancels_one(client, hd01, clock, make_user):
    client.force_login(make_user("guide", branch=hd01))
    html = client.post(
        "/queue/guide/take/", {"branch": "HD01", "category": W, "priority": "elderly"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    ticket = Ticket.objects.get()
    assert "已取号 B001" in html and ticket.source == "guide" and ticket.priority == "elderly"
    client.post(f"/queue/guide/ticket/{ticket.pk}/cancel/", HTTP_HX_REQUEST="true")
    assert Ticket.objects.get().status == TicketStatus.CANCELLED


def test_an_inspector_sees_the_hall_but_cannot_act(client, hd01, clock, make_user):
    client.force_login(make_user("inspector"))
    page = client.get("/queue/guide/?branch=HD01").content.decode()
    assert "帮办事职工取号" not in page
    assert client.post("/queue/guide/take/", {"branch": "HD01", "category": C}).status_code == 403


def test_a_guide_cannot_act_on_another_branchs_ticket(client, hd01, wa01, clock, make_user):
    ticket = services.ticket_take(actor="k", branch=wa01, category=C)
    client.force_login(make_user("guide", branch=hd01))
    assert client.post(f"/queue/guide/ticket/{ticket.pk}/cancel/").status_code == 404


def test_the_guide_page_masks_identity_numbers_and_phones(client, hd01, clock, sms_outbox, make_user):
    from queueing.tests.test_appointments import ID_1, book

    clock.set(8, 0)
    book(hd01, sms_outbox, clock, day=clock.moment.date(), slot="10:00")
    client.force_login(make_user("guide", branch=hd01))
    page = client.get("/queue/guide/").content.decode()
    assert ID_1 not in page and "1101**********0011" in page
    assert "13812345678" not in page and "138****5678" in page


def test_the_guide_page_lists_with_a_bounded_number_of_queries(
    client, hd01, clock, make_user, django_assert_max_num_queries
):
    for _ in range(15):
        services.ticket_take(actor="k", branch=hd01, category=C)
    client.force_login(make_user("guide", branch=hd01))
    with django_assert_max_num_queries(45):
        assert client.get("/queue/guide/panel/").status_code == 200


# --- Counter tablet and display -------------------------------------------------------------------


def test_the_counter_tablet_shows_the_teller_card_and_the_pause_sign(client, hd01, clock, teller1):
    bind(client, hd01, DeviceKind.COUNTER, window(hd01, 1))
    assert "本窗口暂未开放" in client.get("/queue/counter/HD01/1/").content.decode()
    services.window_sign_in(actor="t", staff=teller1, window=window(hd01, 1))
    page = client.get("/queue/counter/HD01/1/").content.decode()
    assert "胡晓明" in page and "工号 1101" in page and "12329" in page
    services.window_pause(actor="t", staff=teller1, window=window(hd01, 1), reason="away")
    page = client.get("/queue/counter/HD01/1/panel/").content.decode()
    assert "暂停服务" in page and "请稍候" in page


def test_the_evaluator_runs_on_the_bound_tablet_only_and_staff_are_told_how_to_bind_one(
    client, hd01, teller1
):
    client.force_login(teller1.user)
    workstation = client.get("/queue/HD01/1/").content.decode()
    assert "本窗口未绑定柜台平板" in workstation and "/queue/counter/HD01/1/" not in workstation
    preview = client.get("/queue/counter/HD01/1/").content.decode()
    assert "这是柜台平板画面的预览" in preview and "还没有绑定柜台平板" in preview
    assert 'id="evaluator"' not in preview and "data-evaluator" not in preview
    client.logout()
    bind(client, hd01, DeviceKind.COUNTER, window(hd01, 1))
    tablet = client.get("/queue/counter/HD01/1/").content.decode()
    assert 'id="evaluator"' in tablet and "data-evaluator" in tablet and "预览" not in tablet
    client.force_login(teller1.user)
    assert "柜台平板画面" in client.get("/queue/HD01/1/").content.decode()


def test_a_counter_tablet_shows_only_its_own_window(client, hd01):
    bind(client, hd01, DeviceKind.COUNTER, window(hd01, 1))
    assert client.get("/queue/counter/HD01/2/").status_code == 302


def test_the_display_shows_calls_pauses_and_waiting_counts(client, hd01, clock, teller1, teller):
    bind(client, hd01, DeviceKind.BOARD)
    services.ticket_take(actor="k", branch=hd01, category=C)
    services.ticket_take(actor="k", branch=hd01, category=W)
    services.ticket_call_next(actor="t", staff=teller1, window=window(hd01, 1))
    other = teller(hd01, [W])
    services.window_sign_in(actor="t", staff=other, window=window(hd01, 3))
    services.window_pause(actor="t", staff=other, window=window(hd01, 3), reason="consult")
    page = client.get("/board/HD01/").content.decode()
    assert "请 A001 号到 1 号窗口办理" in page
    tile3 = re.search(r'data-window-number="3".*?</article>', page, re.S).group(0)
    assert "暂停服务" in tile3
    assert re.search(r"B 提取</td><td>1 人", page)


def test_the_display_needs_a_device_or_staff(client, hd01):
    assert client.get("/board/HD01/").status_code == 302
    assert client.get("/board/HD01/events/").status_code == 302


def test_the_display_event_stream_sends_a_call(client, hd01, clock, teller1, settings):
    settings.QUEUEING_SSE_MAX_SECONDS = 0.3
    bind(client, hd01, DeviceKind.BOARD)
    services.ticket_take(actor="k", branch=hd01, category=C)
    services.ticket_call_next(actor="t", staff=teller1, window=window(hd01, 1))
    response = client.get("/board/HD01/events/?after=0")
    assert response["Content-Type"].startswith("text/event-stream")
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("retry: ")
    assert (
        "event: call" in body and '"number": "A001"' in body and '"text": "请 A001 号到 1 号窗口办理"' in body
    )


# --- Public: booking and a citizen's ticket ------------------------------------------------------


def test_a_citizen_follows_a_ticket_by_its_token_without_signing_in(client, hd01, clock):
    first = services.ticket_take(actor="k", branch=hd01, category=C)
    second = services.ticket_take(actor="k", branch=hd01, category=C)
    page = client.get(f"/t/{second.token}/").content.decode()
    assert "A002" in page and "前面还有 1 人" in page
    assert client.get(f"/t/{first.token}x/").status_code == 404


def test_the_ticket_page_stops_polling_when_the_ticket_is_done(client, hd01, clock, teller1):
    ticket = services.ticket_take(actor="k", branch=hd01, category=C)
    assert client.get(f"/t/{ticket.token}/status/").status_code == 200
    services.ticket_call_next(actor="t", staff=teller1, window=window(hd01, 1))
    services.ticket_complete(actor="t", staff=teller1, window=window(hd01, 1))
    response = client.get(f"/t/{ticket.token}/status/")
    assert response.status_code == 286 and "业务已办结" in response.content.decode()


def test_the_ticket_page_is_rate_limited(client, hd01, clock, frozen_minute):
    ticket = services.ticket_take(actor="k", branch=hd01, category=C)
    statuses = [client.get(f"/t/{ticket.token}/status/").status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429


def test_the_booking_page_offers_working_days_and_slots(client, hd01, clock):
    page = client.get("/book/?branch=HD01&category=loan&date=2026-11-24").content.decode()
    assert "11月24日 星期二" in page and "11月28日" not in page  # Saturday is not offered
    assert "09:00–09:30" in page and "剩余 4" in page and "12:30" not in page


def test_booking_through_the_pages(client, hd01, clock, sms_outbox):
    from queueing.tests.test_appointments import ID_1

    data = {
        "branch": "HD01",
        "category": L,
        "date": "2026-11-24",
        "slot": "09:00",
        "name": "张三",
        "id_number": ID_1,
        "mobile": "13812345678",
        "agree": "on",
    }
    response = client.post("/book/", data)
    assert response.status_code == 302 and response["Location"] == "/book/verify/"
    verify = client.get("/book/verify/").content.decode()
    assert "138****5678" in verify
    code = re.search(r"验证码 (\d{6})", sms_outbox[-1].text).group(1)
    response = client.post("/book/verify/", {"code": code})
    assert response.status_code == 302
    done = client.get(response["Location"]).content.decode()
    booking_code = re.search(r'id="booking-code">(\d{8})<', done).group(1)
    assert ID_1 not in done and "1101**********0011" in done
    manage = client.post("/book/manage/", {"code": booking_code, "id_number": ID_1, "action": "cancel"})
    assert "已取消" in manage.content.decode()


def test_the_booking_form_says_what_is_wrong(client, hd01, clock):
    response = client.post("/book/", {"branch": "HD01", "category": L, "id_number": "123", "mobile": "1"})
    page = response.content.decode()
    assert response.status_code == 422
    assert (
        "身份证号码应为18位" in page
        and "手机号码应为以1开头的11位数字" in page
        and "请阅读并勾选预约须知" in page
    )


def test_a_booking_is_found_only_with_its_identity_number(client, hd01, clock, sms_outbox):
    from queueing.tests.test_appointments import ID_2, book

    appointment = book(hd01, sms_outbox, clock)
    response = client.post("/book/manage/", {"code": appointment.code, "id_number": ID_2})
    assert response.status_code == 404 and "没有找到该预约" in response.content.decode()


def test_the_menu_shows_the_workstation_to_tellers_and_the_hall_page_to_guides(client, hd01, make_user):
    client.force_login(User.objects.get(username="teller1"))
    assert "叫号工作台" in client.get("/").content.decode()
    client.force_login(make_user("guide", branch=hd01))
    home = client.get("/").content.decode()
    assert "大厅排队" in home and "叫号工作台" not in home
