"""What every part of the bulk generator shares: the scales, the organisation as the
generator sees it (halls, windows, matters), the rows of one working day, the run's
context (seed, calendar, rule sets in force) and the local moments of a day."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError

from org.models import Category
from queueing.models import (
    Appointment,
)
from rules.models import RuleKind
from rules.selectors import rules_in_force
from workdays.calendar import CalendarNotPublished

ACTOR = "system:simulate-bulk"
C, W, L, OT = Category.COLLECTION, Category.WITHDRAWAL, Category.LOAN, Category.OTHER


@dataclass(frozen=True)
class Scale:
    tickets_per_year: int
    extra_branches: int
    windows: tuple[int, int]  # windows per new branch, inclusive range
    # The example proportions: 1 million cases and 2 million ratings to 3 million
    # tickets. profile.CASE_SHARE (0.65 of visits) is the demo hall's pattern; at these
    # proportions about a third of the tickets open a case.
    cases_per_ticket: float = 1 / 3
    case_rating_share: float = 0.05  # of decided cases, rated online afterwards (一事一评)
    online_case_share: float = 0.03  # of cases, applied for online or by mail (no ticket)


SCALES: dict[str, Scale] = {
    "large": Scale(tickets_per_year=3_000_000, extra_branches=20, windows=(10, 20)),
    "small": Scale(tickets_per_year=3_000, extra_branches=2, windows=(3, 4)),
}
NOMINAL_WORKDAYS_PER_YEAR = 250


@dataclass
class WindowInfo:
    id: int
    number: int
    categories: frozenset[str]
    green: bool
    staff_id: int
    user_id: int
    department_id: int | None
    label: str  # "姓名（工号）", as the services name the teller in the window's events


@dataclass
class BranchInfo:
    id: int
    code: str
    department_id: int | None
    windows: list[WindowInfo]
    queues: dict[str, tuple[int, str]]  # category → (queue id, letter)
    head_user_id: int
    guide_label: str
    opens: float  # minutes after midnight
    share: float = 0.0
    window_by_id: dict[int, WindowInfo] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.window_by_id = {w.id: w for w in self.windows}


@dataclass
class MatterInfo:
    id: int
    category: str
    employer: bool
    version_id: int
    name: str
    handling_type: str
    promised_days: int


@dataclass
class Org:
    centre_id: int
    branches: list[BranchInfo]
    matters: dict[str, list[MatterInfo]]
    centre_departments: list[int]
    office_user_id: int
    office_staff_id: int
    leader_user_id: int


@dataclass
class DayRows:
    """Everything one working day writes, in dependency order."""

    tickets: list[dict[str, Any]] = field(default_factory=list)
    counters: list[dict[str, Any]] = field(default_factory=list)
    appointments: list[dict[str, Any]] = field(default_factory=list)
    window_events: list[dict[str, Any]] = field(default_factory=list)
    cases: list[dict[str, Any]] = field(default_factory=list)
    case_sequences: list[dict[str, Any]] = field(default_factory=list)
    supplements: list[dict[str, Any]] = field(default_factory=list)
    extensions: list[dict[str, Any]] = field(default_factory=list)
    handovers: list[dict[str, Any]] = field(default_factory=list)
    escalations: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    tokens: list[dict[str, Any]] = field(default_factory=list)
    ratings: list[dict[str, Any]] = field(default_factory=list)
    follow_ups: list[dict[str, Any]] = field(default_factory=list)
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    complaints: list[dict[str, Any]] = field(default_factory=list)
    complaint_sequence: list[dict[str, Any]] = field(default_factory=list)


class _Codes:
    """Appointment codes (预约码, 8 digits, unique): the day's 4-digit stamp and a running
    number that continues after the largest code already given with that stamp."""

    def __init__(self) -> None:
        self.prefix = ""
        self.last = 0

    def start(self, day: date) -> None:
        self.prefix = f"{day.toordinal() % 10000:04d}"
        largest = (
            Appointment.objects.filter(code__startswith=self.prefix)
            .order_by("-code")
            .values_list("code", flat=True)
            .first()
        )
        self.last = int(largest[4:]) if largest and largest[4:].isdigit() else 0

    def next(self) -> str:
        self.last += 1
        if self.last > 9999:
            raise CommandError("一天的预约超过9999个，预约码不够用。")
        return f"{self.prefix}{self.last:04d}"


@dataclass
class _Context:
    org: Org
    spec: Scale
    seed: int
    cal: Any
    tz: ZoneInfo
    as_of: datetime
    end: date
    codes: _Codes = field(default_factory=lambda: _Codes())
    _rules: dict[tuple[str, date], Any] = field(default_factory=dict)
    _password: str = ""

    def rules(self, kind: str, on: date) -> Any:
        key = (kind, on)
        if key not in self._rules:
            self._rules[key] = rules_in_force(RuleKind(kind), on)
        return self._rules[key]

    @property
    def password_hash(self) -> str:
        # Nobody can query a generated case or complaint: an unusable hash, made once.
        if not self._password:
            self._password = make_password(None)
        return self._password


def _assign(ids: Callable[[Any, int], list[int]], model: Any, rows: list[dict[str, Any]]) -> None:
    for row, pk in zip(rows, ids(model, len(rows)), strict=True):
        row["id"] = pk


def _at(ctx: _Context, day: date, minutes: float) -> datetime:
    """The local moment `minutes` after midnight of `day`, to the second."""
    return datetime.combine(day, time(0), tzinfo=ctx.tz) + timedelta(seconds=round(minutes * 60))


def _later_workday(ctx: _Context, start: date, n: int) -> date:
    """The n-th working day after `start`; past the published calendar, a day after the
    period, so that what would happen then has not happened yet."""
    try:
        return ctx.cal.add_workdays(start, n)  # type: ignore[no-any-return]
    except CalendarNotPublished:
        return ctx.end + timedelta(days=400)


def _workday_between(ctx: _Context, rng: random.Random, after: date, last: date) -> date:
    """A working day d with after < d ≤ last (or `last` itself when there is none)."""
    n = ctx.cal.workdays_between(after, last)
    return ctx.cal.add_workdays(after, rng.randint(1, n)) if n >= 1 else last
