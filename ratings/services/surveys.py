"""Internal satisfaction surveys (004 §五 二: 网点工作人员 rate the centre's departments
monthly; 三: 副科级以上管理人员 rate the leadership monthly): opening and closing a month's
round (closing is a move of SurveyRound.TRANSITIONS through audit.transitions.transition)
and the anonymous responses — the rater is stored only as a keyed hash, and the audit
event of a response names neither rater, target nor client address."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac

from audit.services import audit_record
from audit.transitions import transition
from common import clock
from common.errors import Conflict, DomainError
from common.request import without_client_address
from org.models import Role, Staff
from ratings import conf
from ratings.models import (
    SatisfactionLevel,
    SurveyKind,
    SurveyResponse,
    SurveyRound,
    SurveyStatus,
    SurveyTarget,
)
from ratings.selectors import survey_default_targets, survey_may_rate, survey_month_end
from ratings.services._common import clean_text, record_event, require_role
from rules.models import RuleKind
from rules.selectors import rules_in_force

SURVEY_ROLES = (Role.OFFICE, Role.ADMIN)


def survey_round_open(
    *, actor: AuthUser, kind: str, month: date, targets: list[dict[str, Any]] | None = None
) -> SurveyRound:
    """Open the month's round of a survey with its targets (by default all departments or
    all leaders)."""
    require_role(actor, SURVEY_ROLES, "只有业务管理处可以发起满意度测评。")
    if kind not in SurveyKind.values:
        raise DomainError("测评类型无效。", code="invalid_input", field="kind")
    month = month.replace(day=1)
    rules = rules_in_force(RuleKind.HOTLINE_CALLBACK, survey_month_end(month))
    if not any(s.code == kind for s in rules.params.surveys):
        raise DomainError(
            f"规则集 {rules.ref} 没有规定“{SurveyKind(kind).label}”。", code="no_rules_in_force", status=409
        )
    chosen = targets if targets is not None else survey_default_targets(kind)
    if not chosen:
        raise DomainError("没有可测评的对象（科室或班子成员）。", code="no_targets")
    now = clock.now()
    exists = f"{month:%Y年%m月}的“{SurveyKind(kind).label}”已经发起。"
    with transaction.atomic():
        if SurveyRound.objects.filter(kind=kind, month=month).exists():
            raise Conflict(exists, code="round_exists")
        try:
            with transaction.atomic():
                survey_round = SurveyRound.objects.create(
                    kind=kind, month=month, rules_ref=rules.ref, opened_at=now, opened_by=actor
                )
        except IntegrityError:
            raise Conflict(exists, code="round_exists") from None
        for order, target in enumerate(chosen):
            SurveyTarget.objects.create(round=survey_round, order=order, **target)
        record_event(survey_round, actor=actor, action="open", from_status="", at=now)
        audit_record(
            actor=actor,
            action="ratings.survey.open",
            obj=survey_round,
            summary=f"发起 {survey_round}（{len(chosen)}个测评对象）",
        )
        return survey_round


def survey_round_close(*, actor: AuthUser, survey_round: SurveyRound) -> SurveyRound:
    """Close a round: no more responses; the ranking stands."""
    require_role(actor, SURVEY_ROLES, "只有业务管理处可以结束满意度测评。")
    now = clock.now()
    with transaction.atomic():
        locked = SurveyRound.objects.select_for_update().get(pk=survey_round.pk)
        locked.closed_at = now
        transition(
            locked,
            SurveyStatus.CLOSED,
            actor=actor,
            fields=("closed_at",),
            at=now,
            event={"action": "close"},
            audit="ratings.survey.close",
            summary=f"结束 {locked}",
        )
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
        reason = clean_text(reasons.get(code, ""), f"“{labels[code]}”不满意的具体事项", limit=500)
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
    comment = clean_text(comment, "意见建议", limit=500)
    key = survey_rater_key(survey_round=survey_round, target=target, staff=rater)
    responded = f"您已对“{target.label}”提交过本月测评。"
    with transaction.atomic():
        if SurveyResponse.objects.filter(target=target, rater_key=key).exists():
            raise Conflict(responded, code="already_responded")
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
            raise Conflict(responded, code="already_responded") from None
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
