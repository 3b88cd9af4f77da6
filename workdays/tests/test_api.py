"""GET /api/v1/workdays/{date} and /api/v1/workdays/deadline: public, and every bad
input is a 422 a person can act on — never a 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

BASE = "/api/v1/workdays"


@pytest.mark.parametrize(
    ("day", "body"),
    [
        (
            "2026-10-01",
            {"is_workday": False, "kind": "holiday", "kind_label": "法定节假日", "name": "国庆节"},
        ),
        (
            "2026-10-10",
            {"is_workday": True, "kind": "makeup_workday", "kind_label": "调休上班", "name": "国庆节调休"},
        ),
        ("2026-03-07", {"is_workday": False, "kind": "weekend", "kind_label": "周末", "name": ""}),
        ("2026-03-09", {"is_workday": True, "kind": "weekday", "kind_label": "工作日", "name": ""}),
        (
            "2005-12-31",
            {"is_workday": True, "kind": "makeup_workday", "kind_label": "调休上班", "name": "元旦调休"},
        ),
    ],
)
def test_anyone_can_ask_whether_a_day_is_a_working_day(client, day, body):
    response = client.get(f"{BASE}/{day}")
    assert response.status_code == 200
    assert response.json() == {"date": day, **body}


@pytest.mark.parametrize(
    ("query", "deadline"),
    [
        ("start=2026-09-30&days=1", "2026-10-08"),
        ("start=2026-09-30&days=0", "2026-09-30"),
        ("start=2026-10-01&days=0", "2026-10-08"),
        ("start=2026-09-30&days=1&from_handover=true", "2026-09-30"),
        ("start=2026-09-30&days=2&from_handover=true", "2026-10-08"),
        ("start=2024-02-08&days=2&from_handover=false", "2024-02-18"),
    ],
)
def test_anyone_can_compute_a_deadline(client, query, deadline):
    response = client.get(f"{BASE}/deadline?{query}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["deadline"] == deadline
    assert body["start"] == query.split("&")[0].removeprefix("start=")
    assert body["days"] == int(query.split("&")[1].removeprefix("days="))
    assert body["from_handover"] is ("from_handover=true" in query)


@pytest.mark.parametrize(
    ("url", "year"),
    [
        (f"{BASE}/2027-01-04", 2027),
        (f"{BASE}/2003-06-02", 2003),
        (f"{BASE}/deadline?start=2026-12-31&days=1", 2027),
        (f"{BASE}/deadline?start=2026-12-25&days=5", 2027),
        (f"{BASE}/deadline?start=2027-03-01&days=1&from_handover=true", 2027),
        (f"{BASE}/deadline?start=2003-12-31&days=1", 2003),
    ],
)
def test_an_unpublished_year_is_a_422_naming_the_year(client, url, year):
    response = client.get(url)
    assert response.status_code == 422
    assert response.json() == {
        "error": "calendar_not_published",
        "year": year,
        "message": f"{year}年的节假日安排尚未发布，无法计算办理时限。"
        "请系统管理员录入国务院办公厅的节假日安排通知后再试。",
    }


@pytest.mark.parametrize(
    ("url", "hint"),
    [
        (f"{BASE}/2026-02-30", "YYYY-MM-DD"),
        (f"{BASE}/20260201", "YYYY-MM-DD"),
        (f"{BASE}/abc", "YYYY-MM-DD"),
        (f"{BASE}/2026-13-01", "YYYY-MM-DD"),
        (f"{BASE}/deadline?start=2026-02-30&days=1", "start"),
        (f"{BASE}/deadline?start=1700000000&days=1", "start"),
        (f"{BASE}/deadline?start=2026-03-02&days=-1", "不能为负数"),
        (f"{BASE}/deadline?start=2026-03-02&days=abc", "应为整数"),
        (f"{BASE}/deadline?start=2026-03-02&days=1.5", "应为整数"),
        (f"{BASE}/deadline?start=2026-03-02&days=3651", "最多 3650"),
        (f"{BASE}/deadline?start=2026-03-02&days=100000000000000000000000", "最多 3650"),
        (f"{BASE}/deadline?start=2026-03-02", "缺少"),
        (f"{BASE}/deadline?days=1", "缺少"),
        (f"{BASE}/deadline?start=2026-03-02&days=1&from_handover=maybe", "true 或 false"),
    ],
)
def test_malformed_input_is_a_422_with_a_message_a_person_can_act_on(client, url, hint):
    response = client.get(url)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["error"] == "invalid_input"
    assert hint in body["message"]


def test_the_deadline_route_is_not_taken_for_a_date(client):
    response = client.get(f"{BASE}/deadline")
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input"
    assert "缺少" in response.json()["message"]


def test_the_openapi_schema_documents_both_routes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert f"{BASE}/deadline" in paths
    assert f"{BASE}/{{day}}" in paths
