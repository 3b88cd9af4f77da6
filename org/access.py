"""Who may see and do what (DESIGN.md convention 3).

Roles are auth Groups named by `Role.label`. Branch-scoped roles (guide, teller,
department head) see only their own branch; the business management office,
leaders, inspectors and administrators see the whole centre. Views and API
endpoints use `role_required` / `require_roles`, lists use `…objects.visible_to(user)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from common.actors import staff_of
from org.models import BRANCH_SCOPED_ROLES, Role

User = AbstractBaseUser | AnonymousUser
_LABEL_TO_ROLE = {role.label: role for role in Role}


def user_roles(user: User) -> frozenset[Role]:
    """The roles of a user, cached on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_wsm_roles", None)
    if cached is None:
        names = user.groups.values_list("name", flat=True)  # type: ignore[union-attr,attr-defined]
        roles = {_LABEL_TO_ROLE[n] for n in names if n in _LABEL_TO_ROLE}
        if getattr(user, "is_superuser", False):
            roles.add(Role.ADMIN)
        cached = frozenset(roles)
        setattr(user, "_wsm_roles", cached)  # noqa: B010 — a per-request cache on the user
    return cached


def has_role(user: User, *roles: Role) -> bool:
    return bool(user_roles(user) & set(roles))


def branch_scope(user: User) -> frozenset[int] | None:
    """None = every branch. Otherwise the ids of the branches the user may see
    (empty for an anonymous user or for a branch-scoped user without a branch)."""
    roles = user_roles(user)
    if not roles:
        return frozenset()
    if roles - BRANCH_SCOPED_ROLES:
        return None
    staff = staff_of(user)
    if staff is None or staff.branch_id is None:
        return frozenset()
    return frozenset({staff.branch_id})


def can_see_branch(user: User, branch_id: int) -> bool:
    scope = branch_scope(user)
    return scope is None or branch_id in scope


def require_roles(user: User, roles: Iterable[Role]) -> None:
    """Raise PermissionDenied unless the user holds one of the roles."""
    if not has_role(user, *roles):
        raise PermissionDenied("您的角色无权进行此操作。")


def role_required(*roles: Role) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """View decorator: anonymous → login page; authenticated without a role → 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if roles:
                require_roles(request.user, roles)
            elif not user_roles(request.user):
                raise PermissionDenied("您的账号尚未分配角色，请联系系统管理员。")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


STAFF_ROLES = tuple(Role)
