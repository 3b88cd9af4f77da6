"""Reads of the ratings app: citizen scores (the 80 points of 000 §五(五)4(1)), the rating
tokens, worklists, disclosure figures, rankings and who may answer an internal survey.

The citizen-score interface other apps (appraisal) call:

    citizen_scores(*, start, end, by="staff" | "window" | "branch") -> list[CitizenScore]
    citizen_score_for(*, start, end, staff=None, window=None, branch=None) -> CitizenScore

* `start` and `end` are **inclusive local dates**; a rating belongs to the period of its
  local date (`Rating.rated_on`, the Asia/Shanghai date of the rating).
* The window-score rule set used is the one **in force on the period's last day** (`end`):
  one set of points per period, so a period is never scored with two different rules
  (NoRulesInForce, a DomainError, when none is). `CitizenScore.rules_ref` names it.
* Ratings excluded by an approved annotation (误评/恶意评价) are counted in `excluded` only.
* One business, one rating (handan-2021-window-score `same_business_ratings`): a visit
  and the cases accepted from it are one business; of its ratings the first given counts,
  a later one is counted in `merged` only (kept, marked 不重复计分, not scored).
* No counted rating → `score` and `r` are None (未评价), never 0 and never 80.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Count, Exists, Q, QuerySet
from django.urls import reverse

from common import clock
from org.access import has_role
from org.models import Branch, Department, Rank, Role, Staff, Window
from ratings.errors import TokenExpired, TokenInvalid
from ratings.models import (
    CallbackStatus,
    ContactMethod,
    FollowUp,
    FollowUpStatus,
    HotlineCallback,
    Rating,
    RatingChannel,
    RatingToken,
    SatisfactionLevel,
    SurveyKind,
    SurveyResponse,
    SurveyRound,
    excluded_q,
)
from ratings.scoring import LEVELS, CitizenScore, citizen_score
from rules.models import RuleKind
from rules.selectors import rules_in_force

Unit = Literal["staff", "window", "branch"]
UNITS: tuple[str, ...] = ("staff", "window", "branch")


# ---------------------------------------------------------------------------------------
# Citizen score


def _excluded_subquery() -> Exists:
    return excluded_q()


def _period_ratings(start: date, end: date) -> QuerySet[Rating]:
    if start > end:
        from common.errors import DomainError

        raise DomainError("期间的开始日期不能晚于结束日期。", code="invalid_input")
    return Rating.objects.filter(rated_on__gte=start, rated_on__lte=end).with_scoring()


Tally = tuple[dict[int, int], int, int]
"""(counted per level, excluded, merged) of one unit."""

NO_TALLY: Tally = ({}, 0, 0)


def _tallies(ratings: QuerySet[Rating], field: str) -> dict[int | None, Tally]:
    """unit id → (counted per level, excluded, merged) in one grouped query. A rating
    excluded by an approved annotation is `excluded`; one whose business was rated first
    by another rating is `merged` (kept, not counted)."""
    rows = ratings.values(field, "level", "excluded", "merged").annotate(n=Count("pk")).order_by()
    tallies: dict[int | None, Tally] = {}
    for row in rows:
        counts, excluded, merged = tallies.get(row[field], ({}, 0, 0))
        if row["excluded"]:
            excluded += row["n"]
        elif row["merged"]:
            merged += row["n"]
        else:
            counts[row["level"]] = counts.get(row["level"], 0) + row["n"]
        tallies[row[field]] = (counts, excluded, merged)
    return tallies


def same_business_ratings(rating: Rating) -> dict[str, Any]:
    """For a rating's page: the other ratings of its business, the one that counts and
    whether it is this one (same_business_ratings = first_counts, 000 §五(五)4(1))."""
    from cases.models import Case

    visit = rating.ticket_id
    if visit is None and rating.case_id is not None:
        visit = Case.objects.filter(pk=rating.case_id).values_list("ticket_id", flat=True).first()
    if visit is None:
        return {"others": [], "counted_pk": None, "counts_this": False}
    group = list(
        Rating.objects.filter(Q(ticket_id=visit) | Q(case__ticket_id=visit))
        .with_scoring()
        .order_by("rated_at", "pk")
    )
    counted = next((r.pk for r in group if not r.excluded and not r.merged), None)
    return {
        "others": [r for r in group if r.pk != rating.pk],
        "counted_pk": counted,
        "counts_this": counted == rating.pk,
    }


def staff_label(staff: Staff) -> str:
    return f"{staff.name}（{staff.staff_no}）"


def window_label(window: Window) -> str:
    return f"{window.branch.name} {window.number}号窗口"


def _units(by: str, ids: set[int]) -> list[tuple[int, str]]:
    """The units listed for `by`: every active one of its kind that serves citizens, and
    any other that has ratings in the period (a staff member who has since moved on)."""
    if by == "branch":
        branches = Branch.objects.filter(Q(is_active=True) | Q(pk__in=ids))
        return [(b.pk, b.name) for b in branches.order_by("code")]
    if by == "window":
        windows = Window.objects.filter(Q(is_active=True) | Q(pk__in=ids)).select_related("branch")
        return [(w.pk, window_label(w)) for w in windows.order_by("branch__code", "number")]
    # Window staff: tellers by role, or anybody of a branch who may serve a category.
    serving = Q(is_universal_teller=True) | ~Q(categories=[])
    tellers = Staff.objects.filter(
        Q(is_active=True, user__groups__name=Role.TELLER.label)
        | (Q(is_active=True, branch__isnull=False) & serving)
        | Q(pk__in=ids)
    ).distinct()
    return [(s.pk, staff_label(s)) for s in tellers.order_by("staff_no")]


def _sort_key(score: CitizenScore) -> tuple[int, Decimal, int, str]:
    # Best score first; then more counted ratings; 未评价 last; then by label.
    return (
        0 if score.score is not None else 1,
        -(score.score or Decimal(0)),
        -score.counted,
        score.unit_label,
    )


def citizen_scores(*, start: date, end: date, by: Literal["staff", "window", "branch"]) -> list[CitizenScore]:
    """The citizen score of every unit of kind `by` over [start, end] (inclusive local
    dates), best first, units without counted ratings last (未评价). Three queries."""
    if by not in UNITS:
        raise ValueError(f"by must be one of {UNITS}")
    rules = rules_in_force(RuleKind.WINDOW_SCORE, end)
    tallies = _tallies(_period_ratings(start, end), by)
    ids = {unit_id for unit_id in tallies if unit_id is not None}
    scores = [
        citizen_score(
            params=rules.params,
            counts=tallies.get(unit_id, NO_TALLY)[0],
            excluded=tallies.get(unit_id, NO_TALLY)[1],
            merged=tallies.get(unit_id, NO_TALLY)[2],
            unit_id=unit_id,
            unit_label=label,
            rules_ref=rules.ref,
        )
        for unit_id, label in _units(by, ids)
    ]
    if None in tallies:  # ratings whose staff (or window) was not recorded
        counts, excluded, merged = tallies[None]
        scores.append(
            citizen_score(
                params=rules.params,
                counts=counts,
                excluded=excluded,
                merged=merged,
                unit_id=None,
                unit_label="（未记录）",
                rules_ref=rules.ref,
            )
        )
    return sorted(scores, key=_sort_key)


def citizen_score_for(
    *,
    start: date,
    end: date,
    staff: Staff | None = None,
    window: Window | None = None,
    branch: Branch | None = None,
) -> CitizenScore:
    """The citizen score of exactly one unit — a staff member, a window or a branch — over
    [start, end] (inclusive local dates). Two queries."""
    given = [
        (name, unit) for name, unit in (("staff", staff), ("window", window), ("branch", branch)) if unit
    ]
    if len(given) != 1:
        raise ValueError("pass exactly one of staff, window, branch")
    field, unit = given[0]
    rules = rules_in_force(RuleKind.WINDOW_SCORE, end)
    ratings = _period_ratings(start, end).filter(**{f"{field}_id": unit.pk})
    counts, excluded, merged = _tallies(ratings, field).get(unit.pk, NO_TALLY)
    if isinstance(unit, Staff):
        label = staff_label(unit)
    elif isinstance(unit, Window):
        label = window_label(unit)
    else:
        label = unit.name
    return citizen_score(
        params=rules.params,
        counts=counts,
        excluded=excluded,
        merged=merged,
        unit_id=unit.pk,
        unit_label=label,
        rules_ref=rules.ref,
    )


# ---------------------------------------------------------------------------------------
# The counter evaluator


@dataclass(frozen=True)
class PendingRating:
    """The service just completed at a window that the evaluator should ask about."""

    token: str
    expires_at: datetime
    ticket_number: str
    staff_name: str
    staff_no: str
    completed_at: datetime | None

    def seconds_left(self, now: datetime) -> int:
        return max(0, int((self.expires_at - now).total_seconds()))


def evaluator_pending(window: Window, *, now: datetime | None = None) -> PendingRating | None:
    """The latest counter token of this window that is still valid and whose service is
    not rated yet. An older unanswered one is simply dropped: it stays unrated."""
    now = now or clock.now()
    token = (
        RatingToken.objects.filter(window=window, channel=RatingChannel.COUNTER, expires_at__gt=now)
        .select_related("ticket__staff")
        .order_by("-created_at", "-pk")
        .first()
    )
    if token is None or token.ticket is None or token.ticket_id is None:
        return None
    if Rating.objects.filter(ticket_id=token.ticket_id).exists():
        return None
    staff = token.ticket.staff
    return PendingRating(
        token=token.token,
        expires_at=token.expires_at,
        ticket_number=token.ticket.display_number,
        staff_name=staff.name if staff else "",
        staff_no=staff.staff_no if staff else "",
        completed_at=token.ticket.finished_at,
    )


def counter_token_for_ticket(ticket_id: int) -> RatingToken | None:
    return RatingToken.objects.filter(ticket_id=ticket_id, channel=RatingChannel.COUNTER).first()


def case_rating_path(*, case: Any) -> str | None:
    """The path of a case's online rating page (minted on completion), for the QR code on
    its 办结通知单 (the "case_rating_path" hook)."""
    row = RatingToken.objects.filter(case=case, channel=RatingChannel.ONLINE).first()
    return reverse("rate", args=[row.token]) if row else None


# ---------------------------------------------------------------------------------------
# Rating tokens (一次一评、一事一评)

TOKEN_INVALID_MESSAGE = "评价链接无效，请核对后重试，或扫描小票、通知单上的二维码。"


def rating_token_lookup(
    token: str, *, now: datetime | None = None, allow_expired: bool = False
) -> RatingToken:
    """The token row, or TokenInvalid (404: forged or mistyped) / TokenExpired (410)."""
    if not token or len(token) > 64:
        raise TokenInvalid(TOKEN_INVALID_MESSAGE)
    row = (
        RatingToken.objects.select_related(
            "ticket__branch", "ticket__window", "ticket__staff__department", "branch__centre", "window"
        )
        .filter(token=token)
        .first()
    )
    if row is None:
        raise TokenInvalid(TOKEN_INVALID_MESSAGE)
    now = now or clock.now()
    if not allow_expired and row.expires_at <= now:
        raise TokenExpired(
            f"评价已超过有效期（{clock.local(row.expires_at):%Y-%m-%d %H:%M}），本次服务未评价。"
            "如对服务有意见，请拨打 12329 或通过“我要投诉”反映。"
        )
    return row


def token_rated(token: RatingToken) -> bool:
    """Whether the service the token is bound to has its rating (through any channel)."""
    if token.ticket_id is not None:
        return Rating.objects.filter(ticket_id=token.ticket_id).exists()
    if token.case_id is not None:
        return Rating.objects.filter(case_id=token.case_id).exists()
    return False


# ---------------------------------------------------------------------------------------
# Follow-ups


def follow_up_overdue_q(today: date) -> Q:
    """Open follow-ups past their contact deadline, or not yet rectified past the
    rectification deadline (the deadline day itself is still in time)."""
    return Q(status=FollowUpStatus.OPEN, contact_due__lt=today) | Q(
        status__in=[FollowUpStatus.OPEN, FollowUpStatus.CONTACTED], rectify_due__lt=today
    )


def follow_ups_for(user: Any, *, state: str = "", branch_id: int | None = None) -> QuerySet[FollowUp]:
    today = clock.today()
    qs = FollowUp.objects.visible_to(user).select_related(
        "branch", "staff", "window", "rating", "callback", "window__branch"
    )
    if branch_id:
        qs = qs.filter(branch_id=branch_id)
    if state == "overdue":
        qs = qs.filter(follow_up_overdue_q(today))
    elif state == "active":
        qs = qs.exclude(status=FollowUpStatus.CLOSED)
    elif state in FollowUpStatus.values:
        qs = qs.filter(status=state)
    return qs.order_by("status", "contact_due", "-opened_on", "-pk")


def follow_up_is_overdue(follow_up: FollowUp, today: date) -> bool:
    if follow_up.status == FollowUpStatus.OPEN and follow_up.contact_due and follow_up.contact_due < today:
        return True
    return bool(
        follow_up.status in (FollowUpStatus.OPEN, FollowUpStatus.CONTACTED)
        and follow_up.rectify_due
        and follow_up.rectify_due < today
    )


# ---------------------------------------------------------------------------------------
# Public disclosure (no login)


@dataclass(frozen=True)
class DisclosureRow:
    branch_id: int
    branch_name: str
    month: date
    counts: dict[int, int]
    total: int
    bad: int
    bad_share: Decimal | None
    followed_up: int
    rectified: int

    @property
    def cells(self) -> list[tuple[int, int]]:
        """(level, count) from 非常满意 down to 非常不满意, with its share of the total (%)."""
        return [(level, self.counts.get(level, 0)) for level in LEVELS]


def disclosure_rows(*, start: date, end: date) -> list[DisclosureRow]:
    """Counted ratings per active branch and month in [start, end] with the share of bad
    ratings (by the window-score rule set in force on each month's last day), the bad
    ratings followed up (已回访: the citizen was contacted) and rectified (已整改). 12329
    callbacks are not ratings: their follow-ups are not counted here. Raises
    NoRulesInForce for a month before the first window-score rule set."""
    from common.periods import month_period

    ratings = (
        Rating.objects.filter(rated_on__gte=start, rated_on__lte=end)
        .counted()
        .values("branch_id", "rated_on__year", "rated_on__month", "level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[tuple[int, date], dict[int, int]] = defaultdict(dict)
    for row in ratings:
        key = (row["branch_id"], date(row["rated_on__year"], row["rated_on__month"], 1))
        counts[key][row["level"]] = counts[key].get(row["level"], 0) + row["n"]
    follow = (
        FollowUp.objects.filter(rating__isnull=False, opened_on__gte=start, opened_on__lte=end)
        .values("branch_id", "opened_on__year", "opened_on__month")
        .annotate(
            n=Count(
                "pk",
                filter=Q(contacted_at__isnull=False) & ~Q(contact_method=ContactMethod.NOT_POSSIBLE),
            ),
            rectified=Count("pk", filter=Q(rectified_at__isnull=False)),
        )
        .order_by()
    )
    follow_counts = {
        (row["branch_id"], date(row["opened_on__year"], row["opened_on__month"], 1)): (
            row["n"],
            row["rectified"],
        )
        for row in follow
    }
    branches = {b.pk: b.name for b in Branch.objects.filter(is_active=True).order_by("code")}
    months: list[date] = []
    cursor = date(start.year, start.month, 1)
    while cursor <= end:
        months.append(cursor)
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    bad_levels = {
        m: rules_in_force(RuleKind.WINDOW_SCORE, month_period(m.year, m.month).end).params.bad_levels
        for m in months
    }
    rows = []
    for month in reversed(months):
        for branch_id, name in branches.items():
            level_counts = {level: counts.get((branch_id, month), {}).get(level, 0) for level in LEVELS}
            total = sum(level_counts.values())
            bad = sum(n for level, n in level_counts.items() if level in bad_levels[month])
            followed, rectified = follow_counts.get((branch_id, month), (0, 0))
            share = (Decimal(bad * 100) / Decimal(total)).quantize(Decimal("0.1")) if total else None
            rows.append(
                DisclosureRow(branch_id, name, month, level_counts, total, bad, share, followed, rectified)
            )
    return rows


def public_rectifications(
    *, start: date, end: date, callbacks: bool = False, limit: int = 50
) -> QuerySet[FollowUp]:
    """Closed follow-ups with a rectification, newest first, for the public page (the
    public summary only: no names, no phone numbers): of bad ratings, or with
    `callbacks` of dissatisfied 12329 callbacks — two lists, never mixed."""
    return (
        FollowUp.objects.filter(
            status=FollowUpStatus.CLOSED,
            rectified_at__isnull=False,
            opened_on__gte=start,
            opened_on__lte=end,
            callback__isnull=not callbacks,
        )
        .select_related("branch", "rating", "callback")
        .order_by("-rectified_at", "-pk")[:limit]
    )


# ---------------------------------------------------------------------------------------
# 12329 callbacks: rankings


@dataclass(frozen=True)
class CallbackRank:
    unit_id: int | None
    unit_label: str
    answered: int
    dimension_scores: dict[str, Decimal | None]
    score: Decimal | None
    rank: int | None
    ran_back: int
    favours: int


def callback_ranking(*, start: date, end: date, by: Literal["branch", "staff"]) -> list[CallbackRank]:
    """Branches or staff ranked by the 12329 callback score (hotline_callback rule set in
    force on the period's last day) over the callbacks answered about services completed
    in [start, end]; units without answers are listed last, unranked."""
    from ratings.scoring import callback_score, competition_ranks

    rules = rules_in_force(RuleKind.HOTLINE_CALLBACK, end)
    params = rules.params
    field = "branch_id" if by == "branch" else "staff_id"
    answered = HotlineCallback.objects.filter(
        status=CallbackStatus.COMPLETED, service_on__gte=start, service_on__lte=end
    )
    per_unit: dict[int | None, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    totals: dict[int | None, int] = defaultdict(int)
    flags: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
    for dimension in params.dimensions:
        rows = answered.values(field, dimension.code).annotate(n=Count("pk")).order_by()
        for row in rows:
            if row[dimension.code]:
                per_unit[row[field]][dimension.code][row[dimension.code]] = row["n"]
    for row in (
        answered.values(field)
        .annotate(
            n=Count("pk"),
            ran_back=Count("pk", filter=Q(ran_back=True)),
            favours=Count("pk", filter=Q(favours=True)),
        )
        .order_by()
    ):
        totals[row[field]] = row["n"]
        flags[row[field]] = [row["ran_back"], row["favours"]]
    if by == "branch":
        units = [
            (b.pk, b.name)
            for b in Branch.objects.filter(Q(is_active=True) | Q(pk__in=[k for k in totals if k])).order_by(
                "code"
            )
        ]
    else:
        units = [
            (s.pk, staff_label(s))
            for s in Staff.objects.filter(pk__in=[k for k in totals if k]).order_by("staff_no")
        ]
    entries = []
    for unit_id, label in units:
        dims, overall = callback_score(params, per_unit.get(unit_id, {}))
        entries.append((unit_id, label, dims, overall))
    ranks = competition_ranks([overall for *_, overall in entries])
    result = [
        CallbackRank(
            unit_id=unit_id,
            unit_label=label,
            answered=totals.get(unit_id, 0),
            dimension_scores=dims,
            score=overall,
            rank=rank,
            ran_back=flags[unit_id][0],
            favours=flags[unit_id][1],
        )
        for (unit_id, label, dims, overall), rank in zip(entries, ranks, strict=True)
    ]
    return sorted(result, key=lambda e: (e.rank is None, e.rank or 0, e.unit_label))


SATISFACTION_CODES = [level.value for level in SatisfactionLevel]


# ---------------------------------------------------------------------------------------
# Surveys: rankings


@dataclass(frozen=True)
class SurveyRank:
    target_id: int
    label: str
    responses: int
    dimension_scores: dict[str, Decimal | None]
    score: Decimal | None
    rank: int | None
    counts: dict[str, dict[str, int]]
    reasons: list[str]


def survey_ranking(survey_round: SurveyRound) -> list[SurveyRank]:
    """Targets of a round ranked by their score (the hotline_callback rule set's levels and
    weights, the survey's dimensions and weights: 004 §五 二、三). Reasons for 不满意 are
    listed sorted by text, never by time or rater."""
    from ratings.scoring import callback_score, competition_ranks

    rules = rules_in_force(RuleKind.HOTLINE_CALLBACK, survey_month_end(survey_round.month))
    survey = next((s for s in rules.params.surveys if s.code == survey_round.kind), None)
    if survey is None:
        from common.errors import DomainError

        raise DomainError(
            f"规则集 {rules.ref} 中没有“{survey_round.get_kind_display()}”。",
            code="no_rules_in_force",
            status=409,
        )
    targets = list(survey_round.targets.all().order_by("order", "pk"))
    responses = list(
        SurveyResponse.objects.filter(round=survey_round).only("target_id", "answers", "reasons")
    )
    counts: dict[int, dict[str, dict[str, int]]] = {
        t.pk: {d.code: {} for d in survey.dimensions} for t in targets
    }
    reasons: dict[int, list[str]] = defaultdict(list)
    totals: dict[int, int] = defaultdict(int)
    for response in responses:
        totals[response.target_id] += 1
        for dimension, level in response.answers.items():
            bucket = counts[response.target_id].setdefault(dimension, {})
            bucket[level] = bucket.get(level, 0) + 1
        reasons[response.target_id].extend(text for text in response.reasons.values() if text)
    entries = []
    for target in targets:
        dims, overall = callback_score(rules.params, counts[target.pk], dimensions=survey.dimensions)
        entries.append((target, dims, overall))
    ranks = competition_ranks([overall for *_, overall in entries])
    result = [
        SurveyRank(
            target_id=target.pk,
            label=target.label,
            responses=totals.get(target.pk, 0),
            dimension_scores=dims,
            score=overall,
            rank=rank,
            counts=counts[target.pk],
            reasons=sorted(reasons.get(target.pk, [])),
        )
        for (target, dims, overall), rank in zip(entries, ranks, strict=True)
    ]
    return sorted(result, key=lambda e: (e.rank is None, e.rank or 0, e.label))


def survey_month_end(month: date) -> date:
    from common.periods import month_period

    return month_period(month.year, month.month).end


# Who answers the internal surveys (004 §五 二: 网点工作人员; 三: 副科级以上管理人员).
BRANCH_RATER_ROLES = (Role.GUIDE, Role.TELLER, Role.HEAD)
MANAGER_MIN_RANK = Rank.SECTION_DEPUTY


def survey_default_targets(kind: str) -> list[dict[str, Any]]:
    """二: the centre's departments (处室 not tied to a branch) are rated by the branches;
    三: the leadership (staff holding the 中心领导 role) by the managers."""
    if kind == SurveyKind.BRANCH_RATES_DEPARTMENT:
        return [
            {"department": d, "label": d.name}
            for d in Department.objects.filter(is_active=True, branch__isnull=True).order_by("code")
        ]
    leaders = Staff.objects.filter(is_active=True, user__groups__name=Role.LEADER.label).distinct()
    return [
        {"leader": s, "label": f"{s.name}（{s.title or s.get_rank_display()}）"}
        for s in leaders.order_by("-rank", "staff_no")
    ]


def survey_may_rate(staff: Staff, kind: str) -> bool:
    """004 §五 二: 网点工作人员 (guides, tellers, heads of a branch); 三: 副科级以上管理人员."""
    if not staff.is_active:
        return False
    if kind == SurveyKind.BRANCH_RATES_DEPARTMENT:
        return staff.branch_id is not None and has_role(staff.user, *BRANCH_RATER_ROLES)
    return staff.rank >= MANAGER_MIN_RANK
