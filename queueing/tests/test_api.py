"""The device API: tickets, windows, branches, the board, appointments."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from org.services import api_token_issue
from queueing import selectors, services
from queueing.models import DeviceKind, Ticket, TicketStatus
from queueing.tests.conftest import C, L, W, window

# 000 §二(二)1(5), verbatim.
DAY_CLOSE_PHRASE = "对不起，我们已经轧账了，请您使用自助办理好吗？"

User = get_user_model()


@pytest.fixture
def kiosk_token(hd01) -> str:
    return services.device_issue(actor="t", branch=hd01, kind=DeviceKind.KIOSK, name="大厅1号")[1]


@pytest.fixture
def board_token(hd01) -> str:
    return services.device_issue(actor="t", branch=hd01, kind=DeviceKind.BOARD, name="大厅屏")[1]


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def staff_token(username: str) -> str:
    return api_token_issue(actor="t", user=User.objects.get(username=username), name="test")


def take(client, token, **body):
    return client.post(
        "/api/v1/tickets", {"branch": "HD01", **body}, content_type="application/json", **bearer(token)
    )


# --- POST /tickets ---------------------------------------------------------------------------


def test_a_kiosk_takes_a_ticket_and_gets_number_position_wait_and_status_url(client, kiosk_token, clock):
    take(client, kiosk_token, category=W)
    response = take(client, kiosk_token, category=W, priority="elderly")
    assert response.status_code == 201
    body = response.json()
    assert body["number"] == "B002" and body["category"] == W and body["position"] == 1
    assert body["priority"] == "elderly" and body["estimated_wait_minutes"] is not None
    assert re.fullmatch(r"http://testserver/t/[\w-]{16,32}/", body["status_url"])
    assert body["estimated_wait"].startswith("约 ")


def test_after_the_day_close_the_api_answers_409_day_closed(client, kiosk_token, clock):
    clock.set(17, 0)
    response = take(client, kiosk_token, category=C)
    assert response.status_code == 409
    assert response.json()["error"] == "day_closed" and response.json()["message"] == DAY_CLOSE_PHRASE


def test_taking_a_ticket_needs_a_kiosk_or_a_guide(client, hd01, board_token, clock, make_user):
    assert take(client, "wsd_forged", category=C).status_code == 401
    assert (
        client.post(
            "/api/v1/tickets", {"branch": "HD01", "category": C}, content_type="application/json"
        ).status_code
        == 401
    )
    assert take(client, board_token, category=C).status_code == 403
    teller = make_user("teller", branch=hd01)
    assert take(client, api_token_issue(actor="t", user=teller, name="x"), category=C).status_code == 403
    guide = make_user("guide", branch=hd01)
    response = take(client, api_token_issue(actor="t", user=guide, name="x"), category=C)
    assert response.status_code == 201 and Ticket.objects.get().source == "guide"


def test_a_kiosk_of_another_branch_cannot_take_here(client, wa01, clock):
    token = services.device_issue(actor="t", branch=wa01, kind=DeviceKind.KIOSK, name="k")[1]
    assert take(client, token, category=C).status_code == 403


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"category": "mortgage"}, "不是有效的业务类别"),
        ({}, "请选择业务类别"),
        ({"category": C, "priority": "vip"}, "绿色通道类别无效"),
    ],
)
def test_bad_input_is_a_4xx_with_a_chinese_message(client, kiosk_token, clock, body, message):
    response = take(client, kiosk_token, **body)
    assert response.status_code == 422 and message in response.json()["message"]


def test_an_unknown_branch_is_a_404(client, kiosk_token, clock):
    response = client.post(
        "/api/v1/tickets",
        {"branch": "XX99", "category": C},
        content_type="application/json",
        **bearer(kiosk_token),
    )
    assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_appointment_check_in_through_the_api(client, hd01, kiosk_token, clock, sms_outbox):
    from queueing.tests.test_appointments import book

    clock.set(8, 0)
    appointment = book(hd01, sms_outbox, clock, day=clock.moment.date(), slot="09:00")
    clock.set(8, 40)
    response = take(client, kiosk_token, appointment_code=appointment.code)
    assert response.status_code == 201
    assert response.json()["appointment_code"] == appointment.code and not response.json()["late_appointment"]
    again = take(client, kiosk_token, appointment_code=appointment.code)
    assert again.status_code == 409 and "已签到" in again.json()["message"]
    assert take(client, kiosk_token, appointment_code="00000000").status_code == 404


# --- GET /tickets/{ref} ------------------------------------------------------------------------


def test_the_status_by_token_is_public_and_by_id_needs_credentials(client, kiosk_token, clock):
    body = take(client, kiosk_token, category=C).json()
    token = body["status_url"].rstrip("/").rsplit("/", 1)[1]
    public = client.get(f"/api/v1/tickets/{token}")
    assert (
        public.status_code == 200 and public.json()["position"] == 0 and public.json()["status"] == "waiting"
    )
    assert client.get(f"/api/v1/tickets/{body['id']}").status_code == 401
    assert client.get(f"/api/v1/tickets/{body['id']}", **bearer(kiosk_token)).status_code == 200
    assert client.get("/api/v1/tickets/nonexistent-token-xyz").status_code == 404


def test_staff_of_another_branch_cannot_read_a_ticket_by_id(client, kiosk_token, clock):
    body = take(client, kiosk_token, category=C).json()
    response = client.get(f"/api/v1/tickets/{body['id']}", **bearer(staff_token("teller3")))
    assert response.status_code == 404


# --- Windows -------------------------------------------------------------------------------------


def test_the_teller_works_a_window_through_the_api(client, kiosk_token, clock):
    token = staff_token("teller1")
    assert client.post("/api/v1/windows/HD01/1/call-next", **bearer(token)).status_code == 204
    take(client, kiosk_token, category=C)
    called = client.post("/api/v1/windows/HD01/1/call-next", **bearer(token))
    assert (
        called.status_code == 200
        and called.json()["number"] == "A001"
        and called.json()["status"] == "called"
    )
    assert client.post("/api/v1/windows/HD01/1/recall", **bearer(token)).json()["recall_count"] == 1
    assert client.post("/api/v1/windows/HD01/1/start", **bearer(token)).json()["status"] == "serving"
    done = client.post("/api/v1/windows/HD01/1/complete", **bearer(token))
    assert done.status_code == 200 and done.json()["status"] == "done"
    # The ratings app mints the rating tokens in the completion's transaction; the teller's
    # answer never carries one (nobody rates their own service).
    assert "rating_token" not in done.json()


def test_a_window_held_by_another_teller_answers_409(client, hd01, clock, make_user):
    assert (
        client.post("/api/v1/windows/HD01/1/call-next", **bearer(staff_token("teller1"))).status_code == 204
    )
    other = make_user("teller", branch=hd01, categories=[C])
    response = client.post(
        "/api/v1/windows/HD01/1/call-next", **bearer(api_token_issue(actor="t", user=other, name="x"))
    )
    assert response.status_code == 409 and response.json()["error"] == "window_held"


def test_window_actions_need_a_teller_of_the_branch(client, kiosk_token, clock, make_user, hd01):
    assert client.post("/api/v1/windows/HD01/1/call-next").status_code == 401
    assert client.post("/api/v1/windows/HD01/1/call-next", **bearer(kiosk_token)).status_code == 403
    guide = make_user("guide", branch=hd01)
    assert (
        client.post(
            "/api/v1/windows/HD01/1/call-next", **bearer(api_token_issue(actor="t", user=guide, name="x"))
        ).status_code
        == 403
    )
    assert (
        client.post("/api/v1/windows/HD01/1/call-next", **bearer(staff_token("teller3"))).status_code == 403
    )
    assert (
        client.post("/api/v1/windows/HD01/99/call-next", **bearer(staff_token("teller1"))).status_code == 404
    )


def test_transfer_pause_and_resume_through_the_api(client, kiosk_token, clock, hd01):
    token = staff_token("teller1")
    take(client, kiosk_token, category=C)
    client.post("/api/v1/windows/HD01/1/call-next", **bearer(token))
    moved = client.post(
        "/api/v1/windows/HD01/1/transfer",
        {"category": L, "window": 6, "note": "贷款"},
        content_type="application/json",
        **bearer(token),
    )
    assert moved.status_code == 200 and moved.json()["status"] == "transferred"
    assert Ticket.objects.get().target_window == window(hd01, 6)
    paused = client.post(
        "/api/v1/windows/HD01/1/pause", {"reason": "away"}, content_type="application/json", **bearer(token)
    )
    assert (
        paused.status_code == 200
        and paused.json()["status"] == "paused"
        and "暂停服务" in paused.json()["sign"]
    )
    assert client.post("/api/v1/windows/HD01/1/call-next", **bearer(token)).status_code == 409
    assert client.post("/api/v1/windows/HD01/1/resume", **bearer(token)).json()["status"] == "open"
    bad = client.post(
        "/api/v1/windows/HD01/1/pause", {"reason": "nap"}, content_type="application/json", **bearer(token)
    )
    assert bad.status_code == 422 and "暂停服务的原因" in bad.json()["message"]


def test_no_show_too_early_is_409_with_the_reason(client, kiosk_token, clock):
    token = staff_token("teller1")
    take(client, kiosk_token, category=C)
    client.post("/api/v1/windows/HD01/1/call-next", **bearer(token))
    response = client.post("/api/v1/windows/HD01/1/no-show", **bearer(token))
    assert response.status_code == 409 and response.json()["error"] == "recall_first"
    assert Ticket.objects.get().status == TicketStatus.CALLED


def test_a_counter_tablet_reads_its_window_state(client, hd01, clock):
    token = services.device_issue(
        actor="t", branch=hd01, kind=DeviceKind.COUNTER, name="1号评价器", window=window(hd01, 1)
    )[1]
    response = client.get("/api/v1/windows/HD01/1", **bearer(token))
    assert response.status_code == 200 and response.json()["status"] == "closed"


# --- Branches and board ---------------------------------------------------------------------------


def test_branches_let_a_device_configure_itself(client, kiosk_token, clock):
    response = client.get("/api/v1/branches", **bearer(kiosk_token))
    assert response.status_code == 200
    [branch] = response.json()  # a device sees its own branch only
    assert branch["code"] == "HD01" and branch["day_close_at"] == "17:00"
    assert [(c["letter"], c["category"]) for c in branch["categories"]] == [
        ("A", "collection"),
        ("B", "withdrawal"),
        ("C", "loan"),
        ("D", "other"),
    ]
    assert branch["windows"][7] == {
        "number": 8,
        "name": "综合业务窗口（绿色通道）",
        "categories": ["collection", "withdrawal", "loan", "other"],
        "green_channel": True,
    }


def test_a_centre_role_sees_every_branch(client, demo, clock):
    response = client.get("/api/v1/branches", **bearer(staff_token("office1")))
    assert [b["code"] for b in response.json()] == ["HD01", "SX01", "WA01"]
    assert client.get("/api/v1/branches").status_code == 401


def test_the_board_endpoint_shows_calls_and_pauses(client, hd01, board_token, kiosk_token, clock):
    token = staff_token("teller1")
    take(client, kiosk_token, category=C)
    client.post("/api/v1/windows/HD01/1/call-next", **bearer(token))
    board = client.get("/api/v1/branches/HD01/board", **bearer(board_token)).json()
    assert board["windows"][0]["current"]["number"] == "A001"
    assert board["recent_calls"][0]["text"] == "请 A001 号到 1 号窗口办理"
    wa_board = services.device_issue(
        actor="t", branch=selectors.branch_by_code("WA01"), kind=DeviceKind.BOARD, name="x"
    )[1]
    assert client.get("/api/v1/branches/HD01/board", **bearer(wa_board)).status_code == 403


def test_the_event_stream_endpoint_for_display_hardware(
    client, hd01, board_token, kiosk_token, clock, settings
):
    settings.QUEUEING_SSE_MAX_SECONDS = 0.3
    take(client, kiosk_token, category=C)
    client.post("/api/v1/windows/HD01/1/call-next", **bearer(staff_token("teller1")))
    response = client.get("/api/v1/branches/HD01/events", HTTP_LAST_EVENT_ID="0", **bearer(board_token))
    body = b"".join(response.streaming_content).decode()
    assert "event: call" in body and "A001" in body


# --- Appointments (public) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        ("2026-11-28", "不是工作日"),  # a Saturday
        ("2026-12-31", "个工作日内"),  # past the booking horizon
        ("2027-01-04", "尚未发布"),  # a year whose holidays are not published
    ],
)
def test_the_slots_api_offers_no_slot_on_a_day_that_cannot_be_booked(client, hd01, clock, day, reason):
    body = client.get(f"/api/v1/appointments/slots?branch=HD01&category=loan&date={day}").json()
    assert body["bookable"] is False and reason in body["reason"]
    assert body["slots"] and all(s["state"] == "closed" and s["free"] == 0 for s in body["slots"])
    # …and the booking itself says the same.
    refused = client.post(
        "/api/v1/appointments/code",
        {
            "branch": "HD01",
            "category": L,
            "date": day,
            "slot": "09:00",
            "name": "张三",
            "id_number": "130402198807150027",
            "mobile": "13812345678",
        },
        content_type="application/json",
    )
    assert refused.status_code == 422 and reason in refused.json()["message"]


def test_the_slots_api_says_a_working_day_inside_the_horizon_is_bookable(client, hd01, clock):
    body = client.get("/api/v1/appointments/slots?branch=HD01&category=loan&date=2026-11-24").json()
    assert body["bookable"] is True and body["reason"] is None


def test_booking_through_the_api(client, hd01, clock, sms_outbox):
    from queueing.tests.test_appointments import ID_1

    dates = client.get("/api/v1/appointments/dates?branch=HD01&category=loan").json()["dates"]
    assert dates[0] == "2026-11-23"
    slots = client.get("/api/v1/appointments/slots?branch=HD01&category=loan&date=2026-11-24").json()["slots"]
    assert slots[0] == {"start": "08:30", "label": "08:30–09:00", "free": 4, "state": "open"}  # fmt: skip
    sent = client.post(
        "/api/v1/appointments/code",
        {
            "branch": "HD01",
            "category": L,
            "date": "2026-11-24",
            "slot": "09:00",
            "name": "张三",
            "id_number": ID_1,
            "mobile": "13812345678",
        },
        content_type="application/json",
    )
    assert sent.status_code == 202
    code = re.search(r"验证码 (\d{6})", sms_outbox[-1].text).group(1)
    made = client.post(
        "/api/v1/appointments",
        {"challenge_id": sent.json()["challenge_id"], "code": code},
        content_type="application/json",
    )
    assert made.status_code == 201
    body = made.json()
    assert (
        body["slot"] == "09:00–09:30" and body["checkin_from"] == "08:30" and body["checkin_until"] == "09:10"
    )
    assert body["mobile"] == "138****5678" and body["name"] == "张*"
    found = client.post(
        f"/api/v1/appointments/{body['code']}/lookup", {"id_number": ID_1}, content_type="application/json"
    )
    assert found.status_code == 200
    cancelled = client.post(
        f"/api/v1/appointments/{body['code']}/cancel", {"id_number": ID_1}, content_type="application/json"
    )
    assert cancelled.json()["status"] == "cancelled"


def test_an_invalid_identity_number_is_a_422_naming_the_field(client, hd01, clock):
    response = client.post(
        "/api/v1/appointments/code",
        {
            "branch": "HD01",
            "category": L,
            "date": "2026-11-24",
            "slot": "09:00",
            "name": "张三",
            "id_number": "110101199003070012",
            "mobile": "13812345678",
        },
        content_type="application/json",
    )
    assert response.status_code == 422 and "id_number：身份证号码校验位不正确" in response.json()["message"]


def test_booking_look_ups_are_rate_limited(client, hd01, clock, frozen_minute):
    from queueing.tests.test_appointments import ID_1

    statuses = [
        client.post(
            "/api/v1/appointments/00000000/lookup", {"id_number": ID_1}, content_type="application/json"
        ).status_code
        for _ in range(11)
    ]
    assert statuses[:10] == [404] * 10 and statuses[10] == 429
