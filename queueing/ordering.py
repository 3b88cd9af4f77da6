"""The order in which a window calls tickets, as a pure function (no Django).

`services.ticket_call_next` expresses the same order in SQL (`selectors.call_order`);
a property test checks that both pick the same ticket for random halls.

A window calls, among the tickets it may serve (its categories ∩ the teller's skills,
or transferred to it by name), the one with the smallest key:

1. lane 0 — transferred to **this window** (多窗联办: to the front, by transfer time);
2. lane 1 — transferred to a category this window serves (to the front of that queue);
3. lane 2 — appointments checked in on time whose slot has begun (000 §四(二)3(1)),
   by slot start, then by arrival;
4. lane 3 — everybody else, first come first served (001 第十一条(五)). At a
   green-channel window (000 §二(三)3, §四(二)1) priority tickets come first, except
   that an ordinary ticket which has waited `max_passed_over` is not passed over any
   more: it then ranks with the priority tickets by arrival, so it is never starved.

Within a lane ties are broken by arrival (`queued_at`) and finally by id (issue order).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

LANE_TO_WINDOW = 0
LANE_TRANSFERRED = 1
LANE_APPOINTMENT = 2
LANE_WALK_IN = 3

TRANSFERRED = "transferred"


@dataclass(frozen=True)
class Candidate:
    id: int
    status: str  # "waiting" or "transferred"
    category: str
    priority: bool
    queued_at: datetime
    appointment_at: datetime | None = None
    target_window_id: int | None = None


def lane(ticket: Candidate, *, window_id: int | None, now: datetime) -> int:
    if ticket.status == TRANSFERRED and ticket.target_window_id is not None:
        return LANE_TO_WINDOW if ticket.target_window_id == window_id else LANE_TRANSFERRED
    if ticket.status == TRANSFERRED:
        return LANE_TRANSFERRED
    if ticket.appointment_at is not None and ticket.appointment_at <= now:
        return LANE_APPOINTMENT
    return LANE_WALK_IN


def eligible(ticket: Candidate, *, window_id: int, categories: frozenset[str]) -> bool:
    """Whether a window serving `categories` may call this ticket at all."""
    if ticket.target_window_id is not None:
        return ticket.target_window_id == window_id
    return ticket.category in categories


def call_key(
    ticket: Candidate,
    *,
    window_id: int | None,
    green: bool,
    now: datetime,
    max_passed_over: timedelta,
) -> tuple[int, int, datetime, datetime, int]:
    """Sort key of a ticket at a window; the smallest is called next."""
    the_lane = lane(ticket, window_id=window_id, now=now)
    rank = 0
    if green and the_lane == LANE_WALK_IN and not ticket.priority:
        rank = 0 if ticket.queued_at <= now - max_passed_over else 1
    third = (
        ticket.appointment_at
        if the_lane == LANE_APPOINTMENT and ticket.appointment_at is not None
        else ticket.queued_at
    )
    return (the_lane, rank, third, ticket.queued_at, ticket.id)


def next_for_window(
    tickets: list[Candidate],
    *,
    window_id: int,
    categories: frozenset[str],
    green: bool,
    now: datetime,
    max_passed_over: timedelta,
) -> Candidate | None:
    """The ticket a window calls next, or None."""
    pool = [t for t in tickets if eligible(t, window_id=window_id, categories=categories)]
    if not pool:
        return None
    return min(
        pool,
        key=lambda t: call_key(t, window_id=window_id, green=green, now=now, max_passed_over=max_passed_over),
    )


def line_key(ticket: Candidate, *, now: datetime) -> tuple[int, datetime, datetime, int]:
    """The order of a queue as an ordinary window sees it: what "前面还有 N 人" counts."""
    key = call_key(ticket, window_id=None, green=False, now=now, max_passed_over=timedelta(0))
    return (key[0], key[2], key[3], key[4])


def people_ahead(ticket: Candidate, line: list[Candidate], *, now: datetime) -> int:
    """How many tickets of `line` (the same queue, or the same target window) come first."""
    mine = line_key(ticket, now=now)
    return sum(1 for other in line if other.id != ticket.id and line_key(other, now=now) < mine)
