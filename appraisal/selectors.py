"""Reads of the appraisal: the window score tables (000 §五(五), per window and per staff
member for the branch's daily appraisal table), a quarter's appraisal computed live from
the records (before publication) or as published, one person's detail, the notice board
and the annual result."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from django.db.models import F, Q
from django.http import Http404

from appraisal import inputs
from appraisal.citizen import CitizenUnavailable, citizen_scores
from appraisal.models import (
    AppraisalEntry,
    AppraisalPublication,
    AppraisalQuarter,
    AppraisalQuarterEvent,
    AppraisalResult,
    ChangeStatus,
    PeerBallot,
    PeerVote,
    PublishedChange,
    QuarterStatus,
)
from appraisal.services import quarter_params, quarter_range
from appraisal.staff_scoring import (
    AnnualInput,
    AnnualResult,
    AppraisalInputError,
    Line,
    PersonInput,
    PersonResult,
    annual,
    appraise,
)
from appraisal.window_scoring import Sheet, UnitInput, WindowScore, window_scores
from common import clock
from common.periods import Period
from complaints.selectors import valid_complaints_against
from org.models import Branch, Staff, Window
from rules.models import RuleKind
from rules.selectors import rules_in_force
from supervision.models import Inspection

# ---------------------------------------------------------------------------------------
# Window score (000 §五(五))


@dataclass
class ScoreTable:
    period: Period
    by: str
    rows: list[WindowScore]
    rules_ref: str
    citizen_available: bool
    citizen_note: str
    weights: dict[str, int]
    inspection_labels: list[tuple[str, str, int]]

    @property
    def citizen_merged(self) -> int:
        """Ratings not counted because their business was rated first by another."""
        return sum(r.citizen_merged for r in self.rows)

    @property
    def citizen_excluded(self) -> int:
        return sum(r.citizen_excluded for r in self.rows)


def window_score_table(
    period: Period,
    *,
    by: Literal["window", "staff"],
    branch_ids: frozenset[int] | None = None,
    today: date | None = None,
) -> ScoreTable:
    """The window score of every window (or every window staff member) of the branches
    in scope over the period: citizen part from the ratings app, supervision part from
    the counted inspections, ranks within each branch."""
    from appraisal.conf import max_rank_appraised

    today = today or clock.today()
    rules = rules_in_force(RuleKind.WINDOW_SCORE, period.end)
    params = rules.params
    if by == "window":
        units: list[Any] = list(
            Window.objects.filter(is_active=True).select_related("branch").order_by("branch__code", "number")
        )
    else:
        units = list(
            Staff.objects.filter(is_active=True, branch__isnull=False, rank__lte=max_rank_appraised())
            .select_related("branch")
            .order_by("branch__code", "staff_no")
        )
    if branch_ids is not None:
        units = [u for u in units if u.branch_id in branch_ids]
    try:
        citizen = citizen_scores(start=period.start, end=period.end, by=by)
        available, note = True, ""
    except CitizenUnavailable as exc:
        citizen, available, note = {}, False, str(exc)
    key = "window_id" if by == "window" else "staff_id"
    ids = [u.pk for u in units]
    counted = Inspection.objects.counted().filter(**{f"{key}__in": ids})
    sheets: dict[int, list[Sheet]] = defaultdict(list)
    for row in counted.filter(inspected_on__gte=period.start, inspected_on__lte=period.end).values(
        key, "kind", "sheet_score", "full_marks"
    ):
        sheets[row[key]].append(Sheet(row["kind"], row["sheet_score"], row["full_marks"]))
    year_start = date(period.end.year, 1, 1)
    in_year: dict[int, int] = defaultdict(int)
    for row in counted.filter(inspected_on__gte=year_start, inspected_on__lte=min(period.end, today)).values(
        key
    ):
        in_year[row[key]] += 1
    rows = window_scores(
        params,
        [
            UnitInput(
                unit_id=u.pk,
                label=(f"{u.number}号窗口 {u.name}" if by == "window" else f"{u.name}（{u.staff_no}）"),
                group_id=u.branch_id,
                group_label=u.branch.name,
                citizen_score=citizen[u.pk].score if u.pk in citizen else None,
                citizen_counted=citizen[u.pk].counted if u.pk in citizen else 0,
                citizen_excluded=citizen[u.pk].excluded if u.pk in citizen else 0,
                citizen_merged=citizen[u.pk].merged if u.pk in citizen else 0,
                sheets=tuple(sheets.get(u.pk, ())),
                inspections_in_year=in_year.get(u.pk, 0) if by == "window" else None,
            )
            for u in units
        ],
    )
    return ScoreTable(
        period=period,
        by=by,
        rows=rows,
        rules_ref=rules.ref,
        citizen_available=available,
        citizen_note=note,
        weights={
            "citizen": params.citizen_weight,
            "supervision": params.supervision_weight,
            "total": params.total,
        },
        inspection_labels=[(t.code, t.label, t.weight) for t in params.inspections],
    )


# ---------------------------------------------------------------------------------------
# Quarterly appraisal (002 篇2)


@dataclass
class PreviewRow:
    staff: Staff
    result: PersonResult
    lines: list[Line]


@dataclass
class QuarterPreview:
    quarter: AppraisalQuarter
    rows: list[PreviewRow]
    rules_ref: str
    notes: list[str] = field(default_factory=list)
    error: str = ""
    ballots: int = 0
    participants: int = 0


def quarter_by_key(key: str) -> AppraisalQuarter:
    try:
        year_text, q_text = key.upper().split("-Q")
        year, q = int(year_text), int(q_text)
    except ValueError:
        raise Http404("季度应写成 2026-Q1 的形式。") from None
    quarter = AppraisalQuarter.objects.filter(year=year, quarter=q).first()
    if quarter is None:
        raise Http404(f"{year}年第{q}季度的考核尚未开始。")
    return quarter


def previous_key(year: int, quarter: int, back: int = 1) -> tuple[int, int]:
    index = year * 4 + quarter - 1 - back
    return index // 4, index % 4 + 1


def previous_grades(
    quarter: AppraisalQuarter, staff_ids: list[int], depth: int
) -> dict[int, tuple[str | None, ...]]:
    """The published grades of the `depth` quarters before, most recent first (None:
    the quarter was not published or the person was not appraised in it)."""
    keys = [previous_key(quarter.year, quarter.quarter, n) for n in range(1, depth + 1)]
    grades: dict[tuple[int, int, int], str] = {}
    if keys:
        cond = Q()
        for y, q in keys:
            cond |= Q(quarter__year=y, quarter__quarter=q)
        for r in AppraisalResult.objects.filter(
            cond,
            staff_id__in=staff_ids,
            quarter__status=QuarterStatus.PUBLISHED,
            publication=F("quarter__publication"),
        ).values("staff_id", "quarter__year", "quarter__quarter", "grade_code"):
            grades[(r["staff_id"], r["quarter__year"], r["quarter__quarter"])] = r["grade_code"]
    return {pk: tuple(grades.get((pk, y, q)) for y, q in keys) for pk in staff_ids}


def peer_counts(quarter: AppraisalQuarter, counted_level: str) -> dict[int, tuple[int, int]]:
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for target_id, level in PeerVote.objects.filter(quarter=quarter).values_list("target_id", "level"):
        counts[target_id][1] += 1
        if level == counted_level:
            counts[target_id][0] += 1
    return {k: (v[0], v[1]) for k, v in counts.items()}


def participants(quarter: AppraisalQuarter) -> list[Staff]:
    return list(
        Staff.objects.filter(pk__in=quarter.participants.values_list("staff_id", flat=True))
        .select_related("branch", "department")
        .order_by("branch__code", "staff_no")
    )


def quarter_preview(quarter: AppraisalQuarter) -> QuarterPreview:
    """The quarter computed now from the records: every person's lines, sections,
    peer review, bonuses, total, rank, grade and flags."""
    params = quarter_params(quarter)
    rules = rules_in_force(RuleKind.STAFF_APPRAISAL, quarter_range(quarter).end)
    people = participants(quarter)
    period = quarter_range(quarter)
    lines, vetoed, notes = inputs.collect(quarter, people, period)
    peers = peer_counts(quarter, params.peer_review.counted_level)
    depth = params.return_to_unit_after_consecutive_incompetent - 1
    previous = previous_grades(quarter, [p.pk for p in people], depth)
    person_inputs = [
        PersonInput(
            key=p.pk,
            label=p.name,
            lines=tuple(lines.get(p.pk, [])),
            peer_counted=peers.get(p.pk, (0, 0))[0],
            peer_total=peers.get(p.pk, (0, 0))[1],
            valid_complaint=p.pk in vetoed,
            previous_grades=previous.get(p.pk, ()),
            group=p.branch_id,
        )
        for p in people
    ]
    preview = QuarterPreview(
        quarter,
        [],
        rules.ref,
        notes,
        ballots=PeerBallot.objects.filter(quarter=quarter).count(),
        participants=len(people),
    )
    try:
        results = appraise(params, person_inputs)
    except AppraisalInputError as exc:
        preview.error = f"考核数据有误，无法计分：{exc}"
        return preview
    by_id = {p.pk: p for p in people}
    preview.rows = [PreviewRow(by_id[int(r.key)], r, list(lines.get(int(r.key), []))) for r in results]  # type: ignore[call-overload]
    return preview


def current_results(quarter: AppraisalQuarter) -> list[AppraisalResult]:
    return list(
        AppraisalResult.objects.filter(quarter=quarter, publication=quarter.publication)
        .select_related("staff")
        .order_by("rank", "staff_no")
    )


def published_quarters() -> list[AppraisalQuarter]:
    return list(AppraisalQuarter.objects.filter(status=QuarterStatus.PUBLISHED).order_by("-year", "-quarter"))


def quarters() -> list[AppraisalQuarter]:
    return list(AppraisalQuarter.objects.order_by("-year", "-quarter"))


def entries(quarter: AppraisalQuarter, staff: Staff | None = None) -> list[AppraisalEntry]:
    qs = AppraisalEntry.objects.filter(quarter=quarter).select_related("staff", "pair__staff")
    if staff is not None:
        qs = qs.filter(staff=staff)
    return list(qs.order_by("-occurred_on", "-id"))


def events_for_quarter(quarter: AppraisalQuarter) -> list[AppraisalQuarterEvent]:
    """The quarter's timeline: opened, published, publications withdrawn."""
    return list(quarter.events.all())


@dataclass
class PersonView:
    staff: Staff
    published: AppraisalResult | None
    live: PreviewRow | None
    entries: list[AppraisalEntry]
    vetoing: list[Any]
    ballot_cast: bool


def person_view(quarter: AppraisalQuarter, staff: Staff) -> PersonView:
    """One person's quarter: as published when it is, otherwise computed now."""
    published = None
    live = None
    if quarter.status == QuarterStatus.PUBLISHED:
        published = AppraisalResult.objects.filter(
            quarter=quarter, publication=quarter.publication, staff=staff
        ).first()
    else:
        preview = quarter_preview(quarter)
        live = next((r for r in preview.rows if r.staff.pk == staff.pk), None)
    return PersonView(
        staff=staff,
        published=published,
        live=live,
        entries=entries(quarter, staff),
        vetoing=list(valid_complaints_against(staff, quarter_range(quarter)).values("no", "verified_on")),
        ballot_cast=PeerBallot.objects.filter(quarter=quarter, rater=staff).exists(),
    )


def annual_results(year: int) -> list[AnnualResult]:
    """年终总评 from the published quarters of the year (the product's reading: the mean
    of the quarters; a valid complaint in the year rules out 优秀)."""
    rows = AppraisalResult.objects.filter(
        quarter__year=year, quarter__status=QuarterStatus.PUBLISHED, publication=F("quarter__publication")
    ).select_related("staff")
    totals: dict[int, list[int]] = defaultdict(list)
    staff: dict[int, Staff] = {}
    for r in rows:
        totals[r.staff_id].append(r.total)
        staff[r.staff_id] = r.staff
    if not totals:
        return []
    params = rules_in_force(RuleKind.STAFF_APPRAISAL, date(year, 12, 31)).params
    year_range = Period.year(year)
    return annual(
        params,
        [
            AnnualInput(
                pk,
                staff[pk].name,
                tuple(t),
                valid_complaint=valid_complaints_against(staff[pk], year_range).exists(),
                group=staff[pk].branch_id,
            )
            for pk, t in totals.items()
        ],
    )


def branches_for(scope: frozenset[int] | None) -> list[Branch]:
    qs = Branch.objects.filter(is_active=True).order_by("code")
    if scope is not None:
        qs = qs.filter(pk__in=scope)
    return list(qs)


def staff_open_quarter(staff: Staff | None) -> AppraisalQuarter | None:
    """The open quarter in which this person is appraised (for the peer-review ballot)."""
    if staff is None:
        return None
    return (
        AppraisalQuarter.objects.filter(status=QuarterStatus.OPEN, participants__staff=staff)
        .order_by("-year", "-quarter")
        .first()
    )


# ---------------------------------------------------------------------------------------
# Publications and the changes found after them


def publications(quarter: AppraisalQuarter) -> list[AppraisalPublication]:
    """Every publication of the quarter, first to last (the history shown with it)."""
    return list(quarter.publications.select_related("published_by").order_by("number"))


def open_change(quarter: AppraisalQuarter) -> PublishedChange | None:
    """What changed since the current publication, when the records no longer agree."""
    if quarter.status != QuarterStatus.PUBLISHED:
        return None
    return (
        PublishedChange.objects.filter(
            quarter=quarter, publication=quarter.publication, status=ChangeStatus.OPEN
        )
        .prefetch_related("events")
        .first()
    )


def change_rows(change: PublishedChange) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The people whose records, score or grade changed (shown in full) and those whose
    rank alone moved because somebody else's did (named in one line)."""
    shown: list[dict[str, Any]] = []
    rank_only: list[dict[str, Any]] = []
    for c in change.changes:
        own = c["added"] or c["removed"] or c.get("peer")
        moved = {k for k in c["before"] if c["before"][k] != c["after"][k]}
        (shown if own or moved - {"rank"} else rank_only).append(c)
    return shown, rank_only


def changed_quarter_keys() -> list[str]:
    """The keys ("2026-Q3") of the published quarters flagged as no longer agreeing with
    their records (one query)."""
    rows = (
        PublishedChange.objects.filter(
            status=ChangeStatus.OPEN,
            quarter__status=QuarterStatus.PUBLISHED,
            publication=F("quarter__publication"),
        )
        .values_list("quarter__year", "quarter__quarter")
        .order_by("quarter__year", "quarter__quarter")
    )
    return [f"{year}-Q{q}" for year, q in rows]


def corrections(quarter: AppraisalQuarter) -> list[dict[str, Any]]:
    """For a corrected publication: whose published total or grade the correction
    changed, as before → after (the notice board shows it; no records, no reasons of
    individual records)."""
    from appraisal.republication import compare
    from appraisal.services import published_fields

    if quarter.publication < 2:
        return []
    rows = AppraisalResult.objects.filter(
        quarter=quarter, publication__in=[quarter.publication - 1, quarter.publication]
    ).order_by("rank", "staff_no")
    before = [published_fields(r) for r in rows if r.publication == quarter.publication - 1]
    after = [published_fields(r) for r in rows if r.publication == quarter.publication]
    for row in before + after:
        row["lines"] = None  # compare the published outcome and items only
    moved = ("total", "grade_label")
    return [c for c in compare(before, after) if any(c["before"][k] != c["after"][k] for k in moved)]
