"""Fixtures of the appraisal tests: the demo centre and its people."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from org.demo import seed_demo
from supervision.tests.conftest import at, badge, patrol, staff, window  # noqa: F401 — shared builders


@pytest.fixture
def demo(db):
    seed_demo()


@pytest.fixture
def users(demo):
    model = get_user_model()
    names = ["office1", "leader1", "head1", "teller1", "teller2", "teller3", "admin", "guide1", "inspector1"]
    found = {n: model.objects.select_related("staff").get(username=n) for n in names}
    found["head_wa"] = model.objects.get(username="staff2001")
    return found
