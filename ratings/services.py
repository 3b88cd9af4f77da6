"""Every write of the ratings app. Each service is keyword-only, runs in one transaction
and writes its event row and its audit event there.

* Tokens are minted in the transaction that completes a visit (queueing calls
  `ticket_completed`) or a case (cases calls `case_completed`).
* `rating_submit` makes the one rating of a service; the unique constraint on the service
  refuses a second one, also when two arrive at once (409 `already_rated`). A bad rating
  opens a follow-up in the same transaction.
* A rating is never changed: it is annotated (误评/恶意评价, proposer + a second approver)
  and the citizen may appeal.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac

from audit.services import audit_record
from common import clock
from common.errors import Conflict, DomainError
from common.identity import mask_phone, validate_landline, validate_mobile
from common.request import without_client_address
from org.access import has_role
from org.models import Category, Department, Rank, Role, Staff
from ratings import conf
from ratings.models import (
    OPEN_ANNOTATION,
    AnnotationEvent,
    AnnotationKind,
    AnnotationStatus,
    AppealEvent,
    AppealStatus,
    BadReason,
    CallbackEvent,
    CallbackStatus,
    CallOutcome,
    ContactMethod,
    FollowUp,
    FollowUpEvent,
    FollowUpStatus,
    HotlineCallback,
    PushBatch,
    PushItem,
    PushStatus,
    RaterType,
    Rating,
    RatingAnnotation,
    RatingAppeal,
    RatingChannel,
    RatingToken,
    Satisfaction,
    SatisfactionLevel,
    ServiceKind,
    SurveyKind,
    SurveyResponse,
    SurveyRound,
    SurveyRoundEvent,
    SurveyStatus,
    SurveyTarget,
    Verdict,
)
from rules.models import RuleKind
from rules.selectors import NoRulesInForce, rules_in_force
from workdays.calendar import CalendarNotPublished, add_workdays

if TYPE_CHECKING:
    from cases.models import Case
    from queueing.models import Ticket

logger = logging.getLogger(__name__)

Actor = AbstractBaseUser | AnonymousUser | str | None

# Who may mark a rating mistaken/malicious, approve that, and decide an appeal.
ANNOTATION_ROLES = (Role.OFFICE, Role.LEADER)
COMMENT_MAX = 500


class AlreadyRated(Conflict):
    code = "already_rated"


class TokenExpired(DomainError):
    code = "token_expired"
    status = 410


class TokenInvalid(DomainError):
    code = "token_invalid"
    status = 404


# ---------------------------------------------------------------------------------------
# Helpers


def _actor_user_and_label(actor: Actor) -> tuple[Any, str]:
    if isinstance(actor, str):
        return None, actor
    if actor is None or isinstance(actor, AnonymousUser) or not actor.is_authenticated:
        return None, "匿名"
    return actor, actor.get_username()


def _check_transition(
    kind: str, transitions: Mapping[str, frozenset[str]], current: str, target: str, labels: Any
) -> None:
    if target not in transitions.get(current, frozenset()):
        raise Conflict(
            f"{kind}当前为“{labels(current).label}”，不能改为“{labels(target).label}”。",
            code="invalid_transition",
        )


def _event(
    model: Any,
    *,
    actor: Actor,
    action: str,
    from_status: str,
    to_status: str,
    at: datetime,
    note: str = "",
    **fk: Any,
) -> Any:
    user, label = _actor_user_and_label(actor)
    return model.objects.create(
        action=action,
        from_status=from_status,
        to_status=to_status,
        at=at,
        actor=user,
        actor_label=label[:100],
        note=note,
        **fk,
    )


def _clean_text(value: str, field: str, *, required: bool = False, limit: int | None = None) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(f"请填写{field}。", code="invalid_input", field=field)
    if limit is not None and len(text) > limit:
        raise DomainError(
            f"{field}不能超过{limit}个字（现为{len(text)}个字）。", code="invalid_input", field=field
        )
    return text


def person_phone(value: str) -> str:
    """A citizen's mobile or landline (not a service line such as 12329), normalised;
    ValidationError with the reason otherwise."""
    text = (value or "").strip()
    try:
        return validate_mobile(text)
    except ValidationError:
        try:
            return validate_landline(text)
        except ValidationError:
            raise ValidationError(
                "电话号码格式不正确：手机为11位数字，固定电话需带区号（如 0310-1234567）。", code="phone"
            ) from None


def _clean_phone(value: str, field: str = "联系电话") -> str:
    text = (value or "").strip()
    if not text:
        return ""
    try:
        return person_phone(text)
    except ValidationError as exc:
        raise DomainError(f"{field}：{exc.messages[0]}", code="invalid_input", field=field) from None


def _staff_of(actor: Actor) -> Staff | None:
    if isinstance(actor, str) or actor is None or not actor.is_authenticated:
        return None
    return getattr(actor, "staff", None)


def _require_roles(actor: Actor, roles: Iterable[Role], message: str) -> AuthUser:
    if isinstance(actor, str) or actor is None or not actor.is_authenticated or not has_role(actor, *roles):
        raise PermissionDenied(message)
    return actor  # type: ignore[return-value]


def visit_number(ticket: Ticket) -> str:
    """The number of a service visit for exports: branch, date and ticket number."""
    return f"{ticket.branch.code}-{ticket.service_date:%Y%m%d}-{ticket.display_number}"


def _department_of(staff: Staff | None, branch_id: int) -> Department | None:
    if staff is not None and staff.department_id:
        return staff.department
    return Department.objects.filter(branch_id=branch_id, is_active=True).order_by("code").first()


# ---------------------------------------------------------------------------------------
# Tokens: minted when a service is completed


def _new_token() -> str:
    return secrets.token_urlsafe(24)


def rating_tokens_mint_for_ticket(*, ticket: Ticket, at: datetime) -> dict[str, RatingToken]:
    """The counter token (the evaluator asks for `RATINGS_EVALUATOR_TIMEOUT_SECONDS`) and
    the QR token (the slip's QR code, `RATINGS_QR_DAYS` days) of a completed visit. Runs
    inside the completion's transaction; idempotent."""
    tokens: dict[str, RatingToken] = {}
    lifetimes = {
        RatingChannel.COUNTER: timedelta(seconds=conf.evaluator_timeout_seconds()),
        RatingChannel.QR: timedelta(days=conf.qr_days()),
    }
    for channel, lifetime in lifetimes.items():
        token, _ = RatingToken.objects.get_or_create(
            ticket=ticket,
            channel=channel,
            defaults={
                "token": _new_token(),
                "service_kind": ServiceKind.VISIT,
                "branch_id": ticket.branch_id,
                "window_id": ticket.window_id,
                "created_at": at,
                "expires_at": at + lifetime,
            },
        )
        tokens[channel] = token
    return tokens


def rating_token_mint_for_case(*, case: Case, at: datetime | None = None) -> RatingToken:
    """The online token of a completed case (一事一评): the case query page and the notices'
    QR code rate it within `RATINGS_QR_DAYS` days. Idempotent."""
    at = at or clock.now()
    token, _ = RatingToken.objects.get_or_create(
        case=case,
        channel=RatingChannel.ONLINE,
        defaults={
            "token": _new_token(),
            "service_kind": ServiceKind.CASE,
            "branch_id": case.branch_id,
            "window_id": case.window_id,
            "created_at": at,
            "expires_at": at + timedelta(days=conf.qr_days()),
        },
    )
    return token


def ticket_completed(*, ticket: Ticket, at: datetime) -> dict[str, RatingToken]:
    """The queue's completion hook (queueing.services.ticket_complete calls it inside its
    transaction): mint the rating tokens and, for withdrawal and loan visits, put a 12329
    callback on the hotline list (004 §五 一)."""
    tokens = rating_tokens_mint_for_ticket(ticket=ticket, at=at)
    try:
        callback_create_for_ticket(actor="system:queue", ticket=ticket, at=at)
    except NoRulesInForce:
        # The hall keeps working; the missing rule set is an administrator's task.
        logger.warning("no hotline_callback rules in force: no 12329 callback for ticket %s", ticket.pk)
    return tokens


def case_completed(*, case: Case, at: datetime | None = None) -> RatingToken:
    """For the cases app to call in the transaction that completes a case (办结): mint the
    online rating token and create the 12329 callback of a withdrawal or loan case."""
    token = rating_token_mint_for_case(case=case, at=at)
    try:
        callback_create_for_case(actor="system:cases", case=case, at=at)
    except NoRulesInForce:
        logger.warning("no hotline_callback rules in force: no 12329 callback for case %s", case.pk)
    return token


# ---------------------------------------------------------------------------------------
# Ratings


def rating_token_lookup(
    token: str, *, now: datetime | None = None, allow_expired: bool = False
) -> RatingToken:
    """The token row, or TokenInvalid (404: forged or mistyped) / TokenExpired (410)."""
    if not token or len(token) > 64:
        raise TokenInvalid("评价链接无效，请核对后重试，或扫描小票、通知单上的二维码。")
    row = (
        RatingToken.objects.select_related(
            "ticket__branch", "ticket__window", "ticket__staff__department", "branch__centre", "window"
        )
        .filter(token=token)
        .first()
    )
    if row is None:
        raise TokenInvalid("评价链接无效，请核对后重试，或扫描小票、通知单上的二维码。")
    now = now or clock.now()
    if not allow_expired and row.expires_at <= now:
        raise TokenExpired(
            f"评价已超过有效期（{clock.local(row.expires_at):%Y-%m-%d %H:%M}），本次服务未评价。"
            "如对服务有意见，请拨打 12329 或通过“我要投诉”反映。"
        )
    return row


def _service_of(token: RatingToken) -> dict[str, Any]:
    """What a rating copies from the service it rates."""
    if token.ticket_id is not None:
        ticket = token.ticket
        assert ticket is not None
        case = ticket.cases.select_related("matter", "version").order_by("pk").first()
        return {
            "service_kind": ServiceKind.VISIT,
            "ticket": ticket,
            "branch_id": ticket.branch_id,
            "window_id": ticket.window_id,
            "staff": ticket.staff,
            "department": _department_of(ticket.staff, ticket.branch_id),
            "matter": case.matter if case is not None else None,
            "matter_name": case.version.name if case is not None else "",
            "category": ticket.category,
            "service_number": visit_number(ticket),
            "accepted_at": ticket.started_at or ticket.called_at,
            "completed_at": ticket.finished_at,
            "rater_type": RaterType.PERSON,
        }
    case = token.case
    assert case is not None
    staff = case.first_responsible
    return {
        "service_kind": ServiceKind.CASE,
        "case": case,
        "branch_id": case.branch_id,
        "window_id": case.window_id,
        "staff": staff,
        "department": case.department or _department_of(staff, case.branch_id),
        "matter": case.matter,
        "matter_name": case.version.name,
        "category": case.matter.category,
        "service_number": case.receipt_no,
        "accepted_at": case.accepted_at or case.received_at,
        "completed_at": case.decided_at,
        "rater_type": RaterType.EMPLOYER if case.applicant_kind == RaterType.EMPLOYER else RaterType.PERSON,
    }


def _already_rated(token: RatingToken) -> bool:
    if token.ticket_id is not None:
        return Rating.objects.filter(ticket_id=token.ticket_id).exists()
    if token.case_id is not None:
        return Rating.objects.filter(case_id=token.case_id).exists()
    return False


ALREADY_RATED_MESSAGE = "本次服务已经评价过了，一次服务只能评价一次。感谢您的评价！"


def rating_submit(
    *,
    actor: Actor,
    token: str,
    level: int,
    reasons: Iterable[str] = (),
    comment: str = "",
    contact_phone: str = "",
    rater_type: str | None = None,
    client_ip: str | None = None,
) -> Rating:
    """The citizen's rating of the service the token is bound to (一次一评、一事一评).

    Refused: a forged token (404 token_invalid), an expired one (410 token_expired), a
    service already rated (409 already_rated — also for two at once: the unique constraint
    decides), a level outside 1–5, reasons on a good rating, 其他 without a comment, and a
    member of staff signed in (nobody rates on a citizen's behalf: 403 staff_cannot_rate).
    A bad rating opens its follow-up in the same transaction."""
    if _staff_of(actor) is not None:
        raise DomainError(
            "工作人员不能代替办事职工评价。请让办事职工本人在评价器或手机上评价。",
            code="staff_cannot_rate",
            status=403,
        )
    if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 5:
        raise DomainError(
            "评价等级应为 1–5（5 非常满意 … 1 非常不满意）。", code="invalid_input", field="level"
        )
    reason_list = list(dict.fromkeys(reasons))
    unknown = [r for r in reason_list if r not in BadReason.values]
    if unknown:
        raise DomainError(
            f"差评原因“{'、'.join(unknown)}”无效；可选："
            + "、".join(f"{c.value} {c.label}" for c in BadReason),
            code="invalid_input",
            field="reasons",
        )
    comment = _clean_text(comment, "意见建议", limit=COMMENT_MAX)
    phone = _clean_phone(contact_phone)
    if rater_type is not None and rater_type not in RaterType.values:
        raise DomainError(
            "评价人类型应为 person（个人）或 employer（单位）。", code="invalid_input", field="rater_type"
        )
    now = clock.now()
    today = clock.local_date(now)

    with transaction.atomic():
        row = rating_token_lookup(token, now=now)
        if _already_rated(row):
            raise AlreadyRated(ALREADY_RATED_MESSAGE)
        rules = rules_in_force(RuleKind.WINDOW_SCORE, today)
        level_row = next(lv for lv in rules.params.levels if lv.level == level)
        if reason_list and not level_row.bad:
            raise DomainError(
                "只有差评（不满意、非常不满意）需要选择原因。", code="invalid_input", field="reasons"
            )
        if BadReason.OTHER in reason_list and not comment:
            raise DomainError("选择“其他”原因时，请简要写明意见。", code="invalid_input", field="comment")
        service = _service_of(row)
        service_rater_type = service.pop("rater_type")
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    token=row,
                    channel=row.channel,
                    level=level,
                    level_label=level_row.label,
                    is_bad=level_row.bad,
                    reasons=reason_list,
                    comment=comment,
                    contact_phone=phone,
                    rater_type=rater_type or service_rater_type,
                    rated_at=now,
                    rated_on=today,
                    rules_ref=rules.ref,
                    client_ip=client_ip,
                    **service,
                )
        except IntegrityError as exc:
            if "rating_one_per" in str(exc) or "UNIQUE" in str(exc).upper():
                raise AlreadyRated(ALREADY_RATED_MESSAGE) from None
            raise
        audit_record(
            actor=actor if not isinstance(actor, AnonymousUser) else f"citizen:{row.get_channel_display()}",
            action="ratings.rating.create",
            obj=rating,
            summary=f"{rating.service_number} {row.get_channel_display()}：{level_row.label}",
            changes={"level": level, "channel": row.channel, "bad": level_row.bad},
        )
        if level_row.bad:
            follow_up_open(rating=rating, at=now)
        return rating


# ---------------------------------------------------------------------------------------
# Annotation (误评/恶意评价) and appeal


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
    _require_roles(actor, ANNOTATION_ROLES, "只有业务管理处或中心领导可以标注误评、恶意评价。")
    if kind not in AnnotationKind.values:
        raise DomainError("类型应为误评或恶意评价。", code="invalid_input", field="kind")
    reason = _clean_text(reason, "理由", required=True, limit=2000)
    evidence = _clean_text(evidence, "证据说明", required=True, limit=2000)
    now = clock.now()
    with transaction.atomic():
        Rating.objects.select_for_update().filter(pk=rating.pk).exists()
        if RatingAnnotation.objects.filter(rating=rating, status__in=OPEN_ANNOTATION).exists():
            raise Conflict("这条评价已有待复核或已核准的批注。", code="annotation_exists")
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
            raise Conflict("这条评价已有待复核或已核准的批注。", code="annotation_exists") from None
        _event(
            AnnotationEvent,
            annotation=annotation,
            actor=actor,
            action="propose",
            from_status="",
            to_status=annotation.status,
            at=now,
            note=reason,
        )
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
    _require_roles(actor, ANNOTATION_ROLES, "只有业务管理处或中心领导可以复核批注。")
    note = _clean_text(note, "复核意见", required=not approve, limit=2000)
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
        _check_transition("批注", annotation.TRANSITIONS, annotation.status, target, AnnotationStatus)
        previous = annotation.status
        annotation.status = target
        annotation.decided_by = actor
        annotation.decided_at = now
        annotation.decision_note = note
        annotation.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        _event(
            AnnotationEvent,
            annotation=annotation,
            actor=actor,
            action="approve" if approve else "reject",
            from_status=previous,
            to_status=target,
            at=now,
            note=note,
        )
        audit_record(
            actor=actor,
            action=f"ratings.annotation.{'approve' if approve else 'reject'}",
            obj=annotation,
            summary=(
                f"{annotation.rating.service_number} {annotation.get_kind_display()}："
                f"{annotation.get_status_display()}"
            ),
            changes={"status": [previous, target]},
        )
        return annotation


def rating_appeal_submit(
    *, actor: Actor, annotation: RatingAnnotation, statement: str, contact_phone: str = "", via: str
) -> RatingAppeal:
    """The citizen appeals against their rating being taken out of the score."""
    statement = _clean_text(statement, "申诉理由", required=True, limit=2000)
    phone = _clean_phone(contact_phone)
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
        _event(
            AppealEvent,
            appeal=appeal,
            actor=actor,
            action="submit",
            from_status="",
            to_status=appeal.status,
            at=now,
        )
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
    _require_roles(actor, ANNOTATION_ROLES, "只有业务管理处或中心领导可以处理申诉。")
    note = _clean_text(note, "处理意见", required=True, limit=2000)
    now = clock.now()
    with transaction.atomic():
        appeal = (
            RatingAppeal.objects.select_for_update().select_related("annotation__rating").get(pk=appeal.pk)
        )
        annotation = appeal.annotation
        if actor.pk in (annotation.proposed_by_id, annotation.decided_by_id):
            raise DomainError("申诉须由未参与核销的人员处理。", code="same_person", status=403)
        target = AppealStatus.GRANTED if grant else AppealStatus.DISMISSED
        _check_transition("申诉", appeal.TRANSITIONS, appeal.status, target, AppealStatus)
        previous = appeal.status
        appeal.status = target
        appeal.decided_by = actor
        appeal.decided_at = now
        appeal.decision_note = note
        appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        _event(
            AppealEvent,
            appeal=appeal,
            actor=actor,
            action="decide",
            from_status=previous,
            to_status=target,
            at=now,
            note=note,
        )
        if grant:
            _check_transition(
                "批注", annotation.TRANSITIONS, annotation.status, AnnotationStatus.REVOKED, AnnotationStatus
            )
            annotation.status = AnnotationStatus.REVOKED
            annotation.save(update_fields=["status"])
            _event(
                AnnotationEvent,
                annotation=annotation,
                actor=actor,
                action="revoke",
                from_status=AnnotationStatus.APPROVED,
                to_status=AnnotationStatus.REVOKED,
                at=now,
                note=f"申诉成立：{note}",
            )
        audit_record(
            actor=actor,
            action=f"ratings.appeal.{'grant' if grant else 'dismiss'}",
            obj=appeal,
            summary=f"{annotation.rating.service_number} 申诉{appeal.get_status_display()}",
            changes={"status": [previous, target]},
        )
        return appeal


# ---------------------------------------------------------------------------------------
# 差评 follow-up


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
        _event(
            FollowUpEvent,
            follow_up=follow_up,
            actor="system",
            action="open",
            from_status="",
            to_status=follow_up.status,
            at=at,
            note=follow_up.problem,
        )
        audit_record(
            actor="system",
            action="ratings.follow_up.open",
            obj=follow_up,
            summary=f"{follow_up.source_label}差评回访：{follow_up.problem}"[:500],
            changes={"contact_due": str(follow_up.contact_due), "rectify_due": str(follow_up.rectify_due)},
        )
        return follow_up


def _follow_up_move(
    follow_up: FollowUp,
    target: str,
    *,
    actor: Actor,
    action: str,
    at: datetime,
    fields: dict[str, Any],
    note: str = "",
) -> FollowUp:
    _check_transition("差评回访", follow_up.TRANSITIONS, follow_up.status, target, FollowUpStatus)
    previous = follow_up.status
    follow_up.status = target
    for name, value in fields.items():
        setattr(follow_up, name, value)
    follow_up.save(update_fields=["status", *fields])
    _event(
        FollowUpEvent,
        follow_up=follow_up,
        actor=actor,
        action=action,
        from_status=previous,
        to_status=target,
        at=at,
        note=note,
    )
    audit_record(
        actor=actor,
        action=f"ratings.follow_up.{action}",
        obj=follow_up,
        summary=f"差评回访 {follow_up.pk}：{FollowUpStatus(previous).label} → {FollowUpStatus(target).label}",
        changes={"status": [previous, target]},
    )
    return follow_up


def _locked_follow_up(follow_up: FollowUp) -> FollowUp:
    return FollowUp.objects.select_for_update().get(pk=follow_up.pk)


def follow_up_contact(*, actor: AuthUser, follow_up: FollowUp, method: str, note: str) -> FollowUp:
    """The citizen was contacted (or could not be: the attempt is recorded)."""
    if method not in ContactMethod.values:
        raise DomainError("请选择联系方式。", code="invalid_input", field="method")
    note = _clean_text(note, "联系情况", required=True, limit=2000)
    now = clock.now()
    with transaction.atomic():
        locked = _locked_follow_up(follow_up)
        return _follow_up_move(
            locked,
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
    finding = _clean_text(finding, "核实情况", required=True, limit=2000)
    rectification = _clean_text(rectification, "整改措施", required=True, limit=2000)
    public_summary = _clean_text(public_summary, "公开说明", required=True, limit=300)
    now = clock.now()
    with transaction.atomic():
        locked = _locked_follow_up(follow_up)
        return _follow_up_move(
            locked,
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
    finding = _clean_text(finding, "核实情况", required=True, limit=2000)
    now = clock.now()
    with transaction.atomic():
        locked = _locked_follow_up(follow_up)
        return _follow_up_move(
            locked,
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
    note = _clean_text(note, "回访说明", required=satisfaction == Satisfaction.DISSATISFIED, limit=2000)
    now = clock.now()
    with transaction.atomic():
        locked = _locked_follow_up(follow_up)
        return _follow_up_move(
            locked,
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
            _event(
                FollowUpEvent,
                follow_up=follow_up,
                actor=actor,
                action="deadlines",
                from_status=follow_up.status,
                to_status=follow_up.status,
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


# ---------------------------------------------------------------------------------------
# 12329 callbacks


def _callback_create(*, actor: Actor, at: datetime, rules_ref: str, **fields: Any) -> HotlineCallback:
    callback = HotlineCallback.objects.create(created_at=at, rules_ref=rules_ref, **fields)
    _event(
        CallbackEvent,
        callback=callback,
        actor=actor,
        action="create",
        from_status="",
        to_status=callback.status,
        at=at,
    )
    audit_record(
        actor=actor,
        action="ratings.callback.create",
        obj=callback,
        summary=f"12329回访任务 {callback.service_number}（{Category(callback.category).label}）",
    )
    return callback


def callback_create_for_ticket(
    *, actor: Actor, ticket: Ticket, phone: str = "", at: datetime | None = None
) -> HotlineCallback | None:
    """A 12329 callback for a completed visit of a category the rule set calls back
    (withdrawal and loan, 004 §五 一). None for other categories; the existing one if any.
    The phone comes from the visit's appointment when it was booked online; otherwise the
    operator enters it from the core business system before calling."""
    from queueing.models import TicketStatus

    at = at or clock.now()
    rules = rules_in_force(RuleKind.HOTLINE_CALLBACK, clock.local_date(ticket.finished_at or at))
    if ticket.category not in rules.params.categories:
        return None
    if ticket.status != TicketStatus.DONE:
        raise Conflict("只有已办结的服务才能回访。", code="not_completed")
    existing = HotlineCallback.objects.filter(ticket=ticket).first()
    if existing is not None:
        return existing
    appointment = getattr(ticket, "appointment", None)
    phone = _clean_phone(phone) or (appointment.mobile if appointment is not None else "")
    finished = ticket.finished_at or at
    case = ticket.cases.select_related("matter", "version").order_by("pk").first()
    with transaction.atomic():
        return _callback_create(
            actor=actor,
            at=at,
            rules_ref=rules.ref,
            service_kind=ServiceKind.VISIT,
            ticket=ticket,
            branch_id=ticket.branch_id,
            window_id=ticket.window_id,
            staff_id=ticket.staff_id,
            matter=case.matter if case is not None else None,
            matter_name=case.version.name if case is not None else "",
            category=ticket.category,
            service_number=visit_number(ticket),
            citizen_name=appointment.name if appointment is not None else "",
            phone=phone,
            service_completed_at=finished,
            service_on=clock.local_date(finished),
        )


def callback_create_for_case(
    *, actor: Actor = "system:cases", case: Case, at: datetime | None = None
) -> HotlineCallback | None:
    """A 12329 callback for a completed withdrawal or loan case (004 §五 一: every one).
    The cases app calls this (through `case_completed`) when a case is completed."""
    at = at or clock.now()
    finished = case.decided_at or at
    rules = rules_in_force(RuleKind.HOTLINE_CALLBACK, clock.local_date(finished))
    if case.matter.category not in rules.params.categories:
        return None
    existing = HotlineCallback.objects.filter(case=case).first()
    if existing is not None:
        return existing
    phone = ""
    for candidate in (case.agent_phone, case.applicant_phone):
        try:
            phone = _clean_phone(candidate)
        except DomainError:
            continue
        if phone:
            break
    with transaction.atomic():
        return _callback_create(
            actor=actor,
            at=at,
            rules_ref=rules.ref,
            service_kind=ServiceKind.CASE,
            case=case,
            branch_id=case.branch_id,
            window_id=case.window_id,
            staff_id=case.first_responsible_id,
            matter=case.matter,
            matter_name=case.version.name,
            category=case.matter.category,
            service_number=case.receipt_no,
            citizen_name=case.contact_name,
            phone=phone,
            service_completed_at=finished,
            service_on=clock.local_date(finished),
        )


def _locked_callback(callback: HotlineCallback) -> HotlineCallback:
    return HotlineCallback.objects.select_for_update().get(pk=callback.pk)


def callback_phone_set(*, actor: AuthUser, callback: HotlineCallback, phone: str) -> HotlineCallback:
    phone = _clean_phone(phone, "联系电话")
    if not phone:
        raise DomainError("请填写联系电话。", code="invalid_input", field="phone")
    now = clock.now()
    with transaction.atomic():
        locked = _locked_callback(callback)
        if locked.status != CallbackStatus.PENDING:
            raise Conflict("回访已结束，不能再修改电话。", code="invalid_transition")
        before = locked.phone
        locked.phone = phone
        locked.save(update_fields=["phone"])
        _event(
            CallbackEvent,
            callback=locked,
            actor=actor,
            action="phone",
            from_status=locked.status,
            to_status=locked.status,
            at=now,
            note=f"联系电话 {mask_phone(phone)}",
        )
        audit_record(
            actor=actor,
            action="ratings.callback.phone",
            obj=locked,
            summary=f"12329回访 {locked.service_number} 登记联系电话",
            changes={"phone": [mask_phone(before) if before else "", mask_phone(phone)]},
        )
        return locked


def callback_phone_reveal(*, actor: AuthUser, callback: HotlineCallback) -> str:
    """The full phone number, shown only to the operator who opens the task; each showing
    is recorded."""
    if not callback.phone:
        return ""
    now = clock.now()
    with transaction.atomic():
        _event(
            CallbackEvent,
            callback=callback,
            actor=actor,
            action="reveal",
            from_status=callback.status,
            to_status=callback.status,
            at=now,
            note="查看联系电话",
        )
        audit_record(
            actor=actor,
            action="ratings.callback.reveal",
            obj=callback,
            summary=f"查看12329回访 {callback.service_number} 的联系电话",
        )
    return callback.phone


def callback_attempt(
    *, actor: AuthUser, callback: HotlineCallback, outcome: str, note: str = ""
) -> HotlineCallback:
    """A call that did not produce answers: not reached (stays on the list) or refused."""
    if outcome not in (CallOutcome.NOT_REACHED, CallOutcome.REFUSED):
        raise DomainError("接通后请填写回访内容。", code="invalid_input", field="outcome")
    note = _clean_text(note, "说明", limit=500)
    now = clock.now()
    with transaction.atomic():
        locked = _locked_callback(callback)
        if not locked.phone:
            raise Conflict("请先登记联系电话再拨打。", code="no_phone")
        target = CallbackStatus.PENDING if outcome == CallOutcome.NOT_REACHED else CallbackStatus.REFUSED
        _check_transition("回访", locked.TRANSITIONS, locked.status, target, CallbackStatus)
        previous = locked.status
        locked.status = target
        locked.attempts += 1
        locked.operator = actor
        locked.save(update_fields=["status", "attempts", "operator"])
        _event(
            CallbackEvent,
            callback=locked,
            actor=actor,
            action="call",
            from_status=previous,
            to_status=target,
            at=now,
            note=note,
            outcome=outcome,
        )
        audit_record(
            actor=actor,
            action="ratings.callback.call",
            obj=locked,
            summary=f"12329回访 {locked.service_number} 第{locked.attempts}次拨打："
            f"{CallOutcome(outcome).label}",
            changes={"status": [previous, target], "outcome": outcome},
        )
        return locked


def callback_record(
    *,
    actor: AuthUser,
    callback: HotlineCallback,
    attitude: str,
    efficiency: str,
    ran_back: bool,
    favours: bool,
    dissatisfied_reason: str = "",
    comments: str = "",
) -> HotlineCallback:
    """The citizen was reached and answered (004 §五 一): attitude and efficiency, 跑回头路,
    索拿卡要, comments. An unsatisfied answer or a “yes” opens a follow-up."""
    for field, value in (("服务态度", attitude), ("办事效率", efficiency)):
        if value not in SatisfactionLevel.values:
            raise DomainError(f"请选择{field}：非常满意、满意或不满意。", code="invalid_input", field=field)
    now = clock.now()
    with transaction.atomic():
        locked = _locked_callback(callback)
        rules = rules_in_force(RuleKind.HOTLINE_CALLBACK, locked.service_on)
        needs_reason = any(level in rules.params.reason_required_levels for level in (attitude, efficiency))
        dissatisfied_reason = _clean_text(
            dissatisfied_reason, "不满意的具体事项", required=needs_reason, limit=2000
        )
        comments = _clean_text(comments, "意见建议", limit=2000)
        if not locked.phone:
            raise Conflict("请先登记联系电话再拨打。", code="no_phone")
        _check_transition("回访", locked.TRANSITIONS, locked.status, CallbackStatus.COMPLETED, CallbackStatus)
        previous = locked.status
        locked.status = CallbackStatus.COMPLETED
        locked.attempts += 1
        locked.attitude = attitude
        locked.efficiency = efficiency
        locked.ran_back = bool(ran_back)
        locked.favours = bool(favours)
        locked.dissatisfied_reason = dissatisfied_reason
        locked.comments = comments
        locked.answered_at = now
        locked.operator = actor
        locked.save(
            update_fields=[
                "status",
                "attempts",
                "attitude",
                "efficiency",
                "ran_back",
                "favours",
                "dissatisfied_reason",
                "comments",
                "answered_at",
                "operator",
            ]
        )
        _event(
            CallbackEvent,
            callback=locked,
            actor=actor,
            action="answer",
            from_status=previous,
            to_status=locked.status,
            at=now,
            outcome=CallOutcome.REACHED,
            note=f"服务态度{SatisfactionLevel(attitude).label}，办事效率{SatisfactionLevel(efficiency).label}"
            f"，跑回头路：{'是' if ran_back else '否'}，索拿卡要：{'是' if favours else '否'}",
        )
        audit_record(
            actor=actor,
            action="ratings.callback.answer",
            obj=locked,
            summary=f"12329回访 {locked.service_number} 已回访",
            changes={"status": [previous, locked.status], "attitude": attitude, "efficiency": efficiency},
        )
        if locked.needs_follow_up:
            follow_up_open(callback=locked, at=now)
        return locked


def callback_close_unreachable(*, actor: AuthUser, callback: HotlineCallback, note: str) -> HotlineCallback:
    """Give up after unanswered calls (at least one attempt is required)."""
    note = _clean_text(note, "说明", required=True, limit=500)
    now = clock.now()
    with transaction.atomic():
        locked = _locked_callback(callback)
        if locked.attempts == 0:
            raise Conflict("至少拨打一次后才能以“无法联系”结束回访。", code="no_attempt")
        _check_transition(
            "回访", locked.TRANSITIONS, locked.status, CallbackStatus.UNREACHABLE, CallbackStatus
        )
        previous = locked.status
        locked.status = CallbackStatus.UNREACHABLE
        locked.save(update_fields=["status"])
        _event(
            CallbackEvent,
            callback=locked,
            actor=actor,
            action="close",
            from_status=previous,
            to_status=locked.status,
            at=now,
            note=note,
        )
        audit_record(
            actor=actor,
            action="ratings.callback.close",
            obj=locked,
            summary=f"12329回访 {locked.service_number} 无法联系，结束",
            changes={"status": [previous, locked.status]},
        )
        return locked


# ---------------------------------------------------------------------------------------
# Internal surveys (004 §五 二、三)

BRANCH_RATER_ROLES = (Role.GUIDE, Role.TELLER, Role.HEAD)
MANAGER_MIN_RANK = Rank.SECTION_DEPUTY


def survey_default_targets(kind: str) -> list[dict[str, Any]]:
    """二: the centre's departments (处室 not tied to a branch) are rated by the branches;
    三: the leadership (staff holding the 中心领导 role) by the managers."""
    if kind == SurveyKind.BRANCH_RATES_DEPARTMENT:
        return [
            {"department": d, "label": d.name}
            for d in Department.objects.filter(is_active=True, branch__isnull=True).order_by("code")
        ]
    leaders = Staff.objects.filter(is_active=True, user__groups__name=Role.LEADER.label).distinct()
    return [
        {"leader": s, "label": f"{s.name}（{s.title or s.get_rank_display()}）"}
        for s in leaders.order_by("-rank", "staff_no")
    ]


def survey_may_rate(staff: Staff, kind: str) -> bool:
    """004 §五 二: 网点工作人员 (guides, tellers, heads of a branch); 三: 副科级以上管理人员."""
    if not staff.is_active:
        return False
    if kind == SurveyKind.BRANCH_RATES_DEPARTMENT:
        return staff.branch_id is not None and has_role(staff.user, *BRANCH_RATER_ROLES)
    return staff.rank >= MANAGER_MIN_RANK


def survey_round_open(
    *, actor: AuthUser, kind: str, month: date, targets: list[dict[str, Any]] | None = None
) -> SurveyRound:
    """Open the month's round of a survey with its targets (by default all departments or
    all leaders)."""
    _require_roles(actor, (Role.OFFICE, Role.ADMIN), "只有业务管理处可以发起满意度测评。")
    if kind not in SurveyKind.values:
        raise DomainError("测评类型无效。", code="invalid_input", field="kind")
    month = month.replace(day=1)
    from ratings.selectors import survey_month_end

    rules = rules_in_force(RuleKind.HOTLINE_CALLBACK, survey_month_end(month))
    if not any(s.code == kind for s in rules.params.surveys):
        raise DomainError(
            f"规则集 {rules.ref} 没有规定“{SurveyKind(kind).label}”。", code="no_rules_in_force", status=409
        )
    chosen = targets if targets is not None else survey_default_targets(kind)
    if not chosen:
        raise DomainError("没有可测评的对象（科室或班子成员）。", code="no_targets")
    now = clock.now()
    with transaction.atomic():
        if SurveyRound.objects.filter(kind=kind, month=month).exists():
            raise Conflict(f"{month:%Y年%m月}的“{SurveyKind(kind).label}”已经发起。", code="round_exists")
        try:
            with transaction.atomic():
                survey_round = SurveyRound.objects.create(
                    kind=kind, month=month, rules_ref=rules.ref, opened_at=now, opened_by=actor
                )
        except IntegrityError:
            raise Conflict(
                f"{month:%Y年%m月}的“{SurveyKind(kind).label}”已经发起。", code="round_exists"
            ) from None
        for order, target in enumerate(chosen):
            SurveyTarget.objects.create(round=survey_round, order=order, **target)
        _event(
            SurveyRoundEvent,
            round=survey_round,
            actor=actor,
            action="open",
            from_status="",
            to_status=survey_round.status,
            at=now,
        )
        audit_record(
            actor=actor,
            action="ratings.survey.open",
            obj=survey_round,
            summary=f"发起 {survey_round}（{len(chosen)}个测评对象）",
        )
        return survey_round


def survey_round_close(*, actor: AuthUser, survey_round: SurveyRound) -> SurveyRound:
    _require_roles(actor, (Role.OFFICE, Role.ADMIN), "只有业务管理处可以结束满意度测评。")
    now = clock.now()
    with transaction.atomic():
        locked = SurveyRound.objects.select_for_update().get(pk=survey_round.pk)
        _check_transition("测评", locked.TRANSITIONS, locked.status, SurveyStatus.CLOSED, SurveyStatus)
        locked.status = SurveyStatus.CLOSED
        locked.closed_at = now
        locked.save(update_fields=["status", "closed_at"])
        _event(
            SurveyRoundEvent,
            round=locked,
            actor=actor,
            action="close",
            from_status=SurveyStatus.OPEN,
            to_status=SurveyStatus.CLOSED,
            at=now,
        )
        audit_record(actor=actor, action="ratings.survey.close", obj=locked, summary=f"结束 {locked}")
        return locked


def survey_rater_key(*, survey_round: SurveyRound, target: SurveyTarget, staff: Staff) -> str:
    """HMAC of (round, target, rater) with the survey key: the same rater and target give
    the same key within the round (one response), nothing links keys across targets or
    months, and the rater cannot be read back without the key."""
    return salted_hmac(
        "ratings.survey.rater",
        f"{survey_round.pk}:{target.pk}:{staff.pk}",
        secret=conf.survey_key(),
        algorithm="sha256",
    ).hexdigest()


def survey_respond(
    *,
    rater: Staff,
    target: SurveyTarget,
    answers: Mapping[str, str],
    reasons: Mapping[str, str] | None = None,
    comment: str = "",
) -> SurveyResponse:
    """One anonymous response (004 §五 二、三). 不满意 needs the concrete matter; one response
    per rater and target per month (409 already_responded)."""
    reasons = dict(reasons or {})
    survey_round = SurveyRound.objects.get(pk=target.round_id)  # fresh: it may have been closed
    if survey_round.status != SurveyStatus.OPEN:
        raise Conflict("本月测评已经结束。", code="round_closed")
    if not survey_may_rate(rater, survey_round.kind):
        raise PermissionDenied("您不在本测评的测评人范围内。")
    if target.leader_id is not None and target.leader_id == rater.pk:
        raise DomainError("不能对自己进行测评。", code="invalid_input")
    from ratings.selectors import survey_month_end

    rules = rules_in_force(RuleKind.HOTLINE_CALLBACK, survey_month_end(survey_round.month))
    survey = next(s for s in rules.params.surveys if s.code == survey_round.kind)
    dimension_codes = [d.code for d in survey.dimensions]
    labels = {d.code: d.label for d in survey.dimensions}
    clean_answers: dict[str, str] = {}
    clean_reasons: dict[str, str] = {}
    for code in dimension_codes:
        level = answers.get(code, "")
        if level not in SatisfactionLevel.values:
            raise DomainError(
                f"请对“{labels[code]}”选择非常满意、满意或不满意。", code="invalid_input", field=code
            )
        clean_answers[code] = level
        reason = _clean_text(reasons.get(code, ""), f"“{labels[code]}”不满意的具体事项", limit=500)
        if level in rules.params.reason_required_levels and not reason:
            raise DomainError(
                f"“{labels[code]}”选择了不满意，请标注具体事项或缘由（004 §五 二）。",
                code="invalid_input",
                field=code,
            )
        if reason and level in rules.params.reason_required_levels:
            clean_reasons[code] = reason
    extra = set(answers) - set(dimension_codes)
    if extra:
        raise DomainError(f"未知的测评项目：{'、'.join(sorted(extra))}", code="invalid_input")
    comment = _clean_text(comment, "意见建议", limit=500)
    key = survey_rater_key(survey_round=survey_round, target=target, staff=rater)
    with transaction.atomic():
        if SurveyResponse.objects.filter(target=target, rater_key=key).exists():
            raise Conflict(f"您已对“{target.label}”提交过本月测评。", code="already_responded")
        try:
            with transaction.atomic():
                response = SurveyResponse.objects.create(
                    round=survey_round,
                    target=target,
                    rater_key=key,
                    answers=clean_answers,
                    reasons=clean_reasons,
                    comment=comment,
                    submitted_on=clock.today(),
                )
        except IntegrityError:
            raise Conflict(f"您已对“{target.label}”提交过本月测评。", code="already_responded") from None
        # Anonymity: the audit event names neither the rater (actor), the target, nor the
        # client address (which would point to the rater's desk).
        with without_client_address():
            audit_record(
                actor="匿名测评",
                action="ratings.survey.respond",
                obj=survey_round,
                summary=f"{survey_round} 收到一份答卷",
            )
        return response


# ---------------------------------------------------------------------------------------
# Export and push to the provincial 好差评 platform


def ratings_push(*, actor: Actor, limit: int = 5000) -> PushBatch:
    """Push the ratings not pushed yet through the configured backend. A failed push is
    recorded (status failed, the error) and pushes nothing: the next run retries."""
    from ratings.push import backend_from_settings, export_rows

    backend = backend_from_settings()
    now = clock.now()
    _, label = _actor_user_and_label(actor)
    pending = list(
        Rating.objects.filter(push_item__isnull=True)
        .select_related("staff", "department", "matter", "branch", "window", "ticket", "case")
        .order_by("rated_at", "pk")[:limit]
    )
    try:
        with transaction.atomic():
            batch = PushBatch.objects.create(
                created_at=now,
                actor_label=label[:100],
                backend=f"{type(backend).__module__}.{type(backend).__qualname__}",
                status=PushStatus.SENT,
                count=len(pending),
            )
            PushItem.objects.bulk_create([PushItem(batch=batch, rating=r) for r in pending])
            reference = backend.push(export_rows(pending), batch_id=batch.pk, at=now) if pending else ""
            batch.reference = reference[:300]
            batch.save(update_fields=["reference"])
            audit_record(
                actor=actor,
                action="ratings.push",
                obj=batch,
                summary=f"向省好差评平台推送 {len(pending)} 条评价",
                changes={"reference": batch.reference},
            )
            return batch
    except Exception as exc:
        logger.exception("好差评推送失败")
        with transaction.atomic():
            batch = PushBatch.objects.create(
                created_at=now,
                actor_label=label[:100],
                backend=f"{type(backend).__module__}.{type(backend).__qualname__}",
                status=PushStatus.FAILED,
                count=0,
                error=str(exc)[:2000],
            )
            audit_record(
                actor=actor, action="ratings.push.fail", obj=batch, summary=f"好差评推送失败：{exc}"[:500]
            )
        raise DomainError(
            f"推送失败：{exc}。评价未标记为已推送，下次推送会重试。", code="push_failed", status=502
        ) from exc
