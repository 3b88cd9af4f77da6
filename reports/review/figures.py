"""The figures of one hall's week for the weekly review (000 §二(一)4 "做好工作总结"):
queue, appointments, cases, ratings, complaints, supervision and the suggestions
people left, each bounded by the branch and the week.

Every figure that the statistics pages also show (tickets, waits, the share within the
target, appointments, cases received and their outcome, ratings, complaints received)
is read through the statistics' own functions for the branch and the week
(reports/stats/selectors: queue_figures, appointment_figures, case_figures,
rating_figures, complaint_figures), so the pack and the 运营统计 page of the same week and
branch cannot disagree; the definitions are in reports/figures.py. What only the pack
shows (cases decided or found overdue in the week, complaints closed and still open at
its end, follow-ups, supervision, suggestions) is read here.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Q

from cases.models import Case, OverdueFinding
from catalog.models import HandlingType
from common import clock
from common.db import reporting_alias
from common.identity import scrub
from complaints.models import Complaint
from org.models import Branch
from queueing.models import AppointmentStatus
from ratings.models import FollowUp, FollowUpStatus, HotlineCallback, Rating
from reports.figures import (
    COMPLETED,
    LEVELS,
    AppointmentFigures,
    CaseFigures,
    QueueFigures,
    RatingFigures,
    half_up,
    p90_text,
    percent_text,
)
from reports.stats.filters import StatsFilter
from reports.stats.selectors import (
    QueueData,
    appointment_figures,
    case_figures,
    complaint_figures,
    rating_figures,
)
from rules.models import RuleKind
from rules.schemas import QueueParams
from rules.selectors import NoRulesInForce, rules_in_force
from supervision.models import (
    Inspection,
    InspectionFinding,
    Patrol,
    PatrolStatus,
    Violation,
)

WEEKDAYS = "一二三四五六日"
PERCENTILE = 90
# Bands of the wait distribution chart, in multiples of the rule set's band width.
WAIT_BANDS = 6


class InvalidWeek(ValueError):
    """A week key that is not YYYY-Www."""


def parse_week(key: str) -> date:
    """'2026-W47' → the Monday of ISO week 47 of 2026."""
    text = key.strip().upper()
    try:
        year_text, week_text = text.split("-W")
        return date.fromisocalendar(int(year_text), int(week_text), 1)
    except ValueError:
        raise InvalidWeek(f"周“{key}”格式不对：请写成 2026-W47（ISO 周，周一至周日）。") from None


def week_key(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def week_label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    sunday = monday + timedelta(days=6)
    return f"{year}年第{week}周（{monday:%Y-%m-%d}至{sunday:%Y-%m-%d}）"


def _day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    return clock.start_of(first), clock.start_of(last + timedelta(days=1))


def minutes(value: Fraction | float | None) -> Decimal | None:
    """Minutes rounded half up to one decimal place (reports.figures.half_up)."""
    return None if value is None else half_up(value)


def nearest_rank(values: list[float], percent: int) -> float | None:
    """The exact nearest-rank percentile (the tests check the bucket percentile against it)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


def share_text(part: int, whole: int) -> str:
    """四舍五入 to one decimal place, "—" when there is nothing to divide (reports.figures)."""
    return percent_text(Fraction(part, whole) if whole else None)


@dataclass
class DayRow:
    day: date
    taken: int = 0
    served: int = 0
    no_shows: int = 0

    @property
    def label(self) -> str:
        return f"{self.day.month}/{self.day.day} 周{WEEKDAYS[self.day.weekday()]}"

    @property
    def short_label(self) -> str:
        return f"周{WEEKDAYS[self.day.weekday()]}\n{self.day.month}/{self.day.day}"


@dataclass
class Suggestion:
    source: str
    day: date
    text: str

    @property
    def shown(self) -> str:
        return scrub(self.text)


@dataclass
class ViolationRow:
    no: str
    day: date
    person: str
    item: str
    amount: int | None
    source: str


@dataclass
class WeekFigures:
    branch: Branch
    week_start: date
    days: list[DayRow]
    # queue
    queue: QueueFigures = field(default_factory=QueueFigures)
    tickets: int = 0
    served: int = 0
    no_shows: int = 0
    cancelled: int = 0
    waits_counted: int = 0
    wait_avg: Decimal | None = None
    wait_p90: int | None = None  # bucket upper edge: 90 % waited less than this (reports.figures)
    within_target: int = 0
    past_target: int = 0
    target_minutes: int = 0
    target_share_percent: int = 0
    queue_rules_ref: str = ""
    wait_band: int = 0
    wait_bands: list[tuple[str, int]] = field(default_factory=list)
    # appointments
    appointment_figures: AppointmentFigures = field(default_factory=AppointmentFigures)
    appointments: int = 0
    appointments_checked_in: int = 0
    appointments_late: int = 0
    appointments_no_show: int = 0
    appointments_cancelled: int = 0
    # cases
    cases_received: int = 0
    cases_accepted: int = 0
    cases_by_type: list[tuple[str, int]] = field(default_factory=list)
    cases: CaseFigures = field(default_factory=CaseFigures)  # received this week, by outcome
    cases_completed: int = 0  # decided this week (whenever received)
    cases_completed_overdue: int = 0
    overdue_cases: int = 0
    overdue_reasons: list[tuple[str, int]] = field(default_factory=list)
    # ratings
    rating: RatingFigures = field(default_factory=RatingFigures)
    ratings: int = 0
    rating_levels: list[tuple[str, int]] = field(default_factory=list)
    bad_ratings: int = 0
    bad_follow_up: list[tuple[str, int]] = field(default_factory=list)
    # complaints
    complaints_received: int = 0
    complaints_closed: int = 0
    complaints_open: int = 0
    # supervision
    inspections: int = 0
    inspection_findings: list[tuple[str, int]] = field(default_factory=list)
    patrols: int = 0
    patrols_with_findings: int = 0
    violations: list[ViolationRow] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def week_end(self) -> date:
        return self.week_start + timedelta(days=6)

    @property
    def key(self) -> str:
        return week_key(self.week_start)

    @property
    def label(self) -> str:
        return week_label(self.week_start)

    @property
    def target_base(self) -> int:
        """Counted waits plus the tickets that passed the target uncalled (reports.figures)."""
        return self.queue.target_base

    @property
    def within_target_share(self) -> str:
        return percent_text(self.queue.within_share)

    @property
    def target_met(self) -> bool | None:
        return self.queue.target_met(self.target_share_percent)

    @property
    def wait_p90_text(self) -> str:
        return p90_text(self.wait_p90)

    @property
    def no_show_share(self) -> str:
        """过号率 = 过号 ÷ 叫号 (reports.figures)."""
        return percent_text(self.queue.no_show_rate)

    @property
    def appointment_no_show_share(self) -> str:
        """爽约率 = 爽约 ÷ (签到 + 迟到 + 爽约) (reports.figures)."""
        return percent_text(self.appointment_figures.no_show_rate)

    @property
    def bad_share(self) -> str:
        return percent_text(self.rating.bad_share)

    @property
    def grouped_suggestions(self) -> list[tuple[str, str, int, date]]:
        """(source, masked text, times, first day): the same words from several people
        are one line with a count, most frequent first."""
        groups: dict[tuple[str, str], list[date]] = {}
        for s in self.suggestions:
            groups.setdefault((s.source, s.shown.strip()), []).append(s.day)
        rows = [(source, text, len(days), min(days)) for (source, text), days in groups.items()]
        return sorted(rows, key=lambda r: (-r[2], r[3], r[0], r[1]))

    @property
    def violation_amount(self) -> int:
        return sum(v.amount or 0 for v in self.violations)


def week_figures(branch: Branch, week_start: date, *, include_complaint_text: bool = False) -> WeekFigures:
    """Every figure of the weekly review pack for `branch` and the ISO week starting
    on `week_start` (a Monday). Complaint suggestions are personal to a complaint
    (issue #7 "Protection"): only the office's and leaders' packs carry their text."""
    db = reporting_alias()
    end = week_start + timedelta(days=6)
    start_at, end_at = _day_bounds(week_start, end)
    figures = WeekFigures(branch=branch, week_start=week_start, days=[])
    today = clock.today()
    # The statistics' filter of the branch and the week so far (a period never ends after today).
    stats = (
        StatsFilter(start=week_start, end=min(end, today), today=today, branch=branch)
        if week_start <= today
        else None
    )
    _queue(figures, stats, week_start, end)
    _appointments(figures, stats)
    _cases(figures, db, stats, start_at, end_at)
    _ratings(figures, db, stats, week_start, end, start_at, end_at)
    _complaints(figures, db, stats, week_start, end, start_at, end_at, include_complaint_text)
    _supervision(figures, db, week_start, end)
    figures.suggestions.sort(key=lambda s: (s.day, s.source))
    return figures


def _queue(f: WeekFigures, stats: StatsFilter | None, first: date, last: date) -> None:
    try:
        # The rule set in force at the end of the period, as the statistics read it.
        rules = rules_in_force(RuleKind.QUEUE, stats.end if stats is not None else last)
        params = rules.params
        assert isinstance(params, QueueParams)
        f.target_minutes = params.wait_target_minutes
        f.target_share_percent = params.wait_target_share_percent
        band = params.wait_band_minutes
        f.queue_rules_ref = rules.ref
    except NoRulesInForce:
        band = 0
    per_day: dict[date, dict[str, int]] = {}
    if stats is not None:
        data = QueueData(stats)
        f.queue = data.totals()
        per_day = {key[0]: m for key, m in data.by("service_date").items()}
    for i in range(7):
        day = first + timedelta(days=i)
        row = per_day.get(day, {})
        f.days.append(DayRow(day, row.get("taken", 0), row.get("served", 0), row.get("no_show", 0)))
    q = f.queue
    f.tickets, f.served, f.no_shows, f.cancelled = q.taken, q.served, q.no_show, q.cancelled
    f.waits_counted = q["wait_n"]
    f.within_target = q["within_target"]
    f.past_target = q["past_target"]
    f.wait_avg = minutes(q.avg_wait)
    f.wait_p90 = q.p90_wait
    f.wait_band = band
    if band:
        # Bands of the histogram's buckets (one minute wide below an hour: exact for bands
        # that divide 60; the last band holds everything beyond).
        counts: Counter[int] = Counter()
        for bucket, n in q.wait_hist.items():
            counts[min(bucket // band, WAIT_BANDS - 1)] += n
        f.wait_bands = [
            (f"{i * band}–{(i + 1) * band}" if i < WAIT_BANDS - 1 else f"≥{i * band}", counts.get(i, 0))
            for i in range(WAIT_BANDS)
        ]


def _appointments(f: WeekFigures, stats: StatsFilter | None) -> None:
    if stats is None:
        return
    figures = f.appointment_figures = appointment_figures(stats)
    f.appointments = figures.booked
    f.appointments_checked_in = figures[AppointmentStatus.CHECKED_IN]
    f.appointments_late = figures[AppointmentStatus.LATE]
    f.appointments_no_show = figures[AppointmentStatus.NO_SHOW]
    f.appointments_cancelled = figures[AppointmentStatus.CANCELLED]


def _cases(f: WeekFigures, db: str, stats: StatsFilter | None, start_at: datetime, end_at: datetime) -> None:
    if stats is not None:
        f.cases = case_figures(stats)
    f.cases_received = f.cases["received"]
    first, last = clock.local_date(start_at), clock.local_date(end_at) - timedelta(days=1)
    cases = Case.objects.using(db).filter(branch=f.branch)
    accepted = cases.filter(accepted_on__gte=first, accepted_on__lte=last)
    by_type = dict(
        accepted.values_list("handling_type").annotate(n=Count("id")).values_list("handling_type", "n")
    )
    f.cases_accepted = sum(by_type.values())
    f.cases_by_type = [(label, by_type.get(value, 0)) for value, label in HandlingType.choices]
    # 本周办结: decided in the week (whenever received), completed or delivered (reports.figures).
    completed = cases.filter(decided_at__gte=start_at, decided_at__lt=end_at, status__in=COMPLETED)
    f.cases_completed = completed.count()
    f.cases_completed_overdue = completed.filter(overdue=True).count()
    findings = OverdueFinding.objects.using(db).filter(
        case__branch=f.branch, found_at__gte=start_at, found_at__lt=end_at
    )
    f.overdue_cases = findings.values("case_id").distinct().count()
    f.overdue_reasons = [
        (row["text"], row["n"])
        for row in findings.values("text").annotate(n=Count("id")).order_by("-n", "text")
    ]


def _rating_labels(day: date) -> dict[int, str]:
    try:
        return {lv.level: lv.label for lv in rules_in_force(RuleKind.WINDOW_SCORE, day).params.levels}
    except NoRulesInForce:
        return {}


def _ratings(
    f: WeekFigures,
    db: str,
    stats: StatsFilter | None,
    first: date,
    last: date,
    start_at: datetime,
    end_at: datetime,
) -> None:
    ratings = Rating.objects.using(db).filter(branch=f.branch, rated_on__gte=first, rated_on__lte=last)
    if stats is not None:
        f.rating = rating_figures(stats)
    labels = _rating_labels(last)
    f.rating_levels = [
        (labels.get(level) or f"{level}级", f.rating.by_level.get(level, 0)) for level in LEVELS
    ]
    f.ratings = f.rating.n
    f.bad_ratings = f.rating.bad
    states = dict(
        FollowUp.objects.using(db)
        .filter(rating__in=ratings.filter(is_bad=True))
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    followed = sum(states.values())
    f.bad_follow_up = [(label, states.get(value, 0)) for value, label in FollowUpStatus.choices]
    if f.bad_ratings > followed:
        f.bad_follow_up.append(("尚未生成回访整改", f.bad_ratings - followed))
    for rated_on, comment in (
        ratings.exclude(comment="").values_list("rated_on", "comment").order_by("rated_at")
    ):
        f.suggestions.append(Suggestion("评价意见", rated_on, comment))
    for answered_at, comments in (
        HotlineCallback.objects.using(db)
        .filter(branch=f.branch, answered_at__gte=start_at, answered_at__lt=end_at)
        .exclude(comments="")
        .values_list("answered_at", "comments")
        .order_by("answered_at")
    ):
        if answered_at is not None:  # always, by the filter; for the type checker
            f.suggestions.append(Suggestion("12329回访", clock.local_date(answered_at), comments))


def _complaints(
    f: WeekFigures,
    db: str,
    stats: StatsFilter | None,
    first: date,
    last: date,
    start_at: datetime,
    end_at: datetime,
    include_text: bool,
) -> None:
    complaints = Complaint.objects.using(db).filter(branch=f.branch)
    received = complaints.filter(received_on__gte=first, received_on__lte=last)
    f.complaints_received = complaint_figures(stats).received if stats is not None else 0
    f.complaints_closed = complaints.filter(closed_at__gte=start_at, closed_at__lt=end_at).count()
    # Open at the end of the week: received by then and not closed by then.
    f.complaints_open = (
        complaints.filter(received_on__lte=last)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end_at))
        .count()
    )
    if include_text:
        for received_on, text in received.exclude(suggestion="").values_list("received_on", "suggestion"):
            f.suggestions.append(Suggestion("投诉人建议", received_on, text))


def _supervision(f: WeekFigures, db: str, first: date, last: date) -> None:
    inspections = (
        Inspection.objects.using(db)
        .counted()
        .filter(branch=f.branch, inspected_on__gte=first, inspected_on__lte=last)
    )
    f.inspections = inspections.count()
    f.inspection_findings = [
        (f"{row['code']} {row['text']}", row["n"])
        for row in InspectionFinding.objects.using(db)
        .filter(inspection__in=inspections)
        .values("code", "text")
        .annotate(n=Count("id"))
        .order_by("-n", "code")
    ]
    patrols = (
        Patrol.objects.using(db)
        .filter(branch=f.branch, day__gte=first, day__lte=last)
        .exclude(status=PatrolStatus.VOIDED)
    )
    f.patrols = patrols.count()
    f.patrols_with_findings = patrols.filter(nothing_found=False).count()
    f.violations = [
        ViolationRow(v.no, v.occurred_on, v.offender_name, v.item_text, v.amount_yuan, v.get_source_display())
        for v in Violation.objects.using(db)
        .active()
        .filter(Q(branch=f.branch) | Q(branch__isnull=True, staff__branch=f.branch))
        .filter(occurred_on__gte=first, occurred_on__lte=last)
        .order_by("occurred_on", "no")
    ]
