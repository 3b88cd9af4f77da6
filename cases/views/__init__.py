"""Staff pages of cases, by area: the worklists and reports (`worklist`), acceptance
(`accept`), the case page and its notices (`detail`) and the steps taken on it
(`actions`). The applicant's query pages are `cases.views_public`."""

from __future__ import annotations

from cases.views.accept import case_accept, case_accept_matter
from cases.views.actions import case_action, case_handover_action, case_password_reset
from cases.views.detail import case_detail, case_extension_print, case_print
from cases.views.worklist import case_overdue_report, case_pending_calendar, case_reminder_seen, case_worklist

__all__ = [
    "case_accept",
    "case_accept_matter",
    "case_action",
    "case_detail",
    "case_extension_print",
    "case_handover_action",
    "case_overdue_report",
    "case_password_reset",
    "case_pending_calendar",
    "case_print",
    "case_reminder_seen",
    "case_worklist",
]
