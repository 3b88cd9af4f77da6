"""The calendar in the admin site: corrections go through `day_update` (audited, with
a reason); years cannot be added or deleted there, only withdrawn."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from workdays.calendar import add_workdays, is_workday
from workdays.models import Day, PublishedYear

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user("admin"))
    return client


def day_url(day: str) -> str:
    return reverse("admin:workdays_day_change", args=[day])


def test_an_administrator_finds_a_day_by_its_date(admin_client):
    response = admin_client.get(reverse("admin:workdays_day_changelist"), {"q": "2026-10-0"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "2026-10-01" in html or "2026年10月1日" in html
    assert "国庆节" in html


def test_a_correction_in_the_admin_goes_through_the_service_with_its_reason(admin_client):
    assert add_workdays(date(2026, 10, 8), 1) == date(2026, 10, 9)
    response = admin_client.post(
        day_url("2026-10-09"), {"kind": "holiday", "name": "国庆节", "reason": "测试：国务院通知延长假期"}
    )
    assert response.status_code == 302, response.content.decode()

    row = Day.objects.get(date=date(2026, 10, 9))
    assert (row.is_workday, row.kind, row.name) == (False, "holiday", "国庆节")
    event = AuditEvent.objects.get(action="workdays.day.update")
    assert event.changes["reason"] == "测试：国务院通知延长假期"
    assert add_workdays(date(2026, 10, 8), 1) == date(2026, 10, 10)


def test_the_admin_refuses_a_kind_that_does_not_fit_the_weekday(admin_client):
    response = admin_client.post(day_url("2026-03-07"), {"kind": "weekday", "name": "", "reason": "测试"})
    assert response.status_code == 200
    assert "不能设为普通工作日" in response.content.decode()
    assert is_workday(date(2026, 3, 7)) is False
    assert not AuditEvent.objects.filter(action="workdays.day.update").exists()


def test_the_admin_requires_a_reason(admin_client):
    response = admin_client.post(day_url("2026-10-09"), {"kind": "holiday", "name": "国庆节", "reason": ""})
    assert response.status_code == 200
    assert Day.objects.get(date=date(2026, 10, 9)).kind == "weekday"


def test_days_and_years_cannot_be_added_or_deleted_in_the_admin(admin_client):
    assert admin_client.get(reverse("admin:workdays_day_add")).status_code == 403
    assert admin_client.get(reverse("admin:workdays_day_delete", args=["2026-10-09"])).status_code == 403
    assert admin_client.get(reverse("admin:workdays_publishedyear_add")).status_code == 403
    html = admin_client.get(reverse("admin:workdays_publishedyear_changelist")).content.decode()
    assert reverse("workdays_notice") in html


def test_an_administrator_can_withdraw_a_year_in_the_admin(admin_client):
    record = PublishedYear.objects.get(year=2026)
    response = admin_client.post(
        reverse("admin:workdays_publishedyear_changelist"),
        {"action": "unpublish", "_selected_action": [record.pk]},
    )
    assert response.status_code == 302
    assert PublishedYear.objects.get(year=2026).published is False
    assert AuditEvent.objects.filter(action="workdays.year.unpublish").exists()


def test_a_teller_has_no_admin_access_to_the_calendar(client, make_user):
    client.force_login(make_user("teller"))
    response = client.get(reverse("admin:workdays_day_changelist"))
    assert response.status_code == 302  # the admin sends non-staff users to its login
