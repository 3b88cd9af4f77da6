"""seed_demo refuses production (DEBUG off) unless told it is a demo server."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from org.models import Centre

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--allow-production"):
        call_command("seed_demo", stdout=StringIO())
    assert not Centre.objects.exists()


def test_seed_demo_loads_on_a_demo_server_when_allowed(settings):
    settings.DEBUG = False
    out = StringIO()
    call_command("seed_demo", "--allow-production", stdout=out)
    assert Centre.objects.exists() and "演示账号" in out.getvalue()
