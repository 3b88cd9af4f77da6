"""Who acts: a signed-in person, a device, a scheduled job or the public.

Services take `actor` as their first keyword. Every timeline and the audit log name a
person the same way, "姓名（工号）" (the 工号 is what the regulations' registers use); a
device or a job by its label ("kiosk:HD01", "cases_sweep"); the public as "匿名".
"""

from __future__ import annotations

from typing import Any, Protocol, TypeAlias, runtime_checkable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from common.errors import DomainError


@runtime_checkable
class NamedActor(Protocol):
    """A device (a kiosk, a hall display, a counter tablet) acting under its own token."""

    @property
    def actor_label(self) -> str: ...


# Who a service acts for: a person, the public (None or anonymous), or a job named by a
# string ("cases_sweep", "kiosk:HD01").
Actor: TypeAlias = AbstractBaseUser | AnonymousUser | str | None
# What an event row or the audit log may name besides: a device acting under its token.
AnyActor: TypeAlias = Actor | NamedActor

ANONYMOUS = "匿名"


def person_label(user: Any) -> str:
    """ "姓名（工号）" of a user with a staff record, else the login name."""
    staff = getattr(user, "staff", None)
    if staff is not None:
        return f"{staff.name}（{staff.staff_no}）"
    return str(user.get_username())


def actor_label(actor: AnyActor) -> str:
    """The label that names `actor` in timelines and in the audit log."""
    return event_actor(actor)[1]


def event_actor(actor: AnyActor) -> tuple[Any, str]:
    """(user or None, label) for an event row: the person, or None for a device, a job
    or the public, and the label that names the actor in any case."""
    if isinstance(actor, str):
        return None, actor[:100]
    if isinstance(actor, NamedActor) and not isinstance(actor, AbstractBaseUser):
        return None, actor.actor_label[:100]
    if actor is None or isinstance(actor, AnonymousUser) or not actor.is_authenticated:
        return None, ANONYMOUS
    return actor, person_label(actor)[:100]


def user_or_none(actor: AnyActor) -> Any:
    """The user to store in a "by" column, or None for a job, a device or the public."""
    return event_actor(actor)[0]


def staff_of(actor: AnyActor) -> Any:
    """The staff record of a signed-in person, else None."""
    user = user_or_none(actor)
    return getattr(user, "staff", None) if user is not None else None


def require_staff(actor: AnyActor) -> Any:
    """The staff record of the acting person; a 403 when the account has none."""
    staff = staff_of(actor)
    if staff is None:
        raise DomainError(
            "您的账号没有工作人员档案，不能办理此事项。请系统管理员为账号建立工作人员档案。",
            code="no_staff_record",
            status=403,
        )
    return staff


def forbidden(message: str) -> DomainError:
    return DomainError(message, code="forbidden", status=403)
