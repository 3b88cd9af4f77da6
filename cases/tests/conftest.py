"""Fixtures of the cases tests: the demo centre, a clock the tests move, the demo
logins, texts kept in memory, and a helper that registers a case."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model

from common import sms
from common.testing import FrozenClock

SHANGHAI = ZoneInfo("Asia/Shanghai")
PERSON_ID = "130402198807150027"  # GB 11643 check digit correct
MOBILE = "13831001234"
CREDIT_CODE = "91130400MA0CXXXX02"  # GB 32100 check character correct


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


class Clock(FrozenClock):
    """The clock, moved by the test: clock.set(2026, 9, 30, 10)."""

    def set(self, year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
        return self.move_to(at(year, month, day, hour, minute))


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The query's rate limits count in the cache (common.ratelimit): one test must not
    spend the next one's allowance."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock():
    c = Clock(at(2026, 3, 16, 10))
    yield c
    c.stop()


@pytest.fixture
def demo(db):
    from org.demo import seed_demo

    seed_demo()


@pytest.fixture
def users(demo):
    model = get_user_model()
    names = ["teller1", "teller2", "teller3", "head1", "leader1", "office1", "admin", "guide1", "inspector1"]
    return {n: model.objects.select_related("staff").get(username=n) for n in names}


@pytest.fixture
def sms_outbox(settings, monkeypatch):
    """Texts land in this list. The test's transaction never commits, so on_commit
    callbacks (texts are sent after commit) run at once here."""
    settings.SMS_BACKEND = "common.sms.LocmemBackend"
    monkeypatch.setattr("django.db.transaction.on_commit", lambda func, using=None, robust=False: func())
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def marks_for(code: str, *, missing: tuple[str, ...] = (), on: date | None = None) -> dict:
    """Every material of the matter's version received, except the named ones (by name
    fragment or code) missing; conditional materials not named are "not applicable"."""
    from cases.services import MaterialMark
    from catalog.models import Matter
    from catalog.selectors import version_in_force

    version = version_in_force(Matter.objects.get(code=code), on or date(2026, 3, 16))
    assert version is not None
    result = {}
    for m in version.materials.order_by("order"):
        if any(x == m.code or x in m.name for x in missing):
            result[m.code] = MaterialMark("missing", "请补正")
        elif m.requirement == "conditional":
            result[m.code] = MaterialMark("not_applicable")
        else:
            result[m.code] = MaterialMark("received")
    return result


def first_material(code: str) -> str:
    from catalog.models import Matter
    from catalog.selectors import version_in_force

    version = version_in_force(Matter.objects.get(code=code), date(2026, 3, 16))
    assert version is not None
    return version.materials.filter(requirement="required").order_by("order").first().name


@pytest.fixture
def register(users, clock):
    """register("TQ001", missing=(…), at=…) → a case registered by teller1 (HD01)."""
    from cases import services
    from catalog.models import Matter

    def make(
        code: str = "DK015",
        *,
        missing: tuple[str, ...] = (),
        when: datetime | None = None,
        actor=None,
        employer: bool = False,
        rejection=None,
        phone: str = MOBILE,
        **extra,
    ):
        if when is not None:
            clock.moment = when
        matter = Matter.objects.get(code=code)
        if matter.service_object == "employer":
            applicant = services.ApplicantData(
                name="邯郸市示例科技有限公司",
                phone=phone,
                credit_code=CREDIT_CODE,
                agent_name="王芳",
                agent_id_number=PERSON_ID,
            )
        else:
            applicant = services.ApplicantData(name="李明", phone=phone, id_number=PERSON_ID)
        registration = services.case_register(
            actor=actor or users["teller1"],
            matter=matter,
            applicant=applicant,
            marks=marks_for(code, missing=missing, on=clock().date()),
            idempotency_key=uuid.uuid4(),
            rejection=rejection,
            **extra,
        )
        return registration.case

    return make
