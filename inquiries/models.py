"""首问负责 — first-inquiry records, hand-overs and breaches.

000 §五(一) 首问负责制度 (the first person a visitor reaches answers, hands over or
reports, and follows it to the end), 003 §三–§七 (who the first-inquiry person is;
首问必答、首问必果) and 003 §十 (1st/2nd/3rd consequence of a breach). Writes go
through `inquiries.services`; every change of status goes through
`audit.transitions.transition` along `Inquiry.TRANSITIONS` / `Breach.TRANSITIONS` and
leaves an `InquiryEvent` or a `BreachEvent` and an audit event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models

from common import clock
from common.events import StatusEvent
from common.identity import validate_landline_or_mobile

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def _validate_phone(value: str) -> None:
    if value:
        validate_landline_or_mobile(value)


class Channel(models.TextChoices):
    """003 §三: 本人来访或通过电话、传真等通讯工具所接触的第一人。"""

    VISIT = "visit", "来访"
    PHONE = "phone", "电话"
    FAX = "fax", "传真"


class Outcome(models.TextChoices):
    """What the first-inquiry person did (000 §五(一)2(1)–(3); 003 §四、§五)."""

    HANDLED = "handled", "当场办理或答复"
    NOTICE_GIVEN = "notice_given", "一次性告知"
    LED = "led", "带领到相关部门办理"
    CONTACTED = "contacted", "联系相关部门工作人员办理"
    HANDED_OVER = "handed_over", "登记并转交相关部门工作人员"
    ESCALATED = "escalated", "责任不明确，报告上一级领导"
    REFERRED_OUTSIDE = "referred_outside", "不属于中心职责，介绍到有关部门或单位"


# Outcomes that settle the inquiry at once; the others stay open until closed (首问必果).
SETTLED_AT_ONCE = frozenset(
    {Outcome.HANDLED, Outcome.NOTICE_GIVEN, Outcome.LED, Outcome.CONTACTED, Outcome.REFERRED_OUTSIDE}
)
# Outcomes that name a department (and usually a person) that took the matter over.
NAMES_A_DEPARTMENT = frozenset({Outcome.LED, Outcome.CONTACTED, Outcome.HANDED_OVER})


class InquiryStatus(models.TextChoices):
    HANDED_OVER = "handed_over", "已转交，待联系办事职工"
    CONTACTED = "contacted", "已联系，办理中"
    ESCALATED = "escalated", "已报告上一级领导"
    CLOSED = "closed", "已办结"


NEW = ""  # the "from" status of the creating event; as a key of a map, where records start

INQUIRY_TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({InquiryStatus.CLOSED, InquiryStatus.HANDED_OVER, InquiryStatus.ESCALATED}),
    InquiryStatus.HANDED_OVER: frozenset(
        {InquiryStatus.CONTACTED, InquiryStatus.ESCALATED, InquiryStatus.CLOSED}
    ),
    InquiryStatus.CONTACTED: frozenset({InquiryStatus.CLOSED, InquiryStatus.ESCALATED}),
    # The superior answers (closes) or names who is responsible (hands over again).
    InquiryStatus.ESCALATED: frozenset({InquiryStatus.HANDED_OVER, InquiryStatus.CLOSED}),
    InquiryStatus.CLOSED: frozenset(),
}

OPEN_STATUSES = frozenset({InquiryStatus.HANDED_OVER, InquiryStatus.CONTACTED, InquiryStatus.ESCALATED})


class InquiryQuerySet(models.QuerySet["Inquiry"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> InquiryQuerySet:
        """Office, leaders, inspectors and administrators: the whole centre. A department
        head: the own branch, plus everything that involves them. Everybody else: what
        they took, received or were asked to decide."""
        from org.access import branch_scope, user_roles
        from org.models import Role

        roles = user_roles(user)
        if not roles:
            return self.none()
        scope = branch_scope(user)
        if scope is None:
            return self
        staff = getattr(user, "staff", None)
        if staff is None:
            return self.none()
        mine = (
            models.Q(first_responder=staff)
            | models.Q(receiver=staff)
            | models.Q(escalated_to=staff)
            | models.Q(logged_by=user)
        )
        if Role.HEAD in roles:
            mine |= models.Q(branch_id__in=scope)
            if staff.department_id:
                mine |= models.Q(department_id=staff.department_id)
        return self.filter(mine)

    def open(self) -> InquiryQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Inquiry(models.Model):
    """One first inquiry (首问登记): a visit, call or fax, the visitor (unit, name,
    phone — 000 §五(一)2(2) "将办事职工的单位、姓名、联系电话及拟办事项等内容进行登记"),
    the matter, the first-inquiry person (003 §三: the first staff member contacted;
    the highest-ranked when several were asked together) and what was done. A
    hand-over stays on the receiver's worklist and on the first-inquiry person's list
    until it is closed (003 §五 首问必果), with the contact limit of the
    first_inquiry rule set and the matter's own limit counted from the hand-over day
    (000 §五(二)2(3))."""

    no = models.CharField("登记编号", max_length=20, unique=True)
    channel = models.CharField("方式", max_length=10, choices=Channel.choices)
    received_at = models.DateTimeField("接待时间", default=clock.now)
    received_on = models.DateField("接待日期", db_index=True)
    branch = models.ForeignKey(
        "org.Branch",
        verbose_name="管理部",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    visitor_unit = models.CharField("单位", max_length=100, blank=True)
    visitor_name = models.CharField("姓名", max_length=50, blank=True)
    visitor_phone = models.CharField("联系电话", max_length=30, blank=True, validators=[_validate_phone])
    matter = models.CharField("拟办事项", max_length=200)
    # The catalog app (服务事项) is built in parallel: the matter is free text plus an
    # optional code for now; the lead turns matter_code into a foreign key later.
    matter_code = models.CharField("事项编码", max_length=40, blank=True)
    first_responder = models.ForeignKey(
        "org.Staff", verbose_name="首问责任人", on_delete=models.PROTECT, related_name="first_inquiries"
    )
    asked_staff = models.ManyToManyField(
        "org.Staff",
        verbose_name="同时被询问的工作人员",
        blank=True,
        related_name="+",
        help_text="003 §三：两位以上工作人员一起被问到时，职级高者为首问责任人",
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField("处理方式", max_length=20, choices=Outcome.choices)
    status = models.CharField("状态", max_length=20, choices=InquiryStatus.choices, db_index=True)
    answer = models.TextField("答复或办理情况", blank=True)

    department = models.ForeignKey(
        "org.Department",
        verbose_name="相关部门",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    receiver = models.ForeignKey(
        "org.Staff",
        verbose_name="接办人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_inquiries",
        help_text="带领、联系或转交到的相关部门工作人员",
    )
    outside_body = models.CharField("介绍到的单位", max_length=100, blank=True)

    # 一次性告知 (000 §五(三)): the notice given. `notice` links the system's own
    # 《一次性告知清单》; `notice_ref` keeps the number as typed, which also covers a
    # paper notice written before the system was in use (then `notice` stays empty).
    notice = models.ForeignKey(
        "catalog.OneTimeNotice",
        verbose_name="一次性告知清单",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inquiries",
    )
    notice_ref = models.CharField("一次性告知清单编号", max_length=40, blank=True)

    handed_over_on = models.DateField("转交日期", null=True, blank=True)
    contact_due = models.DateField("联系期限", null=True, blank=True)
    resolve_working_days = models.PositiveSmallIntegerField("事项办理时限（工作日）", null=True, blank=True)
    resolve_due = models.DateField("办结期限", null=True, blank=True)
    deadline_pending = models.BooleanField(
        "期限待日历发布", default=False, help_text="期限所在年份的节假日安排尚未发布，发布后补算"
    )
    contacted_at = models.DateTimeField("联系办事职工时间", null=True, blank=True)
    escalated_to = models.ForeignKey(
        "org.Staff",
        verbose_name="报告的上一级领导",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalated_inquiries",
    )
    escalated_at = models.DateTimeField("报告时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        "org.Staff", verbose_name="办结人", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    result = models.TextField("办理结果", blank=True)
    rules_ref = models.CharField("首问负责规则集", max_length=80, blank=True)

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = INQUIRY_TRANSITIONS
    INITIAL: ClassVar[frozenset[str]] = INQUIRY_TRANSITIONS[NEW]

    objects = InquiryQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "首问登记"
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "contact_due"], name="inquiry_status_due_idx")]

    def __str__(self) -> str:
        return f"{self.no} {self.matter[:30]}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class InquiryEvent(StatusEvent):
    """One change of an inquiry (who, when, from, to, note): the timeline the
    first-inquiry person and the receiver see (000 §五(一)2(2))."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("动作", max_length=40)

    class Meta(StatusEvent.Meta):
        verbose_name = verbose_name_plural = "首问登记记录"

    def __str__(self) -> str:
        return f"{self.inquiry.no} {self.action}"

    @property
    def title(self) -> str:
        return EVENT_TITLES.get(self.action, self.action)


EVENT_TITLES = {
    "log": "登记",
    "contact": "已联系办事职工",
    "close": "办结",
    "escalate": "报告上一级领导",
    "designate": "指定负责部门和接办人",
    "deadline": "补算期限",
}


class BreachSource(models.TextChoices):
    COMPLAINT = "complaint", "投诉查实"
    INSPECTION = "inspection", "检查发现"
    OTHER = "other", "其他查实"


class BreachStatus(models.TextChoices):
    RECORDED = "recorded", "已认定"
    WITHDRAWN = "withdrawn", "已撤销"


BREACH_TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({BreachStatus.RECORDED}),
    BreachStatus.RECORDED: frozenset({BreachStatus.WITHDRAWN}),
    BreachStatus.WITHDRAWN: frozenset(),
}


class BreachQuerySet(models.QuerySet["Breach"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> BreachQuerySet:
        """Office, leaders and administrators: all; a department head: the own
        branch's and department's staff; everybody else: their own breaches."""
        from org.access import user_roles
        from org.models import Role

        roles = user_roles(user)
        if roles & {Role.OFFICE, Role.LEADER, Role.ADMIN}:
            return self
        staff = getattr(user, "staff", None)
        if staff is None or not roles:
            return self.none()
        mine = models.Q(staff=staff)
        if Role.HEAD in roles:
            if staff.branch_id:
                mine |= models.Q(staff__branch_id=staff.branch_id)
            if staff.department_id:
                mine |= models.Q(staff__department_id=staff.department_id)
        return self.filter(mine)

    def counted(self) -> BreachQuerySet:
        return self.filter(status=BreachStatus.RECORDED)


class Breach(models.Model):
    """A verified breach of the first-inquiry rules by one staff member (003 §十
    "工作人员违反首问责任制规定，经查实"), found from a complaint (000 §五(四)5(4)) or
    an inspection. `nth` is its number within the counting window of the
    first_inquiry rule set (default: the calendar year of `found_on`), and
    `consequences` the step of the ladder it triggered (1st 批评教育; 2nd 效能告诫 and
    re-training; 3rd 调离工作岗位). A serious one (造成严重社会影响或后果) also calls
    for an administrative sanction, decided by the office."""

    staff = models.ForeignKey(
        "org.Staff", verbose_name="工作人员", on_delete=models.PROTECT, related_name="inquiry_breaches"
    )
    source = models.CharField("来源", max_length=20, choices=BreachSource.choices)
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name="投诉",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inquiry_breaches",
    )
    inquiry = models.ForeignKey(
        Inquiry,
        verbose_name="首问登记",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="breaches",
    )
    # Inspections (supervision app) do not exist yet: their record number as text.
    source_ref = models.CharField("来源记录编号", max_length=60, blank=True)
    occurred_on = models.DateField("违规日期")
    found_on = models.DateField("查实日期", db_index=True)
    description = models.TextField("违规情况")
    nth = models.PositiveSmallIntegerField("计数周期内第几次")
    period_start = models.DateField("计数周期开始")
    period_end = models.DateField("计数周期结束")
    consequences = models.JSONField("处理", default=list)
    serious = models.BooleanField("造成严重社会影响或后果", default=False)
    serious_note = models.TextField("行政处分意见", blank=True)
    rules_ref = models.CharField("规则集", max_length=80)
    status = models.CharField(
        "状态", max_length=20, choices=BreachStatus.choices, default=BreachStatus.RECORDED
    )
    recorded_at = models.DateTimeField("认定时间", default=clock.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="认定人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_reason = models.TextField("撤销理由", blank=True)

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = BREACH_TRANSITIONS
    INITIAL: ClassVar[frozenset[str]] = BREACH_TRANSITIONS[NEW]

    objects = BreachQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "违反首问负责制记录"
        ordering = ["-found_on", "-id"]

    def __str__(self) -> str:
        return f"{self.staff.name} 第{self.nth}次（{self.found_on:%Y-%m-%d}）"


class BreachEvent(StatusEvent):
    """One change of a breach record of 003 §十 (recorded, withdrawn): who, when,
    from, to, note — the history behind the 1st/2nd/3rd count."""

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="events")

    class Meta(StatusEvent.Meta):
        verbose_name = verbose_name_plural = "违规记录变更"

    def __str__(self) -> str:
        return f"{self.breach_id} {self.from_status}→{self.to_status}"


class InquirySequence(models.Model):
    """The last registration number (登记编号) of the first-inquiry register of
    000 §五(一)2(2) given on a day, so that numbers are unique and gapless per day
    also under concurrent writers (the row is locked while counting)."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "首问登记编号"

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.last}"
