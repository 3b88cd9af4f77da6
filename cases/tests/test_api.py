"""The staff API of cases: every endpoint anonymous (401), with a wrong role (403), for a
case of another branch (404) and with the right role; the whole life cycle through the
API; clear 4xx answers for bad input, never a 500."""

from __future__ import annotations

import uuid

import pytest

from cases.models import Case
from cases.tests.conftest import MOBILE, PERSON_ID, at, marks_for
from org.services import api_token_issue

pytestmark = pytest.mark.django_db


def _token(user) -> str:
    return f"Bearer {api_token_issue(actor='test', user=user, name='测试')}"


def _payload(code="DK015", **extra) -> dict:
    body = {
        "matter_code": code,
        "applicant": {"name": "李明", "id_number": PERSON_ID, "phone": MOBILE},
        "materials": [{"code": c, "status": m.status, "note": m.note} for c, m in marks_for(code).items()],
        "idempotency_key": str(uuid.uuid4()),
    }
    body.update(extra)
    return body


def _post(client, url, body, user=None):
    headers = {"HTTP_AUTHORIZATION": _token(user)} if user is not None else {}
    return client.post(url, body, content_type="application/json", **headers)


def _get(client, url, user=None, **params):
    headers = {"HTTP_AUTHORIZATION": _token(user)} if user is not None else {}
    return client.get(url, params, **headers)


def test_registration_through_the_api_returns_the_password_once(client, users, clock):
    clock.set(2026, 11, 23, 10)
    body = _payload()
    assert _post(client, "/api/v1/cases", body).status_code == 401
    assert _post(client, "/api/v1/cases", body, users["office1"]).status_code == 403
    response = _post(client, "/api/v1/cases", body, users["teller1"])
    assert response.status_code == 201
    data = response.json()
    assert data["receipt_no"] == "HD01-20261123-0001" and len(data["query_password"]) == 6
    assert (
        data["deadline"] == "2026-11-30"
        and data["applicant_name"] == "李*"
        and data["applicant_phone"] == "138****1234"
    )
    again = _post(client, "/api/v1/cases", body, users["teller1"])
    assert again.status_code == 200 and again.json()["replayed"] and again.json()["query_password"] is None
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "status", "text"),
    [
        ({"matter_code": "XX999"}, 404, "没有编码为"),
        ({"applicant": {"name": "李明", "id_number": "1304", "phone": MOBILE}}, 422, "身份证号码应为18位"),
        ({"materials": []}, 422, "请核对材料"),
        ({"idempotency_key": "not-a-uuid"}, 422, "idempotency_key"),
        (
            {"rejection": {"ground": "conditions_not_met", "reason": "材料不齐，不予受理"}},
            422,
            "不得以申请人提交的材料不全为由不予受理",
        ),
        ({"channel": "fax"}, 422, "channel"),
        ({"ticket_id": 999999}, 404, "没有这个排队号"),
        ({"window_number": 99}, 422, "没有 99 号窗口"),
    ],
)
def test_bad_input_is_a_clear_4xx(client, users, change, status, text):
    response = _post(client, "/api/v1/cases", _payload(**change), users["teller1"])
    assert response.status_code == status, response.content
    assert text in response.json()["message"]


def test_the_list_and_detail_are_scoped_and_masked(client, users, register):
    case = register("DK015", when=at(2026, 11, 23, 10))
    assert _get(client, "/api/v1/cases").status_code == 401
    assert _get(client, "/api/v1/cases", users["guide1"]).status_code == 403
    mine = _get(client, "/api/v1/cases", users["teller1"], view="mine").json()
    assert mine["count"] == 1 and mine["items"][0]["receipt_no"] == case.receipt_no
    assert _get(client, "/api/v1/cases", users["teller3"]).json()["count"] == 0
    assert _get(client, "/api/v1/cases", users["teller1"], view="nonsense").status_code == 422
    url = f"/api/v1/cases/{case.receipt_no}"
    assert _get(client, url, users["teller3"]).status_code == 404
    detail = _get(client, url, users["office1"]).json()
    assert detail["applicant_id"] == "1304**********0027" and detail["version"] == "DK015@1"
    assert PERSON_ID not in str(detail)


def test_a_promised_case_through_its_whole_life_by_api(client, users, register, clock, sms_outbox):
    case = register("DK015", when=at(2026, 9, 30, 10))
    base = f"/api/v1/cases/{case.receipt_no}"
    clock.set(2026, 10, 12, 10)
    ext = {
        "reason": "需向不动产登记机构核实",
        "requested_deadline": "2026-10-16",
        "explained_to_applicant": True,
    }
    assert _post(client, base + "/extensions", ext).status_code == 401
    assert _post(client, base + "/extensions", ext, users["teller3"]).status_code == 404
    assert _post(client, base + "/extensions", ext, users["teller1"]).status_code == 200
    assert (
        _post(
            client, base + "/extensions/1/head", {"agree": True, "opinion": "同意"}, users["teller1"]
        ).status_code
        == 403
    )
    assert (
        _post(
            client, base + "/extensions/1/head", {"agree": True, "opinion": "同意"}, users["head1"]
        ).status_code
        == 200
    )
    assert (
        _post(
            client, base + "/extensions/1/leader", {"approve": True, "opinion": "同意"}, users["head1"]
        ).status_code
        == 403
    )
    response = _post(
        client, base + "/extensions/1/leader", {"approve": True, "opinion": "同意"}, users["leader1"]
    )
    assert response.status_code == 200 and response.json()["deadline"] == "2026-10-16"
    assert (
        _post(
            client, base + "/extensions/9/leader", {"approve": True, "opinion": "同意"}, users["leader1"]
        ).status_code
        == 404
    )
    clock.set(2026, 10, 15, 10)
    done = _post(
        client,
        base + "/complete",
        {
            "outcome": "approved",
            "result": "准予贷款",
            "transaction_no": "DK20261015000001",
            "notify_method": "sms",
        },
        users["teller1"],
    )
    assert done.status_code == 200 and done.json()["status"] == "completed"
    delivered = _post(client, base + "/deliver", {"method": "pickup", "note": "本人领取"}, users["teller1"])
    assert delivered.status_code == 200 and delivered.json()["status"] == "delivered"
    assert not delivered.json()["overdue"]
    again = _post(client, base + "/deliver", {"method": "pickup"}, users["teller1"])
    assert again.status_code == 409 and again.json()["error"] == "invalid_transition"


def test_supplement_reject_and_review_by_api(client, users, register):
    from cases.tests.conftest import first_material

    case = register("DK015", when=at(2026, 11, 23, 10), missing=(first_material("DK015"),))
    base = f"/api/v1/cases/{case.receipt_no}"
    wrong = _post(client, base + "/supplement", {"material_codes": ["DK015-M04"]}, users["teller1"])
    assert wrong.status_code == 422 and wrong.json()["error"] == "not_on_supplement_list"
    rejected = _post(
        client,
        base + "/reject",
        {
            "ground": "conditions_not_met",
            "reason": "申请人已有未结清的住房公积金贷款，不符合本中心贷款管理办法的条件",
        },
        users["teller1"],
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert (
        _post(
            client,
            base + "/review/decision",
            {"overturn": True, "decision": "撤销不予受理"},
            users["office1"],
        ).status_code
        == 409
    )


def test_joint_and_escalated_steps_by_api(client, users, register, make_user):
    from org.models import Department

    joint = register("DK016", when=at(2026, 11, 23, 10))
    base = f"/api/v1/cases/{joint.receipt_no}"
    bad = _post(
        client, base + "/handovers", {"department_codes": ["NOPE"], "limit_days": 2}, users["teller1"]
    )
    assert bad.status_code == 422
    ok = _post(client, base + "/handovers", {"department_codes": ["GJ"], "limit_days": 2}, users["teller1"])
    assert ok.status_code == 200 and ok.json()["status"] == "joint"
    handover = ok.json()["handovers"][0]
    clerk = make_user("teller", department=Department.objects.get(code="GJ"))
    # The clerk of 归集处 sees the case handed to it and answers.
    answered = _post(client, base + f"/handovers/{handover['id']}/opinion", {"opinion": "同意"}, clerk)
    assert answered.status_code == 200 and answered.json()["status"] == "accepted"

    escalated = register("GJ019", when=at(2026, 11, 23, 10))
    base = f"/api/v1/cases/{escalated.receipt_no}"
    forwarded = _post(client, base + "/escalation", {"authority": "住房公积金管理委员会"}, users["teller1"])
    assert forwarded.status_code == 200 and forwarded.json()["escalation"]["explain_after"] == "2026-12-08"
    early = _post(
        client,
        base + "/escalation/explanation",
        {"explanation": "管委会会议推迟召开，已多次电话催办"},
        users["teller1"],
    )
    assert early.status_code == 422 and early.json()["error"] == "not_yet_due"
    reply = _post(client, base + "/escalation/reply", {"reply": "同意缓缴"}, users["teller1"])
    assert reply.status_code == 200 and reply.json()["status"] == "accepted"


def test_withdrawal_and_notify_by_api(client, users, register):
    case = register("DK015", when=at(2026, 11, 23, 10))
    base = f"/api/v1/cases/{case.receipt_no}"
    assert _post(client, base + "/notify", {"method": "phone"}, users["teller1"]).status_code == 409
    assert (
        _post(client, base + "/withdraw", {"reason": "申请人书面申请撤回"}, users["inspector1"]).status_code
        == 403
    )
    assert (
        _post(client, base + "/withdraw", {"reason": "申请人书面申请撤回"}, users["teller1"]).json()["status"]
        == "withdrawn"
    )


def test_the_openapi_document_lists_the_case_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/cases",
        "/api/v1/cases/query",
        "/api/v1/cases/{receipt_no}/complete",
        "/api/v1/cases/{receipt_no}/extensions",
    ):
        assert path in paths


VALID = {
    "supplement": {"material_codes": ["DK015-M01"]},
    "reject": {"ground": "conditions_not_met", "reason": "申请人不符合本中心贷款管理办法的贷款条件"},
    "handovers": {"department_codes": ["GJ"], "limit_days": 2},
    "handovers/1/opinion": {"opinion": "同意"},
    "escalation": {"authority": "住房公积金管理委员会"},
    "escalation/reply": {"reply": "同意"},
    "escalation/explanation": {"explanation": "管委会会议推迟召开，已电话催办"},
    "extensions": {"reason": "需要核实", "requested_deadline": "2026-12-09", "explained_to_applicant": True},
    "extensions/1/head": {"agree": True, "opinion": "同意"},
    "extensions/1/leader": {"approve": True, "opinion": "同意"},
    "complete": {"outcome": "approved", "result": "准予贷款"},
    "notify": {"method": "phone"},
    "deliver": {"method": "pickup"},
    "withdraw": {"reason": "申请人书面申请撤回"},
    "review/decision": {"overturn": False, "decision": "维持不予受理"},
}


@pytest.mark.parametrize("step", sorted(VALID))
def test_every_step_endpoint_refuses_anonymous_wrong_roles_and_other_branches(client, users, register, step):
    case = register("DK015", when=at(2026, 11, 23, 10))
    url = f"/api/v1/cases/{case.receipt_no}/{step}"
    body = VALID[step]
    assert _post(client, url, body).status_code == 401
    assert _post(client, url, body, users["guide1"]).status_code == 403
    assert _post(client, url, body, users["teller3"]).status_code == 404
    # The right person with an empty body: a 422 naming what is missing, never a 500.
    response = _post(client, url, {}, users["teller1"])
    assert response.status_code == 422 and response.json()["error"] == "invalid_input"
