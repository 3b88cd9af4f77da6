"""The queue's API for devices and tellers (mounted at /api/v1/).

Authentication: a device token (`Authorization: Bearer wsd_…`, issued by
`manage.py issue_device_token`), a staff token (`Bearer wsm_…`, `manage.py issue_token`)
or the signed-in session. Kiosks take tickets; displays and counter tablets read;
tellers work their window; the booking endpoints are public and rate-limited.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import Field, Router, Schema, Status

from common import clock
from common.api import errors
from common.errors import DomainError
from common.numbers import parse_id
from common.request import client_ip
from common.schema_types import Mobile, ResidentId
from org.access import has_role
from org.models import Branch, Category, Role, Staff, Window
from queueing import ratelimit, selectors, services
from queueing.constants import BOOKING_LOOKUPS_PER_MINUTE, PUBLIC_LOOKUPS_PER_MINUTE
from queueing.devices import DeviceBearer, Identity, device_for_token, device_or_staff, identity_of, may_see
from queueing.links import ticket_status_url
from queueing.models import Device, DeviceKind, Queue, Ticket, TicketSource
from queueing.params import queue_rules
from queueing.stream import board_stream

router = Router()


TICKET_ROLES = (Role.GUIDE, Role.HEAD, Role.ADMIN)


# ---------------------------------------------------------------------------------------
# Who is calling


def _optional_identity(request: HttpRequest) -> Identity | None:
    """For endpoints that are public with a token but richer with credentials."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        token = header.removeprefix("Bearer ").strip()
        device = device_for_token(token)
        if device is not None:
            return device
        from org.services import api_token_user

        user = api_token_user(token)
        if user is None:
            raise DomainError("接口令牌无效。", code="unauthorized", status=401)
        return user
    return request.user if request.user.is_authenticated else None


def _branch_for(request: HttpRequest, code: str) -> Branch:
    identity = identity_of(request)
    if isinstance(identity, Device) and identity.branch.code == code:
        return identity.branch  # read with the device (an active branch): no second query
    branch = selectors.branch_by_code(code)
    if not may_see(identity, branch):
        raise PermissionDenied("您无权访问该管理部的排队信息。")
    return branch


def _teller(request: HttpRequest, branch: Branch) -> Staff:
    identity = identity_of(request)
    if isinstance(identity, Device):
        raise PermissionDenied("设备令牌不能操作窗口，请使用柜员的账号或令牌。")
    if not has_role(identity, Role.TELLER):
        raise PermissionDenied("只有柜员可以操作窗口。")
    staff = getattr(identity, "staff", None)
    if staff is None or staff.branch_id != branch.pk:
        raise PermissionDenied("您不是本管理部的柜员。")
    return staff


def _teller_window(request: HttpRequest, branch_code: str, number: int) -> tuple[Staff, Window]:
    window = selectors.window_at(branch_code, number)
    return _teller(request, window.branch), window


# ---------------------------------------------------------------------------------------
# Schemas


class TicketIn(Schema):
    branch: str = Field(..., description="管理部代码，如 HD01")
    category: str | None = Field(
        None, description="collection 归集 | withdrawal 提取 | loan 贷款 | other 综合"
    )
    priority: str | None = Field(None, description="绿色通道：elderly|child|ill|disabled|military|pregnant")
    appointment_code: str | None = Field(None, description="预约码：签到预约（此时不需要 category）")


class TicketOut(Schema):
    id: int
    number: str
    category: str
    category_label: str
    priority: str | None
    status: str
    status_label: str
    position: int | None = Field(None, description="前面还有 N 人")
    estimated_wait_minutes: int | None
    estimated_wait: str | None
    status_url: str
    appointment_code: str | None = None
    late_appointment: bool = False
    taken_at: datetime


class TicketStatusOut(Schema):
    id: int
    number: str
    branch: str
    category: str
    category_label: str
    priority: str | None
    status: str
    status_label: str
    position: int | None
    estimated_wait_minutes: int | None
    estimated_wait: str | None
    window: int | None
    target_window: int | None
    message: str
    service_date: date
    final: bool


class WindowTicketOut(Schema):
    id: int
    number: str
    category: str
    category_label: str
    priority: str | None
    status: str
    status_label: str
    window: int | None
    recall_count: int
    called_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    appointment: bool


class TransferIn(Schema):
    category: str | None = None
    window: int | None = Field(None, description="转至的窗口号")
    note: str = ""


class PauseIn(Schema):
    reason: str = Field(
        ..., description="away 临时离柜 | consult 请示协调 | system 系统故障 | break 工间休息 | other 其他"
    )
    note: str = ""


class BoardWindowOut(Schema):
    number: int
    name: str
    categories: list[str]
    green_channel: bool
    status: str
    status_label: str
    sign: str
    pause_reason: str
    staff_name: str | None
    staff_no: str | None
    current: dict | None


class WindowStateOut(BoardWindowOut):
    branch: str


class QueueOut(Schema):
    category: str
    category_label: str
    letter: str
    name: str
    bookable: bool


class WindowOut(Schema):
    number: int
    name: str
    categories: list[str]
    green_channel: bool


class BranchOut(Schema):
    code: str
    name: str
    opens_at: str
    day_close_at: str
    day_closed: bool
    categories: list[QueueOut]
    windows: list[WindowOut]


class BoardCallOut(Schema):
    id: int
    number: str
    window: int
    kind: str
    at: datetime
    text: str


class BoardQueueOut(Schema):
    letter: str
    name: str
    category: str
    waiting: int
    estimated_wait_minutes: int | None
    estimated_wait: str
    over_target: bool


class BoardOut(Schema):
    branch: str
    branch_name: str
    now: datetime
    day_closed: bool
    windows: list[BoardWindowOut]
    paused: list[int]
    queues: list[BoardQueueOut]
    recent_calls: list[BoardCallOut]
    last_event_id: int


# ---------------------------------------------------------------------------------------
# Tickets


def _ticket_out(request: HttpRequest, ticket: Ticket) -> dict[str, Any]:
    status = selectors.ticket_status(ticket)
    appointment = getattr(ticket, "appointment", None) if ticket.source == TicketSource.APPOINTMENT else None
    return {
        **status,
        "status_url": ticket_status_url(request, ticket),
        "appointment_code": appointment.code if appointment else None,
        "late_appointment": appointment is not None and ticket.appointment_at is None,
    }


@router.post(
    "/tickets",
    response={201: TicketOut, **errors(404, 409, 422)},
    auth=device_or_staff,
    summary="取号（取号机、引导员代取）或预约签到",
    description=(
        "取号机（设备令牌）或引导员、部门负责人（工作人员令牌/会话）取号。轧账后返回 409 "
        '`{"error": "day_closed", "message": "对不起，我们已经轧账了，请您使用自助办理好吗？"}`'
        "（000 §二(二)1(5)）。带 appointment_code 时为预约签到：时段开始前30分钟至开始后10分钟内签到的，"
        "时段开始后优先于同类现场号；迟到的按现场号排队。"
    ),
)
def ticket_take(request: HttpRequest, payload: TicketIn) -> Status[dict[str, Any]]:
    identity = identity_of(request)
    if isinstance(identity, Device) and identity.branch.code == payload.branch:
        branch = identity.branch  # already read with the device
    else:
        branch = selectors.branch_by_code(payload.branch)
    if isinstance(identity, Device):
        if identity.kind != DeviceKind.KIOSK or identity.branch_id != branch.pk:
            raise PermissionDenied("只有本管理部的取号机可以取号。")
        source = TicketSource.KIOSK
    else:
        if not has_role(identity, *TICKET_ROLES) or not may_see(identity, branch):
            raise PermissionDenied("只有本管理部的引导员、部门负责人可以代为取号。")
        source = TicketSource.GUIDE
    priority = payload.priority or ""
    if payload.appointment_code:
        appointment = selectors.appointment_by_code(payload.appointment_code)
        if appointment is None or appointment.branch_id != branch.pk:
            raise DomainError("没有找到该预约码，请核对短信中的预约码。", code="not_found", status=404)
        ticket = services.ticket_check_in(actor=identity, appointment=appointment, priority=priority)
    else:
        if not payload.category:
            raise DomainError("请选择业务类别（category）。", code="invalid_input")
        if payload.category not in Category.values:
            raise DomainError(
                f"category：“{payload.category[:20]}”不是有效的业务类别，"
                "应为 collection、withdrawal、loan 或 other。",
                code="invalid_input",
            )
        ticket = services.ticket_take(
            actor=identity, branch=branch, category=payload.category, priority=priority, source=source
        )
    return Status(201, _ticket_out(request, ticket))


@router.get(
    "/tickets/{ref}",
    response={200: TicketStatusOut, **errors(401, 403, 404, 429)},
    auth=None,
    summary="排队号的状态与前面人数",
    description=(
        "ref 为小票二维码中的查询令牌（公开，限制频率）或排队号 id（需本管理部的设备或工作人员令牌）。"
    ),
)
def ticket_detail(request: HttpRequest, ref: str) -> dict[str, Any]:
    if ref.isdigit():
        identity = _optional_identity(request)
        if identity is None:
            raise DomainError("按编号查询需要登录或有效的接口令牌。", code="unauthorized", status=401)
        pk = parse_id(ref)
        ticket = (
            Ticket.objects.select_related("branch", "window", "target_window").filter(pk=pk).first()
            if pk is not None
            else None
        )
        if ticket is None or not may_see(identity, ticket.branch):
            raise DomainError("没有找到这张排队号。", code="not_found", status=404)
    else:
        ratelimit.hit(request, "ticket", per_minute=PUBLIC_LOOKUPS_PER_MINUTE)
        ticket = selectors.ticket_by_token(ref)
    return selectors.ticket_status(ticket)


# ---------------------------------------------------------------------------------------
# Windows


def _window_ticket(ticket: Ticket) -> dict[str, Any]:
    return {
        "id": ticket.pk,
        "number": ticket.display_number,
        "category": ticket.category,
        "category_label": Category(ticket.category).label,
        "priority": ticket.priority or None,
        "status": ticket.status,
        "status_label": ticket.get_status_display(),
        "window": ticket.window.number if ticket.window_id and ticket.window else None,
        "recall_count": ticket.recall_count,
        "called_at": ticket.called_at,
        "started_at": ticket.started_at,
        "finished_at": ticket.finished_at,
        "appointment": ticket.source == TicketSource.APPOINTMENT and ticket.appointment_at is not None,
    }


WINDOW_RESPONSES: dict[int, Any] = {200: WindowTicketOut, **errors(403, 404, 409)}


@router.post(
    "/windows/{branch}/{number}/call-next",
    response={200: WindowTicketOut, 204: None, **errors(403, 404, 409)},
    auth=device_or_staff,
    summary="叫下一位",
    description=(
        "柜员在窗口叫号；窗口空闲时第一次叫号即签到，已由其他柜员签到的返回 409。没有可叫的号返回 204。"
    ),
)
def window_call_next(request: HttpRequest, branch: str, number: int) -> Any:
    staff, window = _teller_window(request, branch, number)
    ticket = services.ticket_call_next(actor=request.user, staff=staff, window=window)
    if ticket is None:
        return Status(204, None)
    return Status(200, _window_ticket(ticket))


@router.post(
    "/windows/{branch}/{number}/recall", response=WINDOW_RESPONSES, auth=device_or_staff, summary="重呼"
)
def window_recall(request: HttpRequest, branch: str, number: int) -> Any:
    staff, window = _teller_window(request, branch, number)
    return _window_ticket(services.ticket_recall(actor=request.user, staff=staff, window=window))


@router.post(
    "/windows/{branch}/{number}/start", response=WINDOW_RESPONSES, auth=device_or_staff, summary="开始办理"
)
def window_start(request: HttpRequest, branch: str, number: int) -> Any:
    staff, window = _teller_window(request, branch, number)
    return _window_ticket(services.ticket_start(actor=request.user, staff=staff, window=window))


@router.post(
    "/windows/{branch}/{number}/no-show",
    response=WINDOW_RESPONSES,
    auth=device_or_staff,
    summary="过号",
    description="重呼达到规则集规定的次数后才能标记过号。",
)
def window_no_show(request: HttpRequest, branch: str, number: int) -> Any:
    staff, window = _teller_window(request, branch, number)
    return _window_ticket(services.ticket_no_show(actor=request.user, staff=staff, window=window))


@router.post(
    "/windows/{branch}/{number}/complete",
    response=WINDOW_RESPONSES,
    auth=device_or_staff,
    summary="办结",
    description=(
        "返回办结的排队号。同时生成本次服务的评价令牌：窗口评价器的令牌只给绑定到本窗口的柜台平板"
        "（GET …/evaluator），扫码评价的令牌在办事凭条与排队号页面上——柜员永远读不到；"
        "提取、贷款业务同时生成12329回访任务。"
    ),
)
def window_complete(request: HttpRequest, branch: str, number: int) -> Any:
    staff, window = _teller_window(request, branch, number)
    return _window_ticket(services.ticket_complete(actor=request.user, staff=staff, window=window))


@router.post(
    "/windows/{branch}/{number}/transfer",
    response=WINDOW_RESPONSES,
    auth=device_or_staff,
    summary="转移（多窗联办）",
    description="把当前号转到另一业务类别和/或窗口，保留号码，排在目标队列（窗口）的最前面。",
)
def window_transfer(request: HttpRequest, branch: str, number: int, payload: TransferIn) -> Any:
    staff, window = _teller_window(request, branch, number)
    if payload.category is not None and payload.category not in Category.values:
        raise DomainError("category：不是有效的业务类别。", code="invalid_input")
    target = selectors.window_by_number(window.branch, payload.window) if payload.window is not None else None
    ticket = services.ticket_transfer(
        actor=request.user,
        staff=staff,
        window=window,
        category=payload.category,
        target_window=target,
        note=payload.note,
    )
    return _window_ticket(ticket)


def _window_state_out(window: Window) -> dict[str, Any]:
    snapshot = next(
        w for w in selectors.board_snapshot(window.branch)["windows"] if w["number"] == window.number
    )
    return {"branch": window.branch.code, **snapshot}


@router.post(
    "/windows/{branch}/{number}/pause",
    response={200: WindowStateOut, **errors(403, 404, 409, 422)},
    auth=device_or_staff,
    summary="暂停服务",
    description="临时离柜（000 §二(三)7）：显示屏和柜台平板显示“暂停服务”。有未办结的号时返回 409。",
)
def window_pause(request: HttpRequest, branch: str, number: int, payload: PauseIn) -> Any:
    staff, window = _teller_window(request, branch, number)
    services.window_pause(
        actor=request.user, staff=staff, window=window, reason=payload.reason, note=payload.note
    )
    return _window_state_out(window)


@router.post(
    "/windows/{branch}/{number}/resume",
    response={200: WindowStateOut, **errors(403, 404, 409)},
    auth=device_or_staff,
    summary="恢复服务",
)
def window_resume(request: HttpRequest, branch: str, number: int) -> Any:
    staff, window = _teller_window(request, branch, number)
    services.window_resume(actor=request.user, staff=staff, window=window)
    return _window_state_out(window)


@router.post(
    "/windows/{branch}/{number}/sign-in",
    response={200: WindowStateOut, **errors(403, 404, 409)},
    auth=device_or_staff,
    summary="签到",
)
def window_sign_in(request: HttpRequest, branch: str, number: int) -> Any:
    staff, window = _teller_window(request, branch, number)
    services.window_sign_in(actor=request.user, staff=staff, window=window)
    return _window_state_out(window)


@router.post(
    "/windows/{branch}/{number}/sign-out",
    response={200: WindowStateOut, **errors(403, 404, 409)},
    auth=device_or_staff,
    summary="签退",
)
def window_sign_out(request: HttpRequest, branch: str, number: int) -> Any:
    staff, window = _teller_window(request, branch, number)
    services.window_sign_out(actor=request.user, staff=staff, window=window)
    return _window_state_out(window)


@router.get(
    "/windows/{branch}/{number}",
    response={200: WindowStateOut, **errors(403, 404)},
    auth=device_or_staff,
    summary="窗口状态（柜台平板）",
)
def window_detail(request: HttpRequest, branch: str, number: int) -> Any:
    the_branch = _branch_for(request, branch)
    return _window_state_out(selectors.window_by_number(the_branch, number))


# ---------------------------------------------------------------------------------------
# Branches and the display


@router.get(
    "/branches",
    response=list[BranchOut],
    auth=device_or_staff,
    summary="管理部、业务类别与窗口（设备自动配置）",
    description="设备令牌只看到本管理部；工作人员看到其角色可见的管理部。",
)
def branch_list(request: HttpRequest) -> list[dict[str, Any]]:
    identity = identity_of(request)
    visible = Branch.objects.filter(is_active=True).order_by("code")
    if isinstance(identity, Device):
        visible = visible.filter(pk=identity.branch_id)
    else:
        visible = visible.visible_to(identity)
    branches = list(visible)
    queues: dict[int, list[Queue]] = {b.pk: [] for b in branches}
    for queue in Queue.objects.filter(branch__in=branches, is_active=True).order_by("order", "letter"):
        queues[queue.branch_id].append(queue)
    windows: dict[int, list[Window]] = {b.pk: [] for b in branches}
    for window in Window.objects.filter(branch__in=branches, is_active=True).order_by("number"):
        windows[window.branch_id].append(window)
    now = clock.now()
    return [
        {
            "code": b.code,
            "name": b.name,
            "opens_at": f"{b.opens_at:%H:%M}",
            "day_close_at": f"{b.day_close_at:%H:%M}",
            "day_closed": selectors.is_day_closed(b, now),
            "categories": [
                {
                    "category": q.category,
                    "category_label": Category(q.category).label,
                    "letter": q.letter,
                    "name": q.name,
                    "bookable": q.bookable,
                }
                for q in queues[b.pk]
            ],
            "windows": [
                {
                    "number": w.number,
                    "name": w.name,
                    "categories": w.categories,
                    "green_channel": w.is_green_channel,
                }
                for w in windows[b.pk]
            ],
        }
        for b in branches
    ]


@router.get(
    "/branches/{branch}/board",
    response={200: BoardOut, **errors(403, 404)},
    auth=device_or_staff,
    summary="叫号显示屏的内容",
    description="各窗口当前叫号与状态（暂停服务）、最近叫号、各业务等候人数与预计等候时间。",
)
def branch_board(request: HttpRequest, branch: str) -> dict[str, Any]:
    return selectors.board_snapshot(_branch_for(request, branch))


@router.get(
    "/branches/{branch}/events",
    response={200: None, **errors(404)},
    auth=[DeviceBearer(), *device_or_staff[1:]],
    summary="叫号事件流（Server-Sent Events）",
    description=(
        "text/event-stream：event: call / recall / window（带 id，data 为 JSON），"
        "event: ticket（窗口开始办理、办结、过号、转移，无 id，不重放）；约每15秒一行心跳注释；"
        "由推送服务器（config/streams.py）提供时约30分钟后结束，客户端带 Last-Event-ID 重连即可续上"
        "（补发最近一分钟的事件）。服务器重启时返回 503，客户端稍后重连即可。"
    ),
)
def branch_events(request: HttpRequest, branch: str) -> HttpResponseBase:
    the_branch = _branch_for(request, branch)
    return board_stream(request, the_branch)


# ---------------------------------------------------------------------------------------
# Appointments (public)


class SlotOut(Schema):
    start: str
    label: str
    free: int
    state: str = Field(
        description="open 可预约 · full 已约满 · day_full 当日名额已满 · past 已开始 · closed 这一天不能预约"
    )


class SlotsOut(Schema):
    branch: str
    category: str
    date: date
    bookable: bool = Field(description="这一天能否预约（工作日、在预约期限内、节假日安排已发布）")
    reason: str | None = Field(None, description="不能预约时的原因（给办事群众看的提示）")
    slots: list[SlotOut]


class BookingDatesOut(Schema):
    branch: str
    category: str
    dates: list[date]


class CodeIn(Schema):
    branch: str
    category: str
    date: date
    slot: str = Field(..., description="时段开始，HH:MM")
    name: str
    id_number: ResidentId
    mobile: Mobile


class CodeOut(Schema):
    challenge_id: int
    expires_in: int
    message: str


class BookIn(Schema):
    challenge_id: int
    code: str


class AppointmentOut(Schema):
    code: str
    branch: str
    branch_name: str
    category: str
    category_label: str
    date: date
    slot: str
    status: str
    status_label: str
    checkin_from: str
    checkin_until: str
    name: str
    mobile: str = Field(..., description="脱敏")


class AppointmentLookupIn(Schema):
    id_number: ResidentId


def _bookable_queue(branch_code: str, category: str) -> Any:
    branch = selectors.branch_by_code(branch_code)
    if category not in Category.values:
        raise DomainError("category：不是有效的业务类别。", code="invalid_input")
    return selectors.queue_for(branch, category)


def _appointment_out(appointment: Any) -> dict[str, Any]:
    from datetime import timedelta

    from django.utils import timezone

    from common.identity import mask_name, mask_phone

    params = queue_rules(appointment.service_date).params
    start = timezone.make_aware(datetime.combine(appointment.service_date, appointment.slot_start))
    before, after = params.checkin_before_minutes, params.checkin_after_minutes
    return {
        "code": appointment.code,
        "branch": appointment.branch.code,
        "branch_name": appointment.branch.name,
        "category": appointment.category,
        "category_label": Category(appointment.category).label,
        "date": appointment.service_date,
        "slot": f"{appointment.slot_start:%H:%M}–{appointment.slot_end:%H:%M}",
        "status": appointment.status,
        "status_label": appointment.get_status_display(),
        "checkin_from": f"{clock.local(start - timedelta(minutes=before)):%H:%M}",
        "checkin_until": f"{clock.local(start + timedelta(minutes=after)):%H:%M}",
        "name": mask_name(appointment.name),
        "mobile": mask_phone(appointment.mobile),
    }


@router.get(
    "/appointments/dates",
    response={200: BookingDatesOut, **errors(404, 422)},
    auth=None,
    summary="可预约的日期（工作日）",
)
def appointment_dates(request: HttpRequest, branch: str, category: str) -> dict[str, Any]:
    queue = _bookable_queue(branch, category)
    today = clock.today()
    return {
        "branch": branch,
        "category": category,
        "dates": selectors.bookable_dates(today=today, params=queue_rules(today).params)
        if queue.bookable
        else [],
    }


@router.get(
    "/appointments/slots",
    response={200: SlotsOut, **errors(404, 422)},
    auth=None,
    summary="某日各时段的剩余名额",
)
def appointment_slots(request: HttpRequest, branch: str, category: str, date: date) -> dict[str, Any]:
    queue = _bookable_queue(branch, category)
    now = clock.now()
    params = queue_rules(clock.today()).params
    refusal = selectors.date_refusal(queue, date, today=clock.local_date(now), params=params)
    rows = selectors.slot_availability(queue, date, params=params, now=now)
    return {
        "branch": branch,
        "category": category,
        "date": date,
        "bookable": refusal is None,
        "reason": refusal,
        # A slot is "open" only where a booking would be accepted (the same rule as POST …/code).
        "slots": [
            {
                "start": r["start"],
                "label": r["label"],
                "free": r["free"] if refusal is None else 0,
                "state": r["state"] if refusal is None else "closed",
            }
            for r in rows
        ],
    }


@router.post(
    "/appointments/code",
    response={202: CodeOut, **errors(403, 404, 409, 422, 429)},
    auth=None,
    summary="预约第一步：校验并发送短信验证码",
)
def appointment_code(request: HttpRequest, payload: CodeIn) -> Status[dict[str, Any]]:
    ratelimit.hit(request, "booking-code", per_minute=BOOKING_LOOKUPS_PER_MINUTE)
    branch = selectors.branch_by_code(payload.branch)
    if payload.category not in Category.values:
        raise DomainError("category：不是有效的业务类别。", code="invalid_input")
    challenge = services.appointment_code_request(
        branch=branch,
        category=payload.category,
        service_date=payload.date,
        slot_start=payload.slot,
        name=payload.name,
        id_number=payload.id_number,
        mobile=payload.mobile,
        client_ip=client_ip(request),
    )
    from queueing.constants import SMS_CODE_TTL_SECONDS

    return Status(
        202,
        {
            "challenge_id": challenge.pk,
            "expires_in": SMS_CODE_TTL_SECONDS,
            "message": "验证码已发送，请查看短信。",
        },
    )


@router.post(
    "/appointments",
    response={201: AppointmentOut, **errors(409, 422, 429)},
    auth=None,
    summary="预约第二步：凭验证码完成预约",
)
def appointment_create(request: HttpRequest, payload: BookIn) -> Status[dict[str, Any]]:
    ratelimit.hit(request, "booking-verify", per_minute=BOOKING_LOOKUPS_PER_MINUTE)
    appointment = services.appointment_book(challenge_id=payload.challenge_id, code=payload.code)
    return Status(201, _appointment_out(appointment))


def _own_appointment(request: HttpRequest, code: str, id_number: str) -> Any:
    ratelimit.hit(request, "booking-lookup", per_minute=BOOKING_LOOKUPS_PER_MINUTE)
    appointment = selectors.appointment_by_code(code)
    if appointment is None or appointment.id_number != id_number:
        raise DomainError("没有找到该预约：请核对预约码和身份证号码。", code="not_found", status=404)
    return appointment


@router.post(
    "/appointments/{code}/lookup",
    response={200: AppointmentOut, **errors(404, 422, 429)},
    auth=None,
    summary="查询本人的预约（预约码 + 身份证号码）",
)
def appointment_lookup(request: HttpRequest, code: str, payload: AppointmentLookupIn) -> dict[str, Any]:
    return _appointment_out(_own_appointment(request, code, payload.id_number))


@router.post(
    "/appointments/{code}/cancel",
    response={200: AppointmentOut, **errors(404, 409, 422, 429)},
    auth=None,
    summary="取消本人的预约",
)
def appointment_cancel(request: HttpRequest, code: str, payload: AppointmentLookupIn) -> dict[str, Any]:
    appointment = _own_appointment(request, code, payload.id_number)
    return _appointment_out(services.appointment_cancel(actor="public:booking", appointment=appointment))
