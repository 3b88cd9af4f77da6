"""差评 follow-up and rectification: every bad rating, and every 12329 callback with an
unsatisfied answer, is followed up within the rule set's working days, verified,
rectified and published (000 §五(五)4(1) 差评; 004 §五 一; product-rating-followup)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.db.models import Q

from common.events import StatusEvent
from org.models import Branch, Staff, Window
from ratings.models.base import ActionLabelled
from ratings.models.callbacks import HotlineCallback
from ratings.models.choices import ContactMethod, FollowUpStatus, Satisfaction, SatisfactionLevel, Verdict
from ratings.models.ratings import Rating

FOLLOWUP_TRANSITIONS: dict[str, frozenset[str]] = {
    FollowUpStatus.OPEN: frozenset({FollowUpStatus.CONTACTED}),
    # An unfounded complaint is closed after verification, with the finding kept.
    FollowUpStatus.CONTACTED: frozenset({FollowUpStatus.RECTIFIED, FollowUpStatus.CLOSED}),
    FollowUpStatus.RECTIFIED: frozenset({FollowUpStatus.CLOSED}),
    FollowUpStatus.CLOSED: frozenset(),
}


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def visible_to(self, user: Any) -> FollowUpQuerySet:
        from org.access import branch_scope

        scope = branch_scope(user)
        return self if scope is None else self.filter(branch_id__in=scope)


class FollowUp(models.Model):
    """The follow-up of a 差评 (every bad rating is followed up and rectified) or of a 12329
    callback with an unsatisfied answer or a “yes” to 跑回头路/索拿卡要 (004 §五 一): contact the
    citizen within the rule set's working days (default 1), verify, rectify within its limit
    (default 5), record what was done and the citizen's satisfaction with it. Deadlines are
    counted from the day after the rating (rules/bundled/product-rating-followup.toml, by
    000 §五(二)2). Rectifications are published on the disclosure page."""

    rating = models.OneToOneField(
        Rating, verbose_name="差评", on_delete=models.PROTECT, null=True, blank=True, related_name="follow_up"
    )
    callback = models.OneToOneField(
        HotlineCallback,
        verbose_name="12329回访",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_up",
    )
    branch = models.ForeignKey(Branch, verbose_name="管理部", on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(
        Staff, verbose_name="被评价人", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    window = models.ForeignKey(
        Window, verbose_name="窗口", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_on = models.DateField("差评日期")
    problem = models.CharField("反映问题", max_length=300)
    status = models.CharField(
        "状态", max_length=20, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    contact_due = models.DateField("联系期限", null=True, blank=True)
    rectify_due = models.DateField("整改期限", null=True, blank=True)
    due_pending_year = models.PositiveIntegerField(
        "期限待日历", null=True, blank=True, help_text="期限所在年度的节假日安排尚未发布"
    )
    rules_ref = models.CharField("回访整改规则集", max_length=80, blank=True)

    contacted_at = models.DateTimeField("联系时间", null=True, blank=True)
    contact_method = models.CharField("联系方式", max_length=20, choices=ContactMethod.choices, blank=True)
    contact_note = models.TextField("联系情况", blank=True)
    verdict = models.CharField("核实结论", max_length=20, choices=Verdict.choices, blank=True)
    finding = models.TextField("核实情况", blank=True)
    rectification = models.TextField("整改措施", blank=True)
    public_summary = models.CharField(
        "公开说明", max_length=300, blank=True, help_text="在好差评公示页面公开的整改情况（不含个人信息）"
    )
    rectified_at = models.DateTimeField("整改完成时间", null=True, blank=True)
    satisfaction = models.CharField(
        "评价人对整改的满意度", max_length=20, choices=Satisfaction.choices, blank=True
    )
    satisfaction_note = models.TextField("回访说明", blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    created_at = models.DateTimeField("生成时间")

    objects = FollowUpQuerySet.as_manager()
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = FOLLOWUP_TRANSITIONS
    INITIAL: ClassVar[frozenset[str]] = frozenset({FollowUpStatus.OPEN})

    class Meta:
        verbose_name = verbose_name_plural = "差评回访整改"
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(rating__isnull=False) & Q(callback__isnull=True))
                | (Q(rating__isnull=True) & Q(callback__isnull=False)),
                name="followup_one_source",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "contact_due"], name="followup_contact_idx"),
            models.Index(fields=["status", "rectify_due"], name="followup_rectify_idx"),
        ]

    def __str__(self) -> str:
        return f"差评回访 {self.pk}（{self.get_status_display()}）"

    @property
    def source_label(self) -> str:
        return "12329回访" if self.callback_id else "好差评"

    @property
    def problem_public(self) -> str:
        """What was complained about, for the public page: the level and the reasons only,
        never the citizen's own words (they may name people)."""
        if self.rating is not None:
            return "、".join([self.rating.level_label, *self.rating.reason_labels])
        callback = self.callback
        assert callback is not None
        parts = [
            label
            for flag, label in (
                (callback.attitude == SatisfactionLevel.DISSATISFIED, "服务态度不满意"),
                (callback.efficiency == SatisfactionLevel.DISSATISFIED, "办事效率不满意"),
                (bool(callback.ran_back), "跑回头路"),
                (bool(callback.favours), "索拿卡要"),
            )
            if flag
        ]
        return "、".join(parts)


class FollowUpEvent(ActionLabelled, StatusEvent):
    """One step of a 差评 follow-up (opened, contacted, rectified, closed) with its actor: the
    deadlines of product-rating-followup are checked against these (000 §五(五)4(1) 差评)."""

    action = models.CharField("动作", max_length=30)
    follow_up = models.ForeignKey(FollowUp, on_delete=models.PROTECT, related_name="events")

    class Meta(StatusEvent.Meta):
        verbose_name = verbose_name_plural = "差评回访记录"

    def __str__(self) -> str:
        return f"{self.follow_up_id} {self.action_label} {self.at:%Y-%m-%d %H:%M}"
