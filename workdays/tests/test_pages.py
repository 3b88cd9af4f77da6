"""The calendar page, its deadline calculator and the administrator's notice page:
anonymous, no role, wrong role, right role."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from workdays.calendar import add_workdays
from workdays.models import PublishedYear

pytestmark = pytest.mark.django_db

NOTICE_2027 = {
    "year": "2027",
    "source": "国务院办公厅关于2027年部分节假日安排的通知（测试用）",
    "notice_text": "测试用通知原文",
    "holidays": "元旦 2027-01-01 2027-01-03\n春节 2027-02-06 2027-02-13\n国庆节 2027-10-01 2027-10-07",
    "makeup_workdays": "2027-02-14 春节调休\n2027-10-09",
}


@pytest.mark.parametrize("url_name", ["workdays_calendar", "workdays_deadline", "workdays_notice"])
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_login_without_any_role_is_refused(client, make_user):
    client.force_login(make_user(None))
    assert client.get(reverse("workdays_calendar")).status_code == 403


@pytest.mark.parametrize("role", ["guide", "teller", "head", "office", "leader", "inspector", "admin"])
def test_every_staff_role_sees_the_calendar(client, make_user, role):
    client.force_login(make_user(role))
    response = client.get(reverse("workdays_calendar"), {"year": "2026"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="month"') == 12
    assert 'class="day-holiday" title="2026-10-01 周四 法定节假日 国庆节"' in html
    assert 'class="day-makeup_workday" title="2026-10-10 周六 调休上班 国庆节调休"' in html
    assert 'class="day-weekend" title="2026-03-07 周六 周末"' in html
    assert "2005年" in html  # the list of published years


def test_a_year_that_is_not_published_says_so(client, make_user):
    client.force_login(make_user("teller"))
    html = client.get(reverse("workdays_calendar"), {"year": "2027"}).content.decode()
    assert "2027年的节假日安排尚未发布" in html
    assert 'class="month"' not in html


def test_a_nonsense_year_falls_back_to_this_year(client, make_user):
    client.force_login(make_user("teller"))
    assert client.get(reverse("workdays_calendar"), {"year": "abc"}).status_code == 200


def test_the_calculator_works_without_javascript(client, make_user):
    client.force_login(make_user("teller"))
    response = client.get(reverse("workdays_calendar"), {"start": "2026-09-30", "days": "1"})
    html = response.content.decode()
    assert "2026年10月8日（周四）" in html
    assert "开始之日不计算在办理时限内" in html


def test_the_calculator_partial_counts_a_handover_from_the_handover_day(client, make_user):
    client.force_login(make_user("teller"))
    response = client.get(
        reverse("workdays_deadline"),
        {"start": "2026-09-30", "days": "1", "from_handover": "on"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "截止日：<strong" in html and "2026年9月30日（周三）</strong>" in html
    assert "从交接登记的当日起计算" in html


def test_the_calculator_shows_the_refusal_for_an_unpublished_year(client, make_user):
    client.force_login(make_user("teller"))
    html = client.get(reverse("workdays_deadline"), {"start": "2026-12-31", "days": "1"}).content.decode()
    assert "2027年的节假日安排尚未发布，无法计算办理时限。" in html
    assert 'role="alert"' in html


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2026-02-30", "days": "1"},
        {"start": "2026-03-02", "days": "-1"},
        {"start": "x", "days": "abc"},
    ],
)
def test_the_calculator_explains_bad_input(client, make_user, query):
    client.force_login(make_user("teller"))
    response = client.get(reverse("workdays_deadline"), query)
    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()


def test_a_teller_cannot_open_the_notice_page(client, make_user):
    client.force_login(make_user("teller"))
    assert client.get(reverse("workdays_notice")).status_code == 403
    assert client.post(reverse("workdays_notice"), {**NOTICE_2027, "action": "publish"}).status_code == 403
    assert not PublishedYear.objects.filter(year=2027).exists()


def test_an_administrator_opens_the_notice_page_for_the_next_year(client, make_user):
    client.force_login(make_user("admin"))
    response = client.get(reverse("workdays_notice"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="year" value="2027"' in html
    assert "国务院办公厅关于2027年部分节假日安排的通知" in html


def test_the_preview_shows_the_year_without_publishing_it(client, make_user):
    client.force_login(make_user("admin"))
    response = client.post(reverse("workdays_notice"), {**NOTICE_2027, "action": "preview"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "预览：2027年" in html
    assert 'title="2027-02-14 周日 调休上班 春节调休"' in html
    assert 'value="publish"' in html
    assert not PublishedYear.objects.filter(year=2027).exists()


def test_the_notice_page_lists_every_problem_of_a_bad_notice(client, make_user):
    client.force_login(make_user("admin"))
    bad = {**NOTICE_2027, "holidays": "春节 2027-02-30 2027-03-01", "makeup_workdays": "2027-02-15"}
    html = client.post(reverse("workdays_notice"), {**bad, "action": "preview"}).content.decode()
    assert "节假日第1行" in html and "2027-02-30" in html
    bad = {**NOTICE_2027, "makeup_workdays": "2027-02-15"}
    html = client.post(reverse("workdays_notice"), {**bad, "action": "publish"}).content.decode()
    assert "调休上班日 2027-02-15 是周一" in html
    assert not PublishedYear.objects.filter(year=2027).exists()


def test_publishing_a_2027_notice_through_the_page_makes_2027_deadlines_computable(client, make_user):
    admin = make_user("admin")
    client.force_login(admin)
    response = client.post(reverse("workdays_notice"), {**NOTICE_2027, "action": "publish"})
    assert response.status_code == 302
    assert response["Location"] == reverse("workdays_calendar") + "?year=2027"

    assert add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert AuditEvent.objects.get(action="workdays.year.publish").actor == admin
    html = client.get(response["Location"]).content.decode()
    assert "2027年节假日安排已发布" in html
    assert html.count('class="month"') == 12


def test_an_already_published_year_is_refused_with_a_message(client, make_user):
    client.force_login(make_user("admin"))
    notice = {**NOTICE_2027, "year": "2026", "holidays": "元旦 2026-01-01 2026-01-03", "makeup_workdays": ""}
    html = client.post(reverse("workdays_notice"), {**notice, "action": "preview"}).content.decode()
    assert "2026年的节假日安排已经发布" in html


def test_the_calendar_page_needs_a_fixed_number_of_queries(client, make_user, django_assert_max_num_queries):
    client.force_login(make_user("teller"))
    query = {"year": "2026", "start": "2026-09-30", "days": "1"}
    client.get(reverse("workdays_calendar"), query)  # warms the index
    with django_assert_max_num_queries(6):
        client.get(reverse("workdays_calendar"), query)
