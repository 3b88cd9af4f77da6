"""Every write of the supervision records (000 §五(五)4(2); 002 篇4; 004 §四; 000 §四(三)3;
000 §二(一)4; 000 §五(四)12), by sub-domain:

| module | what |
|---|---|
| `inspections` | 日常/突击/领导检查: record, photos, publish (通报), void |
| `violations` | the violations ledger, counter-entries, reports to units, the void flow |
| `sources` | hook receivers: complaint fines and breaches enter the ledger with their decision |
| `patrols` | daily patrols, the duty leader's signature, the monthly summary and its sign-off |
| `third_party` | third-party reports and findings, issue notices, rectification and acceptance |
| `facilities` | facilities with a validity date: register, renew, retire |
| `reviews` | the weekly review of a hall |
| `analysis` | the written part of the yearly complaint analysis |

Keyword-only, typed, one transaction each. A status moves only through
`audit.transitions.transition` along the model's `TRANSITIONS` (the event row on the
record's timeline and the audit event with it); a record's creation and a note on its
timeline are written by `_common.record_event`. Nothing is deleted: inspections and
patrols are voided, violations reversed by counter-entries, reports withdrawn,
facilities retired. This package re-exports the public names, so callers write
`supervision.services.inspection_record(...)`.
"""

from __future__ import annotations

from supervision.selectors import month_of, week_monday
from supervision.services._common import attach_files
from supervision.services.analysis import (
    complaint_analysis_decide,
    complaint_analysis_save,
    complaint_analysis_submit,
)
from supervision.services.facilities import facility_register, facility_renew, facility_retire
from supervision.services.inspections import (
    FindingInput,
    inspection_attach,
    inspection_publish,
    inspection_record,
    inspection_void,
)
from supervision.services.patrols import (
    patrol_add_violation,
    patrol_record,
    patrol_sign,
    patrol_void,
    summary_sign,
    summary_submit,
)
from supervision.services.reviews import (
    TEXT_MAX,
    WEEKLY_REVIEW_FIELDS,
    WeeklyReviewInput,
    weekly_review_reopen,
    weekly_review_save,
    weekly_review_submit,
)
from supervision.services.third_party import (
    notice_answer,
    notice_issue,
    notice_review,
    tp_finding_add,
    tp_report_register,
)
from supervision.services.violations import (
    ViolationInput,
    unit_report_retract,
    unit_report_send,
    violation_record,
    violation_reverse,
)

__all__ = [
    "TEXT_MAX",
    "WEEKLY_REVIEW_FIELDS",
    "FindingInput",
    "ViolationInput",
    "WeeklyReviewInput",
    "attach_files",
    "complaint_analysis_decide",
    "complaint_analysis_save",
    "complaint_analysis_submit",
    "facility_register",
    "facility_renew",
    "facility_retire",
    "inspection_attach",
    "inspection_publish",
    "inspection_record",
    "inspection_void",
    "month_of",
    "notice_answer",
    "notice_issue",
    "notice_review",
    "patrol_add_violation",
    "patrol_record",
    "patrol_sign",
    "patrol_void",
    "summary_sign",
    "summary_submit",
    "tp_finding_add",
    "tp_report_register",
    "unit_report_retract",
    "unit_report_send",
    "violation_record",
    "violation_reverse",
    "week_monday",
    "weekly_review_reopen",
    "weekly_review_save",
    "weekly_review_submit",
]
