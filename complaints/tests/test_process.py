"""The complaint process of 000 §五(四)8, step by step: each step an explicit state
with its actor and time; steps out of order are refused; only the right people act."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from common.errors import DomainError
from complaints import services
from complaints.models import TRANSITIONS, Status
from complaints.selectors import Step, complaint_allowed_steps
from complaints.tests.helpers import (
    accept,
    at,
    classify,
    determine,
    handle,
    register,
    reply,
    report_and_approve,
    to_follow_up,
)
from org.models import Department

pytestmark = pytest.mark.django_db


def test_every_status_has_an_entry_in_the_transition_map_and_archive_is_final():
    assert set(TRANSITIONS) == {"", *Status.values}
    assert TRANSITIONS[Status.ARCHIVED] == frozenset()
    reachable = {s for targets in TRANSITIONS.values() for s in targets}
    assert reachable == set(Status.values)


def test_a_general_complaint_goes_through_every_step_with_its_actor_and_time(users):
    c = register(users, "2026-03-02")
    assert (c.status, c.no) == (Status.RECEIVED, "TS20260302-0001")
    accept(users, c, "2026-03-02")
    classify(users, c, "2026-03-03")
    determine(users, c, "2026-03-03")
    c.refresh_from_db()
    assert c.filed_with_party_committee_at is not None and c.verified_on.isoformat() == "2026-03-03"
    handle(users["head1"], c, "2026-03-04")
    report_and_approve(users, users["head1"], c, "2026-03-05")
    reply(users, c, "2026-03-06")
    services.complaint_follow_up(
        actor=users["office"], complaint=c, method="电话", satisfaction="satisfied", now=at("2026-03-09")
    )
    services.complaint_archive(
        actor=users["office"], complaint=c, note="建议已转提取处", now=at("2026-03-10")
    )
    c.refresh_from_db()
    events = list(c.events.filter(kind="complaint"))
    assert [(e.from_status, e.to_status) for e in events] == [
        ("", "received"),
        ("received", "accepted"),
        ("accepted", "classified"),
        ("classified", "handling"),
        ("handling", "reporting"),
        ("reporting", "report_review"),
        ("report_review", "replying"),
        ("replying", "follow_up"),
        ("follow_up", "closed"),
        ("closed", "archived"),
    ]
    assert [e.actor_label.split("（")[0] for e in events][1:4] == ["张志强"] * 3
    assert events[4].actor_label.startswith("黄丽")  # the department head handled it
    assert all(e.at.date().isoformat() >= "2026-03-02" for e in events)
    assert AuditEvent.objects.filter(object_type="complaints.complaint", object_id=str(c.pk)).count() >= 10
    assert c.status == Status.ARCHIVED and c.satisfaction == "satisfied"


@pytest.mark.parametrize(
    ("step", "status"),
    [
        (lambda u, c: classify(u, c, "2026-03-02"), Status.RECEIVED),
        (lambda u, c: determine(u, c, "2026-03-02"), Status.RECEIVED),
        (lambda u, c: handle(u["office"], c, "2026-03-02"), Status.RECEIVED),
        (lambda u, c: reply(u, c, "2026-03-02"), Status.RECEIVED),
    ],
)
def test_a_step_out_of_order_is_refused_with_409(users, step, status):
    c = register(users, "2026-03-02")
    with pytest.raises(DomainError) as refused:
        step(users, c)
    assert refused.value.status == 409
    assert "不能进行此步骤" in refused.value.message
    c.refresh_from_db()
    assert c.status == status


@pytest.mark.parametrize("who", ["teller1", "head1", "guide1", "admin", "inspector1"])
def test_only_the_complaint_office_accepts_and_classifies(users, who):
    c = register(users, "2026-03-02")
    with pytest.raises(DomainError) as refused:
        accept({"office": users[who]}, c, "2026-03-02")
    assert refused.value.status == 403


def test_only_the_head_of_the_responsible_department_or_the_office_handles_the_case(users):
    c = register(users, "2026-03-02")
    accept(users, c, "2026-03-02")
    classify(users, c, "2026-03-02")
    determine(users, c, "2026-03-02", dept="WAGL", staff_nos=["2002"])
    for who in ("head1", "teller3", "leader1"):  # head1 heads DK, not 武安
        with pytest.raises(DomainError) as refused:
            handle(users[who], c, "2026-03-03")
        assert refused.value.status == 403
    handle(users["head_wa"], c, "2026-03-03")
    c.refresh_from_db()
    assert c.status == Status.REPORTING


def test_a_leader_may_determine_responsibility_and_it_is_marked(users):
    c = register(users, "2026-03-02")
    accept(users, c, "2026-03-02")
    classify(users, c, "2026-03-02")
    determine({"office": users["leader1"]}, c, "2026-03-02")
    c.refresh_from_db()
    assert c.determined_by_leader is True and c.status == Status.HANDLING


def test_a_major_complaint_goes_through_joint_review_which_may_change_the_class(users):
    c = register(users, "2026-03-02")
    accept(users, c, "2026-03-02")
    classify(users, c, "2026-03-02", "major", ["服务态度恶劣，恶语伤人，甚至与服务对象争吵谩骂的"])
    determine(users, c, "2026-03-03")
    c = handle(users["head1"], c, "2026-03-04")
    assert c.status == Status.JOINT_REVIEW
    with pytest.raises(DomainError, match="会审文件编号"):
        services.complaint_joint_review(
            actor=users["office"],
            complaint=c,
            held_on=at("2026-03-05").date(),
            participants="分管副主任、业务管理处、贷款服务大厅",
            departments_consulted="提取处",
            legal_opinion="无异议",
            decision="改定为一般投诉",
            document_no="",
            class_code="general",
        )
    c = services.complaint_joint_review(
        actor=users["office"],
        complaint=c,
        held_on=at("2026-03-05").date(),
        participants="分管副主任、业务管理处、贷款服务大厅",
        departments_consulted="提取处",
        legal_opinion="无异议",
        decision="争吵系双方误会，改定为一般投诉",
        document_no="会审〔2026〕1号",
        class_code="general",
        now=at("2026-03-05"),
    )
    assert (c.status, c.class_code, c.limit_days) == (Status.REPORTING, "general", 5)
    assert c.joint_reviews.get().class_before == "major"
    assert "性质由重大投诉改为一般投诉" in c.events.get(action="joint_review").note


def test_a_complex_general_complaint_also_goes_to_joint_review(users):
    c = register(users, "2026-03-02")
    accept(users, c, "2026-03-02")
    classify(users, c, "2026-03-02", "general", is_complex=True)
    determine(users, c, "2026-03-02")
    assert handle(users["head1"], c, "2026-03-03").status == Status.JOINT_REVIEW


def test_a_key_supervision_report_needs_the_heads_report_in_person(users):
    c = register(users, "2026-03-02")
    accept(users, c, "2026-03-02")
    classify(users, c, "2026-03-02", "general", key_supervision=True)
    determine(users, c, "2026-03-02")
    handle(users["head1"], c, "2026-03-03")
    with pytest.raises(DomainError, match="当面汇报"):
        report_and_approve(users, users["head1"], c, "2026-03-04")
    c.refresh_from_db()
    assert c.status == Status.REPORT_REVIEW
    services.complaint_review_report(
        actor=users["office"], complaint=c, approve=True, reported_in_person=True
    )
    c.refresh_from_db()
    assert c.status == Status.REPLYING


def test_a_returned_report_goes_back_to_the_department_and_is_kept(users):
    c = register(users, "2026-03-02")
    accept(users, c, "2026-03-02")
    classify(users, c, "2026-03-02")
    determine(users, c, "2026-03-02")
    handle(users["head1"], c, "2026-03-03")
    services.complaint_submit_report(
        actor=users["head1"],
        complaint=c,
        investigation="x",
        causes="x",
        measures="x",
        communication="x",
        prevention="x",
    )
    with pytest.raises(DomainError, match="审核意见"):
        services.complaint_review_report(actor=users["office"], complaint=c, approve=False)
    services.complaint_review_report(
        actor=users["office"], complaint=c, approve=False, remarks="原因分析过于简单"
    )
    c.refresh_from_db()
    assert c.status == Status.REPORTING
    assert list(c.reports.values_list("status", flat=True)) == ["returned"]
    report_and_approve(users, users["head1"], c, "2026-03-04")
    assert list(c.reports.values_list("status", flat=True)) == ["returned", "approved"]


def test_an_invalid_complaint_is_answered_with_its_reason_without_a_department(users):
    c = register(users, "2026-03-02")
    accept(users, c, "2026-03-02")
    with pytest.raises(DomainError, match="须写明理由"):
        classify(
            users, c, "2026-03-02", "invalid", ["与事实不符的投诉，包括恶意投诉、不实投诉和无法立案的投诉"]
        )
    classify(
        users,
        c,
        "2026-03-02",
        "invalid",
        ["与事实不符的投诉，包括恶意投诉、不实投诉和无法立案的投诉"],
        reason="调取录像，工作人员按规定办理",
    )
    assert Step.DETERMINE not in complaint_allowed_steps(users["office"], c)
    c = reply(users, c, "2026-03-03")
    assert c.status == Status.FOLLOW_UP and not c.fines.exists()
    services.complaint_follow_up(
        actor=users["office"], complaint=c, method="电话", satisfaction="unsatisfied", opinion="不认可"
    )
    c.refresh_from_db()
    assert (c.status, c.round) == (Status.ACCEPTED, 2)  # examined again from the start


def test_a_major_complaint_needs_its_criteria(users):
    c = register(users, "2026-03-02")
    accept(users, c, "2026-03-02")
    with pytest.raises(DomainError, match="符合的条件"):
        classify(users, c, "2026-03-02", "major")
    with pytest.raises(DomainError, match="不属于"):
        classify(users, c, "2026-03-02", "major", ["工作人员因违规或失误，造成一定负面影响引起的投诉"])


def test_a_general_complaint_settled_on_the_spot_is_answered_the_same_day(users):
    c = register(users, "2026-03-02")
    c = services.complaint_settle_on_the_spot(
        actor=users["office"],
        complaint=c,
        answer="大厅主任当场致歉并办结",
        responsible_staff=[users["teller1"].staff],
        now=at("2026-03-02", "11:00"),
    )
    assert (c.status, c.class_code, c.settled_on_the_spot) == (Status.FOLLOW_UP, "general", True)
    assert c.responsible_department == users["teller1"].staff.department
    assert c.replies.get().on_time is True
    assert c.fines.count() == 1  # the person was found responsible on the spot
    other = register(users, "2026-03-02")
    with pytest.raises(DomainError, match="当场解决只能在收到投诉的当日"):
        services.complaint_settle_on_the_spot(
            actor=users["office"], complaint=other, answer="x", now=at("2026-03-03")
        )


def test_archiving_waits_for_a_pending_appeal(users):
    c = to_follow_up(users, register(users, "2026-03-02"), "2026-03-03")
    services.complaint_appeal_file(
        actor=users["head1"], complaint=c, grounds="当事人已按规定告知，不应认定责任"
    )
    services.complaint_follow_up(actor=users["office"], complaint=c, method="电话", satisfaction="satisfied")
    with pytest.raises(DomainError, match="尚待机关党委重新审议") as refused:
        services.complaint_archive(actor=users["office"], complaint=c)
    assert refused.value.status == 409
    services.complaint_appeal_decide(actor=users["leader1"], complaint=c, upheld=True, decision="维持原决定")
    services.complaint_archive(actor=users["office"], complaint=c)


def test_attachments_are_checked_and_stored_out_of_public_reach(users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = SimpleUploadedFile("现场.jpg", b"\xff\xd8\xff" + b"0" * 100, content_type="image/jpeg")
    c = register(users, "2026-03-02", attachments=[photo])
    a = c.attachments.get()
    assert (a.name, a.content_type, a.by_complainant) == ("现场.jpg", "image/jpeg", False)
    assert a.file.name.startswith("complaints/") and "现场" not in a.file.name
    with pytest.raises(DomainError, match="类型不支持"):
        register(users, "2026-03-02", attachments=[SimpleUploadedFile("x.exe", b"MZ")])


def test_resetting_the_query_password_invalidates_the_old_one(users):
    c, password = services.complaint_register(
        actor=users["office"],
        channel="phone",
        complainant_name="张三",
        complainant_phone="13800001234",
        subject="x",
        content="y",
    )
    assert services.complaint_public_lookup(c.no, password) == c
    new = services.complaint_password_reset(actor=users["office"], complaint=c)
    assert services.complaint_public_lookup(c.no, password) is None
    assert services.complaint_public_lookup(c.no, new) == c
    with pytest.raises(DomainError):
        services.complaint_password_reset(actor=users["head1"], complaint=c)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"complainant_name": ""}, "请填写投诉人姓名"),
        ({"anonymous": True, "complainant_name": "", "complainant_phone": ""}, "请填写联系电话"),
        ({"contact_preference": "email"}, "请填写电子邮箱"),
        ({"complainant_email": "not-an-email", "contact_preference": "email"}, "电子邮箱格式不正确"),
        ({"complainant_phone": "110"}, "联系电话"),
        ({"scope_codes": ["nope"]}, "受理范围代码无效"),
        ({"subject": " "}, "投诉事由"),
        ({"related_kind": "case"}, "关联记录的编号"),
    ],
)
def test_intake_refuses_what_cannot_be_answered_with_a_message_to_act_on(users, fields, message):
    with pytest.raises(DomainError, match=message):
        register(users, "2026-03-02", **fields)


def test_an_anonymous_complaint_may_be_followed_only_online(users):
    c = register(
        users,
        "2026-03-02",
        anonymous=True,
        complainant_name="不应保存",
        complainant_phone="",
        contact_preference="online",
    )
    assert (c.anonymous, c.complainant_name, c.contact_preference) == (True, "", "online")


def test_a_window_of_another_branch_is_refused_and_a_staff_member_fills_in_branch_and_department(users):
    from org.models import Branch, Window

    wa_window = Window.objects.get(branch__code="WA01", number=1)
    with pytest.raises(DomainError, match="不属于所选的管理部"):
        register(users, "2026-03-02", branch=Branch.objects.get(code="HD01"), window=wa_window)
    c = register(users, "2026-03-02")
    assert (c.branch.code, c.department) == ("HD01", Department.objects.get(code="DK"))


def test_revealing_the_contact_is_logged(users):
    c = register(users, "2026-03-02")
    contact = services.complaint_contact_reveal(actor=users["office"], complaint=c)
    assert contact["phone"] == "13800001234"
    assert AuditEvent.objects.filter(
        action="complaints.complaint.reveal_contact", actor=users["office"]
    ).exists()
    with pytest.raises(DomainError):
        services.complaint_contact_reveal(actor=users["head1"], complaint=c)


def test_window_staff_register_counter_complaints_only_and_the_office_every_channel(users):
    from complaints import services as s

    fields = {"complainant_name": "王五", "complainant_phone": "13700001111", "subject": "x", "content": "y"}
    c, _ = s.complaint_register(actor=users["teller1"], channel="visit", **fields)
    assert c.registered_by == users["teller1"]
    with pytest.raises(DomainError) as refused:
        s.complaint_register(actor=users["teller1"], channel="hotline_transfer", **fields)
    assert refused.value.status == 403
    assert s.complaint_register(actor=users["office"], channel="hotline_transfer", **fields)[0].pk
