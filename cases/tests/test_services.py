"""The life cycle of a case through its services: registration (受理, 补办件, 退回件),
supplements, joint and escalated cases, extensions, completion and delivery, review,
query passwords, the events and the audit log."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.contrib.auth.hashers import check_password

from audit.models import AuditEvent
from cases import services
from cases.models import (
    Case,
    CaseEvent,
    CaseStatus,
    EventKind,
    ExtensionStatus,
    HandoverStatus,
    SupplementStatus,
)
from cases.tests.conftest import CREDIT_CODE, MOBILE, PERSON_ID, first_material, marks_for
from catalog.models import Matter
from common.errors import Conflict, DomainError
from org.models import Branch, Department

pytestmark = pytest.mark.django_db
D = date.fromisoformat


def _register(users, code="DK015", **kwargs):
    matter = Matter.objects.get(code=code)
    defaults = {
        "actor": users["teller1"],
        "matter": matter,
        "applicant": services.ApplicantData(name="李明", phone=MOBILE, id_number=PERSON_ID),
        "marks": marks_for(code),
        "idempotency_key": uuid.uuid4(),
    }
    defaults.update(kwargs)
    return services.case_register(**defaults)


# --- Registration ------------------------------------------------------------------------


def test_registration_gives_a_receipt_number_and_a_password_shown_once(users, clock):
    clock.set(2026, 11, 23, 9)
    reg = _register(users)
    case = reg.case
    assert reg.created and reg.password is not None
    assert len(reg.password) == 6 and reg.password.isdigit()
    assert case.receipt_no == "HD01-20261123-0001"
    assert check_password(reg.password, case.query_password_hash)
    assert reg.password not in case.query_password_hash
    assert case.first_responsible == users["teller1"].staff  # 第一责任人 (002 篇1 §二(二))
    assert case.version.ref == "DK015@1" and case.handling_type == "promised" and case.promised_days == 5


def test_receipt_numbers_are_gapless_per_branch_and_day(users, clock):
    clock.set(2026, 11, 23, 9)
    numbers = [_register(users).case.receipt_no for _ in range(3)]
    assert numbers == [f"HD01-20261123-{n:04d}" for n in (1, 2, 3)]
    # Another branch counts on its own; another day starts again.
    wa = _register(users, actor=users["teller3"]).case
    assert wa.receipt_no == "WA01-20261123-0001"
    clock.set(2026, 11, 24, 9)
    assert _register(users).case.receipt_no == "HD01-20261124-0001"


def test_the_same_submission_twice_makes_one_case(users, clock):
    key = uuid.uuid4()
    first = _register(users, idempotency_key=key)
    again = _register(users, idempotency_key=key)
    assert not again.created and again.password is None
    assert again.case.pk == first.case.pk
    assert Case.objects.count() == 1


def test_a_submission_key_of_another_teller_is_refused(users):
    key = uuid.uuid4()
    _register(users, idempotency_key=key)
    with pytest.raises(Conflict) as err:
        _register(users, idempotency_key=key, actor=users["teller2"])
    assert err.value.code == "duplicate_submission"


def test_registration_writes_events_and_the_audit_log(users):
    case = _register(users).case
    event = CaseEvent.objects.get(case=case)
    assert (event.from_status, event.to_status, event.public) == ("", CaseStatus.ACCEPTED, True)
    assert "承诺5个工作日内办结" in event.public_note
    audit = AuditEvent.objects.get(action="cases.case.register", object_id=str(case.pk))
    assert audit.actor == users["teller1"] and case.receipt_no in audit.summary


@pytest.mark.parametrize(
    ("applicant", "message"),
    [
        (services.ApplicantData(name="李明", phone=MOBILE, id_number="130402198807150028"), "校验位"),
        (services.ApplicantData(name="李明", phone="0310-12", id_number=PERSON_ID), "电话号码格式不正确"),
        (services.ApplicantData(name="", phone=MOBILE, id_number=PERSON_ID), "请填写申请人姓名"),
        (services.ApplicantData(name="李明", phone=MOBILE, id_number=""), "请填写申请人身份证号码"),
        (
            services.ApplicantData(name="李明", phone=MOBILE, id_number=PERSON_ID, agent_name="王芳"),
            "代办人身份证号码",
        ),
    ],
)
def test_identity_and_phone_are_validated(users, applicant, message):
    with pytest.raises(DomainError) as err:
        _register(users, applicant=applicant)
    assert err.value.status == 422 and message in err.value.message
    assert not Case.objects.exists()


def test_an_employer_needs_its_credit_code_and_clerk(users):
    with pytest.raises(DomainError) as err:
        _register(
            users,
            code="GJ014",
            applicant=services.ApplicantData(name="示例公司", phone=MOBILE, credit_code="91130400MA0CXXXX03"),
            marks=marks_for("GJ014"),
        )
    assert "统一社会信用代码" in err.value.message and "经办人" in err.value.message
    ok = _register(
        users,
        code="GJ014",
        applicant=services.ApplicantData(
            name="示例公司",
            phone=MOBILE,
            credit_code=CREDIT_CODE,
            agent_name="王芳",
            agent_id_number=PERSON_ID,
        ),
        marks=marks_for("GJ014"),
    )
    assert ok.case.applicant_kind == "employer" and ok.case.applicant_id_number == ""


def test_every_material_must_be_checked_against_the_guide(users):
    marks = marks_for("DK015")
    required = next(code for code, m in marks.items() if m.status == "received")
    del marks[required]
    with pytest.raises(DomainError) as err:
        _register(users, marks=marks)
    assert "请核对材料" in err.value.message
    marks = marks_for("DK015")
    marks[required] = services.MaterialMark("not_applicable")
    with pytest.raises(DomainError) as err:
        _register(users, marks=marks)
    assert "必须提交的材料，不能选“不适用”" in err.value.message
    marks = marks_for("DK015")
    marks["XX999-M01"] = services.MaterialMark("received")
    with pytest.raises(DomainError) as err:
        _register(users, marks=marks)
    assert "XX999-M01" in err.value.message


def test_a_suspended_matter_is_not_accepted(users):
    Matter.objects.filter(code="DK015").update(status="suspended")
    with pytest.raises(DomainError) as err:
        _register(users)
    assert err.value.code == "matter_not_active"


def test_only_staff_of_a_branch_accept(users, make_user):
    with pytest.raises(DomainError) as err:
        _register(users, actor=users["office1"])
    assert err.value.status == 403
    nobody = make_user("teller")  # a teller without a branch
    with pytest.raises(DomainError):
        _register(users, actor=nobody)


# --- Supplements and rejection -----------------------------------------------------------


def test_incomplete_materials_make_a_supplement_request_with_all_items_at_once(users, clock):
    clock.set(2026, 11, 23, 9)
    name = first_material("DK015")
    marks = marks_for("DK015", missing=(name, "婚姻"))
    case = _register(users, marks=marks).case
    assert case.status == CaseStatus.SUPPLEMENT and case.deadline is None
    assert case.supplement.number == f"{case.receipt_no}-B"
    missing = list(case.materials.filter(status="missing").values_list("material__name", flat=True))
    assert len(missing) == 2
    public = case.events.get().public_note
    assert all(services.titled(n) in public for n in missing)
    assert "《《" not in public


def test_a_supplement_only_takes_the_materials_on_the_list(users, clock):
    name = first_material("DK015")
    case = _register(users, marks=marks_for("DK015", missing=(name,))).case
    other = case.materials.filter(status="received").first().material.code
    with pytest.raises(DomainError) as err:
        services.case_supplement_receive(actor=users["teller1"], case=case, material_codes=[other])
    assert err.value.code == "not_on_supplement_list" and "一次性告知" in err.value.message


def test_a_partial_supplement_keeps_waiting(users, clock):
    clock.set(2026, 11, 23, 9)
    case = _register(users, marks=marks_for("DK015", missing=(first_material("DK015"), "婚姻"))).case
    codes = list(case.materials.filter(status="missing").values_list("material__code", flat=True))
    clock.set(2026, 11, 24, 9)
    case = services.case_supplement_receive(actor=users["teller1"], case=case, material_codes=codes[:1])
    assert case.status == CaseStatus.SUPPLEMENT
    clock.set(2026, 11, 25, 9)
    case = services.case_supplement_receive(actor=users["teller1"], case=case, material_codes=codes[1:])
    assert case.status == CaseStatus.ACCEPTED and case.accepted_on == D("2026-11-25")
    assert case.deadline == D("2026-12-02")  # 26, 27, 30 Nov, 1, 2 Dec
    case.supplement.refresh_from_db()
    assert case.supplement.status == SupplementStatus.COMPLETED


def test_incomplete_materials_are_not_a_reason_to_refuse(users):
    with pytest.raises(DomainError) as err:
        _register(users, rejection=services.Rejection("conditions_not_met", "申请人材料不全，不予受理"))
    assert err.value.code == "missing_materials_not_a_reason"
    assert "补办件通知单" in err.value.message


def test_a_refusal_needs_a_ground_and_a_reason(users):
    reg = _register(
        users,
        rejection=services.Rejection(
            "conditions_not_met",
            "申请人及配偶名下已有两套住房，不符合《住房公积金管理条例》第二十六条建造自住住房贷款条件",
            "建房用地批准文件（复印件）",
        ),
    )
    case = reg.case
    assert case.status == CaseStatus.REJECTED and reg.password
    assert case.rejected_at is not None and "两套住房" in case.events.get().public_note
    with pytest.raises(DomainError):
        services.case_reject(actor=users["teller1"], case=case, rejection=services.Rejection("", "理由"))


def test_a_case_waiting_for_materials_can_be_refused_and_its_supplement_closes(users):
    case = _register(users, marks=marks_for("DK015", missing=(first_material("DK015"),))).case
    services.case_reject(
        actor=users["teller1"],
        case=case,
        rejection=services.Rejection(
            "conditions_not_met",
            "经核实申请人不符合贷款条件，已有未结清的住房公积金贷款（本中心贷款管理办法）",
        ),
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED
    assert case.supplement.status == SupplementStatus.CLOSED


def test_a_consultation_with_nothing_brought_is_not_a_case(users):
    marks = {code: services.MaterialMark("missing") for code in marks_for("DK020")}
    with pytest.raises(DomainError) as err:
        _register(users, code="DK020", marks=marks)
    assert err.value.code == "nothing_received"


# --- Transitions ---------------------------------------------------------------------------


def test_transitions_outside_the_map_are_refused(users):
    case = _register(users, marks=marks_for("DK015", missing=(first_material("DK015"),))).case
    with pytest.raises(Conflict):
        services.case_complete(actor=users["teller1"], case=case, outcome="approved", result="准予")
    accepted = _register(users).case
    with pytest.raises(Conflict):
        services.case_deliver(actor=users["teller1"], case=accepted, method="pickup")
    with pytest.raises(Conflict):
        services.case_supplement_receive(actor=users["teller1"], case=accepted, material_codes=["DK015-M01"])


def test_only_the_branch_handles_its_cases(users):
    case = _register(users).case
    with pytest.raises(DomainError) as err:
        services.case_complete(actor=users["teller3"], case=case, outcome="approved", result="准予")
    assert err.value.status == 403


# --- Completion and delivery -------------------------------------------------------------


def test_an_immediate_case_is_decided_and_handed_over_on_the_spot(users, clock):
    clock.set(2026, 11, 23, 10)
    case = _register(users, code="TQ001", marks=marks_for("TQ001")).case
    assert case.deadline == D("2026-11-23")
    case = services.case_complete(
        actor=users["teller1"],
        case=case,
        outcome="approved",
        result="准予提取，提取金额转入申请人本人银行账户",
        transaction_no="TQ20261123000017",
        deliver_now=True,
    )
    assert case.status == CaseStatus.DELIVERED
    assert case.notify_method == "in_person" and case.delivered_at == case.decided_at
    kinds = list(case.events.values_list("kind", "to_status"))
    assert (EventKind.STATUS, CaseStatus.COMPLETED) in kinds and (
        EventKind.STATUS,
        CaseStatus.DELIVERED,
    ) in kinds


def test_a_refusal_needs_its_reasons_in_writing(users):
    case = _register(users).case
    with pytest.raises(DomainError) as err:
        services.case_complete(actor=users["teller1"], case=case, outcome="refused", result="不予批准")
    assert "不予批准的理由" in err.value.message
    case = services.case_complete(
        actor=users["teller1"],
        case=case,
        outcome="refused",
        result="不予批准，退回申请材料",
        refusal_reason="借款申请人连续足额缴存住房公积金不满6个月",
    )
    assert case.outcome == "refused"


def test_telling_by_text_message_sends_one_and_needs_a_mobile(users, sms_outbox):
    case = _register(users).case
    services.case_complete(
        actor=users["teller1"], case=case, outcome="approved", result="准予贷款", notify_method="sms"
    )
    assert len(sms_outbox) == 1 and sms_outbox[0].to == MOBILE
    assert case.receipt_no in sms_outbox[0].text and "领取" in sms_outbox[0].text
    landline = _register(
        users, applicant=services.ApplicantData(name="李明", phone="0310-3101001", id_number=PERSON_ID)
    ).case
    with pytest.raises(DomainError) as err:
        services.case_complete(
            actor=users["teller1"], case=landline, outcome="approved", result="准予贷款", notify_method="sms"
        )
    assert err.value.code == "not_mobile"
    landline.refresh_from_db()
    assert landline.status == CaseStatus.ACCEPTED  # nothing of the step was kept


def test_mail_delivery_needs_the_tracking_number(users):
    case = _register(users).case
    services.case_complete(actor=users["teller1"], case=case, outcome="approved", result="准予贷款")
    with pytest.raises(DomainError):
        services.case_deliver(actor=users["teller1"], case=case, method="mail")
    case = services.case_deliver(actor=users["teller1"], case=case, method="mail", note="EMS 1187654321")
    assert case.status == CaseStatus.DELIVERED and case.notify_method == "letter"


# --- Joint cases ---------------------------------------------------------------------------


def test_a_joint_case_waits_for_every_department_before_the_decision(users, clock, make_user):
    clock.set(2026, 11, 23, 9)
    case = _register(users, code="DK016", marks=marks_for("DK016")).case
    gj, tq = Department.objects.get(code="GJ"), Department.objects.get(code="TQ")
    handovers = services.case_handover_register(
        actor=users["teller1"], case=case, departments=[gj, tq], limit_days=3
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.JOINT
    with pytest.raises(Conflict) as err:
        services.case_complete(actor=users["teller1"], case=case, outcome="approved", result="准予")
    assert err.value.code == "handover_open"
    # Only the department handed over answers.
    with pytest.raises(DomainError) as err:
        services.case_handover_answer(actor=users["teller1"], handover=handovers[0], opinion="同意")
    assert err.value.status == 403
    gj_clerk = make_user("teller", department=gj)
    tq_head = make_user("head", department=tq)
    services.case_handover_answer(actor=gj_clerk, handover=handovers[0], opinion="缴存记录核实无误，同意")
    case.refresh_from_db()
    assert case.status == CaseStatus.JOINT
    services.case_handover_answer(actor=tq_head, handover=handovers[1], opinion="无未结清的提取，同意")
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    assert set(case.handovers.values_list("status", flat=True)) == {HandoverStatus.ANSWERED}
    services.case_complete(actor=users["teller1"], case=case, outcome="approved", result="准予商转公")


def test_a_department_sees_the_cases_handed_to_it(users, make_user):
    case = _register(users, code="DK016", marks=marks_for("DK016")).case
    gj = Department.objects.get(code="GJ")
    wa_clerk = make_user("teller", branch=Branch.objects.get(code="WA01"), department=gj)
    assert not Case.objects.visible_to(wa_clerk).filter(pk=case.pk).exists()
    services.case_handover_register(actor=users["teller1"], case=case, departments=[gj], limit_days=2)
    assert Case.objects.visible_to(wa_clerk).filter(pk=case.pk).exists()


def test_a_handover_cannot_go_to_the_lead_department_or_twice(users):
    case = _register(users, code="DK016", marks=marks_for("DK016")).case
    own = case.department
    with pytest.raises(DomainError):
        services.case_handover_register(actor=users["teller1"], case=case, departments=[own], limit_days=2)
    gj = Department.objects.get(code="GJ")
    services.case_handover_register(actor=users["teller1"], case=case, departments=[gj], limit_days=2)
    with pytest.raises(Conflict):
        services.case_handover_register(actor=users["teller1"], case=case, departments=[gj], limit_days=2)


# --- Escalated cases -----------------------------------------------------------------------


def _employer_case(users, code="GJ019"):
    return _register(
        users,
        code=code,
        applicant=services.ApplicantData(
            name="邯郸市示例科技有限公司",
            phone=MOBILE,
            credit_code=CREDIT_CODE,
            agent_name="王芳",
            agent_id_number=PERSON_ID,
        ),
        marks=marks_for(code),
    ).case


def test_an_escalated_case_is_approved_only_by_the_higher_authority(users):
    case = _employer_case(users)
    with pytest.raises(Conflict) as err:
        services.case_complete(actor=users["teller1"], case=case, outcome="approved", result="准予缓缴")
    assert err.value.code == "needs_higher_approval"
    # A refusal after the centre's own review needs no forwarding.
    case = services.case_complete(
        actor=users["teller1"],
        case=case,
        outcome="refused",
        result="不予批准",
        refusal_reason="单位近12个月未按时足额缴存，不符合缓缴条件，不予转报",
    )
    assert case.status == CaseStatus.COMPLETED


def test_an_escalated_case_is_forwarded_replied_and_completed(users, clock, sms_outbox):
    clock.set(2026, 11, 2, 9)
    case = _employer_case(users)
    with pytest.raises(DomainError):
        services.case_escalate(actor=users["teller1"], case=_register(users).case, authority="管委会")
    clock.set(2026, 11, 6, 10)
    esc = services.case_escalate(
        actor=users["teller1"], case=case, authority="住房公积金管理委员会", note="邯公积金〔2026〕12号"
    )
    assert esc.explain_after == D("2026-11-21")
    assert any("转报住房公积金管理委员会" in m.text for m in sms_outbox)
    with pytest.raises(Conflict):
        services.case_complete(actor=users["teller1"], case=case, outcome="approved", result="准予")
    # Within the 15 days no explanation is owed.
    clock.set(2026, 11, 21, 16)
    with pytest.raises(DomainError) as err:
        services.case_escalation_explain(
            actor=users["teller1"], case=case, explanation="管委会会议尚未召开，已电话催办"
        )
    assert err.value.code == "not_yet_due"
    clock.set(2026, 11, 22, 9)
    services.case_escalation_explain(
        actor=users["teller1"], case=case, explanation="管委会会议推迟至12月初召开，已电话催办并告知单位"
    )
    with pytest.raises(Conflict):
        services.case_escalation_explain(
            actor=users["teller1"], case=case, explanation="再次解释一下这件事情的原因"
        )
    clock.set(2026, 12, 3, 10)
    services.case_escalation_reply(
        actor=users["teller1"], case=case, reply="邯公积金委〔2026〕5号：同意缓缴12个月"
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    services.case_complete(
        actor=users["teller1"], case=case, outcome="approved", result="准予缓缴12个月", notify_method="phone"
    )


# --- Extensions ----------------------------------------------------------------------------


def test_an_extension_needs_the_explanation_to_the_applicant(users, clock):
    case = _register(users).case
    with pytest.raises(DomainError) as err:
        services.case_extension_request(
            actor=users["teller1"],
            case=case,
            reason="需要核实",
            requested_deadline=D("2026-04-01"),
            explained_to_applicant=False,
        )
    assert err.value.code == "not_explained"


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("2026-03-20", "须晚于现在的办结期限"),  # accepted 16 Mar, deadline 23 Mar
        ("2026-03-28", "不是工作日"),
        ("2027-01-05", "2027年的节假日安排尚未发布"),
    ],
)
def test_the_new_deadline_must_be_a_later_working_day_of_a_published_year(users, clock, new, message):
    case = _register(users).case
    assert case.deadline == D("2026-03-23")
    with pytest.raises(DomainError) as err:
        services.case_extension_request(
            actor=users["teller1"],
            case=case,
            reason="需要核实材料",
            requested_deadline=D(new),
            explained_to_applicant=True,
        )
    assert message in err.value.message


def test_only_the_head_and_then_a_leader_approve_an_extension(users, clock, make_user):
    case = _register(users).case
    ext = services.case_extension_request(
        actor=users["teller1"],
        case=case,
        reason="需要核实材料",
        requested_deadline=D("2026-03-26"),
        explained_to_applicant=True,
    )
    with pytest.raises(Conflict):
        services.case_extension_request(
            actor=users["teller1"],
            case=case,
            reason="再次申请",
            requested_deadline=D("2026-03-27"),
            explained_to_applicant=True,
        )
    other_head = make_user("head", branch=Branch.objects.get(code="WA01"))
    for actor in (users["teller1"], other_head, users["leader1"]):
        with pytest.raises(DomainError) as err:
            services.case_extension_head_opinion(actor=actor, extension=ext, agree=True, opinion="同意")
        assert err.value.status == 403
    with pytest.raises(DomainError):  # the leader before the head
        services.case_extension_leader_decision(
            actor=users["leader1"], extension=ext, approve=True, opinion="同意"
        )
    services.case_extension_head_opinion(actor=users["head1"], extension=ext, agree=True, opinion="同意")
    with pytest.raises(DomainError) as err:
        services.case_extension_leader_decision(
            actor=users["head1"], extension=ext, approve=True, opinion="同意"
        )
    assert err.value.status == 403
    ext = services.case_extension_leader_decision(
        actor=users["leader1"], extension=ext, approve=True, opinion="同意"
    )
    assert ext.status == ExtensionStatus.APPROVED
    case.refresh_from_db()
    assert case.deadline == D("2026-03-26") and case.promised_deadline == D("2026-03-23")
    public = case.events.filter(kind=EventKind.EXTENSION, public=True).get()
    assert "延至2026年3月26日" in public.public_note


def test_a_refused_extension_leaves_the_deadline(users, clock):
    case = _register(users).case
    ext = services.case_extension_request(
        actor=users["teller1"],
        case=case,
        reason="需要核实材料",
        requested_deadline=D("2026-03-26"),
        explained_to_applicant=True,
    )
    services.case_extension_head_opinion(actor=users["head1"], extension=ext, agree=True, opinion="同意")
    services.case_extension_leader_decision(
        actor=users["leader1"], extension=ext, approve=False, opinion="不同意，按期办结"
    )
    case.refresh_from_db()
    assert case.deadline == D("2026-03-23")
    assert not case.events.filter(kind=EventKind.EXTENSION, public=True).exists()


# --- Review, password, withdrawal --------------------------------------------------------


def _rejected(users):
    return _register(
        users,
        rejection=services.Rejection(
            "conditions_not_met", "申请人名下已有两套住房，不符合本中心贷款管理办法第十条的贷款条件"
        ),
    ).case


def test_an_upheld_review_keeps_the_refusal_and_a_second_request_is_refused(users):
    case = _rejected(users)
    services.case_review_request(case=case, reason="我名下只有一套住房，另一套已于去年出售，请核实")
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEW
    with pytest.raises(DomainError) as err:
        services.case_review_decide(actor=users["teller1"], case=case, overturn=False, decision="维持")
    assert err.value.status == 403
    services.case_review_decide(
        actor=users["office1"],
        case=case,
        overturn=False,
        decision="经核实，出售的房屋尚未办理过户，维持不予受理",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED
    with pytest.raises(Conflict) as err:
        services.case_review_request(case=case, reason="我仍然不服，请再次复核这个决定")
    assert err.value.code == "already_reviewed"


def test_an_overturned_refusal_counts_from_the_day_after_the_application(users, clock):
    clock.set(2026, 11, 16, 10)
    case = _rejected(users)
    services.case_review_request(case=case, reason="我名下只有一套住房，另一套已于去年出售，请核实")
    clock.set(2026, 11, 18, 10)
    services.case_review_decide(
        actor=users["office1"], case=case, overturn=True, decision="经核实已出售，撤销不予受理"
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    assert case.accepted_on == D("2026-11-16")  # 000 §五(二)2(1): from the day after receipt
    assert case.deadline == D("2026-11-23")


def test_a_password_reset_invalidates_the_old_one(users):
    reg = _register(users)
    new = services.case_password_reset(actor=users["teller1"], case=reg.case)
    assert services.case_public_lookup(reg.case.receipt_no, reg.password) is None or new == reg.password
    assert services.case_public_lookup(reg.case.receipt_no, new).pk == reg.case.pk
    assert reg.case.events.filter(kind=EventKind.PASSWORD).exists()


def test_a_withdrawal_closes_everything_open(users):
    case = _register(users, code="DK016", marks=marks_for("DK016")).case
    services.case_handover_register(
        actor=users["teller1"], case=case, departments=[Department.objects.get(code="GJ")], limit_days=2
    )
    services.case_withdraw(actor=users["teller1"], case=case, reason="申请人书面申请撤回")
    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN
    assert not case.handovers.filter(status=HandoverStatus.OPEN).exists()


# --- The deadline waiting for the calendar -----------------------------------------------


def test_a_pending_deadline_is_computed_once_the_year_is_published(users, clock, sms_outbox):
    from workdays.services import year_publish

    clock.set(2026, 12, 28, 10)
    case = _register(users).case
    assert case.deadline_pending
    assert services.case_deadlines_recompute(actor="test") == 0
    year_publish(
        actor="test",
        year=2027,
        holidays=[("元旦", D("2027-01-01"), D("2027-01-01"))],
        makeup_workdays=[],
        source="测试用安排",
        notice_text="测试",
    )
    assert services.case_deadlines_recompute(actor="test") == 1
    case.refresh_from_db()
    # 29, 30, 31 Dec, then 4, 5 Jan 2027 (1 Jan a holiday, 2–3 Jan a weekend).
    assert case.deadline == D("2027-01-05") and not case.deadline_pending
    assert case.events.filter(kind=EventKind.DEADLINE, public=True).exists()
    assert any("2027年1月5日" in m.text for m in sms_outbox)
