"""Who acts: the staff record behind a user, and the label events show for them.
Shared by the inquiries and complaints services."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from common.errors import DomainError
from org.models import Staff

Actor = AbstractBaseUser | AnonymousUser | str | None


def staff_of(actor: Actor) -> Staff | None:
    if actor is None or isinstance(actor, str) or not actor.is_authenticated:
        return None
    return getattr(actor, "staff", None)


def require_staff(actor: Actor) -> Staff:
    staff = staff_of(actor)
    if staff is None:
        raise DomainError(
            "您的账号没有工作人员档案，不能办理此事项。请系统管理员为账号建立工作人员档案。",
            code="no_staff_record",
            status=403,
        )
    return staff


def event_actor(actor: Actor) -> tuple[Any, str]:
    """(user or None, label) for an event row: the person's name and 工号, or the job."""
    if actor is None or isinstance(actor, AnonymousUser):
        return None, "匿名"
    if isinstance(actor, str):
        return None, actor
    staff = getattr(actor, "staff", None)
    if staff is not None:
        return actor, f"{staff.name}（{staff.staff_no}）"
    return actor, actor.get_username()


def user_or_none(actor: Actor) -> Any:
    """The user to store in a "by" column, or None for a job, a device or the public."""
    if actor is None or isinstance(actor, str) or not actor.is_authenticated:
        return None
    return actor


def forbidden(message: str) -> DomainError:
    return DomainError(message, code="forbidden", status=403)
