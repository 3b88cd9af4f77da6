"""Fixtures of the catalog tests: a branch, staff of each role, a quiet media folder."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from PIL import Image, ImageDraw

from common.identity import id_check_char
from org.models import Branch, Centre

TZ = ZoneInfo("Asia/Shanghai")


def valid_id(first17: str) -> str:
    return first17 + id_check_char(first17)


CITIZEN_ID = valid_id("13040219880715002")
OTHER_ID = valid_id("13040319900321004")


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def centre(db):
    return Centre.objects.create(code="HD", name="邯郸市住房公积金管理中心", phone="0310-12329")


@pytest.fixture
def branch(centre):
    return Branch.objects.create(
        centre=centre, code="HD01", name="中心服务大厅", address="示例地址", phone="0310-3101001"
    )


@pytest.fixture
def other_branch(centre):
    return Branch.objects.create(centre=centre, code="WA01", name="武安市管理部", phone="0310-5101002")


@pytest.fixture
def teller(make_user, branch):
    return make_user("teller", branch=branch)


@pytest.fixture
def head(make_user, branch):
    return make_user("head", branch=branch)


@pytest.fixture
def office(make_user):
    return make_user("office")


def signature_png(blank: bool = False) -> bytes:
    image = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    if not blank:
        draw = ImageDraw.Draw(image)
        draw.line([(40, 150), (120, 40), (200, 160), (320, 60), (480, 140)], fill=(17, 17, 17, 255), width=5)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()
