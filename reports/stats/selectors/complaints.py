"""投诉 statistics (000 §五(四)): complaints by class (重大, 一般, 无效, 000 §五(四)6), by
channel and by status, with the share answered on time and those overdue now.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet

from common.db import reporting_alias
from complaints.analysis import reply_standing
from complaints.models import Channel, Complaint, ComplaintClass, Status
from complaints.selectors import overdue_q
from reports.figures import ComplaintFigures
from reports.stats import charts
from reports.stats.filters import StatsFilter
from reports.stats.selectors.reading import (
    ratio,
)
from reports.stats.selectors.results import Column, Kpi, Section, Table


def _queryset(f: StatsFilter) -> QuerySet[Complaint]:
    qs = Complaint.objects.using(reporting_alias()).filter(received_on__range=(f.start, f.end))
    if f.branch_ids is not None:
        qs = qs.filter(branch_id__in=f.branch_ids)
    if f.window is not None:
        qs = qs.filter(window_id=f.window.pk)
    if f.staff is not None:
        qs = qs.filter(staff_id=f.staff.pk)
    return qs


def _rows(f: StatsFilter) -> list[dict[str, Any]]:
    return list(
        _queryset(f)
        .values("pk", "class_code", "channel", "status", "reply_due")
        .annotate(replies_n=Count("replies"), late_replies=Count("replies", filter=Q(replies__on_time=False)))
        .order_by()
    )


def _figures(f: StatsFilter, rows: list[dict[str, Any]]) -> tuple[ComplaintFigures, dict[str, list[int]]]:
    today = f.today
    # 逾期未答复: the complaints app's own condition (complaints.selectors.overdue_q).
    figures = ComplaintFigures(received=len(rows), overdue_open=_queryset(f).filter(overdue_q(today)).count())
    by_class_time: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        klass = r["class_code"] or "unclassified"
        figures.by_class[klass] = figures.by_class.get(klass, 0) + 1
        due, on_time = reply_standing(
            replies=r["replies_n"],
            late_replies=r["late_replies"],
            status=r["status"],
            reply_due=r["reply_due"],
            today=today,
        )
        figures.due += due
        figures.on_time += on_time
        by_class_time[klass][0] += due
        by_class_time[klass][1] += on_time
    return figures, by_class_time


def complaint_figures(f: StatsFilter) -> ComplaintFigures:
    """The complaint figures of a period and filter (complaints received in it): what the
    statistics page, its export and API, and the weekly review show."""
    return _figures(f, _rows(f))[0]


def complaint_section(f: StatsFilter) -> Section:

    rows = _rows(f)
    figures, by_class_time = _figures(f, rows)
    classes: Counter[str] = Counter(figures.by_class)
    channels: Counter[str] = Counter(r["channel"] for r in rows)
    statuses: Counter[str] = Counter(r["status"] for r in rows)
    due, on_time, overdue_open = figures.due, figures.on_time, figures.overdue_open
    total = len(rows)
    s = Section("complaints", "投诉", f)
    s.kpis = [
        Kpi("received", "收到投诉", total),
        Kpi(
            "valid",
            "有效投诉",
            figures.valid,
            note="重大 + 一般",
        ),
        Kpi(
            "major",
            "重大投诉",
            classes[ComplaintClass.MAJOR],
            tone="red" if classes[ComplaintClass.MAJOR] else "",
        ),
        Kpi(
            "on_time_rate",
            "按时答复率",
            figures.on_time_rate,
            "pct",
            note=f"应答复 {due} 件，按时 {on_time} 件",
        ),
        Kpi("overdue_open", "逾期未答复", overdue_open, tone="red" if overdue_open else "green"),
    ]
    class_labels = dict(ComplaintClass.choices) | {"unclassified": "尚未定性"}
    class_rows = [
        [
            class_labels[k],
            classes[k],
            by_class_time[k][0],
            by_class_time[k][1],
            ratio(by_class_time[k][1], by_class_time[k][0]),
        ]
        for k in ("major", "general", "invalid", "unclassified")
        if classes[k]
    ]
    s.tables.append(
        Table(
            "by_class",
            "按投诉性质（000 §五(四)6）",
            [
                Column("class", "性质", "text"),
                Column("n", "件数"),
                Column("due", "应答复"),
                Column("on_time", "按时答复"),
                Column("on_time_rate", "按时答复率", "pct"),
            ],
            class_rows,
        )
    )
    s.charts.append(
        charts.pie("complaint_classes", "投诉性质", [(str(r[0]), int(r[1] or 0)) for r in class_rows])
    )
    channel_rows: list[list[Any]] = [
        [label, channels[value]] for value, label in Channel.choices if channels[value]
    ]
    s.tables.append(
        Table(
            "by_channel", "按投诉渠道", [Column("channel", "渠道", "text"), Column("n", "件数")], channel_rows
        )
    )
    s.charts.append(
        charts.bars(
            "complaint_channels",
            "投诉渠道",
            [str(r[0]) for r in channel_rows],
            [int(r[1]) for r in channel_rows],
            "件数",
        )
    )
    s.tables.append(
        Table(
            "by_status",
            "按办理状态",
            [Column("status", "状态", "text"), Column("n", "件数")],
            [[label, statuses[value]] for value, label in Status.choices if statuses[value]],
        )
    )
    if f.category or f.matter_id:
        s.notes.append("投诉不按业务类别和服务事项登记：投诉的数字未按所选类别或事项筛选。")
    return s
