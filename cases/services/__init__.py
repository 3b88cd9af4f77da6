"""Every write of a case. Each service is keyword-only, runs in one transaction with its
event rows (`CaseEvent`, the case's timeline) and its audit events, and moves a case or
one of its parts only through `audit.transitions.transition`, which refuses a move that
is not in the record's map (409 `invalid_transition`). Deadlines come only from the
workdays calendar and the rule set `case_time_limit` in force on the day they apply to;
the version used is stored (`rules_ref`).

The services by sub-domain (docs/cases.md):

* `registration` — 受理登记: the applicant, the materials, accepted / 补办件 / 退回件 (002 篇5 §二);
* `acceptance` — the moves registration, supplements and review share (000 §五(二)2);
* `supplements` — materials received, the refusal of a case waiting for them (002 篇5 §二4–5);
* `joint` — 联办件: handovers to the departments involved (002 篇5 §三3, 000 §五(二)2(3));
* `escalation` — 上报件: forwarding, the reply, the written explanation (002 篇5 §三4);
* `extensions` — 延期: request, the head's opinion, the leader's decision (000 §五(二)4);
* `completion` — 办结 and the applicant's withdrawal (002 篇5 §四);
* `delivery` — telling the applicant and handing the result over (002 篇5 §四1–2);
* `review` — 复核 of a refusal to accept (002 篇5 §四3);
* `query` — the query password and printed notices;
* `overdue` — 超时办结 findings and deadlines that waited for the calendar (000 §五(二)5);
* `reminders` — the daily sweep and its reminders.

Reads (the rule set of a case, the overdue facts, the public look-up) are in
`cases.selectors`; the names are kept here for the callers that used them from services.
"""

from __future__ import annotations

from cases.models import OPEN
from cases.selectors import (
    case_public_lookup,
    escalation_needs_explanation,
    overdue_facts,
    params_of,
)
from cases.services._common import PUBLIC_ACTOR, SWEEP_ACTOR, titled
from cases.services.completion import case_complete, case_withdraw
from cases.services.delivery import case_deliver, case_notify
from cases.services.escalation import case_escalate, case_escalation_explain, case_escalation_reply
from cases.services.extensions import (
    case_extension_head_opinion,
    case_extension_leader_decision,
    case_extension_request,
)
from cases.services.joint import case_handover_answer, case_handover_cancel, case_handover_register
from cases.services.overdue import case_deadlines_recompute, case_overdue_check
from cases.services.query import case_password_reset, case_print_record, new_query_password
from cases.services.registration import (
    MISSING_MATERIALS_CODE,
    ApplicantData,
    CheckedRejection,
    MaterialMark,
    Registration,
    Rejection,
    case_register,
    check_rejection,
)
from cases.services.reminders import cases_sweep, reminder_mark_seen
from cases.services.review import case_review_decide, case_review_request
from cases.services.supplements import case_reject, case_supplement_receive

__all__ = [
    "MISSING_MATERIALS_CODE",
    "OPEN",
    "PUBLIC_ACTOR",
    "SWEEP_ACTOR",
    "ApplicantData",
    "CheckedRejection",
    "MaterialMark",
    "Registration",
    "Rejection",
    "case_complete",
    "case_deadlines_recompute",
    "case_deliver",
    "case_escalate",
    "case_escalation_explain",
    "case_escalation_reply",
    "case_extension_head_opinion",
    "case_extension_leader_decision",
    "case_extension_request",
    "case_handover_answer",
    "case_handover_cancel",
    "case_handover_register",
    "case_notify",
    "case_overdue_check",
    "case_password_reset",
    "case_print_record",
    "case_public_lookup",
    "case_register",
    "case_reject",
    "case_review_decide",
    "case_review_request",
    "case_supplement_receive",
    "case_withdraw",
    "cases_sweep",
    "check_rejection",
    "escalation_needs_explanation",
    "new_query_password",
    "overdue_facts",
    "params_of",
    "reminder_mark_seen",
    "titled",
]
