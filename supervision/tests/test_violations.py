"""The violations ledger (002 篇4 一): amounts from the fines rule set in force on the
day, three or more of the same kind by one person in a calendar month → a report to the
unit (通报), item 5 reported at once, nothing deleted — reversal by counter-entry."""

from __future__ import annotations

from datetime import date

import pytest

from audit.models import AuditEvent
from common import clock
from common.errors import DomainError
from common.periods import Period
from supervision import services
from supervision.models import (
    EntryKind,
    ReportKind,
    ReportStatus,
    UnitReport,
    UnitReportEvent,
    Violation,
    ViolationEvent,
    ViolationSource,
    ViolationStatus,
)
from supervision.selectors import ledger, month_count
from supervision.tests.conftest import badge, patrol, staff

MARCH = Period.month(2026, 3)


def test_a_patrol_violation_is_fined_with_the_rule_sets_amount(users):
    p = patrol(users, "2026-03-02", badge(), badge("1107", item="2.1", note="上午未到岗"))
    lines = {v.item_code: v for v in p.violations.all()}
    assert lines["2.2"].amount_yuan == 10
    assert lines["2.1"].amount_yuan == 30
    assert lines["2.1"].clause == "002 篇4 一2"
    assert lines["2.2"].rules_ref == "xinjian-2018-fines@1"
    assert lines["2.2"].source == ViolationSource.PATROL
    assert lines["2.2"].offender_name == "何平"
    assert not UnitReport.objects.exists()
    assert AuditEvent.objects.filter(action="supervision.violation.record").count() == 2
    assert ViolationEvent.objects.filter(to_status="active").count() == 2


def test_the_third_of_the_same_kind_in_a_month_raises_one_report_to_the_unit(users):
    patrol(users, "2026-03-02", badge())
    patrol(users, "2026-03-03", badge())
    assert not UnitReport.objects.exists()
    third = patrol(users, "2026-03-04", badge()).violations.get()
    report = UnitReport.objects.get()
    assert (report.kind, report.status, report.count_at_trigger, report.threshold) == (
        "repeat",
        "pending",
        3,
        3,
    )
    assert report.trigger == third
    assert report.month == date(2026, 3, 1)
    assert report.unit == "贷款服务大厅"  # 何平's department (科室、窗口的主管单位)
    assert report.action == "向科室、窗口的主管单位通报"
    patrol(users, "2026-03-05", badge())  # the fourth: still one report for the month
    assert UnitReport.objects.count() == 1
    assert month_count(third) == 4


def test_other_people_other_items_and_other_months_are_counted_apart(users):
    patrol(users, "2026-03-02", badge(), badge("1102"))
    patrol(users, "2026-03-03", badge(), badge(item="8"))
    patrol(users, "2026-04-01", badge())  # April starts again at 1
    patrol(users, "2026-03-31", badge("1102"), round_code="afternoon")
    assert not UnitReport.objects.exists()


def test_items_without_the_monthly_rule_never_raise_a_report(users):
    for day in ("2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"):
        patrol(users, day, badge("1107", item="1", note="迟到"))  # item 1 has no "一月内三次以上" sentence
    assert Violation.objects.active().count() == 4
    assert not UnitReport.objects.exists()


def test_item_5_is_reported_at_once_and_records_its_consequences(users):
    v = services.violation_record(
        actor=users["office1"],
        item_code="5",
        occurred_on=date(2026, 3, 10),
        staff=staff("1104"),
        note="市电视台曝光窗口推诿，经核实属实",
    )
    assert v.amount_yuan is None
    assert "扣除当事人当月绩效奖" in v.consequences
    report = UnitReport.objects.get()
    assert (report.kind, report.trigger) == (ReportKind.IMMEDIATE, v)


def test_the_security_guard_on_duty_is_named_for_item_10(users):
    from supervision.services import ViolationInput

    with pytest.raises(DomainError, match="值日保安"):
        patrol(users, "2026-03-02", ViolationInput(item_code="10"))
    p = patrol(users, "2026-03-02", ViolationInput(item_code="10", offender_name="保安 张师傅"))
    v = p.violations.get()
    assert (v.staff, v.offender_name, v.amount_yuan) == (None, "保安 张师傅", 5)


def test_a_staff_item_needs_the_person(users):
    from supervision.services import ViolationInput

    with pytest.raises(DomainError, match="当事工作人员"):
        patrol(users, "2026-03-02", ViolationInput(item_code="2.2"))


def test_an_unknown_item_is_refused_with_the_rule_sets_date(users):
    with pytest.raises(DomainError, match="没有处罚事项“99”"):
        patrol(users, "2026-03-02", badge(item="99"))


def test_a_wrong_line_is_reversed_by_a_counter_entry_and_nothing_is_deleted(users):
    v = patrol(users, "2026-03-02", badge()).violations.get()
    counter = services.violation_reverse(actor=users["office1"], violation=v, reason="巡查人员认错了人")
    v.refresh_from_db()
    assert v.status == ViolationStatus.REVERSED
    assert (counter.kind, counter.reverses, counter.amount_yuan, counter.status) == (
        EntryKind.REVERSAL,
        v,
        -10,
        ViolationStatus.COUNTER,
    )
    assert counter.reason == "巡查人员认错了人"
    assert Violation.objects.count() == 2
    book = ledger(users["office1"], period=MARCH)
    assert book.total_amount == 0 and book.count_active == 0
    with pytest.raises(DomainError):
        services.violation_reverse(actor=users["office1"], violation=v, reason="再冲一次")
    with pytest.raises(DomainError, match="冲正记录本身"):
        services.violation_reverse(actor=users["office1"], violation=counter, reason="冲正冲正")


def test_a_reversal_needs_a_reason_and_the_office(users):
    v = patrol(users, "2026-03-02", badge()).violations.get()
    with pytest.raises(DomainError, match="冲正理由"):
        services.violation_reverse(actor=users["office1"], violation=v, reason="  ")
    with pytest.raises(DomainError, match="业务管理处"):
        services.violation_reverse(actor=users["inspector1"], violation=v, reason="错了")


def test_a_reversal_below_the_threshold_withdraws_a_pending_report(users):
    first = patrol(users, "2026-03-02", badge()).violations.get()
    patrol(users, "2026-03-03", badge())
    patrol(users, "2026-03-04", badge())
    services.violation_reverse(actor=users["office1"], violation=first, reason="当天请假，已补手续")
    report = UnitReport.objects.get()
    assert report.status == ReportStatus.WITHDRAWN
    # A new third one raises a new report.
    patrol(users, "2026-03-05", badge())
    assert UnitReport.objects.filter(status="pending").count() == 1


def test_a_sent_report_stays_sent_after_a_reversal_until_the_office_sends_a_correction(users):
    first = patrol(users, "2026-03-02", badge()).violations.get()
    patrol(users, "2026-03-03", badge())
    patrol(users, "2026-03-04", badge())
    report = UnitReport.objects.get()
    services.unit_report_send(
        actor=users["office1"], report=report, sent_on=date(2026, 3, 5), note="书面通报"
    )
    services.violation_reverse(actor=users["office1"], violation=first, reason="认定有误")
    report.refresh_from_db()
    assert report.status == ReportStatus.SENT
    assert "请向所在单位发送更正" in UnitReportEvent.objects.last().note
    services.unit_report_retract(actor=users["office1"], report=report, note="已书面更正")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETRACTED


def test_sending_a_report_twice_is_refused(users):
    for day in ("2026-03-02", "2026-03-03", "2026-03-04"):
        patrol(users, day, badge())
    report = UnitReport.objects.get()
    services.unit_report_send(actor=users["office1"], report=report, sent_on=date(2026, 3, 5), note="")
    with pytest.raises(DomainError):
        services.unit_report_send(actor=users["office1"], report=report, sent_on=date(2026, 3, 5), note="")


def test_a_manual_violation_cannot_be_in_the_future_and_needs_what_shows_it(users):

    tomorrow = clock.today().replace(day=1).replace(year=clock.today().year + 1)
    with pytest.raises(DomainError, match="晚于今天"):
        services.violation_record(
            actor=users["office1"], item_code="1", occurred_on=tomorrow, staff=staff("1101"), note="x"
        )
    with pytest.raises(DomainError, match="查实的情况"):
        services.violation_record(
            actor=users["office1"], item_code="1", occurred_on=date(2026, 3, 2), staff=staff("1101"), note=""
        )
    with pytest.raises(DomainError, match="业务管理处"):
        services.violation_record(
            actor=users["inspector1"],
            item_code="1",
            occurred_on=date(2026, 3, 2),
            staff=staff("1101"),
            note="迟到",
        )


def test_the_ledger_is_limited_to_what_the_role_may_see(users, django_assert_max_num_queries):
    patrol(users, "2026-03-02", badge())
    patrol(users, "2026-03-02", badge("2002", note="武安"), branch="WA01")
    with django_assert_max_num_queries(6):
        assert len(ledger(users["office1"], period=MARCH).rows) == 2
    assert [v.offender_name for v in ledger(users["teller2"], period=MARCH).rows] == ["何平"]
    assert [v.offender_name for v in ledger(users["teller1"], period=MARCH).rows] == []
    assert [v.offender_name for v in ledger(users["head1"], period=MARCH).rows] == ["何平"]
