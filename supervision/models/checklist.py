"""The inspection checklist (检查评分表): the four dimensions of 000 §五(五)4(2), the three
inspection types, the negative and positive lists, and the items themselves."""

from __future__ import annotations

from django.db import models


class Dimension(models.TextChoices):
    """000 §五(五)4(2): 重点评价服务形象及态度、工作纪律、业务技能及业务办理情况、环境卫生四个方面."""

    IMAGE = "image", "服务形象及态度"
    DISCIPLINE = "discipline", "工作纪律"
    SKILLS = "skills", "业务技能及业务办理"
    ENVIRONMENT = "environment", "环境卫生"


class InspectionKind(models.TextChoices):
    """000 §五(五)4(2); the codes are those of the window-score rule set's `inspections`."""

    DAILY = "daily", "日常检查"
    SURPRISE = "surprise", "突击检查"
    LEADER = "leader", "上级领导检查"


class Polarity(models.TextChoices):
    NEGATIVE = "negative", "负面清单（发现即扣分）"
    POSITIVE = "positive", "正面清单（未做到扣分）"


class Subject(models.TextChoices):
    STAFF = "staff", "工作人员"
    WINDOW = "window", "窗口与大厅"


class ChecklistItem(models.Model):
    """One line of the inspection sheet (检查评分表), from the norms of 000 §一–§四 in
    the four dimensions of 000 §五(五)4(2). `deduction` is on a 100-point sheet and is
    a product setting, not a number of the regulation (supervision/checklist.py).
    Loaded by the data migration; rows are deactivated, never deleted, and a finding
    keeps a copy of the item as it was when recorded."""

    code = models.CharField("编号", max_length=10, unique=True)
    dimension = models.CharField("检查方面", max_length=20, choices=Dimension.choices)
    polarity = models.CharField("清单", max_length=10, choices=Polarity.choices, default=Polarity.NEGATIVE)
    text = models.CharField("检查内容", max_length=200)
    clause = models.CharField("依据条款", max_length=60)
    deduction = models.PositiveSmallIntegerField("扣分（百分制）", help_text="产品设置，非法规条文规定的分值")
    subject = models.CharField("针对", max_length=10, choices=Subject.choices, default=Subject.STAFF)
    fine_item = models.CharField("对应处罚事项", max_length=10, blank=True, help_text="处罚规则集的事项编号")
    appraisal_item = models.CharField(
        "对应考核项目", max_length=10, blank=True, help_text="考核细则的项目编号"
    )
    kinds = models.JSONField("适用的检查类型", default=list)
    order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "检查项目"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"
