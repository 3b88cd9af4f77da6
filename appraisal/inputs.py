"""The appraisal's inputs from the records (002 篇2 二: "inputs come from the records"),
as `staff_scoring.Line`s per staff member for one quarter:

| record | app | item (appraisal/conf.py) |
|---|---|---|
| violations (patrols, office) | supervision ledger | by penalty item (`APPRAISAL_FINE_ITEMS`) |
| inspection findings against the person | supervision | the checklist item's `appraisal_item` |
| valid complaints, by their scope | complaints (`valid_complaints_against`) | `APPRAISAL_COMPLAINT_SCOPES` |
| first-inquiry breaches | inquiries (`breaches_against`) | `APPRAISAL_BREACH_ITEM` (A8) |
| overdue cases, working days over the limit | cases | `APPRAISAL_OVERDUE_ITEM` (B5) |
| cases registered a day or more after receipt | cases | `APPRAISAL_LATE_REGISTRATION_ITEM` (A6) |
| manual entries with evidence | appraisal | the entry's item |

Inspection findings count directly (with the item their checklist line names); the
ledger lines an inspection created are therefore not counted a second time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from appraisal import conf
from appraisal.models import AppraisalEntry, AppraisalQuarter, EntryStatus
from appraisal.staff_scoring import Line
from common import clock
from common.periods import Period
from org.models import Staff
from supervision.models import COUNTED_INSPECTION, InspectionFinding, Violation, ViolationSource
from workdays.calendar import CalendarNotPublished, workdays_between

Lines = dict[int, list[Line]]


def _add(lines: Lines, staff_id: int, line: Line) -> None:
    lines[staff_id].append(line)


def manual_lines(quarter: AppraisalQuarter, staff_ids: Iterable[int]) -> Lines:
    lines: Lines = defaultdict(list)
    for e in AppraisalEntry.objects.filter(
        quarter=quarter, staff_id__in=list(staff_ids), status=EntryStatus.ACTIVE
    ):
        _add(lines, e.staff_id, Line(e.item_code, e.quantity, "考核登记", f"#{e.pk}", e.evidence[:80]))
    return lines


def ledger_lines(period: Period, staff_ids: Iterable[int]) -> Lines:
    """Violations of the fines rule set found on patrols or entered by the office."""
    mapping = conf.fine_items()
    lines: Lines = defaultdict(list)
    rows = Violation.objects.active().filter(
        staff_id__in=list(staff_ids),
        occurred_on__gte=period.start,
        occurred_on__lte=period.end,
        source__in=[ViolationSource.PATROL, ViolationSource.MANUAL],
    )
    for v in rows.order_by("occurred_on", "id"):
        code = mapping.get(v.item_code)
        if code and v.staff_id is not None:
            _add(
                lines,
                v.staff_id,
                Line(
                    code,
                    1,
                    v.get_source_display(),
                    v.no,
                    v.item_text[:60],
                    reverse("violation_detail", args=[v.no]),
                ),
            )
    return lines


def inspection_lines(period: Period, staff_ids: Iterable[int]) -> Lines:
    lines: Lines = defaultdict(list)
    rows = (
        InspectionFinding.objects.filter(
            staff_id__in=list(staff_ids),
            inspection__status__in=COUNTED_INSPECTION,
            inspection__inspected_on__gte=period.start,
            inspection__inspected_on__lte=period.end,
        )
        .exclude(appraisal_item="")
        .select_related("inspection")
        .order_by("inspection__inspected_on", "id")
    )
    for f in rows:
        assert f.staff_id is not None
        _add(
            lines,
            f.staff_id,
            Line(
                f.appraisal_item,
                1,
                f.inspection.get_kind_display(),
                f.inspection.no,
                f.text[:60],
                reverse("inspection_detail", args=[f.inspection.no]),
            ),
        )
    return lines


def complaint_lines(period: Period, people: Iterable[Staff]) -> tuple[Lines, set[int]]:
    """Valid complaints verified in the period (by scope) and who they veto. A line names
    the complaint's number, category and verification day — never the complainant's
    words: the person appraised reads these lines (issue 14)."""
    from complaints.selectors import complaint_categories, valid_complaints_against

    mapping = conf.complaint_scopes()
    lines: Lines = defaultdict(list)
    vetoed: set[int] = set()
    labels: dict[str, dict[str, str]] = {}
    for person in people:
        for c in valid_complaints_against(person, period):
            vetoed.add(person.pk)
            category = "；".join(complaint_categories(c, labels))
            note = f"{c.verified_on:%Y-%m-%d}查实：{category}"[:60]
            for code in sorted({mapping[s] for s in c.scope_codes if s in mapping}):
                _add(lines, person.pk, Line(code, 1, "有效投诉", c.no, note))
    return lines, vetoed


def breach_lines(period: Period, people: Iterable[Staff]) -> Lines:
    from inquiries.selectors import breaches_against

    code = conf.breach_item()
    lines: Lines = defaultdict(list)
    for person in people:
        for b in breaches_against(person, period):
            _add(lines, person.pk, Line(code, 1, "违反首问负责制", f"首问违规#{b.pk}", b.description[:60]))
    return lines


def overdue_case_lines(
    period: Period, staff_ids: Iterable[int], *, today: date | None = None
) -> tuple[Lines, list[str]]:
    """B5 "受理办件因窗口工作人员失职等原因导致超过办理承诺时限，每超一天扣3分" from the cases
    app: a case marked 超时办结 (000 §五(二)5) counts against its first responsible person
    (the accepting teller, 002 篇1 §二(二)) every working day past its deadline (after an
    approved extension) up to completion — or today while still open — that falls in the
    period, so a case running over a quarter's end is split between the quarters and never
    counted twice. A case overdue for another reason of §五(二)5 (no answer, a late
    extension request, result not handed over) with no day past the deadline counts one
    day ("不足一日的按一日计") in the quarter it was completed. Returns the lines and notes
    about cases that could not be counted (a year whose calendar is not published)."""
    lines: Lines = defaultdict(list)
    notes: list[str] = []
    try:
        from cases.models import Case
    except ImportError:  # pragma: no cover - the cases app is installed in this project
        return lines, ["办件模块不可用，超时办件未计入。"]
    today = today or clock.today()
    code = conf.overdue_item()
    rows = Case.objects.filter(first_responsible_id__in=list(staff_ids), overdue=True).only(
        "receipt_no", "first_responsible_id", "deadline", "promised_deadline", "decided_at"
    )
    before_start = period.start - timedelta(days=1)
    for case in rows:
        due = case.deadline or case.promised_deadline
        if due is None:
            continue
        finished = clock.local_date(case.decided_at) if case.decided_at else today
        if finished < period.start or due > period.end:
            continue
        try:
            days = workdays_between(max(due, before_start), min(finished, period.end))
            late_at_all = workdays_between(due, finished)
        except CalendarNotPublished as exc:
            notes.append(f"办件 {case.receipt_no}：{exc}")
            continue
        if days <= 0:
            if late_at_all > 0 or finished not in period:
                continue
            days = 1
        _add(
            lines,
            case.first_responsible_id,
            Line(code, days, "超时办件", case.receipt_no, f"期限 {due:%Y-%m-%d}，超 {days} 个工作日"),
        )
    return lines, notes


def late_registration_lines(period: Period, staff_ids: Iterable[int]) -> Lines:
    """A6 "办件后不及时登记或输入微机的，每件次扣2分": a case entered in the system on a
    later day than the application was received (e.g. a mailed application keyed in
    days later). The product's reading of "不及时": not on the day of receipt."""
    lines: Lines = defaultdict(list)
    try:
        from cases.models import Case
    except ImportError:  # pragma: no cover
        return lines
    code = conf.late_registration_item()
    rows = Case.objects.filter(
        first_responsible_id__in=list(staff_ids),
        created_at__gte=timezone.make_aware(datetime.combine(period.start, time.min)),
    ).only("receipt_no", "first_responsible_id", "received_on", "created_at")
    for case in rows:
        entered = clock.local_date(case.created_at)
        if entered in period and entered > case.received_on:
            _add(
                lines,
                case.first_responsible_id,
                Line(
                    code,
                    1,
                    "办件登记不及时",
                    case.receipt_no,
                    f"收到 {case.received_on:%m-%d}，登记 {entered:%m-%d}",
                ),
            )
    return lines


def collect(
    quarter: AppraisalQuarter, people: list[Staff], period: Period
) -> tuple[Lines, set[int], list[str]]:
    """Every line of every person, who is vetoed, and notes on what could not be counted."""
    ids = [p.pk for p in people]
    merged: Lines = defaultdict(list)
    complaint, vetoed = complaint_lines(period, people)
    overdue, notes = overdue_case_lines(period, ids)
    for part in (
        manual_lines(quarter, ids),
        ledger_lines(period, ids),
        inspection_lines(period, ids),
        complaint,
        breach_lines(period, people),
        overdue,
        late_registration_lines(period, ids),
    ):
        for staff_id, rows in part.items():
            merged[staff_id].extend(rows)
    return merged, vetoed, notes
