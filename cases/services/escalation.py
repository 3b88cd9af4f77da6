"""Escalated cases (上报件, 002 篇5 §三4): forwarded to the higher authority after the
window's review, the reply registered, and — when no reply has come within the rule
set's days — the window's written explanation to the centre.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from audit.transitions import InvalidTransition, transition
from cases import access, deadlines
from cases.models import Case, CaseStatus, Escalation, EscalationStatus, EventKind
from cases.notify import text_after_commit
from cases.selectors import escalation_needs_explanation
from cases.services._common import audit, check_rights, event, fmt, locked, move, refused, rules_on
from cases.services.overdue import reassess
from catalog.models import HandlingType
from common import clock
from common.actors import AnyActor, user_or_none
from common.errors import Conflict, DomainError
from workdays.calendar import calendar_index


def case_escalate(
    *, actor: AnyActor, case: Case, authority: str, note: str = "", now: datetime | None = None
) -> Escalation:
    """Forward an escalated case (上报件) to the higher authority after review (002 篇5 §三4③).
    This ends the centre's own promised limit; from the next day the rule set's days run
    (15 calendar days by default) until the window owes the centre an explanation."""
    check_rights(actor, lambda u: access.can_handle(u, case), "只有本管理部的柜员或部门负责人可以转报上级。")
    authority = authority.strip()
    if len(authority) < 2:
        raise DomainError("请填写转报的上级政府或部门。", code="invalid_input")
    now = now or clock.now()
    today = clock.local_date(now)
    with transaction.atomic():
        case = locked(case)
        if case.handling_type != HandlingType.ESCALATED:
            raise DomainError("只有上报件需要转报上级审批。", code="not_escalated")
        if Escalation.objects.filter(case=case).exists():
            raise Conflict("本办件已经转报过上级。", code="already_escalated")
        rules = rules_on(today)
        p = rules.params
        explain_after = deadlines.escalation_explain_due(
            calendar_index(),
            today,
            p.escalated_explain_after_days,
            p.escalated_day_unit,
            p.escalated_start_offset_days,
        )
        escalation = Escalation.objects.create(
            case=case,
            authority=authority[:100],
            forwarded_at=now,
            forwarded_on=today,
            forwarded_by=user_or_none(actor),
            note=note.strip()[:300],
            explain_after=explain_after,
            rules_ref=rules.ref,
        )
        move(
            case,
            CaseStatus.ESCALATED,
            actor=actor,
            at=now,
            note=f"批复期限{fmt(explain_after)}（{rules.ref}）"
            + (f"；{note.strip()}" if note.strip() else ""),
            public_note=f"已审核，转报{authority}审批。受理窗口负责联系，批复后即通知您。",
            audit="case.escalate",
            summary=f"转报{authority}",
            changes={"explain_after": explain_after.isoformat()},
        )
        text_after_commit(
            to=case.applicant_phone,
            text=f"您申请的“{case.version.name}”（受理编号{case.receipt_no}）已审核并转报{authority}审批，"
            "批复后我们将及时通知您。",
            purpose="case_escalated",
        )
        reassess(case, actor=actor, now=now)
        return escalation


def case_escalation_reply(
    *, actor: AnyActor, case: Case, reply: str, now: datetime | None = None
) -> Escalation:
    """The higher authority's reply (批复) arrives; the window then completes the case."""
    check_rights(
        actor, lambda u: access.can_handle(u, case), "只有本管理部的柜员或部门负责人可以登记上级批复。"
    )
    reply = reply.strip()
    if len(reply) < 2:
        raise DomainError("请登记批复内容（批复文号及结论）。", code="invalid_input")
    now = now or clock.now()
    with transaction.atomic():
        case = locked(case)
        escalation = Escalation.objects.select_for_update().filter(case=case).first()
        if escalation is None:
            raise InvalidTransition("本办件尚未转报上级。")
        escalation.replied_at, escalation.reply_note = now, reply
        transition(
            escalation,
            EscalationStatus.REPLIED,
            actor=actor,
            at=now,
            fields=("replied_at", "reply_note"),
            note=reply,
            events=case.events,
            event={"kind": EventKind.ESCALATION, "escalation": escalation},
            audit="cases.case.escalation_reply",
            summary=f"{case.receipt_no} 登记上级批复",
            refused=refused("上报", escalation, EscalationStatus.REPLIED),
        )
        move(
            case,
            CaseStatus.ACCEPTED,
            actor=actor,
            at=now,
            note="上级已批复",
            public_note=f"{escalation.authority}已批复，正在办结。",
        )
        return escalation


def case_escalation_explain(
    *, actor: AnyActor, case: Case, explanation: str, now: datetime | None = None
) -> Escalation:
    """The written explanation to the centre when the higher authority has not replied
    within the rule set's days (002 篇5 §三4 超过15天未批复的，要向中心作出解释)."""
    check_rights(
        actor, lambda u: access.can_handle(u, case), "只有本管理部的柜员或部门负责人可以提交书面解释。"
    )
    explanation = explanation.strip()
    if len(explanation) < 10:
        raise DomainError(
            "请写明未获批复的原因、已做的联系和下一步安排（不少于10个字）。", code="invalid_input"
        )
    now = now or clock.now()
    with transaction.atomic():
        case = locked(case)
        escalation = Escalation.objects.select_for_update().filter(case=case).first()
        if escalation is None or escalation.status != EscalationStatus.FORWARDED:
            raise InvalidTransition("本办件没有等待批复的上报。")
        if escalation.explanation:
            raise Conflict("书面解释已经提交。", code="already_explained")
        if not escalation_needs_explanation(escalation, clock.local_date(now)):
            raise DomainError(
                f"转报后至{fmt(escalation.explain_after)}（含）仍在批复期限内，期限届满仍未批复的才需向中心作出解释。",
                code="not_yet_due",
            )
        escalation.explanation, escalation.explained_at = explanation, now
        escalation.explained_by = user_or_none(actor)
        escalation.save(update_fields=["explanation", "explained_at", "explained_by"])
        event(
            case,
            EventKind.ESCALATION,
            actor=actor,
            at=now,
            note=f"向中心作出书面解释：{explanation}",
            escalation=escalation,
        )
        audit(actor, "case.escalation_explain", case, "上报件超过批复期限，向中心作出书面解释")
        return escalation
