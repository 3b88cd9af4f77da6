"""监督检查 pages, by sub-domain: `inspections` (the inspection sheet, publishing, photos),
`patrols` (the 巡查表, rounds, the monthly summary and its sign-off), `violations` (the
ledger, reversal, reports to units), `third_party` (reports, issue notices,
rectification) and `facilities`. Short function views; every write goes through
`supervision.services`. The names are re-exported here; urls.py takes them from the
sub-modules."""

from __future__ import annotations

from supervision.views.facilities import (
    facility_list,
    facility_renew,
    facility_retire,
)
from supervision.views.inspections import (
    inspection_bulletin,
    inspection_detail,
    inspection_list,
    inspection_new,
    inspection_photos,
    inspection_publish,
    inspection_void,
    inspection_windows,
    upload_file,
)
from supervision.views.patrols import (
    patrol_add,
    patrol_detail,
    patrol_home,
    patrol_new,
    patrol_row,
    patrol_sign,
    patrol_summary,
    patrol_void,
    summary_detail,
    summary_sign,
    summary_submit,
)
from supervision.views.third_party import (
    notice_detail,
    notice_letter,
    notice_letter_pdf,
    notice_report_print,
    notice_review,
    tp_home,
    tp_notice_issue,
    tp_report_detail,
    tp_report_new,
)
from supervision.views.violations import (
    report_retract,
    report_send,
    violation_detail,
    violation_ledger,
    violation_new,
    violation_reverse,
)

__all__ = [
    "facility_list",
    "facility_renew",
    "facility_retire",
    "inspection_bulletin",
    "inspection_detail",
    "inspection_list",
    "inspection_new",
    "inspection_photos",
    "inspection_publish",
    "inspection_void",
    "inspection_windows",
    "notice_detail",
    "notice_letter",
    "notice_letter_pdf",
    "notice_report_print",
    "notice_review",
    "patrol_add",
    "patrol_detail",
    "patrol_home",
    "patrol_new",
    "patrol_row",
    "patrol_sign",
    "patrol_summary",
    "patrol_void",
    "report_retract",
    "report_send",
    "summary_detail",
    "summary_sign",
    "summary_submit",
    "tp_home",
    "tp_notice_issue",
    "tp_report_detail",
    "tp_report_new",
    "upload_file",
    "violation_detail",
    "violation_ledger",
    "violation_new",
    "violation_reverse",
]
