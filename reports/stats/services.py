"""Writing the daily aggregates (the only writes of reports.stats).

`rollup_day` recomputes one closed business day from the source tables and replaces that
day's rows in one transaction, with a RollupRun row and an audit event: running it twice
leaves the same rows. Today is refused — its figures are still changing and the
statistics compute it live.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Sum

from audit.services import audit_record
from common import clock
from common.actors import Actor, actor_label
from common.errors import DomainError
from reports.models import (
    Grain,
    RatingRollup,
    RollupKind,
    RollupRun,
    TicketMinuteBucket,
    TicketRollup,
    WindowRollup,
)
from reports.stats import rollup
from reports.stats.selectors.reading import month_days


def rollup_day(*, actor: Actor, day: date, today: date | None = None, month: bool = True) -> dict[str, int]:
    """Recompute `day` (tickets, windows, ratings). Returns the number of rows per kind.
    With `month`, the day's month is rebuilt too when every day of it is rolled up."""
    today = today or clock.today()
    if day >= today:
        raise DomainError(
            f"{day:%Y-%m-%d} 尚未结束，不能汇总；统计页面实时计算当天的数据。",
            code="day_not_closed",
            status=400,
        )
    now = clock.now()
    label = actor_label(actor)
    tickets = rollup.ticket_rows([day], now=now)
    ratings = rollup.rating_rows([day])
    with transaction.atomic():
        TicketRollup.objects.filter(grain=Grain.DAY, service_date=day).delete()
        TicketMinuteBucket.objects.filter(grain=Grain.DAY, service_date=day).delete()
        WindowRollup.objects.filter(grain=Grain.DAY, service_date=day).delete()
        RatingRollup.objects.filter(grain=Grain.DAY, rated_on=day).delete()
        TicketRollup.objects.bulk_create(
            [
                TicketRollup(**dict(zip(rollup.TICKET_DIMS, key, strict=True)), **m)
                for key, m in tickets.tickets.items()
            ],
            batch_size=2000,
        )
        TicketMinuteBucket.objects.bulk_create(
            [
                TicketMinuteBucket(**dict(zip(rollup.BUCKET_DIMS, key, strict=True)), **m)
                for key, m in tickets.buckets.items()
            ],
            batch_size=2000,
        )
        WindowRollup.objects.bulk_create(
            [
                WindowRollup(**dict(zip(rollup.WINDOW_DIMS, key, strict=True)), **m)
                for key, m in tickets.windows.items()
            ],
            batch_size=2000,
        )
        RatingRollup.objects.bulk_create(
            [
                RatingRollup(**dict(zip(rollup.RATING_DIMS, key, strict=True)), **m)
                for key, m in ratings.tickets.items()
            ],
            batch_size=2000,
        )
        counts = {
            RollupKind.TICKETS: len(tickets.tickets) + len(tickets.buckets) + len(tickets.windows),
            RollupKind.RATINGS: len(ratings.tickets),
        }
        sources = {RollupKind.TICKETS: tickets.source_rows, RollupKind.RATINGS: ratings.source_rows}
        for kind in (RollupKind.TICKETS, RollupKind.RATINGS):
            RollupRun.objects.update_or_create(
                kind=kind,
                day=day,
                defaults={
                    "rows": counts[kind],
                    "source_rows": sources[kind],
                    "rules_ref": ",".join(sorted(tickets.rules_refs)) if kind == RollupKind.TICKETS else "",
                    "computed_at": now,
                    "actor_label": label,
                },
            )
        audit_record(
            actor=actor,
            action="reports.rollup",
            summary=(
                f"统计汇总 {day:%Y-%m-%d}：排队号 {tickets.source_rows} 张，好差评 {ratings.source_rows} 条"
            ),
            changes={"day": day.isoformat(), "rows": {str(k): v for k, v in counts.items()}},
        )
    result = {str(k): v for k, v in counts.items()}
    if month:
        rows = rollup_month(actor=actor, month=day.replace(day=1), today=today)
        if rows is not None:
            result[str(RollupKind.MONTH)] = rows
    return result


# The stored tables and their dimensions at month grain (the date column is the month's 1st).
_MONTH_TABLES: tuple[tuple[type, str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        TicketRollup,
        "service_date",
        ("weekday", "branch_id", "window_id", "staff_id", "category", "hour"),
        rollup.TICKET_MEASURES,
    ),
    (
        TicketMinuteBucket,
        "service_date",
        ("branch_id", "window_id", "staff_id", "category", "minute"),
        rollup.BUCKET_MEASURES,
    ),
    (WindowRollup, "service_date", ("branch_id", "window_id", "staff_id"), rollup.WINDOW_MEASURES),
    (
        RatingRollup,
        "rated_on",
        ("branch_id", "window_id", "staff_id", "category", "matter_id", "level"),
        rollup.RATING_MEASURES,
    ),
)


def rollup_month(*, actor: Actor, month: date, today: date | None = None) -> int | None:
    """Rebuild the month rows of `month` (its 1st) from its day rows, when the month has
    ended and every day of it is rolled up; None when it cannot be built yet."""
    today = today or clock.today()
    days = month_days(month)
    if days[-1] >= today:
        return None
    rolled = RollupRun.objects.filter(kind=RollupKind.TICKETS, day__range=(days[0], days[-1])).count()
    if rolled < len(days):
        return None
    now = clock.now()
    total = 0
    with transaction.atomic():
        for model, date_field, dims, measures in _MONTH_TABLES:
            manager = model.objects  # type: ignore[attr-defined]
            manager.filter(grain=Grain.MONTH, **{date_field: month}).delete()
            rows = (
                manager.filter(grain=Grain.DAY, **{f"{date_field}__range": (days[0], days[-1])})
                .values(*dims)
                .annotate(**{m: Sum(m) for m in measures})
                .order_by()
            )
            objs = [model(grain=Grain.MONTH, **{date_field: month}, **row) for row in rows]
            manager.bulk_create(objs, batch_size=2000)
            total += len(objs)
        RollupRun.objects.update_or_create(
            kind=RollupKind.MONTH,
            day=month,
            defaults={
                "rows": total,
                "source_rows": rolled,
                "computed_at": now,
                "actor_label": actor_label(actor),
            },
        )
        audit_record(
            actor=actor,
            action="reports.rollup.month",
            summary=f"统计整月汇总 {month:%Y-%m}：{total} 行",
            changes={"month": month.isoformat(), "rows": total},
        )
    return total


def rollup_range(
    *, actor: Actor, start: date, end: date, today: date | None = None
) -> dict[date, dict[str, int]]:
    """Recompute every day from `start` to `end` (each day in its own transaction)."""
    today = today or clock.today()
    end = min(end, today - timedelta(days=1))
    done: dict[date, dict[str, int]] = {}
    months: set[date] = set()
    day = start
    while day <= end:
        done[day] = rollup_day(actor=actor, day=day, today=today, month=False)
        months.add(day.replace(day=1))
        day += timedelta(days=1)
    for month in sorted(months):
        rollup_month(actor=actor, month=month, today=today)
    return done
