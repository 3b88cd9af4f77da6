"""Fixtures of the complaints tests: the demo centre and its people."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache

from org.demo import seed_demo
from org.models import Role


@pytest.fixture(autouse=True)
def _empty_cache():
    """The rate limiters count in the cache (common.ratelimit): every test starts at zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo(db):
    seed_demo()


@pytest.fixture
def users(demo):
    """The demo logins by name, plus the heads of 武安 and 涉县 and the party committee."""
    model = get_user_model()
    names = ["office1", "leader1", "head1", "teller1", "teller2", "teller3", "admin", "guide1", "inspector1"]
    found = {n: model.objects.select_related("staff").get(username=n) for n in names}
    found["office"] = found["office1"]
    found["head_wa"] = model.objects.get(username="staff2001")
    found["head_sx"] = model.objects.get(username="staff3001")
    # 吴刚 of the party committee (机关党委, DW) has no login in the demo; here he signs
    # in as the head of his department.
    party = model.objects.get(username="staff0601")
    party.groups.add(Group.objects.get(name=Role.HEAD.label))
    found["party"] = party
    return found
