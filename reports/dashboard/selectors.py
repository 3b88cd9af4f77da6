"""The live hall figures (大厅实况) of one branch or of the whole centre.

What a head of a hall or the business management office watches during the day:
people waiting per business category (000 §二(三)3 green channel counted apart), the
longest current wait against the service target of the queue rule set, which windows
serve, are paused (000 §二(三)7 临时离柜) or closed and by whom (000 §四(二)2(1) 工号),
today's bad ratings (000 §五(五)4), cases due today or overdue (000 §五(二) 限时办结) and
complaints near or past their reply limit (000 §五(四)7).

Speed: one refresh is a fixed handful of queries whatever the number of branches —
every figure is grouped by branch in the database or read as one short list of today's
rows, on indexes keyed by (branch, service_date) / (rated_on, branch) / (status, deadline).
Live figures read the primary ("default"): they must show the last second's call, which
a read replica may not have yet (common/db.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, Q
from django.http import Http404

from cases.models import OPEN as CASE_OPEN
from cases.models import Case
from cases.selectors import due_today_q, overdue_open_q
from common import clock
from common.actors import staff_of
from complaints.models import AWAITING_REPLY, Complaint
from complaints.selectors import due_soon_q, overdue_q
from org.access import branch_scope, has_role, user_roles
from org.models import Branch, Category, Role, Window
from queueing.models import ACTIVE_CALL, IN_LINE, Queue, Ticket, TicketStatus, WindowStatus
from queueing.params import queue_rules
from ratings.models import Rating
from reports.figures import QueueFigures, half_up, percent_number
from reports.stats import rollup

User = AbstractBaseUser | AnonymousUser

# Who watches the hall: the head of a branch (own branch only), the business management
# office, the centre's leaders, inspectors (000 §五(六) supervision) and administrators.
DASHBOARD_ROLES = (Role.HEAD, Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.ADMIN)

# Complaints are protected (complaints.models.ComplaintQuerySet.visible_to): their
# figures are shown to the complaint office and leaders, and to a head for the
# complaints assigned to their department — to nobody else, not even as a count.
COMPLAINT_ROLES = (Role.OFFICE, Role.LEADER)

# What a window is doing now, in the order the page lists the counts.
WINDOW_SERVING = "serving"
WINDOW_CALLED = "called"
WINDOW_IDLE = "idle"
WINDOW_PAUSED = "paused"
WINDOW_CLOSED = "closed"
WINDOW_LABELS = {
    WINDOW_SERVING: "办理中",
    WINDOW_CALLED: "已叫号",
    WINDOW_IDLE: "空闲等待叫号",
    WINDOW_PAUSED: "暂停服务",
    WINDOW_CLOSED: "未开放",
}


# --- Access -----------------------------------------------------------------------------


def require_dashboard_access(user: User) -> None:
    if not has_role(user, *DASHBOARD_ROLES):
        raise PermissionDenied("大厅实况仅供部门负责人、业务管理处、中心领导、检查员和系统管理员查看。")


def dashboard_branches(user: User) -> list[Branch]:
    """The active branches the user may watch (a head: their own)."""
    require_dashboard_access(user)
    return list(Branch.objects.visible_to(user).filter(is_active=True).order_by("code"))


def dashboard_branch_for_user(user: User, code: str) -> Branch:
    """The branch of /dashboard/<code>/: 404 when there is none, 403 when it is not the
    user's to watch (a head of another branch)."""
    require_dashboard_access(user)
    branch = Branch.objects.filter(code=code, is_active=True).first()
    if branch is None:
        raise Http404(f"没有代码为 {code} 的管理部。")
    scope = branch_scope(user)
    if scope is not None and branch.pk not in scope:
        raise PermissionDenied("您只能查看本管理部的大厅实况。")
    return branch


def own_branch_code(user: User) -> str | None:
    """Where /dashboard/ sends a head: their own branch (None for centre-wide roles)."""
    scope = branch_scope(user)
    if scope is None:
        return None
    staff = staff_of(user)
    branch = getattr(staff, "branch", None)
    return branch.code if branch is not None and branch.pk in scope else None


# --- Figures ----------------------------------------------------------------------------


@dataclass
class BranchFigures:
    code: str
    name: str
    hall_state: str = ""
    queues: list[dict[str, Any]] = field(default_factory=list)
    waiting: int = 0
    waiting_priority: int = 0
    longest_wait: dict[str, Any] | None = None
    windows: list[dict[str, Any]] = field(default_factory=list)
    window_counts: dict[str, int] = field(default_factory=dict)
    taken: int = 0
    served: int = 0
    no_show: int = 0
    called: int = 0
    calls_last_hour: int = 0
    within_target: int = 0
    past_target: int = 0
    average_wait_minutes: float | None = None
    within_target_percent: float | None = None
    queue: QueueFigures = field(default_factory=QueueFigures)
    bad_ratings: list[dict[str, Any]] = field(default_factory=list)
    cases_due_today: int = 0
    cases_overdue: int = 0
    complaints_due_soon: int | None = None
    complaints_overdue: int | None = None


@dataclass
class HallDashboard:
    now: datetime
    today: date
    target_minutes: int
    target_share_percent: int
    rules_ref: str
    branches: list[BranchFigures]
    totals: BranchFigures
    complaints_visible: bool


def _complaint_scope(user: User) -> Q | None:
    """None = the user sees no complaint figures; else the filter of the ones they see."""
    roles = user_roles(user)
    staff = staff_of(user)
    # Never the complaints about the person looking, not even as a count (issue 14).
    mine = ~Q(pk__in=Complaint.objects.concerning(staff.pk).values("pk")) if staff is not None else Q()
    if roles & set(COMPLAINT_ROLES):
        return mine
    if Role.HEAD in roles:
        department_id = getattr(staff, "department_id", None)
        if department_id is not None:
            return Q(responsible_department_id=department_id) & mine
    return None


def hall_dashboard(user: User, branches: list[Branch], *, now: datetime | None = None) -> HallDashboard:
    """The live figures of `branches` (already checked against the user) and their totals."""
    now = now or clock.now()
    today = clock.local_date(now)
    rules = queue_rules(today)
    target = rules.params.wait_target_minutes
    ids = [b.pk for b in branches]
    figures = {
        b.pk: BranchFigures(code=b.code, name=b.name, hall_state=_hall_state(b, now)) for b in branches
    }

    _waiting(figures, ids, today, now)
    queues = _today_counts(figures, ids, today, now, target * 60)
    _windows(figures, ids)
    _bad_ratings(figures, ids, today)
    _cases(figures, ids, today)
    complaint_scope = _complaint_scope(user)
    unassigned_complaints = _complaints(figures, ids, today, complaint_scope)

    totals = _totals(list(figures.values()), queues, complaint_scope is not None, unassigned_complaints)
    return HallDashboard(
        now=now,
        today=today,
        target_minutes=target,
        target_share_percent=rules.params.wait_target_share_percent,
        rules_ref=rules.ref,
        branches=[figures[b.pk] for b in branches],
        totals=totals,
        complaints_visible=complaint_scope is not None,
    )


def _hall_state(branch: Branch, now: datetime) -> str:
    """营业前 / 营业中 / 已轧账 (000 §二(二)1(5): after the day close no new tickets)."""
    moment = clock.local(now).time()
    if moment < branch.opens_at:
        return "未开始营业"
    if moment >= branch.day_close_at:
        return "已轧账"
    return "营业中"


def _waiting(figures: dict[int, BranchFigures], ids: list[int], today: date, now: datetime) -> None:
    # Today's line is short (tens to a few hundred per hall): one list query gives the
    # counts per category and the ticket that has waited longest, with its number.
    queues = Queue.objects.filter(branch_id__in=ids, is_active=True).order_by("branch_id", "order", "letter")
    rows: dict[tuple[int, str], dict[str, Any]] = {}
    row: dict[str, Any] | None
    for queue in queues.only("branch_id", "category", "letter", "name"):
        row = {
            "category": queue.category,
            "label": Category(queue.category).label,
            "letter": queue.letter,
            "name": queue.name,
            "waiting": 0,
            "priority": 0,
            "longest_minutes": None,
        }
        rows[(queue.branch_id, queue.category)] = row
        figures[queue.branch_id].queues.append(row)
    line = (
        Ticket.objects.filter(branch_id__in=ids, service_date=today, status__in=IN_LINE)
        .order_by("queued_at", "pk")
        .values_list("branch_id", "category", "priority", "queued_at", "display_number")
    )
    for branch_id, category, priority, queued_at, number in line:
        fig = figures[branch_id]
        row = rows.get((branch_id, category))
        if row is None:  # a queue switched off while people still wait in it
            row = rows[(branch_id, category)] = {
                "category": category,
                "label": Category(category).label,
                "letter": "",
                "name": Category(category).label,
                "waiting": 0,
                "priority": 0,
                "longest_minutes": None,
            }
            fig.queues.append(row)
        minutes = max(0, int((now - queued_at).total_seconds() // 60))
        row["waiting"] += 1
        fig.waiting += 1
        if priority:
            row["priority"] += 1
            fig.waiting_priority += 1
        if row["longest_minutes"] is None:
            row["longest_minutes"] = minutes
        if fig.longest_wait is None:  # ordered by queued_at: the first is the longest
            fig.longest_wait = {
                "number": number,
                "category": category,
                "label": Category(category).label,
                "minutes": minutes,
                "since": queued_at,
            }


def _today_counts(
    figures: dict[int, BranchFigures], ids: list[int], today: date, now: datetime, target_seconds: int
) -> dict[int, QueueFigures]:
    """Tickets taken, called, served, no-shows, the wait and the share within the target:
    today's live rows computed by the statistics' own function (reports/stats/rollup.py,
    reports/figures.py) on the primary database, so the dashboard shows what the statistics
    page shows for today. Plus the calls of the last hour (a dashboard figure only)."""
    live = rollup.ticket_rows(
        [today],
        branch_ids=frozenset(ids),
        now=now,
        alias=DEFAULT_DB_ALIAS,
        window_time=False,
        targets={today: target_seconds},
    )
    per_branch: dict[int, QueueFigures] = {pk: QueueFigures() for pk in ids}
    for key, values in live.tickets.items():
        per_branch[key[2]].add(QueueFigures(values))
    for key, values in live.buckets.items():
        hist = per_branch[key[1]]
        if values["wait_n"]:
            hist.wait_hist[key[-1]] = hist.wait_hist.get(key[-1], 0) + values["wait_n"]
        if values["service_n"]:
            hist.service_hist[key[-1]] = hist.service_hist.get(key[-1], 0) + values["service_n"]
    calls = dict(
        Ticket.objects.filter(
            branch_id__in=ids, service_date=today, called_at__gt=now - timedelta(hours=1), called_at__lte=now
        )
        .order_by()
        .values_list("branch_id")
        .annotate(n=Count("pk"))
        .values_list("branch_id", "n")
    )
    for pk, queue in per_branch.items():
        _set_queue(figures[pk], queue)
        figures[pk].calls_last_hour = calls.get(pk, 0)
    return per_branch


def _set_queue(fig: BranchFigures, queue: QueueFigures) -> None:
    fig.queue = queue
    fig.taken = queue.taken
    fig.served = queue.served
    fig.no_show = queue.no_show
    fig.called = queue.called
    fig.within_target = queue["within_target"]
    fig.past_target = queue["past_target"]
    fig.average_wait_minutes = queue.avg_wait
    fig.within_target_percent = percent_number(queue.within_share)


def _windows(figures: dict[int, BranchFigures], ids: list[int]) -> None:
    windows = list(
        Window.objects.filter(branch_id__in=ids, is_active=True)
        .select_related("state", "state__staff")
        .order_by("branch_id", "number")
    )
    # (window, status in called/serving) is the partial unique index
    # ticket_one_active_call_per_window: this reads a handful of index entries, never
    # the branch's history.
    calls = {
        t.window_id: t
        for t in Ticket.objects.filter(window_id__in=[w.pk for w in windows], status__in=ACTIVE_CALL).only(
            "window_id", "display_number", "status", "called_at", "category"
        )
    }
    for fig in figures.values():
        fig.window_counts = {key: 0 for key in WINDOW_LABELS}
    for window in windows:
        fig = figures[window.branch_id]
        state = getattr(window, "state", None)
        status = state.status if state is not None else WindowStatus.CLOSED
        call = calls.get(window.pk)
        if status == WindowStatus.CLOSED:
            shown = WINDOW_CLOSED
        elif status == WindowStatus.PAUSED:
            shown = WINDOW_PAUSED
        elif call is not None and call.status == TicketStatus.SERVING:
            shown = WINDOW_SERVING
        elif call is not None:
            shown = WINDOW_CALLED
        else:
            shown = WINDOW_IDLE
        fig.window_counts[shown] += 1
        staff = state.staff if state is not None and status != WindowStatus.CLOSED else None
        fig.windows.append(
            {
                "number": window.number,
                "name": window.name,
                "green_channel": window.is_green_channel,
                "status": shown,
                "status_label": WINDOW_LABELS[shown],
                "pause_reason": state.get_pause_reason_display() if shown == WINDOW_PAUSED and state else "",
                "pause_note": state.pause_note if shown == WINDOW_PAUSED and state else "",
                "since": state.since if state is not None and status != WindowStatus.CLOSED else None,
                "staff_name": staff.name if staff else None,
                "staff_no": staff.staff_no if staff else None,
                "ticket": call.display_number if call is not None else None,
            }
        )


def _bad_ratings(figures: dict[int, BranchFigures], ids: list[int], today: date) -> None:
    # is_bad was decided with the window-score rule set of the rating's day (差评 = its
    # bad levels, 1–2 in the 邯郸 2021 rules), so no level is repeated here.
    bad = (
        Rating.objects.filter(branch_id__in=ids, rated_on=today, is_bad=True)
        .select_related("window", "staff")
        .order_by("-rated_at", "-pk")
    )
    for rating in bad:
        figures[rating.branch_id].bad_ratings.append(
            {
                "level": rating.level,
                "level_label": rating.level_label,
                "window": rating.window.number if rating.window else None,
                "staff_name": rating.staff.name if rating.staff else None,
                "staff_no": rating.staff.staff_no if rating.staff else None,
                "reasons": rating.reason_labels,
                "rated_at": rating.rated_at,
            }
        )


def _cases(figures: dict[int, BranchFigures], ids: list[int], today: date) -> None:
    # The same definitions as the case worklists (cases.selectors): due today = on the
    # clock with today's deadline; overdue = on the clock past it, or already found
    # overdue and still open (000 §五(二)5).
    rows = (
        Case.objects.filter(branch_id__in=ids, status__in=CASE_OPEN)
        .order_by()
        .values("branch_id")
        .annotate(
            due_today=Count("pk", filter=due_today_q(today)),
            overdue=Count("pk", filter=overdue_open_q(today)),
        )
    )
    for row in rows:
        figures[row["branch_id"]].cases_due_today = row["due_today"]
        figures[row["branch_id"]].cases_overdue = row["overdue"]


def _complaints(
    figures: dict[int, BranchFigures], ids: list[int], today: date, scope: Q | None
) -> tuple[int, int]:
    """Near the limit = due today or past the warning day (complaints.selectors.due_soon);
    past it = reply_due before today (complaints.selectors.overdue). Returns the counts
    of complaints naming no branch, which only the centre's totals show."""
    if scope is None:
        return (0, 0)
    for fig in figures.values():
        fig.complaints_due_soon = 0
        fig.complaints_overdue = 0
    rows = (
        Complaint.objects.filter(scope, status__in=AWAITING_REPLY)
        .filter(Q(branch_id__in=ids) | Q(branch__isnull=True))
        .order_by()
        .values("branch_id")
        .annotate(
            due_soon=Count("pk", filter=due_soon_q(today)), overdue=Count("pk", filter=overdue_q(today))
        )
    )
    unassigned = (0, 0)
    for row in rows:
        if row["branch_id"] is None:
            unassigned = (row["due_soon"], row["overdue"])
            continue
        figures[row["branch_id"]].complaints_due_soon = row["due_soon"]
        figures[row["branch_id"]].complaints_overdue = row["overdue"]
    return unassigned


def _totals(
    rows: list[BranchFigures],
    queues: dict[int, QueueFigures],
    complaints_visible: bool,
    unassigned_complaints: tuple[int, int],
) -> BranchFigures:
    total = BranchFigures(code="", name="全中心合计")
    per_category: dict[str, dict[str, Any]] = {}
    total.window_counts = {key: 0 for key in WINDOW_LABELS}
    for fig in rows:
        for row in fig.queues:
            agg = per_category.setdefault(
                row["category"],
                {"category": row["category"], "label": row["label"], "name": row["label"], "letter": ""}
                | {"waiting": 0, "priority": 0, "longest_minutes": None},
            )
            agg["waiting"] += row["waiting"]
            agg["priority"] += row["priority"]
            if row["longest_minutes"] is not None:
                agg["longest_minutes"] = max(agg["longest_minutes"] or 0, row["longest_minutes"])
        for key, n in fig.window_counts.items():
            total.window_counts[key] += n
        if fig.longest_wait and (
            total.longest_wait is None or fig.longest_wait["minutes"] > total.longest_wait["minutes"]
        ):
            total.longest_wait = dict(fig.longest_wait, branch=fig.name)
        for name in ("waiting", "waiting_priority", "calls_last_hour"):
            setattr(total, name, getattr(total, name) + getattr(fig, name))
        total.cases_due_today += fig.cases_due_today
        total.cases_overdue += fig.cases_overdue
        total.bad_ratings.extend(dict(r, branch=fig.name) for r in fig.bad_ratings)
    order = {c: i for i, c in enumerate(Category.values)}
    total.queues = sorted(per_category.values(), key=lambda r: order.get(r["category"], 99))
    total.bad_ratings.sort(key=lambda r: r["rated_at"], reverse=True)
    queue = QueueFigures()
    for one in queues.values():
        queue.add(one)
    _set_queue(total, queue)
    if complaints_visible:
        total.complaints_due_soon = sum(f.complaints_due_soon or 0 for f in rows) + unassigned_complaints[0]
        total.complaints_overdue = sum(f.complaints_overdue or 0 for f in rows) + unassigned_complaints[1]
    return total


def as_json(dashboard: HallDashboard) -> dict[str, Any]:
    """The API's shape (GET /api/v1/dashboard…)."""

    def figures(fig: BranchFigures) -> dict[str, Any]:
        return {
            "branch": fig.code or None,
            "branch_name": fig.name,
            "hall_state": fig.hall_state or None,
            "queues": [
                {k: r[k] for k in ("category", "label", "waiting", "priority", "longest_minutes")}
                for r in fig.queues
            ],
            "waiting": fig.waiting,
            "waiting_priority": fig.waiting_priority,
            "longest_wait": fig.longest_wait,
            "windows": fig.windows,
            "window_counts": fig.window_counts,
            "taken": fig.taken,
            "served": fig.served,
            "no_show": fig.no_show,
            "called": fig.called,
            "calls_last_hour": fig.calls_last_hour,
            "average_wait_minutes": None
            if fig.average_wait_minutes is None
            else float(half_up(fig.average_wait_minutes)),
            "within_target_percent": fig.within_target_percent,
            "within_target": fig.within_target,
            "past_target": fig.past_target,
            "bad_ratings": fig.bad_ratings,
            "cases_due_today": fig.cases_due_today,
            "cases_overdue": fig.cases_overdue,
            "complaints_due_soon": fig.complaints_due_soon,
            "complaints_overdue": fig.complaints_overdue,
        }

    return {
        "now": dashboard.now,
        "service_date": dashboard.today,
        "wait_target_minutes": dashboard.target_minutes,
        "wait_target_share_percent": dashboard.target_share_percent,
        "rules_ref": dashboard.rules_ref,
        "complaints_visible": dashboard.complaints_visible,
        "branches": [figures(f) for f in dashboard.branches],
        "totals": figures(dashboard.totals),
    }
