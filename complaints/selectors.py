"""Reads of the complaints: who may do which step, lists, deadline state, the
restricted view of the staff member complained about, and the inputs of the
appraisal (`valid_complaints_against`, `fines_for`, `sanctions_against`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce
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


def concerns(user: User, complaint: Complaint) -> bool:
    """True when the complaint is about this person: named at intake or found responsible.
    Such a person never reads, handles or appeals it, whatever their role (issue 14)."""
    staff = staff_of(user)
    if staff is None:
        return False
    if complaint.staff_id == staff.pk:
        return True
    cache = getattr(complaint, "_prefetched_objects_cache", {})
    if "responsible_staff" in cache:
        return any(s.pk == staff.pk for s in cache["responsible_staff"])
    return complaint.responsible_staff.filter(pk=staff.pk).exists()


def recused_q() -> Q:
    """Complaints whose responsible department has no head who may handle them: every
    active head (部门负责人) of the department is the person complained about (or there
    is none). Such a complaint goes to the office (业务管理处) or a leader instead, who
    take the department's steps (部门办理, 办理报告) — 000 §五(四)8(3)(5) read with §11
    "秉持公正客观原则"."""
    responsible = Complaint.responsible_staff.through.objects.filter(complaint_id=OuterRef(OuterRef("pk")))
    free_heads = (
        Staff.objects.filter(
            department_id=OuterRef("responsible_department_id"),
            is_active=True,
            user__is_active=True,
            user__groups__name=Role.HEAD.label,
        )
        .exclude(pk=Coalesce(OuterRef("staff_id"), Value(0)))
        .exclude(pk__in=responsible.values("staff_id"))
    )
    return Q(~Exists(free_heads), responsible_department__isnull=False)


def department_recused(complaint: Complaint) -> bool:
    """True when this complaint's department steps go to the office or a leader (`recused_q`)."""
    if complaint.responsible_department_id is None:
        return False
    return Complaint.objects.filter(pk=complaint.pk).filter(recused_q()).exists()


def complaint_allowed_steps(
    user: User, complaint: Complaint, *, pending_appeal: bool | None = None, today: date | None = None
) -> set[Step]:
    """The steps of 000 §五(四)8 this person may take now. The complaint office
    (业务管理处) runs the process; leaders may determine responsibility (§8(2)
    需报中心领导认定的) and record sanctions; the head of the responsible department
    handles the case and writes the report (§8(3)(5)) and may dispute the decision
    (§11); the party committee or a leader decides such a dispute."""
    today = today or clock.today()
    if concerns(user, complaint):
        return set()  # never their own complaint, whatever the role (issue 14)
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
    if leader and status in (Status.HANDLING, Status.REPORTING) and department_recused(complaint):
        # The department's head is the person complained about: a leader may take its steps.
        steps |= {Step.ATTACH, Step.HANDLE if status == Status.HANDLING else Step.REPORT}
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
        # The department's steps of a complaint whose head is the person complained about.
        q |= Q(status__in=[Status.HANDLING, Status.REPORTING]) & recused_q()
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


def pending_calendar(user: User | None = None) -> list[Complaint]:
    """Complaints whose time limit waits for a year's holiday notice. Only numbers
    and dates: the administrator who publishes the calendar does not read complaints —
    and one the viewer is complained about is not listed at all (issue 14)."""
    staff = staff_of(user) if user is not None else None
    return list(
        Complaint.objects.not_concerning(staff.pk if staff else None)
        .filter(deadline_pending=True, status__in=AWAITING_REPLY)
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
    """One complaint as the person it concerns sees it: the number, the category (the
    scope of 000 §五(四)5 and the class of §6), the dates and the outcome — never the
    complainant, their words (subject, content, suggestion) or internal notes."""

    pk: int
    no: str
    received_on: date
    determined_on: date | None
    verified_on: date | None
    categories: list[str]
    class_label: str
    department: str
    state: str
    sanctions: list[Sanction]
    fines: list[Fine]


def complaint_categories(complaint: Complaint, labels: dict[str, dict[str, str]] | None = None) -> list[str]:
    """The scope categories (受理范围, 000 §五(四)5) of a complaint in its rule set's words:
    what the person complained about is told instead of the complainant's words.
    `labels` caches the rule sets' texts by `rules_ref` across a list."""
    labels = {} if labels is None else labels
    if complaint.rules_ref not in labels:
        labels[complaint.rules_ref] = {s.code: s.text for s in complaint_rules(complaint).scope}
    texts = labels[complaint.rules_ref]
    return [texts.get(code, code) for code in complaint.scope_codes] or ["未分类"]


def complaints_concerning(staff: Staff | None) -> list[ConcerningMe]:
    """What the process shows the person found responsible: number, dates, category,
    class, the finding's department, whether it is closed, and the sanctions and fines
    against them — not the complainant, not the contents, not internal notes (issue #7
    "Protection", issue 14)."""
    if staff is None:
        return []
    rows = (
        Complaint.objects.filter(responsible_staff=staff, determined_at__isnull=False)
        .select_related("responsible_department")
        .only(
            "no",
            "received_on",
            "determined_at",
            "verified_on",
            "scope_codes",
            "rules_ref",
            "class_code",
            "status",
            "responsible_department__name",
        )
        .prefetch_related(
            Prefetch("sanctions", queryset=Sanction.objects.filter(staff=staff)),
            Prefetch("fines", queryset=Fine.objects.filter(staff=staff)),
        )
        .order_by("-determined_at")
    )
    labels: dict[str, dict[str, str]] = {}
    return [
        ConcerningMe(
            pk=c.pk,
            no=c.no,
            received_on=c.received_on,
            determined_on=clock.local_date(c.determined_at) if c.determined_at else None,
            verified_on=c.verified_on,
            categories=complaint_categories(c, labels),
            class_label=c.get_class_code_display() if c.class_code else "尚未定性",
            department=c.responsible_department.name if c.responsible_department else "",
            state="已办结" if c.status in (Status.CLOSED, Status.ARCHIVED) else "办理中",
            sanctions=list(c.sanctions.all()),
            fines=list(c.fines.all()),
        )
        for c in rows
    ]


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
