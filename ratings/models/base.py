"""What the ratings app's tables share: rows that are never changed (a rating, a survey
response: DESIGN.md "Guarantees") and the Chinese names of the actions its event rows
record (every event table is a common.events.StatusEvent with an `action`)."""

from __future__ import annotations

from typing import Any

from django.db import models


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


class ActionLabelled:
    """The timeline label of an event row's `action` (a mixin of the event tables)."""

    action: str

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)
