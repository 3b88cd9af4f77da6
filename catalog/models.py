"""The service guide (办事指南) and the one-time notice (一次性告知).

- A `Matter` (服务事项) has a stable code; what the guide says about it lives in
  `MatterVersion` rows. A change never edits a version: `matter_revise` writes a new
  one with its effective date, so a case keeps the version it was accepted under and a
  one-time notice can be judged against what the guide said on that day.
- A `OneTimeNotice` (一次性告知清单) records what a citizen was told was still needed,
  item by item, with who, when, where, the version, the channel and the signature.
- `Phrase` holds the standard phrases of the regulations by situation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models

from common import clock
from common.events import StatusEvent
from documents.phrase_data import Audience as PhraseAudience
from documents.phrase_data import PhraseKind, Situation
from org.models import Branch, Category, Department

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

__all__ = [
    "MATTER_TRANSITIONS",
    "NOTICE_TRANSITIONS",
    "HandlingType",
    "ItemStatus",
    "MaterialForm",
    "MaterialRequirement",
    "Matter",
    "MatterEvent",
    "MatterMaterial",
    "MatterStatus",
    "MatterVersion",
    "NoticeChannel",
    "NoticeSequence",
    "NoticeStatus",
    "OneTimeNotice",
    "OneTimeNoticeEvent",
    "OneTimeNoticeItem",
    "Phrase",
    "PhraseAudience",
    "PhraseKind",
    "ServiceObject",
    "SignatureMethod",
    "Situation",
]


class ServiceObject(models.TextChoices):
    PERSONAL = "personal", "个人"
    EMPLOYER = "employer", "单位"


class HandlingType(models.TextChoices):
    """002 篇5 §三: 即办件, 承诺件, 联办件, 上报件."""

    IMMEDIATE = "immediate", "即办件"
    PROMISED = "promised", "承诺件"
    JOINT = "joint", "联办件"
    ESCALATED = "escalated", "上报件"


class MatterStatus(models.TextChoices):
    ACTIVE = "active", "正常办理"
    SUSPENDED = "suspended", "暂停办理"
    WITHDRAWN = "withdrawn", "已停止办理"


MATTER_TRANSITIONS: dict[str, frozenset[str]] = {
    MatterStatus.ACTIVE: frozenset({MatterStatus.SUSPENDED, MatterStatus.WITHDRAWN}),
    MatterStatus.SUSPENDED: frozenset({MatterStatus.ACTIVE, MatterStatus.WITHDRAWN}),
    MatterStatus.WITHDRAWN: frozenset({MatterStatus.ACTIVE}),
}


class MatterQuerySet(models.QuerySet["Matter"]):
    def public(self) -> MatterQuerySet:
        """Matters shown in the public guide (a suspended one stays, with its notice)."""
        return self.exclude(status=MatterStatus.WITHDRAWN)


class Matter(models.Model):
    """A service matter (服务事项) with a stable code. 000 §五(三)4: the centre publishes
    every matter's materials, procedure and time limit; 002 篇5 §一1–2: the guide of
    each matter. Category and service object never change; everything the guide says
    is in its versions. Matters of one loan procedure that 000 §五(二)3(3)① times step
    by step (受理、面签、初审、复审) share a `group` and are ordered by `stage_order`."""

    code = models.CharField("事项编码", max_length=20, unique=True)
    category = models.CharField("业务类别", max_length=20, choices=Category.choices)
    service_object = models.CharField("服务对象", max_length=20, choices=ServiceObject.choices)
    group = models.CharField(
        "办理环节分组", max_length=100, blank=True, help_text="分环节计时的事项共用的名称"
    )
    stage_order = models.PositiveSmallIntegerField("环节顺序", default=0)
    status = models.CharField(
        "状态", max_length=20, choices=MatterStatus.choices, default=MatterStatus.ACTIVE
    )
    created_at = models.DateTimeField("创建时间", default=clock.now)

    objects = MatterQuerySet.as_manager()

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = MATTER_TRANSITIONS
    INITIAL: ClassVar[frozenset[str]] = frozenset({MatterStatus.ACTIVE})

    class Meta:
        verbose_name = verbose_name_plural = "服务事项"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class MatterEvent(StatusEvent):
    """One change of a matter: created, revised (a new version) or its status changed
    (DESIGN.md convention 2: who, when, from, to, note). 000 §五(三)4 and 002 篇1 §一(三)
    make the guide public; its history shows what was published when."""

    class Kind(models.TextChoices):
        CREATED = "created", "新增事项"
        REVISED = "revised", "修订办事指南"
        STATUS = "status", "状态变更"

    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    from_status = models.CharField("原状态", max_length=20, blank=True, choices=MatterStatus.choices)
    to_status = models.CharField("新状态", max_length=20, blank=True, choices=MatterStatus.choices)
    version_number = models.PositiveIntegerField("版本", null=True, blank=True)

    class Meta(StatusEvent.Meta):
        verbose_name = verbose_name_plural = "事项变更记录"

    def __str__(self) -> str:
        return f"{self.matter.code} {self.get_kind_display()}"


class MatterVersion(models.Model):
    """What the guide says about a matter from `effective_from` on: the fields of
    002 篇5 §一2 (①事项名称 ②办理依据 ③申报材料 ④办理程序 ⑤承诺时限 ⑥收费标准及依据
    ⑦受理电话 ⑧投诉电话) and the rest of a modern guide (conditions, place and hours,
    online handling, appointment, departments). The time limit is in working days,
    0 = immediate (000 §五(二)3); `limit_basis` names the clause that fixes it.
    Never edited: a change is a new version (services.matter_revise)."""

    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    effective_from = models.DateField("施行日期")
    created_at = models.DateTimeField("创建时间", default=clock.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修订人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by_label = models.CharField("修订人标识", max_length=100)
    change_note = models.TextField("修订说明", blank=True)

    name = models.CharField("事项名称", max_length=100)
    keywords = models.CharField(
        "检索词", max_length=300, blank=True, help_text="别名和常用说法，空格分隔，例如：购房 买房 二手房"
    )
    summary = models.TextField("事项说明", blank=True)
    handling_type = models.CharField("办件类型", max_length=20, choices=HandlingType.choices)
    legal_basis = models.TextField("办理依据")
    conditions = models.TextField("受理条件")
    procedure = models.JSONField("办理程序", default=list, help_text="步骤列表")
    result = models.CharField("办理结果", max_length=200, blank=True)
    statutory_days = models.PositiveSmallIntegerField("法定时限（日）", null=True, blank=True)
    statutory_basis = models.CharField("法定时限依据", max_length=300, blank=True)
    promised_days = models.PositiveSmallIntegerField("承诺时限（工作日）", help_text="0 表示即办")
    limit_basis = models.CharField("承诺时限依据", max_length=300)
    is_free = models.BooleanField("不收费", default=True)
    fee_note = models.CharField("收费标准及依据", max_length=300)
    place = models.CharField("办理地点", max_length=300)
    hours = models.CharField("办理时间", max_length=200)
    consultation_phone = models.CharField("咨询电话", max_length=30)
    complaint_phone = models.CharField("投诉电话", max_length=30, default="12329")
    online_available = models.BooleanField("可网上办理", default=False)
    online_note = models.CharField("网上办理说明", max_length=300, blank=True)
    appointment_allowed = models.BooleanField("可预约", default=True)
    joint_parties = models.CharField(
        "联办部门及单位", max_length=300, blank=True, help_text="联办件、上报件涉及的部门和单位"
    )
    departments = models.ManyToManyField(
        Department, verbose_name="中心内承办处室", blank=True, related_name="+"
    )
    notes = models.TextField("温馨提示", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "办事指南版本"
        ordering = ["matter__code", "number"]
        constraints = [
            models.UniqueConstraint(fields=["matter", "number"], name="matter_version_number_unique"),
        ]
        indexes = [models.Index(fields=["matter", "effective_from"], name="matter_version_effective_idx")]

    def __str__(self) -> str:
        return f"{self.name}（第{self.number}版）"

    @property
    def is_immediate(self) -> bool:
        return self.promised_days == 0

    @property
    def promised_label(self) -> str:
        return "即办" if self.promised_days == 0 else f"{self.promised_days}个工作日"

    @property
    def statutory_label(self) -> str:
        if self.statutory_days is None:
            return "法律法规未规定，按承诺时限办理"
        return f"{self.statutory_days}日"

    @property
    def ref(self) -> str:
        """What a case or notice records: "TQ001@1"."""
        return f"{self.matter.code}@{self.number}"


class MaterialRequirement(models.TextChoices):
    REQUIRED = "required", "必须提交"
    CONDITIONAL = "conditional", "视情形提交"


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", "原件"
    COPY = "copy", "复印件"
    ORIGINAL_AND_COPY = "original_and_copy", "原件及复印件"
    ORIGINAL_FOR_CHECK = "original_for_check", "原件（核验后退还）"


class MatterMaterial(models.Model):
    """One application material of a version (申报材料, 000 §五(三)1(1)): required or
    conditional (with its condition), original or copy, copies, source and the
    acceptance standard; the blank form and a filled sample when the centre has one.
    `code` stays the same across versions, so that a later notice can be compared
    with what an earlier version already required (the one-time rule)."""

    version = models.ForeignKey(MatterVersion, on_delete=models.PROTECT, related_name="materials")
    code = models.CharField("材料编码", max_length=30)
    order = models.PositiveSmallIntegerField("序号")
    name = models.CharField("材料名称", max_length=120)
    requirement = models.CharField("提交要求", max_length=20, choices=MaterialRequirement.choices)
    condition = models.CharField("适用情形", max_length=200, blank=True)
    form = models.CharField("原件/复印件", max_length=30, choices=MaterialForm.choices)
    copies = models.PositiveSmallIntegerField("份数", default=1)
    source = models.CharField("来源", max_length=120)
    standard = models.CharField("受理标准", max_length=300, blank=True)
    provided_form = models.CharField(
        "中心提供的表格", max_length=100, blank=True, help_text="表格名称，免费领取"
    )
    blank_form = models.FileField("空白表格", upload_to="catalog/forms/", blank=True)
    sample = models.FileField("填写样表", upload_to="catalog/samples/", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "申报材料"
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="matter_material_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def requirement_text(self) -> str:
        if self.requirement == MaterialRequirement.CONDITIONAL and self.condition:
            return f"视情形提交：{self.condition}"
        return self.get_requirement_display()


# --- One-time notice (000 §五(三)) -------------------------------------------------


class NoticeChannel(models.TextChoices):
    COUNTER = "counter", "窗口书面告知"
    PHONE = "phone", "电话口头告知"


class NoticeStatus(models.TextChoices):
    ISSUED = "issued", "已出具，待签名"
    SIGNED = "signed", "已签名"
    REFUSED = "refused", "办事职工拒签"
    RECORDED = "recorded", "已记录（口头告知）"
    VOIDED = "voided", "已作废"


NOTICE_TRANSITIONS: dict[str, frozenset[str]] = {
    NoticeStatus.ISSUED: frozenset({NoticeStatus.SIGNED, NoticeStatus.REFUSED, NoticeStatus.VOIDED}),
    NoticeStatus.REFUSED: frozenset({NoticeStatus.SIGNED, NoticeStatus.VOIDED}),
    NoticeStatus.SIGNED: frozenset({NoticeStatus.VOIDED}),
    NoticeStatus.RECORDED: frozenset({NoticeStatus.VOIDED}),
    NoticeStatus.VOIDED: frozenset(),
}


class SignatureMethod(models.TextChoices):
    PAD = "pad", "手签板签名"
    PAPER = "paper", "已在纸质清单上签字"


class OneTimeNoticeQuerySet(models.QuerySet["OneTimeNotice"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> OneTimeNoticeQuerySet:
        from org.access import branch_scope

        scope = branch_scope(user)
        return self if scope is None else self.filter(branch_id__in=scope)

    def standing(self) -> OneTimeNoticeQuerySet:
        """Notices that count (not voided)."""
        return self.exclude(status=NoticeStatus.VOIDED)


class OneTimeNotice(models.Model):
    """A one-time notice (一次性告知清单), 000 §五(三)2–3: at the counter, written, in
    two parts and signed by the citizen; on the phone, oral and recorded. Every notice is
    kept: who, when, which branch, matter and version, the missing items, channel and
    signature. A later notice for the same citizen and matter that adds a material the
    first notice's version already required is a breach of the one-time rule
    (000 §五(三)6; 000 §五(四)5(4)); it is flagged when issued (`breach`, `breach_of`)."""

    number = models.CharField("清单编号", max_length=30, unique=True)
    branch = models.ForeignKey(Branch, verbose_name="管理部", on_delete=models.PROTECT, related_name="+")
    matter = models.ForeignKey(Matter, verbose_name="事项", on_delete=models.PROTECT, related_name="notices")
    version = models.ForeignKey(
        MatterVersion, verbose_name="办事指南版本", on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField("告知方式", max_length=20, choices=NoticeChannel.choices)
    status = models.CharField("状态", max_length=20, choices=NoticeStatus.choices)
    citizen_name = models.CharField("办事职工姓名", max_length=50)
    citizen_id_number = models.CharField("身份证号码", max_length=18, blank=True, db_index=True)
    citizen_phone = models.CharField("联系电话", max_length=30, blank=True, db_index=True)
    employer_name = models.CharField("所在单位", max_length=100, blank=True)
    employer_credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    other_notes = models.TextField("其他告知事项", blank=True)
    business_date = models.DateField("告知日期", db_index=True)
    issued_at = models.DateTimeField("告知时间", default=clock.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT, related_name="+"
    )
    signature_method = models.CharField(
        "签名方式", max_length=20, choices=SignatureMethod.choices, blank=True
    )
    signature_file = models.FileField("签名或扫描件", upload_to="catalog/signatures/%Y/%m/", blank=True)
    signed_at = models.DateTimeField("签名时间", null=True, blank=True)
    breach = models.BooleanField("违反一次性告知", default=False)
    breach_of = models.ForeignKey(
        "self", verbose_name="首次告知", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    breach_note = models.TextField("违反情形", blank=True)

    objects = OneTimeNoticeQuerySet.as_manager()

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = NOTICE_TRANSITIONS
    # A notice at the counter waits for the citizen's signature; one on the phone is recorded.
    INITIAL: ClassVar[frozenset[str]] = frozenset({NoticeStatus.ISSUED, NoticeStatus.RECORDED})

    class Meta:
        verbose_name = verbose_name_plural = "一次性告知清单"
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["matter", "business_date"], name="notice_matter_day_idx")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_voided(self) -> bool:
        return self.status == NoticeStatus.VOIDED

    @property
    def awaits_signature(self) -> bool:
        return self.status in (NoticeStatus.ISSUED, NoticeStatus.REFUSED)


class ItemStatus(models.TextChoices):
    BROUGHT = "brought", "已提交"
    MISSING = "missing", "尚需提交"
    NOT_APPLICABLE = "not_applicable", "不适用"


class OneTimeNoticeItem(models.Model):
    """One material of the notice's version and what the citizen was told about it
    (000 §五(三)1(1), 2: 需要提交、补办、补正的手续、材料):
    brought, still needed (with what is wrong, e.g. 需补正), or not applicable (a
    conditional material whose condition does not hold). Every material of the version
    has a row, so that a later notice can tell what was said and what was not."""

    notice = models.ForeignKey(OneTimeNotice, on_delete=models.PROTECT, related_name="items")
    material = models.ForeignKey(
        MatterMaterial, verbose_name="材料", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("情况", max_length=20, choices=ItemStatus.choices)
    note = models.CharField("补正说明", max_length=200, blank=True)
    breach = models.BooleanField("首次告知时未列入", default=False)
    breach_reason = models.CharField("说明", max_length=200, blank=True)

    # Not a state machine: what the citizen was told about a material is recorded once,
    # when the notice is issued, and never changes (a correction is a new notice).
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {status: frozenset() for status in ItemStatus.values}
    INITIAL: ClassVar[frozenset[str]] = frozenset(ItemStatus.values)

    class Meta:
        verbose_name = verbose_name_plural = "告知材料"
        ordering = ["notice", "material__order"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "material"], name="notice_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.material.name}：{self.get_status_display()}"


class OneTimeNoticeEvent(StatusEvent):
    """A status change of a notice (issued, signed, refused, voided), with its actor.
    000 §五(三)2: 接收清单的办事职工须在《一次性告知清单》上签名 — signing is such a change."""

    notice = models.ForeignKey(OneTimeNotice, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField("原状态", max_length=20, blank=True, choices=NoticeStatus.choices)
    to_status = models.CharField("新状态", max_length=20, blank=True, choices=NoticeStatus.choices)

    class Meta(StatusEvent.Meta):
        verbose_name = verbose_name_plural = "告知清单记录"

    def __str__(self) -> str:
        return f"{self.notice.number} {self.from_status}→{self.to_status}"


class NoticeSequence(models.Model):
    """The last number given out per branch and day (清单编号 HD01-20260316-0007), so that
    the two parts of a 《一次性告知清单》 and the kept record carry one number (000 §五(三)2
    一式两份 … 留底备查). Incremented under the row's lock: unique and gapless per day."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "清单编号序列"
        constraints = [models.UniqueConstraint(fields=["branch", "day"], name="notice_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.day} {self.last}"


# --- Standard phrases -----------------------------------------------------------------


class Phrase(models.Model):
    """A standard phrase of the regulations, verbatim, for a situation: 000 §二(二)
    (引导员、前台柜员 用语), 001 第九条 (21条服务用语), 003 服务承诺制度 §八 (称谓、礼貌、
    接待用语) and the forbidden words (000 §二(二), 003 首问责任制度 §六). Loaded from
    documents.phrase_data by migration; read by `selectors.phrase_for(situation)`."""

    situation = models.CharField("情形", max_length=40, choices=Situation.choices)
    order = models.PositiveSmallIntegerField("顺序")
    text = models.CharField("用语", max_length=300)
    clause = models.CharField("出处", max_length=60)
    circumstance = models.CharField("适用情形（原文）", max_length=200)
    audience = models.CharField("使用人员", max_length=20, choices=PhraseAudience.choices)
    kind = models.CharField("类型", max_length=20, choices=PhraseKind.choices)

    class Meta:
        verbose_name = verbose_name_plural = "服务用语"
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["order"], name="phrase_order_unique")]

    def __str__(self) -> str:
        return self.text

    @property
    def document(self) -> str:
        return self.clause.split()[0]
