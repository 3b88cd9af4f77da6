"""The one definition of each figure (reports/figures.py) on its own, and on a few rows."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases.models import CaseStatus
from queueing.models import TicketStatus
from reports import figures
from reports.figures import (
    COMPLETED,
    REJECTED,
    UNFINISHED,
    WITHDRAWN,
    CaseFigures,
    QueueFigures,
    percent_text,
    ticket_measures,
)

TARGET = 20 * 60


def measures(status: str, waited: float | None, elapsed: float | None = None) -> dict[str, int]:
    values, _, _ = ticket_measures(
        status=status,
        source="kiosk",
        priority="",
        waited=waited,
        elapsed=elapsed if elapsed is not None else waited,
        service=None,
        target_seconds=TARGET,
    )
    return values


def test_a_served_ticket_called_within_the_target_counts_within_it():
    v = measures(TicketStatus.DONE, 19 * 60)
    assert (v["wait_n"], v["within_target"], v.get("past_target", 0)) == (1, 1, 0)


def test_a_wait_of_exactly_the_target_is_within_it_and_a_second_more_is_not():
    assert measures(TicketStatus.DONE, TARGET)["within_target"] == 1
    assert measures(TicketStatus.DONE, TARGET + 1)["within_target"] == 0


def test_a_person_still_waiting_past_the_target_counts_against_the_share():
    v = measures(TicketStatus.WAITING, None, elapsed=510 * 60)  # A001, 510 minutes
    assert (v.get("wait_n", 0), v["past_target"]) == (0, 1)
    q = QueueFigures({**measures(TicketStatus.DONE, 60), "past_target": 0})
    q.add(QueueFigures(v))
    assert (q.within_share, q.target_met(80)) == (0.5, False)


def test_someone_waiting_less_than_the_target_is_not_counted_yet():
    v = measures(TicketStatus.WAITING, None, elapsed=5 * 60)
    assert v.get("past_target", 0) == 0 and v.get("wait_n", 0) == 0


@pytest.mark.parametrize(
    ("status", "waited", "elapsed", "past"),
    [
        (TicketStatus.NO_SHOW, 40 * 60, 40 * 60, 1),  # called after the target, not there
        (TicketStatus.NO_SHOW, 10 * 60, 10 * 60, 0),  # called in time, not there: not counted
        (TicketStatus.CANCELLED, None, 25 * 60, 1),  # left after the target
        (TicketStatus.CANCELLED, None, 3 * 60, 0),  # left early
        (TicketStatus.CANCELLED, None, None, 0),  # no time recorded
    ],
)
def test_no_shows_and_cancelled_tickets_are_not_waits_but_count_when_they_passed_the_target(
    status, waited, elapsed, past
):
    values, wait, _ = ticket_measures(
        status=status,
        source="kiosk",
        priority="",
        waited=waited,
        elapsed=elapsed,
        service=None,
        target_seconds=TARGET,
    )
    assert wait is None and values.get("wait_n", 0) == 0
    assert values.get("past_target", 0) == past


def test_no_ticket_no_share_and_no_target_verdict():
    q = QueueFigures()
    assert (q.within_share, q.target_met(80), q.avg_wait, q.p90_wait, q.no_show_rate) == (None,) * 5


def test_every_case_status_has_exactly_one_outcome():
    groups = [set(COMPLETED), set(UNFINISHED), set(REJECTED), set(WITHDRAWN)]
    assert set().union(*groups) == set(CaseStatus)
    assert sum(len(g) for g in groups) == len(CaseStatus)
    assert CaseStatus.REVIEW in UNFINISHED and CaseStatus.COMPLETED in COMPLETED


def test_case_figures_reconcile_only_when_the_outcomes_add_up():
    good = {
        "received": 10,
        "completed": 6,
        "on_time": 5,
        "overdue": 1,
        "open": 2,
        "rejected": 1,
        "withdrawn": 1,
    }
    assert CaseFigures(good).reconciles and CaseFigures(good).on_time_rate == pytest.approx(5 / 6)
    assert not CaseFigures({**good, "overdue": 2}).reconciles
    assert not CaseFigures({**good, "open": 3}).reconciles


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "—"),
        (2 / 3, "66.7%"),
        (0.0625, "6.3%"),
        (Fraction(1, 16), "6.3%"),
        (1.0, "100.0%"),
        (0.0, "0.0%"),
    ],
)
def test_a_share_is_shown_rounded_half_up_to_one_decimal(value, text):
    assert percent_text(value) == text


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=10_000))
def test_a_share_shows_the_same_text_from_a_float_or_the_exact_fraction(part, whole):
    if part <= whole:
        assert percent_text(part / whole) == percent_text(Fraction(part, whole))


def test_minutes_and_the_p90_are_shown_the_same_everywhere():
    assert figures.minutes_text(13.75) == "13.8" and figures.minutes_text(None) == "—"
    assert figures.p90_text(26) == "26" and figures.p90_text(180) == "≥180" and figures.p90_text(None) == "—"


# --- on rows ---------------------------------------------------------------------------


@pytest.fixture
def hall(db, make_user):
    from org.models import Branch, Centre, Role, Window

    centre = Centre.objects.create(code="FGX", name="测试中心")
    branch = Branch.objects.create(centre=centre, code="FGX1", name="测试大厅")
    window = Window.objects.create(branch=branch, number=1, categories=["withdrawal"])
    return {"branch": branch, "window": window, "staff": make_user(Role.TELLER, branch=branch).staff}


def _today_figures(hall, today: date) -> QueueFigures:
    from reports.stats.filters import StatsFilter
    from reports.stats.selectors import queue_figures

    return queue_figures(StatsFilter(start=today, end=today, today=today, branch=hall["branch"]))


def test_the_statistics_of_today_count_the_person_still_waiting_past_the_target(hall, frozen_clock):
    from common import clock
    from reports.stats.testing import at, make_ticket

    today = clock.today()
    frozen_clock.move_to(at(today, 10, 0))
    kw = {"branch": hall["branch"], "day": today, "window": hall["window"], "staff": hall["staff"]}
    make_ticket(taken=(9, 0), wait_minutes=5, service_minutes=5, **kw)
    make_ticket(taken=(9, 0), status=TicketStatus.WAITING, **kw)  # 60 minutes and counting
    make_ticket(taken=(9, 50), status=TicketStatus.WAITING, **kw)  # 10 minutes: not yet
    q = _today_figures(hall, today)
    assert (q["wait_n"], q["within_target"], q["past_target"]) == (1, 1, 1)
    assert q.within_share == 0.5


def test_the_wait_ends_at_the_first_call_of_a_ticket_called_again(hall, frozen_clock):
    from common import clock
    from queueing.models import TicketAction, TicketEvent
    from reports.stats.testing import at, make_ticket

    today = clock.today() - timedelta(days=1)
    frozen_clock.move_to(at(today + timedelta(days=1), 10, 0))
    ticket = make_ticket(
        branch=hall["branch"],
        day=today,
        taken=(9, 0),
        wait_minutes=45,  # called_at: the second call, after a no-show and reactivation
        service_minutes=5,
        window=hall["window"],
        staff=hall["staff"],
    )
    TicketEvent.objects.create(
        ticket=ticket,
        action=TicketAction.CALL,
        from_status=TicketStatus.WAITING,
        to_status=TicketStatus.CALLED,
        at=at(today, 9, 8),
        actor_label="test",
    )
    q = _today_figures(hall, today)
    assert q["wait_seconds"] == 8 * 60 and q["within_target"] == 1
