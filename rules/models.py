"""Effective-dated, versioned rule sets: every number of a regulation is data
(DESIGN.md "Rule sets").

One `RuleSet` row is one version of a named rule set (`code`). A version is in force
on the days [effective_from, effective_to); a version without `effective_from` is a
shipped alternative that nobody adopted. Rows are immutable like the audit log: a
change is a new version (`rules.services.rule_set_revise`), and the only field ever
written after creation is `effective_to`, when a later version supersedes this one.
Past periods therefore keep the rules they had.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from common import clock
from rules.schemas import RuleParams
from rules.validation import validate_params


class RuleKind(models.TextChoices):
    """The slots of the system; at most one version of each kind is in force a day."""

    WINDOW_SCORE = "window_score", "服务窗口评价"
    COMPLAINT = "complaint", "投诉管理"
    CASE_TIME_LIMIT = "case_time_limit", "限时办结"
    FIRST_INQUIRY = "first_inquiry", "首问负责"
    STAFF_APPRAISAL = "staff_appraisal", "窗口工作人员考核"
    FINES = "fines", "违规处罚"
    COMPLAINT_PENALTY = "complaint_penalty", "有效投诉处罚"
    HOTLINE_CALLBACK = "hotline_callback", "12329回访与满意度测评"
    RATING_FOLLOWUP = "rating_followup", "差评回访整改"
    QUEUE = "queue", "排队叫号与预约"


class ImmutableRuleSetError(Exception):
    """Raised on any attempt to change a version other than closing it."""


class RuleSetQuerySet(models.QuerySet["RuleSet"]):
    def in_force(self, on: date) -> RuleSetQuerySet:
        return self.filter(effective_from__lte=on).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gt=on)
        )

    def update(self, **kwargs: Any) -> int:
        raise ImmutableRuleSetError("规则集版本不能批量修改，请通过“修订”新建版本。")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableRuleSetError("规则集版本不能删除：过去的期间要保留当时的规则。")


class RuleSet(models.Model):
    """One version of a rule set: the params of one kind taken from a regulation
    (`source` names the document and clauses), the interpretations it makes of
    ambiguous clauses, and the days it is in force. Scoring, deadlines and fines read
    the version in force on the date concerned (`rules.selectors.rules_in_force`) and
    record `code` and `version` with their result."""

    kind = models.CharField("类别", max_length=32, choices=RuleKind.choices, db_index=True)
    code = models.CharField(
        "代码",
        max_length=64,
        validators=[RegexValidator(r"^[a-z0-9]+(-[a-z0-9]+)*$", "代码只能由小写字母、数字和连字符组成。")],
        help_text="例如 handan-2021-window-score；同一规则集的各版本代码相同",
    )
    version = models.PositiveIntegerField("版本")
    name = models.CharField("名称", max_length=200)
    source = models.TextField("依据", help_text="文件及条款")
    effective_from = models.DateField(
        "生效日期", null=True, blank=True, help_text="空 = 备选规则集，尚未采用"
    )
    effective_to = models.DateField("失效日期", null=True, blank=True, help_text="不含当日；空 = 长期有效")
    params = models.JSONField("参数")
    interpretations = models.JSONField("释义", default=list, blank=True)
    created_at = models.DateTimeField("创建时间", default=clock.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField("说明", blank=True)

    objects = RuleSetQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "规则集"
        ordering = ["kind", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="rules_code_version_unique"),
            # A kind's versions follow each other; only the last one is open-ended.
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(effective_from__isnull=False, effective_to__isnull=True),
                name="rules_one_open_version_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_from__isnull=False, effective_to__gte=models.F("effective_from")),
                name="rules_effective_range_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code} 第{self.version}版）"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and set(kwargs.get("update_fields") or ()) != {"effective_to"}:
            raise ImmutableRuleSetError("规则集版本一经创建不可修改，请通过“修订”新建版本。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRuleSetError("规则集版本不能删除：过去的期间要保留当时的规则。")

    @property
    def ref(self) -> str:
        """What a caller records to say which rules it used: "handan-2021-window-score@1"."""
        return f"{self.code}@{self.version}"

    def is_in_force(self, on: date) -> bool:
        return (
            self.effective_from is not None
            and self.effective_from <= on
            and (self.effective_to is None or on < self.effective_to)
        )

    def parsed(self) -> RuleParams:
        return validate_params(self.kind, self.params)
