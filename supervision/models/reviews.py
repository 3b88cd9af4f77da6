"""The weekly review of a hall by its head (000 §二(一)4 定期总结，不断改进) and the written
part of the yearly complaint analysis (000 §五(四)12), with their timelines."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models

from common import clock
from common.events import StatusEvent
from common.identity import scrub
from supervision.models._base import _scope_filter

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class WeeklyReviewStatus(models.TextChoices):
    DRAFT = "draft", "填写中"
    SUBMITTED = "submitted", "已提交"


class Adoption(models.TextChoices):
    NONE = "none", "本周无合理化建议"
    ADOPTED = "adopted", "已采纳"
    PARTLY = "partly", "部分采纳"
    STUDYING = "studying", "研究中"
    DECLINED = "declined", "经研究不予采纳"


class WeeklyReviewQuerySet(models.QuerySet["WeeklyReview"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> WeeklyReviewQuerySet:
        scope = _scope_filter(user, "branch_id")
        return self if scope is None else self.filter(scope)


class WeeklyReview(models.Model):
    """The weekly record of a hall's head (000 §二(一)4 定期总结，不断改进): "管理部及贷款大厅
    负责人应每周对工作进行安排，对工作中所遇到问题以及新的政策进行学习交流，做好工作总结，对大厅安全和
    卫生做到全面检查。对办事职工提出的合理化建议要认真研究采纳。部门负责人要做到不定时进行现场巡视…".
    One per branch and ISO week (Monday); printed with the week's figures as the weekly
    review pack (reports.review). Filled in as a draft, then submitted; a submitted
    record is reopened with a reason, never deleted."""

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        WeeklyReviewStatus.DRAFT: frozenset({WeeklyReviewStatus.SUBMITTED}),
        # A submitted record found incomplete is reopened with a reason and submitted again.
        WeeklyReviewStatus.SUBMITTED: frozenset({WeeklyReviewStatus.DRAFT}),
    }
    INITIAL: ClassVar[frozenset[str]] = frozenset({WeeklyReviewStatus.DRAFT})

    branch = models.ForeignKey(
        "org.Branch", verbose_name="管理部", on_delete=models.PROTECT, related_name="+"
    )
    week_start = models.DateField("周一日期")
    arrangements = models.TextField("工作安排", blank=True)
    problems = models.TextField("工作中遇到的问题", blank=True)
    policy_study = models.TextField("新政策学习交流", blank=True)
    summary = models.TextField("工作总结", blank=True)
    safety_checked = models.BooleanField("已进行大厅安全检查", default=False)
    safety_findings = models.TextField("安全检查情况", blank=True)
    hygiene_checked = models.BooleanField("已进行大厅卫生检查", default=False)
    hygiene_findings = models.TextField("卫生检查情况", blank=True)
    site_visits = models.TextField("现场巡视发现的问题及改进", blank=True)
    suggestions = models.TextField("办事职工提出的合理化建议", blank=True)
    adoption = models.CharField(
        "建议研究采纳情况", max_length=20, choices=Adoption.choices, default=Adoption.NONE
    )
    adoption_note = models.TextField("采纳说明", blank=True)
    status = models.CharField("状态", max_length=20, choices=WeeklyReviewStatus.choices)
    created_at = models.DateTimeField("创建时间", default=clock.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填写人", on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField("最近修改", default=clock.now)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_by_label = models.CharField("提交人", max_length=100, blank=True)

    objects = WeeklyReviewQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "每周工作总结"
        ordering = ["-week_start", "branch"]
        constraints = [
            # The week is keyed by its Monday (ISO week); the service refuses other days.
            models.UniqueConstraint(fields=["branch", "week_start"], name="sup_weekly_review_once"),
        ]

    def __str__(self) -> str:
        year, week, _ = self.week_start.isocalendar()
        return f"{self.branch} {year}年第{week}周工作总结"

    @property
    def week_key(self) -> str:
        year, week, _ = self.week_start.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def suggestions_shown(self) -> str:
        """The suggestions with any identity or mobile number a head copied in masked."""
        return scrub(self.suggestions)


class WeeklyReviewEvent(StatusEvent):
    """One change of a weekly review (created, submitted, reopened)."""

    review = models.ForeignKey(WeeklyReview, on_delete=models.PROTECT, related_name="events")

    class Meta(StatusEvent.Meta):
        verbose_name = verbose_name_plural = "每周工作总结变更"


class AnalysisStatus(models.TextChoices):
    DRAFT = "draft", "起草中"
    SUBMITTED = "submitted", "已报中心审议"
    APPROVED = "approved", "审议通过，整改落实"


class ComplaintAnalysis(models.Model):
    """The written part of the yearly complaint analysis (000 §五(四)12): "详细调查分析
    产生原因，查找工作中的薄弱点，提出预防纠正措施，报中心审议研究后开展整改落实". The counts
    come from the complaint records (complaints.analysis) and are computed when printed;
    this row keeps what the business management office writes (causes, weak points,
    preventive and corrective measures), its submission to the centre and the centre's
    opinion. One per year. It lives in supervision beside the weekly review: it is the
    office's supervisory write-up over a year of complaints, not a state of any
    complaint."""

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        AnalysisStatus.DRAFT: frozenset({AnalysisStatus.SUBMITTED}),
        # The centre sends it back for rework, or adopts it.
        AnalysisStatus.SUBMITTED: frozenset({AnalysisStatus.DRAFT, AnalysisStatus.APPROVED}),
        AnalysisStatus.APPROVED: frozenset(),
    }
    INITIAL: ClassVar[frozenset[str]] = frozenset({AnalysisStatus.DRAFT})

    year = models.PositiveSmallIntegerField("年度", unique=True)
    causes = models.TextField("原因分析与薄弱环节", blank=True)
    measures = models.TextField("预防纠正措施", blank=True)
    status = models.CharField("状态", max_length=20, choices=AnalysisStatus.choices)
    opinion = models.TextField("中心审议意见", blank=True)
    created_at = models.DateTimeField("创建时间", default=clock.now)
    updated_at = models.DateTimeField("最近修改", default=clock.now)
    updated_by_label = models.CharField("最近修改人", max_length=100, blank=True)
    submitted_at = models.DateTimeField("报审时间", null=True, blank=True)
    decided_at = models.DateTimeField("审议时间", null=True, blank=True)
    decided_by_label = models.CharField("审议人", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "投诉年度分析"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年度投诉汇总分析"


class ComplaintAnalysisEvent(StatusEvent):
    """One change of a yearly complaint analysis (created, submitted, sent back, approved)."""

    analysis = models.ForeignKey(ComplaintAnalysis, on_delete=models.PROTECT, related_name="events")

    class Meta(StatusEvent.Meta):
        verbose_name = verbose_name_plural = "投诉年度分析变更"
