# ruff: noqa: E501 — the hand-written SQL reads best one clause per line
"""Benchmark of the statistics (reports/stats) on the large data set: every figure through
our selectors against one hand-written SQL query computing the same figure on the same
database in the same run; checks that the two agree and prints ours ms, hand SQL ms and
the ratio.

    DATABASE_URL=postgres://postgres@127.0.0.1:55432/hpf_large \\
        .venv/bin/python bench/reports_bench.py [--runs 3] [--rollup] [--days 365]

It reads DATABASE_URL, which must point at PostgreSQL holding the large data set (a year
of a large centre: ~3 M tickets, 1 M cases, 2 M ratings). Without it, it prints how to
make one and exits 0. `--rollup` first runs `reports_rollup` for every day of the period
that has not been rolled up (the nightly timer does this one day at a time).

Timings are the median of `--runs` runs after one warm-up run, measured in this process
(wall clock, including Django building and reading the queries — what a page pays).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HOW_TO = """\
DATABASE_URL is not set (or not PostgreSQL): nothing to measure.

The report benchmark needs PostgreSQL with the large data set. Make one with:

    createdb hpf_large
    DATABASE_URL=postgres://USER@HOST:PORT/hpf_large .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://USER@HOST:PORT/hpf_large .venv/bin/python manage.py simulate --bulk --scale large
    DATABASE_URL=postgres://USER@HOST:PORT/hpf_large .venv/bin/python bench/reports_bench.py --rollup

(see docs/reports.md and docs/performance.md).
"""


@dataclass
class Result:
    figure: str
    ours_ms: float
    hand_ms: float | None
    agree: bool | None
    detail: str = ""


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    fn()  # warm-up: connections, rule-set and calendar caches
    samples = []
    value = None
    for _ in range(runs):
        began = time.perf_counter()
        value = fn()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples), value


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--rollup", action="store_true", help="roll up the days of the period that are missing first"
    )
    parser.add_argument("--days", type=int, default=365, help="length of the period")
    parser.add_argument(
        "--end", help="last day of the period (default: the last day with data, at most yesterday)"
    )
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "").strip()
    if not url.startswith(("postgres://", "postgresql://")):
        print(HOW_TO)
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from reports.models import RollupKind, RollupRun

    with connection.cursor() as cur:
        cur.execute("SELECT count(*), min(service_date), max(service_date) FROM queueing_ticket")
        tickets, first_day, last_day = cur.fetchone()
        cur.execute("SELECT count(*) FROM cases_case")
        cases = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM ratings_rating")
        ratings = cur.fetchone()[0]
    if not tickets:
        print("The database has no tickets.\n\n" + HOW_TO)
        return 0
    today = timezone.localdate()
    end = min(last_day, today - timedelta(days=1))
    if args.end:
        end = min(end, date.fromisoformat(args.end))
    start = max(first_day, end - timedelta(days=args.days - 1))
    print(
        f"database: {connection.settings_dict['NAME']} on {connection.settings_dict['HOST']}:{connection.settings_dict['PORT']}"
    )
    print(
        f"data: {tickets:,} tickets, {cases:,} cases, {ratings:,} ratings; period {start} … {end} ({(end - start).days + 1} days)"
    )

    rolled = set(
        RollupRun.objects.filter(kind=RollupKind.TICKETS, day__range=(start, end)).values_list(
            "day", flat=True
        )
    )
    missing = [
        start + timedelta(days=i)
        for i in range((end - start).days + 1)
        if start + timedelta(days=i) not in rolled
    ]
    if missing and args.rollup:
        from reports.stats.services import rollup_day

        began = time.perf_counter()
        for day in missing:
            rollup_day(actor="reports_bench", day=day, today=today)
        took = time.perf_counter() - began
        print(f"rolled up {len(missing)} days in {took:.0f} s ({took / len(missing) * 1000:.0f} ms per day)")
        missing = []
    if missing:
        print(
            f"warning: {len(missing)} days of the period are not rolled up; they are computed live (run with --rollup)"
        )

    results = run_figures(start=start, end=end, today=today, runs=args.runs)
    results += run_dashboard(day=end, runs=args.runs)
    print_table(results)
    bad = [r for r in results if r.agree is False]
    return 1 if bad else 0


def sql(query: str, params: list[Any] | tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(query, params)
        return cur.fetchall()


def run_figures(*, start: date, end: date, today: date, runs: int) -> list[Result]:
    from org.models import Role
    from reports.stats import selectors
    from reports.stats.filters import StatsFilter

    target = selectors.queue_target(StatsFilter(start=start, end=end, today=today))[0] * 60
    f = StatsFilter(start=start, end=end, today=today)
    results: list[Result] = []
    _ = Role

    # The definitions of reports/figures.py, written out in SQL over a CTE `t` of the
    # period's tickets with their first call (the first 叫号 event, else called_at).
    called = "status IN ('called','serving','done','no_show') AND called_at IS NOT NULL"
    counted = "first_call IS NOT NULL AND status NOT IN ('no_show','cancelled')"
    wait = "GREATEST(0, EXTRACT(EPOCH FROM first_call - taken_at))"
    elapsed = (
        "EXTRACT(EPOCH FROM COALESCE(first_call, finished_at,"
        " CASE WHEN status IN ('waiting','transferred') THEN now() END) - taken_at)"
    )
    past = f"NOT ({counted}) AND {elapsed} > %(target)s"
    service = "GREATEST(0, EXTRACT(EPOCH FROM finished_at - COALESCE(started_at, called_at)))"
    with_t = """WITH t AS (
        SELECT q.*, COALESCE(
            (SELECT min(e.at) FROM queueing_ticketevent e WHERE e.ticket_id = q.id AND e.action = 'call'),
            q.called_at) AS first_call
        FROM queueing_ticket q WHERE q.service_date BETWEEN %(start)s AND %(end)s)"""
    period = {"start": start, "end": end, "target": target}

    # 1. Ticket counts.
    ours_ms, totals = timed(lambda: selectors.queue_totals(f), runs)
    hand_ms, rows = timed(
        lambda: sql(
            f"""SELECT count(*), count(*) FILTER (WHERE {called}), count(*) FILTER (WHERE status='done'),
                       count(*) FILTER (WHERE status='no_show'), count(*) FILTER (WHERE status='cancelled')
                FROM queueing_ticket WHERE service_date BETWEEN %s AND %s""",
            [start, end],
        ),
        runs,
    )
    v = totals.values
    mine = (v["taken"], v["called"], v["served"], v["no_show"], v["cancelled"])
    results.append(Result("取号/叫号/办结/过号/取消", ours_ms, hand_ms, tuple(rows[0]) == mine, f"{mine}"))

    # 2. Average wait and service, share within target.
    hand_ms, rows = timed(
        lambda: sql(
            f"""{with_t}
                SELECT avg({wait}) FILTER (WHERE {counted}),
                       avg({service}) FILTER (WHERE status='done' AND finished_at IS NOT NULL),
                       count(*) FILTER (WHERE {counted} AND {wait} <= %(target)s)::float
                         / NULLIF(count(*) FILTER (WHERE {counted}) + count(*) FILTER (WHERE {past}), 0)
                FROM t""",
            period,
        ),
        runs,
    )
    avg_wait, avg_service, share = rows[0]
    agree = (
        abs(float(avg_wait) / 60 - (totals.avg_wait or 0)) < 0.01
        and abs(float(avg_service) / 60 - (totals.avg_service or 0)) < 0.01
        and abs(float(share) - (totals.within_share or 0)) < 1e-9
    )
    results.append(
        Result(
            "平均等候/平均办理/目标内叫号率",
            ours_ms,
            hand_ms,
            agree,
            f"{totals.avg_wait:.2f} min / {totals.avg_service:.2f} min / {totals.within_share:.2%}",
        )
    )

    # 3. 90th percentile of the wait (exact to the one-minute bucket).
    hand_ms, rows = timed(
        lambda: sql(
            f"""{with_t}
                SELECT percentile_disc(0.9) WITHIN GROUP (ORDER BY {wait}) FILTER (WHERE {counted}),
                       percentile_disc(0.9) WITHIN GROUP (ORDER BY {service}) FILTER (WHERE status='done' AND finished_at IS NOT NULL)
                FROM t""",
            period,
        ),
        runs,
    )
    p_wait, p_service = (float(x) / 60 for x in rows[0])
    agree = (totals.p90_wait or 0) - 1 <= p_wait < (totals.p90_wait or 0) and (
        totals.p90_service or 0
    ) - 1 <= p_service < (totals.p90_service or 0)
    results.append(
        Result(
            "90%等候/90%办理（分钟桶）",
            ours_ms,
            hand_ms,
            agree,
            f"exact {p_wait:.2f}/{p_service:.2f} min, bucket <{totals.p90_wait}/<{totals.p90_service}",
        )
    )

    # 4. Peak hours: weekday × hour of arrival.
    def ours_heat() -> dict[tuple[int, int], int]:
        heat: dict[tuple[int, int], int] = {}
        for (weekday, hour), m in selectors.QueueData(f).by("weekday", "hour").items():
            heat[(weekday, hour)] = heat.get((weekday, hour), 0) + m["taken"]
        return heat

    ours_ms, heat = timed(ours_heat, runs)
    hand_ms, rows = timed(
        lambda: sql(
            """SELECT EXTRACT(ISODOW FROM service_date)::int - 1, EXTRACT(HOUR FROM taken_at AT TIME ZONE 'Asia/Shanghai')::int, count(*)
               FROM queueing_ticket WHERE service_date BETWEEN %s AND %s GROUP BY 1, 2""",
            [start, end],
        ),
        runs,
    )
    results.append(
        Result(
            "高峰时段热力图（星期×时段）",
            ours_ms,
            hand_ms,
            {(d, h): n for d, h, n in rows} == heat,
            f"{len(heat)} cells",
        )
    )

    # 5. Trend: per day up to 62 days, per month beyond (what the page shows).
    monthly = (end - start).days + 1 > selectors.MONTH_GRAIN_AFTER_DAYS

    def ours_trend() -> dict[date, tuple[int, int, int]]:
        rows = selectors.QueueData(f).by("service_date")
        if monthly:
            rows = selectors.fold_months(rows)
        return {k[0]: (m["taken"], m["served"], m["within_target"]) for k, m in rows.items()}

    ours_ms, trend = timed(ours_trend, runs)
    unit = "date_trunc('month', service_date)::date" if monthly else "service_date"
    hand_ms, rows = timed(
        lambda: sql(
            f"""{with_t}
                SELECT {unit}, count(*), count(*) FILTER (WHERE status='done'), count(*) FILTER (WHERE {counted} AND {wait} <= %(target)s)
                FROM t GROUP BY 1""",
            period,
        ),
        runs,
    )
    agree = {r[0]: (r[1], r[2], r[3]) for r in rows} == trend
    results.append(
        Result(
            "每月趋势" if monthly else "每日趋势",
            ours_ms,
            hand_ms,
            agree,
            f"{len(rows)} {'months' if monthly else 'days'}",
        )
    )

    # 6. Per window.
    ours_ms, by_window = timed(lambda: selectors.QueueData(f).by("window_id"), runs)
    hand_ms, rows = timed(
        lambda: sql(
            f"""SELECT window_id, count(*), count(*) FILTER (WHERE status='done'), count(*) FILTER (WHERE status='no_show')
                FROM queueing_ticket WHERE service_date BETWEEN %s AND %s AND {called} GROUP BY 1""",
            [start, end],
        ),
        runs,
    )
    agree = {r[0]: (r[1], r[2], r[3]) for r in rows} == {
        k[0]: (m["called"], m["served"], m["no_show"]) for k, m in by_window.items() if k[0] is not None
    }
    results.append(Result("按窗口（叫号/办结/过号）", ours_ms, hand_ms, agree, f"{len(rows)} windows"))

    # 7. Per staff member.
    ours_ms, by_staff = timed(lambda: selectors.QueueData(f).by("staff_id"), runs)
    hand_ms, rows = timed(
        lambda: sql(
            f"""{with_t}
                SELECT staff_id, count(*) FILTER (WHERE status='done'), COALESCE(sum(round({wait})) FILTER (WHERE {counted}), 0)
                FROM t WHERE {called} GROUP BY 1""",
            period,
        ),
        runs,
    )
    agree = {r[0]: (r[1], int(r[2])) for r in rows} == {
        k[0]: (m["served"], m["wait_seconds"]) for k, m in by_staff.items() if k[0] is not None
    }
    results.append(Result("按工作人员（办结/等候合计）", ours_ms, hand_ms, agree, f"{len(rows)} staff"))

    # 8. One staff member (narrow filter) over the whole period.
    busiest = rows and max(rows, key=lambda r: r[1])[0]
    if busiest:
        from org.models import Staff

        staff = Staff.objects.get(pk=busiest)
        fs = StatsFilter(start=start, end=end, today=today, staff=staff)
        ours_ms, one = timed(lambda: selectors.queue_totals(fs), runs)
        hand_ms, rows1 = timed(
            lambda: sql(
                f"""{with_t}
                    SELECT count(*) FILTER (WHERE status='done'), avg({wait}) FILTER (WHERE {counted})
                    FROM t WHERE staff_id=%(staff)s AND {called}""",
                {**period, "staff": busiest},
            ),
            runs,
        )
        agree = (
            rows1[0][0] == one.values["served"] and abs(float(rows1[0][1]) / 60 - (one.avg_wait or 0)) < 0.01
        )
        results.append(Result("一名工作人员全期（办结/平均等候）", ours_ms, hand_ms, agree, staff.staff_no))

    # 9. The whole queue page (every chart and table of 排队叫号).
    ours_ms, _s = timed(lambda: selectors.queue_section(f), runs)
    results.append(Result("排队叫号页（全部图表）", ours_ms, None, None, "all figures of the page"))

    # 10. Cases by handling type.
    def ours_cases() -> dict[str, tuple[int, int, int]]:
        s = selectors.case_section(f)
        table = next(t for t in s.tables if t.key == "by_type").as_dicts()
        return {r["type"]: (r["received"], r["completed"], r["overdue"]) for r in table}

    from catalog.models import HandlingType

    ours_ms, by_type = timed(ours_cases, runs)
    hand_ms, rows = timed(
        lambda: sql(
            """SELECT handling_type, count(*), count(*) FILTER (WHERE status IN ('completed','delivered')),
                      count(*) FILTER (WHERE status IN ('completed','delivered') AND overdue)
               FROM cases_case WHERE received_on BETWEEN %s AND %s GROUP BY 1""",
            [start, end],
        ),
        runs,
    )
    agree = {HandlingType(r[0]).label: (r[1], r[2], r[3]) for r in rows} == by_type
    results.append(
        Result(
            "办件页（按类型、事项、超时情形、超时明细）", ours_ms, hand_ms, agree, "hand SQL: by type only"
        )
    )

    # 11. Overdue reasons (of the cases counted as 超时办结: completed and found overdue).
    def ours_reasons() -> dict[str, int]:
        from django.db.models import Count

        from cases.models import OverdueFinding
        from reports.figures import COMPLETED

        qs = selectors.case_queryset(f).filter(status__in=COMPLETED, overdue=True)
        return dict(
            OverdueFinding.objects.filter(case__in=qs.values("pk"))
            .values_list("code")
            .annotate(n=Count("pk"))
            .order_by()
        )

    ours_ms, reasons = timed(ours_reasons, runs)
    hand_ms, rows = timed(
        lambda: sql(
            """SELECT f.code, count(*) FROM cases_overduefinding f JOIN cases_case c ON c.id = f.case_id
               WHERE c.received_on BETWEEN %s AND %s AND c.status IN ('completed','delivered') AND c.overdue
               GROUP BY 1""",
            [start, end],
        ),
        runs,
    )
    results.append(
        Result("超时办结情形", ours_ms, hand_ms, dict(rows) == reasons, f"{sum(reasons.values())} findings")
    )

    # 12. Ratings by level.
    def ours_levels() -> dict[int, int]:
        s = selectors.rating_section(f)
        labels = {"非常满意": 5, "满意": 4, "基本满意": 3, "不满意": 2, "非常不满意": 1}
        table = next(t for t in s.tables if t.key == "levels").as_dicts()
        return {labels[r["level"]]: r["n"] for r in table if r["n"]}

    ours_ms, levels = timed(ours_levels, runs)
    hand_ms, rows = timed(
        lambda: sql(
            "SELECT level, count(*) FROM ratings_rating WHERE rated_on BETWEEN %s AND %s GROUP BY 1",
            [start, end],
        ),
        runs,
    )
    results.append(
        Result(
            "好差评页（等级、窗口、人员、每日、回访）",
            ours_ms,
            hand_ms,
            dict(rows) == levels,
            "hand SQL: by level only",
        )
    )

    # 13. Appointments by status.
    def ours_appointments() -> dict[str, int]:
        s = selectors.appointment_section(f)
        k = {x.key: x.value for x in s.kpis}
        return {
            "checked_in": k["checked_in"],
            "late": k["late"],
            "cancelled": k["cancelled"],
            "no_show": k["no_show"],
        }

    ours_ms, appts = timed(ours_appointments, runs)
    hand_ms, rows = timed(
        lambda: sql(
            "SELECT status, count(*) FROM queueing_appointment WHERE service_date BETWEEN %s AND %s GROUP BY 1",
            [start, end],
        ),
        runs,
    )
    hand = dict(rows)
    results.append(
        Result(
            "预约页",
            ours_ms,
            hand_ms,
            all(hand.get(k, 0) == n for k, n in appts.items()),
            f"{sum(hand.values())} appointments",
        )
    )

    # 14. Complaints by class.
    def ours_complaints() -> dict[str, int]:
        s = selectors.complaint_section(f)
        return {r["class"]: r["n"] for r in next(t for t in s.tables if t.key == "by_class").as_dicts()}

    ours_ms, classes = timed(ours_complaints, runs)
    hand_ms, rows = timed(
        lambda: sql(
            "SELECT COALESCE(NULLIF(class_code, ''), 'unclassified'), count(*) FROM complaints_complaint WHERE received_on BETWEEN %s AND %s GROUP BY 1",
            [start, end],
        ),
        runs,
    )
    labels = {"major": "重大投诉", "general": "一般投诉", "invalid": "无效投诉", "unclassified": "尚未定性"}
    results.append(
        Result(
            "投诉页",
            ours_ms,
            hand_ms,
            {labels[k]: n for k, n in rows} == classes,
            f"{sum(classes.values())} complaints",
        )
    )
    return results


def run_dashboard(*, day: date, runs: int) -> list[Result]:
    """The live hall dashboard (reports/dashboard) for the whole centre, as if it were 11:00
    on the last day with data: every branch's figures in one refresh, against one
    hand-written query for the day's counters per branch plus one for the open cases."""
    from datetime import datetime, time

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from org.models import Branch, Role
    from reports.dashboard.selectors import hall_dashboard

    leader = get_user_model().objects.filter(groups__name=Role.LEADER.label).first()
    branches = list(Branch.objects.filter(is_active=True).order_by("code"))
    now = timezone.make_aware(datetime.combine(day, time(11, 0)))

    ours_ms, board = timed(lambda: hall_dashboard(leader, branches, now=now), runs)
    ours = {
        b.code: (b.taken, b.served, b.no_show, b.cases_due_today, b.cases_overdue) for b in board.branches
    }

    def hand() -> dict[str, tuple[int, int, int, int, int]]:
        tickets = sql(
            """SELECT b.code, count(t.id), count(t.id) FILTER (WHERE t.status = 'done'),
                      count(t.id) FILTER (WHERE t.status = 'no_show')
               FROM org_branch b LEFT JOIN queueing_ticket t ON t.branch_id = b.id AND t.service_date = %s
               WHERE b.is_active GROUP BY b.code""",
            [day],
        )
        cases = dict(
            (code, (due, overdue))
            for code, due, overdue in sql(
                """SELECT b.code,
                          count(*) FILTER (WHERE c.status IN ('accepted','joint') AND c.deadline = %s),
                          count(*) FILTER (WHERE (c.status IN ('accepted','joint') AND c.deadline < %s)
                                           OR c.overdue)
                   FROM cases_case c JOIN org_branch b ON b.id = c.branch_id
                   WHERE c.status IN ('supplement','accepted','joint','escalated','completed','review')
                   GROUP BY b.code""",
                [day, day],
            )
        )
        return {code: (n, done, gone, *cases.get(code, (0, 0))) for code, n, done, gone in tickets}

    hand_ms, expected = timed(hand, runs)
    return [
        Result(
            "大厅实况（全中心一次刷新）",
            ours_ms,
            hand_ms,
            expected == ours,
            f"{len(branches)} branches, {sum(v[0] for v in ours.values()):,} tickets that day",
        )
    ]


def print_table(results: list[Result]) -> None:
    print()
    print(f"| {'figure':<34} | {'ours ms':>8} | {'hand SQL ms':>11} | {'ratio':>6} | agree | detail")
    print(f"|{'-' * 36}|{'-' * 10}|{'-' * 13}|{'-' * 8}|-------|-------")
    for r in results:
        hand = f"{r.hand_ms:.1f}" if r.hand_ms is not None else "—"
        ratio = f"{r.ours_ms / r.hand_ms:.2f}" if r.hand_ms else "—"
        agree = {True: "yes", False: "NO", None: "—"}[r.agree]
        print(f"| {r.figure:<34} | {r.ours_ms:>8.1f} | {hand:>11} | {ratio:>6} | {agree:<5} | {r.detail}")
    slowest = max(results, key=lambda r: r.ours_ms)
    print(f"\nslowest figure: {slowest.figure} {slowest.ours_ms:.0f} ms (limit 1000 ms)")


if __name__ == "__main__":
    sys.exit(main())
