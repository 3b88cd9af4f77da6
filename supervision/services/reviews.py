"""The weekly review of a hall by its head (000 §二(一)4 定期总结，不断改进: 每周对工作进行
安排、学习交流、做好工作总结、对大厅安全和卫生做到全面检查、研究采纳合理化建议): saving the
week's draft, submitting it, reopening a submitted one with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from audit.services import audit_record
from audit.transitions import InvalidTransition, transition
from common import clock
from common.actors import Actor, actor_label, forbidden, user_or_none
from common.errors import Conflict
from org.access import has_role
from org.models import Branch, Role
from supervision.models import Adoption, WeeklyReview, WeeklyReviewStatus
from supervision.selectors import is_branch_head, week_monday
from supervision.services._common import invalid, record_event

WEEKLY_REVIEW_FIELDS = (
    "arrangements",
    "problems",
    "policy_study",
    "summary",
    "safety_checked",
    "safety_findings",
    "hygiene_checked",
    "hygiene_findings",
    "site_visits",
    "suggestions",
    "adoption",
    "adoption_note",
)
TEXT_MAX = 5000


@dataclass(frozen=True)
class WeeklyReviewInput:
    """What the head writes for the week (000 §二(一)4, in the clause's order)."""

    arrangements: str = ""
    problems: str = ""
    policy_study: str = ""
    summary: str = ""
    safety_checked: bool = False
    safety_findings: str = ""
    hygiene_checked: bool = False
    hygiene_findings: str = ""
    site_visits: str = ""
    suggestions: str = ""
    adoption: str = Adoption.NONE
    adoption_note: str = ""


def _require_branch_head(actor: Actor, branch: Branch) -> None:
    if not is_branch_head(actor, branch.pk):
        raise forbidden(f"{branch.name}的每周工作总结只能由该管理部（大厅）的部门负责人填写。")


def _clean_review_input(entries: WeeklyReviewInput) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in WEEKLY_REVIEW_FIELDS:
        value = getattr(entries, name)
        if isinstance(value, str):
            value = value.strip()
            if len(value) > TEXT_MAX:
                label = getattr(WeeklyReview._meta.get_field(name), "verbose_name", name)
                raise invalid(f"“{label}”不能超过{TEXT_MAX}字。", field=name)
        values[name] = value
    if values["adoption"] not in Adoption.values:
        raise invalid("建议研究采纳情况无效，请从列表中选择。", field="adoption")
    if values["suggestions"] and values["adoption"] == Adoption.NONE:
        raise invalid(
            "已填写合理化建议，请选择研究采纳情况（已采纳、部分采纳、研究中或不予采纳）。", field="adoption"
        )
    if values["adoption"] in (Adoption.PARTLY, Adoption.DECLINED) and not values["adoption_note"]:
        raise invalid("部分采纳或不予采纳的建议，请在“采纳说明”中写明理由。", field="adoption_note")
    return values


@transaction.atomic
def weekly_review_save(
    *, actor: Actor, branch: Branch, week_start: date, entries: WeeklyReviewInput
) -> WeeklyReview:
    """Create or update the week's record of `branch` (a draft). The head of the
    branch writes it; a submitted record must be reopened first."""
    _require_branch_head(actor, branch)
    if week_start.weekday() != 0:
        raise invalid("周工作总结按自然周（周一至周日）填写，开始日期应为周一。", field="week_start")
    if week_start > week_monday(clock.today()):
        raise invalid("不能填写尚未开始的周的工作总结。", field="week_start")
    values = _clean_review_input(entries)
    user = user_or_none(actor)
    review = WeeklyReview.objects.select_for_update().filter(branch=branch, week_start=week_start).first()
    now = clock.now()
    if review is None:
        try:
            with transaction.atomic():
                review = WeeklyReview.objects.create(
                    branch=branch,
                    week_start=week_start,
                    status=WeeklyReviewStatus.DRAFT,
                    created_by=user,
                    created_at=now,
                    updated_at=now,
                    **values,
                )
        except IntegrityError:
            raise Conflict(
                "本周的工作总结刚由他人创建，请刷新页面后再修改。", code="weekly_review_exists"
            ) from None
        record_event(review, actor=actor, note="创建", created=True)
        audit_record(
            actor=actor,
            action="supervision.weekly_review.create",
            obj=review,
            summary=f"创建{review}",
            changes={k: [None, v] for k, v in values.items() if v},
        )
        return review
    if review.status != WeeklyReviewStatus.DRAFT:
        raise InvalidTransition("本周的工作总结已提交，如需修改请先“退回修改”并说明理由。")
    before = {name: getattr(review, name) for name in WEEKLY_REVIEW_FIELDS}
    changed = [name for name in WEEKLY_REVIEW_FIELDS if before[name] != values[name]]
    if not changed:
        return review
    for name in changed:
        setattr(review, name, values[name])
    review.updated_at = now
    review.save(update_fields=[*changed, "updated_at"])
    audit_record(
        actor=actor,
        action="supervision.weekly_review.update",
        obj=review,
        summary=f"修改{review}",
        changes={name: [before[name], values[name]] for name in changed},
    )
    return review


@transaction.atomic
def weekly_review_submit(*, actor: Actor, review: WeeklyReview, note: str = "") -> WeeklyReview:
    """Submit the week's record. The clause asks for the week's arrangements, a summary
    and a full check of the hall's safety and hygiene; a record without them is refused."""
    review = WeeklyReview.objects.select_for_update().select_related("branch").get(pk=review.pk)
    _require_branch_head(actor, review.branch)
    missing = []
    if not review.arrangements.strip():
        missing.append("工作安排")
    if not review.summary.strip():
        missing.append("工作总结")
    if not review.safety_checked:
        missing.append("大厅安全检查")
    if not review.hygiene_checked:
        missing.append("大厅卫生检查")
    if missing:
        raise invalid(
            f"提交前请完成：{'、'.join(missing)}（000 §二(一)4：每周对工作进行安排、做好工作总结，"
            "对大厅安全和卫生做到全面检查）。",
            missing=missing,
        )
    now = clock.now()
    review.submitted_at = now
    review.submitted_by = user_or_none(actor)
    review.submitted_by_label = actor_label(actor)
    review.updated_at = now
    transition(
        review,
        WeeklyReviewStatus.SUBMITTED,
        actor=actor,
        note=note.strip(),
        fields=("submitted_at", "submitted_by", "submitted_by_label", "updated_at"),
        audit="supervision.weekly_review.submit",
        summary=f"提交{review}",
    )
    return review


@transaction.atomic
def weekly_review_reopen(*, actor: Actor, review: WeeklyReview, reason: str) -> WeeklyReview:
    """Reopen a submitted record for correction (the head of the branch, or the office
    asking for more), with the reason kept."""
    review = WeeklyReview.objects.select_for_update().select_related("branch").get(pk=review.pk)
    if not (
        is_branch_head(actor, review.branch_id)
        or (not isinstance(actor, str) and actor is not None and has_role(actor, Role.OFFICE))
    ):
        raise forbidden("只有该管理部的部门负责人或业务管理处可以退回修改每周工作总结。")
    reason = reason.strip()
    if not reason:
        raise invalid("请写明退回修改的理由。", field="reason")
    review.updated_at = clock.now()
    transition(
        review,
        WeeklyReviewStatus.DRAFT,
        actor=actor,
        note=reason,
        fields=("updated_at",),
        audit="supervision.weekly_review.reopen",
        summary=f"退回修改：{reason}",
    )
    return review
