"""Every write of a case. Each service is keyword-only, runs in one transaction with its
event rows (`CaseEvent`) and its audit event, and refuses a transition that is not in
the map of the thing it changes (409). Deadlines come only from the workdays calendar
and the rule set `case_time_limit` in force on the day they apply to; the version used
is stored (`rules_ref`).

Concurrency (docs/cases.md "Guarantees"):

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

import secrets
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from audit.services import audit_record
from cases import access, conf, deadlines
from cases.models import (
    OPEN,
    PENDING_EXTENSION,
    RUNNING,
    ApplicantKind,
    Case,
    CaseEvent,
    CaseMaterial,
    CaseSequence,
    CaseStatus,
    Channel,
    DeliveryMethod,
    Escalation,
    EscalationStatus,
    EventKind,
    Extension,
    ExtensionStatus,
    Handover,
    HandoverStatus,
    MaterialStatus,
    NotifyMethod,
    Outcome,
    OverdueFinding,
    Reminder,
    ReminderKind,
    ReviewRequest,
    ReviewStatus,
    SupplementRequest,
    SupplementStatus,
)
from cases.notify import text_after_commit
from catalog.models import HandlingType, MaterialRequirement, Matter, MatterStatus, MatterVersion
from catalog.selectors import version_in_force
from common import clock, hooks, identity
from common.errors import Conflict, DomainError
from documents.contexts import REJECTION_FOR_MISSING_MATERIALS
from org.models import Department, Role, Staff, Window
from rules.models import RuleKind, RuleSet
from rules.schemas import CaseTimeLimitParams
from rules.selectors import rules_in_force
from workdays.calendar import CalendarNotPublished, calendar_index

Actor = AbstractBaseUser | AnonymousUser | str | None

PUBLIC_ACTOR = "申请人（网上办件查询）"
SWEEP_ACTOR = "cases_sweep"

# Why a condition may be missing from a revised rule set: its text is still needed
# for a finding made under the old one.
_FALLBACK_CONDITION_TEXT = {
    deadlines.LATE: "因办理部门自身责任，无正当理由超过承诺时限未能办结",
    deadlines.NO_REPLY: "不按规定给申请人答复",
    deadlines.LATE_EXTENSION: "超过承诺办结时限才提出延期申请",
    deadlines.RESULT_NOT_DELIVERED: "在承诺时限内，不将办理结果交付办事职工",
}
# Ordinary characters of a transaction number of the core system (业务流水号).
_TRANSACTION_CHARS = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_/")


class InvalidTransition(Conflict):
    code = "invalid_transition"


def _forbidden(message: str) -> DomainError:
    return DomainError(message, code="forbidden", status=403)


# ---------------------------------------------------------------------------------------
# Helpers


def _user_and_label(actor: Actor) -> tuple[Any, str]:
    if isinstance(actor, str):
        return None, actor
    if actor is None or isinstance(actor, AnonymousUser) or not actor.is_authenticated:
        return None, "匿名"
    staff = getattr(actor, "staff", None)
    label = f"{staff.name}（{staff.staff_no}）" if staff is not None else actor.get_username()
    return actor, label


def _check(actor: Actor, allowed: Callable[[AbstractBaseUser], bool], message: str) -> None:
    """Services check the actor's rights too (the API and the pages check first);
    scheduled jobs, named by a string, are trusted."""
    if isinstance(actor, AbstractBaseUser) and not allowed(actor):
        raise _forbidden(message)


def _local_day(moment: datetime | None) -> date | None:
    return clock.local_date(moment) if moment is not None else None


def _event(
    case: Case,
    kind: str,
    *,
    actor: Actor,
    at: datetime,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    public_note: str = "",
) -> CaseEvent:
    user, label = _user_and_label(actor)
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        at=at,
        actor=user,
        actor_label=label[:100],
        from_status=from_status,
        to_status=to_status,
        note=note,
        public=bool(public_note),
        public_note=public_note[:300],
    )


def _audit(
    actor: Actor, action: str, case: Case, summary: str, changes: dict[str, Any] | None = None
) -> None:
    audit_record(
        actor=actor,
        action=f"cases.{action}",
        obj=case,
        summary=f"{case.receipt_no} {summary}",
        changes=changes,
    )


def _move(
    case: Case,
    target: str,
    *,
    actor: Actor,
    at: datetime,
    fields: Iterable[str] = (),
    note: str = "",
    public_note: str = "",
) -> None:
    current = case.status
    if target not in Case.TRANSITIONS.get(current, frozenset()):
        raise InvalidTransition(
            f"办件当前状态为“{CaseStatus(current).label if current else '未登记'}”，"
            f"不能改为“{CaseStatus(target).label}”。请刷新页面查看最新状态。",
            status_now=current,
        )
    case.status = target
    case.save(update_fields=["status", *fields])
    _event(
        case,
        EventKind.STATUS,
        actor=actor,
        at=at,
        from_status=current,
        to_status=target,
        note=note,
        public_note=public_note,
    )


def _check_step(
    kind: str, transitions: Mapping[str, frozenset[str]], current: str, target: str, labels: Any
) -> None:
    if target not in transitions.get(current, frozenset()):
        raise InvalidTransition(
            f"{kind}当前为“{labels(current).label}”，不能改为“{labels(target).label}”。请刷新页面查看最新状态。"
        )


def _locked(case: Case) -> Case:
    """The case re-read under its row lock, so two tellers acting at once do not both
    move it (SQLite serialises writers anyway)."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("matter", "version", "branch")
        .get(pk=case.pk)
    )


def _rules(on: date):  # type: ignore[no-untyped-def]
    return rules_in_force(RuleKind.CASE_TIME_LIMIT, on)


def params_of(case: Case) -> CaseTimeLimitParams:
    """The rule set the case was accepted under (its stored `rules_ref`); the one in force
    on the day of receipt for a case not accepted yet."""
    if case.rules_ref and "@" in case.rules_ref:
        code, _, version = case.rules_ref.rpartition("@")
        row = RuleSet.objects.filter(code=code, version=int(version)).first() if version.isdigit() else None
        if row is not None:
            return row.parsed()  # type: ignore[return-value]
    return _rules(case.received_on).params


def _condition_text(params: CaseTimeLimitParams, code: str) -> str:
    for condition in params.overdue_conditions:
        if condition.code == code:
            return condition.text
    return _FALLBACK_CONDITION_TEXT.get(code, code)


def _fmt(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"


def titled(name: str) -> str:
    """A material's name in 《》 as the phrases quote it (some names carry them already)."""
    return name if name.startswith("《") else f"《{name}》"


# ---------------------------------------------------------------------------------------
# Registration (受理, 补办件, 退回件)


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
    """不予受理: the reason, its legal basis and the materials handed back (002 篇5 §二5)."""

    reason: str
    legal_basis: str
    returned_materials: str = ""


@dataclass(frozen=True)
class Registration:
    case: Case
    password: str | None  # only when this call created the case: shown once
    created: bool


def new_query_password() -> str:
    digits = conf.query_password_digits()
    return f"{secrets.randbelow(10**digits):0{digits}d}"


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


def check_rejection(rejection: Rejection) -> Rejection:
    reason = (rejection.reason or "").strip()
    basis = (rejection.legal_basis or "").strip()
    if len(reason) < 4:
        raise DomainError(
            "请写明不予受理的理由（002 篇5 §二5：告知申请人不予受理的理由）。", code="invalid_input"
        )
    if any(word in reason for word in REJECTION_FOR_MISSING_MATERIALS):
        raise DomainError(
            "不得以申请人提交的材料不全为由不予受理（002 篇5 §二5）。材料不全的，请选“需补齐/补正”，"
            "出具补办件通知单。",
            code="missing_materials_not_a_reason",
        )
    if len(basis) < 2:
        raise DomainError("请写明不予受理的依据（法规条款或本中心规定）。", code="invalid_input")
    return Rejection(reason, basis, (rejection.returned_materials or "").strip())


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
        raise _forbidden("只有管理部的柜员或部门负责人可以受理办件。")
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
    if rejection is not None:
        rejection = check_rejection(rejection)
    if ticket is not None:
        _check_ticket(ticket, staff)
        if channel != Channel.COUNTER:
            raise DomainError("从排队号受理的，申请方式应为窗口受理。", code="invalid_input")
        window = window or ticket.window
    if window is not None and window.branch_id != staff.branch_id:
        raise DomainError("受理窗口不属于您所在的管理部。", code="invalid_input")
    missing = [pk for pk, m in cleaned.items() if m.status == MaterialStatus.MISSING]
    if (
        rejection is None
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
            if rejection is not None:
                _reject(case, rejection, actor=actor, at=now)
            elif missing:
                _open_supplement(case, actor=actor, at=now)
            else:
                _accept(case, actor=actor, at=now, on=today, after_supplement=False)
            _audit(
                actor,
                "case.register",
                case,
                f"登记办件：{version.name}（{version.ref}），{CaseStatus(case.status).label}",
                {"status": ["", case.status], "ticket": getattr(ticket, "pk", None), "channel": channel},
            )
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


def _accept(case: Case, *, actor: Actor, at: datetime, on: date, after_supplement: bool) -> None:
    """Formal acceptance: the deadline from the rule set in force on the day (000 §五(二)2:
    the day after receipt, or after the materials are complete)."""
    rules = _rules(on)
    params = rules.params
    case.rules_ref = rules.ref
    case.accepted_at, case.accepted_on = at, on
    offset = params.supplement_start_offset_days if after_supplement else params.receipt_start_offset_days
    _set_deadline(case, params, offset)
    fields = ["rules_ref", "accepted_at", "accepted_on", "promised_deadline", "deadline"]
    fields += ["deadline_pending", "pending_year"]
    if case.deadline_pending:
        when = f"办结日期待{case.pending_year}年节假日安排发布后确定，届时短信告知"
    elif case.is_immediate:
        when = f"即办件，{_fmt(case.deadline)}办结"
    else:
        when = f"承诺{case.promised_label}内办结，办结期限{_fmt(case.deadline)}"
    _move(
        case,
        CaseStatus.ACCEPTED,
        actor=actor,
        at=at,
        fields=fields,
        note=f"限时办结规则集 {case.rules_ref}",
        public_note=("材料已补齐，正式受理" if after_supplement else "已受理") + f"：{when}。",
    )


def _set_deadline(case: Case, params: CaseTimeLimitParams, offset: int) -> None:
    assert case.accepted_on is not None
    try:
        deadline = deadlines.case_deadline(
            calendar_index(),
            accepted_on=case.accepted_on,
            promised_days=case.promised_days,
            start_offset=offset,
            immediate_offset=params.immediate_due_offset_days,
        )
    except CalendarNotPublished as exc:
        case.promised_deadline = case.deadline = None
        case.deadline_pending, case.pending_year = True, exc.year
    else:
        case.promised_deadline = case.deadline = deadline
        case.deadline_pending, case.pending_year = False, None


def _open_supplement(case: Case, *, actor: Actor, at: datetime) -> None:
    user, _ = _user_and_label(actor)
    SupplementRequest.objects.create(case=case, number=f"{case.receipt_no}-B", issued_at=at, issued_by=user)
    names = "、".join(
        titled(m.material.name)
        for m in case.materials.select_related("material").filter(status=MaterialStatus.MISSING)
    )
    _move(
        case,
        CaseStatus.SUPPLEMENT,
        actor=actor,
        at=at,
        note=f"出具补办件通知单 {case.receipt_no}-B",
        public_note=f"申请材料不全，已一次性告知需补齐或补正的材料：{names}。补齐之日为正式受理之日。",
    )


def _reject(case: Case, rejection: Rejection, *, actor: Actor, at: datetime) -> None:
    case.rejection_reason = rejection.reason
    case.rejection_basis = rejection.legal_basis
    case.returned_materials = rejection.returned_materials
    case.rejected_at = at
    SupplementRequest.objects.filter(case=case, status=SupplementStatus.OPEN).update(
        status=SupplementStatus.CLOSED
    )
    _move(
        case,
        CaseStatus.REJECTED,
        actor=actor,
        at=at,
        fields=["rejection_reason", "rejection_basis", "returned_materials", "rejected_at"],
        note=f"依据：{rejection.legal_basis}",
        public_note=f"不予受理。理由：{rejection.reason}",
    )


def case_supplement_receive(
    *, actor: Actor, case: Case, material_codes: Iterable[str], note: str = "", now: datetime | None = None
) -> Case:
    """The applicant brings (some of) the missing materials. Only materials on the
    补办件通知单 can be received — nothing may be added to it (one-time rule, 002 篇5 §二4).
    When the last one is in, the case is formally accepted that day and its clock starts
    the next day (000 §五(二)2(2))."""
    _check(actor, lambda u: access.can_handle(u, case), "只有本管理部的柜员或部门负责人可以登记补正材料。")
    now = now or clock.now()
    codes = {c.strip() for c in material_codes if c and c.strip()}
    if not codes:
        raise DomainError("请勾选本次补齐或补正的材料。", code="invalid_input")
    with transaction.atomic():
        case = _locked(case)
        if case.status != CaseStatus.SUPPLEMENT:
            raise InvalidTransition(f"办件当前为“{CaseStatus(case.status).label}”，不是待补正状态。")
        open_items = {
            i.material.code: i
            for i in case.materials.select_related("material").filter(status=MaterialStatus.MISSING)
        }
        unknown = sorted(codes - set(open_items))
        if unknown:
            raise DomainError(
                "这些材料不在补办件通知单上，不能作为补正材料登记："
                + "、".join(unknown)
                + "。一次性告知后不得再增加材料（002 篇5 §二4）。",
                code="not_on_supplement_list",
            )
        for code in sorted(codes):
            item = open_items[code]
            item.status, item.received_at = MaterialStatus.RECEIVED, now
            item.save(update_fields=["status", "received_at"])
        remaining = [i for code, i in open_items.items() if code not in codes]
        names = "、".join(titled(open_items[c].material.name) for c in sorted(codes))
        _event(
            case,
            EventKind.MATERIALS,
            actor=actor,
            at=now,
            note=note.strip(),
            public_note=f"已收到补正材料：{names}。"
            + (f"尚需补齐：{'、'.join(titled(i.material.name) for i in remaining)}。" if remaining else ""),
        )
        if not remaining:
            supplement = SupplementRequest.objects.select_for_update().get(case=case)
            _check_step(
                "补办件通知单",
                {SupplementStatus.OPEN: frozenset({SupplementStatus.COMPLETED})},
                supplement.status,
                SupplementStatus.COMPLETED,
                SupplementStatus,
            )
            supplement.status, supplement.completed_at = SupplementStatus.COMPLETED, now
            supplement.save(update_fields=["status", "completed_at"])
            _accept(case, actor=actor, at=now, on=clock.local_date(now), after_supplement=True)
        _audit(
            actor,
            "case.supplement",
            case,
            f"收到补正材料 {names}" + ("，材料齐全，正式受理" if not remaining else ""),
            {"received": sorted(codes), "remaining": [i.material.code for i in remaining]},
        )
        return case


def case_reject(*, actor: Actor, case: Case, rejection: Rejection, now: datetime | None = None) -> Case:
    """不予受理 of an application waiting for materials (002 篇5 §二5: the reason told,
    退回件通知单 handed over). An accepted case is not refused this way: its negative
    decision is 不予批准 at completion."""
    _check(
        actor, lambda u: access.can_handle(u, case), "只有本管理部的柜员或部门负责人可以作出不予受理决定。"
    )
    rejection = check_rejection(rejection)
    now = now or clock.now()
    with transaction.atomic():
        case = _locked(case)
        _reject(case, rejection, actor=actor, at=now)
        _audit(actor, "case.reject", case, f"不予受理：{rejection.reason[:100]}")
        return case


# ---------------------------------------------------------------------------------------
# Joint cases (联办件) and escalated cases (上报件)


def case_handover_register(
    *,
    actor: Actor,
    case: Case,
    departments: Iterable[Department],
    limit_days: int,
    note: str = "",
    now: datetime | None = None,
) -> list[Handover]:
    """The lead department notifies the departments involved (002 篇5 §三3 确定并通知所涉及的
    相关部门); each owes its opinion within `limit_days` working days counted from the day
    the handover is registered (000 §五(二)2(3)), not later than the case's own deadline."""
    _check(actor, lambda u: access.can_handle(u, case), "只有本管理部的柜员或部门负责人可以登记联办交接。")
    now = now or clock.now()
    today = clock.local_date(now)
    targets = list(dict.fromkeys(departments))
    if not targets:
        raise DomainError("请选择需要联办的相关部门。", code="invalid_input")
    if limit_days < 1:
        raise DomainError("相关部门的办理时限至少为1个工作日。", code="invalid_input")
    with transaction.atomic():
        case = _locked(case)
        if case.status not in (CaseStatus.ACCEPTED, CaseStatus.JOINT):
            raise InvalidTransition(f"办件当前为“{CaseStatus(case.status).label}”，不能抄告相关部门。")
        if any(d.pk == case.department_id for d in targets):
            raise DomainError("不能把办件交接给本部门（牵头部门）自己。", code="invalid_input")
        busy = set(
            case.handovers.filter(status=HandoverStatus.OPEN, department__in=targets).values_list(
                "department__name", flat=True
            )
        )
        if busy:
            raise Conflict(f"已交接且尚未反馈：{'、'.join(sorted(busy))}。", code="handover_open")
        params = params_of(case)
        due: date | None
        try:
            due = deadlines.counted_deadline(
                calendar_index(), today, limit_days, params.handover_start_offset_days
            )
        except CalendarNotPublished:
            due = None
        if due is not None and case.deadline is not None and due > case.deadline:
            raise DomainError(
                f"相关部门的反馈期限（{_fmt(due)}）晚于本办件的办结期限（{_fmt(case.deadline)}），"
                "牵头部门须在承诺时限内作出决定，请缩短相关部门的办理时限。",
                code="handover_after_deadline",
            )
        user, _ = _user_and_label(actor)
        rows = [
            Handover.objects.create(
                case=case,
                department=d,
                registered_at=now,
                registered_on=today,
                registered_by=user,
                limit_days=limit_days,
                due_on=due,
                due_pending=due is None,
                note=note.strip()[:300],
            )
            for d in targets
        ]
        names = "、".join(d.name for d in targets)
        for row in rows:
            _event(
                case,
                EventKind.HANDOVER,
                actor=actor,
                at=now,
                to_status=HandoverStatus.OPEN,
                note=f"交接{row.department.name}，{limit_days}个工作日，"
                f"反馈期限{_fmt(due) if due else '待日历'}" + (f"；{row.note}" if row.note else ""),
            )
        if case.status == CaseStatus.ACCEPTED:
            _move(
                case,
                CaseStatus.JOINT,
                actor=actor,
                at=now,
                note=f"抄告相关部门：{names}",
                public_note=f"已通知相关部门联合办理：{names}。",
            )
        _audit(actor, "case.handover", case, f"联办交接：{names}", {"departments": [d.pk for d in targets]})
        return rows


def case_handover_answer(
    *, actor: Actor, handover: Handover, opinion: str, now: datetime | None = None
) -> Handover:
    """The department involved gives its opinion to the lead department (002 篇5 §三3③).
    When the last one is in, the lead department decides (the case is back in 办理中)."""
    _check(
        actor, lambda u: access.can_answer_handover(u, handover), "只有被交接部门的工作人员可以反馈联办意见。"
    )
    opinion = opinion.strip()
    if len(opinion) < 2:
        raise DomainError("请写明具体明确的审批意见（002 篇5 §三3）。", code="invalid_input")
    now = now or clock.now()
    with transaction.atomic():
        case = _locked(handover.case)
        handover = Handover.objects.select_for_update().select_related("department").get(pk=handover.pk)
        _check_step(
            "联办交接", Handover.TRANSITIONS, handover.status, HandoverStatus.ANSWERED, HandoverStatus
        )
        user, _ = _user_and_label(actor)
        handover.status, handover.opinion, handover.answered_at, handover.answered_by = (
            HandoverStatus.ANSWERED,
            opinion,
            now,
            user,
        )
        handover.save(update_fields=["status", "opinion", "answered_at", "answered_by"])
        late = handover.due_on is not None and clock.local_date(now) > handover.due_on
        _event(
            case,
            EventKind.HANDOVER,
            actor=actor,
            at=now,
            from_status=HandoverStatus.OPEN,
            to_status=HandoverStatus.ANSWERED,
            note=f"{handover.department.name}反馈意见{'（已超过反馈期限）' if late else ''}：{opinion}",
        )
        _after_handover_closed(case, actor=actor, at=now)
        _audit(actor, "case.handover_answer", case, f"{handover.department.name}反馈联办意见", {"late": late})
        return handover


def case_handover_cancel(
    *, actor: Actor, handover: Handover, reason: str, now: datetime | None = None
) -> Handover:
    """Withdraw a handover registered by mistake (the record stays)."""
    case = handover.case
    _check(actor, lambda u: access.can_handle(u, case), "只有牵头管理部的柜员或部门负责人可以撤销联办交接。")
    if len(reason.strip()) < 2:
        raise DomainError("请写明撤销交接的原因。", code="invalid_input")
    now = now or clock.now()
    with transaction.atomic():
        case = _locked(case)
        handover = Handover.objects.select_for_update().select_related("department").get(pk=handover.pk)
        _check_step(
            "联办交接", Handover.TRANSITIONS, handover.status, HandoverStatus.CANCELLED, HandoverStatus
        )
        handover.status = HandoverStatus.CANCELLED
        handover.save(update_fields=["status"])
        _event(
            case,
            EventKind.HANDOVER,
            actor=actor,
            at=now,
            from_status=HandoverStatus.OPEN,
            to_status=HandoverStatus.CANCELLED,
            note=f"撤销交接{handover.department.name}：{reason.strip()}",
        )
        _after_handover_closed(case, actor=actor, at=now)
        _audit(actor, "case.handover_cancel", case, f"撤销交接{handover.department.name}")
        return handover


def _after_handover_closed(case: Case, *, actor: Actor, at: datetime) -> None:
    if case.status == CaseStatus.JOINT and not case.handovers.filter(status=HandoverStatus.OPEN).exists():
        _move(
            case,
            CaseStatus.ACCEPTED,
            actor=actor,
            at=at,
            note="相关部门意见已全部反馈，由牵头部门作出决定",
            public_note="相关部门意见已全部反馈，正在作出办理决定。",
        )


def case_escalate(
    *, actor: Actor, case: Case, authority: str, note: str = "", now: datetime | None = None
) -> Escalation:
    """Forward an escalated case (上报件) to the higher authority after review (002 篇5 §三4③).
    This ends the centre's own promised limit; from the next day the rule set's days run
    (15 calendar days by default) until the window owes the centre an explanation."""
    _check(actor, lambda u: access.can_handle(u, case), "只有本管理部的柜员或部门负责人可以转报上级。")
    authority = authority.strip()
    if len(authority) < 2:
        raise DomainError("请填写转报的上级政府或部门。", code="invalid_input")
    now = now or clock.now()
    today = clock.local_date(now)
    with transaction.atomic():
        case = _locked(case)
        if case.handling_type != HandlingType.ESCALATED:
            raise DomainError("只有上报件需要转报上级审批。", code="not_escalated")
        if Escalation.objects.filter(case=case).exists():
            raise Conflict("本办件已经转报过上级。", code="already_escalated")
        rules = _rules(today)
        p = rules.params
        explain_after = deadlines.escalation_explain_due(
            calendar_index(),
            today,
            p.escalated_explain_after_days,
            p.escalated_day_unit,
            p.escalated_start_offset_days,
        )
        user, _ = _user_and_label(actor)
        escalation = Escalation.objects.create(
            case=case,
            authority=authority[:100],
            forwarded_at=now,
            forwarded_on=today,
            forwarded_by=user,
            note=note.strip()[:300],
            explain_after=explain_after,
            rules_ref=rules.ref,
        )
        _move(
            case,
            CaseStatus.ESCALATED,
            actor=actor,
            at=now,
            note=f"批复期限{_fmt(explain_after)}（{rules.ref}）"
            + (f"；{note.strip()}" if note.strip() else ""),
            public_note=f"已审核，转报{authority}审批。受理窗口负责联系，批复后即通知您。",
        )
        text_after_commit(
            to=case.applicant_phone,
            text=f"您申请的“{case.version.name}”（受理编号{case.receipt_no}）已审核并转报{authority}审批，"
            "批复后我们将及时通知您。",
            purpose="case_escalated",
        )
        _reassess(case, actor=actor, now=now)
        _audit(actor, "case.escalate", case, f"转报{authority}", {"explain_after": explain_after.isoformat()})
        return escalation


def case_escalation_reply(*, actor: Actor, case: Case, reply: str, now: datetime | None = None) -> Escalation:
    """The higher authority's reply (批复) arrives; the window then completes the case."""
    _check(actor, lambda u: access.can_handle(u, case), "只有本管理部的柜员或部门负责人可以登记上级批复。")
    reply = reply.strip()
    if len(reply) < 2:
        raise DomainError("请登记批复内容（批复文号及结论）。", code="invalid_input")
    now = now or clock.now()
    with transaction.atomic():
        case = _locked(case)
        escalation = Escalation.objects.select_for_update().filter(case=case).first()
        if escalation is None:
            raise InvalidTransition("本办件尚未转报上级。")
        _check_step(
            "上报", Escalation.TRANSITIONS, escalation.status, EscalationStatus.REPLIED, EscalationStatus
        )
        escalation.status, escalation.replied_at, escalation.reply_note = EscalationStatus.REPLIED, now, reply
        escalation.save(update_fields=["status", "replied_at", "reply_note"])
        _event(
            case,
            EventKind.ESCALATION,
            actor=actor,
            at=now,
            from_status=EscalationStatus.FORWARDED,
            to_status=EscalationStatus.REPLIED,
            note=reply,
        )
        _move(
            case,
            CaseStatus.ACCEPTED,
            actor=actor,
            at=now,
            note="上级已批复",
            public_note=f"{escalation.authority}已批复，正在办结。",
        )
        _audit(actor, "case.escalation_reply", case, "登记上级批复")
        return escalation


def escalation_needs_explanation(escalation: Escalation, today: date) -> bool:
    return (
        escalation.status == EscalationStatus.FORWARDED
        and not escalation.explanation
        and today > escalation.explain_after
    )


def case_escalation_explain(
    *, actor: Actor, case: Case, explanation: str, now: datetime | None = None
) -> Escalation:
    """The written explanation to the centre when the higher authority has not replied
    within the rule set's days (002 篇5 §三4 超过15天未批复的，要向中心作出解释)."""
    _check(actor, lambda u: access.can_handle(u, case), "只有本管理部的柜员或部门负责人可以提交书面解释。")
    explanation = explanation.strip()
    if len(explanation) < 10:
        raise DomainError(
            "请写明未获批复的原因、已做的联系和下一步安排（不少于10个字）。", code="invalid_input"
        )
    now = now or clock.now()
    with transaction.atomic():
        case = _locked(case)
        escalation = Escalation.objects.select_for_update().filter(case=case).first()
        if escalation is None or escalation.status != EscalationStatus.FORWARDED:
            raise InvalidTransition("本办件没有等待批复的上报。")
        if escalation.explanation:
            raise Conflict("书面解释已经提交。", code="already_explained")
        if not escalation_needs_explanation(escalation, clock.local_date(now)):
            raise DomainError(
                f"转报后至{_fmt(escalation.explain_after)}（含）仍在批复期限内，期限届满仍未批复的才需向中心作出解释。",
                code="not_yet_due",
            )
        user, _ = _user_and_label(actor)
        escalation.explanation, escalation.explained_at, escalation.explained_by = explanation, now, user
        escalation.save(update_fields=["explanation", "explained_at", "explained_by"])
        _event(case, EventKind.ESCALATION, actor=actor, at=now, note=f"向中心作出书面解释：{explanation}")
        _audit(actor, "case.escalation_explain", case, "上报件超过批复期限，向中心作出书面解释")
        return escalation


# ---------------------------------------------------------------------------------------
# Extensions (延期, 000 §五(二)4)


def case_extension_request(
    *,
    actor: Actor,
    case: Case,
    reason: str,
    requested_deadline: date,
    explained_to_applicant: bool,
    explained_note: str = "",
    now: datetime | None = None,
) -> Extension:
    """Ask for an extension (《办理事项延期申请表》): the reason, the new deadline, and the
    explanation given to the applicant. Made after the deadline it is still recorded,
    and the case counts as overdue (000 §五(二)5(2)) even if it is approved."""
    _check(actor, lambda u: access.can_handle(u, case), "只有本管理部的柜员或部门负责人可以申请延期。")
    reason = reason.strip()
    if len(reason) < 4:
        raise DomainError("请写明不能按期办结的特殊原因。", code="invalid_input")
    if not explained_to_applicant:
        raise DomainError(
            "申请延期前须向办事职工解释说明（000 §五(二)4），请先解释说明并记录情况。",
            code="not_explained",
        )
    now = now or clock.now()
    today = clock.local_date(now)
    with transaction.atomic():
        case = _locked(case)
        if case.status not in (CaseStatus.ACCEPTED, CaseStatus.JOINT):
            raise InvalidTransition(f"办件当前为“{CaseStatus(case.status).label}”，不能申请延期。")
        if case.deadline is None:
            raise DomainError("办结期限尚待节假日安排发布后确定，暂不能申请延期。", code="deadline_pending")
        if Extension.objects.filter(case=case, status__in=PENDING_EXTENSION).exists():
            raise Conflict("已有一份延期申请正在审批，请等待审批结果。", code="extension_pending")
        _check_new_deadline(requested_deadline, case.deadline)
        late = today > case.deadline
        user, _ = _user_and_label(actor)
        number = (Extension.objects.filter(case=case).count() or 0) + 1
        extension = Extension.objects.create(
            case=case,
            number=number,
            reason=reason,
            original_deadline=case.deadline,
            requested_deadline=requested_deadline,
            explained_to_applicant=True,
            explained_note=explained_note.strip()[:200],
            late=late,
            requested_at=now,
            requested_by=user,
        )
        _event(
            case,
            EventKind.EXTENSION,
            actor=actor,
            at=now,
            to_status=ExtensionStatus.REQUESTED,
            note=f"第{number}次延期申请：申请延至{_fmt(requested_deadline)}；原因：{reason}"
            + ("（超过承诺办结时限才提出）" if late else ""),
        )
        _reassess(case, actor=actor, now=now)
        _audit(
            actor,
            "case.extension_request",
            case,
            f"申请延期至{requested_deadline.isoformat()}" + ("（超过时限后提出）" if late else ""),
            {"late": late, "deadline": [case.deadline.isoformat(), requested_deadline.isoformat()]},
        )
        return extension


def _check_new_deadline(new: date, current: date) -> None:
    if new <= current:
        raise DomainError(f"延期后的办结日期须晚于现在的办结期限（{_fmt(current)}）。", code="invalid_input")
    try:
        working = calendar_index().is_workday(new)
    except CalendarNotPublished as exc:
        raise DomainError(
            f"{exc.year}年的节假日安排尚未发布，不能确定{_fmt(new)}是否为工作日，请选择已发布年度内的日期。",
            code="calendar_not_published",
        ) from None
    if not working:
        raise DomainError(f"{_fmt(new)}不是工作日，延期后的办结日期应为工作日。", code="invalid_input")


def case_extension_head_opinion(
    *,
    actor: Actor,
    extension: Extension,
    agree: bool,
    opinion: str,
    granted_deadline: date | None = None,
    now: datetime | None = None,
) -> Extension:
    """The department head signs an opinion and fixes the extension (规定延期时限); a
    refusal ends the request."""
    case = extension.case
    _check(actor, lambda u: access.can_sign_as_head(u, case), "只有受理事项的部门负责人可以签署延期意见。")
    opinion = opinion.strip()
    if len(opinion) < 2:
        raise DomainError("请签署意见。", code="invalid_input")
    now = now or clock.now()
    with transaction.atomic():
        case = _locked(case)
        extension = Extension.objects.select_for_update().get(pk=extension.pk)
        target = ExtensionStatus.HEAD_AGREED if agree else ExtensionStatus.REFUSED
        _check_step("延期申请", Extension.TRANSITIONS, extension.status, target, ExtensionStatus)
        if extension.status != ExtensionStatus.REQUESTED:
            raise InvalidTransition("部门负责人已经签署过意见。")
        granted = granted_deadline or extension.requested_deadline
        if agree:
            _check_new_deadline(granted, extension.original_deadline)
        user, _ = _user_and_label(actor)
        previous = extension.status
        extension.status = target
        extension.head_opinion, extension.head_by, extension.head_at = opinion, user, now
        extension.granted_deadline = granted if agree else None
        extension.save(update_fields=["status", "head_opinion", "head_by", "head_at", "granted_deadline"])
        _event(
            case,
            EventKind.EXTENSION,
            actor=actor,
            at=now,
            from_status=previous,
            to_status=target,
            note=f"部门负责人意见：{opinion}" + (f"（规定延期至{_fmt(granted)}）" if agree else ""),
        )
        if not agree:
            _reassess(case, actor=actor, now=now)
        _audit(actor, "case.extension_head", case, f"部门负责人{'同意' if agree else '不同意'}延期")
        return extension


def case_extension_leader_decision(
    *, actor: Actor, extension: Extension, approve: bool, opinion: str, now: datetime | None = None
) -> Extension:
    """The approving leader's decision. Only an approved extension moves the deadline; the
    applicant is told on the query page and by text message."""
    _check(actor, lambda u: access.can_approve_as_leader(u), "只有中心领导（分管领导）可以批准延期。")
    opinion = opinion.strip()
    if len(opinion) < 2:
        raise DomainError("请签署意见。", code="invalid_input")
    now = now or clock.now()
    with transaction.atomic():
        case = _locked(extension.case)
        extension = Extension.objects.select_for_update().get(pk=extension.pk)
        target = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
        _check_step("延期申请", Extension.TRANSITIONS, extension.status, target, ExtensionStatus)
        if extension.status != ExtensionStatus.HEAD_AGREED:
            raise InvalidTransition("须先由部门负责人签署意见。")
        user, _ = _user_and_label(actor)
        extension.status = target
        extension.leader_opinion, extension.leader_by, extension.leader_at = opinion, user, now
        extension.save(update_fields=["status", "leader_opinion", "leader_by", "leader_at"])
        if approve:
            new = extension.granted_deadline
            assert new is not None
            old = case.deadline
            case.deadline = new
            case.save(update_fields=["deadline"])
            _event(
                case,
                EventKind.EXTENSION,
                actor=actor,
                at=now,
                from_status=ExtensionStatus.HEAD_AGREED,
                to_status=ExtensionStatus.APPROVED,
                note=f"分管领导意见：{opinion}；办结期限由{_fmt(old)}延至{_fmt(new)}",
                public_note=f"因特殊原因不能按期办结，经批准延期，办结期限延至{_fmt(new)}。",
            )
            text_after_commit(
                to=case.applicant_phone,
                text=f"您申请的“{case.version.name}”（受理编号{case.receipt_no}）因特殊原因不能按期办结，"
                f"经批准延期至{_fmt(new)}办结。如有疑问请联系承办窗口。",
                purpose="case_extension",
            )
        else:
            _event(
                case,
                EventKind.EXTENSION,
                actor=actor,
                at=now,
                from_status=ExtensionStatus.HEAD_AGREED,
                to_status=ExtensionStatus.REFUSED,
                note=f"分管领导意见：{opinion}",
            )
        _reassess(case, actor=actor, now=now)
        _audit(
            actor,
            "case.extension_leader",
            case,
            f"分管领导{'批准' if approve else '不批准'}延期",
            {"deadline": [str(extension.original_deadline), str(case.deadline)]} if approve else None,
        )
        return extension


# ---------------------------------------------------------------------------------------
# Completion and delivery (002 篇5 §四 反馈)


def case_complete(
    *,
    actor: Actor,
    case: Case,
    outcome: str,
    result: str,
    refusal_reason: str = "",
    transaction_no: str = "",
    notify_method: str = "",
    notify_note: str = "",
    deliver_now: bool = False,
    delivery_note: str = "",
    now: datetime | None = None,
) -> Case:
    """The decision (办结): approved, or not approved with the reasons in writing (002 篇5
    §四2). With `notify_method` the applicant is recorded as told at once (SMS sends a
    text); with `deliver_now` the result is handed over at the window as well."""
    _check(actor, lambda u: access.can_handle(u, case), "只有本管理部的柜员或部门负责人可以办结办件。")
    if outcome not in Outcome.values:
        raise DomainError("请选择办理结果：准予办理或不予批准。", code="invalid_input")
    result = result.strip()
    if len(result) < 2:
        raise DomainError("请写明办理结果。", code="invalid_input")
    refusal_reason = refusal_reason.strip()
    if outcome == Outcome.REFUSED and len(refusal_reason) < 4:
        raise DomainError("不予批准的，须书面说明不予批准的理由（002 篇5 §四2）。", code="invalid_input")
    transaction_no = transaction_no.strip()
    if len(transaction_no) > 40 or not set(transaction_no) <= _TRANSACTION_CHARS:
        raise DomainError("业务流水号只能由字母、数字和 - _ / 组成，最长40位。", code="invalid_input")
    if deliver_now and not notify_method:
        notify_method = NotifyMethod.IN_PERSON
    if notify_method and notify_method not in NotifyMethod.values:
        raise DomainError("告知方式无效。", code="invalid_input")
    now = now or clock.now()
    with transaction.atomic():
        case = _locked(case)
        if case.status == CaseStatus.JOINT:
            raise Conflict(
                "尚有相关部门未反馈联办意见，牵头部门须综合各部门意见后作出决定。", code="handover_open"
            )
        if case.status == CaseStatus.ESCALATED:
            raise Conflict("上报件须先登记上级批复，再办结。", code="awaiting_reply")
        if (
            case.handling_type == HandlingType.ESCALATED
            and outcome == Outcome.APPROVED
            and not Escalation.objects.filter(case=case, status=EscalationStatus.REPLIED).exists()
        ):
            # 002 篇5 §三4: the centre has no final say; only a refusal after its own review
            # (不符合条件，不予转报) is decided without the higher authority.
            raise Conflict(
                "上报件须经上级政府或部门批准：请先转报并登记批复；审核不符合条件的，可作出不予批准决定。",
                code="needs_higher_approval",
            )
        user, _ = _user_and_label(actor)
        case.outcome, case.result, case.refusal_reason = outcome, result, refusal_reason
        case.transaction_no, case.decided_at, case.decided_by = transaction_no, now, user
        label = Outcome(outcome).label
        _move(
            case,
            CaseStatus.COMPLETED,
            actor=actor,
            at=now,
            fields=["outcome", "result", "refusal_reason", "transaction_no", "decided_at", "decided_by"],
            note=f"{label}：{result}" + (f"；业务流水号 {transaction_no}" if transaction_no else ""),
            public_note=f"已办结：{label}。"
            + (f"理由：{refusal_reason}" if outcome == Outcome.REFUSED else ""),
        )
        # 一事一评 and 12329 回访 (004 §五): the online rating token and, for a withdrawal or
        # loan case, the hotline callback are created with the completion itself (the
        # ratings app receives the hook in this transaction).
        hooks.fire("case_completed", case=case, at=now)
        if notify_method:
            _record_notify(case, notify_method, notify_note, actor=actor, at=now)
        if deliver_now:
            _record_delivery(
                case, DeliveryMethod.PICKUP, delivery_note or "当场交付办事职工", actor=actor, at=now
            )
        _reassess(case, actor=actor, now=now)
        _audit(
            actor,
            "case.complete",
            case,
            f"办结：{label}" + ("，当场交付" if deliver_now else ""),
            {"outcome": outcome, "transaction_no": transaction_no},
        )
        return case


def _notify_text(case: Case) -> str:
    label = Outcome(case.outcome).label
    text = f"您申请的“{case.version.name}”（受理编号{case.receipt_no}）已办结，结果：{label}。"
    if case.delivery_method == DeliveryMethod.PICKUP:
        text += f"请凭受理通知单到{case.branch.name}领取办理结果。"
    elif case.delivery_method == DeliveryMethod.MAIL:
        text += "办理结果将邮寄给您。"
    else:
        text += "办理结果将以电子方式送达。"
    return text


def _record_notify(case: Case, method: str, note: str, *, actor: Actor, at: datetime) -> None:
    if method == NotifyMethod.SMS and not text_after_commit(
        to=case.applicant_phone, text=_notify_text(case), purpose="case_completed"
    ):
        raise DomainError(
            "申请人的联系电话不是手机号码，不能短信告知，请选择电话或书面告知。", code="not_mobile"
        )
    case.notified_at, case.notify_method, case.notify_note = at, method, note.strip()[:200]
    case.save(update_fields=["notified_at", "notify_method", "notify_note"])
    _event(
        case,
        EventKind.NOTIFY,
        actor=actor,
        at=at,
        note=f"{NotifyMethod(method).label}申请人办理结果"
        + (f"：{case.notify_note}" if case.notify_note else ""),
        public_note=f"已{NotifyMethod(method).label}您办理结果。",
    )


def case_notify(
    *, actor: Actor, case: Case, method: str, note: str = "", now: datetime | None = None
) -> Case:
    """Record that the applicant was told the decision (答复, 000 §五(二)5(1))."""
    _check(actor, lambda u: access.can_handle(u, case), "只有本管理部的柜员或部门负责人可以登记告知情况。")
    if method not in NotifyMethod.values:
        raise DomainError("请选择告知方式：当面、电话、短信或书面告知。", code="invalid_input")
    now = now or clock.now()
    with transaction.atomic():
        case = _locked(case)
        if case.status not in (CaseStatus.COMPLETED, CaseStatus.DELIVERED):
            raise InvalidTransition("办件尚未办结，没有可以告知的办理结果。")
        if case.notified_at is not None:
            raise Conflict(
                f"已于{clock.local(case.notified_at):%Y-%m-%d %H:%M}告知申请人。",
                code="already_notified",
            )
        _record_notify(case, method, note, actor=actor, at=now)
        _reassess(case, actor=actor, now=now)
        _audit(actor, "case.notify", case, f"{NotifyMethod(method).label}申请人办理结果")
        return case


def _record_delivery(case: Case, method: str, note: str, *, actor: Actor, at: datetime) -> None:
    case.delivery_method, case.delivered_at, case.delivery_note = method, at, note.strip()[:200]
    if case.notified_at is None:
        # Handing the result over tells the applicant the decision as well.
        case.notified_at = at
        case.notify_method = (
            NotifyMethod.IN_PERSON if method == DeliveryMethod.PICKUP else NotifyMethod.LETTER
        )
        case.save(update_fields=["notified_at", "notify_method"])
    _move(
        case,
        CaseStatus.DELIVERED,
        actor=actor,
        at=at,
        fields=["delivery_method", "delivered_at", "delivery_note"],
        note=f"{DeliveryMethod(method).label}" + (f"：{case.delivery_note}" if case.delivery_note else ""),
        public_note={
            DeliveryMethod.PICKUP: "办理结果已在窗口交付申请人。",
            DeliveryMethod.MAIL: "办理结果已邮寄送达"
            + (f"（{case.delivery_note}）" if case.delivery_note else "")
            + "。",
            DeliveryMethod.ELECTRONIC: "办理结果已电子送达。",
        }[DeliveryMethod(method)],
    )


def case_deliver(
    *,
    actor: Actor,
    case: Case,
    method: str,
    note: str = "",
    delivered_at: datetime | None = None,
    now: datetime | None = None,
) -> Case:
    """The result handed over (窗口领取), posted (邮寄, with the tracking number) or sent
    electronically, with its time (002 篇5 §四1)."""
    _check(actor, lambda u: access.can_handle(u, case), "只有本管理部的柜员或部门负责人可以登记送达。")
    if method not in DeliveryMethod.values:
        raise DomainError("请选择送达方式：窗口领取、邮寄送达或电子送达。", code="invalid_input")
    if method == DeliveryMethod.MAIL and not note.strip():
        raise DomainError("邮寄送达的，请填写邮件单号。", code="invalid_input")
    now = now or clock.now()
    at = delivered_at or now
    if at > now + clock.skew_tolerance():
        raise DomainError("送达时间不能晚于现在。", code="invalid_input")
    with transaction.atomic():
        case = _locked(case)
        if case.decided_at is not None and at < case.decided_at:
            raise DomainError("送达时间不能早于办结时间。", code="invalid_input")
        _record_delivery(case, method, note, actor=actor, at=at)
        _reassess(case, actor=actor, now=now)
        _audit(actor, "case.deliver", case, f"送达：{DeliveryMethod(method).label}")
        return case


def case_withdraw(*, actor: Actor, case: Case, reason: str, now: datetime | None = None) -> Case:
    """The applicant withdraws the application (written or recorded request)."""
    _check(actor, lambda u: access.can_handle(u, case), "只有本管理部的柜员或部门负责人可以登记撤回。")
    if len(reason.strip()) < 2:
        raise DomainError("请写明撤回的情况（如：申请人书面申请撤回）。", code="invalid_input")
    now = now or clock.now()
    with transaction.atomic():
        case = _locked(case)
        case.closed_at = now
        _move(
            case,
            CaseStatus.WITHDRAWN,
            actor=actor,
            at=now,
            fields=["closed_at"],
            note=reason.strip(),
            public_note="您已撤回本次申请。",
        )
        Handover.objects.filter(case=case, status=HandoverStatus.OPEN).update(status=HandoverStatus.CANCELLED)
        Extension.objects.filter(case=case, status__in=PENDING_EXTENSION).update(
            status=ExtensionStatus.REFUSED
        )
        SupplementRequest.objects.filter(case=case, status=SupplementStatus.OPEN).update(
            status=SupplementStatus.CLOSED
        )
        _audit(actor, "case.withdraw", case, f"申请人撤回：{reason.strip()[:100]}")
        return case


# ---------------------------------------------------------------------------------------
# Review (复核) of a refusal to accept, and the query password


def case_public_lookup(receipt_no: str, password: str) -> Case | None:
    """The case for a receipt number and its query password, or None — the same None,
    after the same work, for an unknown number and a wrong password."""
    number = (receipt_no or "").strip().upper()
    case = Case.objects.filter(receipt_no=number).first() if number else None
    if case is None:
        check_password(password or "", _DUMMY_HASH)
        return None
    if not check_password((password or "").strip(), case.query_password_hash):
        return None
    return case


_DUMMY_HASH = make_password("not-a-case-query-password")


def case_review_request(
    *, case: Case, reason: str, contact_phone: str = "", now: datetime | None = None
) -> ReviewRequest:
    """The applicant asks the centre to review a refusal to accept (002 篇5 §四3), on the
    query page after entering the query password."""
    reason = reason.strip()
    if len(reason) < 10:
        raise DomainError("请写明您认为应当受理的理由（不少于10个字）。", code="invalid_input")
    phone = contact_phone.strip()
    if phone:
        try:
            phone = identity.validate_landline_or_mobile(phone)
        except ValidationError as exc:
            raise DomainError(exc.messages[0], code="invalid_input") from None
    now = now or clock.now()
    with transaction.atomic():
        case = _locked(case)
        if ReviewRequest.objects.filter(case=case).exists():
            raise Conflict(
                "本办件已经申请过复核。对复核结果仍有异议的，可依法申请行政复议或提起行政诉讼。",
                code="already_reviewed",
            )
        review = ReviewRequest.objects.create(
            case=case, reason=reason[:2000], contact_phone=phone, requested_at=now
        )
        _move(
            case,
            CaseStatus.REVIEW,
            actor=PUBLIC_ACTOR,
            at=now,
            note=f"申请复核：{reason[:500]}",
            public_note="您已申请复核，中心业务管理处将复核并答复您。",
        )
        _audit(PUBLIC_ACTOR, "case.review_request", case, "申请人网上申请复核")
        return review


def case_review_decide(
    *, actor: Actor, case: Case, overturn: bool, decision: str, now: datetime | None = None
) -> ReviewRequest:
    """The office's answer. Upheld: the refusal stands. Overturned: the application counts
    as accepted on the day it was complete — 000 §五(二)2(1) counts from the day after the
    application was received, and the wrong refusal does not move that day — or, when
    materials are still missing, it waits for them."""
    _check(actor, lambda u: access.can_decide_review(u), "只有业务管理处或中心领导可以作出复核决定。")
    decision = decision.strip()
    if len(decision) < 4:
        raise DomainError("请写明复核意见。", code="invalid_input")
    now = now or clock.now()
    with transaction.atomic():
        case = _locked(case)
        review = ReviewRequest.objects.select_for_update().filter(case=case).first()
        if review is None:
            raise InvalidTransition("本办件没有复核申请。")
        target = ReviewStatus.OVERTURNED if overturn else ReviewStatus.UPHELD
        _check_step("复核申请", ReviewRequest.TRANSITIONS, review.status, target, ReviewStatus)
        user, _ = _user_and_label(actor)
        review.status, review.decision, review.decided_at, review.decided_by = target, decision, now, user
        review.save(update_fields=["status", "decision", "decided_at", "decided_by"])
        _event(
            case,
            EventKind.REVIEW,
            actor=actor,
            at=now,
            from_status=ReviewStatus.REQUESTED,
            to_status=target,
            note=decision,
        )
        if not overturn:
            _move(
                case,
                CaseStatus.REJECTED,
                actor=actor,
                at=now,
                public_note=f"复核意见：维持不予受理。{decision}",
            )
        else:
            missing = case.materials.filter(status=MaterialStatus.MISSING).exists()
            if missing:
                SupplementRequest.objects.filter(case=case).update(status=SupplementStatus.OPEN)
                if not SupplementRequest.objects.filter(case=case).exists():
                    SupplementRequest.objects.create(
                        case=case, number=f"{case.receipt_no}-B", issued_at=now, issued_by=user
                    )
                _move(
                    case,
                    CaseStatus.SUPPLEMENT,
                    actor=actor,
                    at=now,
                    public_note=f"复核意见：撤销不予受理。{decision} 请补齐补办件通知单所列材料。",
                )
            else:
                supplement = SupplementRequest.objects.filter(case=case).first()
                complete_on = (
                    _local_day(supplement.completed_at) if supplement and supplement.completed_at else None
                )
                on = complete_on or case.received_on
                _accept(case, actor=actor, at=now, on=on, after_supplement=complete_on is not None)
                _event(
                    case,
                    EventKind.REVIEW,
                    actor=actor,
                    at=now,
                    public_note=f"复核意见：撤销不予受理。{decision}",
                )
                _reassess(case, actor=actor, now=now)
        _audit(actor, "case.review_decide", case, f"复核：{ReviewStatus(target).label}")
        return review


def case_password_reset(*, actor: Actor, case: Case, now: datetime | None = None) -> str:
    """A new query password for an applicant who lost theirs (identity checked at the
    window); the old one stops working."""
    _check(actor, lambda u: access.can_handle(u, case), "只有本管理部的柜员或部门负责人可以重置查询密码。")
    now = now or clock.now()
    password = new_query_password()
    with transaction.atomic():
        case = _locked(case)
        case.query_password_hash = make_password(password)
        case.save(update_fields=["query_password_hash"])
        _event(case, EventKind.PASSWORD, actor=actor, at=now, note="重置查询密码（已核验申请人身份）")
        _audit(actor, "case.password_reset", case, "重置查询密码")
    return password


def case_print_record(*, actor: Actor, case: Case, form: str, now: datetime | None = None) -> None:
    """Printing a notice is recorded (who printed which form when)."""
    with transaction.atomic():
        _audit(actor, "case.print", case, f"打印{form}")


# ---------------------------------------------------------------------------------------
# Overdue (000 §五(二)5), pending deadlines and the daily sweep


def overdue_facts(case: Case) -> deadlines.OverdueFacts:
    escalation = Escalation.objects.filter(case=case).first()
    extensions = list(Extension.objects.filter(case=case).values_list("status", "late"))
    decided_on = _local_day(case.decided_at)
    notified_on = _local_day(case.notified_at)
    pickup = case.delivery_method == DeliveryMethod.PICKUP
    if escalation is not None:
        # Forwarding ends the centre's own limit (002 篇5 §三4②③); the applicant was told.
        decided_on = notified_on = escalation.forwarded_on
        pickup = True
    return deadlines.OverdueFacts(
        deadline=case.deadline,
        decided_on=decided_on,
        notified_on=notified_on,
        delivered_on=_local_day(case.delivered_at),
        pickup=pickup,
        extension_pending_in_time=any(s in PENDING_EXTENSION and not late for s, late in extensions),
        late_extension=any(late for _, late in extensions),
    )


def _reassess(case: Case, *, actor: Actor, now: datetime) -> list[str]:
    """Store every overdue condition that now holds and was not stored yet."""
    if case.status in (CaseStatus.WITHDRAWN, CaseStatus.REJECTED, CaseStatus.REVIEW, CaseStatus.SUPPLEMENT):
        return []
    today = clock.local_date(now)
    reasons = deadlines.overdue_reasons(overdue_facts(case), today)
    known = set(case.overdue_findings.values_list("code", flat=True))
    new = sorted(reasons - known)
    if not new:
        return []
    params = params_of(case)
    _, label = _user_and_label(actor)
    texts = []
    for code in new:
        text = _condition_text(params, code)
        texts.append(text)
        OverdueFinding.objects.create(
            case=case,
            code=code,
            text=text,
            found_at=now,
            found_by=label[:100],
            deadline=case.deadline,
            rules_ref=case.rules_ref or "",
        )
    if not case.overdue:
        case.overdue = True
        case.save(update_fields=["overdue"])
    _event(case, EventKind.OVERDUE, actor=actor, at=now, note="超时办结（000 §五(二)5）：" + "；".join(texts))
    _audit(actor, "case.overdue", case, "认定超时办结：" + "；".join(texts), {"codes": new})
    return new


def case_overdue_check(*, actor: Actor, case: Case, now: datetime | None = None) -> list[str]:
    now = now or clock.now()
    with transaction.atomic():
        case = _locked(case)
        return _reassess(case, actor=actor, now=now)


def case_deadlines_recompute(*, actor: Actor, now: datetime | None = None) -> int:
    """Compute the deadlines that waited for a year's holiday notice (cases and
    handovers), once that year is published. The applicant is told the date by text."""
    now = now or clock.now()
    done = 0
    for case in Case.objects.filter(deadline_pending=True).select_related("version", "matter", "branch"):
        with transaction.atomic():
            case = _locked(case)
            if not case.deadline_pending or case.accepted_on is None:
                continue
            params = params_of(case)
            after_supplement = SupplementRequest.objects.filter(
                case=case, status=SupplementStatus.COMPLETED
            ).exists()
            offset = (
                params.supplement_start_offset_days if after_supplement else params.receipt_start_offset_days
            )
            _set_deadline(case, params, offset)
            if case.deadline_pending:
                continue
            case.save(update_fields=["promised_deadline", "deadline", "deadline_pending", "pending_year"])
            _event(
                case,
                EventKind.DEADLINE,
                actor=actor,
                at=now,
                note="节假日安排已发布，计算办结期限",
                public_note=f"办结日期已确定：{_fmt(case.deadline)}。",
            )
            text_after_commit(
                to=case.applicant_phone,
                text=f"您申请的“{case.version.name}”（受理编号{case.receipt_no}）承诺办结日期为{_fmt(case.deadline)}。",
                purpose="case_deadline",
            )
            _reassess(case, actor=actor, now=now)
            _audit(actor, "case.deadline_recompute", case, f"补算办结期限：{case.deadline}")
            done += 1
    pending_handovers = Handover.objects.filter(due_pending=True, status=HandoverStatus.OPEN)
    for handover in pending_handovers.select_related("case", "department"):
        with transaction.atomic():
            params = params_of(handover.case)
            try:
                due = deadlines.counted_deadline(
                    calendar_index(),
                    handover.registered_on,
                    handover.limit_days,
                    params.handover_start_offset_days,
                )
            except CalendarNotPublished:
                continue
            Handover.objects.filter(pk=handover.pk, due_pending=True).update(due_on=due, due_pending=False)
            _event(
                handover.case,
                EventKind.HANDOVER,
                actor=actor,
                at=now,
                note=f"补算{handover.department.name}反馈期限：{_fmt(due)}",
            )
            done += 1
    return done


def _remind(case: Case, staff: Staff, kind: str, text: str, *, today: date, now: datetime, sms: bool) -> bool:
    """One reminder per case, person, kind and day; a text to the person's mobile only
    with the first of the day."""
    reminder, created = Reminder.objects.get_or_create(
        case=case, staff=staff, kind=kind, day=today, defaults={"text": text[:300], "created_at": now}
    )
    if created and sms and staff.phone:
        reminder.sms_sent = text_after_commit(to=staff.phone, text=text, purpose=f"case_{kind}")
        if reminder.sms_sent:
            reminder.save(update_fields=["sms_sent"])
    return created


def _heads_of(department_id: int | None, branch_id: int | None) -> list[Staff]:
    if department_id is None and branch_id is None:
        return []
    from django.db.models import Q

    condition = Q()
    if department_id is not None:
        condition |= Q(department_id=department_id)
    if branch_id is not None:
        condition |= Q(branch_id=branch_id)
    return list(
        Staff.objects.filter(condition, is_active=True, user__groups__name=Role.HEAD.label).distinct()
    )


def cases_sweep(*, actor: str = SWEEP_ACTOR, now: datetime | None = None) -> dict[str, int]:
    """The daily round (a scheduler runs `manage.py cases_sweep`, e.g. each working morning):
    deadlines waiting for the calendar, reminders before deadlines (on screen and by text),
    new overdue cases flagged, escalations owing an explanation, handovers due. Running it
    twice on a day sends nothing new."""
    now = now or clock.now()
    today = clock.local_date(now)
    counts = {"deadlines": case_deadlines_recompute(actor=actor, now=now)}
    params = _rules(today).params
    cal = calendar_index()
    try:
        soon_until: date | None = cal.add_workdays(today, params.due_soon_working_days)
    except CalendarNotPublished:
        soon_until = None
    reminded = overdue = explain = handovers = 0

    running = Case.objects.filter(status__in=RUNNING, deadline__isnull=False).select_related(
        "first_responsible", "version", "branch"
    )
    # Reminders before the deadline (the rule set's due-soon line, a product choice).
    soon = running.filter(deadline__gte=today, deadline__lte=soon_until or today)
    for case in soon.exclude(status=CaseStatus.ESCALATED):
        assert case.deadline is not None
        when = "今天" if case.deadline == today else _fmt(case.deadline)
        text = (
            f"办件提醒：受理编号{case.receipt_no}（{case.version.name}）将于{when}到期，"
            "请按时办结并告知申请人。"
        )
        with transaction.atomic():
            if _remind(
                case, case.first_responsible, ReminderKind.DUE_SOON, text, today=today, now=now, sms=True
            ):
                reminded += 1

    # New overdue cases: every case whose deadline has passed, and decided cases whose
    # answer or delivery may be missing.
    # (A delivered case was judged when it was delivered: nothing about it changes later.)
    candidates = Case.objects.filter(
        status__in=(*RUNNING, CaseStatus.COMPLETED), deadline__lt=today
    ).select_related("first_responsible", "version", "branch")
    for case in candidates:
        with transaction.atomic():
            new = _reassess(_locked(case), actor=actor, now=now)
            if not new:
                continue
            overdue += 1
            text = (
                f"超时办结：受理编号{case.receipt_no}（{case.version.name}）"
                f"办结期限{_fmt(case.deadline)}已过。"
            )
            targets = [case.first_responsible, *_heads_of(case.department_id, case.branch_id)]
            for staff in dict.fromkeys(targets):
                _remind(case, staff, ReminderKind.OVERDUE, text, today=today, now=now, sms=True)

    for escalation in Escalation.objects.filter(
        status=EscalationStatus.FORWARDED, explanation=""
    ).select_related("case", "case__first_responsible", "case__version"):
        if not escalation_needs_explanation(escalation, today):
            continue
        case = escalation.case
        text = (
            f"上报件超过批复期限：受理编号{case.receipt_no}转报{escalation.authority}后至{_fmt(escalation.explain_after)}"
            "仍未批复，请向中心作出书面解释。"
        )
        with transaction.atomic():
            if _remind(
                case, case.first_responsible, ReminderKind.EXPLAIN, text, today=today, now=now, sms=False
            ):
                explain += 1

    for handover in Handover.objects.filter(status=HandoverStatus.OPEN, due_on__lte=today).select_related(
        "case", "department", "case__version"
    ):
        state = "今天到期" if handover.due_on == today else "已超过反馈期限"
        text = (
            f"联办意见{state}：受理编号{handover.case.receipt_no}（{handover.case.version.name}），"
            f"请{handover.department.name}反馈意见。"
        )
        with transaction.atomic():
            for staff in _heads_of(handover.department_id, None):
                if _remind(
                    handover.case, staff, ReminderKind.HANDOVER, text, today=today, now=now, sms=False
                ):
                    handovers += 1
    counts.update(reminded=reminded, overdue=overdue, explain=explain, handovers=handovers)
    return counts


def reminder_mark_seen(
    *, actor: AbstractBaseUser, reminder: Reminder, now: datetime | None = None
) -> Reminder:
    staff = getattr(actor, "staff", None)
    if staff is None or reminder.staff_id != staff.pk:
        raise _forbidden("这条提醒不是发给您的。")
    if reminder.seen_at is None:
        reminder.seen_at = now or clock.now()
        reminder.save(update_fields=["seen_at"])
    return reminder


__all__ = [
    "OPEN",
    "PUBLIC_ACTOR",
    "ApplicantData",
    "InvalidTransition",
    "MaterialMark",
    "Registration",
    "Rejection",
    "case_complete",
    "case_deadlines_recompute",
    "case_deliver",
    "case_escalate",
    "case_escalation_explain",
    "case_escalation_reply",
    "case_extension_head_opinion",
    "case_extension_leader_decision",
    "case_extension_request",
    "case_handover_answer",
    "case_handover_cancel",
    "case_handover_register",
    "case_notify",
    "case_overdue_check",
    "case_password_reset",
    "case_public_lookup",
    "case_register",
    "case_reject",
    "case_review_decide",
    "case_review_request",
    "case_supplement_receive",
    "case_withdraw",
    "cases_sweep",
    "params_of",
    "reminder_mark_seen",
]
