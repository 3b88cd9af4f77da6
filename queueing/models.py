"""Tickets, queues, windows' live state, appointments and the devices of a hall.

The clauses this app serves:

* 000 §四(二)3(1) — 叫号设备：配备具有微信、手机APP或者网络预约排队功能的叫号系统.
* 000 §二(二)1(3) — 当办事职工不会使用叫号设备时，应主动帮助叫号 (a guide takes a ticket
  for a citizen).
* 000 §二(二)1(5) — 轧账后 no new tickets, with the standard phrase.
* 000 §二(三)3 — 对老、幼、病、残、军人实行优先照顾 (the green channel); §四(二)1 设置绿色通道窗口.
* 000 §二(三)7 and 001 第二十六条 — 临时离柜 shows 暂停服务 / 请稍候 (window pause).
* 001 第十一条(五) — 先到先办: first come, first served within a queue.

Two guarantees are the database's, not the code's: ticket numbers are unique per
queue per day (`ticket_number_unique`), and a window has at most one called or
serving ticket (`ticket_one_active_call_per_window`, a partial unique index).
"""

from __future__ import annotations

import hashlib
import secrets
from typing import ClassVar

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from common.events import StatusEvent
from org.models import Branch, Category, Staff, Window

# ---------------------------------------------------------------------------------------
# Choices


class Priority(models.TextChoices):
    """The green channel (绿色通道): 000 §二(三)3 names 老、幼、病、残、军人; pregnant women
    are added as every hall does (product decision, rules/bundled/product-queue.toml)."""

    ELDERLY = "elderly", "老年人"
    CHILD = "child", "携婴幼儿"
    ILL = "ill", "病患"
    DISABLED = "disabled", "残疾人"
    MILITARY = "military", "军人"
    PREGNANT = "pregnant", "孕妇"


PRIORITY_SHORT = {
    Priority.ELDERLY: "老",
    Priority.CHILD: "幼",
    Priority.ILL: "病",
    Priority.DISABLED: "残",
    Priority.MILITARY: "军",
    Priority.PREGNANT: "孕",
}


class TicketStatus(models.TextChoices):
    WAITING = "waiting", "等候中"
    CALLED = "called", "已叫号"
    SERVING = "serving", "办理中"
    DONE = "done", "已办结"
    NO_SHOW = "no_show", "已过号"
    CANCELLED = "cancelled", "已取消"
    # Waiting again after 多窗联办: at the front of the target queue or window.
    TRANSFERRED = "transferred", "已转移"


ACTIVE_CALL = (TicketStatus.CALLED, TicketStatus.SERVING)
IN_LINE = (TicketStatus.WAITING, TicketStatus.TRANSFERRED)

TICKET_TRANSITIONS: dict[str, frozenset[str]] = {
    TicketStatus.WAITING: frozenset({TicketStatus.CALLED, TicketStatus.CANCELLED}),
    TicketStatus.TRANSFERRED: frozenset({TicketStatus.CALLED, TicketStatus.CANCELLED}),
    TicketStatus.CALLED: frozenset(
        {TicketStatus.SERVING, TicketStatus.DONE, TicketStatus.NO_SHOW, TicketStatus.TRANSFERRED}
    ),
    TicketStatus.SERVING: frozenset({TicketStatus.DONE, TicketStatus.TRANSFERRED}),
    TicketStatus.NO_SHOW: frozenset({TicketStatus.WAITING}),
    TicketStatus.DONE: frozenset(),
    TicketStatus.CANCELLED: frozenset(),
}


class TicketAction(models.TextChoices):
    TAKE = "take", "取号"
    CALL = "call", "叫号"
    RECALL = "recall", "重呼"
    START = "start", "开始办理"
    COMPLETE = "complete", "办结"
    NO_SHOW = "no_show", "过号"
    REACTIVATE = "reactivate", "恢复排队"
    TRANSFER = "transfer", "转移"
    CANCEL = "cancel", "取消"


class TicketSource(models.TextChoices):
    KIOSK = "kiosk", "取号机"
    GUIDE = "guide", "引导员代取"
    APPOINTMENT = "appointment", "预约签到"


class WindowStatus(models.TextChoices):
    CLOSED = "closed", "未开放"
    OPEN = "open", "服务中"
    PAUSED = "paused", "暂停服务"


WINDOW_TRANSITIONS: dict[str, frozenset[str]] = {
    WindowStatus.CLOSED: frozenset({WindowStatus.OPEN}),
    WindowStatus.OPEN: frozenset({WindowStatus.PAUSED, WindowStatus.CLOSED}),
    WindowStatus.PAUSED: frozenset({WindowStatus.OPEN, WindowStatus.CLOSED}),
}


class WindowAction(models.TextChoices):
    SIGN_IN = "sign_in", "签到"
    SIGN_OUT = "sign_out", "签退"
    PAUSE = "pause", "暂停服务"
    RESUME = "resume", "恢复服务"
    RELEASE = "release", "强制签退"


class PauseReason(models.TextChoices):
    """Why a window stops: 000 §二(三)7 临时离柜; 001 第二十六条 因故离岗中断服务."""

    AWAY = "away", "临时离柜"
    CONSULT = "consult", "请示、协调业务"
    SYSTEM = "system", "系统或设备故障"
    BREAK = "break", "工间休息"
    OTHER = "other", "其他"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "已预约"
    CHECKED_IN = "checked_in", "已签到"
    LATE = "late", "迟到转现场"
    CANCELLED = "cancelled", "已取消"
    NO_SHOW = "no_show", "爽约"


ACTIVE_APPOINTMENT = (AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN)

APPOINTMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    AppointmentStatus.BOOKED: frozenset(
        {
            AppointmentStatus.CHECKED_IN,
            AppointmentStatus.LATE,
            AppointmentStatus.CANCELLED,
            AppointmentStatus.NO_SHOW,
        }
    ),
    AppointmentStatus.CHECKED_IN: frozenset(),
    AppointmentStatus.LATE: frozenset(),
    AppointmentStatus.CANCELLED: frozenset(),
    AppointmentStatus.NO_SHOW: frozenset(),
}


class AppointmentAction(models.TextChoices):
    BOOK = "book", "预约"
    CHECK_IN = "check_in", "签到"
    LATE = "late", "迟到转现场"
    CANCEL = "cancel", "取消"
    NO_SHOW = "no_show", "记为爽约"


class DeviceKind(models.TextChoices):
    KIOSK = "kiosk", "取号机"
    BOARD = "board", "叫号显示屏"
    COUNTER = "counter", "窗口评价器（柜台平板）"


class BoardEventKind(models.TextChoices):
    CALL = "call", "叫号"
    RECALL = "recall", "重呼"
    WINDOW = "window", "窗口状态"


# ---------------------------------------------------------------------------------------
# Configuration of a hall


class Queue(models.Model):
    """One queue of a branch per business category (归集 A、提取 B、贷款 C、综合 D), the
    letter in front of its numbers, and whether it can be booked online
    (000 §四(二)3(1) 预约排队). Within a queue tickets are served first come, first
    served (001 第十一条(五)), with the exceptions listed in rules/bundled/product-queue.toml."""

    branch = models.ForeignKey(Branch, verbose_name="管理部", on_delete=models.PROTECT, related_name="queues")
    category = models.CharField("业务类别", max_length=20, choices=Category.choices)
    letter = models.CharField(
        "字母",
        max_length=2,
        validators=[RegexValidator(r"^[A-Z]{1,2}$", "字母应为1–2个大写英文字母，例如 A。")],
        help_text="号码前缀，例如 A → A001",
    )
    name = models.CharField("名称", max_length=20, help_text="取号机和显示屏上的名称，例如：提取")
    order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)
    bookable = models.BooleanField("可网上预约", default=True)
    slot_capacity = models.PositiveSmallIntegerField(
        "每时段预约名额", null=True, blank=True, help_text="空 = 按排队叫号规则集"
    )
    daily_booking_cap = models.PositiveSmallIntegerField(
        "每日预约上限", null=True, blank=True, help_text="空 = 按排队叫号规则集"
    )

    class Meta:
        verbose_name = verbose_name_plural = "排队队列"
        ordering = ["branch__code", "order", "letter"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "category"], name="queue_category_unique"),
            models.UniqueConstraint(fields=["branch", "letter"], name="queue_letter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.branch.name} {self.letter} {self.name}"


class HallSettings(models.Model):
    """The hall's lunch break, which booking slots skip. 000 §二(三) leaves opening hours to
    each branch (org.Branch opens_at / day_close_at); the break is taken from the
    branch's hours note when the hall is created (e.g. “上午 8:30–12:00，下午 14:00–17:30”)."""

    branch = models.OneToOneField(
        Branch, verbose_name="管理部", on_delete=models.PROTECT, related_name="hall"
    )
    break_starts_at = models.TimeField("午间休息开始", null=True, blank=True)
    break_ends_at = models.TimeField("午间休息结束", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "大厅设置"

    def __str__(self) -> str:
        return f"{self.branch.name} 大厅设置"


class TicketCounter(models.Model):
    """The last number issued by a queue on a day, for the 叫号系统 of 000 §四(二)3(1). It is
    incremented in the transaction that inserts the ticket (row lock), so numbers are
    unique, gapless and reset daily."""

    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="counters")
    service_date = models.DateField("日期")
    last_number = models.PositiveIntegerField("已发号数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "发号计数"
        constraints = [
            models.UniqueConstraint(fields=["queue", "service_date"], name="ticket_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.queue_id} {self.service_date:%Y-%m-%d}: {self.last_number}"


# ---------------------------------------------------------------------------------------
# Tickets


class Ticket(models.Model):
    """A queue ticket (排队号) taken at a kiosk, by a guide for a citizen (000 §二(二)1(3))
    or by checking in an appointment (000 §四(二)3(1)). Its number is unique per queue per
    day. A priority reason puts it on the green channel (000 §二(三)3). It keeps its
    number through a transfer (多窗联办); `category` is the queue it waits in now."""

    branch = models.ForeignKey(Branch, verbose_name="管理部", on_delete=models.PROTECT, related_name="+")
    queue = models.ForeignKey(
        Queue, verbose_name="取号队列", on_delete=models.PROTECT, related_name="tickets"
    )
    service_date = models.DateField("日期")
    number = models.PositiveIntegerField("序号")
    display_number = models.CharField("号码", max_length=8)
    category = models.CharField("业务类别", max_length=20, choices=Category.choices)
    priority = models.CharField("绿色通道", max_length=20, choices=Priority.choices, blank=True)
    source = models.CharField("取号方式", max_length=20, choices=TicketSource.choices)
    status = models.CharField(
        "状态", max_length=20, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    token = models.CharField("查询令牌", max_length=32, unique=True, editable=False)
    taken_at = models.DateTimeField("取号时间")
    taken_by = models.CharField("取号人", max_length=100, help_text="设备名或工作人员用户名")
    queued_at = models.DateTimeField("排队时间", help_text="在当前队列中的排序时间；转移时重置")
    appointment_at = models.DateTimeField(
        "预约时段开始", null=True, blank=True, help_text="按时签到的预约号，在此时刻起优先于现场号"
    )
    target_window = models.ForeignKey(
        Window, verbose_name="转至窗口", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    window = models.ForeignKey(
        Window, verbose_name="办理窗口", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    staff = models.ForeignKey(
        Staff, verbose_name="柜员", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    called_at = models.DateTimeField("叫号时间", null=True, blank=True)
    started_at = models.DateTimeField("开始办理", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    no_show_at = models.DateTimeField("过号时间", null=True, blank=True)
    recall_count = models.PositiveSmallIntegerField("重呼次数", default=0)
    note = models.CharField("备注", max_length=200, blank=True)

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = TICKET_TRANSITIONS
    INITIAL: ClassVar[frozenset[str]] = frozenset({TicketStatus.WAITING})

    class Meta:
        verbose_name = verbose_name_plural = "排队号"
        ordering = ["-service_date", "queue__letter", "number"]
        constraints = [
            models.UniqueConstraint(fields=["queue", "service_date", "number"], name="ticket_number_unique"),
            models.UniqueConstraint(
                fields=["window"],
                condition=Q(status__in=["called", "serving"]),
                name="ticket_one_active_call_per_window",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="ticket_number_positive"),
        ]
        indexes = [
            models.Index(fields=["branch", "service_date", "status", "category"], name="ticket_line_idx"),
            models.Index(fields=["branch", "category", "status", "finished_at"], name="ticket_finished_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.display_number}（{self.service_date:%Y-%m-%d}）"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(16)

    @property
    def priority_short(self) -> str:
        return PRIORITY_SHORT.get(Priority(self.priority), "") if self.priority else ""

    @property
    def category_label(self) -> str:
        return Category(self.category).label


class TicketEvent(StatusEvent):
    """One change of a ticket: who, when, from which state to which, at which window.
    Waiting and service times (and later statistics, 000 §五(五) ratings) are computed
    from these; they also show that 先到先办 (001 第十一条(五)) was kept. A recall (重呼)
    is a row from "called" to "called"."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="events")
    action = models.CharField("动作", max_length=20, choices=TicketAction.choices)
    from_status = models.CharField("原状态", max_length=20, choices=TicketStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=TicketStatus.choices, blank=True)
    window = models.ForeignKey(
        Window, verbose_name="窗口", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    staff = models.ForeignKey(
        Staff, verbose_name="柜员", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(StatusEvent.Meta):
        verbose_name = verbose_name_plural = "排队号记录"
        indexes = [models.Index(fields=["ticket", "at"], name="ticket_event_idx")]

    def __str__(self) -> str:
        return f"{self.ticket} {self.get_action_display()}"


# ---------------------------------------------------------------------------------------
# Windows


class WindowState(models.Model):
    """Who is at a window now and whether it serves: 服务中, or 暂停服务 while the
    teller is away (000 §二(三)7 “临时离柜，须在窗口前放置‘暂停服务’告示牌”; 001 第二十六条
    “请稍候”指示牌). A teller holds at most one window."""

    window = models.OneToOneField(Window, verbose_name="窗口", on_delete=models.PROTECT, related_name="state")
    status = models.CharField(
        "状态", max_length=20, choices=WindowStatus.choices, default=WindowStatus.CLOSED
    )
    staff = models.ForeignKey(
        Staff, verbose_name="当前柜员", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pause_reason = models.CharField("暂停原因", max_length=20, choices=PauseReason.choices, blank=True)
    pause_note = models.CharField("暂停说明", max_length=100, blank=True)
    since = models.DateTimeField("状态开始时间", null=True, blank=True)

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = WINDOW_TRANSITIONS
    INITIAL: ClassVar[frozenset[str]] = frozenset({WindowStatus.CLOSED})

    class Meta:
        verbose_name = verbose_name_plural = "窗口状态"
        constraints = [
            models.UniqueConstraint(
                fields=["staff"], condition=Q(staff__isnull=False), name="window_state_one_window_per_teller"
            ),
            models.CheckConstraint(
                condition=(Q(status="closed") & Q(staff__isnull=True))
                | (~Q(status="closed") & Q(staff__isnull=False)),
                name="window_state_staffed_when_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.window} {self.get_status_display()}"


class WindowEvent(StatusEvent):
    """Sign-in, pause, resume and sign-out of a window, with the reason of a pause:
    the time a window was paused is measured from these (000 §二(三)7). The window's
    status lives on its `WindowState` (one per window); its moves are written here, on
    the window's timeline (`window.events`)."""

    window = models.ForeignKey(Window, verbose_name="窗口", on_delete=models.PROTECT, related_name="events")
    action = models.CharField("动作", max_length=20, choices=WindowAction.choices)
    from_status = models.CharField("原状态", max_length=20, choices=WindowStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=WindowStatus.choices, blank=True)
    staff = models.ForeignKey(
        Staff, verbose_name="柜员", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField("原因", max_length=20, choices=PauseReason.choices, blank=True)

    class Meta(StatusEvent.Meta):
        verbose_name = verbose_name_plural = "窗口记录"
        indexes = [models.Index(fields=["window", "at"], name="window_event_idx")]

    def __str__(self) -> str:
        return f"{self.window} {self.get_action_display()}"


class BoardEvent(models.Model):
    """What the hall display (000 §四(二)3(3) 信息发布设备：电子显示屏) announces: a call or
    recall (“请 B007 号到 3 号窗口办理”) or a window's change of state (暂停服务, 000 §二(三)7).
    The display's event stream reads this table by (branch, at), so a call reaches the
    screen within the stream's polling interval."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=20, choices=BoardEventKind.choices)
    at = models.DateTimeField("时间")
    window_number = models.PositiveSmallIntegerField("窗口号")
    display_number = models.CharField("号码", max_length=8, blank=True)
    text = models.CharField("播报内容", max_length=100, blank=True)
    payload = models.JSONField("内容", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "显示屏事件"
        indexes = [models.Index(fields=["branch", "at"], name="board_event_idx")]

    def __str__(self) -> str:
        return self.text or f"{self.window_number}号窗口 {self.get_kind_display()}"


# ---------------------------------------------------------------------------------------
# Appointments


class Appointment(models.Model):
    """An online booking (网络预约排队, 000 §四(二)3(1)): a branch, a business category, a
    working day and a time slot. One active booking per person per category per day
    (`appointment_one_per_person_category_day`). Checked in at a kiosk within the slot's
    window it becomes a ticket called before walk-ins of its category at the slot time."""

    branch = models.ForeignKey(Branch, verbose_name="管理部", on_delete=models.PROTECT, related_name="+")
    queue = models.ForeignKey(Queue, verbose_name="业务队列", on_delete=models.PROTECT, related_name="+")
    category = models.CharField("业务类别", max_length=20, choices=Category.choices)
    service_date = models.DateField("预约日期")
    slot_start = models.TimeField("时段开始")
    slot_end = models.TimeField("时段结束")
    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField("身份证号码", max_length=18)
    mobile = models.CharField("手机号码", max_length=11)
    code = models.CharField("预约码", max_length=8, unique=True)
    status = models.CharField(
        "状态", max_length=20, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    created_at = models.DateTimeField("预约时间")
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    closed_at = models.DateTimeField("取消/爽约时间", null=True, blank=True)
    ticket = models.OneToOneField(
        Ticket,
        verbose_name="排队号",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointment",
    )

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = APPOINTMENT_TRANSITIONS
    INITIAL: ClassVar[frozenset[str]] = frozenset({AppointmentStatus.BOOKED})

    class Meta:
        verbose_name = verbose_name_plural = "预约"
        ordering = ["service_date", "slot_start", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number", "category", "service_date"],
                condition=Q(status__in=["booked", "checked_in"]),
                name="appointment_one_per_person_category_day",
            ),
        ]
        indexes = [
            models.Index(
                fields=["queue", "service_date", "slot_start", "status"], name="appointment_slot_idx"
            ),
            models.Index(fields=["id_number", "status", "service_date"], name="appointment_person_idx"),
        ]

    def __str__(self) -> str:
        return f"预约 {self.code}（{self.service_date:%Y-%m-%d} {self.slot_start:%H:%M}）"


class AppointmentEvent(StatusEvent):
    """One change of an appointment (booked, checked in, late, cancelled, no-show) of the
    网络预约排队 of 000 §四(二)3(1): no-shows counted from these can block booking
    (product-queue rule set)."""

    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="events")
    action = models.CharField("动作", max_length=20, choices=AppointmentAction.choices)
    from_status = models.CharField("原状态", max_length=20, choices=AppointmentStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=AppointmentStatus.choices, blank=True)

    class Meta(StatusEvent.Meta):
        verbose_name = verbose_name_plural = "预约记录"

    def __str__(self) -> str:
        return f"{self.appointment} {self.get_action_display()}"


class BookingChallenge(models.Model):
    """The SMS-code step of a booking (网络预约, 000 §四(二)3(1)): the draft the citizen
    filled in, waiting for the code sent to the mobile number. Only a keyed hash of the
    code is kept; the booking is made from the stored draft, so nothing can be changed
    after the number was verified."""

    mobile = models.CharField("手机号码", max_length=11, db_index=True)
    id_number = models.CharField("身份证号码", max_length=18)
    draft = models.JSONField("预约内容")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField("发送时间", db_index=True)
    expires_at = models.DateTimeField("失效时间")
    attempts = models.PositiveSmallIntegerField("验证次数", default=0)
    used_at = models.DateTimeField("使用时间", null=True, blank=True)
    client_ip = models.GenericIPAddressField("客户端地址", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "预约短信验证"

    def __str__(self) -> str:
        return f"短信验证 {self.pk}"

    @staticmethod
    def hash_code(challenge_salt: str, code: str) -> str:
        return hashlib.sha256(f"{challenge_salt}:{code}".encode()).hexdigest()


# ---------------------------------------------------------------------------------------
# Devices


class Device(models.Model):
    """A kiosk (取号机), hall display (叫号显示屏) or counter tablet (评价器) of a branch
    (000 §四(二)2(4), 3(1), 3(3)). It authenticates with its own token (`Authorization:
    Bearer wsd_…`, or once on its page to bind the browser); only a hash is stored."""

    PREFIX = "wsd_"

    branch = models.ForeignKey(Branch, verbose_name="管理部", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=20, choices=DeviceKind.choices)
    window = models.ForeignKey(
        Window, verbose_name="所在窗口", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField("名称", max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField("尾号", max_length=8, editable=False)
    created_at = models.DateTimeField("签发时间")
    last_seen_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "大厅设备"
        ordering = ["branch__code", "kind", "name"]

    def __str__(self) -> str:
        return f"{self.branch.name} {self.get_kind_display()} {self.name}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def new_token(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def actor_label(self) -> str:
        """How the audit log and ticket events name this device when it acts under its
        token (common.actors.NamedActor): "kiosk:HD01:大厅1号"."""
        return f"{self.kind}:{self.branch.code}:{self.name}"[:100]

    @property
    def label(self) -> str:
        return self.actor_label
