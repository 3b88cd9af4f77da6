"""Pre-aggregated figures for statistics (see reports/stats and docs/reports.md).

The rows here are derived data: `manage.py reports_rollup` recomputes a closed business
day from the source tables (tickets, window events, ratings) and replaces that day's
rows, so running it twice gives the same rows. Today is never stored: the statistics
compute it live from the source tables and add it to the stored days.
"""

from __future__ import annotations

from django.db import models

from org.models import Branch, Category, Staff, Window


class RollupKind(models.TextChoices):
    TICKETS = "tickets", "排队叫号"
    RATINGS = "ratings", "好差评"
    MONTH = "month", "整月汇总"


class Grain(models.TextChoices):
    """A stored row covers one day, or one whole month (built from the month's day rows
    once every day of the month is rolled up, for periods longer than two months)."""

    DAY = "d", "日"
    MONTH = "m", "月"


class RollupRun(models.Model):
    """Which business day of which source has been rolled up, when, and under which queue
    rule set (the wait target of 000 §二(三) service commitments is counted with the rules
    in force on that day). A day without a run is computed live from the source tables."""

    kind = models.CharField("数据", max_length=20, choices=RollupKind.choices)
    day = models.DateField("业务日期")
    rows = models.PositiveIntegerField("汇总行数", default=0)
    source_rows = models.PositiveIntegerField("源记录数", default=0)
    rules_ref = models.CharField("规则集", max_length=80, blank=True)
    computed_at = models.DateTimeField("汇总时间")
    actor_label = models.CharField("执行人", max_length=100)

    class Meta:
        verbose_name = verbose_name_plural = "统计汇总记录"
        ordering = ["-day", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "day"], name="rollup_run_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.day:%Y-%m-%d}"


class TicketRollup(models.Model):
    """One business day of the queue (排队叫号, 000 §四(二)3(1) 叫号系统) per branch, window,
    teller, business category and hour of arrival: tickets taken, called, served, no-shows
    (过号), cancelled and transferred (多窗联办), and the sums of waiting and service time
    with the count called within the queue rule set's wait target and the count that
    passed it without a counted call (reports/figures.py defines each). Hour = the local hour the
    ticket was taken, which is what the peak-hour heat map shows."""

    grain = models.CharField("粒度", max_length=1, choices=Grain.choices, default=Grain.DAY)
    service_date = models.DateField("日期", help_text="按月汇总的行为当月1日")
    weekday = models.PositiveSmallIntegerField("星期", help_text="0 = 周一")
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    window = models.ForeignKey(Window, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    category = models.CharField("业务类别", max_length=20, choices=Category.choices)
    hour = models.PositiveSmallIntegerField("取号时段（时）")
    taken = models.PositiveIntegerField(default=0)
    called = models.PositiveIntegerField(default=0)
    served = models.PositiveIntegerField(default=0)
    no_show = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    transferred = models.PositiveIntegerField(default=0)
    priority = models.PositiveIntegerField(default=0)
    appointment = models.PositiveIntegerField(default=0)
    wait_n = models.PositiveIntegerField(default=0)
    wait_seconds = models.BigIntegerField(default=0)
    within_target = models.PositiveIntegerField(default=0)
    past_target = models.PositiveIntegerField(
        default=0, help_text="未计入等候、但等候已超过目标（仍在等候、超过目标后离开或过号）的号"
    )
    service_n = models.PositiveIntegerField(default=0)
    service_seconds = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "排队叫号日汇总"
        indexes = [
            models.Index(fields=["grain", "service_date", "branch"], name="rollup_ticket_day_idx"),
            models.Index(fields=["staff", "grain", "service_date"], name="rollup_ticket_staff_idx"),
            models.Index(fields=["window", "grain", "service_date"], name="rollup_ticket_window_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.service_date} {self.branch_id} {self.window_id} {self.category} {self.hour}"


class TicketMinuteBucket(models.Model):
    """A histogram of waiting and service times (bucket m holds times from m minutes to the
    next bucket: one minute wide below an hour, five minutes wide up to three hours, and the
    last bucket everything from 180 minutes on) per day, branch,
    window, teller and category, so that the 90th percentile of any period and filter is
    read from the summed buckets, exact to the bucket width (docs/reports.md)."""

    grain = models.CharField("粒度", max_length=1, choices=Grain.choices, default=Grain.DAY)
    service_date = models.DateField("日期")
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    window = models.ForeignKey(Window, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    category = models.CharField("业务类别", max_length=20, choices=Category.choices)
    minute = models.PositiveSmallIntegerField("分钟")
    wait_n = models.PositiveIntegerField(default=0)
    service_n = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "等候与办理时长分布"
        indexes = [
            models.Index(fields=["grain", "service_date", "branch"], name="rollup_bucket_day_idx"),
            models.Index(fields=["window", "grain", "service_date"], name="rollup_bucket_window_idx"),
            models.Index(fields=["staff", "grain", "service_date"], name="rollup_bucket_staff_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.service_date} {self.minute}′"


class WindowRollup(models.Model):
    """A window's day per teller: time signed in (签到 to 签退), time paused (暂停服务,
    000 §二(三)7 临时离柜), and time busy with a called ticket; the idle time of a window is
    signed in − paused − busy."""

    grain = models.CharField("粒度", max_length=1, choices=Grain.choices, default=Grain.DAY)
    service_date = models.DateField("日期")
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    window = models.ForeignKey(Window, on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    signed_in_seconds = models.PositiveIntegerField(default=0)
    paused_seconds = models.PositiveIntegerField(default=0)
    busy_seconds = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "窗口日汇总"
        indexes = [models.Index(fields=["grain", "service_date", "branch"], name="rollup_window_day_idx")]

    def __str__(self) -> str:
        return f"{self.service_date} {self.window_id}"


class RatingRollup(models.Model):
    """好差评 of a day (000 §五(五)4(1): five levels, 差评 = the rule set's bad levels) per
    branch, window, staff member, category, matter and level."""

    grain = models.CharField("粒度", max_length=1, choices=Grain.choices, default=Grain.DAY)
    rated_on = models.DateField("评价日期")
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    window = models.ForeignKey(Window, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    category = models.CharField("业务类别", max_length=20, choices=Category.choices)
    matter_id = models.BigIntegerField("事项", null=True, blank=True)
    level = models.PositiveSmallIntegerField("评价等级")
    n = models.PositiveIntegerField(default=0)
    bad = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "好差评日汇总"
        indexes = [
            models.Index(fields=["grain", "rated_on", "branch"], name="rollup_rating_day_idx"),
            models.Index(fields=["staff", "grain", "rated_on"], name="rollup_rating_staff_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.rated_on} {self.level}"
