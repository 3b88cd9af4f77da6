"""超时办结 (000 §五(二)5): each condition, as a table of facts and through the services
on a case's real life, with the reason stored on the case."""

from __future__ import annotations

from datetime import date

import pytest

from cases import deadlines, services
from cases.deadlines import (
    LATE,
    LATE_EXTENSION,
    NO_REPLY,
    RESULT_NOT_DELIVERED,
    OverdueFacts,
    overdue_reasons,
)
from cases.models import CaseStatus, DeliveryMethod, OverdueFinding
from cases.tests.conftest import at

D = date.fromisoformat
DEADLINE = D("2026-10-13")


@pytest.mark.parametrize(
    ("facts", "today", "expected"),
    [
        # Before the deadline's day has ended nothing is late.
        (OverdueFacts(DEADLINE), D("2026-10-13"), set()),
        # Not decided when the deadline has passed.
        (OverdueFacts(DEADLINE), D("2026-10-14"), {LATE}),
        # … unless an extension asked in time waits for approval.
        (OverdueFacts(DEADLINE, extension_pending_in_time=True), D("2026-10-14"), set()),
        # Decided after the deadline.
        (OverdueFacts(DEADLINE, D("2026-10-14"), D("2026-10-14"), D("2026-10-14")), D("2026-10-14"), {LATE}),
        # Decided in time, the applicant never told.
        (OverdueFacts(DEADLINE, D("2026-10-12")), D("2026-10-14"), {NO_REPLY}),
        # … told only after the deadline.
        (OverdueFacts(DEADLINE, D("2026-10-12"), D("2026-10-15")), D("2026-10-15"), {NO_REPLY}),
        # Decided and told in time, posted after the deadline.
        (
            OverdueFacts(DEADLINE, D("2026-10-12"), D("2026-10-12"), D("2026-10-14"), pickup=False),
            D("2026-10-14"),
            {RESULT_NOT_DELIVERED},
        ),
        # … never posted.
        (
            OverdueFacts(DEADLINE, D("2026-10-12"), D("2026-10-12"), None, pickup=False),
            D("2026-10-20"),
            {RESULT_NOT_DELIVERED},
        ),
        # Pick-up at the window: told in time that the result is ready is enough.
        (OverdueFacts(DEADLINE, D("2026-10-12"), D("2026-10-12"), None, pickup=True), D("2026-10-20"), set()),
        (OverdueFacts(DEADLINE, D("2026-10-12"), D("2026-10-12"), D("2026-10-19")), D("2026-10-20"), set()),
        # Everything in time.
        (
            OverdueFacts(DEADLINE, D("2026-10-13"), D("2026-10-13"), D("2026-10-13"), pickup=False),
            D("2026-12-01"),
            set(),
        ),
        # An extension asked after the deadline counts at once, with or without the rest.
        (OverdueFacts(DEADLINE, late_extension=True), D("2026-10-14"), {LATE_EXTENSION, LATE}),
        (
            OverdueFacts(D("2026-10-20"), D("2026-10-16"), D("2026-10-16"), late_extension=True),
            D("2026-10-16"),
            {LATE_EXTENSION},
        ),
        # A deadline waiting for the calendar: nothing can be judged yet.
        (OverdueFacts(None), D("2027-01-20"), set()),
    ],
)
def test_the_overdue_conditions_follow_the_regulation(facts, today, expected):
    assert overdue_reasons(facts, today) == expected


pytestmark = pytest.mark.django_db


def _codes(case) -> set[str]:
    return set(OverdueFinding.objects.filter(case=case).values_list("code", flat=True))


def test_a_case_not_completed_by_its_deadline_is_flagged_by_the_sweep(register, clock):
    case = register("DK015", when=at(2026, 9, 30))  # deadline 13 Oct
    clock.set(2026, 10, 13, 18)
    services.cases_sweep(now=clock())
    assert _codes(case) == set()
    clock.set(2026, 10, 14, 7, 30)
    counts = services.cases_sweep(now=clock())
    assert counts["overdue"] == 1
    case.refresh_from_db()
    assert case.overdue and _codes(case) == {LATE}
    finding = case.overdue_findings.get()
    assert finding.text == "因办理部门自身责任，无正当理由超过承诺时限未能办结"
    assert finding.deadline == DEADLINE and finding.rules_ref == "handan-2021-case-time-limit@1"
    assert finding.found_by == "cases_sweep"
    # Idempotent: a second run the same day (or the next) adds nothing.
    assert services.cases_sweep(now=clock())["overdue"] == 0
    assert case.overdue_findings.count() == 1


def test_a_completion_after_the_deadline_is_overdue_at_once(register, users, clock):
    case = register("DK015", when=at(2026, 9, 30))
    clock.set(2026, 10, 14, 9)
    services.case_complete(
        actor=users["teller1"], case=case, outcome="approved", result="准予贷款", deliver_now=True
    )
    assert _codes(case) == {LATE}


def test_no_answer_to_the_applicant_is_overdue(register, users, clock):
    case = register("DK015", when=at(2026, 9, 30))
    clock.set(2026, 10, 12, 15)
    services.case_complete(actor=users["teller1"], case=case, outcome="approved", result="准予贷款")
    clock.set(2026, 10, 14, 7)
    services.cases_sweep(now=clock())
    assert _codes(case) == {NO_REPLY}


def test_telling_the_applicant_after_the_deadline_is_overdue(register, users, clock):
    case = register("DK015", when=at(2026, 9, 30))
    clock.set(2026, 10, 13, 16)
    services.case_complete(actor=users["teller1"], case=case, outcome="approved", result="准予贷款")
    clock.set(2026, 10, 15, 9)
    services.case_notify(actor=users["teller1"], case=case, method="phone", note="电话告知")
    assert _codes(case) == {NO_REPLY}


def test_a_result_not_delivered_within_the_limit_is_overdue(register, users, clock):
    case = register(
        "DK015",
        when=at(2026, 9, 30),
        delivery_method=DeliveryMethod.MAIL,
        delivery_address="邯郸市丛台区示例路1号",
    )
    clock.set(2026, 10, 13, 10)
    services.case_complete(
        actor=users["teller1"], case=case, outcome="approved", result="准予贷款", notify_method="phone"
    )
    clock.set(2026, 10, 16, 10)
    services.case_deliver(actor=users["teller1"], case=case, method="mail", note="EMS 1234567890")
    assert _codes(case) == {RESULT_NOT_DELIVERED}


def test_a_case_handled_in_time_is_never_flagged(register, users, clock, sms_outbox):
    case = register("DK015", when=at(2026, 9, 30))
    clock.set(2026, 10, 13, 11)
    services.case_complete(
        actor=users["teller1"], case=case, outcome="approved", result="准予贷款", notify_method="sms"
    )
    # The applicant picks the result up a week later: their choice, not the centre's delay.
    clock.set(2026, 10, 20, 9)
    services.case_deliver(actor=users["teller1"], case=case, method="pickup", note="申请人本人领取")
    services.cases_sweep(now=clock())
    case.refresh_from_db()
    assert not case.overdue and _codes(case) == set()
    assert case.status == CaseStatus.DELIVERED


def test_an_extension_asked_after_the_deadline_is_recorded_but_the_case_is_overdue(register, users, clock):
    case = register("DK015", when=at(2026, 9, 30))
    clock.set(2026, 10, 14, 9)
    ext = services.case_extension_request(
        actor=users["teller1"],
        case=case,
        reason="需向不动产登记机构核实建房用地批准文件",
        requested_deadline=D("2026-10-20"),
        explained_to_applicant=True,
    )
    assert ext.late
    # Not completed by the deadline, and the extension asked only afterwards: both hold.
    assert _codes(case) == {LATE_EXTENSION, LATE}
    clock.set(2026, 10, 14, 11)
    services.case_extension_head_opinion(actor=users["head1"], extension=ext, agree=True, opinion="情况属实")
    services.case_extension_leader_decision(
        actor=users["leader1"], extension=ext, approve=True, opinion="同意"
    )
    case.refresh_from_db()
    assert case.deadline == D("2026-10-20")  # the approval still moves the deadline …
    assert case.overdue and _codes(case) == {LATE_EXTENSION, LATE}  # … but the case stays overdue


def test_a_timely_extension_waiting_for_approval_suspends_the_late_flag(register, users, clock):
    case = register("DK015", when=at(2026, 9, 30))
    clock.set(2026, 10, 13, 16)
    ext = services.case_extension_request(
        actor=users["teller1"],
        case=case,
        reason="需向不动产登记机构核实建房用地批准文件",
        requested_deadline=D("2026-10-16"),
        explained_to_applicant=True,
    )
    assert not ext.late
    clock.set(2026, 10, 14, 7)
    services.cases_sweep(now=clock())
    assert _codes(case) == set()
    clock.set(2026, 10, 14, 10)
    services.case_extension_head_opinion(
        actor=users["head1"], extension=ext, agree=False, opinion="理由不充分"
    )
    # Refused: judged against the original deadline, which has passed.
    assert _codes(case) == {LATE}


def test_an_approved_extension_moves_the_deadline_and_keeps_the_case_on_time(
    register, users, clock, sms_outbox
):
    case = register("DK015", when=at(2026, 9, 30))
    clock.set(2026, 10, 12, 10)
    ext = services.case_extension_request(
        actor=users["teller1"],
        case=case,
        reason="需向不动产登记机构核实建房用地批准文件",
        requested_deadline=D("2026-10-19"),
        explained_to_applicant=True,
        explained_note="电话告知申请人",
    )
    services.case_extension_head_opinion(
        actor=users["head1"],
        extension=ext,
        agree=True,
        opinion="同意，规定延至10月16日",
        granted_deadline=D("2026-10-16"),
    )
    clock.set(2026, 10, 13, 9)
    services.case_extension_leader_decision(
        actor=users["leader1"], extension=ext, approve=True, opinion="同意"
    )
    case.refresh_from_db()
    assert case.deadline == D("2026-10-16") and case.promised_deadline == DEADLINE
    clock.set(2026, 10, 16, 15)
    services.case_complete(
        actor=users["teller1"], case=case, outcome="approved", result="准予贷款", deliver_now=True
    )
    clock.set(2026, 10, 19, 7)
    services.cases_sweep(now=clock())
    assert _codes(case) == set()
    # The applicant was told of the extension by text message.
    assert any("延期至2026年10月16日" in m.text for m in sms_outbox)


def test_an_escalated_case_forwarded_in_time_meets_the_centres_limit(register, users, clock):
    case = register("GJ019", when=at(2026, 9, 28))  # 10 working days: 29, 30 Sep, 8–10, 12–16 Oct
    assert case.deadline == D("2026-10-16")
    clock.set(2026, 10, 16, 16)
    services.case_escalate(actor=users["teller1"], case=case, authority="住房公积金管理委员会")
    clock.set(2026, 11, 20, 7)
    services.cases_sweep(now=clock())
    assert _codes(case) == set()


def test_an_escalated_case_not_forwarded_in_time_is_overdue(register, users, clock):
    case = register("GJ019", when=at(2026, 9, 28))
    assert case.deadline == D("2026-10-16")
    clock.set(2026, 10, 19, 10)
    services.case_escalate(actor=users["teller1"], case=case, authority="住房公积金管理委员会")
    assert _codes(case) == {LATE}


def test_the_condition_codes_are_those_of_the_rule_set():
    from rules.models import RuleKind
    from rules.selectors import rules_in_force

    params = rules_in_force(RuleKind.CASE_TIME_LIMIT, D("2026-10-01")).params
    assert {c.code for c in params.overdue_conditions} == set(deadlines.CONDITION_CODES)
