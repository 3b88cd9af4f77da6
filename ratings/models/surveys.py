"""Internal satisfaction surveys (004 §五 二、三): monthly rounds, their targets and the
anonymous responses (one per rater, target and month; the rater is a keyed hash)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from common import clock
from common.events import StatusEvent
from org.models import Department, Staff
from ratings.models.base import ActionLabelled, ImmutableModel, ImmutableQuerySet
from ratings.models.choices import SurveyKind, SurveyStatus

SURVEY_TRANSITIONS: dict[str, frozenset[str]] = {
    SurveyStatus.OPEN: frozenset({SurveyStatus.CLOSED}),
    SurveyStatus.CLOSED: frozenset(),
}


class SurveyRound(models.Model):
    """One month of one internal survey (004 §五 二、三): its targets are fixed when it is
    opened; responses are accepted while it is open; rankings come from its responses."""

    kind = models.CharField("测评", max_length=40, choices=SurveyKind.choices)
    month = models.DateField("月份", help_text="该月的第一天")
    status = models.CharField("状态", max_length=20, choices=SurveyStatus.choices, default=SurveyStatus.OPEN)
    rules_ref = models.CharField("测评规则集", max_length=80)
    opened_at = models.DateTimeField("开始时间")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = SURVEY_TRANSITIONS
    INITIAL: ClassVar[frozenset[str]] = frozenset({SurveyStatus.OPEN})

    class Meta:
        verbose_name = verbose_name_plural = "满意度测评"
        ordering = ["-month", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "month"], name="survey_round_one_per_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y年%m月}{self.get_kind_display()}"


class SurveyTarget(models.Model):
    """Who is rated in a round: a department (004 §五 二) or a leader (三)."""

    round = models.ForeignKey(SurveyRound, on_delete=models.PROTECT, related_name="targets")
    department = models.ForeignKey(
        Department, verbose_name="科室", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    leader = models.ForeignKey(
        Staff, verbose_name="班子成员", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    label = models.CharField("名称", max_length=100)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "测评对象"
        ordering = ["round", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(department__isnull=False) & Q(leader__isnull=True))
                | (Q(department__isnull=True) & Q(leader__isnull=False)),
                name="survey_target_one_kind",
            ),
            models.UniqueConstraint(
                fields=["round", "department"],
                condition=Q(department__isnull=False),
                name="survey_target_dept",
            ),
            models.UniqueConstraint(
                fields=["round", "leader"], condition=Q(leader__isnull=False), name="survey_target_leader"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class SurveyResponse(ImmutableModel):
    """One rater's answer about one target in one month: a level of the three (非常满意/满意/
    不满意) per dimension (服务态度、工作质量、办事效率), and for 不满意 the concrete matter
    (004 §五 二 “要求标注具体事项或缘由”). The rater is never stored: `rater_key` is a keyed
    hash (HMAC) of the round, the target and the rater, so one response per rater and target
    is enforced while nobody reading the table — the rated party included — learns who
    rated. Only the date is kept, not the time, so responses cannot be matched to log-ins."""

    round = models.ForeignKey(SurveyRound, on_delete=models.PROTECT, related_name="responses")
    target = models.ForeignKey(SurveyTarget, on_delete=models.PROTECT, related_name="responses")
    rater_key = models.CharField("测评人标识（密钥哈希）", max_length=64, editable=False)
    answers = models.JSONField("评价", help_text="{维度: 档次}")
    reasons = models.JSONField("不满意的具体事项", default=dict, blank=True)
    comment = models.CharField("意见建议", max_length=500, blank=True)
    submitted_on = models.DateField("提交日期")

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "测评答卷"
        ordering = ["round", "target", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["target", "rater_key"], name="survey_one_response_per_rater"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.target}"


class SurveyRoundEvent(ActionLabelled, StatusEvent):
    """Opening and closing of a monthly survey round (004 §五 二、三); responses are anonymous
    and have no events."""

    action = models.CharField("动作", max_length=30)
    round = models.ForeignKey(SurveyRound, on_delete=models.PROTECT, related_name="events")

    class Meta(StatusEvent.Meta):
        verbose_name = verbose_name_plural = "测评记录"

    def __str__(self) -> str:
        return f"{self.round_id} {self.action_label} {clock.local(self.at):%Y-%m-%d %H:%M}"
