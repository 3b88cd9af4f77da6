"""Pages of the hall's devices: binding a browser to a device token (/queue/device/), the
counter tablet (柜台平板: 工作岗位牌, 暂停服务 / 请稍候, 000 §二(三)7, 001 第二十六条; the
ratings app's 窗口评价器 on the same page) and the hall display (叫号显示屏, 000 §四(二)3(3)).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from common import hooks
from org.models import Branch, Role
from queueing import ratelimit, selectors
from queueing.constants import PAUSED_HINT, PAUSED_SIGN, PUBLIC_LOOKUPS_PER_MINUTE
from queueing.devices import bind_device, counter_bound, device_for_token, is_windows_counter, session_device
from queueing.forms import DeviceTokenForm
from queueing.models import DeviceKind, WindowStatus
from queueing.stream import board_stream
from queueing.views._common import device_home, device_pages, friendly_errors, hall_identity


@friendly_errors
@require_http_methods(["GET", "POST"])
def device_bind(request: HttpRequest) -> HttpResponse:
    """Bind this browser to a hall device (kiosk, display, counter tablet) with its token."""
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = ""
    form = DeviceTokenForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "unbind":
        request.session.pop("queueing_device", None)
        messages.success(request, "本浏览器已解除与设备的绑定。")
        return redirect("queue_device")
    if request.method == "POST" and form.is_valid():
        ratelimit.hit(request, "device-bind", per_minute=PUBLIC_LOOKUPS_PER_MINUTE)
        device = device_for_token(form.cleaned_data["token"].strip())
        if device is None:
            form.add_error("token", "设备令牌无效或已吊销，请向系统管理员索取。")
        else:
            bind_device(request, device)
            return redirect(next_url or device_home(device))
    return render(
        request,
        "queueing/device_bind.html",
        {"form": form, "next": next_url, "device": session_device(request)},
        status=422 if form.errors else 200,
    )


# ---------------------------------------------------------------------------------------
# Counter tablet (柜台平板): the 工作岗位牌 and 暂停服务


def _evaluator_context(branch: Branch, number: int) -> dict[str, Any]:
    """The 窗口评价器 (ratings app): the levels and reasons it offers, where it polls and posts."""
    return hooks.ask("evaluator_context", branch=branch, number=number) or {}


def _counter_context(branch: Branch, number: int) -> dict[str, Any]:
    window = selectors.window_by_number(branch, number)
    state = selectors.window_state(window)
    return {
        "branch": branch,
        "window": window,
        "state": state,
        "status": state.status if state else WindowStatus.CLOSED,
        "current": selectors.active_ticket(window),
        "paused_sign": PAUSED_SIGN,
        "paused_hint": PAUSED_HINT,
        "complaint_phone": branch.centre.complaint_phone,
        "last_event_id": selectors.last_board_event_id(branch),
    }


@device_pages
def counter(request: HttpRequest, branch: str, number: int) -> HttpResponse:
    the_branch, identity = hall_identity(
        request, branch, kinds=(DeviceKind.COUNTER,), roles=tuple(Role), window=number
    )
    context = _counter_context(the_branch, number)
    if is_windows_counter(identity, context["window"]):
        context.update(_evaluator_context(the_branch, number))
    else:
        # A member of staff looks at the tablet's page: the 工作岗位牌 only. The evaluator
        # runs on the tablet bound to this window and nowhere else (nobody rates their own
        # service); the page says how to bind one.
        context["preview"] = True
        context["counter_bound"] = counter_bound(context["window"])
    return render(request, "queueing/counter.html", context)


@device_pages
def counter_panel(request: HttpRequest, branch: str, number: int) -> HttpResponse:
    the_branch, _ = hall_identity(
        request, branch, kinds=(DeviceKind.COUNTER,), roles=tuple(Role), window=number
    )
    return render(request, "queueing/_counter_panel.html", _counter_context(the_branch, number))


# ---------------------------------------------------------------------------------------
# Hall display (叫号显示屏)


BOARD_KINDS = (DeviceKind.BOARD, DeviceKind.COUNTER, DeviceKind.KIOSK)


@device_pages
def board(request: HttpRequest, branch: str) -> HttpResponse:
    the_branch, _ = hall_identity(request, branch, kinds=BOARD_KINDS, roles=tuple(Role))
    return render(
        request,
        "queueing/board.html",
        {"branch": the_branch, "snapshot": selectors.board_snapshot(the_branch)},
    )


@device_pages
def board_state(request: HttpRequest, branch: str) -> HttpResponse:
    the_branch, _ = hall_identity(request, branch, kinds=BOARD_KINDS, roles=tuple(Role))
    return render(
        request,
        "queueing/_board_live.html",
        {"branch": the_branch, "snapshot": selectors.board_snapshot(the_branch)},
    )


@device_pages
def board_events(request: HttpRequest, branch: str) -> HttpResponseBase:
    the_branch, _ = hall_identity(request, branch, kinds=BOARD_KINDS, roles=tuple(Role))
    return board_stream(request, the_branch)
