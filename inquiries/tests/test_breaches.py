"""Breaches of the first-inquiry rules and their 1st/2nd/3rd consequences
(003 §十; rule set handan-2021-first-inquiry: counted per calendar year)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from audit.models import AuditEvent
from common import clock
from common.errors import DomainError
from common.periods import Period
from inquiries import selectors, services
from inquiries.models import BreachStatus

pytestmark = pytest.mark.django_db

FIRST = ["批评教育"]
SECOND = ["效能告诫", "责令重新参加相关业务的培训学习"]
THIRD = ["调离工作岗位"]


def record(people, found_on: date, *, staff: str = "teller", **extra):
    return services.breach_record(
        actor=people["office"],
        staff=people[staff].staff,
        source=extra.pop("source", "inspection"),
        occurred_on=found_on,
        found_on=found_on,
        description="办事职工咨询时回答“不归我管”，未指明承办部门",
        source_ref=extra.pop("source_ref", "JC-2025-001"),
        **extra,
    )


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        # (found_on of each breach in order) → (nth, consequences) of each
        (["2025-03-01"], [(1, FIRST)]),
        (["2025-03-01", "2025-06-01"], [(1, FIRST), (2, SECOND)]),
        (["2025-03-01", "2025-06-01", "2025-09-01"], [(1, FIRST), (2, SECOND), (3, THIRD)]),
        # after the third: the third again (beyond_last = repeat_last)
        (
            ["2025-01-02", "2025-02-02", "2025-03-02", "2025-04-02"],
            [(1, FIRST), (2, SECOND), (3, THIRD), (4, THIRD)],
        ),
        # the counting window is the calendar year: a new year starts again at the first
        (["2025-11-01", "2025-12-31", "2026-01-01"], [(1, FIRST), (2, SECOND), (1, FIRST)]),
        # two on the same day count one after the other
        (["2025-05-05", "2025-05-05"], [(1, FIRST), (2, SECOND)]),
    ],
)
def test_the_nth_breach_in_a_calendar_year_gets_the_nth_step_of_the_ladder(people, dates, expected):
    got = []
    for text in dates:
        breach = record(people, date.fromisoformat(text))
        got.append((breach.nth, breach.consequences))
        assert breach.rules_ref == "handan-2021-first-inquiry@1"
        period = Period.year(breach.found_on.year)
        assert (breach.period_start, breach.period_end) == (period.start, period.end)
    assert got == expected


def test_breaches_are_counted_per_person(people):
    record(people, date(2025, 3, 1))
    other = record(people, date(2025, 3, 2), staff="deputy")
    assert (other.nth, other.consequences) == (1, FIRST)


def test_a_withdrawn_breach_no_longer_counts(people):
    first = record(people, date(2025, 3, 1))
    services.breach_withdraw(actor=people["office"], breach=first, reason="复核后认定不属于违规")
    first.refresh_from_db()
    assert first.status == BreachStatus.WITHDRAWN
    again = record(people, date(2025, 4, 1))
    assert (again.nth, again.consequences) == (1, FIRST)
    assert [b.pk for b in selectors.breaches_against(people["teller"].staff, Period.year(2025))] == [again.pk]
    assert [(e.from_status, e.to_status) for e in first.events.all()] == [
        ("", "recorded"),
        ("recorded", "withdrawn"),
    ]
    with pytest.raises(DomainError) as twice:
        services.breach_withdraw(actor=people["office"], breach=first, reason="再次撤销")
    assert twice.value.status == 409


def test_a_serious_breach_needs_the_administrative_sanction_written_down(people):
    with pytest.raises(DomainError, match="行政处分意见"):
        record(people, date(2025, 3, 1), serious=True)
    breach = record(people, date(2025, 3, 1), serious=True, serious_note="建议给予警告处分")
    assert breach.serious and breach.consequences == FIRST
    assert AuditEvent.objects.filter(action="inquiries.breach.record", object_id=str(breach.pk)).exists()


@pytest.mark.parametrize("role", ["teller", "head", "receiver"])
def test_only_the_office_or_a_leader_records_breaches(people, role):
    with pytest.raises(DomainError) as refused:
        services.breach_record(
            actor=people[role],
            staff=people["teller"].staff,
            source="inspection",
            occurred_on=date(2025, 3, 1),
            found_on=date(2025, 3, 1),
            description="x",
        )
    assert refused.value.status == 403
    assert record(people, date(2025, 3, 1)).nth == 1
    leader_made = services.breach_record(
        actor=people["leader"],
        staff=people["teller"].staff,
        source="other",
        occurred_on=date(2025, 3, 2),
        found_on=date(2025, 3, 2),
        description="领导巡查发现",
    )
    assert leader_made.nth == 2


def test_dates_must_make_sense(people):
    tomorrow = clock.today() + timedelta(days=1)
    with pytest.raises(DomainError, match="不能晚于今天"):
        record(people, tomorrow)
    with pytest.raises(DomainError, match="违规日期不能晚于查实日期"):
        services.breach_record(
            actor=people["office"],
            staff=people["teller"].staff,
            source="inspection",
            occurred_on=date(2025, 3, 2),
            found_on=date(2025, 3, 1),
            description="x",
        )
    with pytest.raises(DomainError, match="投诉编号"):
        record(people, date(2025, 3, 1), source="complaint", source_ref="")


def test_the_preview_tells_the_office_which_step_a_new_breach_would_be(people):
    record(people, date(2025, 3, 1))
    preview = selectors.breach_preview(people["teller"].staff, date(2025, 7, 1))
    assert (preview.nth, preview.consequences, preview.period.label) == (2, SECOND, "2025年")
    assert "行政处分" in preview.serious_consequence
    assert selectors.breach_preview(people["teller"].staff, date(2026, 1, 5)).nth == 1


def test_the_appraisal_reads_the_breaches_of_a_period(people):
    a = record(people, date(2025, 2, 1))
    b = record(people, date(2025, 5, 1))
    record(people, date(2026, 1, 10))
    staff = people["teller"].staff
    assert [x.pk for x in selectors.breaches_against(staff, Period.year(2025))] == [a.pk, b.pk]
    assert [x.pk for x in selectors.breaches_against(staff, Period.quarter(2025, 2))] == [b.pk]
