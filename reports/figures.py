"""The one definition of every figure that appears on more than one screen (docs/reports.md
"口径 — one definition per figure").

The live dashboard, the statistics pages with their Excel exports and API, the weekly
review page and its PDF, and the staffing advice all compute these figures through the
functions here; they differ only in the period and the branches they gather the counts
for. Nothing else in the product divides, averages or takes a percentile of these counts.

* Queue (排队叫号): what one ticket adds to the measures (`ticket_measures`, used by the
  rollup for stored and live days alike) and the figures read from summed measures
  (`QueueFigures`: average and P90 wait, share called within the target, no-show rate …).
* Cases (办件): the outcome of a case, a partition of every status, so that
  received = completed + unfinished + rejected + withdrawn always holds; 超时办结 counts
  completed cases only (`case_measures`, `CaseFigures`).
* Appointments (预约): the no-show rate over the appointments that came due.
* Ratings (好差评): bad share and satisfied share over every rating given.
* Complaints (投诉): the reply on time and overdue rules are the complaints app's own
  (`complaints.analysis.reply_standing`, `complaints.selectors.overdue_q`).

How a figure is shown (one decimal, half up) is also defined once: `percent_text`,
`minutes_text`, `p90_text`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from cases.models import DECIDED, CaseStatus
from queueing.models import AppointmentStatus, TicketAction, TicketEvent, TicketSource, TicketStatus

# --------------------------------------------------------------------------------------
# Numbers and how they are shown


def ratio(part: int | float, whole: int | float) -> float | None:
    """part ÷ whole, None when there is nothing to divide."""
    return part / whole if whole else None


def minutes(seconds: int | float, n: int) -> float | None:
    """The mean of n durations summing to `seconds`, in minutes."""
    return seconds / n / 60 if n else None


def half_up(value: float | Fraction | Decimal, places: int = 1) -> Decimal:
    """Rounded half up (四舍五入) to `places` decimals, from the value's shortest decimal form."""
    if isinstance(value, Fraction):
        exact = Decimal(value.numerator) / Decimal(value.denominator)
    else:
        exact = Decimal(str(value))
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percent_text(value: float | Fraction | None) -> str:
    """A share (0–1) as "66.7%", "—" when there is none."""
    if value is None:
        return "—"
    return f"{half_up(Fraction(value) * 100 if isinstance(value, Fraction) else value * 100)}%"


def percent_number(value: float | None) -> float | None:
    """A share (0–1) as the percentage shown (one decimal, half up), for the JSON of the dashboard."""
    return None if value is None else float(half_up(value * 100))


def minutes_text(value: float | None) -> str:
    """Minutes with one decimal, half up; "—" when there is none."""
    return "—" if value is None else str(half_up(value))


# --------------------------------------------------------------------------------------
# Histogram buckets of waiting and service times, and the percentile read from them

# Buckets are named by the minute they start at: one minute wide below FINE_UNTIL (where
# nearly every wait and service falls), COARSE_WIDTH minutes wide up to LAST_BUCKET, and
# LAST_BUCKET holds every time of LAST_BUCKET minutes or more (shown as "≥180").
FINE_UNTIL = 60
COARSE_WIDTH = 5
LAST_BUCKET = 180
PERCENTILE = 0.9


def bucket_of(seconds: float) -> int:
    minute = max(0, int(seconds // 60))
    if minute < FINE_UNTIL:
        return minute
    if minute < LAST_BUCKET:
        return FINE_UNTIL + (minute - FINE_UNTIL) // COARSE_WIDTH * COARSE_WIDTH
    return LAST_BUCKET


def bucket_upper(bucket: int) -> int:
    """The minute the bucket ends at (exclusive); the last bucket has no end."""
    if bucket < FINE_UNTIL:
        return bucket + 1
    if bucket < LAST_BUCKET:
        return bucket + COARSE_WIDTH
    return LAST_BUCKET


def percentile_from_buckets(hist: dict[int, int], q: float = PERCENTILE) -> int | None:
    """The nearest-rank q-quantile read from the buckets, as the bucket's upper edge in
    minutes: "90 % waited less than N minutes". The exact value v satisfies
    N − width ≤ v < N (exact to the bucket width: one minute below an hour, five up to three
    hours). The last bucket (everything from 180 minutes) returns LAST_BUCKET: "≥180"."""
    total = sum(hist.values())
    if not total:
        return None
    rank = max(1, math.ceil(q * total))
    seen = 0
    for minute in sorted(hist):
        seen += hist[minute]
        if seen >= rank:
            return bucket_upper(minute)
    return None  # pragma: no cover — the loop always reaches rank


def p90_text(p: int | None) -> str:
    if p is None:
        return "—"
    return f"≥{p}" if p >= LAST_BUCKET else str(p)


# --------------------------------------------------------------------------------------
# Queue (排队叫号)

# Called: the ticket's last state is called, serving, done or no-show.
CALLED = (TicketStatus.CALLED, TicketStatus.SERVING, TicketStatus.DONE, TicketStatus.NO_SHOW)
# Not counted in the waits (product-queue, interpretation "等候时间目标": 过号和取消的号不计入).
NOT_COUNTED = (TicketStatus.NO_SHOW, TicketStatus.CANCELLED)

TICKET_MEASURES = (
    "taken",
    "called",
    "served",
    "no_show",
    "cancelled",
    "transferred",
    "priority",
    "appointment",
    "wait_n",
    "wait_seconds",
    "within_target",
    "past_target",
    "service_n",
    "service_seconds",
)


def first_call() -> Coalesce:
    """The moment a ticket was first called (its first 叫号 event; the ticket's own
    `called_at` where no event was recorded): a reactivated no-show or a transferred ticket
    is called again later, but the citizen's wait ended at the first call."""
    event = (
        TicketEvent.objects.filter(ticket=OuterRef("pk"), action=TicketAction.CALL)
        .order_by("at", "pk")
        .values("at")[:1]
    )
    return Coalesce(Subquery(event), F("called_at"))


def ticket_measures(
    *,
    status: str,
    source: str,
    priority: str,
    waited: float | None,
    elapsed: float | None,
    service: float | None,
    target_seconds: int,
) -> tuple[dict[str, int], float | None, float | None]:
    """What one ticket adds to the queue measures, and the wait and service time (seconds)
    it adds to the histograms (None when it adds none).

    * waited = first call − taken (取号, or the appointment check-in that issued the ticket),
      the queue rule set's 等候时间; counted (wait_n, the average and the P90) for every ticket
      that was called and is not a no-show or cancelled.
    * within_target: counted and waited ≤ the target of the queue rule set of the day.
    * past_target: not counted, and the ticket waited longer than the target without a
      counted call — still waiting now, left (cancelled) after the target, or called only
      after it and not there (no-show). The share within the target is
      within_target ÷ (wait_n + past_target): a person still waiting past the target
      counts against it (a hall cannot reach 100 % by not calling the people who wait).
    * elapsed = (first call, or leaving, or now) − taken.
    """
    counted = waited is not None and status not in NOT_COUNTED
    values = {
        "taken": 1,
        "called": int(status in CALLED),
        "served": int(status == TicketStatus.DONE),
        "no_show": int(status == TicketStatus.NO_SHOW),
        "cancelled": int(status == TicketStatus.CANCELLED),
        "priority": int(bool(priority)),
        "appointment": int(source == TicketSource.APPOINTMENT),
    }
    wait = None
    if counted:
        assert waited is not None
        wait = max(0.0, round(float(waited), 3))
        values["wait_n"] = 1
        values["wait_seconds"] = round(wait)
        values["within_target"] = int(wait <= target_seconds)
    elif elapsed is not None and float(elapsed) > target_seconds:
        values["past_target"] = 1
    served = None
    if status == TicketStatus.DONE and service is not None:
        served = max(0.0, round(float(service), 3))
        values["service_n"] = 1
        values["service_seconds"] = round(served)
    return values, wait, served


def empty_measures() -> dict[str, int]:
    return dict.fromkeys(TICKET_MEASURES, 0)


@dataclass
class QueueFigures:
    """The queue figures of summed measures (any period, branches, windows, staff,
    category) and their wait and service histograms."""

    values: dict[str, int] = field(default_factory=empty_measures)
    wait_hist: dict[int, int] = field(default_factory=dict)
    service_hist: dict[int, int] = field(default_factory=dict)

    def __getitem__(self, name: str) -> int:
        # A measure by name; anything else is a KeyError, so that a template's
        # `figures.target_base` falls through to the attribute.
        if name not in TICKET_MEASURES:
            raise KeyError(name)
        return self.values.get(name, 0)

    taken = property(lambda self: self["taken"])
    called = property(lambda self: self["called"])
    served = property(lambda self: self["served"])
    no_show = property(lambda self: self["no_show"])
    cancelled = property(lambda self: self["cancelled"])
    transferred = property(lambda self: self["transferred"])

    @property
    def avg_wait(self) -> float | None:
        """平均等候 (minutes): the sum of counted waits (whole seconds) ÷ their number."""
        return minutes(self["wait_seconds"], self["wait_n"])

    @property
    def avg_service(self) -> float | None:
        return minutes(self["service_seconds"], self["service_n"])

    @property
    def p90_wait(self) -> int | None:
        return percentile_from_buckets(self.wait_hist)

    @property
    def p90_service(self) -> int | None:
        return percentile_from_buckets(self.service_hist)

    @property
    def target_base(self) -> int:
        """The tickets the share within the target is taken over: counted waits plus the
        tickets that passed the target without a counted call."""
        return self["wait_n"] + self["past_target"]

    @property
    def within_share(self) -> float | None:
        """目标内叫号: within_target ÷ (wait_n + past_target)."""
        return ratio(self["within_target"], self.target_base)

    @property
    def within_fraction(self) -> Fraction | None:
        return Fraction(self["within_target"], self.target_base) if self.target_base else None

    def target_met(self, share_percent: int) -> bool | None:
        """Whether the share reached the rule set's wait_target_share_percent (None: no data)."""
        if not self.target_base:
            return None
        return self["within_target"] * 100 >= share_percent * self.target_base

    @property
    def no_show_rate(self) -> float | None:
        """过号率: no-shows ÷ called."""
        return ratio(self["no_show"], self["called"])

    def add(self, other: QueueFigures) -> None:
        for name, value in other.values.items():
            self.values[name] = self.values.get(name, 0) + value
        for mine, theirs in ((self.wait_hist, other.wait_hist), (self.service_hist, other.service_hist)):
            for bucket, n in theirs.items():
                mine[bucket] = mine.get(bucket, 0) + n


# --------------------------------------------------------------------------------------
# Cases (办件), by the day the application was received

# Every status is in exactly one outcome: 办结 (completed or delivered), 不予受理, 撤回,
# and 未办结 = every other status (materials awaited, on the clock, with other
# departments or the superior, a refusal under review). Derived from the model's
# statuses, so a new status is counted somewhere and the totals still reconcile.
COMPLETED = tuple(DECIDED)
REJECTED = (CaseStatus.REJECTED,)
WITHDRAWN = (CaseStatus.WITHDRAWN,)
UNFINISHED = tuple(s for s in CaseStatus if s not in (*COMPLETED, *REJECTED, *WITHDRAWN))

CASE_MEASURES = ("received", "completed", "on_time", "overdue", "open", "rejected", "withdrawn")


def case_measures() -> dict[str, Any]:
    """The aggregates of `CaseFigures`, for `.aggregate()` or `.annotate()` on cases.
    超时办结 (overdue) counts completed cases flagged overdue (000 §五(二)5); an open case
    found overdue is 未办结 until it is completed."""
    completed = Q(status__in=COMPLETED)
    return {
        "received": Count("pk"),
        "completed": Count("pk", filter=completed),
        "on_time": Count("pk", filter=completed & Q(overdue=False)),
        "overdue": Count("pk", filter=completed & Q(overdue=True)),
        "open": Count("pk", filter=Q(status__in=UNFINISHED)),
        "rejected": Count("pk", filter=Q(status__in=REJECTED)),
        "withdrawn": Count("pk", filter=Q(status__in=WITHDRAWN)),
    }


@dataclass
class CaseFigures:
    values: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CASE_MEASURES, 0))

    def __getitem__(self, name: str) -> int:
        if name not in CASE_MEASURES:
            raise KeyError(name)
        return self.values.get(name, 0)

    @property
    def on_time_rate(self) -> float | None:
        """按时办结率 = 按时办结 ÷ 办结."""
        return ratio(self["on_time"], self["completed"])

    @property
    def reconciles(self) -> bool:
        v = self.values
        return (
            v["received"] == v["completed"] + v["open"] + v["rejected"] + v["withdrawn"]
            and v["completed"] == v["on_time"] + v["overdue"]
        )


# --------------------------------------------------------------------------------------
# Appointments (预约), by the booked day

CAME_DUE = (AppointmentStatus.CHECKED_IN, AppointmentStatus.LATE, AppointmentStatus.NO_SHOW)


@dataclass
class AppointmentFigures:
    counts: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, status: str) -> int:
        return self.counts.get(status, 0)

    @property
    def booked(self) -> int:
        return sum(self.counts.values())

    @property
    def came_due(self) -> int:
        return sum(self[s] for s in CAME_DUE)

    @property
    def no_show_rate(self) -> float | None:
        """爽约率 = 爽约 ÷ (签到 + 迟到 + 爽约): the appointments that came due."""
        return ratio(self[AppointmentStatus.NO_SHOW], self.came_due)


# --------------------------------------------------------------------------------------
# Ratings (好差评), by the day of rating

LEVELS = (5, 4, 3, 2, 1)
SATISFIED_LEVELS = (4, 5)


@dataclass
class RatingFigures:
    by_level: dict[int, int] = field(default_factory=dict)
    bad: int = 0  # the rating's own is_bad (the window-score rule set of its day)

    @property
    def n(self) -> int:
        return sum(self.by_level.values())

    @property
    def bad_share(self) -> float | None:
        """差评率 = 差评 ÷ 评价."""
        return ratio(self.bad, self.n)

    @property
    def satisfied_share(self) -> float | None:
        """满意率 = (非常满意 + 满意) ÷ 评价."""
        return ratio(sum(self.by_level.get(lv, 0) for lv in SATISFIED_LEVELS), self.n)


# --------------------------------------------------------------------------------------
# Complaints (投诉), by the day received


@dataclass
class ComplaintFigures:
    received: int = 0
    by_class: dict[str, int] = field(default_factory=dict)  # "" → "unclassified"
    due: int = 0
    on_time: int = 0
    overdue_open: int = 0

    @property
    def valid(self) -> int:
        return self.by_class.get("major", 0) + self.by_class.get("general", 0)

    @property
    def on_time_rate(self) -> float | None:
        """按时答复率 = 按时答复 ÷ 应答复 (complaints.analysis.reply_standing)."""
        return ratio(self.on_time, self.due)
