"""The worklists with their counters and the person's reminders; the office's overdue
report (000 §五(二)5) and the deadlines waiting for the calendar."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cases import access, selectors, services
from cases.models import Reminder
from common import clock
from common.actors import staff_of
from common.numbers import parse_id
from org.access import has_role, role_required
from org.models import Role

# ---------------------------------------------------------------------------------------
# Worklists


@role_required(*access.VIEW_ROLES)
def case_worklist(request: HttpRequest) -> HttpResponse:
    """My cases, due today, due soon, overdue, waiting for supplements, for other
    departments, for the higher authority … with a counter per list."""
    today = clock.today()
    views = selectors.views_for(request.user)
    keys = [v.key for v in views]
    default = "mine" if "mine" in keys else "overdue"
    key = request.GET.get("view") or default
    if key not in keys:
        key = default
    q = request.GET.get("q", "")[:50]
    context: dict[str, Any] = {
        "views": views,
        "view": next(v for v in views if v.key == key),
        "rows": selectors.worklist(request.user, key, today=today, q=q),
        "q": q,
        "today": today,
    }
    if request.htmx and request.htmx.target == "case-list":  # type: ignore[attr-defined]
        return render(request, "cases/_worklist_table.html", context)
    counts = selectors.worklist_counts(request.user, today=today)
    context.update(
        tabs=[(v, counts.get(v.key)) for v in views],
        reminders=selectors.reminders_for(request.user, today=today),
        my_handovers=selectors.handovers_for_department(request.user) if key == "handovers" else [],
        can_accept=access.can_accept(request.user),
    )
    return render(request, "cases/worklist.html", context)


@role_required(*access.VIEW_ROLES)
@require_POST
def case_reminder_seen(request: HttpRequest, pk: int) -> HttpResponse:
    staff = staff_of(request.user)
    reminder = Reminder.objects.filter(pk=pk, staff=staff).first() if staff else None
    if reminder is None:
        raise Http404("没有这条提醒。")
    services.reminder_mark_seen(actor=request.user, reminder=reminder)  # type: ignore[arg-type]
    if request.htmx:  # type: ignore[attr-defined]
        return HttpResponse("")
    return redirect("case_worklist")


# ---------------------------------------------------------------------------------------
# The office's report and the calendar list


def _date_param(request: HttpRequest, name: str, default: date) -> date:
    raw = request.GET.get(name, "")
    try:
        return date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


@role_required(*access.REPORT_ROLES)
def case_overdue_report(request: HttpRequest) -> HttpResponse:
    """超时办结 by branch and department, with the conditions of 000 §五(二)5 found."""
    today = clock.today()
    start = _date_param(request, "start", date(today.year, 1, 1))
    end = _date_param(request, "end", today)
    if end < start:
        start, end = end, start
    branch = request.GET.get("branch", "")
    from org.models import Branch

    report = selectors.overdue_report(
        request.user, start=start, end=end, today=today, branch_id=parse_id(branch)
    )
    if request.GET.get("format") == "xlsx":
        from cases.export import overdue_workbook
        from common.excel import xlsx_response

        return xlsx_response(overdue_workbook(report), f"超时办件-{start:%Y%m%d}-{end:%Y%m%d}.xlsx")
    return render(
        request,
        "cases/overdue_report.html",
        {
            "report": report,
            "branches": Branch.objects.visible_to(request.user).filter(is_active=True),
            "branch": branch,
            "today": today,
        },
    )


@role_required(*access.PENDING_ROLES)
def case_pending_calendar(request: HttpRequest) -> HttpResponse:
    """Deadlines waiting for a year's holiday notice; computed here (or by the daily
    sweep) once the year is published."""
    if request.method == "POST":
        count = services.case_deadlines_recompute(actor=request.user)
        if count:
            messages.success(request, f"已补算 {count} 个办结期限，并短信告知申请人。")
        else:
            messages.info(request, "没有可以补算的期限：相关年度的节假日安排仍未发布。")
        return redirect("case_pending_calendar")
    cases, handovers = selectors.pending_calendar(request.user)
    return render(
        request,
        "cases/pending_calendar.html",
        {"cases": cases, "handovers": handovers, "is_admin": has_role(request.user, Role.ADMIN)},
    )
