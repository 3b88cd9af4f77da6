"""Appraisal pages and the appraisals API: anonymous, wrong role, right role; a head sees
the own branch, a teller their own appraisal; the notice board (公示栏) is public and
shows only published quarters."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from appraisal import services
from appraisal.models import AppraisalEntry
from appraisal.tests.conftest import staff
from org.services import api_token_issue

PAGES = [
    ("/appraisal/windows/", "teller1", "inspector1"),
    ("/appraisal/windows/?by=staff&period=2026-Q1", "guide1", "head1"),
    ("/appraisal/quarters/", "teller1", "head1"),
    ("/appraisal/quarters/2026-Q1/", "inspector1", "leader1"),
    ("/appraisal/quarters/2026-Q1/entries/new/", "leader1", "office1"),
    ("/appraisal/annual/2026/", "head1", "leader1"),
]


@pytest.fixture
def q1(users):
    return services.quarter_open(actor=users["office1"], year=2026, quarter=1)


@pytest.mark.parametrize(("url", "wrong", "right"), PAGES)
def test_each_page_checks_login_and_role(client, users, q1, url, wrong, right):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    client.force_login(users[wrong])
    assert client.get(url).status_code == 403
    client.force_login(users[right])
    assert client.get(url).status_code == 200


def test_a_head_sees_the_own_branchs_people_only(client, users, q1):
    client.force_login(users["head_wa"])
    page = client.get("/appraisal/quarters/2026-Q1/").content.decode()
    assert "谢娜" in page and "胡晓明" not in page
    assert client.get("/appraisal/quarters/2026-Q1/staff/1101/").status_code == 404
    assert client.get("/appraisal/quarters/2026-Q1/staff/2002/").status_code == 200


def test_everybody_sees_their_own_appraisal(client, users, q1):
    client.force_login(users["teller1"])
    assert client.get("/appraisal/quarters/2026-Q1/staff/1101/").status_code == 200
    assert client.get("/appraisal/quarters/2026-Q1/staff/1103/").status_code == 404
    page = client.get("/appraisal/mine/").content.decode()
    assert "2026年第1季度" in page and "还没有提交本季度的互评" in page


def test_the_office_enters_an_item_with_evidence_on_the_page(client, users, q1, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(users["office1"])
    response = client.post(
        "/appraisal/quarters/2026-Q1/entries/new/",
        {
            "staff": staff("1101").pk,
            "item_code": "D1",
            "quantity": 2,
            "occurred_on": "2026-03-05",
            "evidence": "两封感谢信",
            "evidence_file": SimpleUploadedFile("感谢信.pdf", b"%PDF-1.4 test"),
        },
    )
    assert response.status_code == 302
    entry = AppraisalEntry.objects.get()
    assert entry.quantity == 2
    page = client.get("/appraisal/quarters/2026-Q1/staff/1101/").content.decode()
    assert "两封感谢信" in page and "104" in page
    client.force_login(users["teller2"])
    assert client.get(f"/appraisal/entries/{entry.pk}/evidence/").status_code == 404


def test_the_peer_review_page_takes_the_whole_ballot(client, users, q1):
    client.force_login(users["teller1"])
    page = client.get("/appraisal/peer-review/").content.decode()
    colleagues = services.peer_targets(q1, staff("1101"))
    assert all(c.name in page for c in colleagues)
    client.post("/appraisal/peer-review/", {f"v{c.pk}": "好" for c in colleagues})
    assert "已提交" in client.get("/appraisal/peer-review/").content.decode()
    client.force_login(users["head1"])
    assert "没有需要参加的互评" in client.get("/appraisal/peer-review/").content.decode()


def test_publication_the_notice_board_and_the_export(client, users, q1):
    client.force_login(users["office1"])
    assert client.get("/notice-board/2026-Q1/").status_code == 404
    client.post("/appraisal/quarters/2026-Q1/publish/", {"note": "请监督"})
    client.logout()
    board = client.get("/notice-board/")
    assert board.status_code == 200 and "2026" in board.content.decode()
    page = client.get("/notice-board/2026-Q1/").content.decode()
    assert "2026年第1季度窗口工作人员考核结果公示" in page and "胡晓明" in page and "请监督" in page
    assert "退回所在单位" not in page
    client.force_login(users["leader1"])
    response = client.get("/appraisal/quarters/2026-Q1/?format=xlsx")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].value.startswith("2026年第1季度窗口工作人员考核结果")
    assert ws["A2"].value == "名次" and ws["B3"].value


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(actor='test', user=user, name='测试')}"}


def test_the_appraisals_api_by_role(client, users, q1):
    services.entry_record(
        actor=users["office1"],
        quarter=q1,
        staff=staff("1101"),
        item_code="D1",
        quantity=1,
        occurred_on=date(2026, 3, 5),
        evidence="感谢信",
    )
    assert client.get("/api/v1/appraisals?quarter=2026-Q1").status_code == 401
    office = client.get("/api/v1/appraisals?quarter=2026-Q1", **bearer(users["office1"])).json()
    assert office["published"] is False and len(office["rows"]) == q1.participants.count()
    top = office["rows"][0]
    assert (top["staff_no"], top["total"], top["rank"], top["grade"]) == ("1101", 102, 1, "excellent")
    assert [s["code"] for s in top["sections"]] == ["A", "B", "C"]
    mine = client.get("/api/v1/appraisals?quarter=2026-Q1", **bearer(users["teller2"])).json()
    assert [r["staff_no"] for r in mine["rows"]] == ["1103"]
    head = client.get("/api/v1/appraisals?quarter=2026-Q1", **bearer(users["head_wa"])).json()
    assert {r["branch"] for r in head["rows"]} == {"武安市管理部"}
    services.quarter_publish(actor=users["office1"], quarter=q1)
    published = client.get("/api/v1/appraisals?quarter=2026-Q1", **bearer(users["leader1"])).json()
    assert (published["published"], published["publication"], published["rules_ref"]) == (
        True,
        1,
        "anqing-staff-appraisal@1",
    )
    assert client.get("/api/v1/appraisals?quarter=2026-Q3", **bearer(users["leader1"])).status_code == 404
    assert client.get("/api/v1/appraisals?quarter=2026", **bearer(users["leader1"])).status_code == 404
