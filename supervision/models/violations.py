"""The violations ledger (违规处罚台账, 002 篇4 一1–10) with its counter-entries, and the
reports to a staff member's unit (一月内三次以上、及时通报), with their timelines."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from common import clock
from common.actors import staff_of
from common.events import StatusEvent
from supervision.models.inspections import InspectionFinding
from supervision.models.patrols import Patrol

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class ViolationSource(models.TextChoices):
    PATROL = "patrol", "巡查发现"
    INSPECTION = "inspection", "检查发现"
    COMPLAINT = "complaint", "有效投诉"
    BREACH = "breach", "违反首问负责制"
    MANUAL = "manual", "其他查实"


class EntryKind(models.TextChoices):
    ENTRY = "entry", "登记"
    REVERSAL = "reversal", "冲正"


class ViolationStatus(models.TextChoices):
    ACTIVE = "active", "有效"
    REVERSED = "reversed", "已冲正"
    COUNTER = "counter", "冲正记录"


# Ledger codes for violations that are not a penalty item of the fines rule set.
COMPLAINT_ITEM = "complaint"
BREACH_ITEM = "first_inquiry"


class ViolationQuerySet(models.QuerySet["Violation"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> ViolationQuerySet:
        """Office, leaders, inspectors, administrators: all. A department head: the own
        branch. Everybody else: their own record."""
        from org.access import user_roles
        from org.models import Role

        roles = user_roles(user)
        if roles & {Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.ADMIN}:
            return self
        staff = staff_of(user)
        if not roles or staff is None:
            return self.none()
        mine = Q(staff=staff)
        if Role.HEAD in roles and staff.branch_id:
            mine |= Q(branch_id=staff.branch_id) | Q(staff__branch_id=staff.branch_id)
        return self.filter(mine)

    def entries(self) -> ViolationQuerySet:
        return self.filter(kind=EntryKind.ENTRY)

    def active(self) -> ViolationQuerySet:
        return self.filter(kind=EntryKind.ENTRY, status=ViolationStatus.ACTIVE)


class Violation(models.Model):
    """One line of the violations ledger (违规处罚台账): a violation of a staff member
    (or, item 10, of the security guard on duty) with the amount or consequence of the
    fines rule set in force on the day it happened (002 篇4 一1–10), found by a patrol,
    an inspection, a valid complaint (the complaint_penalty fine of the complaints app)
    or a first-inquiry breach (003 §十). Append-only: a wrong line is never changed or
    deleted but reversed by a counter-entry (`kind = reversal`, negative amount) with a
    reason; the reversed line keeps its content with status 已冲正."""

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        ViolationStatus.ACTIVE: frozenset({ViolationStatus.REVERSED}),
        ViolationStatus.REVERSED: frozenset(),
        ViolationStatus.COUNTER: frozenset(),
    }
    # A ledger line is entered active; a counter-entry is entered as such.
    INITIAL: ClassVar[frozenset[str]] = frozenset({ViolationStatus.ACTIVE, ViolationStatus.COUNTER})

    no = models.CharField("台账编号", max_length=20, unique=True)
    kind = models.CharField("记录类型", max_length=10, choices=EntryKind.choices, default=EntryKind.ENTRY)
    reverses = models.OneToOneField(
        "self",
        verbose_name="冲正的记录",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
    )
    staff = models.ForeignKey(
        "org.Staff",
        verbose_name="工作人员",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    offender_name = models.CharField("当事人", max_length=50, help_text="工作人员姓名，或值日保安人员")
    branch = models.ForeignKey(
        "org.Branch", verbose_name="管理部", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    window = models.ForeignKey(
        "org.Window", verbose_name="窗口", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occurred_on = models.DateField("违规日期", db_index=True)
    item_code = models.CharField("处罚事项", max_length=20)
    item_text = models.CharField("违规行为", max_length=300)
    clause = models.CharField("依据条款", max_length=80)
    amount_yuan = models.IntegerField("罚款（元）", null=True, blank=True)
    consequences = models.JSONField("其他处罚", default=list, blank=True)
    monthly_report = models.BooleanField("适用一月内三次以上通报", default=False)
    source = models.CharField("来源", max_length=20, choices=ViolationSource.choices)
    patrol = models.ForeignKey(
        Patrol,
        verbose_name="巡查",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="violations",
    )
    finding = models.OneToOneField(
        InspectionFinding,
        verbose_name="检查发现",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="violation",
    )
    complaint_fine = models.ForeignKey(
        "complaints.Fine",
        verbose_name="有效投诉处罚",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    breach = models.ForeignKey(
        "inquiries.Breach",
        verbose_name="违反首问负责制记录",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source_ref = models.CharField("来源记录", max_length=60, blank=True)
    note = models.TextField("情况说明", blank=True)
    reason = models.TextField("冲正理由", blank=True)
    status = models.CharField("状态", max_length=20, choices=ViolationStatus.choices)
    rules_ref = models.CharField("规则集", max_length=80)
    recorded_at = models.DateTimeField("登记时间", default=clock.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by_label = models.CharField("登记人", max_length=100)

    objects = ViolationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "违规处罚台账"
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["staff", "item_code", "occurred_on"], name="sup_viol_count_idx"),
        ]
        constraints = [
            # One ledger line per complaint fine and per breach (the sync is idempotent).
            models.UniqueConstraint(
                fields=["complaint_fine"],
                condition=Q(kind="entry", complaint_fine__isnull=False),
                name="sup_viol_once_per_complaint_fine",
            ),
            models.UniqueConstraint(
                fields=["breach"],
                condition=Q(kind="entry", breach__isnull=False),
                name="sup_viol_once_per_breach",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.no} {self.offender_name} {self.item_text[:20]}"

    @property
    def is_reversal(self) -> bool:
        return self.kind == EntryKind.REVERSAL


class ViolationEvent(StatusEvent):
    """One change of a ledger line: entered, reversed; a counter-entry's entry."""

    violation = models.ForeignKey(Violation, on_delete=models.PROTECT, related_name="events")

    class Meta(StatusEvent.Meta):
        verbose_name = verbose_name_plural = "违规记录变更"


class ReportKind(models.TextChoices):
    REPEAT = "repeat", "一月内三次以上"
    IMMEDIATE = "immediate", "及时通报"


class ReportStatus(models.TextChoices):
    PENDING = "pending", "待通报"
    SENT = "sent", "已通报"
    WITHDRAWN = "withdrawn", "已撤销"
    RETRACTED = "retracted", "已发更正"


LIVE_REPORT = (ReportStatus.PENDING, ReportStatus.SENT)


class UnitReportQuerySet(models.QuerySet["UnitReport"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> UnitReportQuerySet:
        from org.access import user_roles
        from org.models import Role

        roles = user_roles(user)
        if roles & {Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.ADMIN}:
            return self
        staff = staff_of(user)
        if not roles or staff is None:
            return self.none()
        mine = Q(staff=staff)
        if Role.HEAD in roles and staff.branch_id:
            mine |= Q(staff__branch_id=staff.branch_id)
        return self.filter(mine)


class UnitReport(models.Model):
    """A report to the staff member's unit (向科室、窗口的主管单位通报): 002 篇4 一2、3、6、8、9
    "一月内出现三次以上行为" — read as three or more violations of the same person under the
    same penalty item in one calendar month (the fines rule set's interpretation) — or,
    item 5, at once ("及时…通报"). Raised by the violation that reached the threshold;
    withdrawn when a reversal takes the count below it before it was sent."""

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        ReportStatus.PENDING: frozenset({ReportStatus.SENT, ReportStatus.WITHDRAWN}),
        ReportStatus.SENT: frozenset({ReportStatus.RETRACTED}),
        ReportStatus.WITHDRAWN: frozenset(),
        ReportStatus.RETRACTED: frozenset(),
    }
    INITIAL: ClassVar[frozenset[str]] = frozenset({ReportStatus.PENDING})

    staff = models.ForeignKey(
        "org.Staff", verbose_name="工作人员", on_delete=models.PROTECT, related_name="+"
    )
    item_code = models.CharField("处罚事项", max_length=20)
    item_text = models.CharField("违规行为", max_length=300)
    kind = models.CharField("类型", max_length=20, choices=ReportKind.choices)
    month = models.DateField("所属月份", help_text="该月第一天")
    threshold = models.PositiveSmallIntegerField("通报次数线")
    count_at_trigger = models.PositiveSmallIntegerField("触发时次数")
    trigger = models.ForeignKey(
        Violation, verbose_name="触发的违规记录", on_delete=models.PROTECT, related_name="unit_reports"
    )
    unit = models.CharField("通报单位", max_length=100, help_text="科室、窗口的主管单位")
    action = models.CharField("处理", max_length=100)
    status = models.CharField("状态", max_length=20, choices=ReportStatus.choices)
    sent_on = models.DateField("通报日期", null=True, blank=True)
    sent_note = models.TextField("通报情况", blank=True)
    rules_ref = models.CharField("处罚规则集", max_length=80)
    created_at = models.DateTimeField("生成时间", default=clock.now)

    objects = UnitReportQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "违规通报"
        ordering = ["-month", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "item_code", "month"],
                condition=Q(status__in=["pending", "sent"], kind="repeat"),
                name="sup_report_once_per_person_item_month",
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff.name} {self.month:%Y-%m} {self.item_text[:20]}"


class UnitReportEvent(StatusEvent):
    """One change of a report to a unit: raised, sent, withdrawn, retracted, and the
    notes that a sent report needs a correction."""

    report = models.ForeignKey(UnitReport, on_delete=models.PROTECT, related_name="events")

    class Meta(StatusEvent.Meta):
        verbose_name = verbose_name_plural = "违规通报变更"
