"""The complaints API: public intake and follow-up (no login, rate-limited), staff
intake with a token, lists masked, details for whoever may see them, appraisal inputs."""

from __future__ import annotations

import pytest

from complaints.models import Complaint
from complaints.tests.helpers import accept, classify, determine, register
from org.services import api_token_issue

pytestmark = pytest.mark.django_db

PUBLIC = {
    "subject": "窗口推诿",
    "content": "来回推诿",
    "anonymous": True,
    "contact_preference": "online",
    "branch_code": "HD01",
    "window_number": 3,
    "scope_codes": ["service_rules"],
}


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(actor='test', user=user, name='测试')}"}


def test_the_h5_page_files_a_complaint_and_follows_it_without_login(client, demo):
    response = client.post("/api/v1/complaints/public", PUBLIC, content_type="application/json")
    assert response.status_code == 201, response.json()
    receipt = response.json()
    assert receipt["status"] == "已收到，等待受理" and len(receipt["query_password"]) == 8
    c = Complaint.objects.get(no=receipt["no"])
    assert (c.window.number, c.branch.code, c.channel) == (3, "HD01", "web")
    status = client.post(
        "/api/v1/complaints/public/status",
        {"no": receipt["no"], "query_password": receipt["query_password"]},
        content_type="application/json",
    )
    assert status.status_code == 200
    assert status.json()["steps"][0]["text"].startswith("您的投诉已收到")
    wrong = client.post(
        "/api/v1/complaints/public/status",
        {"no": receipt["no"], "query_password": "nope"},
        content_type="application/json",
    )
    unknown = client.post(
        "/api/v1/complaints/public/status",
        {"no": "TS20990101-0001", "query_password": receipt["query_password"]},
        content_type="application/json",
    )
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"complainant_phone": "123"}, "complainant_phone"),
        ({"branch_code": "XX"}, "没有代码为 XX 的管理部"),
        ({"window_number": 77}, "没有77号窗口"),
        ({"anonymous": False}, "请填写投诉人姓名"),
        ({"scope_codes": ["x"]}, "受理范围代码无效"),
    ],
)
def test_bad_public_input_is_a_422_with_a_chinese_message(client, demo, changes, message):
    response = client.post("/api/v1/complaints/public", PUBLIC | changes, content_type="application/json")
    assert response.status_code == 422
    assert message in response.json()["message"]


def test_the_public_api_is_rate_limited(client, demo, settings):
    settings.COMPLAINTS_PUBLIC_SUBMIT_LIMIT = (1, 3600)
    assert (
        client.post("/api/v1/complaints/public", PUBLIC, content_type="application/json").status_code == 201
    )
    response = client.post("/api/v1/complaints/public", PUBLIC, content_type="application/json")
    assert response.status_code == 429 and response.json()["error"] == "rate_limited"


def test_the_hotline_system_registers_with_a_token_and_other_roles_cannot(client, users):
    body = {
        "channel": "hotline_transfer",
        "external_ref": "12329-20260302-001",
        "complainant_name": "李四",
        "complainant_phone": "13900001111",
        "subject": "电话无人接听",
        "content": "多次拨打管理部电话无人接听",
        "branch_code": "WA01",
    }
    assert client.post("/api/v1/complaints", body, content_type="application/json").status_code == 401
    refused = client.post(
        "/api/v1/complaints", body, content_type="application/json", **bearer(users["teller1"])
    )
    assert refused.status_code == 403
    created = client.post(
        "/api/v1/complaints", body, content_type="application/json", **bearer(users["office1"])
    )
    assert created.status_code == 201
    c = Complaint.objects.get(no=created.json()["no"])
    assert (c.channel, c.external_ref, c.registered_by) == (
        "hotline_transfer",
        "12329-20260302-001",
        users["office1"],
    )


def test_lists_and_details_follow_the_visibility_rules_and_mask_contacts(client, users):
    c = register(users, "2026-03-02")
    rows = client.get("/api/v1/complaints?view=all", **bearer(users["office1"])).json()
    assert [(r["no"], r["complainant_name"], r["complainant_phone"]) for r in rows] == [
        (c.no, "张*", "138****1234")
    ]
    assert client.get("/api/v1/complaints?view=all", **bearer(users["teller1"])).json() == []
    assert client.get(f"/api/v1/complaints/{c.no}", **bearer(users["head1"])).status_code == 404
    accept(users, c, "2026-03-02")
    classify(users, c, "2026-03-02")
    determine(users, c, "2026-03-02")
    detail = client.get(f"/api/v1/complaints/{c.no}", **bearer(users["head1"])).json()
    assert detail["responsible_staff"] == ["1101"] and detail["complainant_phone"] == "138****1234"


def test_the_appraisal_reads_valid_complaints_fines_and_sanctions(client, users):
    c = register(users, "2026-03-02")
    accept(users, c, "2026-03-02")
    classify(users, c, "2026-03-02")
    determine(users, c, "2026-03-02")
    url = "/api/v1/complaints/appraisal/1101?start=2026-01-01&end=2026-03-31"
    assert client.get(url, **bearer(users["teller1"])).status_code == 403
    body = client.get(url, **bearer(users["leader1"])).json()
    assert body["valid_complaints"] == [c.no] and body["vetoed"] is True
    assert [(f["amount_yuan"], f["nth"]) for f in body["fines"]] == [(30, 1)]
    later = client.get(
        "/api/v1/complaints/appraisal/1101?start=2026-04-01&end=2026-06-30", **bearer(users["leader1"])
    )
    assert later.json()["vetoed"] is False
