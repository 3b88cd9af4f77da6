"""Pushes of ratings to the provincial 好差评 platform (000 §五(五)4(1) “系统自动将评价信息
提交给‘好差评’系统进行统一报送和归档”): one batch per run, each rating pushed once."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from common import clock
from ratings.models.choices import PushStatus
from ratings.models.ratings import Rating


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

    # A batch is recorded once, with its outcome; it never changes status afterwards (a
    # failed push is retried by the next batch).
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        PushStatus.SENT: frozenset(),
        PushStatus.FAILED: frozenset(),
    }
    INITIAL: ClassVar[frozenset[str]] = frozenset({PushStatus.SENT, PushStatus.FAILED})

    class Meta:
        verbose_name = verbose_name_plural = "好差评推送批次"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        when = clock.local(self.created_at)
        return f"推送 {when:%Y-%m-%d %H:%M} {self.count}条 {self.get_status_display()}"


class PushItem(models.Model):
    """A rating included in a successful push to the 好差评 platform (000 §五(五)4(1) 统一报送和
    归档), so the next push skips it."""

    batch = models.ForeignKey(PushBatch, on_delete=models.PROTECT, related_name="items")
    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="push_item")

    class Meta:
        verbose_name = verbose_name_plural = "已推送评价"

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.rating_id}"
