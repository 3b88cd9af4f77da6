"""Parameter schemas of the rule sets: one pydantic model per kind (DESIGN.md "Rule sets").

Pure Python (pydantic only, no Django), so scoring code and tests can use them without
a database and the data migration can validate bundled files without the app registry.

Every model is strict and refuses unknown fields: a typo in a bundled file or in the
administrator's JSON is an error, never a silently ignored number. No numeric field has
a default: every number comes from the rule set itself. The few helpers here
(`citizen_score`, `grade_for`, `deduction`, `step_for`, …) evaluate exactly the
interpretations the bundled files state, so they are tested next to the data.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from math import floor
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from common.periods import PERIOD_NAMES

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.\-]+$", min_length=1, max_length=40)]
Period = Literal["month", "quarter", "year"]
"""A calendar month, quarter or year (the counting windows of the regulations)."""

PERIOD_LABELS: dict[str, str] = PERIOD_NAMES  # the one list of counting periods (common.periods)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class RuleParams(_Strict):
    """Base of the params of one kind; `kind` is the RuleKind value it belongs to."""

    kind: ClassVar[str]


def _unique(values: list[str], field: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{field} 中的“{value}”重复出现")
        seen.add(value)


def round_half_up(value: Fraction, decimals: int) -> Decimal:
    """四舍五入 of a non-negative exact value to `decimals` places (no float on the way)."""
    scaled = floor(value * 10**decimals + Fraction(1, 2))
    return Decimal(scaled).scaleb(-decimals)


# ---------------------------------------------------------------------------------------
# Ladders: the nth occurrence within a counting period → consequences (003 §十, 002 篇1).


class LadderStep(_Strict):
    nth: int = Field(ge=1)
    consequences: list[Text] = []
    amount_yuan: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _has_effect(self) -> LadderStep:
        if not self.consequences and self.amount_yuan == 0:
            raise ValueError(f"第{self.nth}次：consequences 与 amount_yuan 至少要有一项")
        return self


class Ladder(_Strict):
    """Steps for the 1st, 2nd, … occurrence counted within `period`; every occurrence
    after the last step gets the last step again (`beyond_last = "repeat_last"`)."""

    period: Period
    beyond_last: Literal["repeat_last"]
    steps: list[LadderStep] = Field(min_length=1)

    @model_validator(mode="after")
    def _contiguous(self) -> Ladder:
        nths = [step.nth for step in self.steps]
        if nths != list(range(1, len(nths) + 1)):
            raise ValueError(f"steps 的 nth 必须依次为 1、2、3……，现为 {nths}")
        return self

    def step_for(self, nth: int) -> LadderStep:
        if nth < 1:
            raise ValueError("次数从1开始")
        return self.steps[min(nth, len(self.steps)) - 1]


# ---------------------------------------------------------------------------------------
# window_score — 000 §五(五) 服务窗口评价制度


class RatingLevel(_Strict):
    level: int = Field(ge=1, le=5)
    label: Text
    points: int
    bad: bool


class InspectionType(_Strict):
    code: Literal["daily", "surprise", "leader"]
    label: Text
    weight: int = Field(gt=0)


class WindowScoreParams(RuleParams):
    """100 points = citizen ratings + supervision (000 §五(五)2, 4)."""

    kind: ClassVar[str] = "window_score"

    total: int = Field(gt=0)
    citizen_weight: int = Field(ge=0)
    supervision_weight: int = Field(ge=0)
    levels: list[RatingLevel]
    citizen_score_decimals: int = Field(ge=0, le=4)
    inspections: list[InspectionType]
    inspection_merge: Literal["mean"]
    uninspected_counts_full_weight: bool
    uninspected_flag: Text
    min_inspections_per_year: int = Field(ge=0)
    # 000 §五(五)4(1) "每次业务办理后的评价": a visit and the case accepted from it are one
    # business, scored by one rating — the first one given (the other is kept, not
    # counted). Defaulted so rule sets stored before the field existed read it the same way.
    same_business_ratings: Literal["first_counts"] = "first_counts"

    @model_validator(mode="after")
    def _consistent(self) -> WindowScoreParams:
        if self.citizen_weight + self.supervision_weight != self.total:
            raise ValueError(
                f"citizen_weight（{self.citizen_weight}）+ supervision_weight（{self.supervision_weight}）"
                f"应等于 total（{self.total}）"
            )
        levels = sorted(level.level for level in self.levels)
        if levels != [1, 2, 3, 4, 5]:
            raise ValueError(f"levels 必须恰好包含评价等级 1–5 各一次，现为 {levels}")
        _unique([level.label for level in self.levels], "levels.label")
        by_level = sorted(self.levels, key=lambda lv: lv.level)
        if any(low.points > high.points for low, high in itertools.pairwise(by_level)):
            raise ValueError("levels.points 必须随等级升高而不减少（非常满意的分值不能低于不满意）")
        if by_level[0].points == by_level[-1].points:
            raise ValueError("levels.points 的最高分与最低分不能相同")
        bad = [lv.level for lv in by_level if lv.bad]
        if not bad or bad != list(range(1, len(bad) + 1)) or len(bad) == 5:
            raise ValueError(f"levels.bad（差评）必须是从等级1起连续的最低几个等级且不能是全部，现为 {bad}")
        _unique([i.code for i in self.inspections], "inspections.code")
        weights = sum(i.weight for i in self.inspections)
        if weights != self.supervision_weight:
            raise ValueError(
                f"inspections.weight 之和（{weights}）应等于 supervision_weight（{self.supervision_weight}）"
            )
        return self

    @property
    def points(self) -> dict[int, int]:
        return {level.level: level.points for level in self.levels}

    @property
    def bad_levels(self) -> frozenset[int]:
        return frozenset(level.level for level in self.levels if level.bad)

    def citizen_score(self, counts: Mapping[int, int]) -> Decimal | None:
        """Citizen part of the score from the number of counted ratings per level:
        weight × (r − min) ÷ (max − min), r = mean points per rating, 四舍五入.
        None when there is no counted rating (no score, not zero)."""
        total = sum(counts.values())
        if total == 0:
            return None
        points = self.points
        low, high = min(points.values()), max(points.values())
        mean = Fraction(sum(points[level] * n for level, n in counts.items()), total)
        return round_half_up(self.citizen_weight * (mean - low) / (high - low), self.citizen_score_decimals)

    def inspection_weight(self, code: str) -> int:
        return next(i.weight for i in self.inspections if i.code == code)


# ---------------------------------------------------------------------------------------
# complaint — 000 §五(四) 投诉管理制度


class ComplaintClass(_Strict):
    code: Literal["major", "general", "invalid"]
    label: Text
    criteria: list[Text] = Field(min_length=1)
    valid: bool
    settle_on_the_spot: bool
    reply_working_days: int = Field(ge=0)
    warn_working_days: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _warn_before_deadline(self) -> ComplaintClass:
        if self.warn_working_days is not None and self.warn_working_days >= self.reply_working_days:
            raise ValueError(
                f"{self.code}：warn_working_days（{self.warn_working_days}）应小于 "
                f"reply_working_days（{self.reply_working_days}）"
            )
        return self


class ScopeCategory(_Strict):
    code: Code
    text: Text


class Sanction(_Strict):
    code: Code
    label: Text
    administrative: bool


class ComplaintParams(RuleParams):
    """Classes with their reply limits, scope of acceptance and sanctions (000 §五(四)5–9)."""

    kind: ClassVar[str] = "complaint"

    start_day_counted: bool
    unclassified_as: Literal["major", "general", "invalid"]
    classes: list[ComplaintClass]
    scope: list[ScopeCategory] = Field(min_length=1)
    sanctions: list[Sanction] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> ComplaintParams:
        codes = sorted(c.code for c in self.classes)
        if codes != ["general", "invalid", "major"]:
            raise ValueError(f"classes 必须恰好包含 major、general、invalid 各一次，现为 {codes}")
        _unique([s.code for s in self.scope], "scope.code")
        _unique([s.code for s in self.sanctions], "sanctions.code")
        return self

    def complaint_class(self, code: str) -> ComplaintClass:
        return next(c for c in self.classes if c.code == code)

    @property
    def valid_classes(self) -> frozenset[str]:
        return frozenset(c.code for c in self.classes if c.valid)


# ---------------------------------------------------------------------------------------
# case_time_limit — 000 §五(二) 限时办结制度, 002 篇5 §三4


class OverdueCondition(_Strict):
    code: Code
    text: Text


class RejectionGround(_Strict):
    """A legal ground for not accepting an application (不予受理): what the teller
    chooses, the clause it comes from, the basis printed on the 退回件通知单 and what the
    teller's own explanation must say."""

    code: Code
    label: Text
    clause: Text
    basis: Text
    hint: Text


class CaseTimeLimitParams(RuleParams):
    """When the clock of a case starts and what counts as overdue. An offset is the
    number of days after the event on which counting starts (1 = the next day).

    Also the legal grounds of 不予受理 (`rejection_grounds`, the premise of 限时办结 in
    000 §五(二)1 and 002 篇5 §二5) and the words by which an explanation says that
    materials are missing or incomplete (`missing_material_phrases`): that is never a
    ground, it is a 补办件 (000 §五(二)2(2); 002 篇5 §二4–5)."""

    kind: ClassVar[str] = "case_time_limit"

    receipt_start_offset_days: int = Field(ge=0)
    supplement_start_offset_days: int = Field(ge=0)
    handover_start_offset_days: int = Field(ge=0)
    immediate_due_offset_days: int = Field(ge=0)
    due_soon_working_days: int = Field(ge=0)
    escalated_explain_after_days: int = Field(gt=0)
    escalated_day_unit: Literal["calendar", "working"]
    escalated_start_offset_days: int = Field(ge=0)
    overdue_conditions: list[OverdueCondition] = Field(min_length=1)
    rejection_grounds: list[RejectionGround] = Field(min_length=1)
    missing_material_phrases: list[Text] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> CaseTimeLimitParams:
        _unique([c.code for c in self.overdue_conditions], "overdue_conditions.code")
        _unique([g.code for g in self.rejection_grounds], "rejection_grounds.code")
        _unique(list(self.missing_material_phrases), "missing_material_phrases")
        return self

    def rejection_ground(self, code: str) -> RejectionGround | None:
        return next((g for g in self.rejection_grounds if g.code == code), None)

    def missing_material_phrase(self, text: str) -> str | None:
        """The first phrase of `missing_material_phrases` the text contains (spaces and
        punctuation between its characters ignored), or None."""
        squeezed = "".join(ch for ch in text if ch.isalnum())
        return next((p for p in self.missing_material_phrases if p in squeezed), None)


# ---------------------------------------------------------------------------------------
# first_inquiry — 000 §五(一), 003 §十


class FirstInquiryParams(RuleParams):
    kind: ClassVar[str] = "first_inquiry"

    violation_ladder: Ladder
    serious_consequence: Text
    handover_contact_working_days: int = Field(ge=0)


# ---------------------------------------------------------------------------------------
# staff_appraisal — 002 篇2 窗口工作人员考核细则

Unit = Literal["time", "case", "day", "person", "article"]
UNIT_LABELS: dict[str, str] = {
    "time": "每次",
    "case": "每件",
    "day": "每天",
    "person": "每人",
    "article": "每篇",
}


class AppraisalItem(_Strict):
    code: Annotated[str, StringConstraints(pattern=r"^[A-Z]\d+(-\d+)?$")]
    text: Text
    points: int = Field(gt=0)
    unit: Unit
    day_kind: Literal["working", "calendar"] | None = None
    also: Text | None = None
    both_parties: bool = False
    requires: str | None = None

    @model_validator(mode="after")
    def _day_kind(self) -> AppraisalItem:
        if (self.unit == "day") != (self.day_kind is not None):
            raise ValueError(f"{self.code}：按天计的项目（unit = day）必须且只有它们要写 day_kind")
        return self


class AppraisalSection(_Strict):
    code: Annotated[str, StringConstraints(pattern=r"^[A-Z]$")]
    name: Text
    base: int = Field(gt=0)
    floor: int = Field(ge=0)
    items: list[AppraisalItem] = Field(min_length=1)


class PeerBand(_Strict):
    """Share of 好 (percent) from `lower_percent` (inclusive or not) up to the band above."""

    lower_percent: int = Field(ge=0, le=100)
    lower_inclusive: bool
    deduction: int = Field(ge=0)


class PeerReview(_Strict):
    code: Annotated[str, StringConstraints(pattern=r"^[A-Z]\d+$")]
    text: Text
    levels: list[Text] = Field(min_length=2)
    counted_level: Text
    bands: list[PeerBand] = Field(min_length=1)

    @model_validator(mode="after")
    def _contiguous(self) -> PeerReview:
        if self.counted_level not in self.levels:
            raise ValueError(f"peer_review.counted_level（{self.counted_level}）必须是 levels 之一")
        lowers = [b.lower_percent for b in self.bands]
        if lowers != sorted(set(lowers), reverse=True):
            raise ValueError(f"peer_review.bands 的 lower_percent 必须从高到低且不重复，现为 {lowers}")
        last = self.bands[-1]
        if last.lower_percent != 0 or not last.lower_inclusive:
            raise ValueError("peer_review.bands 最后一档必须从 0%（含）起，使各档首尾相接、覆盖 0–100%")
        deductions = [b.deduction for b in self.bands]
        if deductions != sorted(deductions):
            raise ValueError("peer_review.bands 的 deduction 必须随“好”的比例降低而不减少")
        return self

    def deduction(self, counted: int, total: int) -> int:
        """Points deducted when `counted` of `total` peer reviews are 好; none without reviews.
        Exact: compares counted × 100 with lower × total (no rounding of the share)."""
        if total == 0:
            return 0
        for band in self.bands:
            share, lower = counted * 100, band.lower_percent * total
            if share > lower or (band.lower_inclusive and share == lower):
                return band.deduction
        return self.bands[-1].deduction


class Grade(_Strict):
    code: Literal["excellent", "competent", "basic", "incompetent"]
    label: Text
    min_score: int | None = None
    top_n: int | None = Field(default=None, ge=1)
    vetoed_by_valid_complaint: bool = False


class StaffAppraisalParams(RuleParams):
    """Quarterly appraisal of window staff: three sections deducted from their base,
    peer review, bonus items, grades and one-vote veto (002 篇2 一, 二)."""

    kind: ClassVar[str] = "staff_appraisal"

    period: Literal["quarter"]
    total_base: int = Field(gt=0)
    sections: list[AppraisalSection] = Field(min_length=1)
    peer_review: PeerReview
    peer_review_section: Annotated[str, StringConstraints(pattern=r"^[A-Z]$")]
    bonuses: list[AppraisalItem]
    total_cap: int | None = None
    grades: list[Grade]
    ranking_scope: Literal["centre", "branch"]
    valid_complaint_veto_periods: list[Literal["quarter", "year"]] = Field(min_length=1)
    annual_score: Literal["mean_of_quarters"]
    incompetent_action: Text
    return_to_unit_after_consecutive_incompetent: int = Field(ge=1)
    return_to_unit_action: Text

    @model_validator(mode="after")
    def _consistent(self) -> StaffAppraisalParams:
        sections = [s.code for s in self.sections]
        _unique(sections, "sections.code")
        bases = sum(s.base for s in self.sections)
        if bases != self.total_base:
            raise ValueError(f"sections.base 之和（{bases}）应等于 total_base（{self.total_base}）")
        codes = [i.code for s in self.sections for i in s.items] + [self.peer_review.code]
        codes += [b.code for b in self.bonuses]
        _unique(codes, "项目编号 code")
        for section in self.sections:
            for item in section.items:
                if not item.code.startswith(section.code):
                    raise ValueError(f"项目 {item.code} 的编号应以所在部分 {section.code} 开头")
                if item.requires is not None and item.requires not in codes:
                    raise ValueError(f"项目 {item.code} 的 requires（{item.requires}）不是已有的项目编号")
        if self.peer_review_section not in sections:
            raise ValueError(f"peer_review_section（{self.peer_review_section}）不是 sections 中的部分")
        if not self.peer_review.code.startswith(self.peer_review_section):
            raise ValueError("peer_review.code 应以 peer_review_section 开头")
        _unique([g.code for g in self.grades], "grades.code")
        mins = [g.min_score for g in self.grades]
        if len(mins) < 2 or mins[-1] is not None or None in mins[:-1]:
            raise ValueError("grades：除最后一档外都要有 min_score，最后一档不写 min_score（兜底档）")
        bounded = [m for m in mins[:-1] if m is not None]
        if bounded != sorted(bounded, reverse=True) or len(set(bounded)) != len(bounded):
            raise ValueError(f"grades 的 min_score 必须从高到低且不重复，现为 {bounded}")
        if self.grades[-1].top_n is not None or self.grades[-1].vetoed_by_valid_complaint:
            raise ValueError("grades 最后一档（兜底档）不能有 top_n 或一票否决")
        return self

    def item(self, code: str) -> AppraisalItem:
        items = [i for s in self.sections for i in s.items] + list(self.bonuses)
        return next(i for i in items if i.code == code)

    def grade_for(self, score: Decimal | int, *, rank: int | None, valid_complaint: bool) -> Grade:
        """The grade of a score: the first band whose minimum it reaches, whose top-n
        condition its rank (competition ranking, None = not ranked) meets and which no
        valid complaint vetoes."""
        for grade in self.grades:
            if grade.min_score is not None and score < grade.min_score:
                continue
            if grade.top_n is not None and (rank is None or rank > grade.top_n):
                continue
            if grade.vetoed_by_valid_complaint and valid_complaint:
                continue
            return grade
        return self.grades[-1]


# ---------------------------------------------------------------------------------------
# fines — 002 篇4 绩效考核处罚办法


class FineItem(_Strict):
    code: Code
    clause: int = Field(ge=1)
    text: Text
    amount_yuan: int | None = Field(default=None, gt=0)
    consequences: list[Text] = []
    monthly_report: bool
    report_immediately: bool = False
    offender: Literal["staff", "security"]

    @model_validator(mode="after")
    def _has_effect(self) -> FineItem:
        if self.amount_yuan is None and not self.consequences:
            raise ValueError(f"处罚事项 {self.code}：amount_yuan 与 consequences 至少要有一项")
        return self


class RepeatReport(_Strict):
    threshold: int = Field(ge=2)
    period: Period
    counted_per: Literal["person_and_item"]
    action: Text


class PatrolRound(_Strict):
    code: Code
    label: Text


class Patrol(_Strict):
    rounds: list[PatrolRound] = Field(min_length=1)
    by: Text
    monthly_summary_to: Text


class FinesParams(RuleParams):
    kind: ClassVar[str] = "fines"

    items: list[FineItem] = Field(min_length=1)
    repeat_report: RepeatReport
    patrol: Patrol

    @model_validator(mode="after")
    def _consistent(self) -> FinesParams:
        _unique([i.code for i in self.items], "items.code")
        _unique([r.code for r in self.patrol.rounds], "patrol.rounds.code")
        return self

    def item(self, code: str) -> FineItem:
        return next(i for i in self.items if i.code == code)


# ---------------------------------------------------------------------------------------
# complaint_penalty — 002 篇4 一7 (second sentence) or 002 篇1 §一(一)


class ComplaintPenaltyParams(RuleParams):
    """What follows the nth valid complaint against one staff member in the period."""

    kind: ClassVar[str] = "complaint_penalty"

    trigger: Text
    ladder: Ladder


# ---------------------------------------------------------------------------------------
# hotline_callback — 004 §五 12329 回访与满意度测评


class SatisfactionLevel(_Strict):
    code: Literal["very_satisfied", "satisfied", "dissatisfied"]
    label: Text
    weight: int = Field(ge=0, le=100)


class Dimension(_Strict):
    code: Code
    label: Text
    weight: int = Field(gt=0)


class YesNoQuestion(_Strict):
    code: Code
    text: Text


def _weights_100(dimensions: list[Dimension], field: str) -> None:
    _unique([d.code for d in dimensions], f"{field}.code")
    total = sum(d.weight for d in dimensions)
    if total != 100:
        raise ValueError(f"{field}.weight 之和应为 100，现为 {total}")


class Survey(_Strict):
    code: Code
    rater: Text
    ratee: Text
    period: Period
    dimensions: list[Dimension] = Field(min_length=1)

    @model_validator(mode="after")
    def _weights(self) -> Survey:
        _weights_100(self.dimensions, f"surveys[{self.code}].dimensions")
        return self


class HotlineCallbackParams(RuleParams):
    kind: ClassVar[str] = "hotline_callback"

    categories: list[Literal["collection", "withdrawal", "loan"]] = Field(min_length=1)
    levels: list[SatisfactionLevel]
    dimensions: list[Dimension] = Field(min_length=1)
    questions: list[YesNoQuestion]
    score_decimals: int = Field(ge=0, le=4)
    surveys: list[Survey]
    reason_required_levels: list[Literal["very_satisfied", "satisfied", "dissatisfied"]]
    # 004 §五 一 "对每笔提取、贷款进行回访": a visit whose service was accepted as a case is
    # one 笔 with it, called back once — as the case, when it is completed. Defaulted so
    # rule sets stored before the field existed read it the same way.
    visit_with_case: Literal["case_called_back"] = "case_called_back"

    @model_validator(mode="after")
    def _consistent(self) -> HotlineCallbackParams:
        codes = [lv.code for lv in self.levels]
        if sorted(codes) != ["dissatisfied", "satisfied", "very_satisfied"]:
            raise ValueError(
                f"levels 必须恰好包含 very_satisfied、satisfied、dissatisfied 各一次，现为 {codes}"
            )
        by_code = {lv.code: lv.weight for lv in self.levels}
        if not by_code["very_satisfied"] >= by_code["satisfied"] >= by_code["dissatisfied"]:
            raise ValueError("levels.weight 必须满足 非常满意 ≥ 满意 ≥ 不满意")
        _weights_100(self.dimensions, "dimensions")
        _unique([q.code for q in self.questions], "questions.code")
        _unique([s.code for s in self.surveys], "surveys.code")
        return self

    def score(self, counts: Mapping[str, int]) -> Decimal | None:
        """Σ weight × share of each level for one dimension, 四舍五入; None without answers."""
        total = sum(counts.values())
        if total == 0:
            return None
        weights: dict[str, int] = {lv.code: lv.weight for lv in self.levels}
        value = Fraction(sum(weights[code] * n for code, n in counts.items()), total)
        return round_half_up(value, self.score_decimals)


# ---------------------------------------------------------------------------------------
# rating_followup — product owner's defaults for 差评 follow-up (not a regulation)


class RatingFollowupParams(RuleParams):
    kind: ClassVar[str] = "rating_followup"

    contact_working_days: int = Field(ge=0)
    rectify_working_days: int = Field(ge=0)

    @model_validator(mode="after")
    def _order(self) -> RatingFollowupParams:
        if self.contact_working_days > self.rectify_working_days:
            raise ValueError("contact_working_days 不能大于 rectify_working_days（先联系，后整改）")
        return self


# ---------------------------------------------------------------------------------------
# queue — product settings of the queue and of appointments (not regulation numbers)


class QueueParams(RuleParams):
    """The numbers the queue and the booking page run on. None of them is in a
    regulation: 000 §二(三)3 says 老、幼、病、残、军人 are served first and §四(二)3(1) asks
    for booking by WeChat, app or web, but neither gives a number; these are the
    product owner's settings (rules/bundled/product-queue.toml)."""

    kind: ClassVar[str] = "queue"

    green_channel_max_passed_over_minutes: int = Field(ge=0, le=240)
    recalls_before_no_show: int = Field(ge=0, le=10)
    no_show_grace_minutes: int = Field(ge=0, le=480)
    checkin_before_minutes: int = Field(ge=0, le=240)
    checkin_after_minutes: int = Field(ge=0, le=240)
    slot_minutes: int = Field(ge=5, le=240)
    slot_capacity: int = Field(ge=1, le=500)
    daily_booking_cap: int = Field(ge=1, le=5000)
    max_bookings_per_person_per_day: int = Field(ge=1, le=10)
    booking_horizon_workdays: int = Field(ge=0, le=60)
    appointment_no_show_limit: int = Field(ge=1, le=50)
    appointment_no_show_period_days: int = Field(ge=1, le=3650)
    appointment_block_days: int = Field(ge=0, le=3650)
    ewma_alpha_percent: int = Field(ge=1, le=100)
    ewma_sample_size: int = Field(ge=1, le=500)
    ewma_lookback_days: int = Field(ge=1, le=365)
    default_service_minutes: int = Field(ge=1, le=240)
    wait_band_minutes: int = Field(ge=1, le=60)
    wait_target_minutes: int = Field(ge=1, le=480)
    # Statistics and staffing advice: the share of tickets that should be called within
    # wait_target_minutes. Defaulted so rule sets stored before it existed still load.
    wait_target_share_percent: int = Field(default=80, ge=1, le=100)

    @model_validator(mode="after")
    def _consistent(self) -> QueueParams:
        if self.checkin_after_minutes >= self.slot_minutes:
            raise ValueError(
                f"checkin_after_minutes（{self.checkin_after_minutes}）应小于 "
                f"slot_minutes（{self.slot_minutes}）：迟到宽限不能超过一个时段"
            )
        if self.slot_capacity > self.daily_booking_cap:
            raise ValueError("slot_capacity 不能大于 daily_booking_cap（一个时段的名额不能超过全天上限）")
        return self


# ---------------------------------------------------------------------------------------

SCHEMAS: dict[str, type[RuleParams]] = {
    cls.kind: cls
    for cls in (
        WindowScoreParams,
        ComplaintParams,
        CaseTimeLimitParams,
        FirstInquiryParams,
        StaffAppraisalParams,
        FinesParams,
        ComplaintPenaltyParams,
        HotlineCallbackParams,
        RatingFollowupParams,
        QueueParams,
    )
}


class Interpretation(_Strict):
    """One ambiguity the rule set resolves: the clause, its words, the reading taken."""

    clause: Text
    text: Text
    interpretation: Text
