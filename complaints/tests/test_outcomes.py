"""Outcomes of a verified complaint (000 §五(四)9, 11; 002 篇4 一7; 002 篇1 §一(一)):
sanctions, fines from the rule set in force, the party committee's re-review, the
one-vote veto of the quarter, and the selectors the appraisal will use."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from common import clock
from common.errors import DomainError
from common.periods import Period
from complaints import selectors, services
from complaints.models import Fine, PenaltyStatus
from complaints.tests.helpers import accept, at, classify, determine, register
from inquiries.models import Breach
from org.models import Department, Staff
from rules.services import rule_set_adopt

pytestmark = pytest.mark.django_db


def verified(users, day: str, staff_nos=("1101",), dept="DK", code="general"):
    c = register(users, day)
    accept(users, c, day)
    criteria = ["服务态度恶劣，恶语伤人，甚至与服务对象争吵谩骂的"] if code == "major" else []
    classify(users, c, day, code, criteria)
    determine(users, c, day, dept=dept, staff_nos=staff_nos)
    c.refresh_from_db()
    return c


def test_every_valid_complaint_costs_thirty_yuan_under_the_default_penalty(users):
    a = verified(users, "2026-03-02")
    b = verified(users, "2026-03-16")
    c = verified(users, "2026-04-01")
    rows = [
        (f.complaint_id, f.nth, f.amount_yuan, f.period_start.isoformat())
        for f in Fine.objects.order_by("id")
    ]
    # xinjian-2018-complaint-penalty: 30元 each, counted per calendar month
    assert rows == [(a.pk, 1, 30, "2026-03-01"), (b.pk, 2, 30, "2026-03-01"), (c.pk, 1, 30, "2026-04-01")]
    assert {f.rules_ref for f in Fine.objects.all()} == {"xinjian-2018-complaint-penalty@1"}
    fine_event = a.events.get(kind="fine")
    assert (fine_event.from_status, fine_event.to_status) == ("", "active")


def test_each_responsible_person_is_fined_once_and_an_invalid_complaint_not_at_all(users):
    c = verified(users, "2026-03-02", staff_nos=("1101", "1103"))
    assert sorted(c.fines.values_list("staff__staff_no", flat=True)) == ["1101", "1103"]
    invalid = register(users, "2026-03-02")
    accept(users, invalid, "2026-03-02")
    classify(users, invalid, "2026-03-02", "invalid", ["超出职责和业务范畴的投诉"], reason="不属于中心职责")
    assert not invalid.fines.exists()


def test_the_alternative_ladder_once_adopted_applies_from_its_date_and_not_before(users):
    tomorrow = clock.today() + timedelta(days=1)
    rule_set_adopt(
        actor="test", code="anqing-2019-complaint-penalty", effective_from=tomorrow, note="测试采用"
    )
    before = verified(users, "2026-03-02")
    assert before.fines.get().amount_yuan == 30  # verified before the adoption: the old rules
    staff = Staff.objects.get(staff_no="1103")  # counted per calendar year under the new ladder
    for n in range(4):
        c = register(users, "2026-03-02")
        accept(users, c, "2026-03-02")
        classify(users, c, "2026-03-02")
        services.complaint_determine(
            actor=users["office"],
            complaint=c,
            department=Department.objects.get(code="DK"),
            staff=[staff],
            analysis="x",
            now=timezone.make_aware(timezone.datetime.combine(tomorrow, timezone.datetime.min.time()))
            + timedelta(hours=10 + n),
        )
    ladder = [
        (f.nth, f.amount_yuan, f.consequences)
        for f in Fine.objects.filter(verified_on=tomorrow).order_by("id")
    ]
    assert ladder == [
        (1, 100, ["扣除工资100元"]),
        (2, 0, ["待岗一周", "不享受当月奖金", "扣除半年奖金"]),
        (3, 0, ["公司有权解除合同"]),
        (4, 0, ["公司有权解除合同"]),  # beyond the third: the third again
    ]


def test_sanctions_come_from_the_rule_sets_list_and_only_for_responsible_staff(users):
    c = verified(users, "2026-03-02")
    with pytest.raises(DomainError, match="处理措施中选择"):
        services.complaint_sanction(
            actor=users["office"], complaint=c, staff=users["teller1"].staff, code="fire"
        )
    with pytest.raises(DomainError, match="不是本投诉认定的责任人"):
        services.complaint_sanction(
            actor=users["office"], complaint=c, staff=users["teller2"].staff, code="criticism"
        )
    with pytest.raises(DomainError) as refused:
        services.complaint_sanction(
            actor=users["head1"], complaint=c, staff=users["teller1"].staff, code="criticism"
        )
    assert refused.value.status == 403
    s = services.complaint_sanction(
        actor=users["office"], complaint=c, staff=users["teller1"].staff, code="warning", note="情节较重"
    )
    assert (s.label, s.administrative, s.rules_ref) == ("警告", True, "handan-2021-complaint@1")


def test_a_sanction_may_also_record_a_first_inquiry_breach(users):
    c = verified(users, "2026-03-02")
    services.complaint_sanction(
        actor=users["office"],
        complaint=c,
        staff=users["teller1"].staff,
        code="criticism",
        also_first_inquiry_breach=True,
    )
    breach = Breach.objects.get()
    assert (breach.complaint, breach.source, breach.nth, breach.consequences) == (
        c,
        "complaint",
        1,
        ["批评教育"],
    )


def test_the_party_committee_revises_a_decision_and_fines_and_sanctions_follow(users):
    c = verified(users, "2026-03-02")
    services.complaint_sanction(
        actor=users["office"], complaint=c, staff=users["teller1"].staff, code="notice"
    )
    with pytest.raises(DomainError) as not_theirs:
        services.complaint_appeal_file(actor=users["head_wa"], complaint=c, grounds="x")
    assert not_theirs.value.status == 403
    appeal = services.complaint_appeal_file(actor=users["head1"], complaint=c, grounds="录像显示已一次性告知")
    assert appeal.department.code == "DK"
    with pytest.raises(DomainError):
        services.complaint_appeal_decide(
            actor=users["head1"], complaint=c, upheld=False, decision="x", class_code="invalid"
        )
    services.complaint_appeal_decide(
        actor=users["party"],
        complaint=c,
        upheld=False,
        decision="经重新审议，投诉与事实不符",
        class_code="invalid",
    )
    c.refresh_from_db()
    appeal.refresh_from_db()
    assert (appeal.status, c.class_code, c.is_valid, c.verified_on) == ("revised", "invalid", False, None)
    assert set(c.fines.values_list("status", flat=True)) == {PenaltyStatus.WITHDRAWN}
    assert set(c.sanctions.values_list("status", flat=True)) == {PenaltyStatus.WITHDRAWN}
    assert c.events.filter(kind="fine", action="withdraw").count() == 1
    staff = users["teller1"].staff
    assert not selectors.valid_complaints_against(staff, Period.year(2026)).exists()
    assert selectors.fines_for(staff, Period.year(2026)) == []


def test_a_revision_of_responsibility_moves_the_fine_to_the_new_person(users):
    c = verified(users, "2026-03-02")
    services.complaint_appeal_file(actor=users["head1"], complaint=c, grounds="经办人不是胡晓明")
    services.complaint_appeal_decide(
        actor=users["leader1"],
        complaint=c,
        upheld=False,
        decision="责任人改为何平",
        staff=[users["teller2"].staff],
    )
    active = Fine.objects.filter(status=PenaltyStatus.ACTIVE)
    assert list(active.values_list("staff__staff_no", flat=True)) == ["1103"]
    assert Fine.objects.get(staff__staff_no="1101").status == PenaltyStatus.WITHDRAWN


def test_an_upheld_decision_changes_nothing(users):
    c = verified(users, "2026-03-02")
    services.complaint_appeal_file(actor=users["head1"], complaint=c, grounds="x")
    with pytest.raises(DomainError, match="请选择新的投诉性质"):
        services.complaint_appeal_decide(actor=users["leader1"], complaint=c, upheld=False, decision="改变")
    services.complaint_appeal_decide(actor=users["leader1"], complaint=c, upheld=True, decision="维持")
    assert c.fines.get().status == PenaltyStatus.ACTIVE
    with pytest.raises(DomainError) as again:
        services.complaint_appeal_decide(actor=users["leader1"], complaint=c, upheld=True, decision="再次")
    assert again.value.status == 403  # nothing pending: the step is not open


def test_a_valid_complaint_marks_the_quarter_in_which_it_was_verified(users):
    staff = users["teller1"].staff
    verified(users, "2026-03-31")  # Q1
    assert selectors.quarter_vetoed(staff, 2026, 1) is True
    assert selectors.quarter_vetoed(staff, 2026, 2) is False
    late = register(users, "2026-03-30")
    accept(users, late, "2026-03-30")
    classify(users, late, "2026-03-30")
    determine(users, late, "2026-04-01")  # received in Q1, verified in Q2
    assert selectors.quarter_vetoed(staff, 2026, 2) is True
    assert [c.pk for c in selectors.valid_complaints_against(staff, Period.quarter(2026, 2))] == [late.pk]
    assert not selectors.quarter_vetoed(users["teller2"].staff, 2026, 1)


def test_the_appraisal_reads_fines_and_sanctions_of_a_period(users):
    c = verified(users, "2026-03-02")
    services.complaint_sanction(
        actor=users["office"],
        complaint=c,
        staff=users["teller1"].staff,
        code="criticism",
        now=at("2026-03-05"),
    )
    staff = users["teller1"].staff
    assert [f.amount_yuan for f in selectors.fines_for(staff, Period.month(2026, 3))] == [30]
    assert [s.label for s in selectors.sanctions_against(staff, Period.quarter(2026, 1))] == ["批评教育"]
    assert selectors.sanctions_against(staff, Period(date(2026, 4, 1), date(2026, 4, 30))) == []


def test_the_person_complained_about_sees_the_finding_and_their_own_penalties_only(users):
    c = verified(users, "2026-03-02", staff_nos=("1101", "1103"))
    services.complaint_sanction(
        actor=users["office"], complaint=c, staff=users["teller2"].staff, code="criticism"
    )
    rows = selectors.complaints_concerning(users["teller1"].staff)
    assert [r.pk for r in rows] == [c.pk]
    assert rows[0].sanctions == [] and [f.staff.staff_no for f in rows[0].fines] == ["1101"]
    assert selectors.complaints_concerning(users["teller3"].staff) == []
