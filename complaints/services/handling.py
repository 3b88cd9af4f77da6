"""Handling (000 §五(四)8(3)–(5), §13): the responsible department's handling, the joint
review of a major or complex case, the written report in the fixed format and the
office's review of it, the reply to the complainant through the complaint's channel,
and the record of calling in the police, the legal department or a crisis team.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction

from audit.transitions import transition
from common import clock
from common.actors import Actor
from common.errors import DomainError
from complaints.models import (
    Complaint,
    ComplaintClass,
    Handling,
    IncidentKind,
    JointReview,
    Reply,
    Report,
    ReportStatus,
    Status,
)
from complaints.selectors import Step, complaint_rules
from complaints.services._common import (
    LIMIT_FIELDS,
    complaint_class,
    locked,
    record_row,
    reply_row,
    require_step,
    required_texts,
    set_limit,
    staff_user,
    stay,
    step_row,
)
from complaints.services.penalties import sync_penalties


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
    complaint = locked(complaint)
    require_step(actor, complaint, Step.HANDLE)
    now = now or clock.now()
    texts = {"facts": facts, "causes": causes, "measures": measures, "answer": answer}
    required_texts(
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
        submitted_by=staff_user(actor),
        **{k: v.strip() for k, v in texts.items()},
    )
    needs_review = complaint.class_code == ComplaintClass.MAJOR or complaint.is_complex
    reviewed = complaint.joint_reviews.exists()
    to = Status.JOINT_REVIEW if needs_review and not reviewed else Status.REPORTING
    transition(
        complaint,
        to,
        actor=actor,
        at=now,
        note=f"事件经过：{facts.strip()}\n处理措施：{measures.strip()}",
        **step_row(complaint, "handle", "部门办理"),
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
    complaint = locked(complaint)
    require_step(actor, complaint, Step.JOINT_REVIEW)
    now = now or clock.now()
    texts = {
        "participants": participants,
        "departments_consulted": departments_consulted,
        "legal_opinion": legal_opinion,
        "decision": decision,
        "document_no": document_no,
    }
    required_texts(
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
    cls = complaint_class(params, class_code)
    before = complaint.class_code
    JointReview.objects.create(
        complaint=complaint,
        round=complaint.round,
        held_on=held_on,
        class_before=before,
        class_after=class_code,
        recorded_at=now,
        recorded_by=staff_user(actor),
        **{k: v.strip() for k, v in texts.items()},
    )
    fields: list[str] = []
    note = f"会审文件 {document_no.strip()}：{decision.strip()}"
    if class_code != before:
        complaint.class_code = class_code
        complaint.is_valid = cls.valid
        complaint.class_reason = f"集体会审改定（{document_no.strip()}）"
        set_limit(complaint, params, class_code)
        fields += ["class_code", "is_valid", "class_reason", *LIMIT_FIELDS]
        note += f"；性质由{ComplaintClass(before).label}改为{cls.label}"
    transition(
        complaint,
        Status.REPORTING,
        actor=actor,
        at=now,
        note=note,
        fields=fields,
        **step_row(complaint, "joint_review", "集体会审"),
    )
    if class_code != before:
        sync_penalties(complaint, actor=actor, now=now, reason=f"集体会审改定为{cls.label}")
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
    complaint = locked(complaint)
    require_step(actor, complaint, Step.REPORT)
    now = now or clock.now()
    texts = {
        "investigation": investigation,
        "causes": causes,
        "measures": measures,
        "communication": communication,
        "prevention": prevention,
    }
    required_texts(
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
        submitted_by=staff_user(actor),
        **{k: v.strip() for k, v in texts.items()},
    )
    transition(
        complaint,
        Status.REPORT_REVIEW,
        actor=actor,
        at=now,
        note="责任部门提交投诉办理报告",
        **step_row(complaint, "report", "提交办理报告"),
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
    complaint = locked(complaint)
    require_step(actor, complaint, Step.REVIEW)
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
    report.reviewed_at = now
    report.reviewed_by = staff_user(actor)
    report.review_remarks = remarks
    report.reported_in_person = reported_in_person
    transition(
        report,
        ReportStatus.APPROVED if approve else ReportStatus.RETURNED,
        actor=actor,
        at=now,
        note=remarks,
        fields=["reviewed_at", "reviewed_by", "review_remarks", "reported_in_person"],
        **record_row(
            complaint,
            report,
            "review" if approve else "return",
            f"第{report.round}轮办理报告" + ("审核通过" if approve else "退回修改"),
        ),
    )
    transition(
        complaint,
        Status.REPLYING if approve else Status.REPORTING,
        actor=actor,
        at=now,
        note=remarks or "审核通过",
        **step_row(
            complaint, "review" if approve else "return", "报告审核通过" if approve else "报告退回修改"
        ),
    )
    return complaint


@transaction.atomic
def complaint_reply(
    *, actor: Actor, complaint: Complaint, channel: str, text: str, now: datetime | None = None
) -> Reply:
    """答复 through the complaint's channel (§8(5)); for an invalid complaint, the
    reason (§6(3)). Whether it met the time limit of its round is recorded."""
    complaint = locked(complaint)
    require_step(actor, complaint, Step.REPLY)
    now = now or clock.now()
    channel, text = channel.strip(), text.strip()
    if not text:
        raise DomainError("请写明给投诉人的答复内容。", code="invalid_input")
    if not channel:
        raise DomainError("请选择答复方式。", code="invalid_input")
    reply = reply_row(complaint, channel=channel, text=text, actor=actor, at=now)
    complaint.replied_at = now
    transition(
        complaint,
        Status.FOLLOW_UP,
        actor=actor,
        at=now,
        note=f"{channel}：{text}",
        fields=["replied_at"],
        **step_row(
            complaint,
            "reply",
            "答复投诉人" + ("" if reply.on_time else "（超过时限）"),
            public_note=f"答复（{channel}）：{text}",
        ),
    )
    return reply


@transaction.atomic
def complaint_record_incident(
    *, actor: Actor, complaint: Complaint, kind: str, note: str, now: datetime | None = None
) -> Complaint:
    """§五(四)13: record that the police, the legal department or a crisis team was
    called in, with what happened (the complaint's status does not change)."""
    complaint = locked(complaint)
    require_step(actor, complaint, Step.INCIDENT)
    if kind not in IncidentKind.values:
        raise DomainError("请选择处置方式。", code="invalid_input")
    note = note.strip()
    if not note:
        raise DomainError("请写明经过和处置情况。", code="invalid_input")
    stay(
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
