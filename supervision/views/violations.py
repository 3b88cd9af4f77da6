"""违规处罚台账 pages (002 篇4 一): the ledger (and its Excel export), entering a violation,
a line's detail and reversal, and the reports to a staff member's unit. Valid-complaint
fines and first-inquiry breaches enter the ledger by themselves, with their decision
(supervision/services/sources.py)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from audit.services import audit_record
from common import clock
from common.errors import DomainError
from common.excel import xlsx_response
from common.request import safe_next
from org.access import has_role, role_required
from org.models import Role, Staff
from supervision import selectors, services
from supervision.export import ledger_workbook
from supervision.forms import (
    ReasonForm,
    ReportSendForm,
    ViolationForm,
)
from supervision.models import (
    ViolationSource,
    ViolationStatus,
)
from supervision.views._common import (
    form_error,
    int_param,
    period_param,
    run,
    visible_branches,
)


@role_required()
def violation_ledger(request: HttpRequest) -> HttpResponse:
    """违规处罚台账: who, what, when, how much, from which record; the reports to units."""
    period, key = period_param(request)
    branch_id = int_param(request.GET.get("branch"))
    staff_id = int_param(request.GET.get("staff"))
    source = request.GET.get("source", "") if request.GET.get("source") in ViolationSource.values else ""
    item = (request.GET.get("item") or "").strip()[:20]
    book = selectors.ledger(
        request.user, period=period, branch_id=branch_id, staff_id=staff_id, item_code=item, source=source
    )
    if request.GET.get("format") == "xlsx":
        audit_record(
            actor=request.user, action="supervision.violation.export", summary=f"导出违规台账 {period.label}"
        )
        return xlsx_response(ledger_workbook(book, period), f"违规处罚台账-{key}.xlsx")
    office = has_role(request.user, Role.OFFICE)
    return render(
        request,
        "supervision/violation_ledger.html",
        {
            "book": book,
            "period": period,
            "period_key": key,
            "branch_id": branch_id,
            "staff_id": staff_id,
            "source": source,
            "item": item,
            "sources": ViolationSource.choices,
            "items": selectors.fine_items(min(period.end, clock.today())),
            "branches": visible_branches(request),
            "staff": Staff.objects.visible_to(request.user)
            .filter(is_active=True)
            .order_by("branch__code", "staff_no")
            if has_role(request.user, Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.HEAD, Role.ADMIN)
            else [],
            "office": office,
            "send_form": ReportSendForm(initial={"sent_on": clock.today()}),
            "reason_form": ReasonForm(),
        },
    )


@role_required(Role.OFFICE)
def violation_new(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    form = ViolationForm(
        request.POST or None, items=selectors.fine_items(today), initial={"occurred_on": today}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            v = services.violation_record(
                actor=request.user,
                item_code=d["item_code"],
                occurred_on=d["occurred_on"],
                note=d["note"],
                staff=d.get("staff"),
                offender_name=d["offender_name"],
                window=d.get("window"),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已登记 {v.no}。")
            return redirect("violation_detail", no=v.no)
    return render(request, "supervision/violation_new.html", {"form": form})


@role_required()
def violation_detail(request: HttpRequest, no: str) -> HttpResponse:
    v = selectors.violation_for_user(request.user, no)
    return render(
        request,
        "supervision/violation_detail.html",
        {
            "v": v,
            "events": selectors.timeline(v),
            "month_count": selectors.month_count(v),
            "reports": list(v.unit_reports.all()),
            "counter": getattr(v, "reversal", None) if v.status == ViolationStatus.REVERSED else None,
            "can_reverse": has_role(request.user, Role.OFFICE) and v.status == ViolationStatus.ACTIVE,
            "reason_form": ReasonForm(),
        },
    )


@require_POST
@role_required(Role.OFFICE)
def violation_reverse(request: HttpRequest, no: str) -> HttpResponse:
    v = selectors.violation_for_user(request.user, no)
    form = ReasonForm(request.POST)
    if form.is_valid():
        run(
            request,
            lambda: services.violation_reverse(
                actor=request.user, violation=v, reason=form.cleaned_data["reason"]
            ),
            f"{v.no} 已冲正（原记录保留，另记一条冲正记录）。",
        )
    else:
        form_error(request, form)
    return redirect("violation_detail", no=no)


@require_POST
@role_required(Role.OFFICE)
def report_send(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for_user(request.user, pk)
    form = ReportSendForm(request.POST)
    if form.is_valid():
        run(
            request,
            lambda: services.unit_report_send(
                actor=request.user,
                report=report,
                sent_on=form.cleaned_data["sent_on"],
                note=form.cleaned_data["note"],
            ),
            f"已记录向{report.unit}通报。",
        )
    else:
        form_error(request, form)
    return redirect(safe_next(request, reverse("violation_ledger")))


@require_POST
@role_required(Role.OFFICE)
def report_retract(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for_user(request.user, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        run(
            request,
            lambda: services.unit_report_retract(
                actor=request.user, report=report, note=form.cleaned_data["reason"]
            ),
            "已记录更正。",
        )
    else:
        form_error(request, form)
    return redirect(safe_next(request, reverse("violation_ledger")))
