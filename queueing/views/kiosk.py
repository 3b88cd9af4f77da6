"""The kiosk (取号机, 000 §四(二)3(1)): big touch buttons per business category, the
green-channel step (000 §二(三)3), check-in of an appointment, and the printed slip
with a QR code to follow the ticket on a phone. Refused after the day close with the
standard phrase (000 §二(二)1(5)).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from common import clock
from common.errors import DomainError
from common.qr import qr_svg_inline as qr_svg
from org.access import has_role
from org.models import Branch, Category
from queueing import ratelimit, selectors, services
from queueing.constants import PUBLIC_LOOKUPS_PER_MINUTE, SELF_SERVICE_HINT, day_close_phrase
from queueing.devices import session_device
from queueing.forms import CheckInForm, TakeForm
from queueing.links import ticket_status_url
from queueing.models import Device, DeviceKind, Priority, TicketSource
from queueing.params import queue_rules
from queueing.views._common import (
    KIOSK_ROLES,
    VIEW_ROLES,
    device_home,
    device_pages,
    error_status,
    friendly_errors,
    hall_identity,
)


@friendly_errors
def kiosk_home(request: HttpRequest) -> HttpResponse:
    device = session_device(request)
    if device is not None:
        return redirect(device_home(device))
    if not request.user.is_authenticated:
        return redirect(f"{reverse('queue_device')}?{urlencode({'next': request.get_full_path()})}")
    if not has_role(request.user, *KIOSK_ROLES, *VIEW_ROLES):
        raise PermissionDenied("您的角色无权使用取号机页面。")
    branches = Branch.objects.visible_to(request.user).filter(is_active=True).order_by("code")
    return render(request, "queueing/device_chooser.html", {"branches": branches})


# What each queue is for, in the citizen's words (kiosk tiles).
CATEGORY_HINTS = {
    Category.COLLECTION: "缴存登记、变更、补缴、基数调整",
    Category.WITHDRAWAL: "购房、租房、退休、还贷等提取",
    Category.LOAN: "公积金贷款申请、变更、提前还款",
    Category.OTHER: "查询打印、咨询及其他业务",
}


def _queue_cards(branch: Branch) -> list[dict[str, Any]]:
    now = clock.now()
    params = queue_rules(clock.local_date(now)).params
    counts = selectors.waiting_counts(branch, clock.local_date(now))
    window_counts = selectors.window_counts(branch)
    cards = []
    for queue in selectors.active_queues(branch):
        waiting = counts.get(queue.category, 0)
        wait = selectors.wait_for(
            branch, queue.category, waiting, params=params, now=now, counts=window_counts
        )
        cards.append(
            {
                "queue": queue,
                "label": Category(queue.category).label,
                "hint": CATEGORY_HINTS.get(Category(queue.category), ""),
                "waiting": waiting,
                "wait": wait,
            }
        )
    return cards


def _kiosk_context(branch: Branch, **extra: Any) -> dict[str, Any]:
    now = clock.now()
    return {
        "branch": branch,
        "cards": _queue_cards(branch),
        "priorities": list(Priority),
        "day_closed": selectors.is_day_closed(branch, now),
        "day_close_phrase": day_close_phrase(),
        "self_service_hint": SELF_SERVICE_HINT,
        "now": now,
        **extra,
    }


@device_pages
def kiosk(request: HttpRequest, branch: str) -> HttpResponse:
    """Big touch buttons per category, then the green-channel step, or check-in."""
    the_branch, _ = hall_identity(request, branch, kinds=(DeviceKind.KIOSK,), roles=KIOSK_ROLES)
    step, chosen = "category", None
    if request.GET.get("step") == "checkin":
        step = "checkin"
    elif request.GET.get("category") in Category.values:
        chosen = next(
            (c for c in _queue_cards(the_branch) if c["queue"].category == request.GET["category"]), None
        )
        step = "priority" if chosen else "category"
    return render(
        request,
        "queueing/kiosk.html",
        _kiosk_context(the_branch, step=step, chosen=chosen, checkin_form=CheckInForm()),
    )


@device_pages
@require_POST
def kiosk_take(request: HttpRequest, branch: str) -> HttpResponse:
    the_branch, identity = hall_identity(request, branch, kinds=(DeviceKind.KIOSK,), roles=KIOSK_ROLES)
    form = TakeForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "queueing/kiosk.html",
            _kiosk_context(the_branch, step="category", error="请选择业务类别。"),
            status=422,
        )
    source = TicketSource.KIOSK if isinstance(identity, Device) else TicketSource.GUIDE
    try:
        ticket = services.ticket_take(
            actor=identity,
            branch=the_branch,
            category=form.cleaned_data["category"],
            priority=form.cleaned_data["priority"],
            source=source,
        )
    except DomainError as exc:
        return render(
            request,
            "queueing/kiosk.html",
            _kiosk_context(the_branch, step="category", error=exc.message),
            status=error_status(exc),
        )
    return redirect(reverse("kiosk_slip", args=[the_branch.code, ticket.token]) + "?print=1")


@device_pages
@require_POST
def kiosk_checkin(request: HttpRequest, branch: str) -> HttpResponse:
    """Check in by booking code or identity number (a person with several bookings today
    chooses one)."""
    the_branch, identity = hall_identity(request, branch, kinds=(DeviceKind.KIOSK,), roles=KIOSK_ROLES)
    form = CheckInForm(request.POST)

    def again(error: str, status: int, **extra: Any) -> HttpResponse:
        return render(
            request,
            "queueing/kiosk.html",
            _kiosk_context(the_branch, step="checkin", checkin_form=form, error=error, **extra),
            status=status,
        )

    if not form.is_valid():
        return again("；".join(str(m) for ms in form.errors.values() for m in ms), 422)
    ratelimit.hit(request, "kiosk-checkin", per_minute=PUBLIC_LOOKUPS_PER_MINUTE)
    if form.cleaned_data["code"]:
        appointment = selectors.appointment_by_code(form.cleaned_data["code"])
        if appointment is None or appointment.branch_id != the_branch.pk:
            return again("没有找到该预约码，请核对短信中的预约码，或输入身份证号码。", 404)
    else:
        found = selectors.todays_appointments_for(the_branch, form.cleaned_data["id_number"], clock.today())
        if not found:
            return again("没有找到您今天在本网点的预约。如需办理，请直接取号。", 404)
        if len(found) > 1:
            return again("您今天有多个预约，请选择要签到的一项。", 200, choices=found)
        appointment = found[0]
    try:
        ticket = services.ticket_check_in(actor=identity, appointment=appointment)
    except DomainError as exc:
        return again(exc.message, error_status(exc))
    return redirect(reverse("kiosk_slip", args=[the_branch.code, ticket.token]) + "?print=1")


@device_pages
def kiosk_slip(request: HttpRequest, branch: str, token: str) -> HttpResponse:
    """The printable slip (80 mm thermal paper): number, category, people ahead, wait,
    and a QR code to follow the ticket on a phone."""
    the_branch, _ = hall_identity(request, branch, kinds=(DeviceKind.KIOSK,), roles=KIOSK_ROLES)
    ticket = selectors.ticket_by_token(token)
    if ticket.branch_id != the_branch.pk:
        raise Http404("没有这张排队号。")
    status_url = ticket_status_url(request, ticket)
    appointment = getattr(ticket, "appointment", None) if ticket.source == TicketSource.APPOINTMENT else None
    return render(
        request,
        "queueing/slip.html",
        {
            "branch": the_branch,
            "ticket": ticket,
            "status": selectors.ticket_status(ticket),
            "status_url": status_url,
            "qr": qr_svg(status_url),
            "appointment": appointment,
            "auto_print": request.GET.get("print") == "1",
            "centre": the_branch.centre,
        },
    )
