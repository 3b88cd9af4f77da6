"""The applicant's review (复核) of a refusal to accept (002 篇5 §四3): asked on the query
page after the query password, decided by the business management office or a leader.
Upheld, the refusal stands; overturned, the application counts as accepted on the day
it was complete (000 §五(二)2(1)), or waits again for its missing materials.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.transitions import InvalidTransition, transition
from cases import access
from cases.models import (
    Case,
    CaseStatus,
    EventKind,
    MaterialStatus,
    ReviewRequest,
    ReviewStatus,
    SupplementRequest,
    SupplementStatus,
)
from cases.services._common import PUBLIC_ACTOR, check_rights, event, local_day, locked, move, refused
from cases.services.acceptance import accept, supplement_move
from cases.services.overdue import reassess
from common import clock, identity
from common.actors import AnyActor, user_or_none
from common.errors import Conflict, DomainError


def case_review_request(
    *, case: Case, reason: str, contact_phone: str = "", now: datetime | None = None
) -> ReviewRequest:
    """The applicant asks the centre to review a refusal to accept (002 篇5 §四3), on the
    query page after entering the query password."""
    reason = reason.strip()
    if len(reason) < 10:
        raise DomainError("请写明您认为应当受理的理由（不少于10个字）。", code="invalid_input")
    phone = contact_phone.strip()
    if phone:
        try:
            phone = identity.validate_landline_or_mobile(phone)
        except ValidationError as exc:
            raise DomainError(exc.messages[0], code="invalid_input") from None
    now = now or clock.now()
    with transaction.atomic():
        case = locked(case)
        if ReviewRequest.objects.filter(case=case).exists():
            raise Conflict(
                "本办件已经申请过复核。对复核结果仍有异议的，可依法申请行政复议或提起行政诉讼。",
                code="already_reviewed",
            )
        review = ReviewRequest.objects.create(
            case=case, reason=reason[:2000], contact_phone=phone, requested_at=now
        )
        move(
            case,
            CaseStatus.REVIEW,
            actor=PUBLIC_ACTOR,
            at=now,
            note=f"申请复核：{reason[:500]}",
            public_note="您已申请复核，中心业务管理处将复核并答复您。",
            audit="case.review_request",
            summary="申请人网上申请复核",
        )
        return review


def case_review_decide(
    *, actor: AnyActor, case: Case, overturn: bool, decision: str, now: datetime | None = None
) -> ReviewRequest:
    """The office's answer. Upheld: the refusal stands. Overturned: the application counts
    as accepted on the day it was complete — 000 §五(二)2(1) counts from the day after the
    application was received, and the wrong refusal does not move that day — or, when
    materials are still missing, it waits for them."""
    check_rights(actor, lambda u: access.can_decide_review(u), "只有业务管理处或中心领导可以作出复核决定。")
    decision = decision.strip()
    if len(decision) < 4:
        raise DomainError("请写明复核意见。", code="invalid_input")
    now = now or clock.now()
    with transaction.atomic():
        case = locked(case)
        review = ReviewRequest.objects.select_for_update().filter(case=case).first()
        if review is None:
            raise InvalidTransition("本办件没有复核申请。")
        target = ReviewStatus.OVERTURNED if overturn else ReviewStatus.UPHELD
        review.decision, review.decided_at, review.decided_by = decision, now, user_or_none(actor)
        transition(
            review,
            target,
            actor=actor,
            at=now,
            fields=("decision", "decided_at", "decided_by"),
            note=decision,
            events=case.events,
            event={"kind": EventKind.REVIEW, "review": review},
            audit="cases.case.review_decide",
            summary=f"{case.receipt_no} 复核：{ReviewStatus(target).label}",
            refused=refused("复核申请", review, target),
        )
        if not overturn:
            move(
                case,
                CaseStatus.REJECTED,
                actor=actor,
                at=now,
                public_note=f"复核意见：维持不予受理。{decision}",
            )
        elif case.materials.filter(status=MaterialStatus.MISSING).exists():
            supplement = SupplementRequest.objects.select_for_update().filter(case=case).first()
            if supplement is None:
                SupplementRequest.objects.create(
                    case=case, number=f"{case.receipt_no}-B", issued_at=now, issued_by=user_or_none(actor)
                )
            elif supplement.status == SupplementStatus.CLOSED:
                supplement_move(
                    case, supplement, SupplementStatus.OPEN, actor=actor, at=now, note="复核撤销不予受理"
                )
            move(
                case,
                CaseStatus.SUPPLEMENT,
                actor=actor,
                at=now,
                public_note=f"复核意见：撤销不予受理。{decision} 请补齐补办件通知单所列材料。",
            )
        else:
            supplement = SupplementRequest.objects.filter(case=case).first()
            complete_on = local_day(supplement.completed_at) if supplement else None
            on = complete_on or case.received_on
            accept(case, actor=actor, at=now, on=on, after_supplement=complete_on is not None)
            event(
                case,
                EventKind.REVIEW,
                actor=actor,
                at=now,
                public_note=f"复核意见：撤销不予受理。{decision}",
                review=review,
            )
            reassess(case, actor=actor, now=now)
        return review
