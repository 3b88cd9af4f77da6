"""办件 statistics (000 §五(二) 办理时限; 超时办结 000 §五(二)5): cases received, completed,
completed on time, completed overdue, unfinished, refused and withdrawn (received = the
sum of the last four outcomes, reports/figures.py), by handling type and by service
matter, the overdue findings by reason, and the overdue cases themselves (applicant masked).
Read from the cases table: a case of last month can still be completed or found overdue.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from cases.models import Case, CaseStatus, OverdueFinding
from catalog.models import HandlingType
from common import clock
from common.db import reporting_alias
from common.identity import mask_name, mask_phone
from reports.figures import COMPLETED, UNFINISHED, CaseFigures, case_measures
from reports.stats import charts
from reports.stats.filters import StatsFilter
from reports.stats.selectors.labels import (
    matter_names,
)
from reports.stats.selectors.results import Column, Kpi, Section, Table


def case_queryset(f: StatsFilter) -> QuerySet[Any]:

    qs = Case.objects.using(reporting_alias()).filter(received_on__range=(f.start, f.end))
    if f.branch_ids is not None:
        qs = qs.filter(branch_id__in=f.branch_ids)
    if f.window is not None:
        qs = qs.filter(window_id=f.window.pk)
    if f.staff is not None:
        qs = qs.filter(first_responsible_id=f.staff.pk)
    if f.matter_id:
        qs = qs.filter(matter_id=f.matter_id)
    if f.category:
        qs = qs.filter(matter__category=f.category)
    return qs


def case_figures(f: StatsFilter) -> CaseFigures:
    """The case figures of a period and filter (cases received in it): what the statistics
    page, its export and API, and the weekly review show."""
    return CaseFigures(dict(case_queryset(f).aggregate(**case_measures())))


CASE_COLUMNS = [
    Column("received", "收件"),
    Column("completed", "办结"),
    Column("on_time", "按时办结"),
    Column("on_time_rate", "按时办结率", "pct"),
    Column("overdue", "超时办结"),
    Column("open", "未办结"),
    Column("rejected", "不予受理"),
    Column("withdrawn", "撤回"),
]


def _case_row(m: dict[str, int]) -> list[Any]:
    return [
        m["received"],
        m["completed"],
        m["on_time"],
        CaseFigures(m).on_time_rate,
        m["overdue"],
        m["open"],
        m["rejected"],
        m["withdrawn"],
    ]


def case_section(f: StatsFilter) -> Section:

    qs = case_queryset(f)
    measures = case_measures()
    # One pass over the cases: by matter and handling type (at most a few hundred rows);
    # the type table, the matter table and the totals are sums of it.
    by_type: dict[str, dict[str, int]] = {}
    matter_rows: dict[int, dict[str, int]] = {}
    total = dict.fromkeys(measures, 0)
    for row in qs.values("matter_id", "handling_type").annotate(**measures).order_by():
        for target in (
            by_type.setdefault(row["handling_type"], dict.fromkeys(measures, 0)),
            matter_rows.setdefault(row["matter_id"], dict.fromkeys(measures, 0)),
            total,
        ):
            for k in measures:
                target[k] += row[k]
    s = Section("cases", "办件", f)
    figures = CaseFigures(total)
    open_overdue = qs.filter(status__in=UNFINISHED, overdue=True).count()
    open_note = f"其中已认定超时 {open_overdue} 件" if open_overdue else ""
    s.kpis = [
        Kpi("received", "收件", total["received"], note="= 办结 + 未办结 + 不予受理 + 撤回"),
        Kpi("completed", "办结", total["completed"]),
        Kpi("on_time_rate", "按时办结率", figures.on_time_rate, "pct", note=f"按时 {total['on_time']} 件"),
        Kpi(
            "overdue",
            "超时办结",
            total["overdue"],
            tone="red" if total["overdue"] else "green",
            note="已办结且认定超时",
        ),
        Kpi("open", "未办结", total["open"], note=open_note),
        Kpi("rejected", "不予受理", total["rejected"]),
        Kpi("withdrawn", "撤回", total["withdrawn"]),
    ]
    type_rows = [[HandlingType(t).label, *_case_row(by_type[t])] for t in HandlingType.values if t in by_type]
    s.tables.append(
        Table("by_type", "按办件类型", [Column("type", "办件类型", "text"), *CASE_COLUMNS], type_rows)
    )
    s.charts.append(
        charts.grouped_bars(
            "case_types",
            "按办件类型",
            [r[0] for r in type_rows],
            [
                ("办结", [r[2] for r in type_rows]),
                ("超时办结", [r[5] for r in type_rows]),
                ("未办结", [r[6] for r in type_rows]),
            ],
            rate_series=("按时办结率", [r[4] for r in type_rows]),
        )
    )
    # The reasons of the cases counted as 超时办结 (completed and found overdue).
    overdue_qs = qs.filter(status__in=COMPLETED, overdue=True)
    reasons = list(
        OverdueFinding.objects.using(reporting_alias())
        .filter(case__in=overdue_qs.values("pk"))
        .values("code")
        .annotate(n=Count("pk"))
        .order_by("-n", "code")
    )
    texts = (
        dict(
            OverdueFinding.objects.using(reporting_alias())
            .filter(code__in=[r["code"] for r in reasons])
            .order_by("code", "-found_at")
            .distinct()
            .values_list("code", "text")
        )
        if reasons
        else {}
    )
    s.tables.append(
        Table(
            "overdue_reasons",
            "超时办结情形（000 §五(二)5）",
            [Column("code", "情形代码", "text"), Column("text", "情形", "text"), Column("n", "件数")],
            [[r["code"], texts.get(r["code"], r["code"]), r["n"]] for r in reasons],
        )
    )
    if reasons:
        s.charts.append(
            charts.pie(
                "overdue_reasons",
                "超时办结情形",
                [(texts.get(r["code"], r["code"]), r["n"]) for r in reasons],
            )
        )
    by_matter = sorted(
        ({"matter_id": m, **values} for m, values in matter_rows.items()),
        key=lambda r: (-r["received"], r["matter_id"]),
    )[:200]
    names = matter_names(r["matter_id"] for r in by_matter)
    s.tables.append(
        Table(
            "by_matter",
            "按服务事项",
            [Column("matter", "服务事项", "text"), *CASE_COLUMNS],
            [[names.get(r["matter_id"], ""), *_case_row(r)] for r in by_matter],
            note="按收件数从多到少，最多列出 200 项。",
        )
    )
    overdue_cases = list(
        overdue_qs.select_related("branch")
        .order_by("-received_on", "pk")
        .values_list(
            "receipt_no",
            "branch__name",
            "matter_id",
            "handling_type",
            "applicant_name",
            "applicant_phone",
            "received_on",
            "deadline",
            "decided_at",
            "status",
        )[:500]
    )
    names.update(matter_names(r[2] for r in overdue_cases if r[2] not in names))

    s.tables.append(
        Table(
            "overdue_cases",
            "超时办结的办件",
            [
                Column("receipt_no", "受理编号", "text"),
                Column("branch", "管理部", "text"),
                Column("matter", "服务事项", "text"),
                Column("type", "办件类型", "text"),
                Column("applicant", "申请人", "text"),
                Column("phone", "联系电话", "text"),
                Column("received_on", "收件日期", "date"),
                Column("deadline", "办结期限", "date"),
                Column("decided_on", "办结日期", "date"),
                Column("status", "状态", "text"),
            ],
            [
                [
                    r[0],
                    r[1],
                    names.get(r[2], ""),
                    HandlingType(r[3]).label,
                    mask_name(r[4]),
                    mask_phone(r[5]),
                    r[6],
                    r[7],
                    clock.local_date(r[8]) if r[8] else None,
                    CaseStatus(r[9]).label,
                ]
                for r in overdue_cases
            ],
            note="申请人姓名和电话已脱敏；最多列出 500 件。",
        )
    )
    return s
