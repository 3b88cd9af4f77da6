"""Every supervision page: anonymous → the login page, a wrong role → 403 (or 404 for a
record outside the branch), the right role → the page; the forms post through the
services; lists keep their query count."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from org.models import Branch
from supervision import services
from supervision.models import Inspection, IssueNotice, Patrol, UnitReport, Upload, Violation
from supervision.services import FindingInput as F
from supervision.tests.conftest import at, badge, patrol, staff, window

PAGES = [
    # url, a role refused, a role allowed
    ("/inspections/", "teller1", "head1"),
    ("/inspections/new/?kind=daily", "leader1", "inspector1"),
    ("/inspections/new/?kind=leader", "inspector1", "leader1"),
    ("/inspections/new/windows/?branch=1", "teller1", "inspector1"),
    ("/patrols/", "teller1", "inspector1"),
    ("/patrols/new/", "head1", "inspector1"),
    ("/patrols/row/?i=3", "teller1", "office1"),
    ("/patrols/summary/", "head1", "leader1"),
    ("/violations/new/", "inspector1", "office1"),
    ("/third-party/", "teller1", "head1"),
    ("/third-party/reports/new/", "head1", "office1"),
    ("/facilities/", "guide1", "head1"),
]


@pytest.mark.parametrize(("url", "wrong", "right"), PAGES)
def test_each_page_checks_login_and_role(client, users, url, wrong, right):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    client.force_login(users[wrong])
    assert client.get(url).status_code == 403
    client.force_login(users[right])
    assert client.get(url).status_code == 200


def test_every_staff_member_sees_the_ledger_but_only_their_own_lines(client, users):
    patrol(users, "2026-03-02", badge(), badge("1101"))
    assert client.get("/violations/").status_code == 302
    client.force_login(users["teller2"])
    page = client.get("/violations/?period=2026-03").content.decode()
    assert "何平" in page and "胡晓明" not in page
    assert "登记违规" not in page


def _inspection(users):
    return services.inspection_record(
        actor=users["inspector1"],
        kind="daily",
        window=window("HD01", 3),
        staff=staff("1103"),
        findings=[F("S04")],
        inspected_at=at("2026-03-10"),
    )


def test_an_inspection_of_another_branch_is_not_found_for_a_head(client, users):
    i = _inspection(users)
    client.force_login(users["head_wa"])
    assert client.get(f"/inspections/{i.no}/").status_code == 404
    client.force_login(users["head1"])
    page = client.get(f"/inspections/{i.no}/").content.decode()
    assert "工作时间未按规定在左胸显眼处佩带工作牌" in page and "发布通报" not in page


def test_the_inspection_form_records_the_sheet_with_the_positive_list(client, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "JPEG")
    client.force_login(users["leader1"])
    response = client.post(
        "/inspections/new/?kind=leader",
        {
            "kind": "leader",
            "branch": window("HD01", 5).branch_id,
            "window": window("HD01", 5).pk,
            "staff": staff("1105").pk,
            "items": ["S10"],
            "note_S10": "与办事职工争执",
            "pos_P05": "unmet",
            "pos_P01": "met",
            "note_P05": "老人未引导",
            "note": "领导检查",
            "photos": [SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")],
        },
    )
    i = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/inspections/{i.no}/"
    assert (i.kind, i.sheet_score) == ("leader", 85)
    assert {f.code: f.note for f in i.findings.all()} == {"S10": "与办事职工争执", "P05": "老人未引导"}
    assert Upload.objects.filter(owner_id=i.pk).count() == 1
    assert Violation.objects.get().item_code == "7"


def test_the_inspection_form_shows_a_refusal_in_chinese_without_saving(client, users):
    client.force_login(users["inspector1"])
    w = window("HD01", 3)
    response = client.post(
        "/inspections/new/?kind=surprise",
        {
            "kind": "surprise",
            "branch": w.branch_id,
            "window": w.pk,
            "staff": staff("1103").pk,
            "items": ["S04"],
        },
    )
    assert response.status_code == 200
    assert "当场指出" in response.content.decode()
    assert not Inspection.objects.exists()


def test_publish_and_void_forms(client, users):
    i = _inspection(users)
    client.force_login(users["inspector1"])
    client.post(f"/inspections/{i.no}/publish/", {"text": "通报何平未佩戴工作牌"})
    i.refresh_from_db()
    assert i.status == "published"
    assert client.post(f"/inspections/{i.no}/void/", {"reason": "x"}).status_code == 403
    assert "通报何平" in client.get(f"/inspections/{i.no}/bulletin/").content.decode()
    client.force_login(users["office1"])
    client.post(f"/inspections/{i.no}/void/", {"reason": "窗口登记错误"})
    i.refresh_from_db()
    assert i.status == "voided"


def test_the_patrol_form_records_violations_and_the_third_raises_a_report(client, users):
    patrol(users, "2026-03-02", badge())
    patrol(users, "2026-03-03", badge())
    client.force_login(users["inspector1"])
    hd = Branch.objects.get(code="HD01")
    response = client.post(
        "/patrols/new/",
        {
            "branch": hd.pk,
            "day": "2026-03-04",
            "round_code": "morning",
            "duty_leader": staff("0401").pk,
            "patrol_staff": [staff("0103").pk],
            "note": "",
            "v-0-staff": staff("1103").pk,
            "v-0-item": "2.2",
            "v-0-window": window("HD01", 3).pk,
            "v-0-note": "未挂胸牌",
            "v-1-staff": "",
            "v-1-item": "",
            "v-1-note": "",
        },
    )
    p = Patrol.objects.get(day=date(2026, 3, 4))
    assert response.status_code == 302 and response["Location"] == f"/patrols/{p.pk}/"
    page = client.get(f"/patrols/{p.pk}/").content.decode()
    assert "10元" in page and "何平" in page
    assert UnitReport.objects.get().count_at_trigger == 3
    ledger = client.get("/violations/?period=2026-03").content.decode()
    assert "本月第3次" in ledger and "待通报" in ledger


def test_the_patrol_form_asks_for_findings_or_nothing_found(client, users):
    client.force_login(users["inspector1"])
    hd = Branch.objects.get(code="HD01")
    data = {
        "branch": hd.pk,
        "day": "2026-03-04",
        "round_code": "morning",
        "duty_leader": staff("0401").pk,
        "v-0-staff": "",
        "v-0-item": "",
    }
    response = client.post("/patrols/new/", data)
    assert "未发现问题" in response.content.decode() and not Patrol.objects.exists()
    client.post("/patrols/new/", {**data, "nothing_found": "on"})
    assert Patrol.objects.get().nothing_found


def test_the_duty_leader_signs_on_the_page(client, users):
    p = patrol(users, "2026-03-02")
    client.force_login(users["office1"])
    assert "签字确认" not in client.get(f"/patrols/{p.pk}/").content.decode()
    client.post(f"/patrols/{p.pk}/sign/", {"opinion": "同意"})
    p.refresh_from_db()
    assert p.status == "recorded"
    client.force_login(users["head1"])
    assert "签字确认" in client.get(f"/patrols/{p.pk}/").content.decode()
    client.post(f"/patrols/{p.pk}/sign/", {"opinion": "情况属实"})
    p.refresh_from_db()
    assert p.status == "signed"


def test_the_summary_is_submitted_printed_and_signed_on_the_pages(client, users):
    patrol(users, "2026-03-02", badge())
    client.force_login(users["office1"])
    response = client.post("/patrols/summary/submit/?month=2026-03", {"note": "请审阅"})
    assert response.status_code == 302
    pk = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
    page = client.get(f"/patrols/summary/{pk}/").content.decode()
    assert "日常巡查情况月度汇总" in page and "2026年3月" in page and "10元" in page
    client.force_login(users["leader1"])
    client.post(f"/patrols/summary/{pk}/sign/", {"capacity": "principal", "opinion": "同意"})
    assert "同意" in client.get(f"/patrols/summary/{pk}/").content.decode()


def test_the_ledger_exports_to_excel(client, users):
    patrol(users, "2026-03-02", badge())
    client.force_login(users["office1"])
    response = client.get("/violations/?period=2026-03&format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(response.content))["违规处罚台账"]
    assert ws["A1"].value.startswith("违规处罚台账 2026年3月") and ws["D3"].value == "何平"


def test_the_office_reverses_and_reports_on_the_pages(client, users):
    for day in ("2026-03-02", "2026-03-03", "2026-03-04"):
        patrol(users, day, badge())
    report = UnitReport.objects.get()
    client.force_login(users["office1"])
    client.post(f"/violations/reports/{report.pk}/send/", {"sent_on": "2026-03-05", "note": "书面通报"})
    report.refresh_from_db()
    assert report.status == "sent"
    v = Violation.objects.first()
    client.post(f"/violations/{v.no}/reverse/", {"reason": "认定有误"})
    v.refresh_from_db()
    assert v.status == "reversed"
    assert "冲正记录" in client.get(f"/violations/{v.no}/").content.decode()


def test_the_branch_head_answers_and_the_office_accepts_on_the_pages(client, users):
    report = services.tp_report_register(
        actor=users["office1"],
        firm="甲公司",
        year=2026,
        quarter=1,
        received_on=date(2026, 4, 2),
        methods=["site_check"],
    )
    client.force_login(users["office1"])
    client.post(
        f"/third-party/reports/{report.pk}/",
        {
            "branch": Branch.objects.get(code="HD01").pk,
            "aspect": "environment",
            "observed_on": "2026-03-12",
            "description": "填单台缺老花镜",
        },
    )
    finding = report.findings.get()
    client.post(
        f"/third-party/findings/{finding.pk}/issue/",
        {"requirements": "补齐便民设施", "deadline": "2026-12-31"},
    )
    notice = IssueNotice.objects.get()
    client.force_login(users["head_wa"])
    assert client.get(f"/third-party/notices/{notice.no}/").status_code == 404
    client.force_login(users["head1"])
    client.post(
        f"/third-party/notices/{notice.no}/",
        {"causes": "采购未到位", "measures": "已配备", "no_individual_reason": "设施问题"},
    )
    notice.refresh_from_db()
    assert notice.status == "answered"
    assert "问题整改报告" in client.get(f"/third-party/notices/{notice.no}/report/1/").content.decode()
    assert "问题交办函" in client.get(f"/third-party/notices/{notice.no}/letter/").content.decode()
    client.force_login(users["office1"])
    client.post(f"/third-party/notices/{notice.no}/review/", {"decision": "accept", "note": "同意销号"})
    notice.refresh_from_db()
    assert notice.status == "accepted"


def test_photos_are_served_only_through_the_records_access_check(client, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "PNG")
    i = services.inspection_record(
        actor=users["inspector1"],
        kind="daily",
        window=window("HD01", 3),
        staff=staff("1103"),
        findings=[],
        inspected_at=at("2026-03-10"),
        photos=[SimpleUploadedFile("a.png", buffer.getvalue())],
    )
    photo = Upload.objects.get()
    url = f"/inspections/files/{photo.pk}/"
    assert client.get(url).status_code == 302
    client.force_login(users["teller2"])
    assert client.get(url).status_code == 404
    client.force_login(users["head_wa"])
    assert client.get(url).status_code == 404
    client.force_login(users["head1"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert i.pk == photo.owner_id


def test_the_inspection_list_keeps_its_query_count(client, users, django_assert_max_num_queries):
    for n in range(1, 6):
        services.inspection_record(
            actor=users["inspector1"],
            kind="daily",
            window=window("HD01", n),
            staff=None,
            findings=[F("E05")],
            inspected_at=at("2026-03-10"),
        )
    client.force_login(users["office1"])
    with django_assert_max_num_queries(20):
        response = client.get("/inspections/?month=2026-03")
    assert response.content.decode().count(">JC2026-") == 5


def test_the_ledger_page_keeps_its_query_count(client, users, django_assert_max_num_queries):
    for day in ("2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"):
        patrol(users, day, badge(), badge("1102", item="6"))
    client.force_login(users["office1"])
    with django_assert_max_num_queries(20):
        response = client.get("/violations/?period=2026-03")
    assert response.content.decode().count("WG2026-") >= 8


def test_a_bad_period_is_a_message_not_an_error(client, users):
    client.force_login(users["office1"])
    response = client.get("/violations/?period=2026-13")
    assert response.status_code == 200 and "月份“13”不存在" in response.content.decode()


def test_the_issue_notice_prints_as_a_pdf_through_the_documents_renderer(client, users):
    from pypdf import PdfReader

    report = services.tp_report_register(
        actor=users["office1"],
        firm="甲公司",
        year=2026,
        quarter=1,
        received_on=date(2026, 4, 2),
        methods=["site_check"],
    )
    finding = services.tp_finding_add(
        actor=users["office1"],
        report=report,
        branch=Branch.objects.get(code="WA01"),
        aspect="environment",
        observed_on=date(2026, 3, 12),
        description="填单台缺老花镜",
    )
    notice = services.notice_issue(
        actor=users["office1"], finding=finding, requirements="补齐便民设施", deadline=date(2026, 12, 31)
    )
    url = f"/third-party/notices/{notice.no}/letter.pdf"
    assert client.get(url).status_code == 302
    client.force_login(users["head1"])
    assert client.get(url).status_code == 404  # another branch's notice
    client.force_login(users["head_wa"])
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).replace(" ", "")
    assert "问题交办函" in text and notice.no in text and "武安市管理部" in text and "填单台缺老花镜" in text
    assert "2026年12月31日" in text
