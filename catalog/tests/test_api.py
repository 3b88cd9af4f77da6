"""The catalog API: the public guide and the one-time notices for devices."""

from __future__ import annotations

import base64

import pytest
from django.core.cache import cache

from catalog.models import OneTimeNotice
from catalog.tests.conftest import CITIZEN_ID, signature_png
from catalog.tests.helpers import issue, materials_of
from catalog.tests.test_notices import NOT_MARRIED, TWO_MISSING
from org.services import api_token_issue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def test_the_matter_list_is_public_and_searchable(client):
    body = client.get("/api/v1/matters", {"q": "购房"}).json()
    assert body["items"][0]["code"] == "TQ001"
    assert body["items"][0]["name"] == "住房公积金提取 — 购买自住住房"
    assert body["items"][0]["promised_label"] == "即办" and body["items"][0]["url"] == "/guide/TQ001/"
    loans = client.get("/api/v1/matters", {"category": "loan"}).json()
    assert loans["count"] >= 20 and {i["category"] for i in loans["items"]} == {"loan"}


def test_a_wrong_category_is_a_422_with_a_chinese_message(client):
    response = client.get("/api/v1/matters", {"category": "house"})
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input" and "业务类别" in response.json()["message"]


def test_a_matter_has_every_field_and_its_materials(client):
    body = client.get("/api/v1/matters/tq001").json()
    assert body["code"] == "TQ001" and body["version"] == 1 and body["statutory_days"] == 3
    assert [m["name"] for m in body["materials"]] == [m.name for m in materials_of("TQ001")]
    assert body["materials"][0]["code"] == "TQ001-M01"
    assert body["complaint_phone"] == "12329" and body["procedure"]


def test_an_unknown_matter_is_a_404_and_a_bad_date_a_422(client):
    assert client.get("/api/v1/matters/ZZ999").status_code == 404
    response = client.get("/api/v1/matters/TQ001", {"on": "2026-02-30"})
    assert response.status_code == 422 and "YYYY-MM-DD" in response.json()["message"]
    assert (
        client.get("/api/v1/matters/TQ001", {"on": "2020-01-01"}).status_code == 404
    )  # before the first version


def test_the_public_api_is_rate_limited(client, monkeypatch):
    monkeypatch.setattr("catalog.api.API_LOOKUP", (1, 60))
    assert client.get("/api/v1/matters").status_code == 200
    response = client.get("/api/v1/matters")
    assert response.status_code == 429 and response.json()["error"] == "rate_limited"


def test_notices_need_a_token_or_a_session(client):
    assert client.get("/api/v1/notices").status_code == 401
    assert client.post("/api/v1/notices", {}, content_type="application/json").status_code == 401


def _payload(**overrides):
    items = [
        {
            "material_code": m.code,
            "status": "missing"
            if m.name in TWO_MISSING
            else "not_applicable"
            if m.name in NOT_MARRIED
            else "brought",
        }
        for m in materials_of("TQ001")
    ]
    payload = {
        "matter_code": "TQ001",
        "channel": "counter",
        "citizen": {"name": "李明", "id_number": CITIZEN_ID, "phone": "13831001234"},
        "items": items,
    }
    payload.update(overrides)
    return payload


def test_a_counter_tablet_issues_and_signs_a_notice_with_a_token(client, teller):
    token = api_token_issue(actor="test", user=teller, name="柜台平板")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    response = client.post("/api/v1/notices", _payload(), content_type="application/json", **auth)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith("HD01-") and body["missing_count"] == 2
    assert body["id_number"] == "1304**********" + CITIZEN_ID[-4:] and body["citizen_name"] == "李*"
    png = base64.b64encode(signature_png()).decode()
    signed = client.post(
        f"/api/v1/notices/{body['number']}/signature",
        {"png_base64": png},
        content_type="application/json",
        **auth,
    )
    assert signed.status_code == 200 and signed.json()["status"] == "signed"
    again = client.post("/api/v1/notices", _payload(), content_type="application/json", **auth)
    assert again.status_code == 409 and again.json()["error"] == "already_notified"


def test_an_unknown_material_code_is_named(client, teller):
    client.force_login(teller)
    payload = _payload()
    payload["items"][0]["material_code"] = "TQ001-M99"
    response = client.post("/api/v1/notices", payload, content_type="application/json")
    assert response.status_code == 422 and "TQ001-M99" in response.json()["message"]


def test_an_invalid_identity_number_is_refused_in_chinese(client, teller):
    client.force_login(teller)
    response = client.post(
        "/api/v1/notices",
        _payload(citizen={"name": "李明", "id_number": "1304"}),
        content_type="application/json",
    )
    assert response.status_code == 422 and "身份证号码应为18位" in response.json()["message"]
    assert not OneTimeNotice.objects.exists()


def test_roles_that_do_not_tell_citizens_cannot_issue_through_the_api(client, make_user):
    client.force_login(make_user("office"))
    assert client.post("/api/v1/notices", _payload(), content_type="application/json").status_code == 403


def test_the_notice_list_and_detail_follow_the_branch(client, teller, branch, other_branch, make_user):
    notice = issue(teller, branch, missing=TWO_MISSING)
    client.force_login(teller)
    assert [n["number"] for n in client.get("/api/v1/notices").json()["items"]] == [notice.number]
    detail = client.get(f"/api/v1/notices/{notice.number}").json()
    assert [i["status"] for i in detail["items"]].count("missing") == 2
    client.force_login(make_user("teller", branch=other_branch))
    assert client.get("/api/v1/notices").json()["items"] == []
    assert client.get(f"/api/v1/notices/{notice.number}").status_code == 404
    client.force_login(make_user("office"))
    assert client.get(f"/api/v1/notices/{notice.number}").status_code == 200
