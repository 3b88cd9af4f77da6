"""Reads of the complaints: who may do which step, lists, deadline state, the
restricted view of the staff member complained about, and the inputs of the
appraisal (`valid_complaints_against`, `fines_for`, `sanctions_against`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from common import clock
from common.actors import staff_of
from common.periods import Period
from complaints.conf import party_committee_code
from complaints.models import (
    AWAITING_REPLY,
    Appeal,
    AppealStatus,
    Complaint,
    ComplaintQuerySet,
    Fine,
    PenaltyStatus,
    Sanction,
    Status,
)
from org.access import has_role
from org.models import Role, Staff
from rules.models import RuleSet
from rules.schemas import ComplaintParams

User = AbstractBaseUser | AnonymousUser


class Step(StrEnum):
    ACCEPT = "accept"
    SETTLE = "settle"
    CLASSIFY = "classify"
    DETERMINE = "determine"
    HANDLE = "handle"
    JOINT_REVIEW = "joint-review"
    REPORT = "report"
    REVIEW = "review"
    REPLY = "reply"
    FOLLOW_UP = "follow-up"
    ARCHIVE = "archive"
    DELAY = "delay"
    SANCTION = "sanction"
    APPEAL = "appeal"
    APPEAL_DECIDE = "appeal-decide"
    RESET_PASSWORD = "reset-password"
    REVEAL = "reveal"
    ATTACH = "attach"
    INCIDENT = "incident"


def is_party_committee(user: User) -> bool:
    staff = staff_of(user)
    department = staff.department if staff is not None else None
    return department is not None and department.code == party_committee_code()


def is_head_of_responsible_department(user: User, complaint: Complaint) -> bool:
    staff = staff_of(user)
    return bool(
        staff
        and complaint.responsible_department_id
        and staff.department_id == complaint.responsible_department_id
        and has_role(user, Role.HEAD)
    )


def complaint_allowed_steps(
    user: User, complaint: Complaint, *, pending_appeal: bool | None = None, today: date | None = None
) -> set[Step]:
    """The steps of 000 §五(四)8 this person may take now. The complaint office
    (业务管理处) runs the process; leaders may determine responsibility (§8(2)
    需报中心领导认定的) and record sanctions; the head of the responsible department
    handles the case and writes the report (§8(3)(5)) and may dispute the decision
    (§11); the party committee or a leader decides such a dispute."""
    today = today or clock.today()
    office = has_role(user, Role.OFFICE)
    leader = has_role(user, Role.LEADER)
    head = is_head_of_responsible_department(user, complaint)
    if pending_appeal is None:
        pending_appeal = complaint.appeals.filter(status=AppealStatus.PENDING).exists()
    status = complaint.status
    steps: set[Step] = set()
    if office:
        steps |= {Step.RESET_PASSWORD, Step.REVEAL, Step.ATTACH}
        if status == Status.RECEIVED:
            steps.add(Step.ACCEPT)
        if status in (Status.RECEIVED, Status.ACCEPTED):
            steps.add(Step.SETTLE)  # only on the day of receipt: the service says so if not
        if status == Status.ACCEPTED:
            steps.add(Step.CLASSIFY)
        if status == Status.CLASSIFIED and not complaint.is_valid:
            steps.add(Step.REPLY)
        if status in (Status.HANDLING, Status.REPORTING):
            steps.add(Step.HANDLE if status == Status.HANDLING else Step.REPORT)
        if status == Status.JOINT_REVIEW:
            steps.add(Step.JOINT_REVIEW)
        if status == Status.REPORT_REVIEW:
            steps.add(Step.REVIEW)
        if status == Status.REPLYING:
            steps.add(Step.REPLY)
        if status == Status.FOLLOW_UP:
            steps.add(Step.FOLLOW_UP)
        if status == Status.CLOSED and not pending_appeal:
            steps.add(Step.ARCHIVE)
        if status in AWAITING_REPLY:
            steps.add(Step.DELAY)
    if leader:
        steps.add(Step.REVEAL)
    if (office or leader or head) and status != Status.ARCHIVED:
        steps.add(Step.INCIDENT)
    if (office or leader) and status == Status.CLASSIFIED and complaint.is_valid:
        steps.add(Step.DETERMINE)
    if (office or leader) and complaint.is_valid and complaint.determined_at and status != Status.ARCHIVED:
        steps.add(Step.SANCTION)
    if head:
        steps.add(Step.ATTACH)
        if status == Status.HANDLING:
            steps.add(Step.HANDLE)
        if status == Status.REPORTING:
            steps.add(Step.REPORT)
        if complaint.determined_at and status != Status.ARCHIVED and not pending_appeal:
            steps.add(Step.APPEAL)
    if pending_appeal and (leader or is_party_committee(user)):
        steps.add(Step.APPEAL_DECIDE)
    return steps


def complaint_for_user(user: User, no: str) -> Complaint:
    """The complaint if this user may see its contents, else 404."""
    complaint = (
        Complaint.objects.visible_to(user)
        .select_related(
            "owner",
            "branch",
            "window__branch",
            "department",
            "staff__department",
            "responsible_department",
            "registered_by",
        )
        .prefetch_related(
            "responsible_staff",
            "events",
            "attachments",
            "handlings__department",
            "joint_reviews",
            "reports",
            "replies",
            "follow_ups",
            "delays__leader",
            Prefetch("appeals", queryset=Appeal.objects.select_related("department")),
            Prefetch("sanctions", queryset=Sanction.objects.select_related("staff")),
            Prefetch("fines", queryset=Fine.objects.select_related("staff")),
        )
        .filter(no=no)
        .first()
    )
    if complaint is None:
        raise Http404("没有这件投诉，或您无权查看。")
    return complaint


def complaint_rules(complaint: Complaint) -> ComplaintParams:
    """The complaint rule set the complaint was received under (its recorded version)."""
    code, _, version = complaint.rules_ref.partition("@")
    row = RuleSet.objects.get(code=code, version=int(version))
    params = row.parsed()
    assert isinstance(params, ComplaintParams)
    return params


# --- Deadline state ---------------------------------------------------------------


def deadline_flags(complaint: Complaint, today: date | None = None) -> list[tuple[str, str]]:
    """(css class, text) of the time limit of a complaint not yet answered (§7):
    待日历 (unpublished year), 已逾期, 今日到期, 即将到期 (past the warning line)."""
    if complaint.status not in AWAITING_REPLY:
        return []
    today = today or clock.today()
    if complaint.deadline_pending:
        return [("amber", "期限待日历发布")]
    flags: list[tuple[str, str]] = []
    due = complaint.reply_due
    if due is None:
        return flags
    if due < today:
        flags.append(("red", "已逾期"))
        if complaint.extended_due and complaint.extended_due >= today:
            flags.append(("amber", f"领导同意延至{complaint.extended_due:%m-%d}"))
    elif due == today:
        flags.append(("amber", "今日到期"))
    elif complaint.warn_on and complaint.warn_on < today:
        flags.append(("amber", "即将到期"))
    return flags


def overdue_q(today: date) -> Q:
    """逾期未答复: awaiting a reply with the reply date before today (the one definition the
    lists, the dashboard and the statistics share)."""
    return Q(status__in=AWAITING_REPLY, reply_due__lt=today)


def due_soon_q(today: date) -> Q:
    """临近时限: awaiting a reply, due today or past the warning day, not yet overdue."""
    return Q(status__in=AWAITING_REPLY, reply_due__gte=today) & (Q(reply_due=today) | Q(warn_on__lt=today))


def overdue(qs: ComplaintQuerySet, today: date) -> ComplaintQuerySet:
    return qs.filter(overdue_q(today))


def due_soon(qs: ComplaintQuerySet, today: date) -> ComplaintQuerySet:
    return qs.filter(due_soon_q(today))


# --- Lists ---------------------------------------------------------------------------

LIST_FILTERS = {
    "todo": "待办",
    "open": "未办结",
    "due_soon": "即将到期",
    "overdue": "已逾期",
    "pending_calendar": "期限待日历",
    "closed": "已办结",
    "all": "全部",
}


def complaint_list(
    user: User,
    *,
    view: str = "open",
    class_code: str = "",
    channel: str = "",
    year: int | None = None,
    query: str = "",
    today: date | None = None,
    limit: int = 300,
) -> list[Complaint]:
    today = today or clock.today()
    qs = (
        Complaint.objects.visible_to(user)
        .select_related("owner", "staff", "branch", "responsible_department")
        .order_by("-received_at", "-id")
    )
    if view == "todo":
        qs = qs.filter(_todo_q(user))
    elif view == "open":
        qs = qs.open()
    elif view == "due_soon":
        qs = due_soon(qs, today)
    elif view == "overdue":
        qs = overdue(qs, today)
    elif view == "pending_calendar":
        qs = qs.filter(deadline_pending=True, status__in=AWAITING_REPLY)
    elif view == "closed":
        qs = qs.filter(status__in=[Status.CLOSED, Status.ARCHIVED])
    if class_code:
        qs = qs.filter(class_code="" if class_code == "none" else class_code)
    if channel:
        qs = qs.filter(channel=channel)
    if year:
        qs = qs.filter(received_on__year=year)
    if query:
        qs = qs.filter(Q(no__icontains=query) | Q(subject__icontains=query) | Q(matter__icontains=query))
    return list(qs[:limit])


def _todo_q(user: User) -> Q:
    """What waits for this person: the office's steps, or the department's."""
    staff = staff_of(user)
    q = Q(pk__in=[])
    if has_role(user, Role.OFFICE):
        q |= Q(
            status__in=[
                Status.RECEIVED,
                Status.ACCEPTED,
                Status.CLASSIFIED,
                Status.JOINT_REVIEW,
                Status.REPORT_REVIEW,
                Status.REPLYING,
                Status.FOLLOW_UP,
                Status.CLOSED,
            ]
        )
    if has_role(user, Role.LEADER):
        q |= Q(status=Status.CLASSIFIED)
    if staff and staff.department_id and has_role(user, Role.HEAD):
        q |= Q(responsible_department_id=staff.department_id, status__in=[Status.HANDLING, Status.REPORTING])
    if staff and (has_role(user, Role.LEADER) or is_party_committee(user)):
        q |= Q(appeals__status=AppealStatus.PENDING)
    return q


@dataclass(frozen=True)
class Counters:
    received: int
    open: int
    due_soon: int
    overdue: int
    pending_calendar: int


def counters(user: User, today: date | None = None) -> Counters:
    today = today or clock.today()
    qs = Complaint.objects.visible_to(user)
    awaiting = Q(status__in=AWAITING_REPLY)
    row = qs.aggregate(
        received=Count("pk", filter=Q(status=Status.RECEIVED)),
        open=Count("pk", filter=~Q(status__in=[Status.CLOSED, Status.ARCHIVED])),
        due_soon=Count(
            "pk",
            filter=awaiting & Q(reply_due__gte=today) & (Q(reply_due=today) | Q(warn_on__lt=today)),
        ),
        overdue=Count("pk", filter=awaiting & Q(reply_due__lt=today)),
        pending_calendar=Count("pk", filter=awaiting & Q(deadline_pending=True)),
    )
    return Counters(**row)


def pending_calendar() -> list[Complaint]:
    """Complaints whose time limit waits for a year's holiday notice. Only numbers
    and dates: the administrator who publishes the calendar does not read complaints."""
    return list(
        Complaint.objects.filter(deadline_pending=True, status__in=AWAITING_REPLY)
        .only("no", "received_on", "clock_start_on", "limit_days", "status", "channel")
        .order_by("received_on")
    )


def party_committee_filings(user: User) -> list[Complaint]:
    """Responsibility findings filed with the party committee (§8(2)) and disputes (§11)."""
    return list(
        Complaint.objects.visible_to(user)
        .filter(Q(filed_with_party_committee_at__isnull=False) | Q(appeals__isnull=False))
        .select_related("responsible_department")
        .prefetch_related("responsible_staff", "appeals")
        .distinct()
        .order_by("-filed_with_party_committee_at")
    )


# --- The staff member complained about ---------------------------------------------


@dataclass(frozen=True)
class ConcerningMe:
    complaint: Complaint
    sanctions: list[Sanction]
    fines: list[Fine]


def complaints_concerning(staff: Staff | None) -> list[ConcerningMe]:
    """What the process shows the person found responsible: number, dates, class,
    the finding, and the sanctions and fines against them — not the complainant, not
    the contents, not internal notes (issue #7 "Protection")."""
    if staff is None:
        return []
    rows = (
        Complaint.objects.filter(responsible_staff=staff, determined_at__isnull=False)
        .select_related("responsible_department")
        .prefetch_related(
            Prefetch("sanctions", queryset=Sanction.objects.filter(staff=staff)),
            Prefetch("fines", queryset=Fine.objects.filter(staff=staff)),
        )
        .order_by("-determined_at")
    )
    return [ConcerningMe(c, list(c.sanctions.all()), list(c.fines.all())) for c in rows]


# --- Inputs of the appraisal (appraisal app, later) ---------------------------------


def valid_complaints_against(staff: Staff, period: Period) -> QuerySet[Complaint]:
    """Valid complaints (经查实的重大投诉和一般投诉, 000 §五(四)9) found against the
    staff member with `verified_on` in the period — the one-vote veto of the
    appraisal counts the quarter in which a complaint was verified (002 篇2 二(三))."""
    return Complaint.objects.filter(
        responsible_staff=staff,
        is_valid=True,
        verified_on__gte=period.start,
        verified_on__lte=period.end,
    ).order_by("verified_on", "id")


def quarter_vetoed(staff: Staff, year: int, quarter: int) -> bool:
    """True when a valid complaint marks this person's quarter (no 优秀 that quarter)."""
    return valid_complaints_against(staff, Period.quarter(year, quarter)).exists()


def fines_for(staff: Staff, period: Period) -> list[Fine]:
    """The complaint penalties in force against the person, verified in the period."""
    return list(
        Fine.objects.filter(
            staff=staff,
            status=PenaltyStatus.ACTIVE,
            verified_on__gte=period.start,
            verified_on__lte=period.end,
        )
        .select_related("complaint")
        .order_by("verified_on", "id")
    )


def sanctions_against(staff: Staff, period: Period) -> list[Sanction]:
    """Sanctions (批评教育 … 记大过, §9) in force against the person decided in the period."""
    return list(
        Sanction.objects.filter(
            staff=staff,
            status=PenaltyStatus.ACTIVE,
            decided_on__gte=period.start,
            decided_on__lte=period.end,
        )
        .select_related("complaint")
        .order_by("decided_on", "id")
    )
