"""Sanctions and fines (000 §五(四)9; the complaint_penalty rule set, 002 篇4 一7 or
002 篇1 §一(一)): a measure the office chooses from the rule set's list, optionally
also a first-inquiry breach (003 §十); fines that follow the finding — one active fine
per valid complaint and responsible person, withdrawn (never deleted) with the
sanctions when a re-review clears them.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from audit.services import audit_record
from audit.transitions import transition
from common import clock, hooks
from common.actors import Actor
from common.errors import DomainError
from common.periods import Period
from complaints.models import NEW, Complaint, Fine, PenaltyStatus, Sanction
from complaints.selectors import Step, complaint_rules
from complaints.services._common import (
    locked,
    record_row,
    require_step,
    staff_user,
    timeline_row,
)
from org.models import Staff
from rules.models import RuleKind
from rules.selectors import rules_in_force


@transaction.atomic
def complaint_sanction(
    *,
    actor: Actor,
    complaint: Complaint,
    staff: Staff,
    code: str,
    note: str = "",
    also_first_inquiry_breach: bool = False,
    now: datetime | None = None,
) -> Sanction:
    """A measure on a responsible staff member of a verified complaint (§9), chosen
    from the rule set's sanctions; optionally also a breach of the first-inquiry
    rules (003 §十) when the complaint was about 首问负责."""
    complaint = locked(complaint)
    require_step(actor, complaint, Step.SANCTION)
    now = now or clock.now()
    if not complaint.responsible_staff.filter(pk=staff.pk).exists():
        raise DomainError(f"{staff.name} 不是本投诉认定的责任人。", code="invalid_input")
    params = complaint_rules(complaint)
    option = next((s for s in params.sanctions if s.code == code), None)
    if option is None:
        raise DomainError("请从规则集列出的处理措施中选择。", code="invalid_input")
    sanction = Sanction.objects.create(
        complaint=complaint,
        staff=staff,
        code=option.code,
        label=option.label,
        administrative=option.administrative,
        decided_on=clock.local_date(now),
        decided_by=staff_user(actor),
        note=note.strip(),
        rules_ref=complaint.rules_ref,
    )
    timeline_row(
        complaint,
        actor=actor,
        action="sanction",
        title=f"处理措施：{staff.name} {option.label}",
        from_status=NEW,
        to_status=sanction.status,
        record=sanction,
        note=note.strip(),
        at=now,
    )
    audit_record(
        actor=actor,
        action="complaints.sanction.record",
        obj=sanction,
        summary=f"{complaint.no}：对 {staff.name} 给予{option.label}",
        changes={"code": option.code, "administrative": option.administrative},
    )
    if also_first_inquiry_breach:
        from inquiries.services import breach_record

        breach_record(
            actor=actor,
            staff=staff,
            source="complaint",
            complaint=complaint,
            source_ref=complaint.no,
            occurred_on=complaint.occurred_on or complaint.received_on,
            found_on=complaint.verified_on or clock.local_date(now),
            # The complainant's words stay with the complaint: the breach record is
            # read by the person it concerns (/inquiries/breaches/, the ledger).
            description=breach_description(complaint),
        )
    return sanction


def breach_description(complaint: Complaint) -> str:
    """What a breach found from a complaint says: the number and the finding, never the
    complainant's words (the person it concerns reads their breaches)."""
    return f"投诉 {complaint.no} 经查实违反首问负责制"


def sync_penalties(complaint: Complaint, *, actor: Actor, now: datetime, reason: str = "") -> None:
    """Fines follow the finding: one active fine per (valid complaint, responsible
    person) under the complaint_penalty rule set in force on the day verified; when
    a re-review makes the complaint invalid or clears a person, their fine and
    sanctions are withdrawn (never deleted)."""
    responsible = (
        {s.pk: s for s in complaint.responsible_staff.all()}
        if complaint.is_valid and complaint.determined_at and complaint.verified_on
        else {}
    )
    active = {f.staff_id: f for f in complaint.fines.filter(status=PenaltyStatus.ACTIVE)}
    for staff_id, staff in responsible.items():
        if staff_id not in active:
            _fine_create(complaint, staff, actor=actor, now=now)
    withdraw_reason = reason or "责任认定已调整"
    for staff_id, fine in active.items():
        if staff_id not in responsible:
            _penalty_withdraw(complaint, fine, actor=actor, now=now, reason=withdraw_reason)
    for sanction in complaint.sanctions.filter(status=PenaltyStatus.ACTIVE):
        if sanction.staff_id not in responsible:
            _penalty_withdraw(complaint, sanction, actor=actor, now=now, reason=withdraw_reason)


def _fine_create(complaint: Complaint, staff: Staff, *, actor: Actor, now: datetime) -> Fine:
    assert complaint.verified_on is not None
    Staff.objects.select_for_update().filter(pk=staff.pk).first()  # count one person's fines one at a time
    rules = rules_in_force(RuleKind.COMPLAINT_PENALTY, complaint.verified_on)
    ladder = rules.params.ladder
    period = Period.containing(ladder.period, complaint.verified_on)
    nth = (
        Fine.objects.filter(
            staff=staff,
            status=PenaltyStatus.ACTIVE,
            verified_on__gte=period.start,
            verified_on__lte=complaint.verified_on,
        ).count()
        + 1
    )
    step = ladder.step_for(nth)
    fine = Fine.objects.create(
        complaint=complaint,
        staff=staff,
        verified_on=complaint.verified_on,
        nth=nth,
        period_start=period.start,
        period_end=period.end,
        amount_yuan=step.amount_yuan,
        consequences=list(step.consequences),
        rules_ref=rules.ref,
        created_at=now,
    )
    what = "、".join([f"{step.amount_yuan}元"] * bool(step.amount_yuan) + list(step.consequences))
    timeline_row(
        complaint,
        actor=actor,
        action="fine",
        title=f"有效投诉处罚：{staff.name} {period.label}第{nth}次",
        from_status=NEW,
        to_status=fine.status,
        record=fine,
        note=f"{what}（{rules.ref}）",
        at=now,
    )
    audit_record(
        actor=actor,
        action="complaints.fine.record",
        obj=fine,
        summary=f"{complaint.no}：{staff.name} {period.label}第{nth}次有效投诉，{what}",
        changes={"amount_yuan": step.amount_yuan, "nth": nth, "rules": rules.ref},
    )
    # The violations ledger (supervision) enters the fine in this same transaction.
    hooks.fire("complaint_fine_recorded", fine=fine, actor=actor, at=now)
    return fine


def _penalty_withdraw(
    complaint: Complaint, row: Fine | Sanction, *, actor: Actor, now: datetime, reason: str
) -> None:
    row.withdrawn_reason = reason
    label = "有效投诉处罚" if isinstance(row, Fine) else "处理措施"
    transition(
        row,
        PenaltyStatus.WITHDRAWN,
        actor=actor,
        at=now,
        note=reason,
        fields=["withdrawn_reason"],
        audit=f"complaints.{row._meta.model_name}.withdraw",
        summary=f"{complaint.no}：撤销 {row.staff.name} 的{label}",
        changes={"reason": reason},
        **record_row(complaint, row, "withdraw", f"撤销{label}：{row.staff.name}"),
    )
    if isinstance(row, Fine):
        # The ledger line of the fine is reversed in this same transaction.
        hooks.fire("complaint_fine_withdrawn", fine=row, actor=actor, reason=reason, at=now)
