"""Acceptance (受理, 002 篇5 §二): the matter chosen (from the ticket served at the window
or without one), then the applicant, the materials checked against the guide's list
and the decision; submitting registers the case once, whatever the number of clicks."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cases import access, selectors, services
from cases.forms import AcceptForm
from cases.models import CaseStatus
from cases.views._session import keep_password
from catalog.models import MaterialRequirement, Matter, MatterStatus, Situation
from catalog.selectors import (
    matter_by_code,
    matters_search,
    phrase_for,
    version_in_force,
    version_with_materials,
)
from common import clock
from common.actors import staff_of
from common.errors import DomainError
from common.numbers import parse_id
from org.access import role_required
from org.models import Category


def _served_ticket(request: HttpRequest) -> tuple[Any, str]:
    """The ticket of ?ticket=ID when this teller is serving it now, else an explanation."""
    raw = request.GET.get("ticket") or request.POST.get("ticket") or ""
    if not raw:
        return None, ""
    from queueing.models import ACTIVE_CALL, Ticket

    pk = parse_id(raw)
    ticket = (
        Ticket.objects.select_related("window", "branch").filter(pk=pk).first() if pk is not None else None
    )
    staff = staff_of(request.user)
    if ticket is None or staff is None or ticket.staff_id != staff.pk or ticket.status not in ACTIVE_CALL:
        return None, "该排队号不是您在窗口正在办理的号，本次受理将不关联排队号。"
    return ticket, ""


def _appointment_person(ticket: Any) -> dict[str, str]:
    appointment = getattr(ticket, "appointment", None) if ticket is not None else None
    if appointment is None:
        return {}
    return {"name": appointment.name, "id_number": appointment.id_number, "phone": appointment.mobile}


@role_required(*access.HANDLE_ROLES)
def case_accept(request: HttpRequest) -> HttpResponse:
    """Step 1: the matter (search; from a ticket, its business category first)."""
    if not access.can_accept(request.user):
        raise PermissionDenied("您的账号没有所属管理部，不能受理办件。")
    ticket, ticket_error = _served_ticket(request)
    category = request.GET.get("category", ticket.category if ticket else "")
    if category not in Category.values:
        category = ""
    q = request.GET.get("q", "")[:50]
    hits = matters_search(q, category=category)
    context = {
        "hits": hits[:60],
        "total": len(hits),
        "q": q,
        "category": category,
        "categories": Category.choices,
        "ticket": ticket,
        "ticket_error": ticket_error,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "cases/_matter_results.html", context)
    return render(request, "cases/accept.html", context)


def _material_rows(version: Any, data: Any = None) -> list[dict[str, Any]]:
    rows = []
    for m in version.materials.all():
        status = (data.get(f"m_{m.code}") if data is not None else "") or ""
        rows.append(
            {
                "m": m,
                "status": status,
                "note": (data.get(f"n_{m.code}") if data is not None else "") or "",
                "conditional": m.requirement == MaterialRequirement.CONDITIONAL,
            }
        )
    return rows


@role_required(*access.HANDLE_ROLES)
def case_accept_matter(request: HttpRequest, code: str) -> HttpResponse:
    """Step 2: the applicant, the materials checked against the guide's list, and the
    decision. Submitting registers the case (once, whatever the number of clicks)."""
    if not access.can_accept(request.user):
        raise PermissionDenied("您的账号没有所属管理部，不能受理办件。")
    staff = request.user.staff  # type: ignore[union-attr]
    matter: Matter = matter_by_code(code)
    version = version_in_force(matter, clock.today())
    if version is None:
        raise Http404("该事项目前没有施行中的办事指南。")
    version = version_with_materials(version)
    ticket, ticket_error = _served_ticket(request)
    grounds = selectors.rejection_grounds(clock.today())
    status = 200
    missing_materials_refused = False
    if request.method == "POST":
        form = AcceptForm(request.POST, branch_id=staff.branch_id, grounds=grounds)
        if form.is_valid():
            try:
                registration = _register(request, form.cleaned_data, matter, version, ticket)
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status if exc.status >= 400 else 422
                missing_materials_refused = exc.code == services.MISSING_MATERIALS_CODE
            else:
                case = registration.case
                if ticket_error:
                    messages.warning(request, ticket_error)
                if registration.password:
                    keep_password(request, case, registration.password)
                    messages.success(
                        request, f"已登记办件 {case.receipt_no}：{CaseStatus(case.status).label}。"
                    )
                else:
                    messages.info(request, f"这份受理表已经提交过，办件 {case.receipt_no} 没有重复登记。")
                return redirect("case_detail", receipt_no=case.receipt_no)
        else:
            status = 422
        rows = _material_rows(version, request.POST)
    else:
        initial = {
            "ticket": ticket.pk if ticket else None,
            "window": ticket.window_id if ticket else None,
            **_appointment_person(ticket),
        }
        form = AcceptForm(initial=initial, branch_id=staff.branch_id, grounds=grounds)
        rows = _material_rows(version)
    return render(
        request,
        "cases/accept_form.html",
        {
            "matter": matter,
            "v": version,
            "form": form,
            "rows": rows,
            "ticket": ticket,
            "ticket_error": ticket_error,
            "grounds": grounds,
            "missing_materials_refused": missing_materials_refused,
            "employer": matter.service_object == "employer",
            "suspended": matter.status != MatterStatus.ACTIVE,
            "phrase_request": phrase_for(Situation.REQUEST_MATERIALS, version.name),
            "phrase_long": phrase_for(Situation.LONG_PROCESSING, str(version.promised_days))
            if version.promised_days
            else "",
            "phrase_policy": phrase_for(Situation.AGAINST_POLICY),
        },
        status=status,
    )


def _register(
    request: HttpRequest, data: dict[str, Any], matter: Matter, version: Any, ticket: Any
) -> services.Registration:
    marks = {}
    for m in version.materials.all():
        value = request.POST.get(f"m_{m.code}", "")
        if value:
            marks[m.code] = services.MaterialMark(value, request.POST.get(f"n_{m.code}", ""))
    rejection = None
    if data["decision"] == "reject":
        rejection = services.Rejection(
            ground=data["rejection_ground"],
            reason=data["rejection_reason"],
            returned_materials=data["returned_materials"],
        )
    return services.case_register(
        actor=request.user,  # type: ignore[arg-type]
        matter=matter,
        applicant=services.ApplicantData(
            name=data["name"],
            phone=data["phone"],
            id_number=data["id_number"],
            credit_code=data["credit_code"],
            agent_name=data["agent_name"],
            agent_id_number=data["agent_id_number"],
            agent_phone=data["agent_phone"],
        ),
        marks=marks,
        idempotency_key=data["idem"],
        channel=data["channel"],
        ticket=ticket,
        window=data.get("window"),
        delivery_method=data["delivery_method"],
        delivery_address=data["delivery_address"],
        note=data["note"],
        rejection=rejection,
    )
