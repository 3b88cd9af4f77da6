"""The guide's hall page (大厅排队): who waits, the windows, today's appointments; a guide
takes a ticket for a citizen who cannot use the kiosk (000 §二(二)1(3)), cancels or
puts back a ticket, checks in or cancels an appointment; a department head signs out a
teller who left (强制签退).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from common import clock
from common.errors import DomainError
from org.access import branch_scope, can_see_branch, has_role, role_required
from org.models import Branch, Role, Window
from queueing import selectors, services
from queueing.constants import LIVE_REFRESH_SECONDS
from queueing.forms import ReleaseForm, TakeForm
from queueing.models import IN_LINE, Appointment, Priority, Ticket, TicketSource, TicketStatus, WindowState
from queueing.params import queue_rules
from queueing.views._common import HALL_ROLES, VIEW_ROLES, error_status, friendly_errors


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


@friendly_errors
@role_required(*VIEW_ROLES)
def guide(request: HttpRequest) -> HttpResponse:
    branch = _guide_branch(request)
    return render(request, "queueing/guide.html", _guide_context(request, branch))


@friendly_errors
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
        return _guide_done(request, branch, error=exc.message, status=error_status(exc))
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
        return _guide_done(request, ticket.branch, error=exc.message, status=error_status(exc))
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
        return _guide_done(request, appointment.branch, error=exc.message, status=error_status(exc))
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
        return _guide_done(request, window.branch, error=exc.message, status=error_status(exc))
    return _guide_done(request, window.branch, notice=f"{window.number} 号窗口已强制签退。")
