"""监督检查 API: the checklist and inspections (an inspector's tablet app may record
them), the violations ledger, overdue issue notices and facilities needing attention.
Token or session; role and branch checks as on the pages."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja import Status as HttpStatus

from common import clock
from common.api import errors
from common.errors import DomainError
from common.periods import InvalidPeriod, Period, parse_period
from org.access import require_roles
from org.auth import bearer_or_session
from org.models import Role, Staff, Window
from supervision import selectors, services
from supervision.models import ChecklistItem, Inspection, InspectionKind, Violation

router = Router()

SEE = (Role.INSPECTOR, Role.OFFICE, Role.LEADER, Role.HEAD, Role.ADMIN)


class ChecklistItemOut(Schema):
    code: str
    dimension: str
    dimension_label: str
    polarity: str
    text: str
    clause: str
    deduction: int
    subject: str
    fine_item: str
    appraisal_item: str


class FindingIn(Schema):
    code: str
    note: str = ""


class InspectionIn(Schema):
    kind: str
    branch_code: str
    window_number: int
    staff_no: str | None = None
    findings: list[FindingIn] = []
    note: str = ""
    pointed_out: bool = False
    pointed_out_note: str = ""


class FindingOut(Schema):
    code: str
    text: str
    clause: str
    deduction: int
    polarity: str
    violation_no: str | None


class InspectionOut(Schema):
    no: str
    kind: str
    kind_label: str
    branch_code: str
    window_number: int
    staff_no: str | None
    inspected_at: datetime
    full_marks: int
    sheet_score: int
    status: str
    findings: list[FindingOut]
    rules_ref: str


class ViolationOut(Schema):
    no: str
    kind: str
    occurred_on: date
    staff_no: str | None
    offender_name: str
    branch_code: str | None
    item_code: str
    item_text: str
    amount_yuan: int | None
    consequences: list[str]
    source: str
    status: str
    reverses: str | None
    reason: str
    rules_ref: str


class IssueNoticeOut(Schema):
    no: str
    branch_code: str
    issued_on: date
    deadline: date
    status: str
    status_label: str
    overdue: bool
    description: str


class FacilityOut(Schema):
    id: int
    branch_code: str
    kind: str
    name: str
    location: str
    valid_until: date
    state: str
    label: str


def _period(text: str) -> Period:
    try:
        p = parse_period(text)
    except InvalidPeriod as exc:
        raise DomainError(f"period：{exc}", code="invalid_input") from None
    return Period(p.start, p.end)


@router.get(
    "/inspections/checklist",
    response={200: list[ChecklistItemOut], **errors(403)},
    auth=bearer_or_session,
    summary="检查评分表",
    description=(
        "某类检查适用的检查项目（000 §一–§四，四个方面）；扣分为百分制评分表的产品设置，非法规条文分值。"
    ),
)
def checklist(request: HttpRequest, kind: str = "daily") -> list[dict]:
    require_roles(request.user, SEE)
    if kind not in InspectionKind.values:
        raise DomainError("kind 应为 daily、surprise 或 leader。", code="invalid_input")
    rows = [i for i in ChecklistItem.objects.filter(is_active=True) if kind in i.kinds]
    return [
        {
            "code": i.code,
            "dimension": i.dimension,
            "dimension_label": i.get_dimension_display(),
            "polarity": i.polarity,
            "text": i.text,
            "clause": i.clause,
            "deduction": i.deduction,
            "subject": i.subject,
            "fine_item": i.fine_item,
            "appraisal_item": i.appraisal_item,
        }
        for i in rows
    ]


def _inspection_out(i: Inspection) -> dict:
    return {
        "no": i.no,
        "kind": i.kind,
        "kind_label": i.get_kind_display(),
        "branch_code": i.branch.code,
        "window_number": i.window.number,
        "staff_no": i.staff.staff_no if i.staff else None,
        "inspected_at": i.inspected_at,
        "full_marks": i.full_marks,
        "sheet_score": i.sheet_score,
        "status": i.status,
        "rules_ref": i.rules_ref,
        "findings": [
            {
                "code": f.code,
                "text": f.text,
                "clause": f.clause,
                "deduction": f.deduction,
                "polarity": f.polarity,
                "violation_no": getattr(getattr(f, "violation", None), "no", None),
            }
            for f in i.findings.all()
        ],
    }


@router.get(
    "/inspections",
    response={200: list[InspectionOut], **errors(403, 422)},
    auth=bearer_or_session,
    summary="检查记录",
    description="期间内的检查（period：2026-03、2026-Q1 或 2026），部门负责人只见本管理部。",
)
def inspections(request: HttpRequest, period: str, kind: str = "") -> list[dict]:
    require_roles(request.user, SEE)
    rows = selectors.inspection_list(request.user, kind=kind, period=_period(period), limit=1000)
    return [_inspection_out(i) for i in rows]


@router.post(
    "/inspections",
    response={201: InspectionOut, **errors(403, 404, 409, 422)},
    auth=bearer_or_session,
    summary="登记检查",
    description=(
        "登记一次日常检查、突击检查（检查员、业务管理处）或上级领导检查（中心领导）："
        "findings 为发现的负面清单项目"
        "和未做到的正面清单项目。针对工作人员、对应处罚事项的问题同时记入违规处罚台账。"
    ),
)
def inspection_create(request: HttpRequest, payload: InspectionIn) -> HttpStatus[dict]:
    window = (
        Window.objects.select_related("branch")
        .filter(branch__code=payload.branch_code, number=payload.window_number)
        .first()
    )
    if window is None:
        raise DomainError(
            f"没有 {payload.branch_code} 的 {payload.window_number} 号窗口。", code="not_found", status=404
        )
    staff = None
    if payload.staff_no:
        staff = Staff.objects.filter(staff_no=payload.staff_no).first()
        if staff is None:
            raise DomainError(f"staff_no：没有工号为 {payload.staff_no} 的工作人员。", code="invalid_input")
    inspection = services.inspection_record(
        actor=request.user,
        kind=payload.kind,
        window=window,
        staff=staff,
        findings=[services.FindingInput(f.code, f.note) for f in payload.findings],
        note=payload.note,
        pointed_out=payload.pointed_out,
        pointed_out_note=payload.pointed_out_note,
    )
    inspection = Inspection.objects.select_related("branch", "window", "staff").get(pk=inspection.pk)
    return HttpStatus(201, _inspection_out(inspection))


def _violation_out(v: Violation) -> dict:
    return {
        "no": v.no,
        "kind": v.kind,
        "occurred_on": v.occurred_on,
        "staff_no": v.staff.staff_no if v.staff else None,
        "offender_name": v.offender_name,
        "branch_code": v.branch.code if v.branch else None,
        "item_code": v.item_code,
        "item_text": v.item_text,
        "amount_yuan": v.amount_yuan,
        "consequences": list(v.consequences),
        "source": v.source,
        "status": v.status,
        "reverses": v.reverses.no if v.reverses else None,
        "reason": v.reason,
        "rules_ref": v.rules_ref,
    }


class LedgerOut(Schema):
    period: str
    total_amount: int
    count_active: int
    rows: list[ViolationOut]


@router.get(
    "/violations",
    response={200: LedgerOut, **errors(403, 422)},
    auth=bearer_or_session,
    summary="违规处罚台账",
    description="期间内的台账（含冲正记录）；业务管理处、领导、检查员见全部，部门负责人见本管理部，其他人只见本人。",
)
def violations(request: HttpRequest, period: str, staff_no: str = "") -> dict:
    require_roles(request.user, tuple(Role))
    staff_id = None
    if staff_no:
        staff_id = Staff.objects.filter(staff_no=staff_no).values_list("pk", flat=True).first() or -1
    book = selectors.ledger(request.user, period=_period(period), staff_id=staff_id, limit=5000)
    return {
        "period": period,
        "total_amount": book.total_amount,
        "count_active": book.count_active,
        "rows": [_violation_out(v) for v in book.rows],
    }


class NoticeQuery(Schema):
    view: str = "open"


@router.get(
    "/issue-notices",
    response={200: list[IssueNoticeOut], **errors(403)},
    auth=bearer_or_session,
    summary="问题交办函",
    description="view：open（未销号）、overdue（逾期未报送整改报告）、review（待验收）、all。",
)
def issue_notices(request: HttpRequest, q: Query[NoticeQuery]) -> list[dict]:
    require_roles(request.user, SEE)

    today = clock.today()
    rows = selectors.notices(request.user, view="" if q.view == "all" else q.view, today=today)
    return [
        {
            "no": n.no,
            "branch_code": n.branch.code,
            "issued_on": n.issued_on,
            "deadline": n.deadline,
            "status": n.status,
            "status_label": n.get_status_display(),
            "overdue": n.is_overdue(today),
            "description": n.finding.description,
        }
        for n in rows
    ]


@router.get(
    "/facilities/attention",
    response={200: list[FacilityOut], **errors(403)},
    auth=bearer_or_session,
    summary="需要处理的消防与便民设施",
    description="已过期和在提示天数内到期的设施（000 §四(三)3）。",
)
def facilities_attention(request: HttpRequest) -> list[dict]:
    require_roles(request.user, SEE)

    rows = selectors.facilities(request.user, today=clock.today())
    return [
        {
            "id": s.facility.pk,
            "branch_code": s.facility.branch.code,
            "kind": s.facility.kind,
            "name": s.facility.name,
            "location": s.facility.location,
            "valid_until": s.facility.valid_until,
            "state": s.state,
            "label": s.label,
        }
        for s in rows
        if s.state in ("expired", "expiring")
    ]
