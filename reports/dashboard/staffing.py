"""Staffing advice (窗口配置建议): how many windows a branch must open in each hour of
each weekday to call the target share of tickets within the target wait of the queue
rule set ("wait_target_share_percent % within wait_target_minutes"), from the arrivals
and service times of past weeks, next to what was actually open (docs/staffing.md).

Model (Erlang C, reports/dashboard/erlang.py), per branch × weekday × hour and per
business category: arrivals are the tickets taken in that hour averaged over the days
of that weekday in the period; the service time is the mean of started → finished
(called → finished when the teller completed without starting) of that category in that
hour; each hour is treated as its own steady state (the "stationary independent period
by period" approach workforce planners use). The recommendation adds up the categories,
because a ticket waits in the queue of its category and most windows serve only some
categories; the pooled figure (every window serves everything, as with 综合柜员) is
shown beside it as the lower bound.

"Actually open" is the average number of windows with a teller signed in and not
paused (WindowState 服务中) during the hour, rebuilt from the WindowEvent history.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, ExtractHour, ExtractIsoWeekDay

from common import clock
from common.db import reporting_alias
from org.models import Branch, Category, Role, Window
from queueing.models import Ticket, TicketStatus, WindowEvent, WindowStatus
from queueing.params import queue_rules
from reports.dashboard import erlang
from reports.figures import QueueFigures, percent_number, percent_text
from reports.models import RollupKind, TicketRollup
from reports.stats import rollup
from reports.stats.filters import StatsFilter
from reports.stats.selectors.reading import Aggregates

# The office plans the windows of every hall; a head plans their own; leaders decide.
STAFFING_ROLES = (Role.HEAD, Role.OFFICE, Role.LEADER, Role.ADMIN)

WEEKDAY_LABELS = {1: "周一", 2: "周二", 3: "周三", 4: "周四", 5: "周五", 6: "周六", 7: "周日"}
SHORT_CATEGORY = {"collection": "归集", "withdrawal": "提取", "loan": "贷款", "other": "其他"}

# How the windows of a hall share the work (docs/staffing.md "One queue or four"):
# by category = each category its own queue and windows (the recommendation adds up
# the categories); pooled = every window serves every category (综合柜员, 004 §三).
MODEL_BY_CATEGORY = "category"
MODEL_POOLED = "pooled"
MODEL_HALL = "hall"  # as the hall runs its windows: one of the two, from the windows' categories
MODEL_LABELS = {
    MODEL_HALL: "按本大厅窗口设置",
    MODEL_BY_CATEGORY: "按业务分别排队",
    MODEL_POOLED: "综合柜员合并排队",
}


def hall_model(branch: Branch) -> tuple[str, str]:
    """How the hall runs its windows, from their categories (docs/staffing.md "One queue or
    four"): pooled (综合柜员, 004 §三) when more than half of the active windows serve more
    than one category — a free window then takes whoever waits longest, whatever their
    business — otherwise each category its own queue. Returns (model, the reason shown)."""
    windows = [w for w in Window.objects.filter(branch=branch, is_active=True) if w.categories]
    flexible = sum(1 for w in windows if len(set(w.categories)) > 1)
    model = MODEL_POOLED if windows and flexible * 2 > len(windows) else MODEL_BY_CATEGORY
    reason = f"本大厅 {len(windows)} 个窗口中 {flexible} 个办理多类业务，按“{MODEL_LABELS[model]}”计算"
    return model, reason


@dataclass
class CategoryHour:
    category: str
    label: str
    arrivals: float
    mean_service_minutes: float
    traffic: float
    recommended: int
    service_level: float


@dataclass
class HourAdvice:
    hour: int
    arrivals: float
    mean_service_minutes: float | None
    traffic: float
    recommended: int
    by_category: int
    pooled: int
    open_windows: float
    gap: float
    open_service_level: float | None
    categories: list[CategoryHour] = field(default_factory=list)
    # What the hall actually reached in this hour of this weekday over the period: the share
    # called within the target (reports/figures.py, the statistics' definition), and whether
    # it met the rule set's share (None: no ticket to measure).
    reached: float | None = None
    reached_base: int = 0
    met: bool | None = None

    @property
    def label(self) -> str:
        return f"{self.hour:02d}:00–{self.hour + 1:02d}:00"

    @property
    def below_model(self) -> bool:
        """Fewer windows were open than the model recommends (by at least half a window)."""
        return self.gap <= -0.5

    @property
    def short(self) -> bool:
        """Short of windows: below the model's recommendation and the hall did not reach its
        target in this hour (a hall that met its target is not short, whatever the model)."""
        return self.below_model and self.met is not True

    @property
    def reached_text(self) -> str:
        return percent_text(self.reached)

    @property
    def met_below_model(self) -> bool:
        """Below the model's recommendation, but the target was reached all the same."""
        return self.below_model and self.met is True

    @property
    def spare(self) -> bool:
        """More than one window beyond the recommendation was open."""
        return self.gap >= 1.5


@dataclass
class WeekdayAdvice:
    weekday: int
    label: str
    days: int
    hours: list[HourAdvice]

    @property
    def short_hours(self) -> int:
        return sum(1 for h in self.hours if h.short)

    @property
    def peak_recommended(self) -> int:
        return max((h.recommended for h in self.hours), default=0)


@dataclass
class StaffingAdvice:
    branch: Branch
    weeks: int
    model: str  # as asked: hall, category or pooled
    start: date
    end: date  # exclusive
    target_minutes: int
    target_share_percent: int
    rules_ref: str
    weekdays: list[WeekdayAdvice]
    effective_model: str = MODEL_BY_CATEGORY  # category or pooled: what the recommendation uses
    model_reason: str = ""
    reached: QueueFigures = field(default_factory=QueueFigures)  # the whole period

    @property
    def alternative_model(self) -> str:
        return MODEL_POOLED if self.effective_model == MODEL_BY_CATEGORY else MODEL_BY_CATEGORY

    @property
    def reached_share(self) -> float | None:
        return self.reached.within_share

    @property
    def reached_text(self) -> str:
        return percent_text(self.reached.within_share)

    @property
    def reached_met(self) -> bool | None:
        return self.reached.target_met(self.target_share_percent)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def default_weekday(self) -> int:
        busiest = max(self.weekdays, key=lambda w: sum(h.arrivals for h in w.hours), default=None)
        return busiest.weekday if busiest else 1


def _minutes(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, timedelta):
        return value.total_seconds() / 60
    return float(value) / 60_000_000


def staffing_advice(
    *, branch: Branch, weeks: int, end: date | None = None, model: str = MODEL_HALL
) -> StaffingAdvice:
    """The advice for `branch` from the `weeks` full weeks before `end` (exclusive,
    default today: today's half day would bias the averages), with the windows' work
    shared as `model` says (default: as the hall's windows are set up)."""
    if model not in MODEL_LABELS:
        raise ValueError(f"unknown staffing model {model!r}")
    if model == MODEL_HALL:
        effective, reason = hall_model(branch)
    else:
        effective, reason = model, f"按所选“{MODEL_LABELS[model]}”计算"
    end = end or clock.today()
    start = end - timedelta(days=7 * weeks)
    rules = queue_rules(end - timedelta(days=1))
    params = rules.params
    target = float(params.wait_target_minutes)
    share = params.wait_target_share_percent / 100
    db = reporting_alias()

    tickets = Ticket.objects.using(db).filter(branch=branch, service_date__gte=start, service_date__lt=end)

    # The days the hall worked, per ISO weekday: the divisor of every average.
    days_by_weekday: dict[int, set[date]] = defaultdict(set)
    for day in tickets.order_by().values_list("service_date", flat=True).distinct():
        days_by_weekday[day.isoweekday()].add(day)

    arrivals: dict[tuple[int, int, str], int] = {}
    for row in (
        tickets.order_by()
        .annotate(wd=ExtractIsoWeekDay("taken_at"), hr=ExtractHour("taken_at"))
        .values("wd", "hr", "category")
        .annotate(n=Count("pk"))
    ):
        arrivals[(row["wd"], row["hr"], row["category"])] = row["n"]

    started = Coalesce("started_at", "called_at")
    duration = ExpressionWrapper(F("finished_at") - started, output_field=DurationField())
    service: dict[tuple[int, str], tuple[float, int]] = {}
    for row in (
        tickets.filter(status=TicketStatus.DONE, finished_at__isnull=False)
        .filter(Q(started_at__isnull=False) | Q(called_at__isnull=False))
        .order_by()
        .annotate(hr=ExtractHour(started))
        .values("hr", "category")
        .annotate(avg=Avg(duration), n=Count("pk"))
    ):
        minutes = _minutes(row["avg"])
        if minutes is not None and minutes > 0:
            service[(row["hr"], row["category"])] = (minutes, row["n"])

    category_means: dict[str, float] = {}
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for (_, category), (minutes, count) in service.items():
        totals[category][0] += minutes * count
        totals[category][1] += count
    for category, (weighted, served) in totals.items():
        category_means[category] = weighted / served
    all_n = sum(count for _, count in totals.values())
    overall = sum(w for w, _ in totals.values()) / all_n if all_n else float(params.default_service_minutes)

    def mean_service(hour: int, category: str) -> float:
        found = service.get((hour, category))
        if found is not None:
            return found[0]
        return category_means.get(category, overall)

    open_minutes = _open_window_minutes(branch, start, end, db)
    reached = _reached(branch, start, end)

    opening = branch.opens_at.hour
    closing = branch.closes_at.hour + (1 if branch.closes_at.minute else 0)
    weekdays: list[WeekdayAdvice] = []
    for weekday in range(1, 8):
        days = days_by_weekday.get(weekday, set())
        if not days:
            continue
        n_days = len(days)
        hours_seen = {h for (wd, h, _) in arrivals if wd == weekday}
        hours_seen |= {h for (d, h) in open_minutes if d in days}
        first = min([opening, *hours_seen])
        last = max([closing - 1, *hours_seen])
        rows: list[HourAdvice] = []
        for hour in range(first, last + 1):
            categories: list[CategoryHour] = []
            for category in Category.values:
                count = arrivals.get((weekday, hour, category), 0)
                if not count:
                    continue
                per_hour = count / n_days
                minutes = mean_service(hour, category)
                traffic = per_hour / 60 * minutes
                need = erlang.servers_needed(
                    traffic, target_wait=target, target_share=share, mean_service=minutes
                )
                categories.append(
                    CategoryHour(
                        category=category,
                        label=SHORT_CATEGORY.get(category, Category(category).label),
                        arrivals=per_hour,
                        mean_service_minutes=minutes,
                        traffic=traffic,
                        recommended=need.servers,
                        service_level=need.service_level,
                    )
                )
            per_hour_total = sum(c.arrivals for c in categories)
            traffic_total = sum(c.traffic for c in categories)
            pooled_service = traffic_total * 60 / per_hour_total if per_hour_total else None
            pooled = (
                erlang.servers_needed(
                    traffic_total, target_wait=target, target_share=share, mean_service=pooled_service
                ).servers
                if pooled_service
                else 0
            )
            opened = sum(open_minutes.get((d, hour), 0.0) for d in days) / 60 / n_days
            by_category = sum(c.recommended for c in categories)
            recommended = pooled if effective == MODEL_POOLED else by_category
            open_level = None
            if pooled_service:
                open_level = erlang.service_level(
                    math.floor(opened + 1e-9), traffic_total, target_wait=target, mean_service=pooled_service
                )
            measured = reached.get((weekday, hour), QueueFigures())
            rows.append(
                HourAdvice(
                    hour=hour,
                    arrivals=per_hour_total,
                    mean_service_minutes=pooled_service,
                    traffic=traffic_total,
                    recommended=recommended,
                    by_category=by_category,
                    pooled=pooled,
                    open_windows=opened,
                    gap=opened - recommended,
                    open_service_level=open_level,
                    categories=categories,
                    reached=measured.within_share,
                    reached_base=measured.target_base,
                    met=measured.target_met(params.wait_target_share_percent),
                )
            )
        weekdays.append(
            WeekdayAdvice(weekday=weekday, label=WEEKDAY_LABELS[weekday], days=n_days, hours=rows)
        )

    return StaffingAdvice(
        branch=branch,
        weeks=weeks,
        model=model,
        start=start,
        end=end,
        target_minutes=params.wait_target_minutes,
        target_share_percent=params.wait_target_share_percent,
        rules_ref=rules.ref,
        weekdays=weekdays,
        effective_model=effective,
        model_reason=reason,
        reached=reached.get((), QueueFigures()),
    )


def _reached(branch: Branch, start: date, end: date) -> dict[tuple[int, ...], QueueFigures]:
    """The queue figures the hall actually reached, per (ISO weekday, hour of taking) and
    for the whole period (key ()), read through the statistics (stored and live days) so
    the share within the target is the one the 运营统计 page shows."""
    if end <= start:
        return {}
    today = clock.today()
    last = min(end - timedelta(days=1), today)
    if last < start:
        return {}
    # The statistics' ticket aggregates (stored days + live days); the windows' time and the
    # transfers are not needed for the share, so the live days skip them.
    tickets = Aggregates(
        StatsFilter(start=start, end=last, today=today, branch=branch),
        kind=RollupKind.TICKETS,
        model=TicketRollup,
        date_field="service_date",
        dims=rollup.TICKET_DIMS,
        measures=rollup.TICKET_MEASURES,
        live_table="tickets",
    )
    live = tickets.live_rows(partial(rollup.ticket_rows, window_time=False))
    out: dict[tuple[int, ...], QueueFigures] = {(): QueueFigures()}
    for (weekday, hour), m in tickets.grouped(("weekday", "hour"), live).items():
        figures = QueueFigures(dict(m))
        out[(weekday + 1, hour)] = figures
        out[()].add(figures)
    return out


def _open_window_minutes(branch: Branch, start: date, end: date, db: str) -> dict[tuple[date, int], float]:
    """Minutes of window time in state 服务中 (signed in, not paused) per (local day,
    hour) in [start, end), summed over the branch's windows."""
    start_at, end_at = clock.start_of(start), clock.start_of(end)
    before = (
        WindowEvent.objects.using(db)
        .filter(window=OuterRef("pk"), at__lt=start_at)
        .order_by("-at", "-pk")
        .values("to_status")[:1]
    )
    state: dict[int, str] = {
        pk: status or WindowStatus.CLOSED
        for pk, status in Window.objects.using(db)
        .filter(branch=branch)
        .annotate(before=Subquery(before))
        .values_list("pk", "before")
    }
    since: dict[int, datetime] = {pk: start_at for pk, status in state.items() if status == WindowStatus.OPEN}
    minutes: dict[tuple[date, int], float] = defaultdict(float)
    events = (
        WindowEvent.objects.using(db)
        .filter(window__branch=branch, at__gte=start_at, at__lt=end_at)
        .order_by("window_id", "at", "pk")
        .values_list("window_id", "at", "to_status")
    )
    for window_id, at, to_status in events:
        opened = since.pop(window_id, None)
        if opened is not None:
            _spread(minutes, opened, at)
        if to_status == WindowStatus.OPEN:
            since[window_id] = at
    stop = min(end_at, clock.now())
    for opened in since.values():
        if opened < stop:
            _spread(minutes, opened, stop)
    return minutes


def _spread(minutes: dict[tuple[date, int], float], begin: datetime, finish: datetime) -> None:
    """Add the interval [begin, finish) to the (local day, hour) buckets it covers."""
    moment = clock.local(begin)
    finish = clock.local(finish)
    while moment < finish:
        bucket_end = moment.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        part_end = min(bucket_end, finish)
        minutes[(moment.date(), moment.hour)] += (part_end - moment).total_seconds() / 60
        moment = part_end


def chart_data(advice: StaffingAdvice) -> dict[str, Any]:
    """What dashboard.js draws: per weekday the hours and the three series."""
    return {
        "target": f"{advice.target_minutes} 分钟内叫号占比 ≥ {advice.target_share_percent}%",
        "model": MODEL_LABELS[advice.effective_model],
        "alternative": MODEL_LABELS[advice.alternative_model],
        "weekdays": {
            str(w.weekday): {
                "label": w.label,
                "hours": [f"{h.hour:02d}:00" for h in w.hours],
                "recommended": [h.recommended for h in w.hours],
                "alternative": [
                    h.pooled if advice.effective_model == MODEL_BY_CATEGORY else h.by_category
                    for h in w.hours
                ],
                "reached": [None if h.reached is None else percent_number(h.reached) for h in w.hours],
                "open": [round(h.open_windows, 1) for h in w.hours],
                "arrivals": [round(h.arrivals, 1) for h in w.hours],
            }
            for w in advice.weekdays
        },
    }
