"""Staffing advice (窗口配置建议) on a synthetic history with a known answer, and the
page's access by role and branch."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from org.models import Branch, Category, Window
from queueing.models import Queue, Ticket, TicketStatus, WindowEvent, WindowStatus
from reports.dashboard import erlang, staffing
from reports.tests.test_dashboard_support import (
    MONDAY,
    SHANGHAI,
    at,
    demo,  # noqa: F401 — fixture
    install_clock,
)

END = MONDAY  # exclusive: the two weeks before it
MONDAYS = (date(2026, 11, 9), date(2026, 11, 16))
TUESDAY = date(2026, 11, 10)


def moment(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def tickets(
    branch: Branch, day: date, category: str, *, hour: int, count: int, service_minutes: int, first: int = 1
):
    """`count` tickets taken during `hour`, each served `service_minutes` in that hour."""
    queue = Queue.objects.get(branch=branch, category=category)
    rows = []
    for i in range(count):
        taken = moment(day, hour, (i * 60) // count)
        started = taken + timedelta(minutes=1)
        rows.append(
            Ticket(
                branch=branch,
                queue=queue,
                service_date=day,
                number=first + i,
                display_number=f"{queue.letter}{first + i:03d}",
                category=category,
                source="kiosk",
                status=TicketStatus.DONE,
                token=Ticket.new_token(),
                taken_at=taken,
                taken_by="kiosk:test",
                queued_at=taken,
                called_at=taken + timedelta(seconds=30),
                started_at=started,
                finished_at=started + timedelta(minutes=service_minutes),
            )
        )
    Ticket.objects.bulk_create(rows)


def window_events(window: Window, day: date, changes: list[tuple[int, int, str]]) -> None:
    previous: str = WindowStatus.CLOSED
    rows = []
    for hour, minute, to_status in changes:
        rows.append(
            WindowEvent(
                window=window,
                action="sign_in",
                from_status=previous,
                to_status=to_status,
                at=moment(day, hour, minute),
                actor_label="test",
            )
        )
        previous = to_status
    WindowEvent.objects.bulk_create(rows)


@pytest.fixture
def history(demo, monkeypatch):  # noqa: F811
    """HD01, two Mondays: 提取 at 09:00–10:00 (16 then 24 tickets, 6 minutes each: 20 an
    hour, 2 Erlangs) and 贷款 at 10:00–11:00 (10 tickets, 12 minutes: 2 Erlangs); one
    Tuesday with 5 归集 tickets at 14:00. Window 3 open 08:30–12:00 except a pause
    10:00–10:30; window 6 open 10:00–11:00. WA01 has tickets the advice must ignore."""
    install_clock(monkeypatch, at(9, 0))
    hd01 = Branch.objects.get(code="HD01")
    wa01 = Branch.objects.get(code="WA01")
    w3 = Window.objects.get(branch=hd01, number=3)
    w6 = Window.objects.get(branch=hd01, number=6)
    for day, withdrawals in zip(MONDAYS, (16, 24), strict=True):
        tickets(hd01, day, Category.WITHDRAWAL, hour=9, count=withdrawals, service_minutes=6)
        tickets(hd01, day, Category.LOAN, hour=10, count=10, service_minutes=12)
        window_events(
            w3,
            day,
            [
                (8, 30, WindowStatus.OPEN),
                (10, 0, WindowStatus.PAUSED),
                (10, 30, WindowStatus.OPEN),
                (12, 0, "closed"),
            ],
        )
        window_events(w6, day, [(10, 0, WindowStatus.OPEN), (11, 0, WindowStatus.CLOSED)])
        tickets(wa01, day, Category.WITHDRAWAL, hour=9, count=50, service_minutes=30)
    tickets(hd01, TUESDAY, Category.COLLECTION, hour=14, count=5, service_minutes=6)
    return hd01


def hour_of(advice: staffing.StaffingAdvice, weekday: int, hour: int) -> staffing.HourAdvice:
    day = next(w for w in advice.weekdays if w.weekday == weekday)
    return next(h for h in day.hours if h.hour == hour)


def test_it_averages_arrivals_over_the_days_of_each_weekday(history):
    advice = staffing.staffing_advice(branch=history, weeks=2, end=END)
    assert [(w.weekday, w.days) for w in advice.weekdays] == [(1, 2), (2, 1)]
    assert hour_of(advice, 1, 9).arrivals == pytest.approx(20.0)
    assert hour_of(advice, 1, 10).arrivals == pytest.approx(10.0)
    assert hour_of(advice, 2, 14).arrivals == pytest.approx(5.0)


def test_it_takes_the_service_time_from_start_to_finish(history):
    advice = staffing.staffing_advice(branch=history, weeks=2, end=END)
    assert hour_of(advice, 1, 9).mean_service_minutes == pytest.approx(6.0)
    assert hour_of(advice, 1, 10).mean_service_minutes == pytest.approx(12.0)
    assert hour_of(advice, 1, 9).traffic == pytest.approx(2.0)


def test_it_recommends_the_windows_erlang_c_needs_for_the_rule_sets_target(history):
    advice = staffing.staffing_advice(branch=history, weeks=2, end=END)
    assert (advice.target_minutes, advice.target_share_percent) == (20, 80)
    # 2 Erlangs, 20-minute target, 80 %: two windows would keep up only just (C = 1 at N = A),
    # three call 98 % within 20 minutes of a 6-minute service.
    nine = hour_of(advice, 1, 9)
    assert nine.recommended == 3 and nine.pooled == 3
    expected = erlang.servers_needed(2.0, target_wait=20, target_share=0.8, mean_service=6.0)
    assert expected.servers == 3 and expected.service_level == pytest.approx(0.984, abs=0.001)
    assert hour_of(advice, 1, 10).recommended == 3
    assert hour_of(advice, 1, 11).recommended == 0


def test_pooling_the_categories_needs_fewer_windows_than_separate_queues(history):
    for day in MONDAYS:
        tickets(history, day, Category.COLLECTION, hour=9, count=4, service_minutes=6)
    separate = hour_of(staffing.staffing_advice(branch=history, weeks=2, end=END), 1, 9)
    # 提取 2 Erlangs → 3 windows; 归集 0.4 Erlang → 1 window: four when each has its own.
    assert [(c.label, c.recommended) for c in separate.categories] == [("归集", 1), ("提取", 3)]
    assert separate.recommended == separate.by_category == 4
    # One queue of 2.4 Erlangs with a mean service of 6 minutes: three windows call 91 % in time.
    expected = erlang.servers_needed(2.4, target_wait=20, target_share=0.8, mean_service=6.0).servers
    assert separate.pooled == expected < 4
    pooled = hour_of(staffing.staffing_advice(branch=history, weeks=2, end=END, model="pooled"), 1, 9)
    assert pooled.recommended == expected
    assert pooled.gap == pytest.approx(1.0 - expected)


def test_it_compares_with_the_windows_that_were_actually_open(history):
    advice = staffing.staffing_advice(branch=history, weeks=2, end=END)
    assert hour_of(advice, 1, 8).open_windows == pytest.approx(0.5)  # window 3 from 08:30
    assert hour_of(advice, 1, 9).open_windows == pytest.approx(1.0)
    assert hour_of(advice, 1, 10).open_windows == pytest.approx(1.5)  # 3: half (paused), 6: whole
    assert hour_of(advice, 1, 11).open_windows == pytest.approx(1.0)
    assert hour_of(advice, 1, 12).open_windows == pytest.approx(0.0)
    nine = hour_of(advice, 1, 9)
    assert nine.gap == pytest.approx(-2.0) and nine.below_model
    # With one window open for 2 Erlangs the model's queue grows without bound: nobody within target.
    assert nine.open_service_level == 0.0
    # But every ticket of the history was called within 30 seconds: the hall reached its
    # target in that hour, so it is not shown as short of windows (issue 14.10).
    assert (nine.reached, nine.reached_base, nine.met) == (1.0, 40, True)
    assert not nine.short and nine.met_below_model
    assert advice.weekdays[0].short_hours == 0


def test_an_hour_below_the_model_that_missed_the_target_is_short(history):
    from django.db.models import F

    # The 提取 tickets of 09:00 called 30 minutes after they were taken: past the 20-minute target.
    Ticket.objects.filter(branch=history, category=Category.WITHDRAWAL).update(
        called_at=F("taken_at") + timedelta(minutes=30)
    )
    advice = staffing.staffing_advice(branch=history, weeks=2, end=END)
    nine = hour_of(advice, 1, 9)
    assert (nine.reached, nine.met) == (0.0, False)
    assert nine.short and not nine.met_below_model
    assert hour_of(advice, 1, 10).met is True  # the 贷款 hour was called at once
    assert advice.weekdays[0].short_hours == 1
    assert advice.reached["within_target"] == 20 + 5  # 贷款 of both Mondays and the Tuesday's 归集
    assert advice.reached_met is False


def test_the_advice_shows_the_share_the_statistics_show_for_the_same_days(history):
    from reports.stats.filters import StatsFilter
    from reports.stats.selectors import queue_figures

    advice = staffing.staffing_advice(branch=history, weeks=2, end=END)
    stats = queue_figures(
        StatsFilter(start=advice.start, end=advice.last_day, today=date(2026, 11, 23), branch=history)
    )
    assert advice.reached.values == stats.values
    assert advice.reached_text == "100.0%"


def test_a_hall_whose_windows_mostly_serve_every_category_is_modelled_as_one_queue(history):
    # WA01: window 1 serves everything, window 2 归集 and 提取, window 3 贷款 only.
    wa01 = Branch.objects.get(code="WA01")
    assert staffing.hall_model(wa01) == (
        staffing.MODEL_POOLED,
        "本大厅 3 个窗口中 2 个办理多类业务，按“综合柜员合并排队”计算",
    )
    advice = staffing.staffing_advice(branch=wa01, weeks=2, end=END)
    assert advice.effective_model == staffing.MODEL_POOLED
    nine = hour_of(advice, 1, 9)
    assert nine.recommended == nine.pooled
    # HD01: only window 8 serves more than one category: each category has its own queue.
    assert staffing.hall_model(history)[0] == staffing.MODEL_BY_CATEGORY
    assert staffing.staffing_advice(branch=history, weeks=2, end=END).effective_model == "category"
    chosen = staffing.staffing_advice(branch=wa01, weeks=2, end=END, model="category")
    assert chosen.effective_model == "category" and hour_of(chosen, 1, 9).recommended >= nine.recommended


def test_a_window_signed_in_before_the_period_counts_from_its_start(history):
    w1 = Window.objects.get(branch=history, number=1)
    WindowEvent.objects.create(
        window=w1,
        action="sign_in",
        from_status=WindowStatus.CLOSED,
        to_status=WindowStatus.OPEN,
        at=moment(MONDAYS[0] - timedelta(days=1), 23, 0),
        actor_label="test",
    )
    window_events(w1, MONDAYS[0], [(9, 30, WindowStatus.CLOSED)])
    advice = staffing.staffing_advice(branch=history, weeks=2, end=END)
    # Monday 1: 00:00–09:30 open → hour 9 gets 30 minutes on one of two Mondays.
    assert hour_of(advice, 1, 9).open_windows == pytest.approx(1.0 + 0.25)


def test_a_branch_without_tickets_gets_no_weekdays(history):
    advice = staffing.staffing_advice(branch=Branch.objects.get(code="SX01"), weeks=2, end=END)
    assert advice.weekdays == []


def test_the_chart_data_carries_the_three_series_per_weekday(history):
    advice = staffing.staffing_advice(branch=history, weeks=2, end=END)
    chart = staffing.chart_data(advice)
    monday = chart["weekdays"]["1"]
    nine = monday["hours"].index("09:00")
    assert (
        monday["recommended"][nine] == 3 and monday["open"][nine] == 1.0 and monday["arrivals"][nine] == 20.0
    )
    assert set(chart["weekdays"]) == {"1", "2"}


# --- Page and access ---------------------------------------------------------------------


def user(username: str):
    return get_user_model().objects.select_related("staff").get(username=username)


def test_anonymous_visitors_are_sent_to_the_login_page(demo, client):  # noqa: F811
    response = client.get(reverse("reports_staffing"))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("username", ["teller1", "guide1", "inspector1"])
def test_other_roles_get_the_403_page(demo, client, username):  # noqa: F811
    client.force_login(user(username))
    assert client.get(reverse("reports_staffing")).status_code == 403


@pytest.mark.parametrize("username", ["office1", "leader1", "admin"])
def test_the_office_leaders_and_administrators_see_any_branch(history, client, username):
    client.force_login(user(username))
    response = client.get(reverse("reports_staffing"), {"branch": "HD01", "weeks": 4, "end": "2026-11-23"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "staffing-data" in page and "echarts-5.6.0.min.js" in page
    # One window open where the model asks for three, but every ticket was called within the
    # target: below the model, not short (issue 14.10).
    assert "09:00–10:00" in page and "少 2.0，已达标" in page and "缺 2.0" not in page
    assert "按“按业务分别排队”计算" in page and 'id="staffing-reached" class="dash-green">100.0%<' in page
    assert "（65/65，目标 80%" in page  # every ticket of the four weeks within the target
    assert client.get(reverse("reports_staffing"), {"branch": "WA01"}).status_code == 200
    pooled = client.get(
        reverse("reports_staffing"), {"branch": "HD01", "end": "2026-11-23", "model": "pooled"}
    )
    assert pooled.status_code == 200 and "若按业务分别排队" in pooled.content.decode()


def test_a_head_sees_their_own_branch_only(history, client):
    client.force_login(user("head1"))
    own = client.get(reverse("reports_staffing"), {"end": "2026-11-23"})
    assert own.status_code == 200 and history.name in own.content.decode()
    other = client.get(reverse("reports_staffing"), {"branch": "WA01"})
    assert other.status_code == 403
    assert "本管理部" in other.content.decode()


def test_bad_input_is_a_400_with_a_message_a_person_can_act_on(history, client):
    client.force_login(user("office1"))
    response = client.get(reverse("reports_staffing"), {"branch": "HD01", "weeks": "5"})
    assert response.status_code == 400
    assert "统计周数只能选择" in response.content.decode()
    model = client.get(reverse("reports_staffing"), {"branch": "HD01", "model": "magic"})
    assert model.status_code == 400 and "窗口分工只能选择" in model.content.decode()
    future = client.get(reverse("reports_staffing"), {"branch": "HD01", "end": "2099-01-01"})
    assert future.status_code == 400 and "不能晚于今天" in future.content.decode()
    unknown = client.get(reverse("reports_staffing"), {"branch": "XX99"})
    assert unknown.status_code == 400 and "请选择您可查看的管理部" in unknown.content.decode()


def test_the_menu_offers_the_staffing_advice_in_the_statistics_group(demo, client):  # noqa: F811
    client.force_login(user("office1"))
    assert "窗口配置建议" in client.get("/").content.decode()
    client.force_login(user("inspector1"))
    assert "窗口配置建议" not in client.get("/").content.decode()


def test_the_page_reads_fast_on_a_few_queries(history, client, django_assert_max_num_queries):
    client.force_login(user("office1"))
    # 20: the session and the form's branches, the rule set, the hall's windows, the arrivals,
    # service times and window events, and the share reached through the statistics (which
    # days are stored, the rule sets of the days, one query for the live days) — none per
    # hour, weekday or window.
    with django_assert_max_num_queries(20):
        assert (
            client.get(reverse("reports_staffing"), {"branch": "HD01", "end": "2026-11-23"}).status_code
            == 200
        )
