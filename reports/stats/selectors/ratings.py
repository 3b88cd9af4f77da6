"""好差评 statistics (000 §五(五)4(1)): ratings by level, 差评 share and 满意 share, per
window, per staff member and per day, and the 差评 follow-ups (回访整改) by status.
"""

from __future__ import annotations

from django.db.models import Count

from common.db import reporting_alias
from ratings.models import FollowUp, FollowUpStatus
from reports.figures import LEVELS, RatingFigures
from reports.models import RatingRollup, RollupKind
from reports.stats import charts, rollup
from reports.stats.filters import StatsFilter
from reports.stats.selectors.labels import (
    staff_by_id,
    staff_label,
    window_label,
    windows_by_id,
)
from reports.stats.selectors.reading import (
    MONTH_GRAIN_AFTER_DAYS,
    Aggregates,
    all_days,
    fold_months,
    months_between,
    ratio,
)
from reports.stats.selectors.results import Column, Kpi, Section, Table


def _aggregates(f: StatsFilter) -> Aggregates:
    return Aggregates(
        f,
        kind=RollupKind.RATINGS,
        model=RatingRollup,
        date_field="rated_on",
        dims=rollup.RATING_DIMS,
        measures=rollup.RATING_MEASURES,
        live_table="tickets",
        matter=True,
    )


def _figures(by_level: dict[tuple[int, ...], dict[str, int]]) -> RatingFigures:
    return RatingFigures(
        by_level={k[0]: m["n"] for k, m in by_level.items()}, bad=sum(m["bad"] for m in by_level.values())
    )


def rating_figures(f: StatsFilter) -> RatingFigures:
    """The rating figures of a period and filter: what the statistics page, its export and
    API, and the weekly review show."""
    agg = _aggregates(f)
    return _figures(agg.grouped(("level",), agg.live_rows(rollup.rating_rows)))


def rating_section(f: StatsFilter) -> Section:

    agg = _aggregates(f)
    live = agg.live_rows(rollup.rating_rows)
    by_level = agg.grouped(("level",), live)
    figures = _figures(by_level)
    total = figures.n
    bad = figures.bad
    level_labels = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
    s = Section("ratings", "好差评", f)
    followups = FollowUp.objects.using(reporting_alias()).filter(
        opened_on__range=(f.start, f.end), rating__isnull=False
    )
    if f.branch_ids is not None:
        followups = followups.filter(branch_id__in=f.branch_ids)
    if f.window is not None:
        followups = followups.filter(window_id=f.window.pk)
    if f.staff is not None:
        followups = followups.filter(staff_id=f.staff.pk)
    if f.category:
        followups = followups.filter(rating__category=f.category)
    if f.matter_id:
        followups = followups.filter(rating__matter_id=f.matter_id)
    fu = dict(followups.values_list("status").annotate(n=Count("pk")).order_by())
    s.kpis = [
        Kpi("ratings", "评价", total),
        Kpi("bad", "差评", bad, tone="red" if bad else "green"),
        Kpi("bad_share", "差评率", figures.bad_share, "pct", note="差评 = 规则集认定的等级（默认 1–2 级）"),
        Kpi("satisfied_share", "满意率", figures.satisfied_share, "pct", note="非常满意 + 满意"),
        Kpi(
            "followups_open", "差评未办结回访", sum(n for st, n in fu.items() if st != FollowUpStatus.CLOSED)
        ),
    ]
    levels = [(level_labels[lv], figures.by_level.get(lv, 0)) for lv in LEVELS]
    s.charts.append(
        charts.pie(
            "rating_levels",
            "评价等级",
            levels,
            colors=["#2e7d32", "#66bb6a", "#fbc02d", "#ef6c00", "#c62828"],
        )
    )
    s.tables.append(
        Table(
            "levels",
            "按评价等级",
            [Column("level", "评价", "text"), Column("n", "条数"), Column("share", "占比", "pct")],
            [[label, n, ratio(n, total)] for label, n in levels],
        )
    )
    cols = [Column("n", "评价"), Column("bad", "差评"), Column("bad_share", "差评率", "pct")]
    by_window = agg.grouped(("window_id",), live)
    windows = windows_by_id(k[0] for k in by_window)
    branches = f.branch_ids is None or len(f.branch_ids or ()) > 1
    s.tables.append(
        Table(
            "by_window",
            "按窗口",
            [Column("window", "窗口", "text"), *cols],
            [
                [
                    window_label(windows.get(k[0]), branches) if k[0] else "（网上评价等，无窗口）",
                    m["n"],
                    m["bad"],
                    ratio(m["bad"], m["n"]),
                ]
                for k, m in sorted(
                    by_window.items(),
                    key=lambda kv: (
                        (windows[kv[0][0]].branch.code, windows[kv[0][0]].number)
                        if kv[0][0] in windows
                        else ("~", 0)
                    ),
                )
            ],
        )
    )
    by_staff = agg.grouped(("staff_id",), live)
    staff = staff_by_id(k[0] for k in by_staff)
    s.tables.append(
        Table(
            "by_staff",
            "按工作人员",
            [Column("staff", "工作人员（工号）", "text"), *cols],
            [
                [
                    staff_label(staff.get(k[0])) if k[0] else "（未记录工作人员）",
                    m["n"],
                    m["bad"],
                    ratio(m["bad"], m["n"]),
                ]
                for k, m in sorted(
                    by_staff.items(),
                    key=lambda kv: (-kv[1]["bad"], staff[kv[0][0]].staff_no if kv[0][0] in staff else "~"),
                )
            ],
        )
    )
    by_day = agg.grouped(("rated_on",), live)
    monthly = f.days > MONTH_GRAIN_AFTER_DAYS
    if monthly:
        by_day = fold_months(by_day)
    s.charts.append(
        charts.day_bars_with_rate(
            "rating_days",
            "每月评价与差评率" if monthly else "每日评价与差评率",
            months_between(f.start, f.end) if monthly else all_days(f),
            {k[0]: m["n"] for k, m in by_day.items()},
            {k[0]: ratio(m["bad"], m["n"]) for k, m in by_day.items()},
            bars="评价",
            rate="差评率",
            monthly=monthly,
        )
    )
    s.tables.append(
        Table(
            "followups",
            "差评回访整改",
            [Column("status", "状态", "text"), Column("n", "件数")],
            [[label, fu.get(value, 0)] for value, label in FollowUpStatus.choices],
        )
    )
    return s
