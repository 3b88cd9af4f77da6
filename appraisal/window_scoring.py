"""The window score of 000 §五(五) 服务窗口评价制度: 100 points = citizen ratings (80,
from the ratings app) + supervision (20 = 日常检查 10 + 突击检查 5 + 上级领导检查 5).

Pure module (no Django): every number comes from the window-score rule set's params,
and the tests reproduce hand-computed scores.

The rules (handan-2021-window-score and its interpretations, docs/rules.md):

* each inspection is a sheet scored out of its full marks (the product's 100-point
  sheet); a type's points are weight × the mean of its sheets' shares in the period,
  四舍五入 to the rule set's decimals (`inspection_merge = "mean"`);
* a type with no inspection in the period counts its full weight and is flagged
  "未检查" (`uninspected_counts_full_weight`, `uninspected_flag`);
* the total is the citizen part + the supervision parts as displayed (so the figures
  on a page add up); no counted rating → no citizen score (未评价) → no total and no
  rank, never 0 and never full marks;
* ranks are competition ranks (1 + the number of higher totals) within a group — the
  branch (000 §五(五)4(1): 汇总列入管理部日常考核表);
* fewer inspections in the calendar year than `min_inspections_per_year` is a prompt
  for the office, not a deduction.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

from rules.schemas import WindowScoreParams, round_half_up

K = TypeVar("K", bound=Hashable)

NO_RATING_FLAG = "无评价"


@dataclass(frozen=True)
class Sheet:
    """One counted inspection: its type and its sheet score out of `full`."""

    kind: str
    score: int
    full: int

    def __post_init__(self) -> None:
        if self.full <= 0 or not 0 <= self.score <= self.full:
            raise ValueError(f"检查得分 {self.score}/{self.full} 不在 0 到满分之间")


@dataclass(frozen=True)
class TypePart:
    code: str
    label: str
    weight: int
    count: int
    mean_percent: Decimal | None  # mean share of the sheets × 100, None when uninspected
    points: Decimal
    uninspected: bool


@dataclass(frozen=True)
class SupervisionPart:
    parts: tuple[TypePart, ...]
    total: Decimal
    weight: int

    @property
    def uninspected(self) -> tuple[str, ...]:
        return tuple(p.label for p in self.parts if p.uninspected)


def supervision_part(params: WindowScoreParams, sheets: Iterable[Sheet]) -> SupervisionPart:
    """The 20 points of 000 §五(五)4(2) from the counted inspections of one unit."""
    if params.inspection_merge != "mean":  # the only merge the schema admits today
        raise ValueError(f"不支持的合并方式：{params.inspection_merge}")
    sheets = list(sheets)
    known = {t.code for t in params.inspections}
    unknown = {s.kind for s in sheets} - known
    if unknown:
        raise ValueError(f"规则集没有这些检查类型：{sorted(unknown)}")
    decimals = params.citizen_score_decimals
    parts = []
    for t in params.inspections:
        mine = [s for s in sheets if s.kind == t.code]
        if not mine:
            full = params.uninspected_counts_full_weight
            parts.append(
                TypePart(
                    t.code,
                    t.label,
                    t.weight,
                    0,
                    None,
                    round_half_up(Fraction(t.weight if full else 0), decimals),
                    True,
                )
            )
            continue
        mean = sum((Fraction(s.score, s.full) for s in mine), Fraction(0)) / len(mine)
        parts.append(
            TypePart(
                t.code,
                t.label,
                t.weight,
                len(mine),
                round_half_up(mean * 100, decimals),
                round_half_up(t.weight * mean, decimals),
                False,
            )
        )
    return SupervisionPart(
        tuple(parts), sum((p.points for p in parts), Decimal(0)), params.supervision_weight
    )


@dataclass(frozen=True)
class UnitInput:
    """A window, a staff member or a branch over one period."""

    unit_id: int
    label: str
    group_id: int | None
    group_label: str
    citizen_score: Decimal | None
    citizen_counted: int
    sheets: tuple[Sheet, ...]
    inspections_in_year: int | None = None
    citizen_excluded: int = 0  # ratings taken out by an approved 误评/恶意评价 annotation
    citizen_merged: int = 0  # later ratings of a business already rated (one business, one rating)


@dataclass(frozen=True)
class WindowScore:
    unit_id: int
    label: str
    group_id: int | None
    group_label: str
    citizen: Decimal | None
    citizen_counted: int
    supervision: SupervisionPart
    total: Decimal | None
    rank: int | None
    flags: tuple[str, ...]
    inspections_in_year: int | None
    citizen_excluded: int = 0
    citizen_merged: int = 0


def competition_ranks(values: Mapping[K, Decimal | int | None]) -> dict[K, int | None]:
    """1 + the number of strictly higher values; None for a unit without a value."""
    scored = [v for v in values.values() if v is not None]
    return {k: (None if v is None else 1 + sum(1 for o in scored if o > v)) for k, v in values.items()}


def window_scores(params: WindowScoreParams, units: Iterable[UnitInput]) -> list[WindowScore]:
    """The score of every unit, ranked within its group; ordered by group, then rank."""
    units = list(units)
    built = []
    for u in units:
        sup = supervision_part(params, u.sheets)
        total = None if u.citizen_score is None else u.citizen_score + sup.total
        flags = [f"{label}{params.uninspected_flag}" for label in sup.uninspected]
        if u.citizen_score is None:
            flags.insert(0, NO_RATING_FLAG)
        if u.inspections_in_year is not None and u.inspections_in_year < params.min_inspections_per_year:
            flags.append(f"本年度检查{u.inspections_in_year}次，少于{params.min_inspections_per_year}次")
        built.append((u, sup, total, tuple(flags)))
    ranks: dict[int, int | None] = {}
    for group in {u.group_id for u in units}:
        ranks.update(competition_ranks({u.unit_id: total for u, _, total, _ in built if u.group_id == group}))
    result = [
        WindowScore(
            unit_id=u.unit_id,
            label=u.label,
            group_id=u.group_id,
            group_label=u.group_label,
            citizen=u.citizen_score,
            citizen_counted=u.citizen_counted,
            supervision=sup,
            total=total,
            rank=ranks.get(u.unit_id),
            flags=flags,
            inspections_in_year=u.inspections_in_year,
            citizen_excluded=u.citizen_excluded,
            citizen_merged=u.citizen_merged,
        )
        for u, sup, total, flags in built
    ]
    return sorted(result, key=lambda s: (s.group_label, s.rank is None, s.rank or 0, s.label))
