"""The quarterly appraisal from the records (002 篇2): who is appraised, manual entries
with evidence, the inputs from violations, inspections, complaints, breaches and
overdue cases, the anonymous peer review, publication on the notice board, the veto
and two consecutive 不称职 across published quarters."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from appraisal import inputs, services
from appraisal.models import AppraisalResult, PeerBallot, PeerVote, QuarterStatus
from appraisal.selectors import annual_results, current_results, person_view, quarter_preview
from appraisal.tests.conftest import at, badge, patrol, staff, window
from audit.models import AuditEvent
from common import clock
from common.errors import DomainError
from common.periods import Period
from common.testing import FrozenClock
from supervision import services as supervision
from supervision.services import FindingInput as F

Q1 = Period.quarter(2026, 1)


@pytest.fixture
def q1(users):
    return services.quarter_open(actor=users["office1"], year=2026, quarter=1)


def row(preview, no):
    return next(r for r in preview.rows if r.staff.staff_no == no)


def test_opening_a_quarter_takes_the_window_staff_not_the_heads(users, q1):
    nos = set(q1.participants.values_list("staff__staff_no", flat=True))
    assert {"1101", "1103", "1001", "2002", "3004"} <= nos
    assert not {"0401", "2001", "3001", "0101", "0001"} & nos
    assert (q1.status, q1.rules_ref) == (QuarterStatus.OPEN, "anqing-staff-appraisal@1")
    with pytest.raises(DomainError, match="已经开始"):
        services.quarter_open(actor=users["office1"], year=2026, quarter=1)
    with pytest.raises(DomainError, match="业务管理处"):
        services.quarter_open(actor=users["leader1"], year=2026, quarter=2)
    with pytest.raises(DomainError, match="尚未到来"):
        services.quarter_open(actor=users["office1"], year=2099, quarter=1)


def test_manual_entries_need_evidence_a_known_item_and_a_day_in_the_quarter(users, q1):
    kw = {"actor": users["office1"], "quarter": q1, "staff": staff("1101"), "quantity": 1}
    with pytest.raises(DomainError, match="没有项目"):
        services.entry_record(**kw, item_code="Z1", occurred_on=date(2026, 2, 2), evidence="x")
    with pytest.raises(DomainError, match="发生日期"):
        services.entry_record(**kw, item_code="D1", occurred_on=date(2026, 4, 2), evidence="感谢信")
    with pytest.raises(DomainError, match="依据"):
        services.entry_record(**kw, item_code="D1", occurred_on=date(2026, 2, 2), evidence=" ")
    with pytest.raises(DomainError, match="A4-1"):
        services.entry_record(**kw, item_code="A4-1", occurred_on=date(2026, 2, 2), evidence="情节严重")
    e = services.entry_record(**kw, item_code="D1", occurred_on=date(2026, 2, 2), evidence="感谢信（存档）")
    assert (e.points_each, e.is_bonus, e.rules_ref) == (2, True, "anqing-staff-appraisal@1")
    with pytest.raises(DomainError, match="不是2026年第1季度的考核对象"):
        services.entry_record(
            **{**kw, "staff": staff("0401")}, item_code="D1", occurred_on=date(2026, 2, 2), evidence="感谢信"
        )


def test_signing_in_for_another_costs_both_people(users, q1):
    with pytest.raises(DomainError, match="另一方"):
        services.entry_record(
            actor=users["office1"],
            quarter=q1,
            staff=staff("1101"),
            item_code="C5",
            quantity=1,
            occurred_on=date(2026, 3, 2),
            evidence="考勤机记录",
        )
    e = services.entry_record(
        actor=users["office1"],
        quarter=q1,
        staff=staff("1101"),
        other_party=staff("1102"),
        item_code="C5",
        quantity=1,
        occurred_on=date(2026, 3, 2),
        evidence="考勤机记录",
    )
    assert e.pair.staff.staff_no == "1102" and e.pair.pair == e
    preview = quarter_preview(q1)
    assert row(preview, "1101").result.score.sections[2].score == 28
    assert row(preview, "1102").result.score.sections[2].score == 28
    services.entry_withdraw(actor=users["office1"], entry=e, reason="考勤机故障，误判")
    preview = quarter_preview(q1)
    assert row(preview, "1102").result.total == 100


def test_the_records_become_appraisal_lines(users, q1):
    from inquiries.services import breach_record

    patrol(users, "2026-03-02", badge("1103"), badge("1107", item="2.1", note="旷工一天"))
    supervision.inspection_record(
        actor=users["inspector1"],
        kind="daily",
        window=window("HD01", 3),
        staff=staff("1103"),
        findings=[F("D05"), F("E05")],
        inspected_at=at("2026-03-10"),
    )
    breach_record(
        actor=users["office1"],
        staff=staff("1104"),
        source="other",
        occurred_on=date(2026, 3, 4),
        found_on=date(2026, 3, 5),
        description="未带领办事职工到相关部门",
    )
    preview = quarter_preview(q1)
    he = {(ln.code, ln.source) for ln in row(preview, "1103").lines}
    # 2.2 on the patrol → C6; the inspection's D05 → C3 from the finding itself (its ledger line, item 8, is
    # not counted again); E05 is the hall's, nobody's.
    assert he == {("C6", "巡查发现"), ("C3", "日常检查")}
    assert row(preview, "1103").result.score.sections[2].score == 30 - 1 - 2
    assert {ln.code for ln in row(preview, "1107").lines} == {"C1"}  # 旷工 → C1, 5 a day
    assert row(preview, "1107").result.score.sections[2].score == 25
    assert {(ln.code, ln.source) for ln in row(preview, "1104").lines} == {("A8", "违反首问负责制")}


def test_a_valid_complaint_deducts_by_its_scope_and_vetoes_excellent(users, q1):
    from complaints.tests import helpers

    office = {"office": users["office1"]}
    c = helpers.register(office, day="2026-03-02", scope_codes=["service_rules"])
    helpers.accept(office, c, "2026-03-02")
    helpers.classify(office, c, "2026-03-02")
    helpers.determine(office, c, "2026-03-03")  # against 胡晓明 (1101)
    services.entry_record(
        actor=users["office1"],
        quarter=q1,
        staff=staff("1101"),
        item_code="D2-2",
        quantity=1,
        occurred_on=date(2026, 3, 9),
        evidence="省级媒体表扬",
    )
    preview = quarter_preview(q1)
    hu = row(preview, "1101").result
    assert [ln.code for ln in row(preview, "1101").lines if ln.source == "有效投诉"] == ["A3"]
    assert (hu.total, hu.rank, hu.valid_complaint, hu.veto_applied, hu.grade_code) == (
        105,
        1,
        True,
        True,
        "competent",
    )
    second = [r for r in preview.rows if r.result.rank == 2]
    assert second and all(r.result.grade_code == "excellent" for r in second)
    view = person_view(q1, staff("1101"))
    assert view.vetoing and view.vetoing[0]["no"] == c.no


def test_the_peer_review_is_one_anonymous_final_ballot_per_person(users, q1):
    rater = staff("1101")
    colleagues = services.peer_targets(q1, rater)
    assert rater not in colleagues and all(s.branch_id == rater.branch_id for s in colleagues)
    votes = {s.pk: "好" for s in colleagues}
    with pytest.raises(DomainError, match="还差"):
        services.peer_ballot_submit(actor=users["teller1"], quarter=q1, votes=dict(list(votes.items())[:2]))
    with pytest.raises(DomainError, match="只能是"):
        services.peer_ballot_submit(
            actor=users["teller1"], quarter=q1, votes={**votes, colleagues[0].pk: "优"}
        )
    votes[staff("1103").pk] = "差"
    services.peer_ballot_submit(actor=users["teller1"], quarter=q1, votes=votes)
    with pytest.raises(DomainError, match="已经提交过"):
        services.peer_ballot_submit(actor=users["teller1"], quarter=q1, votes=votes)
    assert PeerBallot.objects.get().rater == rater
    assert {f.name for f in PeerVote._meta.get_fields()} >= {"rater_key", "target", "level"}
    assert not any(f.name in ("rater", "created_at") for f in PeerVote._meta.get_fields())
    keys = set(PeerVote.objects.values_list("rater_key", flat=True))
    assert keys == {services.rater_key(q1, rater)}  # a keyed hash: no staff id, no name
    event = AuditEvent.objects.get(action="appraisal.peer.ballot")
    assert event.actor is None and event.actor_label == "互评（匿名）" and "1101" not in event.summary
    with pytest.raises(DomainError, match="不是2026年第1季度的考核对象"):
        services.peer_ballot_submit(actor=users["head1"], quarter=q1, votes={})


def test_the_share_of_good_votes_sets_the_peer_deduction(users, q1):
    him = staff("1103")
    hall = [s for s in services.peer_targets(q1, him)][:5]
    for n, rater in enumerate(hall):  # 2 of 5 好 = 40 % → −2
        votes = {t.pk: "好" for t in services.peer_targets(q1, rater)}
        votes[him.pk] = "好" if n < 2 else "中"
        services.peer_ballot_submit(actor=rater.user, quarter=q1, votes=votes)
    r = row(quarter_preview(q1), "1103").result
    assert (r.peer_counted, r.peer_total, r.score.peer_deduction, r.total) == (2, 5, 2, 98)


def test_publishing_stores_the_results_once_the_quarter_has_ended(users, q1):
    services.entry_record(
        actor=users["office1"],
        quarter=q1,
        staff=staff("1101"),
        item_code="D3",
        quantity=1,
        occurred_on=date(2026, 3, 9),
        evidence="书面建议被采纳",
    )
    services.quarter_publish(actor=users["office1"], quarter=q1, note="公示")
    q1.refresh_from_db()
    assert (q1.status, q1.publication) == (QuarterStatus.PUBLISHED, 1)
    results = current_results(q1)
    top = results[0]
    assert (top.staff_no, top.total, top.rank, top.grade_label, top.rules_ref) == (
        "1101",
        105,
        1,
        "优秀",
        "anqing-staff-appraisal@1",
    )
    assert top.bonuses == [
        {
            "code": "D3",
            "text": "以书面形式积极向“中心”提出建设性意见或建议并被采纳的",
            "quantity": 1,
            "points": 5,
        }
    ]
    with pytest.raises(DomainError, match="已公示"):
        services.entry_record(
            actor=users["office1"],
            quarter=q1,
            staff=staff("1101"),
            item_code="D1",
            quantity=1,
            occurred_on=date(2026, 3, 9),
            evidence="感谢信",
        )
    services.quarter_withdraw(actor=users["office1"], quarter=q1, reason="漏登一封感谢信")
    services.entry_record(
        actor=users["office1"],
        quarter=q1,
        staff=staff("1102"),
        item_code="D1",
        quantity=1,
        occurred_on=date(2026, 3, 9),
        evidence="感谢信",
    )
    services.quarter_publish(actor=users["office1"], quarter=q1)
    q1.refresh_from_db()
    assert q1.publication == 2
    assert AppraisalResult.objects.filter(quarter=q1, publication=1).count() == len(results)
    assert next(r for r in current_results(q1) if r.staff_no == "1102").total == 102


def test_the_current_quarter_cannot_be_published_yet(users):
    today = clock.today()
    q = services.quarter_open(actor=users["office1"], year=today.year, quarter=(today.month - 1) // 3 + 1)
    with pytest.raises(DomainError, match="尚未结束"):
        services.quarter_publish(actor=users["office1"], quarter=q)


def _incompetent(users, quarter, no="1107"):
    """Deductions that take one person below 60: 吃拿卡要 ×3 (A 0) and six days absent (C 0) → 40."""
    services.entry_record(
        actor=users["office1"],
        quarter=quarter,
        staff=staff(no),
        item_code="A5",
        quantity=3,
        occurred_on=Period.quarter(quarter.year, quarter.quarter).start,
        evidence="纪检查实",
    )
    services.entry_record(
        actor=users["office1"],
        quarter=quarter,
        staff=staff(no),
        item_code="C1",
        quantity=6,
        occurred_on=Period.quarter(quarter.year, quarter.quarter).start,
        evidence="考勤记录",
    )


def test_two_consecutive_incompetent_quarters_flag_a_return_to_the_unit(users, q1):
    _incompetent(users, q1)
    services.quarter_publish(actor=users["office1"], quarter=q1)
    q1.refresh_from_db()
    first = next(r for r in current_results(q1) if r.staff_no == "1107")
    assert (first.total, first.grade_code, first.return_to_unit) == (40, "incompetent", False)
    q2 = services.quarter_open(actor=users["office1"], year=2026, quarter=2)
    _incompetent(users, q2)
    second = row(quarter_preview(q2), "1107").result
    assert (second.grade_code, second.return_to_unit) == ("incompetent", True)
    assert "连续2次不称职：退回所在单位" in second.flags
    assert not row(quarter_preview(q2), "1101").result.return_to_unit


def test_the_annual_result_is_the_mean_of_the_published_quarters(users, q1):
    _incompetent(users, q1)
    services.quarter_publish(actor=users["office1"], quarter=q1)
    q2 = services.quarter_open(actor=users["office1"], year=2026, quarter=2)
    services.quarter_publish(actor=users["office1"], quarter=q2)
    rows = {r.label: r for r in annual_results(2026)}
    assert (rows["梁宇"].score, rows["梁宇"].quarters) == (70, 2)  # (40 + 100) / 2
    assert rows["胡晓明"].score == 100 and rows["胡晓明"].grade_code == "excellent"


def test_overdue_cases_count_the_working_days_past_the_deadline_in_each_quarter(users, monkeypatch):
    """B5 from the cases app: DK015 received Mon 21 Sep 2026 is due (its promised limit) Tue
    29 Sep; completed Wed 14 Oct it is overdue by 30 Sep (Q3) and 8, 9, 10 (调休), 12,
    13, 14 Oct (Q4) — 国庆 1–7 Oct not counted."""
    import uuid
    from zoneinfo import ZoneInfo

    from cases import services as cases
    from cases.tests.conftest import marks_for
    from catalog.models import Matter

    moment = FrozenClock(timezone.datetime(2026, 9, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    matter = Matter.objects.get(code="DK015")
    case = cases.case_register(
        actor=users["teller1"],
        matter=matter,
        applicant=cases.ApplicantData(name="李明", phone="13831001234", id_number="130402198807150027"),
        marks=marks_for("DK015", on=date(2026, 9, 21)),
        idempotency_key=uuid.uuid4(),
    ).case
    moment.move_to(timezone.datetime(2026, 10, 14, 9, tzinfo=ZoneInfo("Asia/Shanghai")))
    cases.case_complete(
        actor=users["teller1"], case=case, outcome="approved", result="准予贷款", deliver_now=True
    )
    case.refresh_from_db()
    assert case.overdue and case.deadline == date(2026, 9, 29)
    me = [staff("1101").pk]
    q3, _ = inputs.overdue_case_lines(Period.quarter(2026, 3), me)
    q4, notes = inputs.overdue_case_lines(Period.quarter(2026, 4), me)
    assert [(ln.code, ln.quantity, ln.ref) for ln in q3[me[0]]] == [("B5", 1, case.receipt_no)]
    assert [(ln.code, ln.quantity) for ln in q4[me[0]]] == [("B5", 6)]
    assert notes == []
