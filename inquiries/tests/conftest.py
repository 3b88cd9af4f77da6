"""Fixtures of the first-inquiry tests."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from org.models import Branch, Centre, Department, Rank


@pytest.fixture(autouse=True)
def _empty_cache():
    """The rate limiters count in the cache (common.ratelimit): every test starts at zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def org(db):
    """A small centre: one hall, the loan hall department, the withdrawal department."""
    centre = Centre.objects.create(code="C", name="测试中心")
    hall = Branch.objects.create(centre=centre, code="B1", name="中心服务大厅")
    other = Branch.objects.create(centre=centre, code="B2", name="武安市管理部")
    return {
        "centre": centre,
        "hall": hall,
        "other": other,
        "loans": Department.objects.create(centre=centre, code="DK", name="贷款服务大厅", branch=hall),
        "withdrawal": Department.objects.create(centre=centre, code="TQ", name="提取处"),
    }


@pytest.fixture
def people(org, make_user):
    """A teller with a superior (the hall head), a receiver in the withdrawal
    department, a deputy section chief, an office clerk and a leader."""
    head = make_user("head", branch=org["hall"], department=org["loans"], rank=Rank.DIVISION_CHIEF)
    teller = make_user(
        "teller", branch=org["hall"], department=org["loans"], rank=Rank.CLERK, superior=head.staff
    )
    deputy = make_user("teller", branch=org["hall"], department=org["loans"], rank=Rank.SECTION_DEPUTY)
    receiver = make_user("teller", branch=org["hall"], department=org["withdrawal"])
    stranger = make_user("teller", branch=org["other"])
    office = make_user("office")
    leader = make_user("leader")
    return {
        "head": head,
        "teller": teller,
        "deputy": deputy,
        "receiver": receiver,
        "stranger": stranger,
        "office": office,
        "leader": leader,
    }
