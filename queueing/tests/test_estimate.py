"""The wait estimate (docs/queueing.md "Wait estimate") and the booking slots."""

from __future__ import annotations

from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from queueing import estimate, selectors, services
from queueing.slots import break_from_hours_note, day_slots
from queueing.tests.conftest import C, W, window

# --- EWMA and the band ------------------------------------------------------------------------


def test_the_ewma_starts_at_the_first_duration_and_weighs_the_latest_most():
    assert estimate.ewma([10], alpha=0.3, default=8) == 10
    assert estimate.ewma([10, 20], alpha=0.3, default=8) == pytest.approx(13.0)  # .3×20 + .7×10
    assert estimate.ewma([10, 20, 5], alpha=0.3, default=8) == pytest.approx(10.6)  # .3×5 + .7×13
    assert estimate.ewma([], alpha=0.3, default=8) == 8


def test_one_long_case_fades_out():
    after_long = estimate.ewma([6, 6, 6, 60], alpha=0.3, default=8)
    later = estimate.ewma([6, 6, 6, 60, 6, 6, 6, 6, 6], alpha=0.3, default=8)
    assert after_long == pytest.approx(22.2)
    assert later < 10


@pytest.mark.parametrize(
    ("ahead", "service", "windows", "minutes"),
    [(0, 8, 1, 0), (3, 8, 1, 24), (3, 8, 2, 12), (10, 6, 3, 20), (5, 8, 0, None)],
)
def test_wait_is_people_ahead_times_service_time_over_windows(ahead, service, windows, minutes):
    assert estimate.wait_minutes(people_ahead=ahead, service_minutes=service, windows=windows) == minutes


@pytest.mark.parametrize(
    ("minutes", "label"),
    [
        (0, "即将叫号"),
        (0.4, "约 0–5 分钟"),
        (12, "约 10–15 分钟"),
        (10, "约 10–15 分钟"),
        (59.9, "约 55–60 分钟"),
        (None, None),
    ],
)
def test_the_estimate_is_shown_as_a_band(minutes, label):
    band = estimate.band(minutes, step=5)
    assert (band.label if band else None) == label


@given(minutes=st.floats(min_value=0.01, max_value=600), step=st.integers(min_value=1, max_value=30))
def test_the_band_always_contains_the_estimate(minutes, step):
    band = estimate.band(minutes, step=step)
    assert band is not None and band.low <= minutes < band.high and band.high - band.low == step


@given(
    ahead=st.integers(min_value=0, max_value=200),
    service=st.floats(min_value=0.5, max_value=60),
    windows=st.integers(min_value=1, max_value=10),
)
def test_more_people_ahead_never_means_a_shorter_wait(ahead, service, windows):
    now = estimate.wait_minutes(people_ahead=ahead, service_minutes=service, windows=windows)
    later = estimate.wait_minutes(people_ahead=ahead + 1, service_minutes=service, windows=windows)
    assert later is not None and now is not None and later >= now


# --- The estimate from real services ------------------------------------------------------------


def test_the_estimate_uses_the_recent_services_and_the_open_windows(hd01, clock, teller):
    params = selectors.queue_rules(clock.moment.date()).params
    first, second = teller(hd01, [W]), teller(hd01, [W])
    # No history yet: the rule set's default of 8 minutes. No window is open yet, so the four
    # windows configured for 提取 count (3, 4, 5 and the green channel 8).
    wait = selectors.wait_for(hd01, W, 4, params=params, now=clock.moment)
    assert wait.minutes == pytest.approx(4 * 8 / 4)
    for minutes in (10, 20):
        services.ticket_take(actor="k", branch=hd01, category=W)
        services.ticket_call_next(actor="t", staff=first, window=window(hd01, 3))
        services.ticket_start(actor="t", staff=first, window=window(hd01, 3))
        clock.advance(minutes=minutes)
        services.ticket_complete(actor="t", staff=first, window=window(hd01, 3))
    assert selectors.service_minutes(hd01, W, params=params, now=clock.moment) == pytest.approx(13.0)
    services.window_sign_in(actor="t", staff=second, window=window(hd01, 4))
    # Two windows open for 提取 now: 3 people × 13 min ÷ 2.
    wait = selectors.wait_for(hd01, W, 3, params=params, now=clock.moment)
    assert wait.minutes == pytest.approx(19.5) and wait.label == "约 15–20 分钟"


def test_a_paused_window_does_not_count_as_open(hd01, clock, teller):
    params = selectors.queue_rules(clock.moment.date()).params
    a, b = teller(hd01, [C]), teller(hd01, [C])
    services.window_sign_in(actor="t", staff=a, window=window(hd01, 1))
    services.window_sign_in(actor="t", staff=b, window=window(hd01, 2))
    assert selectors.window_counts(hd01).serving(C) == 2
    services.window_pause(actor="t", staff=b, window=window(hd01, 2), reason="break")
    assert selectors.window_counts(hd01).serving(C) == 1
    assert selectors.wait_for(hd01, C, 2, params=params, now=clock.moment).minutes == pytest.approx(16)


def test_the_ticket_status_carries_the_estimate(hd01, clock):
    for _ in range(3):
        services.ticket_take(actor="k", branch=hd01, category=C)
    last = services.ticket_take(actor="k", branch=hd01, category=C)
    status = selectors.ticket_status(last)
    # 3 ahead × 8 min ÷ 3 windows configured for 归集 (1, 2, 8)
    assert status["position"] == 3 and status["estimated_wait_minutes"] == 8
    assert status["estimated_wait"] == "约 5–10 分钟" and status["message"] == "前面还有 3 人，请留意叫号。"


# --- Slots ---------------------------------------------------------------------------------------


def test_slots_skip_the_lunch_break_and_end_by_the_day_close():
    slots = day_slots(
        opens_at=time(8, 30),
        closes_at=time(17, 0),
        minutes=30,
        break_starts_at=time(12),
        break_ends_at=time(14, 30),
    )
    assert [s.key for s in slots] == [
        "08:30", "09:00", "09:30", "10:00", "10:30", "11:00", "11:30",
        "14:30", "15:00", "15:30", "16:00", "16:30",
    ]  # fmt: skip
    assert slots[-1].end == time(17, 0)


def test_a_slot_never_crosses_the_break_or_the_day_close():
    slots = day_slots(
        opens_at=time(8, 30),
        closes_at=time(16, 50),
        minutes=45,
        break_starts_at=time(12),
        break_ends_at=time(13),
    )
    assert all(not (s.start < time(13) and s.end > time(12)) for s in slots)
    assert all(s.end <= time(16, 50) for s in slots)


@pytest.mark.parametrize(
    ("note", "lunch"),
    [
        ("法定工作日 上午 8:30–12:00，下午 14:00–17:30", (time(12), time(14))),
        ("上午8:30-12:00 下午14:30-17:30", (time(12), time(14, 30))),
        ("8:30 至 17:30", None),
        ("", None),
    ],
)
def test_the_lunch_break_is_read_from_the_hours_note(note, lunch):
    assert break_from_hours_note(note) == lunch
