"""投诉管理 — complaints from every channel through the process of 000 §五(四)8.

The process is one explicit state machine (`Status`, `Complaint.TRANSITIONS`); reports,
appeals, sanctions and fines have their own small maps. Every change is a
`ComplaintEvent` on the complaint's timeline (who, when, from, to, an internal note and,
when the complainant may see it, a public note) and an audit event, written by
`audit.transitions.transition`. Numbers (time limits, classes, sanctions,
fines) come from the rule sets `complaint` and `complaint_penalty`; the version used
is stored with the complaint, the sanction and the fine. Writes go through
`complaints.services`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models

from common import clock
from common.events import StatusEvent
from common.identity import validate_landline_or_mobile

if TYPE_CHECKING:
    from datetime import date

    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def _validate_phone(value: str) -> None:
    if value:
        validate_landline_or_mobile(value)


class Channel(models.TextChoices):
    """000 §五(四)2 来信、来电、来访、网络投诉; §五(四)4 12329 and the transfers of
    the centre office and the 12329 hotline service."""

    LETTER = "letter", "来信"
    PHONE = "phone", "来电"
    HOTLINE = "hotline", "12329热线来电"
    VISIT = "visit", "来访"
    WEB = "web", "网上投诉"
    EMAIL = "email", "电子邮件"
    OFFICE_TRANSFER = "office_transfer", "中心办公室转办"
    HOTLINE_TRANSFER = "hotline_transfer", "12329热线客服转办"


class ContactPreference(models.TextChoices):
    PHONE = "phone", "电话"
    SMS = "sms", "短信"
    EMAIL = "email", "电子邮件"
    LETTER = "letter", "信函"
    ONLINE = "online", "只在网上查询（凭投诉编号和查询密码）"


class ComplaintClass(models.TextChoices):
    """000 §五(四)6; the codes are those of the complaint rule set's classes."""

    MAJOR = "major", "重大投诉"
    GENERAL = "general", "一般投诉"
    INVALID = "invalid", "无效投诉"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"
    UNREACHABLE = "unreachable", "无法回访"


class IncidentKind(models.TextChoices):
    """000 §五(四)13: a complainant who makes trouble or invents facts and disrupts
    work after being dissuaded → the police and the centre's legal department; a
    lawsuit or press coverage harming the centre → a crisis team."""

    POLICE = "police", "经劝阻无效，报警处理"
    LEGAL = "legal", "报中心法务部门，联系委托律师"
    CRISIS = "crisis", "上诉至法院或媒体报道，组成危机处理小组"


# Channels by which a complaint reaches a hall directly (001 第四十六条(一) 工作人员直接受理投诉).
COUNTER_CHANNELS = frozenset({Channel.VISIT, Channel.PHONE, Channel.LETTER})


class RelatedKind(models.TextChoices):
    """A record the complaint is about. Tickets, cases and ratings are other apps
    still being built: kind + reference text now, foreign keys later."""

    TICKET = "ticket", "取号记录"
    CASE = "case", "办件"
    RATING = "rating", "评价"
    INQUIRY = "inquiry", "首问登记"
    HOTLINE = "hotline", "12329工单"
    OTHER = "other", "其他"


class Status(models.TextChoices):
    RECEIVED = "received", "已登记，待受理"
    ACCEPTED = "accepted", "已受理，待定性"
    CLASSIFIED = "classified", "已定性，待责任认定"
    HANDLING = "handling", "责任部门办理中"
    JOINT_REVIEW = "joint_review", "待集体会审"
    REPORTING = "reporting", "待撰写办理报告"
    REPORT_REVIEW = "report_review", "办理报告待审核"
    REPLYING = "replying", "待答复投诉人"
    FOLLOW_UP = "follow_up", "待回访"
    CLOSED = "closed", "已办结，待归档"
    ARCHIVED = "archived", "已归档"


# The "from" status of a record's creating event; as a key of a map, where records start.
NEW = ""

TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({Status.RECEIVED}),  # 登记 (§8(1))
    # 受理 (§8(1)); a general complaint settled on the spot goes straight to the follow-up (§7(1)).
    Status.RECEIVED: frozenset({Status.ACCEPTED, Status.FOLLOW_UP}),
    Status.ACCEPTED: frozenset({Status.CLASSIFIED, Status.FOLLOW_UP}),
    # 责任认定 (§8(2)); an invalid complaint is answered at once with its reason (§6(3)).
    Status.CLASSIFIED: frozenset({Status.HANDLING, Status.FOLLOW_UP}),
    # 案件处理 (§8(3)), then 集体会审 (§8(4)) for major or complex cases.
    Status.HANDLING: frozenset({Status.JOINT_REVIEW, Status.REPORTING}),
    Status.JOINT_REVIEW: frozenset({Status.REPORTING}),
    # 投诉回馈 (§8(5)): the report, reviewed by the office, then the reply.
    Status.REPORTING: frozenset({Status.REPORT_REVIEW}),
    Status.REPORT_REVIEW: frozenset({Status.REPLYING, Status.REPORTING}),
    Status.REPLYING: frozenset({Status.FOLLOW_UP}),
    # 跟踪回访 (§8(6)): satisfied → closed; still unsatisfied → handled again.
    Status.FOLLOW_UP: frozenset({Status.CLOSED, Status.HANDLING, Status.ACCEPTED}),
    Status.CLOSED: frozenset({Status.ARCHIVED}),
    Status.ARCHIVED: frozenset(),
}

OPEN_STATUSES = frozenset(set(Status.values) - {Status.CLOSED, Status.ARCHIVED})
# Until the reply the time limit runs; afterwards the complaint waits for the follow-up.
AWAITING_REPLY = frozenset(
    {
        Status.RECEIVED,
        Status.ACCEPTED,
        Status.CLASSIFIED,
        Status.HANDLING,
        Status.JOINT_REVIEW,
        Status.REPORTING,
        Status.REPORT_REVIEW,
        Status.REPLYING,
    }
)

# What the complainant sees on the public follow-up page instead of the internal status.
PUBLIC_STATUS = {
    Status.RECEIVED: "已收到，等待受理",
    Status.ACCEPTED: "已受理，正在调查核实",
    Status.CLASSIFIED: "已受理，正在调查核实",
    Status.HANDLING: "正在办理",
    Status.JOINT_REVIEW: "正在办理",
    Status.REPORTING: "正在办理",
    Status.REPORT_REVIEW: "正在办理",
    Status.REPLYING: "正在办理",
    Status.FOLLOW_UP: "已答复，等待回访",
    Status.CLOSED: "已办结",
    Status.ARCHIVED: "已办结",
}


def concerning_q(staff_id: int | None) -> models.Q:
    """The complaints that concern a staff member: named as the person complained about
    at intake (`staff`) or found responsible (`responsible_staff`)."""
    if staff_id is None:
        return models.Q(pk__in=[])
    return models.Q(staff_id=staff_id) | models.Q(responsible_staff__id=staff_id)


class ComplaintQuerySet(models.QuerySet["Complaint"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> ComplaintQuerySet:
        """000 §五(四) and issue #7 "Protection": the complaint office and leaders see
        every complaint; the head of the department assigned to it sees it from the
        moment it is assigned; the party committee (机关党委) sees what was filed
        with it (责任认定备案, §8(2)) and appeals (§11). Nobody else.

        Whoever it is, the person a complaint concerns (named at intake or found
        responsible) never sees it here (issue 14) — not as the head of the responsible
        department, not in the office, not as a leader: they have the restricted
        /complaints/mine/, and the complaint goes to the office or a leader instead."""
        from complaints.conf import party_committee_code
        from org.access import user_roles
        from org.models import Role

        roles = user_roles(user)
        staff = getattr(user, "staff", None)
        if roles & {Role.OFFICE, Role.LEADER}:
            return self.not_concerning(staff.pk if staff is not None else None)
        if staff is None or not roles:
            return self.none()
        allowed = models.Q(pk__in=[])
        if Role.HEAD in roles and staff.department_id:
            allowed |= models.Q(responsible_department_id=staff.department_id) | models.Q(
                appeals__department_id=staff.department_id
            )
        if staff.department_id and staff.department.code == party_committee_code():
            allowed |= (
                models.Q(filed_with_party_committee_at__isnull=False)
                | models.Q(appeals__isnull=False)
                | models.Q(party_committee_leads=True)
            )
        return self.filter(allowed).distinct().not_concerning(staff.pk)

    def concerning(self, staff_id: int | None) -> ComplaintQuerySet:
        """The complaints about this staff member (see `concerning_q`)."""
        return self.filter(concerning_q(staff_id)).distinct()

    def not_concerning(self, staff_id: int | None) -> ComplaintQuerySet:
        """Without the complaints about this staff member: a subquery, so that the
        queryset stays one row per complaint."""
        if staff_id is None:
            return self
        about = Complaint.objects.filter(concerning_q(staff_id)).values("pk")
        return self.exclude(pk__in=about)

    def open(self) -> ComplaintQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Complaint(models.Model):
    """One complaint (投诉, 000 §五(四)2): a person, unit or organisation unhappy with
    a service of the centre, received by letter, phone (incl. 12329), visit, the web
    or e-mail, or transferred by the centre office or the 12329 hotline (§4). It
    carries who complains (anonymous allowed on the web, with a contact option),
    what happened, when and where, whom it concerns (staff, window, branch,
    department, matter, a related record), the scope category of §5, the class of §6
    with its time limit of §7 counted in working days from the day after receipt,
    the owner (首办责任人) and the responsibility found (§8(1)(2)). The complainant
    follows it with the number and a query password, of which only a hash is kept."""

    no = models.CharField("投诉编号", max_length=20, unique=True)
    query_password_hash = models.CharField("查询密码（哈希）", max_length=200)
    channel = models.CharField("投诉渠道", max_length=20, choices=Channel.choices)
    external_ref = models.CharField(
        "来源单号", max_length=60, blank=True, help_text="12329工单号、转办单号、来信编号等"
    )
    received_at = models.DateTimeField("收到时间", default=clock.now)
    received_on = models.DateField("收到日期", db_index=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    anonymous = models.BooleanField("匿名", default=False)
    complainant_name = models.CharField("投诉人", max_length=50, blank=True)
    complainant_phone = models.CharField("联系电话", max_length=30, blank=True, validators=[_validate_phone])
    complainant_email = models.EmailField("电子邮箱", blank=True)
    complainant_address = models.CharField("通信地址", max_length=200, blank=True)
    complainant_unit = models.CharField("单位", max_length=100, blank=True)
    contact_preference = models.CharField(
        "答复方式", max_length=10, choices=ContactPreference.choices, default=ContactPreference.PHONE
    )

    subject = models.CharField("投诉事由", max_length=100)
    content = models.TextField("投诉内容")
    occurred_on = models.DateField("发生日期", null=True, blank=True)
    place = models.CharField("发生地点", max_length=100, blank=True)
    branch = models.ForeignKey(
        "org.Branch",
        verbose_name="涉及管理部",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    window = models.ForeignKey(
        "org.Window",
        verbose_name="涉及窗口",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name="涉及处室",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    staff = models.ForeignKey(
        "org.Staff",
        verbose_name="被投诉工作人员",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_named",
    )
    staff_description = models.CharField(
        "被投诉人描述", max_length=100, blank=True, help_text="不知道姓名时的描述，如“3号窗口的女同志”"
    )
    # The catalog app (服务事项) is built in parallel: free text + optional code for now.
    matter = models.CharField("涉及事项", max_length=200, blank=True)
    matter_code = models.CharField("事项编码", max_length=40, blank=True)
    scope_codes = models.JSONField("受理范围", default=list, blank=True, help_text="投诉规则集 scope 的代码")
    # Tickets, cases and ratings do not exist yet; the lead turns these into foreign keys.
    related_kind = models.CharField("关联记录类型", max_length=20, choices=RelatedKind.choices, blank=True)
    related_ref = models.CharField("关联记录编号", max_length=60, blank=True)
    suggestion = models.TextField("意见建议", blank=True, help_text="投诉人提出的意见和建议（§8(6)、§12）")

    status = models.CharField("状态", max_length=20, choices=Status.choices, db_index=True)
    round = models.PositiveSmallIntegerField("办理轮次", default=1, help_text="回访不满意重新办理时加一")
    rules_ref = models.CharField("投诉管理规则集", max_length=80)

    owner = models.ForeignKey(
        "org.Staff",
        verbose_name="首办责任人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_owned",
    )
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    initial_findings = models.TextField("初步调查情况", blank=True)
    limit_told_at = models.DateTimeField("告知处理时限时间", null=True, blank=True)
    limit_told_via = models.CharField("告知方式", max_length=60, blank=True)

    class_code = models.CharField("投诉性质", max_length=10, choices=ComplaintClass.choices, blank=True)
    is_valid = models.BooleanField("有效投诉", default=False, help_text="经核实的重大投诉和一般投诉（§9）")
    class_criteria = models.JSONField("定性依据", default=list, blank=True)
    class_reason = models.TextField("定性理由", blank=True)
    classified_at = models.DateTimeField("定性时间", null=True, blank=True)
    is_complex = models.BooleanField("疑难复杂，需集体会审", default=False)
    key_supervision = models.BooleanField(
        "列入重点督办", default=False, help_text="§8(5)：责任部门负责人到中心当面汇报"
    )
    party_committee_leads = models.BooleanField(
        "机关党委牵头", default=False, help_text="§五(四)4：涉及纪委监委相关工作的投诉，由机关党委牵头"
    )
    settled_on_the_spot = models.BooleanField("当场解决", default=False)

    # Time limit of the current round (§7): from the day after `clock_start_on`.
    clock_start_on = models.DateField("时限起算基准日", null=True, blank=True)
    limit_days = models.PositiveSmallIntegerField("答复时限（工作日）", null=True, blank=True)
    reply_due = models.DateField("答复期限", null=True, blank=True, db_index=True)
    warn_on = models.DateField("督办预警日", null=True, blank=True)
    deadline_pending = models.BooleanField(
        "期限待日历发布", default=False, help_text="期限所在年份的节假日安排尚未发布，发布后补算"
    )
    extended_due = models.DateField("领导同意的延后答复日期", null=True, blank=True)
    warned_at = models.DateTimeField("已发出到期提醒", null=True, blank=True)
    overdue_marked_at = models.DateTimeField("已标记逾期", null=True, blank=True)

    responsible_department = models.ForeignKey(
        "org.Department",
        verbose_name="责任部门",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_responsible",
    )
    responsible_staff = models.ManyToManyField(
        "org.Staff", verbose_name="责任人", blank=True, related_name="complaints_responsible"
    )
    responsibility_analysis = models.TextField("责任分析认定", blank=True)
    determined_at = models.DateTimeField("责任认定时间", null=True, blank=True)
    determined_by_leader = models.BooleanField("由中心领导判定", default=False)
    filed_with_party_committee_at = models.DateTimeField("报机关党委备案时间", null=True, blank=True)
    verified_on = models.DateField(
        "查实日期",
        null=True,
        blank=True,
        db_index=True,
        help_text="有效投诉落到责任人之日；考核按此日所在季度",
    )

    replied_at = models.DateTimeField("最近答复时间", null=True, blank=True)
    satisfaction = models.CharField("回访结果", max_length=20, choices=Satisfaction.choices, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    archived_at = models.DateTimeField("归档时间", null=True, blank=True)
    archive_note = models.TextField("归档说明（建议的书面总结）", blank=True)

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = TRANSITIONS
    INITIAL: ClassVar[frozenset[str]] = TRANSITIONS[NEW]

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "投诉"
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "reply_due"], name="complaint_status_due_idx")]

    def __str__(self) -> str:
        # Only the number: this text goes to the audit log and the admin, where the
        # complainant's words (the subject) must not follow it.
        return self.no

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def awaiting_reply(self) -> bool:
        return self.status in AWAITING_REPLY

    @property
    def public_status(self) -> str:
        return PUBLIC_STATUS[Status(self.status)]

    @property
    def effective_due(self) -> date | None:
        """The day the answer is due now: a later day the leadership agreed to (§7(4)) or the limit."""
        return self.extended_due or self.reply_due


class EventKind(models.TextChoices):
    """Whose status a timeline row records: the complaint's, or one of its records'."""

    COMPLAINT = "complaint", "投诉"
    REPORT = "report", "办理报告"
    APPEAL = "appeal", "申诉"
    SANCTION = "sanction", "处理措施"
    FINE = "fine", "有效投诉处罚"


# The record column each kind of row names (a complaint row names none).
EVENT_RECORDS: dict[str, str] = {
    EventKind.REPORT: "report",
    EventKind.APPEAL: "appeal",
    EventKind.SANCTION: "sanction",
    EventKind.FINE: "fine",
}


def _one_record_per_kind() -> models.Q:
    """The row names exactly the record of its kind: none for a complaint row, the
    report, appeal, sanction or fine for theirs."""
    allowed = models.Q()
    for kind in EventKind:
        column = EVENT_RECORDS.get(kind)
        q = models.Q(kind=kind)
        for other in EVENT_RECORDS.values():
            q &= models.Q(**{f"{other}__isnull": other != column})
        allowed |= q
    return allowed


class ComplaintEvent(StatusEvent):
    """One change in a complaint's life along 000 §五(四)8 (who, when, from, to, note):
    the 投诉记录明细账 of §8(1). It records the complaint's own status, or that of one of
    its reports, appeals, sanctions or fines (`kind` and the foreign key of that kind;
    a check constraint keeps them together). `public_note` is what the complainant
    sees on the follow-up page; the internal `note` never leaves the staff pages."""

    complaint = models.ForeignKey("Complaint", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("对象", max_length=10, choices=EventKind.choices, default=EventKind.COMPLAINT)
    report = models.ForeignKey(
        "Report",
        verbose_name="办理报告",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
    )
    appeal = models.ForeignKey(
        "Appeal", verbose_name="申诉", on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    sanction = models.ForeignKey(
        "Sanction",
        verbose_name="处理措施",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
    )
    fine = models.ForeignKey(
        "Fine",
        verbose_name="有效投诉处罚",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
    )
    action = models.CharField("动作", max_length=40)
    title = models.CharField("步骤", max_length=60)
    round = models.PositiveSmallIntegerField("轮次", default=1)
    note = models.TextField("内部说明", blank=True)
    public_note = models.TextField("投诉人可见的说明", blank=True)

    class Meta(StatusEvent.Meta):
        verbose_name = verbose_name_plural = "投诉办理记录"
        constraints = [
            models.CheckConstraint(
                condition=_one_record_per_kind(), name="complaint_event_record_of_its_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint.no} {self.title}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    import secrets
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:10]
    return f"complaints/{clock.today():%Y/%m}/{secrets.token_hex(16)}{suffix}"


class Attachment(models.Model):
    """A file given with the complaint (000 §五(四)10 证明资料). Served only through
    the complaint's access check, never from a public URL."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", upload_to=_attachment_path)
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=100)
    uploaded_at = models.DateTimeField("上传时间", default=clock.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    by_complainant = models.BooleanField("投诉人提交", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "投诉附件"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class Handling(models.Model):
    """案件处理 by the responsible department (000 §五(四)8(3)): what happened, why,
    who was involved, the measures and the answer to the complainant, and how the
    department prevents it from happening again. One per round."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="handlings")
    round = models.PositiveSmallIntegerField("轮次")
    department = models.ForeignKey(
        "org.Department", verbose_name="责任部门", on_delete=models.PROTECT, related_name="+"
    )
    facts = models.TextField("事件经过")
    causes = models.TextField("原因分析")
    people = models.TextField("具体涉事人员", blank=True)
    measures = models.TextField("处理措施")
    answer = models.TextField("与投诉人沟通及处理结果告知")
    prevention = models.TextField("预防措施", blank=True)
    submitted_at = models.DateTimeField("提交时间", default=clock.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提交人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "部门办理情况"
        ordering = ["round", "id"]
        constraints = [models.UniqueConstraint(fields=["complaint", "round"], name="handling_one_per_round")]

    def __str__(self) -> str:
        return f"{self.complaint.no} 第{self.round}轮办理"


class JointReview(models.Model):
    """集体会审 (000 §五(四)8(4)): a meeting organised by the complaint office for a
    major, difficult or complex case, with the departments and the legal adviser
    consulted; the consensus is fixed in a document (文件) that sets one answer
    inside and outside the centre. It may confirm or change the class."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="joint_reviews")
    round = models.PositiveSmallIntegerField("轮次")
    held_on = models.DateField("会审日期")
    participants = models.TextField("参会人员")
    departments_consulted = models.TextField("征询意见的处室")
    legal_opinion = models.TextField("法律顾问意见")
    decision = models.TextField("会审意见（统一对内对外口径）")
    document_no = models.CharField("会审文件编号", max_length=60)
    class_before = models.CharField("会审前性质", max_length=10, blank=True)
    class_after = models.CharField("会审后性质", max_length=10)
    recorded_at = models.DateTimeField("记录时间", default=clock.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "集体会审"
        ordering = ["round", "id"]

    def __str__(self) -> str:
        return f"{self.complaint.no} 集体会审 {self.document_no}"


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "审核通过"
    RETURNED = "returned", "退回修改"


REPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({ReportStatus.SUBMITTED}),
    # The office's review (§8(5)); a returned report is kept, the department writes a new one.
    ReportStatus.SUBMITTED: frozenset({ReportStatus.APPROVED, ReportStatus.RETURNED}),
    ReportStatus.APPROVED: frozenset(),
    ReportStatus.RETURNED: frozenset(),
}


class Report(models.Model):
    """投诉办理报告 in the fixed format of 督办 (000 §五(四)8(5)), written by the
    responsible department in writing (never orally) and reviewed by the complaint
    office before the reply goes out. A returned report is kept; the department
    submits a new one."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="reports")
    round = models.PositiveSmallIntegerField("轮次")
    investigation = models.TextField("调查核实情况")
    causes = models.TextField("原因分析")
    measures = models.TextField("处理意见及整改措施")
    communication = models.TextField("与投诉人沟通及答复情况")
    prevention = models.TextField("预防措施")
    status = models.CharField(
        "审核状态", max_length=20, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField("提交时间", default=clock.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="撰写人", on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    review_remarks = models.TextField("审核意见", blank=True)
    reported_in_person = models.BooleanField("负责人已到中心当面汇报", default=False)

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = REPORT_TRANSITIONS
    INITIAL: ClassVar[frozenset[str]] = REPORT_TRANSITIONS[NEW]

    class Meta:
        verbose_name = verbose_name_plural = "投诉办理报告"
        ordering = ["round", "id"]

    def __str__(self) -> str:
        return f"{self.complaint.no} 第{self.round}轮办理报告"


class Reply(models.Model):
    """The answer to the complainant through the complaint's channel (000 §五(四)8(5)
    按相关投诉渠道进行上报回复), with the limit of its round and whether it met it (§7)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="replies")
    round = models.PositiveSmallIntegerField("轮次")
    channel = models.CharField("答复方式", max_length=40)
    text = models.TextField("答复内容")
    replied_at = models.DateTimeField("答复时间")
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due = models.DateField("答复期限", null=True, blank=True)
    on_time = models.BooleanField("按时答复", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "投诉答复"
        ordering = ["replied_at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint.no} 答复 {clock.local(self.replied_at):%Y-%m-%d}"


class FollowUp(models.Model):
    """跟踪回访 (000 §五(四)8(6)): the result told, the complainant's satisfaction and
    suggestions; an unsatisfied complainant sends the complaint back for re-handling."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="follow_ups")
    round = models.PositiveSmallIntegerField("轮次")
    at = models.DateTimeField("回访时间")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="回访人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    method = models.CharField("回访方式", max_length=40)
    satisfaction = models.CharField("满意程度", max_length=20, choices=Satisfaction.choices)
    opinion = models.TextField("投诉人意见", blank=True)
    suggestion = models.TextField("投诉人建议", blank=True)
    reopened = models.BooleanField("重新办理", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "投诉回访"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint.no} 回访 {self.get_satisfaction_display()}"


class DelayReport(models.Model):
    """A limit that cannot be met (000 §五(四)7(4)): the complainant is told why, the
    leadership is informed and gives its opinion, which may set a later reply date.
    The original limit stays the measure of on-time handling."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="delays")
    round = models.PositiveSmallIntegerField("轮次")
    reason = models.TextField("不能按时办结的原因")
    complainant_told_via = models.CharField("告知投诉人的方式", max_length=60)
    leader = models.ForeignKey(
        "org.Staff", verbose_name="汇报的中心领导", on_delete=models.PROTECT, related_name="+"
    )
    leader_opinion = models.TextField("中心领导处理意见")
    extended_due = models.DateField("同意延至", null=True, blank=True)
    reported_at = models.DateTimeField("汇报时间", default=clock.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "不能按时办结的告知与汇报"
        ordering = ["reported_at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint.no} 不能按时办结的告知"


class AppealStatus(models.TextChoices):
    PENDING = "pending", "待机关党委重新审议"
    UPHELD = "upheld", "维持原处理决定"
    REVISED = "revised", "改变处理决定"


APPEAL_TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({AppealStatus.PENDING}),
    AppealStatus.PENDING: frozenset({AppealStatus.UPHELD, AppealStatus.REVISED}),
    AppealStatus.UPHELD: frozenset(),
    AppealStatus.REVISED: frozenset(),
}


class Appeal(models.Model):
    """A department's objection to the complaint office's decision, raised with the
    party committee (机关党委), which organises a re-review (000 §五(四)11)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="appeals")
    department = models.ForeignKey(
        "org.Department", verbose_name="提出异议的部门", on_delete=models.PROTECT, related_name="+"
    )
    grounds = models.TextField("异议理由")
    status = models.CharField(
        "状态", max_length=20, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    filed_at = models.DateTimeField("提出时间", default=clock.now)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提出人", on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("审议时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审议登记人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision = models.TextField("重新审议认定意见", blank=True)

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = APPEAL_TRANSITIONS
    INITIAL: ClassVar[frozenset[str]] = APPEAL_TRANSITIONS[NEW]

    class Meta:
        verbose_name = verbose_name_plural = "处理决定异议"
        ordering = ["filed_at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint.no} 异议（{self.get_status_display()}）"


class PenaltyStatus(models.TextChoices):
    ACTIVE = "active", "有效"
    WITHDRAWN = "withdrawn", "已撤销"


PENALTY_TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({PenaltyStatus.ACTIVE}),
    PenaltyStatus.ACTIVE: frozenset({PenaltyStatus.WITHDRAWN}),
    PenaltyStatus.WITHDRAWN: frozenset(),
}


class Sanction(models.Model):
    """A measure on the staff member of a verified major or general complaint:
    批评教育、书面检查、通报, or the administrative sanctions 警告、记过、记大过
    (000 §五(四)9), chosen by the office from the complaint rule set's list. An input
    of the appraisal; withdrawn (never deleted) when a re-review changes the decision."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="sanctions")
    staff = models.ForeignKey(
        "org.Staff", verbose_name="工作人员", on_delete=models.PROTECT, related_name="complaint_sanctions"
    )
    code = models.CharField("措施代码", max_length=40)
    label = models.CharField("处理措施", max_length=40)
    administrative = models.BooleanField("行政处分")
    decided_on = models.DateField("决定日期")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField("情节说明", blank=True)
    rules_ref = models.CharField("规则集", max_length=80)
    status = models.CharField(
        "状态", max_length=20, choices=PenaltyStatus.choices, default=PenaltyStatus.ACTIVE
    )
    withdrawn_reason = models.TextField("撤销理由", blank=True)

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = PENALTY_TRANSITIONS
    INITIAL: ClassVar[frozenset[str]] = PENALTY_TRANSITIONS[NEW]

    class Meta:
        verbose_name = verbose_name_plural = "投诉处理措施"
        ordering = ["decided_on", "id"]

    def __str__(self) -> str:
        return f"{self.staff.name} {self.label}"


class Fine(models.Model):
    """What the nth valid complaint against a staff member within the counting window
    costs them under the complaint_penalty rule set in force on the day it was
    verified (default 002 篇4 一7: 30元 each; alternative 002 篇1 §一(一): 100元 /
    待岗一周… / 解除合同). Created when a valid complaint is found against the person,
    withdrawn when a re-review finds otherwise, so a complaint is never fined twice."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="fines")
    staff = models.ForeignKey(
        "org.Staff", verbose_name="工作人员", on_delete=models.PROTECT, related_name="complaint_fines"
    )
    verified_on = models.DateField("查实日期", db_index=True)
    nth = models.PositiveSmallIntegerField("计数周期内第几次")
    period_start = models.DateField("计数周期开始")
    period_end = models.DateField("计数周期结束")
    amount_yuan = models.PositiveIntegerField("金额（元）")
    consequences = models.JSONField("其他后果", default=list, blank=True)
    rules_ref = models.CharField("规则集", max_length=80)
    status = models.CharField(
        "状态", max_length=20, choices=PenaltyStatus.choices, default=PenaltyStatus.ACTIVE
    )
    created_at = models.DateTimeField("登记时间", default=clock.now)
    withdrawn_reason = models.TextField("撤销理由", blank=True)

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = PENALTY_TRANSITIONS
    INITIAL: ClassVar[frozenset[str]] = PENALTY_TRANSITIONS[NEW]

    class Meta:
        verbose_name = verbose_name_plural = "有效投诉处罚"
        ordering = ["verified_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "staff"],
                condition=models.Q(status="active"),
                name="fine_once_per_complaint_and_staff",
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff.name} 第{self.nth}次 {self.amount_yuan}元"


class ComplaintSequence(models.Model):
    """The last complaint number given on a day (投诉事项登记, 000 §五(四)8(1); the
    number and query password of 002 篇5 受理编码及查询密码), locked while counting:
    unique and gapless per day under concurrent intake."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "投诉编号"

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.last}"
