"""JSON API of cases, under /api/v1/cases.

Public (no authentication, rate-limited per address and per receipt number):
`POST /cases/query` with the receipt number and password in the body (never in the
address: it would land in access logs) — status, public timeline, deadline and next
step; `POST /cases/query/review` — ask for a review of a refusal to accept.

Staff (bearer token or session): the life cycle — register (accept / supplement /
reject), receive supplements, reject, hand over, forward, complete, tell, deliver,
extensions and their approval, review decisions. Each endpoint checks the role, the
branch (a case outside the caller's scope is a 404) and the state; refusals are 4xx
with a Chinese message a person can act on. Personal numbers are masked.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from audit.transitions import InvalidTransition
from cases import access, selectors, services
from cases.models import Case, Extension, Handover
from cases.views_public import case_lookup
from catalog.selectors import matter_by_code
from common import clock
from common.api import errors
from common.errors import DomainError
from common.identity import mask_id, mask_name, mask_phone
from org.access import require_roles
from org.auth import bearer_or_session
from org.models import Department, Window

router = Router()


# --- Output -----------------------------------------------------------------------------


class EventOut(Schema):
    at: datetime
    text: str


class PublicCaseOut(Schema):
    receipt_no: str
    matter_code: str
    matter_name: str
    handling_type: str
    promised: str
    branch: str
    status: str
    status_label: str
    received_on: date
    accepted_on: date | None
    deadline: date | None
    deadline_pending: bool
    due_state: str
    due_label: str
    next_step: str
    handler: str
    handler_phone: str
    outcome: str
    refusal_reason: str
    rejection_ground: str
    rejection_reason: str
    missing_materials: list[str]
    can_request_review: bool
    review_status: str
    review_decision: str
    timeline: list[EventOut]


class ExtensionOut(Schema):
    number: int
    status: str
    status_label: str
    reason: str
    original_deadline: date
    requested_deadline: date
    granted_deadline: date | None
    late: bool
    requested_at: datetime


class HandoverOut(Schema):
    id: int
    department: str
    status: str
    status_label: str
    registered_on: date
    limit_days: int
    due_on: date | None
    opinion: str


class EscalationOut(Schema):
    authority: str
    status: str
    forwarded_on: date
    explain_after: date
    needs_explanation: bool
    replied_at: datetime | None


class CaseSummaryOut(Schema):
    receipt_no: str
    status: str
    status_label: str
    matter_code: str
    matter_name: str
    handling_type: str
    promised_days: int
    branch: str
    department: str
    applicant_name: str  # masked for a person
    applicant_phone: str  # masked
    received_at: datetime
    deadline: date | None
    deadline_pending: bool
    due_state: str
    due_label: str
    first_responsible: str
    overdue: bool
    url: str


class CaseListOut(Schema):
    count: int
    items: list[CaseSummaryOut]


class CaseOut(CaseSummaryOut):
    version: str
    channel: str
    applicant_id: str  # masked
    ticket: str | None
    accepted_at: datetime | None
    promised_deadline: date | None
    rules_ref: str
    overdue_reasons: list[str]
    outcome: str
    result: str
    refusal_reason: str
    transaction_no: str
    decided_at: datetime | None
    notified_at: datetime | None
    delivery_method: str
    delivered_at: datetime | None
    rejection_ground: str
    rejection_ground_label: str
    rejection_reason: str
    rejection_basis: str
    missing_materials: list[str]
    extensions: list[ExtensionOut]
    handovers: list[HandoverOut]
    escalation: EscalationOut | None


class CreatedOut(CaseOut):
    query_password: str | None  # only in the answer that created the case
    replayed: bool


# --- Input ------------------------------------------------------------------------------


class ApplicantIn(Schema):
    name: str
    phone: str
    id_number: str = ""
    credit_code: str = ""
    agent_name: str = ""
    agent_id_number: str = ""
    agent_phone: str = ""


class MaterialIn(Schema):
    code: str
    status: Literal["received", "missing", "not_applicable"]
    note: str = ""


class RejectionIn(Schema):
    """不予受理: `ground` is the code of one legal ground (GET /cases/rejection-grounds),
    `reason` the explanation told to the applicant."""

    ground: str
    reason: str
    returned_materials: str = ""


class RejectionGroundOut(Schema):
    code: str
    label: str
    clause: str
    basis: str
    hint: str


class RejectionGroundsOut(Schema):
    grounds: list[RejectionGroundOut]
    not_a_ground: str


class CaseIn(Schema):
    matter_code: str
    applicant: ApplicantIn
    materials: list[MaterialIn]
    idempotency_key: uuid.UUID
    channel: Literal["counter", "mail", "online"] = "counter"
    ticket_id: int | None = None
    window_number: int | None = None
    delivery_method: Literal["pickup", "mail", "electronic"] = "pickup"
    delivery_address: str = ""
    note: str = ""
    rejection: RejectionIn | None = None


class SupplementIn(Schema):
    material_codes: list[str]
    note: str = ""


class CompleteIn(Schema):
    outcome: Literal["approved", "refused"]
    result: str
    refusal_reason: str = ""
    transaction_no: str = ""
    notify_method: Literal["", "in_person", "phone", "sms", "letter"] = ""
    notify_note: str = ""
    deliver_now: bool = False


class NotifyIn(Schema):
    method: Literal["in_person", "phone", "sms", "letter"]
    note: str = ""


class DeliverIn(Schema):
    method: Literal["pickup", "mail", "electronic"]
    note: str = ""
    delivered_at: datetime | None = None


class ExtensionIn(Schema):
    reason: str
    requested_deadline: date
    explained_to_applicant: bool
    explained_note: str = ""


class HeadOpinionIn(Schema):
    agree: bool
    opinion: str
    granted_deadline: date | None = None


class LeaderDecisionIn(Schema):
    approve: bool
    opinion: str


class HandoverIn(Schema):
    department_codes: list[str]
    limit_days: int
    note: str = ""


class OpinionIn(Schema):
    opinion: str


class EscalateIn(Schema):
    authority: str
    note: str = ""


class ReplyIn(Schema):
    reply: str


class ExplanationIn(Schema):
    explanation: str


class ReasonIn(Schema):
    reason: str


class ReviewDecisionIn(Schema):
    overturn: bool
    decision: str


class QueryIn(Schema):
    receipt_no: str = Field(max_length=30)
    password: str = Field(max_length=30)


class ReviewRequestIn(Schema):
    receipt_no: str
    password: str
    reason: str
    contact_phone: str = ""


# --- Helpers ----------------------------------------------------------------------------


def _due(case: Case) -> tuple[str, str]:
    params = selectors.params_of(case)
    due = selectors.due_of(case, today=clock.today(), due_soon_days=params.due_soon_working_days)
    return (str(due.state), due.text) if due else ("", "")


def _summary(case: Case, due: tuple[str, str] | None = None) -> dict[str, Any]:
    state, text = due if due is not None else _due(case)
    person = case.applicant_kind == "person"
    return {
        "receipt_no": case.receipt_no,
        "status": case.status,
        "status_label": case.get_status_display(),
        "matter_code": case.matter.code,
        "matter_name": case.version.name,
        "handling_type": case.handling_type,
        "promised_days": case.promised_days,
        "branch": case.branch.code,
        "department": case.department.name if case.department else "",
        "applicant_name": mask_name(case.applicant_name) if person else case.applicant_name,
        "applicant_phone": mask_phone(case.applicant_phone),
        "received_at": case.received_at,
        "deadline": case.deadline,
        "deadline_pending": case.deadline_pending,
        "due_state": state,
        "due_label": text,
        "first_responsible": case.first_responsible.name,
        "overdue": case.overdue,
        "url": reverse("case_detail", args=[case.receipt_no]),
    }


def _detail(case: Case) -> dict[str, Any]:
    parts = selectors.case_detail(case)
    escalation = parts["escalation"]
    return {
        **_summary(case),
        "version": case.version.ref,
        "channel": case.channel,
        "applicant_id": mask_id(case.applicant_id_number or case.applicant_credit_code),
        "ticket": case.ticket.display_number if case.ticket_id else None,  # type: ignore[union-attr]
        "accepted_at": case.accepted_at,
        "promised_deadline": case.promised_deadline,
        "rules_ref": case.rules_ref,
        "overdue_reasons": [f.text for f in parts["findings"]],
        "outcome": case.outcome,
        "result": case.result,
        "refusal_reason": case.refusal_reason,
        "transaction_no": case.transaction_no,
        "decided_at": case.decided_at,
        "notified_at": case.notified_at,
        "delivery_method": case.delivery_method,
        "delivered_at": case.delivered_at,
        "rejection_ground": case.rejection_ground,
        "rejection_ground_label": case.rejection_ground_label,
        "rejection_reason": case.rejection_reason,
        "rejection_basis": case.rejection_basis,
        "missing_materials": [m.material.name for m in parts["materials"] if m.status == "missing"],
        "extensions": [
            {
                "number": e.number,
                "status": e.status,
                "status_label": e.get_status_display(),
                "reason": e.reason,
                "original_deadline": e.original_deadline,
                "requested_deadline": e.requested_deadline,
                "granted_deadline": e.granted_deadline,
                "late": e.late,
                "requested_at": e.requested_at,
            }
            for e in parts["extensions"]
        ],
        "handovers": [
            {
                "id": h.pk,
                "department": h.department.name,
                "status": h.status,
                "status_label": h.get_status_display(),
                "registered_on": h.registered_on,
                "limit_days": h.limit_days,
                "due_on": h.due_on,
                "opinion": h.opinion,
            }
            for h in parts["handovers"]
        ],
        "escalation": None
        if escalation is None
        else {
            "authority": escalation.authority,
            "status": escalation.status,
            "forwarded_on": escalation.forwarded_on,
            "explain_after": escalation.explain_after,
            "needs_explanation": selectors.escalation_needs_explanation(escalation, clock.today()),
            "replied_at": escalation.replied_at,
        },
    }


def _staff(request: HttpRequest) -> None:
    require_roles(request.user, access.VIEW_ROLES)


def _case(request: HttpRequest, receipt_no: str) -> Case:
    _staff(request)
    return selectors.case_for_user(request.user, receipt_no)


def _fresh(case: Case) -> dict[str, Any]:
    return _detail(selectors.case_for_user_unscoped(case.pk))


def _extension(case: Case, number: int) -> Extension:
    extension = Extension.objects.filter(case=case, number=number).first()
    if extension is None:
        raise DomainError(f"本办件没有第{number}次延期申请。", code="not_found", status=404)
    extension.case = case
    return extension


ERRORS = errors(400, 401, 403, 404, 409, 422)


# --- Public -----------------------------------------------------------------------------


def _public(case: Case) -> dict[str, Any]:
    view = selectors.public_view(case, today=clock.today())
    review = view["review"]
    return {
        **{k: view[k] for k in PublicCaseOut.model_fields if k in view},
        "missing_materials": [m["name"] for m in view["missing"]],
        "review_status": review.status_label if review else "",
        "review_decision": review.decision if review else "",
        "timeline": view["timeline"],
    }


@router.post(
    "/cases/query",
    response={200: PublicCaseOut, **errors(404, 422, 429)},
    summary="办件查询（申请人凭受理编号和查询密码）",
    description=(
        "无需认证。受理编号和查询密码放在请求体中（不放在地址里，以免进入访问日志）。"
        "返回办理状态、办结期限、下一步和申请人可见的办理过程（不含内部意见）。"
        "受理编号不存在和查询密码错误返回同样的404。按来源地址限制频率；同一受理编号在同一地址"
        "连续查询失败后需等待，等待时间逐次加长（429，message 说明等多久）。"
    ),
)
def case_query(request: HttpRequest, payload: QueryIn) -> Status:
    return Status(200, _public(case_lookup(request, payload.receipt_no, payload.password)))


@router.post(
    "/cases/query/review",
    response={201: PublicCaseOut, **errors(404, 409, 422, 429)},
    summary="申请复核不予受理决定（申请人）",
    description="无需认证，须提供受理编号和查询密码；每个办件只能申请一次复核。",
)
def case_review_request(request: HttpRequest, payload: ReviewRequestIn) -> Status:
    case = case_lookup(request, payload.receipt_no, payload.password)
    if case.status != "rejected":
        raise InvalidTransition("只有不予受理的办件可以申请复核。")
    services.case_review_request(case=case, reason=payload.reason, contact_phone=payload.contact_phone)
    case.refresh_from_db()
    return Status(201, _public(case))


# --- Staff ------------------------------------------------------------------------------


@router.get(
    "/cases",
    auth=bearer_or_session,
    response={200: CaseListOut, **ERRORS},
    summary="办件列表（工作清单）",
    description=(
        "view：mine 我的办件、today 今日到期、soon 即将到期、overdue 已超时、supplement 待补正、"
        "joint 等待相关部门、handovers 交我部门联办、escalated 等待上级批复、explain 待书面解释、"
        "extensions 待审批延期、deliver 待送达、review 复核申请、pending 期限待日历、all 全部。"
        "q 按受理编号、申请人、事项名称或编码查找。最多返回200条；申请人信息脱敏。"
    ),
)
def case_list(request: HttpRequest, view: str = "all", q: str = "") -> dict[str, Any]:
    _staff(request)
    if view not in selectors.VIEW_KEYS:
        raise DomainError(
            "view：无效的清单名称，可用：" + "、".join(sorted(selectors.VIEW_KEYS)) + "。",
            code="invalid_input",
        )
    rows = selectors.worklist(request.user, view, today=clock.today(), q=q[:50])
    items = []
    for case in rows:
        due = getattr(case, "due", None)
        items.append(_summary(case, (str(due.state), due.text) if due else ("", "")))
    return {"count": len(items), "items": items}


@router.post(
    "/cases",
    auth=bearer_or_session,
    response={200: CreatedOut, 201: CreatedOut, **ERRORS},
    summary="受理登记（受理 / 补办件 / 不予受理）",
    description=(
        "柜员、部门负责人登记申请（管理部取其所属管理部）。materials 须覆盖该事项现行办事指南的全部材料"
        "（code 见 GET /matters/{code}）；有 missing 的出具补办件通知单，全部 received 的受理并计算办结期限；"
        "带 rejection 的不予受理（ground 为一种法定情形，理由不得是材料不全，"
        "见 GET /cases/rejection-grounds）。idempotency_key 为客户端生成的UUID："
        "同一键重复提交返回已登记的办件（200，replayed=true，不再返回查询密码）。"
        "ticket_id 为本人窗口正在办理的排队号。"
    ),
)
def case_create(request: HttpRequest, payload: CaseIn) -> Status:
    _staff(request)
    if not access.can_accept(request.user):
        raise DomainError("只有有所属管理部的柜员或部门负责人可以受理办件。", code="forbidden", status=403)
    staff = request.user.staff  # type: ignore[union-attr]
    try:
        matter = matter_by_code(payload.matter_code)
    except Http404:
        raise DomainError(
            f"matter_code：没有编码为 {payload.matter_code[:20]} 的服务事项。", code="not_found", status=404
        ) from None
    ticket = None
    if payload.ticket_id is not None:
        from queueing.models import Ticket

        ticket = Ticket.objects.select_related("window").filter(pk=payload.ticket_id).first()
        if ticket is None:
            raise DomainError("ticket_id：没有这个排队号。", code="not_found", status=404)
    window = None
    if payload.window_number is not None:
        window = Window.objects.filter(branch_id=staff.branch_id or 0, number=payload.window_number).first()
        if window is None:
            raise DomainError(
                f"window_number：本管理部没有 {payload.window_number} 号窗口。", code="invalid_input"
            )
    rejection = None
    if payload.rejection is not None:
        rejection = _rejection(payload.rejection)
    registration = services.case_register(
        actor=request.user,  # type: ignore[arg-type]
        matter=matter,
        applicant=services.ApplicantData(**payload.applicant.dict()),
        marks={m.code: services.MaterialMark(m.status, m.note) for m in payload.materials},
        idempotency_key=payload.idempotency_key,
        channel=payload.channel,
        ticket=ticket,
        window=window,
        delivery_method=payload.delivery_method,
        delivery_address=payload.delivery_address,
        note=payload.note,
        rejection=rejection,
    )
    body = {
        **_fresh(registration.case),
        "query_password": registration.password,
        "replayed": not registration.created,
    }
    return Status(201 if registration.created else 200, body)


@router.get(
    "/cases/rejection-grounds",
    auth=bearer_or_session,
    response={200: RejectionGroundsOut, **ERRORS},
    summary="不予受理的法定情形",
    description="限时办结规则集（今天生效的版本）列出的不予受理情形；"
    "登记或不予受理时 ground 取其中一个 code。",
)
def case_rejection_grounds(request: HttpRequest) -> dict[str, Any]:
    _staff(request)
    return {
        "grounds": [g.model_dump() for g in selectors.rejection_grounds(clock.today())],
        "not_a_ground": "材料不齐全或不符合法定形式的，"
        "出具补办件通知单（000 §五(二)2(2)；002 篇5 §二4、5）。",
    }


@router.get(
    "/cases/{receipt_no}",
    auth=bearer_or_session,
    response={200: CaseOut, **ERRORS},
    summary="办件详情",
)
def case_detail(request: HttpRequest, receipt_no: str) -> dict[str, Any]:
    return _detail(_case(request, receipt_no))


@router.post(
    "/cases/{receipt_no}/supplement",
    auth=bearer_or_session,
    response={200: CaseOut, **ERRORS},
    summary="登记补正材料（补齐后正式受理）",
    description="只能登记补办件通知单所列的材料；最后一项收到之日为正式受理之日，办理时限从次日起计算。",
)
def case_supplement(request: HttpRequest, receipt_no: str, payload: SupplementIn) -> dict[str, Any]:
    case = services.case_supplement_receive(
        actor=request.user,
        case=_case(request, receipt_no),
        material_codes=payload.material_codes,
        note=payload.note,
    )
    return _fresh(case)


@router.post(
    "/cases/{receipt_no}/reject",
    auth=bearer_or_session,
    response={200: CaseOut, **ERRORS},
    summary="不予受理（待补正的申请）",
    description=(
        "ground 为一种法定情形的代码（GET /cases/rejection-grounds），reason 为具体理由。"
        "材料不齐全或不符合法定形式不是不予受理的情形（000 §五(二)2(2)；002 篇5 §二4、5）："
        "理由写的是材料问题的，"
        "返回422 missing_materials_not_a_reason 和 supplement_notice（本办件补办件通知单的地址）。"
    ),
)
def case_reject(request: HttpRequest, receipt_no: str, payload: RejectionIn) -> dict[str, Any]:
    case = _case(request, receipt_no)
    try:
        case = services.case_reject(actor=request.user, case=case, rejection=_rejection(payload))
    except DomainError as exc:
        if exc.code == services.MISSING_MATERIALS_CODE:
            exc.extra["supplement_notice"] = reverse(
                "case_print", args=[case.receipt_no, "supplement", "pdf"]
            )
        raise
    return _fresh(case)


def _rejection(payload: RejectionIn) -> services.Rejection:
    return services.Rejection(
        ground=payload.ground, reason=payload.reason, returned_materials=payload.returned_materials
    )


@router.post(
    "/cases/{receipt_no}/handovers",
    auth=bearer_or_session,
    response={200: CaseOut, **ERRORS},
    summary="联办：抄告相关部门",
    description=(
        "department_codes 为处室代码；各部门的时限自交接登记当日起按工作日计算，不得晚于办件的办结期限。"
    ),
)
def case_handover(request: HttpRequest, receipt_no: str, payload: HandoverIn) -> dict[str, Any]:
    case = _case(request, receipt_no)
    departments = list(Department.objects.filter(code__in=payload.department_codes, is_active=True))
    unknown = sorted(set(payload.department_codes) - {d.code for d in departments})
    if unknown:
        raise DomainError(f"department_codes：没有这些处室：{'、'.join(unknown)}。", code="invalid_input")
    services.case_handover_register(
        actor=request.user,
        case=case,
        departments=departments,
        limit_days=payload.limit_days,
        note=payload.note,
    )
    return _fresh(case)


@router.post(
    "/cases/{receipt_no}/handovers/{handover_id}/opinion",
    auth=bearer_or_session,
    response={200: CaseOut, **ERRORS},
    summary="联办：相关部门反馈意见",
)
def case_handover_opinion(
    request: HttpRequest, receipt_no: str, handover_id: int, payload: OpinionIn
) -> dict[str, Any]:
    case = _case(request, receipt_no)
    handover = Handover.objects.select_related("department").filter(pk=handover_id, case=case).first()
    if handover is None:
        raise DomainError("没有这个联办交接。", code="not_found", status=404)
    services.case_handover_answer(actor=request.user, handover=handover, opinion=payload.opinion)
    return _fresh(case)


@router.post(
    "/cases/{receipt_no}/escalation",
    auth=bearer_or_session,
    response={200: CaseOut, **ERRORS},
    summary="上报件：转报上级",
)
def case_escalate(request: HttpRequest, receipt_no: str, payload: EscalateIn) -> dict[str, Any]:
    case = _case(request, receipt_no)
    services.case_escalate(actor=request.user, case=case, authority=payload.authority, note=payload.note)
    return _fresh(case)


@router.post(
    "/cases/{receipt_no}/escalation/reply",
    auth=bearer_or_session,
    response={200: CaseOut, **ERRORS},
    summary="上报件：登记上级批复",
)
def case_escalation_reply(request: HttpRequest, receipt_no: str, payload: ReplyIn) -> dict[str, Any]:
    case = _case(request, receipt_no)
    services.case_escalation_reply(actor=request.user, case=case, reply=payload.reply)
    return _fresh(case)


@router.post(
    "/cases/{receipt_no}/escalation/explanation",
    auth=bearer_or_session,
    response={200: CaseOut, **ERRORS},
    summary="上报件：超过批复期限向中心作出书面解释",
)
def case_escalation_explain(request: HttpRequest, receipt_no: str, payload: ExplanationIn) -> dict[str, Any]:
    case = _case(request, receipt_no)
    services.case_escalation_explain(actor=request.user, case=case, explanation=payload.explanation)
    return _fresh(case)


@router.post(
    "/cases/{receipt_no}/extensions",
    auth=bearer_or_session,
    response={200: CaseOut, **ERRORS},
    summary="申请延期（办理事项延期申请表）",
    description="须已向办事职工解释说明；办结期限届满后才提出的照常登记，但视为超时办结（000 §五(二)5(2)）。",
)
def case_extension_request(request: HttpRequest, receipt_no: str, payload: ExtensionIn) -> dict[str, Any]:
    case = _case(request, receipt_no)
    services.case_extension_request(
        actor=request.user,
        case=case,
        reason=payload.reason,
        requested_deadline=payload.requested_deadline,
        explained_to_applicant=payload.explained_to_applicant,
        explained_note=payload.explained_note,
    )
    return _fresh(case)


@router.post(
    "/cases/{receipt_no}/extensions/{number}/head",
    auth=bearer_or_session,
    response={200: CaseOut, **ERRORS},
    summary="延期：部门负责人签署意见（规定延期时限）",
)
def case_extension_head(
    request: HttpRequest, receipt_no: str, number: int, payload: HeadOpinionIn
) -> dict[str, Any]:
    case = _case(request, receipt_no)
    services.case_extension_head_opinion(
        actor=request.user,
        extension=_extension(case, number),
        agree=payload.agree,
        opinion=payload.opinion,
        granted_deadline=payload.granted_deadline,
    )
    return _fresh(case)


@router.post(
    "/cases/{receipt_no}/extensions/{number}/leader",
    auth=bearer_or_session,
    response={200: CaseOut, **ERRORS},
    summary="延期：分管领导审批（批准后办结期限顺延并告知申请人）",
)
def case_extension_leader(
    request: HttpRequest, receipt_no: str, number: int, payload: LeaderDecisionIn
) -> dict[str, Any]:
    case = _case(request, receipt_no)
    services.case_extension_leader_decision(
        actor=request.user,
        extension=_extension(case, number),
        approve=payload.approve,
        opinion=payload.opinion,
    )
    return _fresh(case)


@router.post(
    "/cases/{receipt_no}/complete",
    auth=bearer_or_session,
    response={200: CaseOut, **ERRORS},
    summary="办结（准予办理 / 不予批准）",
    description=(
        "不予批准的须写明理由；notify_method 为告知申请人的方式（sms 发送短信）；deliver_now 当场交付。"
    ),
)
def case_complete(request: HttpRequest, receipt_no: str, payload: CompleteIn) -> dict[str, Any]:
    case = _case(request, receipt_no)
    services.case_complete(actor=request.user, case=case, **payload.dict())
    return _fresh(case)


@router.post(
    "/cases/{receipt_no}/notify",
    auth=bearer_or_session,
    response={200: CaseOut, **ERRORS},
    summary="登记告知申请人办理结果",
)
def case_notify(request: HttpRequest, receipt_no: str, payload: NotifyIn) -> dict[str, Any]:
    case = _case(request, receipt_no)
    services.case_notify(actor=request.user, case=case, method=payload.method, note=payload.note)
    return _fresh(case)


@router.post(
    "/cases/{receipt_no}/deliver",
    auth=bearer_or_session,
    response={200: CaseOut, **ERRORS},
    summary="登记送达（窗口领取 / 邮寄 / 电子送达）",
)
def case_deliver(request: HttpRequest, receipt_no: str, payload: DeliverIn) -> dict[str, Any]:
    case = _case(request, receipt_no)
    at = payload.delivered_at
    if at is not None and timezone.is_naive(at):
        at = timezone.make_aware(at)
    services.case_deliver(
        actor=request.user, case=case, method=payload.method, note=payload.note, delivered_at=at
    )
    return _fresh(case)


@router.post(
    "/cases/{receipt_no}/withdraw",
    auth=bearer_or_session,
    response={200: CaseOut, **ERRORS},
    summary="登记申请人撤回申请",
)
def case_withdraw(request: HttpRequest, receipt_no: str, payload: ReasonIn) -> dict[str, Any]:
    case = _case(request, receipt_no)
    services.case_withdraw(actor=request.user, case=case, reason=payload.reason)
    return _fresh(case)


@router.post(
    "/cases/{receipt_no}/review/decision",
    auth=bearer_or_session,
    response={200: CaseOut, **ERRORS},
    summary="复核决定（业务管理处、中心领导）",
)
def case_review_decide(request: HttpRequest, receipt_no: str, payload: ReviewDecisionIn) -> dict[str, Any]:
    case = _case(request, receipt_no)
    services.case_review_decide(
        actor=request.user, case=case, overturn=payload.overturn, decision=payload.decision
    )
    return _fresh(case)
