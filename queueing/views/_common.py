"""What the queue's pages share: the roles that may use them, turning a refusal into a
page with its message, and who is at a hall device's page (the bound device, or a
member of staff with the right role, 000 §四(二)2(4), 3(1), 3(3)).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from common.errors import DomainError
from org.access import can_see_branch, has_role
from org.models import Branch, Role
from queueing import selectors
from queueing.devices import session_device
from queueing.models import Device, DeviceKind

Identity = Device | AbstractBaseUser | AnonymousUser


VIEW_ROLES = (Role.GUIDE, Role.HEAD, Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.ADMIN)
HALL_ROLES = (Role.GUIDE, Role.HEAD, Role.ADMIN)  # may take tickets for citizens, check in, cancel
KIOSK_ROLES = (Role.GUIDE, Role.HEAD, Role.ADMIN, Role.TELLER)


class SignInNeeded(Exception):
    pass


def friendly_errors(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A refusal a view did not handle itself (a missing branch, a rate limit, no rule
    set in force) becomes a page with its message and status, never a 500."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            if exc.status == 404:
                raise Http404(exc.message) from None
            return render(request, "queueing/error.html", {"message": exc.message}, status=error_status(exc))

    return wrapped


def device_pages(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Pages a hall device or a signed-in member of staff opens: anybody else is sent
    to the page that binds a device or signs in."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except SignInNeeded:
            return redirect(f"{reverse('queue_device')}?{urlencode({'next': request.get_full_path()})}")

    return friendly_errors(wrapped)


def hall_identity(
    request: HttpRequest,
    branch_code: str,
    *,
    kinds: tuple[str, ...],
    roles: tuple[Role, ...],
    window: int | None = None,
) -> tuple[Branch, Identity]:
    device = session_device(request)
    if device is not None and device.branch.code == branch_code and device.branch.is_active:
        branch = device.branch  # read with the device: no second query (every stream connects here)
    else:
        branch = selectors.branch_by_code(branch_code)
    if (
        device is not None
        and device.kind in kinds
        and device.branch_id == branch.pk
        and (window is None or device.window is None or device.window.number == window)
    ):
        return branch, device
    if request.user.is_authenticated:
        if has_role(request.user, *roles) and can_see_branch(request.user, branch.pk):
            return branch, request.user
        raise PermissionDenied("您无权使用该管理部的设备页面。")
    raise SignInNeeded


def error_status(exc: DomainError) -> int:
    return exc.status if 400 <= exc.status < 500 else 422


def device_home(device: Device) -> str:
    if device.kind == DeviceKind.BOARD:
        return reverse("board", args=[device.branch.code])
    if device.kind == DeviceKind.COUNTER and device.window is not None:
        return reverse("queue_counter", args=[device.branch.code, device.window.number])
    return reverse("kiosk", args=[device.branch.code])
