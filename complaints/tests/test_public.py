"""The public web form and the follow-up page: no login, CSRF, rate limits, the same
answer for an unknown number and a wrong password, only the public steps shown."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from common import ratelimit
from complaints import services
from complaints.models import Complaint, Status
from complaints.tests.helpers import register, to_follow_up

pytestmark = pytest.mark.django_db

FORM = {
    "subject": "窗口人员推诿",
    "content": "3号窗口让我去别的窗口，别的窗口又让我回来。",
    "anonymous": "on",
    "contact_preference": "online",
}


def submit(client, **changes):
    return client.post(reverse("public_complain"), FORM | changes, follow=True)


def test_a_citizen_files_a_complaint_without_logging_in_and_gets_a_number_and_a_password(client, demo):
    page = client.get(reverse("public_complain"))
    assert page.status_code == 200 and "网上投诉" in page.content.decode()
    html = submit(client, branch="", window_number="").content.decode()
    no = re.search(r'id="complaint-no">([^<]+)<', html).group(1)
    password = re.search(r'id="query-password">(\d{8})<', html).group(1)
    c = Complaint.objects.get(no=no)
    assert (c.channel, c.anonymous, c.status, c.registered_by) == ("web", True, Status.RECEIVED, None)
    assert password not in c.query_password_hash
    assert services.complaint_public_lookup(no, password) == c
    assert c.events.get().actor_label == "投诉人（网上）"
    # the receipt is shown once
    assert client.get(reverse("public_complaint_done")).status_code == 302


def test_the_form_is_protected_against_cross_site_posts(demo):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("public_complain"), FORM)
    assert response.status_code == 403
    assert not Complaint.objects.exists()


def test_a_window_number_and_a_badge_number_name_what_the_complaint_is_about(client, demo):
    from org.models import Branch

    hall = Branch.objects.get(code="HD01")
    submit(client, branch=hall.pk, window_number="3", staff_hint="1103")
    c = Complaint.objects.get()
    assert (c.window.number, c.staff.name, c.staff_description) == (3, "何平", "")
    response = submit(client, branch=hall.pk, window_number="42")
    assert "没有42号窗口" in response.content.decode()


def test_missing_contact_for_the_chosen_answer_channel_is_explained(client, demo):
    response = submit(client, anonymous="", complainant_name="", contact_preference="phone")
    html = response.content.decode()
    assert response.status_code == 422
    assert "请填写姓名" in html and "按您选择的答复方式，请填写此项" in html


def test_the_robot_trap_refuses_quietly(client, demo):
    response = submit(client, website="http://spam.example")
    assert "提交失败" in response.content.decode()
    assert not Complaint.objects.exists()


def test_too_many_complaints_from_one_address_are_refused_with_429(client, demo, settings):
    settings.COMPLAINTS_PUBLIC_SUBMIT_LIMIT = (2, 3600)
    assert submit(client).status_code == 200
    assert submit(client).status_code == 200
    response = submit(client)
    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()
    assert Complaint.objects.count() == 2
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(reverse("public_complain"), FORM, follow=True).status_code == 200


def services_wrong() -> str:
    from complaints.views_public import WRONG

    return WRONG


def test_an_unknown_number_and_a_wrong_password_get_the_same_answer(client, users):
    c, password = services.complaint_register(
        actor=users["office"],
        channel="phone",
        complainant_name="张三",
        complainant_phone="13800001234",
        subject="x",
        content="y",
    )
    url = reverse("public_complaint_track")
    wrong = client.post(url, {"no": c.no, "password": "00000000"})
    unknown = client.post(url, {"no": "TS20990101-0001", "password": password})
    assert wrong.status_code == unknown.status_code == 404
    alert = re.compile(r'role="alert">([^<]+)<')
    assert (
        alert.findall(wrong.content.decode()) == alert.findall(unknown.content.decode()) == [services_wrong()]
    )
    ok = client.post(url, {"no": c.no.lower(), "password": password})
    assert ok.status_code == 302 and ok["Location"] == reverse("public_complaint_status", args=[c.no])


def test_look_ups_are_limited_per_address_and_a_stranger_never_locks_the_complainant_out(
    client, users, settings
):
    settings.COMPLAINTS_PUBLIC_LOOKUP_LIMIT = (4, 900)
    settings.COMPLAINTS_LOOKUP_BACKOFF = (2, 30, 900)
    c, password = services.complaint_register(
        actor=users["office"],
        channel="phone",
        complainant_name="张三",
        complainant_phone="13800001234",
        subject="x",
        content="y",
    )
    url = reverse("public_complaint_track")
    for _ in range(3):
        assert client.post(url, {"no": c.no, "password": "1"}).status_code == 404
    blocked = client.post(url, {"no": c.no, "password": password})
    assert blocked.status_code == 429  # even the right password: the address is blocked for now
    elsewhere = Client(REMOTE_ADDR="10.0.0.8")
    for wrong in ("1", "2", "3"):
        assert elsewhere.post(url, {"no": c.no, "password": wrong}).status_code == 404  # three failures …
    slowed = elsewhere.post(url, {"no": c.no, "password": password})
    assert slowed.status_code == 429 and "30秒后再试" in slowed.content.decode()  # … makes it wait
    # The complainant, from a third address, is neither locked nor slowed by either.
    assert Client(REMOTE_ADDR="10.0.0.9").post(url, {"no": c.no, "password": password}).status_code == 302


def test_the_status_page_shows_public_steps_and_replies_but_never_internal_notes(client, users):
    c, password = services.complaint_register(
        actor=users["office"],
        channel="phone",
        complainant_name="张三",
        complainant_phone="13800001234",
        subject="态度生硬",
        content="y",
        staff=users["teller1"].staff,
    )
    c = to_follow_up(users, c, "2026-11-20")
    client.post(reverse("public_complaint_track"), {"no": c.no, "password": password})
    html = client.get(reverse("public_complaint_status", args=[c.no])).content.decode()
    assert "已答复，等待回访" in html and "答复（电话）：已整改，感谢监督" in html
    for internal in ("已联系投诉人核实", "经核实责任在窗口经办人", "批评教育", "胡晓明", "张志强", "30元"):
        assert internal not in html
    assert "您对处理结果满意吗" in html


def test_the_status_page_needs_the_password_first(client, users):
    c = register(users, "2026-03-02")
    response = client.get(reverse("public_complaint_status", args=[c.no]))
    assert response.status_code == 302 and response["Location"] == reverse("public_complaint_track")


def test_an_unsatisfied_complainant_reopens_the_complaint_on_the_web(client, users):
    c, password = services.complaint_register(
        actor=users["office"],
        channel="web",
        complainant_name="张三",
        complainant_phone="13800001234",
        subject="x",
        content="y",
    )
    c = to_follow_up(users, c, "2026-11-20")
    client.post(reverse("public_complaint_track"), {"no": c.no, "password": password})
    url = reverse("public_complaint_feedback", args=[c.no])
    assert client.post(url, {"satisfaction": "unsatisfied", "opinion": ""}).status_code == 422
    client.post(url, {"satisfaction": "unsatisfied", "opinion": "仍未解决"})
    c.refresh_from_db()
    assert (c.status, c.round, c.follow_ups.get().method) == (Status.HANDLING, 2, "网上查询页面")
    html = client.get(reverse("public_complaint_status", args=[c.no])).content.decode()
    assert "已要求相关部门重新处理" in html and "您对处理结果满意吗" not in html


def test_the_rate_limiter_counts_per_key_and_window(monkeypatch):
    from datetime import UTC, datetime

    t0 = datetime(2026, 3, 2, 10, 0, 5, tzinfo=UTC)
    monkeypatch.setattr("common.ratelimit._seconds", t0.timestamp)
    assert [ratelimit.hit("k", limit=2, window_seconds=60) for _ in range(3)] == [True, True, False]
    assert ratelimit.remaining("k", limit=2, window_seconds=60) == 0
    assert ratelimit.hit("other", limit=2, window_seconds=60)
    later = datetime(2026, 3, 2, 10, 1, 1, tzinfo=UTC)
    monkeypatch.setattr("common.ratelimit._seconds", later.timestamp)
    assert ratelimit.hit("k", limit=2, window_seconds=60)
