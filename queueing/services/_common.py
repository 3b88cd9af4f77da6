"""What the queue's services share: the day-close refusal (轧账, 000 §二(二)1(5)), the
hall display's feed (000 §四(二)3(3)), the event rows that are not a move of a status
(a ticket taken, a recall, a booking made) and the one way a ticket's status moves.

Status moves go through `audit.transitions.transition` (the model's TRANSITIONS map,
the event row and the audit event in the caller's transaction); the callers lock the
row first, as they always did.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import models
from django.utils import timezone

from audit.transitions import transition
from common.actors import AnyActor, event_actor
from common.errors import Conflict
from org.models import Branch, Window
from queueing import push, selectors
from queueing.constants import ANNOUNCEMENT, DAY_CLOSE_CLAUSE, SELF_SERVICE_HINT, day_close_phrase
from queueing.models import BoardEvent, Ticket


class DayClosed(Conflict):
    code = "day_closed"


def refuse_after_day_close(branch: Branch, now: datetime) -> None:
    """轧账 (000 §二(二)1(5)): after the day-close time no new ticket is issued."""
    if selectors.is_day_closed(branch, now):
        raise DayClosed(
            day_close_phrase(),
            status=409,
            clause=DAY_CLOSE_CLAUSE,
            day_close_at=f"{branch.day_close_at:%H:%M}",
            self_service=SELF_SERVICE_HINT,
        )


def board_event(
    branch_id: int, kind: str, *, at: datetime, window: Window, number: str = "", payload: dict[str, Any]
) -> BoardEvent:
    """One line of the hall display's feed: a call, a recall or a window's new state. Every
    stream of the hall gets it when the caller's transaction commits (queueing/push.py)."""
    text = ANNOUNCEMENT.format(number=number, window=window.number) if number else ""
    event = BoardEvent.objects.create(
        branch_id=branch_id,
        kind=kind,
        at=at,
        window_number=window.number,
        display_number=number,
        text=text,
        payload=payload,
    )
    push.publish_board_event(event)
    return event


def record_event(
    obj: models.Model, *, actor: AnyActor, at: datetime, from_status: str, note: str = "", **extra: Any
) -> Any:
    """An event row of `obj` that is not a move along its map: the record was created
    (`from_status` ""), or something happened while its status stayed (a recall)."""
    user, label = event_actor(actor)
    return obj.events.create(  # type: ignore[attr-defined]
        at=at,
        actor=user,
        actor_label=label,
        from_status=from_status,
        to_status=obj.status,  # type: ignore[attr-defined]
        note=note,
        **extra,
    )


def ticket_event_fields(ticket: Ticket, action: str) -> dict[str, Any]:
    """The columns of a ticket's event row besides who, when, from and to."""
    return {"action": action, "window_id": ticket.window_id, "staff_id": ticket.staff_id}


def move_ticket(
    ticket: Ticket,
    target: str,
    action: str,
    *,
    actor: AnyActor,
    at: datetime,
    fields: dict[str, Any],
    note: str = "",
    summary: str,
    window: Window | None = None,
) -> Ticket:
    """Move a locked ticket to `target`, setting `fields` with it; the event row (at the
    window and with the teller the ticket has after the move) and the audit event
    ("queueing.ticket.<action>") are written by the transition primitive. The counter
    tablet of `window` and the citizen's phone are told when the transaction commits."""
    for name, value in fields.items():
        setattr(ticket, name, value)
    transition(
        ticket,
        target,
        actor=actor,
        fields=fields,
        note=note,
        at=at,
        event=ticket_event_fields(ticket, action),
        audit=f"queueing.ticket.{action}",
        summary=summary,
        changes={"note": note} if note else None,
    )
    push.publish_activity(
        ticket.branch_id,
        {
            "ticket": ticket.pk,
            "number": ticket.display_number,
            "window": window.number if window is not None else None,
            "action": action,
            "status": target,
        },
    )
    return ticket


def start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))
