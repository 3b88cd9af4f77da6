"""One rating per service also when several arrive at the same moment (the counter
evaluator and the phone, or a double tap): real threads with their own database
connections race to rate the same visit, on SQLite here and on PostgreSQL in the second
pass of scripts/test.sh. Exactly one rating is stored per visit; every other attempt is
refused with already_rated — never a 500, never a second row."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connections

from common.errors import DomainError
from common.testing import FrozenClock
from org.demo import seed_demo
from org.models import Staff
from ratings import services
from ratings.models import FollowUp, Rating, RatingChannel, RatingToken
from ratings.tests.conftest import at, rater_for, serve

pytestmark = pytest.mark.django_db(transaction=True)

VISITS = 8
RACERS = 4


def test_racing_ratings_of_one_visit_store_exactly_one(reference_data, monkeypatch):
    seed_demo()
    FrozenClock(at(10, 0))
    teller = Staff.objects.select_related("branch", "user").get(user__username="teller1")
    tickets = [serve(teller, 1) for _ in range(VISITS)]
    outcomes: Counter[str] = Counter()
    errors: list[BaseException] = []
    lock = threading.Lock()

    def racer(token: str, level: int, barrier: threading.Barrier) -> None:
        try:
            barrier.wait()
            services.rating_submit(actor=rater_for(token), token=token, level=level)
            result = "created"
        except DomainError as exc:
            result = exc.code
        except BaseException as exc:
            with lock:
                errors.append(exc)
            return
        finally:
            connections.close_all()
        with lock:
            outcomes[result] += 1

    for ticket in tickets:
        rows = {t.channel: t.token for t in RatingToken.objects.filter(ticket=ticket)}
        barrier = threading.Barrier(RACERS)
        threads = [
            threading.Thread(
                target=racer,
                args=(rows[RatingChannel.COUNTER if n % 2 == 0 else RatingChannel.QR], 1 + n % 2, barrier),
            )
            for n in range(RACERS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert not errors, errors
    assert outcomes == {"created": VISITS, "already_rated": VISITS * (RACERS - 1)}
    for ticket in tickets:
        assert Rating.objects.filter(ticket=ticket).count() == 1
    # Every stored rating is bad (levels 1 and 2): each has exactly one follow-up.
    assert FollowUp.objects.count() == VISITS
