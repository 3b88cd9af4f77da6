"""Telling the applicant the decision (答复) and handing the result over (送达): 002 篇5 §四1–2
反馈; a missing answer or a late delivery is overdue (000 §五(二)5(1), (4)).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from audit.transitions import InvalidTransition
from cases import access
from cases.models import Case, CaseStatus, DeliveryMethod, EventKind, NotifyMethod, Outcome
from cases.notify import text_after_commit
from cases.services._common import audit, check_rights, event, locked, move
from cases.services.overdue import reassess
from common import clock
from common.actors import AnyActor
from common.errors import Conflict, DomainError


def _notify_text(case: Case) -> str:
    label = Outcome(case.outcome).label
    text = f"您申请的“{case.version.name}”（受理编号{case.receipt_no}）已办结，结果：{label}。"
    if case.delivery_method == DeliveryMethod.PICKUP:
        text += f"请凭受理通知单到{case.branch.name}领取办理结果。"
    elif case.delivery_method == DeliveryMethod.MAIL:
        text += "办理结果将邮寄给您。"
    else:
        text += "办理结果将以电子方式送达。"
    return text


def record_notify(case: Case, method: str, note: str, *, actor: AnyActor, at: datetime) -> None:
    """The applicant told the decision (an SMS is sent after the commit)."""
    if method == NotifyMethod.SMS and not text_after_commit(
        to=case.applicant_phone, text=_notify_text(case), purpose="case_completed"
    ):
        raise DomainError(
            "申请人的联系电话不是手机号码，不能短信告知，请选择电话或书面告知。", code="not_mobile"
        )
    case.notified_at, case.notify_method, case.notify_note = at, method, note.strip()[:200]
    case.save(update_fields=["notified_at", "notify_method", "notify_note"])
    event(
        case,
        EventKind.NOTIFY,
        actor=actor,
        at=at,
        note=f"{NotifyMethod(method).label}申请人办理结果"
        + (f"：{case.notify_note}" if case.notify_note else ""),
        public_note=f"已{NotifyMethod(method).label}您办理结果。",
    )


def case_notify(
    *, actor: AnyActor, case: Case, method: str, note: str = "", now: datetime | None = None
) -> Case:
    """Record that the applicant was told the decision (答复, 000 §五(二)5(1))."""
    check_rights(
        actor, lambda u: access.can_handle(u, case), "只有本管理部的柜员或部门负责人可以登记告知情况。"
    )
    if method not in NotifyMethod.values:
        raise DomainError("请选择告知方式：当面、电话、短信或书面告知。", code="invalid_input")
    now = now or clock.now()
    with transaction.atomic():
        case = locked(case)
        if case.status not in (CaseStatus.COMPLETED, CaseStatus.DELIVERED):
            raise InvalidTransition("办件尚未办结，没有可以告知的办理结果。")
        if case.notified_at is not None:
            raise Conflict(
                f"已于{clock.local(case.notified_at):%Y-%m-%d %H:%M}告知申请人。",
                code="already_notified",
            )
        record_notify(case, method, note, actor=actor, at=now)
        reassess(case, actor=actor, now=now)
        audit(actor, "case.notify", case, f"{NotifyMethod(method).label}申请人办理结果")
        return case


def record_delivery(
    case: Case, method: str, note: str, *, actor: AnyActor, at: datetime, audit: str | None = None
) -> None:
    """The result handed over: the case is 已办结并送达. Handing it over tells the
    applicant the decision as well, when nobody had yet."""
    case.delivery_method, case.delivered_at, case.delivery_note = method, at, note.strip()[:200]
    fields = ["delivery_method", "delivered_at", "delivery_note"]
    if case.notified_at is None:
        case.notified_at = at
        case.notify_method = (
            NotifyMethod.IN_PERSON if method == DeliveryMethod.PICKUP else NotifyMethod.LETTER
        )
        fields += ["notified_at", "notify_method"]
    move(
        case,
        CaseStatus.DELIVERED,
        actor=actor,
        at=at,
        fields=fields,
        note=f"{DeliveryMethod(method).label}" + (f"：{case.delivery_note}" if case.delivery_note else ""),
        public_note={
            DeliveryMethod.PICKUP: "办理结果已在窗口交付申请人。",
            DeliveryMethod.MAIL: "办理结果已邮寄送达"
            + (f"（{case.delivery_note}）" if case.delivery_note else "")
            + "。",
            DeliveryMethod.ELECTRONIC: "办理结果已电子送达。",
        }[DeliveryMethod(method)],
        audit=audit,
        summary=f"送达：{DeliveryMethod(method).label}" if audit else None,
    )


def case_deliver(
    *,
    actor: AnyActor,
    case: Case,
    method: str,
    note: str = "",
    delivered_at: datetime | None = None,
    now: datetime | None = None,
) -> Case:
    """The result handed over (窗口领取), posted (邮寄, with the tracking number) or sent
    electronically, with its time (002 篇5 §四1)."""
    check_rights(actor, lambda u: access.can_handle(u, case), "只有本管理部的柜员或部门负责人可以登记送达。")
    if method not in DeliveryMethod.values:
        raise DomainError("请选择送达方式：窗口领取、邮寄送达或电子送达。", code="invalid_input")
    if method == DeliveryMethod.MAIL and not note.strip():
        raise DomainError("邮寄送达的，请填写邮件单号。", code="invalid_input")
    now = now or clock.now()
    at = delivered_at or now
    if at > now + clock.skew_tolerance():
        raise DomainError("送达时间不能晚于现在。", code="invalid_input")
    with transaction.atomic():
        case = locked(case)
        if case.decided_at is not None and at < case.decided_at:
            raise DomainError("送达时间不能早于办结时间。", code="invalid_input")
        record_delivery(case, method, note, actor=actor, at=at, audit="case.deliver")
        reassess(case, actor=actor, now=now)
        return case
