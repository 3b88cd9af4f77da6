"""Complaint numbers are unique and gapless per day also when several workers
register at the same moment (the day's counter row is locked), on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from complaints import services
from complaints.models import Complaint
from complaints.tests.helpers import at


@pytest.mark.django_db(transaction=True)
def test_concurrent_intake_gets_unique_gapless_numbers(reference_data):
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def register(n: int) -> None:
        try:
            start.wait()
            services.complaint_register(
                actor="12329热线系统",
                channel="hotline_transfer",
                complainant_name=f"投诉人{n}",
                complainant_phone="13800001234",
                subject="并发登记",
                content="并发登记测试",
                now=at("2026-03-02", "10:00"),
                received_at=at("2026-03-02", "09:00"),
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(Complaint.objects.values_list("no", flat=True))
    assert numbers == [f"TS20260302-{n:04d}" for n in range(1, 7)]
