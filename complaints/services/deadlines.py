"""Time limits (000 §五(四)7): a limit that cannot be met — the complainant told, the
leadership informed (§7(4)) — the limits that waited for a year's holiday notice, and
the scheduled sweep that marks each complaint past its warning line or overdue once.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction

from common import clock
from common.actors import Actor
from common.errors import DomainError
from complaints.models import AWAITING_REPLY, Complaint, DelayReport
from complaints.selectors import Step, complaint_rules
from complaints.services._common import (
    LIMIT_FIELDS,
    due_text,
    locked,
    require_step,
    required_texts,
    set_limit,
    staff_user,
    stay,
)
from org.access import has_role
from org.models import Role, Staff


@transaction.atomic
def complaint_report_delay(
    *,
    actor: Actor,
    complaint: Complaint,
    reason: str,
    complainant_told_via: str,
    leader: Staff,
    leader_opinion: str,
    extended_due: date | None = None,
    now: datetime | None = None,
) -> DelayReport:
    """§7(4): the limit cannot be met — the complainant is told why, the leadership
    is informed and decides; a later reply date may be agreed. The complaint keeps
    its original limit for the on-time statistics."""
    complaint = locked(complaint)
    require_step(actor, complaint, Step.DELAY)
    now = now or clock.now()
    texts = {"reason": reason, "complainant_told_via": complainant_told_via, "leader_opinion": leader_opinion}
    required_texts(
        texts,
        {
            "reason": "不能按时办结的原因",
            "complainant_told_via": "告知投诉人的方式",
            "leader_opinion": "中心领导处理意见",
        },
    )
    if not has_role(leader.user, Role.LEADER):
        raise DomainError(f"{leader.name} 不是中心领导，请选择听取汇报的中心领导。", code="invalid_input")
    if extended_due is not None and (
        extended_due < clock.local_date(now) or (complaint.reply_due and extended_due <= complaint.reply_due)
    ):
        raise DomainError("同意延至的日期应晚于原答复期限，且不早于今天。", code="invalid_input")
    delay = DelayReport.objects.create(
        complaint=complaint,
        round=complaint.round,
        reported_at=now,
        recorded_by=staff_user(actor),
        leader=leader,
        extended_due=extended_due,
        **{k: v.strip() for k, v in texts.items()},
    )
    fields = []
    if extended_due:
        complaint.extended_due = extended_due
        fields.append("extended_due")
    public = f"因{reason.strip()}，不能在原定期限内办结"
    public += f"，将于{extended_due:%Y年%-m月%-d日}前答复您。" if extended_due else "，我们会尽快答复您。"
    stay(
        complaint,
        actor=actor,
        action="delay",
        title="不能按时办结：告知投诉人并向领导汇报",
        note=f"原因：{reason.strip()}；已{complainant_told_via.strip()}告知投诉人；向{leader.name}汇报，意见：{leader_opinion.strip()}",
        public_note=public,
        at=now,
        fields=fields,
    )
    return delay


@transaction.atomic
def complaint_deadlines_recompute(*, actor: Actor) -> int:
    """Compute the limits stored as "pending calendar" now that the year may be
    published; returns how many were computed."""
    done = 0
    for complaint in Complaint.objects.select_for_update().filter(
        deadline_pending=True, status__in=AWAITING_REPLY
    ):
        params = complaint_rules(complaint)
        set_limit(complaint, params, complaint.class_code or params.unclassified_as)
        if complaint.deadline_pending:
            continue
        stay(
            complaint,
            actor=actor,
            action="deadline",
            title="补算答复期限",
            note=f"节假日安排已发布，答复期限 {complaint.reply_due:%Y-%m-%d}",
            public_note=due_text(complaint),
            at=clock.now(),
            fields=list(LIMIT_FIELDS),
        )
        done += 1
    return done


@transaction.atomic
def complaint_sweep(*, actor: Actor, today: date | None = None) -> dict[str, int]:
    """The scheduled supervision of time limits (run by cron, `manage.py
    complaints_sweep`): mark once each complaint past its warning line (即将到期
    提醒 to the owner and the office) and each overdue one, and compute limits that
    were waiting for the calendar."""
    today = today or clock.today()
    now = clock.now()
    counts = {"warned": 0, "overdue": 0, "deadlines": complaint_deadlines_recompute(actor=actor)}
    awaiting = Complaint.objects.select_for_update().filter(
        status__in=AWAITING_REPLY, reply_due__isnull=False
    )
    for complaint in awaiting.filter(overdue_marked_at__isnull=True, reply_due__lt=today):
        complaint.overdue_marked_at = now
        stay(
            complaint,
            actor=actor,
            action="overdue",
            title="已逾期",
            note=f"答复期限 {complaint.reply_due:%Y-%m-%d} 已过，尚未答复",
            public_note="",
            at=now,
            fields=["overdue_marked_at"],
        )
        counts["overdue"] += 1
    for complaint in awaiting.filter(
        warned_at__isnull=True, overdue_marked_at__isnull=True, warn_on__lt=today, reply_due__gte=today
    ):
        complaint.warned_at = now
        stay(
            complaint,
            actor=actor,
            action="warn",
            title="即将到期提醒",
            note=f"已过督办预警线（{complaint.warn_on:%Y-%m-%d}），答复期限 {complaint.reply_due:%Y-%m-%d}",
            public_note="",
            at=now,
            fields=["warned_at"],
        )
        counts["warned"] += 1
    return counts
