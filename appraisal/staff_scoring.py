"""The quarterly appraisal of window staff, 002 篇2 窗口工作人员考核细则.

Pure module (no Django): the numbers come from the staff-appraisal rule set
(`StaffAppraisalParams`), and the tests reproduce hand-computed appraisals.

The rules (anqing-staff-appraisal and its interpretations, docs/rules.md):

* three sections — 文明服务、思想品德 (A, 30), 业务技能 (B, 40), 劳动纪律 (C, 30) — each
  deducted from its base by its items (points × quantity), each floored at its own
  floor (0, "扣完为止"), never borrowing from another section;
* the peer review (互评, 好/中/差) deducts by the share of 好 — 0 from 60 % (inclusive),
  2 above 30 % and below 60 %, 4 at 30 % or less, nothing without votes — inside
  its section (C), under that section's floor;
* A4-1 (不听劝阻且情节严重, +3) only together with an A4 (争吵): never more A4-1 than A4;
* bonuses (D…) are added on top, not limited by any section; the total has no cap
  unless the rule set sets one;
* ranks are competition ranks (1 + the number of higher totals) within the ranking
  scope (the whole centre); a tie on second place is "前2名" for everybody in it;
* grade: the first band whose minimum the total reaches, whose top-n the rank meets
  and which no valid complaint vetoes (优秀 ≥ 90 and top 2; 称职 ≥ 70; 基本称职 ≥ 60;
  不称职 below) — `StaffAppraisalParams.grade_for`;
* a valid complaint in the quarter rules out 优秀 (one-vote veto, 002 篇2 二(三));
* 不称职 in this and the previous quarter(s) — two in a row — flags the person for
  return to their unit (二(一)); the flag is a prompt, the decision is HR's.

The annual result (年终总评) is the mean of the quarters appraised, graded with the same
bands and top-2 rule among the year's people; a valid complaint in the year vetoes 优秀.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from rules.schemas import AppraisalItem, StaffAppraisalParams, round_half_up


class AppraisalInputError(ValueError):
    """An input the rules cannot score (an unknown item, A4-1 without A4, …)."""


@dataclass(frozen=True)
class Line:
    """One recorded fact: `quantity` times (or cases, days, articles) of item `code`,
    with where it came from (shown next to the score)."""

    code: str
    quantity: int
    source: str = ""
    ref: str = ""
    note: str = ""
    url: str = ""

    def __post_init__(self) -> None:
        if self.quantity < 1:
            raise AppraisalInputError(f"{self.code} 的数量应为正整数")


@dataclass(frozen=True)
class PersonInput:
    key: Hashable
    label: str
    lines: tuple[Line, ...] = ()
    peer_counted: int = 0  # votes of the counted level (好)
    peer_total: int = 0
    valid_complaint: bool = False
    previous_grades: tuple[str | None, ...] = ()  # most recent quarter first; None = not appraised
    group: Hashable = None  # the branch, when ranking_scope = "branch"


@dataclass(frozen=True)
class ItemTotal:
    code: str
    text: str
    points_each: int
    quantity: int
    points: int
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class SectionResult:
    code: str
    name: str
    base: int
    floor: int
    items: tuple[ItemTotal, ...]
    peer_deduction: int
    deducted: int  # before the floor
    score: int


@dataclass(frozen=True)
class PersonScore:
    sections: tuple[SectionResult, ...]
    bonuses: tuple[ItemTotal, ...]
    bonus: int
    peer_deduction: int
    total: int


@dataclass(frozen=True)
class PersonResult:
    key: Hashable
    label: str
    score: PersonScore
    rank: int
    grade_code: str
    grade_label: str
    valid_complaint: bool
    veto_applied: bool  # 优秀 was ruled out by the one-vote veto
    return_to_unit: bool
    peer_counted: int
    peer_total: int
    flags: tuple[str, ...] = field(default=())

    @property
    def total(self) -> int:
        return self.score.total


def _items(params: StaffAppraisalParams) -> dict[str, tuple[str | None, AppraisalItem]]:
    found: dict[str, tuple[str | None, AppraisalItem]] = {}
    for section in params.sections:
        for item in section.items:
            found[item.code] = (section.code, item)
    for bonus in params.bonuses:
        found[bonus.code] = (None, bonus)
    return found


def score_person(params: StaffAppraisalParams, person: PersonInput) -> PersonScore:
    """Section scores with their floors, the peer-review deduction and the bonuses."""
    catalogue = _items(params)
    by_code: dict[str, list[Line]] = defaultdict(list)
    for line in person.lines:
        if line.code == params.peer_review.code:
            raise AppraisalInputError(f"{line.code}（互评）由互评票数计算，不能直接登记")
        if line.code not in catalogue:
            raise AppraisalInputError(f"规则集没有考核项目 {line.code}")
        by_code[line.code].append(line)
    quantity = {code: sum(line.quantity for line in lines) for code, lines in by_code.items()}
    for code, (_, item) in catalogue.items():
        if item.requires and quantity.get(code, 0) > quantity.get(item.requires, 0):
            raise AppraisalInputError(
                f"{code}（{item.text}）只能与 {item.requires} 同时记："
                f"{code} 记了 {quantity.get(code, 0)} 次，"
                f"{item.requires} 只有 {quantity.get(item.requires, 0)} 次"
            )
    if person.peer_counted < 0 or person.peer_total < person.peer_counted:
        raise AppraisalInputError("互评票数不合理")
    peer = params.peer_review.deduction(person.peer_counted, person.peer_total)

    def totals(codes: Iterable[str]) -> tuple[ItemTotal, ...]:
        rows = []
        for code in codes:
            if code in by_code:
                item = catalogue[code][1]
                rows.append(
                    ItemTotal(
                        code,
                        item.text,
                        item.points,
                        quantity[code],
                        item.points * quantity[code],
                        tuple(by_code[code]),
                    )
                )
        return tuple(rows)

    sections = []
    for section in params.sections:
        items = totals(i.code for i in section.items)
        peer_here = peer if section.code == params.peer_review_section else 0
        deducted = sum(i.points for i in items) + peer_here
        sections.append(
            SectionResult(
                section.code,
                section.name,
                section.base,
                section.floor,
                items,
                peer_here,
                deducted,
                max(section.floor, section.base - deducted),
            )
        )
    bonuses = totals(b.code for b in params.bonuses)
    bonus = sum(b.points for b in bonuses)
    total = sum(s.score for s in sections) + bonus
    if params.total_cap is not None:
        total = min(total, params.total_cap)
    return PersonScore(tuple(sections), bonuses, bonus, peer, total)


def _ranks(values: dict[Hashable, tuple[Hashable, Decimal | int | Fraction]]) -> dict[Hashable, int]:
    """Competition ranks within each group: values maps key → (group, score)."""
    groups: dict[Hashable, list[Decimal | int | Fraction]] = defaultdict(list)
    for group, score in values.values():
        groups[group].append(score)
    return {k: 1 + sum(1 for o in groups[g] if o > s) for k, (g, s) in values.items()}


def _return_flag(params: StaffAppraisalParams, grade: str, previous: Sequence[str | None]) -> bool:
    lowest = params.grades[-1].code
    n = params.return_to_unit_after_consecutive_incompetent
    if grade != lowest:
        return False
    earlier = list(previous[: n - 1])
    return len(earlier) == n - 1 and all(g == lowest for g in earlier)


def appraise(params: StaffAppraisalParams, people: Iterable[PersonInput]) -> list[PersonResult]:
    """Score, rank and grade everybody appraised in one quarter (best first)."""
    people = list(people)
    keys = [p.key for p in people]
    if len(keys) != len(set(keys)):
        raise AppraisalInputError("同一人在同一季度只能考核一次")
    scores = {p.key: score_person(params, p) for p in people}
    scoped = params.ranking_scope == "branch"
    ranks = _ranks({p.key: (p.group if scoped else None, scores[p.key].total) for p in people})
    results = []
    for p in people:
        score, rank = scores[p.key], ranks[p.key]
        grade = params.grade_for(score.total, rank=rank, valid_complaint=p.valid_complaint)
        unvetoed = params.grade_for(score.total, rank=rank, valid_complaint=False)
        veto_applied = p.valid_complaint and unvetoed.code != grade.code
        back = _return_flag(params, grade.code, p.previous_grades)
        flags = []
        if veto_applied:
            flags.append(f"有效投诉一票否决（不得评为{unvetoed.label}）")
        if back:
            flags.append(
                f"连续{params.return_to_unit_after_consecutive_incompetent}次{grade.label}：{params.return_to_unit_action}"
            )
        elif grade.code == params.grades[-1].code:
            flags.append(params.incompetent_action)
        results.append(
            PersonResult(
                key=p.key,
                label=p.label,
                score=score,
                rank=rank,
                grade_code=grade.code,
                grade_label=grade.label,
                valid_complaint=p.valid_complaint,
                veto_applied=veto_applied,
                return_to_unit=back,
                peer_counted=p.peer_counted,
                peer_total=p.peer_total,
                flags=tuple(flags),
            )
        )
    return sorted(results, key=lambda r: (r.rank, str(r.label)))


# ---------------------------------------------------------------------------------------
# 年终总评 (the product's reading: the mean of the quarters)


@dataclass(frozen=True)
class AnnualInput:
    key: Hashable
    label: str
    quarter_totals: tuple[int, ...]
    valid_complaint: bool = False
    group: Hashable = None


@dataclass(frozen=True)
class AnnualResult:
    key: Hashable
    label: str
    quarters: int
    score: Decimal
    rank: int
    grade_code: str
    grade_label: str
    veto_applied: bool


def annual(
    params: StaffAppraisalParams, people: Iterable[AnnualInput], *, decimals: int = 2
) -> list[AnnualResult]:
    """The mean of each person's quarter totals (四舍五入), ranked and graded like a quarter."""
    people = [p for p in people if p.quarter_totals]
    exact = {p.key: Fraction(sum(p.quarter_totals), len(p.quarter_totals)) for p in people}
    scoped = params.ranking_scope == "branch"
    ranks = _ranks({p.key: (p.group if scoped else None, exact[p.key]) for p in people})
    results = []
    for p in people:
        score = round_half_up(exact[p.key], decimals)
        grade = params.grade_for(score, rank=ranks[p.key], valid_complaint=p.valid_complaint)
        unvetoed = params.grade_for(score, rank=ranks[p.key], valid_complaint=False)
        results.append(
            AnnualResult(
                p.key,
                p.label,
                len(p.quarter_totals),
                score,
                ranks[p.key],
                grade.code,
                grade.label,
                p.valid_complaint and unvetoed.code != grade.code,
            )
        )
    return sorted(results, key=lambda r: (r.rank, str(r.label)))
