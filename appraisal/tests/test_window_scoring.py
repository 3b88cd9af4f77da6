"""Table tests of the window score (000 §五(五)) against hand-computed values: the mean
of a type's inspections scaled to its weight, an uninspected type at full weight and
flagged 未检查, 四舍五入 to two decimals, no total without ratings, ranks per branch."""

from __future__ import annotations

from decimal import Decimal

import pytest

from appraisal.tests.params import handan
from appraisal.window_scoring import Sheet, UnitInput, competition_ranks, supervision_part, window_scores
from ratings.scoring import citizen_score


def S(kind: str, score: int, full: int = 100) -> Sheet:
    return Sheet(kind, score, full)


def test_the_citizen_part_comes_from_the_ratings_formula():
    # 3 × 非常满意 (+1) and 1 × 满意 (0): r = 0.75 → 80 × 4.75 ÷ 5 = 76.00
    assert citizen_score(params=handan(), counts={5: 3, 4: 1}).score == Decimal("76.00")


@pytest.mark.parametrize(
    ("sheets", "daily", "surprise", "leader", "total", "uninspected"),
    [
        # daily 90 and 80 → mean 85 % × 10 = 8.50; no surprise → 5.00 未检查; leader 95 % × 5 = 4.75
        ([S("daily", 90), S("daily", 80), S("leader", 95)], "8.50", "5.00", "4.75", "18.25", ["突击检查"]),
        # daily 100 → 10.00; surprise 60 % × 5 = 3.00; no leader → 5.00 未检查
        ([S("daily", 100), S("surprise", 60)], "10.00", "3.00", "5.00", "18.00", ["上级领导检查"]),
        # nothing inspected: full 20, every type flagged
        ([], "10.00", "5.00", "5.00", "20.00", ["日常检查", "突击检查", "上级领导检查"]),
        # 四舍五入: daily (97 + 96 + 96) ÷ 3 = 96.333 % → 9.63; surprise (99 + 98) ÷ 2 = 98.5 % → 4.925 → 4.93
        (
            [
                S("daily", 97),
                S("daily", 96),
                S("daily", 96),
                S("surprise", 99),
                S("surprise", 98),
                S("leader", 0),
            ],
            "9.63",
            "4.93",
            "0.00",
            "14.56",
            [],
        ),
        # a sheet on another scale is taken as its share: 45 of 50 = 90 % → 9.00
        ([S("daily", 45, 50)], "9.00", "5.00", "5.00", "19.00", ["突击检查", "上级领导检查"]),
    ],
)
def test_the_supervision_part(sheets, daily, surprise, leader, total, uninspected):
    part = supervision_part(handan(), sheets)
    assert [str(p.points) for p in part.parts] == [daily, surprise, leader]
    assert str(part.total) == total
    assert list(part.uninspected) == uninspected


def test_an_unknown_inspection_type_or_an_impossible_sheet_is_refused():
    with pytest.raises(ValueError, match="检查类型"):
        supervision_part(handan(), [S("weekly", 90)])
    with pytest.raises(ValueError, match="满分"):
        S("daily", 101)


def _unit(uid, label, branch, citizen, sheets, year=None):
    return UnitInput(
        uid,
        label,
        branch,
        f"B{branch}",
        None if citizen is None else Decimal(citizen),
        10,
        tuple(sheets),
        year,
    )


def test_window_scores_are_totalled_ranked_per_branch_and_flagged():
    rows = window_scores(
        handan(),
        [
            _unit(
                1, "1号窗口", 1, "76.00", [S("daily", 90), S("daily", 80), S("leader", 95)], year=3
            ),  # 94.25
            _unit(2, "2号窗口", 1, "64.00", [S("daily", 100), S("surprise", 60)], year=2),  # 82.00
            _unit(3, "3号窗口", 1, None, [], year=0),  # no ratings: no total, no rank
            _unit(
                4, "4号窗口", 1, "74.25", [S("daily", 100), S("surprise", 100), S("leader", 100)], year=1
            ),  # 94.25
            _unit(5, "1号窗口", 2, "60.00", [S("daily", 50)], year=1),  # other branch: 60 + 5 + 5 + 5 = 75.00
        ],
    )
    got = {r.unit_id: (str(r.total) if r.total is not None else None, r.rank, r.flags) for r in rows}
    assert got[1] == ("94.25", 1, ("突击检查未检查",))
    assert got[4] == ("94.25", 1, ("本年度检查1次，少于2次",))
    assert got[2] == ("82.00", 3, ("上级领导检查未检查",))
    assert got[3] == (
        None,
        None,
        ("无评价", "日常检查未检查", "突击检查未检查", "上级领导检查未检查", "本年度检查0次，少于2次"),
    )
    assert got[5] == ("75.00", 1, ("突击检查未检查", "上级领导检查未检查", "本年度检查1次，少于2次"))
    assert [r.unit_id for r in rows] == [1, 4, 2, 3, 5]


def test_competition_ranks_share_a_place_and_skip_the_next():
    assert competition_ranks(
        {"a": Decimal(90), "b": Decimal(95), "c": Decimal(90), "d": None, "e": Decimal(80)}
    ) == {
        "a": 2,
        "b": 1,
        "c": 2,
        "d": None,
        "e": 4,
    }
