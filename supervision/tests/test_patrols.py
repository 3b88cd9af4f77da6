"""The daily patrol (002 篇4 二): a morning and an afternoon round per working day and
branch, signed by the patrol staff and the duty leader; the monthly summary frozen for
the leaders' sign-off (分管领导、主要领导)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from common.errors import DomainError
from common.periods import Period
from org.models import Branch
from supervision import services
from supervision.models import PatrolStatus, PatrolSummary, SummaryStatus, Violation
from supervision.selectors import patrol_grid, patrol_month_figures
from supervision.tests.conftest import badge, patrol


def test_a_round_with_nothing_found_is_recorded_too_and_signed_by_the_recorder(users):
    p = patrol(users, "2026-03-02", note="大厅秩序良好")
    assert p.nothing_found and p.status == PatrolStatus.RECORDED
    assert p.round_label == "上午巡查"
    assert {s.staff_no for s in p.patrol_staff.all()} == {"0103"}
    assert p.rules_ref == "xinjian-2018-fines@1"


def test_a_patrol_is_only_for_a_working_day_not_in_the_future(users, frozen_clock):
    # The dates below are fixed: the clock is moved between them (docs/testing.md).
    frozen_clock.move_to(datetime(2026, 11, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    with pytest.raises(DomainError, match="不是工作日"):
        patrol(users, "2026-03-07")  # Saturday
    with pytest.raises(DomainError, match="不是工作日"):
        patrol(users, "2026-10-01")  # 国庆节
    patrol(users, "2026-10-10")  # 调休上班 (Saturday)
    with pytest.raises(DomainError, match="晚于今天"):
        patrol(users, "2026-12-31")


def test_a_round_is_recorded_once_and_an_unknown_round_is_refused(users):
    patrol(users, "2026-03-02")
    with pytest.raises(DomainError, match="已经登记过"):
        patrol(users, "2026-03-02")
    patrol(users, "2026-03-02", round_code="afternoon")
    with pytest.raises(DomainError, match="巡查时段"):
        patrol(users, "2026-03-02", round_code="evening")


def test_only_inspectors_office_and_leaders_patrol(users):
    with pytest.raises(DomainError, match="登记巡查"):
        patrol(users, "2026-03-02", actor=users["teller1"])


def test_only_the_duty_leader_signs(users):
    p = patrol(users, "2026-03-02", badge())
    with pytest.raises(DomainError, match="黄丽"):
        services.patrol_sign(actor=users["office1"], patrol=p)
    services.patrol_sign(actor=users["head1"], patrol=p, opinion="情况属实")
    p.refresh_from_db()
    assert (p.status, p.leader_opinion, p.signed_by) == (PatrolStatus.SIGNED, "情况属实", users["head1"])
    with pytest.raises(DomainError):
        services.patrol_add_violation(actor=users["inspector1"], patrol=p, violation=badge("1102"))


def test_a_line_may_be_added_before_the_duty_leader_signs(users):
    p = patrol(users, "2026-03-02")
    services.patrol_add_violation(actor=users["inspector1"], patrol=p, violation=badge())
    p.refresh_from_db()
    assert not p.nothing_found and p.violations.count() == 1
    with pytest.raises(DomainError, match="巡查人员或业务管理处"):
        services.patrol_add_violation(actor=users["leader1"], patrol=p, violation=badge())


def test_voiding_a_patrol_reverses_its_violations(users):
    p = patrol(users, "2026-03-02", badge(), badge("1102"))
    services.patrol_void(actor=users["office1"], patrol=p, reason="日期登记错误")
    p.refresh_from_db()
    assert p.status == PatrolStatus.VOIDED
    assert Violation.objects.active().count() == 0
    assert Violation.objects.filter(kind="reversal").count() == 2
    patrol(users, "2026-03-02")  # the round can be recorded again


def test_the_grid_shows_every_working_day_and_round_and_what_is_missing(users):
    patrol(users, "2026-03-02")
    patrol(users, "2026-03-02", round_code="afternoon")
    patrol(users, "2026-03-03")
    grid = patrol_grid(Branch.objects.get(code="HD01"), Period.month(2026, 3), today=date(2026, 3, 4))
    assert [d for d, _ in grid.rows] == [date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)]
    assert (grid.recorded, grid.missing, grid.unsigned) == (3, 3, 3)


def test_the_month_figures_count_patrols_items_and_people(users):
    patrol(users, "2026-03-02", badge(), badge("1102", item="6"))
    patrol(users, "2026-03-03", badge())
    patrol(users, "2026-03-04", badge())
    f = patrol_month_figures(date(2026, 3, 1), today=date(2026, 3, 4))
    hd = next(b for b in f.branches if b["code"] == "HD01")
    assert (hd["working_days"], hd["expected"], hd["recorded"]) == (3, 6, 3)
    assert hd["missing"] == ["03-02 下午巡查", "03-03 下午巡查", "03-04 下午巡查"]
    items = {i.code: (i.count, i.amount) for i in f.items}
    assert items == {"2.2": (3, 30), "6": (1, 10)}
    he = next(p for p in f.people if p.name == "何平")
    assert (he.count, he.amount, he.reports) == (3, 30, 1)
    assert (f.total_count, f.total_amount) == (4, 40)


def test_the_summary_is_frozen_when_submitted_and_signed_by_both_leaders(users):
    patrol(users, "2026-03-02", badge())
    summary = services.summary_submit(actor=users["office1"], month=date(2026, 3, 1), note="3月巡查汇总")
    assert summary.status == SummaryStatus.SUBMITTED
    assert summary.snapshot["total_amount"] == 10
    patrol(users, "2026-03-03", badge())  # later lines do not change what was submitted
    summary.refresh_from_db()
    assert summary.snapshot["total_amount"] == 10
    services.summary_sign(actor=users["leader2"], summary=summary, capacity="deputy", opinion="同意")
    summary.refresh_from_db()
    assert summary.status == SummaryStatus.SUBMITTED
    with pytest.raises(DomainError, match="两种身份"):
        services.summary_sign(actor=users["leader2"], summary=summary, capacity="principal", opinion="同意")
    with pytest.raises(DomainError, match="已经签批"):
        services.summary_sign(actor=users["leader1"], summary=summary, capacity="deputy", opinion="同意")
    services.summary_sign(
        actor=users["leader1"], summary=summary, capacity="principal", opinion="同意，按规定处罚"
    )
    summary.refresh_from_db()
    assert summary.status == SummaryStatus.SIGNED
    assert [s.get_capacity_display() for s in summary.signatures.all()] == ["分管领导", "主要领导"]


def test_submitting_again_supersedes_an_unsigned_summary(users):
    first = services.summary_submit(actor=users["office1"], month=date(2026, 3, 1))
    second = services.summary_submit(actor=users["office1"], month=date(2026, 3, 15))
    first.refresh_from_db()
    assert first.status == SummaryStatus.SUPERSEDED and second.month == date(2026, 3, 1)
    with pytest.raises(DomainError, match="签批巡查汇总"):
        services.summary_sign(actor=users["office1"], summary=second, capacity="deputy", opinion="同意")
    with pytest.raises(DomainError, match="签批意见"):
        services.summary_sign(actor=users["leader1"], summary=second, capacity="deputy", opinion=" ")
    with pytest.raises(DomainError, match="尚未开始"):
        services.summary_submit(actor=users["office1"], month=date(2027, 1, 1))
    assert PatrolSummary.objects.count() == 2
