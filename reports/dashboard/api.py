"""JSON of the live hall dashboard: GET /api/v1/dashboard (every branch the caller
may watch, with totals) and GET /api/v1/dashboard/{branch} (one branch). Staff token
or session; the same roles and branch scope as the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from common.api import errors
from org.auth import bearer_or_session
from reports.dashboard import selectors

router = Router()


class HallQueueOut(Schema):
    category: str
    label: str
    waiting: int
    priority: int
    longest_minutes: int | None


class LongestWaitOut(Schema):
    number: str
    category: str
    label: str
    minutes: int
    since: datetime
    branch: str | None = None


class HallWindowOut(Schema):
    number: int
    name: str
    green_channel: bool
    status: str
    status_label: str
    pause_reason: str
    pause_note: str
    since: datetime | None
    staff_name: str | None
    staff_no: str | None
    ticket: str | None


class BadRatingOut(Schema):
    level: int
    level_label: str
    window: int | None
    staff_name: str | None
    staff_no: str | None
    reasons: list[str]
    rated_at: datetime
    branch: str | None = None


class FiguresOut(Schema):
    branch: str | None
    branch_name: str
    hall_state: str | None
    queues: list[HallQueueOut]
    waiting: int
    waiting_priority: int
    longest_wait: LongestWaitOut | None
    windows: list[HallWindowOut]
    window_counts: dict[str, int]
    taken: int
    served: int
    no_show: int
    called: int
    calls_last_hour: int
    average_wait_minutes: float | None
    within_target_percent: float | None
    within_target: int
    past_target: int
    bad_ratings: list[BadRatingOut]
    cases_due_today: int
    cases_overdue: int
    complaints_due_soon: int | None
    complaints_overdue: int | None


class DashboardOut(Schema):
    now: datetime
    service_date: date
    wait_target_minutes: int
    wait_target_share_percent: int
    rules_ref: str
    complaints_visible: bool
    branches: list[FiguresOut]
    totals: FiguresOut


@router.get(
    "/dashboard",
    response={200: DashboardOut, **errors(401, 403)},
    auth=bearer_or_session,
    summary="大厅实况（全中心）",
    description="当前用户可查看的各管理部的实时数据及全中心合计。部门负责人只含本管理部。",
)
def dashboard_all(request: HttpRequest) -> dict[str, Any]:
    branches = selectors.dashboard_branches(request.user)
    return selectors.as_json(selectors.hall_dashboard(request.user, branches))


@router.get(
    "/dashboard/{branch}",
    response={200: DashboardOut, **errors(401, 403, 404)},
    auth=bearer_or_session,
    summary="大厅实况（单个管理部）",
    description="等候人数、最长等候、窗口状态、今日取号与叫号、差评、到期办件和临近时限的投诉。",
)
def dashboard_one(request: HttpRequest, branch: str) -> dict[str, Any]:
    the_branch = selectors.dashboard_branch_for_user(request.user, branch)
    return selectors.as_json(selectors.hall_dashboard(request.user, [the_branch]))
