"""预约 statistics (网上预约): appointments booked, checked in on time, late, cancelled
and missed (爽约), per branch and business category, read from the appointments table.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet

from common.db import reporting_alias
from org.models import Category
from queueing.models import Appointment, AppointmentStatus
from reports.figures import AppointmentFigures
from reports.stats import charts
from reports.stats.filters import StatsFilter
from reports.stats.selectors.labels import (
    branches_by_id,
)
from reports.stats.selectors.reading import (
    MONTH_GRAIN_AFTER_DAYS,
    all_days,
    month_of,
    months_between,
)
from reports.stats.selectors.results import Column, Kpi, Section, Table


def _queryset(f: StatsFilter) -> QuerySet[Appointment]:
    qs = Appointment.objects.using(reporting_alias()).filter(service_date__range=(f.start, f.end))
    if f.branch_ids is not None:
        qs = qs.filter(branch_id__in=f.branch_ids)
    if f.category:
        qs = qs.filter(category=f.category)
    return qs


def appointment_figures(f: StatsFilter) -> AppointmentFigures:
    """The appointment figures of a period and filter: what the statistics page, its export
    and API, and the weekly review show."""
    rows = _queryset(f).values_list("status").annotate(n=Count("pk")).order_by()
    return AppointmentFigures(dict(rows.values_list("status", "n")))


def appointment_section(f: StatsFilter) -> Section:

    qs = _queryset(f)
    by_branch: dict[tuple[int, str], Counter[str]] = defaultdict(Counter)
    counts: Counter[str] = Counter()
    for branch_id, category, status, n in (
        qs.values_list("branch_id", "category", "status").annotate(n=Count("pk")).order_by()
    ):
        by_branch[(branch_id, category)][status] += n
        counts[status] += n
    figures = AppointmentFigures(dict(counts))
    total = figures.booked
    no_show_rate = figures.no_show_rate
    s = Section("appointments", "预约", f)
    s.kpis = [
        Kpi("booked", "预约", total),
        Kpi("checked_in", "按时签到", counts.get(AppointmentStatus.CHECKED_IN, 0)),
        Kpi("late", "迟到转现场", counts.get(AppointmentStatus.LATE, 0)),
        Kpi("cancelled", "取消", counts.get(AppointmentStatus.CANCELLED, 0)),
        Kpi("no_show", "爽约", counts.get(AppointmentStatus.NO_SHOW, 0)),
        Kpi("no_show_rate", "爽约率", no_show_rate, "pct", note="爽约 ÷（签到 + 迟到 + 爽约）"),
        Kpi("open", "尚待签到", counts.get(AppointmentStatus.BOOKED, 0)),
    ]
    statuses = [
        AppointmentStatus.CHECKED_IN,
        AppointmentStatus.LATE,
        AppointmentStatus.CANCELLED,
        AppointmentStatus.NO_SHOW,
        AppointmentStatus.BOOKED,
    ]
    monthly = f.days > MONTH_GRAIN_AFTER_DAYS
    by_day: dict[date, Counter[str]] = defaultdict(Counter)
    for day, status, n in qs.values_list("service_date", "status").annotate(n=Count("pk")).order_by():
        by_day[month_of(day) if monthly else day][status] += n
    s.charts.append(
        charts.stacked_days(
            by_day,
            [(x.value, x.label) for x in statuses],
            months_between(f.start, f.end) if monthly else all_days(f),
            title="每月预约" if monthly else "每日预约",
            monthly=monthly,
        )
    )
    rows: list[list[Any]] = []
    branches = branches_by_id(b for b, _ in by_branch)
    for (branch_id, category), c in sorted(
        by_branch.items(), key=lambda kv: (branches[kv[0][0]].code, kv[0][1])
    ):
        row = AppointmentFigures(dict(c))
        rows.append(
            [
                branches[branch_id].name,
                Category(category).label,
                sum(c.values()),
                c[AppointmentStatus.CHECKED_IN],
                c[AppointmentStatus.LATE],
                c[AppointmentStatus.CANCELLED],
                c[AppointmentStatus.NO_SHOW],
                row.no_show_rate,
            ]
        )
    s.tables.append(
        Table(
            "by_branch",
            "按管理部与业务类别",
            [
                Column("branch", "管理部", "text"),
                Column("category", "业务类别", "text"),
                Column("booked", "预约"),
                Column("checked_in", "按时签到"),
                Column("late", "迟到转现场"),
                Column("cancelled", "取消"),
                Column("no_show", "爽约"),
                Column("no_show_rate", "爽约率", "pct"),
            ],
            rows,
        )
    )
    if f.window or f.staff:
        s.notes.append("预约按管理部和业务类别登记，不区分窗口和工作人员：预约的数字未按所选窗口或人员筛选。")
    return s
