"""The run: the working days of the period, one transaction each, and what one day writes
in dependency order; the audit record that summarises the load."""

from __future__ import annotations

import random
import sys
import time as stopwatch
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction

from audit.services import audit_record
from cases.models import (
    Case,
    CaseSequence,
    Escalation,
    Extension,
    Handover,
    OverdueFinding,
    SupplementRequest,
)
from common import clock
from complaints.models import Complaint, ComplaintSequence
from queueing.models import (
    Appointment,
    Ticket,
    TicketCounter,
    WindowEvent,
)
from ratings.models import FollowUp, HotlineCallback, Rating, RatingToken
from reports.simulate import profile
from reports.simulate.bulk._common import (
    ACTOR,
    NOMINAL_WORKDAYS_PER_YEAR,
    SCALES,
    BranchInfo,
    DayRows,
    _assign,
    _Context,
)
from reports.simulate.bulk.cases import _cases
from reports.simulate.bulk.complaints import _complaints
from reports.simulate.bulk.halls import _hall_day
from reports.simulate.bulk.organisation import _organisation
from reports.simulate.bulk.ratings import _ratings
from reports.simulate.bulk.writer import Writer, writer_for_connection
from workdays.calendar import CalendarNotPublished, calendar_index


def generate(
    *, start: date, end: date, scale: str = "small", seed: int = 1, stdout: TextIO | None = None
) -> dict[str, int]:
    """Write the working days of [start, end] (clamped to yesterday: a history cannot
    reach into today) and return how many rows of each kind were written."""
    out = stdout or sys.stdout
    if scale not in SCALES:
        raise CommandError(
            f"规模“{scale}”无效：应为 large（约300万排队号/年）或 small（千分之一，用于测试）。"
        )
    if start > end:
        raise CommandError("开始日期晚于结束日期，请检查 --start 和 --end。")
    if scale == "large" and connection.vendor != "postgresql":
        raise CommandError(
            "大规模数据集（约300万排队号、100万办件、200万评价）只能写入 PostgreSQL："
            "请设置 DATABASE_URL=postgres://… 后重试；SQLite 请使用 --scale small。"
        )
    yesterday = clock.today() - timedelta(days=1)
    if end > yesterday:
        out.write(f"结束日期 {end} 不早于今天，已截至 {yesterday}（模拟的是已经过去的历史）。\n")
        end = yesterday
    cal = calendar_index()
    try:
        days = [d for d in _dates(start, end) if cal.is_workday(d)]
    except CalendarNotPublished as exc:
        raise CommandError(
            f"{exc.year}年的节假日安排尚未发布，无法确定工作日：请先在工作日历中发布该年度。"
        ) from None

    spec = SCALES[scale]
    began = stopwatch.monotonic()
    org = _organisation(spec, seed=seed, out=out)
    writer = writer_for_connection()
    tz = ZoneInfo(settings.TIME_ZONE)
    as_of = datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz)
    ctx = _Context(org=org, spec=spec, seed=seed, cal=cal, tz=tz, as_of=as_of, end=end)
    per_day = spec.tickets_per_year / NOMINAL_WORKDAYS_PER_YEAR / _mean_weekday_factor()
    done = _days_done(days)
    total_rows = 0
    for i, day in enumerate(days, 1):
        with transaction.atomic():
            rows = _day(ctx, writer, day, per_day, skip=done.get(day, set()))
            total_rows += _write(writer, rows)
        if i % 10 == 0 or i == len(days):
            elapsed = stopwatch.monotonic() - began
            out.write(
                f"{day}：第 {i}/{len(days)} 个工作日，已写入 {total_rows:,} 行，"
                f"{elapsed:,.0f} 秒（{total_rows / max(elapsed, 0.001):,.0f} 行/秒）\n"
            )
            out.flush()
    out.write("更新统计信息（VACUUM ANALYZE）…\n")
    writer.finish()
    elapsed = stopwatch.monotonic() - began
    summary = dict.fromkeys(_SUMMARY_KEYS.values(), 0)
    summary.update({_SUMMARY_KEYS.get(k, k): v for k, v in writer.written.items()})
    summary["working_days"] = len(days)
    summary["seconds"] = round(elapsed)
    summary["rows_per_second"] = round(total_rows / max(elapsed, 0.001))
    audit_record(
        actor=ACTOR,
        action="reports.simulate.bulk",
        summary=(
            f"批量生成性能测试数据（{scale}，{start}–{end}，种子 {seed}）："
            f"排队号 {summary.get('tickets', 0):,}、办件 {summary.get('cases', 0):,}、"
            f"评价 {summary.get('ratings', 0):,}；不含逐条操作记录"
        ),
        changes={"scale": scale, "start": start.isoformat(), "end": end.isoformat(), "seed": seed, **summary},
    )
    out.write(f"完成：{total_rows:,} 行，{elapsed:,.0f} 秒，{summary['rows_per_second']:,} 行/秒。\n")
    return summary


_SUMMARY_KEYS = {
    "queueing.Ticket": "tickets",
    "queueing.TicketCounter": "ticket_counters",
    "queueing.Appointment": "appointments",
    "queueing.WindowEvent": "window_events",
    "cases.Case": "cases",
    "cases.CaseSequence": "case_sequences",
    "cases.SupplementRequest": "supplements",
    "cases.Extension": "extensions",
    "cases.Handover": "handovers",
    "cases.Escalation": "escalations",
    "cases.OverdueFinding": "overdue_findings",
    "ratings.RatingToken": "rating_tokens",
    "ratings.Rating": "ratings",
    "ratings.FollowUp": "follow_ups",
    "ratings.HotlineCallback": "callbacks",
    "complaints.Complaint": "complaints",
    "complaints.ComplaintSequence": "complaint_sequences",
}


def _dates(start: date, end: date) -> Iterator[date]:
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)


def _mean_weekday_factor() -> float:
    return sum(profile.WEEKDAY_FACTORS[i] for i in range(5)) / 5


def _days_done(days: list[date]) -> dict[date, set[int]]:
    """Halls and days that already have tickets: skipped, so a run resumes and never
    mixes its numbers with the demo's own history."""
    if not days:
        return {}
    done: dict[date, set[int]] = {}
    rows = TicketCounter.objects.filter(service_date__range=(days[0], days[-1])).values_list(
        "service_date", "queue__branch_id"
    )
    for day, branch_id in rows:
        done.setdefault(day, set()).add(branch_id)
    return done


def _write(writer: Writer, rows: DayRows) -> int:
    n = 0
    n += writer.write(Ticket, rows.tickets)
    n += writer.write(TicketCounter, rows.counters)
    n += writer.write(Appointment, rows.appointments)
    n += writer.write(WindowEvent, rows.window_events)
    n += writer.write(Case, rows.cases)
    n += _upsert_case_sequences(writer, rows.case_sequences)
    n += writer.write(SupplementRequest, rows.supplements)
    n += writer.write(Extension, rows.extensions)
    n += writer.write(Handover, rows.handovers)
    n += writer.write(Escalation, rows.escalations)
    n += writer.write(OverdueFinding, rows.findings)
    n += writer.write(RatingToken, rows.tokens)
    n += writer.write(Rating, rows.ratings)
    n += writer.write(HotlineCallback, rows.callbacks)
    n += writer.write(FollowUp, rows.follow_ups)
    n += writer.write(Complaint, rows.complaints)
    for seq in rows.complaint_sequence:
        ComplaintSequence.objects.update_or_create(day=seq["day"], defaults={"last": seq["last"]})
        writer._count(ComplaintSequence, 1)
        n += 1
    return n


def _upsert_case_sequences(writer: Writer, rows: list[dict[str, Any]]) -> int:
    for seq in rows:
        CaseSequence.objects.update_or_create(
            branch_id=seq["branch_id"], day=seq["day"], defaults={"last": seq["last"]}
        )
        writer._count(CaseSequence, 1)
    return len(rows)


def _day(ctx: _Context, writer: Writer, day: date, per_day: float, *, skip: set[int]) -> DayRows:
    rows = DayRows()
    writer_ids = writer.ids
    ctx.codes.start(day)
    served: list[tuple[dict[str, Any], BranchInfo]] = []
    for branch in ctx.org.branches:
        if branch.id in skip:
            continue
        rng = random.Random(f"{ctx.seed}:{day.isoformat()}:{branch.code}")
        served.extend(_hall_day(ctx, rows, rng, branch, day, per_day * branch.share))
    _assign(writer_ids, Ticket, rows.tickets)
    for a in rows.appointments:
        ticket = a.pop("_ticket", None)
        a["ticket_id"] = ticket["id"] if ticket is not None else None
    _assign(writer_ids, Appointment, rows.appointments)
    _assign(writer_ids, WindowEvent, rows.window_events)
    rng = random.Random(f"{ctx.seed}:{day.isoformat()}:after")
    _cases(ctx, rows, rng, day, served, writer_ids)
    _ratings(ctx, rows, rng, day, served, writer_ids)
    _complaints(ctx, rows, rng, day, served, writer_ids)
    return rows
