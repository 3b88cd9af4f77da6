"""排队叫号 statistics (000 §四(二)3(1) 叫号系统; the wait target of the service
commitments, 000 §二(三)): tickets taken, called, served, no-shows and transfers, waiting
and service times with their 90th percentiles, the share called within the queue rule
set's target, the daily (or monthly) trend, the peak-hour heat map, and the tables per
window (with its signed-in, paused and idle hours), per teller, per category and per day.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from org.models import Category
from reports.figures import QueueFigures, empty_measures, p90_text, percent_text
from reports.models import RollupKind, TicketMinuteBucket, TicketRollup, WindowRollup
from reports.stats import charts, rollup
from reports.stats.filters import StatsFilter
from reports.stats.selectors.labels import (
    branch_name,
    staff_by_id,
    staff_label,
    window_label,
    windows_by_id,
)
from reports.stats.selectors.reading import (
    MONTH_GRAIN_AFTER_DAYS,
    Aggregates,
    Grouped,
    all_days,
    days_in,
    fold,
    fold_hist,
    fold_hist_months,
    fold_months,
    months_between,
    ratio,
)
from reports.stats.selectors.results import Column, Kpi, Section, Table
from rules.models import RuleKind
from rules.schemas import QueueParams
from rules.selectors import rules_in_force

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def queue_target(f: StatsFilter) -> tuple[int, int, str]:
    """(wait_target_minutes, wait_target_share_percent, rule set ref) in force at the end of the period."""
    rules = rules_in_force(RuleKind.QUEUE, f.end)
    params = rules.params
    assert isinstance(params, QueueParams)
    return params.wait_target_minutes, params.wait_target_share_percent, rules.ref


# The figures of summed queue measures (reports/figures.py); the old name stays for callers.
QueueTotals = QueueFigures


class QueueData:
    """The queue aggregates of a filter: stored days + live days, computed once."""

    def __init__(self, f: StatsFilter) -> None:
        self.f = f
        self.tickets = Aggregates(
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
        self.buckets = Aggregates(
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
        self.windows = Aggregates(
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

    def totals(self) -> QueueFigures:
        rows = self.by()
        values = rows.get((), empty_measures())
        wait, service = self.hist().get((), ({}, {}))
        return QueueFigures(values, wait, service)


def queue_figures(f: StatsFilter) -> QueueFigures:
    """The queue figures of a period and filter: what the statistics page, its export and
    API, and the weekly review show (reports/figures.py defines each)."""
    return QueueData(f).totals()


queue_totals = queue_figures


def _queue_row(m: dict[str, int], hists: tuple[dict[int, int], dict[int, int]] | None) -> list[Any]:
    q = QueueFigures(m, *(hists or ({}, {})))
    return [
        q.taken,
        q.called,
        q.served,
        q.no_show,
        q.transferred,
        q.avg_wait,
        q.p90_wait,
        q.within_share,
        q.avg_service,
        q.p90_service,
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

    data = QueueData(f)
    target_min, target_share, ref = queue_target(f)
    # Few, wide queries: each grouping below is folded into the coarser ones it implies
    # (categories → totals; window × staff → window, staff; day × weekday × hour → trend,
    # heat map), so the page reads each stored table four times at most.
    by_cat = data.by("category")
    hist_cat = data.hist("category")
    totals = QueueFigures(
        fold(by_cat, ()).get((), empty_measures()),
        *fold_hist(hist_cat, ()).get((), ({}, {})),
    )
    v = totals.values
    s = Section("queue", "排队叫号", f)
    share = totals.within_share
    met = bool(totals.target_met(target_share))
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
            note=f"90% 在 {p90_text(totals.p90_wait)} 分钟内叫号",
        ),
        Kpi(
            "avg_service",
            "平均办理",
            totals.avg_service,
            "min",
            note=f"90% 在 {p90_text(totals.p90_service)} 分钟内办完",
        ),
        Kpi(
            "within_share",
            f"{target_min} 分钟内叫号",
            share,
            "pct",
            note=f"目标 {target_share}%："
            + ("已达到" if met else ("未达到" if share is not None else "无数据"))
            + (f"；含超过目标仍未叫号 {v['past_target']} 人" if v["past_target"] else ""),
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
        "within_target": v["within_target"],
        "wait_n": v["wait_n"],
        "past_target": v["past_target"],
    }

    # Long periods show months (a year of daily bars is unreadable, and whole months are
    # stored as months); up to MONTH_GRAIN_AFTER_DAYS days show days.
    monthly = f.days > MONTH_GRAIN_AFTER_DAYS
    by_day_hour = data.by("service_date", "weekday", "hour")
    by_day = fold(by_day_hour, (0,))
    hist_day = data.hist("service_date")
    if monthly:
        by_day = fold_months(by_day)
        hist_day = fold_hist_months(hist_day)
        periods = months_between(f.start, f.end)
    else:
        periods = all_days(f)
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
    windows = windows_by_id([k[0] for k in by_window] + [k[0] for k in idle])
    rows = []
    for key in sorted(
        set(by_window) | set(idle),
        key=lambda k: (windows[k[0]].branch.code, windows[k[0]].number) if k[0] in windows else ("~", 0),
    ):
        if key[0] is None:
            continue
        m = by_window.get(key, empty_measures())
        w = idle.get(key, dict.fromkeys(rollup.WINDOW_MEASURES, 0))
        idle_seconds = max(0, w["signed_in_seconds"] - w["paused_seconds"] - w["busy_seconds"])
        measurable = w["signed_in_seconds"] > 0
        rows.append(
            [
                window_label(windows.get(key[0]), branches),
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
    staff = staff_by_id(k[0] for k in by_staff)
    s.tables.append(
        Table(
            "staff",
            "按工作人员",
            [Column("staff", "工作人员（工号）", "text"), Column("branch", "管理部", "text"), *QUEUE_COLUMNS],
            [
                [
                    staff_label(staff.get(k[0])),
                    branch_name(staff.get(k[0])),
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
                    days_in(d, f) if monthly else WEEKDAYS[d.weekday()],
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


def _pct_note(value: float | None, prefix: str) -> str:
    return f"{prefix} {percent_text(value)}" if value is not None else ""
