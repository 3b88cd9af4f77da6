"""Every write of the first-inquiry records (000 §五(一); 003 §三–§十).

Keyword-only, typed, one transaction each, an `InquiryEvent`/`BreachEvent` and an
audit event with every change; a change of status goes through
`audit.transitions.transition` along the model's map. `now` is when the act happened (default: now); views
never pass it, imports and tests do.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import audit_record
from audit.transitions import InvalidTransition, check_transition, transition
from catalog.models import OneTimeNotice
from common import clock, hooks
from common.actors import Actor, event_actor, forbidden, require_staff, user_or_none
from common.errors import DomainError
from common.identity import validate_landline_or_mobile
from common.periods import Period
from inquiries.models import (
    NEW,
    OPEN_STATUSES,
    SETTLED_AT_ONCE,
    Breach,
    BreachSource,
    BreachStatus,
    Channel,
    Inquiry,
    InquirySequence,
    InquiryStatus,
    Outcome,
)
from inquiries.selectors import InquiryAction, inquiry_allowed_actions
from org.access import has_role
from org.models import Department, Role, Staff
from rules.models import RuleKind
from rules.selectors import rules_in_force
from workdays.calendar import CalendarNotPublished, add_workdays, add_workdays_from_handover

MAX_RESOLVE_WORKING_DAYS = 60  # a plausibility bound for the typed-in matter limit, not a regulation


def choose_first_responder(first_contact: Staff, asked_together: Sequence[Staff]) -> Staff:
    """003 §三: the first staff member the visitor reached; when two or more were asked
    together, the one with the highest rank (a tie keeps the one reached first)."""
    chosen = first_contact
    for staff in asked_together:
        if staff.rank > chosen.rank:
            chosen = staff
    return chosen


@transaction.atomic
def inquiry_log(
    *,
    actor: Actor,
    channel: str,
    matter: str,
    outcome: str,
    first_contact: Staff | None = None,
    asked_together: Sequence[Staff] = (),
    visitor_unit: str = "",
    visitor_name: str = "",
    visitor_phone: str = "",
    matter_code: str = "",
    answer: str = "",
    department: Department | None = None,
    receiver: Staff | None = None,
    notice_ref: str = "",
    outside_body: str = "",
    resolve_working_days: int | None = None,
    now: datetime | None = None,
) -> Inquiry:
    """Register a visit, call or fax and what the first-inquiry person did with it."""
    logger = require_staff(actor)
    now = now or clock.now()
    today = clock.local_date(now)
    if channel not in Channel.values:
        raise DomainError("请选择来访、电话或传真。", code="invalid_input")
    if outcome not in Outcome.values:
        raise DomainError("请选择处理方式。", code="invalid_input")
    matter = matter.strip()
    if not matter:
        raise DomainError("请填写办事职工咨询或拟办的事项。", code="invalid_input")
    first_contact = first_contact or logger
    others = [s for s in asked_together if s.pk != first_contact.pk]
    first_responder = choose_first_responder(first_contact, others)
    visitor_name, visitor_unit, answer = visitor_name.strip(), visitor_unit.strip(), answer.strip()
    visitor_phone = _phone(visitor_phone)

    rules = rules_in_force(RuleKind.FIRST_INQUIRY, today)
    inquiry = Inquiry(
        no=_next_no(today),
        channel=channel,
        received_at=now,
        received_on=today,
        branch=first_responder.branch or logger.branch,
        visitor_unit=visitor_unit,
        visitor_name=visitor_name,
        visitor_phone=visitor_phone,
        matter=matter,
        matter_code=matter_code.strip(),
        first_responder=first_responder,
        logged_by=logger.user,
        outcome=outcome,
        answer=answer,
        rules_ref=rules.ref,
    )
    if outcome == Outcome.HANDLED and not answer:
        raise DomainError("当场办理或答复的，请填写答复或办理情况。", code="invalid_input")
    if outcome == Outcome.NOTICE_GIVEN and not (notice_ref.strip() or answer):
        raise DomainError(
            "一次性告知的，请填写《一次性告知清单》编号；电话口头告知的，请在“答复或办理情况”中记录告知内容。",
            code="invalid_input",
        )
    if outcome in (Outcome.LED, Outcome.CONTACTED, Outcome.HANDED_OVER) and department is None:
        raise DomainError("请选择带领、联系或转交到的相关部门。", code="invalid_input")
    if outcome == Outcome.REFERRED_OUTSIDE and not outside_body.strip():
        raise DomainError("请填写介绍到的有关部门或单位。", code="invalid_input")
    if outcome in (Outcome.HANDED_OVER, Outcome.ESCALATED) and not (visitor_name and visitor_phone):
        raise DomainError(
            "登记转交或报告领导的，须登记办事职工的姓名和联系电话，以便相关人员与其联系（000 §五(一)2(2)）。",
            code="invalid_input",
        )
    inquiry.notice_ref = notice_ref.strip() if outcome == Outcome.NOTICE_GIVEN else ""
    inquiry.notice = _notice_by_number(inquiry.notice_ref) if inquiry.notice_ref else None
    inquiry.outside_body = outside_body.strip() if outcome == Outcome.REFERRED_OUTSIDE else ""
    if outcome in (Outcome.LED, Outcome.CONTACTED, Outcome.HANDED_OVER):
        inquiry.department = department
        inquiry.receiver = receiver

    if outcome in SETTLED_AT_ONCE:
        inquiry.status = InquiryStatus.CLOSED
        inquiry.closed_at = now
        inquiry.closed_by = first_responder
        inquiry.result = answer
    elif outcome == Outcome.HANDED_OVER:
        if receiver is None:
            raise DomainError("登记转交的，请选择接办的相关部门工作人员。", code="invalid_input")
        inquiry.status = InquiryStatus.HANDED_OVER
        _set_handover(
            inquiry, today, receiver, resolve_working_days, rules.params.handover_contact_working_days
        )
    else:  # escalated
        inquiry.status = InquiryStatus.ESCALATED
        inquiry.escalated_to = _superior_of(first_responder)
        inquiry.escalated_at = now
    inquiry.save()
    if others:
        inquiry.asked_staff.set(others)
    summary = f"首问登记 {inquiry.no}：{Channel(channel).label}，{Outcome(outcome).label}"
    if first_responder.pk != first_contact.pk:
        summary += f"；同时被询问者中职级最高的 {first_responder.name} 为首问责任人"
    _event(inquiry, actor=actor, action="log", from_status=NEW, note=summary, at=now)
    audit_record(
        actor=actor,
        action="inquiries.inquiry.log",
        obj=inquiry,
        summary=summary,
        changes={"status": [None, inquiry.status], "outcome": outcome, "first_responder": first_responder.pk},
    )
    return inquiry


@transaction.atomic
def inquiry_contact(
    *, actor: Actor, inquiry: Inquiry, note: str = "", now: datetime | None = None
) -> Inquiry:
    """The receiver has called the visitor (000 §五(一)2(2) 阅知登记内容后应尽快与办事职工联系)."""
    inquiry = _locked(inquiry)
    _require(actor, inquiry, InquiryAction.CONTACT)
    now = now or clock.now()
    inquiry.contacted_at = now
    transition(
        inquiry,
        InquiryStatus.CONTACTED,
        actor=actor,
        note=note.strip(),
        at=now,
        fields=["contacted_at"],
        event={"action": "contact"},
        audit="inquiries.inquiry.contact",
    )
    return inquiry


@transaction.atomic
def inquiry_close(*, actor: Actor, inquiry: Inquiry, result: str, now: datetime | None = None) -> Inquiry:
    """The matter is settled and the visitor has the answer (首问必果)."""
    inquiry = _locked(inquiry)
    _require(actor, inquiry, InquiryAction.CLOSE)
    result = result.strip()
    if not result:
        raise DomainError("请填写办理结果或给办事职工的答复。", code="invalid_input")
    now = now or clock.now()
    inquiry.result = result
    inquiry.closed_at = now
    inquiry.closed_by = require_staff(actor)
    transition(
        inquiry,
        InquiryStatus.CLOSED,
        actor=actor,
        note=result,
        at=now,
        fields=["result", "closed_at", "closed_by"],
        event={"action": "close"},
        audit="inquiries.inquiry.close",
    )
    return inquiry


@transaction.atomic
def inquiry_escalate(*, actor: Actor, inquiry: Inquiry, reason: str, now: datetime | None = None) -> Inquiry:
    """The receiver is away or responsibility is unclear: the first-inquiry person
    reports to their superior (000 §五(一)2(2); 003 §五4, §七)."""
    inquiry = _locked(inquiry)
    _require(actor, inquiry, InquiryAction.ESCALATE)
    reason = reason.strip()
    if not reason:
        raise DomainError("请说明报告领导的原因（如相关人员出差、责任不明确）。", code="invalid_input")
    now = now or clock.now()
    inquiry.escalated_to = _superior_of(inquiry.first_responder)
    inquiry.escalated_at = now
    transition(
        inquiry,
        InquiryStatus.ESCALATED,
        actor=actor,
        note=f"报告 {inquiry.escalated_to.name}：{reason}",
        at=now,
        fields=["escalated_to", "escalated_at"],
        event={"action": "escalate"},
        audit="inquiries.inquiry.escalate",
    )
    return inquiry


@transaction.atomic
def inquiry_designate(
    *,
    actor: Actor,
    inquiry: Inquiry,
    department: Department,
    receiver: Staff,
    resolve_working_days: int | None,
    note: str = "",
    now: datetime | None = None,
) -> Inquiry:
    """The superior names who is responsible: a new hand-over with its own limits,
    counted from today (000 §五(二)2(3))."""
    inquiry = _locked(inquiry)
    _require(actor, inquiry, InquiryAction.DESIGNATE)
    now = now or clock.now()
    rules = rules_in_force(RuleKind.FIRST_INQUIRY, clock.local_date(now))
    inquiry.department = department
    inquiry.contacted_at = None
    _set_handover(
        inquiry,
        clock.local_date(now),
        receiver,
        resolve_working_days,
        rules.params.handover_contact_working_days,
    )
    transition(
        inquiry,
        InquiryStatus.HANDED_OVER,
        actor=actor,
        note=f"指定 {department.name} {receiver.name} 接办。{note.strip()}".strip(),
        at=now,
        fields=[
            "department",
            "receiver",
            "contacted_at",
            "handed_over_on",
            "contact_due",
            "resolve_working_days",
            "resolve_due",
            "deadline_pending",
        ],
        event={"action": "designate"},
        audit="inquiries.inquiry.designate",
    )
    return inquiry


@transaction.atomic
def inquiry_deadlines_recompute(*, actor: Actor) -> int:
    """Compute the limits of hand-overs stored while their year was unpublished;
    returns how many now have their dates. Run after a year's notice is published."""
    done = 0
    pending = Inquiry.objects.select_for_update().filter(deadline_pending=True, status__in=OPEN_STATUSES)
    for inquiry in pending:
        if inquiry.handed_over_on is None:
            continue
        rules = rules_in_force(RuleKind.FIRST_INQUIRY, inquiry.handed_over_on)
        try:
            contact_due, resolve_due = _handover_dates(
                inquiry.handed_over_on,
                inquiry.resolve_working_days,
                rules.params.handover_contact_working_days,
            )
        except CalendarNotPublished:
            continue
        inquiry.contact_due, inquiry.resolve_due, inquiry.deadline_pending = contact_due, resolve_due, False
        inquiry.save(update_fields=["contact_due", "resolve_due", "deadline_pending"])
        _event(
            inquiry,
            actor=actor,
            action="deadline",
            from_status=inquiry.status,
            note=f"节假日安排已发布，补算期限：联系 {contact_due:%Y-%m-%d}"
            + (f"，办结 {resolve_due:%Y-%m-%d}" if resolve_due else ""),
            at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="inquiries.inquiry.deadline",
            obj=inquiry,
            summary="补算转交期限",
            changes={"contact_due": [None, str(contact_due)], "resolve_due": [None, str(resolve_due)]},
        )
        done += 1
    return done


# --- Breaches (003 §十) ------------------------------------------------------------


@transaction.atomic
def breach_record(
    *,
    actor: Actor,
    staff: Staff,
    source: str,
    occurred_on: date,
    found_on: date,
    description: str,
    complaint: Any = None,
    inquiry: Inquiry | None = None,
    source_ref: str = "",
    serious: bool = False,
    serious_note: str = "",
) -> Breach:
    """Record a verified breach of the first-inquiry rules and the consequence its
    number within the counting window calls for (003 §十; rule set first_inquiry)."""
    _require_office_or_leader(actor, "违反首问负责制的认定由业务管理处或中心领导登记。")
    if source not in BreachSource.values:
        raise DomainError("请选择违规的来源：投诉查实、检查发现或其他查实。", code="invalid_input")
    description = description.strip()
    if not description:
        raise DomainError("请写明违规情况。", code="invalid_input")
    today = clock.today()
    if found_on > today:
        raise DomainError("查实日期不能晚于今天。", code="invalid_input")
    if occurred_on > found_on:
        raise DomainError("违规日期不能晚于查实日期。", code="invalid_input")
    if source == BreachSource.COMPLAINT and complaint is None and not source_ref.strip():
        raise DomainError("来源为投诉查实的，请填写投诉编号。", code="invalid_input")
    if serious and not serious_note.strip():
        raise DomainError("造成严重社会影响或后果的，请写明行政处分意见。", code="invalid_input")
    # Lock the person: two breaches recorded at once must not both become "the 1st".
    Staff.objects.select_for_update().filter(pk=staff.pk).first()
    rules = rules_in_force(RuleKind.FIRST_INQUIRY, found_on)
    ladder = rules.params.violation_ladder
    period = Period.containing(ladder.period, found_on)
    earlier = Breach.objects.counted().filter(staff=staff, found_on__gte=period.start, found_on__lte=found_on)
    nth = earlier.count() + 1
    step = ladder.step_for(nth)
    breach = Breach.objects.create(
        staff=staff,
        source=source,
        complaint=complaint,
        inquiry=inquiry,
        source_ref=source_ref.strip(),
        occurred_on=occurred_on,
        found_on=found_on,
        description=description,
        nth=nth,
        period_start=period.start,
        period_end=period.end,
        consequences=list(step.consequences),
        serious=serious,
        serious_note=serious_note.strip() if serious else "",
        rules_ref=rules.ref,
        recorded_by=user_or_none(actor),
    )
    user, label = event_actor(actor)
    note = f"{period.label}第{nth}次：{'、'.join(step.consequences)}"
    if serious:
        note += f"；造成严重影响，另行给予行政处分：{breach.serious_note}"
    breach.events.create(actor=user, actor_label=label, from_status=NEW, to_status=breach.status, note=note)
    audit_record(
        actor=actor,
        action="inquiries.breach.record",
        obj=breach,
        summary=f"认定 {staff.name} 违反首问负责制，{note}",
        changes={"nth": nth, "consequences": breach.consequences, "rules": rules.ref},
    )
    # The violations ledger (supervision) enters the breach in this same transaction.
    hooks.fire("breach_recorded", breach=breach, actor=actor, at=breach.recorded_at)
    return breach


@transaction.atomic
def breach_withdraw(*, actor: Actor, breach: Breach, reason: str) -> Breach:
    """Withdraw a breach found not to stand (e.g. on re-review). Decisions already
    taken on later breaches keep their number; the withdrawn one no longer counts."""
    _require_office_or_leader(actor, "撤销违规认定由业务管理处或中心领导办理。")
    breach = Breach.objects.select_for_update().get(pk=breach.pk)
    check_transition(breach, BreachStatus.WITHDRAWN, refused="该违规记录已经撤销。")
    reason = reason.strip()
    if not reason:
        raise DomainError("请写明撤销理由。", code="invalid_input")
    breach.withdrawn_reason = reason
    transition(
        breach,
        BreachStatus.WITHDRAWN,
        actor=actor,
        note=reason,
        fields=["withdrawn_reason"],
        audit="inquiries.breach.withdraw",
        summary=f"撤销 {breach.staff.name} 的违规认定：{reason}",
    )
    # The breach's ledger line is reversed in this same transaction.
    hooks.fire("breach_withdrawn", breach=breach, actor=actor, reason=reason, at=clock.now())
    return breach


# --- helpers --------------------------------------------------------------------


def _phone(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return validate_landline_or_mobile(value)
    except ValidationError as exc:
        raise DomainError(f"联系电话：{exc.messages[0]}", code="invalid_input") from None


def _require_office_or_leader(actor: Actor, message: str) -> None:
    if isinstance(actor, str):
        return  # a job acting for the centre
    if actor is None or not has_role(actor, Role.OFFICE, Role.LEADER):
        raise forbidden(message)


def _superior_of(staff: Staff) -> Staff:
    if staff.superior is None:
        raise DomainError(
            f"{staff.name} 的档案中没有填写“上一级领导”，无法报告。请系统管理员在工作人员档案中补充后再试。",
            code="no_superior",
        )
    return staff.superior


def _handover_dates(day: date, resolve_days: int | None, contact_days: int) -> tuple[date, date | None]:
    # Contact: from the day after the hand-over (rule set interpretation of "尽快");
    # resolution: between departments, counted from the hand-over day (000 §五(二)2(3)).
    contact_due = add_workdays(day, contact_days)
    resolve_due = add_workdays_from_handover(day, resolve_days) if resolve_days is not None else None
    return contact_due, resolve_due


def _set_handover(
    inquiry: Inquiry, day: date, receiver: Staff, resolve_days: int | None, contact_days: int
) -> None:
    if resolve_days is not None and not 0 <= resolve_days <= MAX_RESOLVE_WORKING_DAYS:
        raise DomainError(
            f"事项办理时限应为 0–{MAX_RESOLVE_WORKING_DAYS} 个工作日（即办填0）。", code="invalid_input"
        )
    if not receiver.is_active:
        raise DomainError(f"{receiver.name} 不在岗，请选择其他接办人。", code="invalid_input")
    inquiry.receiver = receiver
    inquiry.handed_over_on = day
    inquiry.resolve_working_days = resolve_days
    try:
        inquiry.contact_due, inquiry.resolve_due = _handover_dates(day, resolve_days, contact_days)
        inquiry.deadline_pending = False
    except CalendarNotPublished:
        # Never guess a deadline: keep the hand-over, list it for the administrator.
        inquiry.contact_due = inquiry.resolve_due = None
        inquiry.deadline_pending = True


def _next_no(day: date) -> str:
    seq, _ = InquirySequence.objects.select_for_update().get_or_create(day=day)
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"SW{day:%Y%m%d}-{seq.last:04d}"


def _locked(inquiry: Inquiry) -> Inquiry:
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the outer join.
    return (
        Inquiry.objects.select_for_update(of=("self",))
        .select_related("first_responder__superior")
        .get(pk=inquiry.pk)
    )


def _require(actor: Actor, inquiry: Inquiry, action: InquiryAction) -> None:
    if isinstance(actor, str):
        return  # a job acting for the centre
    if actor is None or action not in inquiry_allowed_actions(actor, inquiry):
        if inquiry.status == InquiryStatus.CLOSED:
            raise InvalidTransition("该登记已经办结。", status_from=inquiry.status)
        raise forbidden("您不是该事项的接办人、首问责任人或所报告的领导，不能办理此步骤。")


def _event(inquiry: Inquiry, *, actor: Actor, action: str, from_status: str, note: str, at: datetime) -> None:
    """A row that no status move writes: the registration, a recomputed deadline."""
    user, label = event_actor(actor)
    inquiry.events.create(
        at=at,
        actor=user,
        actor_label=label,
        action=action,
        from_status=from_status,
        to_status=inquiry.status,
        note=note,
    )


def _notice_by_number(number: str) -> OneTimeNotice | None:
    """The system's notice of that number; None for a paper notice given before the
    system was in use (its number is kept as typed)."""
    return OneTimeNotice.objects.filter(number=number).first()
