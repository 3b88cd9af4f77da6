"""What the case services share: the actors of jobs and the public, the rights check,
the row lock, the rule set of a day, the case's own moves (through the one transition
primitive, `audit.transitions.transition`) and the event rows of changes that are not
moves (a material received, a notice given, a password reset).

Every move of a case or of one of its parts is written on the case's timeline
(`CaseEvent`, `case.events`): who, when, from, to, the internal note and, when the
applicant may see it, the public note (002 篇5 §四3).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import models

from audit.services import audit_record
from audit.transitions import status_label, transition
from cases.models import Case, CaseEvent, CaseStatus, EventKind
from common import clock
from common.actors import AnyActor, event_actor, forbidden
from rules.models import RuleKind
from rules.selectors import rules_in_force

PUBLIC_ACTOR = "申请人（网上办件查询）"
SWEEP_ACTOR = "cases_sweep"


def check_rights(actor: AnyActor, allowed: Callable[[AbstractBaseUser], bool], message: str) -> None:
    """Services check the actor's rights too (the API and the pages check first);
    scheduled jobs and devices, named by a string, are trusted."""
    if isinstance(actor, AbstractBaseUser) and not allowed(actor):
        raise forbidden(message)


def local_day(moment: datetime | None) -> date | None:
    return clock.local_date(moment) if moment is not None else None


def fmt(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"


def titled(name: str) -> str:
    """A material's name in 《》 as the phrases quote it (some names carry them already)."""
    return name if name.startswith("《") else f"《{name}》"


def locked(case: Case) -> Case:
    """The case re-read under its row lock, so two tellers acting at once do not both
    move it (SQLite serialises writers anyway)."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("matter", "version", "branch")
        .get(pk=case.pk)
    )


def rules_on(on: date):  # type: ignore[no-untyped-def]
    """The rule set `case_time_limit` in force on `on`."""
    return rules_in_force(RuleKind.CASE_TIME_LIMIT, on)


def public(public_note: str) -> dict[str, Any]:
    """The columns of an event row the applicant sees (none without a public note)."""
    return {"public": bool(public_note), "public_note": public_note[:300]}


def refused(kind: str, obj: models.Model, to: str) -> str:
    """The refusal of a move of a case's part: "延期申请当前为“…”，不能改为“…”。…"."""
    return (
        f"{kind}当前为“{status_label(obj, obj.status)}”，"  # type: ignore[attr-defined]
        f"不能改为“{status_label(obj, to)}”。请刷新页面查看最新状态。"
    )


def move(
    case: Case,
    to: str,
    *,
    actor: AnyActor,
    at: datetime,
    fields: tuple[str, ...] | list[str] = (),
    note: str = "",
    public_note: str = "",
    audit: str | None = None,
    summary: str | None = None,
    changes: dict[str, Any] | None = None,
) -> CaseEvent:
    """Move the case along `Case.TRANSITIONS` (a 409 `invalid_transition` otherwise):
    its event row with the public note, and the audit event — `audit` names the
    service's action ("case.complete" → "cases.case.complete"; by default the move)."""
    current = case.status
    return transition(  # type: ignore[no-any-return]
        case,
        to,
        actor=actor,
        at=at,
        fields=fields,
        note=note,
        event={"kind": EventKind.STATUS, **public(public_note)},
        audit=f"cases.{audit}" if audit else None,
        summary=f"{case.receipt_no} {summary}" if summary is not None else None,
        changes=changes,
        refused=f"办件当前状态为“{CaseStatus(current).label if current else '未登记'}”，"
        f"不能改为“{CaseStatus(to).label}”。请刷新页面查看最新状态。",
    )


def event(
    case: Case,
    kind: str,
    *,
    actor: AnyActor,
    at: datetime,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    public_note: str = "",
    **record: Any,
) -> CaseEvent:
    """An event row of a change that is not a move (a material received, the applicant
    told, a deadline computed, a record created in its first status); `record` names the
    part it belongs to (`extension=…`)."""
    user, label = event_actor(actor)
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        at=at,
        actor=user,
        actor_label=label,
        from_status=from_status,
        to_status=to_status,
        note=note,
        **public(public_note),
        **record,
    )


def audit(
    actor: AnyActor, action: str, case: Case, summary: str, changes: dict[str, Any] | None = None
) -> None:
    """The audit event of a change of a case that is not a move."""
    audit_record(
        actor=actor,
        action=f"cases.{action}",
        obj=case,
        summary=f"{case.receipt_no} {summary}",
        changes=changes,
    )
