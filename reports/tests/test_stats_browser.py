"""The statistics pages in Chromium: the charts render (a canvas of non-zero size), the
filters work, and the page fits a phone. Screenshots: var/screenshots/reports_stats_*.png."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest

from common import clock
from org.models import Branch, Centre, Role, Window
from queueing.models import TicketStatus
from reports.stats.testing import make_ticket, window_day

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def history(reference_data, make_user):
    """Three weeks of a small hall: two windows, two tellers, a morning peak."""
    rng = random.Random(9)
    centre = Centre.objects.create(code="HDB", name="测试中心")
    branch = Branch.objects.create(centre=centre, code="HDB1", name="中心服务大厅")
    windows = [
        Window.objects.create(branch=branch, number=n, categories=["withdrawal", "loan"]) for n in (1, 2)
    ]
    staff = [make_user(Role.TELLER, branch=branch).staff for _ in windows]
    today = clock.today()
    for back in range(21, -1, -1):
        day = today - timedelta(days=back)
        if day.weekday() >= 5:
            continue
        for w, s in zip(windows, staff, strict=True):
            window_day(
                window=w, staff=s, day=day, sign_in=(8, 30), sign_out=(17, 30), pauses=[((10, 30), (10, 45))]
            )
        for _ in range(40):
            hour = rng.choice([9, 9, 9, 10, 10, 11, 14, 14, 15, 16])
            i = rng.randrange(2)
            status = TicketStatus.NO_SHOW if rng.random() < 0.05 else TicketStatus.DONE
            ticket = make_ticket(
                branch=branch,
                day=day,
                taken=(hour, rng.randrange(60)),
                category=rng.choice(["withdrawal", "loan"]),
                status=status,
                wait_minutes=rng.expovariate(1 / 12),
                service_minutes=rng.uniform(3, 20),
                window=windows[i],
                staff=staff[i],
            )
            if status == TicketStatus.DONE and rng.random() < 0.7:
                level = rng.choices([5, 4, 3, 2, 1], weights=[80, 12, 4, 2, 2])[0]
                _rate(ticket, level)
    return branch


def _rate(ticket, level: int) -> None:
    import uuid

    from ratings.models import Rating, RatingToken

    moment = ticket.finished_at
    token = RatingToken.objects.create(
        token=uuid.uuid4().hex,
        channel="counter",
        service_kind="visit",
        ticket=ticket,
        branch=ticket.branch,
        window=ticket.window,
        created_at=moment,
        expires_at=moment + timedelta(hours=1),
    )
    Rating.objects.create(
        service_kind="visit",
        ticket=ticket,
        token=token,
        channel="counter",
        level=level,
        level_label=str(level),
        is_bad=level <= 2,
        rater_type="person",
        branch=ticket.branch,
        window=ticket.window,
        staff=ticket.staff,
        category=ticket.category,
        service_number=ticket.display_number,
        rated_at=moment,
        rated_on=ticket.service_date,
        rules_ref="test",
    )


def _canvas_sizes(page) -> list[tuple[int, int]]:
    return page.eval_on_selector_all(".chart canvas", "els => els.map(c => [c.width, c.height])")


def test_the_queue_statistics_page_draws_its_charts_and_filters_by_period(page, login, history, make_user):
    SHOTS.mkdir(parents=True, exist_ok=True)
    login(make_user(Role.OFFICE))
    page.goto(page.base_url + "/stats/?period=this_month")
    page.wait_for_selector("#chart-queue_heatmap canvas")
    sizes = _canvas_sizes(page)
    assert len(sizes) == 3 and all(w > 100 and h > 100 for w, h in sizes)
    assert page.inner_text("#kpi-taken .num") != "0"
    page.screenshot(path=str(SHOTS / "reports_stats_queue.png"), full_page=True)

    page.click("button[name=period][value=last_week]")
    page.wait_for_url("**period=last_week**")
    page.wait_for_selector("#chart-queue_trend canvas")
    assert "上周" in page.inner_text("h1")
    assert page.locator("#table-windows tbody tr").count() == 2

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + "/stats/?period=this_month")
    page.wait_for_selector("#chart-queue_heatmap canvas")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, "the page must not scroll sideways on a phone"
    page.screenshot(path=str(SHOTS / "reports_stats_queue_phone.png"), full_page=True)


def test_the_rating_statistics_page_draws_its_charts(page, login, history, make_user):
    login(make_user(Role.HEAD, branch=history))
    page.goto(page.base_url + "/stats/ratings/?period=this_month")
    page.wait_for_selector("#chart-rating_levels canvas")
    assert all(w > 100 and h > 100 for w, h in _canvas_sizes(page))
    page.screenshot(path=str(SHOTS / "reports_stats_ratings.png"), full_page=True)
