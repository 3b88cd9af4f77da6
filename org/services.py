"""Writes of the organisation: roles, staff accounts and API tokens."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.models import User as AuthUser
from django.db import transaction

from audit.services import audit_record
from common import clock
from common.actors import Actor
from org.models import ApiToken, Role, Staff

# Django model permissions per role: what each role may do in the admin site.
# Staff pages check roles themselves (org.access); these only open the admin.
ROLE_ADMIN_APPS: dict[Role, tuple[str, ...]] = {
    Role.ADMIN: ("org", "workdays", "rules", "auth", "queueing"),
}
_BUSINESS_APPS = (
    "catalog",
    "complaints",
    "inquiries",
    "queueing",
    "cases",
    "ratings",
    "supervision",
    "appraisal",
    "reports",
)
ROLE_VIEW_APPS: dict[Role, tuple[str, ...]] = {
    Role.ADMIN: ("audit", *_BUSINESS_APPS),
    Role.OFFICE: ("org", "workdays", "rules", "audit", *_BUSINESS_APPS),
    Role.LEADER: ("org", "workdays", "rules", "audit", *_BUSINESS_APPS),
}


def roles_sync() -> list[Group]:
    """Create the role groups and give them their admin permissions (idempotent)."""
    groups = []
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.label)
        perms = Permission.objects.filter(
            content_type__app_label__in=ROLE_ADMIN_APPS.get(role, ())
        ) | Permission.objects.filter(
            content_type__app_label__in=ROLE_VIEW_APPS.get(role, ()), codename__startswith="view_"
        )
        group.permissions.set(perms)
        groups.append(group)
    return groups


@transaction.atomic
def staff_account_create(
    *,
    actor: Actor,
    username: str,
    password: str | None,
    staff_no: str,
    name: str,
    roles: list[Role],
    **fields: object,
) -> Staff:
    """A login with its staff record and roles. Administrators may use the admin site.
    `password=None` creates a record whose account cannot sign in (yet)."""
    user_model = get_user_model()
    user = user_model.objects.create_user(username=username, password=password)
    user.is_staff = Role.ADMIN in roles
    user.save(update_fields=["is_staff"])
    user.groups.set(Group.objects.filter(name__in=[r.label for r in roles]))
    staff = Staff(user=user, staff_no=staff_no, name=name, **fields)
    staff.full_clean()
    staff.save()
    audit_record(
        actor=actor,
        action="org.staff.create",
        obj=staff,
        summary=f"新建工作人员 {name}（工号 {staff_no}），角色：{'、'.join(r.label for r in roles) or '无'}",
        changes={"username": username, "roles": [r.value for r in roles]},
    )
    return staff


@transaction.atomic
def api_token_issue(*, actor: Actor, user: AuthUser, name: str) -> str:
    """Create a token for `user` and return it in clear (the only time it is seen)."""
    key = ApiToken.new_key()
    token = ApiToken.objects.create(user=user, name=name, key_hash=ApiToken.hash_key(key), hint=key[-4:])
    audit_record(actor=actor, action="org.api_token.issue", obj=token, summary=f"为 {user} 签发接口令牌")
    return key


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: ApiToken) -> None:
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="org.api_token.revoke", obj=token, summary="吊销接口令牌")


def api_token_user(key: str) -> AuthUser | None:
    """The active user a bearer token belongs to, or None. Marks the token used
    (at most once a minute, so that every API call is not also a write)."""
    if not key.startswith(ApiToken.PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "user__staff")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = clock.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
