"""An application waiting for its materials (补办件, 002 篇5 §二4; 002 篇3 §三13): the
missing materials received — only those on the 补办件通知单, the one-time rule — and the
formal acceptance on the day the last one arrives (000 §五(二)2(2)); or the refusal to
accept it (不予受理, 002 篇5 §二5).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction

from audit.transitions import InvalidTransition
from cases import access
from cases.models import Case, CaseStatus, EventKind, MaterialStatus, SupplementRequest, SupplementStatus
from cases.services._common import audit, check_rights, event, locked, titled
from cases.services.acceptance import accept, reject, supplement_move
from cases.services.registration import Rejection, check_rejection
from common import clock
from common.actors import AnyActor
from common.errors import DomainError


def case_supplement_receive(
    *, actor: AnyActor, case: Case, material_codes: Iterable[str], note: str = "", now: datetime | None = None
) -> Case:
    """The applicant brings (some of) the missing materials. Only materials on the
    补办件通知单 can be received — nothing may be added to it (one-time rule, 002 篇5 §二4).
    When the last one is in, the case is formally accepted that day and its clock starts
    the next day (000 §五(二)2(2))."""
    check_rights(
        actor, lambda u: access.can_handle(u, case), "只有本管理部的柜员或部门负责人可以登记补正材料。"
    )
    now = now or clock.now()
    codes = {c.strip() for c in material_codes if c and c.strip()}
    if not codes:
        raise DomainError("请勾选本次补齐或补正的材料。", code="invalid_input")
    with transaction.atomic():
        case = locked(case)
        if case.status != CaseStatus.SUPPLEMENT:
            raise InvalidTransition(f"办件当前为“{CaseStatus(case.status).label}”，不是待补正状态。")
        open_items = {
            i.material.code: i
            for i in case.materials.select_related("material").filter(status=MaterialStatus.MISSING)
        }
        unknown = sorted(codes - set(open_items))
        if unknown:
            raise DomainError(
                "这些材料不在补办件通知单上，不能作为补正材料登记："
                + "、".join(unknown)
                + "。一次性告知后不得再增加材料（002 篇5 §二4）。",
                code="not_on_supplement_list",
            )
        for code in sorted(codes):
            # CaseMaterial: missing → received, the one move of its map.
            item = open_items[code]
            item.status, item.received_at = MaterialStatus.RECEIVED, now
            item.save(update_fields=["status", "received_at"])
        remaining = [i for code, i in open_items.items() if code not in codes]
        names = "、".join(titled(open_items[c].material.name) for c in sorted(codes))
        public_note = f"已收到补正材料：{names}。" + (
            f"尚需补齐：{'、'.join(titled(i.material.name) for i in remaining)}。" if remaining else ""
        )
        supplement = SupplementRequest.objects.select_for_update().get(case=case)
        summary = f"收到补正材料 {names}" + ("，材料齐全，正式受理" if not remaining else "")
        changes = {"received": sorted(codes), "remaining": [i.material.code for i in remaining]}
        if remaining:
            event(
                case,
                EventKind.MATERIALS,
                actor=actor,
                at=now,
                note=note.strip(),
                public_note=public_note,
                supplement=supplement,
            )
            audit(actor, "case.supplement", case, summary, changes)
            return case
        supplement.completed_at = now
        supplement_move(
            case,
            supplement,
            SupplementStatus.COMPLETED,
            actor=actor,
            at=now,
            fields=("completed_at",),
            note=note.strip(),
            public_note=public_note,
        )
        accept(
            case,
            actor=actor,
            at=now,
            on=clock.local_date(now),
            after_supplement=True,
            audit="case.supplement",
            summary=summary,
            changes=changes,
        )
        return case


def case_reject(*, actor: AnyActor, case: Case, rejection: Rejection, now: datetime | None = None) -> Case:
    """不予受理 of an application waiting for materials (002 篇5 §二5: the reason told,
    退回件通知单 handed over). An accepted case is not refused this way: its negative
    decision is 不予批准 at completion."""
    check_rights(
        actor, lambda u: access.can_handle(u, case), "只有本管理部的柜员或部门负责人可以作出不予受理决定。"
    )
    now = now or clock.now()
    checked = check_rejection(rejection, on=clock.local_date(now))
    with transaction.atomic():
        case = locked(case)
        summary = f"不予受理（{checked.ground_label}）：{checked.reason[:100]}"
        reject(case, checked, actor=actor, at=now, audit="case.reject", summary=summary)
        return case
