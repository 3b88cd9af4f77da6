"""Pages of the queue: the kiosk (取号机), the teller's workstation (叫号工作台), the
guide's hall page (大厅排队), the counter tablet, the hall display (叫号显示屏), online
booking (网上预约) and a citizen's ticket page.

Kiosks, displays and counter tablets are bound to a device token once (/queue/device/);
staff use their session. Booking and a ticket's page are public and rate-limited.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from common import clock, hooks
from common.errors import DomainError
from common.qr import public_url
from common.qr import qr_svg_inline as qr_svg
from common.request import client_ip
from org.access import branch_scope, can_see_branch, has_role, role_required
from org.models import Branch, Category, Role, Staff, Window
from queueing import ratelimit, selectors, services
from queueing.constants import (
    BOOKING_LOOKUPS_PER_MINUTE,
    LIVE_REFRESH_SECONDS,
    PAUSED_HINT,
    PAUSED_SIGN,
    PUBLIC_LOOKUPS_PER_MINUTE,
    SELF_SERVICE_HINT,
    day_close_phrase,
)
from queueing.devices import bind_device, device_for_token, session_device
from queueing.forms import (
    BookingForm,
    CheckInForm,
    DeviceTokenForm,
    ManageForm,
    PauseForm,
    ReleaseForm,
    TakeForm,
    TransferForm,
    VerifyForm,
)
from queueing.links import ticket_status_url
from queueing.models import (
    IN_LINE,
    Appointment,
    AppointmentStatus,
    BookingChallenge,
    Device,
    DeviceKind,
    PauseReason,
    Priority,
    Queue,
    Ticket,
    TicketSource,
    TicketStatus,
    WindowState,
    WindowStatus,
)
from queueing.params import queue_rules
from queueing.stream import board_stream

Identity = Device | AbstractBaseUser | AnonymousUser
VIEW_ROLES = (Role.GUIDE, Role.HEAD, Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.ADMIN)
HALL_ROLES = (Role.GUIDE, Role.HEAD, Role.ADMIN)  # may take tickets for citizens, check in, cancel
KIOSK_ROLES = (Role.GUIDE, Role.HEAD, Role.ADMIN, Role.TELLER)
BOOKED_SESSION_KEY = "queueing_booked_codes"
CHALLENGE_SESSION_KEY = "queueing_booking_challenge"


class _SignInNeeded(Exception):
    pass


def _friendly_errors(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A refusal a view did not handle itself (a missing branch, a rate limit, no rule
    set in force) becomes a page with its message and status, never a 500."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            if exc.status == 404:
                raise Http404(exc.message) from None
            return render(request, "queueing/error.html", {"message": exc.message}, status=_error_status(exc))

    return wrapped


def _device_pages(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Pages a hall device or a signed-in member of staff opens: anybody else is sent
    to the page that binds a device or signs in."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except _SignInNeeded:
            return redirect(f"{reverse('queue_device')}?{urlencode({'next': request.get_full_path()})}")

    return _friendly_errors(wrapped)


def _hall_identity(
    request: HttpRequest,
    branch_code: str,
    *,
    kinds: tuple[str, ...],
    roles: tuple[Role, ...],
    window: int | None = None,
) -> tuple[Branch, Identity]:
    branch = selectors.branch_by_code(branch_code)
    device = session_device(request)
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
    raise _SignInNeeded


def _error_status(exc: DomainError) -> int:
    return exc.status if 400 <= exc.status < 500 else 422


# ---------------------------------------------------------------------------------------
# Devices


@_friendly_errors
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
            return redirect(next_url or _device_home(device))
    return render(
        request,
        "queueing/device_bind.html",
        {"form": form, "next": next_url, "device": session_device(request)},
        status=422 if form.errors else 200,
    )


def _device_home(device: Device) -> str:
    if device.kind == DeviceKind.BOARD:
        return reverse("board", args=[device.branch.code])
    if device.kind == DeviceKind.COUNTER and device.window is not None:
        return reverse("queue_counter", args=[device.branch.code, device.window.number])
    return reverse("kiosk", args=[device.branch.code])


# ---------------------------------------------------------------------------------------
# Kiosk (取号机)


@_friendly_errors
def kiosk_home(request: HttpRequest) -> HttpResponse:
    device = session_device(request)
    if device is not None:
        return redirect(_device_home(device))
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


@_device_pages
def kiosk(request: HttpRequest, branch: str) -> HttpResponse:
    """Big touch buttons per category, then the green-channel step, or check-in."""
    the_branch, _ = _hall_identity(request, branch, kinds=(DeviceKind.KIOSK,), roles=KIOSK_ROLES)
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


@_device_pages
@require_POST
def kiosk_take(request: HttpRequest, branch: str) -> HttpResponse:
    the_branch, identity = _hall_identity(request, branch, kinds=(DeviceKind.KIOSK,), roles=KIOSK_ROLES)
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
            status=_error_status(exc),
        )
    return redirect(reverse("kiosk_slip", args=[the_branch.code, ticket.token]) + "?print=1")


@_device_pages
@require_POST
def kiosk_checkin(request: HttpRequest, branch: str) -> HttpResponse:
    """Check in by booking code or identity number (a person with several bookings today
    chooses one)."""
    the_branch, identity = _hall_identity(request, branch, kinds=(DeviceKind.KIOSK,), roles=KIOSK_ROLES)
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
        return again(exc.message, _error_status(exc))
    return redirect(reverse("kiosk_slip", args=[the_branch.code, ticket.token]) + "?print=1")


@_device_pages
def kiosk_slip(request: HttpRequest, branch: str, token: str) -> HttpResponse:
    """The printable slip (80 mm thermal paper): number, category, people ahead, wait,
    and a QR code to follow the ticket on a phone."""
    the_branch, _ = _hall_identity(request, branch, kinds=(DeviceKind.KIOSK,), roles=KIOSK_ROLES)
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


# ---------------------------------------------------------------------------------------
# The teller's workstation (叫号工作台)


def _teller_staff(request: HttpRequest) -> Staff:
    staff = getattr(request.user, "staff", None)
    if staff is None or staff.branch_id is None:
        raise PermissionDenied("您的账号没有所在管理部，不能使用叫号工作台。")
    return staff


@_friendly_errors
@role_required(Role.TELLER)
def workstation_home(request: HttpRequest) -> HttpResponse:
    """A teller's start: back to the window they hold, or the windows of their hall."""
    staff = _teller_staff(request)
    held = selectors.held_window(staff)
    if held is not None:
        return redirect("queue_workstation", branch=held.window.branch.code, number=held.window.number)
    windows = list(Window.objects.filter(branch=staff.branch, is_active=True).order_by("number"))
    states = {s.window_id: s for s in WindowState.objects.filter(window__in=windows).select_related("staff")}
    rows = [
        {
            "window": w,
            "state": states.get(w.pk),
            "can_serve": bool(selectors.serving_categories(w, staff)),
        }
        for w in windows
    ]
    return render(request, "queueing/workstation_home.html", {"rows": rows, "branch": staff.branch})


def _workstation_context(staff: Staff, window: Window, **extra: Any) -> dict[str, Any]:
    now = clock.now()
    today = clock.local_date(now)
    params = queue_rules(today).params
    state = selectors.window_state(window)
    mine = state is not None and state.staff_id == staff.pk
    categories = selectors.serving_categories(window, staff)
    current = selectors.active_ticket(window)
    upcoming = list(
        selectors.call_order(
            window=window,
            categories=categories,
            now=now,
            max_passed_over=timedelta(minutes=params.green_channel_max_passed_over_minutes),
        )[:8]
    )
    counts = selectors.waiting_counts(window.branch, today)
    served_today = Ticket.objects.filter(staff=staff, service_date=today, status=TicketStatus.DONE).order_by(
        "-finished_at"
    )
    served = list(served_today[:200])
    durations = [
        minutes
        for t in served
        if (minutes := _minutes_between(t.started_at or t.called_at, t.finished_at)) is not None
    ]
    others = [
        (w.number, f"{w.number} 号窗口（{'、'.join(w.category_labels)}）")
        for w in Window.objects.filter(branch_id=window.branch_id, is_active=True)
        .exclude(pk=window.pk)
        .order_by("number")
    ]
    return {
        "window": window,
        "branch": window.branch,
        "staff": staff,
        "state": state,
        "mine": mine,
        "holder": state.staff if state and state.staff_id and not mine else None,
        "current": current,
        "current_wait": (
            (current.called_at - current.taken_at).total_seconds() / 60
            if current and current.called_at
            else None
        ),
        "upcoming": upcoming,
        "categories": [Category(c) for c in sorted(categories)],
        "counts": [(Category(c).label, counts.get(c, 0)) for c in sorted(categories)],
        "served_count": len(served),
        "average_minutes": sum(durations) / len(durations) if durations else None,
        "recent": served[:5],
        "recalls_needed": params.recalls_before_no_show,
        "transfer_form": TransferForm(windows=others),
        "pause_form": PauseForm(),
        "pause_reasons": PauseReason.choices,
        "refresh_seconds": LIVE_REFRESH_SECONDS,
        "now": now,
        **extra,
    }


def _minutes_between(start: datetime | None, end: datetime | None) -> float | None:
    return (end - start).total_seconds() / 60 if start and end else None


def _teller_window(request: HttpRequest, branch: str, number: int) -> tuple[Staff, Window]:
    staff = _teller_staff(request)
    the_branch = selectors.branch_by_code(branch) if branch else None
    if the_branch is None or the_branch.pk != staff.branch_id:
        raise PermissionDenied("只能使用本管理部的窗口。")
    try:
        return staff, selectors.window_by_number(the_branch, number)
    except DomainError as exc:
        raise Http404(exc.message) from None


@_friendly_errors
@role_required(Role.TELLER)
def workstation(request: HttpRequest, branch: str, number: int) -> HttpResponse:
    """One page for the window's whole day: call, recall, start, complete, no-show,
    transfer, pause and resume, sign out."""
    staff, window = _teller_window(request, branch, number)
    return render(request, "queueing/workstation.html", _workstation_context(staff, window))


@_friendly_errors
@role_required(Role.TELLER)
def workstation_panel(request: HttpRequest, branch: str, number: int) -> HttpResponse:
    staff, window = _teller_window(request, branch, number)
    return render(request, "queueing/_workstation_panel.html", _workstation_context(staff, window))


ACTIONS = {
    "sign-in",
    "call-next",
    "recall",
    "start",
    "complete",
    "no-show",
    "transfer",
    "pause",
    "resume",
    "sign-out",
}


@role_required(Role.TELLER)
@require_POST
def workstation_action(request: HttpRequest, branch: str, number: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404("没有这个操作。")
    staff, window = _teller_window(request, branch, number)
    user = request.user
    notice, error, status = "", "", 200
    try:
        if action == "sign-in":
            services.window_sign_in(actor=user, staff=staff, window=window)
            notice = f"已在 {window.number} 号窗口签到。"
        elif action == "call-next":
            ticket = services.ticket_call_next(actor=user, staff=staff, window=window)
            notice = f"已叫号 {ticket.display_number}。" if ticket else "目前没有等候的号。"
        elif action == "recall":
            ticket = services.ticket_recall(actor=user, staff=staff, window=window)
            notice = f"已重呼 {ticket.display_number}（第{ticket.recall_count}次）。"
        elif action == "start":
            ticket = services.ticket_start(actor=user, staff=staff, window=window)
            notice = f"{ticket.display_number} 开始办理。"
        elif action == "complete":
            ticket = services.ticket_complete(actor=user, staff=staff, window=window)
            notice = f"{ticket.display_number} 已办结。"
        elif action == "no-show":
            ticket = services.ticket_no_show(actor=user, staff=staff, window=window)
            notice = f"{ticket.display_number} 已过号。"
        elif action == "transfer":
            notice = _transfer(request, staff, window)
        elif action == "pause":
            form = PauseForm(request.POST)
            if not form.is_valid():
                raise DomainError("请选择暂停原因。", code="invalid_input")
            services.window_pause(
                actor=user,
                staff=staff,
                window=window,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
            notice = "已暂停服务：显示屏和柜台平板显示“暂停服务”。"
        elif action == "resume":
            services.window_resume(actor=user, staff=staff, window=window)
            notice = "已恢复服务。"
        elif action == "sign-out":
            services.window_sign_out(actor=user, staff=staff, window=window)
            notice = f"已在 {window.number} 号窗口签退。"
    except DomainError as exc:
        error, status = exc.message, _error_status(exc)
    if request.htmx:  # type: ignore[attr-defined]
        context = _workstation_context(staff, window, notice=notice, error=error)
        return render(request, "queueing/_workstation_panel.html", context, status=status)
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    if action == "sign-out" and not error:
        return redirect("queue_workstation_home")
    return redirect("queue_workstation", branch=window.branch.code, number=window.number)


def _transfer(request: HttpRequest, staff: Staff, window: Window) -> str:
    others = [
        (w.number, str(w.number)) for w in Window.objects.filter(branch_id=window.branch_id, is_active=True)
    ]
    form = TransferForm(request.POST, windows=others)
    if not form.is_valid():
        raise DomainError("；".join(str(m) for ms in form.errors.values() for m in ms), code="invalid_input")
    target = None
    if form.cleaned_data["window"]:
        target = selectors.window_by_number(window.branch, form.cleaned_data["window"])
    ticket = services.ticket_transfer(
        actor=request.user,
        staff=staff,
        window=window,
        category=form.cleaned_data["category"] or None,
        target_window=target,
        note=form.cleaned_data["note"],
    )
    where = f"{target.number} 号窗口" if target else f"“{Category(ticket.category).label}”队列"
    return f"{ticket.display_number} 已转至{where}，排在最前。"


# ---------------------------------------------------------------------------------------
# The guide's hall page (大厅排队)


def _guide_branch(request: HttpRequest) -> Branch:
    scope = branch_scope(request.user)
    branches = Branch.objects.filter(is_active=True).order_by("code")
    if scope is not None:
        branches = branches.filter(pk__in=scope)
    code = request.GET.get("branch") or request.POST.get("branch")
    branch = branches.filter(code=code).first() if code else branches.first()
    if branch is None:
        raise PermissionDenied("您的账号没有可查看的管理部。")
    return branch


def _guide_context(request: HttpRequest, branch: Branch, **extra: Any) -> dict[str, Any]:
    now = clock.now()
    today = clock.local_date(now)
    params = queue_rules(today).params
    waiting = list(
        Ticket.objects.filter(branch=branch, service_date=today, status__in=IN_LINE)
        .select_related("queue", "target_window")
        .order_by("category", "queued_at", "pk")
    )
    grace = timedelta(minutes=params.no_show_grace_minutes)
    no_shows = list(
        Ticket.objects.filter(
            branch=branch, service_date=today, status=TicketStatus.NO_SHOW, no_show_at__gte=now - grace
        ).order_by("-no_show_at")
    )
    for ticket in no_shows:
        ticket.grace_until = (ticket.no_show_at or now) + grace  # type: ignore[attr-defined]
    snapshot = selectors.board_snapshot(branch)
    scope = branch_scope(request.user)
    return {
        "branch": branch,
        "branches": Branch.objects.filter(is_active=True).order_by("code")
        if scope is None
        else Branch.objects.filter(pk__in=scope),
        "snapshot": snapshot,
        "waiting": waiting,
        "no_shows": no_shows,
        "appointments": selectors.branch_appointments(branch, today),
        "take_form": TakeForm(),
        "priorities": list(Priority),
        "queues": selectors.active_queues(branch),
        "can_act": has_role(request.user, *HALL_ROLES),
        "can_release": has_role(request.user, Role.HEAD, Role.ADMIN),
        "window_states": {
            s.window.number: s
            for s in WindowState.objects.filter(window__branch=branch).select_related("window", "staff")
        },
        "refresh_seconds": LIVE_REFRESH_SECONDS,
        "now": now,
        **extra,
    }


@_friendly_errors
@role_required(*VIEW_ROLES)
def guide(request: HttpRequest) -> HttpResponse:
    branch = _guide_branch(request)
    return render(request, "queueing/guide.html", _guide_context(request, branch))


@_friendly_errors
@role_required(*VIEW_ROLES)
def guide_panel(request: HttpRequest) -> HttpResponse:
    branch = _guide_branch(request)
    return render(request, "queueing/_guide_panel.html", _guide_context(request, branch))


def _guide_done(
    request: HttpRequest,
    branch: Branch,
    notice: str = "",
    error: str = "",
    status: int = 200,
    slip_url: str = "",
) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        context = _guide_context(request, branch, notice=notice, error=error, slip_url=slip_url)
        return render(request, "queueing/_guide_panel.html", context, status=status)
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return redirect(f"{reverse('queue_guide')}?branch={branch.code}")


@role_required(*HALL_ROLES)
@require_POST
def guide_take(request: HttpRequest) -> HttpResponse:
    """A guide takes a ticket for a citizen who cannot use the kiosk (000 §二(二)1(3))."""
    branch = _guide_branch(request)
    form = TakeForm(request.POST)
    if not form.is_valid():
        return _guide_done(request, branch, error="请选择业务类别。", status=422)
    try:
        ticket = services.ticket_take(
            actor=request.user,
            branch=branch,
            category=form.cleaned_data["category"],
            priority=form.cleaned_data["priority"],
            source=TicketSource.GUIDE,
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        return _guide_done(request, branch, error=exc.message, status=_error_status(exc))
    slip = reverse("kiosk_slip", args=[branch.code, ticket.token])
    return _guide_done(request, branch, notice=f"已取号 {ticket.display_number}。", slip_url=slip)


def _ticket_in_scope(request: HttpRequest, pk: int) -> Ticket:
    ticket = Ticket.objects.select_related("branch").filter(pk=pk).first()
    if ticket is None or not can_see_branch(request.user, ticket.branch_id):
        raise Http404("没有这张排队号。")
    return ticket


@role_required(*HALL_ROLES)
@require_POST
def guide_ticket_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    ticket = _ticket_in_scope(request, pk)
    try:
        if action == "cancel":
            services.ticket_cancel(actor=request.user, ticket=ticket, note=request.POST.get("note", "")[:100])
            notice = f"已取消 {ticket.display_number} 号。"
        elif action == "reactivate":
            services.ticket_reactivate(actor=request.user, ticket=ticket)
            notice = f"{ticket.display_number} 号已恢复排队。"
        else:
            raise Http404("没有这个操作。")
    except DomainError as exc:
        return _guide_done(request, ticket.branch, error=exc.message, status=_error_status(exc))
    return _guide_done(request, ticket.branch, notice=notice)


@role_required(*HALL_ROLES)
@require_POST
def guide_appointment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    appointment = Appointment.objects.select_related("branch").filter(pk=pk).first()
    if appointment is None or not can_see_branch(request.user, appointment.branch_id):
        raise Http404("没有这个预约。")
    try:
        if action == "check-in":
            ticket = services.ticket_check_in(actor=request.user, appointment=appointment)
            notice = f"预约 {appointment.code} 已签到，排队号 {ticket.display_number}。"
        elif action == "cancel":
            services.appointment_cancel(actor=request.user, appointment=appointment, note="引导台取消")
            notice = f"预约 {appointment.code} 已取消。"
        else:
            raise Http404("没有这个操作。")
    except DomainError as exc:
        return _guide_done(request, appointment.branch, error=exc.message, status=_error_status(exc))
    return _guide_done(request, appointment.branch, notice=notice)


@role_required(Role.HEAD, Role.ADMIN)
@require_POST
def guide_window_release(request: HttpRequest, pk: int) -> HttpResponse:
    window = Window.objects.select_related("branch").filter(pk=pk).first()
    if window is None or not can_see_branch(request.user, window.branch_id):
        raise Http404("没有这个窗口。")
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        return _guide_done(request, window.branch, error="请填写强制签退的原因。", status=422)
    try:
        services.window_release(actor=request.user, window=window, note=form.cleaned_data["note"])
    except DomainError as exc:
        return _guide_done(request, window.branch, error=exc.message, status=_error_status(exc))
    return _guide_done(request, window.branch, notice=f"{window.number} 号窗口已强制签退。")


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


@_device_pages
def counter(request: HttpRequest, branch: str, number: int) -> HttpResponse:
    the_branch, _ = _hall_identity(
        request, branch, kinds=(DeviceKind.COUNTER,), roles=tuple(Role), window=number
    )
    context = {**_counter_context(the_branch, number), **_evaluator_context(the_branch, number)}
    return render(request, "queueing/counter.html", context)


@_device_pages
def counter_panel(request: HttpRequest, branch: str, number: int) -> HttpResponse:
    the_branch, _ = _hall_identity(
        request, branch, kinds=(DeviceKind.COUNTER,), roles=tuple(Role), window=number
    )
    return render(request, "queueing/_counter_panel.html", _counter_context(the_branch, number))


# ---------------------------------------------------------------------------------------
# Hall display (叫号显示屏)


BOARD_KINDS = (DeviceKind.BOARD, DeviceKind.COUNTER, DeviceKind.KIOSK)


@_device_pages
def board(request: HttpRequest, branch: str) -> HttpResponse:
    the_branch, _ = _hall_identity(request, branch, kinds=BOARD_KINDS, roles=tuple(Role))
    return render(
        request,
        "queueing/board.html",
        {"branch": the_branch, "snapshot": selectors.board_snapshot(the_branch)},
    )


@_device_pages
def board_state(request: HttpRequest, branch: str) -> HttpResponse:
    the_branch, _ = _hall_identity(request, branch, kinds=BOARD_KINDS, roles=tuple(Role))
    return render(
        request,
        "queueing/_board_live.html",
        {"branch": the_branch, "snapshot": selectors.board_snapshot(the_branch)},
    )


@_device_pages
def board_events(request: HttpRequest, branch: str) -> StreamingHttpResponse:
    the_branch, _ = _hall_identity(request, branch, kinds=BOARD_KINDS, roles=tuple(Role))
    return board_stream(request, the_branch)


# ---------------------------------------------------------------------------------------
# Online booking (网上预约) — public, phone-first


def _booking_choices(request: HttpRequest, data: Any) -> dict[str, Any]:
    today = clock.today()
    params = queue_rules(today).params
    branches = list(Branch.objects.filter(is_active=True).order_by("code"))
    code = (data or {}).get("branch") or request.GET.get("branch") or ""
    branch = next((b for b in branches if b.code == code), None)
    queues = (
        list(Queue.objects.filter(branch=branch, is_active=True, bookable=True).order_by("order", "letter"))
        if branch
        else []
    )
    category = (data or {}).get("category") or request.GET.get("category") or ""
    queue = next((q for q in queues if q.category == category), None)
    dates = selectors.bookable_dates(today=today, params=params) if queue else []
    chosen_date = (data or {}).get("date") or request.GET.get("date") or ""
    slots: list[dict[str, Any]] = []
    day = next((d for d in dates if d.isoformat() == chosen_date), None)
    if queue is not None and day is not None:
        slots = selectors.slot_availability(queue, day, params=params, now=clock.now())
    weekdays = "一二三四五六日"
    return {
        "branches": branches,
        "branch": branch,
        "queues": queues,
        "queue": queue,
        "dates": dates,
        "day": day,
        "slots": slots,
        "date_choices": [
            (d.isoformat(), f"{d:%m月%d日} 星期{weekdays[d.weekday()]}" + ("（今天）" if d == today else ""))
            for d in dates
        ],
        "params": params,
    }


def _booking_form(request: HttpRequest, data: Any, choices: dict[str, Any]) -> BookingForm:
    return BookingForm(
        data,
        branches=[(b.code, b.name) for b in choices["branches"]],
        categories=[(q.category, q.name) for q in choices["queues"]],
        dates=choices["date_choices"],
    )


@_friendly_errors
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest) -> HttpResponse:
    """Step 1: branch, business, date, slot, name, identity number, mobile → SMS code."""
    data = request.POST if request.method == "POST" else None
    choices = _booking_choices(request, data)
    initial = {k: request.GET.get(k, "") for k in ("branch", "category", "date")}
    form = _booking_form(request, data, choices) if data else _booking_form(request, None, choices)
    if not data:
        form.initial = initial
    error, status = "", 200
    if data is not None and form.is_valid():
        try:
            ratelimit.hit(request, "booking-code", per_minute=BOOKING_LOOKUPS_PER_MINUTE)
            challenge = services.appointment_code_request(
                branch=selectors.branch_by_code(form.cleaned_data["branch"]),
                category=form.cleaned_data["category"],
                service_date=date.fromisoformat(form.cleaned_data["date"]),
                slot_start=form.cleaned_data["slot"],
                name=form.cleaned_data["name"],
                id_number=form.cleaned_data["id_number"],
                mobile=form.cleaned_data["mobile"],
                client_ip=client_ip(request),
            )
        except DomainError as exc:
            error, status = exc.message, _error_status(exc)
        else:
            request.session[CHALLENGE_SESSION_KEY] = challenge.pk
            return redirect("book_verify")
    elif data is not None:
        status = 422
    return render(request, "queueing/book.html", {"form": form, "error": error, **choices}, status=status)


@_friendly_errors
def book_slots(request: HttpRequest) -> HttpResponse:
    """The date and slot choices for a branch and business (htmx on the booking page)."""
    ratelimit.hit(request, "booking-slots", per_minute=120)
    choices = _booking_choices(request, None)
    form = _booking_form(request, None, choices)
    form.initial = {k: request.GET.get(k, "") for k in ("branch", "category", "date")}
    return render(request, "queueing/_book_choices.html", {"form": form, **choices})


@_friendly_errors
@require_http_methods(["GET", "POST"])
def book_verify(request: HttpRequest) -> HttpResponse:
    """Step 2: the code from the text message."""
    from common.identity import mask_phone

    pk = request.session.get(CHALLENGE_SESSION_KEY)
    challenge = BookingChallenge.objects.filter(pk=pk, used_at__isnull=True).first() if pk else None
    if challenge is None:
        messages.error(request, "请先填写预约信息并获取验证码。")
        return redirect("book")
    form = VerifyForm(request.POST or None)
    error, status = "", 200
    if request.method == "POST":
        if form.is_valid():
            try:
                ratelimit.hit(request, "booking-verify", per_minute=BOOKING_LOOKUPS_PER_MINUTE)
                appointment = services.appointment_book(
                    challenge_id=challenge.pk, code=form.cleaned_data["code"]
                )
            except DomainError as exc:
                error, status = exc.message, _error_status(exc)
            else:
                request.session.pop(CHALLENGE_SESSION_KEY, None)
                request.session[BOOKED_SESSION_KEY] = [
                    *request.session.get(BOOKED_SESSION_KEY, [])[-9:],
                    appointment.code,
                ]
                return redirect("book_done", code=appointment.code)
        else:
            status = 422
    draft = challenge.draft
    branch = Branch.objects.filter(code=draft["branch"]).first()
    return render(
        request,
        "queueing/book_verify.html",
        {
            "form": form,
            "error": error,
            "mobile": mask_phone(challenge.mobile),
            "draft": draft,
            "branch": branch,
            "category_label": Queue.objects.filter(branch=branch, category=draft["category"])
            .values_list("name", flat=True)
            .first(),
            "day": date.fromisoformat(draft["date"]),
        },
        status=status,
    )


def _appointment_view(appointment: Appointment) -> dict[str, Any]:
    params = queue_rules(appointment.service_date).params
    start = timezone.make_aware(datetime.combine(appointment.service_date, appointment.slot_start))
    return {
        "appointment": appointment,
        "checkin_from": clock.local(start - timedelta(minutes=params.checkin_before_minutes)),
        "checkin_until": clock.local(start + timedelta(minutes=params.checkin_after_minutes)),
    }


@_friendly_errors
def book_done(request: HttpRequest, code: str) -> HttpResponse:
    if code not in request.session.get(BOOKED_SESSION_KEY, []):
        return redirect("book_manage")
    appointment = selectors.appointment_by_code(code)
    if appointment is None:
        raise Http404("没有这个预约。")
    return render(request, "queueing/book_done.html", _appointment_view(appointment))


@_friendly_errors
@require_http_methods(["GET", "POST"])
def book_manage(request: HttpRequest) -> HttpResponse:
    """Look up one's booking by code and identity number; cancel it."""
    form = ManageForm(request.POST or None)
    found, error, status = None, "", 200
    if request.method == "POST":
        if form.is_valid():
            try:
                ratelimit.hit(request, "booking-lookup", per_minute=BOOKING_LOOKUPS_PER_MINUTE)
            except DomainError as exc:
                error, status = exc.message, 429
            else:
                appointment = selectors.appointment_by_code(form.cleaned_data["code"])
                if appointment is None or appointment.id_number != form.cleaned_data["id_number"]:
                    error, status = "没有找到该预约：请核对预约码和身份证号码。", 404
                else:
                    found = appointment
                    if request.POST.get("action") == "cancel":
                        try:
                            found = services.appointment_cancel(
                                actor="public:booking", appointment=appointment
                            )
                            messages.success(request, f"预约 {found.code} 已取消。")
                        except DomainError as exc:
                            error, status = exc.message, _error_status(exc)
        else:
            status = 422
    context: dict[str, Any] = {"form": form, "error": error}
    if found is not None:
        context.update(_appointment_view(found))
        context["cancellable"] = found.status == AppointmentStatus.BOOKED
    return render(request, "queueing/book_manage.html", context, status=status)


# ---------------------------------------------------------------------------------------
# A citizen's ticket (/t/<token>, from the slip's QR code)


def _ticket_page_context(request: HttpRequest, token: str) -> dict[str, Any]:
    ratelimit.hit(request, "ticket", per_minute=PUBLIC_LOOKUPS_PER_MINUTE)
    try:
        ticket = selectors.ticket_by_token(token)
    except DomainError as exc:
        raise Http404(exc.message) from None
    return {
        "ticket": ticket,
        "status": selectors.ticket_status(ticket),
        "refresh_seconds": LIVE_REFRESH_SECONDS,
        "self_url": public_url(request, reverse("ticket_page", args=[token])),
    }


def ticket_page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        context = _ticket_page_context(request, token)
    except ratelimit.RateLimited as exc:
        return render(request, "queueing/ticket_page.html", {"error": exc.message}, status=429)
    return render(request, "queueing/ticket_page.html", context)


# htmx stops polling when a response has this status (the ticket is done or cancelled).
HTMX_STOP_POLLING = 286


def ticket_page_status(request: HttpRequest, token: str) -> HttpResponse:
    try:
        context = _ticket_page_context(request, token)
    except ratelimit.RateLimited as exc:
        return HttpResponse(f'<p class="error">{exc.message}</p>', status=429)
    status = HTMX_STOP_POLLING if context["status"]["final"] else 200
    return render(request, "queueing/_ticket_status.html", context, status=status)
