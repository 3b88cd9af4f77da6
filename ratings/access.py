"""Who may see and do what in the ratings app (DESIGN.md convention 3).

* ratings, scores, follow-ups (read): 业务管理处, 中心领导, 系统管理员, 检查员 — the whole
  centre; 部门负责人 — their own branch.
* follow-up actions (contact, rectify, close): 业务管理处 (whole centre), 部门负责人 (own branch).
* mark a rating mistaken/malicious, approve it, decide an appeal: 业务管理处 or 中心领导, and
  always two (for an appeal three) different people.
* 12329 callbacks: 业务管理处, which runs the 12329 line (000 §五(四)4), are the hotline
  operators; leaders and administrators read.
* survey rounds (open, close): 业务管理处 (and 系统管理员); results also 中心领导.
* answer a survey: the raters of 004 §五 二、三, whatever their role.
* export and push: 业务管理处, 系统管理员.
* the public rating pages and endpoints: anybody with a token, at most
  `RATINGS_PUBLIC_LOOKUPS_PER_MINUTE` requests a minute per client address and page.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from common import ratelimit
from common.errors import DomainError
from org.access import has_role
from org.models import Role
from ratings import conf
from ratings.models import FollowUp, HotlineCallback, Rating

VIEW_ROLES = (Role.OFFICE, Role.LEADER, Role.ADMIN, Role.INSPECTOR, Role.HEAD)
FOLLOW_UP_ACT_ROLES = (Role.OFFICE, Role.HEAD)
ANNOTATE_ROLES = (Role.OFFICE, Role.LEADER)
CALLBACK_ROLES = (Role.OFFICE,)
CALLBACK_VIEW_ROLES = (Role.OFFICE, Role.LEADER, Role.ADMIN)
SCORE_ROLES = (Role.OFFICE, Role.LEADER, Role.ADMIN, Role.HEAD)
SURVEY_MANAGE_ROLES = (Role.OFFICE, Role.ADMIN)
SURVEY_RESULT_ROLES = (Role.OFFICE, Role.LEADER, Role.ADMIN)
EXPORT_ROLES = (Role.OFFICE, Role.ADMIN)


def rating_for_user(user: Any, pk: int) -> Rating:
    rating = (
        Rating.objects.visible_to(user)
        .select_related("branch", "window", "staff", "department", "matter", "ticket", "case", "token")
        .filter(pk=pk)
        .first()
    )
    if rating is None:
        raise Http404("没有这条评价。")
    return rating


def follow_up_for_user(user: Any, pk: int) -> FollowUp:
    follow_up = (
        FollowUp.objects.visible_to(user)
        .select_related("branch", "staff", "window", "rating", "callback")
        .filter(pk=pk)
        .first()
    )
    if follow_up is None:
        raise Http404("没有这条差评回访。")
    return follow_up


def callback_for_user(user: Any, pk: int) -> HotlineCallback:
    callback = (
        HotlineCallback.objects.visible_to(user)
        .select_related("branch", "staff", "window", "matter", "operator")
        .filter(pk=pk)
        .first()
    )
    if callback is None:
        raise Http404("没有这条回访任务。")
    return callback


def may_act_on_follow_up(user: Any) -> bool:
    return has_role(user, *FOLLOW_UP_ACT_ROLES)


class RateLimited(DomainError):
    code = "too_many_requests"
    status = 429


def public_rate_limit(request: HttpRequest, scope: str) -> None:
    """Count one public request of this client in `scope` (common.ratelimit); RateLimited
    (429) once over `RATINGS_PUBLIC_LOOKUPS_PER_MINUTE`."""
    if not ratelimit.client_hit(
        request, f"ratings:{scope}", limit=conf.public_lookups_per_minute(), window_seconds=60
    ):
        raise RateLimited("查询过于频繁，请稍等一分钟再试。")
