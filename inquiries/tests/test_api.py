"""The first-inquiry API: anonymous, wrong role, right role; validation in Chinese."""

from __future__ import annotations

from datetime import date

import pytest

from inquiries import services
from org.services import api_token_issue

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(actor='test', user=user, name='测试')}"}


def test_an_anonymous_client_gets_401(client):
    response = client.post("/api/v1/inquiries", {}, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


def test_a_counter_tablet_logs_a_hand_over_with_a_token(client, people, org):
    response = client.post(
        "/api/v1/inquiries",
        {
            "channel": "phone",
            "matter": "异地转移接续",
            "outcome": "handed_over",
            "visitor_name": "张三",
            "visitor_phone": "13800001234",
            "department_code": "TQ",
            "receiver_staff_no": people["receiver"].staff.staff_no,
            "resolve_working_days": 3,
        },
        content_type="application/json",
        **bearer(people["teller"]),
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (
        body["status"] == "handed_over"
        and body["first_responder"]["staff_no"] == people["teller"].staff.staff_no
    )
    assert body["contact_due"] is not None and body["rules_ref"] == "handan-2021-first-inquiry@1"

    worklist = client.get("/api/v1/inquiries/worklist", **bearer(people["receiver"])).json()
    assert [i["no"] for i in worklist["to_contact"]] == [body["no"]]
    assert worklist["to_contact"][0]["visitor_phone"] == "138****1234"
    assert client.get(f"/api/v1/inquiries/{body['no']}", **bearer(people["stranger"])).status_code == 404


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"visitor_phone": "123"}, "visitor_phone"),
        ({"receiver_staff_no": "X999"}, "没有工号为 X999"),
        ({"department_code": "NOPE"}, "没有代码为 NOPE 的处室"),
        ({"outcome": "handled"}, "答复或办理情况"),
    ],
)
def test_bad_input_is_a_422_with_a_chinese_message(client, people, org, payload, message):
    body = {"channel": "visit", "matter": "提取", "outcome": "handed_over", "department_code": "TQ"} | payload
    response = client.post(
        "/api/v1/inquiries", body, content_type="application/json", **bearer(people["teller"])
    )
    assert response.status_code == 422
    assert message in response.json()["message"]


def test_breaches_are_an_office_and_leader_read(client, people):
    services.breach_record(
        actor=people["office"],
        staff=people["teller"].staff,
        source="inspection",
        occurred_on=date(2025, 3, 1),
        found_on=date(2025, 3, 1),
        description="x",
    )
    url = f"/api/v1/inquiries/breaches?staff_no={people['teller'].staff.staff_no}&year=2025"
    assert client.get(url, **bearer(people["teller"])).status_code == 403
    rows = client.get(url, **bearer(people["leader"])).json()
    assert [(r["nth"], r["consequences"]) for r in rows] == [(1, ["批评教育"])]


def test_a_login_without_a_role_cannot_log(client, make_user):
    response = client.post(
        "/api/v1/inquiries",
        {"channel": "visit", "matter": "x", "outcome": "handled", "answer": "y"},
        content_type="application/json",
        **bearer(make_user(None)),
    )
    assert response.status_code == 403
