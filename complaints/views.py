"""投诉管理 staff pages: the list with its time-limit counters, intake from every
channel, one complaint with the process of 000 §五(四)8 as forms of the next step,
the printable 投诉类客服工单 and 投诉办理报告, the restricted page of the person
complained about, the party committee's filings, and the yearly analysis."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from audit.services import audit_record
from common import clock
from common.actors import staff_of
from common.errors import DomainError
from common.excel import xlsx_response
from common.numbers import parse_int, parse_year
from common.periods import Period
from complaints import selectors, services
from complaints.analysis import complaint_analysis, withheld_for
from complaints.conf import repeat_window_days
from complaints.export import analysis_workbook
from complaints.forms import StaffComplaintForm
from complaints.models import (
    AppealStatus,
    Channel,
    Complaint,
    ComplaintClass,
    EventKind,
    PenaltyStatus,
    ReportStatus,
    Status,
)
from complaints.selectors import LIST_FILTERS, Step
from complaints.steps import STEPS
from org.access import has_role, role_required
from org.models import Role
from rules.models import RuleKind
from rules.selectors import rules_in_force

# The steps of 000 §五(四)8 as the stepper shows them, with the statuses each covers.
STEPPER = [
    ("受理", {Status.RECEIVED}),
    ("定性", {Status.ACCEPTED}),
    ("责任认定", {Status.CLASSIFIED}),
    ("部门办理", {Status.HANDLING}),
    ("集体会审", {Status.JOINT_REVIEW}),
    ("办理报告", {Status.REPORTING, Status.REPORT_REVIEW}),
    ("答复", {Status.REPLYING}),
    ("回访", {Status.FOLLOW_UP}),
    ("归档", {Status.CLOSED, Status.ARCHIVED}),
]


@role_required()
def complaint_list(request: HttpRequest) -> HttpResponse:
    """Complaints the user may see, with counters of what is due (§7)."""
    if not _sees_complaints(request):
        return redirect("complaint_mine")
    view = request.GET.get("view") or ("todo" if not has_role(request.user, Role.LEADER) else "open")
    if view not in LIST_FILTERS:
        view = "open"
    class_code = request.GET.get("class", "")
    channel = request.GET.get("channel", "")
    year = request.GET.get("year", "")
    query = (request.GET.get("q") or "").strip()[:40]
    rows = selectors.complaint_list(
        request.user,
        view=view,
        class_code=class_code if class_code in {*ComplaintClass.values, "none"} else "",
        channel=channel if channel in Channel.values else "",
        year=parse_year(year),
        query=query,
    )
    context = {
        "rows": rows,
        "view": view,
        "filters": LIST_FILTERS,
        "class_code": class_code,
        "channel": channel,
        "year": year,
        "q": query,
        "classes": ComplaintClass.choices,
        "channels": Channel.choices,
        "counters": selectors.counters(request.user),
        "is_office": has_role(request.user, Role.OFFICE),
        "is_leader": has_role(request.user, Role.LEADER),
        "today": clock.today(),
    }
    if getattr(request, "htmx", False):
        return render(request, "complaints/_list_table.html", context)
    return render(request, "complaints/list.html", context)


@role_required()
def complaint_new(request: HttpRequest) -> HttpResponse:
    """Register a complaint received by letter, phone, 12329, a visit, e-mail or a
    transfer (the office); window staff register what reached them at the counter
    and hand it to the office (001 第四十六条(一))."""
    params = rules_in_force(RuleKind.COMPLAINT, clock.today()).params
    office = has_role(request.user, Role.OFFICE)
    form = StaffComplaintForm(
        request.POST or None, request.FILES or None, params=params, counter_only=not office
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint, password = services.complaint_register(
                actor=request.user,
                channel=data["channel"],
                external_ref=data["external_ref"],
                received_at=data["received_at"],
                attachments=data["attachments"],
                window=data["window"],
                department=data["department"],
                staff=data["staff"],
                staff_description=data["staff_description"],
                matter_code=data["matter_code"],
                related_kind=data["related_kind"],
                related_ref=data["related_ref"],
                **_complainant_fields(data),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if not office:
                request.session["complaint-staff-receipt"] = {"no": complaint.no, "password": password}
                return redirect("complaint_receipt")
            request.session[f"complaint-password-{complaint.pk}"] = password
            messages.success(request, f"已登记投诉 {complaint.no}。")
            return redirect("complaint_detail", no=complaint.no)
    return render(
        request, "complaints/new.html", {"form": form, "office": office}, status=422 if form.errors else 200
    )


@role_required()
def complaint_receipt(request: HttpRequest) -> HttpResponse:
    """What a window staff member tells the complainant after registering: the number,
    the query password (once) and the due day; the office takes it from there."""
    receipt = request.session.pop("complaint-staff-receipt", None)
    if receipt is None:
        return redirect("complaint_mine")
    complaint = Complaint.objects.filter(no=receipt["no"]).only("no", "reply_due", "deadline_pending").first()
    return render(request, "complaints/receipt.html", {"receipt": receipt, "c": complaint})


@role_required()
def complaint_detail(request: HttpRequest, no: str) -> HttpResponse:
    complaint = selectors.complaint_for_user(request.user, no)
    return _detail(request, complaint)


@require_POST
@role_required()
def complaint_step(request: HttpRequest, no: str, step: str) -> HttpResponse:
    """One step of the process, posted from the complaint's page."""
    complaint = selectors.complaint_for_user(request.user, no)
    try:
        step_ = Step(step)
    except ValueError:
        raise Http404("没有这个办理步骤。") from None
    if step_ == Step.RESET_PASSWORD:
        try:
            password = services.complaint_password_reset(actor=request.user, complaint=complaint)
        except DomainError as exc:
            raise PermissionDenied(exc.message) from None
        request.session[f"complaint-password-{complaint.pk}"] = password
        messages.success(request, "已重置查询密码，原密码失效。")
        return redirect("complaint_detail", no=complaint.no)
    page = STEPS.get(step_)
    if page is None:
        raise Http404("没有这个办理步骤。")
    form = page.build(complaint, request.POST, request.FILES)
    try:
        services.complaint_require_step(request.user, complaint, step_)
    except DomainError as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from None
        messages.error(request, exc.message)  # e.g. a colleague took this step a moment ago
        return redirect("complaint_detail", no=complaint.no)
    if form.is_valid():
        try:
            message = page.run(request.user, complaint, form.cleaned_data)
        except DomainError as exc:
            if exc.status == 403:
                raise PermissionDenied(exc.message) from None
            form.add_error(None, exc.message)
        else:
            messages.success(request, message)
            return redirect("complaint_detail", no=complaint.no)
    complaint = selectors.complaint_for_user(request.user, no)
    return _detail(request, complaint, failed=(step_, form), status=422)


@require_POST
@role_required(Role.OFFICE, Role.LEADER)
def complaint_reveal(request: HttpRequest, no: str) -> HttpResponse:
    """htmx: the complainant's full contact, logged in the audit trail."""
    complaint = selectors.complaint_for_user(request.user, no)
    try:
        contact = services.complaint_contact_reveal(actor=request.user, complaint=complaint)
    except DomainError as exc:
        raise PermissionDenied(exc.message) from None
    return render(request, "complaints/_contact_full.html", {"contact": contact, "complaint": complaint})


@role_required()
def complaint_attachment(request: HttpRequest, no: str, pk: int) -> HttpResponse:
    """A file of the complaint, through the complaint's own access check."""
    complaint = selectors.complaint_for_user(request.user, no)
    attachment = next((a for a in complaint.attachments.all() if a.pk == pk), None)
    if attachment is None:
        raise Http404("没有这个附件。")
    try:
        with attachment.file.open("rb") as handle:
            data = handle.read()  # at most ATTACHMENT_MAX_BYTES
    except FileNotFoundError:
        raise Http404("附件文件已不存在，请联系系统管理员。") from None
    response = HttpResponse(data, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(True, attachment.name) or "attachment"
    return response


@role_required()
def complaint_ticket(request: HttpRequest, no: str) -> HttpResponse:
    """《投诉类客服工单》(§8(1)) as a printable page."""
    complaint = selectors.complaint_for_user(request.user, no)
    audit_record(
        actor=request.user,
        action="complaints.complaint.print_ticket",
        obj=complaint,
        summary="打印投诉类客服工单",
    )
    return render(request, "complaints/ticket.html", _document_context(complaint))


@role_required()
def complaint_report_print(request: HttpRequest, no: str) -> HttpResponse:
    """《投诉办理报告》(§8(5)) in its fixed format, printable."""
    complaint = selectors.complaint_for_user(request.user, no)
    reports = list(complaint.reports.all())
    if not reports:
        raise Http404("责任部门尚未提交办理报告。")
    wanted = request.GET.get("id", "")
    report = next((r for r in reports if str(r.pk) == wanted), reports[-1])
    context = _document_context(complaint)
    context |= {
        "report": report,
        "reviews": [j for j in complaint.joint_reviews.all() if j.round <= report.round],
    }
    return render(request, "complaints/report_print.html", context)


@role_required()
def complaint_mine(request: HttpRequest) -> HttpResponse:
    """What the process shows the person it found responsible (issue #7 "Protection")."""
    return render(
        request, "complaints/mine.html", {"rows": selectors.complaints_concerning(staff_of(request.user))}
    )


@role_required()
def complaint_party_committee(request: HttpRequest) -> HttpResponse:
    """The party committee's file: responsibility findings (§8(2)) and disputes (§11)."""
    if not (selectors.is_party_committee(request.user) or has_role(request.user, Role.LEADER, Role.OFFICE)):
        raise PermissionDenied("此页面供机关党委、中心领导和业务管理处使用。")
    return render(
        request, "complaints/party_committee.html", {"rows": selectors.party_committee_filings(request.user)}
    )


@role_required(Role.OFFICE, Role.LEADER)
def complaint_analysis_page(request: HttpRequest) -> HttpResponse:
    """The yearly analysis (§12) on screen; `?format=xlsx` downloads it."""
    period, window, error = _analysis_params(request)
    report = withheld_for(complaint_analysis(period, window_days=window), staff_of(request.user))
    if request.GET.get("format") == "xlsx":
        audit_record(
            actor=request.user,
            action="complaints.analysis.export",
            summary=f"导出投诉分析 {period.label}",
        )
        filename = f"complaints-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
        return xlsx_response(analysis_workbook(report), filename)
    return render(
        request,
        "complaints/analysis.html",
        {"report": report, "error": error, "query": request.GET.urlencode()},
    )


@role_required(Role.ADMIN, Role.OFFICE)
def complaint_pending_calendar(request: HttpRequest) -> HttpResponse:
    """Complaints whose limit waits for a year's holiday notice (numbers and dates only)."""
    from inquiries import selectors as inquiry_selectors
    from inquiries import services as inquiry_services

    if request.method == "POST":
        try:
            count = services.complaint_deadlines_recompute(actor=request.user)
            handovers = inquiry_services.inquiry_deadlines_recompute(actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已补算 {count} 件投诉的答复期限、{handovers} 条首问转交的期限。")
        return redirect("complaint_pending_calendar")
    return render(
        request,
        "complaints/pending_calendar.html",
        {"rows": selectors.pending_calendar(request.user), "handovers": inquiry_selectors.pending_calendar()},
    )


# --- the detail page (its step cards: complaints.steps.STEPS) -------------------------


def _detail(
    request: HttpRequest,
    complaint: Complaint,
    *,
    failed: tuple[Step, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    appeals = list(complaint.appeals.all())
    pending_appeal = any(a.status == AppealStatus.PENDING for a in appeals)
    steps = selectors.complaint_allowed_steps(request.user, complaint, pending_appeal=pending_appeal)
    if complaint.received_on != clock.today():
        steps.discard(Step.SETTLE)  # §7(1) 当场: only on the day the complaint came in
    cards = []
    for step, page in STEPS.items():
        if failed is not None and failed[0] == step:
            form = failed[1]  # the posted form with its errors, even if the step has gone since
        elif step in steps:
            form = page.build(complaint, user=request.user)
        else:
            continue
        card = {"step": step.value, "form": form, "title": page.title, "button": page.button}
        cards.append(card | {"intro": page.intro, "main": page.main})
    params = selectors.complaint_rules(complaint)
    password = request.session.pop(f"complaint-password-{complaint.pk}", None)
    return render(
        request,
        "complaints/detail.html",
        {
            "c": complaint,
            "steps": {s.value for s in steps},
            "main_cards": [card for card in cards if card["main"]],
            "other_cards": [card for card in cards if not card["main"]],
            "failed_step": failed[0].value if failed else "",
            "params": params,
            "scope_labels": {s.code: s.text for s in params.scope},
            "flags": selectors.deadline_flags(complaint),
            "stepper": _stepper(complaint),
            # A report's review is on the complaint's own row of that step as well.
            "events": [e for e in complaint.events.all() if e.kind != EventKind.REPORT],
            "appeals": appeals,
            "pending_appeal": pending_appeal,
            "password": password,
            "handling": next(iter(reversed(list(complaint.handlings.all()))), None),
            "sanctions": list(complaint.sanctions.all()),
            "fines": list(complaint.fines.all()),
            "responsible": list(complaint.responsible_staff.all()),
            "report_statuses": ReportStatus,
            "recused": selectors.department_recused(complaint),
        },
        status=status,
    )


def _stepper(complaint: Complaint) -> list[tuple[str, str]]:
    """(label, state) for the process bar: done, current, skipped or ahead."""
    status = complaint.status
    index = next(i for i, (_, statuses) in enumerate(STEPPER) if status in statuses)
    if status == Status.FOLLOW_UP and complaint.settled_on_the_spot and complaint.round == 1:
        skipped = {1, 2, 3, 4, 5, 6}
    else:
        skipped = set()
    invalid = complaint.class_code == ComplaintClass.INVALID
    needs_review = complaint.class_code == ComplaintClass.MAJOR or complaint.is_complex
    reviewed = bool(list(complaint.joint_reviews.all()))
    out = []
    for i, (label, _) in enumerate(STEPPER):
        no_review = not needs_review and not reviewed and (index > 4 or bool(complaint.class_code))
        if i in skipped or (invalid and i in (2, 3, 4, 5)) or (i == 4 and no_review):
            state = "skipped"
        elif status == Status.ARCHIVED or i < index:
            state = "done"
        elif i == index:
            state = "current"
        else:
            state = ""
        out.append((label, state))
    return out


def _document_context(complaint: Complaint) -> dict[str, Any]:
    params = selectors.complaint_rules(complaint)
    return {
        "c": complaint,
        "scope_labels": [s.text for s in params.scope if s.code in complaint.scope_codes],
        "handling": next(iter(reversed(list(complaint.handlings.all()))), None),
        "responsible": list(complaint.responsible_staff.all()),
        "replies": list(complaint.replies.all()),
        "follow_ups": list(complaint.follow_ups.all()),
        "sanctions": [s for s in complaint.sanctions.all() if s.status == PenaltyStatus.ACTIVE],
        "printed_at": clock.local(),
    }


def _complainant_fields(data: dict[str, Any]) -> dict[str, Any]:
    keys = [
        "anonymous",
        "complainant_name",
        "complainant_phone",
        "complainant_email",
        "complainant_address",
        "complainant_unit",
        "contact_preference",
        "subject",
        "content",
        "occurred_on",
        "place",
        "branch",
        "matter",
        "scope_codes",
        "suggestion",
    ]
    return {k: data[k] for k in keys}


def _sees_complaints(request: HttpRequest) -> bool:
    return has_role(request.user, Role.OFFICE, Role.LEADER, Role.HEAD) or selectors.is_party_committee(
        request.user
    )


def _analysis_params(request: HttpRequest) -> tuple[Period, int, str]:
    today = clock.today()
    error = ""
    year = request.GET.get("year", "")
    start, end = _date(request.GET.get("start")), _date(request.GET.get("end"))
    if start and end:
        if end < start:
            error = "结束日期早于开始日期，已改为统计全年。"
            period = Period.year(today.year)
        else:
            period = Period(start, end)
    elif parse_int(year, minimum=2000, maximum=2100) is not None:
        period = Period.year(int(year))
    else:
        period = Period.year(today.year)
    window_text = request.GET.get("window", "")
    window = parse_int(window_text, minimum=1, maximum=366) or repeat_window_days()
    return period, window, error


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
