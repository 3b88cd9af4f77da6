"""监督检查 — inspections, patrols, violations and fines, third-party findings, facilities.

Regulations: 000 §一–§四 (the norms an inspection checks), §五(五)2(2)、4(2) (监督检查
20分: 日常检查10分、突击检查5分、上级领导检查5分; 正负面清单), §五(五)5 (通报批评);
002 篇4 (绩效考核处罚办法: penalty items 1–10, 一月内三次以上通报, 每日巡查与《巡查表》,
每月汇总签批); 004 §四 (第三方监督: 每季度检查报告, 《问题交办函》, 《问题整改报告》,
《个人检查》). Writes go through `supervision.services`; every change of status leaves a
`SupervisionEvent` and an audit event in the same transaction. Nothing is deleted: a
wrong inspection or patrol is voided, a wrong violation is reversed by a counter-entry.
"""

from __future__ import annotations

import secrets
from pathlib import PurePath
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q

from common import clock
from common.identity import scrub

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

NEW = ""  # the "from" status of a creating event


def _scope_filter(user: AbstractBaseUser | AnonymousUser, field: str) -> Q | None:
    """None = no restriction; else the Q limiting rows to the user's branch (`field`)."""
    from org.access import branch_scope

    scope = branch_scope(user)
    if scope is None:
        return None
    return Q(**{f"{field}__in": scope})


# ---------------------------------------------------------------------------------------
# The checklist


class Dimension(models.TextChoices):
    """000 §五(五)4(2): 重点评价服务形象及态度、工作纪律、业务技能及业务办理情况、环境卫生四个方面."""

    IMAGE = "image", "服务形象及态度"
    DISCIPLINE = "discipline", "工作纪律"
    SKILLS = "skills", "业务技能及业务办理"
    ENVIRONMENT = "environment", "环境卫生"


class InspectionKind(models.TextChoices):
    """000 §五(五)4(2); the codes are those of the window-score rule set's `inspections`."""

    DAILY = "daily", "日常检查"
    SURPRISE = "surprise", "突击检查"
    LEADER = "leader", "上级领导检查"


class Polarity(models.TextChoices):
    NEGATIVE = "negative", "负面清单（发现即扣分）"
    POSITIVE = "positive", "正面清单（未做到扣分）"


class Subject(models.TextChoices):
    STAFF = "staff", "工作人员"
    WINDOW = "window", "窗口与大厅"


class ChecklistItem(models.Model):
    """One line of the inspection sheet (检查评分表), from the norms of 000 §一–§四 in
    the four dimensions of 000 §五(五)4(2). `deduction` is on a 100-point sheet and is
    a product setting, not a number of the regulation (supervision/checklist.py).
    Loaded by the data migration; rows are deactivated, never deleted, and a finding
    keeps a copy of the item as it was when recorded."""

    code = models.CharField("编号", max_length=10, unique=True)
    dimension = models.CharField("检查方面", max_length=20, choices=Dimension.choices)
    polarity = models.CharField("清单", max_length=10, choices=Polarity.choices, default=Polarity.NEGATIVE)
    text = models.CharField("检查内容", max_length=200)
    clause = models.CharField("依据条款", max_length=60)
    deduction = models.PositiveSmallIntegerField("扣分（百分制）", help_text="产品设置，非法规条文规定的分值")
    subject = models.CharField("针对", max_length=10, choices=Subject.choices, default=Subject.STAFF)
    fine_item = models.CharField("对应处罚事项", max_length=10, blank=True, help_text="处罚规则集的事项编号")
    appraisal_item = models.CharField(
        "对应考核项目", max_length=10, blank=True, help_text="考核细则的项目编号"
    )
    kinds = models.JSONField("适用的检查类型", default=list)
    order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "检查项目"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


# ---------------------------------------------------------------------------------------
# Events


class SubjectType(models.TextChoices):
    INSPECTION = "inspection", "检查"
    PATROL = "patrol", "巡查"
    VIOLATION = "violation", "违规记录"
    UNIT_REPORT = "unit_report", "通报"
    SUMMARY = "summary", "月度汇总"
    NOTICE = "notice", "问题交办函"
    FACILITY = "facility", "设施"


class SupervisionEvent(models.Model):
    """One change of status of a supervision record (who, when, from, to, note) — the
    timeline every page shows and the history behind counts and reports."""

    subject_type = models.CharField("对象", max_length=20, choices=SubjectType.choices)
    subject_id = models.PositiveBigIntegerField("对象编号")
    at = models.DateTimeField("时间", default=clock.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField("操作人", max_length=100)
    from_status = models.CharField("原状态", max_length=20, blank=True)
    to_status = models.CharField("新状态", max_length=20)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "监督检查记录变更"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="sup_event_subject_idx")]

    def __str__(self) -> str:
        return f"{self.subject_type}#{self.subject_id} {self.from_status}→{self.to_status}"


class Sequence(models.Model):
    """The last number given under a key (e.g. "JC2026"), locked while counting."""

    key = models.CharField(max_length=20, primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "编号"

    def __str__(self) -> str:
        return f"{self.key} {self.last}"


def _upload_path(instance: Upload, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"supervision/{clock.today():%Y/%m}/{secrets.token_hex(16)}{suffix}"


class UploadOwner(models.TextChoices):
    INSPECTION = "inspection", "检查"
    TP_FINDING = "tp_finding", "第三方检查发现的问题"
    RECTIFICATION = "rectification", "整改报告"


class Upload(models.Model):
    """A photo or scan (000 §五(五)4(2) inspections; 004 §四 "实施全程拍照") under a random
    name in MEDIA_ROOT. Served only through the owning record's access check."""

    owner_type = models.CharField("所属", max_length=20, choices=UploadOwner.choices)
    owner_id = models.PositiveBigIntegerField("所属编号")
    file = models.FileField("文件", upload_to=_upload_path)
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=100)
    caption = models.CharField("说明", max_length=200, blank=True)
    uploaded_at = models.DateTimeField("上传时间", default=clock.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "照片与附件"
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="sup_upload_owner_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


# ---------------------------------------------------------------------------------------
# Inspections


class InspectionStatus(models.TextChoices):
    RECORDED = "recorded", "已登记"
    PUBLISHED = "published", "已通报"
    VOIDED = "voided", "已作废"


INSPECTION_TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({InspectionStatus.RECORDED}),
    InspectionStatus.RECORDED: frozenset({InspectionStatus.PUBLISHED, InspectionStatus.VOIDED}),
    InspectionStatus.PUBLISHED: frozenset({InspectionStatus.VOIDED}),
    InspectionStatus.VOIDED: frozenset(),
}
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


# ---------------------------------------------------------------------------------------
# Patrols (002 篇4 二; the 日常巡查值班记录表)


class PatrolStatus(models.TextChoices):
    RECORDED = "recorded", "巡查人员已签字"
    SIGNED = "signed", "值日领导已签字"
    VOIDED = "voided", "已作废"


PATROL_TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({PatrolStatus.RECORDED}),
    PatrolStatus.RECORDED: frozenset({PatrolStatus.SIGNED, PatrolStatus.VOIDED}),
    PatrolStatus.SIGNED: frozenset({PatrolStatus.VOIDED}),
    PatrolStatus.VOIDED: frozenset(),
}


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


# ---------------------------------------------------------------------------------------
# Violations and fines (002 篇4 一, 二)


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


VIOLATION_TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({ViolationStatus.ACTIVE, ViolationStatus.COUNTER}),
    ViolationStatus.ACTIVE: frozenset({ViolationStatus.REVERSED}),
    ViolationStatus.REVERSED: frozenset(),
    ViolationStatus.COUNTER: frozenset(),
}

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
        staff = getattr(user, "staff", None)
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


class ReportKind(models.TextChoices):
    REPEAT = "repeat", "一月内三次以上"
    IMMEDIATE = "immediate", "及时通报"


class ReportStatus(models.TextChoices):
    PENDING = "pending", "待通报"
    SENT = "sent", "已通报"
    WITHDRAWN = "withdrawn", "已撤销"
    RETRACTED = "retracted", "已发更正"


REPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({ReportStatus.PENDING}),
    ReportStatus.PENDING: frozenset({ReportStatus.SENT, ReportStatus.WITHDRAWN}),
    ReportStatus.SENT: frozenset({ReportStatus.RETRACTED}),
    ReportStatus.WITHDRAWN: frozenset(),
    ReportStatus.RETRACTED: frozenset(),
}
LIVE_REPORT = (ReportStatus.PENDING, ReportStatus.SENT)


class UnitReportQuerySet(models.QuerySet["UnitReport"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> UnitReportQuerySet:
        from org.access import user_roles
        from org.models import Role

        roles = user_roles(user)
        if roles & {Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.ADMIN}:
            return self
        staff = getattr(user, "staff", None)
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


class SummaryStatus(models.TextChoices):
    SUBMITTED = "submitted", "已报送，待签批"
    SIGNED = "signed", "已签批"
    SUPERSEDED = "superseded", "已重新报送"


SUMMARY_TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({SummaryStatus.SUBMITTED}),
    SummaryStatus.SUBMITTED: frozenset({SummaryStatus.SIGNED, SummaryStatus.SUPERSEDED}),
    SummaryStatus.SIGNED: frozenset(),
    SummaryStatus.SUPERSEDED: frozenset(),
}


class Capacity(models.TextChoices):
    """002 篇4 二2: 交区行管委分管领导和主要领导签批."""

    DEPUTY = "deputy", "分管领导"
    PRINCIPAL = "principal", "主要领导"


class PatrolSummary(models.Model):
    """The monthly summary of the patrols (002 篇4 二2 "每月初将上月的汇总情况交…分管领导
    和主要领导签批"): the figures as they stood when the office submitted it (a frozen
    snapshot, so what a leader signs cannot change under the signature), and the two
    signatures. A corrected ledger is submitted again; the old summary is superseded."""

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


# ---------------------------------------------------------------------------------------
# Third-party inspections (004 §四)


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


NOTICE_TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({NoticeStatus.ISSUED}),
    NoticeStatus.ISSUED: frozenset({NoticeStatus.ANSWERED}),
    NoticeStatus.ANSWERED: frozenset({NoticeStatus.ACCEPTED, NoticeStatus.RETURNED}),
    NoticeStatus.RETURNED: frozenset({NoticeStatus.ANSWERED}),
    NoticeStatus.ACCEPTED: frozenset(),
}
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


# ---------------------------------------------------------------------------------------
# Facilities (000 §四(三)3 消防设施: 灭火器、消防栓，均在有效期)


class FacilityKind(models.TextChoices):
    EXTINGUISHER = "extinguisher", "灭火器"
    HYDRANT = "hydrant", "消防栓"
    EMERGENCY_LIGHT = "emergency_light", "应急照明"
    FIRST_AID = "first_aid", "急救药箱"
    OTHER = "other", "其他"


class FacilityStatus(models.TextChoices):
    IN_SERVICE = "in_service", "在用"
    RETIRED = "retired", "已停用"


FACILITY_TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({FacilityStatus.IN_SERVICE}),
    FacilityStatus.IN_SERVICE: frozenset({FacilityStatus.IN_SERVICE, FacilityStatus.RETIRED}),
    FacilityStatus.RETIRED: frozenset(),
}


class FacilityQuerySet(models.QuerySet["Facility"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> FacilityQuerySet:
        scope = _scope_filter(user, "branch_id")
        return self if scope is None else self.filter(scope)

    def in_service(self) -> FacilityQuerySet:
        return self.filter(status=FacilityStatus.IN_SERVICE)


class Facility(models.Model):
    """A facility with a validity date — fire extinguishers and hydrants (000 §四(三)3
    "均在有效期，保障设施正常使用"), emergency lights, the first-aid box of the waiting
    area (§四(二)5). Warned about a product-set number of days before it expires;
    renewing (refill, replacement, inspection) sets a new date, with an event."""

    branch = models.ForeignKey(
        "org.Branch", verbose_name="管理部", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类别", max_length=20, choices=FacilityKind.choices)
    name = models.CharField("名称规格", max_length=100, help_text="例如：手提式干粉灭火器 MFZ/ABC4")
    location = models.CharField("位置", max_length=100)
    serial = models.CharField("编号", max_length=50, blank=True)
    valid_until = models.DateField("有效期至", db_index=True)
    last_checked_on = models.DateField("最近检查日期", null=True, blank=True)
    status = models.CharField("状态", max_length=20, choices=FacilityStatus.choices)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", default=clock.now)

    objects = FacilityQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "消防与便民设施"
        ordering = ["branch", "valid_until", "id"]

    def __str__(self) -> str:
        return f"{self.branch} {self.get_kind_display()} {self.location}"


# ---------------------------------------------------------------------------------------
# Weekly review of a hall (000 §二(一)4) and the yearly complaint analysis (000 §五(四)12)


class WeeklyReviewStatus(models.TextChoices):
    DRAFT = "draft", "填写中"
    SUBMITTED = "submitted", "已提交"


WEEKLY_REVIEW_TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({WeeklyReviewStatus.DRAFT}),
    WeeklyReviewStatus.DRAFT: frozenset({WeeklyReviewStatus.SUBMITTED}),
    # A submitted record found incomplete is reopened with a reason and submitted again.
    WeeklyReviewStatus.SUBMITTED: frozenset({WeeklyReviewStatus.DRAFT}),
}


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


class WeeklyReviewEvent(models.Model):
    """One change of a weekly review (created, saved, submitted, reopened): who, when,
    from, to, note."""

    review = models.ForeignKey(WeeklyReview, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField("时间", default=clock.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField("操作人", max_length=100)
    from_status = models.CharField("原状态", max_length=20, blank=True)
    to_status = models.CharField("新状态", max_length=20)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "每周工作总结变更"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.review_id} {self.from_status}→{self.to_status}"


class AnalysisStatus(models.TextChoices):
    DRAFT = "draft", "起草中"
    SUBMITTED = "submitted", "已报中心审议"
    APPROVED = "approved", "审议通过，整改落实"


ANALYSIS_TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({AnalysisStatus.DRAFT}),
    AnalysisStatus.DRAFT: frozenset({AnalysisStatus.SUBMITTED}),
    # The centre sends it back for rework, or adopts it.
    AnalysisStatus.SUBMITTED: frozenset({AnalysisStatus.DRAFT, AnalysisStatus.APPROVED}),
    AnalysisStatus.APPROVED: frozenset(),
}


class ComplaintAnalysis(models.Model):
    """The written part of the yearly complaint analysis (000 §五(四)12): "详细调查分析
    产生原因，查找工作中的薄弱点，提出预防纠正措施，报中心审议研究后开展整改落实". The counts
    come from the complaint records (complaints.analysis) and are computed when printed;
    this row keeps what the business management office writes (causes, weak points,
    preventive and corrective measures), its submission to the centre and the centre's
    opinion. One per year. It lives in supervision beside the weekly review: it is the
    office's supervisory write-up over a year of complaints, not a state of any
    complaint."""

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


class ComplaintAnalysisEvent(models.Model):
    """One change of a yearly complaint analysis: who, when, from, to, note."""

    analysis = models.ForeignKey(ComplaintAnalysis, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField("时间", default=clock.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField("操作人", max_length=100)
    from_status = models.CharField("原状态", max_length=20, blank=True)
    to_status = models.CharField("新状态", max_length=20)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "投诉年度分析变更"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.analysis_id} {self.from_status}→{self.to_status}"
