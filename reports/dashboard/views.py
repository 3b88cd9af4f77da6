"""Pages of the live hall dashboard (大厅实况) and the staffing advice (窗口配置建议).

The live part refreshes itself by htmx polling a partial, not by a server-sent event
stream: the figures are aggregates that change every few seconds anyway, a poll holds
no application worker between refreshes (an SSE stream keeps one per open TV), passes
every proxy of a government intranet unchanged, and recovers from a dropped network by
itself on the next tick. The poll pauses while the tab is hidden (the trigger's
visibility filter) and fires at once when the tab is shown again.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from common import clock
from org.access import role_required
from org.models import Branch
from reports.dashboard import constants, selectors, staffing
from reports.dashboard.forms import StaffingForm
from reports.dashboard.staffing import STAFFING_ROLES


def _live(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A polled partial whose session has ended (logged out in another tab, expired):
    htmx would follow a redirect and paint the login form inside the dashboard, so the
    whole page is sent to the login page instead (HX-Redirect)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated and request.headers.get("HX-Request") == "true":
            current = urlsplit(request.headers.get("HX-Current-URL", ""))
            page = (current.path + (f"?{current.query}" if current.query else "")) or "/dashboard/"
            login = redirect_to_login(page, redirect_field_name=REDIRECT_FIELD_NAME)
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login["Location"]
            return response
        return view(request, *args, **kwargs)

    return wrapped


def _context(request: HttpRequest, dashboard: selectors.HallDashboard, **extra: Any) -> dict[str, Any]:
    return {
        "dash": dashboard,
        "refresh_seconds": constants.REFRESH_SECONDS,
        "window_labels": selectors.WINDOW_LABELS,
        **extra,
    }


# role_required() sends anonymous visitors to the login page; the selectors refuse a
# role outside DASHBOARD_ROLES with a message that says who may watch the hall.
@role_required()
def dashboard_centre(request: HttpRequest) -> HttpResponse:
    branches = selectors.dashboard_branches(request.user)
    own = selectors.own_branch_code(request.user)
    if own is not None:
        return redirect("reports_dashboard_branch", code=own)
    dashboard = selectors.hall_dashboard(request.user, branches)
    return render(request, "reports/dashboard/centre.html", _context(request, dashboard))


@_live
@role_required()
def dashboard_centre_live(request: HttpRequest) -> HttpResponse:
    branches = selectors.dashboard_branches(request.user)
    dashboard = selectors.hall_dashboard(request.user, branches)
    return render(request, "reports/dashboard/_centre_live.html", _context(request, dashboard))


@role_required()
def dashboard_branch(request: HttpRequest, code: str) -> HttpResponse:
    branch = selectors.dashboard_branch_for_user(request.user, code)
    dashboard = selectors.hall_dashboard(request.user, [branch])
    centre_wide = selectors.own_branch_code(request.user) is None
    return render(
        request,
        "reports/dashboard/branch.html",
        _context(request, dashboard, branch=branch, fig=dashboard.branches[0], centre_wide=centre_wide),
    )


@_live
@role_required()
def dashboard_branch_live(request: HttpRequest, code: str) -> HttpResponse:
    branch = selectors.dashboard_branch_for_user(request.user, code)
    dashboard = selectors.hall_dashboard(request.user, [branch])
    return render(
        request,
        "reports/dashboard/_branch_live.html",
        _context(request, dashboard, branch=branch, fig=dashboard.branches[0]),
    )


@role_required(*STAFFING_ROLES)
def staffing_advice(request: HttpRequest) -> HttpResponse:
    query = request.GET.copy()
    asked = query.get("branch")
    visible = Branch.objects.visible_to(request.user)
    if asked and not visible.filter(code=asked).exists() and Branch.objects.filter(code=asked).exists():
        raise PermissionDenied("您只能查看本管理部的窗口配置建议。")
    form_probe = StaffingForm(None, user=request.user)
    if "branch" not in query and form_probe.default_branch is not None:
        query["branch"] = form_probe.default_branch.code
    if not query.get("end"):
        query["end"] = clock.today().isoformat()
    form = StaffingForm(query, user=request.user)
    advice = None
    if form.is_valid():
        advice = staffing.staffing_advice(
            branch=form.cleaned_data["branch"],
            weeks=form.cleaned_data["weeks"],
            end=form.cleaned_data["end"],
            model=form.cleaned_data["model"],
        )
    status = 200 if form.is_valid() else 400
    weekday = form.cleaned_data.get("weekday") if form.is_valid() else None
    return render(
        request,
        "reports/dashboard/staffing.html",
        {
            "form": form,
            "advice": advice,
            "weekday": weekday or (advice.default_weekday if advice else 1),
            "chart": staffing.chart_data(advice) if advice else None,
        },
        status=status,
    )
