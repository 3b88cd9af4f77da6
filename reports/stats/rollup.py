"""Computing the daily aggregates from the source tables.

One function per source computes the rows of `reports.models` for a set of business days
— in memory, without writing. `reports.stats.services.rollup_day` stores them for a
closed day; the selectors call the same functions for today (and for any day not rolled
up yet), and so does the live dashboard for today, so a stored day, a live day and the
dashboard are the same arithmetic by construction.

What one ticket adds (wait, within target, past target, service) is defined once in
reports/figures.py (`ticket_measures`), with the figures read from the sums.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Case, DateTimeField, FloatField, Func, Q, Value, When
from django.db.models.functions import Coalesce, ExtractHour
from django.utils import timezone

from common import clock
from common.db import reporting_alias
from queueing.models import (
    IN_LINE,
    Ticket,
    TicketAction,
    TicketEvent,
    WindowEvent,
    WindowStatus,
)
from reports import figures
from rules.models import RuleKind
from rules.schemas import QueueParams
from rules.selectors import rules_in_force

# Buckets, the per-ticket measures and the figures read from them are defined once, in
# reports/figures.py; the names are kept here for the stored tables' readers.
FINE_UNTIL = figures.FINE_UNTIL
COARSE_WIDTH = figures.COARSE_WIDTH
LAST_BUCKET = figures.LAST_BUCKET
bucket_of = figures.bucket_of
bucket_upper = figures.bucket_upper
TICKET_MEASURES = figures.TICKET_MEASURES
CALLED = figures.CALLED
BUCKET_MEASURES = ("wait_n", "service_n")
WINDOW_MEASURES = ("signed_in_seconds", "paused_seconds", "busy_seconds")
RATING_MEASURES = ("n", "bad")


class Seconds(Func):
    """`end − start` in seconds as a number (NULL when either is NULL), on PostgreSQL and
    SQLite: the database does the date arithmetic so Python never parses the timestamps."""

    output_field = FloatField()
    arity = 2

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="EXTRACT(EPOCH FROM (%(expressions)s))", arg_joiner=" - ", **extra
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra,
        )


@dataclass
class DayRows:
    """The aggregate rows of some days, keyed by their dimensions."""

    tickets: dict[tuple[Any, ...], dict[str, int]] = field(default_factory=dict)
    buckets: dict[tuple[Any, ...], dict[str, int]] = field(default_factory=dict)
    windows: dict[tuple[Any, ...], dict[str, int]] = field(default_factory=dict)
    source_rows: int = 0
    rules_refs: set[str] = field(default_factory=set)


# Dimension names, in key order.
TICKET_DIMS = ("service_date", "weekday", "branch_id", "window_id", "staff_id", "category", "hour")
BUCKET_DIMS = ("service_date", "branch_id", "window_id", "staff_id", "category", "minute")
WINDOW_DIMS = ("service_date", "branch_id", "window_id", "staff_id")
RATING_DIMS = ("rated_on", "branch_id", "window_id", "staff_id", "category", "matter_id", "level")


def _add(
    table: dict[tuple[Any, ...], dict[str, int]], key: tuple[Any, ...], measures: Iterable[str], **values: int
) -> None:
    row = table.get(key)
    if row is None:
        row = table[key] = dict.fromkeys(measures, 0)
    for name, value in values.items():
        row[name] += value


def _targets(days: Iterable[date]) -> tuple[dict[date, int], set[str]]:
    targets: dict[date, int] = {}
    refs: set[str] = set()
    rules = None
    for day in sorted(days):
        # One look-up per rule-set version, not per day (effective_to is exclusive).
        if rules is None or not _covers(rules.rule_set.effective_from, rules.rule_set.effective_to, day):
            rules = rules_in_force(RuleKind.QUEUE, day)
        params = rules.params
        assert isinstance(params, QueueParams)
        targets[day] = params.wait_target_minutes * 60
        refs.add(rules.ref)
    return targets, refs


def _covers(start: date | None, end: date | None, day: date) -> bool:
    return start is not None and start <= day and (end is None or day < end)


def _day_filter(field_name: str, days: list[date]) -> Q:
    # A contiguous run of days is a range (index-friendly); otherwise a list.
    ordered = sorted(days)
    if ordered and (ordered[-1] - ordered[0]).days + 1 == len(ordered):
        return Q(**{f"{field_name}__range": (ordered[0], ordered[-1])})
    return Q(**{f"{field_name}__in": ordered})


def ticket_rows(
    days: Iterable[date],
    *,
    branch_ids: frozenset[int] | None = None,
    now: datetime | None = None,
    alias: str | None = None,
    window_time: bool = True,
    targets: dict[date, int] | None = None,
) -> DayRows:
    """The ticket, histogram and window rows of `days` computed from the source tables.
    `alias` is the database to read (default: the reporting replica; the live dashboard
    reads the primary). Without `window_time` neither the windows' signed-in, paused and
    busy time nor the transfers are counted (the dashboard shows neither). `targets` gives
    the wait target in seconds per day when the caller has already read the rule set."""
    days = sorted(set(days))
    out = DayRows()
    if not days:
        return out
    alias = alias or reporting_alias()
    now = now or clock.now()
    tz = timezone.get_current_timezone()
    if targets is None:
        targets, out.rules_refs = _targets(days)

    tickets = Ticket.objects.using(alias).filter(_day_filter("service_date", days))
    if branch_ids is not None:
        tickets = tickets.filter(branch_id__in=branch_ids)
    busy: dict[tuple[date, int, int | None], float] = defaultdict(float)
    window_id: int | None
    staff_id: int | None
    # Durations and the local hour come from the database as numbers: parsing five
    # timestamps per ticket in Python was most of the cost of a day.
    rows = tickets.annotate(
        _first_call=figures.first_call(),
        _hour=ExtractHour("taken_at", tzinfo=tz),
        _wait=Seconds("_first_call", "taken_at"),
        # Until the first call, or leaving the line, or now for a ticket still in it.
        _elapsed=Seconds(
            Coalesce(
                "_first_call",
                "finished_at",
                Case(When(status__in=IN_LINE, then=Value(now, output_field=DateTimeField()))),
            ),
            "taken_at",
        ),
        _service=Seconds("finished_at", Coalesce("started_at", "called_at")),
        _busy=Seconds(Coalesce("finished_at", Value(now, output_field=DateTimeField())), "called_at"),
    ).values_list(
        "service_date",
        "branch_id",
        "window_id",
        "staff_id",
        "category",
        "status",
        "source",
        "priority",
        "_hour",
        "_wait",
        "_elapsed",
        "_service",
        "_busy",
    )
    for (
        day,
        branch_id,
        window_id,
        staff_id,
        category,
        status,
        source,
        priority,
        hour,
        waited,
        elapsed,
        service,
        busy_s,
    ) in rows.iterator(chunk_size=5000):
        out.source_rows += 1
        called = status in CALLED and waited is not None
        if not called:
            # Waiting, cancelled or transferred-and-not-called-again: no window to credit.
            window_id = None
            staff_id = None
        key = (day, day.weekday(), branch_id, window_id, staff_id, category, hour)
        values, wait, served = figures.ticket_measures(
            status=status,
            source=source,
            priority=priority,
            waited=waited,
            elapsed=elapsed,
            service=service,
            target_seconds=targets[day],
        )
        bucket_key_base = (day, branch_id, window_id, staff_id, category)
        if wait is not None:
            _add(out.buckets, (*bucket_key_base, bucket_of(wait)), BUCKET_MEASURES, wait_n=1)
        if served is not None:
            _add(out.buckets, (*bucket_key_base, bucket_of(served)), BUCKET_MEASURES, service_n=1)
        if called and window_id is not None and busy_s is not None:
            busy[(day, window_id, staff_id)] += max(0.0, float(busy_s))
        _add(out.tickets, key, TICKET_MEASURES, **values)

    if not window_time:
        return out
    # Transfers (多窗联办) are events: credited to the window that transferred the ticket.
    transfers = TicketEvent.objects.using(alias).filter(
        action=TicketAction.TRANSFER, ticket__in=tickets.values("pk")
    )
    for day, branch_id, window_id, staff_id, category, taken_at in transfers.values_list(
        "ticket__service_date",
        "ticket__branch_id",
        "window_id",
        "staff_id",
        "ticket__category",
        "ticket__taken_at",
    ):
        hour = clock.local(taken_at, tz).hour
        _add(
            out.tickets,
            (day, day.weekday(), branch_id, window_id, staff_id, category, hour),
            TICKET_MEASURES,
            transferred=1,
        )

    _window_rows(out, days, branch_ids=branch_ids, busy=busy, now=now, alias=alias)
    return out


def _window_rows(
    out: DayRows,
    days: list[date],
    *,
    branch_ids: frozenset[int] | None,
    busy: dict[tuple[date, int, int | None], float],
    now: datetime,
    alias: str,
) -> None:
    """Signed-in and paused time per window and teller from the window events of the days.
    A window still signed in at the end of the events is counted until the branch's
    closing time (or now, for today)."""
    tz = timezone.get_current_timezone()
    first = datetime.combine(days[0], time.min, tzinfo=tz)
    last = datetime.combine(days[-1] + timedelta(days=1), time.min, tzinfo=tz)
    wanted = set(days)
    events = (
        WindowEvent.objects.using(alias).filter(at__gte=first, at__lt=last).order_by("window_id", "at", "pk")
    )
    if branch_ids is not None:
        events = events.filter(window__branch_id__in=branch_ids)
    rows = list(
        events.values_list(
            "window_id", "window__branch_id", "window__branch__closes_at", "at", "to_status", "staff_id"
        )
    )
    open_since: dict[int, tuple[datetime, str, int | None, int, time]] = {}

    def close(window_id: int, until: datetime) -> None:
        since, status, staff_id, branch_id, _ = open_since.pop(window_id)
        day = clock.local(since, tz).date()
        seconds = max(0, round((until - since).total_seconds()))
        if day not in wanted or not seconds:
            return
        values = {"signed_in_seconds": seconds}
        if status == WindowStatus.PAUSED:
            values["paused_seconds"] = seconds
        _add(out.windows, (day, branch_id, window_id, staff_id), WINDOW_MEASURES, **values)

    def day_end(since: datetime, closes_at: time) -> datetime:
        local = clock.local(since, tz)
        end = datetime.combine(local.date(), closes_at, tzinfo=tz)
        end = max(end, since)
        return min(end, now) if local.date() == clock.local_date(now) else end

    for window_id, branch_id, closes_at, at, to_status, staff_id in rows:
        if window_id in open_since:
            since = open_since[window_id][0]
            if clock.local(since, tz).date() != clock.local(at, tz).date():
                close(window_id, day_end(since, open_since[window_id][4]))
            else:
                close(window_id, at)
        if to_status in (WindowStatus.OPEN, WindowStatus.PAUSED):
            open_since[window_id] = (at, to_status, staff_id, branch_id, closes_at)
    for window_id in list(open_since):
        since = open_since[window_id][0]
        close(window_id, day_end(since, open_since[window_id][4]))

    # Busy time: the windows that served without any sign-in event still show their busy time.
    branch_of = {key[3]: key[2] for key in out.tickets if key[3] is not None}
    for (day, busy_window, busy_staff), seconds in busy.items():
        _add(
            out.windows,
            (day, branch_of[busy_window], busy_window, busy_staff),
            WINDOW_MEASURES,
            busy_seconds=round(seconds),
        )


def rating_rows(days: Iterable[date], *, branch_ids: frozenset[int] | None = None) -> DayRows:
    """The 好差评 rows of `days` (by the day of rating)."""
    from django.db.models import Count, IntegerField, Sum
    from django.db.models.functions import Cast

    from ratings.models import Rating

    days = sorted(set(days))
    out = DayRows()
    if not days:
        return out
    qs = Rating.objects.using(reporting_alias()).filter(_day_filter("rated_on", days))
    if branch_ids is not None:
        qs = qs.filter(branch_id__in=branch_ids)
    for row in qs.values(*RATING_DIMS).annotate(n=Count("pk"), bad=Sum(Cast("is_bad", IntegerField()))):
        key = tuple(row[d] for d in RATING_DIMS)
        _add(out.tickets, key, RATING_MEASURES, n=int(row["n"]), bad=int(row["bad"] or 0))
        out.source_rows += row["n"]
    return out
