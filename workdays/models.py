"""The working-day calendar: one row per day, the years whose State Council notice
is in, and a revision counter that tells every process when to rebuild its index.

Rows are written only by `workdays.services` (and the seeding migration), so every
change is in the audit log and bumps `CalendarRevision`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from common import clock
from workdays import kinds
from workdays.yearplan import FIRST_YEAR, LAST_YEAR, NAME_MAX_LENGTH, WEEKDAY_NAMES


class DayKind(models.TextChoices):
    WEEKDAY = kinds.WEEKDAY, kinds.LABELS[kinds.WEEKDAY]
    WEEKEND = kinds.WEEKEND, kinds.LABELS[kinds.WEEKEND]
    HOLIDAY = kinds.HOLIDAY, kinds.LABELS[kinds.HOLIDAY]
    MAKEUP_WORKDAY = kinds.MAKEUP_WORKDAY, kinds.LABELS[kinds.MAKEUP_WORKDAY]


class Day(models.Model):
    """One calendar day and whether the centre works on it. 000 §五(二)2 counts the
    time limits of 限时办结制度 in days with the start day excluded; the working
    days of this table are the days that count. A weekend worked in exchange for a
    holiday (调休上班) is a working day; a weekday inside a holiday is not."""

    date = models.DateField("日期", primary_key=True)
    is_workday = models.BooleanField("工作日")
    kind = models.CharField("类型", max_length=20, choices=DayKind.choices)
    name = models.CharField("名称", max_length=NAME_MAX_LENGTH, blank=True, help_text="节日名称，如“国庆节”")

    class Meta:
        verbose_name = verbose_name_plural = "日历日"
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_workday=True, kind__in=sorted(kinds.WORKDAY_KINDS))
                | models.Q(is_workday=False, kind__in=sorted(kinds.ALL_KINDS - kinds.WORKDAY_KINDS)),
                name="workdays_day_kind_matches_is_workday",
            )
        ]

    def __str__(self) -> str:
        label = f"{self.date.isoformat()} {self.weekday_label} {self.get_kind_display()}"
        return f"{label} {self.name}" if self.name else label

    @property
    def weekday_label(self) -> str:
        return WEEKDAY_NAMES[self.date.weekday()]


class PublishedYear(models.Model):
    """A year of the calendar and the notice it rests on (国务院办公厅关于××年部分节假日
    安排的通知). Deadlines of 000 §五(二) are computed only inside published years;
    a year that is not published refuses them rather than guessing from weekends."""

    year = models.PositiveSmallIntegerField(
        "年份", unique=True, validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    published = models.BooleanField("已发布", default=False)
    source = models.CharField(
        "依据", max_length=200, help_text="如“国务院办公厅关于2027年部分节假日安排的通知”"
    )
    notice_text = models.TextField("通知原文", blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="空：由数据迁移导入",
    )

    class Meta:
        verbose_name = verbose_name_plural = "节假日安排（年度）"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年（{'已发布' if self.published else '未发布'}）"


class CalendarRevision(models.Model):
    """A single row whose number goes up with every change of the calendar, in the
    same transaction. Each process keeps the deadline index of 000 §五(二) in memory
    and compares this number every few seconds, so a notice published through one
    worker reaches the others within that bound without a query per deadline."""

    SINGLETON_ID = 1

    number = models.PositiveBigIntegerField("修订号", default=0)
    changed_at = models.DateTimeField("修改时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "工作日历修订号"

    def __str__(self) -> str:
        return f"修订 {self.number}"
