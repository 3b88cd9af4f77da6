"""The figures of the statistics pages, exports and API (docs/reports.md defines each).

Queue and rating figures add the stored daily aggregates (reports.models, for every day
`reports_rollup` has closed) to the same aggregates computed live for the other days of
the period (always today). Appointments, cases and complaints are read from their own
tables: their volume is small, or — for cases — a case of last month can still be
completed or found overdue today, so a stored day would go stale.

Every read here uses `reporting_alias()` (the read replica when one is configured).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from common import clock
from common.db import reporting_alias
from org.models import Branch, Category, Staff, Window
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
from reports.stats.filters import StatsFilter
from rules.models import RuleKind
from rules.schemas import QueueParams
from rules.selectors import rules_in_force

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")

Grouped = dict[tuple[Any, ...], dict[str, int]]


# --------------------------------------------------------------------------------------
# Arithmetic on aggregates


def percentile_from_buckets(hist: dict[int, int], q: float = 0.9) -> int | None:
    """The nearest-rank q-quantile read from the buckets, as the bucket's upper edge in
    minutes: "90 % waited less than N minutes". The exact value v satisfies
    N − width ≤ v < N (exact to the bucket width: one minute below an hour, five up to three
    hours). The last bucket (everything from 180 minutes) returns LAST_BUCKET: "≥ 180"."""
    total = sum(hist.values())
    if not total:
        return None
    rank = max(1, math.ceil(q * total))
    seen = 0
    for minute in sorted(hist):
        seen += hist[minute]
        if seen >= rank:
            return rollup.bucket_upper(minute)
    return None  # pragma: no cover — the loop always reaches rank


def ratio(part: int | float, whole: int | float) -> float | None:
    return part / whole if whole else None


def minutes(seconds: int | float, n: int) -> float | None:
    return seconds / n / 60 if n else None


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
            following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
            if k == RollupKind.MONTH and day >= f.start and following - timedelta(days=1) <= f.end:
                months.append(day)
    return Plan(rolled, sorted(months), [d for d in _all_days(f) if d not in rolled])


def month_of(day: date) -> date:
    return day.replace(day=1)


def _month_days(month: date) -> list[date]:
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return [month + timedelta(days=i) for i in range((following - month).days)]


def _ranges(days: list[date]) -> list[tuple[date, date]]:
    """Sorted days as runs of consecutive days: [(first, last), …]."""
    out: list[tuple[date, date]] = []
    for day in days:
        if out and day == out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], day)
        else:
            out.append((day, day))
    return out


def _all_days(f: StatsFilter) -> list[date]:
    return [f.start + timedelta(days=i) for i in range(f.days)]


def _match(key: dict[str, Any], f: StatsFilter, *, category: bool = True, matter: bool = False) -> bool:
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


class _Aggregates:
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
            covered.update(_month_days(month))
        # Exactly the rolled days of the plan (never the date range): a day rolled up after the
        # plan was made is computed live, and must not be read twice.
        rows = Q(pk__in=[])
        for first, last in _ranges(sorted(d for d in self.plan.rolled if d not in covered)):
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
            if not _match(named, self.f, category=self.category, matter=self.matter):
                continue
            k = tuple(named[b] for b in by)
            row = out.get(k)
            if row is None:
                row = out[k] = dict.fromkeys(self.measures, 0)
            for m in self.measures:
                row[m] += values[m]
        return out


# --------------------------------------------------------------------------------------
# Result shape shared by pages, exports and the API


@dataclass
class Column:
    key: str
    label: str
    fmt: str = "int"  # int | pct | min | hours | text | date | float


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    note: str = ""

    def as_dicts(self) -> list[dict[str, Any]]:
        return [dict(zip([c.key for c in self.columns], r, strict=True)) for r in self.rows]


@dataclass
class Kpi:
    key: str
    label: str
    value: Any
    fmt: str = "int"
    note: str = ""
    tone: str = ""  # "" | green | red | amber


@dataclass
class Chart:
    key: str
    title: str
    option: dict[str, Any]
    height: int = 320


@dataclass
class Section:
    key: str
    title: str
    f: StatsFilter
    kpis: list[Kpi] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sources: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------------------
# Labels (one query each)


def _window_labels(ids: Iterable[int | None]) -> dict[int, Window]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {
        w.pk: w
        for w in Window.objects.using(reporting_alias()).select_related("branch").filter(pk__in=wanted)
    }


def _staff_labels(ids: Iterable[int | None]) -> dict[int, Staff]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {
        s.pk: s for s in Staff.objects.using(reporting_alias()).select_related("branch").filter(pk__in=wanted)
    }


def _branch_labels(ids: Iterable[int | None]) -> dict[int, Branch]:
    wanted = {i for i in ids if i is not None}
    return {b.pk: b for b in Branch.objects.using(reporting_alias()).filter(pk__in=wanted)} if wanted else {}


def matter_names(ids: Iterable[int | None]) -> dict[int, str]:
    from catalog.models import Matter, MatterVersion

    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    codes = dict(Matter.objects.using(reporting_alias()).filter(pk__in=wanted).values_list("pk", "code"))
    names: dict[int, str] = {}
    for matter_id, name in (
        MatterVersion.objects.using(reporting_alias())
        .filter(matter_id__in=wanted)
        .order_by("matter_id", "effective_from", "number")
        .values_list("matter_id", "name")
    ):
        names[matter_id] = name  # the latest version wins
    return {
        i: f"{names.get(i, '')}（{codes.get(i, i)}）" if names.get(i) else str(codes.get(i, i))
        for i in wanted
    }


def _window_label(w: Window | None, branches: bool) -> str:
    if w is None:
        return "（未叫号）"
    return f"{w.branch.name} {w.number}号窗口" if branches else f"{w.number}号窗口"


def _branch_name(s: Staff | None) -> str:
    return s.branch.name if s is not None and s.branch is not None else ""


def _staff_label(s: Staff | None) -> str:
    return f"{s.name}（{s.staff_no}）" if s else "（未叫号）"


# --------------------------------------------------------------------------------------
# 排队叫号


def queue_target(f: StatsFilter) -> tuple[int, int, str]:
    """(wait_target_minutes, wait_target_share_percent, rule set ref) in force at the end of the period."""
    rules = rules_in_force(RuleKind.QUEUE, f.end)
    params = rules.params
    assert isinstance(params, QueueParams)
    return params.wait_target_minutes, params.wait_target_share_percent, rules.ref


@dataclass
class QueueTotals:
    values: dict[str, int]
    wait_hist: dict[int, int]
    service_hist: dict[int, int]

    @property
    def avg_wait(self) -> float | None:
        return minutes(self.values["wait_seconds"], self.values["wait_n"])

    @property
    def avg_service(self) -> float | None:
        return minutes(self.values["service_seconds"], self.values["service_n"])

    @property
    def p90_wait(self) -> int | None:
        return percentile_from_buckets(self.wait_hist)

    @property
    def p90_service(self) -> int | None:
        return percentile_from_buckets(self.service_hist)

    @property
    def within_share(self) -> float | None:
        return ratio(self.values["within_target"], self.values["wait_n"])

    @property
    def no_show_rate(self) -> float | None:
        return ratio(self.values["no_show"], self.values["called"])


class QueueData:
    """The queue aggregates of a filter: stored days + live days, computed once."""

    def __init__(self, f: StatsFilter) -> None:
        self.f = f
        self.tickets = _Aggregates(
            f,
            kind=RollupKind.TICKETS,
            model=TicketRollup,
            date_field="service_date",
            dims=rollup.TICKET_DIMS,
            measures=rollup.TICKET_MEASURES,
            live_table="tickets",
        )
        self.plan = self.tickets.plan
        self.live = self.tickets.live_rows(rollup.ticket_rows)
        self.buckets = _Aggregates(
            f,
            kind=RollupKind.TICKETS,
            model=TicketMinuteBucket,
            date_field="service_date",
            dims=rollup.BUCKET_DIMS,
            measures=rollup.BUCKET_MEASURES,
            live_table="buckets",
            live=self.live,
            plan=self.plan,
        )
        self.windows = _Aggregates(
            f,
            kind=RollupKind.TICKETS,
            model=WindowRollup,
            date_field="service_date",
            dims=rollup.WINDOW_DIMS,
            measures=rollup.WINDOW_MEASURES,
            live_table="windows",
            live=self.live,
            plan=self.plan,
        )

    def by(self, *dims: str) -> Grouped:
        return self.tickets.grouped(dims, self.live)

    def hist(self, *dims: str) -> dict[tuple[Any, ...], tuple[dict[int, int], dict[int, int]]]:
        """{key: (wait histogram, service histogram)} grouped by `dims`."""
        out: dict[tuple[Any, ...], tuple[dict[int, int], dict[int, int]]] = defaultdict(lambda: ({}, {}))
        for key, m in self.buckets.grouped((*dims, "minute"), self.live).items():
            wait, service = out[key[:-1]]
            minute = key[-1]
            if m["wait_n"]:
                wait[minute] = wait.get(minute, 0) + m["wait_n"]
            if m["service_n"]:
                service[minute] = service.get(minute, 0) + m["service_n"]
        return dict(out)

    def totals(self) -> QueueTotals:
        rows = self.by()
        values = rows.get((), dict.fromkeys(rollup.TICKET_MEASURES, 0))
        wait, service = self.hist().get((), ({}, {}))
        return QueueTotals(values, wait, service)


def queue_totals(f: StatsFilter) -> QueueTotals:
    return QueueData(f).totals()


def _queue_row(m: dict[str, int], hists: tuple[dict[int, int], dict[int, int]] | None) -> list[Any]:
    wait, service = hists or ({}, {})
    return [
        m["taken"],
        m["called"],
        m["served"],
        m["no_show"],
        m["transferred"],
        minutes(m["wait_seconds"], m["wait_n"]),
        percentile_from_buckets(wait),
        ratio(m["within_target"], m["wait_n"]),
        minutes(m["service_seconds"], m["service_n"]),
        percentile_from_buckets(service),
    ]


QUEUE_COLUMNS = [
    Column("taken", "取号"),
    Column("called", "叫号"),
    Column("served", "办结"),
    Column("no_show", "过号"),
    Column("transferred", "转移"),
    Column("avg_wait", "平均等候(分)", "min"),
    Column("p90_wait", "90%等候(分)", "int"),
    Column("within_share", "达标率", "pct"),
    Column("avg_service", "平均办理(分)", "min"),
    Column("p90_service", "90%办理(分)", "int"),
]


def queue_section(f: StatsFilter) -> Section:
    from reports.stats import charts

    data = QueueData(f)
    target_min, target_share, ref = queue_target(f)
    # Few, wide queries: each grouping below is folded into the coarser ones it implies
    # (categories → totals; window × staff → window, staff; day × weekday × hour → trend,
    # heat map), so the page reads each stored table four times at most.
    by_cat = data.by("category")
    hist_cat = data.hist("category")
    totals = QueueTotals(
        fold(by_cat, ()).get((), dict.fromkeys(rollup.TICKET_MEASURES, 0)),
        *fold_hist(hist_cat, ()).get((), ({}, {})),
    )
    v = totals.values
    s = Section("queue", "排队叫号", f)
    share = totals.within_share
    met = share is not None and share * 100 >= target_share
    s.kpis = [
        Kpi("taken", "取号", v["taken"]),
        Kpi("served", "办结", v["served"]),
        Kpi("no_show", "过号", v["no_show"], note=_pct_note(totals.no_show_rate, "占叫号")),
        Kpi("cancelled", "取消（未叫号离开）", v["cancelled"]),
        Kpi("transferred", "转移（多窗联办）", v["transferred"]),
        Kpi(
            "avg_wait",
            "平均等候",
            totals.avg_wait,
            "min",
            note=f"90% 在 {_fmt_p(totals.p90_wait)} 分钟内叫号",
        ),
        Kpi(
            "avg_service",
            "平均办理",
            totals.avg_service,
            "min",
            note=f"90% 在 {_fmt_p(totals.p90_service)} 分钟内办完",
        ),
        Kpi(
            "within_share",
            f"{target_min} 分钟内叫号",
            share,
            "pct",
            note=f"目标 {target_share}%："
            + ("已达到" if met else ("未达到" if share is not None else "无数据")),
            tone="green" if met else ("red" if share is not None else ""),
        ),
    ]
    s.sources = {
        "target_minutes": target_min,
        "target_share_percent": target_share,
        "target_met": met if share is not None else None,
        "rules_ref": ref,
        "rolled_days": len(data.tickets.rolled),
        "live_days": len(data.tickets.live_days),
        "p90_wait": totals.p90_wait,
        "p90_service": totals.p90_service,
    }

    # Long periods show months (a year of daily bars is unreadable, and whole months are
    # stored as months); up to MONTH_GRAIN_AFTER_DAYS days show days.
    monthly = f.days > MONTH_GRAIN_AFTER_DAYS
    by_day_hour = data.by("service_date", "weekday", "hour")
    by_day = fold(by_day_hour, (0,))
    hist_day = data.hist("service_date")
    if monthly:
        by_day = _fold_months(by_day)
        hist_day = _fold_hist_months(hist_day)
        periods = _months_between(f.start, f.end)
    else:
        periods = _all_days(f)
    trend = [(d, by_day.get((d,))) for d in periods]
    s.charts.append(
        charts.daily_trend(trend, target_min=target_min, target_share=target_share, monthly=monthly)
    )
    heat: Counter[tuple[int, int]] = Counter()
    for (weekday, hour), m in fold(by_day_hour, (1, 2)).items():
        heat[(weekday, hour)] += m["taken"]
    s.charts.append(charts.heatmap(heat))
    s.charts.append(charts.wait_histogram(totals.wait_hist, target_min=target_min))

    branches = f.branch_ids is None or len(f.branch_ids or ()) > 1
    # Per window, with the idle time from the window events.
    by_window_staff = data.by("window_id", "staff_id")
    hist_window_staff = data.hist("window_id", "staff_id")
    by_window = fold(by_window_staff, (0,))
    hist_window = fold_hist(hist_window_staff, (0,))
    idle = data.windows.grouped(("window_id",), data.live)
    windows = _window_labels([k[0] for k in by_window] + [k[0] for k in idle])
    rows = []
    for key in sorted(
        set(by_window) | set(idle),
        key=lambda k: (windows[k[0]].branch.code, windows[k[0]].number) if k[0] in windows else ("~", 0),
    ):
        if key[0] is None:
            continue
        m = by_window.get(key, dict.fromkeys(rollup.TICKET_MEASURES, 0))
        w = idle.get(key, dict.fromkeys(rollup.WINDOW_MEASURES, 0))
        idle_seconds = max(0, w["signed_in_seconds"] - w["paused_seconds"] - w["busy_seconds"])
        measurable = w["signed_in_seconds"] > 0
        rows.append(
            [
                _window_label(windows.get(key[0]), branches),
                *_queue_row(m, hist_window.get(key)),
                w["signed_in_seconds"] / 3600 if measurable else None,
                w["paused_seconds"] / 3600 if measurable else None,
                idle_seconds / 3600 if measurable else None,
                ratio(idle_seconds, w["signed_in_seconds"]) if measurable else None,
            ]
        )
    s.tables.append(
        Table(
            "windows",
            "按窗口",
            [
                Column("window", "窗口", "text"),
                *QUEUE_COLUMNS,
                Column("signed_in_hours", "签到时长(时)", "hours"),
                Column("paused_hours", "暂停服务(时)", "hours"),
                Column("idle_hours", "空闲(时)", "hours"),
                Column("idle_share", "空闲占比", "pct"),
            ],
            rows,
            note="空闲 = 签到时长 − 暂停服务 − 叫号至办结的时间；没有签到记录的窗口无法计算空闲。",
        )
    )
    by_staff = fold(by_window_staff, (1,))
    hist_staff = fold_hist(hist_window_staff, (1,))
    staff = _staff_labels(k[0] for k in by_staff)
    s.tables.append(
        Table(
            "staff",
            "按工作人员",
            [Column("staff", "工作人员（工号）", "text"), Column("branch", "管理部", "text"), *QUEUE_COLUMNS],
            [
                [
                    _staff_label(staff.get(k[0])),
                    _branch_name(staff.get(k[0])),
                    *_queue_row(m, hist_staff.get(k)),
                ]
                for k, m in sorted(
                    by_staff.items(), key=lambda kv: staff[kv[0][0]].staff_no if kv[0][0] in staff else "~"
                )
                if k[0] is not None
            ],
        )
    )
    s.tables.append(
        Table(
            "categories",
            "按业务类别",
            [Column("category", "业务类别", "text"), *QUEUE_COLUMNS],
            [[Category(k[0]).label, *_queue_row(m, hist_cat.get(k))] for k, m in sorted(by_cat.items())],
        )
    )
    s.tables.append(
        Table(
            "days",
            "每月" if monthly else "每日",
            [
                Column("date", "月份" if monthly else "日期", "text" if monthly else "date"),
                Column("weekday", "天数" if monthly else "星期", "int" if monthly else "text"),
                *QUEUE_COLUMNS,
            ],
            [
                [
                    f"{d:%Y-%m}" if monthly else d,
                    _days_in(d, f) if monthly else WEEKDAYS[d.weekday()],
                    *_queue_row(m, hist_day.get((d,))),
                ]
                for d, m in trend
                if m and m["taken"]
            ],
        )
    )
    if f.matter_id:
        s.notes.append("排队号按业务类别取号，不区分服务事项：排队叫号的数字未按所选事项筛选。")
    if f.category:
        s.notes.append("窗口签到、暂停与空闲时间不区分业务类别。")
    return s


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


Hists = dict[tuple[Any, ...], tuple[dict[int, int], dict[int, int]]]


def fold_hist(hists: Hists, keep: tuple[int, ...]) -> Hists:
    out: Hists = {}
    for key, (wait, service) in hists.items():
        w, sv = out.setdefault(tuple(key[i] for i in keep), ({}, {}))
        for b, n in wait.items():
            w[b] = w.get(b, 0) + n
        for b, n in service.items():
            sv[b] = sv.get(b, 0) + n
    return out


def _months_between(start: date, end: date) -> list[date]:
    months = [start.replace(day=1)]
    while True:
        following = (months[-1].replace(day=28) + timedelta(days=4)).replace(day=1)
        if following > end:
            return months
        months.append(following)


def _days_in(month: date, f: StatsFilter) -> int:
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return (min(following - timedelta(days=1), f.end) - max(month, f.start)).days + 1


def _fold_months(grouped: Grouped) -> Grouped:
    out: Grouped = {}
    for (day, *rest), m in grouped.items():
        key = (month_of(day), *rest)
        row = out.setdefault(key, dict.fromkeys(m, 0))
        for name, value in m.items():
            row[name] += value
    return out


def _fold_hist_months(
    hists: dict[tuple[Any, ...], tuple[dict[int, int], dict[int, int]]],
) -> dict[tuple[Any, ...], tuple[dict[int, int], dict[int, int]]]:
    out: dict[tuple[Any, ...], tuple[dict[int, int], dict[int, int]]] = {}
    for (day, *rest), (wait, service) in hists.items():
        w, sv = out.setdefault((month_of(day), *rest), ({}, {}))
        for b, n in wait.items():
            w[b] = w.get(b, 0) + n
        for b, n in service.items():
            sv[b] = sv.get(b, 0) + n
    return out


def _fmt_p(p: int | None) -> str:
    if p is None:
        return "—"
    return f"≥{p}" if p >= rollup.LAST_BUCKET else str(p)


def _pct_note(value: float | None, prefix: str) -> str:
    return f"{prefix} {value * 100:.1f}%" if value is not None else ""


# --------------------------------------------------------------------------------------
# 预约


def appointment_section(f: StatsFilter) -> Section:
    from queueing.models import Appointment, AppointmentStatus
    from reports.stats import charts

    qs = Appointment.objects.using(reporting_alias()).filter(service_date__range=(f.start, f.end))
    if f.branch_ids is not None:
        qs = qs.filter(branch_id__in=f.branch_ids)
    if f.category:
        qs = qs.filter(category=f.category)
    by_branch: dict[tuple[int, str], Counter[str]] = defaultdict(Counter)
    counts: Counter[str] = Counter()
    for branch_id, category, status, n in (
        qs.values_list("branch_id", "category", "status").annotate(n=Count("pk")).order_by()
    ):
        by_branch[(branch_id, category)][status] += n
        counts[status] += n
    total = sum(counts.values())
    came_due = sum(
        counts.get(x, 0)
        for x in (AppointmentStatus.CHECKED_IN, AppointmentStatus.LATE, AppointmentStatus.NO_SHOW)
    )
    no_show_rate = ratio(counts.get(AppointmentStatus.NO_SHOW, 0), came_due)
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
            _months_between(f.start, f.end) if monthly else _all_days(f),
            title="每月预约" if monthly else "每日预约",
            monthly=monthly,
        )
    )
    rows: list[list[Any]] = []
    branches = _branch_labels(b for b, _ in by_branch)
    for (branch_id, category), c in sorted(
        by_branch.items(), key=lambda kv: (branches[kv[0][0]].code, kv[0][1])
    ):
        due = c[AppointmentStatus.CHECKED_IN] + c[AppointmentStatus.LATE] + c[AppointmentStatus.NO_SHOW]
        rows.append(
            [
                branches[branch_id].name,
                Category(category).label,
                sum(c.values()),
                c[AppointmentStatus.CHECKED_IN],
                c[AppointmentStatus.LATE],
                c[AppointmentStatus.CANCELLED],
                c[AppointmentStatus.NO_SHOW],
                ratio(c[AppointmentStatus.NO_SHOW], due),
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


# --------------------------------------------------------------------------------------
# 办件


def _case_queryset(f: StatsFilter) -> QuerySet[Any]:
    from cases.models import Case

    qs = Case.objects.using(reporting_alias()).filter(received_on__range=(f.start, f.end))
    if f.branch_ids is not None:
        qs = qs.filter(branch_id__in=f.branch_ids)
    if f.window is not None:
        qs = qs.filter(window_id=f.window.pk)
    if f.staff is not None:
        qs = qs.filter(first_responsible_id=f.staff.pk)
    if f.matter_id:
        qs = qs.filter(matter_id=f.matter_id)
    if f.category:
        qs = qs.filter(matter__category=f.category)
    return qs


def _case_measures() -> dict[str, Any]:
    from cases.models import DECIDED, OPEN, CaseStatus

    return {
        "received": Count("pk"),
        "completed": Count("pk", filter=Q(status__in=DECIDED)),
        "on_time": Count("pk", filter=Q(status__in=DECIDED, overdue=False)),
        "overdue": Count("pk", filter=Q(overdue=True)),
        "open": Count("pk", filter=Q(status__in=OPEN)),
        "rejected": Count("pk", filter=Q(status=CaseStatus.REJECTED)),
        "withdrawn": Count("pk", filter=Q(status=CaseStatus.WITHDRAWN)),
    }


CASE_COLUMNS = [
    Column("received", "收件"),
    Column("completed", "办结"),
    Column("on_time", "按时办结"),
    Column("on_time_rate", "按时办结率", "pct"),
    Column("overdue", "超时办结"),
    Column("open", "未办结"),
    Column("rejected", "不予受理"),
    Column("withdrawn", "撤回"),
]


def _case_row(m: dict[str, int]) -> list[Any]:
    return [
        m["received"],
        m["completed"],
        m["on_time"],
        ratio(m["on_time"], m["completed"]),
        m["overdue"],
        m["open"],
        m["rejected"],
        m["withdrawn"],
    ]


def case_section(f: StatsFilter) -> Section:
    from cases.models import OverdueFinding
    from catalog.models import HandlingType
    from common.identity import mask_name, mask_phone
    from reports.stats import charts

    qs = _case_queryset(f)
    measures = _case_measures()
    # One pass over the cases: by matter and handling type (at most a few hundred rows);
    # the type table, the matter table and the totals are sums of it.
    by_type: dict[str, dict[str, int]] = {}
    matter_rows: dict[int, dict[str, int]] = {}
    total = dict.fromkeys(measures, 0)
    for row in qs.values("matter_id", "handling_type").annotate(**measures).order_by():
        for target in (
            by_type.setdefault(row["handling_type"], dict.fromkeys(measures, 0)),
            matter_rows.setdefault(row["matter_id"], dict.fromkeys(measures, 0)),
            total,
        ):
            for k in measures:
                target[k] += row[k]
    s = Section("cases", "办件", f)
    rate = ratio(total["on_time"], total["completed"])
    s.kpis = [
        Kpi("received", "收件", total["received"]),
        Kpi("completed", "办结", total["completed"]),
        Kpi("on_time_rate", "按时办结率", rate, "pct", note=f"按时 {total['on_time']} 件"),
        Kpi("overdue", "超时办结", total["overdue"], tone="red" if total["overdue"] else "green"),
        Kpi("open", "未办结", total["open"]),
        Kpi("rejected", "不予受理", total["rejected"]),
    ]
    type_rows = [[HandlingType(t).label, *_case_row(by_type[t])] for t in HandlingType.values if t in by_type]
    s.tables.append(
        Table("by_type", "按办件类型", [Column("type", "办件类型", "text"), *CASE_COLUMNS], type_rows)
    )
    s.charts.append(
        charts.grouped_bars(
            "case_types",
            "按办件类型",
            [r[0] for r in type_rows],
            [
                ("办结", [r[2] for r in type_rows]),
                ("超时办结", [r[5] for r in type_rows]),
                ("未办结", [r[6] for r in type_rows]),
            ],
            rate_series=("按时办结率", [r[4] for r in type_rows]),
        )
    )
    reasons = list(
        OverdueFinding.objects.using(reporting_alias())
        .filter(case__in=qs.values("pk"))
        .values("code")
        .annotate(n=Count("pk"))
        .order_by("-n", "code")
    )
    texts = (
        dict(
            OverdueFinding.objects.using(reporting_alias())
            .filter(code__in=[r["code"] for r in reasons])
            .order_by("code", "-found_at")
            .distinct()
            .values_list("code", "text")
        )
        if reasons
        else {}
    )
    s.tables.append(
        Table(
            "overdue_reasons",
            "超时办结情形（000 §五(二)5）",
            [Column("code", "情形代码", "text"), Column("text", "情形", "text"), Column("n", "件数")],
            [[r["code"], texts.get(r["code"], r["code"]), r["n"]] for r in reasons],
        )
    )
    if reasons:
        s.charts.append(
            charts.pie(
                "overdue_reasons",
                "超时办结情形",
                [(texts.get(r["code"], r["code"]), r["n"]) for r in reasons],
            )
        )
    by_matter = sorted(
        ({"matter_id": m, **values} for m, values in matter_rows.items()),
        key=lambda r: (-r["received"], r["matter_id"]),
    )[:200]
    names = matter_names(r["matter_id"] for r in by_matter)
    s.tables.append(
        Table(
            "by_matter",
            "按服务事项",
            [Column("matter", "服务事项", "text"), *CASE_COLUMNS],
            [[names.get(r["matter_id"], ""), *_case_row(r)] for r in by_matter],
            note="按收件数从多到少，最多列出 200 项。",
        )
    )
    overdue_cases = list(
        qs.filter(overdue=True)
        .select_related("branch")
        .order_by("-received_on", "pk")
        .values_list(
            "receipt_no",
            "branch__name",
            "matter_id",
            "handling_type",
            "applicant_name",
            "applicant_phone",
            "received_on",
            "deadline",
            "decided_at",
            "status",
        )[:500]
    )
    names.update(matter_names(r[2] for r in overdue_cases if r[2] not in names))

    from cases.models import CaseStatus

    s.tables.append(
        Table(
            "overdue_cases",
            "超时办结的办件",
            [
                Column("receipt_no", "受理编号", "text"),
                Column("branch", "管理部", "text"),
                Column("matter", "服务事项", "text"),
                Column("type", "办件类型", "text"),
                Column("applicant", "申请人", "text"),
                Column("phone", "联系电话", "text"),
                Column("received_on", "收件日期", "date"),
                Column("deadline", "办结期限", "date"),
                Column("decided_on", "办结日期", "date"),
                Column("status", "状态", "text"),
            ],
            [
                [
                    r[0],
                    r[1],
                    names.get(r[2], ""),
                    HandlingType(r[3]).label,
                    mask_name(r[4]),
                    mask_phone(r[5]),
                    r[6],
                    r[7],
                    clock.local_date(r[8]) if r[8] else None,
                    CaseStatus(r[9]).label,
                ]
                for r in overdue_cases
            ],
            note="申请人姓名和电话已脱敏；最多列出 500 件。",
        )
    )
    return s


# --------------------------------------------------------------------------------------
# 好差评


def rating_section(f: StatsFilter) -> Section:
    from ratings.models import FollowUp, FollowUpStatus
    from reports.stats import charts

    agg = _Aggregates(
        f,
        kind=RollupKind.RATINGS,
        model=RatingRollup,
        date_field="rated_on",
        dims=rollup.RATING_DIMS,
        measures=rollup.RATING_MEASURES,
        live_table="tickets",
        matter=True,
    )
    live = agg.live_rows(rollup.rating_rows)
    by_level = agg.grouped(("level",), live)
    total = sum(m["n"] for m in by_level.values())
    bad = sum(m["bad"] for m in by_level.values())
    level_labels = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
    s = Section("ratings", "好差评", f)
    followups = FollowUp.objects.using(reporting_alias()).filter(
        opened_on__range=(f.start, f.end), rating__isnull=False
    )
    if f.branch_ids is not None:
        followups = followups.filter(branch_id__in=f.branch_ids)
    if f.window is not None:
        followups = followups.filter(window_id=f.window.pk)
    if f.staff is not None:
        followups = followups.filter(staff_id=f.staff.pk)
    if f.category:
        followups = followups.filter(rating__category=f.category)
    if f.matter_id:
        followups = followups.filter(rating__matter_id=f.matter_id)
    fu = dict(followups.values_list("status").annotate(n=Count("pk")).order_by())
    s.kpis = [
        Kpi("ratings", "评价", total),
        Kpi("bad", "差评", bad, tone="red" if bad else "green"),
        Kpi("bad_share", "差评率", ratio(bad, total), "pct", note="差评 = 规则集认定的等级（默认 1–2 级）"),
        Kpi(
            "satisfied_share",
            "满意率",
            ratio(sum(by_level.get((lv,), {"n": 0})["n"] for lv in (4, 5)), total),
            "pct",
            note="非常满意 + 满意",
        ),
        Kpi(
            "followups_open", "差评未办结回访", sum(n for st, n in fu.items() if st != FollowUpStatus.CLOSED)
        ),
    ]
    levels = [(level_labels[lv], by_level.get((lv,), {"n": 0})["n"]) for lv in (5, 4, 3, 2, 1)]
    s.charts.append(
        charts.pie(
            "rating_levels",
            "评价等级",
            levels,
            colors=["#2e7d32", "#66bb6a", "#fbc02d", "#ef6c00", "#c62828"],
        )
    )
    s.tables.append(
        Table(
            "levels",
            "按评价等级",
            [Column("level", "评价", "text"), Column("n", "条数"), Column("share", "占比", "pct")],
            [[label, n, ratio(n, total)] for label, n in levels],
        )
    )
    cols = [Column("n", "评价"), Column("bad", "差评"), Column("bad_share", "差评率", "pct")]
    by_window = agg.grouped(("window_id",), live)
    windows = _window_labels(k[0] for k in by_window)
    branches = f.branch_ids is None or len(f.branch_ids or ()) > 1
    s.tables.append(
        Table(
            "by_window",
            "按窗口",
            [Column("window", "窗口", "text"), *cols],
            [
                [
                    _window_label(windows.get(k[0]), branches) if k[0] else "（网上评价等，无窗口）",
                    m["n"],
                    m["bad"],
                    ratio(m["bad"], m["n"]),
                ]
                for k, m in sorted(
                    by_window.items(),
                    key=lambda kv: (
                        (windows[kv[0][0]].branch.code, windows[kv[0][0]].number)
                        if kv[0][0] in windows
                        else ("~", 0)
                    ),
                )
            ],
        )
    )
    by_staff = agg.grouped(("staff_id",), live)
    staff = _staff_labels(k[0] for k in by_staff)
    s.tables.append(
        Table(
            "by_staff",
            "按工作人员",
            [Column("staff", "工作人员（工号）", "text"), *cols],
            [
                [
                    _staff_label(staff.get(k[0])) if k[0] else "（未记录工作人员）",
                    m["n"],
                    m["bad"],
                    ratio(m["bad"], m["n"]),
                ]
                for k, m in sorted(
                    by_staff.items(),
                    key=lambda kv: (-kv[1]["bad"], staff[kv[0][0]].staff_no if kv[0][0] in staff else "~"),
                )
            ],
        )
    )
    by_day = agg.grouped(("rated_on",), live)
    monthly = f.days > MONTH_GRAIN_AFTER_DAYS
    if monthly:
        by_day = _fold_months(by_day)
    s.charts.append(
        charts.day_bars_with_rate(
            "rating_days",
            "每月评价与差评率" if monthly else "每日评价与差评率",
            _months_between(f.start, f.end) if monthly else _all_days(f),
            {k[0]: m["n"] for k, m in by_day.items()},
            {k[0]: ratio(m["bad"], m["n"]) for k, m in by_day.items()},
            bars="评价",
            rate="差评率",
            monthly=monthly,
        )
    )
    s.tables.append(
        Table(
            "followups",
            "差评回访整改",
            [Column("status", "状态", "text"), Column("n", "件数")],
            [[label, fu.get(value, 0)] for value, label in FollowUpStatus.choices],
        )
    )
    return s


# --------------------------------------------------------------------------------------
# 投诉


def complaint_section(f: StatsFilter) -> Section:
    from complaints.models import AWAITING_REPLY, Channel, Complaint, ComplaintClass, Status
    from reports.stats import charts

    qs = Complaint.objects.using(reporting_alias()).filter(received_on__range=(f.start, f.end))
    if f.branch_ids is not None:
        qs = qs.filter(branch_id__in=f.branch_ids)
    if f.window is not None:
        qs = qs.filter(window_id=f.window.pk)
    if f.staff is not None:
        qs = qs.filter(staff_id=f.staff.pk)
    rows = list(
        qs.values("pk", "class_code", "channel", "status", "reply_due")
        .annotate(replies_n=Count("replies"), late_replies=Count("replies", filter=Q(replies__on_time=False)))
        .order_by()
    )
    # On time (complaints.analysis): answered, every reply on time, and not late now.
    classes: Counter[str] = Counter()
    channels: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    due = on_time = overdue_open = 0
    by_class_time: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        klass = r["class_code"] or "unclassified"
        classes[klass] += 1
        channels[r["channel"]] += 1
        statuses[r["status"]] += 1
        late_now = r["status"] in AWAITING_REPLY and r["reply_due"] is not None and r["reply_due"] < f.today
        overdue_open += late_now
        if r["replies_n"] or late_now:
            due += 1
            by_class_time[klass][0] += 1
            if r["replies_n"] and not r["late_replies"] and not late_now:
                on_time += 1
                by_class_time[klass][1] += 1
    total = len(rows)
    s = Section("complaints", "投诉", f)
    s.kpis = [
        Kpi("received", "收到投诉", total),
        Kpi(
            "valid",
            "有效投诉",
            classes[ComplaintClass.MAJOR] + classes[ComplaintClass.GENERAL],
            note="重大 + 一般",
        ),
        Kpi(
            "major",
            "重大投诉",
            classes[ComplaintClass.MAJOR],
            tone="red" if classes[ComplaintClass.MAJOR] else "",
        ),
        Kpi(
            "on_time_rate",
            "按时答复率",
            ratio(on_time, due),
            "pct",
            note=f"应答复 {due} 件，按时 {on_time} 件",
        ),
        Kpi("overdue_open", "逾期未答复", overdue_open, tone="red" if overdue_open else "green"),
    ]
    class_labels = dict(ComplaintClass.choices) | {"unclassified": "尚未定性"}
    class_rows = [
        [
            class_labels[k],
            classes[k],
            by_class_time[k][0],
            by_class_time[k][1],
            ratio(by_class_time[k][1], by_class_time[k][0]),
        ]
        for k in ("major", "general", "invalid", "unclassified")
        if classes[k]
    ]
    s.tables.append(
        Table(
            "by_class",
            "按投诉性质（000 §五(四)6）",
            [
                Column("class", "性质", "text"),
                Column("n", "件数"),
                Column("due", "应答复"),
                Column("on_time", "按时答复"),
                Column("on_time_rate", "按时答复率", "pct"),
            ],
            class_rows,
        )
    )
    s.charts.append(
        charts.pie("complaint_classes", "投诉性质", [(str(r[0]), int(r[1] or 0)) for r in class_rows])
    )
    channel_rows: list[list[Any]] = [
        [label, channels[value]] for value, label in Channel.choices if channels[value]
    ]
    s.tables.append(
        Table(
            "by_channel", "按投诉渠道", [Column("channel", "渠道", "text"), Column("n", "件数")], channel_rows
        )
    )
    s.charts.append(
        charts.bars(
            "complaint_channels",
            "投诉渠道",
            [str(r[0]) for r in channel_rows],
            [int(r[1]) for r in channel_rows],
            "件数",
        )
    )
    s.tables.append(
        Table(
            "by_status",
            "按办理状态",
            [Column("status", "状态", "text"), Column("n", "件数")],
            [[label, statuses[value]] for value, label in Status.choices if statuses[value]],
        )
    )
    if f.category or f.matter_id:
        s.notes.append("投诉不按业务类别和服务事项登记：投诉的数字未按所选类别或事项筛选。")
    return s


SECTIONS = {
    "queue": queue_section,
    "appointments": appointment_section,
    "cases": case_section,
    "ratings": rating_section,
    "complaints": complaint_section,
}

SECTION_TITLES = {
    "queue": "排队叫号",
    "appointments": "预约",
    "cases": "办件",
    "ratings": "好差评",
    "complaints": "投诉",
}
