"""Writes of the catalog: matters and their guide versions, one-time notices.

Every function is keyword-only, runs in one transaction and writes its event row and
its audit event in that transaction (docs/architecture.md "Writes"); a status moves
only through `audit.transitions.transition`.

* `guides` — what a guide version says (GuideSpec, MaterialSpec) and its problems;
* `matters` — matter_create, matter_revise, matter_set_status;
* `notices` — the citizen, notice_issue, notice_void;
* `signatures` — the citizen's signature on the pad or on paper, or the refusal.

The one-time rule's reads (`breach_findings`, `same_citizen`) are in catalog.selectors.
"""

from catalog.selectors import BreachFinding, breach_findings
from catalog.services.guides import MAX_COPIES, GuideSpec, InvalidGuide, MaterialSpec, guide_problems
from catalog.services.matters import matter_create, matter_revise, matter_set_status
from catalog.services.notices import Citizen, notice_issue, notice_void
from catalog.services.signatures import (
    MAX_SCAN_BYTES,
    MAX_SIGNATURE_BYTES,
    notice_refuse_signature,
    notice_sign_on_pad,
    notice_sign_on_paper,
)

__all__ = [
    "MAX_COPIES",
    "MAX_SCAN_BYTES",
    "MAX_SIGNATURE_BYTES",
    "BreachFinding",
    "Citizen",
    "GuideSpec",
    "InvalidGuide",
    "MaterialSpec",
    "breach_findings",
    "guide_problems",
    "matter_create",
    "matter_revise",
    "matter_set_status",
    "notice_issue",
    "notice_refuse_signature",
    "notice_sign_on_pad",
    "notice_sign_on_paper",
    "notice_void",
]
