"""The weekly review (000 §二(一)4): the record's services, the page and the PDF pack."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from common.errors import Conflict, DomainError
from documents.fonts import missing_glyphs
from reports.tests.test_review_helpers import MONDAY, WEEK, Week, at, pdf_pages, pdf_text, user
from supervision import services
from supervision.models import WeeklyReview, WeeklyReviewEvent

pytestmark = pytest.mark.django_db

FULL = services.WeeklyReviewInput(
    arrangements="周一例会布置提取业务高峰应对；周三政策培训。",
    problems="周一上午提取窗口等候较长。",
    policy_study="学习提取新政策（租房提取额度调整）。",
    summary="本周办结业务平稳，差评一条已联系核实。",
    safety_checked=True,
    safety_findings="灭火器在有效期内，安全通道畅通。",
    hygiene_checked=True,
    hygiene_findings="休息区卫生良好。",
    site_visits="周二巡视发现2号窗口台面杂乱，已当场整改。",
    suggestions="办事职工建议增加老花镜，联系电话13831001234。",
    adoption="adopted",
    adoption_note="已在咨询台配备老花镜。",
)


@pytest.fixture
def week():
    return Week().build()


@pytest.fixture
def head(week):
    return user("head", "HD01")


def _dump(name: str, data: bytes) -> None:
    folder = os.environ.get("REVIEW_PDF_DIR")
    if folder:
        with open(os.path.join(folder, name), "wb") as fh:
            fh.write(data)


# --- services ---------------------------------------------------------------------


def test_the_head_saves_a_draft_then_submits_it_with_events_and_audit(week, head):
    review = services.weekly_review_save(actor=head, branch=week.hd, week_start=MONDAY, entries=FULL)
    assert review.status == "draft"
    review = services.weekly_review_submit(actor=head, review=review)
    assert review.status == "submitted"
    assert review.submitted_by == head
    events = list(WeeklyReviewEvent.objects.filter(review=review).values_list("from_status", "to_status"))
    assert events == [("", "draft"), ("draft", "submitted")]
    actions = list(
        AuditEvent.objects.filter(object_type="supervision.weeklyreview", object_id=str(review.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["supervision.weekly_review.create", "supervision.weekly_review.submit"]


def test_saving_again_updates_the_draft_and_audits_the_changed_fields(week, head):
    review = services.weekly_review_save(actor=head, branch=week.hd, week_start=MONDAY, entries=FULL)
    changed = services.WeeklyReviewInput(**{**FULL.__dict__, "summary": "改写后的总结"})
    services.weekly_review_save(actor=head, branch=week.hd, week_start=MONDAY, entries=changed)
    review.refresh_from_db()
    assert review.summary == "改写后的总结"
    update = AuditEvent.objects.filter(action="supervision.weekly_review.update").get()
    assert list(update.changes) == ["summary"]
    assert WeeklyReview.objects.count() == 1


def test_it_refuses_to_submit_without_the_arrangements_summary_and_both_checks(week, head):
    partial = services.WeeklyReviewInput(arrangements="安排", summary="", safety_checked=True)
    review = services.weekly_review_save(actor=head, branch=week.hd, week_start=MONDAY, entries=partial)
    with pytest.raises(DomainError) as exc:
        services.weekly_review_submit(actor=head, review=review)
    assert "工作总结" in exc.value.message and "大厅卫生检查" in exc.value.message
    assert "大厅安全检查" not in exc.value.message
    review.refresh_from_db()
    assert review.status == "draft"


def test_only_the_head_of_the_branch_writes_its_review(week):
    other_head = user("head", "WA01")
    office = user("office")
    for actor in (other_head, office):
        with pytest.raises(DomainError) as exc:
            services.weekly_review_save(actor=actor, branch=week.hd, week_start=MONDAY, entries=FULL)
        assert exc.value.status == 403


def test_it_refuses_a_day_that_is_not_a_monday_and_a_future_week(week, head):
    with pytest.raises(DomainError):
        services.weekly_review_save(
            actor=head, branch=week.hd, week_start=MONDAY + timedelta(days=1), entries=FULL
        )
    with pytest.raises(DomainError):
        services.weekly_review_save(
            actor=head, branch=week.hd, week_start=MONDAY + timedelta(weeks=52 * 3), entries=FULL
        )


def test_suggestions_need_an_adoption_decision_and_a_reason_when_declined(week, head):
    no_decision = services.WeeklyReviewInput(**{**FULL.__dict__, "adoption": "none"})
    with pytest.raises(DomainError) as exc:
        services.weekly_review_save(actor=head, branch=week.hd, week_start=MONDAY, entries=no_decision)
    assert exc.value.extra["field"] == "adoption"
    declined = services.WeeklyReviewInput(**{**FULL.__dict__, "adoption": "declined", "adoption_note": ""})
    with pytest.raises(DomainError) as exc:
        services.weekly_review_save(actor=head, branch=week.hd, week_start=MONDAY, entries=declined)
    assert exc.value.extra["field"] == "adoption_note"


def test_a_submitted_review_is_reopened_with_a_reason_before_it_changes(week, head):
    review = services.weekly_review_save(actor=head, branch=week.hd, week_start=MONDAY, entries=FULL)
    services.weekly_review_submit(actor=head, review=review)
    with pytest.raises(Conflict):
        services.weekly_review_save(actor=head, branch=week.hd, week_start=MONDAY, entries=FULL)
    with pytest.raises(DomainError):
        services.weekly_review_reopen(actor=head, review=review, reason=" ")
    office = user("office")
    review = services.weekly_review_reopen(actor=office, review=review, reason="请补充卫生检查情况")
    assert review.status == "draft"
    last = WeeklyReviewEvent.objects.filter(review=review).last()
    assert (last.from_status, last.to_status, last.note) == ("submitted", "draft", "请补充卫生检查情况")
    assert AuditEvent.objects.filter(action="supervision.weekly_review.reopen").count() == 1
    with pytest.raises(DomainError) as exc:
        services.weekly_review_reopen(actor=user("leader"), review=review, reason="x")
    assert exc.value.status in (403, 409)


# --- page and PDF -------------------------------------------------------------------


def _url(branch: str = "HD01") -> str:
    return f"{reverse('reports_weekly')}?branch={branch}&week={WEEK}"


def test_the_page_needs_a_login_and_one_of_the_roles(client, week):
    response = client.get(_url())
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(user("teller", "HD01"))
    assert client.get(_url()).status_code == 403
    pdf = reverse("reports_weekly_pdf", args=["HD01", WEEK])
    assert client.get(pdf).status_code == 403


def test_the_head_sees_the_form_and_the_weeks_figures(client, week, head):
    client.force_login(head)
    response = client.get(_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="review-form"' in html
    assert 'id="fig-tickets">6<' in html
    assert 'id="fig-target">75.0%<' in html
    assert "138****1234" in html and "13831001234" not in html  # a phone typed into a comment


def test_the_head_of_another_branch_gets_a_404(client, week):
    client.force_login(user("head", "WA01"))
    assert client.get(_url("HD01")).status_code == 404
    assert client.get(reverse("reports_weekly_pdf", args=["HD01", WEEK])).status_code == 404
    response = client.post(reverse("reports_weekly_action", args=["HD01", WEEK]), {"action": "save"})
    assert response.status_code == 404
    assert not WeeklyReview.objects.exists()


def test_the_office_reads_every_branch_but_cannot_write(client, week, head):
    services.weekly_review_save(actor=head, branch=week.hd, week_start=MONDAY, entries=FULL)
    office = user("office")
    client.force_login(office)
    html = client.get(_url()).content.decode()
    assert 'id="review-form"' not in html
    assert "周一例会布置提取业务高峰应对" in html
    response = client.post(
        reverse("reports_weekly_action", args=["HD01", WEEK]), {"action": "save", "summary": "x"}
    )
    assert response.status_code == 403
    assert client.get(f"{reverse('reports_weekly')}?branch=WA01&week={WEEK}").status_code == 200


def test_the_form_posts_save_and_submit(client, week, head):
    client.force_login(head)
    url = reverse("reports_weekly_action", args=["HD01", WEEK])
    data = {k: v for k, v in FULL.__dict__.items() if not isinstance(v, bool)}
    data |= {"safety_checked": "on", "hygiene_checked": "on", "action": "submit"}
    response = client.post(url, data)
    assert response.status_code == 302
    review = WeeklyReview.objects.get()
    assert review.status == "submitted" and review.safety_checked and review.hygiene_checked
    # A refused save keeps what was typed.
    review_url = _url()
    client.post(url, {"action": "reopen", "reason": "补充"})
    client.post(url, {"action": "save", "summary": "新的总结", "suggestions": "有建议", "adoption": "none"})
    html = client.get(review_url).content.decode()
    assert "新的总结" in html
    assert "请选择研究采纳情况" in html


def test_an_invalid_week_is_a_404_for_the_pdf_and_a_message_on_the_page(client, week, head):
    client.force_login(head)
    assert client.get("/reports/weekly/HD01/2026-99.pdf").status_code == 404
    response = client.get(f"{reverse('reports_weekly')}?week=bad")
    assert response.status_code == 200
    assert "格式不对" in response.content.decode()


def test_the_pack_prints_the_figures_the_entries_and_masks_phone_numbers(client, week, head):
    services.weekly_review_save(actor=head, branch=week.hd, week_start=MONDAY, entries=FULL)
    client.force_login(head)
    response = client.get(reverse("reports_weekly_pdf", args=["HD01", WEEK]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = response.content
    _dump("weekly.pdf", data)
    text = pdf_text(data)
    for heading in (
        "每周工作总结",
        "一、排队叫号",
        "二、网上预约",
        "三、办件",
        "四、好差评",
        "五、投诉",
        "六、监督检查",
        "七、办事职工的意见建议",
        "八、负责人工作总结",
        "部门负责人（签字）",
    ):
        assert heading in text, heading
    assert "2026年第12周" in text
    # P90 as the statistics read it from the minute buckets: 90 % waited less than 26 minutes.
    assert "75.0%" in text and "13.8 分钟" in text and "26 分钟" in text
    assert "周一例会布置提取业务高峰应对" in text
    assert "WG-0" in text and "WG-1" not in text
    assert "13831001234" not in text
    assert "138****1234" in text
    assert pdf_pages(data) >= 3
    assert AuditEvent.objects.filter(action="reports.weekly_review.print").count() == 1


def test_an_unwritten_week_prints_blank_boxes_to_fill_by_hand(client, week):
    client.force_login(user("leader"))
    data = client.get(reverse("reports_weekly_pdf", args=["HD01", WEEK])).content
    text = pdf_text(data)
    assert "本周尚未在系统中填写" in text
    assert "未填写" in text


def test_every_label_of_the_pack_is_drawable_in_the_embedded_font():
    from reports.review import weekly

    assert not missing_glyphs("".join(weekly._LABELS) + weekly.CLAUSE + "≥–—→·")


def test_the_pack_prints_the_submission_and_the_printing_in_beijing_time(client, week, head):
    """Times on paper are Beijing time (issue 14.7): a submission at 07:40 in Beijing is
    23:40 the day before in UTC, and the pack must say 07:40 on the right day."""
    from common.testing import FrozenClock

    review = services.weekly_review_save(actor=head, branch=week.hd, week_start=MONDAY, entries=FULL)
    at_desk = FrozenClock(at(MONDAY + timedelta(days=7), 7, 40))
    services.weekly_review_submit(actor=head, review=review)
    client.force_login(head)
    text = pdf_text(client.get(reverse("reports_weekly_pdf", args=["HD01", WEEK])).content)
    submitted = at_desk.moment
    assert f"{submitted:%Y-%m-%d} 07:40" in text
    assert "23:40" not in text
    assert f"打印时间：{submitted:%Y-%m-%d} 07:40" in text
