"""Taking a rating out of the score and the citizen's appeal against it: a mistaken (误评)
or malicious (恶意评价) rating is annotated with evidence by 业务管理处, approved by a second
person, and then leaves the score with its reason kept (000 §五(五)4(1); handan-2021-window-score
interpretation 3). The database holds one open annotation per rating and two different
people for proposal and approval."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from common.events import StatusEvent
from ratings.models.base import ActionLabelled
from ratings.models.choices import AnnotationKind, AnnotationStatus, AppealStatus
from ratings.models.ratings import Rating

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
    INITIAL: ClassVar[frozenset[str]] = frozenset({AnnotationStatus.PROPOSED})

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


class AnnotationEvent(ActionLabelled, StatusEvent):
    """One change of an annotation (proposed, approved, rejected, revoked by an appeal): who
    took a rating out of the score of 000 §五(五)4(1), who approved, and why."""

    action = models.CharField("动作", max_length=30)
    annotation = models.ForeignKey(RatingAnnotation, on_delete=models.PROTECT, related_name="events")

    class Meta(StatusEvent.Meta):
        verbose_name = verbose_name_plural = "评价批注记录"

    def __str__(self) -> str:
        return f"{self.annotation_id} {self.action_label} {self.at:%Y-%m-%d %H:%M}"


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
    INITIAL: ClassVar[frozenset[str]] = frozenset({AppealStatus.SUBMITTED})

    class Meta:
        verbose_name = verbose_name_plural = "评价申诉"
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.annotation.rating} 申诉（{self.get_status_display()}）"


class AppealEvent(ActionLabelled, StatusEvent):
    """One change of a citizen's appeal against an exclusion (submitted, granted, dismissed),
    000 §五(五)4(1) as interpreted in handan-2021-window-score."""

    action = models.CharField("动作", max_length=30)
    appeal = models.ForeignKey(RatingAppeal, on_delete=models.PROTECT, related_name="events")

    class Meta(StatusEvent.Meta):
        verbose_name = verbose_name_plural = "评价申诉记录"

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.action_label} {self.at:%Y-%m-%d %H:%M}"
