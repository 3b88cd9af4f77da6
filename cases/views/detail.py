"""The case page: its facts, progress, parts and timeline, with the form of every step
the person may take now; and its printed notices (PDF or printable page)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from cases import access, selectors, services
from cases import documents as case_documents
from cases.forms import (
    CompleteForm,
    DeliverForm,
    EscalateForm,
    ExplainForm,
    ExtensionRequestForm,
    HandoverForm,
    HeadOpinionForm,
    LeaderDecisionForm,
    NotifyForm,
    ReasonForm,
    RejectForm,
    ReplyForm,
    ReviewDecideForm,
    SupplementReceiveForm,
)
from cases.models import (
    Case,
    CaseStatus,
    Escalation,
    Extension,
    ExtensionStatus,
    HandoverStatus,
    MaterialStatus,
)
from cases.views._session import password_banner, password_for_print
from catalog.models import Situation
from catalog.selectors import phrase_for
from common import clock
from org.access import role_required


def _permissions(user: Any, case: Case, parts: dict[str, Any]) -> dict[str, Any]:
    handle = access.can_handle(user, case)
    pending = next(
        (
            e
            for e in parts["extensions"]
            if e.status in (ExtensionStatus.REQUESTED, ExtensionStatus.HEAD_AGREED)
        ),
        None,
    )
    escalation: Escalation | None = parts["escalation"]
    today = clock.today()
    return {
        "can_handle": handle,
        "can_supplement": handle and case.status == CaseStatus.SUPPLEMENT,
        "can_reject": handle and case.status == CaseStatus.SUPPLEMENT,
        "can_handover": handle and case.status in (CaseStatus.ACCEPTED, CaseStatus.JOINT),
        "can_escalate": handle
        and case.status == CaseStatus.ACCEPTED
        and case.handling_type == "escalated"
        and escalation is None,
        "can_reply": handle and case.status == CaseStatus.ESCALATED,
        "can_explain": handle
        and escalation is not None
        and selectors.escalation_needs_explanation(escalation, today),
        "can_complete": handle and case.status == CaseStatus.ACCEPTED,
        "can_notify": handle
        and case.status in (CaseStatus.COMPLETED, CaseStatus.DELIVERED)
        and case.notified_at is None,
        "can_deliver": handle and case.status == CaseStatus.COMPLETED,
        "can_extend": handle
        and case.status in (CaseStatus.ACCEPTED, CaseStatus.JOINT)
        and pending is None
        and case.deadline is not None,
        "can_withdraw": handle
        and case.status
        in (CaseStatus.SUPPLEMENT, CaseStatus.ACCEPTED, CaseStatus.JOINT, CaseStatus.ESCALATED),
        "can_head": pending is not None
        and pending.status == ExtensionStatus.REQUESTED
        and access.can_sign_as_head(user, case),
        "can_leader": pending is not None
        and pending.status == ExtensionStatus.HEAD_AGREED
        and access.can_approve_as_leader(user),
        "can_review": case.status == CaseStatus.REVIEW and access.can_decide_review(user),
        "can_password": handle and case.status != CaseStatus.WITHDRAWN,
        "pending_extension": pending,
        "show_identity": handle,
    }


FORMS: dict[str, type[forms.Form]] = {
    "supplement": SupplementReceiveForm,
    "reject": RejectForm,
    "complete": CompleteForm,
    "notify": NotifyForm,
    "deliver": DeliverForm,
    "extension": ExtensionRequestForm,
    "head": HeadOpinionForm,
    "leader": LeaderDecisionForm,
    "handover": HandoverForm,
    "escalate": EscalateForm,
    "reply": ReplyForm,
    "explain": ExplainForm,
    "withdraw": ReasonForm,
    "review": ReviewDecideForm,
}


def step_form(name: str, case: Case, data: Any = None) -> forms.Form:
    if name == "supplement":
        open_items = case.materials.select_related("material").filter(status=MaterialStatus.MISSING)
        choices = [
            (i.material.code, i.material.name + (f"（{i.note}）" if i.note else "")) for i in open_items
        ]
        return SupplementReceiveForm(data, choices=choices, prefix=name)
    if name == "handover":
        return HandoverForm(data, exclude_id=case.department_id, prefix=name)
    if name == "reject":
        # The grounds of the rule set in force today (the day of the decision); only read
        # when the case can be refused or a refusal is posted.
        wanted = data is not None or case.status == CaseStatus.SUPPLEMENT
        grounds = selectors.rejection_grounds(clock.today()) if wanted else []
        return RejectForm(data, grounds=grounds, prefix=name)
    return FORMS[name](data, prefix=name)


def detail_response(
    request: HttpRequest, case: Case, bound: dict[str, forms.Form] | None = None, *, status: int = 200
) -> HttpResponse:
    today = clock.today()
    params = selectors.params_of(case)
    parts = selectors.case_detail(case)
    perms = _permissions(request.user, case, parts)
    forms_ = {name: step_form(name, case) for name in FORMS}
    handover_initial = _handover_days(case, today)
    if handover_initial:
        forms_["handover"].initial["limit_days"] = handover_initial
    version_departments = list(case.version.departments.values_list("pk", flat=True))
    if version_departments:
        forms_["handover"].initial["departments"] = [
            d for d in version_departments if d != case.department_id
        ]
    if case.handling_type == "escalated":
        forms_["escalate"].initial["authority"] = (
            case.version.joint_parties.split("（")[0] or "住房公积金管理委员会"
        )
    at_counter = case.channel == "counter" and case.is_immediate
    forms_["complete"].initial["deliver_now"] = at_counter
    # The applicant is at the window for an immediate case; otherwise a text tells them
    # at once (a landline: the teller records the call afterwards).
    from cases.notify import is_mobile

    forms_["complete"].initial["notify_method"] = (
        "in_person" if at_counter else ("sms" if is_mobile(case.applicant_phone) else "")
    )
    forms_.update(bound or {})
    answerable = {
        h.pk
        for h in parts["handovers"]
        if h.status == HandoverStatus.OPEN and access.can_answer_handover(request.user, h)
    }
    context = {
        "case": case,
        "due": selectors.due_of(case, today=today, due_soon_days=params.due_soon_working_days),
        "on_time": selectors.finished_on_time(case),
        "params": params,
        "forms": forms_,
        "answerable": answerable,
        "documents": [(f, case_documents.FORMS[f]) for f in case_documents.available_forms(case)],
        "password": password_banner(request, case),
        "password_printable": password_for_print(request, case) is not None,
        "phrase_return": phrase_for(Situation.RETURN_DOCUMENTS),
        "phrase_farewell": phrase_for(Situation.FAREWELL),
        "phrase_long": phrase_for(Situation.LONG_PROCESSING, str(case.promised_days)),
        "today": today,
        "progress": _progress(case, parts),
        **parts,
        **perms,
    }
    return render(request, "cases/detail.html", context, status=status)


def _progress(case: Case, parts: dict[str, Any]) -> list[dict[str, str]]:
    """The steps of this case's kind (002 篇5 §二–§四) and how far it has come."""
    status = case.status
    steps: list[tuple[str, str]] = [("registered", "收到申请")]
    if parts["supplement"] is not None:
        steps.append(("supplement", "补正材料"))
    if status in (CaseStatus.REJECTED, CaseStatus.REVIEW) and case.accepted_at is None:
        steps.append(("rejected", "不予受理"))
        if parts["review"] is not None:
            steps.append(("review", "复核"))
        done = {"registered", "supplement", "rejected"} | (
            {"review"} if status == CaseStatus.REJECTED else set()
        )
        now = "review" if status == CaseStatus.REVIEW else ""
        return [
            {
                "label": label,
                "state": "bad"
                if key == "rejected"
                else ("now" if key == now else ("done" if key in done else "")),
            }
            for key, label in steps
        ]
    steps.append(("accepted", "受理"))
    if case.handling_type == "joint" or parts["handovers"]:
        steps.append(("joint", "相关部门意见"))
    if case.handling_type == "escalated":
        steps.append(("escalated", "上级批复"))
    steps += [("completed", "办结"), ("delivered", "送达")]
    order = [key for key, _ in steps]
    position = {
        CaseStatus.SUPPLEMENT: "supplement",
        CaseStatus.ACCEPTED: "completed"
        if case.handling_type != "escalated" or parts["escalation"]
        else "escalated",
        CaseStatus.JOINT: "joint",
        CaseStatus.ESCALATED: "escalated",
        CaseStatus.COMPLETED: "delivered",
        CaseStatus.DELIVERED: "",
        CaseStatus.WITHDRAWN: "",
    }.get(CaseStatus(status), "")
    if case.handling_type == "escalated" and status == CaseStatus.ACCEPTED and parts["escalation"] is None:
        position = "escalated"
    now_index = order.index(position) if position in order else len(order)
    return [
        {"label": label, "state": "now" if i == now_index else ("done" if i < now_index else "")}
        for i, (_, label) in enumerate(steps)
    ]


def _handover_days(case: Case, today: date) -> int | None:
    """A default limit for the departments: up to the working day before the case's
    deadline, so that the lead department keeps a day to decide (at least 1)."""
    if case.deadline is None:
        return None
    from workdays.calendar import CalendarNotPublished, calendar_index

    try:
        left = calendar_index().workdays_between(today, case.deadline)
    except CalendarNotPublished:
        return None
    return max(left, 1)


@role_required(*access.VIEW_ROLES)
def case_detail(request: HttpRequest, receipt_no: str) -> HttpResponse:
    case = selectors.case_for_user(request.user, receipt_no)
    return detail_response(request, case)


# ---------------------------------------------------------------------------------------
# Printed notices


@role_required(*access.VIEW_ROLES)
def case_print(request: HttpRequest, receipt_no: str, form: str, fmt: str) -> HttpResponse:
    """A notice of the case, as a printable page or as a PDF (A4, 申请人联 + 存根联)."""
    case = selectors.case_for_user(request.user, receipt_no)
    if form not in case_documents.available_forms(case) or fmt not in ("html", "pdf"):
        raise Http404("这个办件没有这种通知单。")
    password = password_for_print(request, case) if access.can_handle(request.user, case) else None
    document = case_documents.document_for(case, form, password=password, request=request)
    services.case_print_record(actor=request.user, case=case, form=case_documents.FORMS[form])
    title = f"{case_documents.FORMS[form]}-{case.receipt_no}"
    return _document_response(
        request, case, document, fmt, title, reverse("case_print", args=[case.receipt_no, form, "pdf"])
    )


@role_required(*access.VIEW_ROLES)
def case_extension_print(request: HttpRequest, receipt_no: str, number: int, fmt: str) -> HttpResponse:
    case = selectors.case_for_user(request.user, receipt_no)
    extension = (
        Extension.objects.select_related("requested_by__staff", "head_by__staff", "leader_by__staff")
        .filter(case=case, number=number)
        .first()
    )
    if extension is None or fmt not in ("html", "pdf"):
        raise Http404("没有这份延期申请表。")
    extension.case = case
    document = case_documents.extension_document(extension)
    services.case_print_record(actor=request.user, case=case, form=f"延期申请表（第{number}次）")
    return _document_response(
        request,
        case,
        document,
        fmt,
        f"办理事项延期申请表-{case.receipt_no}-{number}",
        reverse("case_extension_print", args=[case.receipt_no, number, "pdf"]),
    )


def _document_response(
    request: HttpRequest, case: Case, document: Any, fmt: str, title: str, pdf_url: str
) -> HttpResponse:
    from documents.render import pdf_response

    if fmt == "pdf":
        data = case_documents.render(document, as_pdf=True)
        assert isinstance(data, bytes)
        return pdf_response(data, f"{title}.pdf")
    page = case_documents.render(
        document, as_pdf=False, pdf_url=pdf_url, back_url=reverse("case_detail", args=[case.receipt_no])
    )
    response = HttpResponse(page)
    response["Cache-Control"] = "no-store"
    return response
