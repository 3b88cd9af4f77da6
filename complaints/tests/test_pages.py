"""Complaint pages: anonymous, wrong role, right role; who sees the contents
(issue #7 "Protection"); each step through the page; printable documents; lists
with masked contacts and a fixed number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from common import clock
from complaints.models import Complaint, Status
from complaints.tests.helpers import accept, classify, determine, register, to_follow_up

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    "complaint_list",
    "complaint_new",
    "complaint_mine",
    "complaint_analysis",
    "complaint_party_committee",
]


@pytest.mark.parametrize("name", [*STAFF_PAGES, "complaint_pending_calendar"])
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_a_login_without_a_role_is_refused(client, make_user, name):
    client.force_login(make_user(None))
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize(
    ("who", "name", "status"),
    [
        ("teller1", "complaint_new", 200),  # window staff register what reaches the counter
        ("head1", "complaint_new", 200),
        ("office1", "complaint_new", 200),
        ("teller1", "complaint_analysis", 403),
        ("head1", "complaint_analysis", 403),
        ("leader1", "complaint_analysis", 200),
        ("teller1", "complaint_party_committee", 403),
        ("party", "complaint_party_committee", 200),
        ("admin", "complaint_pending_calendar", 200),
        ("teller1", "complaint_pending_calendar", 403),
        ("teller1", "complaint_mine", 200),
        ("office1", "complaint_list", 200),
        ("head1", "complaint_list", 200),
    ],
)
def test_each_page_is_open_to_its_roles(client, users, who, name, status):
    client.force_login(users[who])
    assert client.get(reverse(name)).status_code == status


def test_a_teller_opening_the_complaint_list_is_taken_to_their_own_page(client, users):
    client.force_login(users["teller1"])
    response = client.get(reverse("complaint_list"))
    assert response.status_code == 302 and response["Location"] == reverse("complaint_mine")


@pytest.mark.parametrize(
    ("who", "before", "after"),
    [
        ("office1", 200, 200),
        ("leader1", 200, 200),
        ("head1", 404, 200),  # head of DK: only once the complaint is assigned to DK
        ("head_wa", 404, 404),  # head of another department
        ("teller1", 404, 404),  # the person complained about
        ("party", 404, 200),  # 机关党委: from the filing of the finding
        ("admin", 404, 404),
        ("inspector1", 404, 404),
    ],
)
def test_complaint_contents_are_visible_only_to_the_office_leaders_and_the_assigned_department(
    client, users, who, before, after
):
    c = register(users, "2026-03-02", content="投诉原文：窗口人员态度生硬")
    client.force_login(users[who])
    url = reverse("complaint_detail", args=[c.no])
    assert client.get(url).status_code == before
    accept(users, c, "2026-03-02")
    classify(users, c, "2026-03-02")
    determine(users, c, "2026-03-02")
    response = client.get(url)
    assert response.status_code == after
    if after == 200:
        assert "投诉原文：窗口人员态度生硬" in response.content.decode()
    assert client.get(reverse("complaint_ticket", args=[c.no])).status_code == after


def test_the_list_masks_contacts_and_uses_a_fixed_number_of_queries(
    client, users, django_assert_max_num_queries
):
    for _ in range(12):
        register(users, "2026-03-02")
    client.force_login(users["office1"])
    with django_assert_max_num_queries(14):
        response = client.get(reverse("complaint_list"), {"view": "all"})
    html = response.content.decode()
    assert html.count('href="/complaints/TS') == 12
    assert "张*" in html and "138****1234" in html and "13800001234" not in html


def test_the_list_answers_htmx_with_the_table_only_and_filters_by_view(client, users):
    register(users, "2026-02-02")  # long overdue
    fresh = register(users, clock.today().isoformat())  # received today: within its limit
    client.force_login(users["office1"])
    html = client.get(reverse("complaint_list"), {"view": "overdue"}, HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<div class="table-wrap" id="complaint-table">')
    assert "TS20260202" in html and fresh.no not in html


def test_the_office_registers_a_phone_complaint_and_sees_the_password_once(client, users):
    client.force_login(users["office1"])
    response = client.post(
        reverse("complaint_new"),
        {
            "channel": "hotline",
            "received_at": "2026-03-02T09:30",
            "external_ref": "12329-0302-017",
            "complainant_name": "李四",
            "complainant_phone": "13900001111",
            "contact_preference": "phone",
            "subject": "窗口推诿",
            "content": "去了三次都说材料不全",
            "branch": users["teller3"].staff.branch_id,
            "scope_codes": ["service_rules", "time_limit"],
        },
        follow=True,
    )
    c = Complaint.objects.get()
    html = response.content.decode()
    assert (c.channel, c.external_ref, c.received_on.isoformat()) == (
        "hotline",
        "12329-0302-017",
        "2026-03-02",
    )
    assert "查询密码" in html and 'id="new-password"' in html
    again = client.get(reverse("complaint_detail", args=[c.no])).content.decode()
    assert 'id="new-password"' not in again  # shown once


def test_a_wrong_intake_form_says_what_to_fix(client, users):
    client.force_login(users["office1"])
    response = client.post(reverse("complaint_new"), {"channel": "phone", "received_at": "2026-03-02T09:30"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "请填写姓名" in html and "这个字段是必填项" in html


def test_the_office_takes_the_steps_through_the_page(client, users):
    c = register(users, "2026-03-02")
    client.force_login(users["office1"])
    detail = client.get(reverse("complaint_detail", args=[c.no])).content.decode()
    assert 'id="step-accept"' in detail and "打印工单" in detail
    step = lambda name, data: client.post(reverse("complaint_step", args=[c.no, name]), data)  # noqa: E731
    assert (
        step(
            "accept", {"owner": users["office1"].staff.pk, "initial_findings": "", "limit_told_via": "电话"}
        ).status_code
        == 422
    )
    step(
        "accept", {"owner": users["office1"].staff.pk, "initial_findings": "已核实", "limit_told_via": "电话"}
    )
    step(
        "classify",
        {"class_code": "general", "criteria": ["工作人员因违规或失误，造成一定负面影响引起的投诉"]},
    )
    dk = users["head1"].staff.department_id
    step("determine", {"department": dk, "staff": [users["teller1"].staff.pk], "analysis": "未一次性告知"})
    c.refresh_from_db()
    assert c.status == Status.HANDLING
    # the head of the department takes the department's steps
    client.force_login(users["head1"])
    page = client.get(reverse("complaint_detail", args=[c.no])).content.decode()
    assert 'id="step-handle"' in page and 'id="step-accept"' not in page
    client.post(
        reverse("complaint_step", args=[c.no, "handle"]),
        {"facts": "属实", "causes": "未告知", "measures": "批评教育", "answer": "已致歉"},
    )
    client.post(
        reverse("complaint_step", args=[c.no, "report"]),
        {
            "investigation": "属实",
            "causes": "未告知",
            "measures": "批评",
            "communication": "已致歉",
            "prevention": "复盘",
        },
    )
    assert client.get(reverse("complaint_report_print", args=[c.no])).status_code == 200
    # the head may not review their own report
    assert (
        client.post(reverse("complaint_step", args=[c.no, "review"]), {"decision": "approve"}).status_code
        == 403
    )
    client.force_login(users["office1"])
    client.post(reverse("complaint_step", args=[c.no, "review"]), {"decision": "approve"})
    client.post(reverse("complaint_step", args=[c.no, "reply"]), {"channel": "电话", "text": "已整改"})
    c.refresh_from_db()
    assert c.status == Status.FOLLOW_UP
    report = client.get(reverse("complaint_report_print", args=[c.no])).content.decode()
    assert "投诉办理报告" in report and "审核通过" in report


def test_unknown_steps_and_steps_of_other_people_are_refused(client, users):
    c = register(users, "2026-03-02")
    client.force_login(users["office1"])
    assert client.post(reverse("complaint_step", args=[c.no, "explode"]), {}).status_code == 404
    client.force_login(users["leader1"])
    assert (
        client.post(
            reverse("complaint_step", args=[c.no, "accept"]),
            {"owner": 1, "initial_findings": "x", "limit_told_via": "电话"},
        ).status_code
        == 403
    )


def test_revealing_the_contact_is_a_logged_post(client, users):
    c = register(users, "2026-03-02")
    client.force_login(users["office1"])
    detail = client.get(reverse("complaint_detail", args=[c.no])).content.decode()
    assert "138****1234" in detail and "13800001234" not in detail
    assert client.get(reverse("complaint_reveal", args=[c.no])).status_code == 405
    html = client.post(reverse("complaint_reveal", args=[c.no])).content.decode()
    assert "13800001234" in html
    assert AuditEvent.objects.filter(action="complaints.complaint.reveal_contact").count() == 1


def test_the_person_complained_about_sees_only_what_the_process_shows(client, users):
    c = to_follow_up(users, register(users, "2026-03-02", content="投诉原文不给被投诉人看"), "2026-03-03")
    client.force_login(users["teller1"])
    html = client.get(reverse("complaint_mine")).content.decode()
    assert c.no in html and "30元" in html
    assert (
        "投诉原文不给被投诉人看" not in html
        and "张" not in html.split("涉及我的投诉", 2)[-1].split("<table")[1]
    )
    assert client.get(reverse("complaint_detail", args=[c.no])).status_code == 404


def test_the_printed_ticket_is_logged(client, users):
    c = register(users, "2026-03-02")
    client.force_login(users["office1"])
    html = client.get(reverse("complaint_ticket", args=[c.no])).content.decode()
    assert "投诉类客服工单" in html and c.no in html and "data-print" in html
    assert AuditEvent.objects.filter(action="complaints.complaint.print_ticket").count() == 1


def test_the_pending_calendar_page_shows_numbers_not_contents(client, users):
    c = register(users, "2026-12-28", content="不应出现在管理员页面的投诉内容")
    client.force_login(users["admin"])
    html = client.get(reverse("complaint_pending_calendar")).content.decode()
    assert c.no in html and "不应出现在管理员页面的投诉内容" not in html
    response = client.post(reverse("complaint_pending_calendar"), follow=True)
    assert "已补算 0 件投诉的答复期限、0 条首问转交的期限" in response.content.decode()


def test_attachments_are_served_only_through_the_complaints_access_check(client, users, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    c = register(users, "2026-03-02", attachments=[SimpleUploadedFile("收据.pdf", b"%PDF-1.4 test")])
    url = reverse("complaint_attachment", args=[c.no, c.attachments.get().pk])
    client.force_login(users["teller1"])
    assert client.get(url).status_code == 404
    client.force_login(users["office1"])
    response = client.get(url)
    assert response.status_code == 200 and response.content == b"%PDF-1.4 test"
    assert response["Content-Type"] == "application/pdf" and "attachment" in response["Content-Disposition"]
    assert client.get(reverse("complaint_attachment", args=[c.no, 999999])).status_code == 404


def test_a_step_someone_else_took_a_moment_ago_is_explained_not_failed(client, users):
    c = register(users, "2026-03-02")
    accept(users, c, "2026-03-02")
    client.force_login(users["office1"])
    response = client.post(
        reverse("complaint_step", args=[c.no, "accept"]),
        {"owner": users["office1"].staff.pk, "initial_findings": "x", "limit_told_via": "电话"},
        follow=True,
    )
    assert response.status_code == 200
    assert "不能进行此步骤" in response.content.decode()


def test_the_sweep_command_reports_what_it_did(users):
    from io import StringIO

    from django.core.management import call_command

    register(users, "2026-02-02")
    out = StringIO()
    call_command("complaints_sweep", stdout=out)
    assert "逾期标记 1 件" in out.getvalue()


def test_a_teller_registers_a_complaint_made_at_the_counter_and_hands_it_to_the_office(client, users):
    client.force_login(users["teller1"])
    form = client.get(reverse("complaint_new")).content.decode()
    channels = form.split('name="channel"', 1)[1].split("</select>", 1)[0]
    assert 'value="visit"' in channels and 'value="email"' not in channels  # counter channels only
    response = client.post(
        reverse("complaint_new"),
        {
            "channel": "visit",
            "received_at": "2026-03-02T09:30",
            "complainant_name": "王五",
            "complainant_phone": "13700001111",
            "contact_preference": "phone",
            "subject": "排队时间过长",
            "content": "等了一个半小时",
        },
        follow=True,
    )
    html = response.content.decode()
    c = Complaint.objects.get()
    assert c.no in html and 'id="query-password"' in html and "转业务管理处受理" in html
    assert c.registered_by == users["teller1"]
    assert client.get(reverse("complaint_detail", args=[c.no])).status_code == 404  # the office takes it
    refused = client.post(
        reverse("complaint_new"),
        {
            "channel": "email",
            "received_at": "2026-03-02T09:30",
            "anonymous": "on",
            "contact_preference": "online",
            "subject": "x",
            "content": "y",
        },
    )
    assert refused.status_code == 422 and Complaint.objects.count() == 1


def test_an_integrity_complaint_is_led_by_the_party_committee_from_intake(client, users):
    c = register(users, "2026-03-02", scope_codes=["integrity"])
    assert c.party_committee_leads is True
    client.force_login(users["party"])
    html = client.get(reverse("complaint_detail", args=[c.no])).content.decode()
    assert "机关党委牵头" in html
    ordinary = register(users, "2026-03-02")
    assert client.get(reverse("complaint_detail", args=[ordinary.no])).status_code == 404


def test_calling_in_the_police_or_a_crisis_team_is_recorded(client, users):
    c = register(users, "2026-03-02")
    client.force_login(users["office1"])
    response = client.post(
        reverse("complaint_step", args=[c.no, "incident"]),
        {"kind": "police", "note": "投诉人在大厅吵闹，劝阻无效，已报警"},
        follow=True,
    )
    assert "已记录处置情况" in response.content.decode()
    event = c.events.get(action="incident")
    assert (event.title, event.public_note, event.to_status) == ("经劝阻无效，报警处理", "", "received")
    client.force_login(users["teller1"])
    assert (
        client.post(
            reverse("complaint_step", args=[c.no, "incident"]), {"kind": "police", "note": "x"}
        ).status_code
        == 404
    )


def test_the_home_page_shows_the_office_a_complaint_to_accept(client, users):
    register(users)
    client.force_login(users["office"])
    page = client.get(reverse("home")).content.decode()
    assert "待受理" in page and f"{reverse('complaint_list')}?view=todo" in page
    client.force_login(users["teller1"])
    assert "待受理" not in client.get(reverse("home")).content.decode()
