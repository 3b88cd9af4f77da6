"""Pages: every staff page anonymous (→ login), with a wrong role (403) and with the right
role; the public rating page and disclosure (no login); the forms that move a follow-up,
an annotation, a callback and a survey; list query counts."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from common import clock
from org.models import Staff
from ratings import services
from ratings.models import (
    AnnotationStatus,
    FollowUp,
    FollowUpStatus,
    HotlineCallback,
    PushBatch,
    Rating,
    RatingChannel,
    SurveyResponse,
    SurveyRound,
)
from ratings.tests.conftest import W, rater_for, serve, tokens


def rate(ticket, level: int, **kwargs) -> Rating:
    token = tokens(ticket)[RatingChannel.COUNTER]
    return services.rating_submit(actor=rater_for(token), token=token, level=level, **kwargs)


@pytest.fixture
def bad(served) -> Rating:
    return rate(served, 1, reasons=["attitude"], comment="窗口人员一直玩手机", contact_phone="13812345678")


@pytest.fixture
def callback(clock, teller2) -> HotlineCallback:
    return HotlineCallback.objects.get(ticket=serve(teller2, 3, W))


# --- Access: anonymous, wrong role, right role --------------------------------------------------

STAFF_PAGES = [
    # (url name, kwargs factory, right role, wrong role)
    ("ratings_home", None, "office", "teller"),
    ("ratings_list", None, "leader", "guide"),
    ("ratings_follow_ups", None, "office", "teller"),
    ("ratings_callbacks", None, "office", "head"),
    ("ratings_callback_ranking", None, "leader", "inspector"),
    ("ratings_export", None, "admin", "leader"),
]


@pytest.mark.parametrize(("name", "_", "right", "wrong"), STAFF_PAGES)
def test_staff_pages_send_anonymous_to_login_refuse_a_wrong_role_and_serve_the_right_one(
    client, demo, make_user, name, _, right, wrong
):
    from org.models import Branch

    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    hd01 = Branch.objects.get(code="HD01")
    client.force_login(make_user(wrong, branch=hd01))
    assert client.get(url).status_code == 403
    client.force_login(make_user(right, branch=hd01))
    assert client.get(url).status_code == 200


def test_object_pages_check_role_and_branch(client, bad, callback, make_user, hd01, wa01):
    follow_up = bad.follow_up
    pages = [
        reverse("ratings_detail", args=[bad.pk]),
        reverse("ratings_follow_up", args=[follow_up.pk]),
    ]
    for url in pages:
        assert client.get(url).status_code == 302
        client.force_login(make_user("teller", branch=hd01))
        assert client.get(url).status_code == 403
        client.force_login(make_user("head", branch=wa01))  # another branch: as if it did not exist
        assert client.get(url).status_code == 404
        client.force_login(make_user("head", branch=hd01))
        assert client.get(url).status_code == 200
        client.logout()
    url = reverse("ratings_callback", args=[callback.pk])
    client.force_login(make_user("head", branch=hd01))
    assert client.get(url).status_code == 403
    client.force_login(make_user("office"))
    assert client.get(url).status_code == 200


def test_the_survey_pages_are_for_every_member_of_staff(client, demo, make_user):
    assert client.get(reverse("ratings_surveys")).status_code == 302
    client.force_login(make_user("teller"))
    assert client.get(reverse("ratings_surveys")).status_code == 200


# --- Overview and lists ---------------------------------------------------------------------------


def test_the_overview_shows_the_citizen_scores_with_no_score_as_not_rated(client, bad, office, teller1):
    client.force_login(office)
    page = client.get(reverse("ratings_home"), {"period": "2026-11"}).content.decode()
    assert "职工评价得分（80分）" in page and f"{teller1.name}（{teller1.staff_no}）" in page
    assert "未评价" in page and "0.00" in page  # one 非常不满意: 80 × (−4 + 4) ÷ 5
    windows = client.get(reverse("ratings_home"), {"period": "2026-11", "by": "window"}).content.decode()
    assert "中心服务大厅 1号窗口" in windows


def test_a_wrong_period_on_a_page_says_so_and_shows_this_month(client, demo, office):
    client.force_login(office)
    response = client.get(reverse("ratings_home"), {"period": "2026-14"})
    page = response.content.decode()
    this_month = f"{clock.today().year}年{clock.today().month}月"  # the page falls back to it
    assert response.status_code == 200 and "月份“14”不存在" in page and this_month in page


def test_the_rating_list_masks_nothing_it_does_not_show_and_filters_bad_ratings(
    client, bad, office, django_assert_max_num_queries
):
    client.force_login(office)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("ratings_list"), {"period": "2026-11", "level": "bad"}).content.decode()
    assert bad.service_number in page and "13812345678" not in page
    assert (
        bad.service_number
        not in client.get(reverse("ratings_list"), {"period": "2026-11", "level": "5"}).content.decode()
    )


def test_the_follow_up_worklist_lists_overdue_ones(client, bad, office, clock):
    client.force_login(office)
    clock.set(10, 0, day=date(2026, 11, 25))  # the contact deadline (24 Nov) has passed
    page = client.get(reverse("ratings_follow_ups"), {"state": "overdue"}).content.decode()
    assert "逾期" in page and bad.service_number not in page  # lists the problem, links the follow-up
    assert reverse("ratings_follow_up", args=[bad.follow_up.pk]) in page
    clock.set(10, 0, day=date(2026, 11, 24))
    assert (
        reverse("ratings_follow_up", args=[bad.follow_up.pk])
        not in client.get(reverse("ratings_follow_ups"), {"state": "overdue"}).content.decode()
    )


def test_the_worklist_runs_in_a_fixed_number_of_queries(
    client, clock, teller1, office, django_assert_max_num_queries
):
    for _ in range(5):
        rate(serve(teller1, 1), 2)
    client.force_login(office)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("ratings_follow_ups")).status_code == 200


# --- Forms that move things -------------------------------------------------------------------------


def test_the_office_moves_a_follow_up_to_the_public_page(client, bad, office):
    url = reverse("ratings_follow_up", args=[bad.follow_up.pk])
    client.force_login(office)
    assert "13812345678" in client.get(url).content.decode()  # the detail shows whom to call
    missing = client.post(url, {"action": "contact", "method": "phone"})
    assert missing.status_code == 422
    assert client.post(url, {"action": "contact", "method": "phone", "note": "已联系"}).status_code == 302
    rectify = {
        "action": "rectify",
        "verdict": "substantiated",
        "finding": "属实",
        "rectification": "批评教育，服务用语培训",
        "public_summary": "对当事工作人员批评教育并开展服务用语培训",
    }
    assert client.post(url, rectify).status_code == 302
    assert client.post(url, {"action": "close", "satisfaction": "satisfied"}).status_code == 302
    assert FollowUp.objects.get(pk=bad.follow_up.pk).status == FollowUpStatus.CLOSED
    public = client.get(reverse("disclosure"), {"month": "2026-11"}).content.decode()
    assert "对当事工作人员批评教育并开展服务用语培训" in public and "服务态度差" in public
    assert "玩手机" not in public and "13812345678" not in public  # the citizen's own words stay inside


def test_a_teller_cannot_act_on_a_follow_up(client, bad, hd01, make_user):
    client.force_login(make_user("inspector"))
    url = reverse("ratings_follow_up", args=[bad.follow_up.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "contact", "method": "phone", "note": "x"}).status_code == 403


def test_annotation_and_appeal_through_the_rating_page(client, bad, office, office2, leader):
    url = reverse("ratings_detail", args=[bad.pk])
    client.force_login(office)
    response = client.post(
        url, {"action": "annotate", "kind": "mistaken", "reason": "评价人误触", "evidence": "评价人来电说明"}
    )
    assert response.status_code == 302
    annotation = bad.annotations.get()
    same = client.post(url, {"action": "decide", "annotation": annotation.pk, "decision": "approve"})
    assert same.status_code == 403
    client.force_login(office2)
    assert "提交复核" in client.get(url).content.decode()
    client.post(url, {"action": "decide", "annotation": annotation.pk, "decision": "approve", "note": "同意"})
    annotation.refresh_from_db()
    assert annotation.status == AnnotationStatus.APPROVED
    # The citizen sees it on their rating page and appeals there.
    rate_url = reverse("rate", args=[tokens(bad.ticket)[RatingChannel.QR]])
    client.logout()
    page = client.get(rate_url).content.decode()
    assert "未计入评分" in page and "误评" in page
    assert client.post(rate_url, {"action": "appeal", "statement": "我没有误触"}).status_code == 302
    client.force_login(leader)
    client.post(
        url, {"action": "appeal_decide", "appeal": annotation.appeal.pk, "decision": "grant", "note": "成立"}
    )
    annotation.refresh_from_db()
    assert annotation.status == AnnotationStatus.REVOKED


def test_a_head_may_not_annotate(client, bad, hd01, make_user):
    client.force_login(make_user("head", branch=hd01))
    url = reverse("ratings_detail", args=[bad.pk])
    assert (
        client.post(
            url, {"action": "annotate", "kind": "mistaken", "reason": "r", "evidence": "e"}
        ).status_code
        == 403
    )


def test_the_operator_works_a_callback_on_its_page(client, callback, office):
    url = reverse("ratings_callback", args=[callback.pk])
    client.force_login(office)
    assert "尚未登记联系电话" in client.get(url).content.decode()
    assert client.post(url, {"action": "phone", "phone": "12345"}).status_code == 422
    client.post(url, {"action": "phone", "phone": "13912345678"})
    page = client.get(url).content.decode()
    assert "13912345678" in page  # shown to the operator who opens the task
    listed = client.get(reverse("ratings_callbacks")).content.decode()
    assert "139****5678" in listed and "13912345678" not in listed
    answer = {
        "action": "answer",
        "attitude": "satisfied",
        "efficiency": "very_satisfied",
        "ran_back": "yes",
        "favours": "no",
    }
    assert client.post(url, answer).status_code == 302
    callback.refresh_from_db()
    assert callback.status == "completed" and callback.ran_back is True
    assert FollowUp.objects.filter(callback=callback).exists()  # 跑回头路 is followed up


def test_the_export_page_downloads_and_pushes_to_the_outbox(client, bad, office, settings, tmp_path):
    settings.RATINGS_OUTBOX_DIR = str(tmp_path)
    client.force_login(office)
    assert client.get(reverse("ratings_export"), {"period": "2026-11", "format": "csv"})[
        "Content-Type"
    ].startswith("text/csv")
    assert client.post(reverse("ratings_export")).status_code == 302
    batch = PushBatch.objects.get()
    assert batch.status == "sent" and batch.count == 1
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".csv", ".json"]
    client.post(reverse("ratings_export"))
    assert PushBatch.objects.order_by("-pk").first().count == 0  # nothing pushed twice


def test_a_failing_push_is_recorded_and_retried_next_time(client, bad, office, settings, tmp_path):
    settings.RATINGS_PUSH_BACKEND = "ratings.push.FailingBackend"
    client.force_login(office)
    response = client.post(reverse("ratings_export"), follow=True)
    assert "推送失败" in response.content.decode()
    assert PushBatch.objects.get().status == "failed"
    settings.RATINGS_PUSH_BACKEND = "ratings.push.OutboxBackend"
    settings.RATINGS_OUTBOX_DIR = str(tmp_path)
    client.post(reverse("ratings_export"))
    assert PushBatch.objects.filter(status="sent").get().count == 1


# --- Surveys -----------------------------------------------------------------------------------------


def test_a_monthly_survey_is_opened_answered_anonymously_and_ranked(client, demo, office, make_user, hd01):
    client.force_login(office)
    response = client.post(
        reverse("ratings_surveys"), {"kind": "branch_rates_department", "month": "2026-11"}
    )
    assert response.status_code == 302
    survey_round = SurveyRound.objects.get()
    targets = list(survey_round.targets.order_by("order"))
    assert [t.label for t in targets][:2] == ["办公室", "机关党委"]  # centre departments, not the branches
    teller = make_user("teller", branch=hd01)
    client.force_login(teller)
    url = reverse("ratings_survey", args=[survey_round.pk])
    answer = {
        "action": "respond",
        "target": targets[0].pk,
        "answer_attitude": "dissatisfied",
        "answer_quality": "satisfied",
        "answer_efficiency": "very_satisfied",
    }
    refused = client.post(url, answer)
    assert refused.status_code == 422 and "具体事项" in refused.content.decode()
    answer["reason_attitude"] = "电话咨询无人接听"
    assert client.post(url, answer).status_code == 302
    again = client.post(url, answer)
    assert again.status_code == 409 and "已对" in again.content.decode()
    response = SurveyResponse.objects.get()
    assert len(response.rater_key) == 64  # a keyed hash, no link to the rater
    assert not any(f.related_model in (type(teller), Staff) for f in SurveyResponse._meta.fields)
    assert not AuditEvent.objects.filter(action="ratings.survey.respond").exclude(actor=None).exists()
    assert not AuditEvent.objects.filter(action="ratings.survey.respond").exclude(client_ip=None).exists()
    client.force_login(make_user("leader"))
    page = client.get(url).content.decode()
    assert "测评结果与排名" in page and "电话咨询无人接听" in page and teller.username not in page


def test_only_branch_staff_rate_departments_and_only_managers_rate_leaders(
    client, demo, office, make_user, hd01
):
    from org.models import Rank

    services.survey_round_open(actor=office, kind="branch_rates_department", month=date(2026, 11, 1))
    leaders_round = services.survey_round_open(
        actor=office, kind="managers_rate_leaders", month=date(2026, 11, 1)
    )
    client.force_login(make_user("office"))  # a clerk of the office: no branch, below 副科级
    assert (
        client.get(reverse("ratings_survey", args=[leaders_round.pk])).status_code == 200
    )  # sees the results
    clerk = make_user("teller", branch=hd01)
    client.force_login(clerk)
    assert client.get(reverse("ratings_survey", args=[leaders_round.pk])).status_code == 403
    manager = make_user("teller", branch=hd01, rank=Rank.SECTION_DEPUTY)
    client.force_login(manager)
    page = client.get(reverse("ratings_survey", args=[leaders_round.pk])).content.decode()
    assert "王建国" in page and "我的测评" in page


# --- Public pages ----------------------------------------------------------------------------------


def test_the_phone_rating_page_rates_once_and_then_shows_the_rating(client, served, teller1):
    url = reverse("rate", args=[tokens(served)[RatingChannel.QR]])
    page = client.get(url).content.decode()
    assert teller1.name in page and "您对本次服务满意吗" in page and "非常不满意" in page
    invalid = client.post(url, {"level": "1", "contact_phone": "123", "rater_type": "person"})
    assert invalid.status_code == 422 and "电话号码格式不正确" in invalid.content.decode()
    assert (
        client.post(url, {"level": "2", "reasons": ["efficiency"], "rater_type": "employer"}).status_code
        == 302
    )
    rating = Rating.objects.get()
    assert rating.channel == "qr" and rating.rater_type == "employer" and rating.reasons == ["efficiency"]
    page = client.get(url).content.decode()
    assert "您已评价" in page and "不满意" in page
    again = client.post(url, {"level": "5", "rater_type": "person"})
    assert again.status_code == 409 and "只能评价一次" in again.content.decode()


def test_the_slip_qr_leads_to_the_rating_page_once_the_visit_is_done(client, clock, teller1, hd01):
    from queueing import services as queue

    ticket = queue.ticket_take(actor="kiosk:test", branch=hd01, category="collection")
    waiting = client.get(reverse("rate_visit", args=[ticket.token]))
    assert waiting.status_code == 200 and "尚未办结" in waiting.content.decode()
    from ratings.tests.conftest import window

    queue.ticket_call_next(actor=teller1.user, staff=teller1, window=window(hd01, 1))
    queue.ticket_complete(actor=teller1.user, staff=teller1, window=window(hd01, 1))
    done = client.get(reverse("rate_visit", args=[ticket.token]))
    assert done.status_code == 302 and done["Location"] == reverse(
        "rate", args=[tokens(ticket)[RatingChannel.QR]]
    )
    assert client.get(reverse("rate_visit", args=["nope-nope-nope"])).status_code == 404


def test_the_slip_prints_the_rating_qr_code(client, clock, hd01, make_user):
    from queueing import services as queue

    ticket = queue.ticket_take(actor="kiosk:test", branch=hd01, category="collection")
    client.force_login(make_user("guide", branch=hd01))
    page = client.get(reverse("kiosk_slip", args=["HD01", ticket.token])).content.decode()
    assert page.count('class="qr"') == 2 and "办结后扫码评价" in page and "7天内有效" in page


def test_an_expired_or_forged_link_says_so(client, served, clock):
    assert client.get(reverse("rate", args=["forged-" + "x" * 30])).status_code == 404
    clock.advance(days=8)
    page = client.get(reverse("rate", args=[tokens(served)[RatingChannel.QR]]))
    assert page.status_code == 200 and "已超过有效期" in page.content.decode()
    assert (
        client.post(
            reverse("rate", args=[tokens(served)[RatingChannel.QR]]), {"level": "5", "rater_type": "person"}
        ).status_code
        == 410
    )


def test_a_signed_in_teller_cannot_rate_on_the_phone_page(client, served, teller1):
    client.force_login(teller1.user)
    url = reverse("rate", args=[tokens(served)[RatingChannel.QR]])
    response = client.post(url, {"level": "5", "rater_type": "person"})
    assert response.status_code == 403 and "不能代替" in response.content.decode()


def test_the_disclosure_page_shows_ratings_by_branch_and_month_without_login(client, clock, teller1, teller2):
    for level in (5, 4, 2):
        rate(serve(teller1, 1), level)
    rate(serve(teller2, 3, W), 5)
    page = client.get(reverse("disclosure"), {"month": "2026-11"}).content.decode()
    assert "好差评公示" in page and "中心服务大厅" in page and "武安市管理部" in page
    assert "25.0%" in page  # 1 bad of 4 at HD01
    assert client.get(reverse("disclosure"), {"month": "2026-13"}).status_code == 404
    assert client.get(reverse("disclosure"), {"month": "2099-01"}).status_code == 404


def test_the_home_page_counts_open_and_overdue_follow_ups(client, bad, office, clock):
    client.force_login(office)
    clock.set(10, 0, day=date(2026, 11, 25))
    page = client.get(reverse("home")).content.decode()
    assert "差评核实整改中" in page and "整改超期" in page
    assert f"{reverse('ratings_follow_ups')}?state=overdue" in page


def test_annotation_evidence_is_served_only_through_the_rating_access_check(
    client, bad, office, wa01, make_user, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    url = reverse("ratings_detail", args=[bad.pk])
    client.force_login(office)
    scan = SimpleUploadedFile("说明.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    response = client.post(
        url,
        {
            "action": "annotate",
            "kind": "mistaken",
            "reason": "评价人误触",
            "evidence": "来电说明",
            "evidence_file": scan,
        },
    )
    assert response.status_code == 302
    annotation = bad.annotations.get()
    evidence = reverse("ratings_annotation_evidence", args=[bad.pk, annotation.pk])
    assert evidence in client.get(url).content.decode()
    got = client.get(evidence)
    assert got.status_code == 200 and got.content == b"%PDF-1.4 evidence"
    assert got["Content-Type"] == "application/pdf" and got["X-Content-Type-Options"] == "nosniff"
    client.force_login(make_user("head", branch=wa01))  # a head of another branch
    assert client.get(evidence).status_code == 404
    client.logout()
    assert client.get(evidence).status_code == 302  # to the login page


def test_a_month_before_the_first_rule_set_answers_no_data(client, db):
    response = client.get(reverse("disclosure"), {"month": "2020-05"})
    assert response.status_code == 200 and "没有好差评数据" in response.content.decode()


def test_the_disclosure_counts_contacted_follow_ups_and_rectified_ones_and_keeps_callbacks_apart(
    client, bad, office
):
    page = client.get(reverse("disclosure"), {"month": "2026-11"}).content.decode()
    # A bad rating whose follow-up is open: not yet 已回访 (nobody was contacted), not 已整改.
    assert re.search(r'<div class="num">0</div><div class="label">差评已回访', page)
    services.follow_up_contact(actor=office, follow_up=bad.follow_up, method="phone", note="已联系")
    page = client.get(reverse("disclosure"), {"month": "2026-11"}).content.decode()
    assert re.search(r'<div class="num">1</div><div class="label">差评已回访', page)
    assert re.search(r'<div class="num">0</div><div class="label">差评已整改', page)
    assert "12329回访不满意整改" in page and "不计入上面的评价统计" in page
