"""One service, one callback and one counted rating: a visit whose service was accepted as
a case is one business (one 笔) with that case.

* 12329 (004 §五 一, yiyang-hotline-callback `visit_with_case = "case_called_back"`): the
  case is called back when it is completed, the visit never — whichever finishes first.
* The window score (000 §五(五)4(1) 每次业务办理后的评价, handan-2021-window-score
  `same_business_ratings = "first_counts"`): of the visit's counter rating and the case's
  online rating the first given counts; the other is kept and reported as merged.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from org.models import Category, Staff
from ratings import selectors, services
from ratings.models import HotlineCallback, Rating
from ratings.tests.conftest import MONDAY, rater_for, tokens, window

PERSON_ID = "130402198807150027"
NEXT_DAY = date(2026, 11, 24)


def start_visit(teller: Staff, number: int, category: str = Category.WITHDRAWAL):
    """A ticket taken, called and being served at the teller's window."""
    from queueing import services as queue

    assert teller.branch is not None
    queue.ticket_take(actor="kiosk:test", branch=teller.branch, category=category)
    the_window = window(teller.branch, number)
    queue.ticket_call_next(actor=teller.user, staff=teller, window=the_window)
    return queue.ticket_start(actor=teller.user, staff=teller, window=the_window)


def finish_visit(teller: Staff, number: int):
    from queueing import services as queue

    assert teller.branch is not None
    return queue.ticket_complete(actor=teller.user, staff=teller, window=window(teller.branch, number))


def accept_case(teller: Staff, ticket, code: str = "TQ001", *, refuse: bool = False):
    """The teller accepts the visit's application as a case (or refuses it: 不予受理)."""
    from cases import services as cases
    from catalog.models import Matter
    from catalog.selectors import version_in_force

    matter = Matter.objects.get(code=code)
    version = version_in_force(matter, MONDAY)
    marks = {
        m.code: cases.MaterialMark("not_applicable" if m.requirement == "conditional" else "received")
        for m in version.materials.all()
    }
    rejection = (
        cases.Rejection(ground="outside_remit", reason="申请事项不属于本中心职权范围") if refuse else None
    )
    return cases.case_register(
        actor=teller.user,
        matter=matter,
        applicant=cases.ApplicantData(name="李明", phone="13831001234", id_number=PERSON_ID),
        marks=marks,
        idempotency_key=uuid.uuid4(),
        ticket=ticket,
        rejection=rejection,
    ).case


def complete_case(case):
    from cases import services as cases

    teller = get_user_model().objects.get(pk=case.registered_by_id)
    return cases.case_complete(actor=teller, case=case, outcome="approved", result="准予提取")


def rate_visit(ticket, level: int) -> Rating:
    token = tokens(ticket)["counter"]
    return services.rating_submit(actor=rater_for(token), token=token, level=level, **_bad(level))


def rate_case(case, level: int) -> Rating:
    token = services.case_completed(case=case).token  # idempotent: the token minted at 办结
    return services.rating_submit(actor=None, token=token, level=level, **_bad(level))


def _bad(level: int) -> dict:
    return {"reasons": ["efficiency"], "comment": "等了很久"} if level <= 2 else {}


# ---------------------------------------------------------------------------------------
# One callback


def test_a_withdrawal_visit_accepted_as_a_case_gets_one_callback_the_cases(clock, teller2):
    ticket = start_visit(teller2, 3)
    case = accept_case(teller2, ticket)
    finish_visit(teller2, 3)  # the visit ends first: no callback of its own
    assert not HotlineCallback.objects.filter(ticket=ticket).exists()
    clock.set(15, 0, day=NEXT_DAY)
    complete_case(case)  # the case later: its callback is the 笔's only one
    callbacks = HotlineCallback.objects.all()
    assert [(c.service_kind, c.case_id, c.ticket_id) for c in callbacks] == [("case", case.pk, None)]
    assert callbacks[0].service_on == NEXT_DAY and callbacks[0].phone == "13831001234"


def test_a_case_completed_during_the_visit_is_the_one_callback_too(clock, teller2):
    ticket = start_visit(teller2, 3)
    case = complete_case(accept_case(teller2, ticket))  # 即办: decided before the visit ends
    finish_visit(teller2, 3)
    assert list(HotlineCallback.objects.values_list("service_kind", "case_id")) == [("case", case.pk)]


def test_a_visit_whose_application_was_refused_is_called_back_as_the_visit_once(clock, teller2, office):
    from cases import services as cases

    ticket = start_visit(teller2, 3)
    case = accept_case(teller2, ticket, refuse=True)
    finish_visit(teller2, 3)
    visit_callback = HotlineCallback.objects.get(ticket=ticket)  # the visit was the whole 笔
    # The refusal is overturned on review and the case completed: still one callback.
    clock.set(10, 0, day=NEXT_DAY)
    cases.case_review_request(case=case, reason="我认为材料齐全、符合受理条件，请复核")
    cases.case_review_decide(actor=office, case=case, overturn=True, decision="材料齐全，应予受理")
    case.refresh_from_db()
    complete_case(case)
    assert list(HotlineCallback.objects.all()) == [visit_callback]
    assert services.callback_create_for_case(case=case) == visit_callback


def test_a_visit_without_a_case_keeps_its_own_callback(clock, teller2):
    ticket = start_visit(teller2, 3)
    finish_visit(teller2, 3)
    assert HotlineCallback.objects.get(ticket=ticket).service_kind == "visit"


def test_a_withdrawal_visit_that_became_a_collection_case_is_not_called_back(clock, teller2):
    from catalog.models import Matter

    code = (
        Matter.objects.filter(category="collection", service_object="personal").order_by("code").first().code
    )
    ticket = start_visit(teller2, 3)
    case = complete_case(accept_case(teller2, ticket, code))
    finish_visit(teller2, 3)
    assert not HotlineCallback.objects.filter(ticket=ticket).exists()
    assert not HotlineCallback.objects.filter(case=case).exists()


def test_the_rule_sets_name_the_readings(db):
    from rules.models import RuleKind
    from rules.selectors import rules_in_force

    assert rules_in_force(RuleKind.HOTLINE_CALLBACK, MONDAY).params.visit_with_case == "case_called_back"
    assert rules_in_force(RuleKind.WINDOW_SCORE, MONDAY).params.same_business_ratings == "first_counts"


def test_a_rule_set_stored_before_the_fields_existed_reads_them_the_same_way(db):
    from rules.models import RuleSet
    from rules.schemas import HotlineCallbackParams, WindowScoreParams

    window_params = dict(RuleSet.objects.get(code="handan-2021-window-score", version=1).params)
    window_params.pop("same_business_ratings")
    assert WindowScoreParams.model_validate(window_params).same_business_ratings == "first_counts"
    callback_params = dict(RuleSet.objects.get(code="yiyang-hotline-callback", version=1).params)
    callback_params.pop("visit_with_case")
    assert HotlineCallbackParams.model_validate(callback_params).visit_with_case == "case_called_back"


# ---------------------------------------------------------------------------------------
# One counted rating


def visit_and_case(clock, teller2, visit_level: int):
    """A withdrawal visit accepted as a case and rated at the counter when it ends on
    Monday; the case is completed on Tuesday."""
    clock.set(9, 0)
    ticket = start_visit(teller2, 3)
    case = accept_case(teller2, ticket)
    finish_visit(teller2, 3)
    clock.advance(seconds=30)
    rate_visit(ticket, visit_level)
    clock.set(15, 0, day=NEXT_DAY)
    complete_case(case)
    return ticket, case


def score_of(teller: Staff, start: date = MONDAY, end: date = NEXT_DAY):
    return selectors.citizen_score_for(start=start, end=end, staff=teller)


def test_the_visits_counter_rating_counts_and_the_cases_later_rating_is_merged(clock, teller2):
    _ticket, case = visit_and_case(clock, teller2, 5)
    clock.set(16, 0, day=NEXT_DAY)
    rate_case(case, 1)  # both ratings are kept
    assert Rating.objects.count() == 2
    score = score_of(teller2)
    assert (score.counted, score.merged, score.excluded) == (1, 1, 0)
    assert score.counts[5] == 1 and score.counts[1] == 0
    assert score.score == Decimal("80.00")  # only the 非常满意 counts
    # Every unit kind agrees: the window and the branch count the business once too.
    for by in ("staff", "window", "branch"):
        rows = [
            s for s in selectors.citizen_scores(start=MONDAY, end=NEXT_DAY, by=by) if s.counted or s.merged
        ]
        assert [(s.counted, s.merged) for s in rows] == [(1, 1)]


def test_a_case_rated_before_the_visit_ended_counts_and_the_counter_rating_is_merged(clock, teller2):
    ticket = start_visit(teller2, 3)
    case = complete_case(accept_case(teller2, ticket))  # 即办
    clock.advance(minutes=1)
    rate_case(case, 2)  # rated online on the phone before the teller ended the visit
    clock.advance(minutes=1)
    finish_visit(teller2, 3)
    clock.advance(minutes=1)
    rate_visit(ticket, 5)
    score = score_of(teller2)
    assert (score.counted, score.merged, score.counts[2]) == (1, 1, 1)
    assert score.score == Decimal("32.00")  # 80 × (−2 + 4) ÷ 5: the case's rating alone


def test_when_the_first_rating_is_excluded_the_later_one_counts(clock, teller2, office, office2):
    ticket, case = visit_and_case(clock, teller2, 1)
    first = Rating.objects.get(ticket=ticket)
    clock.set(16, 0, day=NEXT_DAY)
    rate_case(case, 4)
    annotation = services.rating_annotation_propose(
        actor=office, rating=first, kind="mistaken", reason="评价人按错键", evidence="评价人来电说明"
    )
    services.rating_annotation_decide(actor=office2, annotation=annotation, approve=True)
    score = score_of(teller2)
    assert (score.counted, score.excluded, score.merged, score.counts[4]) == (1, 1, 0, 1)


def test_a_later_rating_in_the_next_period_is_merged_there_and_the_first_stays_in_its_own(clock, teller2):
    clock.set(9, 0, day=date(2026, 11, 30))
    ticket = start_visit(teller2, 3)
    case = accept_case(teller2, ticket)
    finish_visit(teller2, 3)
    rate_visit(ticket, 4)
    clock.set(10, 0, day=date(2026, 12, 1))
    complete_case(case)
    rate_case(case, 5)
    november = score_of(teller2, date(2026, 11, 1), date(2026, 11, 30))
    december = score_of(teller2, date(2026, 12, 1), date(2026, 12, 31))
    assert (november.counted, november.merged, november.score) == (1, 0, Decimal("64.00"))
    # November's figure does not change; December has no counted rating of this teller.
    assert (december.counted, december.merged, december.score) == (0, 1, None)


def test_separate_businesses_each_count(clock, teller2):
    first = start_visit(teller2, 3)
    finish_visit(teller2, 3)
    rate_visit(first, 5)
    clock.advance(minutes=10)
    second = start_visit(teller2, 3)
    finish_visit(teller2, 3)
    rate_visit(second, 4)
    score = score_of(teller2)
    assert (score.counted, score.merged) == (2, 0)


def test_the_counted_queryset_and_the_disclosure_count_one_rating_per_business(clock, teller2):
    _ticket, case = visit_and_case(clock, teller2, 5)
    clock.set(16, 0, day=NEXT_DAY)
    rate_case(case, 1)
    assert Rating.objects.counted().count() == 1
    rows = [r for r in selectors.disclosure_rows(start=MONDAY, end=NEXT_DAY) if r.total]
    assert [(r.total, r.bad) for r in rows] == [(1, 0)]


def test_a_merged_bad_rating_is_still_followed_up(clock, teller2):
    _ticket, case = visit_and_case(clock, teller2, 5)
    clock.set(16, 0, day=NEXT_DAY)
    late = rate_case(case, 1)
    assert late.follow_up is not None  # 差评必回访整改, counted or not


@pytest.mark.parametrize("by", ["staff", "window", "branch"])
def test_the_score_query_count_does_not_grow_with_merged_ratings(
    clock, teller2, by, django_assert_max_num_queries
):
    _ticket, case = visit_and_case(clock, teller2, 5)
    clock.set(16, 0, day=NEXT_DAY)
    rate_case(case, 1)
    with django_assert_max_num_queries(3):
        selectors.citizen_scores(start=MONDAY, end=NEXT_DAY, by=by)


# ---------------------------------------------------------------------------------------
# Shown on the screens


@pytest.fixture
def rated_pair(clock, teller2):
    ticket, case = visit_and_case(clock, teller2, 5)
    clock.set(16, 0, day=NEXT_DAY)
    return Rating.objects.get(ticket=ticket), rate_case(case, 1)


def test_the_window_score_page_shows_the_ratings_not_counted_twice_and_why(client, office, rated_pair):
    client.force_login(office)
    page = client.get("/appraisal/windows/", {"period": "2026-11", "by": "staff"}).content.decode()
    assert "不重复计分1条" in page
    assert "一笔业务只计一条" in page and "本期共1条评价因此不重复计分" in page
    answer = client.get("/api/v1/scores/windows", {"period": "2026-11", "by": "staff"}).json()
    row = next(u for u in answer["rows"] if u["citizen_counted"])
    assert (row["citizen_counted"], row["citizen_merged"], row["citizen_excluded"]) == (1, 1, 0)


def test_the_ratings_overview_and_the_citizen_score_api_report_the_merged_rating(client, office, rated_pair):
    client.force_login(office)
    assert "不重复计分" in client.get("/ratings/", {"period": "2026-11", "by": "staff"}).content.decode()
    units = client.get("/api/v1/scores/citizen", {"period": "2026-11", "by": "staff"}).json()["units"]
    assert [(u["counted"], u["merged"]) for u in units if u["counted"] or u["merged"]] == [(1, 1)]


def test_a_ratings_page_names_the_other_rating_of_its_business_and_which_counts(client, office, rated_pair):
    first, later = rated_pair
    client.force_login(office)
    page = client.get(f"/ratings/{later.pk}/").content.decode()
    assert "不重复计分" in page and first.service_number in page and "计分）" in page
    assert "本条先作出，计分" in client.get(f"/ratings/{first.pk}/").content.decode()
    listing = client.get("/ratings/list/", {"period": "2026-11"}).content.decode()
    assert listing.count("不重复计分</span>") == 1


@pytest.mark.browser
def test_the_window_score_page_explains_the_merged_rating_in_the_browser(
    page, login, office, rated_pair, clock
):
    from pathlib import Path

    clock.stop()  # the live server runs on from the suite's moment
    login(office)
    page.goto(page.base_url + "/appraisal/windows/?period=2026-11&by=staff")
    cell = page.get_by_text("不重复计分1条")
    assert cell.is_visible()
    assert "本期共1条评价因此不重复计分" in page.locator("#rating-count-note").inner_text()
    Path("var/screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path="var/screenshots/ratings-window-score-merged.png", full_page=True)
