"""Reads of the queue: what a window calls next, how many people are ahead, the wait
estimate, what the display shows, which slots can be booked."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar, cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from common import clock
from common.errors import DomainError
from org.access import branch_scope
from org.models import Branch, Category, Staff, Window
from queueing import estimate, ordering
from queueing.constants import ANNOUNCEMENT, PAUSED_HINT, PAUSED_SIGN
from queueing.models import (
    ACTIVE_APPOINTMENT,
    ACTIVE_CALL,
    IN_LINE,
    Appointment,
    AppointmentStatus,
    BoardEvent,
    BoardEventKind,
    Queue,
    Ticket,
    TicketStatus,
    WindowState,
    WindowStatus,
)
from queueing.params import queue_rules
from queueing.slots import Slot, day_slots
from rules.schemas import QueueParams
from workdays.calendar import CalendarNotPublished, add_workdays, is_workday

T = TypeVar("T")

# ---------------------------------------------------------------------------------------
# Branches, queues, windows


def branch_by_code(code: str) -> Branch:
    branch = Branch.objects.filter(code=code, is_active=True).first()
    if branch is None:
        raise DomainError(f"没有代码为 {code[:20]} 的管理部（网点）。", code="not_found", status=404)
    return branch


def branch_for_user(user: AbstractBaseUser | AnonymousUser, code: str) -> Branch:
    """A branch the user may see (404 for one outside the user's scope, like a missing one)."""
    branch = branch_by_code(code)
    scope = branch_scope(user)
    if scope is not None and branch.pk not in scope:
        raise DomainError(f"没有代码为 {code[:20]} 的管理部（网点）。", code="not_found", status=404)
    return branch


def window_by_number(branch: Branch, number: int) -> Window:
    window = (
        Window.objects.select_related("branch").filter(branch=branch, number=number, is_active=True).first()
    )
    if window is None:
        raise DomainError(f"{branch.name}没有 {number} 号窗口。", code="not_found", status=404)
    return window


def window_at(branch_code: str, number: int) -> Window:
    """A window by branch code and number, with its branch, in one query."""
    window = (
        Window.objects.select_related("branch", "branch__centre")
        .filter(branch__code=branch_code, branch__is_active=True, number=number, is_active=True)
        .first()
    )
    if window is None:
        branch = branch_by_code(branch_code)  # says which of the two is missing
        raise DomainError(f"{branch.name}没有 {number} 号窗口。", code="not_found", status=404)
    return window


def active_queues(branch: Branch) -> list[Queue]:
    return list(Queue.objects.filter(branch=branch, is_active=True).order_by("order", "letter"))


def queue_for(branch: Branch, category: str) -> Queue:
    queue = Queue.objects.filter(branch=branch, category=category, is_active=True).first()
    if queue is None:
        label = Category(category).label if category in Category.values else category
        raise DomainError(f"{branch.name}不办理“{label}”业务，请选择其他业务。", code="no_such_queue")
    return queue


def serving_categories(window: Window, staff: Staff | None) -> frozenset[str]:
    """What a window calls: the categories configured for it that the teller may serve
    (a universal teller, 综合柜员, serves them all; 004 §三)."""
    categories = frozenset(window.categories)
    if staff is None or staff.is_universal_teller:
        return categories
    return categories & frozenset(staff.categories)


def window_state(window: Window) -> WindowState | None:
    return WindowState.objects.select_related("staff").filter(window=window).first()


def held_window(staff: Staff) -> WindowState | None:
    """The window a teller is signed in at, if any."""
    return WindowState.objects.select_related("window", "window__branch").filter(staff=staff).first()


def active_ticket(window: Window) -> Ticket | None:
    return Ticket.objects.filter(window=window, status__in=ACTIVE_CALL).first()


# ---------------------------------------------------------------------------------------
# The order of the line (queueing/ordering.py in SQL)


def _lane(window: Window | None, now: datetime) -> Case:
    to_window = (
        [When(status=TicketStatus.TRANSFERRED, target_window=window, then=Value(ordering.LANE_TO_WINDOW))]
        if window is not None
        else []
    )
    return Case(
        *to_window,
        When(status=TicketStatus.TRANSFERRED, then=Value(ordering.LANE_TRANSFERRED)),
        When(appointment_at__isnull=False, appointment_at__lte=now, then=Value(ordering.LANE_APPOINTMENT)),
        default=Value(ordering.LANE_WALK_IN),
        output_field=IntegerField(),
    )


def _annotate_line(qs: QuerySet[Ticket], *, window: Window | None, now: datetime) -> QuerySet[Ticket]:
    return qs.annotate(lane=_lane(window, now)).annotate(
        third=Case(When(lane=ordering.LANE_APPOINTMENT, then=F("appointment_at")), default=F("queued_at"))
    )


def call_order(
    *,
    window: Window,
    categories: frozenset[str],
    now: datetime,
    max_passed_over: timedelta,
) -> QuerySet[Ticket]:
    """The tickets `window` may call, best first (same order as ordering.call_key)."""
    qs = Ticket.objects.filter(
        branch_id=window.branch_id,
        service_date=clock.local_date(now),
        status__in=IN_LINE,
    ).filter(Q(target_window=window) | Q(target_window__isnull=True, category__in=sorted(categories)))
    qs = _annotate_line(qs, window=window, now=now)
    rank: Case | Value
    if window.is_green_channel:
        rank = Case(
            When(
                lane=ordering.LANE_WALK_IN,
                priority="",
                queued_at__gt=now - max_passed_over,
                then=Value(1),
            ),
            default=Value(0),
            output_field=IntegerField(),
        )
    else:
        rank = Value(0, output_field=IntegerField())
    return qs.annotate(rank=rank).order_by("lane", "rank", "third", "queued_at", "id")


def as_candidate(ticket: Ticket) -> ordering.Candidate:
    return ordering.Candidate(
        id=ticket.pk,
        status=ticket.status,
        category=ticket.category,
        priority=bool(ticket.priority),
        queued_at=ticket.queued_at,
        appointment_at=ticket.appointment_at,
        target_window_id=ticket.target_window_id,
    )


def people_ahead(ticket: Ticket, *, now: datetime | None = None) -> int | None:
    """“前面还有 N 人”: tickets of the same line that an ordinary window calls first.
    None once the ticket is no longer waiting."""
    if ticket.status not in IN_LINE:
        return None
    now = now or clock.now()
    line = Ticket.objects.filter(
        branch_id=ticket.branch_id, service_date=ticket.service_date, status__in=IN_LINE
    ).exclude(pk=ticket.pk)
    if ticket.target_window_id is not None:
        line = line.filter(target_window_id=ticket.target_window_id)
    else:
        line = line.filter(target_window__isnull=True, category=ticket.category)
    # ordering.line_key in SQL, lane by lane, without CASE annotations (this runs for every
    # ticket taken and every poll of a citizen's page, so it is kept cheap to build).
    lane, third, queued, pk = ordering.line_key(as_candidate(ticket), now=now)
    transferred = Q(status=TicketStatus.TRANSFERRED)
    due = Q(status=TicketStatus.WAITING, appointment_at__isnull=False, appointment_at__lte=now)
    walk_in = Q(status=TicketStatus.WAITING) & (Q(appointment_at__isnull=True) | Q(appointment_at__gt=now))
    same_queued = Q(queued_at=queued, id__lt=pk)
    if lane == ordering.LANE_TRANSFERRED:
        ahead = transferred & (Q(queued_at__lt=queued) | same_queued)
    elif lane == ordering.LANE_APPOINTMENT:
        ahead = transferred | (
            due
            & (
                Q(appointment_at__lt=third)
                | Q(appointment_at=third, queued_at__lt=queued)
                | Q(appointment_at=third) & same_queued
            )
        )
    else:
        ahead = transferred | due | (walk_in & (Q(queued_at__lt=queued) | same_queued))
    return line.filter(ahead).count()


# ---------------------------------------------------------------------------------------
# Wait estimate (queueing/estimate.py)


# The estimate's inputs change only when a service ends (the EWMA) or a window opens or
# pauses (the counts), and the estimate is shown in 5-minute bands: every take and every
# board refresh of a process reuses them for a few seconds (issue 16.3). Not inside a
# transaction, which must see its own writes (and the tests, which run in one).
RECENT_SECONDS = 5.0
_recent: dict[tuple[Any, ...], tuple[float, Any]] = {}


def _recently(key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    if connection.in_atomic_block:
        return compute()
    now = time.monotonic()
    hit = _recent.get(key)
    if hit is not None and now - hit[0] < RECENT_SECONDS:
        return cast(T, hit[1])
    value = compute()
    if len(_recent) > 1024:
        _recent.clear()
    _recent[key] = (now, value)
    return value


def service_minutes(branch: Branch, category: str, *, params: QueueParams, now: datetime) -> float:
    """EWMA of the latest service durations of a category at a branch, in minutes."""
    key = (branch.pk, category, params.ewma_sample_size, params.ewma_lookback_days, params.ewma_alpha_percent)
    return _recently(
        ("ewma", *key, params.default_service_minutes),
        lambda: _service_minutes(branch, category, params=params, now=now),
    )


def _service_minutes(branch: Branch, category: str, *, params: QueueParams, now: datetime) -> float:
    rows = list(
        Ticket.objects.filter(
            branch=branch,
            category=category,
            status=TicketStatus.DONE,
            finished_at__gte=now - timedelta(days=params.ewma_lookback_days),
        )
        .order_by("-finished_at")
        .values_list("called_at", "started_at", "finished_at")[: params.ewma_sample_size]
    )
    durations = []
    for called, started, finished in reversed(rows):
        began = started or called
        if finished is not None and began is not None:
            durations.append((finished - began).total_seconds() / 60)
    return estimate.ewma(
        durations, alpha=params.ewma_alpha_percent / 100, default=float(params.default_service_minutes)
    )


@dataclass(frozen=True)
class WindowCounts:
    open: Counter[str]
    configured: Counter[str]

    def serving(self, category: str) -> int:
        """Windows that serve a category now; before they open, those configured for it."""
        return self.open[category] or self.configured[category]


def window_counts(branch: Branch) -> WindowCounts:
    """Windows serving each category now, and configured for it (one query of plain values)."""
    return _recently(("windows", branch.pk), lambda: _window_counts(branch))


def _window_counts(branch: Branch) -> WindowCounts:
    opened: Counter[str] = Counter()
    configured: Counter[str] = Counter()
    rows = Window.objects.filter(branch=branch, is_active=True).values_list(
        "categories",
        "state__status",
        "state__staff_id",
        "state__staff__is_universal_teller",
        "state__staff__categories",
    )
    for categories, status, staff_id, universal, skills in rows:
        configured.update(set(categories))
        if status == WindowStatus.OPEN:
            serving = frozenset(categories)
            if staff_id is not None and not universal:  # serving_categories, on the values
                serving &= frozenset(skills or ())
            opened.update(serving)
    return WindowCounts(opened, configured)


@dataclass(frozen=True)
class Wait:
    people_ahead: int
    minutes: float | None
    band: estimate.WaitBand | None

    @property
    def label(self) -> str:
        return self.band.label if self.band else "暂无窗口办理此项业务"

    @property
    def arrival_label(self) -> str:
        """For somebody taking a ticket now, with `people_ahead` already waiting."""
        if self.people_ahead == 0 and self.band is not None:
            return "无需等候"
        return self.label

    @property
    def rounded_minutes(self) -> int | None:
        return None if self.minutes is None else round(self.minutes)


def wait_for(
    branch: Branch,
    category: str,
    ahead: int,
    *,
    params: QueueParams,
    now: datetime,
    counts: WindowCounts | None = None,
    windows: int | None = None,
) -> Wait:
    counts = counts or window_counts(branch)
    per_service = service_minutes(branch, category, params=params, now=now)
    minutes = estimate.wait_minutes(
        people_ahead=ahead,
        service_minutes=per_service,
        windows=windows if windows is not None else counts.serving(category),
    )
    return Wait(ahead, minutes, estimate.band(minutes, step=params.wait_band_minutes))


def ticket_wait(ticket: Ticket, *, now: datetime | None = None) -> Wait | None:
    now = now or clock.now()
    ahead = people_ahead(ticket, now=now)
    if ahead is None:
        return None
    params = queue_rules(ticket.service_date).params
    windows = 1 if ticket.target_window_id is not None else None
    return wait_for(ticket.branch, ticket.category, ahead, params=params, now=now, windows=windows)


# ---------------------------------------------------------------------------------------
# What a citizen, a window and the display see


def ticket_by_token(token: str) -> Ticket:
    ticket = (
        Ticket.objects.select_related("branch", "queue", "window", "target_window")
        .filter(token=token)
        .first()
        if 10 <= len(token) <= 32
        else None
    )
    if ticket is None:
        raise DomainError("没有找到这张排队号，请核对小票上的二维码。", code="not_found", status=404)
    return ticket


def ticket_status(ticket: Ticket, *, now: datetime | None = None) -> dict[str, Any]:
    """State, position and estimate of one ticket (the citizen's page and GET /tickets/{id})."""
    now = now or clock.now()
    wait = ticket_wait(ticket, now=now)
    window = ticket.window if ticket.status in ACTIVE_CALL else None
    return {
        "id": ticket.pk,
        "number": ticket.display_number,
        "branch": ticket.branch.code,
        "branch_name": ticket.branch.name,
        "category": ticket.category,
        "category_label": Category(ticket.category).label,
        "priority": ticket.priority or None,
        "status": ticket.status,
        "status_label": TicketStatus(ticket.status).label,
        "position": wait.people_ahead if wait else None,
        "estimated_wait_minutes": wait.rounded_minutes if wait else None,
        "estimated_wait": wait.label if wait else None,
        "window": window.number if window else None,
        "target_window": ticket.target_window.number
        if ticket.target_window_id and ticket.target_window
        else None,
        "message": status_message(ticket, wait),
        "taken_at": ticket.taken_at,
        "service_date": ticket.service_date,
        "final": ticket.status in (TicketStatus.DONE, TicketStatus.CANCELLED),
    }


def status_message(ticket: Ticket, wait: Wait | None) -> str:
    if ticket.status == TicketStatus.WAITING:
        if wait is not None and wait.people_ahead == 0:
            return "您是下一位，请留意叫号。"
        return f"前面还有 {wait.people_ahead if wait else 0} 人，请留意叫号。"
    if ticket.status == TicketStatus.TRANSFERRED:
        where = (
            f"{ticket.target_window.number} 号窗口"
            if ticket.target_window_id and ticket.target_window
            else f"“{Category(ticket.category).label}”业务"
        )
        return f"您的号已转至{where}，将优先叫号，请稍候。"
    if ticket.status == TicketStatus.CALLED and ticket.window_id and ticket.window:
        return ANNOUNCEMENT.format(number=ticket.display_number, window=ticket.window.number) + "。"
    if ticket.status == TicketStatus.SERVING and ticket.window_id and ticket.window:
        return f"正在 {ticket.window.number} 号窗口办理。"
    if ticket.status == TicketStatus.DONE:
        return "业务已办结，感谢您的耐心等候。"
    if ticket.status == TicketStatus.NO_SHOW:
        return "您的号已过号。如仍需办理，请尽快到引导台恢复排队，或重新取号。"
    return "此号已取消。"


def recent_calls(branch: Branch, *, limit: int = 8) -> list[BoardEvent]:
    start = timezone.make_aware(datetime.combine(clock.today(), datetime.min.time()))
    return list(
        BoardEvent.objects.filter(
            branch=branch, at__gte=start, kind__in=[BoardEventKind.CALL, BoardEventKind.RECALL]
        ).order_by("-at", "-pk")[:limit]
    )


def waiting_counts(branch: Branch, day: date) -> dict[str, int]:
    rows = (
        Ticket.objects.filter(branch=branch, service_date=day, status__in=IN_LINE)
        .values("category")
        .annotate(n=Count("id"))
    )
    return {row["category"]: row["n"] for row in rows}


def board_snapshot(branch: Branch) -> dict[str, Any]:
    """Everything the hall display shows (also GET /api/v1/branches/{branch}/board)."""
    now = clock.now()
    today = clock.local_date(now)
    params = queue_rules(today).params
    windows = list(Window.objects.filter(branch=branch, is_active=True).order_by("number"))
    states = {s.window_id: s for s in WindowState.objects.filter(window__in=windows).select_related("staff")}
    calls = {
        t.window_id: t
        for t in Ticket.objects.filter(window__in=windows, status__in=ACTIVE_CALL).only(
            "window_id", "display_number", "status", "category", "priority"
        )
    }
    counts = waiting_counts(branch, today)
    wcounts = window_counts(branch)
    queues = []
    for queue in active_queues(branch):
        waiting = counts.get(queue.category, 0)
        wait = wait_for(branch, queue.category, waiting, params=params, now=now, counts=wcounts)
        queues.append(
            {
                "letter": queue.letter,
                "name": queue.name,
                "category": queue.category,
                "waiting": waiting,
                "estimated_wait_minutes": wait.rounded_minutes,
                "estimated_wait": wait.arrival_label,
                "over_target": wait.minutes is not None and wait.minutes > params.wait_target_minutes,
            }
        )
    window_rows = []
    for window in windows:
        state = states.get(window.pk)
        status = state.status if state else WindowStatus.CLOSED
        call = calls.get(window.pk)
        window_rows.append(
            {
                "number": window.number,
                "name": window.name,
                "green_channel": window.is_green_channel,
                "categories": list(window.categories),
                "status": status,
                "status_label": WindowStatus(status).label,
                "sign": f"{PAUSED_SIGN} · {PAUSED_HINT}" if status == WindowStatus.PAUSED else "",
                "pause_reason": state.get_pause_reason_display() if state and state.pause_reason else "",
                "staff_name": state.staff.name if state and state.staff else None,
                "staff_no": state.staff.staff_no if state and state.staff else None,
                "current": (
                    {"number": call.display_number, "status": call.status, "priority": call.priority or None}
                    if call
                    else None
                ),
            }
        )
    recent = recent_calls(branch)
    return {
        "branch": branch.code,
        "branch_name": branch.name,
        "now": now,
        "day_closed": is_day_closed(branch, now),
        "windows": window_rows,
        "paused": [w["number"] for w in window_rows if w["status"] == WindowStatus.PAUSED],
        "queues": queues,
        "recent_calls": [
            {
                "id": e.pk,
                "number": e.display_number,
                "window": e.window_number,
                "kind": e.kind,
                "at": e.at,
                "text": e.text,
            }
            for e in recent
        ],
        "last_event_id": last_board_event_id(branch),
    }


def last_board_event_id(branch: Branch) -> int:
    last = BoardEvent.objects.filter(branch=branch).order_by("-pk").values_list("pk", flat=True).first()
    return last or 0


def board_events(branch: Branch, *, since: datetime, after_id: int = 0) -> list[BoardEvent]:
    """Events of a branch recorded since `since` with an id above `after_id`, in id order.
    The stream looks back a few seconds on every poll (events can commit out of id order
    on PostgreSQL) and skips the ids it has already sent; the display skips them too."""
    return list(BoardEvent.objects.filter(branch=branch, at__gte=since, pk__gt=after_id).order_by("pk")[:200])


def is_day_closed(branch: Branch, now: datetime) -> bool:
    """After the branch's day-close time (轧账, 000 §二(二)1(5)) no new tickets are issued."""
    return clock.local(now).time() >= branch.day_close_at


# ---------------------------------------------------------------------------------------
# Booking


def booking_slots(branch: Branch, params: QueueParams) -> list[Slot]:
    hall = getattr(branch, "hall", None)
    return day_slots(
        opens_at=branch.opens_at,
        closes_at=branch.day_close_at,
        minutes=params.slot_minutes,
        break_starts_at=hall.break_starts_at if hall else None,
        break_ends_at=hall.break_ends_at if hall else None,
    )


def bookable_dates(*, today: date, params: QueueParams) -> list[date]:
    """Today (if a working day) and the next `booking_horizon_workdays` working days,
    as far as the calendar is published (a date is never guessed)."""
    dates: list[date] = []
    try:
        if is_workday(today):
            dates.append(today)
        for n in range(1, params.booking_horizon_workdays + 1):
            dates.append(add_workdays(today, n))
    except CalendarNotPublished:
        pass
    return dates


def date_refusal(queue: Queue, day: date, *, today: date, params: QueueParams) -> str | None:
    """Why `day` cannot be booked for `queue` (a message for the citizen), or None when it
    can: the one rule behind the booking page, the slots API and the booking service."""
    if not queue.bookable or not queue.is_active:
        return f"{queue.branch.name}的“{queue.name}”业务暂不接受网上预约，请现场取号。"
    try:
        workday = is_workday(day)
    except CalendarNotPublished:
        return f"{day:%Y年}的节假日安排尚未发布，暂不能预约该日，请选择其他日期。"
    if not workday:
        return f"{day:%m月%d日}不是工作日，请选择工作日。"
    if day not in bookable_dates(today=today, params=params):
        return f"只能预约今天起 {params.booking_horizon_workdays} 个工作日内的日期。"
    return None


def slot_bookings(queue: Queue, day: date) -> dict[str, int]:
    rows = (
        Appointment.objects.filter(queue=queue, service_date=day, status__in=ACTIVE_APPOINTMENT)
        .values("slot_start")
        .annotate(n=Count("id"))
    )
    return {f"{row['slot_start']:%H:%M}": row["n"] for row in rows}


def slot_capacity(queue: Queue, params: QueueParams) -> int:
    return queue.slot_capacity if queue.slot_capacity is not None else params.slot_capacity


def daily_cap(queue: Queue, params: QueueParams) -> int:
    return queue.daily_booking_cap if queue.daily_booking_cap is not None else params.daily_booking_cap


def slot_availability(queue: Queue, day: date, *, params: QueueParams, now: datetime) -> list[dict[str, Any]]:
    """Each slot of the day with its free places (0 when past, full or over the daily cap)."""
    booked = slot_bookings(queue, day)
    capacity = slot_capacity(queue, params)
    day_left = max(daily_cap(queue, params) - sum(booked.values()), 0)
    local_now = clock.local(now)
    rows = []
    for slot in booking_slots(queue.branch, params):
        taken = booked.get(slot.key, 0)
        started = day < local_now.date() or (day == local_now.date() and slot.start <= local_now.time())
        if started:
            state, free = "past", 0
        elif taken >= capacity:
            state, free = "full", 0
        elif day_left == 0:
            state, free = "day_full", 0
        else:
            state, free = "open", min(capacity - taken, day_left)
        rows.append(
            {
                "slot": slot,
                "start": slot.key,
                "label": slot.label,
                "booked": taken,
                "free": free,
                "state": state,
            }
        )
    return rows


def appointment_by_code(code: str) -> Appointment | None:
    code = (code or "").strip()
    if not (len(code) == 8 and code.isdigit()):
        return None
    return Appointment.objects.select_related("branch", "queue", "ticket").filter(code=code).first()


def todays_appointments_for(branch: Branch, id_number: str, day: date) -> list[Appointment]:
    return list(
        Appointment.objects.select_related("queue")
        .filter(branch=branch, id_number=id_number, service_date=day, status=AppointmentStatus.BOOKED)
        .order_by("slot_start")
    )


def branch_appointments(branch: Branch, day: date) -> list[Appointment]:
    return list(
        Appointment.objects.select_related("queue", "ticket")
        .filter(branch=branch, service_date=day)
        .order_by("slot_start", "pk")
    )


def appointment_block_until(id_number: str, *, today: date, params: QueueParams) -> date | None:
    """The first day a person may book again after repeated no-shows, or None
    (product-queue appointment_no_show_limit / _period_days / appointment_block_days)."""
    since = today - timedelta(days=params.appointment_no_show_period_days)
    dates = list(
        Appointment.objects.filter(
            id_number=id_number,
            status=AppointmentStatus.NO_SHOW,
            service_date__gte=since,
            service_date__lt=today,
        )
        .order_by("-service_date")
        .values_list("service_date", flat=True)
    )
    if len(dates) < params.appointment_no_show_limit or params.appointment_block_days == 0:
        return None
    until = dates[0] + timedelta(days=params.appointment_block_days)
    return until if until > today else None
