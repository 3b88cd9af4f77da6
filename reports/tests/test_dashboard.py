"""The live hall dashboard (大厅实况): figures on a hall in known states, access by role
and branch for every page and endpoint, and the number of queries per refresh."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cases.models import Case
from complaints.models import Complaint
from org.models import Branch
from reports.dashboard import selectors
from reports.tests.test_dashboard_support import (
    MONDAY,
    at,
    demo,  # noqa: F401 — fixture
    hall_in_known_states,
    install_clock,
    register_case,
    register_complaint,
)


@pytest.fixture
def clock(monkeypatch):
    return install_clock(monkeypatch, at(9, 0))


@pytest.fixture
def hall(demo, make_user, clock):  # noqa: F811
    return hall_in_known_states(make_user, clock)


def user(username: str):
    return get_user_model().objects.select_related("staff").get(username=username)


def figures_of(username: str, code: str) -> selectors.BranchFigures:
    u = user(username)
    return selectors.hall_dashboard(u, [selectors.dashboard_branch_for_user(u, code)]).branches[0]


# --- Figures ------------------------------------------------------------------------------


def test_it_counts_the_people_waiting_per_category_with_the_green_channel(hall):
    fig = figures_of("office1", "HD01")
    waiting = {q["category"]: (q["waiting"], q["priority"]) for q in fig.queues}
    # B001 was served and B002 is at window 8: A001 and C001 still wait.
    assert waiting == {"collection": (1, 0), "withdrawal": (0, 0), "loan": (1, 0), "other": (0, 0)}
    assert (fig.waiting, fig.waiting_priority) == (2, 0)


def test_it_counts_a_waiting_green_channel_ticket_apart(hall, clock):
    from queueing import services as queue

    queue.ticket_take(actor="kiosk:test", branch=hall.hd01, category="loan", priority="military")
    fig = figures_of("office1", "HD01")
    loan = next(q for q in fig.queues if q["category"] == "loan")
    assert (loan["waiting"], loan["priority"]) == (2, 1)
    assert fig.waiting_priority == 1


def test_it_names_the_ticket_that_has_waited_longest(hall):
    fig = figures_of("office1", "HD01")
    assert fig.longest_wait is not None
    assert fig.longest_wait["number"] == "A001"
    assert fig.longest_wait["minutes"] == 28  # taken 09:02, now 09:30
    collection = next(q for q in fig.queues if q["category"] == "collection")
    assert collection["longest_minutes"] == 28


def test_it_counts_todays_tickets_calls_and_the_wait_against_the_target(hall):
    fig = figures_of("office1", "HD01")
    assert (fig.taken, fig.served, fig.no_show, fig.called) == (4, 1, 0, 2)
    assert fig.calls_last_hour == 2
    assert fig.average_wait_minutes == pytest.approx(5.0)  # B001 09:00→09:05, B002 09:01→09:06
    # A001 (taken 09:02) and C001 (09:03) still wait at 09:30, past the 20-minute target:
    # they count against the share (reports/figures.py), so 2 of 4 — not 100 %.
    assert (fig.within_target, fig.past_target) == (2, 2)
    assert fig.within_target_percent == 50.0


def test_nobody_waiting_past_the_target_leaves_the_share_at_the_calls_made(hall, clock):
    clock.set(9, 20)  # A001 has waited 18 minutes, C001 17: not yet past the target
    fig = figures_of("office1", "HD01")
    assert (fig.within_target, fig.past_target, fig.within_target_percent) == (2, 0, 100.0)


def test_a_call_more_than_an_hour_ago_leaves_the_last_hours_count(hall, clock):
    clock.set(10, 5, day=MONDAY)
    fig = figures_of("office1", "HD01")
    assert fig.calls_last_hour == 1  # B001 at 09:05 is over an hour ago, B002 at 09:06 is not


def test_a_wait_over_the_target_counts_against_the_share(hall, clock):
    from queueing import services as queue

    clock.set(9, 40)  # A001 taken 09:02: 38 minutes
    queue.ticket_call_next(
        actor=hall.withdrawal_teller.user, staff=hall.withdrawal_teller, window=hall_window(hall, 3)
    )
    fig = figures_of("office1", "HD01")
    assert fig.called == 2  # the withdrawal window has nothing to call: A001 is 归集
    teller = hall.universal_teller
    queue.ticket_complete(actor=teller.user, staff=teller, window=hall_window(hall, 8))
    queue.ticket_call_next(actor=teller.user, staff=teller, window=hall_window(hall, 8))
    fig = figures_of("office1", "HD01")
    assert fig.called == 3
    # B001, B002 within the target, A001 called after 38 minutes, C001 still waiting (37).
    assert (fig.within_target, fig.past_target) == (2, 1)
    assert fig.within_target_percent == pytest.approx(50.0)
    assert fig.average_wait_minutes == pytest.approx((5 + 5 + 38) / 3)


def hall_window(hall, number: int):
    from reports.tests.test_dashboard_support import window

    return window(hall.hd01, number)


def test_it_shows_which_window_serves_is_paused_or_closed_and_by_whom(hall):
    fig = figures_of("office1", "HD01")
    by_number = {w["number"]: w for w in fig.windows}
    assert by_number[3]["status"] == "idle"
    assert by_number[3]["staff_no"] == hall.withdrawal_teller.staff_no
    assert by_number[6]["status"] == "paused"
    assert by_number[6]["pause_reason"] == "临时离柜"
    assert by_number[6]["pause_note"] == "取材料"
    assert by_number[8]["status"] == "serving"
    assert by_number[8]["ticket"] == "B002"
    assert by_number[8]["staff_name"] == hall.universal_teller.name
    assert by_number[1]["status"] == "closed" and by_number[1]["staff_name"] is None
    assert fig.window_counts == {"serving": 1, "called": 0, "idle": 1, "paused": 1, "closed": 5}


def test_it_lists_todays_bad_ratings_with_their_window(hall):
    fig = figures_of("office1", "HD01")
    assert len(fig.bad_ratings) == 1
    bad = fig.bad_ratings[0]
    assert (bad["level"], bad["window"], bad["staff_no"]) == (1, 3, hall.withdrawal_teller.staff_no)
    assert bad["reasons"] == ["服务态度差"]
    assert figures_of("office1", "WA01").bad_ratings == []


def test_it_counts_cases_due_today_and_overdue(hall):
    teller = user("teller1")
    due_today, overdue, later, flagged = (register_case(teller) for _ in range(4))
    Case.objects.filter(pk=due_today.pk).update(deadline=MONDAY)
    Case.objects.filter(pk=overdue.pk).update(deadline=MONDAY - timedelta(days=3))
    Case.objects.filter(pk=later.pk).update(deadline=MONDAY + timedelta(days=5))
    # Found overdue and still open (e.g. completed late, not yet delivered).
    Case.objects.filter(pk=flagged.pk).update(
        deadline=MONDAY + timedelta(days=1), overdue=True, status="completed"
    )
    fig = figures_of("office1", "HD01")
    assert (fig.cases_due_today, fig.cases_overdue) == (1, 2)
    assert (figures_of("office1", "WA01").cases_due_today, figures_of("office1", "WA01").cases_overdue) == (
        0,
        0,
    )


def test_it_counts_complaints_near_and_past_their_limit_for_the_complaint_office(hall):
    office = user("office1")
    soon, past, far, warned = (register_complaint(office, hall.hd01) for _ in range(4))
    Complaint.objects.filter(pk=soon.pk).update(reply_due=MONDAY)
    Complaint.objects.filter(pk=past.pk).update(reply_due=MONDAY - timedelta(days=1))
    Complaint.objects.filter(pk=far.pk).update(
        reply_due=MONDAY + timedelta(days=10), warn_on=MONDAY + timedelta(days=8)
    )
    Complaint.objects.filter(pk=warned.pk).update(
        reply_due=MONDAY + timedelta(days=2), warn_on=MONDAY - timedelta(days=1)
    )
    fig = figures_of("office1", "HD01")
    assert (fig.complaints_due_soon, fig.complaints_overdue) == (2, 1)
    unassigned = register_complaint(office, hall.hd01)
    Complaint.objects.filter(pk=unassigned.pk).update(branch=None, reply_due=MONDAY - timedelta(days=2))
    centre = selectors.hall_dashboard(office, selectors.dashboard_branches(office))
    assert (centre.totals.complaints_due_soon, centre.totals.complaints_overdue) == (2, 2)


def test_complaint_figures_are_hidden_from_roles_that_may_not_see_complaints(hall):
    register_complaint(user("office1"), hall.hd01)
    fig = figures_of("inspector1", "HD01")
    assert fig.complaints_due_soon is None and fig.complaints_overdue is None


def test_it_says_whether_the_hall_is_open_or_past_its_day_close(hall, clock):
    assert figures_of("office1", "HD01").hall_state == "营业中"
    clock.set(17, 0)  # HD01 closes the day (轧账) at 17:00
    assert figures_of("office1", "HD01").hall_state == "已轧账"
    clock.set(8, 0)
    assert figures_of("office1", "HD01").hall_state == "未开始营业"


def test_the_centre_totals_add_up_the_branches(hall):
    office = user("office1")
    dash = selectors.hall_dashboard(office, selectors.dashboard_branches(office))
    assert [f.code for f in dash.branches] == ["HD01", "SX01", "WA01"]
    assert dash.totals.waiting == 3
    assert dash.totals.taken == 5
    longest = dash.totals.longest_wait
    assert longest is not None
    assert (longest["number"], longest["branch"]) == ("A001", hall.hd01.name)
    assert {q["category"]: q["waiting"] for q in dash.totals.queues}["collection"] == 2
    assert dash.totals.window_counts["closed"] == 5 + 3 + 3


def test_a_refresh_is_a_fixed_handful_of_queries_whatever_the_number_of_branches(
    hall, client, django_assert_max_num_queries
):
    client.force_login(user("office1"))
    url = reverse("reports_dashboard_live")
    client.get(url)
    # 15: session, user, roles, branches, rule set, queues, the line, today's ticket rows
    # (the statistics' own computation), calls of the last hour, windows, active calls, bad
    # ratings, cases, complaints, staff — none of them per branch.
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert response.status_code == 200
    with django_assert_max_num_queries(15):
        assert (
            client.get(reverse("reports_dashboard_branch_live", kwargs={"code": "HD01"})).status_code == 200
        )


# --- Pages and access -----------------------------------------------------------------------

PAGES = [
    ("reports_dashboard", {}),
    ("reports_dashboard_live", {}),
    ("reports_dashboard_branch", {"code": "HD01"}),
    ("reports_dashboard_branch_live", {"code": "HD01"}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(demo, client, name, kwargs):  # noqa: F811
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize("name", ["reports_dashboard_live", "reports_dashboard_branch_live"])
def test_a_refresh_after_the_session_ended_sends_the_whole_page_to_the_login_page(demo, client, name):  # noqa: F811
    kwargs = {"code": "HD01"} if "branch" in name else {}
    response = client.get(
        reverse(name, kwargs=kwargs),
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/dashboard/"},
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/login/?next=/dashboard/"


@pytest.mark.parametrize("username", ["teller1", "guide1"])
@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_tellers_and_guides_get_the_403_page(demo, client, username, name, kwargs):  # noqa: F811
    client.force_login(user(username))
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 403
    assert "大厅实况仅供" in response.content.decode()


@pytest.mark.parametrize("username", ["office1", "leader1", "inspector1", "admin"])
def test_centre_roles_see_every_branch_side_by_side(hall, client, username):
    client.force_login(user(username))
    response = client.get(reverse("reports_dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    for branch in Branch.objects.all():
        assert branch.name in page
    assert "全中心合计" in page
    # Polled every 10 s while the tab is visible (static/js/app.js: data-poll-visible, no eval).
    assert 'hx-trigger="every 10s, visible" data-poll-visible' in page


def test_a_head_is_sent_from_the_centre_page_to_their_own_branch(demo, client):  # noqa: F811
    client.force_login(user("head1"))
    response = client.get(reverse("reports_dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("reports_dashboard_branch", kwargs={"code": "HD01"})
    assert client.get(reverse("reports_dashboard_live")).status_code == 200


def test_a_head_sees_their_own_branch_but_not_another(hall, client):
    client.force_login(user("head1"))
    page = client.get(reverse("reports_dashboard_branch", kwargs={"code": "HD01"}))
    assert page.status_code == 200
    content = page.content.decode()
    assert "A001" in content and "临时离柜" in content and hall.universal_teller.name in content
    for name in ("reports_dashboard_branch", "reports_dashboard_branch_live"):
        other = client.get(reverse(name, kwargs={"code": "WA01"}))
        assert other.status_code == 403
        assert "本管理部" in other.content.decode()


def test_an_unknown_branch_is_a_404(demo, client):  # noqa: F811
    client.force_login(user("office1"))
    assert client.get(reverse("reports_dashboard_branch", kwargs={"code": "XX99"})).status_code == 404


def test_the_branch_page_marks_a_wait_over_the_target(hall, client):
    client.force_login(user("office1"))
    content = client.get(reverse("reports_dashboard_branch_live", kwargs={"code": "HD01"})).content.decode()
    assert "dash-kpi dash-bad" in content  # A001 has waited 28 minutes, the target is 20
    assert "28<small>分钟</small>" in content


def test_the_menu_offers_the_dashboard_to_the_roles_that_may_see_it(demo, client):  # noqa: F811
    client.force_login(user("office1"))
    assert "大厅实况" in client.get("/").content.decode()
    client.force_login(user("teller1"))
    assert "大厅实况" not in client.get("/").content.decode()


# --- API ---------------------------------------------------------------------------------------


def test_the_api_refuses_anonymous_callers(demo, client):  # noqa: F811
    for path in ("/api/v1/dashboard", "/api/v1/dashboard/HD01"):
        response = client.get(path)
        assert response.status_code == 401
        assert response.json()["error"] == "unauthorized"


def test_the_api_refuses_a_teller(demo, client):  # noqa: F811
    client.force_login(user("teller1"))
    for path in ("/api/v1/dashboard", "/api/v1/dashboard/HD01"):
        response = client.get(path)
        assert response.status_code == 403
        assert "大厅实况" in response.json()["message"]


def test_the_api_gives_a_branchs_figures(hall, client):
    client.force_login(user("office1"))
    body = client.get("/api/v1/dashboard/HD01").json()
    hd01 = body["branches"][0]
    assert body["wait_target_minutes"] == 20 and body["wait_target_share_percent"] == 80
    assert hd01["branch"] == "HD01"
    assert hd01["waiting"] == 2 and hd01["longest_wait"]["number"] == "A001"
    assert hd01["window_counts"]["paused"] == 1
    assert hd01["bad_ratings"][0]["window"] == 3
    assert hd01["average_wait_minutes"] == 5.0


def test_the_api_gives_a_head_only_their_branch(hall, client):
    client.force_login(user("head1"))
    body = client.get("/api/v1/dashboard").json()
    assert [b["branch"] for b in body["branches"]] == ["HD01"]
    other = client.get("/api/v1/dashboard/WA01")
    assert other.status_code == 403 and other.json()["error"] == "forbidden"
    assert client.get("/api/v1/dashboard/XX99").status_code == 404


def test_the_api_accepts_a_staff_bearer_token(hall, client):
    from org.services import api_token_issue

    key = api_token_issue(actor="test", user=user("leader1"), name="大屏")
    response = client.get("/api/v1/dashboard", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert response.json()["totals"]["waiting"] == 3
