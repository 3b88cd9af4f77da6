"""12329 callbacks (004 §五 一) and the monthly internal surveys (004 §五 二、三): the call
states, follow-ups of unsatisfied answers, rankings, anonymity and one response per rater."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from common.errors import Conflict, DomainError
from org.models import Rank, Staff
from ratings import selectors, services
from ratings.models import CallbackStatus, FollowUp, HotlineCallback, SurveyKind, SurveyResponse
from ratings.tests.conftest import L, W, serve, staff


@pytest.fixture
def callback(clock, teller2, office) -> HotlineCallback:
    callback = HotlineCallback.objects.get(ticket=serve(teller2, 3, W))
    return services.callback_phone_set(actor=office, callback=callback, phone="13912345678")


def answer(callback, office, **kwargs):
    fields = {
        "attitude": "very_satisfied",
        "efficiency": "very_satisfied",
        "ran_back": False,
        "favours": False,
    }
    fields.update(kwargs)
    return services.callback_record(actor=office, callback=callback, **fields)


def test_not_reached_keeps_the_callback_on_the_list_and_counts_the_attempt(callback, office):
    services.callback_attempt(actor=office, callback=callback, outcome="not_reached", note="无人接听")
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.PENDING and callback.attempts == 1
    assert list(callback.events.values_list("action", "outcome")) == [
        ("create", ""),
        ("phone", ""),
        ("call", "not_reached"),
    ]


def test_a_refusal_ends_the_callback(callback, office):
    services.callback_attempt(actor=office, callback=callback, outcome="refused")
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.REFUSED
    with pytest.raises(Conflict):
        answer(callback, office)


def test_unreachable_needs_at_least_one_attempt(callback, office):
    with pytest.raises(Conflict):
        services.callback_close_unreachable(actor=office, callback=callback, note="打不通")
    services.callback_attempt(actor=office, callback=callback, outcome="not_reached")
    closed = services.callback_close_unreachable(actor=office, callback=callback, note="三次未接通")
    assert closed.status == CallbackStatus.UNREACHABLE


@pytest.mark.parametrize(
    ("fields", "follow_up"),
    [
        ({}, False),
        ({"attitude": "satisfied", "efficiency": "satisfied"}, False),
        ({"attitude": "dissatisfied", "dissatisfied_reason": "不耐烦"}, True),
        ({"efficiency": "dissatisfied", "dissatisfied_reason": "让我跑了两趟"}, True),
        ({"ran_back": True}, True),
        ({"favours": True}, True),
    ],
)
def test_an_unsatisfied_answer_or_a_yes_opens_a_follow_up(callback, office, fields, follow_up):
    answered = answer(callback, office, **fields)
    assert answered.status == CallbackStatus.COMPLETED and answered.answered_at is not None
    assert FollowUp.objects.filter(callback=answered).exists() is follow_up
    if follow_up:
        assert FollowUp.objects.get(callback=answered).problem.startswith("12329回访：")


def test_an_unsatisfied_answer_needs_the_concrete_matter(callback, office):
    with pytest.raises(DomainError, match="不满意的具体事项"):
        answer(callback, office, attitude="dissatisfied")


def test_a_callback_for_a_visit_of_another_category_is_not_created(clock, teller1):
    ticket = serve(teller1, 1)  # 归集: not called back (rule set: withdrawal, loan)
    assert services.callback_create_for_ticket(actor="test", ticket=ticket) is None


def test_the_ranking_scores_staff_by_the_shares_of_each_level(clock, teller2, office, hd01):
    loan_teller = staff("teller2")
    other = Staff.objects.get(staff_no="1106")  # 罗斌, 贷款, window 6
    other.user.is_active = True
    for attitude, efficiency in (
        ("very_satisfied", "satisfied"),
        ("satisfied", "satisfied"),
        ("very_satisfied", "very_satisfied"),
    ):
        callback = HotlineCallback.objects.get(ticket=serve(loan_teller, 3, W))
        services.callback_phone_set(actor=office, callback=callback, phone="13912345678")
        answer(callback, office, attitude=attitude, efficiency=efficiency)
    callback = HotlineCallback.objects.get(ticket=serve(other, 6, L))
    services.callback_phone_set(actor=office, callback=callback, phone="13912345679")
    answer(callback, office, attitude="very_satisfied", efficiency="dissatisfied", dissatisfied_reason="慢")
    rows = selectors.callback_ranking(start=date(2026, 11, 1), end=date(2026, 11, 30), by="staff")
    by_id = {r.unit_id: r for r in rows}
    # 何平: attitude (100 + 80 + 100) ÷ 3 = 93.33; efficiency (80 + 80 + 100) ÷ 3 = 86.67; overall 90.00
    mine = by_id[loan_teller.pk]
    assert mine.dimension_scores == {"attitude": Decimal("93.33"), "efficiency": Decimal("86.67")}
    assert (mine.score, mine.rank, mine.answered) == (Decimal("90.00"), 1, 3)
    # 罗斌: attitude 100, efficiency 0 → 50.00, second
    assert (by_id[other.pk].score, by_id[other.pk].rank) == (Decimal("50.00"), 2)


# --- Surveys ---------------------------------------------------------------------------------------


@pytest.fixture
def departments_round(demo, office):
    return services.survey_round_open(
        actor=office, kind=SurveyKind.BRANCH_RATES_DEPARTMENT, month=date(2026, 11, 5)
    )


@pytest.fixture
def leaders_round(demo, office):
    return services.survey_round_open(
        actor=office, kind=SurveyKind.MANAGERS_RATE_LEADERS, month=date(2026, 11, 1)
    )


ALL_GOOD = {"attitude": "very_satisfied", "quality": "very_satisfied", "efficiency": "very_satisfied"}


def test_a_round_is_one_per_month_and_kind_with_default_targets(departments_round, leaders_round, office):
    assert departments_round.month == date(2026, 11, 1)
    assert [t.label for t in departments_round.targets.all()] == [
        "办公室",
        "机关党委",
        "归集处",
        "稽核处",
        "提取处",
        "信息处",
        "业务管理处",
    ]
    assert [t.leader.name for t in leaders_round.targets.all()] == ["王建国", "李秀英"]
    with pytest.raises(Conflict):
        services.survey_round_open(
            actor=office, kind=SurveyKind.BRANCH_RATES_DEPARTMENT, month=date(2026, 11, 30)
        )


def test_only_the_office_opens_a_round(demo, make_user):
    with pytest.raises(PermissionDenied):
        services.survey_round_open(
            actor=make_user("leader"), kind=SurveyKind.BRANCH_RATES_DEPARTMENT, month=date(2026, 11, 1)
        )


def test_one_response_per_rater_and_target_per_month(departments_round, teller1):
    first, second = departments_round.targets.all()[:2]
    services.survey_respond(rater=teller1, target=first, answers=ALL_GOOD)
    with pytest.raises(Conflict) as again:
        services.survey_respond(rater=teller1, target=first, answers=ALL_GOOD)
    assert again.value.code == "already_responded"
    services.survey_respond(rater=teller1, target=second, answers=ALL_GOOD)
    keys = list(SurveyResponse.objects.values_list("rater_key", flat=True))
    assert len(set(keys)) == 2  # the same rater cannot be linked across targets


def test_the_rater_key_depends_on_the_secret(departments_round, teller1, settings):
    target = departments_round.targets.first()
    key = services.survey_rater_key(survey_round=departments_round, target=target, staff=teller1)
    settings.RATINGS_SURVEY_KEY = "another-secret"
    assert services.survey_rater_key(survey_round=departments_round, target=target, staff=teller1) != key


def test_who_may_rate_whom(departments_round, leaders_round, teller1, make_user, hd01):
    office_clerk = Staff.objects.get(staff_no="0103")  # 陈静, inspector of the office, no branch
    with pytest.raises(PermissionDenied):
        services.survey_respond(
            rater=office_clerk, target=departments_round.targets.first(), answers=ALL_GOOD
        )
    with pytest.raises(PermissionDenied):  # a clerk is not a manager
        services.survey_respond(rater=teller1, target=leaders_round.targets.first(), answers=ALL_GOOD)
    director = Staff.objects.get(staff_no="0001")
    own = leaders_round.targets.get(leader=director)
    with pytest.raises(DomainError, match="自己"):
        services.survey_respond(rater=director, target=own, answers=ALL_GOOD)
    deputy = leaders_round.targets.exclude(leader=director).get()
    services.survey_respond(rater=director, target=deputy, answers=ALL_GOOD)
    chief = Staff.objects.get(staff_no="0201")  # 归集处处长: a manager without a login role
    assert chief.rank >= Rank.SECTION_DEPUTY
    services.survey_respond(rater=chief, target=own, answers=ALL_GOOD)


def test_dissatisfied_needs_a_reason_and_every_dimension_is_answered(departments_round, teller1):
    target = departments_round.targets.first()
    with pytest.raises(DomainError, match="工作质量"):
        services.survey_respond(
            rater=teller1, target=target, answers={"attitude": "satisfied", "efficiency": "satisfied"}
        )
    with pytest.raises(DomainError, match="具体事项"):
        services.survey_respond(rater=teller1, target=target, answers={**ALL_GOOD, "quality": "dissatisfied"})
    services.survey_respond(
        rater=teller1,
        target=target,
        answers={**ALL_GOOD, "quality": "dissatisfied"},
        reasons={"quality": "审批材料退回未说明原因", "attitude": "（满意时的说明不保存）"},
    )
    assert SurveyResponse.objects.get().reasons == {"quality": "审批材料退回未说明原因"}


def test_a_closed_round_takes_no_response(departments_round, office, teller1):
    services.survey_round_close(actor=office, survey_round=departments_round)
    with pytest.raises(Conflict):
        services.survey_respond(rater=teller1, target=departments_round.targets.first(), answers=ALL_GOOD)


def test_the_survey_ranking_weighs_34_33_33(departments_round, teller1, teller2, hd01):
    office_target, party_target = departments_round.targets.all()[:2]
    services.survey_respond(rater=teller1, target=office_target, answers=ALL_GOOD)
    services.survey_respond(
        rater=teller2,
        target=office_target,
        answers={"attitude": "satisfied", "quality": "dissatisfied", "efficiency": "satisfied"},
        reasons={"quality": "通知下发太晚"},
    )
    services.survey_respond(
        rater=teller1,
        target=party_target,
        answers={"attitude": "satisfied", "quality": "satisfied", "efficiency": "satisfied"},
    )
    rows = {r.label: r for r in selectors.survey_ranking(departments_round)}
    # 办公室: attitude (100 + 80) ÷ 2 = 90; quality (100 + 0) ÷ 2 = 50; efficiency 90
    # → (34 × 90 + 33 × 50 + 33 × 90) ÷ 100 = 76.80
    assert rows["办公室"].dimension_scores == {
        "attitude": Decimal("90.00"),
        "quality": Decimal("50.00"),
        "efficiency": Decimal("90.00"),
    }
    assert (rows["办公室"].score, rows["办公室"].rank) == (Decimal("76.80"), 2)
    assert (rows["机关党委"].score, rows["机关党委"].rank) == (Decimal("80.00"), 1)
    assert rows["办公室"].reasons == ["通知下发太晚"]
    assert rows["归集处"].score is None and rows["归集处"].rank is None  # no answers: not ranked
