"""差评 follow-up and rectification: every bad rating (000 §五(五)4(1) 差评) and every 12329
callback with an unsatisfied answer or a “yes” to 跑回头路/索拿卡要 (004 §五 一) is followed
up — contact the citizen, verify, rectify, ask again — within the working days of the
rating_followup rule set (product-rating-followup, by 000 §五(二)2). Each step is a move
of FollowUp.TRANSITIONS through audit.transitions.transition."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import User as AuthUser
from django.db import transaction

from audit.services import audit_record
from audit.transitions import transition
from common import clock
from common.actors import Actor
from common.errors import DomainError
from ratings.models import (
    ContactMethod,
    FollowUp,
    FollowUpStatus,
    HotlineCallback,
    Rating,
    Satisfaction,
    SatisfactionLevel,
    Verdict,
)
from ratings.services._common import clean_text, record_event
from rules.models import RuleKind
from rules.selectors import rules_in_force
from workdays.calendar import CalendarNotPublished, add_workdays


def _deadlines(opened_on: date) -> dict[str, Any]:
    rules = rules_in_force(RuleKind.RATING_FOLLOWUP, opened_on)
    try:
        return {
            "contact_due": add_workdays(opened_on, rules.params.contact_working_days),
            "rectify_due": add_workdays(opened_on, rules.params.rectify_working_days),
            "due_pending_year": None,
            "rules_ref": rules.ref,
        }
    except CalendarNotPublished as exc:
        # Never guessed (docs/workdays.md): the deadlines wait for next year's calendar
        # and `manage.py ratings_sweep` fills them in once it is published.
        return {
            "contact_due": None,
            "rectify_due": None,
            "due_pending_year": exc.year,
            "rules_ref": rules.ref,
        }


def _problem_of_rating(rating: Rating) -> str:
    parts = [rating.level_label, *rating.reason_labels]
    text = "、".join(parts)
    if rating.comment:
        text += f"：{rating.comment}"
    return text[:300]


def _problem_of_callback(callback: HotlineCallback) -> str:
    parts = []
    if callback.attitude == SatisfactionLevel.DISSATISFIED:
        parts.append("服务态度不满意")
    if callback.efficiency == SatisfactionLevel.DISSATISFIED:
        parts.append("办事效率不满意")
    if callback.ran_back:
        parts.append("跑回头路")
    if callback.favours:
        parts.append("索拿卡要")
    text = "12329回访：" + "、".join(parts)
    if callback.dissatisfied_reason:
        text += f"：{callback.dissatisfied_reason}"
    return text[:300]


def follow_up_open(
    *, rating: Rating | None = None, callback: HotlineCallback | None = None, at: datetime
) -> FollowUp:
    """Open the follow-up of a bad rating or of an unsatisfied 12329 callback, with its
    deadlines in working days from the rating_followup rule set in force that day."""
    if (rating is None) == (callback is None):
        raise ValueError("pass exactly one of rating, callback")
    opened_on = clock.local_date(at)
    source: Any = rating or callback
    with transaction.atomic():
        follow_up = FollowUp.objects.create(
            rating=rating,
            callback=callback,
            branch_id=source.branch_id,
            staff_id=source.staff_id,
            window_id=source.window_id,
            opened_on=opened_on,
            problem=_problem_of_rating(rating) if rating else _problem_of_callback(callback),  # type: ignore[arg-type]
            created_at=at,
            **_deadlines(opened_on),
        )
        record_event(follow_up, actor="system", action="open", from_status="", at=at, note=follow_up.problem)
        audit_record(
            actor="system",
            action="ratings.follow_up.open",
            obj=follow_up,
            summary=f"{follow_up.source_label}差评回访：{follow_up.problem}"[:500],
            changes={"contact_due": str(follow_up.contact_due), "rectify_due": str(follow_up.rectify_due)},
        )
        return follow_up


def _move(
    follow_up: FollowUp,
    to: str,
    *,
    actor: Actor,
    action: str,
    at: datetime,
    fields: dict[str, Any],
    note: str,
) -> FollowUp:
    """One step of the follow-up: the columns the step fills and the move, its event row
    (`action`) and its audit event ("ratings.follow_up.<action>")."""
    summary = (
        f"差评回访 {follow_up.pk}：{FollowUpStatus(follow_up.status).label} → {FollowUpStatus(to).label}"
    )
    for name, value in fields.items():
        setattr(follow_up, name, value)
    transition(
        follow_up,
        to,
        actor=actor,
        fields=fields,
        note=note,
        at=at,
        event={"action": action},
        audit=f"ratings.follow_up.{action}",
        summary=summary,
    )
    return follow_up


def _locked(follow_up: FollowUp) -> FollowUp:
    return FollowUp.objects.select_for_update().get(pk=follow_up.pk)


def follow_up_contact(*, actor: AuthUser, follow_up: FollowUp, method: str, note: str) -> FollowUp:
    """The citizen was contacted (or could not be: the attempt is recorded)."""
    if method not in ContactMethod.values:
        raise DomainError("请选择联系方式。", code="invalid_input", field="method")
    note = clean_text(note, "联系情况", required=True, limit=2000)
    now = clock.now()
    with transaction.atomic():
        return _move(
            _locked(follow_up),
            FollowUpStatus.CONTACTED,
            actor=actor,
            action="contact",
            at=now,
            fields={"contacted_at": now, "contact_method": method, "contact_note": note},
            note=f"{ContactMethod(method).label}：{note}",
        )


def follow_up_rectify(
    *,
    actor: AuthUser,
    follow_up: FollowUp,
    verdict: str,
    finding: str,
    rectification: str,
    public_summary: str,
) -> FollowUp:
    """Verified (属实 / 部分属实) and rectified: what was found, what was done, and the
    sentence published on the disclosure page (no personal data)."""
    if verdict not in (Verdict.SUBSTANTIATED, Verdict.PARTLY):
        raise DomainError(
            "整改须先核实为“属实”或“部分属实”；不属实的请选择“核实不属实”办结。",
            code="invalid_input",
            field="verdict",
        )
    finding = clean_text(finding, "核实情况", required=True, limit=2000)
    rectification = clean_text(rectification, "整改措施", required=True, limit=2000)
    public_summary = clean_text(public_summary, "公开说明", required=True, limit=300)
    now = clock.now()
    with transaction.atomic():
        return _move(
            _locked(follow_up),
            FollowUpStatus.RECTIFIED,
            actor=actor,
            action="rectify",
            at=now,
            fields={
                "verdict": verdict,
                "finding": finding,
                "rectification": rectification,
                "public_summary": public_summary,
                "rectified_at": now,
            },
            note=rectification,
        )


def follow_up_close_unfounded(*, actor: AuthUser, follow_up: FollowUp, finding: str) -> FollowUp:
    """Verified as unfounded (不属实): closed with the finding, nothing to rectify."""
    finding = clean_text(finding, "核实情况", required=True, limit=2000)
    now = clock.now()
    with transaction.atomic():
        return _move(
            _locked(follow_up),
            FollowUpStatus.CLOSED,
            actor=actor,
            action="close_unfounded",
            at=now,
            fields={"verdict": Verdict.UNFOUNDED, "finding": finding, "closed_at": now},
            note=finding,
        )


def follow_up_close(*, actor: AuthUser, follow_up: FollowUp, satisfaction: str, note: str = "") -> FollowUp:
    """The citizen was asked about the rectification (回访): their satisfaction closes it."""
    if satisfaction not in Satisfaction.values:
        raise DomainError("请选择评价人对整改的满意度。", code="invalid_input", field="satisfaction")
    note = clean_text(note, "回访说明", required=satisfaction == Satisfaction.DISSATISFIED, limit=2000)
    now = clock.now()
    with transaction.atomic():
        return _move(
            _locked(follow_up),
            FollowUpStatus.CLOSED,
            actor=actor,
            action="close",
            at=now,
            fields={"satisfaction": satisfaction, "satisfaction_note": note, "closed_at": now},
            note=f"{Satisfaction(satisfaction).label}{'：' + note if note else ''}",
        )


def follow_ups_fill_deadlines(*, actor: Actor) -> int:
    """Deadlines that waited for an unpublished calendar year, computed once it is published."""
    filled = 0
    for follow_up in FollowUp.objects.filter(due_pending_year__isnull=False).exclude(
        status=FollowUpStatus.CLOSED
    ):
        deadlines = _deadlines(follow_up.opened_on)
        if deadlines["due_pending_year"] is not None:
            continue
        with transaction.atomic():
            FollowUp.objects.select_for_update().filter(pk=follow_up.pk).exists()
            for name, value in deadlines.items():
                setattr(follow_up, name, value)
            follow_up.save(update_fields=list(deadlines))
            record_event(
                follow_up,
                actor=actor,
                action="deadlines",
                at=clock.now(),
                note=f"日历已发布：联系期限 {follow_up.contact_due}，整改期限 {follow_up.rectify_due}",
            )
            audit_record(
                actor=actor,
                action="ratings.follow_up.deadlines",
                obj=follow_up,
                summary=f"差评回访 {follow_up.pk} 期限已按新发布的日历计算",
            )
        filled += 1
    return filled
