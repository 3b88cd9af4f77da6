from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch, QuerySet

from org.models import Branch, Department, Staff, Window


def branches_with_windows(user: AbstractBaseUser | AnonymousUser) -> list[Branch]:
    """The branches the user may see, each with its windows (two queries in all)."""
    windows = Window.objects.filter(is_active=True).order_by("number")
    return list(
        Branch.objects.visible_to(user)
        .filter(is_active=True)
        .prefetch_related(Prefetch("windows", queryset=windows))
    )


def staff_list(user: AbstractBaseUser | AnonymousUser, *, branch_id: int | None = None) -> list[Staff]:
    staff = (
        Staff.objects.visible_to(user).select_related("branch", "department").prefetch_related("user__groups")
    )
    if branch_id is not None:
        staff = staff.filter(branch_id=branch_id)
    return list(staff.order_by("branch__code", "-rank", "staff_no"))


def departments() -> list[Department]:
    return list(Department.objects.filter(is_active=True).select_related("branch"))


def active_staff() -> QuerySet[Staff]:
    """Everybody on duty, for a form's choice of person (by 处室, rank, 工号)."""
    return (
        Staff.objects.filter(is_active=True)
        .select_related("department", "branch")
        .order_by("department__code", "-rank", "staff_no")
    )


def active_departments() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).order_by("code")
