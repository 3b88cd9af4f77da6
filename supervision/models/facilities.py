"""Facilities with a validity date (000 §四(三)3 消防设施: 灭火器、消防栓，均在有效期;
§四(二)5 the first-aid box) and their timeline."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.db import models

from common import clock
from common.events import StatusEvent
from supervision.models._base import _scope_filter

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class FacilityKind(models.TextChoices):
    EXTINGUISHER = "extinguisher", "灭火器"
    HYDRANT = "hydrant", "消防栓"
    EMERGENCY_LIGHT = "emergency_light", "应急照明"
    FIRST_AID = "first_aid", "急救药箱"
    OTHER = "other", "其他"


class FacilityStatus(models.TextChoices):
    IN_SERVICE = "in_service", "在用"
    RETIRED = "retired", "已停用"


class FacilityQuerySet(models.QuerySet["Facility"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> FacilityQuerySet:
        scope = _scope_filter(user, "branch_id")
        return self if scope is None else self.filter(scope)

    def in_service(self) -> FacilityQuerySet:
        return self.filter(status=FacilityStatus.IN_SERVICE)


class Facility(models.Model):
    """A facility with a validity date — fire extinguishers and hydrants (000 §四(三)3
    "均在有效期，保障设施正常使用"), emergency lights, the first-aid box of the waiting
    area (§四(二)5). Warned about a product-set number of days before it expires;
    renewing (refill, replacement, inspection) sets a new date, with an event."""

    # Renewing (a new validity date) is a move from in service to in service.
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        FacilityStatus.IN_SERVICE: frozenset({FacilityStatus.IN_SERVICE, FacilityStatus.RETIRED}),
        FacilityStatus.RETIRED: frozenset(),
    }
    INITIAL: ClassVar[frozenset[str]] = frozenset({FacilityStatus.IN_SERVICE})

    branch = models.ForeignKey(
        "org.Branch", verbose_name="管理部", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类别", max_length=20, choices=FacilityKind.choices)
    name = models.CharField("名称规格", max_length=100, help_text="例如：手提式干粉灭火器 MFZ/ABC4")
    location = models.CharField("位置", max_length=100)
    serial = models.CharField("编号", max_length=50, blank=True)
    valid_until = models.DateField("有效期至", db_index=True)
    last_checked_on = models.DateField("最近检查日期", null=True, blank=True)
    status = models.CharField("状态", max_length=20, choices=FacilityStatus.choices)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", default=clock.now)

    objects = FacilityQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "消防与便民设施"
        ordering = ["branch", "valid_until", "id"]

    def __str__(self) -> str:
        return f"{self.branch} {self.get_kind_display()} {self.location}"


class FacilityEvent(StatusEvent):
    """One change of a facility: registered, renewed (a new validity date), retired."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="events")

    class Meta(StatusEvent.Meta):
        verbose_name = verbose_name_plural = "设施变更"
