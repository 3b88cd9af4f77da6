"""12329 callbacks (004 §五 一：12329服务热线对每笔提取、贷款进行回访): the task created for a
completed withdrawal or loan visit or case, the phone number, the calls and the
citizen's answers. Calls and answers are moves of HotlineCallback.TRANSITIONS through
audit.transitions.transition; an unsatisfied answer or a “yes” to 跑回头路/索拿卡要 opens a
差评 follow-up in the same transaction."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User as AuthUser
from django.db import transaction

from audit.services import audit_record
from audit.transitions import InvalidTransition, transition
from common import clock
from common.actors import Actor
from common.errors import Conflict, DomainError
from common.identity import mask_phone
from org.models import Category
from ratings.models import CallbackStatus, CallOutcome, HotlineCallback, SatisfactionLevel, ServiceKind
from ratings.services._common import clean_phone, clean_text, record_event, visit_number
from ratings.services.follow_ups import follow_up_open
from rules.models import RuleKind
from rules.selectors import rules_in_force

if TYPE_CHECKING:
    from cases.models import Case
    from queueing.models import Ticket


def _callback_create(*, actor: Actor, at: datetime, rules_ref: str, **fields: Any) -> HotlineCallback:
    callback = HotlineCallback.objects.create(created_at=at, rules_ref=rules_ref, **fields)
    record_event(callback, actor=actor, action="create", from_status="", at=at)
    audit_record(
        actor=actor,
        action="ratings.callback.create",
        obj=callback,
        summary=f"12329回访任务 {callback.service_number}（{Category(callback.category).label}）",
    )
    return callback


def visit_became_case(ticket: Ticket) -> bool:
    """Whether the service of this visit was accepted as a case that goes on to its
    decision (not refused, not withdrawn): then the visit and the case are one 笔 of 004
    §五 一 and the case, not the visit, is called back (yiyang-hotline-callback
    `visit_with_case = "case_called_back"`)."""
    from cases.models import CaseStatus

    ended = (CaseStatus.REJECTED, CaseStatus.WITHDRAWN, CaseStatus.REVIEW)
    return ticket.cases.exclude(status__in=ended).exists()


def callback_create_for_ticket(
    *, actor: Actor, ticket: Ticket, phone: str = "", at: datetime | None = None
) -> HotlineCallback | None:
    """A 12329 callback for a completed visit of a category the rule set calls back
    (withdrawal and loan, 004 §五 一). None for other categories, and None for a visit
    whose service was accepted as a case (the case is called back instead: one 笔, one
    callback); the existing one if any.
    The phone comes from the visit's appointment when it was booked online; otherwise the
    operator enters it from the core business system before calling."""
    from queueing.models import TicketStatus

    at = at or clock.now()
    rules = rules_in_force(RuleKind.HOTLINE_CALLBACK, clock.local_date(ticket.finished_at or at))
    if ticket.category not in rules.params.categories:
        return None
    if ticket.status != TicketStatus.DONE:
        raise Conflict("只有已办结的服务才能回访。", code="not_completed")
    existing = HotlineCallback.objects.filter(ticket=ticket).first()
    if existing is not None:
        return existing
    if rules.params.visit_with_case == "case_called_back" and visit_became_case(ticket):
        # One 笔, one callback (visit_with_case = "case_called_back"): the case accepted
        # from this visit is called back when it is completed (already, for a case
        # completed during the visit).
        return None
    appointment = getattr(ticket, "appointment", None)
    phone = clean_phone(phone) or (appointment.mobile if appointment is not None else "")
    finished = ticket.finished_at or at
    case = ticket.cases.select_related("matter", "version").order_by("pk").first()
    with transaction.atomic():
        return _callback_create(
            actor=actor,
            at=at,
            rules_ref=rules.ref,
            service_kind=ServiceKind.VISIT,
            ticket=ticket,
            branch_id=ticket.branch_id,
            window_id=ticket.window_id,
            staff_id=ticket.staff_id,
            matter=case.matter if case is not None else None,
            matter_name=case.version.name if case is not None else "",
            category=ticket.category,
            service_number=visit_number(ticket),
            citizen_name=appointment.name if appointment is not None else "",
            phone=phone,
            service_completed_at=finished,
            service_on=clock.local_date(finished),
        )


def callback_create_for_case(
    *, actor: Actor = "system:cases", case: Case, at: datetime | None = None
) -> HotlineCallback | None:
    """A 12329 callback for a completed withdrawal or loan case (004 §五 一: every one).
    The cases app reaches it (through `case_completed`) when a case is completed. A case
    accepted from a visit that already has its callback gets none of its own (the
    visit's is returned): one 笔, one callback, whichever came first."""
    at = at or clock.now()
    finished = case.decided_at or at
    rules = rules_in_force(RuleKind.HOTLINE_CALLBACK, clock.local_date(finished))
    if case.matter.category not in rules.params.categories:
        return None
    existing = HotlineCallback.objects.filter(case=case).first()
    if existing is not None:
        return existing
    if case.ticket_id is not None:
        # The visit it was accepted from already has the 笔's callback (its case was
        # refused when the visit ended and accepted on review, or the callback predates
        # the one-callback rule): the same business is not called back twice.
        visit_callback = HotlineCallback.objects.filter(ticket_id=case.ticket_id).first()
        if visit_callback is not None:
            return visit_callback
    phone = ""
    for candidate in (case.agent_phone, case.applicant_phone):
        try:
            phone = clean_phone(candidate)
        except DomainError:
            continue
        if phone:
            break
    with transaction.atomic():
        return _callback_create(
            actor=actor,
            at=at,
            rules_ref=rules.ref,
            service_kind=ServiceKind.CASE,
            case=case,
            branch_id=case.branch_id,
            window_id=case.window_id,
            staff_id=case.first_responsible_id,
            matter=case.matter,
            matter_name=case.version.name,
            category=case.matter.category,
            service_number=case.receipt_no,
            citizen_name=case.contact_name,
            phone=phone,
            service_completed_at=finished,
            service_on=clock.local_date(finished),
        )


def _locked(callback: HotlineCallback) -> HotlineCallback:
    return HotlineCallback.objects.select_for_update().get(pk=callback.pk)


def callback_phone_set(*, actor: AuthUser, callback: HotlineCallback, phone: str) -> HotlineCallback:
    """The operator enters the citizen's phone from the core business system (while the
    callback is pending)."""
    phone = clean_phone(phone, "联系电话")
    if not phone:
        raise DomainError("请填写联系电话。", code="invalid_input", field="phone")
    now = clock.now()
    with transaction.atomic():
        locked = _locked(callback)
        if locked.status != CallbackStatus.PENDING:
            raise InvalidTransition("回访已结束，不能再修改电话。")
        before = locked.phone
        locked.phone = phone
        locked.save(update_fields=["phone"])
        record_event(locked, actor=actor, action="phone", at=now, note=f"联系电话 {mask_phone(phone)}")
        audit_record(
            actor=actor,
            action="ratings.callback.phone",
            obj=locked,
            summary=f"12329回访 {locked.service_number} 登记联系电话",
            changes={"phone": [mask_phone(before) if before else "", mask_phone(phone)]},
        )
        return locked


def callback_phone_reveal(*, actor: AuthUser, callback: HotlineCallback) -> str:
    """The full phone number, shown only to the operator who opens the task; each showing
    is recorded."""
    if not callback.phone:
        return ""
    now = clock.now()
    with transaction.atomic():
        record_event(callback, actor=actor, action="reveal", at=now, note="查看联系电话")
        audit_record(
            actor=actor,
            action="ratings.callback.reveal",
            obj=callback,
            summary=f"查看12329回访 {callback.service_number} 的联系电话",
        )
    return callback.phone


def callback_attempt(
    *, actor: AuthUser, callback: HotlineCallback, outcome: str, note: str = ""
) -> HotlineCallback:
    """A call that did not produce answers: not reached (stays on the list) or refused."""
    if outcome not in (CallOutcome.NOT_REACHED, CallOutcome.REFUSED):
        raise DomainError("接通后请填写回访内容。", code="invalid_input", field="outcome")
    note = clean_text(note, "说明", limit=500)
    now = clock.now()
    with transaction.atomic():
        locked = _locked(callback)
        if not locked.phone:
            raise Conflict("请先登记联系电话再拨打。", code="no_phone")
        target = CallbackStatus.PENDING if outcome == CallOutcome.NOT_REACHED else CallbackStatus.REFUSED
        locked.attempts += 1
        locked.operator = actor
        transition(
            locked,
            target,
            actor=actor,
            fields=("attempts", "operator"),
            note=note,
            at=now,
            event={"action": "call", "outcome": outcome},
            audit="ratings.callback.call",
            summary=f"12329回访 {locked.service_number} 第{locked.attempts}次拨打："
            f"{CallOutcome(outcome).label}",
            changes={"outcome": outcome},
        )
        return locked


def callback_record(
    *,
    actor: AuthUser,
    callback: HotlineCallback,
    attitude: str,
    efficiency: str,
    ran_back: bool,
    favours: bool,
    dissatisfied_reason: str = "",
    comments: str = "",
) -> HotlineCallback:
    """The citizen was reached and answered (004 §五 一): attitude and efficiency, 跑回头路,
    索拿卡要, comments. An unsatisfied answer or a “yes” opens a follow-up."""
    for field, value in (("服务态度", attitude), ("办事效率", efficiency)):
        if value not in SatisfactionLevel.values:
            raise DomainError(f"请选择{field}：非常满意、满意或不满意。", code="invalid_input", field=field)
    now = clock.now()
    with transaction.atomic():
        locked = _locked(callback)
        rules = rules_in_force(RuleKind.HOTLINE_CALLBACK, locked.service_on)
        needs_reason = any(level in rules.params.reason_required_levels for level in (attitude, efficiency))
        dissatisfied_reason = clean_text(
            dissatisfied_reason, "不满意的具体事项", required=needs_reason, limit=2000
        )
        comments = clean_text(comments, "意见建议", limit=2000)
        if not locked.phone:
            raise Conflict("请先登记联系电话再拨打。", code="no_phone")
        answers: dict[str, Any] = {
            "attempts": locked.attempts + 1,
            "attitude": attitude,
            "efficiency": efficiency,
            "ran_back": bool(ran_back),
            "favours": bool(favours),
            "dissatisfied_reason": dissatisfied_reason,
            "comments": comments,
            "answered_at": now,
            "operator": actor,
        }
        for name, answer in answers.items():
            setattr(locked, name, answer)
        transition(
            locked,
            CallbackStatus.COMPLETED,
            actor=actor,
            fields=answers,
            note=f"服务态度{SatisfactionLevel(attitude).label}，办事效率{SatisfactionLevel(efficiency).label}"
            f"，跑回头路：{'是' if ran_back else '否'}，索拿卡要：{'是' if favours else '否'}",
            at=now,
            event={"action": "answer", "outcome": CallOutcome.REACHED},
            audit="ratings.callback.answer",
            summary=f"12329回访 {locked.service_number} 已回访",
            changes={"attitude": attitude, "efficiency": efficiency},
        )
        if locked.needs_follow_up:
            follow_up_open(callback=locked, at=now)
        return locked


def callback_close_unreachable(*, actor: AuthUser, callback: HotlineCallback, note: str) -> HotlineCallback:
    """Give up after unanswered calls (at least one attempt is required)."""
    note = clean_text(note, "说明", required=True, limit=500)
    now = clock.now()
    with transaction.atomic():
        locked = _locked(callback)
        if locked.attempts == 0:
            raise Conflict("至少拨打一次后才能以“无法联系”结束回访。", code="no_attempt")
        transition(
            locked,
            CallbackStatus.UNREACHABLE,
            actor=actor,
            note=note,
            at=now,
            event={"action": "close"},
            audit="ratings.callback.close",
            summary=f"12329回访 {locked.service_number} 无法联系，结束",
        )
        return locked
