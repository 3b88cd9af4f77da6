"""The citizen part of the window score (000 §五(五)4(1)) and the scoring periods.

Pure module: no Django model imports (only the pydantic schemas of the rules app), so
the arithmetic is tested without a database and other apps (appraisal) can import the
`CitizenScore` type without pulling in the ratings models.

The rule (handan-2021-window-score and its interpretations, docs/rules.md):

* each counted rating earns the points of its level (非常满意 +1, 满意 0, 基本满意 0,
  不满意 −2, 非常不满意 −4 — all in the rule set);
* r = (sum of points) ÷ (number of counted ratings), so volume is taken into account;
* citizen score = weight × (r − lowest) ÷ (highest − lowest) = 80 × (r + 4) ÷ 5,
  四舍五入 to the rule set's decimals (2);
* no counted rating → no score (None, shown as “未评价”), never 0 and never 80.

“Counted” means not excluded by an approved annotation (mistaken or malicious rating,
000 §五(五)4(1) interpretation 3): excluded ratings are reported in `excluded` and
never enter `counts`, `points`, `r` or `score`. Likewise a rating of a business that
another rating rated first (a visit and the case accepted from it are one business: the
first rating given counts, `same_business_ratings = "first_counts"`) is reported in
`merged` only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from rules.schemas import Dimension, HotlineCallbackParams, WindowScoreParams, round_half_up

LEVELS: tuple[int, ...] = (5, 4, 3, 2, 1)
"""Rating levels from best to worst (DESIGN.md glossary: level 5 非常满意 … 1 非常不满意)."""

R_DECIMALS = 4
"""Decimals of r as reported (display only: the score is computed from the exact mean)."""


@dataclass(frozen=True)
class CitizenScore:
    """The citizen score (80 points) of one unit — a staff member, a window or a branch —
    over one period.

    `counts` has a key for each level 1..5 (zero when none) and counts only COUNTED
    ratings; `excluded` is the number of ratings of the unit in the period that an
    approved annotation took out of scoring; `merged` the number of its ratings not
    counted because another rating of the same business came first (one business, one
    rating: handan-2021-window-score `same_business_ratings`); `counted` = sum of `counts`; `points` = the
    sum of the points of the counted ratings; `r` = points ÷ counted (4 decimals,
    四舍五入) and `score` the citizen score (rule set's decimals) — both None when
    nothing is counted (未评价). `rules_ref` is the `code@version` of the window-score
    rule set used (the one in force on the period's last day)."""

    unit_id: int | None
    unit_label: str
    counts: dict[int, int] = field(hash=False)
    excluded: int
    counted: int
    points: int
    r: Decimal | None
    score: Decimal | None
    rules_ref: str
    merged: int = 0

    @property
    def rated(self) -> bool:
        return self.score is not None


def round_signed(value: Fraction, decimals: int) -> Decimal:
    """四舍五入 (half away from zero) of an exact value, negative values included."""
    magnitude = round_half_up(abs(value), decimals)
    return -magnitude if value < 0 and magnitude else magnitude


def citizen_score(
    *,
    params: WindowScoreParams,
    counts: Mapping[int, int],
    excluded: int = 0,
    merged: int = 0,
    unit_id: int | None = None,
    unit_label: str = "",
    rules_ref: str = "",
) -> CitizenScore:
    """The CitizenScore of one unit from its counted ratings per level."""
    unknown = set(counts) - set(LEVELS)
    if unknown:
        raise ValueError(f"unknown rating levels: {sorted(unknown)}")
    if any(n < 0 for n in counts.values()) or excluded < 0 or merged < 0:
        raise ValueError("counts must not be negative")
    full = {level: int(counts.get(level, 0)) for level in LEVELS}
    counted = sum(full.values())
    level_points = params.points
    points = sum(level_points[level] * n for level, n in full.items())
    if counted == 0:
        r = score = None
    else:
        r = round_signed(Fraction(points, counted), R_DECIMALS)
        score = params.citizen_score(full)
    return CitizenScore(
        unit_id=unit_id,
        unit_label=unit_label,
        counts=full,
        excluded=excluded,
        counted=counted,
        points=points,
        r=r,
        score=score,
        rules_ref=rules_ref,
        merged=merged,
    )


def bad_count(params: WindowScoreParams, counts: Mapping[int, int]) -> int:
    """Number of 差评 among `counts`, by the rule set's `bad` levels."""
    return sum(n for level, n in counts.items() if level in params.bad_levels)


# ---------------------------------------------------------------------------------------
# 12329 callbacks and internal surveys (004 §五): three levels, score by shares.


def _dimension_fraction(params: HotlineCallbackParams, counts: Mapping[str, int]) -> Fraction | None:
    weights: dict[str, int] = {level.code: level.weight for level in params.levels}
    unknown = set(counts) - set(weights)
    if unknown:
        raise ValueError(f"unknown satisfaction levels: {sorted(unknown)}")
    total = sum(counts.values())
    if total == 0:
        return None
    return Fraction(sum(weights[code] * n for code, n in counts.items()), total)


def callback_score(
    params: HotlineCallbackParams,
    counts: Mapping[str, Mapping[str, int]],
    *,
    dimensions: Sequence[Dimension] | None = None,
) -> tuple[dict[str, Decimal | None], Decimal | None]:
    """Per-dimension scores (Σ weight × share of each level, 0–100, 四舍五入 to the rule
    set's decimals) and the overall score (Σ dimension weight × exact dimension score ÷ 100,
    rounded once). `dimensions` are the callback's (服务态度、办事效率 50/50) unless a
    survey's are given (服务态度、工作质量、办事效率 34/33/33). A dimension without answers has
    no score; the overall score needs every dimension (None otherwise: not ranked)."""
    dims = list(dimensions if dimensions is not None else params.dimensions)
    exact = {d.code: _dimension_fraction(params, counts.get(d.code, {})) for d in dims}
    shown: dict[str, Decimal | None] = {
        code: None if value is None else round_half_up(value, params.score_decimals)
        for code, value in exact.items()
    }
    if any(value is None for value in exact.values()):
        return shown, None
    overall = sum((Fraction(d.weight) * exact[d.code] for d in dims), Fraction(0)) / 100  # type: ignore[operator]
    return shown, round_half_up(overall, params.score_decimals)


def competition_ranks(values: Sequence[Decimal | None]) -> list[int | None]:
    """Competition ranking (1, 2, 2, 4): rank = 1 + the number of strictly higher values;
    None (no score) is not ranked."""
    scored = [v for v in values if v is not None]
    return [None if v is None else 1 + sum(1 for other in scored if other > v) for v in values]
