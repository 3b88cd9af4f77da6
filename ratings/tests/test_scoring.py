"""The citizen score (000 §五(五)4(1), handan-2021-window-score): the pure arithmetic, its
invariants, and the score endpoint against a table of hand-computed cases — all levels,
excluded ratings, no ratings, period boundaries in Beijing time, rules of the period's
last day."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.periods import InvalidPeriod, parse_period
from common.testing import FrozenClock
from ratings import selectors, services
from ratings.models import RatingChannel
from ratings.scoring import CitizenScore, callback_score, citizen_score, competition_ranks, round_signed
from ratings.tests.conftest import SHANGHAI, W, serve, tokens
from rules.loader import BUNDLED_DIR, parse_bundled
from rules.schemas import HotlineCallbackParams, WindowScoreParams


def bundled_params(code: str) -> dict:
    return parse_bundled(BUNDLED_DIR / f"{code}.toml").params


# The bundled 邯郸 2021 and 益阳 params, read without a database.
HANDAN = WindowScoreParams.model_validate(bundled_params("handan-2021-window-score"))
YIYANG = HotlineCallbackParams.model_validate(bundled_params("yiyang-hotline-callback"))


# --- Pure arithmetic ------------------------------------------------------------------------

CASES = [
    # counts per level                    points  r          score
    ({5: 10}, 10, "1.0000", "80.00"),  # all 非常满意 → the full 80
    ({4: 3, 3: 2}, 0, "0.0000", "64.00"),  # 满意 and 基本满意 count 0 points
    ({1: 4}, -16, "-4.0000", "0.00"),  # all 非常不满意 → 0
    ({2: 1}, -2, "-2.0000", "32.00"),
    ({5: 2, 4: 1, 3: 1, 2: 1, 1: 1}, -4, "-0.6667", "53.33"),  # 80 × (−2/3 + 4) ÷ 5 = 53.333…
    ({5: 1, 1: 1}, -3, "-1.5000", "40.00"),
    ({5: 3, 2: 1}, 1, "0.2500", "68.00"),
    ({5: 1, 4: 2}, 1, "0.3333", "69.33"),  # 80 × (1/3 + 4) ÷ 5 = 69.333…
    ({5: 1, 4: 7}, 1, "0.1250", "66.00"),
    ({5: 5, 2: 3}, -1, "-0.1250", "62.00"),
]


@pytest.mark.parametrize(("counts", "points", "r", "score"), CASES)
def test_the_citizen_score_of_a_table_of_cases(counts, points, r, score):
    result = citizen_score(params=HANDAN, counts=counts, excluded=1, unit_label="x", rules_ref="ref")
    assert (result.points, str(result.r), str(result.score)) == (points, r, score)
    assert result.counted == sum(counts.values()) and result.excluded == 1
    assert result.counts == {level: counts.get(level, 0) for level in (5, 4, 3, 2, 1)}


def test_no_counted_rating_is_no_score_not_zero_and_not_eighty():
    result = citizen_score(params=HANDAN, counts={}, excluded=3)
    assert result.score is None and result.r is None and result.counted == 0 and result.excluded == 3
    assert not result.rated


def test_rounding_is_half_up_away_from_zero():
    assert round_signed(Fraction(1, 8), 2) == Decimal("0.13")
    assert round_signed(Fraction(-1, 8), 2) == Decimal("-0.13")
    assert str(round_signed(Fraction(-1, 10**6), 4)) == "0.0000"  # never "-0.0000"
    assert round_signed(Fraction(-2, 3), 4) == Decimal("-0.6667")


@given(st.dictionaries(st.sampled_from([1, 2, 3, 4, 5]), st.integers(min_value=0, max_value=500), min_size=1))
def test_the_score_stays_within_zero_and_eighty_and_matches_the_exact_formula(counts):
    result = citizen_score(params=HANDAN, counts=counts)
    total = sum(counts.values())
    if total == 0:
        assert result.score is None
        return
    points = {5: 1, 4: 0, 3: 0, 2: -2, 1: -4}
    exact = Fraction(80) * (Fraction(sum(points[k] * n for k, n in counts.items()), total) + 4) / 5
    assert Decimal(0) <= result.score <= Decimal(80)
    assert abs(Fraction(str(result.score)) - exact) <= Fraction(1, 200)


@given(
    st.dictionaries(st.sampled_from([1, 2, 3, 4, 5]), st.integers(min_value=1, max_value=50), min_size=1),
    st.integers(min_value=1, max_value=20),
)
def test_more_very_satisfied_ratings_never_lower_the_score(counts, extra):
    more = dict(counts)
    more[5] = more.get(5, 0) + extra
    assert (
        citizen_score(params=HANDAN, counts=more).score >= citizen_score(params=HANDAN, counts=counts).score
    )


def test_an_unknown_level_is_an_error():
    with pytest.raises(ValueError):
        citizen_score(params=HANDAN, counts={6: 1})


def test_citizen_score_is_a_frozen_dataclass_with_the_agreed_fields():
    fields = list(CitizenScore.__dataclass_fields__)
    assert fields == [
        "unit_id",
        "unit_label",
        "counts",
        "excluded",
        "counted",
        "points",
        "r",
        "score",
        "rules_ref",
        "merged",  # ratings of the same business not counted twice (issue 14.3)
    ]
    score = citizen_score(params=HANDAN, counts={5: 1})
    with pytest.raises(AttributeError):
        score.score = Decimal(0)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_periods_are_inclusive_local_dates(text, start, end):
    period = parse_period(text)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-Q5", "26-01", "2026-1", "2026/01", "", "abc"])
def test_a_wrong_period_is_refused_with_a_message(text):
    with pytest.raises(InvalidPeriod, match=r"期间|月份|年份"):
        parse_period(text)


def test_callback_and_survey_scores_weigh_the_shares_of_each_level():
    dims, overall = callback_score(
        YIYANG,
        {
            "attitude": {"very_satisfied": 3, "satisfied": 1},
            "efficiency": {"satisfied": 1, "dissatisfied": 1},
        },
    )
    # attitude: (100×3 + 80×1) ÷ 4 = 95; efficiency: (80 + 0) ÷ 2 = 40; 50/50 → 67.5
    assert dims == {"attitude": Decimal("95.00"), "efficiency": Decimal("40.00")}
    assert overall == Decimal("67.50")
    dims, overall = callback_score(YIYANG, {"attitude": {"satisfied": 1}})
    assert dims["efficiency"] is None and overall is None  # not ranked
    survey = next(s for s in YIYANG.surveys if s.code == "branch_rates_department")
    dims, overall = callback_score(
        YIYANG,
        {"attitude": {"very_satisfied": 1}, "quality": {"satisfied": 1}, "efficiency": {"dissatisfied": 1}},
        dimensions=survey.dimensions,
    )
    assert overall == Decimal("60.40")  # (34×100 + 33×80 + 33×0) ÷ 100


def test_competition_ranking_shares_places_and_skips_unscored():
    assert competition_ranks([Decimal(80), Decimal(70), Decimal(80), None, Decimal(60)]) == [1, 3, 1, None, 4]


# --- The score endpoint reproduces hand-computed scores ---------------------------------------


def beijing(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def rated(
    clock,
    teller,
    window_number: int,
    level: int,
    *,
    served_on: date,
    rated_at: datetime,
    category="collection",
):
    """Serve a visit on `served_on` at 15:00 and rate it (QR code) at `rated_at`."""
    clock.moment = datetime(served_on.year, served_on.month, served_on.day, 15, 0, tzinfo=SHANGHAI)
    ticket = serve(teller, window_number, category)
    clock.moment = rated_at
    return services.rating_submit(actor=None, token=tokens(ticket)[RatingChannel.QR], level=level)


def exclude(rating, office, leader):
    annotation = services.rating_annotation_propose(
        actor=office, rating=rating, kind="malicious", reason="恶意差评", evidence="监控录像"
    )
    services.rating_annotation_decide(actor=leader, annotation=annotation, approve=True)


@pytest.fixture
def october(clock, teller1, teller2, wa01, make_user, office, leader):
    """A (teller1, HD01 window 1): 5 5 4 3 2 1 + an excluded 1, all in October.
    B (teller2, HD01 window 3): 5 on 1 Oct 00:30 Beijing (30 Sep in UTC) and two more 5s;
      a 1 on 1 Nov 07:00 Beijing (31 Oct in UTC), which belongs to November.
    C (a WA01 teller, window 2): 4 4.
    D (a WA01 teller, window 3): only an excluded rating.
    E (a WA01 teller): no rating at all."""
    from org.models import Staff

    def teller(**fields):
        user = make_user("teller", branch=wa01, categories=["collection", "withdrawal", "loan"], **fields)
        return Staff.objects.select_related("branch", "user").get(user=user)

    c, d, e = teller(), teller(), teller()
    oct15, oct30 = date(2026, 10, 15), date(2026, 10, 30)
    for level in (5, 5, 4, 3, 2, 1):
        rated(clock, teller1, 1, level, served_on=oct15, rated_at=beijing(2026, 10, 16, 10))
    exclude(rated(clock, teller1, 1, 1, served_on=oct15, rated_at=beijing(2026, 10, 16, 11)), office, leader)
    rated(clock, teller2, 3, 5, served_on=date(2026, 9, 30), rated_at=beijing(2026, 10, 1, 0, 30), category=W)
    rated(clock, teller2, 3, 5, served_on=oct15, rated_at=beijing(2026, 10, 15, 16), category=W)
    rated(clock, teller2, 3, 5, served_on=oct30, rated_at=beijing(2026, 10, 31, 23, 59), category=W)
    rated(clock, teller2, 3, 1, served_on=oct30, rated_at=beijing(2026, 11, 1, 7, 0), category=W)
    rated(clock, c, 2, 4, served_on=oct15, rated_at=beijing(2026, 10, 20, 9))
    rated(clock, c, 2, 4, served_on=oct15, rated_at=beijing(2026, 10, 20, 9, 5))
    exclude(
        rated(clock, d, 3, 1, served_on=oct15, rated_at=beijing(2026, 10, 21, 9), category="loan"),
        office,
        leader,
    )
    return SimpleNamespace(a=teller1, b=teller2, c=c, d=d, e=e)


def _scores(client, period: str, by: str) -> dict:
    response = client.get("/api/v1/scores/citizen", {"period": period, "by": by})
    assert response.status_code == 200, response.content
    return response.json()


def _unit(body: dict, unit_id: int) -> dict:
    return next(u for u in body["units"] if u["unit_id"] == unit_id)


def test_the_score_endpoint_reproduces_the_hand_computed_table(client, october, office):
    client.force_login(office)
    body = _scores(client, "2026-10", "staff")
    assert body["rules_ref"] == "handan-2021-window-score@1" and (body["start"], body["end"]) == (
        "2026-10-01",
        "2026-10-31",
    )
    a, b, c, d, e = (_unit(body, s.pk) for s in (october.a, october.b, october.c, october.d, october.e))
    assert a == {
        "unit_id": october.a.pk,
        "unit_label": f"{october.a.name}（{october.a.staff_no}）",
        "counts": {"5": 2, "4": 1, "3": 1, "2": 1, "1": 1},
        "excluded": 1,
        "merged": 0,
        "counted": 6,
        "points": -4,
        "r": "-0.6667",
        "score": "53.33",
        "rated": True,
    }
    assert (b["counts"], b["points"], b["r"], b["score"]) == (
        {"5": 3, "4": 0, "3": 0, "2": 0, "1": 0},
        3,
        "1.0000",
        "80.00",
    )
    assert (c["counted"], c["r"], c["score"]) == (2, "0.0000", "64.00")
    assert (d["counted"], d["excluded"], d["score"], d["r"], d["rated"]) == (0, 1, None, None, False)
    assert (e["counted"], e["excluded"], e["score"]) == (0, 0, None)
    labels = [u["unit_label"] for u in body["units"]]
    assert labels.index(b["unit_label"]) < labels.index(c["unit_label"]) < labels.index(a["unit_label"])
    assert labels.index(a["unit_label"]) < labels.index(d["unit_label"])  # 未评价 last


def test_a_rating_belongs_to_the_month_of_its_beijing_date(client, october, office):
    client.force_login(office)
    november = _unit(_scores(client, "2026-11", "staff"), october.b.pk)
    assert (november["counts"]["1"], november["counted"], november["score"]) == (1, 1, "0.00")
    september = _unit(_scores(client, "2026-09", "staff"), october.b.pk)
    assert september["counted"] == 0 and september["score"] is None


def test_windows_and_branches_add_up_their_ratings(client, october, office, hd01, wa01):
    client.force_login(office)
    branches = _scores(client, "2026-10", "branch")
    hd = _unit(branches, hd01.pk)
    # A (5 5 4 3 2 1) + B (5 5 5): points −4 + 3 = −1 over 9 → r = −0.1111, 80 × 3.8889 ÷ 5 = 62.22
    assert (hd["counted"], hd["excluded"], hd["points"], hd["r"], hd["score"]) == (
        9,
        1,
        -1,
        "-0.1111",
        "62.22",
    )
    wa = _unit(branches, wa01.pk)
    assert (wa["counted"], wa["excluded"], wa["score"]) == (2, 1, "64.00")
    sx = next(u for u in branches["units"] if u["unit_label"] == "涉县管理部")
    assert sx["score"] is None
    windows = _scores(client, "2026-10", "window")
    from ratings.tests.conftest import window

    assert _unit(windows, window(hd01, 1).pk)["score"] == "53.33"
    assert _unit(windows, window(hd01, 3).pk)["score"] == "80.00"


def test_a_quarter_and_a_year_cover_their_months(client, october, office):
    client.force_login(office)
    q4 = _unit(_scores(client, "2026-Q4", "staff"), october.b.pk)
    assert (q4["counted"], q4["points"]) == (4, -1)  # 5 5 5 1 → r = −0.25 → 60.00
    assert q4["score"] == "60.00"
    year = _unit(_scores(client, "2026", "staff"), october.b.pk)
    assert year["counted"] == 4


def test_the_rules_of_the_periods_last_day_score_the_whole_period(
    client, october, office, monkeypatch, make_user
):
    from rules.services import rule_set_revise

    revised_on = FrozenClock(beijing(2026, 1, 1, 9))  # a revision is written before it takes effect
    params = bundled_params("handan-2021-window-score")
    for level in params["levels"]:
        if level["level"] == 5:
            level["points"] = 2  # a revision from 1 November: 非常满意 +2
    rule_set_revise(
        actor=make_user("admin"),
        code="handan-2021-window-score",
        params=params,
        effective_from=date(2026, 11, 1),
        note="测试：修订加分",
    )
    revised_on.stop()
    client.force_login(office)
    october_body = _scores(client, "2026-10", "staff")
    assert october_body["rules_ref"] == "handan-2021-window-score@1"
    assert _unit(october_body, october.b.pk)["score"] == "80.00"
    q4 = _scores(client, "2026-Q4", "staff")
    assert q4["rules_ref"] == "handan-2021-window-score@2"
    # B in Q4: 5 5 5 1 with +2/−4: points 2, r = 0.5; 80 × (0.5 + 4) ÷ 6 = 60.00
    assert _unit(q4, october.b.pk)["points"] == 2 and _unit(q4, october.b.pk)["score"] == "60.00"


def test_the_selector_interface_for_other_apps(october, hd01):
    scores = selectors.citizen_scores(start=date(2026, 10, 1), end=date(2026, 10, 31), by="staff")
    assert all(isinstance(s, CitizenScore) for s in scores)
    one = selectors.citizen_score_for(start=date(2026, 10, 1), end=date(2026, 10, 31), staff=october.a)
    assert (one.unit_id, one.score, one.r, one.excluded) == (
        october.a.pk,
        Decimal("53.33"),
        Decimal("-0.6667"),
        1,
    )
    assert one.rules_ref == "handan-2021-window-score@1"
    branch = selectors.citizen_score_for(start=date(2026, 10, 1), end=date(2026, 10, 31), branch=hd01)
    assert branch.score == Decimal("62.22") and branch.unit_label == "中心服务大厅"
    nobody = selectors.citizen_score_for(start=date(2026, 10, 1), end=date(2026, 10, 31), staff=october.e)
    assert nobody.score is None and nobody.counted == 0
    with pytest.raises(ValueError):
        selectors.citizen_score_for(start=date(2026, 10, 1), end=date(2026, 10, 31))


def test_the_score_list_runs_in_a_fixed_number_of_queries(october, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        selectors.citizen_scores(start=date(2026, 10, 1), end=date(2026, 10, 31), by="staff")
    with django_assert_max_num_queries(4):
        selectors.citizen_scores(start=date(2026, 10, 1), end=date(2026, 10, 31), by="window")
