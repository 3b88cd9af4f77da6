"""Fixtures of the supervision tests: the demo centre, its people, small builders."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from org.demo import seed_demo
from org.models import Staff, Window


@pytest.fixture
def demo(db):
    seed_demo()


@pytest.fixture
def users(demo):
    """The demo logins by name, plus the heads of 武安 (staff2001) and 涉县 (staff3001)."""
    model = get_user_model()
    names = ["office1", "leader1", "head1", "teller1", "teller2", "teller3", "admin", "guide1", "inspector1"]
    found = {n: model.objects.select_related("staff").get(username=n) for n in names}
    found["head_wa"] = model.objects.get(username="staff2001")
    found["leader2"] = model.objects.get(username="staff0002")
    return found


def staff(no: str) -> Staff:
    return Staff.objects.select_related("branch", "department").get(staff_no=no)


def window(branch: str, number: int) -> Window:
    return Window.objects.select_related("branch").get(branch__code=branch, number=number)


def at(day: str, hm: str = "10:00") -> datetime:
    h, m = (int(x) for x in hm.split(":"))
    return timezone.make_aware(datetime.combine(date.fromisoformat(day), time(h, m)))


def patrol(users, day: str, *violations, branch: str = "HD01", round_code: str = "morning", **kw):
    """A patrol of the main hall by 陈静 with 黄丽 on duty; violations as ViolationInput."""
    from org.models import Branch
    from supervision import services

    return services.patrol_record(
        actor=kw.pop("actor", users["inspector1"]),
        branch=Branch.objects.get(code=branch),
        day=date.fromisoformat(day),
        round_code=round_code,
        duty_leader=kw.pop("duty_leader", staff("0401")),
        patrol_staff=[staff("0103")],
        violations=list(violations),
        **kw,
    )


def badge(no: str = "1103", **kw):
    """未挂胸牌 (002 篇4 一2, item 2.2, 10元) by a staff member."""
    from supervision.services import ViolationInput

    return ViolationInput(item_code=kw.pop("item", "2.2"), staff=staff(no), **kw)
