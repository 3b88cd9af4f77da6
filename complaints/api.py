"""投诉 API: the public H5 page files a complaint and follows it (no login,
rate-limited); the 12329 hotline system and the office register complaints with a
token; lists and details for whoever may see them; the analysis; and the inputs
of the appraisal (valid complaints, fines, sanctions of a staff member)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja import Status as HttpStatus

from common import ratelimit
from common.actors import staff_of
from common.api import errors
from common.errors import DomainError
from common.identity import mask_name, mask_phone
from common.periods import Period
from common.request import client_ip
from common.schema_types import Phone
from complaints import selectors, services
from complaints.analysis import complaint_analysis, percent, withheld_for
from complaints.conf import lookup_gate, public_submit_limit, repeat_window_days
from complaints.models import Channel, Complaint, ContactPreference, Status
from complaints.views_public import TOO_MANY, WRONG
from org.access import require_roles
from org.auth import bearer_or_session
from org.models import Branch, Department, Role, Staff, Window

router = Router()

Contact = Literal["phone", "sms", "email", "letter", "online"]


class ComplaintFields(Schema):
    subject: str
    content: str
    anonymous: bool = False
    complainant_name: str = ""
    complainant_phone: Phone | None = None
    complainant_email: str = ""
    complainant_address: str = ""
    complainant_unit: str = ""
    contact_preference: Contact = "phone"
    occurred_on: date | None = None
    place: str = ""
    branch_code: str | None = None
    window_number: int | None = None
    staff_no: str | None = None
    staff_description: str = ""
    matter: str = ""
    matter_code: str = ""
    scope_codes: list[str] = []
    suggestion: str = ""


class PublicComplaintIn(ComplaintFields):
    pass


class StaffComplaintIn(ComplaintFields):
    channel: Literal[
        "letter", "phone", "hotline", "visit", "web", "email", "office_transfer", "hotline_transfer"
    ]
    received_at: datetime | None = None
    external_ref: str = ""
    department_code: str | None = None
    related_kind: Literal["ticket", "case", "rating", "inquiry", "hotline", "other", ""] = ""
    related_ref: str = ""


class ReceiptOut(Schema):
    no: str
    query_password: str
    status: str
    reply_due: date | None
    deadline_pending: bool


class ComplaintLookupIn(Schema):
    no: str
    query_password: str


class PublicStepOut(Schema):
    at: datetime
    text: str


class PublicStatusOut(Schema):
    no: str
    subject: str
    received_at: datetime
    status: str
    reply_due: date | None
    steps: list[PublicStepOut]


class ComplaintOut(Schema):
    no: str
    channel: str
    channel_label: str
    received_at: datetime
    anonymous: bool
    complainant_name: str
    complainant_phone: str
    subject: str
    status: str
    status_label: str
    class_code: str
    is_valid: bool
    round: int
    reply_due: date | None
    deadline_pending: bool
    flags: list[str]
    branch: str | None
    responsible_department: str | None
    owner: str | None
    rules_ref: str


class ComplaintDetailOut(ComplaintOut):
    content: str
    complainant_email: str
    contact_preference: str
    scope_codes: list[str]
    related_kind: str
    related_ref: str
    responsible_staff: list[str]
    verified_on: date | None


class QualityOut(Schema):
    label: str
    count: int
    valid: int
    major: int
    on_time_rate: str
    satisfaction_rate: str
    reopened: int


class CountOut(Schema):
    label: str
    count: int


class RepeatOut(Schema):
    reason: str
    key: str
    complaints: list[str]


class AnalysisOut(Schema):
    start: date
    end: date
    window_days: int
    total: QualityOut
    by_department: list[QualityOut]
    by_branch: list[QualityOut]
    by_scope: list[CountOut]
    by_class: list[CountOut]
    satisfaction: list[CountOut]
    hot_matters: list[CountOut]
    repeats: list[RepeatOut]
    suggestions: int


class PenaltyOut(Schema):
    complaint_no: str
    on: date
    what: str
    amount_yuan: int
    nth: int | None
    rules_ref: str


class ComplaintAppraisalOut(Schema):
    staff_no: str
    start: date
    end: date
    valid_complaints: list[str]
    vetoed: bool
    fines: list[PenaltyOut]
    sanctions: list[PenaltyOut]


def _limited(key: str, limit: tuple[int, int]) -> None:
    """One attempt under `key` (the keys the public pages count under too)."""
    if not ratelimit.hit(key, limit=limit[0], window_seconds=limit[1]):
        raise DomainError(TOO_MANY, code="rate_limited", status=429)


def _where(payload: ComplaintFields) -> dict:
    branch = None
    if payload.branch_code:
        branch = Branch.objects.filter(code=payload.branch_code, is_active=True).first()
        if branch is None:
            raise DomainError(
                f"branch_code：没有代码为 {payload.branch_code} 的管理部。", code="invalid_input"
            )
    window = None
    if payload.window_number is not None:
        if branch is None:
            raise DomainError("window_number：填写窗口号时须同时填写 branch_code。", code="invalid_input")
        window = Window.objects.filter(branch=branch, number=payload.window_number).first()
        if window is None:
            raise DomainError(
                f"window_number：{branch.name}没有{payload.window_number}号窗口。", code="invalid_input"
            )
    staff = None
    if payload.staff_no:
        staff = Staff.objects.filter(staff_no=payload.staff_no).first()
        if staff is None:
            raise DomainError(f"staff_no：没有工号为 {payload.staff_no} 的工作人员。", code="invalid_input")
    return {
        "subject": payload.subject,
        "content": payload.content,
        "anonymous": payload.anonymous,
        "complainant_name": payload.complainant_name,
        "complainant_phone": payload.complainant_phone or "",
        "complainant_email": payload.complainant_email,
        "complainant_address": payload.complainant_address,
        "complainant_unit": payload.complainant_unit,
        "contact_preference": ContactPreference(payload.contact_preference),
        "occurred_on": payload.occurred_on,
        "place": payload.place,
        "branch": branch,
        "window": window,
        "staff": staff,
        "staff_description": payload.staff_description,
        "matter": payload.matter,
        "matter_code": payload.matter_code,
        "scope_codes": payload.scope_codes,
        "suggestion": payload.suggestion,
    }


def _receipt(complaint: Complaint, password: str) -> dict:
    return {
        "no": complaint.no,
        "query_password": password,
        "status": complaint.public_status,
        "reply_due": complaint.reply_due,
        "deadline_pending": complaint.deadline_pending,
    }


def _out(c: Complaint) -> dict:
    return {
        "no": c.no,
        "channel": c.channel,
        "channel_label": Channel(c.channel).label,
        "received_at": c.received_at,
        "anonymous": c.anonymous,
        "complainant_name": "" if c.anonymous else mask_name(c.complainant_name),
        "complainant_phone": mask_phone(c.complainant_phone),
        "subject": c.subject,
        "status": c.status,
        "status_label": Status(c.status).label,
        "class_code": c.class_code,
        "is_valid": c.is_valid,
        "round": c.round,
        "reply_due": c.reply_due,
        "deadline_pending": c.deadline_pending,
        "flags": [text for _, text in selectors.deadline_flags(c)],
        "branch": c.branch.name if c.branch else None,
        "responsible_department": c.responsible_department.name if c.responsible_department else None,
        "owner": c.owner.name if c.owner else None,
        "rules_ref": c.rules_ref,
    }


@router.post(
    "/complaints/public",
    response={201: ReceiptOut, **errors(422, 429)},
    summary="网上投诉（公众，无需登录）",
    description="返回投诉编号和查询密码（只返回这一次）。按客户端地址限制频率。",
)
def complaint_public_create(request: HttpRequest, payload: PublicComplaintIn) -> HttpStatus[dict]:
    _limited(f"complaint-submit:{client_ip(request) or 'unknown'}", public_submit_limit())
    complaint, password = services.complaint_submit_public(**_where(payload))
    return HttpStatus(201, _receipt(complaint, password))


@router.post(
    "/complaints/public/status",
    response={200: PublicStatusOut, **errors(404, 429)},
    summary="凭投诉编号和查询密码查询进度（公众）",
    description="编号不存在和密码错误的回答相同。只返回投诉人可见的办理情况，不含内部意见。",
)
def complaint_public_status(request: HttpRequest, payload: ComplaintLookupIn) -> dict:
    gate = lookup_gate()
    refusal = gate.refusal(request, payload.no)
    if refusal is not None:
        raise DomainError(refusal, code="rate_limited", status=429)
    complaint = services.complaint_public_lookup(payload.no, payload.query_password)
    gate.record(request, payload.no, found=complaint is not None)
    if complaint is None:
        raise DomainError(WRONG, code="not_found", status=404)
    return {
        "no": complaint.no,
        "subject": complaint.subject,
        "received_at": complaint.received_at,
        "status": complaint.public_status,
        "reply_due": complaint.effective_due if complaint.awaiting_reply else None,
        "steps": [
            {"at": e.at, "text": e.public_note}
            for e in complaint.events.exclude(public_note="").order_by("at", "id")
        ],
    }


@router.post(
    "/complaints",
    response={201: ReceiptOut, **errors(403, 422)},
    auth=bearer_or_session,
    summary="登记投诉（业务管理处、12329热线系统）",
)
def complaint_create(request: HttpRequest, payload: StaffComplaintIn) -> HttpStatus[dict]:
    require_roles(request.user, [Role.OFFICE])
    department = None
    if payload.department_code:
        department = Department.objects.filter(code=payload.department_code).first()
        if department is None:
            raise DomainError(
                f"department_code：没有代码为 {payload.department_code} 的处室。", code="invalid_input"
            )
    complaint, password = services.complaint_register(
        actor=request.user,
        channel=Channel(payload.channel),
        received_at=payload.received_at,
        external_ref=payload.external_ref,
        department=department,
        related_kind=payload.related_kind,
        related_ref=payload.related_ref,
        **_where(payload),
    )
    return HttpStatus(201, _receipt(complaint, password))


@router.get(
    "/complaints",
    response={200: list[ComplaintOut], **errors(403)},
    auth=bearer_or_session,
    summary="投诉列表（投诉人信息已脱敏）",
)
def complaint_list(
    request: HttpRequest,
    view: Literal["todo", "open", "due_soon", "overdue", "pending_calendar", "closed", "all"] = "open",
    year: int | None = Query(None, ge=2000, le=2100),
) -> list[dict]:
    return [_out(c) for c in selectors.complaint_list(request.user, view=view, year=year)]


@router.get(
    "/complaints/analysis",
    response={200: AnalysisOut, **errors(403, 422)},
    auth=bearer_or_session,
    summary="投诉汇总分析（§五(四)12）",
    description="year，或 start 与 end（含）；window 为重复投诉的判定窗口（天）。",
)
def complaint_analysis_api(
    request: HttpRequest,
    year: int | None = Query(None, ge=2000, le=2100),
    start: date | None = None,
    end: date | None = None,
    window: int | None = Query(None, ge=1, le=366),
) -> dict:
    require_roles(request.user, [Role.OFFICE, Role.LEADER])
    if start and end:
        if end < start:
            raise DomainError("end 不能早于 start。", code="invalid_input")
        period = Period(start, end)
    elif year:
        period = Period.year(year)
    else:
        raise DomainError("请给出 year，或同时给出 start 和 end。", code="invalid_input")
    report = withheld_for(
        complaint_analysis(period, window_days=window or repeat_window_days()), staff_of(request.user)
    )

    def quality(label: str, q: object) -> dict:
        return {
            "label": label,
            "count": q.count,  # type: ignore[attr-defined]
            "valid": q.valid,  # type: ignore[attr-defined]
            "major": q.major,  # type: ignore[attr-defined]
            "on_time_rate": percent(q.on_time_rate),  # type: ignore[attr-defined]
            "satisfaction_rate": percent(q.satisfaction_rate),  # type: ignore[attr-defined]
            "reopened": q.reopened,  # type: ignore[attr-defined]
        }

    return {
        "start": period.start,
        "end": period.end,
        "window_days": report.window_days,
        "total": quality("合计", report.total),
        "by_department": [quality(g.label, g.quality) for g in report.by_department],
        "by_branch": [quality(g.label, g.quality) for g in report.by_branch],
        "by_scope": [{"label": k, "count": n} for k, n in report.by_scope],
        "by_class": [{"label": k, "count": n} for k, n in report.by_class],
        "satisfaction": [{"label": k, "count": n} for k, n in report.satisfaction],
        "hot_matters": [{"label": k, "count": n} for k, n in report.hot_matters],
        "repeats": [
            {"reason": r.reason, "key": r.key, "complaints": [c.no for c in r.complaints]}
            for r in report.repeats
        ],
        "suggestions": len(report.suggestions),
    }


@router.get(
    "/complaints/appraisal/{staff_no}",
    response={200: ComplaintAppraisalOut, **errors(403, 422)},
    auth=bearer_or_session,
    summary="工作人员的有效投诉、处罚和处理措施（考核输入）",
    description="有效投诉按查实日期计入期间（一票否决看该季度）；处罚和处理措施只含有效的（未撤销）。",
)
def complaint_appraisal(request: HttpRequest, staff_no: str, start: date, end: date) -> dict:
    require_roles(request.user, [Role.OFFICE, Role.LEADER])
    staff = Staff.objects.filter(staff_no=staff_no).first()
    if staff is None:
        raise DomainError(f"没有工号为 {staff_no} 的工作人员。", code="invalid_input")
    if end < start:
        raise DomainError("end 不能早于 start。", code="invalid_input")
    period = Period(start, end)
    valid = list(selectors.valid_complaints_against(staff, period).values_list("no", flat=True))
    return {
        "staff_no": staff.staff_no,
        "start": start,
        "end": end,
        "valid_complaints": valid,
        "vetoed": bool(valid),
        "fines": [
            {
                "complaint_no": f.complaint.no,
                "on": f.verified_on,
                "what": "、".join(f.consequences) or f"{f.amount_yuan}元",
                "amount_yuan": f.amount_yuan,
                "nth": f.nth,
                "rules_ref": f.rules_ref,
            }
            for f in selectors.fines_for(staff, period)
        ],
        "sanctions": [
            {
                "complaint_no": s.complaint.no,
                "on": s.decided_on,
                "what": s.label,
                "amount_yuan": 0,
                "nth": None,
                "rules_ref": s.rules_ref,
            }
            for s in selectors.sanctions_against(staff, period)
        ],
    }


@router.get(
    "/complaints/{no}",
    response={200: ComplaintDetailOut, **errors(404)},
    auth=bearer_or_session,
    summary="一件投诉（业务管理处、中心领导、责任部门）",
)
def complaint_detail(request: HttpRequest, no: str) -> dict:
    c = selectors.complaint_for_user(request.user, no)
    # Contacts stay masked here as in lists; the page reveals them on request, logged.
    return _out(c) | {
        "content": c.content,
        "complainant_email": "已登记" if c.complainant_email else "",
        "contact_preference": c.contact_preference,
        "scope_codes": c.scope_codes,
        "related_kind": c.related_kind,
        "related_ref": c.related_ref,
        "responsible_staff": [s.staff_no for s in c.responsible_staff.all()],
        "verified_on": c.verified_on,
    }
