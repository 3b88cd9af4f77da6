"""The figures of reports.stats against numbers worked out by hand on small fixtures."""

from __future__ import annotations

import math
import uuid
from datetime import date, timedelta

import pytest
from django.db.models import Sum
from hypothesis import given, settings
from hypothesis import strategies as st

from org.models import Branch, Centre, Role, Window
from queueing.models import TicketStatus
from reports.models import RollupRun, TicketMinuteBucket, TicketRollup, WindowRollup
from reports.stats import rollup, selectors
from reports.stats.filters import StatsFilter, parse_filter, period_range
from reports.stats.services import rollup_day
from reports.stats.testing import at, make_ticket, queue_for, window_day

TODAY = date(2026, 11, 20)  # a Friday
PAST = date(2026, 11, 16)  # the Monday before


@pytest.fixture
def hall(db, make_user):
    centre = Centre.objects.create(code="HDX", name="测试中心")
    branch = Branch.objects.create(centre=centre, code="HDX1", name="测试大厅")
    other = Branch.objects.create(centre=centre, code="HDX2", name="另一大厅")
    w1 = Window.objects.create(branch=branch, number=1, categories=["withdrawal", "collection"])
    w2 = Window.objects.create(branch=branch, number=2, categories=["loan"])
    w9 = Window.objects.create(branch=other, number=1, categories=["withdrawal"])
    s1 = make_user(Role.TELLER, branch=branch).staff
    s2 = make_user(Role.TELLER, branch=branch).staff
    s9 = make_user(Role.TELLER, branch=other).staff
    return {"branch": branch, "other": other, "w1": w1, "w2": w2, "w9": w9, "s1": s1, "s2": s2, "s9": s9}


def _filter(hall, start=PAST, end=TODAY, **kw) -> StatsFilter:
    return StatsFilter(start=start, end=end, today=TODAY, **kw)


def _day_of_tickets(hall, day: date) -> None:
    """Seven tickets at hall 1 and one at the other hall, figures worked out by hand below."""
    b, w1, w2, s1, s2 = hall["branch"], hall["w1"], hall["w2"], hall["s1"], hall["s2"]
    make_ticket(branch=b, day=day, taken=(9, 0), wait_minutes=5, service_minutes=10, window=w1, staff=s1)
    make_ticket(branch=b, day=day, taken=(9, 10), wait_minutes=15, service_minutes=6, window=w1, staff=s1)
    make_ticket(branch=b, day=day, taken=(9, 20), wait_minutes=25, service_minutes=4, window=w1, staff=s1)
    make_ticket(
        branch=b, day=day, taken=(10, 0), wait_minutes=40, status=TicketStatus.NO_SHOW, window=w1, staff=s1
    )
    make_ticket(
        branch=b,
        day=day,
        taken=(10, 5),
        category="loan",
        wait_minutes=20,
        service_minutes=30,
        window=w2,
        staff=s2,
        priority="elderly",
        transferred_by=(w1, s1),
    )
    make_ticket(branch=b, day=day, taken=(14, 0), status=TicketStatus.CANCELLED, wait_minutes=3)
    make_ticket(
        branch=b,
        day=day,
        taken=(14, 30),
        category="loan",
        wait_minutes=0.5,
        service_minutes=12,
        window=w2,
        staff=s2,
    )
    make_ticket(
        branch=hall["other"],
        day=day,
        taken=(9, 0),
        wait_minutes=90,
        service_minutes=5,
        window=hall["w9"],
        staff=hall["s9"],
    )


# Hand-computed figures of one _day_of_tickets at hall 1 (wait target 20 minutes):
# waits counted (called, not a no-show or cancelled — product-queue 等候时间目标): 5, 15, 25,
# 20, 0.5 → n 5, sum 65.5 min, within ≤ 20: 5, 15, 20, 0.5 → 4; past the target without a
# counted call: the no-show called after 40 minutes → 1 (the cancelled one left after 3);
# services of served tickets: 10, 6, 4, 30, 12 → n 5, sum 62 min
HALL1 = {
    "taken": 7,
    "called": 6,
    "served": 5,
    "no_show": 1,
    "cancelled": 1,
    "transferred": 1,
    "priority": 1,
    "wait_n": 5,
    "wait_seconds": 3930,
    "within_target": 4,
    "past_target": 1,
    "service_n": 5,
    "service_seconds": 3720,
}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, HALL1),
        (
            {"window": "w1"},
            {
                "taken": 4,
                "called": 4,
                "served": 3,
                "no_show": 1,
                "transferred": 1,
                "wait_n": 3,
                "within_target": 2,
                "past_target": 1,
            },
        ),
        (
            {"staff": "s2"},
            {"taken": 2, "served": 2, "wait_seconds": 1230, "service_seconds": 2520, "transferred": 0},
        ),
        ({"category": "loan"}, {"taken": 2, "served": 2, "priority": 1, "transferred": 1}),
    ],
)
def test_the_queue_figures_of_a_live_day_match_the_hand_computed_ones(hall, filters, expected):
    _day_of_tickets(hall, TODAY)
    kw = {k: hall[v] for k, v in filters.items() if k in ("window", "staff")}
    kw.update({k: v for k, v in filters.items() if k == "category"})
    totals = selectors.queue_totals(_filter(hall, start=TODAY, branch=hall["branch"], **kw))
    for key, value in expected.items():
        assert totals.values[key] == value, key


def test_the_averages_percentiles_and_target_share_are_read_from_the_totals(hall):
    _day_of_tickets(hall, TODAY)
    totals = selectors.queue_totals(_filter(hall, start=TODAY, branch=hall["branch"]))
    assert totals.avg_wait == pytest.approx(65.5 / 5)
    assert totals.avg_service == pytest.approx(62 / 5)
    # 4 within the target of 5 counted waits and 1 no-show called after the target
    assert totals.within_share == pytest.approx(4 / 6)
    # waits in whole-minute buckets 0, 5, 15, 20, 25; nearest rank 90 % of 5 = 5th → 25 → upper edge 26
    assert totals.p90_wait == 26
    # services 4, 6, 10, 12, 30 → 5th → 30 → 31
    assert totals.p90_service == 31
    assert totals.no_show_rate == pytest.approx(1 / 6)


def test_a_rolled_up_day_gives_the_same_figures_as_the_live_computation(hall):
    _day_of_tickets(hall, PAST)
    live = selectors.queue_totals(_filter(hall, start=PAST, end=PAST, branch=hall["branch"]))
    rollup_day(actor="test", day=PAST, today=TODAY)
    data = selectors.QueueData(_filter(hall, start=PAST, end=PAST, branch=hall["branch"]))
    assert data.tickets.rolled == {PAST} and data.tickets.live_days == []
    stored = data.totals()
    assert stored.values == live.values
    assert stored.wait_hist == live.wait_hist and stored.service_hist == live.service_hist


def test_running_the_rollup_twice_leaves_the_same_rows(hall):
    _day_of_tickets(hall, PAST)

    def snapshot():
        return (
            sorted(
                map(
                    repr,
                    TicketRollup.objects.values_list(
                        "branch_id", "window_id", "staff_id", "category", "hour", "taken", "wait_seconds"
                    ),
                )
            ),
            sorted(
                map(
                    repr,
                    TicketMinuteBucket.objects.values_list(
                        "window_id", "category", "minute", "wait_n", "service_n"
                    ),
                )
            ),
            sorted(map(repr, WindowRollup.objects.values_list("window_id", "busy_seconds"))),
        )

    rollup_day(actor="test", day=PAST, today=TODAY)
    first = snapshot()
    rollup_day(actor="test", day=PAST, today=TODAY)
    assert snapshot() == first
    assert RollupRun.objects.filter(day=PAST).count() == 2  # tickets and ratings, once each
    assert TicketRollup.objects.filter(service_date=PAST).aggregate(n=Sum("taken"))["n"] == 8


def test_the_rollup_refuses_today(hall):
    from common.errors import DomainError

    with pytest.raises(DomainError, match="尚未结束"):
        rollup_day(actor="test", day=TODAY, today=TODAY)


def test_a_period_adds_today_live_to_the_rolled_up_days(hall):
    _day_of_tickets(hall, PAST)
    rollup_day(actor="test", day=PAST, today=TODAY)
    _day_of_tickets(hall, TODAY)
    data = selectors.QueueData(_filter(hall, branch=hall["branch"]))
    assert data.tickets.rolled == {PAST}
    assert TODAY in data.tickets.live_days
    totals = data.totals()
    assert totals.values["taken"] == 2 * HALL1["taken"]
    assert totals.values["within_target"] == 2 * HALL1["within_target"]
    assert sum(totals.wait_hist.values()) == 2 * HALL1["wait_n"]
    by_day = data.by("service_date")
    assert by_day[(PAST,)]["served"] == by_day[(TODAY,)]["served"] == HALL1["served"]


def test_a_ticket_added_to_a_rolled_up_day_shows_after_the_day_is_rolled_up_again(hall):
    _day_of_tickets(hall, PAST)
    rollup_day(actor="test", day=PAST, today=TODAY)
    make_ticket(
        branch=hall["branch"],
        day=PAST,
        taken=(11, 0),
        wait_minutes=1,
        service_minutes=1,
        window=hall["w1"],
        staff=hall["s1"],
    )
    f = _filter(hall, start=PAST, end=PAST, branch=hall["branch"])
    assert selectors.queue_totals(f).values["taken"] == 7
    rollup_day(actor="test", day=PAST, today=TODAY)
    assert selectors.queue_totals(f).values["taken"] == 8


def test_the_peak_hours_count_arrivals_by_weekday_and_hour(hall):
    _day_of_tickets(hall, PAST)
    rollup_day(actor="test", day=PAST, today=TODAY)
    data = selectors.QueueData(_filter(hall, branch=hall["branch"]))
    by_hour = {k[1]: m["taken"] for k, m in data.by("service_date", "hour").items() if k[0] == PAST}
    assert by_hour == {9: 3, 10: 2, 14: 2}
    heat = next(
        c
        for c in selectors.queue_section(_filter(hall, branch=hall["branch"])).charts
        if c.key == "queue_heatmap"
    )
    cells = {(x, y): v for x, y, v in heat.option["series"][0]["data"]}
    hours = [int(label.removesuffix("时")) for label in heat.option["xAxis"]["data"]]
    assert cells[(hours.index(9), 0)] == 3  # Monday 9 o'clock


def test_the_idle_time_of_a_window_is_signed_in_minus_paused_minus_busy(hall):
    w1, s1 = hall["w1"], hall["s1"]
    window_day(
        window=w1, staff=s1, day=PAST, sign_in=(8, 30), sign_out=(12, 30), pauses=[((10, 0), (10, 30))]
    )
    make_ticket(
        branch=hall["branch"],
        day=PAST,
        taken=(9, 0),
        wait_minutes=10,
        service_minutes=20,
        window=w1,
        staff=s1,
    )
    rows = rollup.ticket_rows([PAST], branch_ids=frozenset({hall["branch"].pk}))
    w = rows.windows[(PAST, hall["branch"].pk, w1.pk, s1.pk)]
    assert w == {"signed_in_seconds": 4 * 3600, "paused_seconds": 30 * 60, "busy_seconds": 20 * 60}
    section = selectors.queue_section(_filter(hall, start=PAST, end=PAST, branch=hall["branch"]))
    table = next(t for t in section.tables if t.key == "windows").as_dicts()
    row = next(r for r in table if r["window"] == "1号窗口")
    assert row["idle_hours"] == pytest.approx((4 * 60 - 30 - 20) / 60)
    assert row["idle_share"] == pytest.approx(190 / 240)


def test_a_window_nobody_signed_out_of_counts_until_the_branch_closes(hall):
    window_day(window=hall["w1"], staff=hall["s1"], day=PAST, sign_in=(16, 30), sign_out=None)
    rows = rollup.ticket_rows([PAST])
    w = rows.windows[(PAST, hall["branch"].pk, hall["w1"].pk, hall["s1"].pk)]
    assert w["signed_in_seconds"] == 3600  # 16:30 to the default closing time 17:30


def test_the_within_target_count_uses_the_queue_rule_set_of_the_day(hall):
    from rules.models import RuleKind
    from rules.selectors import rules_in_force

    target = rules_in_force(RuleKind.QUEUE, TODAY).params.wait_target_minutes
    b = hall["branch"]
    make_ticket(
        branch=b,
        day=TODAY,
        taken=(9, 0),
        wait_minutes=target,
        service_minutes=1,
        window=hall["w1"],
        staff=hall["s1"],
    )
    make_ticket(
        branch=b,
        day=TODAY,
        taken=(9, 0),
        wait_minutes=target + 0.05,
        service_minutes=1,
        window=hall["w1"],
        staff=hall["s1"],
    )
    totals = selectors.queue_totals(_filter(hall, start=TODAY, branch=b))
    assert totals.values["within_target"] == 1


def test_a_department_head_only_sees_their_own_branch(hall, make_user):
    from django.core.exceptions import PermissionDenied

    head = make_user(Role.HEAD, branch=hall["branch"])
    f = parse_filter(head, {"period": "today"}, today=TODAY)
    assert f.branch_ids == frozenset({hall["branch"].pk})
    _day_of_tickets(hall, TODAY)
    assert selectors.queue_totals(f).values["taken"] == 7  # not the other hall's ticket
    with pytest.raises(PermissionDenied):
        parse_filter(head, {"branch": str(hall["other"].pk)}, today=TODAY)
    with pytest.raises(PermissionDenied):
        parse_filter(head, {"window": str(hall["w9"].pk)}, today=TODAY)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-13-01"}, "不是有效的日期"),
        ({"start": "2026-11-20", "end": "2026-11-01"}, "结束日期早于开始日期"),
        ({"start": "2027-01-01"}, "晚于今天"),
        ({"start": "2020-01-01", "end": "2026-11-20"}, "最长"),
        ({"category": "mortgage"}, "业务类别无效"),
        ({"window": "abc"}, "无效"),
        ({"period": "fortnight"}, "未知的统计期间"),
    ],
)
def test_a_bad_filter_is_refused_with_a_message(db, make_user, params, message):
    from common.errors import DomainError

    office = make_user(Role.OFFICE)
    with pytest.raises(DomainError, match=message):
        parse_filter(office, params, today=TODAY)


@pytest.mark.parametrize(
    ("key", "start", "end"),
    [
        ("today", date(2026, 11, 20), date(2026, 11, 20)),
        ("this_week", date(2026, 11, 16), date(2026, 11, 20)),
        ("last_week", date(2026, 11, 9), date(2026, 11, 15)),
        ("this_month", date(2026, 11, 1), date(2026, 11, 20)),
        ("last_month", date(2026, 10, 1), date(2026, 10, 31)),
        ("this_quarter", date(2026, 10, 1), date(2026, 11, 20)),
        ("this_year", date(2026, 1, 1), date(2026, 11, 20)),
    ],
)
def test_the_quick_periods_resolve_against_today(key, start, end):
    assert period_range(key, TODAY) == (start, end)


# --- percentiles from buckets ---------------------------------------------------------


def _exact_nearest_rank(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(min_value=0, max_value=179.9 * 60, allow_nan=False), min_size=1, max_size=300),
    st.sampled_from([0.5, 0.8, 0.9, 0.95]),
)
def test_a_percentile_from_the_buckets_is_exact_to_the_bucket_width(seconds, q):
    hist: dict[int, int] = {}
    for s in seconds:
        b = rollup.bucket_of(s)
        hist[b] = hist.get(b, 0) + 1
    upper = selectors.percentile_from_buckets(hist, q)
    exact_minutes = _exact_nearest_rank(seconds, q) / 60
    width = 1 if exact_minutes < rollup.FINE_UNTIL else rollup.COARSE_WIDTH
    assert upper is not None
    assert upper - width <= exact_minutes < upper


@pytest.mark.parametrize(
    ("minutes", "bucket", "upper"),
    [
        (0, 0, 1),
        (0.99, 0, 1),
        (59.5, 59, 60),
        (60, 60, 65),
        (64.9, 60, 65),
        (65, 65, 70),
        (179, 175, 180),
        (180, 180, 180),
        (600, 180, 180),
    ],
)
def test_the_buckets_are_a_minute_wide_below_an_hour_and_five_minutes_up_to_three_hours(
    minutes, bucket, upper
):
    assert rollup.bucket_of(minutes * 60) == bucket
    assert rollup.bucket_upper(bucket) == upper


def test_a_percentile_in_the_last_bucket_says_at_least_that_long():
    assert selectors.percentile_from_buckets({rollup.LAST_BUCKET: 3, 2: 1}) == rollup.LAST_BUCKET
    assert selectors.percentile_from_buckets({}) is None


# --- cases, ratings, appointments, complaints -----------------------------------------


def _case(hall, user, *, matter, version, handling_type, status, overdue=False, received_on=PAST, staff=None):
    from cases.models import Case

    staff = staff or hall["s1"]
    return Case.objects.create(
        receipt_no=f"T-{uuid.uuid4().hex[:10]}",
        idempotency_key=uuid.uuid4(),
        branch=hall["branch"],
        window=hall["w1"],
        matter=matter,
        version=version,
        handling_type=handling_type,
        promised_days=0 if handling_type == "immediate" else 5,
        applicant_kind="person",
        applicant_name="张三丰",
        applicant_phone="13812345678",
        received_at=at(received_on, 9),
        received_on=received_on,
        first_responsible=staff,
        registered_by=user,
        status=status,
        overdue=overdue,
        query_password_hash="x",
    )


@pytest.fixture
def matter_version(db):
    from catalog.models import MatterVersion

    version = MatterVersion.objects.select_related("matter").order_by("pk").first()
    assert version is not None, "the catalog migration seeds the service guide"
    return version.matter, version


def test_the_case_figures_by_handling_type_match_the_hand_computed_ones(hall, make_user, matter_version):
    from cases.models import OverdueFinding

    user = make_user(Role.TELLER, branch=hall["branch"])
    matter, version = matter_version
    table = [
        ("immediate", "delivered", False),
        ("immediate", "delivered", False),
        ("immediate", "completed", True),
        ("promised", "accepted", False),
        ("promised", "delivered", True),
        ("promised", "rejected", False),
        ("joint", "withdrawn", False),
    ]
    cases = [
        _case(hall, user, matter=matter, version=version, handling_type=t, status=s, overdue=o)
        for t, s, o in table
    ]
    OverdueFinding.objects.create(
        case=cases[2],
        code="late",
        text="无正当理由超过承诺时限未能办结",
        found_at=at(PAST, 18),
        found_by="t",
        rules_ref="r",
    )
    OverdueFinding.objects.create(
        case=cases[4],
        code="late",
        text="无正当理由超过承诺时限未能办结",
        found_at=at(PAST, 18),
        found_by="t",
        rules_ref="r",
    )
    OverdueFinding.objects.create(
        case=cases[4],
        code="no_reply",
        text="不按规定给申请人答复",
        found_at=at(PAST, 18),
        found_by="t",
        rules_ref="r",
    )
    section = selectors.case_section(_filter(hall, branch=hall["branch"]))
    by_type = {r["type"]: r for r in next(t for t in section.tables if t.key == "by_type").as_dicts()}
    assert (
        by_type["即办件"]["received"] == 3
        and by_type["即办件"]["completed"] == 3
        and by_type["即办件"]["on_time"] == 2
    )
    assert by_type["即办件"]["on_time_rate"] == pytest.approx(2 / 3)
    assert (
        by_type["承诺件"]["overdue"] == 1
        and by_type["承诺件"]["open"] == 1
        and by_type["承诺件"]["rejected"] == 1
    )
    assert by_type["联办件"]["withdrawn"] == 1
    kpis = {k.key: k.value for k in section.kpis}
    assert kpis["received"] == 7 and kpis["completed"] == 4 and kpis["overdue"] == 2
    assert kpis["on_time_rate"] == pytest.approx(2 / 4)
    reasons = {
        r["code"]: r["n"] for r in next(t for t in section.tables if t.key == "overdue_reasons").as_dicts()
    }
    assert reasons == {"late": 2, "no_reply": 1}
    overdue = next(t for t in section.tables if t.key == "overdue_cases").as_dicts()
    assert {r["applicant"] for r in overdue} == {"张*丰"} and {r["phone"] for r in overdue} == {"138****5678"}


def _rating(hall, ticket, level: int, *, bad: bool, day: date = PAST):
    from ratings.models import Rating, RatingToken

    token = RatingToken.objects.create(
        token=uuid.uuid4().hex,
        channel="counter",
        service_kind="visit",
        ticket=ticket,
        branch=hall["branch"],
        window=ticket.window,
        created_at=at(day, 12),
        expires_at=at(day, 23),
    )
    return Rating.objects.create(
        service_kind="visit",
        ticket=ticket,
        token=token,
        channel="counter",
        level=level,
        level_label=str(level),
        is_bad=bad,
        rater_type="person",
        branch=hall["branch"],
        window=ticket.window,
        staff=ticket.staff,
        category=ticket.category,
        service_number=ticket.display_number,
        rated_at=at(day, 12),
        rated_on=day,
        rules_ref="r",
    )


def test_the_rating_figures_are_the_same_rolled_up_and_live(hall):
    levels = [5, 5, 5, 4, 3, 2, 1, 5]
    for i, level in enumerate(levels):
        ticket = make_ticket(
            branch=hall["branch"],
            day=PAST,
            taken=(9, i),
            wait_minutes=1,
            service_minutes=1,
            window=hall["w1"],
            staff=hall["s1"],
        )
        _rating(hall, ticket, level, bad=level <= 2)
    f = _filter(hall, start=PAST, end=PAST, branch=hall["branch"])
    live = {k.key: k.value for k in selectors.rating_section(f).kpis}
    assert live["ratings"] == 8 and live["bad"] == 2
    assert live["bad_share"] == pytest.approx(2 / 8)
    assert live["satisfied_share"] == pytest.approx(5 / 8)
    rollup_day(actor="test", day=PAST, today=TODAY)
    stored = {k.key: k.value for k in selectors.rating_section(f).kpis}
    assert stored == live


def test_the_appointment_no_show_rate_counts_the_appointments_that_came_due(hall):
    from queueing.models import Appointment

    queue = queue_for(hall["branch"], "withdrawal")
    for i, status in enumerate(["checked_in", "checked_in", "late", "no_show", "cancelled", "booked"]):
        Appointment.objects.create(
            branch=hall["branch"],
            queue=queue,
            category="withdrawal",
            service_date=PAST,
            slot_start="09:00",
            slot_end="09:30",
            name="李四",
            id_number=f"11010519491231002{i}",
            mobile="13800000000",
            code=f"C{i:05d}",
            status=status,
            created_at=at(PAST, 8),
        )
    kpis = {k.key: k.value for k in selectors.appointment_section(_filter(hall, branch=hall["branch"])).kpis}
    assert kpis["booked"] == 6 and kpis["no_show"] == 1 and kpis["cancelled"] == 1
    assert kpis["no_show_rate"] == pytest.approx(1 / 4)


def test_the_complaint_figures_count_classes_and_on_time_replies(hall):
    from complaints.models import Complaint, Reply

    def complaint(n, klass, status, reply_due, replies=()):
        c = Complaint.objects.create(
            no=f"TS{n:04d}",
            query_password_hash="x",
            channel="phone",
            received_on=PAST,
            subject="s",
            content="c",
            status=status,
            rules_ref="r",
            class_code=klass,
            branch=hall["branch"],
            reply_due=reply_due,
        )
        for on_time in replies:
            Reply.objects.create(
                complaint=c, round=1, channel="电话", text="t", replied_at=at(PAST, 15), on_time=on_time
            )
        return c

    complaint(1, "major", "closed", PAST, [True])
    complaint(2, "general", "closed", PAST, [True, False])
    complaint(3, "general", "handling", PAST)  # reply due before today, not answered: late now
    complaint(4, "invalid", "follow_up", TODAY, [True])
    complaint(5, "", "received", TODAY + timedelta(days=3))
    complaint(6, "", "received", TODAY + timedelta(days=3))  # the same as the one before: counted twice
    section = selectors.complaint_section(_filter(hall, branch=hall["branch"]))
    kpis = {k.key: k.value for k in section.kpis}
    assert kpis["received"] == 6 and kpis["valid"] == 3 and kpis["major"] == 1
    assert kpis["on_time_rate"] == pytest.approx(2 / 4)
    assert kpis["overdue_open"] == 1
    classes = {r["class"]: r["n"] for r in next(t for t in section.tables if t.key == "by_class").as_dicts()}
    assert classes == {"重大投诉": 1, "一般投诉": 2, "无效投诉": 1, "尚未定性": 2}


# --- month rows --------------------------------------------------------------------------


def test_a_long_period_reads_whole_months_from_the_month_rows_with_the_same_figures(hall):
    from reports.models import Grain
    from reports.stats.services import rollup_range

    october = [date(2026, 10, 9), date(2026, 10, 19)]  # a Friday and a Monday
    for day in october:
        _day_of_tickets(hall, day)
    _day_of_tickets(hall, date(2026, 9, 28))
    _day_of_tickets(hall, PAST)
    # Every day of September 1 … November 19 rolled up: September and October are whole months.
    rollup_range(actor="test", start=date(2026, 9, 1), end=date(2026, 11, 19), today=TODAY)
    assert TicketRollup.objects.filter(grain=Grain.MONTH, service_date=date(2026, 10, 1)).exists()
    assert not TicketRollup.objects.filter(grain=Grain.MONTH, service_date=date(2026, 11, 1)).exists()
    long = _filter(hall, start=date(2026, 9, 15), end=TODAY, branch=hall["branch"])  # 67 days
    data = selectors.QueueData(long)
    assert data.plan.months == [date(2026, 10, 1)]  # September is not whole inside the period
    totals = data.totals()
    assert totals.values["taken"] == 4 * HALL1["taken"]
    assert totals.values["wait_seconds"] == 4 * HALL1["wait_seconds"]
    assert sum(totals.wait_hist.values()) == 4 * HALL1["wait_n"]
    # The same figures from the day rows only (a short period never reads month rows).
    october_only = selectors.QueueData(
        _filter(hall, start=date(2026, 10, 1), end=date(2026, 10, 31), branch=hall["branch"])
    )
    assert october_only.plan.months == []
    assert october_only.totals().values["taken"] == 2 * HALL1["taken"]
    heat = data.by("weekday", "hour")
    assert heat[(0, 9)]["taken"] == 3 * 3  # three Mondays (09-28, 10-19, 11-16) × three 9 o'clock tickets
    assert heat[(4, 9)]["taken"] == 3  # one Friday


def test_a_long_period_shows_months_in_the_trend_and_the_table(hall):
    from reports.stats.services import rollup_range

    _day_of_tickets(hall, date(2026, 10, 9))
    rollup_range(actor="test", start=date(2026, 9, 1), end=date(2026, 11, 19), today=TODAY)
    section = selectors.queue_section(_filter(hall, start=date(2026, 9, 1), end=TODAY, branch=hall["branch"]))
    trend = next(c for c in section.charts if c.key == "queue_trend")
    assert trend.option["xAxis"]["data"] == ["2026-09", "2026-10", "2026-11"]
    months = next(t for t in section.tables if t.key == "days")
    assert months.title == "每月"
    assert [r["date"] for r in months.as_dicts()] == ["2026-10"]
    assert months.as_dicts()[0]["weekday"] == 31


def test_re_rolling_a_day_of_an_ended_month_rebuilds_the_month(hall):
    from reports.models import Grain
    from reports.stats.services import rollup_range

    rollup_range(actor="test", start=date(2026, 10, 1), end=date(2026, 10, 31), today=TODAY)
    assert not TicketRollup.objects.filter(grain=Grain.MONTH).exists()  # no tickets yet
    _day_of_tickets(hall, date(2026, 10, 9))
    rollup_day(actor="test", day=date(2026, 10, 9), today=TODAY)
    month_rows = TicketRollup.objects.filter(grain=Grain.MONTH, service_date=date(2026, 10, 1))
    assert month_rows.aggregate(n=Sum("taken"))["n"] == 8
    assert RollupRun.objects.filter(kind="month", day=date(2026, 10, 1)).exists()
