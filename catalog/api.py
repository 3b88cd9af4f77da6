"""JSON API of the catalog.

Public (no authentication, rate-limited): the service guide —
`GET /api/v1/matters?category=&q=&service_object=` and `GET /api/v1/matters/{code}`.
Staff (bearer token or session): one-time notices — list, detail, issue, and the
signature from a counter tablet.
"""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime, timedelta
from typing import Literal

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status

from catalog import selectors, services
from catalog.models import ItemStatus, MatterVersion, OneTimeNotice
from catalog.ratelimit import API_LOOKUP, RATE_LIMITED_MESSAGE, allow
from common import clock
from common.api import errors
from common.errors import DomainError
from common.identity import mask_id, mask_name, mask_phone
from org.access import require_roles
from org.auth import bearer_or_session
from org.models import Category, Role

router = Router()

NOTICE_ROLES = (Role.TELLER, Role.GUIDE, Role.HEAD)


# --- Guide ------------------------------------------------------------------------------


class MaterialOut(Schema):
    code: str
    order: int
    name: str
    requirement: str
    requirement_label: str
    condition: str
    form: str
    form_label: str
    copies: int
    source: str
    standard: str
    provided_form: str


class MatterSummaryOut(Schema):
    code: str
    name: str
    category: str
    category_label: str
    service_object: str
    service_object_label: str
    handling_type: str
    handling_type_label: str
    promised_days: int
    promised_label: str
    status: str
    status_label: str
    group: str
    stage_order: int
    version: int
    effective_from: date
    online_available: bool
    appointment_allowed: bool
    url: str


class MatterListOut(Schema):
    count: int
    items: list[MatterSummaryOut]


class VersionRefOut(Schema):
    number: int
    effective_from: date
    change_note: str


class MatterDetailOut(MatterSummaryOut):
    keywords: str
    summary: str
    legal_basis: str
    conditions: str
    procedure: list[str]
    result: str
    statutory_days: int | None
    statutory_basis: str
    limit_basis: str
    is_free: bool
    fee_note: str
    place: str
    hours: str
    consultation_phone: str
    complaint_phone: str
    online_note: str
    joint_parties: str
    notes: str
    materials: list[MaterialOut]
    versions: list[VersionRefOut]


def _summary(v: MatterVersion) -> dict:
    m = v.matter
    return {
        "code": m.code,
        "name": v.name,
        "category": m.category,
        "category_label": m.get_category_display(),
        "service_object": m.service_object,
        "service_object_label": m.get_service_object_display(),
        "handling_type": v.handling_type,
        "handling_type_label": v.get_handling_type_display(),
        "promised_days": v.promised_days,
        "promised_label": v.promised_label,
        "status": m.status,
        "status_label": m.get_status_display(),
        "group": m.group,
        "stage_order": m.stage_order,
        "version": v.number,
        "effective_from": v.effective_from,
        "online_available": v.online_available,
        "appointment_allowed": v.appointment_allowed,
        "url": reverse("guide_matter", args=[m.code]),
    }


def _limited(request: HttpRequest) -> None:
    if not allow(request, "api", API_LOOKUP):
        raise DomainError(RATE_LIMITED_MESSAGE, code="rate_limited", status=429)


@router.get(
    "/matters",
    response={200: MatterListOut, **errors(422, 429)},
    summary="办事指南：事项列表与搜索",
    description=(
        "按现行版本列出服务事项。q 为检索词（中文可只输入部分词语，多个词用空格分隔，须全部命中），"
        "在名称、检索词（别名）、编码和申报材料名称中查找；名称完全一致的排在最前。"
        "category：collection 归集、withdrawal 提取、loan 贷款、other 其他；"
        "service_object：personal、employer。"
        "无需认证，按来源地址限制频率。"
    ),
)
def matter_list(request: HttpRequest, category: str = "", q: str = "", service_object: str = "") -> dict:
    _limited(request)
    if category and category not in Category.values:
        raise DomainError(
            "category：业务类别只能是 collection、withdrawal、loan、other。", code="invalid_input"
        )
    if service_object and service_object not in ("personal", "employer"):
        raise DomainError("service_object：服务对象只能是 personal 或 employer。", code="invalid_input")
    hits = selectors.matters_search(q[:50], category=category, service_object=service_object)
    return {"count": len(hits), "items": [_summary(h.version) for h in hits]}


@router.get(
    "/matters/{code}",
    response={200: MatterDetailOut, **errors(404, 422, 429)},
    summary="办事指南：一个事项的全部内容",
    description=(
        "默认返回现行版本；version=N 返回第N版；"
        "on=YYYY-MM-DD 返回该日施行的版本（办件按受理之日的版本办理）。"
    ),
)
def matter_detail(request: HttpRequest, code: str, version: int | None = None, on: str | None = None) -> dict:
    _limited(request)
    day = None
    if on:
        try:
            day = date.fromisoformat(on)
        except ValueError:
            raise DomainError(f"on：“{on[:20]}”不是 YYYY-MM-DD 格式的日期。", code="invalid_input") from None
    matter, v = selectors.guide_page(code, number=version, on=day)
    return {
        **_summary(v),
        "keywords": v.keywords,
        "summary": v.summary,
        "legal_basis": v.legal_basis,
        "conditions": v.conditions,
        "procedure": list(v.procedure),
        "result": v.result,
        "statutory_days": v.statutory_days,
        "statutory_basis": v.statutory_basis,
        "limit_basis": v.limit_basis,
        "is_free": v.is_free,
        "fee_note": v.fee_note,
        "place": v.place,
        "hours": v.hours,
        "consultation_phone": v.consultation_phone,
        "complaint_phone": v.complaint_phone,
        "online_note": v.online_note,
        "joint_parties": v.joint_parties,
        "notes": v.notes,
        "materials": [
            {
                "code": m.code,
                "order": m.order,
                "name": m.name,
                "requirement": m.requirement,
                "requirement_label": m.get_requirement_display(),
                "condition": m.condition,
                "form": m.form,
                "form_label": m.get_form_display(),
                "copies": m.copies,
                "source": m.source,
                "standard": m.standard,
                "provided_form": m.provided_form,
            }
            for m in v.materials.all()
        ],
        "versions": [
            {"number": x.number, "effective_from": x.effective_from, "change_note": x.change_note}
            for x in selectors.versions_of(matter)
        ],
    }


# --- One-time notices -------------------------------------------------------------------


class NoticeItemOut(Schema):
    material_code: str
    name: str
    status: str
    status_label: str
    note: str
    breach: bool
    breach_reason: str


class NoticeSummaryOut(Schema):
    number: str
    branch: str
    matter_code: str
    matter_name: str
    version: int
    channel: str
    status: str
    status_label: str
    citizen_name: str  # masked
    id_number: str  # masked
    phone: str  # masked
    issued_at: datetime
    issued_by: str
    missing_count: int
    breach: bool
    url: str


class NoticeListOut(Schema):
    count: int
    items: list[NoticeSummaryOut]


class NoticeOut(NoticeSummaryOut):
    breach_of: str | None
    breach_note: str
    signature_method: str
    signed_at: datetime | None
    other_notes: str
    pdf_url: str
    items: list[NoticeItemOut]


class CitizenIn(Schema):
    name: str
    id_number: str = ""
    phone: str = ""
    employer_name: str = ""
    employer_credit_code: str = ""


class NoticeItemIn(Schema):
    material_code: str
    status: Literal["brought", "missing", "not_applicable"]
    note: str = ""


class NoticeIn(Schema):
    matter_code: str
    channel: Literal["counter", "phone"]
    citizen: CitizenIn
    items: list[NoticeItemIn]
    other_notes: str = ""


class SignatureIn(Schema):
    png_base64: str


def _notice_summary(n: OneTimeNotice, missing_count: int) -> dict:
    staff = getattr(n.issued_by, "staff", None)
    return {
        "number": n.number,
        "branch": n.branch.code,
        "matter_code": n.matter.code,
        "matter_name": n.version.name,
        "version": n.version.number,
        "channel": n.channel,
        "status": n.status,
        "status_label": n.get_status_display(),
        "citizen_name": mask_name(n.citizen_name),
        "id_number": mask_id(n.citizen_id_number) if n.citizen_id_number else "",
        "phone": mask_phone(n.citizen_phone) if n.citizen_phone else "",
        "issued_at": n.issued_at,
        "issued_by": staff.name if staff else n.issued_by.get_username(),
        "missing_count": missing_count,
        "breach": n.breach,
        "url": reverse("notice_detail", args=[n.number]),
    }


def _notice_out(n: OneTimeNotice) -> dict:
    items = list(n.items.select_related("material").order_by("material__order"))
    return {
        **_notice_summary(n, sum(1 for i in items if i.status == ItemStatus.MISSING)),
        "breach_of": n.breach_of.number if n.breach_of_id else None,  # type: ignore[union-attr]
        "breach_note": n.breach_note,
        "signature_method": n.signature_method,
        "signed_at": n.signed_at,
        "other_notes": n.other_notes,
        "pdf_url": reverse("notice_pdf", args=[n.number]),
        "items": [
            {
                "material_code": i.material.code,
                "name": i.material.name,
                "status": i.status,
                "status_label": i.get_status_display(),
                "note": i.note,
                "breach": i.breach,
                "breach_reason": i.breach_reason,
            }
            for i in items
        ],
    }


@router.get(
    "/notices",
    auth=bearer_or_session,
    response={200: NoticeListOut, **errors(403, 422)},
    summary="一次性告知清单列表",
    description="按角色和管理部可见的清单，默认最近30天；姓名、身份证号码、电话脱敏。",
)
def notice_list(
    request: HttpRequest, date_from: date | None = None, date_to: date | None = None, breach: bool = False
) -> dict:
    require_roles(request.user, tuple(Role))
    today = clock.today()
    start, end = date_from or today - timedelta(days=30), date_to or today
    qs = selectors.notices_visible_to(request.user).filter(business_date__range=(start, end))
    if breach:
        qs = qs.filter(breach=True)
    qs = qs.annotate(missing_count=Count("items", filter=Q(items__status=ItemStatus.MISSING))).order_by(
        "-issued_at", "-pk"
    )
    rows = list(qs[:500])
    return {"count": len(rows), "items": [_notice_summary(n, n.missing_count) for n in rows]}  # type: ignore[attr-defined]


@router.get(
    "/notices/{number}",
    auth=bearer_or_session,
    response={200: NoticeOut, **errors(403, 404)},
    summary="一次性告知清单详情",
)
def notice_detail(request: HttpRequest, number: str) -> dict:
    require_roles(request.user, tuple(Role))
    return _notice_out(selectors.notice_for_user(request.user, number))


@router.post(
    "/notices",
    auth=bearer_or_session,
    response={201: NoticeOut, **errors(403, 404, 409, 422)},
    summary="出具一次性告知清单",
    description=(
        "柜员、引导员、部门负责人出具（管理部取其所属管理部）。items 须覆盖该事项现行办事指南的全部材料"
        "（material_code 见 GET /matters/{code}）。"
        "同一办事职工同一事项同一天只出具一份（409 already_notified）；"
        "新增了首次告知所依据版本已列明的材料的，照常出具并标记 breach。"
    ),
)
def notice_create(request: HttpRequest, payload: NoticeIn) -> Status:
    require_roles(request.user, NOTICE_ROLES)
    staff = getattr(request.user, "staff", None)
    if staff is None or staff.branch_id is None:
        raise DomainError("您的账号没有所属管理部，不能出具一次性告知清单。", code="no_branch", status=403)
    matter = selectors.matter_by_code(payload.matter_code)
    version = selectors.version_in_force(matter)
    if version is None:
        raise DomainError("该事项目前没有施行中的办事指南。", code="no_version", status=409)
    by_code = {m.code: m.pk for m in version.materials.all()}
    unknown = [i.material_code for i in payload.items if i.material_code not in by_code]
    if unknown:
        raise DomainError(
            f"items：现行办事指南没有这些材料编码：{'、'.join(unknown)}。", code="invalid_input"
        )
    notice = services.notice_issue(
        actor=request.user,  # type: ignore[arg-type]
        branch=staff.branch,
        matter=matter,
        channel=payload.channel,
        citizen=services.Citizen(**payload.citizen.dict()),
        statuses={by_code[i.material_code]: i.status for i in payload.items},
        notes={by_code[i.material_code]: i.note for i in payload.items},
        other_notes=payload.other_notes,
    )
    return Status(201, _notice_out(selectors.notice_for_user(request.user, notice.number)))


@router.post(
    "/notices/{number}/signature",
    auth=bearer_or_session,
    response={200: NoticeOut, **errors(403, 404, 409, 422)},
    summary="登记手签板签名（柜台平板）",
    description="png_base64：签名图像（PNG）的 Base64 编码。",
)
def notice_sign(request: HttpRequest, number: str, payload: SignatureIn) -> dict:
    require_roles(request.user, NOTICE_ROLES)
    notice = selectors.notice_for_user(request.user, number)
    try:
        png = base64.b64decode(payload.png_base64, validate=True)
    except (binascii.Error, ValueError):
        raise DomainError("png_base64：不是有效的 Base64 数据。", code="invalid_input") from None
    services.notice_sign_on_pad(actor=request.user, notice=notice, png=png)
    return _notice_out(selectors.notice_for_user(request.user, number))
