"""The ratings API: POST /api/v1/ratings (201 / 409 already_rated / 404 / 410 / 403 / 422),
the token look-up, the completion answer and the evaluator state carrying rating_token,
the score endpoint's roles, the 12329 callback endpoints and the export."""

from __future__ import annotations

import csv
import io
import json

import pytest

from queueing import services as queue
from queueing.models import Device, DeviceKind
from ratings.models import FollowUp, HotlineCallback, Rating, RatingChannel
from ratings.tests.conftest import W, serve, tokens, window


def post_rating(client, payload: dict, **headers):
    return client.post(
        "/api/v1/ratings", data=json.dumps(payload), content_type="application/json", **headers
    )


def at_the_counter(ticket) -> dict:
    """The headers of the counter tablet bound to the window that served `ticket`: the
    one device that submits counter ratings."""
    from queueing.services import device_issue

    _, token = device_issue(
        actor="test", branch=ticket.branch, kind=DeviceKind.COUNTER, window=ticket.window, name="评价器"
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


# --- POST /api/v1/ratings ------------------------------------------------------------------------


def test_a_rating_is_created_with_201_and_again_refused_with_409(client, served):
    token = tokens(served)[RatingChannel.COUNTER]
    first = post_rating(client, {"token": token, "level": 5}, **at_the_counter(served))
    assert first.status_code == 201
    body = first.json()
    assert body["level"] == 5 and body["level_label"] == "非常满意" and body["channel"] == "counter"
    assert body["bad"] is False and body["message"] == "感谢您的评价！"
    again = post_rating(client, {"token": tokens(served)[RatingChannel.QR], "level": 1})
    assert again.status_code == 409
    assert again.json()["error"] == "already_rated" and "只能评价一次" in again.json()["message"]


def test_a_bad_rating_with_reasons_and_a_phone_promises_contact(client, served):
    response = post_rating(
        client,
        {
            "token": tokens(served)[RatingChannel.COUNTER],
            "level": 2,
            "reasons": ["attitude", "favours"],
            "comment": "暗示要好处",
            "contact_phone": "13812345678",
        },
        **at_the_counter(served),
    )
    assert response.status_code == 201
    assert response.json()["follow_up"] is True and "1个工作日内与您联系" in response.json()["message"]
    rating = Rating.objects.get(pk=response.json()["id"])
    assert rating.reasons == ["attitude", "favours"] and rating.contact_phone == "13812345678"
    assert FollowUp.objects.filter(rating=rating).exists()


@pytest.mark.parametrize(
    ("payload", "status", "error"),
    [
        ({"token": "forged-token-forged-token-forged-token", "level": 5}, 404, "token_invalid"),
        ({"level": 5}, 422, "invalid_input"),
        ({"token": "T", "level": "five"}, 422, "invalid_input"),
    ],
)
def test_bad_input_is_a_4xx_with_a_chinese_message(client, served, payload, status, error):
    if payload.get("token") == "T":
        payload["token"] = tokens(served)[RatingChannel.COUNTER]
    response = post_rating(client, payload, **at_the_counter(served))
    assert response.status_code == status
    assert response.json()["error"] == error and response.json()["message"]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"level": 9}, "level"),
        ({"level": 4, "reasons": ["attitude"]}, "reasons"),
        ({"level": 1, "reasons": ["nonsense"]}, "reasons"),
        ({"level": 1, "contact_phone": "110"}, "联系电话"),
        ({"level": 1, "comment": "长" * 501}, "意见建议"),
        ({"level": 1, "rater_type": "robot"}, ""),
    ],
)
def test_invalid_ratings_are_422(client, served, extra, field):
    response = post_rating(
        client, {"token": tokens(served)[RatingChannel.COUNTER], **extra}, **at_the_counter(served)
    )
    assert response.status_code == 422
    assert field in response.json()["message"] or field in json.dumps(response.json(), ensure_ascii=False)
    assert not Rating.objects.exists()


def test_an_expired_token_is_410(client, served, clock):
    clock.advance(minutes=3)
    response = post_rating(
        client, {"token": tokens(served)[RatingChannel.COUNTER], "level": 5}, **at_the_counter(served)
    )
    assert response.status_code == 410 and response.json()["error"] == "token_expired"


def test_a_signed_in_member_of_staff_cannot_rate(client, served, teller1):
    client.force_login(teller1.user)
    response = post_rating(client, {"token": tokens(served)[RatingChannel.COUNTER], "level": 5})
    assert response.status_code == 403 and response.json()["error"] == "staff_cannot_rate"


def test_a_counter_device_rates_with_its_bearer_token(client, served, hd01):
    from queueing.services import device_issue

    device, token = device_issue(
        actor="test", branch=hd01, kind=DeviceKind.COUNTER, window=window(hd01, 1), name="1号评价器"
    )
    response = post_rating(
        client,
        {"token": tokens(served)[RatingChannel.COUNTER], "level": 4},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 201
    from audit.models import AuditEvent

    event = AuditEvent.objects.get(action="ratings.rating.create")
    assert event.actor_label == device.label


def test_the_public_submission_is_rate_limited(client, served, settings):
    settings.RATINGS_PUBLIC_LOOKUPS_PER_MINUTE = 2
    for _ in range(2):
        post_rating(client, {"token": "forged-" + "x" * 30, "level": 5})
    response = post_rating(client, {"token": tokens(served)[RatingChannel.COUNTER], "level": 5})
    assert response.status_code == 429


def test_the_token_endpoint_says_what_is_rated_and_whether_it_still_can_be(client, served, teller1):
    token = tokens(served)[RatingChannel.QR]
    body = client.get(f"/api/v1/ratings/tokens/{token}").json()
    assert body["channel"] == "qr" and body["staff_no"] == teller1.staff_no and body["window"] == 1
    assert body["rated"] is False and body["expired"] is False and len(body["levels"]) == 5
    post_rating(client, {"token": token, "level": 3})
    assert client.get(f"/api/v1/ratings/tokens/{token}").json()["rated"] is True
    assert client.get("/api/v1/ratings/tokens/nope-nope-nope-nope").status_code == 404


# --- The queue's completion and the evaluator state ------------------------------------------------


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_nobody_rates_their_own_service_a_staff_token_or_session_never_gets_the_rating_token(
    client, clock, teller1, hd01, make_user
):
    """000 §五(五)4(1): the rating is the citizen's. The teller's own token (or a guide's, a
    head's, a kiosk's) never reads the token of a service, and a counter token is accepted
    from the counter tablet of that window only."""
    from org.services import api_token_issue
    from queueing.services import device_issue

    staff_token = api_token_issue(actor="test", user=teller1.user, name="工作站")
    queue.ticket_take(actor="kiosk:test", branch=hd01, category="collection")
    client.post("/api/v1/windows/HD01/1/call-next", **bearer(staff_token))
    done = client.post("/api/v1/windows/HD01/1/complete", **bearer(staff_token)).json()
    assert done.get("status") == "done", done
    assert "rating_token" not in json.dumps(done)
    counter_token = tokens(_ticket(done["id"]))[RatingChannel.COUNTER]
    _, kiosk = device_issue(actor="test", branch=hd01, kind=DeviceKind.KIOSK, name="取号机")
    head = make_user("head", branch=hd01)
    head_token = api_token_issue(actor="test", user=head, name="负责人")
    for credentials in (bearer(staff_token), bearer(head_token), bearer(kiosk)):
        state = client.get("/api/v1/windows/HD01/1/evaluator", **credentials)
        assert state.status_code in (200, 403)
        if state.status_code == 200:
            assert state.json()["rating_token"] is None and state.json()["rating"] is None
    client.force_login(teller1.user)
    assert client.get("/api/v1/windows/HD01/1/evaluator").json()["rating_token"] is None
    client.logout()
    # The teller posts the token anyway (read from the database, say): refused.
    refused = post_rating(client, {"token": counter_token, "level": 5}, **bearer(staff_token))
    assert refused.status_code == 403 and refused.json()["error"] == "staff_cannot_rate"
    anonymous = post_rating(client, {"token": counter_token, "level": 5})
    assert anonymous.status_code == 403 and anonymous.json()["error"] == "counter_only"
    other_window = at_the_counter_of_window(hd01, 2)
    assert post_rating(client, {"token": counter_token, "level": 5}, **other_window).status_code == 403
    assert not Rating.objects.exists()
    # The window's own tablet reads the token and the citizen rates on it.
    tablet = at_the_counter(_ticket(done["id"]))
    state = client.get("/api/v1/windows/HD01/1/evaluator", **tablet).json()
    assert state["rating_token"] == counter_token
    assert post_rating(client, {"token": counter_token, "level": 5}, **tablet).status_code == 201
    rating = Rating.objects.get()
    assert rating.channel == "counter" and rating.ticket_id == done["id"]


def _ticket(pk: int):
    from queueing.models import Ticket

    return Ticket.objects.select_related("window", "branch").get(pk=pk)


def at_the_counter_of_window(branch, number: int) -> dict:
    from queueing.services import device_issue

    _, token = device_issue(
        actor="test", branch=branch, kind=DeviceKind.COUNTER, window=window(branch, number), name="评价器"
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_the_evaluator_state_asks_for_the_service_just_completed_until_the_timeout(
    client, clock, teller1, hd01
):
    from queueing.services import device_issue

    _, device_token = device_issue(
        actor="test", branch=hd01, kind=DeviceKind.COUNTER, window=window(hd01, 1), name="评价器"
    )
    state = client.get("/api/v1/windows/HD01/1/evaluator", **bearer(device_token)).json()
    assert state["rating_token"] is None and state["status"] == "closed" and state["staff"] is None
    ticket = serve(teller1, 1)
    state = client.get("/api/v1/windows/HD01/1/evaluator", **bearer(device_token)).json()
    assert state["rating_token"] == tokens(ticket)[RatingChannel.COUNTER]
    assert (
        state["rating"]["ticket_number"] == ticket.display_number and state["rating"]["seconds_left"] == 120
    )
    assert state["staff"]["staff_no"] == teller1.staff_no and state["status"] == "open"
    assert [lv["label"] for lv in state["levels"]] == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    assert state["complaint_phone"] == "12329" and state["timeout_seconds"] == 120
    clock.advance(seconds=121)  # unanswered: the evaluator stops asking; nothing is recorded
    state = client.get("/api/v1/windows/HD01/1/evaluator", **bearer(device_token)).json()
    assert state["rating_token"] is None and not Rating.objects.exists()


def test_the_evaluator_stops_asking_once_the_service_is_rated(client, served, hd01):
    from queueing.services import device_issue

    _, device_token = device_issue(
        actor="test", branch=hd01, kind=DeviceKind.COUNTER, window=window(hd01, 1), name="评价器"
    )
    post_rating(client, {"token": tokens(served)[RatingChannel.QR], "level": 4})
    assert (
        client.get("/api/v1/windows/HD01/1/evaluator", **bearer(device_token)).json()["rating_token"] is None
    )


def test_the_evaluator_state_is_for_that_windows_device_or_staff_of_the_branch(
    client, served, hd01, wa01, make_user
):
    from queueing.services import device_issue

    assert client.get("/api/v1/windows/HD01/1/evaluator").status_code == 401
    _, other = device_issue(
        actor="test", branch=hd01, kind=DeviceKind.COUNTER, window=window(hd01, 2), name="2号"
    )
    assert client.get("/api/v1/windows/HD01/1/evaluator", **bearer(other)).status_code == 403
    _, foreign = device_issue(actor="test", branch=wa01, kind=DeviceKind.KIOSK, name="武安取号机")
    assert client.get("/api/v1/windows/HD01/1/evaluator", **bearer(foreign)).status_code == 403
    client.force_login(make_user("teller", branch=wa01))
    assert client.get("/api/v1/windows/HD01/1/evaluator").status_code == 403
    client.force_login(make_user("guide", branch=hd01))
    assert client.get("/api/v1/windows/HD01/1/evaluator").status_code == 200
    assert client.get("/api/v1/windows/HD01/99/evaluator").status_code == 404


def test_a_bound_counter_tablet_polls_the_evaluator_with_its_session(client, served, hd01):
    from queueing.devices import SESSION_KEY
    from queueing.services import device_issue

    device, _ = device_issue(
        actor="test", branch=hd01, kind=DeviceKind.COUNTER, window=window(hd01, 1), name="评价器"
    )
    session = client.session
    session[SESSION_KEY] = device.pk
    session.save()
    response = client.get("/api/v1/windows/HD01/1/evaluator")
    assert (
        response.status_code == 200
        and response.json()["rating_token"] == tokens(served)[RatingChannel.COUNTER]
    )
    Device.objects.filter(pk=device.pk).update(revoked_at=served.finished_at)
    assert client.get("/api/v1/windows/HD01/1/evaluator").status_code == 401


# --- GET /api/v1/scores/citizen ----------------------------------------------------------------------


def test_scores_need_a_sign_in_and_the_right_role(client, served, make_user, hd01):
    assert client.get("/api/v1/scores/citizen", {"period": "2026-11"}).status_code == 401
    client.force_login(make_user("teller", branch=hd01))
    assert client.get("/api/v1/scores/citizen", {"period": "2026-11"}).status_code == 403
    for role in ("office", "leader", "admin"):
        client.force_login(make_user(role))
        assert client.get("/api/v1/scores/citizen", {"period": "2026-11"}).status_code == 200


def test_a_head_sees_the_units_of_their_branch_only(client, served, make_user, hd01, wa01):
    post_rating(client, {"token": tokens(served)[RatingChannel.COUNTER], "level": 5})
    client.force_login(make_user("head", branch=wa01))
    body = client.get("/api/v1/scores/citizen", {"period": "2026-11", "by": "branch"}).json()
    assert [u["unit_label"] for u in body["units"]] == ["武安市管理部"]
    staff_units = client.get("/api/v1/scores/citizen", {"period": "2026-11", "by": "staff"}).json()["units"]
    assert staff_units and all("胡晓明" not in u["unit_label"] for u in staff_units)


@pytest.mark.parametrize("period", ["2026-13", "2026-Q0", "11-2026", "x"])
def test_a_wrong_period_is_a_422_with_a_message(client, office, period, demo):
    client.force_login(office)
    response = client.get("/api/v1/scores/citizen", {"period": period})
    message = response.json()["message"]
    assert response.status_code == 422 and ("期间" in message or "月份" in message)


def test_a_wrong_unit_kind_is_a_422(client, office, demo):
    client.force_login(office)
    assert client.get("/api/v1/scores/citizen", {"period": "2026", "by": "desk"}).status_code == 422


# --- 12329 callbacks ---------------------------------------------------------------------------------


@pytest.fixture
def callback(clock, teller2) -> HotlineCallback:
    ticket = serve(teller2, 3, W)
    return HotlineCallback.objects.get(ticket=ticket)


def test_the_callback_list_masks_phones_and_opening_a_task_shows_it_to_the_operator(
    client, callback, office, leader
):
    from ratings import services

    services.callback_phone_set(actor=office, callback=callback, phone="13912345678")
    client.force_login(office)
    listed = client.get("/api/v1/ratings/callbacks").json()
    assert [c["phone"] for c in listed] == ["139****5678"]
    opened = client.get(f"/api/v1/ratings/callbacks/{callback.pk}").json()
    assert opened["phone"] == "13912345678"
    assert callback.events.filter(action="reveal").count() == 1
    client.force_login(leader)
    assert client.get(f"/api/v1/ratings/callbacks/{callback.pk}").json()["phone"] == "139****5678"


def test_the_operator_records_calls_and_answers_through_the_api(client, callback, office):
    client.force_login(office)
    url = f"/api/v1/ratings/callbacks/{callback.pk}"
    no_phone = client.post(f"{url}/calls", data={"outcome": "not_reached"}, content_type="application/json")
    assert no_phone.status_code == 409 and no_phone.json()["error"] == "no_phone"
    assert (
        client.post(
            f"{url}/phone", data={"phone": "0310-3101001"}, content_type="application/json"
        ).status_code
        == 200
    )
    assert (
        client.post(f"{url}/calls", data={"outcome": "not_reached"}, content_type="application/json").json()[
            "attempts"
        ]
        == 1
    )
    answer = {"attitude": "dissatisfied", "efficiency": "satisfied", "ran_back": False, "favours": False}
    missing_reason = client.post(f"{url}/answer", data=answer, content_type="application/json")
    assert missing_reason.status_code == 422 and "不满意的具体事项" in missing_reason.json()["message"]
    answer["dissatisfied_reason"] = "说话不客气"
    done = client.post(f"{url}/answer", data=answer, content_type="application/json").json()
    assert done["status"] == "completed" and done["attempts"] == 2 and done["follow_up"] is True


def test_callbacks_are_for_the_office(client, callback, make_user, hd01):
    assert client.get("/api/v1/ratings/callbacks").status_code == 401
    client.force_login(make_user("teller", branch=hd01))
    assert client.get("/api/v1/ratings/callbacks").status_code == 403
    client.force_login(make_user("leader"))
    url = f"/api/v1/ratings/callbacks/{callback.pk}/calls"
    assert client.post(url, data={"outcome": "refused"}, content_type="application/json").status_code == 403


def test_the_callback_ranking_scores_branches(client, callback, office):
    from ratings import services

    services.callback_phone_set(actor=office, callback=callback, phone="13912345678")
    services.callback_record(
        actor=office,
        callback=callback,
        attitude="very_satisfied",
        efficiency="satisfied",
        ran_back=False,
        favours=False,
    )
    client.force_login(office)
    body = client.get("/api/v1/ratings/callbacks-ranking", {"period": "2026-11"}).json()
    first = body["units"][0]
    assert first["unit_label"] == "中心服务大厅" and first["rank"] == 1
    assert (
        first["dimension_scores"] == {"attitude": "100.00", "efficiency": "80.00"}
        and first["score"] == "90.00"
    )
    assert all(u["rank"] is None for u in body["units"][1:])


# --- Export --------------------------------------------------------------------------------------------


def test_the_export_has_the_platforms_fields_in_csv_and_json(client, served, office, teller1):
    post_rating(
        client, {"token": tokens(served)[RatingChannel.COUNTER], "level": 4}, **at_the_counter(served)
    )
    client.force_login(office)
    data = client.get("/api/v1/ratings/export", {"period": "2026-11", "format": "json"})
    assert data.status_code == 200 and "attachment" in data["Content-Disposition"]
    row = json.loads(data.content)["ratings"][0]
    assert row["service_number"] == f"HD01-20261123-{served.display_number}"
    assert row["staff_no"] == teller1.staff_no and row["department_code"] == "DK"
    assert row["level"] == 4 and row["channel"] == "counter" and row["rater_type"] == "person"
    assert row["accepted_at"].startswith("2026-11-23T") and row["completed_at"].endswith("+08:00")
    text = client.get("/api/v1/ratings/export", {"period": "2026-11", "format": "csv"}).content.decode(
        "utf-8-sig"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert (
        rows[0]["staff_no"] == teller1.staff_no and rows[0]["level"] == "4" and rows[0]["matter_code"] == ""
    )


def test_the_export_is_for_the_office_and_administrators(client, served, make_user, hd01):
    client.force_login(make_user("leader"))
    assert client.get("/api/v1/ratings/export", {"period": "2026-11"}).status_code == 403
    client.force_login(make_user("admin"))
    assert client.get("/api/v1/ratings/export", {"period": "2026-11"}).status_code == 200


def test_a_tablet_signed_in_as_staff_cannot_rate_even_when_bound_as_a_device(client, served, hd01, teller1):
    from queueing.devices import SESSION_KEY
    from queueing.services import device_issue

    device, _ = device_issue(
        actor="test", branch=hd01, kind=DeviceKind.COUNTER, window=window(hd01, 1), name="评价器"
    )
    client.force_login(teller1.user)
    session = client.session
    session[SESSION_KEY] = device.pk
    session.save()
    response = post_rating(client, {"token": tokens(served)[RatingChannel.COUNTER], "level": 5})
    assert response.status_code == 403 and response.json()["error"] == "staff_cannot_rate"
