"""A year of complaints for the demo centre (and for the test of the yearly
analysis): nine complaints of 2025 that go through every path of the process —
on time and late, a major one with joint review, an invalid one, one settled on
the spot, two reopened after an unsatisfied follow-up, one still overdue, one just
received — through the services, dated with `now`, so every event, deadline and
fine is what the process itself produced.

Loaded by `manage.py seed_demo_complaints` (after `seed_demo`); idempotent.
The expected figures of the 2025 analysis are written out in
complaints/tests/test_analysis.py.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from complaints import services
from complaints.models import Channel, Complaint, ContactPreference
from org.models import Branch, Department, Staff

YEAR = 2025
MATTER_WITHDRAW = "提取住房公积金偿还房贷"
MATTER_BASE = "缴存基数调整"


def at(day: str, hm: str = "10:00") -> datetime:
    """A local time of a business day, timezone-aware (Asia/Shanghai)."""
    hour, minute = (int(x) for x in hm.split(":"))
    return timezone.make_aware(datetime.combine(date.fromisoformat(day), time(hour, minute)))


def _user(username: str) -> Any:
    return get_user_model().objects.select_related("staff").get(username=username)


def _staff(no: str) -> Staff:
    return Staff.objects.get(staff_no=no)


def _dept(code: str) -> Department:
    return Department.objects.get(code=code)


def _branch(code: str) -> Branch:
    return Branch.objects.get(code=code)


@transaction.atomic
def seed_complaint_year() -> list[Complaint]:
    """The nine complaints of 2025 (C1 … C9); nothing is created if any complaint of
    2025 exists already."""
    if Complaint.objects.filter(received_on__year=YEAR).exists():
        return list(Complaint.objects.filter(received_on__year=YEAR).order_by("received_at"))
    office = _user("office1")
    leader = _user("leader1")
    head_dk = _user("head1")  # 黄丽, 贷款服务大厅 (DK)
    head_wa = Staff.objects.get(staff_no="2001").user  # 郑海, 武安市管理部
    head_sx = Staff.objects.get(staff_no="3001").user  # 冯军, 涉县管理部
    hu, he, xie, cao = _staff("1101"), _staff("1103"), _staff("2002"), _staff("3002")
    owner = office.staff

    def register(when: str, **fields: Any) -> Complaint:
        complaint, _ = services.complaint_register(
            actor=office, received_at=at(when, "09:30"), now=at(when, "09:40"), **fields
        )
        return complaint

    def accept(c: Complaint, when: str, told: str = "电话") -> Complaint:
        return services.complaint_accept(
            actor=office,
            complaint=c,
            owner=owner,
            initial_findings="已电话联系投诉人核实情况，调取了窗口录像。",
            limit_told_via=told,
            now=at(when, "10:00"),
        )

    def classify(
        c: Complaint, when: str, code: str, criteria: list[str] | None = None, **kw: Any
    ) -> Complaint:
        return services.complaint_classify(
            actor=office, complaint=c, class_code=code, criteria=criteria or [], now=at(when, "11:00"), **kw
        )

    def determine(c: Complaint, when: str, dept: str, staff: list[Staff], actor: Any = None) -> Complaint:
        return services.complaint_determine(
            actor=actor or office,
            complaint=c,
            department=_dept(dept),
            staff=staff,
            analysis="经调查核实，责任在窗口经办人员。",
            now=at(when, "15:00"),
        )

    def handle(c: Complaint, when: str, head: Any) -> Complaint:
        return services.complaint_record_handling(
            actor=head,
            complaint=c,
            facts="经调取录像并询问当事人，情况属实。",
            causes="经办人员未按一次性告知要求说明所需材料。",
            people="窗口经办人员",
            measures="对当事人进行批评教育，部门内部通报，组织学习一次性告知制度。",
            answer="已电话向投诉人说明情况并致歉，约定补办时间。",
            prevention="每周业务例会复盘告知清单。",
            now=at(when, "10:00"),
        )

    def report(c: Complaint, when: str, head: Any, *, in_person: bool = False) -> Complaint:
        services.complaint_submit_report(
            actor=head,
            complaint=c,
            investigation="经调取录像并询问当事人，情况属实。",
            causes="经办人员未按要求一次性告知。",
            measures="批评教育，部门通报，组织学习。",
            communication="已电话向投诉人说明并致歉。",
            prevention="每周复盘告知清单。",
            now=at(when, "14:00"),
        )
        return services.complaint_review_report(
            actor=office, complaint=c, approve=True, reported_in_person=in_person, now=at(when, "16:00")
        )

    def reply(c: Complaint, when: str, channel: str = "电话") -> Complaint:
        services.complaint_reply(
            actor=office,
            complaint=c,
            channel=channel,
            text="您反映的问题经核实属实，已对相关人员批评教育并整改，感谢您的监督。",
            now=at(when, "16:30"),
        )
        c.refresh_from_db()
        return c

    def follow(c: Complaint, when: str, satisfaction: str, **kw: Any) -> Complaint:
        return services.complaint_follow_up(
            actor=office, complaint=c, method="电话", satisfaction=satisfaction, now=at(when, "10:30"), **kw
        )

    caller = {"contact_preference": ContactPreference.PHONE}

    # C1 — general, DK 胡晓明, answered on time, satisfied, archived. A suggestion at intake.
    c1 = register(
        "2025-03-03",
        channel=Channel.PHONE,
        complainant_name="张三",
        complainant_phone="13800000001",
        subject="提取时未一次性告知所需材料",
        content="3月3日上午在中心服务大厅办理提取，窗口工作人员没有一次告知需要的材料，跑了两趟。",
        branch=_branch("HD01"),
        staff=hu,
        matter=MATTER_WITHDRAW,
        scope_codes=["service_rules"],
        suggestion="希望增加提取业务窗口",
        **caller,
    )
    accept(c1, "2025-03-03")
    classify(c1, "2025-03-04", "general")
    determine(c1, "2025-03-04", "DK", [hu])
    handle(c1, "2025-03-05", head_dk)
    report(c1, "2025-03-05", head_dk)
    reply(c1, "2025-03-06")
    follow(c1, "2025-03-07", "satisfied")
    services.complaint_archive(actor=office, complaint=c1, note="建议已转提取处研究", now=at("2025-03-10"))

    # C2 — the same caller and matter against the same teller 17 days later: answered
    # late, unsatisfied, reopened, answered again on time, basically satisfied.
    c2 = register(
        "2025-03-20",
        channel=Channel.WEB,
        complainant_name="张三",
        complainant_phone="13800000001",
        subject="再次反映提取材料告知问题",
        content="补办材料时又被告知缺少另一份证明。",
        branch=_branch("HD01"),
        staff=hu,
        matter=MATTER_WITHDRAW,
        scope_codes=["service_rules"],
        **caller,
    )
    accept(c2, "2025-03-20")
    classify(c2, "2025-03-21", "general")
    determine(c2, "2025-03-21", "DK", [hu])
    handle(c2, "2025-03-31", head_dk)
    report(c2, "2025-04-02", head_dk)
    reply(c2, "2025-04-03")  # due 2025-03-27: late
    follow(c2, "2025-04-07", "unsatisfied", opinion="问题没有根本解决，材料仍未办完。")
    handle(c2, "2025-04-08", head_dk)
    report(c2, "2025-04-09", head_dk)
    reply(c2, "2025-04-11")  # round 2 due 2025-04-14: on time
    follow(c2, "2025-04-14", "basic")

    # C3 — major (多次跑趟), 武安 谢娜, joint review, answered within 10 working days.
    c3 = register(
        "2025-05-12",
        channel=Channel.HOTLINE,
        complainant_name="李四",
        complainant_phone="13900000002",
        subject="调整缴存基数多次跑趟",
        content="为调整缴存基数先后跑了四趟，每次都说材料不全。",
        branch=_branch("WA01"),
        staff=xie,
        matter=MATTER_BASE,
        scope_codes=["time_limit"],
        **caller,
    )
    accept(c3, "2025-05-12")
    classify(c3, "2025-05-13", "major", ["不认真履行职责，致使服务对象多次跑趟的"], key_supervision=True)
    determine(c3, "2025-05-14", "WAGL", [xie], actor=leader)
    handle(c3, "2025-05-16", head_wa)
    services.complaint_joint_review(
        actor=office,
        complaint=c3,
        held_on=date(2025, 5, 20),
        participants="分管副主任、业务管理处、武安市管理部、法律顾问",
        departments_consulted="归集处、武安市管理部",
        legal_opinion="处理符合中心规定。",
        decision="维持重大投诉定性，对当事人记过处分，管理部通报整改。",
        document_no="邯公积金会审〔2025〕3号",
        class_code="major",
        now=at("2025-05-20", "16:00"),
    )
    report(c3, "2025-05-22", head_wa, in_person=True)
    reply(c3, "2025-05-23", "12329热线回复")  # due 2025-05-26: on time
    follow(c3, "2025-05-26", "satisfied")
    services.complaint_sanction(
        actor=office, complaint=c3, staff=xie, code="demerit", note="会审决定", now=at("2025-05-26", "15:00")
    )

    # C4 — a letter about house prices: invalid, the reason told; the complainant cannot be reached.
    c4 = register(
        "2025-06-09",
        channel=Channel.LETTER,
        complainant_name="王五",
        complainant_address="涉县某街道（示例）",
        contact_preference=ContactPreference.LETTER,
        subject="反映房价过高",
        content="认为本地商品房价格过高，要求公积金中心干预。",
        branch=_branch("SX01"),
    )
    accept(c4, "2025-06-09", told="书面")
    classify(c4, "2025-06-10", "invalid", ["超出职责和业务范畴的投诉"], reason="超出中心职责和业务范畴。")
    services.complaint_reply(
        actor=office,
        complaint=c4,
        channel="书面",
        text="您反映的房价问题不属于本中心职责。",
        now=at("2025-06-10", "15:00"),
    )
    follow(c4, "2025-06-16", "unreachable")

    # C5 — settled on the spot at the counter on the day, 何平 found responsible.
    c5 = register(
        "2025-07-01",
        channel=Channel.VISIT,
        complainant_name="赵六",
        complainant_phone="13700000003",
        subject="窗口人员态度生硬",
        content="询问提取进度时工作人员语气生硬。",
        branch=_branch("HD01"),
        staff=he,
        matter=MATTER_WITHDRAW,
        scope_codes=["irregular"],
        **caller,
    )
    services.complaint_settle_on_the_spot(
        actor=office,
        complaint=c5,
        answer="大厅主任当场致歉并为其查询了办理进度。",
        responsible_department=_dept("DK"),
        responsible_staff=[he],
        now=at("2025-07-01", "11:00"),
    )
    follow(c5, "2025-07-02", "satisfied")

    # C6 — an anonymous web complaint across National Day, followed up on the web.
    c6, _ = services.complaint_submit_public(
        anonymous=True,
        contact_preference=ContactPreference.ONLINE,
        subject="提取业务窗口推诿",
        content="9月29日下午办理提取，被告知找其他窗口，来回推诿。",
        branch=_branch("HD01"),
        staff=hu,
        matter=MATTER_WITHDRAW,
        scope_codes=["service_rules"],
        received_at=at("2025-09-29", "15:00"),
        now=at("2025-09-29", "15:00"),
    )
    accept(c6, "2025-09-30", told="网上查询页面")
    classify(c6, "2025-10-09", "general")
    determine(c6, "2025-10-09", "DK", [hu])
    handle(c6, "2025-10-10", head_dk)
    report(c6, "2025-10-11", head_dk)  # Saturday 11 October 2025 is a working day (国庆调休)
    reply(c6, "2025-10-13", "网上查询页面")  # due 2025-10-13: on time
    services.complaint_follow_up(
        actor=services.PUBLIC_ACTOR,
        complaint=c6,
        method="网上查询页面",
        satisfaction="satisfied",
        suggestion="网上查询很方便",
        now=at("2025-10-14", "20:00"),
    )

    # C7 — e-mail, 武安 谢娜 again, still with the department and overdue at year end.
    c7 = register(
        "2025-11-17",
        channel=Channel.EMAIL,
        complainant_name="孙七",
        complainant_email="sun7@example.com",
        contact_preference=ContactPreference.EMAIL,
        subject="缴存基数调整逾期未办结",
        content="11月初提交的缴存基数调整至今未办结。",
        branch=_branch("WA01"),
        staff=xie,
        matter=MATTER_BASE,
        scope_codes=["service_rules", "time_limit"],
    )
    accept(c7, "2025-11-17", told="电子邮件")
    classify(c7, "2025-11-18", "general")
    determine(c7, "2025-11-18", "WAGL", [xie])

    # C8 — received on 29 December, not yet accepted (due 6 January 2026).
    register(
        "2025-12-29",
        channel=Channel.PHONE,
        complainant_name="周八",
        complainant_phone="13600000004",
        subject="单位缴存登记窗口吃拿卡要",
        content="反映窗口人员暗示需要请客才能加快办理。",
        branch=_branch("HD01"),
        matter="单位缴存登记",
        scope_codes=["integrity"],
        **caller,
    )

    # C9 — 涉县 曹丽, answered on time, unsatisfied, reopened on 24 December (due 31 December).
    c9 = register(
        "2025-12-01",
        channel=Channel.PHONE,
        complainant_name="吴九",
        complainant_phone="13500000005",
        subject="贷款审批进度无人答复",
        content="贷款申请提交后多次电话询问进度无人答复。",
        branch=_branch("SX01"),
        staff=cao,
        matter="贷款审批进度",
        scope_codes=["time_limit"],
        **caller,
    )
    accept(c9, "2025-12-01")
    classify(c9, "2025-12-02", "general")
    determine(c9, "2025-12-02", "SXGL", [cao])
    handle(c9, "2025-12-03", head_sx)
    report(c9, "2025-12-04", head_sx)
    reply(c9, "2025-12-05")  # due 2025-12-08: on time
    follow(c9, "2025-12-24", "unsatisfied", opinion="审批仍未完成。")
    return list(Complaint.objects.filter(received_on__year=YEAR).order_by("received_at"))


def load_demo() -> str:
    """The demo loader registered with common.demo (idempotent)."""
    from inquiries.demo import seed_demo_inquiries

    complaints = seed_complaint_year()
    inquiries = seed_demo_inquiries()
    return f"{YEAR}年投诉 {len(complaints)} 件，首问登记 {len(inquiries)} 条"
