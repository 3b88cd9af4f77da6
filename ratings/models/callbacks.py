"""12329 callbacks (004 §五 一：12329服务热线对每笔提取、贷款进行回访): the task of one
completed withdrawal or loan, its calls and the citizen's answers."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from common.events import StatusEvent
from org.models import Branch, Category, Staff, Window
from ratings.models.base import ActionLabelled
from ratings.models.choices import CallbackStatus, CallOutcome, SatisfactionLevel, ServiceKind

CALLBACK_TRANSITIONS: dict[str, frozenset[str]] = {
    CallbackStatus.PENDING: frozenset(
        {CallbackStatus.PENDING, CallbackStatus.COMPLETED, CallbackStatus.REFUSED, CallbackStatus.UNREACHABLE}
    ),
    CallbackStatus.COMPLETED: frozenset(),
    CallbackStatus.REFUSED: frozenset(),
    CallbackStatus.UNREACHABLE: frozenset(),
}


class CallbackQuerySet(models.QuerySet["HotlineCallback"]):
    def visible_to(self, user: Any) -> CallbackQuerySet:
        from org.access import branch_scope

        scope = branch_scope(user)
        return self if scope is None else self.filter(branch_id__in=scope)


class HotlineCallback(models.Model):
    """A 12329 callback (004 §五 一：12329服务热线对每笔提取、贷款进行回访): the citizen is asked
    about the branch staff's 服务态度 and 办事效率 (非常满意/满意/不满意), whether they had to
    come back (是否跑回头路) or were asked for favours (是否索拿卡要), and for comments. Created
    for every completed withdrawal and loan 笔: the case, or the visit when its service was
    not accepted as a case (one 笔, one callback — yiyang-hotline-callback `visit_with_case`);
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
    INITIAL: ClassVar[frozenset[str]] = frozenset({CallbackStatus.PENDING})

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


class CallbackEvent(ActionLabelled, StatusEvent):
    """One call attempt or change of a 12329 callback (004 §五 一): created, called (reached /
    not reached / refused), answered, closed as unreachable, phone entered, phone shown."""

    action = models.CharField("动作", max_length=30)
    callback = models.ForeignKey(HotlineCallback, on_delete=models.PROTECT, related_name="events")
    outcome = models.CharField("拨打结果", max_length=20, choices=CallOutcome.choices, blank=True)

    class Meta(StatusEvent.Meta):
        verbose_name = verbose_name_plural = "12329回访记录"

    def __str__(self) -> str:
        return f"{self.callback_id} {self.action_label} {self.at:%Y-%m-%d %H:%M}"
