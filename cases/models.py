"""Cases (办件): an application accepted at a window and handled within its legal time
limit, from acceptance to the delivery of the result.

Regulations: 000 §五(二) 限时办结制度 (the time limit, extensions, overdue), §五(三)
(one-time notice of what is missing); 002 篇1 §二 (审核流程, 第一责任人); 002 篇3 §三13
(即办件、承诺件、联办件、补办件、退回件); 002 篇5 窗口办件工作规程 (告知、受理、办理、反馈).

Every stateful row here has a TextChoices status, its transitions map (`TRANSITIONS`,
where a record starts: `INITIAL`) and an event row per change on the case's timeline
(`CaseEvent`, a `common.events.StatusEvent`: who, when, from, to, the internal note and —
when the applicant may see it — the public note; a move of a supplement, an extension, a
handover, an escalation or a review names its record). Only `cases.services` writes
them, through `audit.transitions.transition`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from catalog.models import HandlingType, Matter, MatterMaterial, MatterVersion
from common import clock
from common.events import StatusEvent
from org.models import Branch, Department, Staff, Window

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class ApplicantKind(models.TextChoices):
    PERSON = "person", "个人"
    EMPLOYER = "employer", "单位"


class Channel(models.TextChoices):
    """How the application came in: at a window (usually from a queue ticket), by mail
    or online (no ticket)."""

    COUNTER = "counter", "窗口受理"
    MAIL = "mail", "邮寄申请"
    ONLINE = "online", "网上申请"


class DeliveryMethod(models.TextChoices):
    """How the result reaches the applicant (送达), chosen at acceptance (002 篇5 §二2⑥
    取件时间) and recorded with its time when done."""

    PICKUP = "pickup", "窗口领取"
    MAIL = "mail", "邮寄送达"
    ELECTRONIC = "electronic", "电子送达"


class NotifyMethod(models.TextChoices):
    """How the applicant was told the decision (002 篇5 §四1–2 反馈)."""

    IN_PERSON = "in_person", "当面告知"
    PHONE = "phone", "电话告知"
    SMS = "sms", "短信告知"
    LETTER = "letter", "书面告知"


class Outcome(models.TextChoices):
    APPROVED = "approved", "准予办理"
    REFUSED = "refused", "不予批准"


class CaseStatus(models.TextChoices):
    SUPPLEMENT = "supplement", "待补正材料"
    ACCEPTED = "accepted", "办理中"
    JOINT = "joint", "联办中（等待相关部门意见）"
    ESCALATED = "escalated", "已转报上级（等待批复）"
    COMPLETED = "completed", "已办结，待送达"
    DELIVERED = "delivered", "已办结并送达"
    REJECTED = "rejected", "不予受理"
    REVIEW = "review", "复核中"
    WITHDRAWN = "withdrawn", "申请人已撤回"


CASE_TRANSITIONS: dict[str, frozenset[str]] = {
    # "" is the state before registration: a case is accepted, sent for supplement or
    # refused on the spot.
    "": frozenset({CaseStatus.SUPPLEMENT, CaseStatus.ACCEPTED, CaseStatus.REJECTED}),
    CaseStatus.SUPPLEMENT: frozenset({CaseStatus.ACCEPTED, CaseStatus.REJECTED, CaseStatus.WITHDRAWN}),
    CaseStatus.ACCEPTED: frozenset(
        {CaseStatus.JOINT, CaseStatus.ESCALATED, CaseStatus.COMPLETED, CaseStatus.WITHDRAWN}
    ),
    CaseStatus.JOINT: frozenset({CaseStatus.ACCEPTED, CaseStatus.WITHDRAWN}),
    CaseStatus.ESCALATED: frozenset({CaseStatus.ACCEPTED, CaseStatus.WITHDRAWN}),
    CaseStatus.COMPLETED: frozenset({CaseStatus.DELIVERED}),
    CaseStatus.DELIVERED: frozenset(),
    CaseStatus.REJECTED: frozenset({CaseStatus.REVIEW}),
    # A review upholds the refusal, or overturns it: the application counts as accepted
    # (or, when materials are still missing, as waiting for them).
    CaseStatus.REVIEW: frozenset({CaseStatus.REJECTED, CaseStatus.ACCEPTED, CaseStatus.SUPPLEMENT}),
    CaseStatus.WITHDRAWN: frozenset(),
}

# The clock runs (the case has a deadline to meet).
RUNNING = (CaseStatus.ACCEPTED, CaseStatus.JOINT, CaseStatus.ESCALATED)
# Not finished: still on somebody's worklist.
OPEN = (CaseStatus.SUPPLEMENT, *RUNNING, CaseStatus.COMPLETED, CaseStatus.REVIEW)
DECIDED = (CaseStatus.COMPLETED, CaseStatus.DELIVERED)

# What the applicant sees for each status on the public query page.
PUBLIC_STATUS = {
    CaseStatus.SUPPLEMENT: "待补正材料",
    CaseStatus.ACCEPTED: "已受理，正在办理",
    CaseStatus.JOINT: "已受理，相关部门联合办理中",
    CaseStatus.ESCALATED: "已审核，报上级审批中",
    CaseStatus.COMPLETED: "已办结，待领取/送达",
    CaseStatus.DELIVERED: "已办结",
    CaseStatus.REJECTED: "不予受理",
    CaseStatus.REVIEW: "复核申请处理中",
    CaseStatus.WITHDRAWN: "已撤回申请",
}


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> CaseQuerySet:
        """Branch-scoped roles see their branch's cases and the cases handed over to
        their department (联办, 000 §五(二)2(3)); the centre's roles see every case."""
        from org.access import branch_scope

        scope = branch_scope(user)
        if scope is None:
            return self
        staff = getattr(user, "staff", None)
        department_id = getattr(staff, "department_id", None)
        condition = Q(branch_id__in=scope)
        if department_id is not None:
            handed = Handover.objects.filter(department_id=department_id).values("case_id")
            condition |= Q(pk__in=handed)
        return self.filter(condition)

    def open(self) -> CaseQuerySet:
        return self.filter(status__in=OPEN)

    def running(self) -> CaseQuerySet:
        return self.filter(status__in=RUNNING)


class Case(models.Model):
    """One application (办件) under one version of a matter's guide, from receipt to the
    delivery of its result. 002 篇5 §二 受理 (受理通知单 with the eight items: receipt
    number and query password ⑦), §三 the four handling types, §四 反馈; 000 §五(二) the
    time limit: the start day is not counted, the clock starts the day after receipt or
    after the materials are complete (2(1)(2)); extensions (4) and overdue (5). The
    accepting teller is the case's first responsible person (第一责任人, 002 篇1 §二(二)).
    The core business system's transaction number (业务流水号) is recorded, not the money."""

    receipt_no = models.CharField("受理编号", max_length=30, unique=True)
    idempotency_key = models.UUIDField("提交标识", unique=True, editable=False)
    branch = models.ForeignKey(Branch, verbose_name="受理管理部", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, verbose_name="承办处室", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    window = models.ForeignKey(
        Window, verbose_name="受理窗口", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ticket = models.ForeignKey(
        "queueing.Ticket",
        verbose_name="排队号",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    channel = models.CharField("申请方式", max_length=20, choices=Channel.choices, default=Channel.COUNTER)

    matter = models.ForeignKey(Matter, verbose_name="事项", on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(
        MatterVersion, verbose_name="办事指南版本", on_delete=models.PROTECT, related_name="+"
    )
    handling_type = models.CharField("办件类型", max_length=20, choices=HandlingType.choices)
    promised_days = models.PositiveSmallIntegerField("承诺时限（工作日）", help_text="0 表示即办")

    applicant_kind = models.CharField("申请人类型", max_length=20, choices=ApplicantKind.choices)
    applicant_name = models.CharField("申请人", max_length=100, help_text="个人姓名或单位名称")
    applicant_id_number = models.CharField("身份证号码", max_length=18, blank=True, db_index=True)
    applicant_credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    applicant_phone = models.CharField("联系电话", max_length=30)
    agent_name = models.CharField("代办人/单位经办人", max_length=50, blank=True)
    agent_id_number = models.CharField("代办人身份证号码", max_length=18, blank=True)
    agent_phone = models.CharField("代办人电话", max_length=30, blank=True)

    received_at = models.DateTimeField("收到申请时间")
    received_on = models.DateField("收到申请日期", db_index=True)
    accepted_at = models.DateTimeField("正式受理时间", null=True, blank=True)
    accepted_on = models.DateField("正式受理日期", null=True, blank=True)
    promised_deadline = models.DateField("承诺办结日期", null=True, blank=True)
    deadline = models.DateField("办结期限", null=True, blank=True, help_text="经批准延期后的期限")
    deadline_pending = models.BooleanField(
        "期限待日历", default=False, help_text="办结日期所在年度的节假日安排尚未发布"
    )
    pending_year = models.PositiveIntegerField("待发布年度", null=True, blank=True)
    rules_ref = models.CharField("限时办结规则集", max_length=80, blank=True)

    first_responsible = models.ForeignKey(
        Staff, verbose_name="第一责任人", on_delete=models.PROTECT, related_name="+"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=20, choices=CaseStatus.choices)
    note = models.TextField("受理备注", blank=True)

    delivery_method = models.CharField(
        "送达方式", max_length=20, choices=DeliveryMethod.choices, default=DeliveryMethod.PICKUP
    )
    delivery_address = models.CharField("送达地址", max_length=200, blank=True)

    outcome = models.CharField("办理结果", max_length=20, choices=Outcome.choices, blank=True)
    result = models.TextField("结果说明", blank=True)
    refusal_reason = models.TextField("不予批准的理由", blank=True)
    transaction_no = models.CharField("业务流水号", max_length=40, blank=True)
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办结人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    notified_at = models.DateTimeField("告知申请人时间", null=True, blank=True)
    notify_method = models.CharField("告知方式", max_length=20, choices=NotifyMethod.choices, blank=True)
    notify_note = models.CharField("告知说明", max_length=200, blank=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    delivery_note = models.CharField("送达说明", max_length=200, blank=True, help_text="领取人、邮件单号等")

    # 不予受理: one legal ground of the rule set (code and label as they were on the day),
    # the teller's explanation, and the basis printed on the 退回件通知单.
    rejection_ground = models.CharField(
        "不予受理的情形", max_length=40, blank=True, help_text="限时办结规则集 rejection_grounds 的代码"
    )
    rejection_ground_label = models.CharField("不予受理的情形（名称）", max_length=100, blank=True)
    rejection_reason = models.TextField("不予受理的理由", blank=True)
    rejection_basis = models.TextField("不予受理的依据", blank=True)
    returned_materials = models.TextField("退回的材料", blank=True)
    rejected_at = models.DateTimeField("不予受理时间", null=True, blank=True)
    closed_at = models.DateTimeField("撤回时间", null=True, blank=True)

    overdue = models.BooleanField("超时办结", default=False, db_index=True)
    query_password_hash = models.CharField("查询密码（哈希）", max_length=200)
    created_at = models.DateTimeField("登记时间", default=clock.now)

    objects = CaseQuerySet.as_manager()

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = CASE_TRANSITIONS
    # Registration ends in one of these (the "" key of the map is the moment before).
    INITIAL: ClassVar[frozenset[str]] = CASE_TRANSITIONS[""]

    class Meta:
        verbose_name = verbose_name_plural = "办件"
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline_pending=False) | Q(deadline__isnull=True),
                name="case_pending_has_no_deadline",
            ),
        ]
        indexes = [
            models.Index(fields=["branch", "status"], name="case_branch_status_idx"),
            models.Index(fields=["status", "deadline"], name="case_status_deadline_idx"),
            models.Index(fields=["first_responsible", "status"], name="case_responsible_idx"),
        ]

    def __str__(self) -> str:
        return self.receipt_no

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING

    @property
    def public_status(self) -> str:
        return PUBLIC_STATUS[CaseStatus(self.status)]

    @property
    def is_immediate(self) -> bool:
        return self.promised_days == 0

    @property
    def promised_label(self) -> str:
        return "即办" if self.promised_days == 0 else f"{self.promised_days}个工作日"

    @property
    def contact_name(self) -> str:
        """Who speaks for the applicant: the employer's clerk, an agent, or the applicant."""
        return self.agent_name or self.applicant_name


class EventKind(models.TextChoices):
    STATUS = "status", "状态变更"
    MATERIALS = "materials", "材料"
    EXTENSION = "extension", "延期"
    HANDOVER = "handover", "联办交接"
    ESCALATION = "escalation", "上报"
    NOTIFY = "notify", "告知申请人"
    DEADLINE = "deadline", "办结期限"
    OVERDUE = "overdue", "超时办结"
    REVIEW = "review", "复核"
    PRINT = "print", "打印文书"
    PASSWORD = "password", "查询密码"


# The kinds of event that belong to a part of the case, and the column naming it.
EVENT_RECORD = {
    EventKind.MATERIALS: "supplement",
    EventKind.EXTENSION: "extension",
    EventKind.HANDOVER: "handover",
    EventKind.ESCALATION: "escalation",
    EventKind.REVIEW: "review",
}


def _record_named_by_kind() -> list[models.BaseConstraint]:
    """An event names its part (supplement, extension, …) exactly when it is of that
    part's kind."""
    return [
        models.CheckConstraint(
            condition=(Q(kind=kind) & Q(**{f"{column}__isnull": False}))
            | (~Q(kind=kind) & Q(**{f"{column}__isnull": True})),
            name=f"case_event_{column}_by_kind",
        )
        for kind, column in EVENT_RECORD.items()
    ]


class CaseEvent(StatusEvent):
    """One change of a case or of one of its parts (supplement, extension, handover,
    escalation, review — the part named by its own column): who, when, from which status
    to which, the internal note, and — for the applicant's timeline (002 篇5 §四3 申请人可以
    查询申请事项办理情况) — the public note. Staff-internal notes never reach the public page."""

    case = models.ForeignKey("Case", on_delete=models.PROTECT, related_name="events")
    kind = models.CharField("类型", max_length=20, choices=EventKind.choices, default=EventKind.STATUS)
    note = models.TextField("内部说明", blank=True)
    public = models.BooleanField("申请人可见", default=False)
    public_note = models.CharField("对申请人的说明", max_length=300, blank=True)
    supplement = models.ForeignKey(
        "SupplementRequest",
        verbose_name="补办件通知单",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    extension = models.ForeignKey(
        "Extension",
        verbose_name="延期申请",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    handover = models.ForeignKey(
        "Handover",
        verbose_name="联办交接",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    escalation = models.ForeignKey(
        "Escalation",
        verbose_name="上报",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    review = models.ForeignKey(
        "ReviewRequest",
        verbose_name="复核申请",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )

    class Meta(StatusEvent.Meta):
        verbose_name = verbose_name_plural = "办件记录"
        indexes = [models.Index(fields=["case", "at"], name="case_event_idx")]
        constraints = _record_named_by_kind()

    def __str__(self) -> str:
        return f"{self.case.receipt_no} {self.get_kind_display()} {self.from_status}→{self.to_status}"

    @property
    def from_label(self) -> str:
        return _status_label(self.kind, self.from_status)

    @property
    def to_label(self) -> str:
        return _status_label(self.kind, self.to_status)


def _status_label(kind: str, value: str) -> str:
    if not value:
        return ""
    choices: dict[str, type[models.TextChoices]] = {
        EventKind.STATUS: CaseStatus,
        EventKind.EXTENSION: ExtensionStatus,
        EventKind.HANDOVER: HandoverStatus,
        EventKind.ESCALATION: EscalationStatus,
        EventKind.REVIEW: ReviewStatus,
        EventKind.MATERIALS: SupplementStatus,
    }
    enum = choices.get(kind)
    if enum is not None and value in enum.values:
        return str(enum(value).label)
    return value


class MaterialStatus(models.TextChoices):
    RECEIVED = "received", "已收取"
    MISSING = "missing", "需补齐/补正"
    NOT_APPLICABLE = "not_applicable", "不适用"


class CaseMaterial(models.Model):
    """One material of the case's guide version and what the window found: received,
    to be completed or corrected (with what is wrong), or not applicable (a conditional
    material whose condition does not hold). 002 篇5 §二4: what is missing is told in
    writing, all at once; 000 §五(三)1(1)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="materials")
    material = models.ForeignKey(
        MatterMaterial, verbose_name="材料", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("情况", max_length=20, choices=MaterialStatus.choices)
    note = models.CharField("补正说明", max_length=200, blank=True)
    received_at = models.DateTimeField("收取时间", null=True, blank=True)

    # Not a state machine of its own: a material is marked at registration, and a
    # missing one is received later (补正); nothing else moves.
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        MaterialStatus.RECEIVED: frozenset(),
        MaterialStatus.MISSING: frozenset({MaterialStatus.RECEIVED}),
        MaterialStatus.NOT_APPLICABLE: frozenset(),
    }
    INITIAL: ClassVar[frozenset[str]] = frozenset(MaterialStatus.values)

    class Meta:
        verbose_name = verbose_name_plural = "办件材料"
        ordering = ["case", "material__order"]
        constraints = [models.UniqueConstraint(fields=["case", "material"], name="case_material_unique")]

    def __str__(self) -> str:
        return f"{self.material.name}：{self.get_status_display()}"


class SupplementStatus(models.TextChoices):
    OPEN = "open", "待补正"
    COMPLETED = "completed", "已补齐"
    CLOSED = "closed", "已终止"


SUPPLEMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    # Closed by a refusal to accept or a withdrawal; open again when a review overturns
    # the refusal while materials are still missing.
    SupplementStatus.OPEN: frozenset({SupplementStatus.COMPLETED, SupplementStatus.CLOSED}),
    SupplementStatus.COMPLETED: frozenset(),
    SupplementStatus.CLOSED: frozenset({SupplementStatus.OPEN}),
}


class SupplementRequest(models.Model):
    """The 补办件通知单 of a case (002 篇5 §二4; 002 篇3 §三13 补办件，一次性告知全部要件):
    every missing or defective material at once. One per case — a second list would
    break the one-time rule — and the day the last item arrives is the day of formal
    acceptance; the clock starts the next day (000 §五(二)2(2))."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="supplement")
    number = models.CharField("通知单编号", max_length=40, unique=True)
    status = models.CharField(
        "状态", max_length=20, choices=SupplementStatus.choices, default=SupplementStatus.OPEN
    )
    issued_at = models.DateTimeField("出具时间")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="出具人", on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField("补齐时间", null=True, blank=True)

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = SUPPLEMENT_TRANSITIONS
    INITIAL: ClassVar[frozenset[str]] = frozenset({SupplementStatus.OPEN})

    class Meta:
        verbose_name = verbose_name_plural = "补办件通知单"

    def __str__(self) -> str:
        return self.number


class ExtensionStatus(models.TextChoices):
    REQUESTED = "requested", "待部门负责人签署意见"
    HEAD_AGREED = "head_agreed", "待分管领导审批"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "未批准"


EXTENSION_TRANSITIONS: dict[str, frozenset[str]] = {
    ExtensionStatus.REQUESTED: frozenset({ExtensionStatus.HEAD_AGREED, ExtensionStatus.REFUSED}),
    ExtensionStatus.HEAD_AGREED: frozenset({ExtensionStatus.APPROVED, ExtensionStatus.REFUSED}),
    ExtensionStatus.APPROVED: frozenset(),
    ExtensionStatus.REFUSED: frozenset(),
}
PENDING_EXTENSION = (ExtensionStatus.REQUESTED, ExtensionStatus.HEAD_AGREED)


class Extension(models.Model):
    """An extension (延期) of a case, 000 §五(二)4: explained to the applicant, written on
    the 《办理事项延期申请表》, the department head's opinion fixing the new limit, and the
    approving leader's consent; only then does the deadline move. A request made after
    the deadline is recorded but the case counts as overdue (000 §五(二)5(2))."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="extensions")
    number = models.PositiveSmallIntegerField("序号")
    status = models.CharField(
        "状态", max_length=20, choices=ExtensionStatus.choices, default=ExtensionStatus.REQUESTED
    )
    reason = models.TextField("延期原因")
    original_deadline = models.DateField("原办结期限")
    requested_deadline = models.DateField("申请延期至")
    granted_deadline = models.DateField("规定延期至", null=True, blank=True)
    explained_to_applicant = models.BooleanField("已向办事职工解释说明")
    explained_note = models.CharField("解释说明情况", max_length=200, blank=True)
    late = models.BooleanField("超过承诺时限才提出", default=False)
    requested_at = models.DateTimeField("申请时间")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人（承办人）", on_delete=models.PROTECT, related_name="+"
    )
    head_opinion = models.TextField("部门负责人意见", blank=True)
    head_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="部门负责人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    head_at = models.DateTimeField("签署时间", null=True, blank=True)
    leader_opinion = models.TextField("分管领导意见", blank=True)
    leader_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="分管领导",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    leader_at = models.DateTimeField("审批时间", null=True, blank=True)

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = EXTENSION_TRANSITIONS
    INITIAL: ClassVar[frozenset[str]] = frozenset({ExtensionStatus.REQUESTED})

    class Meta:
        verbose_name = verbose_name_plural = "延期申请"
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="extension_number_unique"),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=["requested", "head_agreed"]),
                name="extension_one_pending_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.receipt_no} 延期{self.number}"

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_EXTENSION


class HandoverStatus(models.TextChoices):
    OPEN = "open", "待反馈意见"
    ANSWERED = "answered", "已反馈意见"
    CANCELLED = "cancelled", "已撤销"


HANDOVER_TRANSITIONS: dict[str, frozenset[str]] = {
    HandoverStatus.OPEN: frozenset({HandoverStatus.ANSWERED, HandoverStatus.CANCELLED}),
    HandoverStatus.ANSWERED: frozenset(),
    HandoverStatus.CANCELLED: frozenset(),
}


class Handover(models.Model):
    """A joint case handed to a department involved (联办件, 002 篇5 §三3: 确定并通知所涉及
    的相关部门 … 在承诺时限内提出具体明确的审批意见，反馈牵头部门). Its own limit counts from
    the day the handover is registered (000 §五(二)2(3) 从交接登记的当日起计算)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="handovers")
    department = models.ForeignKey(
        Department, verbose_name="相关部门", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=20, choices=HandoverStatus.choices, default=HandoverStatus.OPEN
    )
    registered_at = models.DateTimeField("交接登记时间")
    registered_on = models.DateField("交接登记日期")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    limit_days = models.PositiveSmallIntegerField("办理时限（工作日）")
    due_on = models.DateField("反馈期限", null=True, blank=True)
    due_pending = models.BooleanField("期限待日历", default=False)
    note = models.CharField("交接说明", max_length=300, blank=True)
    opinion = models.TextField("审批意见", blank=True)
    answered_at = models.DateTimeField("反馈时间", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="反馈人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = HANDOVER_TRANSITIONS
    INITIAL: ClassVar[frozenset[str]] = frozenset({HandoverStatus.OPEN})

    class Meta:
        verbose_name = verbose_name_plural = "联办交接"
        ordering = ["case", "registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "department"],
                condition=Q(status="open"),
                name="handover_one_open_per_department",
            ),
        ]
        indexes = [models.Index(fields=["department", "status"], name="handover_department_idx")]

    def __str__(self) -> str:
        return f"{self.case.receipt_no} → {self.department.name}"


class EscalationStatus(models.TextChoices):
    FORWARDED = "forwarded", "已转报，等待批复"
    REPLIED = "replied", "已批复"


ESCALATION_TRANSITIONS: dict[str, frozenset[str]] = {
    EscalationStatus.FORWARDED: frozenset({EscalationStatus.REPLIED}),
    EscalationStatus.REPLIED: frozenset(),
}


class Escalation(models.Model):
    """An escalated case (上报件, 002 篇5 §三4): reviewed by the accepting window and
    forwarded to the higher authority, which the window keeps in contact with. When no
    reply has come within the rule set's days (15, in calendar days by its reading), the
    window owes the centre a written explanation; it stays on the worklist until given."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="escalation")
    status = models.CharField(
        "状态", max_length=20, choices=EscalationStatus.choices, default=EscalationStatus.FORWARDED
    )
    authority = models.CharField("上级政府或部门", max_length=100)
    forwarded_at = models.DateTimeField("转报时间")
    forwarded_on = models.DateField("转报日期")
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="转报人", on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("转报说明", max_length=300, blank=True)
    explain_after = models.DateField("批复期限", help_text="此日结束仍未批复的，须向中心作出书面解释")
    rules_ref = models.CharField("规则集", max_length=80)
    replied_at = models.DateTimeField("批复时间", null=True, blank=True)
    reply_note = models.TextField("批复内容", blank=True)
    explanation = models.TextField("向中心的书面解释", blank=True)
    explained_at = models.DateTimeField("解释时间", null=True, blank=True)
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="解释人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = ESCALATION_TRANSITIONS
    INITIAL: ClassVar[frozenset[str]] = frozenset({EscalationStatus.FORWARDED})

    class Meta:
        verbose_name = verbose_name_plural = "上报件"

    def __str__(self) -> str:
        return f"{self.case.receipt_no} → {self.authority}"


class ReviewStatus(models.TextChoices):
    REQUESTED = "requested", "待复核"
    UPHELD = "upheld", "维持不予受理"
    OVERTURNED = "overturned", "撤销不予受理"


REVIEW_TRANSITIONS: dict[str, frozenset[str]] = {
    ReviewStatus.REQUESTED: frozenset({ReviewStatus.UPHELD, ReviewStatus.OVERTURNED}),
    ReviewStatus.UPHELD: frozenset(),
    ReviewStatus.OVERTURNED: frozenset(),
}


class ReviewRequest(models.Model):
    """The applicant's request for review (复核) of a refusal to accept, made online on
    the query page (002 篇5 §四3 对不予批准的事项有异议的，可向中心申请复核). The business
    management office decides; the applicant sees the answer on the same page."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="review")
    status = models.CharField(
        "状态", max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.REQUESTED
    )
    reason = models.TextField("复核理由")
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    requested_at = models.DateTimeField("申请时间")
    decision = models.TextField("复核意见", blank=True)
    decided_at = models.DateTimeField("复核时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="复核人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = REVIEW_TRANSITIONS
    INITIAL: ClassVar[frozenset[str]] = frozenset({ReviewStatus.REQUESTED})

    class Meta:
        verbose_name = verbose_name_plural = "复核申请"

    def __str__(self) -> str:
        return f"{self.case.receipt_no} 复核"


class OverdueFinding(models.Model):
    """One condition of 000 §五(二)5 超时办结 found on a case, with when it was found and
    by whom (a service or the daily sweep). Findings are never removed: an overdue case
    stays counted in the office's report with its reasons."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="overdue_findings")
    code = models.CharField("情形", max_length=40)
    text = models.CharField("情形说明", max_length=200)
    found_at = models.DateTimeField("认定时间")
    found_by = models.CharField("认定人", max_length=100)
    deadline = models.DateField("当时的办结期限", null=True, blank=True)
    rules_ref = models.CharField("规则集", max_length=80)

    class Meta:
        verbose_name = verbose_name_plural = "超时办结情形"
        ordering = ["case", "found_at"]
        constraints = [models.UniqueConstraint(fields=["case", "code"], name="overdue_finding_unique")]

    def __str__(self) -> str:
        return f"{self.case.receipt_no} {self.text}"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", "即将到期"
    OVERDUE = "overdue", "已超时"
    EXPLAIN = "explain", "上报件须书面解释"
    HANDOVER = "handover", "联办意见即将到期"
    DEADLINE_SET = "deadline_set", "办结日期已确定"


class Reminder(models.Model):
    """An on-screen (and, to a mobile number, text) reminder for a member of staff,
    written by the daily sweep once per case, kind, person and day: due soon, overdue
    (000 §五(二)5), an escalation owing its explanation (002 篇5 §三4), a handover due
    (000 §五(二)2(3)). The regulations set no reminder; when it starts is the rule set's
    product choice (`due_soon_working_days`)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reminders")
    staff = models.ForeignKey(Staff, verbose_name="提醒对象", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=20, choices=ReminderKind.choices)
    day = models.DateField("日期")
    text = models.CharField("内容", max_length=300)
    created_at = models.DateTimeField("时间")
    sms_sent = models.BooleanField("已发短信", default=False)
    seen_at = models.DateTimeField("已阅时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "办件提醒"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "staff", "kind", "day"], name="reminder_once_per_day"),
        ]
        indexes = [models.Index(fields=["staff", "seen_at"], name="reminder_staff_idx")]

    def __str__(self) -> str:
        return self.text


class CaseSequence(models.Model):
    """The last receipt number given out per branch and day (受理编号 HD01-20261121-0012,
    002 篇5 §二2⑦ 受理编码). Incremented in the registering transaction under the row's
    lock, so numbers are unique and gapless per branch and day."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "受理编号序列"
        constraints = [models.UniqueConstraint(fields=["branch", "day"], name="case_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.day} {self.last}"
