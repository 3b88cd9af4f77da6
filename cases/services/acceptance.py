"""The moves that decide whether an application is taken on — accepted (受理, the deadline
set), sent for its missing materials (补办件通知单) or refused (退回件) — shared by
registration, the supplements, the refusal of a case waiting for materials and the
review of a refusal. 000 §五(二)2 (when the clock starts), 002 篇5 §二4–5.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from audit.transitions import transition
from cases import deadlines
from cases.models import (
    Case,
    CaseStatus,
    EventKind,
    MaterialStatus,
    SupplementRequest,
    SupplementStatus,
)
from cases.services._common import fmt, move, public, refused, rules_on, titled
from common.actors import AnyActor, user_or_none
from rules.schemas import CaseTimeLimitParams
from workdays.calendar import CalendarNotPublished, calendar_index


def accept(
    case: Case, *, actor: AnyActor, at: datetime, on: date, after_supplement: bool, **audit: Any
) -> None:
    """Formal acceptance: the deadline from the rule set in force on the day (000 §五(二)2:
    the day after receipt, or after the materials are complete). `audit` (action,
    summary, changes) names the service that accepts."""
    rules = rules_on(on)
    params = rules.params
    case.rules_ref = rules.ref
    case.accepted_at, case.accepted_on = at, on
    offset = params.supplement_start_offset_days if after_supplement else params.receipt_start_offset_days
    set_deadline(case, params, offset)
    fields = ["rules_ref", "accepted_at", "accepted_on", "promised_deadline", "deadline"]
    fields += ["deadline_pending", "pending_year"]
    if case.deadline_pending:
        when = f"办结日期待{case.pending_year}年节假日安排发布后确定，届时短信告知"
    elif case.is_immediate:
        when = f"即办件，{fmt(case.deadline)}办结"
    else:
        when = f"承诺{case.promised_label}内办结，办结期限{fmt(case.deadline)}"
    move(
        case,
        CaseStatus.ACCEPTED,
        actor=actor,
        at=at,
        fields=fields,
        note=f"限时办结规则集 {case.rules_ref}",
        public_note=("材料已补齐，正式受理" if after_supplement else "已受理") + f"：{when}。",
        **audit,
    )


def set_deadline(case: Case, params: CaseTimeLimitParams, offset: int) -> None:
    """The case's deadline from its acceptance day, or pending while the year's holiday
    notice is not published (never guessed)."""
    assert case.accepted_on is not None
    try:
        deadline = deadlines.case_deadline(
            calendar_index(),
            accepted_on=case.accepted_on,
            promised_days=case.promised_days,
            start_offset=offset,
            immediate_offset=params.immediate_due_offset_days,
        )
    except CalendarNotPublished as exc:
        case.promised_deadline = case.deadline = None
        case.deadline_pending, case.pending_year = True, exc.year
    else:
        case.promised_deadline = case.deadline = deadline
        case.deadline_pending, case.pending_year = False, None


def open_supplement(case: Case, *, actor: AnyActor, at: datetime, **audit: Any) -> None:
    """The 补办件通知单: every missing material at once (002 篇5 §二4)."""
    SupplementRequest.objects.create(
        case=case, number=f"{case.receipt_no}-B", issued_at=at, issued_by=user_or_none(actor)
    )
    names = "、".join(
        titled(m.material.name)
        for m in case.materials.select_related("material").filter(status=MaterialStatus.MISSING)
    )
    move(
        case,
        CaseStatus.SUPPLEMENT,
        actor=actor,
        at=at,
        note=f"出具补办件通知单 {case.receipt_no}-B",
        public_note=f"申请材料不全，已一次性告知需补齐或补正的材料：{names}。补齐之日为正式受理之日。",
        **audit,
    )


def supplement_move(
    case: Case,
    supplement: SupplementRequest,
    to: str,
    *,
    actor: AnyActor,
    at: datetime,
    fields: tuple[str, ...] = (),
    note: str = "",
    public_note: str = "",
) -> None:
    """A move of the 补办件通知单, on the case's timeline."""
    transition(
        supplement,
        to,
        actor=actor,
        at=at,
        fields=fields,
        note=note,
        events=case.events,
        event={"kind": EventKind.MATERIALS, "supplement": supplement, **public(public_note)},
        summary=f"{case.receipt_no} 补办件通知单{SupplementStatus(to).label}" + (f"：{note}" if note else ""),
        refused=refused("补办件通知单", supplement, to),
    )


def close_supplement(case: Case, *, actor: AnyActor, at: datetime, note: str) -> None:
    """The open 补办件通知单 of a case refused or withdrawn ends (已终止)."""
    supplement = SupplementRequest.objects.select_for_update().filter(case=case).first()
    if supplement is not None and supplement.status == SupplementStatus.OPEN:
        supplement_move(case, supplement, SupplementStatus.CLOSED, actor=actor, at=at, note=note)


def reject(case: Case, rejection: Any, *, actor: AnyActor, at: datetime, **audit: Any) -> None:
    """不予受理 (002 篇5 §二5): the ground, the explanation, its basis and the materials
    handed back (a `registration.CheckedRejection`)."""
    case.rejection_ground = rejection.ground
    case.rejection_ground_label = rejection.ground_label
    case.rejection_reason = rejection.reason
    case.rejection_basis = rejection.legal_basis
    case.returned_materials = rejection.returned_materials
    case.rejected_at = at
    close_supplement(case, actor=actor, at=at, note="不予受理")
    move(
        case,
        CaseStatus.REJECTED,
        actor=actor,
        at=at,
        fields=[
            "rejection_ground",
            "rejection_ground_label",
            "rejection_reason",
            "rejection_basis",
            "returned_materials",
            "rejected_at",
        ],
        note=f"情形：{rejection.ground_label}；依据：{rejection.legal_basis}",
        public_note=f"不予受理（{rejection.ground_label}）。理由：{rejection.reason}",
        **audit,
    )
