"""Joint cases (联办件, 002 篇5 §三3): the lead department hands the case to each
department involved, whose opinion is due within its own limit counted from the day of
the handover (000 §五(二)2(3)); the case is 联办中 while any handover is open.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db import transaction

from audit.transitions import InvalidTransition, transition
from cases import access, deadlines
from cases.models import Case, CaseStatus, EventKind, Handover, HandoverStatus
from cases.selectors import params_of
from cases.services._common import audit, check_rights, event, fmt, locked, move, refused
from common import clock
from common.actors import AnyActor, user_or_none
from common.errors import Conflict, DomainError
from org.models import Department
from workdays.calendar import CalendarNotPublished, calendar_index


def case_handover_register(
    *,
    actor: AnyActor,
    case: Case,
    departments: Iterable[Department],
    limit_days: int,
    note: str = "",
    now: datetime | None = None,
) -> list[Handover]:
    """The lead department notifies the departments involved (002 篇5 §三3 确定并通知所涉及的
    相关部门); each owes its opinion within `limit_days` working days counted from the day
    the handover is registered (000 §五(二)2(3)), not later than the case's own deadline."""
    check_rights(
        actor, lambda u: access.can_handle(u, case), "只有本管理部的柜员或部门负责人可以登记联办交接。"
    )
    now = now or clock.now()
    today = clock.local_date(now)
    targets = list(dict.fromkeys(departments))
    if not targets:
        raise DomainError("请选择需要联办的相关部门。", code="invalid_input")
    if limit_days < 1:
        raise DomainError("相关部门的办理时限至少为1个工作日。", code="invalid_input")
    with transaction.atomic():
        case = locked(case)
        if case.status not in (CaseStatus.ACCEPTED, CaseStatus.JOINT):
            raise InvalidTransition(f"办件当前为“{CaseStatus(case.status).label}”，不能抄告相关部门。")
        if any(d.pk == case.department_id for d in targets):
            raise DomainError("不能把办件交接给本部门（牵头部门）自己。", code="invalid_input")
        busy = set(
            case.handovers.filter(status=HandoverStatus.OPEN, department__in=targets).values_list(
                "department__name", flat=True
            )
        )
        if busy:
            raise Conflict(f"已交接且尚未反馈：{'、'.join(sorted(busy))}。", code="handover_open")
        params = params_of(case)
        due: date | None
        try:
            due = deadlines.counted_deadline(
                calendar_index(), today, limit_days, params.handover_start_offset_days
            )
        except CalendarNotPublished:
            due = None
        if due is not None and case.deadline is not None and due > case.deadline:
            raise DomainError(
                f"相关部门的反馈期限（{fmt(due)}）晚于本办件的办结期限（{fmt(case.deadline)}），"
                "牵头部门须在承诺时限内作出决定，请缩短相关部门的办理时限。",
                code="handover_after_deadline",
            )
        user = user_or_none(actor)
        rows = [
            Handover.objects.create(
                case=case,
                department=d,
                registered_at=now,
                registered_on=today,
                registered_by=user,
                limit_days=limit_days,
                due_on=due,
                due_pending=due is None,
                note=note.strip()[:300],
            )
            for d in targets
        ]
        names = "、".join(d.name for d in targets)
        for row in rows:
            event(
                case,
                EventKind.HANDOVER,
                actor=actor,
                at=now,
                to_status=HandoverStatus.OPEN,
                note=f"交接{row.department.name}，{limit_days}个工作日，"
                f"反馈期限{fmt(due) if due else '待日历'}" + (f"；{row.note}" if row.note else ""),
                handover=row,
            )
        summary, changes = f"联办交接：{names}", {"departments": [d.pk for d in targets]}
        if case.status == CaseStatus.ACCEPTED:
            move(
                case,
                CaseStatus.JOINT,
                actor=actor,
                at=now,
                note=f"抄告相关部门：{names}",
                public_note=f"已通知相关部门联合办理：{names}。",
                audit="case.handover",
                summary=summary,
                changes=changes,
            )
        else:
            audit(actor, "case.handover", case, summary, changes)
        return rows


def _handover_move(
    case: Case,
    handover: Handover,
    to: str,
    *,
    actor: AnyActor,
    at: datetime,
    note: str,
    fields: tuple[str, ...] = (),
    audit: str,
    summary: str,
    changes: dict[str, object] | None = None,
) -> None:
    transition(
        handover,
        to,
        actor=actor,
        at=at,
        fields=fields,
        note=note,
        events=case.events,
        event={"kind": EventKind.HANDOVER, "handover": handover},
        audit=f"cases.{audit}",
        summary=f"{case.receipt_no} {summary}",
        changes=changes,
        refused=refused("联办交接", handover, to),
    )


def case_handover_answer(
    *, actor: AnyActor, handover: Handover, opinion: str, now: datetime | None = None
) -> Handover:
    """The department involved gives its opinion to the lead department (002 篇5 §三3③).
    When the last one is in, the lead department decides (the case is back in 办理中)."""
    check_rights(
        actor, lambda u: access.can_answer_handover(u, handover), "只有被交接部门的工作人员可以反馈联办意见。"
    )
    opinion = opinion.strip()
    if len(opinion) < 2:
        raise DomainError("请写明具体明确的审批意见（002 篇5 §三3）。", code="invalid_input")
    now = now or clock.now()
    with transaction.atomic():
        case = locked(handover.case)
        handover = Handover.objects.select_for_update().select_related("department").get(pk=handover.pk)
        late = handover.due_on is not None and clock.local_date(now) > handover.due_on
        handover.opinion, handover.answered_at, handover.answered_by = opinion, now, user_or_none(actor)
        _handover_move(
            case,
            handover,
            HandoverStatus.ANSWERED,
            actor=actor,
            at=now,
            fields=("opinion", "answered_at", "answered_by"),
            note=f"{handover.department.name}反馈意见{'（已超过反馈期限）' if late else ''}：{opinion}",
            audit="case.handover_answer",
            summary=f"{handover.department.name}反馈联办意见",
            changes={"late": late},
        )
        _after_handover_closed(case, actor=actor, at=now)
        return handover


def case_handover_cancel(
    *, actor: AnyActor, handover: Handover, reason: str, now: datetime | None = None
) -> Handover:
    """Withdraw a handover registered by mistake (the record stays)."""
    case = handover.case
    check_rights(
        actor, lambda u: access.can_handle(u, case), "只有牵头管理部的柜员或部门负责人可以撤销联办交接。"
    )
    if len(reason.strip()) < 2:
        raise DomainError("请写明撤销交接的原因。", code="invalid_input")
    now = now or clock.now()
    with transaction.atomic():
        case = locked(case)
        handover = Handover.objects.select_for_update().select_related("department").get(pk=handover.pk)
        _handover_move(
            case,
            handover,
            HandoverStatus.CANCELLED,
            actor=actor,
            at=now,
            note=f"撤销交接{handover.department.name}：{reason.strip()}",
            audit="case.handover_cancel",
            summary=f"撤销交接{handover.department.name}",
        )
        _after_handover_closed(case, actor=actor, at=now)
        return handover


def handovers_cancel_open(case: Case, *, actor: AnyActor, at: datetime, reason: str) -> None:
    """Every open handover of a case that ends (the applicant withdrew) is cancelled."""
    for handover in (
        Handover.objects.select_for_update()
        .select_related("department")
        .filter(case=case, status=HandoverStatus.OPEN)
    ):
        _handover_move(
            case,
            handover,
            HandoverStatus.CANCELLED,
            actor=actor,
            at=at,
            note=f"撤销交接{handover.department.name}：{reason}",
            audit="handover.cancelled",
            summary=f"撤销交接{handover.department.name}（{reason}）",
        )


def _after_handover_closed(case: Case, *, actor: AnyActor, at: datetime) -> None:
    if case.status == CaseStatus.JOINT and not case.handovers.filter(status=HandoverStatus.OPEN).exists():
        move(
            case,
            CaseStatus.ACCEPTED,
            actor=actor,
            at=at,
            note="相关部门意见已全部反馈，由牵头部门作出决定",
            public_note="相关部门意见已全部反馈，正在作出办理决定。",
        )
