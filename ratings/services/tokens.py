"""Rating tokens and the rating itself (000 §五(五)4(1) 职工评价; 一次一评、一事一评).

* Tokens are minted in the transaction that completes a visit (the counter evaluator's
  and the slip's QR code) or a case (the case query page and the notices' QR code).
* `rating_submit` makes the one rating of a service; the unique constraint on the service
  refuses a second one, also when two arrive at once (409 `already_rated`). A bad rating
  opens its follow-up in the same transaction. Nobody rates on a citizen's behalf.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction

from audit.services import audit_record
from common import clock
from common.actors import AnyActor, staff_of
from common.errors import DomainError
from ratings import conf
from ratings.errors import ALREADY_RATED_MESSAGE, AlreadyRated
from ratings.models import BadReason, RaterType, Rating, RatingChannel, RatingToken, ServiceKind
from ratings.selectors import rating_token_lookup, token_rated
from ratings.services._common import COMMENT_MAX, clean_phone, clean_text, department_of, visit_number
from ratings.services.follow_ups import follow_up_open
from rules.models import RuleKind
from rules.selectors import rules_in_force

if TYPE_CHECKING:
    from cases.models import Case
    from queueing.models import Ticket


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
            "department": department_of(ticket.staff, ticket.branch_id),
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
        "department": case.department or department_of(staff, case.branch_id),
        "matter": case.matter,
        "matter_name": case.version.name,
        "category": case.matter.category,
        "service_number": case.receipt_no,
        "accepted_at": case.accepted_at or case.received_at,
        "completed_at": case.decided_at,
        "rater_type": RaterType.EMPLOYER if case.applicant_kind == RaterType.EMPLOYER else RaterType.PERSON,
    }


def _at_the_windows_counter(actor: Any, row: Any) -> bool:
    """A counter-channel token is rated on the counter tablet of the window that served
    (or by a trusted job — the demo data, the simulator — named by a string)."""
    from queueing.devices import is_windows_counter

    if isinstance(actor, str):
        return True
    ticket = row.ticket
    return ticket is not None and ticket.window is not None and is_windows_counter(actor, ticket.window)


def rating_submit(
    *,
    actor: AnyActor,
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
    if staff_of(actor) is not None:
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
    comment = clean_text(comment, "意见建议", limit=COMMENT_MAX)
    phone = clean_phone(contact_phone)
    if rater_type is not None and rater_type not in RaterType.values:
        raise DomainError(
            "评价人类型应为 person（个人）或 employer（单位）。", code="invalid_input", field="rater_type"
        )
    now = clock.now()
    today = clock.local_date(now)

    with transaction.atomic():
        row = rating_token_lookup(token, now=now)
        if row.channel == RatingChannel.COUNTER and not _at_the_windows_counter(actor, row):
            raise DomainError(
                "窗口评价器的评价只能在本窗口的柜台平板上提交。请用办事凭条上的二维码评价。",
                code="counter_only",
                status=403,
            )
        if token_rated(row):
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
