"""The teller's workstation (叫号工作台): sign in at a window, call, recall, start,
complete, no-show, transfer (多窗联办), pause (000 §二(三)7) and resume, sign out.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from common import clock
from common.errors import DomainError
from org.access import role_required
from org.models import Category, Role, Staff, Window
from queueing import selectors, services
from queueing.constants import LIVE_REFRESH_SECONDS
from queueing.devices import counter_bound
from queueing.forms import PauseForm, TransferForm
from queueing.models import PauseReason, Ticket, TicketStatus, WindowState, WindowStatus
from queueing.params import queue_rules
from queueing.views._common import error_status, friendly_errors


def _teller_staff(request: HttpRequest) -> Staff:
    staff = getattr(request.user, "staff", None)
    if staff is None or staff.branch_id is None:
        raise PermissionDenied("您的账号没有所在管理部，不能使用叫号工作台。")
    return staff


@friendly_errors
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
        "counter_bound": counter_bound(window),
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
        "sign_out_warning": _sign_out_warning(window, categories, counts) if mine else "",
        "transfer_form": TransferForm(windows=others),
        "pause_form": PauseForm(),
        "pause_reasons": PauseReason.choices,
        "refresh_seconds": LIVE_REFRESH_SECONDS,
        "now": now,
        **extra,
    }


def _sign_out_warning(window: Window, categories: frozenset[str], counts: dict[str, int]) -> str:
    """What 签退 leaves behind: people still waiting for this window's categories that no
    other window in service (服务中) calls. Empty when nobody would be left waiting."""
    waiting = {c: counts[c] for c in sorted(categories) if counts.get(c)}
    if not waiting:
        return ""
    others = (
        WindowState.objects.filter(window__branch_id=window.branch_id, status=WindowStatus.OPEN)
        .exclude(window=window)
        .select_related("window", "staff")
    )
    served: set[str] = set()
    for other in others:
        served |= selectors.serving_categories(other.window, other.staff)
    alone = [f"{Category(c).label} {n} 人" for c, n in waiting.items() if c not in served]
    if not alone:
        return ""
    return (
        f"注意：{'、'.join(alone)}仍在等候，目前没有其他服务中的窗口办理这些业务，"
        "签退后他们无人叫号。请先请引导员安排，或确认有同事接替。"
    )


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


@friendly_errors
@role_required(Role.TELLER)
def workstation(request: HttpRequest, branch: str, number: int) -> HttpResponse:
    """One page for the window's whole day: call, recall, start, complete, no-show,
    transfer, pause and resume, sign out."""
    staff, window = _teller_window(request, branch, number)
    return render(request, "queueing/workstation.html", _workstation_context(staff, window))


@friendly_errors
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
        error, status = exc.message, error_status(exc)
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
