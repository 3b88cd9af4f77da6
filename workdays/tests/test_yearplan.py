"""Reading and checking a State Council notice as the administrator types it."""

from __future__ import annotations

from datetime import date

import pytest

from workdays.errors import NoticeInvalid
from workdays.yearplan import (
    HolidayRange,
    MakeupWorkday,
    build_year_plan,
    day_problems,
    parse_holiday_lines,
    parse_makeup_lines,
)

D = date.fromisoformat

# A made-up 2027 notice for the tests (no real 2027 notice is assumed).
HOLIDAYS_2027 = [
    ("元旦", D("2027-01-01"), D("2027-01-03")),
    ("春节", D("2027-02-06"), D("2027-02-13")),
    ("国庆节", D("2027-10-01"), D("2027-10-07")),
]
MAKEUPS_2027 = [(D("2027-02-14"), "春节调休"), (D("2027-10-09"), "")]


def test_it_reads_one_holiday_per_line_in_the_forms_people_type():
    text = (
        "元旦 2027-01-01 2027-01-03\n\n# 注释行\n"
        "春节　2027-02-06 至 2027-02-13\n"  # a full-width space, as Chinese input methods type it
        "清明节 2027-04-05\n"
        "中秋节 国庆节 2027-10-01 2027-10-07\n"
    )
    assert parse_holiday_lines(text) == [
        HolidayRange("元旦", D("2027-01-01"), D("2027-01-03")),
        HolidayRange("春节", D("2027-02-06"), D("2027-02-13")),
        HolidayRange("清明节", D("2027-04-05"), D("2027-04-05")),
        HolidayRange("中秋节 国庆节", D("2027-10-01"), D("2027-10-07")),
    ]


def test_it_names_every_bad_line_of_the_holidays():
    with pytest.raises(NoticeInvalid) as caught:
        parse_holiday_lines(
            "元旦 2027-01-01 2027-01-03\n春节 2027-02-30 2027-03-01\n国庆节\n劳动节 5月1日 5月5日"
        )
    problems = caught.value.problems
    assert any("第2行" in p and "2027-02-30" in p for p in problems)
    assert any("第3行" in p and "名称 开始日期 结束日期" in p for p in problems)
    assert any("第4行" in p and "5月1日" in p for p in problems)


def test_it_reads_makeup_workdays_with_or_without_a_name():
    assert parse_makeup_lines("2027-02-14 春节调休\n2027-10-09\n") == [
        MakeupWorkday(D("2027-02-14"), "春节调休"),
        MakeupWorkday(D("2027-10-09"), ""),
    ]
    with pytest.raises(NoticeInvalid, match="第1行"):
        parse_makeup_lines("2027/02/14 春节调休")


def test_a_plan_covers_every_day_of_the_year_with_the_notice_on_top_of_the_weekends():
    plan = build_year_plan(2027, HOLIDAYS_2027, MAKEUPS_2027)
    days = {s.date: s for s in plan.days}
    assert len(days) == 365 and plan.carried == []
    assert days[D("2027-01-04")].kind == "weekday"  # a Monday
    assert days[D("2027-01-09")].kind == "weekend"  # a Saturday
    assert (days[D("2027-10-02")].kind, days[D("2027-10-02")].name) == ("holiday", "国庆节")  # a Saturday
    assert (days[D("2027-02-14")].kind, days[D("2027-02-14")].is_workday) == ("makeup_workday", True)
    assert days[D("2027-10-09")].name == "调休上班"  # a makeup day without a name
    assert [r.days for r in plan.holidays] == [3, 8, 7]


def test_a_notice_may_reach_back_into_december_of_the_year_before():
    # As the 2007 notice did: 2006-12-30 (Sat) and 31 (Sun) were worked for 2 and 3 January.
    plan = build_year_plan(
        2007,
        [("元旦", D("2007-01-01"), D("2007-01-03"))],
        [(D("2006-12-30"), "元旦调休"), (D("2006-12-31"), "元旦调休")],
    )
    assert [(s.date, s.kind) for s in plan.carried] == [
        (D("2006-12-30"), "makeup_workday"),
        (D("2006-12-31"), "makeup_workday"),
    ]


@pytest.mark.parametrize(
    ("holidays", "makeups", "expected"),
    [
        ([], [], "至少录入一个节假日"),
        ([("春节", D("2027-02-13"), D("2027-02-06"))], [], "早于开始日期"),
        ([("春节", D("2027-02-06"), D("2027-03-31"))], [], "超过 31 天"),
        ([("元旦", D("2028-01-01"), D("2028-01-03"))], [], "不在 2027 年内"),
        ([("元旦", D("2026-11-30"), D("2027-01-01"))], [], "不在 2027 年内"),
        ([("", D("2027-01-01"), D("2027-01-01"))], [], "缺少名称"),
        (
            [("中秋节", D("2027-09-15"), D("2027-10-02")), ("国庆节", D("2027-10-01"), D("2027-10-07"))],
            [],
            "日期重叠",
        ),
        (HOLIDAYS_2027, [(D("2027-02-15"), "")], "必须是周六或周日"),
        (HOLIDAYS_2027, [(D("2027-02-06"), "")], "落在“春节”假期"),
        (HOLIDAYS_2027, [(D("2027-02-14"), ""), (D("2027-02-14"), "")], "重复录入"),
        (HOLIDAYS_2027, [(D("2028-01-08"), "")], "不在 2027 年内"),
    ],
)
def test_it_refuses_a_notice_that_cannot_be_right(holidays, makeups, expected):
    with pytest.raises(NoticeInvalid) as caught:
        build_year_plan(2027, holidays, makeups)
    assert any(expected in p for p in caught.value.problems), caught.value.problems


def test_it_reports_every_problem_at_once():
    with pytest.raises(NoticeInvalid) as caught:
        build_year_plan(
            2027,
            [("春节", D("2027-02-13"), D("2027-02-06"))],
            [(D("2027-02-15"), ""), (D("2028-01-08"), "")],
        )
    assert len(caught.value.problems) == 3
    assert caught.value.code == "notice_invalid"


def test_it_refuses_a_year_outside_the_supported_range():
    with pytest.raises(NoticeInvalid, match="2000 至 2100"):
        build_year_plan(1999, HOLIDAYS_2027, [])


@pytest.mark.parametrize(
    ("day", "kind", "name", "expected"),
    [
        ("2026-03-07", "weekday", "", "不能设为普通工作日"),
        ("2026-03-09", "weekend", "", "不能设为“周末”"),
        ("2026-03-09", "makeup_workday", "调休", "不能设为“调休上班”"),
        ("2026-03-09", "holiday", "", "须填写节日名称"),
        ("2026-03-09", "weekday", "国庆节", "不填写名称"),
        ("2026-03-09", "festival", "", "无效"),
    ],
)
def test_it_refuses_a_day_whose_kind_does_not_fit_its_weekday(day, kind, name, expected):
    problems = day_problems(D(day), kind, name)
    assert problems and expected in problems[0]


@pytest.mark.parametrize(
    ("day", "kind", "name"),
    [
        ("2026-03-09", "holiday", "国庆节"),
        ("2026-03-07", "makeup_workday", ""),
        ("2026-03-07", "weekend", ""),
    ],
)
def test_it_accepts_a_day_whose_kind_fits(day, kind, name):
    assert day_problems(D(day), kind, name) == []
