"""Appeals (000 §五(四)11): the responsible department disputes the office's decision
with the party committee (机关党委), which re-reviews it — upheld, or revised with a new
class and/or responsibility that the fines and sanctions then follow.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction

from audit.services import audit_record
from audit.transitions import check_transition, transition
from common import clock
from common.actors import Actor
from common.errors import DomainError
from complaints.models import AWAITING_REPLY, NEW, Appeal, AppealStatus, Complaint
from complaints.selectors import Step, complaint_rules
from complaints.services._common import (
    LIMIT_FIELDS,
    complaint_class,
    locked,
    record_row,
    require_step,
    set_limit,
    set_responsibility,
    staff_user,
    timeline_row,
)
from complaints.services.penalties import sync_penalties
from org.models import Department, Staff


@transaction.atomic
def complaint_appeal_file(
    *, actor: Actor, complaint: Complaint, grounds: str, now: datetime | None = None
) -> Appeal:
    """§11: the responsible department disputes the decision with the party committee."""
    complaint = locked(complaint)
    require_step(actor, complaint, Step.APPEAL)
    now = now or clock.now()
    grounds = grounds.strip()
    if not grounds:
        raise DomainError("请写明对处理决定的异议和理由。", code="invalid_input")
    assert complaint.responsible_department is not None
    appeal = Appeal.objects.create(
        complaint=complaint,
        department=complaint.responsible_department,
        grounds=grounds,
        filed_at=now,
        filed_by=staff_user(actor),
    )
    timeline_row(
        complaint,
        actor=actor,
        action="appeal",
        title="部门提出异议，报机关党委",
        from_status=NEW,
        to_status=appeal.status,
        record=appeal,
        note=grounds,
        at=now,
    )
    audit_record(
        actor=actor,
        action="complaints.appeal.file",
        obj=appeal,
        summary=f"{complaint.no}：部门对处理决定提出异议",
    )
    return appeal


@transaction.atomic
def complaint_appeal_decide(
    *,
    actor: Actor,
    complaint: Complaint,
    upheld: bool,
    decision: str,
    class_code: str = "",
    department: Department | None = None,
    staff: Sequence[Staff] | None = None,
    now: datetime | None = None,
) -> Appeal:
    """§11: the party committee's re-review. Upheld → nothing changes; revised → a new
    class and/or responsibility, and fines and sanctions follow it."""
    complaint = locked(complaint)
    require_step(actor, complaint, Step.APPEAL_DECIDE)
    now = now or clock.now()
    appeal = complaint.appeals.select_for_update().filter(status=AppealStatus.PENDING).order_by("id").first()
    if appeal is None:
        raise DomainError("没有待审议的异议。", code="conflict", status=409)
    decision = decision.strip()
    if not decision:
        raise DomainError("请写明重新审议认定的意见。", code="invalid_input")
    to = AppealStatus.UPHELD if upheld else AppealStatus.REVISED
    check_transition(appeal, to, refused="该异议已经审议。")
    changes: list[str] = []
    fields: list[str] = []
    if not upheld:
        params = complaint_rules(complaint)
        if class_code and class_code != complaint.class_code:
            cls = complaint_class(params, class_code)
            changes.append(f"性质改为{cls.label}")
            complaint.class_code, complaint.is_valid = class_code, cls.valid
            complaint.class_reason = f"机关党委重新审议改定：{decision}"
            fields += ["class_code", "is_valid", "class_reason"]
            if complaint.status in AWAITING_REPLY:
                set_limit(complaint, params, class_code)
                fields += list(LIMIT_FIELDS)
        if department is not None or staff is not None:
            set_responsibility(
                complaint,
                department=department or complaint.responsible_department,  # type: ignore[arg-type]
                staff=list(staff) if staff is not None else list(complaint.responsible_staff.all()),
                analysis=f"{complaint.responsibility_analysis}\n机关党委重新审议：{decision}",
                now=now,
            )
            fields += ["responsible_department", "responsibility_analysis", "verified_on"]
            changes.append("责任认定已调整")
        if not changes:
            raise DomainError("改变处理决定的，请选择新的投诉性质或责任部门、责任人。", code="invalid_input")
        if complaint.is_valid and complaint.verified_on is None and complaint.responsible_staff.exists():
            complaint.verified_on = clock.local_date(now)
            fields.append("verified_on")
        if not complaint.is_valid and complaint.verified_on is not None:
            complaint.verified_on = None
            fields.append("verified_on")
        complaint.save(update_fields=sorted(set(fields)))
    appeal.decision = decision
    appeal.decided_at = now
    appeal.decided_by = staff_user(actor)
    transition(
        appeal,
        to,
        actor=actor,
        at=now,
        note=decision + ("；" + "，".join(changes) if changes else ""),
        fields=["decision", "decided_at", "decided_by"],
        audit="complaints.appeal.decide",
        summary=f"{complaint.no}：重新审议{AppealStatus(to).label}",
        changes={"changes": changes},
        refused="该异议已经审议。",
        **record_row(
            complaint,
            appeal,
            "appeal_decide",
            "机关党委重新审议：" + ("维持原处理决定" if upheld else "改变处理决定"),
        ),
    )
    if not upheld:
        sync_penalties(complaint, actor=actor, now=now, reason=f"机关党委重新审议：{decision}")
    return appeal
