"""好差评: ratings of a service visit (or a case) by the citizen, their annotation and
appeal, 差评 follow-up and rectification, 12329 callbacks and internal surveys.

The clauses this app serves:

* 000 §四(二)2(1) 工作岗位牌 and 2(4) 评价系统：业务办理结束后，可接受服务对象对服务质量的评价，
  同时实现对评价结果的统计 — the counter evaluator and the statistics.
* 000 §五(五)4(1) 职工评价（80分）— the counter evaluator, the QR code and app/web rating
  afterwards; the five levels, 差评 = the last two; +1 / −2 / −4; the score.
* 004 §五 一 12329 callbacks on every withdrawal and loan; 二 monthly survey of the
  departments by branch staff; 三 managers rate the leadership.
* National practice (一次一评、一事一评; every 差评 is followed up and rectified; results
  and rectifications are made public; nobody rates on a citizen's behalf).

Guarantees held by the database, not only the code: one rating per service visit
(`rating_one_per_ticket`) and per case; a rating row is never updated or deleted
(`Rating.save`/`delete`, the queryset, and on PostgreSQL a trigger, migration 0002);
one open annotation per rating; one survey response per rater, target and month.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from org.models import Branch, Category, Department, Staff, Window

# ---------------------------------------------------------------------------------------
# Choices


class RatingChannel(models.TextChoices):
    """Where the citizen rated (000 §五(五)4(1): the counter evaluator; the QR code; the
    app, web or WeChat “服务评价” afterwards — here the case query page)."""

    COUNTER = "counter", "窗口评价器"
    QR = "qr", "扫码评价"
    ONLINE = "online", "网上评价"


class RaterType(models.TextChoices):
    """Who rated: an individual (办事职工) or an employer's clerk (缴存单位专管员)."""

    PERSON = "person", "个人"
    EMPLOYER = "employer", "单位"


class ServiceKind(models.TextChoices):
    VISIT = "visit", "窗口服务"
    CASE = "case", "办件"


class BadReason(models.TextChoices):
    """What a bad rating complains about. 索拿卡要 and 跑回头路 are the words of 004 §五 一."""

    ATTITUDE = "attitude", "服务态度差"
    EFFICIENCY = "efficiency", "办事效率低"
    RAN_BACK = "ran_back", "跑回头路（多次跑）"
    FAVOURS = "favours", "索拿卡要"
    OTHER = "other", "其他"


# ---------------------------------------------------------------------------------------
# Immutable rows


class ImmutableError(Exception):
    """Raised on any attempt to change or remove a rating or a survey response."""


class ImmutableQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableError("评价记录不能修改，只能批注。")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableError("评价记录不能删除。")


class ImmutableModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ImmutableError(f"{self._meta.verbose_name}保存后不能修改，只能批注。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableError(f"{self._meta.verbose_name}不能删除。")


ACTION_LABELS = {
    "propose": "提出批注",
    "approve": "复核核准",
    "reject": "复核驳回",
    "revoke": "撤销核销",
    "submit": "提出申诉",
    "decide": "处理申诉",
    "open": "生成",
    "contact": "联系评价人",
    "rectify": "核实整改",
    "close_unfounded": "核实不属实，办结",
    "close": "办结",
    "deadlines": "计算期限",
    "create": "生成回访任务",
    "phone": "登记电话",
    "reveal": "查看电话",
    "call": "拨打",
    "answer": "完成回访",
}


class Event(models.Model):
    """One change of state of a row of this app: who, when, from which state to which, note."""

    action = models.CharField("动作", max_length=30)
    from_status = models.CharField("原状态", max_length=20, blank=True)
    to_status = models.CharField("新状态", max_length=20, blank=True)
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField("操作人标识", max_length=100)
    note = models.TextField("说明", blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)


# ---------------------------------------------------------------------------------------
# Ratings


class RatingToken(models.Model):
    """The credential that lets somebody rate ONE service through ONE channel: minted in
    the transaction that completes the visit (queueing `ticket_complete`) — a counter
    token that the window's evaluator shows for `RATINGS_EVALUATOR_TIMEOUT_SECONDS`, and a
    QR token behind the slip's QR code valid `RATINGS_QR_DAYS` days (000 §五(五)4(1)
    窗口评价器, 扫描二维码, 事后评价). Unguessable (`secrets.token_urlsafe`); an expired token
    rates nothing, and the service then stays unrated — never a default good rating."""

    token = models.CharField("令牌", max_length=64, unique=True, editable=False)
    channel = models.CharField("评价渠道", max_length=20, choices=RatingChannel.choices)
    service_kind = models.CharField("服务类型", max_length=10, choices=ServiceKind.choices)
    ticket = models.ForeignKey(
        "queueing.Ticket",
        verbose_name="排队号",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rating_tokens",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name="办件",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rating_tokens",
    )
    branch = models.ForeignKey(Branch, verbose_name="管理部", on_delete=models.PROTECT, related_name="+")
    window = models.ForeignKey(
        Window, verbose_name="窗口", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("生成时间")
    expires_at = models.DateTimeField("失效时间")

    class Meta:
        verbose_name = verbose_name_plural = "评价令牌"
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "channel"],
                condition=Q(ticket__isnull=False),
                name="rating_token_ticket_channel",
            ),
            models.UniqueConstraint(
                fields=["case", "channel"], condition=Q(case__isnull=False), name="rating_token_case_channel"
            ),
            models.CheckConstraint(
                condition=(Q(service_kind="visit") & Q(ticket__isnull=False) & Q(case__isnull=True))
                | (Q(service_kind="case") & Q(case__isnull=False) & Q(ticket__isnull=True)),
                name="rating_token_one_service",
            ),
        ]
        indexes = [models.Index(fields=["window", "channel", "expires_at"], name="rating_token_window_idx")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} …{self.token[-6:]}"


class RatingQuerySet(ImmutableQuerySet):
    def visible_to(self, user: Any) -> RatingQuerySet:
        from org.access import branch_scope

        scope = branch_scope(user)
        return self if scope is None else self.filter(branch_id__in=scope)

    def counted(self) -> RatingQuerySet:
        """Ratings that count for the score: no approved mistaken/malicious annotation."""
        return self.exclude(annotations__status=AnnotationStatus.APPROVED)


class Rating(ImmutableModel):
    """One citizen's rating of one service (一次一评) or one case (一事一评): the level of the
    five of 000 §五(五)4(1) (5 非常满意 … 1 非常不满意; 差评 = the rule set's bad levels),
    the reasons and comment of a bad rating, the channel, and the service it rates with its
    staff member, window, branch, department, matter and times, copied when it is made so
    that a later change of the organisation never changes what was rated. Never edited or
    deleted: a mistaken or malicious rating is annotated (RatingAnnotation) and then leaves
    the score with its reason kept (handan-2021-window-score interpretation 3)."""

    service_kind = models.CharField("服务类型", max_length=10, choices=ServiceKind.choices)
    ticket = models.ForeignKey(
        "queueing.Ticket",
        verbose_name="排队号",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name="办件",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings",
    )
    token = models.ForeignKey(
        RatingToken, verbose_name="评价令牌", on_delete=models.PROTECT, related_name="ratings"
    )
    channel = models.CharField("评价渠道", max_length=20, choices=RatingChannel.choices)
    level = models.PositiveSmallIntegerField("评价等级")
    level_label = models.CharField("评价", max_length=20)
    is_bad = models.BooleanField("差评", help_text="按评价当日生效的服务窗口评价规则集认定")
    reasons = models.JSONField("差评原因", default=list, blank=True)
    comment = models.CharField("意见建议", max_length=500, blank=True)
    contact_phone = models.CharField(
        "联系电话", max_length=30, blank=True, help_text="评价人自愿留下，用于差评回访"
    )
    rater_type = models.CharField("评价人类型", max_length=20, choices=RaterType.choices)

    branch = models.ForeignKey(Branch, verbose_name="管理部", on_delete=models.PROTECT, related_name="+")
    window = models.ForeignKey(
        Window, verbose_name="窗口", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    staff = models.ForeignKey(
        Staff, verbose_name="工作人员", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name="处室", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    matter = models.ForeignKey(
        "catalog.Matter",
        verbose_name="事项",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    matter_name = models.CharField("事项名称", max_length=100, blank=True, help_text="评价时办事指南中的名称")
    category = models.CharField("业务类别", max_length=20, choices=Category.choices)
    service_number = models.CharField("办件编号/服务编号", max_length=40)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    completed_at = models.DateTimeField("办结时间", null=True, blank=True)

    rated_at = models.DateTimeField("评价时间")
    rated_on = models.DateField("评价日期", help_text="北京时间的日期；评分期按此归属")
    rules_ref = models.CharField("评价规则集", max_length=80)
    client_ip = models.GenericIPAddressField("客户端地址", null=True, blank=True)

    objects = RatingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "好差评"
        ordering = ["-rated_at", "-pk"]
        constraints = [
            # 一次一评、一事一评: a second rating of the same service is refused by the
            # database, also when two arrive at the same moment.
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(ticket__isnull=False), name="rating_one_per_ticket"
            ),
            models.UniqueConstraint(
                fields=["case"], condition=Q(case__isnull=False), name="rating_one_per_case"
            ),
            models.CheckConstraint(
                condition=(Q(service_kind="visit") & Q(ticket__isnull=False) & Q(case__isnull=True))
                | (Q(service_kind="case") & Q(case__isnull=False) & Q(ticket__isnull=True)),
                name="rating_one_service",
            ),
            models.CheckConstraint(condition=Q(level__gte=1) & Q(level__lte=5), name="rating_level_1_5"),
        ]
        indexes = [
            models.Index(fields=["rated_on", "branch"], name="rating_period_branch_idx"),
            models.Index(fields=["staff", "rated_on"], name="rating_staff_idx"),
            models.Index(fields=["window", "rated_on"], name="rating_window_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.service_number} {self.level_label}"

    @property
    def reason_labels(self) -> list[str]:
        return [BadReason(r).label for r in self.reasons if r in BadReason.values]


# ---------------------------------------------------------------------------------------
# Annotation (mistaken / malicious) and the citizen's appeal


class AnnotationKind(models.TextChoices):
    MISTAKEN = "mistaken", "误评"
    MALICIOUS = "malicious", "恶意评价"


class AnnotationStatus(models.TextChoices):
    PROPOSED = "proposed", "待复核"
    APPROVED = "approved", "已核准（不计分）"
    REJECTED = "rejected", "已驳回"
    REVOKED = "revoked", "申诉成立，恢复计分"


ANNOTATION_TRANSITIONS: dict[str, frozenset[str]] = {
    AnnotationStatus.PROPOSED: frozenset({AnnotationStatus.APPROVED, AnnotationStatus.REJECTED}),
    AnnotationStatus.APPROVED: frozenset({AnnotationStatus.REVOKED}),
    AnnotationStatus.REJECTED: frozenset(),
    AnnotationStatus.REVOKED: frozenset(),
}
OPEN_ANNOTATION = (AnnotationStatus.PROPOSED, AnnotationStatus.APPROVED)


class RatingAnnotation(models.Model):
    """The business management office marks a rating as mistaken (误评) or malicious (恶意评价)
    with evidence; a second person (业务管理处 or a centre leader, not the proposer) approves.
    Approved, the rating leaves the score with its reason kept (handan-2021-window-score
    interpretation 3: “计入评价”指未被核销的评价, 000 §五(五)4(1)); the citizen may appeal."""

    rating = models.ForeignKey(
        Rating, verbose_name="评价", on_delete=models.PROTECT, related_name="annotations"
    )
    kind = models.CharField("类型", max_length=20, choices=AnnotationKind.choices)
    status = models.CharField("状态", max_length=20, choices=AnnotationStatus.choices)
    reason = models.TextField("理由")
    evidence = models.TextField("证据说明", help_text="例如：监控录像时段、系统日志、评价人本人说明")
    evidence_file = models.FileField("证据材料", upload_to="ratings/evidence/%Y/%m/", blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提出人", on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField("提出时间")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="复核人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("复核时间", null=True, blank=True)
    decision_note = models.TextField("复核意见", blank=True)

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = ANNOTATION_TRANSITIONS

    class Meta:
        verbose_name = verbose_name_plural = "评价批注（误评/恶意评价）"
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rating"],
                condition=Q(status__in=["proposed", "approved"]),
                name="annotation_one_open",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("proposed_by")),
                name="annotation_two_people",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating} {self.get_kind_display()}（{self.get_status_display()}）"


class AnnotationEvent(Event):
    """One change of an annotation (proposed, approved, rejected, revoked by an appeal): who
    took a rating out of the score of 000 §五(五)4(1), who approved, and why."""

    annotation = models.ForeignKey(RatingAnnotation, on_delete=models.PROTECT, related_name="events")

    class Meta(Event.Meta):
        verbose_name = verbose_name_plural = "评价批注记录"

    def __str__(self) -> str:
        return f"{self.annotation_id} {self.action_label} {self.at:%Y-%m-%d %H:%M}"


class AppealStatus(models.TextChoices):
    SUBMITTED = "submitted", "待处理"
    GRANTED = "granted", "申诉成立"
    DISMISSED = "dismissed", "申诉不成立"


APPEAL_TRANSITIONS: dict[str, frozenset[str]] = {
    AppealStatus.SUBMITTED: frozenset({AppealStatus.GRANTED, AppealStatus.DISMISSED}),
    AppealStatus.GRANTED: frozenset(),
    AppealStatus.DISMISSED: frozenset(),
}


class RatingAppeal(models.Model):
    """The citizen's appeal against taking their rating out of the score (the rating was
    marked mistaken or malicious). Granted, the annotation is revoked and the rating counts
    again; dismissed, the exclusion stands. Decided by 业务管理处 or a leader who took no
    part in the annotation (000 §五(五)4(1); the lead's decision on 好差评 annotations)."""

    annotation = models.OneToOneField(
        RatingAnnotation, verbose_name="批注", on_delete=models.PROTECT, related_name="appeal"
    )
    status = models.CharField(
        "状态", max_length=20, choices=AppealStatus.choices, default=AppealStatus.SUBMITTED
    )
    statement = models.TextField("申诉理由")
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    submitted_at = models.DateTimeField("申诉时间")
    submitted_via = models.CharField("申诉方式", max_length=40, help_text="评价页面，或工作人员代为登记")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decision_note = models.TextField("处理意见", blank=True)

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = APPEAL_TRANSITIONS

    class Meta:
        verbose_name = verbose_name_plural = "评价申诉"
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.annotation.rating} 申诉（{self.get_status_display()}）"


class AppealEvent(Event):
    """One change of a citizen's appeal against an exclusion (submitted, granted, dismissed),
    000 §五(五)4(1) as interpreted in handan-2021-window-score."""

    appeal = models.ForeignKey(RatingAppeal, on_delete=models.PROTECT, related_name="events")

    class Meta(Event.Meta):
        verbose_name = verbose_name_plural = "评价申诉记录"

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.action_label} {self.at:%Y-%m-%d %H:%M}"


# ---------------------------------------------------------------------------------------
# 12329 callbacks (004 §五 一)


class SatisfactionLevel(models.TextChoices):
    """The three levels of 004 §五 (12329 callbacks and the internal surveys)."""

    VERY_SATISFIED = "very_satisfied", "非常满意"
    SATISFIED = "satisfied", "满意"
    DISSATISFIED = "dissatisfied", "不满意"


class CallbackStatus(models.TextChoices):
    PENDING = "pending", "待回访"
    COMPLETED = "completed", "已回访"
    REFUSED = "refused", "拒绝回访"
    UNREACHABLE = "unreachable", "无法联系"


CALLBACK_TRANSITIONS: dict[str, frozenset[str]] = {
    CallbackStatus.PENDING: frozenset(
        {CallbackStatus.PENDING, CallbackStatus.COMPLETED, CallbackStatus.REFUSED, CallbackStatus.UNREACHABLE}
    ),
    CallbackStatus.COMPLETED: frozenset(),
    CallbackStatus.REFUSED: frozenset(),
    CallbackStatus.UNREACHABLE: frozenset(),
}


class CallOutcome(models.TextChoices):
    REACHED = "reached", "已接通"
    NOT_REACHED = "not_reached", "未接通"
    REFUSED = "refused", "拒绝回访"


class CallbackQuerySet(models.QuerySet["HotlineCallback"]):
    def visible_to(self, user: Any) -> CallbackQuerySet:
        from org.access import branch_scope

        scope = branch_scope(user)
        return self if scope is None else self.filter(branch_id__in=scope)


class HotlineCallback(models.Model):
    """A 12329 callback (004 §五 一：12329服务热线对每笔提取、贷款进行回访): the citizen is asked
    about the branch staff's 服务态度 and 办事效率 (非常满意/满意/不满意), whether they had to
    come back (是否跑回头路) or were asked for favours (是否索拿卡要), and for comments. Created
    for every completed withdrawal and loan case (and visit, while cases are not recorded);
    the hotline operators (业务管理处, which runs the 12329 line, 000 §五(四)4) work the list.
    Branches and staff are ranked by the score of the hotline_callback rule set."""

    service_kind = models.CharField("服务类型", max_length=10, choices=ServiceKind.choices)
    ticket = models.ForeignKey(
        "queueing.Ticket",
        verbose_name="排队号",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="callbacks",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name="办件",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="callbacks",
    )
    branch = models.ForeignKey(Branch, verbose_name="管理部", on_delete=models.PROTECT, related_name="+")
    window = models.ForeignKey(
        Window, verbose_name="窗口", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    staff = models.ForeignKey(
        Staff, verbose_name="工作人员", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    matter = models.ForeignKey(
        "catalog.Matter",
        verbose_name="事项",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    matter_name = models.CharField("事项名称", max_length=100, blank=True, help_text="评价时办事指南中的名称")
    category = models.CharField("业务类别", max_length=20, choices=Category.choices)
    service_number = models.CharField("办件编号/服务编号", max_length=40)
    citizen_name = models.CharField("回访对象", max_length=100, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    service_completed_at = models.DateTimeField("办结时间")
    service_on = models.DateField("办结日期", help_text="排名按办结日期所在的期间归属")

    status = models.CharField(
        "状态", max_length=20, choices=CallbackStatus.choices, default=CallbackStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("拨打次数", default=0)
    attitude = models.CharField("服务态度", max_length=20, choices=SatisfactionLevel.choices, blank=True)
    efficiency = models.CharField("办事效率", max_length=20, choices=SatisfactionLevel.choices, blank=True)
    ran_back = models.BooleanField("是否跑回头路", null=True, blank=True)
    favours = models.BooleanField("是否索拿卡要", null=True, blank=True)
    dissatisfied_reason = models.TextField("不满意的具体事项", blank=True)
    comments = models.TextField("意见建议", blank=True)
    answered_at = models.DateTimeField("回访时间", null=True, blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="回访人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rules_ref = models.CharField("回访规则集", max_length=80)
    created_at = models.DateTimeField("生成时间")

    objects = CallbackQuerySet.as_manager()
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = CALLBACK_TRANSITIONS

    class Meta:
        verbose_name = verbose_name_plural = "12329回访"
        ordering = ["-service_completed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(ticket__isnull=False), name="callback_one_per_ticket"
            ),
            models.UniqueConstraint(
                fields=["case"], condition=Q(case__isnull=False), name="callback_one_per_case"
            ),
            models.CheckConstraint(
                condition=(Q(service_kind="visit") & Q(ticket__isnull=False) & Q(case__isnull=True))
                | (Q(service_kind="case") & Q(case__isnull=False) & Q(ticket__isnull=True)),
                name="callback_one_service",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "service_on"], name="callback_worklist_idx"),
            models.Index(fields=["service_on", "branch"], name="callback_period_idx"),
        ]

    def __str__(self) -> str:
        return f"12329回访 {self.service_number}"

    @property
    def needs_follow_up(self) -> bool:
        return (
            SatisfactionLevel.DISSATISFIED in (self.attitude, self.efficiency)
            or bool(self.ran_back)
            or bool(self.favours)
        )


class CallbackEvent(Event):
    """One call attempt or change of a 12329 callback (004 §五 一): created, called (reached /
    not reached / refused), answered, closed as unreachable, phone entered, phone shown."""

    callback = models.ForeignKey(HotlineCallback, on_delete=models.PROTECT, related_name="events")
    outcome = models.CharField("拨打结果", max_length=20, choices=CallOutcome.choices, blank=True)

    class Meta(Event.Meta):
        verbose_name = verbose_name_plural = "12329回访记录"

    def __str__(self) -> str:
        return f"{self.callback_id} {self.action_label} {self.at:%Y-%m-%d %H:%M}"


# ---------------------------------------------------------------------------------------
# 差评 follow-up and rectification


class FollowUpStatus(models.TextChoices):
    OPEN = "open", "待联系"
    CONTACTED = "contacted", "已联系，核实整改中"
    RECTIFIED = "rectified", "已整改，待回访"
    CLOSED = "closed", "已办结"


FOLLOWUP_TRANSITIONS: dict[str, frozenset[str]] = {
    FollowUpStatus.OPEN: frozenset({FollowUpStatus.CONTACTED}),
    # An unfounded complaint is closed after verification, with the finding kept.
    FollowUpStatus.CONTACTED: frozenset({FollowUpStatus.RECTIFIED, FollowUpStatus.CLOSED}),
    FollowUpStatus.RECTIFIED: frozenset({FollowUpStatus.CLOSED}),
    FollowUpStatus.CLOSED: frozenset(),
}


class ContactMethod(models.TextChoices):
    PHONE = "phone", "电话"
    SMS = "sms", "短信"
    IN_PERSON = "in_person", "当面"
    NOT_POSSIBLE = "not_possible", "无法联系（未留联系方式或无人接听）"


class Verdict(models.TextChoices):
    SUBSTANTIATED = "substantiated", "属实"
    PARTLY = "partly", "部分属实"
    UNFOUNDED = "unfounded", "不属实"


class Satisfaction(models.TextChoices):
    """The citizen's satisfaction with what was done (回访整改结果)."""

    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"
    UNREACHABLE = "unreachable", "未能联系到本人"


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def visible_to(self, user: Any) -> FollowUpQuerySet:
        from org.access import branch_scope

        scope = branch_scope(user)
        return self if scope is None else self.filter(branch_id__in=scope)


class FollowUp(models.Model):
    """The follow-up of a 差评 (every bad rating is followed up and rectified) or of a 12329
    callback with an unsatisfied answer or a “yes” to 跑回头路/索拿卡要 (004 §五 一): contact the
    citizen within the rule set's working days (default 1), verify, rectify within its limit
    (default 5), record what was done and the citizen's satisfaction with it. Deadlines are
    counted from the day after the rating (rules/bundled/product-rating-followup.toml, by
    000 §五(二)2). Rectifications are published on the disclosure page."""

    rating = models.OneToOneField(
        Rating, verbose_name="差评", on_delete=models.PROTECT, null=True, blank=True, related_name="follow_up"
    )
    callback = models.OneToOneField(
        HotlineCallback,
        verbose_name="12329回访",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_up",
    )
    branch = models.ForeignKey(Branch, verbose_name="管理部", on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(
        Staff, verbose_name="被评价人", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    window = models.ForeignKey(
        Window, verbose_name="窗口", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_on = models.DateField("差评日期")
    problem = models.CharField("反映问题", max_length=300)
    status = models.CharField(
        "状态", max_length=20, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    contact_due = models.DateField("联系期限", null=True, blank=True)
    rectify_due = models.DateField("整改期限", null=True, blank=True)
    due_pending_year = models.PositiveIntegerField(
        "期限待日历", null=True, blank=True, help_text="期限所在年度的节假日安排尚未发布"
    )
    rules_ref = models.CharField("回访整改规则集", max_length=80, blank=True)

    contacted_at = models.DateTimeField("联系时间", null=True, blank=True)
    contact_method = models.CharField("联系方式", max_length=20, choices=ContactMethod.choices, blank=True)
    contact_note = models.TextField("联系情况", blank=True)
    verdict = models.CharField("核实结论", max_length=20, choices=Verdict.choices, blank=True)
    finding = models.TextField("核实情况", blank=True)
    rectification = models.TextField("整改措施", blank=True)
    public_summary = models.CharField(
        "公开说明", max_length=300, blank=True, help_text="在好差评公示页面公开的整改情况（不含个人信息）"
    )
    rectified_at = models.DateTimeField("整改完成时间", null=True, blank=True)
    satisfaction = models.CharField(
        "评价人对整改的满意度", max_length=20, choices=Satisfaction.choices, blank=True
    )
    satisfaction_note = models.TextField("回访说明", blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    created_at = models.DateTimeField("生成时间")

    objects = FollowUpQuerySet.as_manager()
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = FOLLOWUP_TRANSITIONS

    class Meta:
        verbose_name = verbose_name_plural = "差评回访整改"
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(rating__isnull=False) & Q(callback__isnull=True))
                | (Q(rating__isnull=True) & Q(callback__isnull=False)),
                name="followup_one_source",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "contact_due"], name="followup_contact_idx"),
            models.Index(fields=["status", "rectify_due"], name="followup_rectify_idx"),
        ]

    def __str__(self) -> str:
        return f"差评回访 {self.pk}（{self.get_status_display()}）"

    @property
    def source_label(self) -> str:
        return "12329回访" if self.callback_id else "好差评"

    @property
    def problem_public(self) -> str:
        """What was complained about, for the public page: the level and the reasons only,
        never the citizen's own words (they may name people)."""
        if self.rating is not None:
            return "、".join([self.rating.level_label, *self.rating.reason_labels])
        callback = self.callback
        assert callback is not None
        parts = [
            label
            for flag, label in (
                (callback.attitude == SatisfactionLevel.DISSATISFIED, "服务态度不满意"),
                (callback.efficiency == SatisfactionLevel.DISSATISFIED, "办事效率不满意"),
                (bool(callback.ran_back), "跑回头路"),
                (bool(callback.favours), "索拿卡要"),
            )
            if flag
        ]
        return "、".join(parts)


class FollowUpEvent(Event):
    """One step of a 差评 follow-up (opened, contacted, rectified, closed) with its actor: the
    deadlines of product-rating-followup are checked against these (000 §五(五)4(1) 差评)."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.PROTECT, related_name="events")

    class Meta(Event.Meta):
        verbose_name = verbose_name_plural = "差评回访记录"

    def __str__(self) -> str:
        return f"{self.follow_up_id} {self.action_label} {self.at:%Y-%m-%d %H:%M}"


# ---------------------------------------------------------------------------------------
# Internal satisfaction surveys (004 §五 二、三)


class SurveyKind(models.TextChoices):
    """The two internal surveys of 004 §五: 二 网点工作人员 rate the centre's departments
    monthly; 三 全体副科级以上管理人员 rate the leadership (班子成员) monthly."""

    BRANCH_RATES_DEPARTMENT = "branch_rates_department", "网点对科室工作满意度测评"
    MANAGERS_RATE_LEADERS = "managers_rate_leaders", "管理人员对班子成员测评"


class SurveyStatus(models.TextChoices):
    OPEN = "open", "测评中"
    CLOSED = "closed", "已结束"


SURVEY_TRANSITIONS: dict[str, frozenset[str]] = {
    SurveyStatus.OPEN: frozenset({SurveyStatus.CLOSED}),
    SurveyStatus.CLOSED: frozenset(),
}


class SurveyRound(models.Model):
    """One month of one internal survey (004 §五 二、三): its targets are fixed when it is
    opened; responses are accepted while it is open; rankings come from its responses."""

    kind = models.CharField("测评", max_length=40, choices=SurveyKind.choices)
    month = models.DateField("月份", help_text="该月的第一天")
    status = models.CharField("状态", max_length=20, choices=SurveyStatus.choices, default=SurveyStatus.OPEN)
    rules_ref = models.CharField("测评规则集", max_length=80)
    opened_at = models.DateTimeField("开始时间")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = SURVEY_TRANSITIONS

    class Meta:
        verbose_name = verbose_name_plural = "满意度测评"
        ordering = ["-month", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "month"], name="survey_round_one_per_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y年%m月}{self.get_kind_display()}"


class SurveyTarget(models.Model):
    """Who is rated in a round: a department (004 §五 二) or a leader (三)."""

    round = models.ForeignKey(SurveyRound, on_delete=models.PROTECT, related_name="targets")
    department = models.ForeignKey(
        Department, verbose_name="科室", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    leader = models.ForeignKey(
        Staff, verbose_name="班子成员", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    label = models.CharField("名称", max_length=100)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "测评对象"
        ordering = ["round", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(department__isnull=False) & Q(leader__isnull=True))
                | (Q(department__isnull=True) & Q(leader__isnull=False)),
                name="survey_target_one_kind",
            ),
            models.UniqueConstraint(
                fields=["round", "department"],
                condition=Q(department__isnull=False),
                name="survey_target_dept",
            ),
            models.UniqueConstraint(
                fields=["round", "leader"], condition=Q(leader__isnull=False), name="survey_target_leader"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class SurveyResponse(ImmutableModel):
    """One rater's answer about one target in one month: a level of the three (非常满意/满意/
    不满意) per dimension (服务态度、工作质量、办事效率), and for 不满意 the concrete matter
    (004 §五 二 “要求标注具体事项或缘由”). The rater is never stored: `rater_key` is a keyed
    hash (HMAC) of the round, the target and the rater, so one response per rater and target
    is enforced while nobody reading the table — the rated party included — learns who
    rated. Only the date is kept, not the time, so responses cannot be matched to log-ins."""

    round = models.ForeignKey(SurveyRound, on_delete=models.PROTECT, related_name="responses")
    target = models.ForeignKey(SurveyTarget, on_delete=models.PROTECT, related_name="responses")
    rater_key = models.CharField("测评人标识（密钥哈希）", max_length=64, editable=False)
    answers = models.JSONField("评价", help_text="{维度: 档次}")
    reasons = models.JSONField("不满意的具体事项", default=dict, blank=True)
    comment = models.CharField("意见建议", max_length=500, blank=True)
    submitted_on = models.DateField("提交日期")

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "测评答卷"
        ordering = ["round", "target", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["target", "rater_key"], name="survey_one_response_per_rater"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.target}"


class SurveyRoundEvent(Event):
    """Opening and closing of a monthly survey round (004 §五 二、三); responses are anonymous
    and have no events."""

    round = models.ForeignKey(SurveyRound, on_delete=models.PROTECT, related_name="events")

    class Meta(Event.Meta):
        verbose_name = verbose_name_plural = "测评记录"

    def __str__(self) -> str:
        return f"{self.round_id} {self.action_label} {self.at:%Y-%m-%d %H:%M}"


# ---------------------------------------------------------------------------------------
# Export to the provincial 好差评 platform


class PushStatus(models.TextChoices):
    SENT = "sent", "已推送"
    FAILED = "failed", "推送失败"


class PushBatch(models.Model):
    """One push of ratings to the provincial 好差评 platform (000 §五(五)4(1) “系统自动将评价
    信息提交给‘好差评’系统进行统一报送和归档”) through the configured backend (default:
    files in the outbox folder). Each rating is pushed once (PushItem)."""

    created_at = models.DateTimeField("推送时间")
    actor_label = models.CharField("操作人", max_length=100)
    backend = models.CharField("推送方式", max_length=200)
    status = models.CharField("结果", max_length=20, choices=PushStatus.choices)
    count = models.PositiveIntegerField("条数", default=0)
    reference = models.CharField("回执/文件", max_length=300, blank=True)
    error = models.TextField("错误", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "好差评推送批次"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"推送 {self.created_at:%Y-%m-%d %H:%M} {self.count}条 {self.get_status_display()}"


class PushItem(models.Model):
    """A rating included in a successful push to the 好差评 platform (000 §五(五)4(1) 统一报送和
    归档), so the next push skips it."""

    batch = models.ForeignKey(PushBatch, on_delete=models.PROTECT, related_name="items")
    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="push_item")

    class Meta:
        verbose_name = verbose_name_plural = "已推送评价"

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.rating_id}"
