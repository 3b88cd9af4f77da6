"""The applicant's query (002 篇5 §四3): by receipt number and query password, on the
public page and through `POST /api/v1/cases/query` (the password in the body, never in
the address); the same answer for an unknown number and a wrong password; a limit per
address and growing waits per number and address — never a lock-out of the applicant by a
stranger; the public timeline without staff notes; the online request for review of a
refusal."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.urls import reverse

from cases import services
from cases.models import CaseStatus
from cases.tests.conftest import MOBILE, PERSON_ID, at, marks_for
from catalog.models import Matter

pytestmark = pytest.mark.django_db
API = "/api/v1/cases/query"


def query(client, data: dict, **extra):
    return client.post(API, data, content_type="application/json", **extra)


@pytest.fixture
def issued(users, clock):
    """A case and its password, with an internal note the applicant must never see."""
    clock.set(2026, 9, 30, 10)
    reg = services.case_register(
        actor=users["teller1"],
        matter=Matter.objects.get(code="DK015"),
        applicant=services.ApplicantData(name="李明", phone=MOBILE, id_number=PERSON_ID),
        marks=marks_for("DK015"),
        idempotency_key=uuid.uuid4(),
    )
    clock.set(2026, 10, 9, 10)
    services.case_extension_request(
        actor=users["teller1"],
        case=reg.case,
        reason="内部原因：经办人休假，材料待核（仅内部可见）",
        requested_deadline=date(2026, 10, 16),
        explained_to_applicant=True,
    )
    return reg.case, reg.password


def test_the_right_password_shows_status_deadline_next_step_and_timeline(client, issued):
    case, password = issued
    response = query(client, {"receipt_no": case.receipt_no, "password": password})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "accepted" and body["status_label"] == "已受理，正在办理"
    assert body["deadline"] == "2026-10-13"
    assert "将于2026年10月13日前办结" in body["next_step"]
    assert [e["text"] for e in body["timeline"]] == ["已受理：承诺5个工作日内办结，办结期限2026年10月13日。"]
    assert "内部原因" not in response.content.decode()  # never a staff note
    assert PERSON_ID not in response.content.decode() and MOBILE not in response.content.decode()


def test_a_wrong_password_and_an_unknown_number_get_the_same_answer(client, issued):
    case, password = issued
    wrong = query(
        client, {"receipt_no": case.receipt_no, "password": "000000" if password != "000000" else "111111"}
    )
    unknown = query(client, {"receipt_no": "HD01-20260930-0999", "password": password})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()
    assert "受理编号或查询密码不正确" in wrong.json()["message"]


def test_the_page_and_the_status_behind_it(client, issued):
    case, password = issued
    page = client.get(reverse("case_query") + f"?no={case.receipt_no}")
    assert page.status_code == 200 and case.receipt_no in page.content.decode()
    status = reverse("case_query_status", args=[case.receipt_no])
    assert client.get(status).status_code == 302  # not unlocked yet
    response = client.post(reverse("case_query"), {"no": case.receipt_no.lower(), "password": password})
    assert response.status_code == 302 and response.url == status
    page = client.get(status).content.decode()
    assert "已受理，正在办理" in page and "2026年10月13日" in page and "内部原因" not in page
    wrong = client.post(reverse("case_query"), {"no": case.receipt_no, "password": "999999x"})
    assert wrong.status_code == 404 and "受理编号或查询密码不正确" in wrong.content.decode()


def test_failures_slow_the_guesser_down_but_never_lock_the_applicant_out(client, issued, settings, clock):
    settings.CASES_QUERY_BACKOFF = (3, 30, 900)
    case, password = issued
    stranger = {"REMOTE_ADDR": "203.0.113.7"}
    for i in range(3):
        wrong = query(client, {"receipt_no": case.receipt_no, "password": f"00000{i}"}, **stranger)
        assert wrong.status_code == 404
    assert query(client, {"receipt_no": case.receipt_no, "password": "000009"}, **stranger).status_code == 404
    # The fifth try from the stranger's address must wait, even with the right password …
    slowed = query(client, {"receipt_no": case.receipt_no, "password": password}, **stranger)
    assert slowed.status_code == 429 and slowed.json()["error"] == "rate_limited"
    assert "30秒后再试" in slowed.json()["message"]
    # … while the applicant, from their own address, gets in at once.
    own = query(client, {"receipt_no": case.receipt_no, "password": password}, REMOTE_ADDR="10.0.0.9")
    assert own.status_code == 200
    # The waits grow: 30 s, then 60 s after the next failure.
    clock.advance(seconds=31)
    assert query(client, {"receipt_no": case.receipt_no, "password": "000010"}, **stranger).status_code == 404
    again = query(client, {"receipt_no": case.receipt_no, "password": password}, **stranger)
    assert again.status_code == 429 and "60秒后再试" in again.json()["message"]


def test_the_password_never_travels_in_the_address(client, issued):
    case, password = issued
    assert client.get(API, {"receipt_no": case.receipt_no, "password": password}).status_code == 405


def test_lookups_are_limited_per_address(client, issued, settings):
    settings.CASES_QUERY_LIMIT_PER_ADDRESS = (2, 900)
    case, password = issued
    for n in (1, 2):
        query(client, {"receipt_no": f"HD01-20260930-00{n:02d}", "password": "123456"})
    assert query(client, {"receipt_no": case.receipt_no, "password": password}).status_code == 429
    page = client.post(reverse("case_query"), {"no": case.receipt_no, "password": password})
    assert page.status_code == 429 and "查询过于频繁" in page.content.decode()
    other = query(client, {"receipt_no": case.receipt_no, "password": password}, REMOTE_ADDR="10.0.0.8")
    assert other.status_code == 200


def test_missing_parameters_are_a_422_in_chinese(client):
    response = query(client, {"receipt_no": "HD01-20260930-0001"})
    assert response.status_code == 422 and "password" in response.json()["message"]


def test_a_supplement_case_shows_what_to_bring(client, register):
    from cases.tests.conftest import first_material

    name = first_material("DK015")
    case = register("DK015", when=at(2026, 11, 23, 10), missing=(name,))
    password = services.case_password_reset(actor=case.registered_by, case=case)
    body = query(client, {"receipt_no": case.receipt_no, "password": password}).json()
    assert body["status_label"] == "待补正材料" and body["missing_materials"] == [name]
    assert "补齐或补正材料" in body["next_step"]


def test_the_applicant_asks_for_a_review_of_a_refusal_online(client, register, users):
    case = register(
        "DK015",
        when=at(2026, 11, 23, 10),
        rejection=services.Rejection(
            "conditions_not_met", "申请人名下已有两套住房，不符合本中心贷款管理办法第十条的贷款条件"
        ),
    )
    password = services.case_password_reset(actor=users["teller1"], case=case)
    client.post(reverse("case_query"), {"no": case.receipt_no, "password": password})
    page = client.get(reverse("case_query_status", args=[case.receipt_no])).content.decode()
    assert "申请复核" in page and "两套住房" in page
    review = reverse("case_query_review", args=[case.receipt_no])
    short = client.post(review, {"reason": "不服"})
    assert short.status_code == 422 and "不少于10个字" in short.content.decode()
    response = client.post(
        review,
        {"reason": "其中一套住房已于去年出售，只是尚未办理过户，请核实后受理", "contact_phone": MOBILE},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEW
    # The office answers; the applicant reads the answer on the same page.
    services.case_review_decide(
        actor=users["office1"], case=case, overturn=False, decision="经核实尚未过户，维持不予受理"
    )
    body = query(client, {"receipt_no": case.receipt_no, "password": password}).json()
    assert body["review_status"] == "维持不予受理" and "尚未过户" in body["review_decision"]
    assert not body["can_request_review"]


def test_a_review_can_be_requested_through_the_api(client, register, users):
    case = register(
        "DK015",
        when=at(2026, 11, 23, 10),
        rejection=services.Rejection(
            "conditions_not_met", "申请人名下已有两套住房，不符合本中心贷款管理办法第十条的贷款条件"
        ),
    )
    password = services.case_password_reset(actor=users["teller1"], case=case)
    url = API + "/review"
    bad = client.post(
        url,
        {"receipt_no": case.receipt_no, "password": "x", "reason": "请复核这个决定，理由很充分"},
        content_type="application/json",
    )
    assert bad.status_code == 404
    ok = client.post(
        url,
        {"receipt_no": case.receipt_no, "password": password, "reason": "其中一套住房已出售，请核实后受理"},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["status"] == "review"
    again = client.post(
        url,
        {"receipt_no": case.receipt_no, "password": password, "reason": "其中一套住房已出售，请核实后受理"},
        content_type="application/json",
    )
    assert again.status_code == 409


def test_a_session_unlocks_only_the_case_it_looked_up(client, register, users):
    one = register("DK015", when=at(2026, 11, 23, 10))
    two = register("DK015", when=at(2026, 11, 23, 11))
    password = services.case_password_reset(actor=users["teller1"], case=one)
    client.post(reverse("case_query"), {"no": one.receipt_no, "password": password})
    assert client.get(reverse("case_query_status", args=[one.receipt_no])).status_code == 200
    assert client.get(reverse("case_query_status", args=[two.receipt_no])).status_code == 302
