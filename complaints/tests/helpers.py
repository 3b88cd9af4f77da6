"""Small helpers of the complaints tests: dated acts and a walk through the process."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone

from complaints import services
from complaints.models import Complaint
from org.models import Department, Staff


def at(day: str, hm: str = "10:00") -> datetime:
    h, m = (int(x) for x in hm.split(":"))
    return timezone.make_aware(datetime.combine(date.fromisoformat(day), time(h, m)))


def register(users, day: str = "2026-03-02", **fields) -> Complaint:
    data = {
        "channel": "phone",
        "complainant_name": "张三",
        "complainant_phone": "13800001234",
        "subject": "窗口人员态度生硬",
        "content": "办理提取时工作人员态度生硬，未一次性告知材料。",
        "staff": Staff.objects.get(staff_no="1101"),
        "matter": "提取住房公积金偿还房贷",
        "scope_codes": ["service_rules"],
    } | fields
    complaint, _ = services.complaint_register(
        actor=users["office"], received_at=at(day, "09:00"), now=at(day, "09:05"), **data
    )
    return complaint


def accept(users, c: Complaint, day: str) -> Complaint:
    return services.complaint_accept(
        actor=users["office"],
        complaint=c,
        owner=users["office"].staff,
        initial_findings="已联系投诉人核实",
        limit_told_via="电话",
        now=at(day, "10:00"),
    )


def classify(users, c: Complaint, day: str, code: str = "general", criteria=(), **kw) -> Complaint:
    return services.complaint_classify(
        actor=users["office"],
        complaint=c,
        class_code=code,
        criteria=list(criteria),
        now=at(day, "11:00"),
        **kw,
    )


def determine(users, c: Complaint, day: str, dept: str = "DK", staff_nos=("1101",)) -> Complaint:
    return services.complaint_determine(
        actor=users["office"],
        complaint=c,
        department=Department.objects.get(code=dept),
        staff=list(Staff.objects.filter(staff_no__in=staff_nos)),
        analysis="经核实责任在窗口经办人",
        now=at(day, "15:00"),
    )


def handle(actor, c: Complaint, day: str) -> Complaint:
    return services.complaint_record_handling(
        actor=actor,
        complaint=c,
        facts="情况属实",
        causes="未一次性告知",
        measures="批评教育",
        answer="已向投诉人致歉",
        now=at(day, "10:00"),
    )


def report_and_approve(users, actor, c: Complaint, day: str, **review) -> Complaint:
    services.complaint_submit_report(
        actor=actor,
        complaint=c,
        investigation="情况属实",
        causes="未一次性告知",
        measures="批评教育，部门通报",
        communication="已电话致歉",
        prevention="每周复盘",
        now=at(day, "14:00"),
    )
    return services.complaint_review_report(
        actor=users["office"], complaint=c, approve=True, now=at(day, "16:00"), **review
    )


def reply(users, c: Complaint, day: str) -> Complaint:
    services.complaint_reply(
        actor=users["office"], complaint=c, channel="电话", text="已整改，感谢监督", now=at(day, "16:30")
    )
    c.refresh_from_db()
    return c


def to_follow_up(users, c: Complaint, start: str = "2026-03-02") -> Complaint:
    """A general complaint against 胡晓明 (DK) walked to the follow-up, all on `start`'s week."""
    accept(users, c, start)
    classify(users, c, start)
    determine(users, c, start)
    handle(users["head1"], c, start)
    report_and_approve(users, users["head1"], c, start)
    return reply(users, c, start)
