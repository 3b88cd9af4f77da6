"""Bad input is a 4xx with a message a person can act on, never a 500 (issue 15): each
finding of the penetration test, as a regression test. The fuzzing test
(test_api_fuzz.py) covers every operation of the API; these pin the named cases, pages
included, on the database the suite runs on (SQLite, then PostgreSQL)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from complaints.models import Complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    from org.demo import seed_demo

    seed_demo()


def _json(client, url: str, payload, **extra):
    return client.post(url, json.dumps(payload), content_type="application/json", **extra)


COMPLAINT = {
    "subject": "窗口人员态度生硬",
    "content": "办理提取时工作人员态度生硬，未一次性告知材料。",
    "complainant_name": "张三",
    "complainant_phone": "13800001234",
    "contact_preference": "phone",
}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/matters?q=%00",
        "/api/v1/appointments/slots?branch=HD%0001&category=loan&date=2026-12-08",
        "/api/v1/tickets/%00",
        "/guide/?q=%00",
        "/complaints/?q=%00",
    ],
)
def test_a_nul_byte_in_the_address_is_a_400_with_a_message(client, demo, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "不允许的字符" in response.content.decode()


def test_a_nul_byte_or_a_lone_surrogate_in_a_json_body_is_a_400_for_the_public(client, demo):
    for text in ("张三\u0000", "\ud800"):
        response = _json(client, "/api/v1/complaints/public", {**COMPLAINT, "complainant_name": text})
        assert response.status_code == 400 and response.json()["error"] == "invalid_characters"
    assert not Complaint.objects.exists()


def test_control_characters_are_dropped_from_text_not_refused(client, demo):
    response = _json(client, "/api/v1/complaints/public", {**COMPLAINT, "subject": "窗口\x0b人员态度生硬"})
    assert response.status_code == 201, response.content
    assert Complaint.objects.get().subject == "窗口人员态度生硬"


def test_text_longer_than_its_column_is_a_422_naming_the_field_on_every_database(client, demo):
    response = _json(client, "/api/v1/complaints/public", {**COMPLAINT, "complainant_name": "张" * 10_000})
    assert response.status_code == 422 and response.json()["message"]
    assert not Complaint.objects.exists()


def test_the_column_guard_holds_for_any_service_call(demo):
    """Below the forms and schemas: a service handed an over-long text refuses it before
    the database does (SQLite would store it, PostgreSQL would answer with a 500)."""
    from common.errors import DomainError
    from org.models import Branch

    branch = Branch.objects.get(code="HD01")
    branch.name = "大" * 500
    with pytest.raises(DomainError) as refused:
        branch.save()
    assert refused.value.code == "too_long" and refused.value.status == 422


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("/api/v1/tickets/²", (400, 404, 422)),
        ("/api/v1/tickets/99999999999999999999", (401, 404)),
        ("/complaints/?year=²", (200,)),
        ("/org/?branch=99999999999999999999", (200,)),
        ("/org/?branch=²", (200,)),
        ("/ratings/list/?level=²", (200, 404)),
    ],
)
def test_odd_digits_and_huge_numbers_are_never_a_server_error(client, demo, url, ok):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="office1"))
    assert client.get(url).status_code in ok


def test_a_huge_id_in_a_page_address_is_a_404(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="office1"))
    response = client.get("/complaints/TS1/files/99999999999999999999/")
    assert response.status_code == 404


def test_the_event_streams_take_an_odd_last_event_id_in_stride(client, demo, settings):
    from django.contrib.auth import get_user_model

    settings.QUEUEING_SSE_MAX_SECONDS = 0.2
    client.force_login(get_user_model().objects.get(username="guide1"))
    for bad in ("²", "99999999999999999999", "-1", "abc"):
        response = client.get(reverse("board_events", args=["HD01"]), HTTP_LAST_EVENT_ID=bad)
        assert response.status_code == 200
        b"".join(response.streaming_content)  # the stream runs to its end without an error


def test_first_inquiry_breaches_without_a_staff_number_is_a_422(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="office1"))
    response = client.get("/api/v1/inquiries/breaches", {"staff_no": "", "year": 2000})
    assert response.status_code == 422 and "工号" in response.json()["message"]


def test_the_api_takes_json_bodies_only_so_another_site_cannot_post_a_simple_request(client, demo):
    body = json.dumps(COMPLAINT)
    refused = client.post("/api/v1/complaints/public", body, content_type="text/plain")
    assert refused.status_code == 415 and refused.json()["error"] == "unsupported_media_type"
    form = client.post("/api/v1/complaints/public", {"subject": "x"})
    assert form.status_code == 415
    assert not Complaint.objects.exists()


def test_a_defect_in_the_api_answers_in_the_json_error_shape_with_debug_off(client, settings, monkeypatch):
    from types import SimpleNamespace

    settings.DEBUG = False

    def broken_cursor():
        raise RuntimeError("a defect")

    monkeypatch.setattr("config.api.connection", SimpleNamespace(cursor=broken_cursor))
    response = client.get("/api/v1/health")
    assert response.status_code == 500 and response["Content-Type"].startswith("application/json")
    assert response.json() == {"error": "server_error", "message": "服务器内部错误，已记录，请稍后再试。"}


def test_a_malformed_form_body_is_a_400(client, demo):
    response = client.post(
        reverse("public_complaint_track"),
        data=b"--x\r\nbroken",
        content_type="multipart/form-data; boundary=",
    )
    assert response.status_code == 400
