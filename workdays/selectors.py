"""Reads of the working-day calendar for pages and the API."""

from __future__ import annotations

from datetime import date

from common import clock
from workdays.calendar import is_workday
from workdays.errors import CalendarNotPublished
from workdays.models import Day, PublishedYear


def year_days(year: int) -> list[Day]:
    return list(Day.objects.filter(date__year=year).order_by("date"))


def year_records() -> list[PublishedYear]:
    return list(PublishedYear.objects.select_related("published_by").order_by("-year"))


def next_year_to_publish() -> int:
    """The year after the last published one: what the notice page offers first."""
    last = (
        PublishedYear.objects.filter(published=True).order_by("-year").values_list("year", flat=True).first()
    )
    return (last + 1) if last else clock.today().year


def day_detail(d: date) -> Day:
    """The row of a day of a published year; CalendarNotPublished otherwise."""
    is_workday(d)  # raises CalendarNotPublished for a day outside the published years
    row = Day.objects.filter(date=d).first()
    if row is None:  # a published year always has all its rows; refuse rather than 500
        raise CalendarNotPublished(d.year)
    return row
