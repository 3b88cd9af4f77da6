"""Follow-up and archive (000 §五(四)8(6)): the complainant's satisfaction — satisfied
closes the complaint, still unsatisfied reopens it for a new round with its own time
limit — and the archive with the written summary of the suggestions.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from audit.transitions import InvalidTransition, transition
from common import clock
from common.actors import Actor, user_or_none
from common.errors import DomainError
from complaints.models import AppealStatus, Complaint, FollowUp, Satisfaction, Status
from complaints.selectors import Step, complaint_rules
from complaints.services._common import (
    LIMIT_FIELDS,
    PUBLIC_ACTOR,
    due_text,
    locked,
    require_step,
    set_limit,
    step_row,
)


@transaction.atomic
def complaint_follow_up(
    *,
    actor: Actor,
    complaint: Complaint,
    method: str,
    satisfaction: str,
    opinion: str = "",
    suggestion: str = "",
    now: datetime | None = None,
) -> Complaint:
    """回访 (§8(6)): satisfied → closed; still unsatisfied → the complaint goes back to
    the department for re-handling, a new round with the class's time limit counted
    from the day after the follow-up."""
    complaint = locked(complaint)
    if actor != PUBLIC_ACTOR:
        require_step(actor, complaint, Step.FOLLOW_UP)
    elif complaint.status != Status.FOLLOW_UP:
        raise InvalidTransition("此投诉当前不在回访阶段。", status_from=complaint.status)
    now = now or clock.now()
    if satisfaction not in Satisfaction.values:
        raise DomainError("请选择投诉人对处理结果的满意程度。", code="invalid_input")
    opinion, suggestion, method = opinion.strip(), suggestion.strip(), method.strip()
    if not method:
        raise DomainError("请选择回访方式。", code="invalid_input")
    if satisfaction == Satisfaction.UNSATISFIED and not opinion:
        raise DomainError("投诉人不满意的，请记录其仍有的意见，以便重新办理。", code="invalid_input")
    reopen = satisfaction == Satisfaction.UNSATISFIED
    FollowUp.objects.create(
        complaint=complaint,
        round=complaint.round,
        at=now,
        by=user_or_none(actor),
        method=method,
        satisfaction=satisfaction,
        opinion=opinion,
        suggestion=suggestion,
        reopened=reopen,
    )
    complaint.satisfaction = satisfaction
    label = Satisfaction(satisfaction).label
    if not reopen:
        complaint.closed_at = now
        transition(
            complaint,
            Status.CLOSED,
            actor=actor,
            at=now,
            note=opinion or label,
            fields=["satisfaction", "closed_at"],
            **step_row(
                complaint,
                "follow_up",
                f"回访：{label}",
                public_note=f"回访结果：{label}。投诉已办结，感谢您的监督。",
            ),
        )
        return complaint
    params = complaint_rules(complaint)
    complaint.round += 1
    complaint.clock_start_on = clock.local_date(now)
    complaint.extended_due = None
    complaint.warned_at = complaint.overdue_marked_at = None
    set_limit(complaint, params, complaint.class_code or params.unclassified_as)
    to = Status.HANDLING if complaint.responsible_department_id else Status.ACCEPTED
    transition(
        complaint,
        to,
        actor=actor,
        at=now,
        note=opinion,
        fields=["satisfaction", "round", "extended_due", "warned_at", "overdue_marked_at", *LIMIT_FIELDS],
        **step_row(
            complaint,
            "reopen",
            "回访不满意，重新办理",
            public_note=f"您对处理结果仍有意见，已要求相关部门重新处理。{due_text(complaint)}",
        ),
    )
    return complaint


@transaction.atomic
def complaint_archive(
    *, actor: Actor, complaint: Complaint, note: str = "", now: datetime | None = None
) -> Complaint:
    """归档 (§8(6)), with the written summary of the complainant's suggestions."""
    complaint = locked(complaint)
    if complaint.appeals.filter(status=AppealStatus.PENDING).exists():
        raise DomainError("责任部门的异议尚待机关党委重新审议，审议后才能归档。", code="conflict", status=409)
    require_step(actor, complaint, Step.ARCHIVE)
    now = now or clock.now()
    complaint.archived_at = now
    complaint.archive_note = note.strip()
    transition(
        complaint,
        Status.ARCHIVED,
        actor=actor,
        at=now,
        note=note.strip() or "资料归档",
        fields=["archived_at", "archive_note"],
        **step_row(complaint, "archive", "归档"),
    )
    return complaint
