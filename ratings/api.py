"""好差评 API (mounted at /api/v1/).

* `POST /ratings` — public: the token is the credential (the counter evaluator, the phone
  page, an H5 client of the platform). 201, 409 `already_rated`, 404 `token_invalid`,
  410 `token_expired`, 403 `staff_cannot_rate`, 422 `invalid_input`.
* `GET /ratings/tokens/{token}` — public: what the token rates and whether it still can.
* `GET /scores/citizen?period=YYYY-MM|YYYY-Qn|YYYY&by=staff|window|branch` — the citizen
  score (80 points) of each unit; 业务管理处, 中心领导, 系统管理员; 部门负责人 see their branch.
* `/ratings/callbacks…` — the 12329 hotline operators' list, call results and ranking.
* `/ratings/surveys/{id}/ranking` — a monthly survey's ranking.
* `/ratings/export` — CSV or JSON for the provincial 好差评 platform.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from common import clock
from common.api import errors
from common.errors import DomainError
from common.identity import mask_phone
from common.periods import InvalidPeriod, parse_period
from common.request import client_ip
from org.access import branch_scope, has_role, require_roles
from org.auth import bearer_or_session
from org.models import Staff, Window
from queueing import selectors as queue_selectors
from queueing.devices import counter_device_session, device_or_staff, identity_of, is_windows_counter, may_see
from queueing.models import Device
from ratings import access, selectors, services
from ratings.evaluator import bad_reasons, evaluator_state, rating_levels
from ratings.models import CallbackStatus, HotlineCallback, Rating, SurveyRound
from ratings.push import export_rows, to_csv, to_json
from ratings.scoring import CitizenScore

router = Router()


# ---------------------------------------------------------------------------------------
# The counter evaluator (窗口评价器) of a window


class EvaluatorStaffOut(Schema):
    name: str
    staff_no: str
    title: str
    duties: str
    photo_url: str | None


class EvaluatorRatingOut(Schema):
    token: str
    ticket_number: str
    staff_name: str
    staff_no: str
    completed_at: datetime | None
    expires_at: datetime
    seconds_left: int


class EvaluatorLevelOut(Schema):
    level: int
    label: str
    bad: bool


class EvaluatorReasonOut(Schema):
    code: str
    label: str


class EvaluatorOut(Schema):
    branch: str
    branch_name: str
    window: int
    window_name: str
    green_channel: bool
    status: str
    status_label: str
    sign: str
    staff: EvaluatorStaffOut | None
    complaint_phone: str
    current: dict | None
    rating_token: str | None = Field(
        None, description="刚办结、尚未评价且仍在评价器等待时间内的服务的评价令牌；没有则为 null"
    )
    rating: EvaluatorRatingOut | None
    levels: list[EvaluatorLevelOut]
    reasons: list[EvaluatorReasonOut]
    timeout_seconds: int
    now: datetime


@router.get(
    "/windows/{branch}/{number}/evaluator",
    response={200: EvaluatorOut, **errors(401, 403, 404)},
    auth=[*device_or_staff, counter_device_session],
    url_name="window_evaluator",
    summary="窗口评价器状态",
    description=(
        "窗口评价器（柜台平板）显示的内容：工作岗位牌"
        "（照片、姓名、工号、岗位职责、投诉电话，000 §四(二)2(1)）、"
        "窗口状态（服务中/暂停服务/未开放），以及柜员办结后在等待时间内请办事职工评价的服务（rating_token）。"
        "rating_token 只给绑定到本窗口的柜台平板（设备令牌或已绑定的浏览器）；"
        "工作人员的令牌或登录永远读不到它（谁也不能评价自己的服务）。"
        "计时结束未评价的，本次服务不作评价（不会默认好评）。"
    ),
)
def window_evaluator(request: HttpRequest, branch: str, number: int) -> Any:
    identity = identity_of(request)
    window = queue_selectors.window_at(branch, number)
    if isinstance(identity, Device):
        if identity.branch_id != window.branch_id or (
            identity.window_id is not None and identity.window_id != window.pk
        ):
            raise PermissionDenied("该设备不是这个窗口的评价器。")
    elif not may_see(identity, window.branch):
        raise PermissionDenied("您无权访问该管理部的窗口。")
    return evaluator_state(window, with_token=is_windows_counter(identity, window))


# ---------------------------------------------------------------------------------------
# Ratings (public, by token)


class RatingIn(Schema):
    token: str = Field(..., description="评价令牌（评价器、小票二维码或办件查询页面给出）")
    level: int = Field(..., description="5 非常满意 | 4 满意 | 3 基本满意 | 2 不满意 | 1 非常不满意")
    reasons: list[str] = Field(
        default_factory=list,
        description="差评原因（仅不满意、非常不满意）：attitude 服务态度差 | efficiency 办事效率低 | "
        "ran_back 跑回头路 | favours 索拿卡要 | other 其他（须写意见）",
    )
    comment: str = Field("", description="意见建议，最多500字")
    contact_phone: str = Field("", description="自愿留下的联系电话，用于差评回访")
    rater_type: Literal["person", "employer"] | None = Field(
        None, description="person 个人 | employer 单位；不填时取办件的申请人类型，窗口服务为个人"
    )


class RatingOut(Schema):
    id: int
    service_number: str
    level: int
    level_label: str
    bad: bool
    channel: str
    channel_label: str
    rated_at: datetime
    follow_up: bool = Field(..., description="差评已转入回访整改")
    message: str


class TokenOut(Schema):
    channel: str
    channel_label: str
    service_kind: str
    service_number: str
    branch: str
    branch_name: str
    window: int | None
    staff_name: str | None
    staff_no: str | None
    completed_at: datetime | None
    expires_at: datetime
    expired: bool
    rated: bool
    levels: list[dict]
    reasons: list[dict]


def _public_actor(request: HttpRequest) -> Any:
    """Who submits: a signed-in user or the holder of a staff token (both refused by the
    service: nobody rates on a citizen's behalf), a device (bearer token or bound browser),
    or the anonymous public."""
    from org.services import api_token_user
    from queueing.devices import device_for_token, session_device

    if request.user.is_authenticated:
        return request.user
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        token = header.removeprefix("Bearer ").strip()
        device = device_for_token(token)
        if device is not None:
            return device
        user = api_token_user(token)
        if user is None:
            raise DomainError("接口令牌无效。", code="unauthorized", status=401)
        return user
    device = session_device(request)
    if device is not None:
        return device
    return request.user


def rating_message(rating: Rating) -> str:
    """The thanks the citizen sees; a bad rating with a phone number gets the contact
    promise of the rating_followup rule set in force that day."""
    if not rating.is_bad:
        return "感谢您的评价！"
    if not rating.contact_phone:
        return "感谢您的评价！我们会认真核实整改，整改情况将在好差评公示页面公开。"
    from rules.models import RuleKind
    from rules.selectors import rules_in_force

    days = rules_in_force(RuleKind.RATING_FOLLOWUP, rating.rated_on).params.contact_working_days
    return f"感谢您的评价！我们将在{days}个工作日内与您联系核实，并向您反馈整改情况。"


def rating_out(rating: Rating) -> dict[str, Any]:
    return {
        "id": rating.pk,
        "service_number": rating.service_number,
        "level": rating.level,
        "level_label": rating.level_label,
        "bad": rating.is_bad,
        "channel": rating.channel,
        "channel_label": rating.get_channel_display(),
        "rated_at": rating.rated_at,
        "follow_up": rating.is_bad,
        "message": rating_message(rating),
    }


@router.post(
    "/ratings",
    response={201: RatingOut, **errors(403, 404, 409, 410, 422, 429)},
    auth=None,
    url_name="rating_create",
    summary="提交好差评",
    description=(
        "办事职工对一次服务或一件办件的评价（一次一评、一事一评）。同一服务第二次评价返回 409 already_rated；"
        "伪造的令牌 404 token_invalid，过期的令牌 410 token_expired；工作人员登录状态下不能代评（403）。"
    ),
)
def rating_create(request: HttpRequest, payload: RatingIn) -> Status[dict[str, Any]]:
    actor = _public_actor(request)
    if not isinstance(actor, Device):  # a bound counter device is not rate-limited
        access.public_rate_limit(request, "rating-submit")
    rating = services.rating_submit(
        actor=actor,
        token=payload.token.strip(),
        level=payload.level,
        reasons=payload.reasons,
        comment=payload.comment,
        contact_phone=payload.contact_phone,
        rater_type=payload.rater_type,
        client_ip=client_ip(request),
    )
    return Status(201, rating_out(rating))


def token_out(row: Any) -> dict[str, Any]:

    if row.ticket_id:
        ticket = row.ticket
        staff = ticket.staff
        number = services.visit_number(ticket)
        completed = ticket.finished_at
    else:
        case = row.case
        staff = case.first_responsible
        number = case.receipt_no
        completed = case.decided_at
    return {
        "channel": row.channel,
        "channel_label": row.get_channel_display(),
        "service_kind": row.service_kind,
        "service_number": number,
        "branch": row.branch.code,
        "branch_name": row.branch.name,
        "window": row.window.number if row.window_id else None,
        "staff_name": staff.name if staff else None,
        "staff_no": staff.staff_no if staff else None,
        "completed_at": completed,
        "expires_at": row.expires_at,
        "expired": row.expires_at <= clock.now(),
        "rated": selectors.token_rated(row),
        "levels": rating_levels(),
        "reasons": bad_reasons(),
    }


@router.get(
    "/ratings/tokens/{token}",
    response={200: TokenOut, **errors(404, 429)},
    auth=None,
    summary="评价令牌对应的服务",
    description="H5 页面显示要评价的服务（工作人员、窗口、办结时间）以及能否评价（已评价、已过期）。限频。",
)
def rating_token_detail(request: HttpRequest, token: str) -> dict[str, Any]:
    access.public_rate_limit(request, "rating-token")
    return token_out(selectors.rating_token_lookup(token, allow_expired=True))


# ---------------------------------------------------------------------------------------
# Citizen score


class ScoreUnitOut(Schema):
    unit_id: int | None
    unit_label: str
    counts: dict[str, int] = Field(..., description="各等级计入评价的条数：5 非常满意 … 1 非常不满意")
    excluded: int = Field(..., description="经核准为误评、恶意评价而不计分的条数")
    merged: int = Field(
        ..., description="同一业务（一次来访及由此受理的办件）已有先作出的评价计分、本条不重复计分的条数"
    )
    counted: int
    points: int = Field(..., description="加减分合计")
    r: str | None = Field(..., description="平均分 r = 加减分合计 ÷ 计入评价条数（4位小数）；未评价为 null")
    score: str | None = Field(..., description="职工评价得分（80分制，2位小数）；未评价为 null")
    rated: bool


class ScoresOut(Schema):
    period: str
    period_label: str
    start: date
    end: date
    by: str
    rules_ref: str
    formula: str
    units: list[ScoreUnitOut]


def score_out(score: CitizenScore) -> dict[str, Any]:
    return {
        "unit_id": score.unit_id,
        "unit_label": score.unit_label,
        "counts": {str(level): score.counts.get(level, 0) for level in (5, 4, 3, 2, 1)},
        "excluded": score.excluded,
        "merged": score.merged,
        "counted": score.counted,
        "points": score.points,
        "r": None if score.r is None else str(score.r),
        "score": None if score.score is None else str(score.score),
        "rated": score.rated,
    }


def period_or_422(text: str) -> Any:
    try:
        return parse_period(text)
    except InvalidPeriod as exc:
        raise DomainError(str(exc), code="invalid_input", field="period") from None


def scores_in_scope(user: Any, scores: list[CitizenScore], by: str) -> list[CitizenScore]:
    """Branch-scoped roles (部门负责人) see the units of their own branch only."""
    scope = branch_scope(user)
    if scope is None:
        return scores
    if by == "branch":
        allowed = set(scope)
    elif by == "window":
        allowed = set(Window.objects.filter(branch_id__in=scope).values_list("pk", flat=True))
    else:
        allowed = set(Staff.objects.filter(branch_id__in=scope).values_list("pk", flat=True))
    return [s for s in scores if s.unit_id in allowed]


FORMULA = (
    "职工评价得分 = 80 ×（r − 最低分）÷（最高分 − 最低分），r = 加减分合计 ÷ 计入评价条数"
    "（000 §五(五)4(1)，邯郸2021规则集的解释）"
)


@router.get(
    "/scores/citizen",
    response={200: ScoresOut, **errors(401, 403, 409, 422)},
    auth=bearer_or_session,
    summary="职工评价得分（80分）",
    description=(
        "期间 period：2026-03（月）、2026-Q1（季度）、2026（年），含首尾两日，按评价的北京时间日期归属；"
        "按期间最后一天生效的服务窗口评价规则集计分。by：staff 工作人员 | window 窗口 | branch 管理部。"
        "没有计入评价的单位 score 为 null（未评价）。"
        "业务管理处、中心领导、系统管理员；部门负责人只看本管理部。"
    ),
)
def scores_citizen(
    request: HttpRequest, period: str, by: Literal["staff", "window", "branch"] = "staff"
) -> dict[str, Any]:
    require_roles(request.user, access.SCORE_ROLES)
    the_period = period_or_422(period)
    scores = scores_in_scope(
        request.user, selectors.citizen_scores(start=the_period.start, end=the_period.end, by=by), by
    )
    from rules.models import RuleKind
    from rules.selectors import rules_in_force

    return {
        "period": the_period.key,
        "period_label": the_period.label,
        "start": the_period.start,
        "end": the_period.end,
        "by": by,
        "rules_ref": rules_in_force(RuleKind.WINDOW_SCORE, the_period.end).ref,
        "formula": FORMULA,
        "units": [score_out(s) for s in scores],
    }


# ---------------------------------------------------------------------------------------
# 12329 callbacks


class CallbackOut(Schema):
    id: int
    service_number: str
    category: str
    category_label: str
    branch: str
    branch_name: str
    staff_name: str | None
    staff_no: str | None
    citizen_name: str
    phone: str = Field(
        ..., description="列表中脱敏；回访人员打开任务（GET /ratings/callbacks/{id}）时显示完整号码"
    )
    service_completed_at: datetime
    status: str
    status_label: str
    attempts: int
    attitude: str
    efficiency: str
    ran_back: bool | None
    favours: bool | None
    dissatisfied_reason: str
    comments: str
    answered_at: datetime | None
    follow_up: bool


def callback_out(callback: HotlineCallback, *, phone: str | None = None) -> dict[str, Any]:
    return {
        "id": callback.pk,
        "service_number": callback.service_number,
        "category": callback.category,
        "category_label": callback.get_category_display(),
        "branch": callback.branch.code,
        "branch_name": callback.branch.name,
        "staff_name": callback.staff.name if callback.staff_id and callback.staff else None,
        "staff_no": callback.staff.staff_no if callback.staff_id and callback.staff else None,
        "citizen_name": callback.citizen_name,
        "phone": phone if phone is not None else mask_phone(callback.phone) if callback.phone else "",
        "service_completed_at": callback.service_completed_at,
        "status": callback.status,
        "status_label": callback.get_status_display(),
        "attempts": callback.attempts,
        "attitude": callback.attitude,
        "efficiency": callback.efficiency,
        "ran_back": callback.ran_back,
        "favours": callback.favours,
        "dissatisfied_reason": callback.dissatisfied_reason,
        "comments": callback.comments,
        "answered_at": callback.answered_at,
        "follow_up": hasattr(callback, "follow_up"),
    }


class CallbackFilter(Schema):
    status: Literal["pending", "completed", "refused", "unreachable"] | None = "pending"
    branch: str | None = None
    limit: int = Field(100, ge=1, le=500)


@router.get(
    "/ratings/callbacks",
    response={200: list[CallbackOut], **errors(401, 403)},
    auth=bearer_or_session,
    summary="12329回访任务列表",
    description="默认为待回访任务，最早办结的在前。电话号码脱敏。业务管理处（12329热线）、中心领导、系统管理员。",
)
def callback_list(request: HttpRequest, filters: Query[CallbackFilter]) -> list[dict[str, Any]]:
    require_roles(request.user, access.CALLBACK_VIEW_ROLES)
    qs = HotlineCallback.objects.visible_to(request.user).select_related("branch", "staff")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.branch:
        qs = qs.filter(branch__code=filters.branch)
    order = (
        ("service_completed_at", "pk")
        if filters.status == CallbackStatus.PENDING
        else ("-service_completed_at", "-pk")
    )
    return [callback_out(c) for c in qs.order_by(*order)[: filters.limit]]


@router.get(
    "/ratings/callbacks/{callback_id}",
    response={200: CallbackOut, **errors(401, 403, 404)},
    auth=bearer_or_session,
    summary="打开回访任务",
    description="回访人员（业务管理处）打开任务时显示完整电话号码，并记录查看；其他角色只见脱敏号码。",
)
def callback_detail(request: HttpRequest, callback_id: int) -> dict[str, Any]:
    require_roles(request.user, access.CALLBACK_VIEW_ROLES)
    callback = access.callback_for_user(request.user, callback_id)
    phone = None
    if has_role(request.user, *access.CALLBACK_ROLES) and callback.status == CallbackStatus.PENDING:
        phone = services.callback_phone_reveal(actor=request.user, callback=callback)  # type: ignore[arg-type]
    return callback_out(callback, phone=phone)


class CallIn(Schema):
    outcome: Literal["not_reached", "refused"]
    note: str = ""


class AnswerIn(Schema):
    attitude: Literal["very_satisfied", "satisfied", "dissatisfied"]
    efficiency: Literal["very_satisfied", "satisfied", "dissatisfied"]
    ran_back: bool
    favours: bool
    dissatisfied_reason: str = ""
    comments: str = ""


class PhoneIn(Schema):
    phone: str


def _operator(request: HttpRequest, callback_id: int) -> tuple[Any, HotlineCallback]:
    require_roles(request.user, access.CALLBACK_ROLES)
    return request.user, access.callback_for_user(request.user, callback_id)


@router.post(
    "/ratings/callbacks/{callback_id}/phone",
    response={200: CallbackOut, **errors(401, 403, 404, 409, 422)},
    auth=bearer_or_session,
    summary="登记回访电话",
)
def callback_phone(request: HttpRequest, callback_id: int, payload: PhoneIn) -> dict[str, Any]:
    user, callback = _operator(request, callback_id)
    return callback_out(services.callback_phone_set(actor=user, callback=callback, phone=payload.phone))


@router.post(
    "/ratings/callbacks/{callback_id}/calls",
    response={200: CallbackOut, **errors(401, 403, 404, 409, 422)},
    auth=bearer_or_session,
    summary="记录未接通或拒绝回访",
)
def callback_call(request: HttpRequest, callback_id: int, payload: CallIn) -> dict[str, Any]:
    user, callback = _operator(request, callback_id)
    return callback_out(
        services.callback_attempt(actor=user, callback=callback, outcome=payload.outcome, note=payload.note)
    )


@router.post(
    "/ratings/callbacks/{callback_id}/answer",
    response={200: CallbackOut, **errors(401, 403, 404, 409, 422)},
    auth=bearer_or_session,
    summary="记录回访内容（已接通）",
    description="服务态度、办事效率（非常满意/满意/不满意）、是否跑回头路、是否索拿卡要、"
    "意见建议（004 §五 一）。"
    "不满意须写明具体事项；不满意或任一问回答“是”的转入差评回访整改。",
)
def callback_answer(request: HttpRequest, callback_id: int, payload: AnswerIn) -> dict[str, Any]:
    user, callback = _operator(request, callback_id)
    result = services.callback_record(actor=user, callback=callback, **payload.dict())
    return callback_out(HotlineCallback.objects.select_related("branch", "staff").get(pk=result.pk))


class RankOut(Schema):
    rank: int | None
    unit_id: int | None
    unit_label: str
    answered: int
    dimension_scores: dict[str, str | None]
    score: str | None
    ran_back: int
    favours: int


class RankingOut(Schema):
    period: str
    start: date
    end: date
    by: str
    rules_ref: str
    units: list[RankOut]


@router.get(
    "/ratings/callbacks-ranking",
    response={200: RankingOut, **errors(401, 403, 409, 422)},
    auth=bearer_or_session,
    summary="12329回访排名",
    description="按办结日期所在期间的已回访记录：分值 = Σ 各档权重 × 该档比例，"
    "服务态度、办事效率按规则集 hotline_callback 的权重合成（004 §五 一）。没有回访答复的不排名。",
)
def callback_ranking(
    request: HttpRequest, period: str, by: Literal["branch", "staff"] = "branch"
) -> dict[str, Any]:
    require_roles(request.user, access.SCORE_ROLES)
    the_period = period_or_422(period)
    rows = selectors.callback_ranking(start=the_period.start, end=the_period.end, by=by)
    scope = branch_scope(request.user)
    if scope is not None:
        if by == "branch":
            rows = [r for r in rows if r.unit_id in scope]
        else:
            allowed = set(Staff.objects.filter(branch_id__in=scope).values_list("pk", flat=True))
            rows = [r for r in rows if r.unit_id in allowed]
    from rules.models import RuleKind
    from rules.selectors import rules_in_force

    return {
        "period": the_period.key,
        "start": the_period.start,
        "end": the_period.end,
        "by": by,
        "rules_ref": rules_in_force(RuleKind.HOTLINE_CALLBACK, the_period.end).ref,
        "units": [
            {
                "rank": r.rank,
                "unit_id": r.unit_id,
                "unit_label": r.unit_label,
                "answered": r.answered,
                "dimension_scores": {k: None if v is None else str(v) for k, v in r.dimension_scores.items()},
                "score": None if r.score is None else str(r.score),
                "ran_back": r.ran_back,
                "favours": r.favours,
            }
            for r in rows
        ],
    }


# ---------------------------------------------------------------------------------------
# Surveys


class SurveyRankOut(Schema):
    rank: int | None
    label: str
    responses: int
    dimension_scores: dict[str, str | None]
    score: str | None


class SurveyRankingOut(Schema):
    id: int
    kind: str
    kind_label: str
    month: str
    status: str
    rules_ref: str
    targets: list[SurveyRankOut]


@router.get(
    "/ratings/surveys/{round_id}/ranking",
    response={200: SurveyRankingOut, **errors(401, 403, 404, 409)},
    auth=bearer_or_session,
    summary="满意度测评排名",
    description="004 §五 二、三：各测评对象的分值与名次（不含测评人信息）。"
    "业务管理处、中心领导、系统管理员。",
)
def survey_ranking(request: HttpRequest, round_id: int) -> dict[str, Any]:
    require_roles(request.user, access.SURVEY_RESULT_ROLES)
    survey_round = SurveyRound.objects.filter(pk=round_id).first()
    if survey_round is None:
        raise DomainError("没有这次测评。", code="not_found", status=404)
    rows = selectors.survey_ranking(survey_round)
    return {
        "id": survey_round.pk,
        "kind": survey_round.kind,
        "kind_label": survey_round.get_kind_display(),
        "month": f"{survey_round.month:%Y-%m}",
        "status": survey_round.status,
        "rules_ref": survey_round.rules_ref,
        "targets": [
            {
                "rank": r.rank,
                "label": r.label,
                "responses": r.responses,
                "dimension_scores": {k: None if v is None else str(v) for k, v in r.dimension_scores.items()},
                "score": None if r.score is None else str(r.score),
            }
            for r in rows
        ],
    }


# ---------------------------------------------------------------------------------------
# Export for the provincial platform


@router.get(
    "/ratings/export",
    response={200: None, **errors(401, 403, 422)},
    auth=bearer_or_session,
    summary="好差评导出（省平台）",
    description="期间内的全部评价：办件/服务编号、事项编码、工号、受理与办结时间、处室代码、等级、渠道、评价人类型。"
    "format=csv 或 json。业务管理处、系统管理员。",
)
def ratings_export(
    request: HttpRequest, period: str, format: Literal["csv", "json"] = "json"
) -> HttpResponse:
    require_roles(request.user, access.EXPORT_ROLES)
    the_period = period_or_422(period)
    ratings = (
        Rating.objects.filter(rated_on__gte=the_period.start, rated_on__lte=the_period.end)
        .select_related("staff", "department", "matter", "branch", "window")
        .order_by("rated_at", "pk")
    )
    rows = export_rows(ratings)
    name = f"haochaping-{the_period.key}"
    if format == "csv":
        response = HttpResponse(to_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    response = HttpResponse(
        to_json(
            rows, meta={"period": the_period.key, "start": str(the_period.start), "end": str(the_period.end)}
        ),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response
