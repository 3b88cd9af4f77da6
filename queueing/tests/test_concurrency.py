"""Proof under load (issue #4 §8): many tellers call next concurrently while kiosks keep
issuing, on real threads with their own database connections, against a live database
(SQLite here, PostgreSQL in the second pass of scripts/test.sh). It asserts:

* every ticket is called at most once (and here, exactly once: all are served);
* never two active calls on one window — two threads even work the same window as
  the same teller (a second browser tab), racing each other;
* numbers are unique and gapless per queue.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, defaultdict

import pytest
from django.db import connection, connections

from common.errors import Conflict
from common.testing import FrozenClock
from org.demo import seed_demo
from org.models import Branch, Category, Staff, Window
from queueing import services
from queueing.models import ACTIVE_CALL, Queue, Ticket, TicketAction, TicketEvent, TicketStatus
from queueing.tests.conftest import at

pytestmark = pytest.mark.django_db(transaction=True)

KIOSKS = 3
TICKETS_PER_KIOSK = 40
CATEGORIES = [Category.COLLECTION, Category.WITHDRAWAL, Category.LOAN, Category.OTHER]


@pytest.fixture
def moving_clock(monkeypatch):
    """Real elapsed time on a fixed working morning (not after the day close whenever the
    suite runs)."""
    FrozenClock(at(10, 0), tick=True)


def _teller(branch: Branch, n: int, categories: list[str], universal: bool = False) -> Staff:
    from org.services import staff_account_create

    return staff_account_create(
        actor="test",
        username=f"load{n}",
        password=None,
        staff_no=f"L{n:03d}",
        name=f"压测{n}",
        roles=[],
        branch=branch,
        categories=[str(c) for c in categories],
        is_universal_teller=universal,
    )


def test_tellers_and_kiosks_racing_never_double_call_and_never_lose_a_number(reference_data, moving_clock):
    seed_demo()
    branch = Branch.objects.get(code="HD01")
    windows = {w.number: w for w in Window.objects.filter(branch=branch).select_related("branch")}
    tellers = {
        number: _teller(branch, number, list(w.categories), universal=True) for number, w in windows.items()
    }

    errors: list[BaseException] = []
    called_by_thread: list[list[int]] = []
    kiosks_done = threading.Event()
    observed_double = []

    def kiosk(seed: int) -> None:
        rng = random.Random(seed)
        try:
            for _ in range(TICKETS_PER_KIOSK):
                services.ticket_take(
                    actor=f"kiosk:{seed}",
                    branch=branch,
                    category=rng.choice(CATEGORIES),
                    priority=rng.choice(["", "", "", "elderly", "pregnant"]),
                )
                time.sleep(rng.random() * 0.005)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    def teller(number: int, seed: int) -> None:
        rng = random.Random(seed)
        staff, window = tellers[number], windows[number]
        mine: list[int] = []
        called_by_thread.append(mine)
        try:
            idle_since = None
            while True:
                try:
                    ticket = services.ticket_call_next(actor=f"teller:{number}", staff=staff, window=window)
                except Conflict as exc:
                    # The twin thread holds a call at this window: that is the guarantee at work.
                    if exc.code not in {"call_active", "call_contention"}:
                        raise
                    time.sleep(rng.random() * 0.004)
                    continue
                if ticket is None:
                    if kiosks_done.is_set():
                        idle_since = idle_since or time.monotonic()
                        if time.monotonic() - idle_since > 0.5:
                            return
                    time.sleep(0.003)
                    continue
                idle_since = None
                mine.append(ticket.pk)
                active = Ticket.objects.filter(window=window, status__in=ACTIVE_CALL).count()
                if active != 1:
                    observed_double.append((number, active))
                if rng.random() < 0.3:
                    services.ticket_recall(actor=f"teller:{number}", staff=staff, window=window)
                if rng.random() < 0.5:
                    services.ticket_start(actor=f"teller:{number}", staff=staff, window=window)
                services.ticket_complete(actor=f"teller:{number}", staff=staff, window=window)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=kiosk, args=(k,)) for k in range(KIOSKS)]
    # One thread per window, and a twin thread (same teller, same window) at windows 1 and 8.
    workers = [threading.Thread(target=teller, args=(n, 100 + n)) for n in windows]
    workers += [threading.Thread(target=teller, args=(n, 200 + n)) for n in (1, 8)]
    started = time.monotonic()
    for t in threads + workers:
        t.start()
    for t in threads:
        t.join(timeout=120)
    kiosks_done.set()
    for t in workers:
        t.join(timeout=120)
    elapsed = time.monotonic() - started
    assert not any(t.is_alive() for t in threads + workers), "a thread did not finish"
    assert errors == [], errors
    connections.close_all()

    total = KIOSKS * TICKETS_PER_KIOSK
    tickets = list(Ticket.objects.filter(branch=branch))
    assert len(tickets) == total

    # Numbers unique and gapless per queue.
    for queue in Queue.objects.filter(branch=branch):
        numbers = sorted(t.number for t in tickets if t.queue_id == queue.pk)
        assert numbers == list(range(1, len(numbers) + 1)), queue.letter

    # Every ticket called at most once — here exactly once, by exactly one thread.
    claimed = [pk for thread in called_by_thread for pk in thread]
    assert sorted(claimed) == sorted(t.pk for t in tickets)
    calls = Counter(TicketEvent.objects.filter(action=TicketAction.CALL).values_list("ticket_id", flat=True))
    assert set(calls.values()) == {1} and len(calls) == total
    assert {t.status for t in tickets} == {TicketStatus.DONE}

    # Never two active calls on a window: per window the events alternate call → complete.
    by_window: dict[int, list[str]] = defaultdict(list)
    for window_id, action in (
        TicketEvent.objects.filter(action__in=[TicketAction.CALL, TicketAction.COMPLETE])
        .order_by("pk")
        .values_list("window_id", "action")
    ):
        by_window[window_id].append(action)
    for window_id, actions in by_window.items():
        assert actions == [TicketAction.CALL, TicketAction.COMPLETE] * (len(actions) // 2), window_id
    assert observed_double == []
    print(
        f"\n{total} tickets, {len(workers)} teller threads, {KIOSKS} kiosks: "
        f"{elapsed:.1f} s on {connection.vendor}"
    )
