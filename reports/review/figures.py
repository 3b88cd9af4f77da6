"""The figures of one hall's week for the weekly review (000 §二(一)4 "做好工作总结"):
queue, appointments, cases, ratings, complaints, supervision and the suggestions
people left, each an aggregate query bounded by the branch and the week (a week of
one hall is small; nothing here reads the whole history).

Definitions (the queue rule set's interpretation, rules/bundled/product-queue.toml):
the wait of a ticket is its first call minus its taking (or appointment check-in);
no-shows and cancelled tickets are not counted in waits. The 90th percentile is the
nearest-rank percentile: the smallest wait that at least 90 % of the counted tickets
did not exceed. The service target is "wait_target_share_percent % called within
wait_target_minutes".
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Count, Min, Q

from cases.models import Case, CaseStatus, OverdueFinding
from catalog.models import HandlingType
from common import clock
from common.db import reporting_alias
from common.identity import scrub
from complaints.models import Complaint
from org.models import Branch
from queueing.models import Appointment, AppointmentStatus, Ticket, TicketAction, TicketStatus
from ratings.models import FollowUp, FollowUpStatus, HotlineCallback, Rating
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
    """Minutes rounded half up to one decimal place."""
    if value is None:
        return None
    return Decimal(str(float(value))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def nearest_rank(values: list[float], percent: int) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


def share_text(part: int, whole: int) -> str:
    """四舍五入 to one decimal place, "—" when there is nothing to divide."""
    if not whole:
        return "—"
    tenths = (Fraction(part * 1000, whole) + Fraction(1, 2)).__floor__()
    return f"{tenths // 10}.{tenths % 10}%"


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
    tickets: int = 0
    served: int = 0
    no_shows: int = 0
    cancelled: int = 0
    waits_counted: int = 0
    wait_avg: Decimal | None = None
    wait_p90: Decimal | None = None
    within_target: int = 0
    target_minutes: int = 0
    target_share_percent: int = 0
    queue_rules_ref: str = ""
    wait_band: int = 0
    wait_bands: list[tuple[str, int]] = field(default_factory=list)
    # appointments
    appointments: int = 0
    appointments_checked_in: int = 0
    appointments_late: int = 0
    appointments_no_show: int = 0
    appointments_cancelled: int = 0
    # cases
    cases_received: int = 0
    cases_accepted: int = 0
    cases_by_type: list[tuple[str, int]] = field(default_factory=list)
    cases_completed: int = 0
    cases_completed_overdue: int = 0
    overdue_cases: int = 0
    overdue_reasons: list[tuple[str, int]] = field(default_factory=list)
    # ratings
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
    def within_target_share(self) -> str:
        return share_text(self.within_target, self.waits_counted)

    @property
    def target_met(self) -> bool | None:
        if not self.waits_counted:
            return None
        return self.within_target * 100 >= self.target_share_percent * self.waits_counted

    @property
    def no_show_share(self) -> str:
        return share_text(self.no_shows, self.tickets)

    @property
    def appointment_no_show_share(self) -> str:
        return share_text(self.appointments_no_show, self.appointments)

    @property
    def bad_share(self) -> str:
        return share_text(self.bad_ratings, self.ratings)

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
    _queue(figures, db, week_start, end)
    _appointments(figures, db, week_start, end)
    _cases(figures, db, week_start, end, start_at, end_at)
    _ratings(figures, db, week_start, end, start_at, end_at)
    _complaints(figures, db, week_start, end, start_at, end_at, include_complaint_text)
    _supervision(figures, db, week_start, end)
    figures.suggestions.sort(key=lambda s: (s.day, s.source))
    return figures


def _queue(f: WeekFigures, db: str, first: date, last: date) -> None:
    try:
        rules = rules_in_force(RuleKind.QUEUE, last)
        params = rules.params
        assert isinstance(params, QueueParams)
        f.target_minutes = params.wait_target_minutes
        f.target_share_percent = params.wait_target_share_percent
        band = params.wait_band_minutes
        f.queue_rules_ref = rules.ref
    except NoRulesInForce:
        band = 0
    tickets = Ticket.objects.using(db).filter(
        branch=f.branch, service_date__gte=first, service_date__lte=last
    )
    per_day = {
        row["service_date"]: row
        for row in tickets.values("service_date").annotate(
            taken=Count("id"),
            served=Count("id", filter=Q(status=TicketStatus.DONE)),
            no_shows=Count("id", filter=Q(status=TicketStatus.NO_SHOW)),
        )
    }
    for i in range(7):
        day = first + timedelta(days=i)
        row = per_day.get(day, {})
        f.days.append(DayRow(day, row.get("taken", 0), row.get("served", 0), row.get("no_shows", 0)))
    f.tickets = sum(d.taken for d in f.days)
    f.served = sum(d.served for d in f.days)
    f.no_shows = sum(d.no_shows for d in f.days)
    f.cancelled = tickets.filter(status=TicketStatus.CANCELLED).count()
    waits = [
        (row["first_call"] - row["taken_at"]).total_seconds() / 60
        for row in tickets.exclude(status__in=(TicketStatus.NO_SHOW, TicketStatus.CANCELLED))
        .annotate(first_call=Min("events__at", filter=Q(events__action=TicketAction.CALL)))
        .filter(first_call__isnull=False)
        .values("taken_at", "first_call")
    ]
    waits = [max(0.0, w) for w in waits]
    f.waits_counted = len(waits)
    if waits:
        f.wait_avg = minutes(Fraction(sum(waits)) / len(waits))
        f.wait_p90 = minutes(nearest_rank(waits, PERCENTILE))
    if f.target_minutes:
        f.within_target = sum(1 for w in waits if w <= f.target_minutes)
    f.wait_band = band
    if band:
        counts = Counter(min(int(w // band), WAIT_BANDS - 1) for w in waits)
        f.wait_bands = [
            (f"{i * band}–{(i + 1) * band}" if i < WAIT_BANDS - 1 else f"≥{i * band}", counts.get(i, 0))
            for i in range(WAIT_BANDS)
        ]


def _appointments(f: WeekFigures, db: str, first: date, last: date) -> None:
    rows = dict(
        Appointment.objects.using(db)
        .filter(branch=f.branch, service_date__gte=first, service_date__lte=last)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    f.appointments = sum(rows.values())
    f.appointments_checked_in = rows.get(AppointmentStatus.CHECKED_IN, 0)
    f.appointments_late = rows.get(AppointmentStatus.LATE, 0)
    f.appointments_no_show = rows.get(AppointmentStatus.NO_SHOW, 0)
    f.appointments_cancelled = rows.get(AppointmentStatus.CANCELLED, 0)


def _cases(f: WeekFigures, db: str, first: date, last: date, start_at: datetime, end_at: datetime) -> None:
    cases = Case.objects.using(db).filter(branch=f.branch)
    f.cases_received = cases.filter(received_on__gte=first, received_on__lte=last).count()
    accepted = cases.filter(accepted_on__gte=first, accepted_on__lte=last)
    by_type = dict(
        accepted.values_list("handling_type").annotate(n=Count("id")).values_list("handling_type", "n")
    )
    f.cases_accepted = sum(by_type.values())
    f.cases_by_type = [(label, by_type.get(value, 0)) for value, label in HandlingType.choices]
    completed = cases.filter(
        decided_at__gte=start_at,
        decided_at__lt=end_at,
        status__in=(CaseStatus.COMPLETED, CaseStatus.DELIVERED, CaseStatus.REVIEW),
    )
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


def _ratings(f: WeekFigures, db: str, first: date, last: date, start_at: datetime, end_at: datetime) -> None:
    ratings = Rating.objects.using(db).filter(branch=f.branch, rated_on__gte=first, rated_on__lte=last)
    counts = {
        row["level"]: row for row in ratings.values("level").annotate(n=Count("id"), label=Min("level_label"))
    }
    labels = _rating_labels(last)
    f.rating_levels = [
        (
            labels.get(level) or (counts[level]["label"] if level in counts else f"{level}级"),
            counts.get(level, {}).get("n", 0),
        )
        for level in (5, 4, 3, 2, 1)
    ]
    f.ratings = sum(n for _, n in f.rating_levels)
    f.bad_ratings = ratings.filter(is_bad=True).count()
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
    first: date,
    last: date,
    start_at: datetime,
    end_at: datetime,
    include_text: bool,
) -> None:
    complaints = Complaint.objects.using(db).filter(branch=f.branch)
    received = complaints.filter(received_on__gte=first, received_on__lte=last)
    f.complaints_received = received.count()
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
