"""Overdue cases (超时办结, 000 §五(二)5) and deadlines that waited for the calendar.

Every condition that holds is stored once as an `OverdueFinding` and the case is flagged;
findings are never removed. The services reassess a case whenever a fact changes
(completion, telling, delivery, extension steps, forwarding) and the daily sweep does it
for cases whose deadline passed quietly. A deadline in a year whose holiday notice is not
published yet is computed here once it is (000 §五(二)2, never guessed).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from cases import deadlines
from cases.models import (
    Case,
    CaseStatus,
    EventKind,
    Handover,
    HandoverStatus,
    OverdueFinding,
    SupplementRequest,
    SupplementStatus,
)
from cases.notify import text_after_commit
from cases.selectors import overdue_facts, params_of
from cases.services._common import audit, event, fmt, locked
from cases.services.acceptance import set_deadline
from common import clock
from common.actors import AnyActor, actor_label
from rules.schemas import CaseTimeLimitParams
from workdays.calendar import CalendarNotPublished, calendar_index

# Why a condition may be missing from a revised rule set: its text is still needed
# for a finding made under the old one.
_FALLBACK_CONDITION_TEXT = {
    deadlines.LATE: "因办理部门自身责任，无正当理由超过承诺时限未能办结",
    deadlines.NO_REPLY: "不按规定给申请人答复",
    deadlines.LATE_EXTENSION: "超过承诺办结时限才提出延期申请",
    deadlines.RESULT_NOT_DELIVERED: "在承诺时限内，不将办理结果交付办事职工",
}


def _condition_text(params: CaseTimeLimitParams, code: str) -> str:
    for condition in params.overdue_conditions:
        if condition.code == code:
            return condition.text
    return _FALLBACK_CONDITION_TEXT.get(code, code)


def reassess(case: Case, *, actor: AnyActor, now: datetime) -> list[str]:
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
    label = actor_label(actor)
    texts = []
    for code in new:
        text = _condition_text(params, code)
        texts.append(text)
        OverdueFinding.objects.create(
            case=case,
            code=code,
            text=text,
            found_at=now,
            found_by=label,
            deadline=case.deadline,
            rules_ref=case.rules_ref or "",
        )
    if not case.overdue:
        case.overdue = True
        case.save(update_fields=["overdue"])
    event(case, EventKind.OVERDUE, actor=actor, at=now, note="超时办结（000 §五(二)5）：" + "；".join(texts))
    audit(actor, "case.overdue", case, "认定超时办结：" + "；".join(texts), {"codes": new})
    return new


def case_overdue_check(*, actor: AnyActor, case: Case, now: datetime | None = None) -> list[str]:
    now = now or clock.now()
    with transaction.atomic():
        case = locked(case)
        return reassess(case, actor=actor, now=now)


def case_deadlines_recompute(*, actor: AnyActor, now: datetime | None = None) -> int:
    """Compute the deadlines that waited for a year's holiday notice (cases and
    handovers), once that year is published. The applicant is told the date by text."""
    now = now or clock.now()
    done = 0
    for case in Case.objects.filter(deadline_pending=True).select_related("version", "matter", "branch"):
        with transaction.atomic():
            case = locked(case)
            if not case.deadline_pending or case.accepted_on is None:
                continue
            params = params_of(case)
            after_supplement = SupplementRequest.objects.filter(
                case=case, status=SupplementStatus.COMPLETED
            ).exists()
            offset = (
                params.supplement_start_offset_days if after_supplement else params.receipt_start_offset_days
            )
            set_deadline(case, params, offset)
            if case.deadline_pending:
                continue
            case.save(update_fields=["promised_deadline", "deadline", "deadline_pending", "pending_year"])
            event(
                case,
                EventKind.DEADLINE,
                actor=actor,
                at=now,
                note="节假日安排已发布，计算办结期限",
                public_note=f"办结日期已确定：{fmt(case.deadline)}。",
            )
            text_after_commit(
                to=case.applicant_phone,
                text=f"您申请的“{case.version.name}”（受理编号{case.receipt_no}）承诺办结日期为{fmt(case.deadline)}。",
                purpose="case_deadline",
            )
            reassess(case, actor=actor, now=now)
            audit(actor, "case.deadline_recompute", case, f"补算办结期限：{case.deadline}")
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
            event(
                handover.case,
                EventKind.HANDOVER,
                actor=actor,
                at=now,
                note=f"补算{handover.department.name}反馈期限：{fmt(due)}",
                handover=handover,
            )
            done += 1
    return done
