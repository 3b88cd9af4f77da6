"""The one state-transition primitive (DESIGN.md convention 2). It lives in `audit`
because every move writes an audit event; the event rows are common.events.StatusEvent.

A stateful model declares its map and where a record starts:

    class Case(models.Model):
        TRANSITIONS: ClassVar[Transitions] = {RUNNING: frozenset({COMPLETED, …}), COMPLETED: frozenset()}
        INITIAL: ClassVar[frozenset[str]] = frozenset({RUNNING, …})

Every status is a key; a terminal status maps to an empty set; every status is reachable
from an initial one (common/tests/test_transitions.py walks every map). Services move a
record only through `transition()`, inside their transaction and after locking the row:
it checks the move against the map, saves, writes the event row (who, when, from, to,
note) and the audit event, and refuses a move the map does not allow with one error code,
`invalid_transition` (HTTP 409).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime
from typing import Any, TypeAlias

from django.db import models

from audit.services import audit_record
from common import clock
from common.actors import AnyActor, event_actor
from common.errors import Conflict

Transitions: TypeAlias = Mapping[str, Collection[str]]


class InvalidTransition(Conflict):
    code = "invalid_transition"


def status_label(obj: models.Model, status: str, field: str = "status") -> str:
    """The Chinese label of `status` in the choices of `obj`'s status field."""
    choices = dict(obj._meta.get_field(field).flatchoices)  # type: ignore[union-attr]
    return str(choices.get(status, status or "未登记"))


def check_transition(
    obj: models.Model,
    to: str,
    *,
    transitions: Transitions | None = None,
    refused: str | None = None,
    field: str = "status",
) -> str:
    """The current status, after checking that the map allows the move to `to`."""
    moves = transitions if transitions is not None else type(obj).TRANSITIONS  # type: ignore[attr-defined]
    current = getattr(obj, field)
    if to not in moves.get(current, ()):
        raise InvalidTransition(
            refused
            or (
                f"{obj._meta.verbose_name}当前为“{status_label(obj, current, field)}”，"
                f"不能改为“{status_label(obj, to, field)}”。请刷新页面查看最新状态。"
            ),
            status_from=current,
            status_to=to,
        )
    return str(current)


def transition(
    obj: models.Model,
    to: str,
    *,
    actor: AnyActor,
    transitions: Transitions | None = None,
    fields: Iterable[str] = (),
    note: str = "",
    at: datetime | None = None,
    event: Mapping[str, Any] | None = None,
    events: Any = None,
    audit: str | None = None,
    summary: str | None = None,
    changes: Mapping[str, Any] | None = None,
    refused: str | None = None,
    field: str = "status",
) -> Any:
    """Move `obj` to `to` along its map; return the event row written.

    `fields` are the other columns the caller set on `obj` for this move (saved with the
    status); `event` the extra columns of the record's event row (an action, a public
    note, a window); `events` the related manager the row goes to when it is not the
    record's own (an extension's move recorded on its case: `events=case.events`,
    `event={"extension": extension}`); `audit` the audit action (default "<app>.<model>.<to>"), `summary`
    and `changes` what the audit event says besides the status change. `refused` is the
    message when the map does not allow the move."""
    before = check_transition(obj, to, transitions=transitions, refused=refused, field=field)
    setattr(obj, field, to)
    obj.save(update_fields=sorted({field, *fields}))
    user, label = event_actor(actor)
    row = (events if events is not None else obj.events).create(  # type: ignore[attr-defined]
        at=at or clock.now(),
        actor=user,
        actor_label=label,
        from_status=before,
        to_status=to,
        note=note,
        **(event or {}),
    )
    audit_record(
        actor=actor,
        action=audit or f"{obj._meta.app_label}.{obj._meta.model_name}.{to}",
        obj=obj,
        summary=summary
        if summary is not None
        else f"{obj}：{status_label(obj, before, field)} → {status_label(obj, to, field)}"
        + (f"（{note}）" if note else ""),
        changes={field: [before, to], **(changes or {})},
    )
    return row
