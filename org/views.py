from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from common import clock, worklist
from common.numbers import parse_id
from org import selectors
from org.access import branch_scope, role_required


@role_required()
def home(request: HttpRequest) -> HttpResponse:
    """The staff start page (工作台): who I am, my branch and what I can reach."""
    return render(
        request,
        "org/home.html",
        {
            "branches": selectors.branches_with_windows(request.user),
            "todos": worklist.todos_for(request.user, clock.today()),
        },
    )


@role_required()
def org_overview(request: HttpRequest) -> HttpResponse:
    """Branches, windows, departments and staff, limited to what the role may see.
    Phone numbers are masked (DESIGN.md: masked wherever shown in lists)."""
    branch_id = request.GET.get("branch")
    return render(
        request,
        "org/overview.html",
        {
            "branches": selectors.branches_with_windows(request.user),
            "departments": selectors.departments() if branch_scope(request.user) is None else [],
            "staff": selectors.staff_list(request.user, branch_id=parse_id(branch_id)),
        },
    )
