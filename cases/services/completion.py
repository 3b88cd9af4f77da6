"""The decision on a case (办结, 002 篇5 §四: 准予办理, or 不予批准 with the reasons in
writing), optionally told and handed over at once; and the applicant's withdrawal, which
ends whatever is still open (handovers, a pending extension, the 补办件通知单).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from cases import access
from cases.models import (
    Case,
    CaseStatus,
    DeliveryMethod,
    Escalation,
    EscalationStatus,
    NotifyMethod,
    Outcome,
)
from cases.services._common import check_rights, locked, move
from cases.services.acceptance import close_supplement
from cases.services.delivery import record_delivery, record_notify
from cases.services.extensions import extensions_refuse_pending
from cases.services.joint import handovers_cancel_open
from cases.services.overdue import reassess
from catalog.models import HandlingType
from common import clock, hooks
from common.actors import AnyActor, user_or_none
from common.errors import Conflict, DomainError

# Ordinary characters of a transaction number of the core system (业务流水号).
_TRANSACTION_CHARS = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_/")


def case_complete(
    *,
    actor: AnyActor,
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
    check_rights(actor, lambda u: access.can_handle(u, case), "只有本管理部的柜员或部门负责人可以办结办件。")
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
        case = locked(case)
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
        case.outcome, case.result, case.refusal_reason = outcome, result, refusal_reason
        case.transaction_no, case.decided_at, case.decided_by = transaction_no, now, user_or_none(actor)
        label = Outcome(outcome).label
        move(
            case,
            CaseStatus.COMPLETED,
            actor=actor,
            at=now,
            fields=["outcome", "result", "refusal_reason", "transaction_no", "decided_at", "decided_by"],
            note=f"{label}：{result}" + (f"；业务流水号 {transaction_no}" if transaction_no else ""),
            public_note=f"已办结：{label}。"
            + (f"理由：{refusal_reason}" if outcome == Outcome.REFUSED else ""),
            audit="case.complete",
            summary=f"办结：{label}" + ("，当场交付" if deliver_now else ""),
            changes={"outcome": outcome, "transaction_no": transaction_no},
        )
        # 一事一评 and 12329 回访 (004 §五): the online rating token and, for a withdrawal or
        # loan case, the hotline callback are created with the completion itself (the
        # ratings app receives the hook in this transaction).
        hooks.fire("case_completed", case=case, at=now)
        if notify_method:
            record_notify(case, notify_method, notify_note, actor=actor, at=now)
        if deliver_now:
            handed = delivery_note or "当场交付办事职工"
            record_delivery(case, DeliveryMethod.PICKUP, handed, actor=actor, at=now)
        reassess(case, actor=actor, now=now)
        return case


def case_withdraw(*, actor: AnyActor, case: Case, reason: str, now: datetime | None = None) -> Case:
    """The applicant withdraws the application (written or recorded request); whatever is
    still open on the case ends with it."""
    check_rights(actor, lambda u: access.can_handle(u, case), "只有本管理部的柜员或部门负责人可以登记撤回。")
    if len(reason.strip()) < 2:
        raise DomainError("请写明撤回的情况（如：申请人书面申请撤回）。", code="invalid_input")
    now = now or clock.now()
    with transaction.atomic():
        case = locked(case)
        case.closed_at = now
        move(
            case,
            CaseStatus.WITHDRAWN,
            actor=actor,
            at=now,
            fields=["closed_at"],
            note=reason.strip(),
            public_note="您已撤回本次申请。",
            audit="case.withdraw",
            summary=f"申请人撤回：{reason.strip()[:100]}",
        )
        handovers_cancel_open(case, actor=actor, at=now, reason="申请人撤回申请")
        extensions_refuse_pending(case, actor=actor, at=now, reason="申请人撤回申请")
        close_supplement(case, actor=actor, at=now, note="申请人撤回申请")
        return case
