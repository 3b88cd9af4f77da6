"""Reads of cases: the rule set a case runs under, one case for a user, the worklists and
their counters, the facts the overdue conditions read, the office's overdue report, the
cases waiting for the calendar, and what the applicant may see (the look-up by receipt
number and query password included)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from cases import access, deadlines
from cases.models import (
    OPEN,
    PENDING_EXTENSION,
    Case,
    CaseEvent,
    CaseMaterial,
    CaseStatus,
    DeliveryMethod,
    Escalation,
    EscalationStatus,
    Extension,
    ExtensionStatus,
    Handover,
    HandoverStatus,
    MaterialStatus,
    Outcome,
    OverdueFinding,
    Reminder,
    ReminderKind,
)
from common import clock
from common.actors import staff_of
from common.passwords import check_against_nothing
from org.access import has_role
from org.models import Role, Staff
from rules.models import RuleKind, RuleSet
from rules.schemas import CaseTimeLimitParams, RejectionGround
from rules.selectors import rules_in_force
from workdays.calendar import CalendarNotPublished, calendar_index

User = AbstractBaseUser | AnonymousUser

# Running cases whose own limit still runs (an escalated case has met it by forwarding).
ON_THE_CLOCK = (CaseStatus.ACCEPTED, CaseStatus.JOINT)


def case_params(on: date) -> CaseTimeLimitParams:
    return rules_in_force(RuleKind.CASE_TIME_LIMIT, on).params


def rejection_grounds(on: date) -> list[RejectionGround]:
    """The legal grounds of 不予受理 in the rule set in force on `on` (the decision day)."""
    return list(case_params(on).rejection_grounds)


def params_of(case: Case) -> CaseTimeLimitParams:
    """The rule set the case was accepted under (its stored `rules_ref`); the one in force
    on the day of receipt for a case not accepted yet."""
    if case.rules_ref and "@" in case.rules_ref:
        code, _, version = case.rules_ref.rpartition("@")
        row = RuleSet.objects.filter(code=code, version=int(version)).first() if version.isdigit() else None
        if row is not None:
            return row.parsed()  # type: ignore[return-value]
    return case_params(case.received_on)


def case_for_user(user: User, receipt_no: str) -> Case:
    """A case the user may see, or 404 (a case outside the user's scope is not found
    either: its number says nothing)."""
    case = (
        Case.objects.visible_to(user)
        .select_related(
            "matter",
            "version",
            "branch",
            "branch__centre",
            "department",
            "window",
            "ticket",
            "first_responsible",
            "registered_by__staff",
            "decided_by__staff",
        )
        .filter(receipt_no=(receipt_no or "").strip().upper())
        .first()
    )
    if case is None:
        raise Http404("没有这个办件，或您无权查看。")
    return case


def case_for_user_unscoped(pk: int) -> Case:
    """A case just written by a service that checked access, re-read for its answer."""
    return Case.objects.select_related(
        "matter", "version", "branch", "branch__centre", "department", "ticket", "first_responsible"
    ).get(pk=pk)


def due_of(case: Case, *, today: date, due_soon_days: int) -> deadlines.Due | None:
    """The deadline state of a case whose clock runs; None for a finished case or one
    waiting for materials."""
    if case.status not in ON_THE_CLOCK:
        return None
    try:
        return deadlines.due_state(
            calendar_index(), deadline=case.deadline, today=today, due_soon_days=due_soon_days
        )
    except CalendarNotPublished:
        return deadlines.Due(deadlines.DueState.PENDING, None)


def _local_day(moment: Any) -> date | None:
    return clock.local_date(moment) if moment is not None else None


def overdue_facts(case: Case) -> deadlines.OverdueFacts:
    """What the overdue conditions of 000 §五(二)5 read of a case."""
    escalation = Escalation.objects.filter(case=case).first()
    extensions = list(Extension.objects.filter(case=case).values_list("status", "late"))
    decided_on = _local_day(case.decided_at)
    notified_on = _local_day(case.notified_at)
    pickup = case.delivery_method == DeliveryMethod.PICKUP
    if escalation is not None:
        # Forwarding ends the centre's own limit (002 篇5 §三4②③); the applicant was told.
        decided_on = notified_on = escalation.forwarded_on
        pickup = True
    return deadlines.OverdueFacts(
        deadline=case.deadline,
        decided_on=decided_on,
        notified_on=notified_on,
        delivered_on=_local_day(case.delivered_at),
        pickup=pickup,
        extension_pending_in_time=any(s in PENDING_EXTENSION and not late for s, late in extensions),
        late_extension=any(late for _, late in extensions),
    )


def escalation_needs_explanation(escalation: Escalation, today: date) -> bool:
    """No reply by the end of the rule set's days: the window owes the centre a written
    explanation (002 篇5 §三4)."""
    return (
        escalation.status == EscalationStatus.FORWARDED
        and not escalation.explanation
        and today > escalation.explain_after
    )


def heads_of(department_id: int | None, branch_id: int | None) -> list[Staff]:
    """The active department heads of a department or a branch (reminders go to them)."""
    if department_id is None and branch_id is None:
        return []
    condition = Q()
    if department_id is not None:
        condition |= Q(department_id=department_id)
    if branch_id is not None:
        condition |= Q(branch_id=branch_id)
    return list(
        Staff.objects.filter(condition, is_active=True, user__groups__name=Role.HEAD.label).distinct()
    )


def finished_on_time(case: Case) -> bool | None:
    """For a decided case: whether the decision came by the deadline."""
    if case.decided_at is None or case.deadline is None:
        return None

    return clock.local_date(case.decided_at) <= case.deadline


# ---------------------------------------------------------------------------------------
# Worklists


@dataclass(frozen=True)
class View:
    key: str
    label: str
    hint: str


VIEWS = [
    View("mine", "我的办件", "我作为第一责任人、尚未办结的办件"),
    View("today", "今日到期", "办结期限为今天"),
    View("soon", "即将到期", "进入到期提醒期（规则集的即将到期工作日数）"),
    View("overdue", "已超时", "超过办结期限未办结，或已认定超时办结、尚未结束"),
    View("supplement", "待补正", "已出具补办件通知单，等待申请人补齐材料"),
    View("joint", "等待相关部门", "联办件，相关部门尚未全部反馈意见"),
    View("handovers", "交我部门联办", "其他部门交接给本部门、待反馈意见"),
    View("escalated", "等待上级批复", "上报件已转报，等待批复"),
    View("explain", "待书面解释", "上报件超过批复期限，须向中心作出书面解释"),
    View("extensions", "待审批延期", "需要我签署意见或审批的延期申请"),
    View("deliver", "待送达", "已办结，办理结果尚未交付申请人"),
    View("review", "复核申请", "申请人对不予受理申请复核"),
    View("pending", "期限待日历", "办结期限所在年度的节假日安排尚未发布"),
    View("all", "全部办件", "可查看的全部办件（最近的在前）"),
]
VIEW_KEYS = {v.key for v in VIEWS}


def views_for(user: User) -> list[View]:
    keys = {"today", "soon", "overdue", "supplement", "joint", "escalated", "explain", "deliver", "all"}
    if has_role(user, *access.HANDLE_ROLES):
        keys |= {"mine", "handovers"}
    if has_role(user, Role.HEAD, Role.LEADER):
        keys.add("extensions")
    if has_role(user, *access.REVIEW_ROLES):
        keys.add("review")
    if has_role(user, *access.PENDING_ROLES):
        keys.add("pending")
    return [v for v in VIEWS if v.key in keys]


def _soon_until(today: date, params: CaseTimeLimitParams) -> date:
    try:
        return calendar_index().add_workdays(today, params.due_soon_working_days)
    except CalendarNotPublished:
        return today


def due_today_q(today: date) -> Q:
    """今日到期: on the clock with today's deadline (the worklist and the dashboard)."""
    return Q(status__in=ON_THE_CLOCK, deadline=today)


def overdue_open_q(today: date) -> Q:
    """已超时: on the clock past the deadline, or found overdue and still open (000 §五(二)5;
    the worklist and the dashboard)."""
    return Q(status__in=ON_THE_CLOCK, deadline__lt=today) | Q(overdue=True, status__in=OPEN)


def _case_filter(key: str, user: User, today: date, soon_until: date) -> Q | None:
    staff = staff_of(user)
    running = Q(status__in=ON_THE_CLOCK)
    filters: dict[str, Q] = {
        "mine": Q(first_responsible_id=getattr(staff, "pk", 0), status__in=OPEN),
        "today": due_today_q(today),
        "soon": running & Q(deadline__gt=today, deadline__lte=soon_until),
        "overdue": overdue_open_q(today),
        "supplement": Q(status=CaseStatus.SUPPLEMENT),
        "joint": Q(status=CaseStatus.JOINT),
        "escalated": Q(status=CaseStatus.ESCALATED),
        "explain": Q(
            status=CaseStatus.ESCALATED,
            escalation__status=EscalationStatus.FORWARDED,
            escalation__explanation="",
            escalation__explain_after__lt=today,
        ),
        "deliver": Q(status=CaseStatus.COMPLETED),
        "review": Q(status=CaseStatus.REVIEW),
        "pending": Q(deadline_pending=True, status__in=OPEN),
        "all": Q(),
    }
    if key == "handovers":
        department_id = getattr(staff, "department_id", None)
        return Q(handovers__status=HandoverStatus.OPEN, handovers__department_id=department_id or 0)
    if key == "extensions":
        return _extension_filter(user)
    return filters.get(key)


def _extension_filter(user: User) -> Q:
    """Extensions waiting for this user: a head signs requests of the cases in their
    branch or department; a leader approves what the heads agreed."""
    condition = Q(pk__in=[])
    staff = staff_of(user)
    if has_role(user, Role.HEAD) and staff is not None:
        mine = Q()
        if staff.branch_id is not None:
            mine |= Q(branch_id=staff.branch_id)
        if staff.department_id is not None:
            mine |= Q(department_id=staff.department_id)
        if mine:
            condition |= Q(extensions__status=ExtensionStatus.REQUESTED) & mine
    if has_role(user, Role.LEADER):
        condition |= Q(extensions__status=ExtensionStatus.HEAD_AGREED)
    return condition


def worklist_counts(user: User, *, today: date) -> dict[str, int]:
    """The counter of every tab the user has, in one query."""
    params = case_params(today)
    soon_until = _soon_until(today, params)
    keys = [v.key for v in views_for(user) if v.key != "all"]
    aggregates = {}
    for key in keys:
        condition = _case_filter(key, user, today, soon_until)
        if condition is not None:
            aggregates[key] = Count("pk", filter=condition, distinct=True)
    if not aggregates:
        return {}
    # Every tab counted here lists open cases only: scanning just those (status index)
    # keeps the counters fast with a year of closed cases behind them.
    return dict(Case.objects.visible_to(user).filter(status__in=OPEN).aggregate(**aggregates))


def worklist(user: User, key: str, *, today: date, q: str = "", limit: int = 200) -> list[Case]:
    if key not in VIEW_KEYS or key not in {v.key for v in views_for(user)}:
        key = "all"
    params = case_params(today)
    condition = _case_filter(key, user, today, _soon_until(today, params)) or Q()
    qs: QuerySet[Case] = Case.objects.visible_to(user).filter(condition)
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(receipt_no__icontains=q)
            | Q(applicant_name__icontains=q)
            | Q(version__name__icontains=q)
            | Q(matter__code__iexact=q)
        )
    qs = qs.select_related("matter", "version", "branch", "department", "first_responsible").distinct()
    order = ("-received_at", "-pk") if key == "all" else ("deadline", "received_at", "pk")
    qs = qs.order_by(*order)
    rows = list(qs[:limit])
    for case in rows:
        case.due = due_of(case, today=today, due_soon_days=params.due_soon_working_days)  # type: ignore[attr-defined]
    return rows


def reminders_for(user: User, *, today: date | None = None, limit: int = 20) -> list[Reminder]:
    """The person's reminders that still say something true today: one per case and kind
    (the daily sweep writes a row each day, so yesterday's unread "即将到期" and today's
    "今日到期" are one reminder), and only while its condition holds — a due-soon reminder
    until the case is decided or overdue, an overdue one until the result is delivered,
    an explanation until it is recorded, a handover until its department answers. The
    text is written again from today's facts (`display_text`): a reminder written
    yesterday as "将于今天到期" is not shown so today."""
    staff = staff_of(user)
    if staff is None:
        return []
    today = today or clock.today()
    rows = (
        Reminder.objects.filter(staff=staff, seen_at__isnull=True)
        .select_related("case", "case__version", "case__escalation")
        .order_by("-created_at", "-pk")
    )
    latest: dict[tuple[int, str], Reminder] = {}
    for reminder in rows:
        latest.setdefault((reminder.case_id, reminder.kind), reminder)
    if not latest:
        return []
    kinds = {kind for _, kind in latest}
    due_soon_days = case_params(today).due_soon_working_days if ReminderKind.DUE_SOON in kinds else 0
    handovers: dict[int, date | None] = {}
    if ReminderKind.HANDOVER in kinds and staff.department_id is not None:
        handovers = dict(
            Handover.objects.filter(
                case_id__in=[case_id for case_id, kind in latest if kind == ReminderKind.HANDOVER],
                department_id=staff.department_id,
                status=HandoverStatus.OPEN,
                due_on__lte=today,
            )
            .order_by("due_on")
            .values_list("case_id", "due_on")
        )
    current = []
    for reminder in latest.values():
        text = _reminder_text(reminder, today=today, due_soon_days=due_soon_days, handovers=handovers)
        if text is not None:
            reminder.display_text = text  # type: ignore[attr-defined]
            current.append(reminder)
    return current[:limit]


def _day(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else "—"


def _reminder_text(
    reminder: Reminder, *, today: date, due_soon_days: int, handovers: dict[int, date | None]
) -> str | None:
    """What the reminder says today, or None when its condition no longer holds."""
    case = reminder.case
    name = f"受理编号{case.receipt_no}（{case.version.name}）"
    if reminder.kind == ReminderKind.DUE_SOON:
        due = due_of(case, today=today, due_soon_days=due_soon_days)
        if due is None or due.state not in (deadlines.DueState.DUE_SOON, deadlines.DueState.DUE_TODAY):
            return None
        when = "今天" if case.deadline == today else _day(case.deadline)
        return f"办件提醒：{name}将于{when}到期，请按时办结并告知申请人。"
    if reminder.kind == ReminderKind.OVERDUE:
        if case.status in (CaseStatus.DELIVERED, CaseStatus.REJECTED, CaseStatus.WITHDRAWN):
            return None
        return reminder.text
    if reminder.kind == ReminderKind.EXPLAIN:
        try:
            escalation = case.escalation
        except ObjectDoesNotExist:
            return None
        return reminder.text if escalation_needs_explanation(escalation, today) else None
    if reminder.kind == ReminderKind.HANDOVER:
        if case.pk not in handovers:
            return None
        if handovers[case.pk] == today:
            return reminder.text
        return reminder.text.replace("联办意见今天到期", "联办意见已超过反馈期限")
    return reminder.text


def handovers_for_department(user: User) -> list[Handover]:
    staff = staff_of(user)
    if staff is None or staff.department_id is None:
        return []
    return list(
        Handover.objects.filter(department_id=staff.department_id, status=HandoverStatus.OPEN)
        .select_related("case", "case__version", "case__branch")
        .order_by("due_on", "registered_at")
    )


# ---------------------------------------------------------------------------------------
# One case


def case_detail(case: Case) -> dict[str, Any]:
    """The parts of a case page: materials, supplement, extensions, handovers,
    escalation, review, overdue findings, the full timeline."""
    return {
        "materials": list(
            CaseMaterial.objects.filter(case=case).select_related("material").order_by("material__order")
        ),
        "supplement": getattr(case, "supplement", None) if _has(case, "supplement") else None,
        "extensions": list(
            Extension.objects.filter(case=case).select_related(
                "requested_by__staff", "head_by__staff", "leader_by__staff"
            )
        ),
        "handovers": list(
            Handover.objects.filter(case=case).select_related(
                "department", "answered_by__staff", "registered_by__staff"
            )
        ),
        "escalation": Escalation.objects.filter(case=case).select_related("forwarded_by__staff").first(),
        "review": getattr(case, "review", None) if _has(case, "review") else None,
        "findings": list(OverdueFinding.objects.filter(case=case).order_by("found_at")),
        "events": list(
            CaseEvent.objects.filter(case=case).select_related("actor__staff").order_by("at", "pk")
        ),
    }


def _has(case: Case, relation: str) -> bool:
    try:
        getattr(case, relation)
    except ObjectDoesNotExist:  # the reverse one-to-one row does not exist
        return False
    return True


def pending_extension(case: Case) -> Extension | None:
    return Extension.objects.filter(case=case, status__in=PENDING_EXTENSION).first()


# ---------------------------------------------------------------------------------------
# The office's report: overdue cases by branch and department, with their reasons


@dataclass
class OverdueGroup:
    branch: str
    department: str
    cases: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    @property
    def reason_list(self) -> list[tuple[str, int]]:
        # Templates cannot call Counter.most_common (a Counter answers any key with 0).
        return self.reasons.most_common()


@dataclass
class OverdueReport:
    start: date
    end: date
    groups: list[OverdueGroup]
    cases: list[Case]
    reason_totals: Counter[str]
    running_late: list[Case]

    @property
    def reason_list(self) -> list[tuple[str, int]]:
        return self.reason_totals.most_common()


def overdue_report(
    user: User, *, start: date, end: date, today: date, branch_id: int | None = None
) -> OverdueReport:
    """Cases found overdue in [start, end] (the day of the finding), grouped by branch and
    department with the conditions of 000 §五(二)5 that were found; and the cases running
    past their deadline right now that the next sweep will flag."""
    findings = (
        OverdueFinding.objects.filter(
            found_at__date__range=(start, end), case__in=Case.objects.visible_to(user)
        )
        .select_related("case", "case__branch", "case__department")
        .order_by("case__branch__code", "case__department__code", "found_at")
    )
    if branch_id:
        findings = findings.filter(case__branch_id=branch_id)
    by_case: dict[int, list[OverdueFinding]] = defaultdict(list)
    for f in findings:
        by_case[f.case_id].append(f)
    cases = list(
        Case.objects.filter(pk__in=by_case)
        .select_related("matter", "version", "branch", "department", "first_responsible")
        .order_by("branch__code", "department__code", "deadline", "pk")
    )
    groups: dict[tuple[str, str], OverdueGroup] = {}
    totals: Counter[str] = Counter()
    for case in cases:
        key = (case.branch.name, case.department.name if case.department else "（未指定处室）")
        group = groups.setdefault(key, OverdueGroup(*key))
        group.cases += 1
        reasons = by_case[case.pk]
        case.findings = reasons  # type: ignore[attr-defined]
        for f in reasons:
            group.reasons[f.text] += 1
            totals[f.text] += 1
    running = (
        Case.objects.visible_to(user)
        .filter(status__in=ON_THE_CLOCK, deadline__lt=today)
        .select_related("matter", "version", "branch", "department", "first_responsible")
        .order_by("deadline", "pk")
    )
    if branch_id:
        running = running.filter(branch_id=branch_id)
    return OverdueReport(
        start=start,
        end=end,
        groups=list(groups.values()),
        cases=cases,
        reason_totals=totals,
        running_late=list(running[:200]),
    )


def pending_calendar(user: User) -> tuple[list[Case], list[Handover]]:
    cases = list(
        Case.objects.visible_to(user)
        .filter(deadline_pending=True)
        .select_related("version", "branch", "first_responsible")
        .order_by("pending_year", "accepted_on", "pk")
    )
    handovers = list(
        Handover.objects.filter(
            due_pending=True, status=HandoverStatus.OPEN, case__in=Case.objects.visible_to(user)
        )
        .select_related("case", "department")
        .order_by("registered_on")
    )
    return cases, handovers


# ---------------------------------------------------------------------------------------
# What the applicant sees (002 篇5 §四3)


def case_public_lookup(receipt_no: str, password: str) -> Case | None:
    """The case for a receipt number and its query password, or None — the same None,
    after the same work, for an unknown number and a wrong password."""
    number = (receipt_no or "").strip().upper()
    case = Case.objects.filter(receipt_no=number).first() if number else None
    if case is None:
        check_against_nothing(password)
        return None
    if not check_password((password or "").strip(), case.query_password_hash):
        return None
    return case


def public_timeline(case: Case) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case, public=True).order_by("at", "pk"))


def next_step(case: Case, *, due: deadlines.Due | None) -> str:
    status = case.status
    where = case.branch.name
    if status == CaseStatus.SUPPLEMENT:
        return (
            f"请按补办件通知单补齐或补正材料，到{where}窗口提交。"
            "补齐之日为正式受理之日，办理时限从次日起计算。"
        )
    if status == CaseStatus.ACCEPTED:
        if case.deadline_pending:
            return "承办人正在办理。办结日期将在节假日安排发布后确定并短信告知您。"
        return f"承办人正在办理，将于{_fmt(case.deadline)}前办结并通知您。"
    if status == CaseStatus.JOINT:
        return f"相关部门正在提出审批意见，牵头部门将于{_fmt(case.deadline)}前作出决定并通知您。"
    if status == CaseStatus.ESCALATED:
        return "已报上级审批，受理窗口负责联系，批复后即通知您。"
    if status == CaseStatus.COMPLETED:
        if case.delivery_method == DeliveryMethod.PICKUP:
            return f"请凭受理通知单到{where}领取办理结果。"
        if case.delivery_method == DeliveryMethod.MAIL:
            return "办理结果将邮寄给您，请注意查收。"
        return "办理结果将以电子方式送达。"
    if status == CaseStatus.DELIVERED:
        if case.outcome == Outcome.REFUSED:
            return "对不予批准有异议的，可向中心申请复核，也可依法申请行政复议或提起行政诉讼。"
        return "本次办理已经完成。欢迎您对本次服务作出评价。"
    if status == CaseStatus.REJECTED:
        reviewed = _has(case, "review")
        if reviewed:
            return "复核已维持不予受理。仍有异议的，可依法申请行政复议或提起行政诉讼。"
        return "对不予受理有异议的，可在本页申请复核，也可依法申请行政复议或提起行政诉讼。"
    if status == CaseStatus.REVIEW:
        return "中心业务管理处正在复核，复核意见将在本页公布并通知您。"
    return "本次申请已撤回。"


def _fmt(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"


def public_view(case: Case, *, today: date) -> dict[str, Any]:
    """Everything the query page and the query API show: never a staff note, never the
    applicant's numbers in full."""
    from common.identity import mask_name, mask_phone

    params = case_params(today)
    due = due_of(case, today=today, due_soon_days=params.due_soon_working_days)
    handler = case.first_responsible
    phone = (case.department.phone if case.department else "") or case.branch.phone
    missing = []
    if case.status in (CaseStatus.SUPPLEMENT, CaseStatus.REVIEW, CaseStatus.REJECTED):
        missing = [
            {"name": m.material.name, "note": m.note}
            for m in CaseMaterial.objects.filter(case=case, status=MaterialStatus.MISSING)
            .select_related("material")
            .order_by("material__order")
        ]
    review = ReviewView.of(case)
    return {
        "receipt_no": case.receipt_no,
        "matter_name": case.version.name,
        "matter_code": case.matter.code,
        "handling_type": case.get_handling_type_display(),
        "promised": case.promised_label,
        "branch": case.branch.name,
        "applicant": mask_name(case.applicant_name)
        if case.applicant_kind == "person"
        else case.applicant_name,
        "phone": mask_phone(case.applicant_phone),
        "status": case.status,
        "status_label": case.public_status,
        "received_on": case.received_on,
        "accepted_on": case.accepted_on,
        "deadline": case.deadline,
        "deadline_pending": case.deadline_pending,
        "due_label": due.text if due else "",
        "due_state": str(due.state) if due else "",
        "next_step": next_step(case, due=due),
        "handler": handler.name,
        "handler_phone": phone,
        "outcome": case.get_outcome_display() if case.outcome else "",
        "refusal_reason": case.refusal_reason if case.outcome == Outcome.REFUSED else "",
        "rejection_ground": case.rejection_ground_label if case.rejected_at else "",
        "rejection_reason": case.rejection_reason if case.rejected_at else "",
        "decided_at": case.decided_at,
        "delivered_at": case.delivered_at,
        "delivery_method": case.get_delivery_method_display(),
        "missing": missing,
        "timeline": [{"at": e.at, "text": e.public_note} for e in public_timeline(case)],
        "can_request_review": case.status == CaseStatus.REJECTED and review is None,
        "review": review,
    }


@dataclass(frozen=True)
class ReviewView:
    status: str
    status_label: str
    requested_at: Any
    decision: str
    decided_at: Any

    @classmethod
    def of(cls, case: Case) -> ReviewView | None:
        if not _has(case, "review"):
            return None
        r = case.review
        return cls(r.status, r.get_status_display(), r.requested_at, r.decision, r.decided_at)
