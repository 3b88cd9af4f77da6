"""Writing the audit log. Every service that changes state calls `audit_record`
inside its transaction, so the change and its event commit or roll back together."""

from __future__ import annotations

from typing import Any

from django.db import models

from audit.models import AuditEvent
from common.actors import AnyActor, event_actor
from common.request import current_request_context


def audit_record(
    *,
    actor: AnyActor,
    action: str,
    obj: models.Model | None = None,
    summary: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. `action` is a dotted verb ("org.window.update");
    `changes` maps a field to [before, after] (or holds whatever the action needs)."""
    user, label = event_actor(actor)
    context = current_request_context()
    return AuditEvent.objects.create(
        actor=user,
        actor_label=label,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        summary=summary[:500],
        changes=changes or {},
        client_ip=context.client_ip if context else None,
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields that changed, as {field: [before, after]} (JSON-safe strings)."""
    return {
        key: [_jsonable(before.get(key)), _jsonable(after.get(key))]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str, list, dict)):
        return value
    return str(value)
