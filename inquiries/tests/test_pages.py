"""The first-inquiry pages: anonymous, wrong role, right role; logging in a few
seconds; the worklists; the register's visibility; breaches."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from inquiries import services
from inquiries.models import Breach, Inquiry, InquiryStatus

pytestmark = pytest.mark.django_db

PAGES = ["inquiry_home", "inquiry_register", "breach_list", "inquiry_worklist"]


@pytest.mark.parametrize("name", [*PAGES, "inquiry_pending_calendar"])
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", PAGES)
def test_a_login_without_a_role_is_refused(client, make_user, name):
    client.force_login(make_user(None))
    assert client.get(reverse(name)).status_code == 403


def test_the_pending_calendar_page_is_for_the_administrator_and_the_office(client, people, make_user):
    client.force_login(people["teller"])
    assert client.get(reverse("inquiry_pending_calendar")).status_code == 403
    client.force_login(make_user("admin"))
    assert client.get(reverse("inquiry_pending_calendar")).status_code == 200


def test_a_teller_logs_a_hand_over_in_one_form_and_sees_it_on_the_list(client, people, org):
    client.force_login(people["teller"])
    page = client.get(reverse("inquiry_home")).content.decode()
    assert "快速登记" in page and "首问责任人" in page
    response = client.post(
        reverse("inquiry_home"),
        {
            "channel": "visit",
            "matter": "异地转移接续",
            "outcome": "handed_over",
            "visitor_unit": "某建筑公司",
            "visitor_name": "张三",
            "visitor_phone": "138 0000 1234",
            "department": org["withdrawal"].pk,
            "receiver": people["receiver"].staff.pk,
            "resolve_working_days": 3,
            "first_contact": people["teller"].staff.pk,
        },
        follow=True,
    )
    assert response.status_code == 200
    inquiry = Inquiry.objects.get()
    assert (inquiry.status, inquiry.visitor_phone, inquiry.receiver) == (
        InquiryStatus.HANDED_OVER,
        "13800001234",
        people["receiver"].staff,
    )
    html = response.content.decode()
    assert f"已登记 {inquiry.no}" in html
    assert "我首问的未结事项" in html
    assert "138****1234" in html and "13800001234" not in html  # masked in lists


def test_a_form_with_missing_fields_says_what_is_missing(client, people):
    client.force_login(people["teller"])
    response = client.post(
        reverse("inquiry_home"), {"channel": "visit", "matter": "提取", "outcome": "handed_over"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "请选择转交到的相关部门" in html and "须登记办事职工姓名" in html
    assert not Inquiry.objects.exists()


def test_the_receiver_contacts_and_closes_from_the_detail_page(client, people, org):
    inquiry = services.inquiry_log(
        actor=people["teller"],
        channel="phone",
        matter="贷款进度",
        outcome="handed_over",
        visitor_name="李四",
        visitor_phone="13800001234",
        department=org["withdrawal"],
        receiver=people["receiver"].staff,
        resolve_working_days=2,
    )
    client.force_login(people["receiver"])
    detail = client.get(reverse("inquiry_detail", args=[inquiry.no])).content.decode()
    assert "已与办事职工联系" in detail and "13800001234" in detail
    client.post(reverse("inquiry_act", args=[inquiry.no, "contact"]), {"note": "已联系"})
    response = client.post(reverse("inquiry_act", args=[inquiry.no, "close"]), {"result": ""})
    assert response.status_code == 422
    client.post(reverse("inquiry_act", args=[inquiry.no, "close"]), {"result": "已答复贷款进度"})
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.CLOSED


def test_people_outside_an_inquiry_do_not_see_it(client, people, org):
    inquiry = services.inquiry_log(
        actor=people["teller"], channel="visit", matter="提取", outcome="handled", answer="已答复"
    )
    client.force_login(people["stranger"])
    assert client.get(reverse("inquiry_detail", args=[inquiry.no])).status_code == 404
    assert inquiry.no not in client.get(reverse("inquiry_register")).content.decode()
    response = client.post(reverse("inquiry_act", args=[inquiry.no, "close"]), {"result": "x"})
    assert response.status_code == 404
    client.force_login(people["head"])  # the head of the hall sees the hall's inquiries
    assert client.get(reverse("inquiry_detail", args=[inquiry.no])).status_code == 200
    client.force_login(people["office"])
    assert inquiry.no in client.get(reverse("inquiry_register")).content.decode()


def test_a_wrong_person_cannot_take_a_step_of_someone_elses_hand_over(client, people, org):
    inquiry = services.inquiry_log(
        actor=people["teller"],
        channel="visit",
        matter="提取",
        outcome="handed_over",
        visitor_name="李四",
        visitor_phone="13800001234",
        department=org["withdrawal"],
        receiver=people["receiver"].staff,
        resolve_working_days=2,
    )
    client.force_login(people["head"])  # sees it (own branch) but is not the receiver
    assert client.post(reverse("inquiry_act", args=[inquiry.no, "contact"]), {"note": ""}).status_code == 403
    assert client.post(reverse("inquiry_act", args=[inquiry.no, "nonsense"]), {}).status_code == 403


def test_the_register_filters_and_answers_htmx_with_the_table_only(client, people):
    for matter in ("提取", "贷款"):
        services.inquiry_log(
            actor=people["teller"], channel="visit", matter=matter, outcome="handled", answer="已答复"
        )
    client.force_login(people["office"])
    html = client.get(reverse("inquiry_register"), {"q": "贷款"}, HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<div class="table-wrap" id="register-table">')
    assert "贷款" in html and ">提取<" not in html


def test_the_register_list_uses_a_fixed_number_of_queries(client, people, django_assert_max_num_queries):
    for i in range(15):
        services.inquiry_log(
            actor=people["teller"], channel="visit", matter=f"事项{i}", outcome="handled", answer="已答复"
        )
    client.force_login(people["office"])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("inquiry_register"))
    assert response.content.decode().count('href="/inquiries/SW') == 15


def test_the_office_records_a_breach_and_the_person_sees_their_own(client, people):
    client.force_login(people["office"])
    form = {
        "staff": people["teller"].staff.pk,
        "source": "inspection",
        "source_ref": "JC-1",
        "occurred_on": "2025-03-01",
        "found_on": "2025-03-02",
        "description": "回答“不归我管”",
    }
    response = client.post(reverse("breach_list"), form, follow=True)
    assert "第1次违反首问负责制，处理：批评教育" in response.content.decode()
    client.post(reverse("breach_list"), form | {"found_on": "2025-04-02"})
    assert list(Breach.objects.order_by("found_on").values_list("nth", flat=True)) == [1, 2]

    preview = client.get(
        reverse("breach_preview"), {"staff": people["teller"].staff.pk, "found_on": "2025-05-01"}
    )
    assert "第3次" in preview.content.decode() and "调离工作岗位" in preview.content.decode()

    staff = people["teller"].staff
    row = f"<td>{staff.name}（{staff.staff_no}）</td>"
    client.force_login(people["teller"])
    page = client.get(reverse("breach_list")).content.decode()
    assert page.count(row) == 2 and "登记查实的违规" not in page
    assert client.post(reverse("breach_list"), form).status_code == 403
    client.force_login(people["deputy"])
    assert row not in client.get(reverse("breach_list")).content.decode()


def test_a_breach_from_a_complaint_must_name_an_existing_complaint(client, people):
    client.force_login(people["office"])
    response = client.post(
        reverse("breach_list"),
        {
            "staff": people["teller"].staff.pk,
            "source": "complaint",
            "source_ref": "TS20990101-0001",
            "occurred_on": "2025-03-01",
            "found_on": "2025-03-02",
            "description": "x",
        },
    )
    assert response.status_code == 422
    assert "没有编号为 TS20990101-0001 的投诉" in response.content.decode()


def test_the_office_withdraws_a_breach(client, people):
    breach = services.breach_record(
        actor=people["office"],
        staff=people["teller"].staff,
        source="inspection",
        occurred_on=date(2025, 3, 1),
        found_on=date(2025, 3, 1),
        description="x",
    )
    client.force_login(people["teller"])
    assert client.post(reverse("breach_withdraw", args=[breach.pk]), {"reason": "x"}).status_code == 403
    client.force_login(people["office"])
    client.post(reverse("breach_withdraw", args=[breach.pk]), {"reason": "复核不成立"})
    breach.refresh_from_db()
    assert breach.status == "withdrawn"
