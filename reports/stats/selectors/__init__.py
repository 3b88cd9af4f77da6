"""The figures of the statistics pages, exports and API (docs/reports.md defines each).

Queue and rating figures add the stored daily aggregates (reports.models, for every day
`reports_rollup` has closed) to the same aggregates computed live for the other days of
the period (always today). Appointments, cases and complaints are read from their own
tables: their volume is small, or — for cases — a case of last month can still be
completed or found overdue today, so a stored day would go stale.

One module per area: `queue` (排队叫号), `appointments` (预约), `cases` (办件), `ratings`
(好差评), `complaints` (投诉); `reading` reads a period of stored and live aggregates and
does the arithmetic on them; `labels` names windows, staff, branches and matters;
`results` is the shape of a page (Section, Kpi, Chart, Table). Every read uses
`reporting_alias()` (the read replica when one is configured).
"""

from __future__ import annotations

from collections.abc import Callable

from reports.stats.filters import StatsFilter
from reports.stats.selectors.appointments import appointment_figures, appointment_section
from reports.stats.selectors.cases import CASE_COLUMNS, case_figures, case_queryset, case_section
from reports.stats.selectors.complaints import complaint_figures, complaint_section
from reports.stats.selectors.labels import matter_names
from reports.stats.selectors.queue import (
    QUEUE_COLUMNS,
    WEEKDAYS,
    QueueData,
    QueueTotals,
    queue_figures,
    queue_section,
    queue_target,
    queue_totals,
)
from reports.stats.selectors.ratings import rating_figures, rating_section
from reports.stats.selectors.reading import (
    MONTH_GRAIN_AFTER_DAYS,
    Grouped,
    Hists,
    Plan,
    fold,
    fold_hist,
    fold_months,
    minutes,
    month_of,
    percentile_from_buckets,
    plan_for,
    ratio,
)
from reports.stats.selectors.results import Chart, Column, Kpi, Section, Table

SECTIONS: dict[str, Callable[[StatsFilter], Section]] = {
    "queue": queue_section,
    "appointments": appointment_section,
    "cases": case_section,
    "ratings": rating_section,
    "complaints": complaint_section,
}

SECTION_TITLES = {
    "queue": "排队叫号",
    "appointments": "预约",
    "cases": "办件",
    "ratings": "好差评",
    "complaints": "投诉",
}

__all__ = [
    "CASE_COLUMNS",
    "MONTH_GRAIN_AFTER_DAYS",
    "QUEUE_COLUMNS",
    "SECTIONS",
    "SECTION_TITLES",
    "WEEKDAYS",
    "Chart",
    "Column",
    "Grouped",
    "Hists",
    "Kpi",
    "Plan",
    "QueueData",
    "QueueTotals",
    "Section",
    "Table",
    "appointment_figures",
    "appointment_section",
    "case_figures",
    "case_queryset",
    "case_section",
    "complaint_figures",
    "complaint_section",
    "fold",
    "fold_hist",
    "fold_months",
    "matter_names",
    "minutes",
    "month_of",
    "percentile_from_buckets",
    "plan_for",
    "queue_figures",
    "queue_section",
    "queue_target",
    "queue_totals",
    "rating_figures",
    "rating_section",
    "ratio",
]
