"""消防与便民设施 pages (000 §四(三)3): the list with what expires first, registering,
renewing and retiring a facility."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from common import clock
from common.errors import DomainError
from org.access import has_role, role_required
from org.models import Role
from supervision import selectors, services
from supervision.conf import facility_warn_days
from supervision.forms import (
    FacilityForm,
    ReasonForm,
    RenewForm,
)
from supervision.views._common import (
    SEE,
    form_error,
    int_param,
    run,
    visible_branches,
)


@role_required(*SEE)
def facility_list(request: HttpRequest) -> HttpResponse:
    """消防与便民设施: what expires soon or has expired comes first."""
    today = clock.today()
    branches = visible_branches(request)
    can_manage = has_role(request.user, Role.OFFICE, Role.INSPECTOR, Role.HEAD, Role.ADMIN)
    form = FacilityForm(request.POST or None, branches=branches) if can_manage else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("您的角色不能登记设施。")
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.facility_register(
                    actor=request.user,
                    branch=d["branch"],
                    kind=d["kind"],
                    name=d["name"],
                    location=d["location"],
                    valid_until=d["valid_until"],
                    serial=d["serial"],
                    note=d["note"],
                    last_checked_on=d.get("last_checked_on"),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已登记。")
                return redirect("facility_list")
    branch_id = int_param(request.GET.get("branch"))
    rows = selectors.facilities(
        request.user, today=today, branch_id=branch_id, include_retired=request.GET.get("retired") == "1"
    )
    return render(
        request,
        "supervision/facility_list.html",
        {
            "rows": rows,
            "form": form,
            "branches": branches,
            "branch_id": branch_id,
            "warn_days": facility_warn_days(),
            "expired": sum(1 for r in rows if r.state == "expired"),
            "expiring": sum(1 for r in rows if r.state == "expiring"),
            "can_manage": can_manage,
            "renew_form": RenewForm(initial={"checked_on": today}),
            "retire_form": ReasonForm(),
        },
    )


@require_POST
@role_required(Role.OFFICE, Role.INSPECTOR, Role.HEAD, Role.ADMIN)
def facility_renew(request: HttpRequest, pk: int) -> HttpResponse:
    facility = selectors.facility_for_user(request.user, pk)
    form = RenewForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        run(
            request,
            lambda: services.facility_renew(
                actor=request.user,
                facility=facility,
                valid_until=d["valid_until"],
                checked_on=d["checked_on"],
                note=d["note"],
            ),
            f"{facility} 的有效期已更新。",
        )
    else:
        form_error(request, form)
    return redirect("facility_list")


@require_POST
@role_required(Role.OFFICE, Role.INSPECTOR, Role.HEAD, Role.ADMIN)
def facility_retire(request: HttpRequest, pk: int) -> HttpResponse:
    facility = selectors.facility_for_user(request.user, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        run(
            request,
            lambda: services.facility_retire(
                actor=request.user, facility=facility, reason=form.cleaned_data["reason"]
            ),
            "已停用。",
        )
    else:
        form_error(request, form)
    return redirect("facility_list")
