"""The violations ledger's other sources: the valid-complaint fines of the complaints app
(complaint_penalty rule set; 002 篇4 一7, 000 §五(四)9) and the first-inquiry breaches of
the inquiries app (003 §十), entered once and reversed when their source is withdrawn."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from audit.services import audit_record
from common.actors import Actor, actor_label, user_or_none
from org.models import Role, Staff
from supervision.models import BREACH_ITEM, COMPLAINT_ITEM, Violation, ViolationSource, ViolationStatus
from supervision.services._common import next_no, record_event, require
from supervision.services.violations import violation_reverse


@dataclass(frozen=True)
class SyncResult:
    added: int
    reversed: int


@transaction.atomic
def violation_sync_sources(*, actor: Actor, start: date, end: date) -> SyncResult:
    """Enter in the ledger the valid-complaint fines (complaints app, complaint_penalty
    rule set) and the first-inquiry breaches (inquiries app, 003 §十) of the period that
    are not there yet, and reverse the lines whose source was withdrawn since. The
    amounts are those the source recorded — a complaint is never fined twice."""
    from complaints.models import Fine, PenaltyStatus
    from inquiries.models import Breach, BreachStatus

    if not isinstance(actor, str):
        require(actor, (Role.OFFICE,), "同步投诉与首问记录")
    added = reversed_ = 0
    fines = Fine.objects.filter(verified_on__gte=start, verified_on__lte=end).select_related(
        "staff__branch", "staff__department", "complaint"
    )
    in_ledger = set(
        Violation.objects.entries()
        .filter(complaint_fine__in=fines)
        .values_list("complaint_fine_id", flat=True)
    )
    for fine in fines:
        if fine.status == PenaltyStatus.ACTIVE and fine.pk not in in_ledger:
            _ledger_line_from_source(
                actor=actor,
                staff=fine.staff,
                occurred_on=fine.verified_on,
                item_code=COMPLAINT_ITEM,
                item_text=f"有效投诉（投诉 {fine.complaint.no}，计数周期内第{fine.nth}次）",
                clause="002 篇4 一7；000 §五(四)9",
                amount=fine.amount_yuan or None,
                consequences=list(fine.consequences),
                source=ViolationSource.COMPLAINT,
                rules_ref=fine.rules_ref,
                source_ref=fine.complaint.no,
                complaint_fine=fine,
            )
            added += 1
    for line in Violation.objects.active().filter(complaint_fine__status=PenaltyStatus.WITHDRAWN):
        violation_reverse(actor=actor, violation=line, reason="投诉处罚已撤销（投诉复查改变了认定）")
        reversed_ += 1
    breaches = Breach.objects.filter(found_on__gte=start, found_on__lte=end).select_related(
        "staff__branch", "staff__department"
    )
    breach_in_ledger = set(
        Violation.objects.entries().filter(breach__in=breaches).values_list("breach_id", flat=True)
    )
    for breach in breaches:
        if breach.status == BreachStatus.RECORDED and breach.pk not in breach_in_ledger:
            _ledger_line_from_source(
                actor=actor,
                staff=breach.staff,
                occurred_on=breach.found_on,
                item_code=BREACH_ITEM,
                item_text=f"违反首问负责制（计数周期内第{breach.nth}次）：{breach.description[:200]}",
                clause="003 §十；000 §五(一)",
                amount=None,
                consequences=list(breach.consequences),
                source=ViolationSource.BREACH,
                rules_ref=breach.rules_ref,
                source_ref=f"首问违规#{breach.pk}",
                breach=breach,
            )
            added += 1
    for line in Violation.objects.active().filter(breach__status=BreachStatus.WITHDRAWN):
        violation_reverse(actor=actor, violation=line, reason="违反首问负责制记录已撤销")
        reversed_ += 1
    audit_record(
        actor=actor,
        action="supervision.violation.sync",
        summary=f"同步 {start:%Y-%m-%d}–{end:%Y-%m-%d} 的投诉处罚与首问违规："
        f"新增 {added} 条，冲正 {reversed_} 条",
    )
    return SyncResult(added=added, reversed=reversed_)


def _ledger_line_from_source(
    *,
    actor: Actor,
    staff: Staff,
    occurred_on: date,
    item_code: str,
    item_text: str,
    clause: str,
    amount: int | None,
    consequences: list[str],
    source: str,
    rules_ref: str,
    source_ref: str,
    **links: Any,
) -> Violation:
    violation = Violation.objects.create(
        no=next_no("WG", occurred_on.year, 5),
        staff=staff,
        offender_name=staff.name,
        branch=staff.branch,
        occurred_on=occurred_on,
        item_code=item_code,
        item_text=item_text[:300],
        clause=clause,
        amount_yuan=amount,
        consequences=consequences,
        monthly_report=False,
        source=source,
        source_ref=source_ref,
        status=ViolationStatus.ACTIVE,
        rules_ref=rules_ref,
        recorded_by=user_or_none(actor),
        recorded_by_label=actor_label(actor),
        **links,
    )
    record_event(
        violation, actor=actor, note=f"自{ViolationSource(source).label}记录同步：{source_ref}", created=True
    )
    return violation
