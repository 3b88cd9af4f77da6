"""The weekly figures (reports.review.figures) on a small, fully known week."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from reports.review.figures import InvalidWeek, nearest_rank, parse_week, share_text, week_figures
from reports.tests.test_review_helpers import MONDAY, Week

pytestmark = pytest.mark.django_db


@pytest.fixture
def week():
    return Week().build()


def test_it_counts_the_tickets_of_the_branch_and_week_only(week):
    f = week_figures(week.hd, MONDAY)
    assert (f.tickets, f.served, f.no_shows, f.cancelled) == (6, 4, 1, 1)
    assert [(d.taken, d.served, d.no_shows) for d in f.days[:3]] == [(5, 3, 1), (1, 1, 0), (0, 0, 0)]
    assert len(f.days) == 7


def test_it_measures_waits_from_the_first_call_without_no_shows_and_cancelled(week):
    f = week_figures(week.hd, MONDAY)
    assert f.waits_counted == 4
    assert f.wait_avg == Decimal("13.8")  # (5 + 25 + 10 + 15) / 4 = 13.75, half up
    # The statistics' P90 (reports/figures.py): the exact nearest rank is 25.0 minutes, in
    # the bucket [25, 26): "90 % waited less than 26 minutes", as the 运营统计 page says.
    assert nearest_rank([5, 25, 10, 15], 90) == 25
    assert (f.wait_p90, f.wait_p90_text) == (26, "26")
    assert (f.target_minutes, f.target_share_percent) == (20, 80)
    assert f.within_target == 3
    # The no-show was called after 10 minutes and the cancelled ticket left with no time
    # recorded: neither passed the target, so the share is over the counted waits.
    assert (f.past_target, f.target_base) == (0, 4)
    assert f.within_target_share == "75.0%"
    assert f.target_met is False
    assert f.wait_bands == [("0–5", 0), ("5–10", 1), ("10–15", 1), ("15–20", 1), ("20–25", 0), ("≥25", 1)]
    assert f.queue_rules_ref.startswith("product-queue@")


def test_it_counts_appointments_cases_ratings_and_follow_up(week):
    f = week_figures(week.hd, MONDAY)
    assert (f.appointments, f.appointments_checked_in, f.appointments_no_show, f.appointments_cancelled) == (
        3,
        1,
        1,
        1,
    )
    # 爽约率 over the appointments that came due (checked in, late, no-show), as the statistics.
    assert f.appointment_no_show_share == "50.0%"
    assert f.ratings == 3
    assert f.rating_levels == [
        ("非常满意", 1),
        ("满意", 1),
        ("基本满意", 0),
        ("不满意", 0),
        ("非常不满意", 1),
    ]
    assert f.bad_ratings == 1
    assert f.bad_share == "33.3%"
    assert ("已联系，核实整改中", 1) in f.bad_follow_up
    assert sum(n for _, n in f.bad_follow_up) == 1


def test_it_counts_complaints_received_closed_and_open_at_the_end_of_the_week(week):
    f = week_figures(week.hd, MONDAY)
    assert (f.complaints_received, f.complaints_closed, f.complaints_open) == (1, 1, 1)


def test_it_lists_active_violations_and_the_suggestions(week):
    f = week_figures(week.hd, MONDAY)
    assert [v.no for v in f.violations] == ["WG-0"]
    assert f.violation_amount == 50
    assert [s.source for s in f.suggestions] == ["评价意见", "评价意见"]
    grouped = f.grouped_suggestions
    assert [(source, n) for source, _, n, _ in grouped] == [("评价意见", 1), ("评价意见", 1)]
    assert "服务很好，建议增加休息座椅。电话138****1234" in [text for _, text, _, _ in grouped]
    staff_view = week_figures(week.hd, MONDAY, include_complaint_text=True)
    assert "建议增开窗口" in [s.text for s in staff_view.suggestions]


def test_an_empty_week_has_zero_counts_and_no_rates():
    week = Week()
    f = week_figures(week.wa, MONDAY - timedelta(weeks=10))
    assert f.tickets == 0
    assert f.wait_avg is None
    assert f.within_target_share == "—"
    assert f.target_met is None


def test_the_nearest_rank_percentile_and_shares():
    assert nearest_rank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9
    assert nearest_rank([7], 90) == 7
    assert nearest_rank([], 90) is None
    assert share_text(2, 3) == "66.7%"
    assert share_text(0, 0) == "—"


def test_a_week_key_is_an_iso_week():
    assert parse_week("2026-W12") == MONDAY
    assert parse_week("2026-w1").isoformat() == "2025-12-29"
    with pytest.raises(InvalidWeek):
        parse_week("2026-12")
    with pytest.raises(InvalidWeek):
        parse_week("2026-W54")
