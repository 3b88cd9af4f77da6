"""The seeded table against an independent source, day by day (DESIGN.md "Working
days"): `chinesecalendar` seeds it, `holidays` checks it, and every date the two
disagree on is a cited decision in workdays/corrections.py."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import holidays
import pytest

from workdays.corrections import DISAGREEMENTS, corrections_by_date
from workdays.models import Day, PublishedYear
from workdays.seed import SEED_FIRST_YEAR, SEED_LAST_YEAR, SEED_YEARS
from workdays.yearplan import day_problems

FIRST, LAST = date(SEED_FIRST_YEAR, 1, 1), date(SEED_LAST_YEAR, 12, 31)
DECIDED = {d.date: d for d in DISAGREEMENTS}


def every_day():
    d = FIRST
    while d <= LAST:
        yield d
        d += timedelta(days=1)


@pytest.fixture(scope="module")
def china():
    return holidays.China(years=SEED_YEARS)


def test_the_two_packages_disagree_exactly_on_the_documented_dates(china):
    disagreements = {
        d: (chinese_calendar.is_workday(d), china.is_working_day(d))
        for d in every_day()
        if chinese_calendar.is_workday(d) != china.is_working_day(d)
    }
    # A package upgrade that changes history must be looked at, and decided, here.
    assert set(disagreements) == set(DECIDED)
    for d, (ours, theirs) in disagreements.items():
        assert (DECIDED[d].chinesecalendar_is_workday, DECIDED[d].holidays_is_workday) == (ours, theirs)


@pytest.mark.parametrize("decision", DISAGREEMENTS, ids=lambda d: d.date.isoformat())
def test_every_decision_cites_the_state_council_notice_that_settles_it(decision):
    assert "国务院办公厅" in decision.notice and "国办发明电" in decision.notice
    assert decision.quote and decision.reasoning
    assert not day_problems(decision.date, decision.kind, decision.name)
    assert decision.chinesecalendar_is_wrong or decision.holidays_is_wrong


def test_the_2005_12_31_decision_follows_the_2006_notice():
    decision = DECIDED[date(2005, 12, 31)]
    assert decision.is_workday is True
    assert "12月31日（星期六）上班" in decision.quote
    assert "国办发明电〔2005〕35号" in decision.notice


@pytest.mark.django_db
def test_every_day_of_2004_to_2026_in_the_table_agrees_with_holidays_but_for_the_cited_decisions(china):
    table = dict(Day.objects.filter(date__range=(FIRST, LAST)).values_list("date", "is_workday"))
    assert len(table) == (LAST - FIRST).days + 1
    wrong = {
        d: is_workday
        for d, is_workday in table.items()
        if is_workday != (DECIDED[d].is_workday if d in DECIDED else china.is_working_day(d))
    }
    assert wrong == {}


@pytest.mark.django_db
def test_the_seeding_applied_the_corrections_to_the_table():
    for d, decision in corrections_by_date().items():
        row = Day.objects.get(date=d)
        assert (row.is_workday, row.kind, row.name) == (decision.is_workday, decision.kind, decision.name)


def test_every_seeded_day_has_a_kind_that_fits_its_weekday(seeded_days):
    problems = {d: day_problems(d, s.kind, s.name) for d, s in seeded_days.items()}
    assert {d: p for d, p in problems.items() if p} == {}


@pytest.mark.django_db
def test_2004_to_2026_are_published_and_2027_is_not():
    published = set(PublishedYear.objects.filter(published=True).values_list("year", flat=True))
    assert published == set(SEED_YEARS)
    assert not Day.objects.filter(date__year=2027).exists()
    seeded_2005 = PublishedYear.objects.get(year=2005)
    assert seeded_2005.source.startswith("chinesecalendar ")
    assert "国办发明电〔2005〕35号" in seeded_2005.notice_text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "kind", "name"),
    [
        ("2026-10-01", "holiday", "国庆节"),
        ("2026-10-10", "makeup_workday", "国庆节调休"),
        ("2026-03-07", "weekend", ""),
        ("2026-03-09", "weekday", ""),
        ("2015-09-03", "holiday", "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"),
        ("2020-02-01", "holiday", "春节"),
        ("2005-12-31", "makeup_workday", "元旦调休"),
    ],
)
def test_the_table_names_the_holidays_as_the_notices_do(day, kind, name):
    row = Day.objects.get(date=date.fromisoformat(day))
    assert (row.kind, row.name) == (kind, name)
