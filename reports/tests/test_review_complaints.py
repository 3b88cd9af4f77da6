"""The yearly complaint analysis (000 §五(四)12): the office's write-up, the page and the PDF."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from common.errors import DomainError
from complaints.tests import helpers as ch
from reports.review.complaints_yearly import year_analysis
from reports.tests.test_review_helpers import pdf_text
from supervision import services
from supervision.models import ComplaintAnalysis, ComplaintAnalysisEvent

pytestmark = pytest.mark.django_db

YEAR = 2026


@pytest.fixture
def users(db):
    from django.contrib.auth import get_user_model

    from org.demo import seed_demo

    seed_demo()
    model = get_user_model()
    names = ["office1", "leader1", "head1", "teller1"]
    found = {n: model.objects.select_related("staff").get(username=n) for n in names}
    found["office"] = found["office1"]
    return found


@pytest.fixture
def complaints(users):
    """Two general complaints by the same phone against the same staff and matter (a
    repeat and a hot topic), walked to the reply; one in March, one in April; one more
    in 2025 that the year leaves out."""
    first = ch.to_follow_up(users, ch.register(users, "2026-03-02"), "2026-03-02")
    second = ch.to_follow_up(users, ch.register(users, "2026-04-06"), "2026-04-06")
    ch.register(users, "2025-12-01")
    return first, second


def test_the_analysis_counts_the_year_by_month_with_the_recorded_causes(complaints):
    data = year_analysis(YEAR)
    assert data.total.count == 2
    assert dict(data.by_month)["3月"] == 1 and dict(data.by_month)["4月"] == 1
    assert sum(n for _, n in data.by_month) == 2
    assert [c.causes for c in data.causes] == ["未一次性告知", "未一次性告知"]
    assert [c.department for c in data.causes] == ["贷款服务大厅", "贷款服务大厅"]
    reasons = {r.reason for r in data.analysis.repeats}
    assert "同一联系电话" in reasons
    assert data.analysis.hot_matters == [("提取住房公积金偿还房贷", 2)]


def test_the_office_writes_and_submits_and_a_leader_decides_with_events_and_audit(users):
    office, leader = users["office"], users["leader1"]
    analysis = services.complaint_analysis_save(
        actor=office, year=YEAR, causes="窗口一次性告知不到位", measures=""
    )
    with pytest.raises(DomainError):
        services.complaint_analysis_submit(actor=office, analysis=analysis)
    analysis = services.complaint_analysis_save(
        actor=office, year=YEAR, causes="窗口一次性告知不到位", measures="每月抽查告知清单"
    )
    services.complaint_analysis_submit(actor=office, analysis=analysis)
    with pytest.raises(DomainError) as exc:
        services.complaint_analysis_decide(actor=office, analysis=analysis, approve=True, opinion="")
    assert exc.value.status == 403
    with pytest.raises(DomainError):
        services.complaint_analysis_decide(actor=leader, analysis=analysis, approve=False, opinion="")
    services.complaint_analysis_decide(
        actor=leader, analysis=analysis, approve=False, opinion="补充重复投诉的原因"
    )
    analysis.refresh_from_db()
    assert analysis.status == "draft" and analysis.opinion == "补充重复投诉的原因"
    services.complaint_analysis_submit(actor=office, analysis=analysis)
    services.complaint_analysis_decide(
        actor=leader, analysis=analysis, approve=True, opinion="同意，抓好整改落实"
    )
    analysis.refresh_from_db()
    assert analysis.status == "approved"
    steps = list(
        ComplaintAnalysisEvent.objects.filter(analysis=analysis).values_list("from_status", "to_status")
    )
    assert steps == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "draft"),
        ("draft", "submitted"),
        ("submitted", "approved"),
    ]
    assert AuditEvent.objects.filter(action__startswith="supervision.complaint_analysis.").count() == 6
    with pytest.raises(DomainError):
        services.complaint_analysis_save(actor=office, year=YEAR, causes="x", measures="y")


def test_only_the_office_writes_the_analysis_and_only_for_a_begun_year(users):
    with pytest.raises(DomainError) as exc:
        services.complaint_analysis_save(actor=users["leader1"], year=YEAR, causes="x", measures="y")
    assert exc.value.status == 403
    with pytest.raises(DomainError):
        services.complaint_analysis_save(actor=users["office"], year=2999, causes="x", measures="y")


def test_the_page_is_for_the_office_and_leaders(client, users):
    url = reverse("reports_complaints_year", args=[YEAR])
    assert "/login/" in client.get(url)["Location"]
    for name in ("head1", "teller1"):
        client.force_login(users[name])
        assert client.get(url).status_code == 403
        assert client.get(reverse("reports_complaints_year_pdf", args=[YEAR])).status_code == 403
    client.force_login(users["leader1"])
    assert client.get(url).status_code == 200
    assert client.get(reverse("reports_complaints_year", args=[2999])).status_code == 404


def test_the_office_sees_the_figures_and_writes_through_the_page(client, users, complaints):
    client.force_login(users["office"])
    assert client.get(reverse("reports_complaints")).status_code == 302
    html = client.get(reverse("reports_complaints_year", args=[YEAR])).content.decode()
    assert 'id="stat-total">2<' in html
    assert "138****1234" in html and "13800001234" not in html
    url = reverse("reports_complaints_year_action", args=[YEAR])
    client.post(url, {"action": "submit", "causes": "告知不到位", "measures": "整改"})
    assert ComplaintAnalysis.objects.get(year=YEAR).status == "submitted"
    html = client.get(reverse("reports_complaints_year", args=[YEAR])).content.decode()
    assert "已报中心审议" in html and "告知不到位" in html
    client.force_login(users["leader1"])
    client.post(url, {"action": "approve", "opinion": "同意"})
    assert ComplaintAnalysis.objects.get(year=YEAR).status == "approved"
    client.force_login(users["head1"])
    assert client.post(url, {"action": "save", "causes": "x"}).status_code == 403


def test_the_pdf_prints_every_part_with_masked_personal_data(client, users, complaints):
    services.complaint_analysis_save(
        actor=users["office"], year=YEAR, causes="一次性告知不到位", measures="每月抽查"
    )
    client.force_login(users["office"])
    response = client.get(reverse("reports_complaints_year_pdf", args=[YEAR]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    if os.environ.get("REVIEW_PDF_DIR"):
        with open(os.path.join(os.environ["REVIEW_PDF_DIR"], "complaints.pdf"), "wb") as fh:
            fh.write(response.content)
    text = pdf_text(response.content)
    for heading in (
        "2026年度投诉汇总分析报告",
        "一、各部门投诉数量及办理质量",
        "二、投诉性质、渠道和受理范围",
        "三、热点问题",
        "四、重复性投诉",
        "五、责任部门记录的原因分析",
        "六、投诉人提出的意见建议",
        "七、原因分析与预防纠正措施",
        "中心审议意见",
    ):
        assert heading in text, heading
    assert "一次性告知不到位" in text and "每月抽查" in text
    assert "本分析尚未报中心审议" in text
    assert "138****1234" in text
    assert "13800001234" not in text and "张三" not in text
    assert AuditEvent.objects.filter(action="reports.complaints_year.print").count() == 1
