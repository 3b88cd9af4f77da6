"""The statistics as JSON: /api/v1/stats/{queue|appointments|cases|ratings|complaints}.

Same figures, filters and access rules as the pages (reports/stats/views.py): staff
authenticate with a bearer token or the session; office, leaders, inspectors and
administrators see the whole centre, a department head only their own branch.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema

from common import clock
from common.api import errors
from org.access import require_roles
from org.auth import bearer_or_session
from reports.stats import selectors
from reports.stats.filters import STATS_ROLES, parse_filter

router = Router()


class PeriodOut(Schema):
    start: date
    end: date
    label: str
    scope: str


class ColumnOut(Schema):
    key: str
    label: str
    format: str


class TableOut(Schema):
    key: str
    title: str
    columns: list[ColumnOut]
    rows: list[dict[str, Any]]
    note: str


class FigureOut(Schema):
    key: str
    label: str
    value: float | int | None
    format: str
    note: str


class StatsSectionOut(Schema):
    section: str
    title: str
    period: PeriodOut
    figures: list[FigureOut]
    sources: dict[str, Any]
    tables: list[TableOut]
    notes: list[str]


def _json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 4)
    return value


def section_out(s: selectors.Section) -> dict[str, Any]:
    return {
        "section": s.key,
        "title": s.title,
        "period": {"start": s.f.start, "end": s.f.end, "label": s.f.label, "scope": s.f.scope_label},
        "figures": [
            {"key": k.key, "label": k.label, "value": _json(k.value), "format": k.fmt, "note": k.note}
            for k in s.kpis
        ],
        "sources": s.sources,
        "tables": [
            {
                "key": t.key,
                "title": t.title,
                "columns": [{"key": c.key, "label": c.label, "format": c.fmt} for c in t.columns],
                "rows": [{k: _json(v) for k, v in row.items()} for row in t.as_dicts()],
                "note": t.note,
            }
            for t in s.tables
        ],
        "notes": s.notes,
    }


@router.get(
    "/stats/{section}",
    response={200: StatsSectionOut, **errors(400, 401, 403)},
    auth=bearer_or_session,
    summary="运营统计（排队叫号、预约、办件、好差评、投诉）",
    description=(
        "period（today、this_week、last_week、this_month、last_month、this_quarter、this_year）"
        "或 start 与 end（含，YYYY-MM-DD）；可选 branch、window、staff（编号）、category、matter。"
        "定义见 docs/reports.md。"
    ),
    tags=["reports"],
)
def stats_section(
    request: HttpRequest,
    section: Literal["queue", "appointments", "cases", "ratings", "complaints"],
    period: str | None = None,
    start: str | None = None,
    end: str | None = None,
    branch: str | None = None,
    window: str | None = None,
    staff: str | None = None,
    category: str | None = None,
    matter: str | None = None,
) -> dict[str, Any]:
    require_roles(request.user, STATS_ROLES)
    params = {
        k: v
        for k, v in {
            "period": period,
            "start": start,
            "end": end,
            "branch": branch,
            "window": window,
            "staff": staff,
            "category": category,
            "matter": matter,
        }.items()
        if v
    }
    f = parse_filter(request.user, params, today=clock.today())
    return section_out(selectors.SECTIONS[section](f))
