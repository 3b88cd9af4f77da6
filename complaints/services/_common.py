"""What the complaint services share: the lock, who may take a step now (the roles of
000 §五(四)8 and the stage the complaint is at), the time limit of a class (§7), the
reply row, the responsibility finding (§8(2)), and the timeline rows — a step's row
for `audit.transitions.transition`, and the rows of acts that change no status.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db import models

from audit.services import audit_record
from audit.transitions import InvalidTransition
from common import clock
from common.actors import Actor, event_actor, forbidden, user_or_none
from common.errors import DomainError
from complaints.models import (
    AWAITING_REPLY,
    EVENT_RECORDS,
    Complaint,
    ComplaintClass,
    ComplaintEvent,
    EventKind,
    Reply,
    Status,
)
from complaints.selectors import Step, complaint_allowed_steps, complaint_rules
from org.models import Department, Staff
from rules.schemas import ComplaintParams
from workdays.calendar import CalendarNotPublished, add_workdays, published_years

PUBLIC_ACTOR = "投诉人（网上）"

LIMIT_FIELDS = ("clock_start_on", "limit_days", "reply_due", "warn_on", "deadline_pending")


# --- Who may act, and when -------------------------------------------------------


def locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def staff_user(actor: Actor) -> Any:
    """The signed-in person a step records as its author."""
    if isinstance(actor, str) or actor is None or not actor.is_authenticated:
        raise forbidden("此步骤须由登录的工作人员办理。")
    return actor


# The statuses at which a step can be taken at all (§8): outside them it is refused as
# a move the process does not allow, whoever asks.
STEP_STATUS: dict[Step, frozenset[str]] = {
    Step.ACCEPT: frozenset({Status.RECEIVED}),
    Step.SETTLE: frozenset({Status.RECEIVED, Status.ACCEPTED}),
    Step.CLASSIFY: frozenset({Status.ACCEPTED}),
    Step.DETERMINE: frozenset({Status.CLASSIFIED}),
    Step.HANDLE: frozenset({Status.HANDLING}),
    Step.JOINT_REVIEW: frozenset({Status.JOINT_REVIEW}),
    Step.REPORT: frozenset({Status.REPORTING}),
    Step.REVIEW: frozenset({Status.REPORT_REVIEW}),
    Step.REPLY: frozenset({Status.REPLYING, Status.CLASSIFIED}),
    Step.FOLLOW_UP: frozenset({Status.FOLLOW_UP}),
    Step.ARCHIVE: frozenset({Status.CLOSED}),
    Step.DELAY: frozenset(AWAITING_REPLY),
}


def require_step(actor: Actor, complaint: Complaint, step: Step, *, today: date | None = None) -> None:
    """Refuse a step this person may not take now: 409 `invalid_transition` when the
    complaint is not at that stage, 403 when it is not theirs to take."""
    if isinstance(actor, str):
        return  # a scheduled job or an import acting for the centre
    if actor is None:
        raise forbidden("需要登录。")
    if step not in complaint_allowed_steps(actor, complaint, today=today):
        if step in STEP_STATUS and complaint.status not in STEP_STATUS[step]:
            raise InvalidTransition(
                f"投诉当前为“{Status(complaint.status).label}”，不能进行此步骤。",
                status_from=complaint.status,
            )
        raise forbidden("您的角色或部门不能办理此投诉的这一步骤。")


def complaint_require_step(actor: Actor, complaint: Complaint, step: Step) -> None:
    """Raise the DomainError a step would raise for this person now (403 not theirs,
    409 not at this stage) — for pages that check before reading a form."""
    require_step(actor, complaint, step)


def required_texts(values: dict[str, str], labels: dict[str, str]) -> None:
    missing = [labels[k] for k, v in values.items() if k in labels and not (v or "").strip()]
    if missing:
        raise DomainError(f"请填写：{'、'.join(missing)}。", code="invalid_input")


# --- Classes and time limits (§6, §7) ----------------------------------------------


def complaint_class(params: ComplaintParams, code: str) -> Any:
    if code not in ComplaintClass.values:
        raise DomainError("请选择投诉性质：重大投诉、一般投诉或无效投诉。", code="invalid_input")
    return params.complaint_class(code)


def set_limit(complaint: Complaint, params: ComplaintParams, class_code: str) -> None:
    """The limit of the class, from the day after `clock_start_on` (the receipt day,
    or the follow-up day of a reopened round, is not counted — 000 §五(二)2 applied
    to §五(四)7 by the rule set). An unpublished year → pending, never a guess."""
    cls = params.complaint_class(class_code)
    start = complaint.clock_start_on or complaint.received_on
    complaint.clock_start_on = start
    complaint.limit_days = cls.reply_working_days
    if params.start_day_counted:
        raise DomainError("现行投诉规则集把受理当日计入时限，本系统尚不支持，请联系系统管理员。")
    try:
        complaint.reply_due = add_workdays(start, cls.reply_working_days)
        complaint.warn_on = (
            add_workdays(start, cls.warn_working_days) if cls.warn_working_days is not None else None
        )
        complaint.deadline_pending = False
    except CalendarNotPublished:
        complaint.reply_due = complaint.warn_on = None
        complaint.deadline_pending = True


def due_text(complaint: Complaint) -> str:
    if complaint.deadline_pending or complaint.reply_due is None:
        return f"答复期限为收到后{complaint.limit_days}个工作日，具体日期待下一年度节假日安排公布后确定。"
    return f"我们将在{complaint.reply_due:%Y年%-m月%-d日}前答复您（收到当日不计，按工作日计算）。"


def _on_time(complaint: Complaint, day: date) -> bool:
    """Answered within the limit of the round. A limit still pending lies beyond
    the published calendar, so any answer on a published day is within it."""
    if complaint.reply_due is not None:
        return day <= complaint.reply_due
    return day.year in published_years()


def reply_row(complaint: Complaint, *, channel: str, text: str, actor: Actor, at: datetime) -> Reply:
    """The answer to the complainant (§8(5)) with the limit of its round and whether it met it."""
    if complaint.deadline_pending:
        params = complaint_rules(complaint)
        set_limit(complaint, params, complaint.class_code or params.unclassified_as)
    day = clock.local_date(at)
    return Reply.objects.create(
        complaint=complaint,
        round=complaint.round,
        channel=channel,
        text=text,
        replied_at=at,
        replied_by=user_or_none(actor),
        due=complaint.reply_due,
        on_time=_on_time(complaint, day),
    )


def set_responsibility(
    complaint: Complaint, *, department: Department, staff: Sequence[Staff], analysis: str, now: datetime
) -> None:
    """责任认定 (§8(2)): the department and the people, filed with the party committee;
    a valid complaint is verified against the people on the day they are named."""
    complaint.responsible_department = department
    complaint.responsibility_analysis = analysis
    complaint.determined_at = complaint.determined_at or now
    complaint.filed_with_party_committee_at = complaint.filed_with_party_committee_at or now
    complaint.responsible_staff.set(staff)
    if complaint.is_valid and staff and complaint.verified_on is None:
        complaint.verified_on = clock.local_date(now)
    if not staff:
        complaint.verified_on = None


# --- The timeline --------------------------------------------------------------------


def step_row(complaint: Complaint, action: str, title: str, public_note: str = "") -> dict[str, Any]:
    """The keywords of `transition()` for a step of the complaint's own process: its
    timeline row (the step, its round, what the complainant may read) and the audit
    action `complaints.complaint.<action>`."""
    return {
        "event": {
            "kind": EventKind.COMPLAINT,
            "action": action,
            "title": title[:60],
            "round": complaint.round,
            "public_note": public_note,
        },
        "audit": f"complaints.complaint.{action}",
    }


def record_row(complaint: Complaint, record: models.Model, action: str, title: str) -> dict[str, Any]:
    """The keywords of `transition()` for a move of one of the complaint's records (a
    report, an appeal, a sanction, a fine): written on the complaint's timeline."""
    kind = _kind_of(record)
    return {
        "events": complaint.events,
        "event": {
            "kind": kind,
            EVENT_RECORDS[kind]: record,
            "action": action,
            "title": title[:60],
            "round": complaint.round,
        },
    }


def timeline_row(
    complaint: Complaint,
    *,
    actor: Actor,
    action: str,
    title: str,
    from_status: str,
    to_status: str,
    note: str,
    at: datetime,
    public_note: str = "",
    record: models.Model | None = None,
) -> ComplaintEvent:
    """A row that no status move writes: a record's creation, or an act that leaves
    the status as it is (a delay report, a reminder, an attachment)."""
    user, label = event_actor(actor)
    kind = _kind_of(record) if record is not None else EventKind.COMPLAINT
    extra = {EVENT_RECORDS[kind]: record} if record is not None else {}
    return complaint.events.create(
        kind=kind,
        at=at,
        actor=user,
        actor_label=label,
        action=action,
        title=title[:60],
        from_status=from_status,
        to_status=to_status,
        round=complaint.round,
        note=note,
        public_note=public_note,
        **extra,
    )


def stay(
    complaint: Complaint,
    *,
    actor: Actor,
    action: str,
    title: str,
    note: str,
    public_note: str,
    at: datetime,
    fields: Sequence[str],
) -> None:
    """A recorded act that does not change the status (delay report, reminders …)."""
    if fields:
        complaint.save(update_fields=sorted(set(fields)))
    timeline_row(
        complaint,
        actor=actor,
        action=action,
        title=title,
        from_status=complaint.status,
        to_status=complaint.status,
        note=note,
        public_note=public_note,
        at=at,
    )
    audit_record(
        actor=actor, action=f"complaints.complaint.{action}", obj=complaint, summary=f"{complaint.no} {title}"
    )


def _kind_of(record: models.Model) -> str:
    return next(kind for kind, column in EVENT_RECORDS.items() if column == record._meta.model_name)
