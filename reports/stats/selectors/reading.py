"""Reading a period of the stored aggregates and the live ones together (docs/reports.md
"Stored and live figures"): which days come from the day rows that `reports_rollup` wrote,
which from its month rows, which are computed live (always today), and folding a fine
grouping into a coarser one (days into months). The arithmetic on the summed aggregates
(ratios, mean minutes, the 90th percentile read from the minute buckets) is defined in
reports/figures.py.

Every read here uses `reporting_alias()` (the read replica when one is configured).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet, Sum

from common.db import reporting_alias
from common.periods import month_end
from reports import figures
from reports.models import Grain, RollupKind, RollupRun
from reports.stats import rollup
from reports.stats.filters import StatsFilter

Grouped = dict[tuple[Any, ...], dict[str, int]]
Hists = dict[tuple[Any, ...], tuple[dict[int, int], dict[int, int]]]


# --------------------------------------------------------------------------------------
# Arithmetic on aggregates


# The arithmetic itself is defined once, in reports/figures.py.
percentile_from_buckets = figures.percentile_from_buckets
ratio = figures.ratio
minutes = figures.minutes


# --------------------------------------------------------------------------------------
# Stored + live aggregates


# Periods longer than this read the whole months they contain from the month rows.
MONTH_GRAIN_AFTER_DAYS = 62


@dataclass
class Plan:
    """Which days of a period come from stored day rows, which from stored month rows
    (whole months inside a long period), and which are computed live."""

    rolled: set[date]
    months: list[date]
    live_days: list[date]

    @property
    def uses_months(self) -> bool:
        return bool(self.months)


def plan_for(kind: str, f: StatsFilter) -> Plan:
    runs = list(
        RollupRun.objects.using(reporting_alias())
        .filter(
            kind__in=(kind, RollupKind.MONTH), day__range=(f.start, min(f.end, f.today - timedelta(days=1)))
        )
        .values_list("kind", "day")
    )
    rolled = {day for k, day in runs if k == kind}
    months: list[date] = []
    if f.days > MONTH_GRAIN_AFTER_DAYS:
        for k, day in runs:
            if k == RollupKind.MONTH and day >= f.start and month_end(day.year, day.month) <= f.end:
                months.append(day)
    return Plan(rolled, sorted(months), [d for d in all_days(f) if d not in rolled])


def month_of(day: date) -> date:
    return day.replace(day=1)


def month_days(month: date) -> list[date]:
    """Every day of `month` (its 1st)."""
    return [month + timedelta(days=i) for i in range(month_end(month.year, month.month).day)]


def day_ranges(days: list[date]) -> list[tuple[date, date]]:
    """Sorted days as runs of consecutive days: [(first, last), …]."""
    out: list[tuple[date, date]] = []
    for day in days:
        if out and day == out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], day)
        else:
            out.append((day, day))
    return out


def all_days(f: StatsFilter) -> list[date]:
    return [f.start + timedelta(days=i) for i in range(f.days)]


def matches(key: dict[str, Any], f: StatsFilter, *, category: bool = True, matter: bool = False) -> bool:
    ids = f.branch_ids
    if ids is not None and key["branch_id"] not in ids:
        return False
    if f.window is not None and key.get("window_id") != f.window.pk:
        return False
    if f.staff is not None and key.get("staff_id") != f.staff.pk:
        return False
    if category and f.category and key.get("category") != f.category:
        return False
    return not (matter and f.matter_id and key.get("matter_id") != f.matter_id)


class Aggregates:
    """One period and filter over one stored table and its live counterpart."""

    def __init__(
        self,
        f: StatsFilter,
        *,
        kind: str,
        model: type,
        date_field: str,
        dims: tuple[str, ...],
        measures: tuple[str, ...],
        live_table: str,
        category: bool = True,
        matter: bool = False,
        live: rollup.DayRows | None = None,
        plan: Plan | None = None,
    ) -> None:
        self.f = f
        self.model: Any = model
        self.date_field = date_field
        self.dims = dims
        self.measures = measures
        self.live_table = live_table
        self.category = category and "category" in dims
        self.matter = matter
        self.plan = plan or plan_for(kind, f)
        self.rolled = self.plan.rolled
        self.live_days = self.plan.live_days
        self._live = live

    def live_rows(self, compute: Any) -> rollup.DayRows:
        if self._live is None:
            self._live = compute(self.live_days, branch_ids=self.f.branch_ids)
        return self._live

    def queryset(self) -> QuerySet[Any]:
        f = self.f
        months = self.plan.months
        covered: set[date] = set()
        for month in months:
            covered.update(month_days(month))
        # Exactly the rolled days of the plan (never the date range): a day rolled up after the
        # plan was made is computed live, and must not be read twice.
        rows = Q(pk__in=[])
        for first, last in day_ranges(sorted(d for d in self.plan.rolled if d not in covered)):
            rows |= Q(grain=Grain.DAY, **{f"{self.date_field}__range": (first, last)})
        if months:
            rows |= Q(grain=Grain.MONTH, **{f"{self.date_field}__in": months})
        qs = self.model.objects.using(reporting_alias()).filter(rows)
        if f.branch_ids is not None:
            qs = qs.filter(branch_id__in=f.branch_ids)
        if f.window is not None:
            qs = qs.filter(window_id=f.window.pk)
        if f.staff is not None:
            qs = qs.filter(staff_id=f.staff.pk)
        if self.category and f.category:
            qs = qs.filter(category=f.category)
        if self.matter and f.matter_id:
            qs = qs.filter(matter_id=f.matter_id)
        return qs

    def grouped(self, by: tuple[str, ...], live: rollup.DayRows) -> Grouped:
        out: Grouped = {}
        sums = {m: Sum(m) for m in self.measures}
        if by:
            stored = list(self.queryset().values(*by).annotate(**sums).order_by())
        else:
            total = self.queryset().aggregate(**sums)
            stored = [total] if any(v is not None for v in total.values()) else []
        for row in stored:
            out[tuple(row[b] for b in by)] = {m: int(row[m] or 0) for m in self.measures}
        table: dict[tuple[Any, ...], dict[str, int]] = getattr(live, self.live_table)
        for key, values in table.items():
            named = dict(zip(self.dims, key, strict=True))
            if not matches(named, self.f, category=self.category, matter=self.matter):
                continue
            k = tuple(named[b] for b in by)
            row = out.get(k)
            if row is None:
                row = out[k] = dict.fromkeys(self.measures, 0)
            for m in self.measures:
                row[m] += values[m]
        return out


# --------------------------------------------------------------------------------------
# Folding a grouping into a coarser one


def fold(grouped: Grouped, keep: tuple[int, ...]) -> Grouped:
    """Sum grouped rows into the coarser grouping of the key positions in `keep`."""
    out: Grouped = {}
    for key, m in grouped.items():
        k = tuple(key[i] for i in keep)
        row = out.get(k)
        if row is None:
            out[k] = dict(m)
        else:
            for name, value in m.items():
                row[name] += value
    return out


def fold_hist(hists: Hists, keep: tuple[int, ...]) -> Hists:
    out: Hists = {}
    for key, (wait, service) in hists.items():
        w, sv = out.setdefault(tuple(key[i] for i in keep), ({}, {}))
        for b, n in wait.items():
            w[b] = w.get(b, 0) + n
        for b, n in service.items():
            sv[b] = sv.get(b, 0) + n
    return out


def months_between(start: date, end: date) -> list[date]:
    """The 1st of every month from `start`'s to `end`'s."""
    months = [start.replace(day=1)]
    while True:
        following = month_end(months[-1].year, months[-1].month) + timedelta(days=1)
        if following > end:
            return months
        months.append(following)


def days_in(month: date, f: StatsFilter) -> int:
    """How many days of `month` (its 1st) lie inside the filter's period."""
    return (min(month_end(month.year, month.month), f.end) - max(month, f.start)).days + 1


def fold_months(grouped: Grouped) -> Grouped:
    """Rows keyed by a day first, summed into rows keyed by its month (the 1st)."""
    out: Grouped = {}
    for (day, *rest), m in grouped.items():
        key = (month_of(day), *rest)
        row = out.setdefault(key, dict.fromkeys(m, 0))
        for name, value in m.items():
            row[name] += value
    return out


def fold_hist_months(hists: Hists) -> Hists:
    out: Hists = {}
    for (day, *rest), (wait, service) in hists.items():
        w, sv = out.setdefault((month_of(day), *rest), ({}, {}))
        for b, n in wait.items():
            w[b] = w.get(b, 0) + n
        for b, n in service.items():
            sv[b] = sv.get(b, 0) + n
    return out
