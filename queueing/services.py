"""Every write of the queue. Each service is keyword-only, runs in one transaction
with its event row and its audit event, and is retried as a whole on a transient
lock conflict (queueing/retry.py).

Concurrency (docs/queueing.md "Guarantees"):

* **Numbers.** `_next_number` increments the (queue, day) counter row under a row lock
  in the transaction that inserts the ticket; `ticket_number_unique` backs it up. A
  rolled-back ticket rolls back its number, so numbers are gapless.
* **One call per ticket.** `ticket_call_next` moves a ticket from waiting to called with
  a conditional UPDATE (`WHERE status = <what we read>`); if another window got there
  first the UPDATE changes no row and the next candidate is tried. On PostgreSQL the
  candidates are read with `FOR UPDATE SKIP LOCKED`, so windows do not wait on each other.
* **One active call per window.** The window's state row is locked for the call, and
  the partial unique index `ticket_one_active_call_per_window` makes a second active
  call impossible whatever the code does.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, connection, transaction
from django.db.models import Choices, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from audit.services import audit_record
from common import clock, hooks
from common.errors import Conflict, DomainError
from common.identity import mask_id, mask_phone, validate_mobile, validate_resident_id
from common.sms import send_sms
from org.models import Branch, Category, Staff, Window
from queueing import selectors
from queueing.constants import (
    ANNOUNCEMENT,
    DAY_CLOSE_CLAUSE,
    SELF_SERVICE_HINT,
    SMS_CODE_LENGTH,
    SMS_CODE_TTL_SECONDS,
    SMS_DAILY_LIMIT_PER_IP,
    SMS_DAILY_LIMIT_PER_MOBILE,
    SMS_MAX_ATTEMPTS,
    SMS_RESEND_SECONDS,
    day_close_phrase,
)
from queueing.models import (
    ACTIVE_APPOINTMENT,
    ACTIVE_CALL,
    IN_LINE,
    Appointment,
    AppointmentAction,
    AppointmentEvent,
    AppointmentStatus,
    BoardEvent,
    BoardEventKind,
    BookingChallenge,
    Device,
    DeviceKind,
    HallSettings,
    PauseReason,
    Priority,
    Queue,
    Ticket,
    TicketAction,
    TicketCounter,
    TicketEvent,
    TicketSource,
    TicketStatus,
    WindowAction,
    WindowEvent,
    WindowState,
    WindowStatus,
)
from queueing.params import queue_rules
from queueing.retry import retry_on_conflict
from queueing.slots import break_from_hours_note
from rules.schemas import QueueParams
from workdays.calendar import CalendarNotPublished, is_workday

Actor = AbstractBaseUser | AnonymousUser | Device | str | None

# Default queues of a hall: letter, name, order (000 §五(二)3 categories + 综合).
DEFAULT_QUEUES = {
    Category.COLLECTION: ("A", "归集", 1),
    Category.WITHDRAWAL: ("B", "提取", 2),
    Category.LOAN: ("C", "贷款", 3),
    Category.OTHER: ("D", "综合", 4),
}
# Digits only: typed on the kiosk's keypad and read over the phone (10⁸ codes; look-ups
# are rate-limited and cancelling also needs the identity number).
BOOKING_CODE_ALPHABET = "0123456789"


class DayClosed(Conflict):
    code = "day_closed"


# ---------------------------------------------------------------------------------------
# Helpers


def _actor_user_and_label(actor: Actor) -> tuple[Any, str]:
    """The user to link an event row to (None for a device, a job or the public) and the
    label that names the actor in any case."""
    if isinstance(actor, Device):
        return None, actor.label
    if isinstance(actor, str):
        return None, actor
    if actor is None or isinstance(actor, AnonymousUser):
        return None, "匿名"
    return actor, actor.get_username()


def _audit_actor(actor: Actor) -> AbstractBaseUser | AnonymousUser | str | None:
    return actor.label if isinstance(actor, Device) else actor


def _ticket_event(
    ticket: Ticket,
    action: str,
    from_status: str,
    *,
    actor: Actor,
    at: datetime,
    note: str = "",
) -> TicketEvent:
    user, label = _actor_user_and_label(actor)
    return TicketEvent.objects.create(
        ticket=ticket,
        action=action,
        from_status=from_status,
        to_status=ticket.status,
        at=at,
        actor=user,
        actor_label=label,
        window_id=ticket.window_id,
        staff_id=ticket.staff_id,
        note=note[:200],
    )


def _check_transition(
    kind: str, transitions: dict[str, frozenset[str]], current: str, target: str, labels: type[Choices]
) -> None:
    if target not in transitions.get(current, frozenset()):
        raise Conflict(
            f"{kind}当前为“{labels(current).label}”，不能改为“{labels(target).label}”。",
            code="invalid_transition",
        )


def _board_event(
    branch_id: int, kind: str, *, at: datetime, window: Window, number: str = "", payload: dict[str, Any]
) -> BoardEvent:
    text = ANNOUNCEMENT.format(number=number, window=window.number) if number else ""
    return BoardEvent.objects.create(
        branch_id=branch_id,
        kind=kind,
        at=at,
        window_number=window.number,
        display_number=number,
        text=text,
        payload=payload,
    )


def refuse_after_day_close(branch: Branch, now: datetime) -> None:
    """轧账 (000 §二(二)1(5)): after the day-close time no new ticket is issued."""
    if selectors.is_day_closed(branch, now):
        raise DayClosed(
            day_close_phrase(),
            status=409,
            clause=DAY_CLOSE_CLAUSE,
            day_close_at=f"{branch.day_close_at:%H:%M}",
            self_service=SELF_SERVICE_HINT,
        )


# ---------------------------------------------------------------------------------------
# Halls


@transaction.atomic
def hall_setup(*, actor: Actor, branch: Branch) -> list[Queue]:
    """The default queues (A 归集, B 提取, C 贷款, D 综合) and the hall settings of a
    branch, for whatever is missing. The lunch break comes from the hours note."""
    existing = {q.category: q for q in Queue.objects.filter(branch=branch)}
    taken_letters = {q.letter for q in existing.values()}
    created = []
    for category, (letter, name, order) in DEFAULT_QUEUES.items():
        if category in existing:
            continue
        if letter in taken_letters:  # an administrator moved a letter: take the next free one
            letter = next(c for c in "ABCDEFGHJKLMNPQRSTUVWXYZ" if c not in taken_letters)
        queue = Queue.objects.create(branch=branch, category=category, letter=letter, name=name, order=order)
        taken_letters.add(letter)
        created.append(queue)
    hall, new_hall = HallSettings.objects.get_or_create(branch=branch)
    if new_hall:
        lunch = break_from_hours_note(branch.hours_note)
        if lunch is not None:
            hall.break_starts_at, hall.break_ends_at = lunch
            hall.save(update_fields=["break_starts_at", "break_ends_at"])
    if created or new_hall:
        audit_record(
            actor=_audit_actor(actor),
            action="queueing.hall.setup",
            obj=branch,
            summary=f"{branch.name}：建立排队队列 " + "、".join(f"{q.letter} {q.name}" for q in created),
            changes={"queues": [q.letter for q in created], "hall_settings": new_hall},
        )
    return created


# ---------------------------------------------------------------------------------------
# Tickets


def _next_number(queue: Queue, day: date) -> int:
    counter = TicketCounter.objects.select_for_update().filter(queue=queue, service_date=day).first()
    if counter is None:
        TicketCounter.objects.bulk_create(
            [TicketCounter(queue=queue, service_date=day)], ignore_conflicts=True
        )
        counter = TicketCounter.objects.select_for_update().get(queue=queue, service_date=day)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _issue(
    *,
    actor: Actor,
    branch: Branch,
    queue: Queue,
    priority: str,
    source: str,
    now: datetime,
    appointment_at: datetime | None = None,
    note: str = "",
) -> Ticket:
    day = clock.local_date(now)
    number = _next_number(queue, day)
    _, label = _actor_user_and_label(actor)
    ticket = Ticket.objects.create(
        branch=branch,
        queue=queue,
        service_date=day,
        number=number,
        display_number=f"{queue.letter}{number:03d}",
        category=queue.category,
        priority=priority,
        source=source,
        status=TicketStatus.WAITING,
        token=Ticket.new_token(),
        taken_at=now,
        taken_by=label,
        queued_at=now,
        appointment_at=appointment_at,
        note=note[:200],
    )
    _ticket_event(ticket, TicketAction.TAKE, "", actor=actor, at=now, note=note)
    audit_record(
        actor=_audit_actor(actor),
        action="queueing.ticket.take",
        obj=ticket,
        summary=f"取号 {ticket.display_number}（{Category(queue.category).label}"
        + (f"，绿色通道：{Priority(priority).label}" if priority else "")
        + f"，{TicketSource(source).label}）",
        changes={"source": source, "priority": priority},
    )
    return ticket


@retry_on_conflict
def ticket_take(
    *,
    actor: Actor,
    branch: Branch,
    category: str,
    priority: str = "",
    source: str = TicketSource.KIOSK,
    note: str = "",
) -> Ticket:
    """A new ticket in the branch's queue of `category` (at a kiosk, or by a guide for a
    citizen, 000 §二(二)1(3)). Refused after the day close (000 §二(二)1(5))."""
    if priority and priority not in Priority.values:
        raise DomainError("绿色通道类别无效：应为 老年人、携婴幼儿、病患、残疾人、军人、孕妇 之一。")
    now = clock.now()
    refuse_after_day_close(branch, now)
    queue = selectors.queue_for(branch, category)
    with transaction.atomic():
        return _issue(
            actor=actor, branch=branch, queue=queue, priority=priority, source=source, now=now, note=note
        )


@retry_on_conflict
def ticket_check_in(*, actor: Actor, appointment: Appointment, priority: str = "") -> Ticket:
    """Check in an appointment at the kiosk. Within the check-in window (product-queue:
    30 minutes before to 10 minutes after the slot starts) the ticket is called before
    walk-ins of its category from the slot time; after it, the citizen becomes a walk-in
    (迟到转现场，不计爽约). Before it, the kiosk says when to come back."""
    now = clock.now()
    local = clock.local(now)
    if appointment.service_date != local.date():
        raise Conflict(
            f"您的预约日期是 {appointment.service_date:%Y年%m月%d日}，请在当天签到。", code="not_today"
        )
    params = queue_rules(appointment.service_date).params
    slot_at = timezone.make_aware(datetime.combine(appointment.service_date, appointment.slot_start))
    opens = slot_at - timedelta(minutes=params.checkin_before_minutes)
    late_after = slot_at + timedelta(minutes=params.checkin_after_minutes)
    if now < opens:
        raise Conflict(
            f"预约时段为 {appointment.slot_start:%H:%M}–{appointment.slot_end:%H:%M}，"
            f"请于 {clock.local(opens):%H:%M} 以后签到。",
            code="too_early",
        )
    refuse_after_day_close(appointment.branch, now)
    late = now > late_after
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if locked.status != AppointmentStatus.BOOKED:
            raise Conflict(
                f"该预约{AppointmentStatus(locked.status).label}，不能再签到。", code="appointment_not_booked"
            )
        queue = Queue.objects.get(pk=locked.queue_id)
        ticket = _issue(
            actor=actor,
            branch=appointment.branch,
            queue=queue,
            priority=priority,
            source=TicketSource.APPOINTMENT,
            now=now,
            appointment_at=None if late else slot_at,
            note=f"预约码 {locked.code}" + ("（迟到，按现场号排队）" if late else ""),
        )
        previous = locked.status
        locked.status = AppointmentStatus.LATE if late else AppointmentStatus.CHECKED_IN
        locked.checked_in_at = now
        locked.ticket = ticket
        locked.save(update_fields=["status", "checked_in_at", "ticket"])
        _appointment_event(
            locked,
            AppointmentAction.LATE if late else AppointmentAction.CHECK_IN,
            previous,
            actor=actor,
            at=now,
            note=f"排队号 {ticket.display_number}",
        )
        audit_record(
            actor=_audit_actor(actor),
            action="queueing.appointment.check_in",
            obj=locked,
            summary=f"预约 {locked.code} 签到，排队号 {ticket.display_number}"
            + ("（迟到转现场）" if late else ""),
            changes={"status": [previous, locked.status]},
        )
    appointment.refresh_from_db()
    return ticket


def _hold_window(*, actor: Actor, staff: Staff, window: Window, now: datetime) -> WindowState:
    """Lock the window's state; sign the teller in if the window is free (the first call
    at a free window signs in, issue #4 §7). 409 when another teller holds it."""
    state = WindowState.objects.select_for_update().filter(window=window).first()
    if state is None:
        WindowState.objects.bulk_create([WindowState(window=window)], ignore_conflicts=True)
        state = WindowState.objects.select_for_update().get(window=window)
    if state.staff_id == staff.pk:
        return state
    if state.staff_id is not None:
        holder = Staff.objects.get(pk=state.staff_id)
        raise Conflict(
            f"{window.number} 号窗口已由 {holder.name}（工号 {holder.staff_no}）签到，请选择其他窗口。",
            code="window_held",
        )
    if staff.branch_id != window.branch_id:
        raise DomainError("您不是本管理部的工作人员，不能在此窗口签到。", code="forbidden", status=403)
    if not selectors.serving_categories(window, staff):
        raise DomainError(
            f"{window.number} 号窗口办理的业务（{'、'.join(window.category_labels) or '未设置'}）"
            "不在您的业务范围内，请选择其他窗口。",
            code="not_qualified",
            status=403,
        )
    other = WindowState.objects.select_related("window").filter(staff=staff).first()
    if other is not None:
        raise Conflict(
            f"您已在 {other.window.number} 号窗口签到，请先在那里签退，再到 {window.number} 号窗口签到。",
            code="already_signed_in",
        )
    previous = state.status
    state.status, state.staff, state.since = WindowStatus.OPEN, staff, now
    state.pause_reason, state.pause_note = "", ""
    try:
        with transaction.atomic():
            state.save(update_fields=["status", "staff", "since", "pause_reason", "pause_note"])
    except IntegrityError:  # the same teller signed in elsewhere at this very moment
        raise Conflict("您已在其他窗口签到，请先签退。", code="already_signed_in") from None
    _window_event(state, WindowAction.SIGN_IN, previous, actor=actor, at=now)
    _board_event(
        window.branch_id, BoardEventKind.WINDOW, at=now, window=window, payload={"status": WindowStatus.OPEN}
    )
    audit_record(
        actor=_audit_actor(actor),
        action="queueing.window.sign_in",
        obj=window,
        summary=f"{staff.name}（工号 {staff.staff_no}）在 {window.number} 号窗口签到",
    )
    return state


@retry_on_conflict
def window_sign_in(*, actor: Actor, staff: Staff, window: Window) -> WindowState:
    with transaction.atomic():
        return _hold_window(actor=actor, staff=staff, window=window, now=clock.now())


def _locked_state_of(staff: Staff, window: Window) -> WindowState:
    state = WindowState.objects.select_for_update().filter(window=window).first()
    if state is None or state.staff_id != staff.pk:
        raise Conflict(f"您没有在 {window.number} 号窗口签到。", code="not_signed_in")
    return state


def _active_ticket_locked(window: Window) -> Ticket:
    ticket = Ticket.objects.select_for_update().filter(window=window, status__in=ACTIVE_CALL).first()
    if ticket is None:
        raise Conflict(f"{window.number} 号窗口当前没有叫号，请先叫号。", code="no_active_call")
    return ticket


@retry_on_conflict
def ticket_call_next(*, actor: Actor, staff: Staff, window: Window) -> Ticket | None:
    """Call the next ticket for this window (ordering in queueing/ordering.py), or None
    when nobody waits for it. Signs the teller in at a free window."""
    now = clock.now()
    params = queue_rules(clock.local_date(now)).params
    with transaction.atomic():
        state = _hold_window(actor=actor, staff=staff, window=window, now=now)
        if state.status == WindowStatus.PAUSED:
            raise Conflict(
                f"{window.number} 号窗口处于暂停服务状态，请先恢复服务再叫号。", code="window_paused"
            )
        current = Ticket.objects.filter(window=window, status__in=ACTIVE_CALL).only("display_number").first()
        if current is not None:
            raise Conflict(
                f"{current.display_number} 号尚未办结，请先办结、转移或标记过号，再叫下一位。",
                code="call_active",
            )
        categories = selectors.serving_categories(window, staff)
        order = selectors.call_order(
            window=window,
            categories=categories,
            now=now,
            max_passed_over=timedelta(minutes=params.green_channel_max_passed_over_minutes),
        )
        if connection.features.has_select_for_update_skip_locked:
            order = order.select_for_update(skip_locked=True, of=("self",))
        called = {
            "status": TicketStatus.CALLED,
            "window": window,
            "staff": staff,
            "called_at": now,
            "started_at": None,
            "finished_at": None,
            "recall_count": 0,
            "target_window": None,
        }
        for _ in range(10):
            candidates = list(order[:3])
            if not candidates:
                return None
            for ticket in candidates:
                status = ticket.status
                # The conditional UPDATE is the claim: it changes no row if another window
                # moved this ticket on since we read it.
                if Ticket.objects.filter(pk=ticket.pk, status=status).update(**called):
                    for name, value in called.items():
                        setattr(ticket, name, value)
                    _ticket_event(ticket, TicketAction.CALL, status, actor=actor, at=now)
                    _board_event(
                        ticket.branch_id,
                        BoardEventKind.CALL,
                        at=now,
                        window=window,
                        number=ticket.display_number,
                        payload={
                            "ticket": ticket.pk,
                            "category": ticket.category,
                            "priority": ticket.priority,
                        },
                    )
                    audit_record(
                        actor=_audit_actor(actor),
                        action="queueing.ticket.call",
                        obj=ticket,
                        summary=f"{window.number} 号窗口叫号 {ticket.display_number}",
                        changes={"status": [status, TicketStatus.CALLED], "window": window.number},
                    )
                    return ticket
        raise Conflict("同时叫号的窗口较多，请再按一次“叫下一位”。", code="call_contention")


@retry_on_conflict
def ticket_recall(*, actor: Actor, staff: Staff, window: Window) -> Ticket:
    """Announce the called ticket again (重呼); counts towards the no-show rule."""
    now = clock.now()
    with transaction.atomic():
        _locked_state_of(staff, window)
        ticket = _active_ticket_locked(window)
        if ticket.status != TicketStatus.CALLED:
            raise Conflict(f"{ticket.display_number} 号已在办理中，不需要重呼。", code="invalid_transition")
        ticket.recall_count += 1
        ticket.save(update_fields=["recall_count"])
        _ticket_event(
            ticket,
            TicketAction.RECALL,
            ticket.status,
            actor=actor,
            at=now,
            note=f"第{ticket.recall_count}次重呼",
        )
        _board_event(
            ticket.branch_id,
            BoardEventKind.RECALL,
            at=now,
            window=window,
            number=ticket.display_number,
            payload={"ticket": ticket.pk, "recall": ticket.recall_count},
        )
        audit_record(
            actor=_audit_actor(actor),
            action="queueing.ticket.recall",
            obj=ticket,
            summary=f"{window.number} 号窗口第{ticket.recall_count}次重呼 {ticket.display_number}",
        )
        return ticket


def _move(
    ticket: Ticket,
    target: str,
    action: str,
    *,
    actor: Actor,
    at: datetime,
    fields: dict[str, Any],
    note: str = "",
    summary: str,
) -> Ticket:
    _check_transition("排队号", Ticket.TRANSITIONS, ticket.status, target, TicketStatus)
    previous = ticket.status
    ticket.status = target
    for name, value in fields.items():
        setattr(ticket, name, value)
    ticket.save(update_fields=["status", *fields])
    _ticket_event(ticket, action, previous, actor=actor, at=at, note=note)
    audit_record(
        actor=_audit_actor(actor),
        action=f"queueing.ticket.{action}",
        obj=ticket,
        summary=summary,
        changes={"status": [previous, target], **({"note": note} if note else {})},
    )
    return ticket


@retry_on_conflict
def ticket_start(*, actor: Actor, staff: Staff, window: Window) -> Ticket:
    """The citizen has come to the window: service starts (the service time runs from here)."""
    now = clock.now()
    with transaction.atomic():
        _locked_state_of(staff, window)
        ticket = _active_ticket_locked(window)
        if ticket.status == TicketStatus.SERVING:
            raise Conflict(f"{ticket.display_number} 号已在办理中。", code="invalid_transition")
        return _move(
            ticket,
            TicketStatus.SERVING,
            TicketAction.START,
            actor=actor,
            at=now,
            fields={"started_at": now},
            summary=f"{window.number} 号窗口开始办理 {ticket.display_number}",
        )


@retry_on_conflict
def ticket_complete(*, actor: Actor, staff: Staff, window: Window, note: str = "") -> Ticket:
    """Finish the service at the window (办结). Returns the finished ticket. In the same
    transaction the ratings app mints the service's rating tokens (the counter evaluator
    asks for a rating, the slip's QR code rates it later) and, for withdrawal and loan,
    puts a 12329 callback on the hotline list (the "ticket_completed" hook)."""
    now = clock.now()
    with transaction.atomic():
        _locked_state_of(staff, window)
        ticket = _active_ticket_locked(window)
        ticket = _move(
            ticket,
            TicketStatus.DONE,
            TicketAction.COMPLETE,
            actor=actor,
            at=now,
            fields={"finished_at": now},
            note=note,
            summary=f"{window.number} 号窗口办结 {ticket.display_number}",
        )
        hooks.fire("ticket_completed", ticket=ticket, at=now)
        return ticket


@retry_on_conflict
def ticket_no_show(*, actor: Actor, staff: Staff, window: Window) -> Ticket:
    """过号: nobody came after the call and the configured recalls."""
    now = clock.now()
    params = queue_rules(clock.local_date(now)).params
    with transaction.atomic():
        _locked_state_of(staff, window)
        ticket = _active_ticket_locked(window)
        if ticket.status == TicketStatus.CALLED and ticket.recall_count < params.recalls_before_no_show:
            left = params.recalls_before_no_show - ticket.recall_count
            raise Conflict(
                f"请先重呼：重呼 {params.recalls_before_no_show} 次仍无人应答才能标记过号"
                f"（还需 {left} 次）。",
                code="recall_first",
            )
        return _move(
            ticket,
            TicketStatus.NO_SHOW,
            TicketAction.NO_SHOW,
            actor=actor,
            at=now,
            fields={"no_show_at": now, "finished_at": now},
            summary=f"{window.number} 号窗口 {ticket.display_number} 过号",
        )


@retry_on_conflict
def ticket_transfer(
    *,
    actor: Actor,
    staff: Staff,
    window: Window,
    category: str | None = None,
    target_window: Window | None = None,
    note: str = "",
) -> Ticket:
    """多窗联办: send the ticket at this window to another category and/or a named window.
    It keeps its number and goes to the front of the target (ordering lanes 0 and 1)."""
    if category is None and target_window is None:
        raise DomainError("请选择转往的业务类别或窗口。", code="invalid_input")
    now = clock.now()
    with transaction.atomic():
        _locked_state_of(staff, window)
        ticket = _active_ticket_locked(window)
        new_category = category or ticket.category
        queue = selectors.queue_for(window.branch, new_category)
        if target_window is not None:
            if target_window.branch_id != window.branch_id or not target_window.is_active:
                raise DomainError("只能转往本管理部在用的窗口。", code="invalid_input")
            if target_window.pk == window.pk:
                raise DomainError("不能转给本窗口。", code="invalid_input")
            if new_category not in target_window.categories:
                raise DomainError(
                    f"{target_window.number} 号窗口不办理“{Category(new_category).label}”业务。",
                    code="invalid_input",
                )
        elif new_category == ticket.category:
            raise DomainError("转移的业务类别与当前相同。", code="invalid_input")
        where = f"{target_window.number} 号窗口" if target_window else f"“{queue.name}”队列"
        return _move(
            ticket,
            TicketStatus.TRANSFERRED,
            TicketAction.TRANSFER,
            actor=actor,
            at=now,
            fields={
                "category": new_category,
                "target_window": target_window,
                "queued_at": now,
                "recall_count": 0,
                "finished_at": now,
            },
            note=(f"转至{where}" + (f"：{note}" if note else ""))[:200],
            summary=f"{window.number} 号窗口将 {ticket.display_number} 转至{where}",
        )


@retry_on_conflict
def ticket_reactivate(*, actor: Actor, ticket: Ticket) -> Ticket:
    """A no-show ticket back in line within the grace period; it keeps its original
    arrival time (so it is called soon), product-queue no_show_grace_minutes."""
    now = clock.now()
    params = queue_rules(ticket.service_date).params
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if locked.status != TicketStatus.NO_SHOW:
            raise Conflict(f"{locked.display_number} 号不是过号状态，不需要恢复。", code="invalid_transition")
        deadline = (locked.no_show_at or now) + timedelta(minutes=params.no_show_grace_minutes)
        if locked.service_date != clock.local_date(now) or now > deadline:
            raise Conflict(
                f"{locked.display_number} 号过号已超过 {params.no_show_grace_minutes} 分钟，请重新取号。",
                code="grace_expired",
            )
        return _move(
            locked,
            TicketStatus.WAITING,
            TicketAction.REACTIVATE,
            actor=actor,
            at=now,
            fields={"window": None, "staff": None, "called_at": None, "finished_at": None, "recall_count": 0},
            summary=f"{locked.display_number} 号恢复排队",
        )


@retry_on_conflict
def ticket_cancel(*, actor: Actor, ticket: Ticket, note: str = "") -> Ticket:
    """A waiting ticket leaves the line (the citizen left, or took a wrong category)."""
    now = clock.now()
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if locked.status not in IN_LINE:
            raise Conflict(
                f"{locked.display_number} 号{locked.get_status_display()}，不能取消。",
                code="invalid_transition",
            )
        return _move(
            locked,
            TicketStatus.CANCELLED,
            TicketAction.CANCEL,
            actor=actor,
            at=now,
            fields={"finished_at": now},
            note=note,
            summary=f"取消 {locked.display_number} 号" + (f"：{note}" if note else ""),
        )


# ---------------------------------------------------------------------------------------
# Windows


def _window_event(
    state: WindowState,
    action: str,
    previous: str,
    *,
    actor: Actor,
    at: datetime,
    note: str = "",
    staff_id: int | None = None,
) -> WindowEvent:
    user, label = _actor_user_and_label(actor)
    return WindowEvent.objects.create(
        window_id=state.window_id,
        action=action,
        from_status=previous,
        to_status=state.status,
        at=at,
        staff_id=staff_id if staff_id is not None else state.staff_id,
        actor=user,
        actor_label=label,
        reason=state.pause_reason if action == WindowAction.PAUSE else "",
        note=note[:200],
    )


def _window_change(
    state: WindowState,
    target: str,
    action: str,
    *,
    actor: Actor,
    window: Window,
    now: datetime,
    reason: str = "",
    note: str = "",
    summary: str,
) -> WindowState:
    _check_transition("窗口", WindowState.TRANSITIONS, state.status, target, WindowStatus)
    previous, staff_id = state.status, state.staff_id
    state.status, state.since = target, now
    state.pause_reason = reason if target == WindowStatus.PAUSED else ""
    state.pause_note = note[:100] if target == WindowStatus.PAUSED else ""
    if target == WindowStatus.CLOSED:
        state.staff = None
    state.save(update_fields=["status", "since", "pause_reason", "pause_note", "staff"])
    _window_event(state, action, previous, actor=actor, at=now, note=note, staff_id=staff_id)
    _board_event(
        window.branch_id,
        BoardEventKind.WINDOW,
        at=now,
        window=window,
        payload={"status": target, "reason": PauseReason(reason).label if reason else ""},
    )
    audit_record(
        actor=_audit_actor(actor),
        action=f"queueing.window.{action}",
        obj=window,
        summary=summary,
        changes={"status": [previous, target], **({"reason": reason} if reason else {})},
    )
    return state


def _refuse_with_active_call(window: Window, what: str) -> None:
    current = Ticket.objects.filter(window=window, status__in=ACTIVE_CALL).only("display_number").first()
    if current is not None:
        raise Conflict(f"{current.display_number} 号尚未办结，请先办结或转移，再{what}。", code="call_active")


@retry_on_conflict
def window_pause(*, actor: Actor, staff: Staff, window: Window, reason: str, note: str = "") -> WindowState:
    """暂停服务 (000 §二(三)7 临时离柜; 001 第二十六条 请稍候): the display and the counter
    tablet show the sign until the teller resumes."""
    if reason not in PauseReason.values:
        raise DomainError("请选择暂停服务的原因。", code="invalid_input")
    if reason == PauseReason.OTHER and not note.strip():
        raise DomainError("原因为“其他”时请填写说明。", code="invalid_input")
    now = clock.now()
    with transaction.atomic():
        state = _locked_state_of(staff, window)
        if state.status == WindowStatus.PAUSED:
            raise Conflict(f"{window.number} 号窗口已处于暂停服务状态。", code="invalid_transition")
        _refuse_with_active_call(window, "暂停服务")
        return _window_change(
            state,
            WindowStatus.PAUSED,
            WindowAction.PAUSE,
            actor=actor,
            window=window,
            now=now,
            reason=reason,
            note=note.strip(),
            summary=f"{window.number} 号窗口暂停服务（{PauseReason(reason).label}）",
        )


@retry_on_conflict
def window_resume(*, actor: Actor, staff: Staff, window: Window) -> WindowState:
    now = clock.now()
    with transaction.atomic():
        state = _locked_state_of(staff, window)
        if state.status == WindowStatus.OPEN:
            raise Conflict(f"{window.number} 号窗口正在服务中，不需要恢复。", code="invalid_transition")
        return _window_change(
            state,
            WindowStatus.OPEN,
            WindowAction.RESUME,
            actor=actor,
            window=window,
            now=now,
            summary=f"{window.number} 号窗口恢复服务",
        )


@retry_on_conflict
def window_sign_out(*, actor: Actor, staff: Staff, window: Window) -> WindowState:
    now = clock.now()
    with transaction.atomic():
        state = _locked_state_of(staff, window)
        _refuse_with_active_call(window, "签退")
        return _window_change(
            state,
            WindowStatus.CLOSED,
            WindowAction.SIGN_OUT,
            actor=actor,
            window=window,
            now=now,
            summary=f"{staff.name} 在 {window.number} 号窗口签退",
        )


@retry_on_conflict
def window_release(*, actor: Actor, window: Window, note: str) -> WindowState:
    """A department head or administrator signs a teller out who has left (forgot to
    sign out). A ticket still called there goes back to the front of its queue."""
    if not note.strip():
        raise DomainError("请填写强制签退的原因。", code="invalid_input")
    now = clock.now()
    with transaction.atomic():
        state = WindowState.objects.select_for_update().filter(window=window).first()
        if state is None or state.status == WindowStatus.CLOSED:
            raise Conflict(f"{window.number} 号窗口没有柜员签到。", code="not_signed_in")
        current = Ticket.objects.select_for_update().filter(window=window, status__in=ACTIVE_CALL).first()
        if current is not None:
            _move(
                current,
                TicketStatus.TRANSFERRED,
                TicketAction.TRANSFER,
                actor=actor,
                at=now,
                fields={"queued_at": now, "recall_count": 0, "target_window": None, "finished_at": now},
                note="窗口强制签退，退回队首",
                summary=f"{window.number} 号窗口强制签退，{current.display_number} 退回队首",
            )
        return _window_change(
            state,
            WindowStatus.CLOSED,
            WindowAction.RELEASE,
            actor=actor,
            window=window,
            now=now,
            note=note.strip(),
            summary=f"{window.number} 号窗口强制签退：{note.strip()}",
        )


# ---------------------------------------------------------------------------------------
# Appointments


def _appointment_event(
    appointment: Appointment, action: str, previous: str, *, actor: Actor, at: datetime, note: str = ""
) -> AppointmentEvent:
    user, label = _actor_user_and_label(actor)
    return AppointmentEvent.objects.create(
        appointment=appointment,
        action=action,
        from_status=previous,
        to_status=appointment.status,
        at=at,
        actor=user,
        actor_label=label,
        note=note[:200],
    )


def _clean_person(name: str, id_number: str, mobile: str, *, today: date) -> tuple[str, str, str]:
    from django.core.exceptions import ValidationError

    name = (name or "").strip()
    if not (2 <= len(name) <= 30):
        raise DomainError("请填写预约人姓名（2–30个字）。", code="invalid_input", field="name")
    try:
        id_number = validate_resident_id(id_number, today=today)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code="invalid_input", field="id_number") from None
    try:
        mobile = validate_mobile(mobile)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code="invalid_input", field="mobile") from None
    return name, id_number, mobile


def appointment_block_until(id_number: str, *, today: date, params: QueueParams) -> date | None:
    """The first day a person may book again after repeated no-shows, or None."""
    since = today - timedelta(days=params.appointment_no_show_period_days)
    dates = list(
        Appointment.objects.filter(
            id_number=id_number,
            status=AppointmentStatus.NO_SHOW,
            service_date__gte=since,
            service_date__lt=today,
        )
        .order_by("-service_date")
        .values_list("service_date", flat=True)
    )
    if len(dates) < params.appointment_no_show_limit or params.appointment_block_days == 0:
        return None
    until = dates[0] + timedelta(days=params.appointment_block_days)
    return until if until > today else None


def _check_bookable(
    *,
    queue: Queue,
    day: date,
    slot_start: str,
    id_number: str,
    now: datetime,
    params: QueueParams,
) -> tuple[Any, ...]:
    """Every booking rule of product-queue, with a message a citizen can act on."""
    today = clock.local(now).date()
    if not queue.bookable or not queue.is_active:
        raise DomainError(
            f"{queue.branch.name}的“{queue.name}”业务暂不接受网上预约，请现场取号。", code="not_bookable"
        )
    try:
        workday = is_workday(day)
    except CalendarNotPublished:
        raise DomainError(
            f"{day:%Y年}的节假日安排尚未发布，暂不能预约该日，请选择其他日期。", code="date_not_bookable"
        ) from None
    if not workday:
        raise DomainError(f"{day:%m月%d日}不是工作日，请选择工作日。", code="date_not_bookable")
    if day not in selectors.bookable_dates(today=today, params=params):
        raise DomainError(
            f"只能预约今天起 {params.booking_horizon_workdays} 个工作日内的日期。", code="date_not_bookable"
        )
    slots = {s["start"]: s for s in selectors.slot_availability(queue, day, params=params, now=now)}
    slot = slots.get(slot_start)
    if slot is None:
        raise DomainError("请选择一个有效的预约时段。", code="invalid_input", field="slot")
    if slot["state"] != "open":
        reasons = {
            "past": f"{slot['label']} 时段已开始，请选择其他时段。",
            "full": f"{slot['label']} 时段已约满，请选择其他时段。",
            "day_full": f"{day:%m月%d日}的“{queue.name}”预约名额已满，请选择其他日期或现场取号。",
        }
        raise Conflict(reasons[slot["state"]], code="slot_full")
    blocked = appointment_block_until(id_number, today=today, params=params)
    if blocked is not None:
        raise DomainError(
            f"您最近 {params.appointment_no_show_period_days} 天内预约后未到"
            f"已达 {params.appointment_no_show_limit} 次，"
            f"{blocked:%Y年%m月%d日}前不能网上预约；您仍可到大厅现场取号。",
            code="booking_blocked",
            status=403,
        )
    active = Appointment.objects.filter(id_number=id_number, service_date=day, status__in=ACTIVE_APPOINTMENT)
    if active.filter(category=queue.category).exists():
        raise Conflict(
            f"您已预约 {day:%m月%d日} 的“{queue.name}”业务，同一业务每天只能预约一次。", code="already_booked"
        )
    if active.count() >= params.max_bookings_per_person_per_day:
        raise Conflict(
            f"同一天最多预约 {params.max_bookings_per_person_per_day} 项业务，您当天的预约已满。",
            code="person_daily_cap",
        )
    return slot["slot"].start, slot["slot"].end


def _booking_code() -> str:
    return "".join(secrets.choice(BOOKING_CODE_ALPHABET) for _ in range(8))


def _sms_code_hash(mobile: str, code: str) -> str:
    return salted_hmac("queueing.booking-code", f"{mobile}:{code}").hexdigest()


@retry_on_conflict
def appointment_code_request(
    *,
    branch: Branch,
    category: str,
    service_date: date,
    slot_start: str,
    name: str,
    id_number: str,
    mobile: str,
    client_ip: str | None,
) -> BookingChallenge:
    """Step 1 of a booking: check everything, keep the draft, text a code to the mobile
    number through the SMS backend (common.sms). At most one code a minute and ten a
    day per number, thirty a day per client address."""
    now = clock.now()
    today = clock.local(now).date()
    name, id_number, mobile = _clean_person(name, id_number, mobile, today=today)
    params = queue_rules(today).params
    queue = selectors.queue_for(branch, category)
    appointments_mark_no_shows(actor="booking", id_number=id_number)
    _check_bookable(
        queue=queue, day=service_date, slot_start=slot_start, id_number=id_number, now=now, params=params
    )
    start_of_day = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    recent = BookingChallenge.objects.filter(mobile=mobile, created_at__gte=start_of_day)
    last = recent.order_by("-created_at").first()
    if last is not None and (now - last.created_at).total_seconds() < SMS_RESEND_SECONDS:
        wait = SMS_RESEND_SECONDS - int((now - last.created_at).total_seconds())
        raise DomainError(f"验证码已发送，请 {wait} 秒后再获取。", code="too_many_requests", status=429)
    if recent.count() >= SMS_DAILY_LIMIT_PER_MOBILE:
        raise DomainError(
            "该手机号今天获取验证码的次数已达上限，请明天再试。", code="too_many_requests", status=429
        )
    if client_ip and (
        BookingChallenge.objects.filter(client_ip=client_ip, created_at__gte=start_of_day).count()
        >= SMS_DAILY_LIMIT_PER_IP
    ):
        raise DomainError(
            "本设备今天获取验证码的次数已达上限，请明天再试。", code="too_many_requests", status=429
        )
    code = "".join(secrets.choice("0123456789") for _ in range(SMS_CODE_LENGTH))
    draft = {
        "branch": branch.code,
        "category": category,
        "date": service_date.isoformat(),
        "slot": slot_start,
        "name": name,
    }
    with transaction.atomic():
        challenge = BookingChallenge.objects.create(
            mobile=mobile,
            id_number=id_number,
            draft=draft,
            code_hash=_sms_code_hash(mobile, code),
            created_at=now,
            expires_at=now + timedelta(seconds=SMS_CODE_TTL_SECONDS),
            client_ip=client_ip,
        )
        audit_record(
            actor="public:booking",
            action="queueing.booking.code_sent",
            obj=challenge,
            summary=f"预约验证码发送至 {mask_phone(mobile)}"
            f"（{branch.name} {queue.name} {service_date:%m-%d} {slot_start}）",
        )
        text = (
            f"您正在预约{branch.name}“{queue.name}”业务（{service_date:%m月%d日} {slot_start}），"
            f"验证码 {code}，{SMS_CODE_TTL_SECONDS // 60}分钟内有效。如非本人操作，请忽略。"
        )
        transaction.on_commit(lambda: send_sms(to=mobile, text=text, purpose="booking_code"))
    return challenge


@retry_on_conflict
def appointment_book(*, challenge_id: int, code: str) -> Appointment:
    """Step 2: the code from the text message makes the booking from the stored draft.
    Capacity is checked again under a lock on the queue, so the last place of a slot
    goes to exactly one person."""
    now = clock.now()
    code = (code or "").strip()
    with transaction.atomic():
        challenge = BookingChallenge.objects.select_for_update().filter(pk=challenge_id).first()
        if challenge is None or challenge.used_at is not None:
            raise DomainError("验证码已失效，请重新获取。", code="code_invalid")
        if now > challenge.expires_at:
            raise DomainError("验证码已过期，请重新获取。", code="code_expired")
        if challenge.attempts >= SMS_MAX_ATTEMPTS:
            raise DomainError("验证码输错次数过多，请重新获取。", code="code_invalid")
        ok = constant_time_compare(challenge.code_hash, _sms_code_hash(challenge.mobile, code))
        if not ok:
            challenge.attempts += 1
            challenge.save(update_fields=["attempts"])
    if not ok:
        left = SMS_MAX_ATTEMPTS - challenge.attempts
        raise DomainError(
            f"验证码不正确，还可以再试 {left} 次。" if left > 0 else "验证码输错次数过多，请重新获取。",
            code="code_invalid",
        )
    draft = challenge.draft
    branch = selectors.branch_by_code(draft["branch"])
    day = date.fromisoformat(draft["date"])
    params = queue_rules(clock.local(now).date()).params
    with transaction.atomic():
        challenge = BookingChallenge.objects.select_for_update().get(pk=challenge_id)
        if challenge.used_at is not None:
            raise DomainError("验证码已使用，请勿重复提交。", code="code_invalid")
        queue = (
            Queue.objects.select_for_update()
            .select_related("branch")
            .get(branch=branch, category=draft["category"])
        )
        slot_start, slot_end = _check_bookable(
            queue=queue,
            day=day,
            slot_start=draft["slot"],
            id_number=challenge.id_number,
            now=now,
            params=params,
        )
        appointment = None
        for _ in range(5):
            booking_code = _booking_code()
            if not Appointment.objects.filter(code=booking_code).exists():
                appointment = Appointment(
                    branch=branch,
                    queue=queue,
                    category=queue.category,
                    service_date=day,
                    slot_start=slot_start,
                    slot_end=slot_end,
                    name=draft["name"],
                    id_number=challenge.id_number,
                    mobile=challenge.mobile,
                    code=booking_code,
                    created_at=now,
                )
                break
        if appointment is None:  # pragma: no cover — 10⁸ codes
            raise Conflict("预约码生成冲突，请重试。")
        try:
            with transaction.atomic():
                appointment.save()
        except IntegrityError:
            raise Conflict(
                f"您已预约 {day:%m月%d日} 的“{queue.name}”业务，同一业务每天只能预约一次。",
                code="already_booked",
            ) from None
        challenge.used_at = now
        challenge.save(update_fields=["used_at"])
        _appointment_event(appointment, AppointmentAction.BOOK, "", actor="public:booking", at=now)
        audit_record(
            actor="public:booking",
            action="queueing.appointment.book",
            obj=appointment,
            summary=f"网上预约 {appointment.code}：{branch.name} {queue.name} {day:%Y-%m-%d} "
            f"{slot_start:%H:%M}，{mask_id(challenge.id_number)}",
        )
        text = (
            f"您已预约{branch.name}“{queue.name}”业务，{day:%m月%d日} {slot_start:%H:%M}–{slot_end:%H:%M}，"
            f"预约码 {appointment.code}。请于时段开始前{params.checkin_before_minutes}分钟内到取号机签到。"
        )
        mobile = challenge.mobile
        transaction.on_commit(lambda: send_sms(to=mobile, text=text, purpose="booking_confirmation"))
        return appointment


@retry_on_conflict
def appointment_cancel(*, actor: Actor, appointment: Appointment, note: str = "") -> Appointment:
    now = clock.now()
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if locked.status != AppointmentStatus.BOOKED:
            raise Conflict(f"该预约{locked.get_status_display()}，不能取消。", code="invalid_transition")
        _check_transition(
            "预约", Appointment.TRANSITIONS, locked.status, AppointmentStatus.CANCELLED, AppointmentStatus
        )
        locked.status, locked.closed_at = AppointmentStatus.CANCELLED, now
        locked.save(update_fields=["status", "closed_at"])
        _appointment_event(
            locked, AppointmentAction.CANCEL, AppointmentStatus.BOOKED, actor=actor, at=now, note=note
        )
        audit_record(
            actor=_audit_actor(actor),
            action="queueing.appointment.cancel",
            obj=locked,
            summary=f"取消预约 {locked.code}" + (f"：{note}" if note else ""),
        )
        return locked


def appointments_mark_no_shows(*, actor: Actor, id_number: str | None = None) -> int:
    """Booked appointments of past days, and of today once the day is closed, that were
    never checked in become no-shows (爽约). Run by `queue_day_end`, and for one person
    before they book (so that a block never waits for the nightly job)."""
    now = clock.now()
    today = clock.local(now).date()
    stale = Appointment.objects.filter(status=AppointmentStatus.BOOKED, service_date__lte=today)
    if id_number is not None:
        stale = stale.filter(id_number=id_number)
    count = 0
    for appointment in stale.select_related("branch"):
        if appointment.service_date == today and not selectors.is_day_closed(appointment.branch, now):
            continue
        with transaction.atomic():
            locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
            if locked.status != AppointmentStatus.BOOKED:
                continue
            locked.status, locked.closed_at = AppointmentStatus.NO_SHOW, now
            locked.save(update_fields=["status", "closed_at"])
            _appointment_event(
                locked, AppointmentAction.NO_SHOW, AppointmentStatus.BOOKED, actor=actor, at=now
            )
            audit_record(
                actor=_audit_actor(actor),
                action="queueing.appointment.no_show",
                obj=locked,
                summary=f"预约 {locked.code} 当天未签到，记为爽约",
            )
            count += 1
    return count


def queue_day_end(*, actor: Actor) -> dict[str, int]:
    """After the day: tickets still in line are cancelled, called tickets become no-shows,
    windows left open are signed out, unchecked appointments become no-shows. Tickets
    being served are left for their teller to complete."""
    now = clock.now()
    today = clock.local(now).date()
    result = {"tickets_cancelled": 0, "tickets_no_show": 0, "windows_closed": 0, "appointments_no_show": 0}
    stale = Ticket.objects.filter(service_date__lt=today).filter(
        Q(status__in=IN_LINE) | Q(status=TicketStatus.CALLED)
    )
    for ticket in stale.iterator():
        with transaction.atomic():
            locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
            if locked.status in IN_LINE:
                _move(
                    locked,
                    TicketStatus.CANCELLED,
                    TicketAction.CANCEL,
                    actor=actor,
                    at=now,
                    fields={"finished_at": now},
                    note="日终清理：当天未叫号",
                    summary=f"日终清理：取消 {locked} 号",
                )
                result["tickets_cancelled"] += 1
            elif locked.status == TicketStatus.CALLED:
                _move(
                    locked,
                    TicketStatus.NO_SHOW,
                    TicketAction.NO_SHOW,
                    actor=actor,
                    at=now,
                    fields={"no_show_at": now, "finished_at": now},
                    note="日终清理：叫号后未办理",
                    summary=f"日终清理：{locked} 号记为过号",
                )
                result["tickets_no_show"] += 1
    for state in WindowState.objects.exclude(status=WindowStatus.CLOSED).filter(since__lt=_start_of(today)):
        with transaction.atomic():
            locked_state = WindowState.objects.select_for_update().select_related("window").get(pk=state.pk)
            if locked_state.status == WindowStatus.CLOSED:
                continue
            if Ticket.objects.filter(window=locked_state.window, status=TicketStatus.SERVING).exists():
                continue
            _window_change(
                locked_state,
                WindowStatus.CLOSED,
                WindowAction.RELEASE,
                actor=actor,
                window=locked_state.window,
                now=now,
                note="日终清理：未签退",
                summary=f"日终清理：{locked_state.window.number} 号窗口签退",
            )
            result["windows_closed"] += 1
    result["appointments_no_show"] = appointments_mark_no_shows(actor=actor)
    return result


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


# ---------------------------------------------------------------------------------------
# Devices


@transaction.atomic
def device_issue(
    *, actor: Actor, branch: Branch, kind: str, name: str, window: Window | None = None
) -> tuple[Device, str]:
    """A device and its token, returned in clear this once (only its hash is stored)."""
    if kind not in DeviceKind.values:
        raise DomainError("设备类型应为 kiosk（取号机）、board（叫号显示屏）或 counter（柜台平板）。")
    if kind == DeviceKind.COUNTER and window is None:
        raise DomainError("柜台平板必须指定所在窗口（--window）。")
    if window is not None and window.branch_id != branch.pk:
        raise DomainError("窗口不属于该管理部。")
    token = Device.new_token()
    device = Device.objects.create(
        branch=branch,
        kind=kind,
        window=window,
        name=name.strip()[:100] or DeviceKind(kind).label,
        token_hash=Device.hash_token(token),
        hint=token[-4:],
        created_at=clock.now(),
    )
    audit_record(
        actor=_audit_actor(actor),
        action="queueing.device.issue",
        obj=device,
        summary=f"签发设备令牌：{device}",
    )
    return device, token


@transaction.atomic
def device_revoke(*, actor: Actor, device: Device) -> Device:
    device.revoked_at = clock.now()
    device.save(update_fields=["revoked_at"])
    audit_record(
        actor=_audit_actor(actor),
        action="queueing.device.revoke",
        obj=device,
        summary=f"吊销设备令牌：{device}",
    )
    return device
