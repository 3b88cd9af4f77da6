"""One rating per case (一事一评) and the 12329 callback of every completed withdrawal and
loan case. The cases app calls `ratings.services.case_completed(case=…)` in the
transaction that completes a case; these tests call it as the cases app will."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.urls import reverse

from common.errors import Conflict
from common.testing import FrozenClock
from ratings import services
from ratings.models import HotlineCallback, Rating, RatingChannel, RatingToken
from ratings.tests.conftest import SHANGHAI

PERSON_ID = "130402198807150027"
CREDIT_CODE = "91130400MA0CXXXX02"


@pytest.fixture
def case_clock(monkeypatch):
    moment = FrozenClock(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI))
    yield moment
    moment.stop()


def completed_case(code: str, *, employer: bool = False):
    """A case registered by teller1 (HD01), all materials received, completed at once."""
    from cases import services as cases
    from catalog.models import Matter
    from catalog.selectors import version_in_force

    teller = get_user_model().objects.get(username="teller1")
    matter = Matter.objects.get(code=code)
    version = version_in_force(matter, date(2026, 11, 23))
    marks = {
        m.code: cases.MaterialMark("not_applicable" if m.requirement == "conditional" else "received")
        for m in version.materials.all()
    }
    if employer:
        applicant = cases.ApplicantData(
            name="邯郸市示例科技有限公司",
            phone="13831001234",
            credit_code=CREDIT_CODE,
            agent_name="王芳",
            agent_id_number=PERSON_ID,
            agent_phone="13831005678",
        )
    else:
        applicant = cases.ApplicantData(name="李明", phone="13831001234", id_number=PERSON_ID)
    registration = cases.case_register(
        actor=teller, matter=matter, applicant=applicant, marks=marks, idempotency_key=uuid.uuid4()
    )
    case = cases.case_complete(actor=teller, case=registration.case, outcome="approved", result="准予办理")
    return case, registration


def test_a_completed_case_is_rated_once_online_tied_to_its_first_responsible(demo, case_clock):
    case, _ = completed_case("TQ001")
    token = services.case_completed(case=case)
    assert token.channel == RatingChannel.ONLINE and token.case_id == case.pk
    assert token.expires_at - case.decided_at == timedelta(days=7)
    assert services.case_completed(case=case).token == token.token  # idempotent
    rating = services.rating_submit(actor=None, token=token.token, level=4)
    assert (rating.service_kind, rating.case_id, rating.ticket_id) == ("case", case.pk, None)
    assert rating.staff_id == case.first_responsible_id and rating.service_number == case.receipt_no
    assert rating.matter_id == case.matter_id and rating.matter_name == case.version.name
    assert rating.category == "withdrawal" and rating.rater_type == "person"
    with pytest.raises(Conflict):
        services.rating_submit(actor=None, token=token.token, level=1)


def test_an_employers_case_is_rated_by_the_employer(demo, case_clock):
    from catalog.models import Matter

    code = (
        Matter.objects.filter(service_object="employer")
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )
    case, _ = completed_case(code, employer=True)
    rating = services.rating_submit(actor=None, token=services.case_completed(case=case).token, level=5)
    assert rating.rater_type == "employer"


def test_every_completed_withdrawal_and_loan_case_goes_on_the_hotline_list(demo, case_clock):
    withdrawal, _ = completed_case("TQ001")
    services.case_completed(case=withdrawal)
    callback = HotlineCallback.objects.get(case=withdrawal)
    assert callback.phone == "13831001234" and callback.citizen_name == "李明"
    assert (
        callback.staff_id == withdrawal.first_responsible_id
        and callback.service_number == withdrawal.receipt_no
    )
    assert services.callback_create_for_case(case=withdrawal) == callback  # one per case


def test_a_collection_case_gets_no_callback(demo, case_clock):
    from catalog.models import Matter

    code = (
        Matter.objects.filter(category="collection", service_object="personal").order_by("code").first().code
    )
    case, _ = completed_case(code)
    services.case_completed(case=case)
    assert not HotlineCallback.objects.filter(case=case).exists()
    assert RatingToken.objects.filter(case=case).exists()


def test_the_query_page_panel_leads_to_the_online_rating_once_the_case_is_looked_up(client, demo, case_clock):
    case, registration = completed_case("TQ001")
    url = reverse("rate_case", args=[case.receipt_no])
    assert client.post(url)["Location"].startswith(reverse("case_query"))  # no look-up: no rating
    client.post(reverse("case_query"), {"no": case.receipt_no, "password": registration.password})
    response = client.post(url)  # a case completed before the hook: the token is minted here
    row = RatingToken.objects.get(case=case)
    assert response.status_code == 302 and response["Location"] == reverse("rate", args=[row.token])
    assert row.expires_at == case.decided_at + timedelta(days=7)
    page = client.get(response["Location"]).content.decode()
    assert "办件评价" in page and case.receipt_no in page
    assert client.post(response["Location"], {"level": "5"}).status_code == 302
    assert Rating.objects.get(case=case).channel == "online"
    panel = Template("{% load ratings_tags %}{% case_rating no %}").render(Context({"no": case.receipt_no}))
    assert "您已评价" in panel and "满意" in panel


def test_the_panel_offers_nothing_before_the_case_is_decided(demo, case_clock):
    from cases.models import Case

    case, _ = completed_case("TQ001")
    undecided = Case(receipt_no="X", status="accepted")
    assert (
        Template("{% load ratings_tags %}{% case_rating case %}").render(Context({"case": undecided})).strip()
        == ""
    )
    panel = Template("{% load ratings_tags %}{% case_rating case %}").render(
        Context({"case": case, "csrf_token": "t"})
    )
    assert "去评价" in panel and reverse("rate_case", args=[case.receipt_no]) in panel


def test_a_notice_prints_the_cases_rating_qr_code(demo, case_clock):
    template = Template("{% load ratings_tags %}{% case_rating_qr case %}")
    case, _ = completed_case("TQ001")  # completing the case mints its rating token
    assert "<svg" in template.render(Context({"case": case}))
    services.case_completed(case=case)  # a second call changes nothing
    assert RatingToken.objects.filter(case=case).count() == 1


def test_the_query_session_expires(client, demo, case_clock, monkeypatch):
    case, registration = completed_case("TQ001")
    client.post(reverse("case_query"), {"no": case.receipt_no, "password": registration.password})
    case_clock.advance(hours=10)
    assert client.post(reverse("rate_case", args=[case.receipt_no]))["Location"].startswith(
        reverse("case_query")
    )
