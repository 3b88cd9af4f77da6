"""Published tables (公示表): the quarterly appraisal results and the window scores."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.urls import reverse

from appraisal.models import AppraisalQuarter, AppraisalResult
from audit.models import AuditEvent
from common import clock
from org.models import Staff
from reports.tests.test_review_helpers import pdf_text, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def quarters(db):
    from org.demo import seed_demo

    seed_demo()
    opener = user("office")
    published = AppraisalQuarter.objects.create(
        year=2026,
        quarter=1,
        status="published",
        publication=2,
        rules_ref="002-appraisal@1",
        opened_by=opener,
        published_at=clock.now(),
        note="如有异议，请于公示之日起五个工作日内向业务管理处反映。",
    )
    AppraisalQuarter.objects.create(
        year=2026, quarter=2, status="open", rules_ref="002-appraisal@1", opened_by=opener
    )
    sections = [
        {
            "code": "A",
            "name": "服务规范",
            "base": 30,
            "score": 28,
            "items": [{"text": "迟到", "quantity": 1}],
        },
        {"code": "B", "name": "业务技能", "base": 40, "score": 40, "items": []},
        {"code": "C", "name": "工作纪律", "base": 30, "score": 30, "items": []},
    ]
    for publication, total in ((1, 80), (2, 98)):
        for rank, staff in enumerate(
            Staff.objects.filter(staff_no__in=["1101", "1102"]).order_by("staff_no"), 1
        ):
            AppraisalResult.objects.create(
                quarter=published,
                publication=publication,
                staff=staff,
                staff_name=staff.name,
                staff_no=staff.staff_no,
                branch_name="中心服务大厅",
                sections=sections,
                bonus=0,
                peer={},
                total=total - rank,
                rank=rank,
                grade_code="excellent",
                grade_label="优秀",
                rules_ref="002-appraisal@1",
            )
    return published


def test_the_published_page_lists_only_published_quarters(client, quarters):
    assert "/login/" in client.get(reverse("reports_published"))["Location"]
    client.force_login(user("teller", "HD01"))
    assert client.get(reverse("reports_published")).status_code == 403
    client.force_login(user("head", "HD01"))
    html = client.get(reverse("reports_published")).content.decode()
    # The quarters' list (the window scores list every ended period beside it).
    quarters_list = html[html.index('id="quarters"') : html.index('id="periods"')]
    assert "2026年第1季度" in quarters_list and "2026年第2季度" not in quarters_list
    assert reverse("reports_published_appraisal", args=["2026-Q1"]) in html


def test_the_appraisal_table_prints_the_current_publication_only(client, quarters):
    client.force_login(user("office"))
    response = client.get(reverse("reports_published_appraisal", args=["2026-Q1"]))
    assert response.status_code == 200
    if os.environ.get("REVIEW_PDF_DIR"):
        with open(os.path.join(os.environ["REVIEW_PDF_DIR"], "appraisal.pdf"), "wb") as fh:
            fh.write(response.content)
    text = pdf_text(response.content)
    assert "2026年第1季度窗口工作人员考核结果公示" in text
    assert "第2次公示，以本次为准" in text
    assert "97" in text and "96" in text
    assert "79" not in text  # the withdrawn first publication
    assert "迟到×1" in text
    assert "服务规范" in text and "工作纪律" in text
    assert AuditEvent.objects.filter(action="reports.published.appraisal").count() == 1


def test_an_unpublished_or_unknown_quarter_is_a_404(client, quarters):
    client.force_login(user("leader"))
    assert client.get(reverse("reports_published_appraisal", args=["2026-Q2"])).status_code == 404
    assert client.get(reverse("reports_published_appraisal", args=["2026-Q9"])).status_code == 404
    assert client.get(reverse("reports_published_appraisal", args=["bad"])).status_code == 404
    client.force_login(user("teller", "HD01"))
    assert client.get(reverse("reports_published_appraisal", args=["2026-Q1"])).status_code == 403


def test_window_scores_print_for_an_ended_period_and_the_heads_own_branch(client, quarters):
    today = clock.today()
    last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    head = user("head", "WA01")
    client.force_login(head)
    response = client.get(reverse("reports_published_window_scores", args=[last_month]))
    assert response.status_code == 200
    if os.environ.get("REVIEW_PDF_DIR"):
        with open(os.path.join(os.environ["REVIEW_PDF_DIR"], "windows.pdf"), "wb") as fh:
            fh.write(response.content)
    text = pdf_text(response.content)
    assert "服务窗口评价结果公示" in text
    assert "武安市管理部" in text and "中心服务大厅" not in text
    response = client.get(reverse("reports_published_window_scores", args=[last_month]) + "?by=staff")
    assert "管理部日常考核表" in pdf_text(response.content)
    assert client.get(reverse("reports_published_window_scores", args=[f"{today:%Y-%m}"])).status_code == 404
    assert client.get(reverse("reports_published_window_scores", args=["2026-13"])).status_code == 404
    assert AuditEvent.objects.filter(action="reports.published.window_scores").count() == 2
