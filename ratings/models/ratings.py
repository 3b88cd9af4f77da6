"""A rating and the token that allows it (000 §五(五)4(1) 职工评价; 一次一评、一事一评).

Guarantees held by the database: one rating per service visit (`rating_one_per_ticket`)
and per case; a rating row is never updated or deleted (`Rating.save`/`delete`, the
queryset, and on PostgreSQL a trigger, migration 0002).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Exists, ExpressionWrapper, OuterRef, Q
from django.db.models.functions import Coalesce

from org.models import Branch, Category, Department, Staff, Window
from ratings.models.base import ImmutableModel, ImmutableQuerySet
from ratings.models.choices import AnnotationStatus, BadReason, RaterType, RatingChannel, ServiceKind


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

    def with_scoring(self) -> RatingQuerySet:
        """Annotated with `excluded` (an approved 误评/恶意评价 annotation) and `merged`
        (another rating of the same business came first and counts: handan-2021-window-score
        `same_business_ratings = first_counts`, 000 §五(五)4(1)). A rating counts for the
        score when it is neither."""
        return self.annotate(
            excluded=excluded_q(), merged=ExpressionWrapper(merged_q(), output_field=models.BooleanField())
        )

    def counted(self) -> RatingQuerySet:
        """Ratings that count for the score: no approved mistaken/malicious annotation, and
        not a later rating of a business already rated (one business, one rating)."""
        return self.filter(~excluded_q(), ~merged_q())


def excluded_q(ref: str = "pk") -> Exists:
    """An approved mistaken/malicious annotation takes the rating (at `ref`) out of the score."""
    from ratings.models.annotations import RatingAnnotation

    return Exists(RatingAnnotation.objects.filter(rating_id=OuterRef(ref), status=AnnotationStatus.APPROVED))


def merged_q() -> Q:
    """Whether an EARLIER rating of the same business exists that is not excluded: then this
    rating is kept but not counted (000 §五(五)4(1) 每次业务办理后的评价 — one business, one
    rating, the first given counts; handan-2021-window-score `same_business_ratings`). A
    business is a visit together with every case accepted from it (`Case.ticket`); a case
    not accepted from a visit (mail, online) and a visit without a case are each their own.
    The earlier rating may lie in an earlier period: it counted there. Two indexed
    look-ups per rating (the visit's rating by ticket, the cases' ratings by ticket)."""
    visit = Coalesce(OuterRef("ticket_id"), OuterRef("case__ticket_id"))
    earlier = Q(rated_at__lt=OuterRef("rated_at")) | Q(rated_at=OuterRef("rated_at"), pk__lt=OuterRef("pk"))
    counted = ~excluded_q()
    same_visit = Rating.objects.filter(ticket_id=visit).filter(earlier).filter(counted)
    same_cases = Rating.objects.filter(case__ticket_id=visit).filter(earlier).filter(counted)
    return Q(Exists(same_visit)) | Q(Exists(same_cases))


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
