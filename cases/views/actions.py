"""The steps taken on the case page: each form posted to its service, which checks the
person's rights and the case's state; a refusal is shown on the case page with the
form as it was filled in. The handover answers and the query password reset too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.transitions import InvalidTransition
from cases import access, selectors, services
from cases.forms import OpinionForm, ReasonForm
from cases.models import Case, CaseStatus, Extension, ExtensionStatus, Handover
from cases.views._session import keep_password
from cases.views.detail import detail_response, step_form
from common.errors import DomainError
from org.access import role_required


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
        rejection=services.Rejection(
            ground=d["ground"], reason=d["reason"], returned_materials=d["returned_materials"]
        ),
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
    form = step_form(action, case, request.POST)
    if form.is_valid():
        try:
            message = ACTIONS[action](request, case, form.cleaned_data)
        except DomainError as exc:
            if exc.status == 403:
                raise PermissionDenied(exc.message) from None
            form.add_error(None, exc.message)
            if exc.code == services.MISSING_MATERIALS_CODE:
                # Missing materials are a 补办件: point at the notice this case already has.
                form.supplement_link = (  # type: ignore[attr-defined]
                    reverse("case_print", args=[case.receipt_no, "supplement", "pdf"]),
                    "打印本办件的补办件通知单",
                )
            case.refresh_from_db()
            return detail_response(request, case, {action: form}, status=exc.status)
        messages.success(request, message)
        return redirect(reverse("case_detail", args=[case.receipt_no]) + f"#{action}")
    return detail_response(request, case, {action: form}, status=422)


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
    keep_password(request, case, password)
    messages.success(request, "已重置查询密码，原密码作废。请将新密码告知申请人，或重新打印通知单。")
    return redirect("case_detail", receipt_no=case.receipt_no)
