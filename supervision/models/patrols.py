"""The daily patrol (002 篇4 二1: 每日巡查, the 日常巡查值班记录表) and its monthly summary
with the leaders' sign-off (002 篇4 二2), with their timelines."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from common import clock
from common.events import StatusEvent
from supervision.models._base import _scope_filter

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class PatrolStatus(models.TextChoices):
    RECORDED = "recorded", "巡查人员已签字"
    SIGNED = "signed", "值日领导已签字"
    VOIDED = "voided", "已作废"


class PatrolQuerySet(models.QuerySet["Patrol"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> PatrolQuerySet:
        scope = _scope_filter(user, "branch_id")
        return self if scope is None else self.filter(scope)


class Patrol(models.Model):
    """One round of the daily patrol (002 篇4 二1 "每日由值日领导及相关科室工作人员巡查"):
    the morning or afternoon column of the 巡查表 for one branch and working day, signed
    by the patrol staff (who record it) and by the duty leader. Recorded even when
    nothing was found (the fines rule set's interpretation). Its violations are entered
    in the ledger with the fines rule set's amounts."""

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        PatrolStatus.RECORDED: frozenset({PatrolStatus.SIGNED, PatrolStatus.VOIDED}),
        PatrolStatus.SIGNED: frozenset({PatrolStatus.VOIDED}),
        PatrolStatus.VOIDED: frozenset(),
    }
    INITIAL: ClassVar[frozenset[str]] = frozenset({PatrolStatus.RECORDED})

    branch = models.ForeignKey(
        "org.Branch", verbose_name="管理部", on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField("巡查日期", db_index=True)
    round = models.CharField("巡查时段", max_length=20)
    round_label = models.CharField("巡查时段", max_length=20)
    duty_leader = models.ForeignKey(
        "org.Staff", verbose_name="值日领导", on_delete=models.PROTECT, related_name="+"
    )
    patrol_staff = models.ManyToManyField("org.Staff", verbose_name="巡查人员", related_name="+")
    nothing_found = models.BooleanField("未发现问题", default=False)
    note = models.TextField("巡查情况", blank=True)
    status = models.CharField("状态", max_length=20, choices=PatrolStatus.choices)
    recorded_at = models.DateTimeField("登记时间", default=clock.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField("值日领导签字时间", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签字人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    leader_opinion = models.CharField("值日领导意见", max_length=300, blank=True)
    voided_reason = models.TextField("作废理由", blank=True)
    rules_ref = models.CharField("处罚规则集", max_length=80)

    objects = PatrolQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "巡查"
        ordering = ["-day", "branch", "round"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "day", "round"],
                condition=~Q(status="voided"),
                name="sup_patrol_once_per_round",
            )
        ]

    def __str__(self) -> str:
        return f"{self.branch} {self.day:%Y-%m-%d} {self.round_label}"


class PatrolEvent(StatusEvent):
    """One change of a patrol (recorded, signed by the duty leader, voided)."""

    patrol = models.ForeignKey(Patrol, on_delete=models.PROTECT, related_name="events")

    class Meta(StatusEvent.Meta):
        verbose_name = verbose_name_plural = "巡查变更"


class SummaryStatus(models.TextChoices):
    SUBMITTED = "submitted", "已报送，待签批"
    SIGNED = "signed", "已签批"
    SUPERSEDED = "superseded", "已重新报送"


class Capacity(models.TextChoices):
    """002 篇4 二2: 交区行管委分管领导和主要领导签批."""

    DEPUTY = "deputy", "分管领导"
    PRINCIPAL = "principal", "主要领导"


class PatrolSummary(models.Model):
    """The monthly summary of the patrols (002 篇4 二2 "每月初将上月的汇总情况交…分管领导
    和主要领导签批"): the figures as they stood when the office submitted it (a frozen
    snapshot, so what a leader signs cannot change under the signature), and the two
    signatures. A corrected ledger is submitted again; the old summary is superseded."""

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        SummaryStatus.SUBMITTED: frozenset({SummaryStatus.SIGNED, SummaryStatus.SUPERSEDED}),
        SummaryStatus.SIGNED: frozenset(),
        SummaryStatus.SUPERSEDED: frozenset(),
    }
    INITIAL: ClassVar[frozenset[str]] = frozenset({SummaryStatus.SUBMITTED})

    month = models.DateField("月份", help_text="该月第一天", db_index=True)
    snapshot = models.JSONField("汇总数据")
    status = models.CharField("状态", max_length=20, choices=SummaryStatus.choices)
    submitted_at = models.DateTimeField("报送时间", default=clock.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT, related_name="+"
    )
    submitted_by_label = models.CharField("报送人", max_length=100)
    note = models.TextField("报送说明", blank=True)
    rules_ref = models.CharField("处罚规则集", max_length=80)

    class Meta:
        verbose_name = verbose_name_plural = "巡查月度汇总"
        ordering = ["-month", "-submitted_at"]

    def __str__(self) -> str:
        return f"{self.month:%Y年%m月}巡查汇总"


class SummarySignature(models.Model):
    """A leader's sign-off (签批) of a monthly summary, in one of the two capacities."""

    summary = models.ForeignKey(PatrolSummary, on_delete=models.CASCADE, related_name="signatures")
    capacity = models.CharField("签批身份", max_length=20, choices=Capacity.choices)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="领导", on_delete=models.PROTECT, related_name="+"
    )
    leader_name = models.CharField("领导", max_length=100)
    opinion = models.TextField("签批意见")
    signed_at = models.DateTimeField("签批时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "汇总签批"
        ordering = ["signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["summary", "capacity"], name="sup_summary_one_sign_per_capacity"),
            models.UniqueConstraint(fields=["summary", "leader"], name="sup_summary_one_sign_per_leader"),
        ]

    def __str__(self) -> str:
        return f"{self.get_capacity_display()} {self.leader_name}"


class PatrolSummaryEvent(StatusEvent):
    """One change of a monthly summary: submitted, each signature, signed, superseded."""

    summary = models.ForeignKey(PatrolSummary, on_delete=models.PROTECT, related_name="events")

    class Meta(StatusEvent.Meta):
        verbose_name = verbose_name_plural = "巡查月度汇总变更"
