"""Facilities with validity dates (000 §四(三)3 灭火器、消防栓均在有效期): states, renewal,
retirement, and the management command a scheduler runs."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from common import clock
from common.errors import DomainError
from org.models import Branch
from supervision import services
from supervision.models import FacilityStatus
from supervision.selectors import facilities, facilities_needing_attention


def _register(users, days: int, who="office1", branch="HD01", **kw):
    return services.facility_register(
        actor=users[who],
        branch=Branch.objects.get(code=branch),
        kind="extinguisher",
        name="干粉灭火器 MFZ/ABC4",
        location=kw.pop("location", "大厅入口"),
        valid_until=clock.today() + timedelta(days=days),
        **kw,
    )


def test_states_follow_the_validity_date_and_the_warning_days(users, settings):
    settings.SUPERVISION_FACILITY_WARN_DAYS = 30
    _register(users, -1, location="A")
    _register(users, 0, location="B")
    _register(users, 30, location="C")
    _register(users, 31, location="D")
    states = {
        s.facility.location: (s.state, s.label) for s in facilities(users["office1"], today=clock.today())
    }
    assert states == {
        "A": ("expired", "已过期1天"),
        "B": ("expiring", "今天到期"),
        "C": ("expiring", "30天后到期"),
        "D": ("ok", "在有效期内"),
    }
    assert [s.facility.location for s in facilities_needing_attention(today=clock.today())] == [
        "A",
        "B",
        "C",
    ]


def test_renewing_sets_a_new_date_with_an_event(users):
    f = _register(users, -3)
    today = clock.today()
    with pytest.raises(DomainError, match="晚于检查"):
        services.facility_renew(
            actor=users["inspector1"], facility=f, valid_until=today, checked_on=today, note="年检"
        )
    services.facility_renew(
        actor=users["inspector1"],
        facility=f,
        valid_until=today + timedelta(days=365),
        checked_on=today,
        note="充装",
    )
    f.refresh_from_db()
    assert f.valid_until == today + timedelta(days=365) and f.last_checked_on == today


def test_a_head_maintains_only_the_own_branchs_facilities(users):
    _register(users, 100, who="head1")
    with pytest.raises(DomainError, match="本管理部"):
        _register(users, 100, who="head1", branch="WA01")
    with pytest.raises(DomainError):
        _register(users, 100, who="teller1")


def test_retired_facilities_drop_out_of_the_warnings(users):
    f = _register(users, -3)
    services.facility_retire(actor=users["office1"], facility=f, reason="报废")
    f.refresh_from_db()
    assert f.status == FacilityStatus.RETIRED
    assert facilities_needing_attention(today=clock.today()) == []


def test_the_command_lists_what_needs_attention_and_fails_on_an_expired_one(users):
    _register(users, 5, location="等候区")
    out = StringIO()
    call_command("supervision_facilities", stdout=out)
    assert "等候区" in out.getvalue() and "即将到期 1 项" in out.getvalue()
    _register(users, -2, location="机房")
    out = StringIO()
    with pytest.raises(CommandError, match="已过期"):
        call_command("supervision_facilities", stdout=out)
    assert "已过期2天" in out.getvalue()
