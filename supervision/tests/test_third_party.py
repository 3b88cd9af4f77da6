"""Third-party inspections (004 §四): a quarterly report with findings, each handed to
its branch as a 《问题交办函》 with a deadline; the branch answers with a 《问题整改报告》
and the responsible person's 《个人检查》; the office accepts or returns; overdue ones
are listed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from common import clock
from common.errors import DomainError
from org.models import Branch
from supervision import services
from supervision.models import IssueNotice, NoticeStatus
from supervision.selectors import notice_counts, notices
from supervision.tests.conftest import staff, window


@pytest.fixture
def finding(users):
    report = services.tp_report_register(
        actor=users["office1"],
        firm="某某市场调查有限公司",
        year=2026,
        quarter=1,
        received_on=date(2026, 4, 3),
        methods=["mystery_shopper", "site_check"],
        summary="总体良好",
    )
    return services.tp_finding_add(
        actor=users["office1"],
        report=report,
        branch=Branch.objects.get(code="HD01"),
        aspect="conduct",
        observed_on=date(2026, 3, 18),
        description="4号窗口未一次性告知提取材料",
        window=window("HD01", 4),
        staff=staff("1104"),
    )


def _issue(users, finding, days=10):
    return services.notice_issue(
        actor=users["office1"],
        finding=finding,
        requirements="自查自纠，报送整改报告和个人检查",
        deadline=clock.today() + timedelta(days=days),
    )


def test_a_report_and_its_findings_are_checked(users):
    with pytest.raises(DomainError, match="早于所检查的季度"):
        services.tp_report_register(
            actor=users["office1"],
            firm="甲",
            year=2026,
            quarter=2,
            received_on=date(2026, 3, 31),
            methods=["site_check"],
        )
    with pytest.raises(DomainError, match="检查方式"):
        services.tp_report_register(
            actor=users["office1"],
            firm="甲",
            year=2026,
            quarter=1,
            received_on=date(2026, 4, 1),
            methods=["phone"],
        )
    with pytest.raises(DomainError, match="业务管理处"):
        services.tp_report_register(
            actor=users["inspector1"],
            firm="甲",
            year=2026,
            quarter=1,
            received_on=date(2026, 4, 1),
            methods=["site_check"],
        )
    report = services.tp_report_register(
        actor=users["office1"],
        firm="甲",
        year=2026,
        quarter=1,
        received_on=date(2026, 4, 1),
        methods=["site_check"],
    )
    with pytest.raises(DomainError, match="第1季度内"):
        services.tp_finding_add(
            actor=users["office1"],
            report=report,
            branch=Branch.objects.get(code="HD01"),
            aspect="image",
            observed_on=date(2026, 4, 2),
            description="x",
        )
    with pytest.raises(DomainError, match="不属于"):
        services.tp_finding_add(
            actor=users["office1"],
            report=report,
            branch=Branch.objects.get(code="WA01"),
            aspect="image",
            observed_on=date(2026, 3, 2),
            description="x",
            window=window("HD01", 1),
        )


def test_a_finding_goes_from_notice_to_accepted_rectification(users, finding):
    notice = _issue(users, finding)
    assert (notice.status, notice.branch.code) == (NoticeStatus.ISSUED, "HD01")
    with pytest.raises(DomainError, match="已经下达"):
        _issue(users, finding)
    # 武安's head may not answer for the main hall; the named person's self-examination is required.
    with pytest.raises(DomainError, match="中心服务大厅的负责人"):
        services.notice_answer(actor=users["head_wa"], notice=notice, causes="c", measures="m")
    with pytest.raises(DomainError, match="高燕的书面《个人检查》"):
        services.notice_answer(actor=users["head1"], notice=notice, causes="不熟悉清单", measures="专题学习")
    rect = services.notice_answer(
        actor=users["head1"],
        notice=notice,
        causes="不熟悉清单",
        measures="专题学习",
        systemic="每周抽查",
        self_examination="本人未一次性告知，深刻检查。",
    )
    assert (rect.round, rect.responsible_staff.staff_no) == (1, "1104")
    with pytest.raises(DomainError, match="退回时请写明"):
        services.notice_review(actor=users["office1"], notice=notice, accept=False, note="")
    services.notice_review(actor=users["office1"], notice=notice, accept=False, note="缺少整改照片")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.RETURNED
    second = services.notice_answer(
        actor=users["head1"],
        notice=notice,
        causes="不熟悉清单",
        measures="专题学习，张贴清单（附照片）",
        self_examination="本人未一次性告知，深刻检查。",
    )
    assert second.round == 2
    with pytest.raises(DomainError, match="业务管理处"):
        services.notice_review(actor=users["head1"], notice=notice, accept=True, note="")
    services.notice_review(actor=users["office1"], notice=notice, accept=True, note="整改到位")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ACCEPTED and notice.accepted_at
    with pytest.raises(DomainError):
        services.notice_answer(
            actor=users["head1"], notice=notice, causes="c", measures="m", self_examination="s"
        )


def test_without_a_named_person_the_branch_explains_why_no_self_examination(users, finding):
    finding.staff = None
    finding.save(update_fields=["staff"])
    notice = _issue(users, finding)
    with pytest.raises(DomainError, match="没有直接责任人的"):
        services.notice_answer(actor=users["head1"], notice=notice, causes="c", measures="m")
    rect = services.notice_answer(
        actor=users["head1"],
        notice=notice,
        causes="设施缺失",
        measures="已补齐",
        no_individual_reason="便民设施采购未到位，属共性问题",
    )
    assert rect.responsible_staff is None


def test_overdue_notices_are_listed(users, finding):
    notice = _issue(users, finding)
    today = clock.today()
    IssueNotice.objects.filter(pk=notice.pk).update(deadline=today - timedelta(days=1))
    assert [n.no for n in notices(users["office1"], view="overdue", today=today)] == [notice.no]
    assert notice_counts(users["head1"], today)["overdue"] == 1
    assert notice_counts(users["head_wa"], today)["overdue"] == 0  # another branch's notice
    notice.refresh_from_db()
    assert notice.is_overdue(today)


def test_a_deadline_must_lie_ahead(users, finding):
    with pytest.raises(DomainError, match="晚于今天"):
        _issue(users, finding, days=0)
