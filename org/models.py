"""The organisation: centre, branches (halls), departments, windows, staff, roles.

Everything that later counts, scores or restricts by branch, window or person hangs
off these rows, so they are never deleted: they are deactivated (`is_active`).
"""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from common import clock
from common.identity import validate_landline_or_mobile

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class Category(models.TextChoices):
    """The three business categories of 000 §五(二)3 plus "other" (综合 queue etc.)."""

    COLLECTION = "collection", "归集(缴存)"
    WITHDRAWAL = "withdrawal", "提取"
    LOAN = "loan", "贷款"
    OTHER = "other", "其他"


class Role(models.TextChoices):
    """Roles of DESIGN.md "Users". The label is the name of the auth Group."""

    GUIDE = "guide", "引导员"
    TELLER = "teller", "柜员"
    HEAD = "head", "部门负责人"
    OFFICE = "office", "业务管理处"
    LEADER = "leader", "中心领导"
    INSPECTOR = "inspector", "检查员"
    ADMIN = "admin", "系统管理员"


# Roles whose holders see only their own branch (a teller of 武安 does not see 涉县).
BRANCH_SCOPED_ROLES = frozenset({Role.GUIDE, Role.TELLER, Role.HEAD})


class Rank(models.IntegerChoices):
    """Position rank (职级). 003 §三: when several staff are asked together, the one
    with the highest rank is the first-inquiry person; the order here is that order."""

    CLERK = 10, "工作人员"
    SECTION_DEPUTY = 20, "副科级"
    SECTION_CHIEF = 30, "正科级"
    DIVISION_DEPUTY = 40, "副处级"
    DIVISION_CHIEF = 50, "正处级"
    CENTRE_DEPUTY = 60, "中心副主任"
    CENTRE_DIRECTOR = 70, "中心主任"


def validate_categories(value: object) -> None:
    if not isinstance(value, list) or any(v not in Category.values for v in value):
        raise ValidationError("业务类别无效：只能是 归集、提取、贷款、其他 中的一项或几项。")


def validate_phone(value: str) -> None:
    if value:
        validate_landline_or_mobile(value)


class Centre(models.Model):
    """The housing provident fund centre (住房公积金管理中心) that runs the halls.
    Its complaint phone (12329) is printed on every 工作岗位牌 (000 §四(二)2(1))."""

    name = models.CharField("名称", max_length=100)
    code = models.CharField("代码", max_length=20, unique=True)
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("咨询电话", max_length=30, blank=True, validators=[validate_phone])
    complaint_phone = models.CharField("投诉电话", max_length=30, default="12329")
    website = models.CharField("网站", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "中心"

    def __str__(self) -> str:
        return self.name


class BranchQuerySet(models.QuerySet["Branch"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> BranchQuerySet:
        from org.access import branch_scope

        scope = branch_scope(user)
        return self if scope is None else self.filter(pk__in=scope)


class Branch(models.Model):
    """A hall with windows (管理部/网点/贷款大厅). Opening hours and the day-close
    time (轧账, 000 §二(二)1(5), §二(三)8-9): after it the hall takes no new tickets."""

    class Kind(models.TextChoices):
        MAIN_HALL = "main_hall", "中心服务大厅"
        COUNTY = "county", "县(市、区)管理部"
        LOAN_HALL = "loan_hall", "贷款服务大厅"

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="branches")
    code = models.CharField("代码", max_length=20, unique=True, help_text="设备与接口使用的简码")
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.COUNTY)
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("咨询电话", max_length=30, blank=True, validators=[validate_phone])
    opens_at = models.TimeField("开始营业", default="08:30")
    closes_at = models.TimeField("结束营业", default="17:30")
    day_close_at = models.TimeField("轧账时间", default="17:00", help_text="轧账后不再取号，已取号的继续办理")
    hours_note = models.CharField(
        "营业时间说明", max_length=200, blank=True, help_text="例如：法定工作日 8:30-12:00，14:00-17:30"
    )
    is_active = models.BooleanField("启用", default=True)

    objects = BranchQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "管理部/网点"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not (self.opens_at < self.day_close_at <= self.closes_at):
            raise ValidationError("时间不合理：应满足 开始营业 < 轧账时间 ≤ 结束营业。")


class Department(models.Model):
    """A division of the centre (处室), e.g. 归集处 or 业务管理处. A county 管理部 is
    both a branch and a department; `branch` links the two."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="departments")
    code = models.CharField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=100)
    branch = models.ForeignKey(
        Branch,
        verbose_name="所在管理部",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="departments",
    )
    phone = models.CharField("电话", max_length=30, blank=True, validators=[validate_phone])
    duties = models.TextField("职责", blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "处室"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class WindowQuerySet(models.QuerySet["Window"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> WindowQuerySet:
        from org.access import branch_scope

        scope = branch_scope(user)
        return self if scope is None else self.filter(branch_id__in=scope)


class Window(models.Model):
    """A numbered service counter (窗口) of a branch. The categories it serves decide
    which queues it calls from; a green-channel window (绿色通道, 000 §四(二)1) calls
    priority tickets (老幼病残军孕) first."""

    branch = models.ForeignKey(
        Branch, verbose_name="管理部", on_delete=models.PROTECT, related_name="windows"
    )
    number = models.PositiveSmallIntegerField("窗口号")
    name = models.CharField("名称", max_length=50, blank=True, help_text="例如：提取业务窗口")
    categories = models.JSONField("办理业务类别", default=list, validators=[validate_categories], blank=True)
    is_green_channel = models.BooleanField("绿色通道窗口", default=False)
    is_active = models.BooleanField("启用", default=True)

    objects = WindowQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "窗口"
        ordering = ["branch__code", "number"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "number"], name="window_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.branch.name} {self.number}号窗口"

    @property
    def category_labels(self) -> list[str]:
        return [Category(c).label for c in self.categories]


class StaffQuerySet(models.QuerySet["Staff"]):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> StaffQuerySet:
        from org.access import branch_scope

        scope = branch_scope(user)
        return self if scope is None else self.filter(branch_id__in=scope)


class Staff(models.Model):
    """A member of staff with 工号, photo, rank and duties: the content of the
    工作岗位牌 (000 §四(二)2(1)). `categories` are the matter categories they may
    serve; a universal teller (综合柜员, 004 §三) serves every category."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff")
    staff_no = models.CharField("工号", max_length=20, unique=True)
    name = models.CharField("姓名", max_length=50)
    photo = models.ImageField("照片", upload_to="staff/", blank=True)
    rank = models.PositiveSmallIntegerField("职级", choices=Rank.choices, default=Rank.CLERK)
    title = models.CharField("职务", max_length=50, blank=True, help_text="例如：综合柜员、副主任")
    branch = models.ForeignKey(
        Branch,
        verbose_name="所在管理部",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    department = models.ForeignKey(
        Department,
        verbose_name="所在处室",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    superior = models.ForeignKey(
        "self",
        verbose_name="上一级领导",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subordinates",
        help_text="责任不明确时首问负责人向其报告(000 §五(一)2(2))",
    )
    duties = models.TextField("岗位职责", blank=True)
    categories = models.JSONField(
        "可办理业务类别", default=list, validators=[validate_categories], blank=True
    )
    is_universal_teller = models.BooleanField("综合柜员", default=False)
    phone = models.CharField("联系电话", max_length=30, blank=True, validators=[validate_phone])
    is_active = models.BooleanField("在岗", default=True)

    objects = StaffQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "工作人员"
        ordering = ["staff_no"]

    def __str__(self) -> str:
        return f"{self.name}({self.staff_no})"

    @property
    def category_labels(self) -> list[str]:
        return [Category(c).label for c in self.categories]

    def can_serve(self, category: str) -> bool:
        return self.is_universal_teller or category in self.categories


class ApiToken(models.Model):
    """A bearer token for a device or a script acting as a user
    (`Authorization: Bearer …`). Only a hash is stored; the token is shown once."""

    PREFIX = "wsm_"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField("用途", max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField("尾号", max_length=8, editable=False)
    created_at = models.DateTimeField("创建时间", default=clock.now)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.name} …{self.hint}"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def new_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)
