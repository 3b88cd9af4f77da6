"""A seed gives the same data set; another seed another one (reports/simulate/bulk/)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.db import transaction

from queueing.models import Ticket
from reports.simulate.bulk import generate

pytestmark = pytest.mark.django_db

START, END = date(2025, 12, 1), date(2025, 12, 2)


def _counts(seed: int) -> tuple[dict[str, int], list[tuple[str, str]]]:
    with transaction.atomic():
        summary = generate(start=START, end=END, scale="small", seed=seed, stdout=io.StringIO())
        tokens = list(Ticket.objects.order_by("token").values_list("token", "display_number"))
        transaction.set_rollback(True)
    for key in ("seconds", "rows_per_second"):
        summary.pop(key)
    return summary, tokens


def test_the_same_seed_gives_the_same_rows_and_another_seed_other_rows():
    first, first_tokens = _counts(11)
    second, second_tokens = _counts(11)
    _, other_tokens = _counts(12)
    assert first == second and first_tokens == second_tokens
    assert first["tickets"] > 0
    assert other_tokens != first_tokens
