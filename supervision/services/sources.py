"""The violations ledger's other sources, kept current by hooks: a valid complaint's fine
(complaints app, complaint_penalty rule set; 002 篇4 一7, 000 §五(四)9) and a first-inquiry
breach (inquiries app, 003 §十) are entered in the ledger in the transaction of the
decision that causes them, and reversed (counter-entry) in the transaction of the
decision that withdraws them.

The complaints and inquiries apps sit below supervision (docs/architecture.md § Layers):
they fire `complaint_fine_recorded` / `complaint_fine_withdrawn` and `breach_recorded` /
`breach_withdrawn` (common.hooks), and `SupervisionConfig.ready()` connects the receivers
below. A receiver's failure rolls the decision back: the ledger never lags behind it.

Each receiver is idempotent — a source has at most one entry (database constraints
`sup_viol_once_per_complaint_fine` / `sup_viol_once_per_breach`), a retried or repeated
hook adds nothing, and a line already reversed is not reversed again. The amounts are those
the source recorded, so a complaint is never fined twice.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from audit.services import audit_record
from common.actors import Actor, actor_label, user_or_none
from org.models import Staff
from supervision.models import BREACH_ITEM, COMPLAINT_ITEM, Violation, ViolationSource, ViolationStatus
from supervision.services._common import next_no, record_event
from supervision.services.violations import reverse_line

if TYPE_CHECKING:
    from complaints.models import Fine
    from inquiries.models import Breach

COMPLAINT_CLAUSE = "002 篇4 一7；000 §五(四)9"
BREACH_CLAUSE = "003 §十；000 §五(一)"


def complaint_fine_text(fine: Fine) -> str:
    """The ledger's words for a complaint fine: the number and the count, never the
    complainant's words (the person fined reads their own lines)."""
    return f"有效投诉（投诉 {fine.complaint.no}，计数周期内第{fine.nth}次）"


def breach_text(breach: Breach) -> str:
    """The ledger's words for a breach. One found from a complaint names the complaint
    only; the office's description of another breach is kept (003 §十)."""
    head = f"违反首问负责制（计数周期内第{breach.nth}次）"
    if breach.complaint_id is not None:
        return f"{head}：投诉 {breach.complaint.no} 查实"  # type: ignore[union-attr]
    return f"{head}：{breach.description[:200]}"


# --- Receivers (connected in SupervisionConfig.ready) ---------------------------------


def complaint_fine_recorded(*, fine: Fine, actor: Actor, at: datetime | None = None, **_: Any) -> None:
    """A valid complaint's fine was recorded: enter it in the ledger (once)."""
    from complaints.models import PenaltyStatus

    if fine.status != PenaltyStatus.ACTIVE:
        return
    if Violation.objects.entries().filter(complaint_fine=fine).exists():
        return  # entered already: a repeated hook adds nothing
    _enter(
        actor=actor,
        staff=fine.staff,
        occurred_on=fine.verified_on,
        item_code=COMPLAINT_ITEM,
        item_text=complaint_fine_text(fine),
        clause=COMPLAINT_CLAUSE,
        amount=fine.amount_yuan or None,
        consequences=list(fine.consequences),
        source=ViolationSource.COMPLAINT,
        rules_ref=fine.rules_ref,
        source_ref=fine.complaint.no,
        complaint_fine=fine,
    )


def complaint_fine_withdrawn(*, fine: Fine, actor: Actor, reason: str = "", **_: Any) -> None:
    """A fine was withdrawn (a re-review changed the finding): reverse its line."""
    for line in Violation.objects.active().filter(complaint_fine=fine):
        reverse_line(actor=actor, violation=line, reason=f"投诉处罚已撤销：{reason or '投诉复查改变了认定'}")


def breach_recorded(*, breach: Breach, actor: Actor, at: datetime | None = None, **_: Any) -> None:
    """A first-inquiry breach was recorded: enter it in the ledger (once), with the
    consequence of its number (003 §十) and no amount."""
    from inquiries.models import BreachStatus

    if breach.status != BreachStatus.RECORDED:
        return
    if Violation.objects.entries().filter(breach=breach).exists():
        return
    _enter(
        actor=actor,
        staff=breach.staff,
        occurred_on=breach.found_on,
        item_code=BREACH_ITEM,
        item_text=breach_text(breach),
        clause=BREACH_CLAUSE,
        amount=None,
        consequences=list(breach.consequences),
        source=ViolationSource.BREACH,
        rules_ref=breach.rules_ref,
        source_ref=f"首问违规#{breach.pk}",
        breach=breach,
    )


def breach_withdrawn(*, breach: Breach, actor: Actor, reason: str = "", **_: Any) -> None:
    """A breach was withdrawn: reverse its line."""
    for line in Violation.objects.active().filter(breach=breach):
        because = reason or "复查不成立"
        reverse_line(actor=actor, violation=line, reason=f"违反首问负责制记录已撤销：{because}")


def _enter(
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
    label = ViolationSource(source).label
    record_event(violation, actor=actor, note=f"{label}：{source_ref}", created=True)
    audit_record(
        actor=actor,
        action="supervision.violation.record",
        obj=violation,
        summary=f"{staff.name} {label}（{source_ref}）记入违规处罚台账"
        + (f"，罚款{amount}元" if amount else "")
        + (f"，{'、'.join(consequences)}" if consequences else ""),
        changes={"source": source, "rules_ref": rules_ref},
    )
    return violation
