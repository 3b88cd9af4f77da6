"""Extensions (延期, 000 §五(二)4): asked on the 《办理事项延期申请表》 with the reason, the new
deadline and the explanation given to the applicant; the department head's opinion fixes
the extension (规定延期时限); the approving leader's consent moves the deadline. A request
made after the deadline is recorded and the case is overdue (000 §五(二)5(2)).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction

from audit.transitions import InvalidTransition, check_transition, transition
from cases import access
from cases.models import PENDING_EXTENSION, Case, CaseStatus, EventKind, Extension, ExtensionStatus
from cases.notify import text_after_commit
from cases.services._common import audit, check_rights, event, fmt, locked, public, refused
from cases.services.overdue import reassess
from common import clock
from common.actors import AnyActor, user_or_none
from common.errors import Conflict, DomainError
from workdays.calendar import CalendarNotPublished, calendar_index


def case_extension_request(
    *,
    actor: AnyActor,
    case: Case,
    reason: str,
    requested_deadline: date,
    explained_to_applicant: bool,
    explained_note: str = "",
    now: datetime | None = None,
) -> Extension:
    """Ask for an extension (《办理事项延期申请表》): the reason, the new deadline, and the
    explanation given to the applicant. Made after the deadline it is still recorded,
    and the case counts as overdue (000 §五(二)5(2)) even if it is approved."""
    check_rights(actor, lambda u: access.can_handle(u, case), "只有本管理部的柜员或部门负责人可以申请延期。")
    reason = reason.strip()
    if len(reason) < 4:
        raise DomainError("请写明不能按期办结的特殊原因。", code="invalid_input")
    if not explained_to_applicant:
        raise DomainError(
            "申请延期前须向办事职工解释说明（000 §五(二)4），请先解释说明并记录情况。",
            code="not_explained",
        )
    now = now or clock.now()
    today = clock.local_date(now)
    with transaction.atomic():
        case = locked(case)
        if case.status not in (CaseStatus.ACCEPTED, CaseStatus.JOINT):
            raise InvalidTransition(f"办件当前为“{CaseStatus(case.status).label}”，不能申请延期。")
        if case.deadline is None:
            raise DomainError("办结期限尚待节假日安排发布后确定，暂不能申请延期。", code="deadline_pending")
        if Extension.objects.filter(case=case, status__in=PENDING_EXTENSION).exists():
            raise Conflict("已有一份延期申请正在审批，请等待审批结果。", code="extension_pending")
        _check_new_deadline(requested_deadline, case.deadline)
        late = today > case.deadline
        number = (Extension.objects.filter(case=case).count() or 0) + 1
        extension = Extension.objects.create(
            case=case,
            number=number,
            reason=reason,
            original_deadline=case.deadline,
            requested_deadline=requested_deadline,
            explained_to_applicant=True,
            explained_note=explained_note.strip()[:200],
            late=late,
            requested_at=now,
            requested_by=user_or_none(actor),
        )
        event(
            case,
            EventKind.EXTENSION,
            actor=actor,
            at=now,
            to_status=ExtensionStatus.REQUESTED,
            note=f"第{number}次延期申请：申请延至{fmt(requested_deadline)}；原因：{reason}"
            + ("（超过承诺办结时限才提出）" if late else ""),
            extension=extension,
        )
        reassess(case, actor=actor, now=now)
        audit(
            actor,
            "case.extension_request",
            case,
            f"申请延期至{requested_deadline.isoformat()}" + ("（超过时限后提出）" if late else ""),
            {"late": late, "deadline": [case.deadline.isoformat(), requested_deadline.isoformat()]},
        )
        return extension


def _check_new_deadline(new: date, current: date) -> None:
    if new <= current:
        raise DomainError(f"延期后的办结日期须晚于现在的办结期限（{fmt(current)}）。", code="invalid_input")
    try:
        working = calendar_index().is_workday(new)
    except CalendarNotPublished as exc:
        raise DomainError(
            f"{exc.year}年的节假日安排尚未发布，不能确定{fmt(new)}是否为工作日，请选择已发布年度内的日期。",
            code="calendar_not_published",
        ) from None
    if not working:
        raise DomainError(f"{fmt(new)}不是工作日，延期后的办结日期应为工作日。", code="invalid_input")


def _extension_move(
    case: Case,
    extension: Extension,
    to: str,
    *,
    actor: AnyActor,
    at: datetime,
    fields: tuple[str, ...] = (),
    note: str,
    public_note: str = "",
    audit: str | None = None,
    summary: str,
    changes: dict[str, Any] | None = None,
) -> None:
    """A move of an extension, on the case's timeline."""
    transition(
        extension,
        to,
        actor=actor,
        at=at,
        fields=fields,
        note=note,
        events=case.events,
        event={"kind": EventKind.EXTENSION, "extension": extension, **public(public_note)},
        audit=f"cases.{audit}" if audit else None,
        summary=f"{case.receipt_no} {summary}",
        changes=changes,
        refused=refused("延期申请", extension, to),
    )


def case_extension_head_opinion(
    *,
    actor: AnyActor,
    extension: Extension,
    agree: bool,
    opinion: str,
    granted_deadline: date | None = None,
    now: datetime | None = None,
) -> Extension:
    """The department head signs an opinion and fixes the extension (规定延期时限); a
    refusal ends the request."""
    case = extension.case
    check_rights(
        actor, lambda u: access.can_sign_as_head(u, case), "只有受理事项的部门负责人可以签署延期意见。"
    )
    opinion = opinion.strip()
    if len(opinion) < 2:
        raise DomainError("请签署意见。", code="invalid_input")
    now = now or clock.now()
    with transaction.atomic():
        case = locked(case)
        extension = Extension.objects.select_for_update().get(pk=extension.pk)
        target = ExtensionStatus.HEAD_AGREED if agree else ExtensionStatus.REFUSED
        check_transition(extension, target, refused=refused("延期申请", extension, target))
        if extension.status != ExtensionStatus.REQUESTED:
            raise InvalidTransition("部门负责人已经签署过意见。")
        granted = granted_deadline or extension.requested_deadline
        if agree:
            _check_new_deadline(granted, extension.original_deadline)
        extension.head_opinion, extension.head_by, extension.head_at = opinion, user_or_none(actor), now
        extension.granted_deadline = granted if agree else None
        _extension_move(
            case,
            extension,
            target,
            actor=actor,
            at=now,
            fields=("head_opinion", "head_by", "head_at", "granted_deadline"),
            note=f"部门负责人意见：{opinion}" + (f"（规定延期至{fmt(granted)}）" if agree else ""),
            audit="case.extension_head",
            summary=f"部门负责人{'同意' if agree else '不同意'}延期",
        )
        if not agree:
            reassess(case, actor=actor, now=now)
        return extension


def case_extension_leader_decision(
    *, actor: AnyActor, extension: Extension, approve: bool, opinion: str, now: datetime | None = None
) -> Extension:
    """The approving leader's decision. Only an approved extension moves the deadline; the
    applicant is told on the query page and by text message."""
    check_rights(actor, lambda u: access.can_approve_as_leader(u), "只有中心领导（分管领导）可以批准延期。")
    opinion = opinion.strip()
    if len(opinion) < 2:
        raise DomainError("请签署意见。", code="invalid_input")
    now = now or clock.now()
    with transaction.atomic():
        case = locked(extension.case)
        extension = Extension.objects.select_for_update().get(pk=extension.pk)
        target = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
        check_transition(extension, target, refused=refused("延期申请", extension, target))
        if extension.status != ExtensionStatus.HEAD_AGREED:
            raise InvalidTransition("须先由部门负责人签署意见。")
        extension.leader_opinion, extension.leader_by, extension.leader_at = opinion, user_or_none(actor), now
        fields = ("leader_opinion", "leader_by", "leader_at")
        summary = f"分管领导{'批准' if approve else '不批准'}延期"
        if approve:
            new = extension.granted_deadline
            assert new is not None
            old = case.deadline
            case.deadline = new
            case.save(update_fields=["deadline"])
            _extension_move(
                case,
                extension,
                target,
                actor=actor,
                at=now,
                fields=fields,
                note=f"分管领导意见：{opinion}；办结期限由{fmt(old)}延至{fmt(new)}",
                public_note=f"因特殊原因不能按期办结，经批准延期，办结期限延至{fmt(new)}。",
                audit="case.extension_leader",
                summary=summary,
                changes={"deadline": [str(extension.original_deadline), str(case.deadline)]},
            )
            text_after_commit(
                to=case.applicant_phone,
                text=f"您申请的“{case.version.name}”（受理编号{case.receipt_no}）因特殊原因不能按期办结，"
                f"经批准延期至{fmt(new)}办结。如有疑问请联系承办窗口。",
                purpose="case_extension",
            )
        else:
            _extension_move(
                case,
                extension,
                target,
                actor=actor,
                at=now,
                fields=fields,
                note=f"分管领导意见：{opinion}",
                audit="case.extension_leader",
                summary=summary,
            )
        reassess(case, actor=actor, now=now)
        return extension


def extensions_refuse_pending(case: Case, *, actor: AnyActor, at: datetime, reason: str) -> None:
    """A pending extension of a case that ends (the applicant withdrew) is not granted."""
    for extension in Extension.objects.select_for_update().filter(case=case, status__in=PENDING_EXTENSION):
        _extension_move(
            case,
            extension,
            ExtensionStatus.REFUSED,
            actor=actor,
            at=at,
            note=f"延期申请终止：{reason}",
            summary=f"第{extension.number}次延期申请终止（{reason}）",
        )
