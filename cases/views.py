"""Staff pages of cases: the worklists, acceptance (from the served ticket or without
one), the case page with every step the person may take now, the printed notices, the
office's overdue report and the list of deadlines waiting for the calendar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.transitions import InvalidTransition
from cases import access, conf, selectors, services
from cases import documents as case_documents
from cases.forms import (
    AcceptForm,
    CompleteForm,
    DeliverForm,
    EscalateForm,
    ExplainForm,
    ExtensionRequestForm,
    HandoverForm,
    HeadOpinionForm,
    LeaderDecisionForm,
    NotifyForm,
    OpinionForm,
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
    Handover,
    HandoverStatus,
    MaterialStatus,
    Reminder,
)
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
from org.access import has_role, role_required
from org.models import Category, Role

SESSION_PASSWORDS = "cases-passwords"


# ---------------------------------------------------------------------------------------
# The password shown once, kept in the registering teller's session for printing


def _keep_password(request: HttpRequest, case: Case, password: str) -> None:
    kept = {k: v for k, v in request.session.get(SESSION_PASSWORDS, {}).items() if v[1] > clock.timestamp()}
    kept[case.receipt_no] = [password, clock.timestamp() + conf.print_password_seconds(), False]
    request.session[SESSION_PASSWORDS] = kept


def _password(request: HttpRequest, case: Case) -> str | None:
    entry = request.session.get(SESSION_PASSWORDS, {}).get(case.receipt_no)
    if entry is None or entry[1] < clock.timestamp():
        return None
    return str(entry[0])


def _password_banner(request: HttpRequest, case: Case) -> str | None:
    """The password on the page the first time only; printing keeps using it a while."""
    kept = request.session.get(SESSION_PASSWORDS, {})
    entry = kept.get(case.receipt_no)
    if entry is None or entry[1] < clock.timestamp() or entry[2]:
        return None
    entry[2] = True
    request.session[SESSION_PASSWORDS] = kept
    return str(entry[0])


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
        reminders=selectors.reminders_for(request.user),
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
# Acceptance


def _served_ticket(request: HttpRequest) -> tuple[Any, str]:
    """The ticket of ?ticket=ID when this teller is serving it now, else an explanation."""
    raw = request.GET.get("ticket") or request.POST.get("ticket") or ""
    if not raw:
        return None, ""
    from queueing.models import ACTIVE_CALL, Ticket

    ticket = (
        Ticket.objects.select_related("window", "branch").filter(pk=int(raw)).first()
        if raw.isdigit()
        else None
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
    status = 200
    if request.method == "POST":
        form = AcceptForm(request.POST, branch_id=staff.branch_id)
        if form.is_valid():
            try:
                registration = _register(request, form.cleaned_data, matter, version, ticket)
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status if exc.status >= 400 else 422
            else:
                case = registration.case
                if ticket_error:
                    messages.warning(request, ticket_error)
                if registration.password:
                    _keep_password(request, case, registration.password)
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
        form = AcceptForm(initial=initial, branch_id=staff.branch_id)
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
            reason=data["rejection_reason"],
            legal_basis=data["rejection_basis"],
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


# ---------------------------------------------------------------------------------------
# The case page and its actions


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


def _form(name: str, case: Case, data: Any = None) -> forms.Form:
    if name == "supplement":
        open_items = case.materials.select_related("material").filter(status=MaterialStatus.MISSING)
        choices = [
            (i.material.code, i.material.name + (f"（{i.note}）" if i.note else "")) for i in open_items
        ]
        return SupplementReceiveForm(data, choices=choices, prefix=name)
    if name == "handover":
        return HandoverForm(data, exclude_id=case.department_id, prefix=name)
    return FORMS[name](data, prefix=name)


def _detail_response(
    request: HttpRequest, case: Case, bound: dict[str, forms.Form] | None = None, *, status: int = 200
) -> HttpResponse:
    today = clock.today()
    params = selectors.params_of(case)
    parts = selectors.case_detail(case)
    perms = _permissions(request.user, case, parts)
    forms_ = {name: _form(name, case) for name in FORMS}
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
        "password": _password_banner(request, case),
        "password_printable": _password(request, case) is not None,
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
    return _detail_response(request, case)


def _yes(value: str) -> bool:
    return value == "yes"


ActionHandler = Callable[[HttpRequest, Case, dict[str, Any]], str]


def _do_supplement(request: HttpRequest, case: Case, d: dict[str, Any]) -> str:
    case = services.case_supplement_receive(
        actor=request.user, case=case, material_codes=d["codes"], note=d["note"]
    )
    if case.status == CaseStatus.ACCEPTED:
        return "材料已补齐，正式受理。请打印受理通知单交申请人。"
    return "已登记收到的补正材料。"


def _do_reject(request: HttpRequest, case: Case, d: dict[str, Any]) -> str:
    services.case_reject(
        actor=request.user,
        case=case,
        rejection=services.Rejection(d["reason"], d["legal_basis"], d["returned_materials"]),
    )
    return "已作出不予受理决定。请打印退回件通知单当场交付申请人。"


def _do_complete(request: HttpRequest, case: Case, d: dict[str, Any]) -> str:
    case = services.case_complete(
        actor=request.user,
        case=case,
        outcome=d["outcome"],
        result=d["result"],
        refusal_reason=d["refusal_reason"],
        transaction_no=d["transaction_no"],
        notify_method=d["notify_method"],
        notify_note=d["notify_note"],
        deliver_now=d["deliver_now"],
    )
    return "已办结" + ("并当场交付" if case.status == CaseStatus.DELIVERED else "") + "。请打印办结通知单。"


def _do_notify(request: HttpRequest, case: Case, d: dict[str, Any]) -> str:
    services.case_notify(actor=request.user, case=case, method=d["method"], note=d["note"])
    return "已登记告知申请人。"


def _do_deliver(request: HttpRequest, case: Case, d: dict[str, Any]) -> str:
    at = d.get("delivered_at")
    if at is not None and timezone.is_naive(at):
        at = timezone.make_aware(at)
    services.case_deliver(actor=request.user, case=case, method=d["method"], note=d["note"], delivered_at=at)
    return "已登记送达。"


def _do_extension(request: HttpRequest, case: Case, d: dict[str, Any]) -> str:
    ext = services.case_extension_request(
        actor=request.user,
        case=case,
        reason=d["reason"],
        requested_deadline=d["requested_deadline"],
        explained_to_applicant=d["explained"],
        explained_note=d["explained_note"],
    )
    late = "本申请在办结期限届满后提出，依照000 §五(二)5(2)视为超时办结。" if ext.late else ""
    return f"已提交延期申请，等待部门负责人签署意见。{late}"


def _pending(case: Case) -> Extension:
    ext = selectors.pending_extension(case)
    if ext is None:
        raise InvalidTransition("没有待审批的延期申请。")
    return ext


def _do_head(request: HttpRequest, case: Case, d: dict[str, Any]) -> str:
    services.case_extension_head_opinion(
        actor=request.user,
        extension=_pending(case),
        agree=_yes(d["agree"]),
        opinion=d["opinion"],
        granted_deadline=d["granted_deadline"],
    )
    return "已签署部门负责人意见。"


def _do_leader(request: HttpRequest, case: Case, d: dict[str, Any]) -> str:
    ext = services.case_extension_leader_decision(
        actor=request.user, extension=_pending(case), approve=_yes(d["approve"]), opinion=d["opinion"]
    )
    return (
        "已批准延期，办结期限已调整，已短信告知申请人。"
        if ext.status == ExtensionStatus.APPROVED
        else "已签署不同意延期。"
    )


def _do_handover(request: HttpRequest, case: Case, d: dict[str, Any]) -> str:
    rows = services.case_handover_register(
        actor=request.user,
        case=case,
        departments=d["departments"],
        limit_days=d["limit_days"],
        note=d["note"],
    )
    return f"已抄告{len(rows)}个相关部门。"


def _do_escalate(request: HttpRequest, case: Case, d: dict[str, Any]) -> str:
    esc = services.case_escalate(actor=request.user, case=case, authority=d["authority"], note=d["note"])
    return f"已转报{esc.authority}。{esc.explain_after:%Y-%m-%d} 前未批复的，须向中心作出书面解释。"


def _do_reply(request: HttpRequest, case: Case, d: dict[str, Any]) -> str:
    services.case_escalation_reply(actor=request.user, case=case, reply=d["reply"])
    return "已登记上级批复，请办结并告知申请人。"


def _do_explain(request: HttpRequest, case: Case, d: dict[str, Any]) -> str:
    services.case_escalation_explain(actor=request.user, case=case, explanation=d["explanation"])
    return "书面解释已提交中心。"


def _do_withdraw(request: HttpRequest, case: Case, d: dict[str, Any]) -> str:
    services.case_withdraw(actor=request.user, case=case, reason=d["reason"])
    return "已登记申请人撤回。"


def _do_review(request: HttpRequest, case: Case, d: dict[str, Any]) -> str:
    services.case_review_decide(
        actor=request.user, case=case, overturn=_yes(d["overturn"]), decision=d["decision"]
    )
    return "复核决定已作出，申请人可在办件查询页面看到。"


ACTIONS: dict[str, ActionHandler] = {
    "supplement": _do_supplement,
    "reject": _do_reject,
    "complete": _do_complete,
    "notify": _do_notify,
    "deliver": _do_deliver,
    "extension": _do_extension,
    "head": _do_head,
    "leader": _do_leader,
    "handover": _do_handover,
    "escalate": _do_escalate,
    "reply": _do_reply,
    "explain": _do_explain,
    "withdraw": _do_withdraw,
    "review": _do_review,
}


@role_required(*access.VIEW_ROLES)
@require_POST
def case_action(request: HttpRequest, receipt_no: str, action: str) -> HttpResponse:
    """One step of the case. The service checks the person's rights and the case's state;
    a refusal is shown on the case page with the form as it was filled in."""
    if action not in ACTIONS:
        raise Http404("没有这个操作。")
    case = selectors.case_for_user(request.user, receipt_no)
    form = _form(action, case, request.POST)
    if form.is_valid():
        try:
            message = ACTIONS[action](request, case, form.cleaned_data)
        except DomainError as exc:
            if exc.status == 403:
                raise PermissionDenied(exc.message) from None
            form.add_error(None, exc.message)
            case.refresh_from_db()
            return _detail_response(request, case, {action: form}, status=exc.status)
        messages.success(request, message)
        return redirect(reverse("case_detail", args=[case.receipt_no]) + f"#{action}")
    return _detail_response(request, case, {action: form}, status=422)


@role_required(*access.VIEW_ROLES)
@require_POST
def case_handover_action(request: HttpRequest, receipt_no: str, pk: int, step: str) -> HttpResponse:
    """A department involved gives its opinion, or the lead department withdraws a
    handover registered by mistake."""
    case = selectors.case_for_user(request.user, receipt_no)
    handover = Handover.objects.select_related("department", "case").filter(pk=pk, case=case).first()
    if handover is None or step not in ("answer", "cancel"):
        raise Http404("没有这个联办交接。")
    form: forms.Form = OpinionForm(request.POST) if step == "answer" else ReasonForm(request.POST)
    if form.is_valid():
        try:
            if step == "answer":
                services.case_handover_answer(
                    actor=request.user, handover=handover, opinion=form.cleaned_data["opinion"]
                )
                messages.success(request, f"{handover.department.name}的意见已反馈牵头部门。")
            else:
                services.case_handover_cancel(
                    actor=request.user, handover=handover, reason=form.cleaned_data["reason"]
                )
                messages.success(request, f"已撤销交接{handover.department.name}。")
        except DomainError as exc:
            if exc.status == 403:
                raise PermissionDenied(exc.message) from None
            messages.error(request, exc.message)
    else:
        messages.error(request, "请填写" + ("审批意见。" if step == "answer" else "撤销原因。"))
    return redirect(reverse("case_detail", args=[case.receipt_no]) + "#handovers")


@role_required(*access.VIEW_ROLES)
@require_POST
def case_password_reset(request: HttpRequest, receipt_no: str) -> HttpResponse:
    case = selectors.case_for_user(request.user, receipt_no)
    try:
        password = services.case_password_reset(actor=request.user, case=case)
    except DomainError as exc:
        raise PermissionDenied(exc.message) from None
    _keep_password(request, case, password)
    messages.success(request, "已重置查询密码，原密码作废。请将新密码告知申请人，或重新打印通知单。")
    return redirect("case_detail", receipt_no=case.receipt_no)


# ---------------------------------------------------------------------------------------
# Printed notices


@role_required(*access.VIEW_ROLES)
def case_print(request: HttpRequest, receipt_no: str, form: str, fmt: str) -> HttpResponse:
    """A notice of the case, as a printable page or as a PDF (A4, 申请人联 + 存根联)."""
    case = selectors.case_for_user(request.user, receipt_no)
    if form not in case_documents.available_forms(case) or fmt not in ("html", "pdf"):
        raise Http404("这个办件没有这种通知单。")
    password = _password(request, case) if access.can_handle(request.user, case) else None
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
        request.user, start=start, end=end, today=today, branch_id=int(branch) if branch.isdigit() else None
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
