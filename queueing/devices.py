"""How kiosks, hall displays and counter tablets authenticate.

* API: `Authorization: Bearer wsd_…` (DeviceBearer), beside staff tokens and sessions.
* Pages: a device's browser is bound once (/queue/device/: paste the token), which puts
  the device's id in that browser's session; every page checks the device again
  (revoked → signed out).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from common import clock
from org.access import branch_scope, has_role
from org.auth import BearerToken
from org.models import Branch, Role
from queueing.models import Device, DeviceKind

Identity = Device | AbstractBaseUser | AnonymousUser
VIEW_ROLES = tuple(Role)

SESSION_KEY = "queueing_device"
DEVICE_SESSION_SECONDS = 365 * 24 * 3600  # a hall device stays bound until revoked


def device_for_token(token: str) -> Device | None:
    if not token.startswith(Device.PREFIX):
        return None
    device = (
        Device.objects.select_related("branch", "window")
        .filter(token_hash=Device.hash_token(token), revoked_at__isnull=True, branch__is_active=True)
        .first()
    )
    if device is not None:
        _touch(device)
    return device


def _touch(device: Device) -> None:
    # At most once a minute, so that polling devices do not write on every request.
    now = clock.now()
    if device.last_seen_at is None or (now - device.last_seen_at).total_seconds() > 60:
        Device.objects.filter(pk=device.pk).update(last_seen_at=now)
        device.last_seen_at = now


class DeviceBearer(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        device = device_for_token(token)
        if device is not None:
            request.device = device  # type: ignore[attr-defined]
        return device


# Devices first: a device token never falls through to a user lookup.
device_or_staff = [DeviceBearer(), BearerToken(), SessionAuth()]


def session_device(request: HttpRequest) -> Device | None:
    """The device this browser was bound to, if it is still valid."""
    pk = request.session.get(SESSION_KEY)
    if not pk:
        return None
    device = Device.objects.select_related("branch", "window").filter(pk=pk, revoked_at__isnull=True).first()
    if device is None:
        request.session.pop(SESSION_KEY, None)
        return None
    _touch(device)
    return device


def bind_device(request: HttpRequest, device: Device) -> None:
    request.session[SESSION_KEY] = device.pk
    if not request.user.is_authenticated:
        request.session.set_expiry(DEVICE_SESSION_SECONDS)


def identity_of(request: HttpRequest) -> Identity:
    """Who calls an endpoint with `device_or_staff` auth: the device, or the user."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, Device) else request.user


def may_see(identity: Identity | None, branch: Branch) -> bool:
    """A device sees its own branch; a person their role's branches."""
    if isinstance(identity, Device):
        return identity.branch_id == branch.pk
    if identity is None or not identity.is_authenticated:
        return False
    scope = branch_scope(identity)
    return bool(has_role(identity, *VIEW_ROLES)) and (scope is None or branch.pk in scope)


def counter_device_session(request: HttpRequest) -> Device | None:
    """A counter tablet's browser bound to its device (/queue/device/): the evaluator page
    polls with its session, not with a bearer token."""
    device = session_device(request)
    return device if device is not None and device.kind == DeviceKind.COUNTER else None


def is_windows_counter(identity: Any, window: Any) -> bool:
    """The counter tablet (评价器) bound to this very window — the only one that may read
    and submit the rating token of the service just finished there."""
    return (
        isinstance(identity, Device)
        and identity.kind == DeviceKind.COUNTER
        and identity.branch_id == window.branch_id
        and identity.window_id == window.pk
    )


def counter_bound(window: Any) -> bool:
    """A counter tablet is bound to this window (issued and not revoked)."""
    return Device.objects.filter(kind=DeviceKind.COUNTER, window=window, revoked_at__isnull=True).exists()
