"""The demo data loads through the services, once."""

from __future__ import annotations

from supervision.demo import load_demo
from supervision.models import Facility, Inspection, IssueNotice, Patrol, UnitReport


def test_the_demo_loads_once_with_a_report_an_overdue_notice_and_a_published_quarter(users):
    assert load_demo().startswith("设施15项")
    assert load_demo().endswith("跳过。")
    assert Inspection.objects.count() == 8 and Facility.objects.count() == 15
    assert Patrol.objects.count() == 19
    assert UnitReport.objects.filter(staff__staff_no="1103", item_code="2.2").exists()
    assert IssueNotice.objects.filter(status="accepted").count() == 1
