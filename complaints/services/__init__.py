"""Every write of the complaint process (000 §五(四); 001 第四十五–四十八条).

Keyword-only, typed, one transaction each; every change of status goes through
`audit.transitions.transition` (the model's map, a `ComplaintEvent` on the complaint's
timeline, an audit event). Time limits are computed only by the workdays calendar from
the complaint rule set recorded on the complaint; a limit in an unpublished year is
stored as "pending calendar", never guessed. `now` is when the act happened (default:
now); views never pass it, imports, the demo seed and tests do.

    intake       登记, the public form and look-up, attachments, password, contacts (§2, §8(1), §10)
    acceptance   受理, 当场解决, 定性, 责任认定 (§6, §7(1), §8(1)(2))
    handling     部门办理, 集体会审, 办理报告 and its review, 答复, §13 incidents (§8(3)–(5))
    follow_up    回访 and reopening, 归档 (§8(6))
    deadlines    不能按时办结, limits waiting for the calendar, the sweep (§7)
    penalties    处理措施 and fines (§9)
    appeals      the party committee's re-review (§11)
"""

from complaints.services._common import PUBLIC_ACTOR, complaint_require_step
from complaints.services.acceptance import (
    complaint_accept,
    complaint_classify,
    complaint_determine,
    complaint_settle_on_the_spot,
)
from complaints.services.appeals import complaint_appeal_decide, complaint_appeal_file
from complaints.services.deadlines import (
    complaint_deadlines_recompute,
    complaint_report_delay,
    complaint_sweep,
)
from complaints.services.follow_up import complaint_archive, complaint_follow_up
from complaints.services.handling import (
    complaint_joint_review,
    complaint_record_handling,
    complaint_record_incident,
    complaint_reply,
    complaint_review_report,
    complaint_submit_report,
)
from complaints.services.intake import (
    complaint_attach,
    complaint_contact_reveal,
    complaint_password_reset,
    complaint_public_lookup,
    complaint_register,
    complaint_submit_public,
    new_query_password,
)
from complaints.services.penalties import complaint_sanction

__all__ = [
    "PUBLIC_ACTOR",
    "complaint_accept",
    "complaint_appeal_decide",
    "complaint_appeal_file",
    "complaint_archive",
    "complaint_attach",
    "complaint_classify",
    "complaint_contact_reveal",
    "complaint_deadlines_recompute",
    "complaint_determine",
    "complaint_follow_up",
    "complaint_joint_review",
    "complaint_password_reset",
    "complaint_public_lookup",
    "complaint_record_handling",
    "complaint_record_incident",
    "complaint_register",
    "complaint_reply",
    "complaint_report_delay",
    "complaint_require_step",
    "complaint_review_report",
    "complaint_sanction",
    "complaint_settle_on_the_spot",
    "complaint_submit_public",
    "complaint_submit_report",
    "complaint_sweep",
    "new_query_password",
]
