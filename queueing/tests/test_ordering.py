"""The calling order: the SQL of selectors.call_order / people_ahead agrees with the pure
rules of queueing/ordering.py on random halls (hypothesis), and the pure rules say
what docs/queueing.md says."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from org.models import Window
from queueing import ordering, selectors
from queueing.models import Queue, Ticket, TicketSource
from queueing.tests.conftest import C, L, W, at

NOW = at(10, 0)
BOUND = timedelta(minutes=15)


def candidate(
    pk, *, status="waiting", category=C, priority=False, minutes_ago=0, appointment_in=None, target=None
):
    return ordering.Candidate(
        id=pk,
        status=status,
        category=category,
        priority=priority,
        queued_at=NOW - timedelta(minutes=minutes_ago),
        appointment_at=None if appointment_in is None else NOW + timedelta(minutes=appointment_in),
        target_window_id=target,
    )


def pick(tickets, *, green=False, categories=frozenset({C})):
    chosen = ordering.next_for_window(
        tickets, window_id=1, categories=categories, green=green, now=NOW, max_passed_over=BOUND
    )
    return chosen.id if chosen else None


# --- The pure rules, table-driven ---------------------------------------------------------------


def test_first_come_first_served():
    assert pick([candidate(2, minutes_ago=3), candidate(1, minutes_ago=5)]) == 1


def test_the_id_breaks_a_tie_of_arrival():
    assert pick([candidate(2, minutes_ago=5), candidate(1, minutes_ago=5)]) == 1


def test_a_transfer_to_this_window_beats_a_transfer_to_the_category_which_beats_everybody():
    tickets = [
        candidate(1, minutes_ago=60),
        candidate(2, status="transferred", minutes_ago=1),
        candidate(3, status="transferred", minutes_ago=0, target=1, category=L),
    ]
    assert pick(tickets) == 3
    assert pick(tickets[:2]) == 2


def test_a_transfer_to_another_window_is_not_called_here():
    assert pick([candidate(1, status="transferred", target=2)]) is None


def test_an_appointment_is_ahead_of_walk_ins_from_its_slot_time_only():
    walk_in = candidate(1, minutes_ago=30)
    due = candidate(2, minutes_ago=5, appointment_in=0)
    not_yet = candidate(3, minutes_ago=40, appointment_in=5)
    assert pick([walk_in, due]) == 2
    assert pick([walk_in, not_yet]) == 3  # earlier arrival, waits like anybody before its slot


def test_green_channel_windows_serve_priority_first_within_the_bound():
    ordinary = candidate(1, minutes_ago=14)
    elderly = candidate(2, minutes_ago=1, priority=True)
    assert pick([ordinary, elderly], green=True) == 2
    assert pick([ordinary, elderly], green=False) == 1
    starving = candidate(1, minutes_ago=15)
    assert pick([starving, elderly], green=True) == 1


def test_people_ahead_counts_the_line_an_ordinary_window_sees():
    line = [
        candidate(1, minutes_ago=10),
        candidate(2, minutes_ago=5, priority=True),
        candidate(3, minutes_ago=1),
    ]
    assert [ordering.people_ahead(t, line, now=NOW) for t in line] == [0, 1, 2]


# --- SQL equals the pure rules (property test) -----------------------------------------------------

ticket_specs = st.lists(
    st.fixed_dictionaries(
        {
            "status": st.sampled_from(["waiting", "waiting", "waiting", "transferred"]),
            "category": st.sampled_from([C, W, L]),
            "priority": st.booleans(),
            # Few distinct values: ties and the exact 15-minute bound come up often.
            "minutes_ago": st.sampled_from([0, 1, 5, 14, 15, 16, 40]),
            "appointment_in": st.sampled_from([None, None, -5, 0, 5]),
            "target": st.sampled_from([None, None, None, 1, 2]),
        }
    ),
    min_size=0,
    max_size=14,
)


# Walk-ins only, at a green-channel window: where the starvation bound decides.
walk_in_specs = st.lists(
    st.fixed_dictionaries(
        {
            "status": st.just("waiting"),
            "category": st.sampled_from([C, L]),
            "priority": st.booleans(),
            "minutes_ago": st.sampled_from([0, 1, 14, 15, 16, 30]),
            "appointment_in": st.just(None),
            "target": st.just(None),
        }
    ),
    min_size=1,
    max_size=8,
)
SERVES = st.sampled_from([frozenset({C}), frozenset({C, L}), frozenset({W})])
EXAMPLES = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.mark.django_db
@EXAMPLES
@given(specs=ticket_specs, green=st.booleans(), serve=SERVES)
def test_the_database_picks_the_same_ticket_as_the_rules(hd01, specs, green, serve):
    check_against_the_rules(hd01, specs, green, serve)


@pytest.mark.django_db
@EXAMPLES
@given(specs=walk_in_specs, serve=SERVES)
def test_the_database_keeps_the_green_channel_bound_like_the_rules(hd01, specs, serve):
    check_against_the_rules(hd01, specs, True, serve)


def check_against_the_rules(hd01, specs, green, serve):
    windows = {n: Window.objects.get(branch=hd01, number=n) for n in (1, 2)}
    queues = {q.category: q for q in Queue.objects.filter(branch=hd01)}
    with transaction.atomic():
        Window.objects.filter(pk=windows[1].pk).update(is_green_channel=green)
        windows[1].is_green_channel = green
        rows = []
        for n, spec in enumerate(specs, start=1):
            status = spec["status"] if spec["target"] is None else "transferred"
            rows.append(
                Ticket(
                    branch=hd01,
                    queue=queues[spec["category"]],
                    service_date=NOW.date(),
                    number=n,
                    display_number=f"X{n:03d}",
                    category=spec["category"],
                    priority="elderly" if spec["priority"] else "",
                    source=TicketSource.KIOSK,
                    status=status,
                    token=Ticket.new_token(),
                    taken_at=NOW - timedelta(minutes=spec["minutes_ago"]),
                    taken_by="test",
                    queued_at=NOW - timedelta(minutes=spec["minutes_ago"]),
                    appointment_at=None
                    if spec["appointment_in"] is None
                    else NOW + timedelta(minutes=spec["appointment_in"]),
                    target_window=windows[spec["target"]] if spec["target"] else None,
                )
            )
        Ticket.objects.bulk_create(rows)
        stored = list(Ticket.objects.filter(branch=hd01, service_date=NOW.date()))
        pure = [
            ordering.Candidate(
                id=t.pk,
                status=t.status,
                category=t.category,
                priority=bool(t.priority),
                queued_at=t.queued_at,
                appointment_at=t.appointment_at,
                target_window_id=windows[1].pk if t.target_window_id == windows[1].pk else t.target_window_id,
            )
            for t in stored
        ]
        expected = ordering.next_for_window(
            pure, window_id=windows[1].pk, categories=serve, green=green, now=NOW, max_passed_over=BOUND
        )
        got = selectors.call_order(
            window=windows[1], categories=serve, now=NOW, max_passed_over=BOUND
        ).first()
        assert (got.pk if got else None) == (expected.id if expected else None)
        for ticket in stored:
            line = [
                c
                for c in pure
                if (c.target_window_id == ticket.target_window_id)
                and (ticket.target_window_id is not None or c.category == ticket.category)
            ]
            mine = next(c for c in pure if c.id == ticket.pk)
            assert selectors.people_ahead(ticket, now=NOW) == ordering.people_ahead(mine, line, now=NOW)
        transaction.set_rollback(True)
