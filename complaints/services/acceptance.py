"""Acceptance and classification (000 §五(四)8(1)(2), §6, §7(1)): 受理 with the owner
and the limit told, 当场解决 on the day of receipt, 定性 (major, general, invalid) with
its time limit, and 责任认定 — the department and the people, filed with the party
committee, which starts the fines of a valid complaint.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction

from audit.transitions import transition
from common import clock
from common.actors import Actor, require_staff, user_or_none
from common.errors import DomainError
from complaints.models import Complaint, ComplaintClass, Status
from complaints.selectors import Step, complaint_rules
from complaints.services._common import (
    LIMIT_FIELDS,
    complaint_class,
    due_text,
    locked,
    reply_row,
    require_step,
    set_limit,
    set_responsibility,
    step_row,
)
from complaints.services.penalties import sync_penalties
from org.access import has_role
from org.models import Department, Role, Staff


@transaction.atomic
def complaint_accept(
    *,
    actor: Actor,
    complaint: Complaint,
    owner: Staff,
    initial_findings: str,
    limit_told_via: str,
    now: datetime | None = None,
) -> Complaint:
    """受理 (§8(1)): name the owner (首办责任人), record the initial investigation and
    that the complainant was told the time limit."""
    complaint = locked(complaint)
    require_step(actor, complaint, Step.ACCEPT)
    now = now or clock.now()
    if not owner.is_active:
        raise DomainError(f"{owner.name} 不在岗，请另选首办责任人。", code="invalid_input")
    initial_findings, limit_told_via = initial_findings.strip(), limit_told_via.strip()
    if not initial_findings:
        raise DomainError("请记录初步调查核实的情况（联系了谁、了解到什么）。", code="invalid_input")
    if not limit_told_via:
        raise DomainError("请记录以何种方式告知了投诉人处理时限。", code="invalid_input")
    complaint.owner = owner
    complaint.accepted_at = now
    complaint.initial_findings = initial_findings
    complaint.limit_told_at = now
    complaint.limit_told_via = limit_told_via
    transition(
        complaint,
        Status.ACCEPTED,
        actor=actor,
        at=now,
        note=f"首办责任人：{owner.name}。初步调查：{initial_findings}",
        fields=["owner", "accepted_at", "initial_findings", "limit_told_at", "limit_told_via"],
        **step_row(complaint, "accept", "受理", public_note=f"已受理。{due_text(complaint)}"),
    )
    return complaint


@transaction.atomic
def complaint_settle_on_the_spot(
    *,
    actor: Actor,
    complaint: Complaint,
    answer: str,
    responsible_department: Department | None = None,
    responsible_staff: Sequence[Staff] = (),
    now: datetime | None = None,
) -> Complaint:
    """§7(1): a general complaint settled on the spot, on the day it was received,
    with the answer recorded like any other; it then waits for the follow-up."""
    complaint = locked(complaint)
    now = now or clock.now()
    require_step(actor, complaint, Step.SETTLE, today=clock.local_date(now))
    params = complaint_rules(complaint)
    general = params.complaint_class(ComplaintClass.GENERAL)
    if not general.settle_on_the_spot:
        raise DomainError("现行投诉规则集不允许当场解决，请按流程办理。", code="conflict", status=409)
    if clock.local_date(now) != complaint.received_on:
        raise DomainError(
            "当场解决只能在收到投诉的当日登记；已过当日的请按一般投诉流程办理。", code="conflict", status=409
        )
    answer = answer.strip()
    if not answer:
        raise DomainError("请写明当场解决的情况和给投诉人的答复。", code="invalid_input")
    if responsible_staff and responsible_department is None:
        responsible_department = responsible_staff[0].department
    staff = require_staff(actor)
    complaint.owner = complaint.owner or staff
    complaint.accepted_at = complaint.accepted_at or now
    complaint.class_code = ComplaintClass.GENERAL
    complaint.is_valid = general.valid
    complaint.class_criteria = list(general.criteria)
    complaint.class_reason = "当场解决的一般投诉（§五(四)7(1)）"
    complaint.classified_at = now
    complaint.settled_on_the_spot = True
    fields = ["owner", "accepted_at", "class_code", "is_valid", "class_criteria", "class_reason"]
    fields += ["classified_at", "settled_on_the_spot", "replied_at"]
    if responsible_department is not None:
        set_responsibility(
            complaint,
            department=responsible_department,
            staff=responsible_staff,
            analysis="当场解决时核实",
            now=now,
        )
        fields += ["responsible_department", "responsibility_analysis", "determined_at"]
        fields += ["filed_with_party_committee_at", "verified_on"]
    reply_row(complaint, channel="当场答复", text=answer, actor=actor, at=now)
    complaint.replied_at = now
    transition(
        complaint,
        Status.FOLLOW_UP,
        actor=actor,
        at=now,
        note=answer,
        fields=fields,
        **step_row(complaint, "settle", "当场解决", public_note=f"已当场解决：{answer}"),
    )
    sync_penalties(complaint, actor=actor, now=now)
    return complaint


@transaction.atomic
def complaint_classify(
    *,
    actor: Actor,
    complaint: Complaint,
    class_code: str,
    criteria: Sequence[str] = (),
    reason: str = "",
    is_complex: bool = False,
    key_supervision: bool = False,
    now: datetime | None = None,
) -> Complaint:
    """定性 (§6): major, general or invalid, with the criteria met; an invalid
    complaint needs its reason, which the complainant will be told. The time limit
    becomes the class's, still counted from the day after receipt."""
    complaint = locked(complaint)
    require_step(actor, complaint, Step.CLASSIFY)
    now = now or clock.now()
    params = complaint_rules(complaint)
    cls = complaint_class(params, class_code)
    criteria = [c for c in criteria if c]
    unknown = [c for c in criteria if c not in cls.criteria]
    if unknown:
        raise DomainError(f"所选定性依据不属于“{cls.label}”的标准。", code="invalid_input")
    reason = reason.strip()
    if class_code == ComplaintClass.INVALID and not reason:
        raise DomainError("定性为无效投诉的，须写明理由，答复时向投诉人说明。", code="invalid_input")
    if class_code == ComplaintClass.MAJOR and not criteria:
        raise DomainError(
            "定性为重大投诉的，请勾选符合的条件（§五(四)6(1)，符合其一即可）。", code="invalid_input"
        )
    if not criteria and len(cls.criteria) == 1:
        criteria = list(cls.criteria)
    if not criteria:
        raise DomainError("请勾选定性依据。", code="invalid_input")
    before_due = complaint.reply_due
    complaint.class_code = class_code
    complaint.is_valid = cls.valid
    complaint.class_criteria = criteria
    complaint.class_reason = reason
    complaint.classified_at = now
    complaint.is_complex = is_complex
    complaint.key_supervision = key_supervision
    set_limit(complaint, params, class_code)
    public = (
        f"答复期限调整为{complaint.reply_due:%Y年%-m月%-d日}。"
        if complaint.reply_due != before_due and complaint.reply_due
        else ""
    )
    transition(
        complaint,
        Status.CLASSIFIED,
        actor=actor,
        at=now,
        note=f"{cls.label}：{'；'.join(criteria)}{'。理由：' + reason if reason else ''}"
        + ("（疑难复杂，需集体会审）" if is_complex else "")
        + ("（列入重点督办）" if key_supervision else ""),
        fields=[
            "class_code",
            "is_valid",
            "class_criteria",
            "class_reason",
            "classified_at",
            "is_complex",
            "key_supervision",
            *LIMIT_FIELDS,
        ],
        **step_row(complaint, "classify", "定性", public_note=public),
    )
    return complaint


@transaction.atomic
def complaint_determine(
    *,
    actor: Actor,
    complaint: Complaint,
    department: Department,
    staff: Sequence[Staff],
    analysis: str,
    now: datetime | None = None,
) -> Complaint:
    """责任认定 (§8(2)): the responsible department and staff, filed with the party
    committee; then the case goes to the department. A leader's finding is marked
    as such (需报中心领导认定的投诉). A valid complaint found against a person
    starts their fine (complaint_penalty) at once."""
    complaint = locked(complaint)
    require_step(actor, complaint, Step.DETERMINE)
    now = now or clock.now()
    analysis = analysis.strip()
    if not analysis:
        raise DomainError("请写明责任分析认定的理由。", code="invalid_input")
    set_responsibility(complaint, department=department, staff=staff, analysis=analysis, now=now)
    complaint.determined_by_leader = user_or_none(actor) is not None and has_role(actor, Role.LEADER)  # type: ignore[arg-type]
    names = "、".join(s.name for s in staff) or "（未认定到个人）"
    transition(
        complaint,
        Status.HANDLING,
        actor=actor,
        at=now,
        note=f"责任部门：{department.name}；责任人：{names}。{analysis}（已报机关党委备案）",
        fields=[
            "responsible_department",
            "responsibility_analysis",
            "determined_at",
            "determined_by_leader",
            "filed_with_party_committee_at",
            "verified_on",
        ],
        **step_row(complaint, "determine", "责任认定", public_note="已查明责任部门，正在办理。"),
    )
    sync_penalties(complaint, actor=actor, now=now)
    return complaint
