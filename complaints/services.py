"""Every write of the complaint process (000 §五(四); 001 第四十五–四十八条).

Keyword-only, typed, one transaction each; every change of state goes through
`_move` (the transition map, a `ComplaintEvent`, an audit event). Time limits are
computed only by the workdays calendar from the complaint rule set recorded on the
complaint; a limit in an unpublished year is stored as "pending calendar", never
guessed. `now` is when the act happened (default: now); views never pass it,
imports, the demo seed and tests do.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction

from audit.services import audit_record
from common import clock
from common.actors import Actor, event_actor, forbidden, require_staff, user_or_none
from common.errors import DomainError
from common.identity import validate_landline_or_mobile
from common.periods import Period
from complaints.conf import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_MAX_FILES,
    ATTACHMENT_TYPES,
    party_committee_scopes,
)
from complaints.models import (
    APPEAL_TRANSITIONS,
    AWAITING_REPLY,
    COUNTER_CHANNELS,
    NEW,
    TRANSITIONS,
    Appeal,
    AppealStatus,
    Attachment,
    Channel,
    Complaint,
    ComplaintClass,
    ComplaintEvent,
    ComplaintSequence,
    ContactPreference,
    DelayReport,
    EventKind,
    Fine,
    FollowUp,
    Handling,
    IncidentKind,
    JointReview,
    PenaltyStatus,
    RelatedKind,
    Reply,
    Report,
    ReportStatus,
    Sanction,
    Satisfaction,
    Status,
)
from complaints.selectors import Step, complaint_allowed_steps, complaint_rules
from org.access import has_role, user_roles
from org.models import Branch, Department, Role, Staff, Window
from rules.models import RuleKind
from rules.schemas import ComplaintParams
from rules.selectors import rules_in_force
from workdays.calendar import CalendarNotPublished, add_workdays, published_years

PUBLIC_ACTOR = "投诉人（网上）"
# A hash to check against when the number is unknown, so that a wrong number and a
# wrong password take the same time (and get the same answer).
_DUMMY_PASSWORD_HASH = make_password("not-a-complaint-password")


def new_query_password() -> str:
    """Eight digits: easy to read out on the 12329 line, 10^8 combinations, and the
    look-up is rate-limited per address and per number."""
    return f"{secrets.randbelow(10**8):08d}"


# --- Intake (§8(1) 投诉受理; 001 第四十六条 投诉登记) ------------------------------------


@transaction.atomic
def complaint_register(
    *,
    actor: Actor,
    channel: str,
    subject: str,
    content: str,
    received_at: datetime | None = None,
    anonymous: bool = False,
    complainant_name: str = "",
    complainant_phone: str = "",
    complainant_email: str = "",
    complainant_address: str = "",
    complainant_unit: str = "",
    contact_preference: str = ContactPreference.PHONE,
    occurred_on: date | None = None,
    place: str = "",
    branch: Branch | None = None,
    window: Window | None = None,
    department: Department | None = None,
    staff: Staff | None = None,
    staff_description: str = "",
    matter: str = "",
    matter_code: str = "",
    scope_codes: Sequence[str] = (),
    related_kind: str = "",
    related_ref: str = "",
    suggestion: str = "",
    external_ref: str = "",
    attachments: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> tuple[Complaint, str]:
    """Register a complaint from any channel. Returns it and its query password (in
    clear, the only time it exists; only its hash is stored). The answer is due
    within the limit of the rule set's `unclassified_as` class until it is
    classified, counted from the day after receipt."""
    now = now or clock.now()
    # A string actor is the public web form, a device or an import acting for the centre.
    # Window staff register what reaches them at the counter (001 第四十六条(一)); the
    # office registers every channel.
    if not isinstance(actor, str):
        if actor is None or not user_roles(actor):
            raise forbidden("投诉由工作人员登记。")
        if not has_role(actor, Role.OFFICE) and channel not in COUNTER_CHANNELS:
            raise forbidden("窗口工作人员可登记来访、来电和来信投诉；其他渠道的投诉由业务管理处登记。")
    received_at = received_at or now
    if received_at > now + clock.skew_tolerance():
        raise DomainError("收到时间不能晚于现在。", code="invalid_input")
    received_on = clock.local_date(received_at)
    if channel not in Channel.values:
        raise DomainError("请选择投诉渠道。", code="invalid_input")
    subject, content = subject.strip(), content.strip()
    if not subject:
        raise DomainError("请用一句话写明投诉事由。", code="invalid_input")
    if not content:
        raise DomainError("请写明投诉的具体内容：什么时间、在哪里、发生了什么。", code="invalid_input")
    if occurred_on and occurred_on > received_on:
        raise DomainError("发生日期不能晚于收到投诉的日期。", code="invalid_input")
    contact = _contact(
        anonymous=anonymous,
        name=complainant_name,
        phone=complainant_phone,
        email=complainant_email,
        address=complainant_address,
        preference=contact_preference,
    )
    if window is not None:
        if branch is not None and window.branch_id != branch.pk:
            raise DomainError("所选窗口不属于所选的管理部，请重新选择。", code="invalid_input")
        branch = window.branch
    if staff is not None:
        branch = branch or staff.branch
        department = department or staff.department
    if related_kind and related_kind not in RelatedKind.values:
        raise DomainError("关联记录类型无效。", code="invalid_input")
    if related_kind and not related_ref.strip():
        raise DomainError("请填写关联记录的编号（如办件受理编号、取号号码）。", code="invalid_input")

    rules = rules_in_force(RuleKind.COMPLAINT, received_on)
    known_scope = {s.code for s in rules.params.scope}
    unknown = [code for code in scope_codes if code not in known_scope]
    if unknown:
        raise DomainError(f"受理范围代码无效：{'、'.join(unknown)}。", code="invalid_input")
    password = new_query_password()
    complaint = Complaint(
        no=_next_no(clock.local_date(now)),
        query_password_hash=make_password(password),
        channel=channel,
        external_ref=external_ref.strip(),
        received_at=received_at,
        received_on=received_on,
        registered_by=user_or_none(actor),
        complainant_unit=complainant_unit.strip(),
        complainant_address=complainant_address.strip(),
        subject=subject[:100],
        content=content,
        occurred_on=occurred_on,
        place=place.strip(),
        branch=branch,
        window=window,
        department=department,
        staff=staff,
        staff_description=staff_description.strip(),
        matter=matter.strip(),
        matter_code=matter_code.strip(),
        scope_codes=list(dict.fromkeys(scope_codes)),
        related_kind=related_kind,
        related_ref=related_ref.strip() if related_kind else "",
        suggestion=suggestion.strip(),
        party_committee_leads=bool(set(scope_codes) & party_committee_scopes()),
        status=Status.RECEIVED,
        rules_ref=rules.ref,
        clock_start_on=received_on,
        **contact,
    )
    _set_limit(complaint, rules.params, rules.params.unclassified_as)
    complaint.save()
    if attachments:
        _attach(complaint, attachments, actor=actor, by_complainant=isinstance(actor, str))
    due_text = _due_text(complaint)
    _event(
        complaint,
        actor=actor,
        action="register",
        title="登记",
        from_status=NEW,
        note=f"{Channel(channel).label}：{subject}",
        public_note=f"您的投诉已收到。{due_text}",
        at=now,
    )
    audit_record(
        actor=actor,
        action="complaints.complaint.register",
        obj=complaint,
        summary=f"登记投诉 {complaint.no}（{Channel(channel).label}）",
        changes={
            "status": [None, complaint.status],
            "rules": rules.ref,
            "reply_due": str(complaint.reply_due),
        },
    )
    return complaint, password


def complaint_submit_public(**fields: Any) -> tuple[Complaint, str]:
    """A citizen's web complaint (no login): channel 网上投诉, anonymous allowed."""
    return complaint_register(actor=PUBLIC_ACTOR, channel=Channel.WEB, **fields)


def complaint_public_lookup(no: str, password: str) -> Complaint | None:
    """The complaint for a number and its query password, or None — the same None,
    after the same work, for an unknown number and a wrong password."""
    complaint = Complaint.objects.filter(no=no.strip().upper()).first()
    if complaint is None:
        check_password(password, _DUMMY_PASSWORD_HASH)
        return None
    if not check_password(password, complaint.query_password_hash):
        return None
    return complaint


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
    complaint = _locked(complaint)
    _require(actor, complaint, Step.ACCEPT)
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
    _move(
        complaint,
        Status.ACCEPTED,
        actor=actor,
        action="accept",
        title="受理",
        note=f"首办责任人：{owner.name}。初步调查：{initial_findings}",
        public_note=f"已受理。{_due_text(complaint)}",
        at=now,
        fields=["owner", "accepted_at", "initial_findings", "limit_told_at", "limit_told_via"],
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
    complaint = _locked(complaint)
    now = now or clock.now()
    _require(actor, complaint, Step.SETTLE, today=clock.local_date(now))
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
        _set_responsibility(
            complaint,
            department=responsible_department,
            staff=responsible_staff,
            analysis="当场解决时核实",
            now=now,
        )
        fields += ["responsible_department", "responsibility_analysis", "determined_at"]
        fields += ["filed_with_party_committee_at", "verified_on"]
    _reply_row(complaint, channel="当场答复", text=answer, actor=actor, at=now)
    complaint.replied_at = now
    _move(
        complaint,
        Status.FOLLOW_UP,
        actor=actor,
        action="settle",
        title="当场解决",
        note=answer,
        public_note=f"已当场解决：{answer}",
        at=now,
        fields=fields,
    )
    _sync_penalties(complaint, actor=actor, now=now)
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
    complaint = _locked(complaint)
    _require(actor, complaint, Step.CLASSIFY)
    now = now or clock.now()
    params = complaint_rules(complaint)
    cls = _class(params, class_code)
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
    _set_limit(complaint, params, class_code)
    public = (
        f"答复期限调整为{complaint.reply_due:%Y年%-m月%-d日}。"
        if complaint.reply_due != before_due and complaint.reply_due
        else ""
    )
    _move(
        complaint,
        Status.CLASSIFIED,
        actor=actor,
        action="classify",
        title="定性",
        note=f"{cls.label}：{'；'.join(criteria)}{'。理由：' + reason if reason else ''}"
        + ("（疑难复杂，需集体会审）" if is_complex else "")
        + ("（列入重点督办）" if key_supervision else ""),
        public_note=public,
        at=now,
        fields=[
            "class_code",
            "is_valid",
            "class_criteria",
            "class_reason",
            "classified_at",
            "is_complex",
            "key_supervision",
            *_LIMIT_FIELDS,
        ],
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
    complaint = _locked(complaint)
    _require(actor, complaint, Step.DETERMINE)
    now = now or clock.now()
    analysis = analysis.strip()
    if not analysis:
        raise DomainError("请写明责任分析认定的理由。", code="invalid_input")
    _set_responsibility(complaint, department=department, staff=staff, analysis=analysis, now=now)
    complaint.determined_by_leader = user_or_none(actor) is not None and has_role(actor, Role.LEADER)  # type: ignore[arg-type]
    names = "、".join(s.name for s in staff) or "（未认定到个人）"
    _move(
        complaint,
        Status.HANDLING,
        actor=actor,
        action="determine",
        title="责任认定",
        note=f"责任部门：{department.name}；责任人：{names}。{analysis}（已报机关党委备案）",
        public_note="已查明责任部门，正在办理。",
        at=now,
        fields=[
            "responsible_department",
            "responsibility_analysis",
            "determined_at",
            "determined_by_leader",
            "filed_with_party_committee_at",
            "verified_on",
        ],
    )
    _sync_penalties(complaint, actor=actor, now=now)
    return complaint


@transaction.atomic
def complaint_record_handling(
    *,
    actor: Actor,
    complaint: Complaint,
    facts: str,
    causes: str,
    measures: str,
    answer: str,
    people: str = "",
    prevention: str = "",
    now: datetime | None = None,
) -> Complaint:
    """案件处理 (§8(3)) by the responsible department. A major or complex case then
    goes to joint review (§8(4)), unless one was already held; the others go to
    the written report."""
    complaint = _locked(complaint)
    _require(actor, complaint, Step.HANDLE)
    now = now or clock.now()
    texts = {"facts": facts, "causes": causes, "measures": measures, "answer": answer}
    _required(
        texts,
        {
            "facts": "事件经过",
            "causes": "原因分析",
            "measures": "处理措施",
            "answer": "与投诉人沟通及处理结果告知",
        },
    )
    assert complaint.responsible_department is not None
    Handling.objects.create(
        complaint=complaint,
        round=complaint.round,
        department=complaint.responsible_department,
        people=people.strip(),
        prevention=prevention.strip(),
        submitted_at=now,
        submitted_by=_user(actor),
        **{k: v.strip() for k, v in texts.items()},
    )
    needs_review = complaint.class_code == ComplaintClass.MAJOR or complaint.is_complex
    reviewed = complaint.joint_reviews.exists()
    to = Status.JOINT_REVIEW if needs_review and not reviewed else Status.REPORTING
    _move(
        complaint,
        to,
        actor=actor,
        action="handle",
        title="部门办理",
        note=f"事件经过：{facts.strip()}\n处理措施：{measures.strip()}",
        public_note="",
        at=now,
        fields=[],
    )
    return complaint


@transaction.atomic
def complaint_joint_review(
    *,
    actor: Actor,
    complaint: Complaint,
    held_on: date,
    participants: str,
    departments_consulted: str,
    legal_opinion: str,
    decision: str,
    document_no: str,
    class_code: str,
    now: datetime | None = None,
) -> Complaint:
    """集体会审 (§8(4)): participants, the departments and the legal adviser
    consulted, the decision fixed in a document; it confirms or changes the class."""
    complaint = _locked(complaint)
    _require(actor, complaint, Step.JOINT_REVIEW)
    now = now or clock.now()
    texts = {
        "participants": participants,
        "departments_consulted": departments_consulted,
        "legal_opinion": legal_opinion,
        "decision": decision,
        "document_no": document_no,
    }
    _required(
        texts,
        {
            "participants": "参会人员",
            "departments_consulted": "征询意见的处室",
            "legal_opinion": "法律顾问意见",
            "decision": "会审意见",
            "document_no": "会审文件编号",
        },
    )
    if held_on > clock.local_date(now) or held_on < complaint.received_on:
        raise DomainError("会审日期应在收到投诉之后、不晚于今天。", code="invalid_input")
    params = complaint_rules(complaint)
    cls = _class(params, class_code)
    before = complaint.class_code
    JointReview.objects.create(
        complaint=complaint,
        round=complaint.round,
        held_on=held_on,
        class_before=before,
        class_after=class_code,
        recorded_at=now,
        recorded_by=_user(actor),
        **{k: v.strip() for k, v in texts.items()},
    )
    fields: list[str] = []
    note = f"会审文件 {document_no.strip()}：{decision.strip()}"
    if class_code != before:
        complaint.class_code = class_code
        complaint.is_valid = cls.valid
        complaint.class_reason = f"集体会审改定（{document_no.strip()}）"
        _set_limit(complaint, params, class_code)
        fields += ["class_code", "is_valid", "class_reason", *_LIMIT_FIELDS]
        note += f"；性质由{ComplaintClass(before).label}改为{cls.label}"
    _move(
        complaint,
        Status.REPORTING,
        actor=actor,
        action="joint_review",
        title="集体会审",
        note=note,
        public_note="",
        at=now,
        fields=fields,
    )
    if class_code != before:
        _sync_penalties(complaint, actor=actor, now=now, reason=f"集体会审改定为{cls.label}")
    return complaint


@transaction.atomic
def complaint_submit_report(
    *,
    actor: Actor,
    complaint: Complaint,
    investigation: str,
    causes: str,
    measures: str,
    communication: str,
    prevention: str,
    now: datetime | None = None,
) -> Report:
    """投诉办理报告 in the fixed format (§8(5)), in writing, for the office's review."""
    complaint = _locked(complaint)
    _require(actor, complaint, Step.REPORT)
    now = now or clock.now()
    texts = {
        "investigation": investigation,
        "causes": causes,
        "measures": measures,
        "communication": communication,
        "prevention": prevention,
    }
    _required(
        texts,
        {
            "investigation": "调查核实情况",
            "causes": "原因分析",
            "measures": "处理意见及整改措施",
            "communication": "与投诉人沟通及答复情况",
            "prevention": "预防措施",
        },
    )
    report = Report.objects.create(
        complaint=complaint,
        round=complaint.round,
        submitted_at=now,
        submitted_by=_user(actor),
        **{k: v.strip() for k, v in texts.items()},
    )
    _move(
        complaint,
        Status.REPORT_REVIEW,
        actor=actor,
        action="report",
        title="提交办理报告",
        note="责任部门提交投诉办理报告",
        public_note="",
        at=now,
        fields=[],
    )
    return report


@transaction.atomic
def complaint_review_report(
    *,
    actor: Actor,
    complaint: Complaint,
    approve: bool,
    remarks: str = "",
    reported_in_person: bool = False,
    now: datetime | None = None,
) -> Complaint:
    """The office reviews the report (§8(5)); a key-supervision case needs the
    department head's report in person to the leadership first."""
    complaint = _locked(complaint)
    _require(actor, complaint, Step.REVIEW)
    now = now or clock.now()
    report = (
        complaint.reports.filter(round=complaint.round, status=ReportStatus.SUBMITTED).order_by("-id").first()
    )
    if report is None:
        raise DomainError("没有待审核的办理报告。", code="conflict", status=409)
    remarks = remarks.strip()
    if approve and complaint.key_supervision and not reported_in_person:
        raise DomainError(
            "该投诉列入重点督办：责任部门负责人须到中心向领导当面汇报后，才能审核通过（§五(四)8(5)）。",
            code="invalid_input",
        )
    if not approve and not remarks:
        raise DomainError("退回修改的，请写明审核意见。", code="invalid_input")
    report.status = ReportStatus.APPROVED if approve else ReportStatus.RETURNED
    report.reviewed_at = now
    report.reviewed_by = _user(actor)
    report.review_remarks = remarks
    report.reported_in_person = reported_in_person
    report.save(
        update_fields=["status", "reviewed_at", "reviewed_by", "review_remarks", "reported_in_person"]
    )
    _move(
        complaint,
        Status.REPLYING if approve else Status.REPORTING,
        actor=actor,
        action="review" if approve else "return",
        title="报告审核通过" if approve else "报告退回修改",
        note=remarks or "审核通过",
        public_note="",
        at=now,
        fields=[],
    )
    return complaint


@transaction.atomic
def complaint_reply(
    *, actor: Actor, complaint: Complaint, channel: str, text: str, now: datetime | None = None
) -> Reply:
    """答复 through the complaint's channel (§8(5)); for an invalid complaint, the
    reason (§6(3)). Whether it met the time limit of its round is recorded."""
    complaint = _locked(complaint)
    _require(actor, complaint, Step.REPLY)
    now = now or clock.now()
    channel, text = channel.strip(), text.strip()
    if not text:
        raise DomainError("请写明给投诉人的答复内容。", code="invalid_input")
    if not channel:
        raise DomainError("请选择答复方式。", code="invalid_input")
    reply = _reply_row(complaint, channel=channel, text=text, actor=actor, at=now)
    complaint.replied_at = now
    _move(
        complaint,
        Status.FOLLOW_UP,
        actor=actor,
        action="reply",
        title="答复投诉人" + ("" if reply.on_time else "（超过时限）"),
        note=f"{channel}：{text}",
        public_note=f"答复（{channel}）：{text}",
        at=now,
        fields=["replied_at"],
    )
    return reply


@transaction.atomic
def complaint_follow_up(
    *,
    actor: Actor,
    complaint: Complaint,
    method: str,
    satisfaction: str,
    opinion: str = "",
    suggestion: str = "",
    now: datetime | None = None,
) -> Complaint:
    """回访 (§8(6)): satisfied → closed; still unsatisfied → the complaint goes back to
    the department for re-handling, a new round with the class's time limit counted
    from the day after the follow-up."""
    complaint = _locked(complaint)
    if actor != PUBLIC_ACTOR:
        _require(actor, complaint, Step.FOLLOW_UP)
    elif complaint.status != Status.FOLLOW_UP:
        raise DomainError("此投诉当前不在回访阶段。", code="conflict", status=409)
    now = now or clock.now()
    if satisfaction not in Satisfaction.values:
        raise DomainError("请选择投诉人对处理结果的满意程度。", code="invalid_input")
    opinion, suggestion, method = opinion.strip(), suggestion.strip(), method.strip()
    if not method:
        raise DomainError("请选择回访方式。", code="invalid_input")
    if satisfaction == Satisfaction.UNSATISFIED and not opinion:
        raise DomainError("投诉人不满意的，请记录其仍有的意见，以便重新办理。", code="invalid_input")
    reopen = satisfaction == Satisfaction.UNSATISFIED
    FollowUp.objects.create(
        complaint=complaint,
        round=complaint.round,
        at=now,
        by=user_or_none(actor),
        method=method,
        satisfaction=satisfaction,
        opinion=opinion,
        suggestion=suggestion,
        reopened=reopen,
    )
    complaint.satisfaction = satisfaction
    label = Satisfaction(satisfaction).label
    if not reopen:
        complaint.closed_at = now
        _move(
            complaint,
            Status.CLOSED,
            actor=actor,
            action="follow_up",
            title=f"回访：{label}",
            note=opinion or label,
            public_note=f"回访结果：{label}。投诉已办结，感谢您的监督。",
            at=now,
            fields=["satisfaction", "closed_at"],
        )
        return complaint
    params = complaint_rules(complaint)
    complaint.round += 1
    complaint.clock_start_on = clock.local_date(now)
    complaint.extended_due = None
    complaint.warned_at = complaint.overdue_marked_at = None
    _set_limit(complaint, params, complaint.class_code or params.unclassified_as)
    to = Status.HANDLING if complaint.responsible_department_id else Status.ACCEPTED
    _move(
        complaint,
        to,
        actor=actor,
        action="reopen",
        title="回访不满意，重新办理",
        note=opinion,
        public_note=f"您对处理结果仍有意见，已要求相关部门重新处理。{_due_text(complaint)}",
        at=now,
        fields=["satisfaction", "round", "extended_due", "warned_at", "overdue_marked_at", *_LIMIT_FIELDS],
    )
    return complaint


@transaction.atomic
def complaint_archive(
    *, actor: Actor, complaint: Complaint, note: str = "", now: datetime | None = None
) -> Complaint:
    """归档 (§8(6)), with the written summary of the complainant's suggestions."""
    complaint = _locked(complaint)
    if complaint.appeals.filter(status=AppealStatus.PENDING).exists():
        raise DomainError("责任部门的异议尚待机关党委重新审议，审议后才能归档。", code="conflict", status=409)
    _require(actor, complaint, Step.ARCHIVE)
    now = now or clock.now()
    complaint.archived_at = now
    complaint.archive_note = note.strip()
    _move(
        complaint,
        Status.ARCHIVED,
        actor=actor,
        action="archive",
        title="归档",
        note=note.strip() or "资料归档",
        public_note="",
        at=now,
        fields=["archived_at", "archive_note"],
    )
    return complaint


@transaction.atomic
def complaint_report_delay(
    *,
    actor: Actor,
    complaint: Complaint,
    reason: str,
    complainant_told_via: str,
    leader: Staff,
    leader_opinion: str,
    extended_due: date | None = None,
    now: datetime | None = None,
) -> DelayReport:
    """§7(4): the limit cannot be met — the complainant is told why, the leadership
    is informed and decides; a later reply date may be agreed. The complaint keeps
    its original limit for the on-time statistics."""
    complaint = _locked(complaint)
    _require(actor, complaint, Step.DELAY)
    now = now or clock.now()
    texts = {"reason": reason, "complainant_told_via": complainant_told_via, "leader_opinion": leader_opinion}
    _required(
        texts,
        {
            "reason": "不能按时办结的原因",
            "complainant_told_via": "告知投诉人的方式",
            "leader_opinion": "中心领导处理意见",
        },
    )
    if not has_role(leader.user, Role.LEADER):
        raise DomainError(f"{leader.name} 不是中心领导，请选择听取汇报的中心领导。", code="invalid_input")
    if extended_due is not None and (
        extended_due < clock.local_date(now) or (complaint.reply_due and extended_due <= complaint.reply_due)
    ):
        raise DomainError("同意延至的日期应晚于原答复期限，且不早于今天。", code="invalid_input")
    delay = DelayReport.objects.create(
        complaint=complaint,
        round=complaint.round,
        reported_at=now,
        recorded_by=_user(actor),
        leader=leader,
        extended_due=extended_due,
        **{k: v.strip() for k, v in texts.items()},
    )
    fields = []
    if extended_due:
        complaint.extended_due = extended_due
        fields.append("extended_due")
    public = f"因{reason.strip()}，不能在原定期限内办结"
    public += f"，将于{extended_due:%Y年%-m月%-d日}前答复您。" if extended_due else "，我们会尽快答复您。"
    _stay(
        complaint,
        actor=actor,
        action="delay",
        title="不能按时办结：告知投诉人并向领导汇报",
        note=f"原因：{reason.strip()}；已{complainant_told_via.strip()}告知投诉人；向{leader.name}汇报，意见：{leader_opinion.strip()}",
        public_note=public,
        at=now,
        fields=fields,
    )
    return delay


# --- Sanctions, fines, appeals (§9, §11) -------------------------------------------


@transaction.atomic
def complaint_sanction(
    *,
    actor: Actor,
    complaint: Complaint,
    staff: Staff,
    code: str,
    note: str = "",
    also_first_inquiry_breach: bool = False,
    now: datetime | None = None,
) -> Sanction:
    """A measure on a responsible staff member of a verified complaint (§9), chosen
    from the rule set's sanctions; optionally also a breach of the first-inquiry
    rules (003 §十) when the complaint was about 首问负责."""
    complaint = _locked(complaint)
    _require(actor, complaint, Step.SANCTION)
    now = now or clock.now()
    if not complaint.responsible_staff.filter(pk=staff.pk).exists():
        raise DomainError(f"{staff.name} 不是本投诉认定的责任人。", code="invalid_input")
    params = complaint_rules(complaint)
    option = next((s for s in params.sanctions if s.code == code), None)
    if option is None:
        raise DomainError("请从规则集列出的处理措施中选择。", code="invalid_input")
    sanction = Sanction.objects.create(
        complaint=complaint,
        staff=staff,
        code=option.code,
        label=option.label,
        administrative=option.administrative,
        decided_on=clock.local_date(now),
        decided_by=_user(actor),
        note=note.strip(),
        rules_ref=complaint.rules_ref,
    )
    _event(
        complaint,
        actor=actor,
        action="sanction",
        title=f"处理措施：{staff.name} {option.label}",
        from_status=NEW,
        to_status=PenaltyStatus.ACTIVE,
        kind=EventKind.SANCTION,
        object_id=sanction.pk,
        note=note.strip(),
        public_note="",
        at=now,
    )
    audit_record(
        actor=actor,
        action="complaints.sanction.record",
        obj=sanction,
        summary=f"{complaint.no}：对 {staff.name} 给予{option.label}",
        changes={"code": option.code, "administrative": option.administrative},
    )
    if also_first_inquiry_breach:
        from inquiries.services import breach_record

        breach_record(
            actor=actor,
            staff=staff,
            source="complaint",
            complaint=complaint,
            source_ref=complaint.no,
            occurred_on=complaint.occurred_on or complaint.received_on,
            found_on=complaint.verified_on or clock.local_date(now),
            description=f"投诉 {complaint.no}：{complaint.subject}",
        )
    return sanction


@transaction.atomic
def complaint_appeal_file(
    *, actor: Actor, complaint: Complaint, grounds: str, now: datetime | None = None
) -> Appeal:
    """§11: the responsible department disputes the decision with the party committee."""
    complaint = _locked(complaint)
    _require(actor, complaint, Step.APPEAL)
    now = now or clock.now()
    grounds = grounds.strip()
    if not grounds:
        raise DomainError("请写明对处理决定的异议和理由。", code="invalid_input")
    assert complaint.responsible_department is not None
    appeal = Appeal.objects.create(
        complaint=complaint,
        department=complaint.responsible_department,
        grounds=grounds,
        filed_at=now,
        filed_by=_user(actor),
    )
    _event(
        complaint,
        actor=actor,
        action="appeal",
        title="部门提出异议，报机关党委",
        from_status=NEW,
        to_status=AppealStatus.PENDING,
        kind=EventKind.APPEAL,
        object_id=appeal.pk,
        note=grounds,
        public_note="",
        at=now,
    )
    audit_record(
        actor=actor,
        action="complaints.appeal.file",
        obj=appeal,
        summary=f"{complaint.no}：部门对处理决定提出异议",
    )
    return appeal


@transaction.atomic
def complaint_appeal_decide(
    *,
    actor: Actor,
    complaint: Complaint,
    upheld: bool,
    decision: str,
    class_code: str = "",
    department: Department | None = None,
    staff: Sequence[Staff] | None = None,
    now: datetime | None = None,
) -> Appeal:
    """§11: the party committee's re-review. Upheld → nothing changes; revised → a new
    class and/or responsibility, and fines and sanctions follow it."""
    complaint = _locked(complaint)
    _require(actor, complaint, Step.APPEAL_DECIDE)
    now = now or clock.now()
    appeal = complaint.appeals.select_for_update().filter(status=AppealStatus.PENDING).order_by("id").first()
    if appeal is None:
        raise DomainError("没有待审议的异议。", code="conflict", status=409)
    decision = decision.strip()
    if not decision:
        raise DomainError("请写明重新审议认定的意见。", code="invalid_input")
    to = AppealStatus.UPHELD if upheld else AppealStatus.REVISED
    if to not in APPEAL_TRANSITIONS[appeal.status]:
        raise DomainError("该异议已经审议。", code="conflict", status=409)
    changes: list[str] = []
    fields: list[str] = []
    if not upheld:
        params = complaint_rules(complaint)
        if class_code and class_code != complaint.class_code:
            cls = _class(params, class_code)
            changes.append(f"性质改为{cls.label}")
            complaint.class_code, complaint.is_valid = class_code, cls.valid
            complaint.class_reason = f"机关党委重新审议改定：{decision}"
            fields += ["class_code", "is_valid", "class_reason"]
            if complaint.status in AWAITING_REPLY:
                _set_limit(complaint, params, class_code)
                fields += list(_LIMIT_FIELDS)
        if department is not None or staff is not None:
            _set_responsibility(
                complaint,
                department=department or complaint.responsible_department,  # type: ignore[arg-type]
                staff=list(staff) if staff is not None else list(complaint.responsible_staff.all()),
                analysis=f"{complaint.responsibility_analysis}\n机关党委重新审议：{decision}",
                now=now,
            )
            fields += ["responsible_department", "responsibility_analysis", "verified_on"]
            changes.append("责任认定已调整")
        if not changes:
            raise DomainError("改变处理决定的，请选择新的投诉性质或责任部门、责任人。", code="invalid_input")
        if complaint.is_valid and complaint.verified_on is None and complaint.responsible_staff.exists():
            complaint.verified_on = clock.local_date(now)
            fields.append("verified_on")
        if not complaint.is_valid and complaint.verified_on is not None:
            complaint.verified_on = None
            fields.append("verified_on")
        complaint.save(update_fields=sorted(set(fields)))
    appeal.status = to
    appeal.decision = decision
    appeal.decided_at = now
    appeal.decided_by = _user(actor)
    appeal.save(update_fields=["status", "decision", "decided_at", "decided_by"])
    _event(
        complaint,
        actor=actor,
        action="appeal_decide",
        title="机关党委重新审议：" + ("维持原处理决定" if upheld else "改变处理决定"),
        from_status=AppealStatus.PENDING,
        to_status=to,
        kind=EventKind.APPEAL,
        object_id=appeal.pk,
        note=decision + ("；" + "，".join(changes) if changes else ""),
        public_note="",
        at=now,
    )
    audit_record(
        actor=actor,
        action="complaints.appeal.decide",
        obj=appeal,
        summary=f"{complaint.no}：重新审议{AppealStatus(to).label}",
        changes={"status": [AppealStatus.PENDING, to], "changes": changes},
    )
    if not upheld:
        _sync_penalties(complaint, actor=actor, now=now, reason=f"机关党委重新审议：{decision}")
    return appeal


@transaction.atomic
def complaint_record_incident(
    *, actor: Actor, complaint: Complaint, kind: str, note: str, now: datetime | None = None
) -> Complaint:
    """§五(四)13: record that the police, the legal department or a crisis team was
    called in, with what happened (the complaint's status does not change)."""
    complaint = _locked(complaint)
    _require(actor, complaint, Step.INCIDENT)
    if kind not in IncidentKind.values:
        raise DomainError("请选择处置方式。", code="invalid_input")
    note = note.strip()
    if not note:
        raise DomainError("请写明经过和处置情况。", code="invalid_input")
    _stay(
        complaint,
        actor=actor,
        action="incident",
        title=IncidentKind(kind).label,
        note=note,
        public_note="",
        at=now or clock.now(),
        fields=[],
    )
    return complaint


# --- Small acts -------------------------------------------------------------------


@transaction.atomic
def complaint_password_reset(*, actor: Actor, complaint: Complaint) -> str:
    """A new query password for a complainant who lost theirs (told once, by phone)."""
    complaint = _locked(complaint)
    _require(actor, complaint, Step.RESET_PASSWORD)
    password = new_query_password()
    complaint.query_password_hash = make_password(password)
    complaint.save(update_fields=["query_password_hash"])
    audit_record(
        actor=actor, action="complaints.complaint.reset_password", obj=complaint, summary="重置查询密码"
    )
    return password


def complaint_contact_reveal(*, actor: Actor, complaint: Complaint) -> dict[str, str]:
    """The complainant's full contact, shown on request and logged (lists mask it)."""
    _require(actor, complaint, Step.REVEAL)
    audit_record(
        actor=actor,
        action="complaints.complaint.reveal_contact",
        obj=complaint,
        summary=f"查看 {complaint.no} 投诉人完整联系方式",
    )
    return {
        "name": complaint.complainant_name,
        "phone": complaint.complainant_phone,
        "email": complaint.complainant_email,
        "address": complaint.complainant_address,
    }


@transaction.atomic
def complaint_attach(
    *, actor: Actor, complaint: Complaint, files: Sequence[UploadedFile], now: datetime | None = None
) -> list[Attachment]:
    complaint = _locked(complaint)
    _require(actor, complaint, Step.ATTACH)
    rows = _attach(complaint, files, actor=actor, by_complainant=False)
    _stay(
        complaint,
        actor=actor,
        action="attach",
        title="补充证明资料",
        note="、".join(a.name for a in rows),
        public_note="",
        at=now or clock.now(),
        fields=[],
    )
    return rows


@transaction.atomic
def complaint_deadlines_recompute(*, actor: Actor) -> int:
    """Compute the limits stored as "pending calendar" now that the year may be
    published; returns how many were computed."""
    done = 0
    for complaint in Complaint.objects.select_for_update().filter(
        deadline_pending=True, status__in=AWAITING_REPLY
    ):
        params = complaint_rules(complaint)
        _set_limit(complaint, params, complaint.class_code or params.unclassified_as)
        if complaint.deadline_pending:
            continue
        _stay(
            complaint,
            actor=actor,
            action="deadline",
            title="补算答复期限",
            note=f"节假日安排已发布，答复期限 {complaint.reply_due:%Y-%m-%d}",
            public_note=_due_text(complaint),
            at=clock.now(),
            fields=list(_LIMIT_FIELDS),
        )
        done += 1
    return done


@transaction.atomic
def complaint_sweep(*, actor: Actor, today: date | None = None) -> dict[str, int]:
    """The scheduled supervision of time limits (run by cron, `manage.py
    complaints_sweep`): mark once each complaint past its warning line (即将到期
    提醒 to the owner and the office) and each overdue one, and compute limits that
    were waiting for the calendar."""
    today = today or clock.today()
    now = clock.now()
    counts = {"warned": 0, "overdue": 0, "deadlines": complaint_deadlines_recompute(actor=actor)}
    awaiting = Complaint.objects.select_for_update().filter(
        status__in=AWAITING_REPLY, reply_due__isnull=False
    )
    for complaint in awaiting.filter(overdue_marked_at__isnull=True, reply_due__lt=today):
        complaint.overdue_marked_at = now
        _stay(
            complaint,
            actor=actor,
            action="overdue",
            title="已逾期",
            note=f"答复期限 {complaint.reply_due:%Y-%m-%d} 已过，尚未答复",
            public_note="",
            at=now,
            fields=["overdue_marked_at"],
        )
        counts["overdue"] += 1
    for complaint in awaiting.filter(
        warned_at__isnull=True, overdue_marked_at__isnull=True, warn_on__lt=today, reply_due__gte=today
    ):
        complaint.warned_at = now
        _stay(
            complaint,
            actor=actor,
            action="warn",
            title="即将到期提醒",
            note=f"已过督办预警线（{complaint.warn_on:%Y-%m-%d}），答复期限 {complaint.reply_due:%Y-%m-%d}",
            public_note="",
            at=now,
            fields=["warned_at"],
        )
        counts["warned"] += 1
    return counts


# --- helpers ----------------------------------------------------------------------

_LIMIT_FIELDS = ("clock_start_on", "limit_days", "reply_due", "warn_on", "deadline_pending")


def _class(params: ComplaintParams, code: str) -> Any:
    if code not in ComplaintClass.values:
        raise DomainError("请选择投诉性质：重大投诉、一般投诉或无效投诉。", code="invalid_input")
    return params.complaint_class(code)


def _set_limit(complaint: Complaint, params: ComplaintParams, class_code: str) -> None:
    """The limit of the class, from the day after `clock_start_on` (the receipt day,
    or the follow-up day of a reopened round, is not counted — 000 §五(二)2 applied
    to §五(四)7 by the rule set). An unpublished year → pending, never a guess."""
    cls = params.complaint_class(class_code)
    start = complaint.clock_start_on or complaint.received_on
    complaint.clock_start_on = start
    complaint.limit_days = cls.reply_working_days
    if params.start_day_counted:
        raise DomainError("现行投诉规则集把受理当日计入时限，本系统尚不支持，请联系系统管理员。")
    try:
        complaint.reply_due = add_workdays(start, cls.reply_working_days)
        complaint.warn_on = (
            add_workdays(start, cls.warn_working_days) if cls.warn_working_days is not None else None
        )
        complaint.deadline_pending = False
    except CalendarNotPublished:
        complaint.reply_due = complaint.warn_on = None
        complaint.deadline_pending = True


def _due_text(complaint: Complaint) -> str:
    if complaint.deadline_pending or complaint.reply_due is None:
        return f"答复期限为收到后{complaint.limit_days}个工作日，具体日期待下一年度节假日安排公布后确定。"
    return f"我们将在{complaint.reply_due:%Y年%-m月%-d日}前答复您（收到当日不计，按工作日计算）。"


def _on_time(complaint: Complaint, day: date) -> bool:
    """Answered within the limit of the round. A limit still pending lies beyond
    the published calendar, so any answer on a published day is within it."""
    if complaint.reply_due is not None:
        return day <= complaint.reply_due
    return day.year in published_years()


def _reply_row(complaint: Complaint, *, channel: str, text: str, actor: Actor, at: datetime) -> Reply:
    if complaint.deadline_pending:
        params = complaint_rules(complaint)
        _set_limit(complaint, params, complaint.class_code or params.unclassified_as)
    day = clock.local_date(at)
    return Reply.objects.create(
        complaint=complaint,
        round=complaint.round,
        channel=channel,
        text=text,
        replied_at=at,
        replied_by=user_or_none(actor),
        due=complaint.reply_due,
        on_time=_on_time(complaint, day),
    )


def _set_responsibility(
    complaint: Complaint, *, department: Department, staff: Sequence[Staff], analysis: str, now: datetime
) -> None:
    complaint.responsible_department = department
    complaint.responsibility_analysis = analysis
    complaint.determined_at = complaint.determined_at or now
    complaint.filed_with_party_committee_at = complaint.filed_with_party_committee_at or now
    complaint.responsible_staff.set(staff)
    if complaint.is_valid and staff and complaint.verified_on is None:
        complaint.verified_on = clock.local_date(now)
    if not staff:
        complaint.verified_on = None


def _sync_penalties(complaint: Complaint, *, actor: Actor, now: datetime, reason: str = "") -> None:
    """Fines follow the finding: one active fine per (valid complaint, responsible
    person) under the complaint_penalty rule set in force on the day verified; when
    a re-review makes the complaint invalid or clears a person, their fine and
    sanctions are withdrawn (never deleted)."""
    responsible = (
        {s.pk: s for s in complaint.responsible_staff.all()}
        if complaint.is_valid and complaint.determined_at and complaint.verified_on
        else {}
    )
    active = {f.staff_id: f for f in complaint.fines.filter(status=PenaltyStatus.ACTIVE)}
    for staff_id, staff in responsible.items():
        if staff_id not in active:
            _fine_create(complaint, staff, actor=actor, now=now)
    withdraw_reason = reason or "责任认定已调整"
    for staff_id, fine in active.items():
        if staff_id not in responsible:
            _penalty_withdraw(complaint, fine, EventKind.FINE, actor=actor, now=now, reason=withdraw_reason)
    for sanction in complaint.sanctions.filter(status=PenaltyStatus.ACTIVE):
        if sanction.staff_id not in responsible:
            _penalty_withdraw(
                complaint, sanction, EventKind.SANCTION, actor=actor, now=now, reason=withdraw_reason
            )


def _fine_create(complaint: Complaint, staff: Staff, *, actor: Actor, now: datetime) -> Fine:
    assert complaint.verified_on is not None
    Staff.objects.select_for_update().filter(pk=staff.pk).first()  # count one person's fines one at a time
    rules = rules_in_force(RuleKind.COMPLAINT_PENALTY, complaint.verified_on)
    ladder = rules.params.ladder
    period = Period.containing(ladder.period, complaint.verified_on)
    nth = (
        Fine.objects.filter(
            staff=staff,
            status=PenaltyStatus.ACTIVE,
            verified_on__gte=period.start,
            verified_on__lte=complaint.verified_on,
        ).count()
        + 1
    )
    step = ladder.step_for(nth)
    fine = Fine.objects.create(
        complaint=complaint,
        staff=staff,
        verified_on=complaint.verified_on,
        nth=nth,
        period_start=period.start,
        period_end=period.end,
        amount_yuan=step.amount_yuan,
        consequences=list(step.consequences),
        rules_ref=rules.ref,
        created_at=now,
    )
    what = "、".join([f"{step.amount_yuan}元"] * bool(step.amount_yuan) + list(step.consequences))
    _event(
        complaint,
        actor=actor,
        action="fine",
        title=f"有效投诉处罚：{staff.name} {period.label}第{nth}次",
        from_status=NEW,
        to_status=PenaltyStatus.ACTIVE,
        kind=EventKind.FINE,
        object_id=fine.pk,
        note=f"{what}（{rules.ref}）",
        public_note="",
        at=now,
    )
    audit_record(
        actor=actor,
        action="complaints.fine.record",
        obj=fine,
        summary=f"{complaint.no}：{staff.name} {period.label}第{nth}次有效投诉，{what}",
        changes={"amount_yuan": step.amount_yuan, "nth": nth, "rules": rules.ref},
    )
    return fine


def _penalty_withdraw(
    complaint: Complaint, row: Fine | Sanction, kind: str, *, actor: Actor, now: datetime, reason: str
) -> None:
    row.status = PenaltyStatus.WITHDRAWN
    row.withdrawn_reason = reason
    row.save(update_fields=["status", "withdrawn_reason"])
    label = "有效投诉处罚" if kind == EventKind.FINE else "处理措施"
    _event(
        complaint,
        actor=actor,
        action="withdraw",
        title=f"撤销{label}：{row.staff.name}",
        from_status=PenaltyStatus.ACTIVE,
        to_status=PenaltyStatus.WITHDRAWN,
        kind=kind,
        object_id=row.pk,
        note=reason,
        public_note="",
        at=now,
    )
    audit_record(
        actor=actor,
        action=f"complaints.{kind}.withdraw",
        obj=row,
        summary=f"{complaint.no}：撤销 {row.staff.name} 的{label}",
        changes={"status": [PenaltyStatus.ACTIVE, PenaltyStatus.WITHDRAWN], "reason": reason},
    )


def _contact(
    *, anonymous: bool, name: str, phone: str, email: str, address: str, preference: str
) -> dict[str, Any]:
    name, email, address = name.strip(), email.strip(), address.strip()
    if preference not in ContactPreference.values:
        raise DomainError("请选择希望的答复方式。", code="invalid_input")
    if phone.strip():
        try:
            phone = validate_landline_or_mobile(phone)
        except ValidationError as exc:
            raise DomainError(f"联系电话：{exc.messages[0]}", code="invalid_input") from None
    else:
        phone = ""
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise DomainError("电子邮箱格式不正确，例如 name@example.com。", code="invalid_input") from None
    if not anonymous and not name:
        raise DomainError("请填写投诉人姓名；不愿留名的请选择匿名投诉。", code="invalid_input")
    needed = {
        ContactPreference.PHONE: (phone, "联系电话"),
        ContactPreference.SMS: (phone, "手机号码"),
        ContactPreference.EMAIL: (email, "电子邮箱"),
        ContactPreference.LETTER: (address, "通信地址"),
    }
    if preference in needed and not needed[ContactPreference(preference)][0]:
        raise DomainError(
            f"选择以“{ContactPreference(preference).label}”答复的，请填写{needed[ContactPreference(preference)][1]}；"
            "不留联系方式的，请选择“只在网上查询”。",
            code="invalid_input",
        )
    return {
        "anonymous": anonymous,
        "complainant_name": "" if anonymous else name,
        "complainant_phone": phone,
        "complainant_email": email,
        "contact_preference": preference,
    }


def _attach(
    complaint: Complaint, files: Iterable[UploadedFile], *, actor: Actor, by_complainant: bool
) -> list[Attachment]:
    files = list(files)
    if complaint.attachments.count() + len(files) > ATTACHMENT_MAX_FILES:
        raise DomainError(f"每件投诉最多 {ATTACHMENT_MAX_FILES} 个附件。", code="invalid_input")
    rows = []
    for upload in files:
        name = PurePath(upload.name or "附件").name[:200]
        suffix = PurePath(name).suffix.lower()
        if suffix not in ATTACHMENT_TYPES:
            raise DomainError(
                f"附件“{name}”的类型不支持，请上传 {'、'.join(sorted(ATTACHMENT_TYPES))} 文件。",
                code="invalid_input",
            )
        if (upload.size or 0) > ATTACHMENT_MAX_BYTES:
            raise DomainError(
                f"附件“{name}”超过 {ATTACHMENT_MAX_BYTES // (1024 * 1024)} MB，请压缩后再上传。",
                code="invalid_input",
            )
        rows.append(
            Attachment.objects.create(
                complaint=complaint,
                file=upload,
                name=name,
                size=upload.size or 0,
                content_type=ATTACHMENT_TYPES[suffix],
                uploaded_by=user_or_none(actor),
                by_complainant=by_complainant,
            )
        )
    return rows


def _required(values: dict[str, str], labels: dict[str, str]) -> None:
    missing = [labels[k] for k, v in values.items() if k in labels and not (v or "").strip()]
    if missing:
        raise DomainError(f"请填写：{'、'.join(missing)}。", code="invalid_input")


def _next_no(day: date) -> str:
    seq, _ = ComplaintSequence.objects.select_for_update().get_or_create(day=day)
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"TS{day:%Y%m%d}-{seq.last:04d}"


def _user(actor: Actor) -> Any:
    if isinstance(actor, str) or actor is None or not actor.is_authenticated:
        raise forbidden("此步骤须由登录的工作人员办理。")
    return actor


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def complaint_require_step(actor: Actor, complaint: Complaint, step: Step) -> None:
    """Raise the DomainError a step would raise for this person now (403 not theirs,
    409 not at this stage) — for pages that check before reading a form."""
    _require(actor, complaint, step)


def _require(actor: Actor, complaint: Complaint, step: Step, *, today: date | None = None) -> None:
    if isinstance(actor, str):
        return  # a scheduled job or an import acting for the centre
    if actor is None:
        raise forbidden("需要登录。")
    if step not in complaint_allowed_steps(actor, complaint, today=today):
        if step in _STEP_STATUS and complaint.status not in _STEP_STATUS[step]:
            raise DomainError(
                f"投诉当前为“{Status(complaint.status).label}”，不能进行此步骤。", code="conflict", status=409
            )
        raise forbidden("您的角色或部门不能办理此投诉的这一步骤。")


_STEP_STATUS: dict[Step, frozenset[str]] = {
    Step.ACCEPT: frozenset({Status.RECEIVED}),
    Step.SETTLE: frozenset({Status.RECEIVED, Status.ACCEPTED}),
    Step.CLASSIFY: frozenset({Status.ACCEPTED}),
    Step.DETERMINE: frozenset({Status.CLASSIFIED}),
    Step.HANDLE: frozenset({Status.HANDLING}),
    Step.JOINT_REVIEW: frozenset({Status.JOINT_REVIEW}),
    Step.REPORT: frozenset({Status.REPORTING}),
    Step.REVIEW: frozenset({Status.REPORT_REVIEW}),
    Step.REPLY: frozenset({Status.REPLYING, Status.CLASSIFIED}),
    Step.FOLLOW_UP: frozenset({Status.FOLLOW_UP}),
    Step.ARCHIVE: frozenset({Status.CLOSED}),
    Step.DELAY: frozenset(AWAITING_REPLY),
}


def _move(
    complaint: Complaint,
    to: str,
    *,
    actor: Actor,
    action: str,
    title: str,
    note: str,
    public_note: str,
    at: datetime,
    fields: Sequence[str],
) -> None:
    before = complaint.status
    if to not in TRANSITIONS[before]:
        raise DomainError(
            f"投诉当前为“{Status(before).label}”，不能转为“{Status(to).label}”。", code="conflict", status=409
        )
    complaint.status = to
    complaint.save(update_fields=sorted({"status", *fields}))
    _event(
        complaint,
        actor=actor,
        action=action,
        title=title,
        from_status=before,
        to_status=to,
        note=note,
        public_note=public_note,
        at=at,
    )
    audit_record(
        actor=actor,
        action=f"complaints.complaint.{action}",
        obj=complaint,
        summary=f"{complaint.no} {title}：{Status(before).label} → {Status(to).label}",
        changes={"status": [before, to]},
    )


def _stay(
    complaint: Complaint,
    *,
    actor: Actor,
    action: str,
    title: str,
    note: str,
    public_note: str,
    at: datetime,
    fields: Sequence[str],
) -> None:
    """A recorded act that does not change the status (delay report, reminders …)."""
    if fields:
        complaint.save(update_fields=sorted(set(fields)))
    _event(
        complaint,
        actor=actor,
        action=action,
        title=title,
        from_status=complaint.status,
        to_status=complaint.status,
        note=note,
        public_note=public_note,
        at=at,
    )
    audit_record(
        actor=actor, action=f"complaints.complaint.{action}", obj=complaint, summary=f"{complaint.no} {title}"
    )


def _event(
    complaint: Complaint,
    *,
    actor: Actor,
    action: str,
    title: str,
    from_status: str,
    note: str,
    public_note: str,
    at: datetime,
    to_status: str | None = None,
    kind: str = EventKind.COMPLAINT,
    object_id: int | None = None,
) -> ComplaintEvent:
    user, label = event_actor(actor)
    return ComplaintEvent.objects.create(
        complaint=complaint,
        kind=kind,
        object_id=object_id,
        at=at,
        actor=user,
        actor_label=label,
        action=action,
        title=title[:60],
        from_status=from_status,
        to_status=to_status if to_status is not None else complaint.status,
        round=complaint.round,
        note=note,
        public_note=public_note,
    )
