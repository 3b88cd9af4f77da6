"""Reads of the supervision records: access-checked single records, lists with their
related rows fetched in a fixed number of queries, the patrol calendar and monthly
figures (002 篇4 二2), the violations ledger with its totals and reports, overdue
issue notices (004 §四) and facilities about to expire (000 §四(三)3)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Prefetch, QuerySet, Sum
from django.http import Http404

from common import clock
from common.actors import staff_of
from common.periods import Period
from org.access import has_role
from org.models import Branch, Role
from rules.models import RuleKind
from rules.selectors import NoRulesInForce, rules_in_force
from supervision import conf
from supervision.models import (
    COUNTED_INSPECTION,
    ChecklistItem,
    Dimension,
    Facility,
    FacilityStatus,
    Inspection,
    InspectionFinding,
    IssueNotice,
    Patrol,
    PatrolStatus,
    PatrolSummary,
    Polarity,
    ReportStatus,
    ThirdPartyFinding,
    ThirdPartyReport,
    UnitReport,
    Upload,
    Violation,
    ViolationStatus,
)
from workdays.calendar import CalendarNotPublished, is_workday

User = AbstractBaseUser | AnonymousUser


# --- Shared reads of the services --------------------------------------------------


def month_of(day: date) -> Period:
    return Period.month(day.year, day.month)


def count_in_period(staff_id: int, item_code: str, period: Period) -> int:
    """Active ledger lines of one person under one penalty item in `period`."""
    return (
        Violation.objects.active()
        .filter(
            staff_id=staff_id, item_code=item_code, occurred_on__gte=period.start, occurred_on__lte=period.end
        )
        .count()
    )


def is_branch_head(user: Any, branch_id: int) -> bool:
    """The person is a department head (部门负责人) of that branch."""
    staff = staff_of(user)
    return bool(staff and staff.branch_id == branch_id and has_role(user, Role.HEAD))


def week_monday(day: date) -> date:
    """The Monday of `day`'s ISO week (a weekly review is keyed by it)."""
    return day - timedelta(days=day.weekday())


# --- Checklist -----------------------------------------------------------------------


@dataclass(frozen=True)
class DimensionGroup:
    code: str
    label: str
    items: list[ChecklistItem]


def checklist_for(kind: str, polarity: str = Polarity.NEGATIVE) -> list[DimensionGroup]:
    """The active items of one list for one inspection type, by dimension."""
    items = [i for i in ChecklistItem.objects.filter(is_active=True, polarity=polarity) if kind in i.kinds]
    return [
        DimensionGroup(d.value, d.label, [i for i in items if i.dimension == d.value])
        for d in Dimension
        if any(i.dimension == d.value for i in items)
    ]


# --- Events and uploads ----------------------------------------------------------------


def timeline(record: Any) -> list[Any]:
    """The events of one record (`record.events`), each with the labels of its statuses."""
    labels = dict(type(record)._meta.get_field("status").flatchoices)
    rows = list(record.events.all())
    for e in rows:
        e.from_label = labels.get(e.from_status, e.from_status)
        e.to_label = labels.get(e.to_status, e.to_status)
    return rows


def uploads_for(owner_type: str, pk: int) -> list[Upload]:
    return list(Upload.objects.filter(owner_type=owner_type, owner_id=pk))


# --- Inspections -----------------------------------------------------------------------


def inspection_for_user(user: User, no: str) -> Inspection:
    inspection = (
        Inspection.objects.visible_to(user)
        .select_related("branch", "window__branch", "staff", "inspector")
        .prefetch_related(
            Prefetch(
                "findings",
                queryset=InspectionFinding.objects.select_related("staff", "violation").order_by("code"),
            )
        )
        .filter(no=no)
        .first()
    )
    if inspection is None:
        raise Http404("没有这条检查记录，或您无权查看。")
    return inspection


def inspection_list(
    user: User,
    *,
    kind: str = "",
    branch_id: int | None = None,
    period: Period | None = None,
    status: str = "",
    limit: int = 300,
) -> list[Inspection]:
    qs = Inspection.objects.visible_to(user).select_related("branch", "window__branch", "staff")
    if kind:
        qs = qs.filter(kind=kind)
    if branch_id:
        qs = qs.filter(branch_id=branch_id)
    if period:
        qs = qs.filter(inspected_on__gte=period.start, inspected_on__lte=period.end)
    if status:
        qs = qs.filter(status=status)
    return list(qs.prefetch_related("findings").order_by("-inspected_at", "-id")[:limit])


def inspection_counts(user: User, period: Period) -> dict[str, int]:
    qs = Inspection.objects.visible_to(user).filter(
        inspected_on__gte=period.start, inspected_on__lte=period.end, status__in=COUNTED_INSPECTION
    )
    counts = Counter(qs.values_list("kind", flat=True))
    return {k: counts.get(k, 0) for k in ("daily", "surprise", "leader")}


def surprise_to_publish(user: User) -> int:
    """Surprise inspections with findings that have not been published (通报) yet."""
    return (
        Inspection.objects.visible_to(user)
        .filter(kind="surprise", status="recorded", findings__isnull=False)
        .distinct()
        .count()
    )


def current_staff_at(window_ids: list[int]) -> dict[int, Any]:
    """Who is signed in at each window now (queueing's window state), to preselect the
    person an inspection is about. Empty when the queue app has no state for them."""
    try:
        from queueing.models import WindowState
    except ImportError:  # pragma: no cover - the queue app is installed in this project
        return {}
    return {
        s.window_id: s.staff
        for s in WindowState.objects.filter(window_id__in=window_ids, staff__isnull=False).select_related(
            "staff"
        )
    }


# --- Patrols ---------------------------------------------------------------------------


@dataclass
class PatrolCell:
    day: date
    round_code: str
    round_label: str
    patrol: Patrol | None


@dataclass
class PatrolGrid:
    branch: Branch
    rounds: list[tuple[str, str]]
    rows: list[tuple[date, list[PatrolCell]]]
    missing: int
    recorded: int
    unsigned: int
    pending_calendar: bool = False


def patrol_rounds(day: date) -> list[tuple[str, str]]:
    rules = rules_in_force(RuleKind.FINES, day)
    return [(r.code, r.label) for r in rules.params.patrol.rounds]


def working_days(period: Period, until: date) -> tuple[list[date], bool]:
    """The working days of the period up to `until`; True when part of it lies in an
    unpublished calendar year (those days are left out, never guessed)."""
    days: list[date] = []
    pending = False
    d = period.start
    while d <= min(period.end, until):
        try:
            if is_workday(d):
                days.append(d)
        except CalendarNotPublished:
            pending = True
        d += timedelta(days=1)
    return days, pending


def patrol_grid(branch: Branch, month: Period, *, today: date) -> PatrolGrid:
    """The 巡查表 columns of one branch for one month: every working day × round."""
    rounds = patrol_rounds(min(month.end, today) if month.start <= today else month.start)
    days, pending = working_days(month, today)
    patrols = {
        (p.day, p.round): p
        for p in Patrol.objects.filter(branch=branch, day__gte=month.start, day__lte=month.end)
        .exclude(status=PatrolStatus.VOIDED)
        .select_related("duty_leader")
        .prefetch_related("violations")
    }
    rows = []
    missing = unsigned = 0
    for day in days:
        cells = []
        for code, label in rounds:
            patrol = patrols.get((day, code))
            if patrol is None:
                missing += 1
            elif patrol.status == PatrolStatus.RECORDED:
                unsigned += 1
            cells.append(PatrolCell(day, code, label, patrol))
        rows.append((day, cells))
    return PatrolGrid(branch, rounds, rows, missing, len(patrols), unsigned, pending)


def patrol_for_user(user: User, pk: int) -> Patrol:
    patrol = (
        Patrol.objects.visible_to(user)
        .select_related("branch", "duty_leader", "recorded_by", "signed_by")
        .prefetch_related(
            "patrol_staff",
            Prefetch(
                "violations", queryset=Violation.objects.select_related("staff", "window").order_by("id")
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if patrol is None:
        raise Http404("没有这条巡查记录，或您无权查看。")
    return patrol


def patrols_to_sign(user: User) -> list[Patrol]:
    staff = staff_of(user)
    if staff is None:
        return []
    return list(
        Patrol.objects.filter(duty_leader=staff, status=PatrolStatus.RECORDED)
        .select_related("branch")
        .order_by("day", "round")
    )


@dataclass
class ItemLine:
    code: str
    text: str
    count: int = 0
    amount: int = 0
    other: set[str] = field(default_factory=set)


@dataclass
class PersonLine:
    staff_id: int | None
    name: str
    branch: str
    items: Counter[str] = field(default_factory=Counter)
    amount: int = 0
    count: int = 0
    reports: int = 0


@dataclass
class MonthFigures:
    """What the office sends to the leaders each month (002 篇4 二2)."""

    month: date
    branches: list[dict[str, Any]]
    items: list[ItemLine]
    people: list[PersonLine]
    reports: list[UnitReport]
    total_amount: int
    total_count: int
    pending_calendar: bool
    rules_ref: str

    def as_json(self) -> dict[str, Any]:
        return {
            "month": self.month.isoformat(),
            "branches": self.branches,
            "items": [
                {
                    "code": i.code,
                    "text": i.text,
                    "count": i.count,
                    "amount": i.amount,
                    "other": sorted(i.other),
                }
                for i in self.items
            ],
            "people": [
                {
                    "name": p.name,
                    "branch": p.branch,
                    "count": p.count,
                    "amount": p.amount,
                    "reports": p.reports,
                    "items": dict(sorted(p.items.items())),
                }
                for p in self.people
            ],
            "reports": [
                {
                    "staff": r.staff.name,
                    "item": r.item_text,
                    "kind": r.get_kind_display(),
                    "count": r.count_at_trigger,
                    "unit": r.unit,
                    "status": r.get_status_display(),
                }
                for r in self.reports
            ],
            "total_amount": self.total_amount,
            "total_count": self.total_count,
            "pending_calendar": self.pending_calendar,
            "rules_ref": self.rules_ref,
        }


def patrol_month_figures(month_start: date, *, today: date | None = None) -> MonthFigures:
    """Patrols held and missing per branch, and the month's ledger by item and person."""
    today = today or clock.today()
    month = Period.month(month_start.year, month_start.month)
    rules = rules_in_force(RuleKind.FINES, month.end if month.end <= today else today)
    pending = False
    branches = []
    for branch in Branch.objects.filter(is_active=True).order_by("code"):
        grid = patrol_grid(branch, month, today=today)
        pending = pending or grid.pending_calendar
        branches.append(
            {
                "code": branch.code,
                "name": branch.name,
                "working_days": len(grid.rows),
                "expected": len(grid.rows) * len(grid.rounds),
                "recorded": grid.recorded,
                "unsigned": grid.unsigned,
                "missing": [
                    f"{cell.day:%m-%d} {cell.round_label}"
                    for _, cells in grid.rows
                    for cell in cells
                    if not cell.patrol
                ],
            }
        )
    lines = list(
        Violation.objects.active()
        .filter(occurred_on__gte=month.start, occurred_on__lte=month.end)
        .select_related("staff", "branch")
        .order_by("occurred_on", "id")
    )
    reports = list(
        UnitReport.objects.filter(month=month.start)
        .exclude(status=ReportStatus.WITHDRAWN)
        .select_related("staff")
        .order_by("created_at")
    )
    items: dict[str, ItemLine] = {}
    people: dict[str, PersonLine] = {}
    for v in lines:
        line = items.setdefault(v.item_code, ItemLine(v.item_code, v.item_text))
        if v.item_code in ("complaint", "first_inquiry"):
            line.text = "有效投诉" if v.item_code == "complaint" else "违反首问负责制"
        line.count += 1
        line.amount += v.amount_yuan or 0
        line.other.update(v.consequences)
        key = f"s{v.staff_id}" if v.staff_id else f"n{v.offender_name}"
        person = people.setdefault(
            key, PersonLine(v.staff_id, v.offender_name, v.branch.name if v.branch else "")
        )
        person.items[v.item_code] += 1
        person.count += 1
        person.amount += v.amount_yuan or 0
    for r in reports:
        reported = people.get(f"s{r.staff_id}")
        if reported is not None:
            reported.reports += 1
    ordered_items = sorted(items.values(), key=lambda i: _item_sort_key(i.code))
    return MonthFigures(
        month=month.start,
        branches=branches,
        items=ordered_items,
        people=sorted(people.values(), key=lambda p: (-p.amount, -p.count, p.name)),
        reports=reports,
        total_amount=sum(i.amount for i in ordered_items),
        total_count=sum(i.count for i in ordered_items),
        pending_calendar=pending,
        rules_ref=rules.ref,
    )


def _missing_text(grid: PatrolGrid) -> list[str]:
    """The rounds not patrolled, by day: "11-02 全天", "11-20 下午巡查"."""
    out = []
    for day, cells in grid.rows:
        missing = [c.round_label for c in cells if c.patrol is None]
        if missing:
            out.append(f"{day:%m-%d} " + ("全天" if len(missing) == len(cells) else "、".join(missing)))
    return out


def _item_sort_key(code: str) -> tuple[int, float, str]:
    try:
        return (0, float(code), code)
    except ValueError:
        return (1, 0.0, code)


def summaries(month: date | None = None) -> list[PatrolSummary]:
    qs = PatrolSummary.objects.prefetch_related("signatures").order_by("-month", "-submitted_at")
    if month is not None:
        qs = qs.filter(month=month)
    return list(qs[:24])


# --- Ledger ----------------------------------------------------------------------------


@dataclass
class Ledger:
    rows: list[Violation]
    total_amount: int
    count_active: int
    reports: list[UnitReport]
    repeat_keys: set[tuple[int, str, date]]


def ledger(
    user: User,
    *,
    period: Period,
    branch_id: int | None = None,
    staff_id: int | None = None,
    item_code: str = "",
    source: str = "",
    include_reversed: bool = True,
    limit: int = 500,
) -> Ledger:
    qs = Violation.objects.visible_to(user).filter(occurred_on__gte=period.start, occurred_on__lte=period.end)
    if branch_id:
        qs = qs.filter(branch_id=branch_id)
    if staff_id:
        qs = qs.filter(staff_id=staff_id)
    if item_code:
        qs = qs.filter(item_code=item_code)
    if source:
        qs = qs.filter(source=source)
    if not include_reversed:
        qs = qs.filter(kind="entry", status=ViolationStatus.ACTIVE)
    total = qs.aggregate(total=Sum("amount_yuan"))["total"] or 0
    count_active = qs.filter(kind="entry", status=ViolationStatus.ACTIVE).count()
    rows = list(
        qs.select_related("staff", "branch", "window__branch", "reverses", "patrol")
        .prefetch_related("unit_reports")
        .order_by("-occurred_on", "-id")[:limit]
    )
    reports_qs = UnitReport.objects.visible_to(user).filter(
        month__gte=period.start.replace(day=1), month__lte=period.end
    )
    if staff_id:
        reports_qs = reports_qs.filter(staff_id=staff_id)
    if branch_id:
        reports_qs = reports_qs.filter(staff__branch_id=branch_id)
    reports = list(reports_qs.select_related("staff", "trigger").order_by("-month", "-created_at"))
    repeat_keys = {
        (r.staff_id, r.item_code, r.month)
        for r in reports
        if r.status in (ReportStatus.PENDING, ReportStatus.SENT)
    }
    return Ledger(rows, total, count_active, reports, repeat_keys)


def violation_for_user(user: User, no: str) -> Violation:
    violation = (
        Violation.objects.visible_to(user)
        .select_related(
            "staff__department", "branch", "window__branch", "patrol", "finding__inspection", "reverses"
        )
        .filter(no=no)
        .first()
    )
    if violation is None:
        raise Http404("没有这条违规记录，或您无权查看。")
    return violation


def month_count(violation: Violation) -> int:
    """How many active violations of this person under this item in its month."""
    if violation.staff_id is None:
        return 0
    month = Period.month(violation.occurred_on.year, violation.occurred_on.month)
    return (
        Violation.objects.active()
        .filter(
            staff_id=violation.staff_id,
            item_code=violation.item_code,
            occurred_on__gte=month.start,
            occurred_on__lte=month.end,
        )
        .count()
    )


def report_for_user(user: User, pk: int) -> UnitReport:
    report = UnitReport.objects.visible_to(user).select_related("staff", "trigger").filter(pk=pk).first()
    if report is None:
        raise Http404("没有这条通报，或您无权查看。")
    return report


def fine_items(on: date) -> list[tuple[str, str]]:
    try:
        rules = rules_in_force(RuleKind.FINES, on)
    except NoRulesInForce:
        return []
    return [(i.code, f"{i.code} {i.text}") for i in rules.params.items]


# --- Third party -----------------------------------------------------------------------


def tp_reports() -> list[ThirdPartyReport]:
    return list(
        ThirdPartyReport.objects.annotate(
            finding_count=Count("findings", distinct=True),
            issued_count=Count("findings__notice", distinct=True),
        ).order_by("-year", "-quarter", "-id")
    )


def tp_report_detail(pk: int) -> ThirdPartyReport:
    report = (
        ThirdPartyReport.objects.prefetch_related(
            Prefetch(
                "findings",
                queryset=ThirdPartyFinding.objects.select_related(
                    "branch", "window__branch", "staff", "notice"
                ),
            )
        )
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404("没有这份第三方检查报告。")
    return report


def notices(user: User, *, view: str = "", today: date | None = None) -> list[IssueNotice]:
    today = today or clock.today()
    qs = IssueNotice.objects.visible_to(user).select_related("branch", "finding__report", "finding__staff")
    if view == "overdue":
        qs = qs.overdue(today)
    elif view == "open":
        qs = qs.exclude(status="accepted")
    elif view == "review":
        qs = qs.filter(status="answered")
    return list(qs.order_by("deadline", "id"))


def notice_for_user(user: User, no: str) -> IssueNotice:
    notice = (
        IssueNotice.objects.visible_to(user)
        .select_related("branch", "finding__report", "finding__window__branch", "finding__staff", "issued_by")
        .prefetch_related("rectifications__responsible_staff")
        .filter(no=no)
        .first()
    )
    if notice is None:
        raise Http404("没有这份问题交办函，或您无权查看。")
    return notice


def notice_counts(user: User, today: date) -> dict[str, int]:
    qs = IssueNotice.objects.visible_to(user)
    return {
        "open": qs.exclude(status="accepted").count(),
        "overdue": qs.overdue(today).count(),
        "review": qs.filter(status="answered").count(),
    }


# --- Facilities ------------------------------------------------------------------------


@dataclass(frozen=True)
class FacilityState:
    facility: Facility
    state: str  # expired | expiring | ok | retired
    days_left: int

    @property
    def label(self) -> str:
        if self.state == "expired":
            return f"已过期{-self.days_left}天"
        if self.state == "expiring":
            return "今天到期" if self.days_left == 0 else f"{self.days_left}天后到期"
        if self.state == "retired":
            return "已停用"
        return "在有效期内"


def facility_state(facility: Facility, today: date, warn_days: int) -> FacilityState:
    days = (facility.valid_until - today).days
    if facility.status == FacilityStatus.RETIRED:
        return FacilityState(facility, "retired", days)
    if days < 0:
        return FacilityState(facility, "expired", days)
    if days <= warn_days:
        return FacilityState(facility, "expiring", days)
    return FacilityState(facility, "ok", days)


def facilities(
    user: User, *, today: date, branch_id: int | None = None, include_retired: bool = False
) -> list[FacilityState]:
    qs: QuerySet[Facility] = Facility.objects.visible_to(user).select_related("branch")
    if branch_id:
        qs = qs.filter(branch_id=branch_id)
    if not include_retired:
        qs = qs.filter(status=FacilityStatus.IN_SERVICE)
    warn = conf.facility_warn_days()
    return [facility_state(f, today, warn) for f in qs.order_by("valid_until", "branch__code", "id")]


def facilities_needing_attention(*, today: date, warn_days: int | None = None) -> list[FacilityState]:
    """Every facility in service that has expired or expires within the warning days."""
    warn = conf.facility_warn_days() if warn_days is None else warn_days
    qs = (
        Facility.objects.in_service()
        .filter(valid_until__lte=today + timedelta(days=warn))
        .select_related("branch")
    )
    return [facility_state(f, today, warn) for f in qs.order_by("valid_until", "branch__code")]


def facility_for_user(user: User, pk: int) -> Facility:
    facility = Facility.objects.visible_to(user).select_related("branch").filter(pk=pk).first()
    if facility is None:
        raise Http404("没有这项设施，或您无权查看。")
    return facility


# --- Overview --------------------------------------------------------------------------


def can_record_inspection(user: User, kind: str) -> bool:
    if kind == "leader":
        return has_role(user, Role.LEADER)
    return has_role(user, Role.INSPECTOR, Role.OFFICE)
