"""Table tests of the quarterly appraisal (002 篇2) against hand-computed results:
section floors ("扣完为止"), the peer-review bands, the top-two rule with ties, the
one-vote veto, the grade boundaries and two consecutive 不称职."""

from __future__ import annotations

from decimal import Decimal

import pytest

from appraisal.staff_scoring import (
    AnnualInput,
    AppraisalInputError,
    Line,
    PersonInput,
    annual,
    appraise,
    score_person,
)
from appraisal.tests.params import anqing


def L(code: str, n: int = 1) -> Line:
    return Line(code, n)


# name, lines, (good, total), valid complaint, previous grades,
#   expected (A, B, C, bonus, total, rank, grade, veto applied, return flag)
PEOPLE = [
    # 100 + 书面建议被采纳 5 = 105, first, but a valid complaint rules out 优秀.
    ("张", [L("D3")], (8, 10), True, (), (30, 40, 30, 5, 105, 1, "competent", True, False)),
    # Nothing deducted; 70 % 好 costs nothing; second → 优秀.
    ("王", [], (7, 10), False, (), (30, 40, 30, 0, 100, 2, "excellent", False, False)),
    # Two late arrivals (C4, 1 each): 98, third → ≥ 90 but not top two → 称职.
    ("李", [L("C4", 2)], (6, 10), False, (), (30, 40, 28, 0, 98, 3, "competent", False, False)),
    # A quarrel with aggravation (A4 5 + A4-1 3 = 8): A 22; 50 % 好 → −2 in C.
    ("孙", [L("A4"), L("A4-1")], (5, 10), False, (), (22, 40, 28, 0, 90, 4, "competent", False, False)),
    # 吃拿卡要 three times (30) and a quarrel (5): A floored at 0, not −5;
    # two late arrivals −2 and 30 % 好 (−4, "30%以下" includes 30 %): C 24.
    (
        "赵",
        [L("A5", 3), L("A4"), L("C4", 2)],
        (3, 10),
        False,
        (),
        (0, 40, 24, 0, 64, 5, "basic", False, False),
    ),
    # Six days absent (C1, 5 a day) = 30 and 20 % 好 (−4): C floored at 0;
    # three working days over the promised limit (B5, 3 a day): B 31.
    ("钱", [L("C1", 6), L("B5", 3)], (2, 10), False, (), (30, 31, 0, 0, 61, 6, "basic", False, False)),
    # Exactly 60: 基本称职 (60 is in "60-69分").
    (
        "吴",
        [L("B4", 10), L("C1", 2)],
        (0, 0),
        False,
        ("competent", "incompetent"),
        (30, 10, 20, 0, 60, 7, "basic", False, False),
    ),
    # 59: 不称职; the quarter before was not appraised → no return flag.
    (
        "郑",
        [L("B4", 10), L("C1", 2), L("C4")],
        (0, 0),
        False,
        (None, "incompetent"),
        (30, 10, 19, 0, 59, 8, "incompetent", False, False),
    ),
    # 50 and 不称职 the quarter before too → flagged for return to the unit.
    (
        "周",
        [L("A1", 2), L("B4", 5), L("B5", 4), L("C2"), L("C3", 2)],
        (1, 4),
        False,
        ("incompetent",),
        (20, 13, 17, 0, 50, 9, "incompetent", False, True),
    ),
]


@pytest.fixture(scope="module")
def results():
    people = [
        PersonInput(
            key=name,
            label=name,
            lines=tuple(lines),
            peer_counted=good,
            peer_total=total,
            valid_complaint=vetoed,
            previous_grades=previous,
        )
        for name, lines, (good, total), vetoed, previous, _ in PEOPLE
    ]
    return {r.key: r for r in appraise(anqing(), people)}


@pytest.mark.parametrize(("name", "expected"), [(p[0], p[5]) for p in PEOPLE])
def test_it_reproduces_the_hand_computed_quarter(results, name, expected):
    a, b, c, bonus, total, rank, grade, veto, back = expected
    r = results[name]
    assert [s.score for s in r.score.sections] == [a, b, c]
    assert (r.score.bonus, r.total, r.rank, r.grade_code) == (bonus, total, rank, grade)
    assert r.veto_applied is veto
    assert r.return_to_unit is back


def test_a_section_is_floored_at_zero_and_never_borrows_from_another():
    r = score_person(anqing(), PersonInput("x", "x", lines=(L("A5", 4),)))  # 40 deducted from a base of 30
    a, b, c = r.sections
    assert (a.deducted, a.score, b.score, c.score, r.total) == (40, 0, 40, 30, 70)


def test_the_peer_review_deduction_counts_against_section_c_and_its_floor():
    r = score_person(anqing(), PersonInput("x", "x", lines=(L("C1", 6),), peer_counted=1, peer_total=10))
    c = r.sections[2]
    assert (c.peer_deduction, c.deducted, c.score) == (4, 34, 0)


@pytest.mark.parametrize(
    ("good", "total", "deducted"),
    [
        (6, 10, 0),  # 达60% includes 60 %
        (10, 10, 0),
        (119, 200, 2),  # 59.5 % has not reached 60 %
        (61, 200, 2),  # 30.5 % is above 30 %
        (31, 100, 2),
        (3, 10, 4),  # 30%以下 includes 30 %
        (0, 5, 4),
        (0, 0, 0),  # no votes this quarter: nothing deducted
    ],
)
def test_the_peer_review_bands(good, total, deducted):
    r = score_person(anqing(), PersonInput("x", "x", peer_counted=good, peer_total=total))
    assert r.peer_deduction == deducted
    assert r.total == 100 - deducted


def test_bonuses_are_added_on_top_without_a_cap():
    lines = (L("D1", 2), L("D2-3"), L("D4-2", 2), L("D5-1", 3), L("D6-1"))
    r = score_person(anqing(), PersonInput("x", "x", lines=lines))
    assert r.bonus == 4 + 20 + 10 + 6 + 2
    assert r.total == 142


def test_the_aggravated_quarrel_is_refused_without_the_quarrel():
    with pytest.raises(AppraisalInputError, match="A4-1"):
        score_person(anqing(), PersonInput("x", "x", lines=(L("A4-1"),)))
    with pytest.raises(AppraisalInputError, match="A4-1"):
        score_person(anqing(), PersonInput("x", "x", lines=(L("A4"), L("A4-1", 2))))


def test_an_unknown_item_or_a_peer_review_line_is_refused():
    with pytest.raises(AppraisalInputError):
        score_person(anqing(), PersonInput("x", "x", lines=(L("Z9"),)))
    with pytest.raises(AppraisalInputError):
        score_person(anqing(), PersonInput("x", "x", lines=(L("C7"),)))


def _quarter(totals: dict[str, int], vetoed: set[str] = frozenset()) -> dict[str, tuple[int, str]]:
    """People whose totals are reached by late arrivals (C4, 1 each), untidy files (A7,
    1 each) and written thanks (D1, 2 each)."""
    people = []
    for name, total in totals.items():
        lines: tuple[Line, ...] = ()
        if total < 100:
            late = min(100 - total, 30)
            lines = (L("C4", late),) + ((L("A7", 100 - total - late),) if 100 - total > late else ())
        elif total > 100:
            lines = (L("D1", (total - 100) // 2),)
        people.append(PersonInput(name, name, lines=lines, valid_complaint=name in vetoed))
    return {r.key: (r.rank, r.grade_code) for r in appraise(anqing(), people)}


def test_a_tie_on_second_place_is_top_two_for_everybody_in_it():
    assert _quarter({"a": 100, "b": 95, "c": 95, "d": 95}) == {
        "a": (1, "excellent"),
        "b": (2, "excellent"),
        "c": (2, "excellent"),
        "d": (2, "excellent"),
    }


def test_a_tie_on_first_place_pushes_the_next_to_third():
    assert _quarter({"a": 100, "b": 100, "c": 95}) == {
        "a": (1, "excellent"),
        "b": (1, "excellent"),
        "c": (3, "competent"),
    }


def test_first_place_below_ninety_is_not_excellent():
    got = appraise(anqing(), [PersonInput("d", "d", lines=(L("C4", 30), L("A7", 1)))])
    assert got[0].total == 69
    assert _quarter({"a": 89, "b": 80, "c": 70, "d": 69}) == {
        "a": (1, "competent"),
        "b": (2, "competent"),
        "c": (3, "competent"),
        "d": (4, "basic"),
    }


def test_the_veto_does_not_pass_excellent_down_to_the_third():
    # The vetoed person keeps rank 1; the second is excellent, the third is not top two.
    assert _quarter({"a": 104, "b": 100, "c": 96}, vetoed={"a"}) == {
        "a": (1, "competent"),
        "b": (2, "excellent"),
        "c": (3, "competent"),
    }


def test_two_incompetent_quarters_in_a_row_across_the_year_end_flag_a_return():
    person = PersonInput(
        "x", "x", lines=(L("A5", 3), L("B4", 10)), previous_grades=("incompetent", "competent")
    )
    (r,) = appraise(anqing(), [person])
    assert (r.total, r.grade_code, r.return_to_unit) == (40, "incompetent", True)
    assert any("退回所在单位" in f for f in r.flags)
    (first,) = appraise(anqing(), [PersonInput("x", "x", lines=(L("A5", 3), L("B4", 10)))])
    assert (first.grade_code, first.return_to_unit) == ("incompetent", False)
    assert "批评教育" in first.flags


def test_the_annual_result_is_the_mean_of_the_quarters_with_the_year_veto():
    rows = annual(
        anqing(),
        [
            AnnualInput("甲", "甲", (95, 92, 88, 100)),  # 93.75
            AnnualInput("乙", "乙", (100, 100, 100, 100), valid_complaint=True),  # 100, vetoed
            AnnualInput("丙", "丙", (90, 90, 90, 89)),  # 89.75
            AnnualInput("丁", "丁", (91, 90)),  # joined in Q3: 90.50
        ],
    )
    got = {r.key: (r.score, r.rank, r.grade_code, r.veto_applied) for r in rows}
    assert got == {
        "乙": (Decimal("100.00"), 1, "competent", True),
        "甲": (Decimal("93.75"), 2, "excellent", False),
        "丁": (Decimal("90.50"), 3, "competent", False),
        "丙": (Decimal("89.75"), 4, "competent", False),
    }
