"""Registration of an application at the window (受理登记, 002 篇5 §二): the applicant
checked, every material of the guide's version marked, and the decision — accepted
(受理通知单), waiting for its missing materials (补办件通知单) or refused (退回件通知单).

Concurrency (docs/cases.md "Receipt number, query password, double submissions"):

* **Receipt numbers** — `_next_receipt_no` increments the (branch, day) counter row in the
  registering transaction (an UPDATE takes the row lock), so numbers are unique and
  gapless per branch and day; `receipt_no` is unique as well.
* **One case per submission** — the acceptance form carries a hidden UUID
  (`idempotency_key`, unique). A retry or a double click returns the case the first
  submission made; two submissions at the same moment make one case (SQLite: the second
  writer waits for the first and then finds its row; PostgreSQL: the second insert
  fails on the unique index and the existing case is returned).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from cases import access
from cases.models import (
    ApplicantKind,
    Case,
    CaseMaterial,
    CaseSequence,
    CaseStatus,
    Channel,
    DeliveryMethod,
    MaterialStatus,
)
from cases.services._common import rules_on
from cases.services.acceptance import accept, open_supplement, reject
from cases.services.query import new_query_password
from catalog.models import MaterialRequirement, Matter, MatterStatus, MatterVersion
from catalog.selectors import version_in_force
from common import clock, identity
from common.actors import forbidden
from common.errors import Conflict, DomainError
from org.models import Staff, Window


@dataclass(frozen=True)
class ApplicantData:
    """The applicant as entered at the window. For an employer matter `name` is the
    employer, `credit_code` its unified social credit code, and `agent_*` the employer's
    clerk (专管员) who came; for a person, `agent_*` is an agent if any (代办人)."""

    name: str
    phone: str
    id_number: str = ""
    credit_code: str = ""
    agent_name: str = ""
    agent_id_number: str = ""
    agent_phone: str = ""


@dataclass(frozen=True)
class MaterialMark:
    status: str  # MaterialStatus
    note: str = ""


@dataclass(frozen=True)
class Rejection:
    """不予受理 as asked: one legal ground of the rule set (its code), the teller's own
    explanation of it and the materials handed back (002 篇5 §二5)."""

    ground: str
    reason: str
    returned_materials: str = ""


@dataclass(frozen=True)
class CheckedRejection:
    """A refusal that passed `check_rejection`: the ground with its label and the basis
    the 退回件通知单 prints, from the rule set in force on the day of the decision."""

    ground: str
    ground_label: str
    reason: str
    legal_basis: str
    returned_materials: str


MISSING_MATERIALS_CODE = "missing_materials_not_a_reason"


@dataclass(frozen=True)
class Registration:
    case: Case
    password: str | None  # only when this call created the case: shown once
    created: bool


def _clean_applicant(data: ApplicantData, kind: str, *, today: date) -> ApplicantData:
    problems: list[str] = []

    def checked(label: str, check: Any, value: str, *, required: bool) -> str:
        value = (value or "").strip()
        if not value:
            if required:
                problems.append(f"请填写{label}。")
            return ""
        try:
            return str(check(value))
        except ValidationError as exc:
            problems.append(f"{label}：{exc.messages[0]}")
            return value

    def resident(value: str) -> str:
        return identity.validate_resident_id(value, today=today)

    name = (data.name or "").strip()
    if not name:
        problems.append("请填写申请人" + ("（单位名称）。" if kind == ApplicantKind.EMPLOYER else "姓名。"))
    phone = checked("联系电话", identity.validate_landline_or_mobile, data.phone, required=True)
    agent_name = (data.agent_name or "").strip()
    if kind == ApplicantKind.EMPLOYER:
        credit = checked("统一社会信用代码", identity.validate_uscc, data.credit_code, required=True)
        id_number = ""
        if not agent_name:
            problems.append("单位办理的，请填写单位经办人（专管员）姓名。")
        agent_id = checked("经办人身份证号码", resident, data.agent_id_number, required=True)
    else:
        credit = ""
        id_number = checked("申请人身份证号码", resident, data.id_number, required=True)
        agent_id = checked("代办人身份证号码", resident, data.agent_id_number, required=bool(agent_name))
    agent_phone = checked(
        "代办人电话", identity.validate_landline_or_mobile, data.agent_phone, required=False
    )
    if problems:
        raise DomainError("；".join(problems), code="invalid_input")
    return ApplicantData(
        name=name[:100],
        phone=phone,
        id_number=id_number,
        credit_code=credit,
        agent_name=agent_name[:50],
        agent_id_number=agent_id,
        agent_phone=agent_phone,
    )


def _clean_marks(version: MatterVersion, marks: Mapping[str, MaterialMark]) -> dict[int, MaterialMark]:
    """Every material of the version must be looked at (received / missing / not
    applicable); only a conditional material may be "not applicable"."""
    materials = list(version.materials.order_by("order"))
    by_code = {m.code: m for m in materials}
    unknown = sorted(set(marks) - set(by_code))
    problems = []
    if unknown:
        problems.append(f"办事指南第{version.number}版没有这些材料：{'、'.join(unknown)}")
    result: dict[int, MaterialMark] = {}
    for m in materials:
        mark = marks.get(m.code)
        if mark is None:
            problems.append(f"请核对材料“{m.name}”：已收取、需补齐补正或不适用")
            continue
        if mark.status not in MaterialStatus.values:
            problems.append(f"材料“{m.name}”的情况无效")
            continue
        if mark.status == MaterialStatus.NOT_APPLICABLE and m.requirement == MaterialRequirement.REQUIRED:
            problems.append(f"“{m.name}”是必须提交的材料，不能选“不适用”")
            continue
        result[m.pk] = MaterialMark(mark.status, (mark.note or "").strip()[:200])
    if problems:
        raise DomainError("；".join(problems) + "。", code="invalid_input")
    return result


def check_rejection(rejection: Rejection, *, on: date) -> CheckedRejection:
    """One ground from the list of the rule set in force on `on` (000 §五(二)1; 002 篇5
    §二5; 003 首问责任制度 五5) and an explanation of it. Missing or incomplete materials
    are never a ground (000 §五(二)2(2); 002 篇5 §二4–5 窗口单位不得以申请人提交的材料不全为由
    拒绝受理): an explanation that says so is refused with `missing_materials_not_a_reason`,
    and the teller is sent to the 补办件通知单."""
    params = rules_on(on).params
    reason = (rejection.reason or "").strip()
    phrase = params.missing_material_phrase(reason)
    if phrase is not None:
        raise DomainError(
            f"说明里写的是材料问题（“{phrase}”）：不得以申请人提交的材料不全为由不予受理（002 篇5 §二5）。"
            "材料不齐全或不符合法定形式的，不属于不予受理的情形，应出具补办件通知单，一次性告知需要补齐补正的"
            "全部材料（000 §五(二)2(2)；002 篇5 §二4）。",
            code=MISSING_MATERIALS_CODE,
            phrase=phrase,
        )
    ground = params.rejection_ground((rejection.ground or "").strip())
    if ground is None:
        labels = "；".join(f"{g.label}（{g.clause}）" for g in params.rejection_grounds)
        raise DomainError(f"请选择不予受理的情形，只能是：{labels}。", code="invalid_input")
    if len(reason) < 4:
        raise DomainError(
            f"请写明不予受理的具体理由（{ground.hint}）。告知申请人不予受理的理由，见 002 篇5 §二5。",
            code="invalid_input",
        )
    return CheckedRejection(
        ground=ground.code,
        ground_label=ground.label,
        reason=reason,
        legal_basis=ground.basis,
        returned_materials=(rejection.returned_materials or "").strip(),
    )


def _next_receipt_no(branch_id: int, branch_code: str, day: date) -> str:
    updated = CaseSequence.objects.filter(branch_id=branch_id, day=day).update(last=F("last") + 1)
    if not updated:
        try:
            with transaction.atomic():
                CaseSequence.objects.create(branch_id=branch_id, day=day, last=1)
        except IntegrityError:  # created by a concurrent transaction in the meantime
            CaseSequence.objects.filter(branch_id=branch_id, day=day).update(last=F("last") + 1)
    last = CaseSequence.objects.get(branch_id=branch_id, day=day).last
    return f"{branch_code}-{day:%Y%m%d}-{last:04d}"


def _check_ticket(ticket: Any, staff: Staff) -> None:
    from queueing.models import ACTIVE_CALL

    if ticket.staff_id != staff.pk or ticket.status not in ACTIVE_CALL:
        raise DomainError(
            f"排队号 {ticket.display_number} 不是您正在办理的号，不能从该号受理。请从工作台当前叫号的号受理，"
            "或不选排队号直接受理。",
            code="ticket_not_served",
            status=409,
        )


def case_register(
    *,
    actor: AbstractBaseUser,
    matter: Matter,
    applicant: ApplicantData,
    marks: Mapping[str, MaterialMark],
    idempotency_key: uuid.UUID,
    channel: str = Channel.COUNTER,
    ticket: Any = None,
    window: Window | None = None,
    delivery_method: str = DeliveryMethod.PICKUP,
    delivery_address: str = "",
    note: str = "",
    rejection: Rejection | None = None,
    now: datetime | None = None,
) -> Registration:
    """Register an application at the window (002 篇5 §二): with every material complete it
    is accepted (受理通知单) and the clock starts the next day; with materials missing it
    waits for them (补办件通知单, all of them at once); or it is refused (退回件通知单) with
    a reason that may not be missing materials. The accepting teller is the first
    responsible person. A receipt number and a query password are given in every case;
    the password is returned once."""
    if not access.can_accept(actor):
        raise forbidden("只有管理部的柜员或部门负责人可以受理办件。")
    staff: Staff = actor.staff  # type: ignore[attr-defined]
    existing = Case.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _replayed(existing, actor)
    now = now or clock.now()
    today = clock.local_date(now)
    if matter.status != MatterStatus.ACTIVE:
        raise DomainError(
            f"事项“{matter.code}”{matter.get_status_display()}，不能受理。", code="matter_not_active"
        )
    version = version_in_force(matter, today)
    if version is None:
        raise DomainError("该事项目前没有施行中的办事指南，不能受理。", code="no_version", status=409)
    if channel not in Channel.values:
        raise DomainError("申请方式无效：应为窗口受理、邮寄申请或网上申请。", code="invalid_input")
    if delivery_method not in DeliveryMethod.values:
        raise DomainError("送达方式无效：应为窗口领取、邮寄送达或电子送达。", code="invalid_input")
    if delivery_method == DeliveryMethod.MAIL and not delivery_address.strip():
        raise DomainError("邮寄送达的，请填写送达地址。", code="invalid_input")
    kind = ApplicantKind.EMPLOYER if matter.service_object == "employer" else ApplicantKind.PERSON
    person = _clean_applicant(applicant, kind, today=today)
    cleaned = _clean_marks(version, marks)
    checked = check_rejection(rejection, on=today) if rejection is not None else None
    if ticket is not None:
        _check_ticket(ticket, staff)
        if channel != Channel.COUNTER:
            raise DomainError("从排队号受理的，申请方式应为窗口受理。", code="invalid_input")
        window = window or ticket.window
    if window is not None and window.branch_id != staff.branch_id:
        raise DomainError("受理窗口不属于您所在的管理部。", code="invalid_input")
    missing = [pk for pk, m in cleaned.items() if m.status == MaterialStatus.MISSING]
    if (
        checked is None
        and missing
        and channel == Channel.COUNTER
        and not any(m.status == MaterialStatus.RECEIVED for m in cleaned.values())
    ):
        # Not a rule of its own: nothing received and everything missing is a consultation,
        # which is a one-time notice (catalog), not a case.
        raise DomainError(
            "一项材料也没有收取的，属于咨询，请出具一次性告知清单，不登记办件。",
            code="nothing_received",
        )
    password = new_query_password()
    try:
        with transaction.atomic():
            # Inside the write transaction: on SQLite a concurrent twin has committed by now.
            existing = Case.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return _replayed(existing, actor)
            case = _create(
                actor=actor,
                staff=staff,
                matter=matter,
                version=version,
                kind=kind,
                person=person,
                cleaned=cleaned,
                key=idempotency_key,
                channel=channel,
                ticket=ticket,
                window=window,
                delivery_method=delivery_method,
                delivery_address=delivery_address.strip()[:200],
                note=note.strip(),
                password=password,
                now=now,
            )
            status = (
                CaseStatus.REJECTED
                if checked is not None
                else (CaseStatus.SUPPLEMENT if missing else CaseStatus.ACCEPTED)
            )
            audit = {
                "audit": "case.register",
                "summary": f"登记办件：{version.name}（{version.ref}），{CaseStatus(status).label}",
                "changes": {"ticket": getattr(ticket, "pk", None), "channel": channel},
            }
            if checked is not None:
                reject(case, checked, actor=actor, at=now, **audit)
            elif missing:
                open_supplement(case, actor=actor, at=now, **audit)
            else:
                accept(case, actor=actor, at=now, on=today, after_supplement=False, **audit)
            return Registration(case, password, True)
    except IntegrityError:
        existing = Case.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return _replayed(existing, actor)


def _replayed(case: Case, actor: Any) -> Registration:
    if case.registered_by_id != actor.pk:
        raise Conflict("这份受理表已由其他工作人员提交过，请重新打开受理页面。", code="duplicate_submission")
    return Registration(case, None, False)


def _create(
    *,
    actor: AbstractBaseUser,
    staff: Staff,
    matter: Matter,
    version: MatterVersion,
    kind: str,
    person: ApplicantData,
    cleaned: dict[int, MaterialMark],
    key: uuid.UUID,
    channel: str,
    ticket: Any,
    window: Window | None,
    delivery_method: str,
    delivery_address: str,
    note: str,
    password: str,
    now: datetime,
) -> Case:
    branch = staff.branch
    assert branch is not None  # access.can_accept
    day = clock.local_date(now)
    case = Case.objects.create(
        receipt_no=_next_receipt_no(branch.pk, branch.code, day),
        idempotency_key=key,
        branch=branch,
        department=staff.department,
        window=window,
        ticket=ticket,
        channel=channel,
        matter=matter,
        version=version,
        handling_type=version.handling_type,
        promised_days=version.promised_days,
        applicant_kind=kind,
        applicant_name=person.name,
        applicant_id_number=person.id_number,
        applicant_credit_code=person.credit_code,
        applicant_phone=person.phone,
        agent_name=person.agent_name,
        agent_id_number=person.agent_id_number,
        agent_phone=person.agent_phone,
        received_at=now,
        received_on=day,
        first_responsible=staff,
        registered_by=actor,  # type: ignore[misc]
        status="",
        note=note,
        delivery_method=delivery_method,
        delivery_address=delivery_address,
        query_password_hash=make_password(password),
        created_at=now,
    )
    CaseMaterial.objects.bulk_create(
        [
            CaseMaterial(
                case=case,
                material_id=pk,
                status=mark.status,
                note=mark.note,
                received_at=now if mark.status == MaterialStatus.RECEIVED else None,
            )
            for pk, mark in cleaned.items()
        ]
    )
    return case
