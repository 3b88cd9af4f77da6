"""Concurrent submissions on real threads with their own database connections (SQLite
here; PostgreSQL in the second pass of scripts/test.sh): the same acceptance submitted
at once from several requests makes one case, and different acceptances at the same
moment get unique, gapless receipt numbers."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection

from cases import services
from cases.models import Case, CaseSequence
from cases.tests.conftest import MOBILE, PERSON_ID, marks_for
from catalog.models import Matter

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 6


@pytest.fixture
def hall(reference_data, clock, monkeypatch):
    from django.core.management import call_command

    from org.demo import seed_demo

    call_command("seed_catalog")
    seed_demo()
    clock.set(2026, 11, 23, 10)
    return Matter.objects.get(code="DK015")


def _run(target, args_list) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(len(args_list))

    def wrapped(*args):
        try:
            start.wait()
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


def _submit(matter, user, key, results):
    reg = services.case_register(
        actor=user,
        matter=matter,
        applicant=services.ApplicantData(name="李明", phone=MOBILE, id_number=PERSON_ID),
        marks=marks_for("DK015"),
        idempotency_key=key,
    )
    results.append(reg)


def test_a_double_submission_makes_one_case(hall):
    from django.contrib.auth import get_user_model

    teller = get_user_model().objects.get(username="teller1")
    key = uuid.uuid4()
    results: list = []
    errors = _run(_submit, [(hall, teller, key, results) for _ in range(THREADS)])
    assert errors == []
    assert Case.objects.count() == 1
    assert sum(1 for r in results if r.created) == 1
    assert {r.case.pk for r in results} == {Case.objects.get().pk}
    # The losers did not spend a number: the day's counter says one.
    assert CaseSequence.objects.get().last == 1
    assert Case.objects.get().receipt_no == "HD01-20261123-0001"


def test_simultaneous_acceptances_get_gapless_numbers(hall):
    from django.contrib.auth import get_user_model

    teller = get_user_model().objects.get(username="teller1")
    results: list = []
    errors = _run(_submit, [(hall, teller, uuid.uuid4(), results) for _ in range(THREADS)])
    assert errors == []
    numbers = sorted(Case.objects.values_list("receipt_no", flat=True))
    assert numbers == [f"HD01-20261123-{n:04d}" for n in range(1, THREADS + 1)]
