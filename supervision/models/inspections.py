"""Inspections of a window and its staff member (000 §五(五)4(2): 日常检查、突击检查、上级领导检查)
with the checklist items found, and their timeline."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from common import clock
from common.events import StatusEvent
from supervision.models._base import _scope_filter
from supervision.models.checklist import ChecklistItem, Dimension, InspectionKind, Polarity

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class InspectionStatus(models.TextChoices):
    RECORDED = "recorded", "已登记"
    PUBLISHED = "published", "已通报"
    VOIDED = "voided", "已作废"


COUNTED_INSPECTION = (InspectionStatus.RECORDED, InspectionStatus.PUBLISHED)


class InspectionQuerySet(models.QuerySet["Inspection"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> InspectionQuerySet:
        scope = _scope_filter(user, "branch_id")
        return self if scope is None else self.filter(scope)

    def counted(self) -> InspectionQuerySet:
        return self.filter(status__in=COUNTED_INSPECTION)


class Inspection(models.Model):
    """One inspection of one window (and the staff member serving there) on one
    occasion: 日常检查 (10 points), 突击检查 (5) or 上级领导检查 (5, by the 正负面清单) of
    000 §五(五)4(2). The sheet is scored out of the product's full marks (100) less
    every finding's deduction; the window score scales it to the type's weight. A
    surprise inspection's findings are pointed out on the spot and published (通报)."""

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        InspectionStatus.RECORDED: frozenset({InspectionStatus.PUBLISHED, InspectionStatus.VOIDED}),
        InspectionStatus.PUBLISHED: frozenset({InspectionStatus.VOIDED}),
        InspectionStatus.VOIDED: frozenset(),
    }
    INITIAL: ClassVar[frozenset[str]] = frozenset({InspectionStatus.RECORDED})

    no = models.CharField("检查编号", max_length=20, unique=True)
    kind = models.CharField("检查类型", max_length=20, choices=InspectionKind.choices)
    branch = models.ForeignKey(
        "org.Branch", verbose_name="管理部", on_delete=models.PROTECT, related_name="+"
    )
    window = models.ForeignKey("org.Window", verbose_name="窗口", on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(
        "org.Staff",
        verbose_name="窗口工作人员",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
    )
    inspected_at = models.DateTimeField("检查时间")
    inspected_on = models.DateField("检查日期", db_index=True)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="检查人", on_delete=models.PROTECT, related_name="+"
    )
    inspector_name = models.CharField("检查人", max_length=100)
    full_marks = models.PositiveSmallIntegerField("满分（百分制）")
    sheet_score = models.PositiveSmallIntegerField("检查得分（百分制）")
    pointed_out = models.BooleanField("已当场指出", default=False)
    pointed_out_note = models.CharField("当场指出情况", max_length=200, blank=True)
    note = models.TextField("检查情况", blank=True)
    status = models.CharField("状态", max_length=20, choices=InspectionStatus.choices)
    published_at = models.DateTimeField("通报时间", null=True, blank=True)
    published_note = models.TextField("通报内容", blank=True)
    voided_reason = models.TextField("作废理由", blank=True)
    rules_ref = models.CharField("服务窗口评价规则集", max_length=80)
    created_at = models.DateTimeField("登记时间", default=clock.now)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "检查"
        ordering = ["-inspected_at", "-id"]
        indexes = [
            models.Index(fields=["window", "inspected_on"], name="sup_insp_window_idx"),
            models.Index(fields=["staff", "inspected_on"], name="sup_insp_staff_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(sheet_score__lte=models.F("full_marks")), name="sup_insp_sheet_le_full"
            )
        ]

    def __str__(self) -> str:
        return f"{self.no} {self.get_kind_display()}"

    @property
    def is_counted(self) -> bool:
        return self.status in COUNTED_INSPECTION


class InspectionFinding(models.Model):
    """One checklist item found (negative list) or not met (positive list) at an
    inspection, with a copy of the item's text, clause and points as they were."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    item = models.ForeignKey(
        ChecklistItem, verbose_name="检查项目", on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField("编号", max_length=10)
    dimension = models.CharField("检查方面", max_length=20, choices=Dimension.choices)
    polarity = models.CharField("清单", max_length=10, choices=Polarity.choices)
    text = models.CharField("检查内容", max_length=200)
    clause = models.CharField("依据条款", max_length=60)
    deduction = models.PositiveSmallIntegerField("扣分")
    staff = models.ForeignKey(
        "org.Staff", verbose_name="责任人", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fine_item = models.CharField("对应处罚事项", max_length=10, blank=True)
    appraisal_item = models.CharField("对应考核项目", max_length=10, blank=True)
    note = models.CharField("情况说明", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "检查发现的问题"
        ordering = ["inspection", "code"]

    def __str__(self) -> str:
        return f"{self.code} −{self.deduction}"


class InspectionEvent(StatusEvent):
    """One change of an inspection (recorded, published, voided)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="events")

    class Meta(StatusEvent.Meta):
        verbose_name = verbose_name_plural = "检查变更"
