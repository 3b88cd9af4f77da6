"""What the ratings services share: checks of typed text and of a citizen's phone number,
the role check of the office's steps, the number of a service visit, the 处室 a service
belongs to, and the event row of a write that is not a status move (status moves go
through audit.transitions.transition)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import PermissionDenied, ValidationError

from common.actors import Actor, AnyActor, event_actor
from common.errors import DomainError
from common.identity import validate_landline, validate_mobile
from org.access import has_role
from org.models import Department, Role, Staff

if TYPE_CHECKING:
    from queueing.models import Ticket

# Who may mark a rating mistaken/malicious, approve that, and decide an appeal.
ANNOTATION_ROLES = (Role.OFFICE, Role.LEADER)
COMMENT_MAX = 500


def clean_text(value: str, field: str, *, required: bool = False, limit: int | None = None) -> str:
    """The text stripped; a 422 naming the field when it is required and empty or too long."""
    text = (value or "").strip()
    if required and not text:
        raise DomainError(f"请填写{field}。", code="invalid_input", field=field)
    if limit is not None and len(text) > limit:
        raise DomainError(
            f"{field}不能超过{limit}个字（现为{len(text)}个字）。", code="invalid_input", field=field
        )
    return text


def person_phone(value: str) -> str:
    """A citizen's mobile or landline (not a service line such as 12329), normalised;
    ValidationError with the reason otherwise."""
    text = (value or "").strip()
    try:
        return validate_mobile(text)
    except ValidationError:
        try:
            return validate_landline(text)
        except ValidationError:
            raise ValidationError(
                "电话号码格式不正确：手机为11位数字，固定电话需带区号（如 0310-1234567）。", code="phone"
            ) from None


def clean_phone(value: str, field: str = "联系电话") -> str:
    """A citizen's phone normalised, "" when none was given; a 422 naming the field otherwise."""
    text = (value or "").strip()
    if not text:
        return ""
    try:
        return person_phone(text)
    except ValidationError as exc:
        raise DomainError(f"{field}：{exc.messages[0]}", code="invalid_input", field=field) from None


def require_role(actor: Actor, roles: Iterable[Role], message: str) -> AuthUser:
    """The signed-in person holding one of `roles`; PermissionDenied with `message` otherwise."""
    if isinstance(actor, str) or actor is None or not actor.is_authenticated or not has_role(actor, *roles):
        raise PermissionDenied(message)
    return actor  # type: ignore[return-value]


def visit_number(ticket: Ticket) -> str:
    """The number of a service visit for exports: branch, date and ticket number."""
    return f"{ticket.branch.code}-{ticket.service_date:%Y%m%d}-{ticket.display_number}"


def department_of(staff: Staff | None, branch_id: int) -> Department | None:
    """The 处室 of the member of staff, else the first active one of the branch."""
    if staff is not None and staff.department_id:
        return staff.department
    return Department.objects.filter(branch_id=branch_id, is_active=True).order_by("code").first()


def record_event(
    obj: Any,
    *,
    actor: AnyActor,
    action: str,
    at: datetime,
    note: str = "",
    from_status: str | None = None,
    **extra: Any,
) -> Any:
    """The event row of a write that is not a status move: a record created (`from_status=""`),
    a phone entered or shown, deadlines computed. It names who acted as every timeline does
    (common.actors.event_actor)."""
    user, label = event_actor(actor)
    return obj.events.create(
        action=action,
        from_status=obj.status if from_status is None else from_status,
        to_status=obj.status,
        at=at,
        actor=user,
        actor_label=label,
        note=note,
        **extra,
    )
