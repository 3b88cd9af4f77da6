"""Publishing a year, correcting a day, withdrawing a year — and the deadline index
that every process rebuilds after such a change."""

from __future__ import annotations

from datetime import date

import pytest

from audit.models import AuditEvent
from common.errors import Conflict, DomainError
from workdays import calendar
from workdays.calendar import add_workdays, calendar_index, is_workday
from workdays.errors import CalendarNotPublished, NoticeInvalid
from workdays.models import CalendarRevision, Day, PublishedYear
from workdays.services import day_update, year_publish, year_unpublish

pytestmark = pytest.mark.django_db

D = date.fromisoformat

# A made-up 2027 notice for the tests (no real 2027 notice is assumed).
NOTICE_2027 = {
    "year": 2027,
    "holidays": [
        ("元旦", D("2027-01-01"), D("2027-01-03")),
        ("春节", D("2027-02-06"), D("2027-02-13")),
        ("国庆节", D("2027-10-01"), D("2027-10-07")),
    ],
    "makeup_workdays": [(D("2027-02-14"), "春节调休"), (D("2027-10-09"), "国庆节调休")],
    "source": "国务院办公厅关于2027年部分节假日安排的通知（测试用）",
    "notice_text": "测试用通知原文",
}


def revision() -> int:
    return CalendarRevision.objects.get().number


def test_publishing_2027_makes_its_deadlines_computable(make_user):
    admin = make_user("admin")
    with pytest.raises(CalendarNotPublished):
        add_workdays(D("2026-12-31"), 1)

    record = year_publish(actor=admin, **NOTICE_2027)

    assert add_workdays(D("2026-12-31"), 1) == D("2027-01-04")  # 1–3 January off
    assert add_workdays(D("2027-02-05"), 1) == D("2027-02-14")  # the makeup Sunday
    assert is_workday(D("2027-10-09")) is True
    assert (record.published, record.published_by, record.source) == (True, admin, NOTICE_2027["source"])
    assert record.published_at is not None


def test_publishing_writes_every_day_of_the_year():
    year_publish(actor="test", **NOTICE_2027)
    rows = {d.date: d for d in Day.objects.filter(date__year=2027)}
    assert len(rows) == 365
    assert (rows[D("2027-10-02")].kind, rows[D("2027-10-02")].name) == ("holiday", "国庆节")
    assert (rows[D("2027-02-14")].kind, rows[D("2027-02-14")].is_workday) == ("makeup_workday", True)
    assert (rows[D("2027-03-06")].kind, rows[D("2027-03-06")].is_workday) == ("weekend", False)
    assert (rows[D("2027-03-08")].kind, rows[D("2027-03-08")].is_workday) == ("weekday", True)


def test_publishing_is_audited_with_its_actor_and_bumps_the_revision(make_user):
    admin = make_user("admin")
    before = revision()
    record = year_publish(actor=admin, **NOTICE_2027)
    event = AuditEvent.objects.for_object(record).get(action="workdays.year.publish")
    assert event.actor == admin
    assert event.changes["makeup_workdays"] == [["2027-02-14", "春节调休"], ["2027-10-09", "国庆节调休"]]
    assert revision() == before + 1


def test_it_refuses_to_publish_a_year_twice():
    with pytest.raises(Conflict, match="2026年的节假日安排已经发布"):
        year_publish(
            actor="test",
            **{
                **NOTICE_2027,
                "year": 2026,
                "holidays": [("元旦", D("2026-01-01"), D("2026-01-03"))],
                "makeup_workdays": [],
            },
        )


def test_a_refused_notice_writes_nothing():
    notice = {**NOTICE_2027, "makeup_workdays": [(D("2027-02-15"), "")], "source": " "}
    with pytest.raises(NoticeInvalid) as caught:
        year_publish(actor="test", **notice)
    assert any("依据" in p for p in caught.value.problems)
    assert any("必须是周六或周日" in p for p in caught.value.problems)
    assert not Day.objects.filter(date__year=2027).exists()
    assert not PublishedYear.objects.filter(year=2027).exists()


def test_a_notice_that_reaches_into_december_overwrites_those_days_of_the_year_before():
    notice = {**NOTICE_2027, "makeup_workdays": [(D("2026-12-26"), "元旦调休")]}
    year_publish(actor="test", **notice)
    row = Day.objects.get(date=D("2026-12-26"))
    assert (row.kind, row.is_workday, row.name) == ("makeup_workday", True, "元旦调休")
    assert add_workdays(D("2026-12-25"), 1) == D("2026-12-26")
    event = AuditEvent.objects.get(action="workdays.year.publish")
    assert event.changes["previous_year_days"] == [["2026-12-26", "weekend", "makeup_workday 元旦调休"]]


def test_a_notice_cannot_reach_into_a_year_that_is_not_in_the_table():
    notice = {**NOTICE_2027, "year": 2028, "holidays": [("元旦", D("2027-12-31"), D("2028-01-02"))]}
    notice["makeup_workdays"] = []
    with pytest.raises(DomainError, match="2027年的日历尚未录入"):
        year_publish(actor="test", **notice)


def test_correcting_a_day_rebuilds_the_index_at_once(make_user):
    admin = make_user("admin")
    assert add_workdays(D("2026-10-08"), 1) == D("2026-10-09")

    day = day_update(
        actor=admin,
        date=D("2026-10-09"),
        is_workday=False,
        kind="holiday",
        name="国庆节",
        reason="测试：延长假期",
    )

    assert add_workdays(D("2026-10-08"), 1) == D("2026-10-10")
    event = AuditEvent.objects.for_object(day).get(action="workdays.day.update")
    assert event.actor == admin
    assert event.changes["kind"] == ["weekday", "holiday"]
    assert event.changes["reason"] == "测试：延长假期"


def test_a_correction_that_changes_nothing_is_not_logged():
    before = revision()
    day_update(
        actor="test", date=D("2026-10-01"), is_workday=False, kind="holiday", name="国庆节", reason="核对"
    )
    assert not AuditEvent.objects.filter(action="workdays.day.update").exists()
    assert revision() == before


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"date": D("2026-03-07"), "is_workday": True, "kind": "weekday", "name": ""}, "不能设为普通工作日"),
        ({"date": D("2026-03-09"), "is_workday": True, "kind": "holiday", "name": "国庆节"}, "矛盾"),
        (
            {
                "date": D("2026-03-09"),
                "is_workday": False,
                "kind": "holiday",
                "name": "国庆节",
                "reason": " ",
            },
            "更正原因",
        ),
    ],
)
def test_it_refuses_a_correction_that_cannot_be_right(changes, expected):
    with pytest.raises(NoticeInvalid, match=expected):
        day_update(actor="test", **{"reason": "测试", **changes})


def test_it_refuses_to_correct_a_day_of_a_year_not_in_the_table():
    with pytest.raises(DomainError, match="2030年的日历尚未录入"):
        day_update(
            actor="test", date=D("2030-01-02"), is_workday=False, kind="holiday", name="元旦", reason="测试"
        )


def test_withdrawing_a_year_stops_its_deadlines_and_publishing_again_replaces_its_days(make_user):
    admin = make_user("admin")
    year_publish(actor=admin, **NOTICE_2027)
    year_unpublish(actor=admin, year=2027, reason="录入有误")
    with pytest.raises(CalendarNotPublished):
        add_workdays(D("2027-03-01"), 1)
    assert AuditEvent.objects.filter(action="workdays.year.unpublish", actor=admin).exists()

    year_publish(actor=admin, **{**NOTICE_2027, "makeup_workdays": []})
    assert is_workday(D("2027-02-14")) is False
    assert Day.objects.filter(date__year=2027).count() == 365


def test_it_refuses_to_withdraw_a_year_that_is_not_published():
    with pytest.raises(DomainError, match="2027年的节假日安排未发布"):
        year_unpublish(actor="test", year=2027, reason="测试")


def test_a_change_made_by_another_process_is_seen_within_the_revision_check_interval(monkeypatch):
    clock = {"now": 1000.0}
    monkeypatch.setattr(calendar.time, "monotonic", lambda: clock["now"])
    assert is_workday(D("2026-03-09")) is True  # builds and warms the index

    # Another worker corrects the day: queryset updates fire no signal in this process.
    Day.objects.filter(date=D("2026-03-09")).update(is_workday=False, kind="holiday", name="测试")
    CalendarRevision.objects.update(number=revision() + 1)

    clock["now"] += calendar.DEFAULT_REVISION_CHECK_SECONDS - 1
    assert is_workday(D("2026-03-09")) is True  # still within the staleness bound
    clock["now"] += 2
    assert is_workday(D("2026-03-09")) is False  # the revision moved: rebuilt


def test_the_index_is_not_rebuilt_while_the_revision_stays_the_same(monkeypatch, django_assert_num_queries):
    clock = {"now": 1000.0}
    monkeypatch.setattr(calendar.time, "monotonic", lambda: clock["now"])
    index = calendar_index()
    with django_assert_num_queries(0):
        for _ in range(100):
            add_workdays(D("2026-03-02"), 5)
    clock["now"] += calendar.DEFAULT_REVISION_CHECK_SECONDS + 1
    with django_assert_num_queries(1):  # the revision only
        assert calendar_index() is index


def test_saving_a_day_through_the_orm_drops_the_index_of_this_process():
    index = calendar_index()
    day = Day.objects.get(date=D("2026-03-09"))
    day.save()
    assert calendar_index() is not index
