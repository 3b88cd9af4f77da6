"""Rows with exact timestamps for the statistics tests and local experiments.

The queue services stamp tickets with the clock; statistics tests need tickets of past
days with chosen waits and service times, so these helpers insert the rows directly
(tickets, window events) the way the services leave them. Never used by the product.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import count

from django.utils import timezone

from org.models import Branch, Staff, Window
from queueing.models import (
    Queue,
    Ticket,
    TicketAction,
    TicketEvent,
    TicketSource,
    TicketStatus,
    WindowAction,
    WindowEvent,
    WindowStatus,
)

_numbers = count(1)


def at(day: date, hh: int, mm: int = 0, ss: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm, ss), tzinfo=timezone.get_current_timezone())


def queue_for(branch: Branch, category: str) -> Queue:
    queue = Queue.objects.filter(branch=branch, category=category).first()
    if queue is None:
        letter = {"collection": "A", "withdrawal": "B", "loan": "C", "other": "D"}[category]
        queue = Queue.objects.create(branch=branch, category=category, letter=letter, name=category)
    return queue


def make_ticket(
    *,
    branch: Branch,
    day: date,
    taken: tuple[int, int] | datetime,
    category: str = "withdrawal",
    status: str = TicketStatus.DONE,
    wait_minutes: float | None = None,
    service_minutes: float | None = None,
    window: Window | None = None,
    staff: Staff | None = None,
    priority: str = "",
    source: str = TicketSource.KIOSK,
    transferred_by: tuple[Window, Staff | None] | None = None,
) -> Ticket:
    """A ticket taken at `taken` (hh, mm) on `day`; called after `wait_minutes`, served
    for `service_minutes` (status DONE) or recorded as a no-show / cancelled / waiting."""
    taken_at = taken if isinstance(taken, datetime) else at(day, *taken)
    queue = queue_for(branch, category)
    n = next(_numbers)
    called_at = started_at = finished_at = no_show_at = None
    if status in (TicketStatus.CALLED, TicketStatus.SERVING, TicketStatus.DONE, TicketStatus.NO_SHOW):
        called_at = taken_at + timedelta(minutes=wait_minutes or 0)
    if status in (TicketStatus.SERVING, TicketStatus.DONE):
        started_at = called_at
    if status == TicketStatus.DONE:
        assert started_at is not None
        finished_at = started_at + timedelta(minutes=service_minutes or 0)
    if status == TicketStatus.NO_SHOW:
        no_show_at = finished_at = called_at
    if status == TicketStatus.CANCELLED:
        finished_at = taken_at + timedelta(minutes=wait_minutes or 1)
    ticket = Ticket.objects.create(
        branch=branch,
        queue=queue,
        service_date=day,
        number=n,
        display_number=f"{queue.letter}{n:03d}"[:8],
        category=category,
        priority=priority,
        source=source,
        status=status,
        token=Ticket.new_token(),
        taken_at=taken_at,
        taken_by="test",
        queued_at=taken_at,
        window=window if called_at else None,
        staff=staff if called_at else None,
        called_at=called_at,
        started_at=started_at,
        finished_at=finished_at,
        no_show_at=no_show_at,
    )
    TicketEvent.objects.create(
        ticket=ticket,
        action=TicketAction.TAKE,
        to_status=TicketStatus.WAITING,
        at=taken_at,
        actor_label="test",
    )
    if transferred_by is not None:
        TicketEvent.objects.create(
            ticket=ticket,
            action=TicketAction.TRANSFER,
            from_status=TicketStatus.SERVING,
            to_status=TicketStatus.TRANSFERRED,
            at=taken_at,
            actor_label="test",
            window=transferred_by[0],
            staff=transferred_by[1],
        )
    return ticket


def window_day(
    *,
    window: Window,
    staff: Staff,
    day: date,
    sign_in: tuple[int, int],
    sign_out: tuple[int, int] | None,
    pauses: list[tuple[tuple[int, int], tuple[int, int]]] = (),  # type: ignore[assignment]
) -> None:
    """Sign-in, pauses and sign-out of a window on a day, as WindowEvent rows."""

    def event(action: str, src: str, dst: str, moment: datetime) -> None:
        WindowEvent.objects.create(
            window=window,
            action=action,
            from_status=src,
            to_status=dst,
            at=moment,
            staff=staff,
            actor_label="test",
        )

    event(WindowAction.SIGN_IN, WindowStatus.CLOSED, WindowStatus.OPEN, at(day, *sign_in))
    for start, end in pauses:
        event(WindowAction.PAUSE, WindowStatus.OPEN, WindowStatus.PAUSED, at(day, *start))
        event(WindowAction.RESUME, WindowStatus.PAUSED, WindowStatus.OPEN, at(day, *end))
    if sign_out is not None:
        event(WindowAction.SIGN_OUT, WindowStatus.OPEN, WindowStatus.CLOSED, at(day, *sign_out))
