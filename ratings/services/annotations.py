"""A rating is never changed: 业务管理处 annotates a mistaken (误评) or malicious (恶意评价)
rating with evidence, a second person approves, and the rating leaves the score with its
reason kept; the citizen may appeal, and an appeal granted by somebody who took no part
in the annotation revokes it (000 §五(五)4(1); handan-2021-window-score interpretation 3).
Decisions are moves of RatingAnnotation / RatingAppeal.TRANSITIONS through
audit.transitions.transition."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.models import User as AuthUser
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from audit.services import audit_record
from audit.transitions import transition
from common import clock
from common.actors import Actor
from common.errors import Conflict, DomainError
from ratings.models import (
    OPEN_ANNOTATION,
    AnnotationKind,
    AnnotationStatus,
    AppealStatus,
    Rating,
    RatingAnnotation,
    RatingAppeal,
)
from ratings.services._common import ANNOTATION_ROLES, clean_phone, clean_text, record_event, require_role

ANNOTATION_EXISTS = "这条评价已有待复核或已核准的批注。"


def rating_annotation_propose(
    *,
    actor: AuthUser,
    rating: Rating,
    kind: str,
    reason: str,
    evidence: str,
    evidence_file: UploadedFile | None = None,
) -> RatingAnnotation:
    """业务管理处 (or a leader) proposes to take a rating out of the score, with evidence;
    it counts until a second person approves."""
    require_role(actor, ANNOTATION_ROLES, "只有业务管理处或中心领导可以标注误评、恶意评价。")
    if kind not in AnnotationKind.values:
        raise DomainError("类型应为误评或恶意评价。", code="invalid_input", field="kind")
    reason = clean_text(reason, "理由", required=True, limit=2000)
    evidence = clean_text(evidence, "证据说明", required=True, limit=2000)
    now = clock.now()
    with transaction.atomic():
        Rating.objects.select_for_update().filter(pk=rating.pk).exists()
        if RatingAnnotation.objects.filter(rating=rating, status__in=OPEN_ANNOTATION).exists():
            raise Conflict(ANNOTATION_EXISTS, code="annotation_exists")
        try:
            with transaction.atomic():
                annotation = RatingAnnotation.objects.create(
                    rating=rating,
                    kind=kind,
                    status=AnnotationStatus.PROPOSED,
                    reason=reason,
                    evidence=evidence,
                    evidence_file=evidence_file or "",
                    proposed_by=actor,
                    proposed_at=now,
                )
        except IntegrityError:
            raise Conflict(ANNOTATION_EXISTS, code="annotation_exists") from None
        record_event(annotation, actor=actor, action="propose", from_status="", at=now, note=reason)
        audit_record(
            actor=actor,
            action="ratings.annotation.propose",
            obj=annotation,
            summary=f"{rating.service_number} 标注为{annotation.get_kind_display()}，待复核",
            changes={"kind": kind, "status": ["", annotation.status]},
        )
        return annotation


def rating_annotation_decide(
    *, actor: AuthUser, annotation: RatingAnnotation, approve: bool, note: str = ""
) -> RatingAnnotation:
    """The second person approves (the rating leaves the score) or rejects the annotation."""
    require_role(actor, ANNOTATION_ROLES, "只有业务管理处或中心领导可以复核批注。")
    note = clean_text(note, "复核意见", required=not approve, limit=2000)
    now = clock.now()
    with transaction.atomic():
        annotation = (
            RatingAnnotation.objects.select_for_update().select_related("rating").get(pk=annotation.pk)
        )
        if annotation.proposed_by_id == actor.pk:
            raise DomainError(
                "复核人不能是提出人：误评、恶意评价须经另一人复核。", code="same_person", status=403
            )
        target = AnnotationStatus.APPROVED if approve else AnnotationStatus.REJECTED
        decision = "approve" if approve else "reject"
        annotation.decided_by = actor
        annotation.decided_at = now
        annotation.decision_note = note
        transition(
            annotation,
            target,
            actor=actor,
            fields=("decided_by", "decided_at", "decision_note"),
            note=note,
            at=now,
            event={"action": decision},
            audit=f"ratings.annotation.{decision}",
            summary=(
                f"{annotation.rating.service_number} {annotation.get_kind_display()}："
                f"{AnnotationStatus(target).label}"
            ),
        )
        return annotation


def rating_appeal_submit(
    *, actor: Actor, annotation: RatingAnnotation, statement: str, contact_phone: str = "", via: str
) -> RatingAppeal:
    """The citizen appeals against their rating being taken out of the score."""
    statement = clean_text(statement, "申诉理由", required=True, limit=2000)
    phone = clean_phone(contact_phone)
    now = clock.now()
    with transaction.atomic():
        annotation = (
            RatingAnnotation.objects.select_for_update().select_related("rating").get(pk=annotation.pk)
        )
        if annotation.status != AnnotationStatus.APPROVED:
            raise Conflict("这条评价没有被核销，无需申诉。", code="nothing_to_appeal")
        if RatingAppeal.objects.filter(annotation=annotation).exists():
            raise Conflict("已经提出过申诉，请等待处理结果。", code="appeal_exists")
        appeal = RatingAppeal.objects.create(
            annotation=annotation,
            statement=statement,
            contact_phone=phone,
            submitted_at=now,
            submitted_via=via[:40],
        )
        record_event(appeal, actor=actor, action="submit", from_status="", at=now)
        audit_record(
            actor=actor if isinstance(actor, (str, AbstractBaseUser)) else "citizen",
            action="ratings.appeal.submit",
            obj=appeal,
            summary=f"{annotation.rating.service_number} 评价人对核销提出申诉（{via}）",
        )
        return appeal


def rating_appeal_decide(*, actor: AuthUser, appeal: RatingAppeal, grant: bool, note: str) -> RatingAppeal:
    """Decide an appeal: granted → the annotation is revoked and the rating counts again.
    The decider took no part in the annotation (neither proposer nor approver)."""
    require_role(actor, ANNOTATION_ROLES, "只有业务管理处或中心领导可以处理申诉。")
    note = clean_text(note, "处理意见", required=True, limit=2000)
    now = clock.now()
    with transaction.atomic():
        appeal = (
            RatingAppeal.objects.select_for_update().select_related("annotation__rating").get(pk=appeal.pk)
        )
        annotation = appeal.annotation
        if actor.pk in (annotation.proposed_by_id, annotation.decided_by_id):
            raise DomainError("申诉须由未参与核销的人员处理。", code="same_person", status=403)
        target = AppealStatus.GRANTED if grant else AppealStatus.DISMISSED
        appeal.decided_by = actor
        appeal.decided_at = now
        appeal.decision_note = note
        transition(
            appeal,
            target,
            actor=actor,
            fields=("decided_by", "decided_at", "decision_note"),
            note=note,
            at=now,
            event={"action": "decide"},
            audit=f"ratings.appeal.{'grant' if grant else 'dismiss'}",
            summary=f"{annotation.rating.service_number} 申诉{AppealStatus(target).label}",
        )
        if grant:
            transition(
                annotation,
                AnnotationStatus.REVOKED,
                actor=actor,
                note=f"申诉成立：{note}",
                at=now,
                event={"action": "revoke"},
                audit="ratings.annotation.revoke",
                summary=(
                    f"{annotation.rating.service_number} {annotation.get_kind_display()}："
                    f"{AnnotationStatus.REVOKED.label}"
                ),
            )
        return appeal
