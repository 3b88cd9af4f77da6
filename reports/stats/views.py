"""Statistics pages (运营统计): one page per area with the same period and filter bar;
`?format=xlsx` downloads the page's tables as a workbook."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from audit.services import audit_record
from common import clock
from common.db import reporting_alias
from common.excel import xlsx_response
from org.access import role_required
from org.models import Branch, Category, Staff, Window
from reports.figures import minutes_text, percent_text
from reports.stats import exports, selectors
from reports.stats.filters import PERIODS, STATS_ROLES, BadFilter, StatsFilter, parse_filter


def _display(value: Any, fmt: str) -> str:
    if value is None:
        return "—"
    if fmt == "pct":
        return percent_text(value)
    if fmt in ("min", "hours"):
        return minutes_text(value)
    if fmt == "float":
        return f"{value:.2f}"
    if fmt == "date" and isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    if fmt == "int" and isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _options(request: HttpRequest, f: StatsFilter | None) -> dict[str, Any]:
    alias = reporting_alias()
    branches = list(
        Branch.objects.using(alias).visible_to(request.user).filter(is_active=True).order_by("code")
    )
    windows = (
        Window.objects.using(alias)
        .visible_to(request.user)
        .select_related("branch")
        .order_by("branch__code", "number")
    )
    staff = Staff.objects.using(alias).visible_to(request.user).filter(is_active=True).order_by("staff_no")
    if f is not None and f.branch is not None:
        windows = windows.filter(branch=f.branch)
        staff = staff.filter(branch=f.branch)
    from catalog.selectors import current_versions

    matters = sorted(
        ((v.matter_id, f"{v.name}（{v.matter.code}）") for v in current_versions().select_related("matter")),
        key=lambda m: m[1],
    )
    return {
        "branches": branches,
        "windows": list(windows),
        "staff_list": list(staff.only("pk", "name", "staff_no")),
        "categories": Category.choices,
        "matters": matters,
        "periods": PERIODS,
    }


def _tabs(f: StatsFilter | None, current: str) -> list[dict[str, Any]]:
    query = f.query() if f else ""
    return [
        {
            "key": key,
            "label": label,
            "url": f"/stats/{'' if key == 'queue' else key + '/'}?{query}",
            "current": key == current,
        }
        for key, label in selectors.SECTION_TITLES.items()
    ]


@role_required(*STATS_ROLES)
def stats_page(request: HttpRequest, section: str = "queue") -> HttpResponse:
    build = selectors.SECTIONS.get(section)
    if build is None:
        raise Http404("没有这个统计页面。")
    today = clock.today()
    error = ""
    f: StatsFilter | None = None
    try:
        f = parse_filter(request.user, request.GET, today=today)
    except BadFilter as exc:
        error = exc.message
    context: dict[str, Any] = {"section_key": section, "error": error, "tabs": _tabs(f, section), "f": f}
    context.update(_options(request, f))
    if f is None:
        context["title"] = selectors.SECTION_TITLES[section]
        return render(request, "reports/stats/page.html", context, status=400)
    result = build(f)
    if request.GET.get("format") == "xlsx":
        audit_record(
            actor=request.user,
            action="reports.stats.export",
            summary=f"导出{result.title}统计 {f.label} {f.scope_label}",
        )
        name = f"stats-{section}-{f.start:%Y%m%d}-{f.end:%Y%m%d}.xlsx"
        return xlsx_response(exports.section_workbook(result), name)
    context.update(
        {
            "title": result.title,
            "s": result,
            "kpis": [{"k": k, "text": _display(k.value, k.fmt)} for k in result.kpis],
            "tables": [
                {
                    "t": t,
                    "rows": [
                        [(_display(v, c.fmt), c.fmt) for v, c in zip(row, t.columns, strict=True)]
                        for row in t.rows
                    ],
                }
                for t in result.tables
            ],
            "charts": [
                {"c": c, "dom_id": f"chart-{c.key}", "data_id": f"chart-data-{c.key}"} for c in result.charts
            ],
            "export_url": f"?{f.query(format='xlsx')}",
            "query": f.query(),
        }
    )
    return render(request, "reports/stats/page.html", context)
