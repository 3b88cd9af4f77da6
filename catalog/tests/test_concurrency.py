"""Notices issued at the same moment by several windows, on real threads with their own
database connections (SQLite here, PostgreSQL in the second pass of scripts/test.sh):
numbers stay unique and gapless per branch and day, and one visit still gets one notice."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.db import connection

from catalog import services
from catalog.models import Matter, OneTimeNotice
from catalog.tests.conftest import at, valid_id
from catalog.tests.helpers import statuses
from common.errors import Conflict
from org.models import Branch, Centre

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 6
EACH = 5


@pytest.fixture
def hall(reference_data, make_user):
    call_command("seed_catalog")
    centre = Centre.objects.create(code="HD", name="邯郸市住房公积金管理中心")
    branch = Branch.objects.create(centre=centre, code="HD01", name="中心服务大厅")
    return branch, [make_user("teller", branch=branch) for _ in range(THREADS)]


def _run(target, args_list) -> list[BaseException]:
    errors: list[BaseException] = []

    def wrapped(*args):
        try:
            target(*args)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrapped, args=args) for args in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_concurrent_windows_get_unique_gapless_numbers(hall):
    branch, tellers = hall
    marks = statuses("TQ001", missing=("购房合同",))
    matter = Matter.objects.get(code="TQ001")

    def window(i: int, teller) -> None:
        for j in range(EACH):
            citizen = services.Citizen(name="测试", id_number=valid_id(f"13040219900101{i * EACH + j:03d}"))
            services.notice_issue(
                actor=teller,
                branch=branch,
                matter=matter,
                channel="counter",
                citizen=citizen,
                statuses=marks,
                now=at(2026, 3, 16, 10),
            )

    errors = _run(window, list(enumerate(tellers)))
    assert errors == []
    numbers = sorted(OneTimeNotice.objects.values_list("number", flat=True))
    assert numbers == [f"HD01-20260316-{n:04d}" for n in range(1, THREADS * EACH + 1)]


def test_one_visit_gets_one_notice_even_from_two_windows_at_once(hall):
    branch, tellers = hall
    marks = statuses("TQ001", missing=("购房合同",))
    matter = Matter.objects.get(code="TQ001")
    citizen = services.Citizen(name="李明", id_number=valid_id("13040219880715002"))

    def window(teller) -> None:
        services.notice_issue(
            actor=teller,
            branch=branch,
            matter=matter,
            channel="counter",
            citizen=citizen,
            statuses=marks,
            now=at(2026, 3, 16, 10),
        )

    errors = _run(window, [(t,) for t in tellers[:4]])
    assert OneTimeNotice.objects.count() == 1
    assert len(errors) == 3 and all(isinstance(e, Conflict) and e.code == "already_notified" for e in errors)
