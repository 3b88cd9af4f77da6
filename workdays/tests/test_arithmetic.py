"""Deadline arithmetic of 000 §五(二) on the seeded calendar, without a database.

Each case cites the State Council arrangement it rests on. The weekday of every
date is written out so that a reader can check the case against a wall calendar.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from workdays.arithmetic import WorkdayIndex
from workdays.errors import CalendarNotPublished, InvalidWorkdayCount

D = date.fromisoformat

# (start, n, deadline, why) — add_workdays: the start day is not counted (§五(二)2).
ACCEPTANCE_CASES = [
    # ordinary weeks
    ("2026-03-02", 1, "2026-03-03", "Mon → Tue: the day after acceptance is day 1"),
    ("2026-03-02", 5, "2026-03-09", "Mon + 5 → next Mon"),
    ("2026-03-06", 1, "2026-03-09", "Fri → Mon: the weekend does not count"),
    ("2026-03-07", 1, "2026-03-09", "accepted on a Saturday: Monday is day 1"),
    # 2024 春节: 2月10日至17日放假调休；2月4日（周日）、2月18日（周日）上班
    ("2024-02-02", 1, "2024-02-04", "Fri → the makeup Sunday 2024-02-04"),
    ("2024-02-08", 1, "2024-02-09", "除夕 2024-02-09 (Fri) was a working day"),
    ("2024-02-08", 2, "2024-02-18", "then the makeup Sunday after the break"),
    ("2024-02-08", 3, "2024-02-19", "then Monday"),
    ("2024-02-09", 1, "2024-02-18", "over the whole Spring Festival break"),
    # 2024 国庆: 10月1日至7日放假调休；9月29日（周日）、10月12日（周六）上班
    ("2024-09-27", 1, "2024-09-29", "Fri → the makeup Sunday"),
    ("2024-09-29", 2, "2024-10-08", "Sep 30, then Oct 8 after the break"),
    ("2024-09-30", 1, "2024-10-08", "eve of National Day → Tue 8 Oct"),
    ("2024-10-11", 1, "2024-10-12", "Fri → the makeup Saturday"),
    # 2025 春节: 1月28日至2月4日放假调休；1月26日（周日）、2月8日（周六）上班
    ("2025-01-24", 1, "2025-01-26", "Fri → the makeup Sunday"),
    ("2025-01-24", 2, "2025-01-27", "then Monday, the last day before the break"),
    ("2025-01-24", 3, "2025-02-05", "then Wednesday after the break"),
    ("2025-02-07", 1, "2025-02-08", "Fri → the makeup Saturday"),
    # 2025 国庆、中秋: 10月1日至8日放假调休；9月28日（周日）、10月11日（周六）上班
    ("2025-09-26", 1, "2025-09-28", "Fri → the makeup Sunday"),
    ("2025-09-30", 1, "2025-10-09", "over the eight-day break"),
    ("2025-10-10", 1, "2025-10-11", "Fri → the makeup Saturday"),
    # 2026 (国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04; as in chinesecalendar 1.11.0)
    ("2025-12-31", 1, "2026-01-04", "元旦 1月1日至3日；1月4日（周日）上班 — across the year end"),
    ("2026-02-13", 1, "2026-02-14", "春节 2月15日至23日；2月14日（周六）上班"),
    ("2026-02-13", 2, "2026-02-24", "over the nine-day break"),
    ("2026-02-27", 1, "2026-02-28", "2月28日（周六）上班"),
    ("2026-04-30", 1, "2026-05-06", "劳动节 5月1日至5日"),
    ("2026-05-08", 1, "2026-05-09", "5月9日（周六）上班"),
    ("2026-09-18", 1, "2026-09-20", "国庆节 9月20日（周日）上班"),
    ("2026-09-30", 1, "2026-10-08", "国庆节 10月1日至7日"),
    ("2026-10-09", 1, "2026-10-10", "10月10日（周六）上班"),
    # 2020 春节, extended by 国办发明电〔2020〕1号 to 2月2日; the 2月1日 makeup day lapsed
    ("2020-01-17", 1, "2020-01-19", "1月19日（星期日）上班 had already been worked"),
    ("2020-01-23", 1, "2020-02-03", "the break ran to Sun 2 Feb; work resumed Mon 3 Feb"),
    # 2015 抗战胜利70周年纪念日: 9月3日至5日放假调休；9月6日（星期日）上班
    ("2015-09-02", 1, "2015-09-06", "Wed → the makeup Sunday"),
    ("2015-09-02", 2, "2015-09-07", "then Monday"),
    # 2008 (first year of the new 清明/端午/中秋 holidays)
    ("2007-12-28", 1, "2007-12-29", "元旦 12月30日至1月1日；12月29日（星期六）上班"),
    ("2007-12-29", 1, "2008-01-02", "across the year end"),
    ("2008-04-30", 1, "2008-05-04", "劳动节 5月1日至3日；5月4日（星期日）上班"),
    # 2005-12-31, corrected over chinesecalendar (国办发明电〔2005〕35号)
    ("2005-12-30", 1, "2005-12-31", "12月31日（星期六）上班"),
    ("2005-12-30", 2, "2006-01-04", "元旦 1月1日至3日"),
    # year boundary inside the published range
    ("2026-12-30", 1, "2026-12-31", "the last working day that can be computed"),
]


@pytest.mark.parametrize(("start", "n", "deadline", "why"), ACCEPTANCE_CASES)
def test_it_counts_from_the_day_after_acceptance(seeded_index, start, n, deadline, why):
    assert seeded_index.add_workdays(D(start), n) == D(deadline), why


# (start, deadline, why) — n = 0 is an immediate matter (即办).
IMMEDIATE_CASES = [
    ("2026-03-02", "2026-03-02", "a working day: the same day"),
    ("2026-03-07", "2026-03-09", "a Saturday: the next working day"),
    ("2026-10-01", "2026-10-08", "a holiday: the first working day after the break"),
    ("2026-10-10", "2026-10-10", "a makeup Saturday is a working day"),
    ("2026-12-31", "2026-12-31", "the last day of the calendar, a Thursday"),
]


@pytest.mark.parametrize(("start", "deadline", "why"), IMMEDIATE_CASES)
def test_an_immediate_matter_is_due_the_same_working_day(seeded_index, start, deadline, why):
    assert seeded_index.add_workdays(D(start), 0) == D(deadline), why


# (handover day, n, deadline, why) — §五(二)2(3): counted from the handover day itself.
HANDOVER_CASES = [
    ("2026-03-02", 1, "2026-03-02", "handed over on a Monday: due that Monday"),
    ("2026-03-02", 3, "2026-03-04", "one day earlier than counting from acceptance"),
    ("2026-03-07", 1, "2026-03-09", "handed over on a Saturday: Monday is day 1"),
    ("2026-03-07", 3, "2026-03-11", "…and Wednesday day 3"),
    ("2026-09-30", 1, "2026-09-30", "the eve of National Day is day 1"),
    ("2026-09-30", 2, "2026-10-08", "day 2 is after the break"),
    ("2026-10-10", 1, "2026-10-10", "a makeup Saturday is a working day"),
    ("2026-03-02", 0, "2026-03-02", "n = 0 means the same as n = 1"),
    ("2026-03-07", 0, "2026-03-09", "n = 0 on a rest day: the next working day"),
    ("2004-01-01", 1, "2004-01-02", "the first day of the calendar needs nothing of 2003"),
]


@pytest.mark.parametrize(("start", "n", "deadline", "why"), HANDOVER_CASES)
def test_a_handover_counts_from_the_handover_day_itself(seeded_index, start, n, deadline, why):
    assert seeded_index.add_workdays_from_handover(D(start), n) == D(deadline), why


# (a, b, working days in (a, b])
BETWEEN_CASES = [
    ("2026-03-02", "2026-03-09", 5),
    ("2026-03-02", "2026-03-02", 0),
    ("2026-03-09", "2026-03-02", -5),
    ("2026-03-07", "2026-03-08", 0),
    ("2026-09-30", "2026-10-08", 1),
    ("2026-09-30", "2026-10-07", 0),
    ("2025-12-31", "2026-01-04", 1),
]


@pytest.mark.parametrize(("a", "b", "count"), BETWEEN_CASES)
def test_it_counts_the_working_days_after_a_up_to_b(seeded_index, a, b, count):
    assert seeded_index.workdays_between(D(a), D(b)) == count


def test_it_agrees_with_chinesecalendar_on_the_number_of_working_days_in_a_year(seeded_index):
    from chinese_calendar import get_workdays

    for year in (2008, 2015, 2020, 2024, 2025, 2026):
        expected = len(get_workdays(date(year, 1, 1), date(year, 12, 31)))
        assert seeded_index.workdays_between(date(year - 1, 12, 31), date(year, 12, 31)) == expected


REST_DAYS = ["2026-10-01", "2026-02-15", "2020-02-01", "2015-09-03", "2024-02-17", "2026-03-07"]
WORKING_DAYS = ["2026-10-10", "2026-01-04", "2020-01-19", "2015-09-06", "2005-12-31", "2024-02-09"]


@pytest.mark.parametrize("day", REST_DAYS)
def test_it_knows_a_rest_day(seeded_index, day):
    assert seeded_index.is_workday(D(day)) is False


@pytest.mark.parametrize("day", WORKING_DAYS)
def test_it_knows_a_working_day(seeded_index, day):
    assert seeded_index.is_workday(D(day)) is True


# --- refusals ---------------------------------------------------------------------------

UNPUBLISHED_CASES = [
    (lambda ix: ix.add_workdays(D("2026-12-31"), 1), 2027, "2026-12-31 + 1 needs 2027"),
    (lambda ix: ix.add_workdays(D("2026-12-25"), 5), 2027, "only four working days left in 2026"),
    (lambda ix: ix.add_workdays(D("2027-01-04"), 1), 2027, "a start in 2027"),
    (lambda ix: ix.add_workdays(D("2003-12-31"), 1), 2003, "a start in 2003"),
    (lambda ix: ix.add_workdays_from_handover(D("2026-12-31"), 2), 2027, "handover, day 2 in 2027"),
    (lambda ix: ix.is_workday(D("2027-01-01")), 2027, "a day of 2027"),
    (lambda ix: ix.is_workday(D("2003-12-31")), 2003, "a day of 2003"),
    (lambda ix: ix.workdays_between(D("2026-12-31"), D("2027-01-04")), 2027, "counting into 2027"),
    (lambda ix: ix.workdays_between(D("2004-01-05"), D("2003-12-31")), 2003, "counting back into 2003"),
]


@pytest.mark.parametrize(("call", "year", "why"), UNPUBLISHED_CASES)
def test_it_refuses_what_needs_an_unpublished_year(seeded_index, call, year, why):
    with pytest.raises(CalendarNotPublished) as caught:
        call(seeded_index)
    assert caught.value.year == year, why
    assert caught.value.as_dict() == {
        "error": "calendar_not_published",
        "year": year,
        "message": f"{year}年的节假日安排尚未发布，无法计算办理时限。"
        "请系统管理员录入国务院办公厅的节假日安排通知后再试。",
    }
    assert caught.value.status == 422


def test_it_never_skips_over_an_unpublished_year_between_published_ones():
    index = WorkdayIndex([D("2024-12-31"), D("2026-01-05")], published_years=[2024, 2026])
    with pytest.raises(CalendarNotPublished) as caught:
        index.add_workdays(D("2024-12-31"), 1)
    assert caught.value.year == 2025
    with pytest.raises(CalendarNotPublished):
        index.workdays_between(D("2024-12-31"), D("2026-01-05"))


def test_it_ignores_the_rows_of_a_withdrawn_year():
    index = WorkdayIndex([D("2024-12-31"), D("2025-01-02")], published_years=[2024])
    with pytest.raises(CalendarNotPublished):
        index.is_workday(D("2025-01-02"))


@pytest.mark.parametrize("n", [-1, -20])
def test_it_refuses_a_negative_number_of_days(seeded_index, n):
    with pytest.raises(ValueError, match="不能为负数"):
        seeded_index.add_workdays(D("2026-03-02"), n)
    with pytest.raises(InvalidWorkdayCount):
        seeded_index.add_workdays_from_handover(D("2026-03-02"), n)


@pytest.mark.parametrize("n", [1.0, "1", True, None])
def test_it_refuses_a_number_of_days_that_is_not_an_int(seeded_index, n):
    with pytest.raises(TypeError):
        seeded_index.add_workdays(D("2026-03-02"), n)


def test_it_refuses_a_datetime_because_business_dates_are_local_dates(seeded_index):
    with pytest.raises(TypeError, match="local business date"):
        seeded_index.add_workdays(datetime(2026, 3, 2, 9, 30), 1)
