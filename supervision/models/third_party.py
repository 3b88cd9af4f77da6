"""Third-party inspections (004 §四): the quarterly reports, their findings, the issue
notices (《问题交办函》) handed to the branches and their rectification reports."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models

from common import clock
from common.events import StatusEvent
from supervision.models._base import _scope_filter

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class ThirdPartyReport(models.Model):
    """A quarterly inspection report of the third-party firm (004 §四 "考核每个季度进行1次，
    全年共计4次，每季度末出检查报告"): mystery-shopper visits, exit interviews and site
    checks of the branches, with the problems found and their photos."""

    no = models.CharField("报告编号", max_length=20, unique=True)
    firm = models.CharField("第三方机构", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度")
    received_on = models.DateField("收到报告日期")
    methods = models.JSONField("检查方式", default=list)
    summary = models.TextField("报告摘要", blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField("登记时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "第三方检查报告"
        ordering = ["-year", "-quarter", "-id"]

    def __str__(self) -> str:
        return f"{self.year}年第{self.quarter}季度 {self.firm}"


class ThirdPartyFinding(models.Model):
    """One problem the third party found at a branch (004 §四: 内外环境、功能设置、服务形象、
    服务行为、业务办理), with the window and the person when the report names them. Each
    becomes one issue notice (问题交办函) to the branch."""

    report = models.ForeignKey(ThirdPartyReport, on_delete=models.PROTECT, related_name="findings")
    branch = models.ForeignKey(
        "org.Branch", verbose_name="管理部", on_delete=models.PROTECT, related_name="+"
    )
    window = models.ForeignKey(
        "org.Window", verbose_name="窗口", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    staff = models.ForeignKey(
        "org.Staff",
        verbose_name="涉及人员",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    aspect = models.CharField("方面", max_length=20)
    observed_on = models.DateField("发现日期")
    description = models.TextField("问题描述")
    firm_deduction = models.DecimalField("第三方扣分", max_digits=5, decimal_places=1, null=True, blank=True)
    created_at = models.DateTimeField("登记时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "第三方检查发现的问题"
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return f"{self.branch} {self.description[:20]}"

    @property
    def aspect_label(self) -> str:
        from supervision.conf import THIRD_PARTY_ASPECTS

        return dict(THIRD_PARTY_ASPECTS).get(self.aspect, self.aspect)


class NoticeStatus(models.TextChoices):
    ISSUED = "issued", "已交办，待整改"
    ANSWERED = "answered", "已报送整改报告，待验收"
    RETURNED = "returned", "验收未通过，重新整改"
    ACCEPTED = "accepted", "已验收销号"


AWAITING_ANSWER = (NoticeStatus.ISSUED, NoticeStatus.RETURNED)


class IssueNoticeQuerySet(models.QuerySet["IssueNotice"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> IssueNoticeQuerySet:
        scope = _scope_filter(user, "branch_id")
        return self if scope is None else self.filter(scope)

    def overdue(self, today: object) -> IssueNoticeQuerySet:
        return self.filter(status__in=AWAITING_ANSWER, deadline__lt=today)


class IssueNotice(models.Model):
    """《问题交办函》 (004 §四 "中心向网点下达《问题交办函》"): one finding handed to a
    branch with a deadline. The branch answers with a 《问题整改报告》 and the directly
    responsible person's 《个人检查》; it is closed only when the office accepts the
    rectification (验收销号); past its deadline without an answer it is overdue."""

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        NoticeStatus.ISSUED: frozenset({NoticeStatus.ANSWERED}),
        NoticeStatus.ANSWERED: frozenset({NoticeStatus.ACCEPTED, NoticeStatus.RETURNED}),
        NoticeStatus.RETURNED: frozenset({NoticeStatus.ANSWERED}),
        NoticeStatus.ACCEPTED: frozenset(),
    }
    INITIAL: ClassVar[frozenset[str]] = frozenset({NoticeStatus.ISSUED})

    no = models.CharField("交办函编号", max_length=20, unique=True)
    finding = models.OneToOneField(ThirdPartyFinding, on_delete=models.PROTECT, related_name="notice")
    branch = models.ForeignKey(
        "org.Branch", verbose_name="管理部", on_delete=models.PROTECT, related_name="+"
    )
    requirements = models.TextField("整改要求")
    issued_on = models.DateField("交办日期")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="交办人", on_delete=models.PROTECT, related_name="+"
    )
    issued_by_label = models.CharField("交办人", max_length=100)
    deadline = models.DateField("整改期限", db_index=True)
    status = models.CharField("状态", max_length=20, choices=NoticeStatus.choices, db_index=True)
    accepted_at = models.DateTimeField("验收时间", null=True, blank=True)

    objects = IssueNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "问题交办函"
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.no

    def is_overdue(self, today: object) -> bool:
        return self.status in AWAITING_ANSWER and self.deadline < today  # type: ignore[operator]


class IssueNoticeEvent(StatusEvent):
    """One change of an issue notice: issued, answered, returned, accepted."""

    notice = models.ForeignKey(IssueNotice, on_delete=models.PROTECT, related_name="events")

    class Meta(StatusEvent.Meta):
        verbose_name = verbose_name_plural = "问题交办函变更"


class Rectification(models.Model):
    """A branch's 《问题整改报告》 on an issue notice (查找原因、整改措施、举一反三完善制度)
    with the directly responsible person's written 《个人检查》 (004 §四), and the office's
    acceptance or return. A returned notice gets a new report (round + 1)."""

    notice = models.ForeignKey(IssueNotice, on_delete=models.PROTECT, related_name="rectifications")
    round = models.PositiveSmallIntegerField("第几次报送")
    causes = models.TextField("原因分析")
    measures = models.TextField("整改措施及结果")
    systemic = models.TextField("举一反三、完善制度", blank=True)
    responsible_staff = models.ForeignKey(
        "org.Staff",
        verbose_name="直接责任人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    self_examination = models.TextField("个人检查", blank=True)
    no_individual_reason = models.TextField("无直接责任人的说明", blank=True)
    submitted_at = models.DateTimeField("报送时间", default=clock.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT, related_name="+"
    )
    submitted_by_label = models.CharField("报送人", max_length=100)
    decision = models.CharField(
        "验收结论",
        max_length=20,
        blank=True,
        choices=[("accepted", "验收通过"), ("returned", "退回重新整改")],
    )
    review_note = models.TextField("验收意见", blank=True)
    reviewed_at = models.DateTimeField("验收时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="验收人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_by_label = models.CharField("验收人", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "问题整改报告"
        ordering = ["notice", "round"]
        constraints = [models.UniqueConstraint(fields=["notice", "round"], name="sup_rect_round_unique")]

    def __str__(self) -> str:
        return f"{self.notice.no} 第{self.round}次整改报告"
