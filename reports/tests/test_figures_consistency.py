"""One definition per figure (issue 14.6): on a simulated history, every screen and export
shows the same value for the same figure, and every total reconciles.

The history is generated once for the module through the services (`manage.py simulate`,
inside a transaction rolled back at the end): two weeks of the demo centre, 2–15 November
2026, rolled up by the nightly job as in production, and then a morning of live business
on Monday 16 November (today) with people still waiting past the target. For several
periods (a past week, the other past week, the month so far with today live, today) and
branches (the central hall, a county hall, the whole centre) the test reads:

* the 运营统计 pages (HTML), their Excel workbooks and the statistics API;
* the weekly review page (每周工作总结) and its PDF;
* the live dashboard page and its API (today);
* the staffing advice (the share reached);

and checks each figure against the others and against an independent count over the raw
ticket, case, appointment, rating and complaint rows (docs/reports.md defines each)."""

from __future__ import annotations

import io
import math
import re
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction

from reports.figures import (
    COMPLETED,
    REJECTED,
    UNFINISHED,
    WITHDRAWN,
    half_up,
    minutes_text,
    p90_text,
    percent_text,
    ratio,
)
from reports.stats.filters import StatsFilter
from reports.stats.selectors import queue_figures

SHANGHAI = ZoneInfo("Asia/Shanghai")
START, END = date(2026, 11, 2), date(2026, 11, 15)  # two whole ISO weeks (W45, W46)
TODAY = date(2026, 11, 16)  # a Monday
NOW = datetime.combine(TODAY, time(10, 30), tzinfo=SHANGHAI)
SEED, VOLUME = 14, 0.3
WEEKS = {
    "2026-W45": (date(2026, 11, 2), date(2026, 11, 8)),
    "2026-W46": (date(2026, 11, 9), date(2026, 11, 15)),
}
PERIODS = [
    (date(2026, 11, 2), date(2026, 11, 8)),  # a past week: stored days only
    (date(2026, 11, 9), date(2026, 11, 15)),
    (date(2026, 11, 1), TODAY),  # the month so far: stored days and today live
    (TODAY, TODAY),  # today: what the dashboard shows
]


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=SHANGHAI)


def _live_morning() -> None:
    """Monday's morning through the services: HD01 window 1 (归集) calls three of its four
    people; one 提取 ticket finds no open window; WA01 calls one of two."""
    from common.testing import FrozenClock
    from org.models import Branch, Category, Staff, Window
    from queueing import services as queue

    hd01, wa01 = Branch.objects.get(code="HD01"), Branch.objects.get(code="WA01")
    t1 = Staff.objects.select_related("user").get(user__username="teller1")
    t3 = Staff.objects.select_related("user").get(user__username="teller3")
    w1, wa1 = Window.objects.get(branch=hd01, number=1), Window.objects.get(branch=wa01, number=1)
    steps: list[tuple[int, int, Any]] = [
        (8, 40, lambda: queue.window_sign_in(actor=t1.user, staff=t1, window=w1)),
        (8, 41, lambda: queue.window_sign_in(actor=t3.user, staff=t3, window=wa1)),
        (9, 0, lambda: queue.ticket_take(actor="kiosk:test", branch=hd01, category=Category.COLLECTION)),
        (9, 0, lambda: queue.ticket_take(actor="kiosk:test", branch=hd01, category=Category.COLLECTION)),
        (9, 1, lambda: queue.ticket_take(actor="kiosk:test", branch=hd01, category=Category.COLLECTION)),
        (9, 1, lambda: queue.ticket_take(actor="kiosk:test", branch=hd01, category=Category.WITHDRAWAL)),
        (9, 5, lambda: queue.ticket_call_next(actor=t1.user, staff=t1, window=w1)),
        (9, 10, lambda: queue.ticket_take(actor="kiosk:test", branch=wa01, category=Category.COLLECTION)),
        (9, 10, lambda: queue.ticket_take(actor="kiosk:test", branch=wa01, category=Category.COLLECTION)),
        (9, 12, lambda: queue.ticket_complete(actor=t1.user, staff=t1, window=w1)),
        (9, 12, lambda: queue.ticket_call_next(actor=t1.user, staff=t1, window=w1)),
        (9, 15, lambda: queue.ticket_call_next(actor=t3.user, staff=t3, window=wa1)),
        (9, 25, lambda: queue.ticket_complete(actor=t3.user, staff=t3, window=wa1)),
        (9, 30, lambda: queue.ticket_complete(actor=t1.user, staff=t1, window=w1)),
        (9, 31, lambda: queue.ticket_call_next(actor=t1.user, staff=t1, window=w1)),
    ]
    moving = FrozenClock(at(TODAY, 8, 0))
    try:
        for hh, mm, step in steps:
            moving.move_to(at(TODAY, hh, mm))
            step()
    finally:
        moving.stop()


@pytest.fixture(scope="module")
def history(django_db_setup, django_db_blocker):
    from common.testing import FrozenClock
    from org.demo import seed_demo
    from workdays.calendar import calendar_invalidate

    with django_db_blocker.unblock(), transaction.atomic():
        frozen = FrozenClock(at(TODAY, 7, 0))
        try:
            seed_demo()
            calendar_invalidate()
            out = io.StringIO()
            call_command(
                "simulate", start=START.isoformat(), end=END.isoformat(), seed=SEED, volume=VOLUME, stdout=out
            )
            assert "统计汇总（reports_rollup）14 天" in out.getvalue(), out.getvalue()
        finally:
            frozen.stop()
        _live_morning()
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _at_now(history, frozen_clock):
    frozen_clock.move_to(NOW)


pytestmark = pytest.mark.django_db


# --- reading the screens -------------------------------------------------------------


@pytest.fixture
def office(client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="office1"))
    return client


def fig_branch(code: str):  # type: ignore[no-untyped-def]
    from org.models import Branch

    return Branch.objects.get(code=code)


def branch_id(code: str | None) -> int | None:
    from org.models import Branch

    return None if code is None else Branch.objects.get(code=code).pk


def _query(start: date, end: date, code: str | None) -> dict[str, str]:
    params = {"start": start.isoformat(), "end": end.isoformat()}
    if code:
        params["branch"] = str(branch_id(code))
    return params


def stats_page(client, section: str, start: date, end: date, code: str | None) -> dict[str, Any]:
    """{kpi key: (value, text)} of a statistics page, with its section."""
    url = "/stats/" if section == "queue" else f"/stats/{section}/"
    response = client.get(url, _query(start, end, code))
    assert response.status_code == 200
    return {
        "kpis": {k["k"].key: (k["k"].value, k["text"]) for k in response.context["kpis"]},
        "s": response.context["s"],
    }


def stats_workbook(client, section: str, start: date, end: date, code: str | None) -> dict[str, Any]:
    """{kpi label: value} of the workbook's 概况 sheet, and its other sheets as lists of rows."""
    from openpyxl import load_workbook

    url = "/stats/" if section == "queue" else f"/stats/{section}/"
    response = client.get(url, {**_query(start, end, code), "format": "xlsx"})
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    summary = {row[0]: row[1] for row in wb["概况"].iter_rows(values_only=True) if row and row[0]}
    sheets = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets[1:]}
    return {"summary": summary, "sheets": sheets}


def stats_api(client, section: str, start: date, end: date, code: str | None) -> dict[str, Any]:
    response = client.get(f"/api/v1/stats/{section}", _query(start, end, code))
    assert response.status_code == 200, response.content
    body = response.json()
    return {"figures": {f["key"]: f["value"] for f in body["figures"]}, "body": body}


# --- an independent count over the raw rows -----------------------------------------


def raw_queue(start: date, end: date, code: str | None, now: datetime) -> dict[str, Any]:
    """The queue figures counted ticket by ticket from the rows, by docs/reports.md."""
    from queueing.models import Ticket, TicketEvent
    from rules.selectors import rules_in_force

    tickets = Ticket.objects.filter(service_date__range=(start, end))
    if code:
        tickets = tickets.filter(branch__code=code)
    first_calls: dict[int, datetime] = {}
    for ticket_id, moment in (
        TicketEvent.objects.filter(ticket__in=tickets, action="call")
        .order_by("at")
        .values_list("ticket_id", "at")
    ):
        first_calls.setdefault(ticket_id, moment)
    out = dict.fromkeys(
        (
            "taken",
            "called",
            "served",
            "no_show",
            "cancelled",
            "in_line",
            "wait_n",
            "within",
            "past",
            "wait_s",
        ),
        0,
    )
    waits: list[float] = []
    for t in tickets:
        target = rules_in_force("queue", t.service_date).params.wait_target_minutes * 60
        first = first_calls.get(t.pk, t.called_at)
        out["taken"] += 1
        out["called"] += t.status in ("called", "serving", "done", "no_show")
        out["served"] += t.status == "done"
        out["no_show"] += t.status == "no_show"
        out["cancelled"] += t.status == "cancelled"
        out["in_line"] += t.status in ("waiting", "transferred")
        if first is not None and t.status not in ("no_show", "cancelled"):
            wait = max(0.0, (first - t.taken_at).total_seconds())
            waits.append(wait)
            out["wait_n"] += 1
            out["wait_s"] += round(wait)
            out["within"] += wait <= target
        else:
            until = first or t.finished_at or (now if t.status in ("waiting", "transferred") else None)
            if until is not None and (until - t.taken_at).total_seconds() > target:
                out["past"] += 1
    waits.sort()
    out["p90_exact_minutes"] = waits[max(0, math.ceil(0.9 * len(waits)) - 1)] / 60 if waits else None
    return out


def raw_cases(start: date, end: date, code: str | None) -> dict[str, dict[str, int]]:
    from cases.models import Case

    cases = Case.objects.filter(received_on__range=(start, end))
    if code:
        cases = cases.filter(branch__code=code)
    out: dict[str, dict[str, int]] = {}
    for handling_type, status, overdue in cases.values_list("handling_type", "status", "overdue"):
        for key in (handling_type, "total"):
            row = out.setdefault(
                key, dict.fromkeys(("received", "completed", "overdue", "open", "rejected", "withdrawn"), 0)
            )
            row["received"] += 1
            row["completed"] += status in COMPLETED
            row["overdue"] += status in COMPLETED and overdue
            row["open"] += status in UNFINISHED
            row["rejected"] += status in REJECTED
            row["withdrawn"] += status in WITHDRAWN
    return out


# --- the tests ---------------------------------------------------------------------------

BRANCHES = ["HD01", "WA01", None]


def test_the_history_has_business_to_compare(history):
    from cases.models import Case
    from complaints.models import Complaint
    from queueing.models import Ticket
    from ratings.models import Rating

    assert Ticket.objects.filter(service_date__range=(START, END)).count() > 200
    assert Ticket.objects.filter(service_date=TODAY, status="waiting").count() >= 2
    assert Case.objects.count() > 20 and Rating.objects.count() > 20
    assert Complaint.objects.exists()


@pytest.mark.parametrize("code", BRANCHES)
@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_the_queue_figures_agree_on_the_page_the_workbook_the_api_and_the_rows(office, start, end, code):
    raw = raw_queue(start, end, code, NOW)
    page = stats_page(office, "queue", start, end, code)
    book = stats_workbook(office, "queue", start, end, code)
    api = stats_api(office, "queue", start, end, code)
    kpis, sources = page["kpis"], page["s"].sources
    target = sources["target_minutes"]

    # Counts: the rows, the page, the workbook and the API.
    for key, label, expected in (
        ("taken", "取号", raw["taken"]),
        ("served", "办结", raw["served"]),
        ("no_show", "过号", raw["no_show"]),
        ("cancelled", "取消（未叫号离开）", raw["cancelled"]),
    ):
        assert kpis[key][0] == expected == book["summary"][label] == api["figures"][key], key
    assert (sources["wait_n"], sources["within_target"], sources["past_target"]) == (
        raw["wait_n"],
        raw["within"],
        raw["past"],
    )
    # Totals reconcile: every ticket taken was called, left uncalled, or is still in line.
    assert raw["taken"] == raw["called"] + raw["cancelled"] + raw["in_line"]

    # The average wait: the same number everywhere, shown the same way.
    average = raw["wait_s"] / raw["wait_n"] / 60 if raw["wait_n"] else None
    assert (
        kpis["avg_wait"][0] == pytest.approx(average) if average is not None else kpis["avg_wait"][0] is None
    )
    assert kpis["avg_wait"][1] == minutes_text(average)
    assert book["summary"]["平均等候"] == pytest.approx(kpis["avg_wait"][0])
    assert api["figures"]["avg_wait"] == (None if average is None else pytest.approx(average, abs=1e-4))

    # The share within the target counts the people who passed it uncalled.
    share = raw["within"] / (raw["wait_n"] + raw["past"]) if raw["wait_n"] + raw["past"] else None
    assert kpis["within_share"][0] == (None if share is None else pytest.approx(share))
    assert kpis["within_share"][1] == percent_text(share)
    assert book["summary"][f"{target} 分钟内叫号"] == kpis["within_share"][0]
    assert api["figures"]["within_share"] == (None if share is None else pytest.approx(share, abs=1e-4))

    # P90 from the minute buckets: exact to the bucket width, the same on every screen.
    p90 = sources["p90_wait"]
    assert api["body"]["sources"]["p90_wait"] == p90
    if raw["p90_exact_minutes"] is not None:
        assert p90 - 1 <= raw["p90_exact_minutes"] < p90
        assert f"90% 在 {p90_text(p90)} 分钟内叫号" == next(
            k.note for k in page["s"].kpis if k.key == "avg_wait"
        )

    # The daily table adds up to the totals, in the page and in the workbook.
    days = next(t for t in page["s"].tables if t.key == "days")
    assert sum(r[2] for r in days.rows) == raw["taken"]
    sheet = book["sheets"]["每日"]
    assert sum(r[2] for r in sheet[1:] if isinstance(r[2], int)) == raw["taken"]


@pytest.mark.parametrize("code", BRANCHES)
@pytest.mark.parametrize(("start", "end"), PERIODS[:3])
def test_the_case_totals_reconcile_for_every_handling_type(office, start, end, code):
    from catalog.models import HandlingType

    raw = raw_cases(start, end, code)
    page = stats_page(office, "cases", start, end, code)
    api = stats_api(office, "cases", start, end, code)
    book = stats_workbook(office, "cases", start, end, code)
    by_type = next(t for t in page["s"].tables if t.key == "by_type").as_dicts()
    for row in by_type:
        key = next(v for v, label in HandlingType.choices if label == row["type"])
        # received = completed + unfinished + rejected + withdrawn; 超时办结 only completed.
        assert row["received"] == row["completed"] + row["open"] + row["rejected"] + row["withdrawn"], row
        assert row["completed"] == row["on_time"] + row["overdue"], row
        assert {k: row[k] for k in raw[key]} == raw[key], row
    total = raw.get(
        "total", dict.fromkeys(("received", "completed", "overdue", "open", "rejected", "withdrawn"), 0)
    )
    kpis = page["kpis"]
    for key, label in (
        ("received", "收件"),
        ("completed", "办结"),
        ("overdue", "超时办结"),
        ("open", "未办结"),
        ("rejected", "不予受理"),
        ("withdrawn", "撤回"),
    ):
        assert kpis[key][0] == total[key] == api["figures"][key] == book["summary"][label], key
    assert sum(r["received"] for r in by_type) == total["received"]
    api_rows = next(t for t in api["body"]["tables"] if t["key"] == "by_type")["rows"]
    assert [r["received"] for r in api_rows] == [r["received"] for r in by_type]


@pytest.mark.parametrize("code", ["HD01", "WA01"])
@pytest.mark.parametrize("week", sorted(WEEKS))
def test_the_weekly_review_shows_the_statistics_of_its_week(office, week, code):
    from reports.review.views import weekly_review_page  # noqa: F401 — the page under test
    from reports.tests.test_review_helpers import pdf_text

    start, end = WEEKS[week]
    response = office.get("/reports/weekly/", {"branch": code, "week": week})
    assert response.status_code == 200
    f = response.context["f"]
    html = response.content.decode()
    queue = stats_page(office, "queue", start, end, code)
    kpis, sources = queue["kpis"], queue["s"].sources
    raw = raw_queue(start, end, code, NOW)

    assert (f.tickets, f.served, f.no_shows, f.cancelled) == (
        kpis["taken"][0],
        kpis["served"][0],
        kpis["no_show"][0],
        kpis["cancelled"][0],
    )
    assert (f.waits_counted, f.within_target, f.past_target) == (raw["wait_n"], raw["within"], raw["past"])
    assert f.wait_avg == (None if kpis["avg_wait"][0] is None else half_up(kpis["avg_wait"][0]))
    assert str(f.wait_avg if f.wait_avg is not None else "—") == kpis["avg_wait"][1]
    assert f.wait_p90 == sources["p90_wait"]
    assert f.within_target_share == kpis["within_share"][1]
    assert f'id="fig-target">{kpis["within_share"][1]}<' in html
    assert f.target_met == sources["target_met"]
    assert f.no_show_share == percent_text(ratio(raw["no_show"], raw["called"]))
    days = next(t for t in queue["s"].tables if t.key == "days").rows
    assert {d.day: (d.taken, d.served, d.no_shows) for d in f.days if d.taken} == {
        r[0]: (r[2], r[4], r[5]) for r in days
    }

    appointments = stats_page(office, "appointments", start, end, code)["kpis"]
    assert f.appointments == appointments["booked"][0]
    assert f.appointment_no_show_share == appointments["no_show_rate"][1]

    cases = stats_page(office, "cases", start, end, code)["kpis"]
    for key in ("received", "completed", "overdue", "open", "rejected", "withdrawn"):
        assert f.cases[key] == cases[key][0], key
    assert f.cases.reconciles

    ratings = stats_page(office, "ratings", start, end, code)["kpis"]
    assert (f.ratings, f.bad_ratings, f.bad_share) == (
        ratings["ratings"][0],
        ratings["bad"][0],
        ratings["bad_share"][1],
    )
    assert sum(n for _, n in f.rating_levels) == f.ratings

    complaints = stats_page(office, "complaints", start, end, code)["kpis"]
    assert f.complaints_received == complaints["received"][0]

    pdf = office.get(f"/reports/weekly/{code}/{week}.pdf")
    assert pdf.status_code == 200
    text = re.sub(r"\s+", "", pdf_text(pdf.content))
    assert f"{f.within_target}/{f.target_base}={f.within_target_share}" in text
    assert f.within_target_share in text and (f.wait_avg is None or f"{f.wait_avg}分钟" in text)


@pytest.mark.parametrize("code", ["HD01", "WA01"])
def test_the_dashboard_shows_todays_statistics(office, code):
    raw = raw_queue(TODAY, TODAY, code, NOW)
    dash = office.get(f"/api/v1/dashboard/{code}").json()["branches"][0]
    page = office.get(f"/dashboard/{code}/")
    fig = page.context["dash"].branches[0]
    stats = stats_page(office, "queue", TODAY, TODAY, code)["kpis"]
    api = stats_api(office, "queue", TODAY, TODAY, code)["figures"]

    assert (dash["taken"], dash["served"], dash["no_show"]) == (raw["taken"], raw["served"], raw["no_show"])
    assert (dash["taken"], dash["served"], dash["no_show"]) == (
        stats["taken"][0],
        stats["served"][0],
        stats["no_show"][0],
    )
    assert (dash["within_target"], dash["past_target"]) == (raw["within"], raw["past"])
    # People still waiting past the target count against the share (A001 waited 510 minutes…).
    assert raw["past"] >= 1 and dash["within_target_percent"] < 100
    assert f"{dash['within_target_percent']:.1f}%" == stats["within_share"][1]
    assert api["within_share"] == pytest.approx(stats["within_share"][0], abs=1e-4)
    assert str(dash["average_wait_minutes"]) == stats["avg_wait"][1]
    # The same computation: every measure but the transfers, which the dashboard does not read.
    same = queue_figures(StatsFilter(start=TODAY, end=TODAY, today=TODAY, branch=fig_branch(code)))
    assert {k: v for k, v in fig.queue.values.items() if k != "transferred"} == {
        k: v for k, v in same.values.items() if k != "transferred"
    }
    content = page.content.decode()
    assert f"{dash['within_target_percent']:.1f}%" in content


def test_the_centre_dashboard_adds_up_the_branches_as_the_statistics_do(office):
    body = office.get("/api/v1/dashboard").json()
    stats = stats_page(office, "queue", TODAY, TODAY, None)["kpis"]
    totals = body["totals"]
    assert totals["taken"] == sum(b["taken"] for b in body["branches"]) == stats["taken"][0]
    assert f"{totals['within_target_percent']:.1f}%" == stats["within_share"][1]
    assert str(totals["average_wait_minutes"]) == stats["avg_wait"][1]


@pytest.mark.parametrize("code", BRANCHES)
@pytest.mark.parametrize(("start", "end"), PERIODS[:3])
def test_ratings_appointments_and_complaints_agree_and_add_up(office, start, end, code):
    ratings = stats_page(office, "ratings", start, end, code)
    levels = next(t for t in ratings["s"].tables if t.key == "levels").rows
    assert sum(r[1] for r in levels) == ratings["kpis"]["ratings"][0]
    api = stats_api(office, "ratings", start, end, code)["figures"]
    book = stats_workbook(office, "ratings", start, end, code)["summary"]
    assert api["bad"] == ratings["kpis"]["bad"][0] == book["差评"]
    assert api["bad_share"] == (
        None
        if ratings["kpis"]["bad_share"][0] is None
        else pytest.approx(ratings["kpis"]["bad_share"][0], abs=1e-4)
    )

    appointments = stats_page(office, "appointments", start, end, code)
    k = appointments["kpis"]
    assert (
        k["booked"][0]
        == k["checked_in"][0] + k["late"][0] + k["cancelled"][0] + k["no_show"][0] + k["open"][0]
    )
    assert stats_api(office, "appointments", start, end, code)["figures"]["no_show"] == k["no_show"][0]

    complaints = stats_page(office, "complaints", start, end, code)
    by_class = next(t for t in complaints["s"].tables if t.key == "by_class").rows
    assert sum(r[1] for r in by_class) == complaints["kpis"]["received"][0]
    assert (
        stats_workbook(office, "complaints", start, end, code)["summary"]["收到投诉"]
        == complaints["kpis"]["received"][0]
    )


@pytest.mark.parametrize("code", ["HD01", "WA01"])
def test_the_staffing_advice_reports_the_share_the_statistics_show(office, code):
    from org.models import Branch
    from reports.dashboard import staffing

    advice = staffing.staffing_advice(branch=Branch.objects.get(code=code), weeks=2, end=TODAY)
    stats = stats_page(office, "queue", START, END, code)["kpis"]
    assert advice.reached_text == stats["within_share"][1]
    response = office.get("/reports/staffing/", {"branch": code, "weeks": "4", "end": TODAY.isoformat()})
    assert response.status_code == 200
    assert (
        response.context["advice"].reached_text
        == stats_page(office, "queue", TODAY - timedelta(weeks=4), END, code)["kpis"]["within_share"][1]
    )
