"""首问负责 API: counter tablets and the 12329 hotline system log inquiries; the
worklist of open hand-overs; breaches as an input of the appraisal."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja import Status as HttpStatus

from common.actors import staff_of
from common.api import errors
from common.errors import DomainError
from common.identity import mask_name, mask_phone
from common.periods import Period
from common.schema_types import Phone
from inquiries import selectors, services
from inquiries.models import Inquiry, InquiryStatus, Outcome
from org.access import require_roles, user_roles
from org.auth import bearer_or_session
from org.models import Department, Role, Staff

router = Router()


class StaffRef(Schema):
    staff_no: str
    name: str


class InquiryIn(Schema):
    channel: Literal["visit", "phone", "fax"]
    matter: str
    outcome: Literal[
        "handled", "notice_given", "led", "contacted", "handed_over", "escalated", "referred_outside"
    ]
    visitor_unit: str = ""
    visitor_name: str = ""
    visitor_phone: Phone | None = None
    matter_code: str = ""
    answer: str = ""
    first_contact_staff_no: str | None = None
    asked_together_staff_nos: list[str] = []
    department_code: str | None = None
    receiver_staff_no: str | None = None
    notice_ref: str = ""
    outside_body: str = ""
    resolve_working_days: int | None = None


class InquiryOut(Schema):
    no: str
    channel: str
    received_at: datetime
    visitor_unit: str
    visitor_name: str
    visitor_phone: str
    matter: str
    matter_code: str
    outcome: str
    outcome_label: str
    status: str
    status_label: str
    first_responder: StaffRef
    receiver: StaffRef | None
    escalated_to: StaffRef | None
    department: str | None
    contact_due: date | None
    resolve_due: date | None
    deadline_pending: bool
    rules_ref: str


class WorklistOut(Schema):
    to_contact: list[InquiryOut]
    to_decide: list[InquiryOut]
    my_open: list[InquiryOut]


class BreachOut(Schema):
    staff_no: str
    staff_name: str
    found_on: date
    occurred_on: date
    nth: int
    period_start: date
    period_end: date
    consequences: list[str]
    serious: bool
    source: str
    complaint_no: str | None
    status: str
    rules_ref: str


def _require_any_role(request: HttpRequest) -> None:
    if not user_roles(request.user):
        raise PermissionDenied("您的账号尚未分配角色，请联系系统管理员。")


def _staff(staff_no: str | None, field: str) -> Staff | None:
    if not staff_no:
        return None
    staff = Staff.objects.filter(staff_no=staff_no, is_active=True).select_related("department").first()
    if staff is None:
        raise DomainError(f"{field}：没有工号为 {staff_no} 的在岗工作人员。", code="invalid_input")
    return staff


def _ref(staff: Staff | None) -> dict | None:
    return {"staff_no": staff.staff_no, "name": staff.name} if staff else None


def _out(inquiry: Inquiry, *, masked: bool) -> dict:
    return {
        "no": inquiry.no,
        "channel": inquiry.channel,
        "received_at": inquiry.received_at,
        "visitor_unit": inquiry.visitor_unit,
        "visitor_name": mask_name(inquiry.visitor_name) if masked else inquiry.visitor_name,
        "visitor_phone": mask_phone(inquiry.visitor_phone) if masked else inquiry.visitor_phone,
        "matter": inquiry.matter,
        "matter_code": inquiry.matter_code,
        "outcome": inquiry.outcome,
        "outcome_label": Outcome(inquiry.outcome).label,
        "status": inquiry.status,
        "status_label": InquiryStatus(inquiry.status).label,
        "first_responder": _ref(inquiry.first_responder),
        "receiver": _ref(inquiry.receiver),
        "escalated_to": _ref(inquiry.escalated_to),
        "department": inquiry.department.name if inquiry.department else None,
        "contact_due": inquiry.contact_due,
        "resolve_due": inquiry.resolve_due,
        "deadline_pending": inquiry.deadline_pending,
        "rules_ref": inquiry.rules_ref,
    }


@router.post(
    "/inquiries",
    response={201: InquiryOut, **errors(403, 409, 422)},
    auth=bearer_or_session,
    summary="首问登记",
    description="登记一次来访、电话或传真咨询及首问责任人的处理；转交的返回联系期限和办结期限（工作日）。",
)
def inquiry_create(request: HttpRequest, payload: InquiryIn) -> HttpStatus[dict]:
    _require_any_role(request)
    department = None
    if payload.department_code:
        department = Department.objects.filter(code=payload.department_code, is_active=True).first()
        if department is None:
            raise DomainError(
                f"department_code：没有代码为 {payload.department_code} 的处室。", code="invalid_input"
            )
    inquiry = services.inquiry_log(
        actor=request.user,
        channel=payload.channel,
        matter=payload.matter,
        outcome=payload.outcome,
        first_contact=_staff(payload.first_contact_staff_no, "first_contact_staff_no"),
        asked_together=[
            s for n in payload.asked_together_staff_nos if (s := _staff(n, "asked_together_staff_nos"))
        ],
        visitor_unit=payload.visitor_unit,
        visitor_name=payload.visitor_name,
        visitor_phone=payload.visitor_phone or "",
        matter_code=payload.matter_code,
        answer=payload.answer,
        department=department,
        receiver=_staff(payload.receiver_staff_no, "receiver_staff_no"),
        notice_ref=payload.notice_ref,
        outside_body=payload.outside_body,
        resolve_working_days=payload.resolve_working_days,
    )
    return HttpStatus(201, _out(inquiry, masked=False))


@router.get(
    "/inquiries/worklist",
    response={200: WorklistOut, **errors(403)},
    auth=bearer_or_session,
    summary="我的首问待办",
    description="转交给我的、报告给我的，以及我首问而尚未办结的事项（首问必果）。电话和姓名已脱敏。",
)
def inquiry_worklist(request: HttpRequest) -> dict:
    _require_any_role(request)
    work = selectors.worklist(staff_of(request.user))
    return {
        "to_contact": [_out(i, masked=True) for i in work.to_contact],
        "to_decide": [_out(i, masked=True) for i in work.to_decide],
        "my_open": [_out(i, masked=True) for i in work.my_open],
    }


@router.get(
    "/inquiries/breaches",
    response={200: list[BreachOut], **errors(403, 422)},
    auth=bearer_or_session,
    summary="违反首问负责制记录（考核输入）",
    description="某工作人员某年度经查实的违规及其处理（003 §十）。业务管理处、中心领导可用。",
)
def breach_list(
    request: HttpRequest,
    staff_no: str = Query(..., description="工号"),
    year: int = Query(..., ge=2000, le=2100, description="年度"),
) -> list[dict]:
    require_roles(request.user, [Role.OFFICE, Role.LEADER])
    staff = _staff(staff_no, "staff_no")
    if staff is None:
        raise DomainError("staff_no：请填写工号。", code="invalid_input")
    return [
        {
            "staff_no": staff.staff_no,
            "staff_name": staff.name,
            "found_on": b.found_on,
            "occurred_on": b.occurred_on,
            "nth": b.nth,
            "period_start": b.period_start,
            "period_end": b.period_end,
            "consequences": b.consequences,
            "serious": b.serious,
            "source": b.source,
            "complaint_no": b.complaint.no if b.complaint else None,
            "status": b.status,
            "rules_ref": b.rules_ref,
        }
        for b in selectors.breaches_against(staff, Period.year(year))
    ]


@router.get(
    "/inquiries/{no}",
    response={200: InquiryOut, **errors(404)},
    auth=bearer_or_session,
    summary="一条首问登记",
)
def inquiry_detail(request: HttpRequest, no: str) -> dict:
    return _out(selectors.inquiry_for_user(request.user, no), masked=False)
