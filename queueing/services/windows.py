"""A window's day: sign-in, 暂停服务 and 恢复服务, sign-out, and the forced sign-out by a
department head.

* 000 §二(三)7 — 临时离柜，须在窗口前放置“暂停服务”告示牌 (pause, with its reason);
* 001 第二十六条 — 因故离岗中断服务 shows “请稍候” (the display and the counter tablet);
* issue #4 §7 — the first call at a free window signs the teller in.

The window's status lives on its `WindowState` row, locked for every change; the moves
are written on the window's timeline (`WindowEvent`, `window.events`).
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction

from audit.transitions import transition
from common import clock
from common.actors import AnyActor
from common.errors import Conflict, DomainError
from org.models import Staff, Window
from queueing import selectors
from queueing.models import (
    ACTIVE_CALL,
    BoardEventKind,
    PauseReason,
    Ticket,
    TicketAction,
    TicketStatus,
    WindowAction,
    WindowState,
    WindowStatus,
)
from queueing.retry import retry_on_conflict
from queueing.services._common import board_event, move_ticket


def hold_window(*, actor: AnyActor, staff: Staff, window: Window, now: datetime) -> WindowState:
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
    state.staff, state.since = staff, now
    state.pause_reason, state.pause_note = "", ""
    try:
        with transaction.atomic():
            transition(
                state,
                WindowStatus.OPEN,
                actor=actor,
                fields=["staff", "since", "pause_reason", "pause_note"],
                at=now,
                events=window.events,
                event={"action": WindowAction.SIGN_IN, "staff_id": staff.pk},
                audit="queueing.window.sign_in",
                summary=f"{staff.name}（工号 {staff.staff_no}）在 {window.number} 号窗口签到",
            )
    except IntegrityError:  # the same teller signed in elsewhere at this very moment
        raise Conflict("您已在其他窗口签到，请先签退。", code="already_signed_in") from None
    board_event(
        window.branch_id, BoardEventKind.WINDOW, at=now, window=window, payload={"status": WindowStatus.OPEN}
    )
    return state


@retry_on_conflict
def window_sign_in(*, actor: AnyActor, staff: Staff, window: Window) -> WindowState:
    with transaction.atomic():
        return hold_window(actor=actor, staff=staff, window=window, now=clock.now())


def locked_state_of(staff: Staff, window: Window) -> WindowState:
    """The window's state, locked, when this teller holds the window; else 409."""
    state = WindowState.objects.select_for_update().filter(window=window).first()
    if state is None or state.staff_id != staff.pk:
        raise Conflict(f"您没有在 {window.number} 号窗口签到。", code="not_signed_in")
    return state


def window_change(
    state: WindowState,
    target: str,
    action: str,
    *,
    actor: AnyActor,
    window: Window,
    now: datetime,
    reason: str = "",
    note: str = "",
    summary: str,
) -> WindowState:
    """Move a locked window state along its map: the event row names the teller who
    held the window, the display shows the new state, the audit event is
    "queueing.window.<action>"."""
    staff_id = state.staff_id
    state.since = now
    state.pause_reason = reason if target == WindowStatus.PAUSED else ""
    state.pause_note = note[:100] if target == WindowStatus.PAUSED else ""
    if target == WindowStatus.CLOSED:
        state.staff = None
    transition(
        state,
        target,
        actor=actor,
        fields=["since", "pause_reason", "pause_note", "staff"],
        note=note,
        at=now,
        events=window.events,
        event={
            "action": action,
            "staff_id": staff_id,
            "reason": reason if action == WindowAction.PAUSE else "",
        },
        audit=f"queueing.window.{action}",
        summary=summary,
        changes={"reason": reason} if reason else None,
    )
    board_event(
        window.branch_id,
        BoardEventKind.WINDOW,
        at=now,
        window=window,
        payload={"status": target, "reason": PauseReason(reason).label if reason else ""},
    )
    return state


def _refuse_with_active_call(window: Window, what: str) -> None:
    current = Ticket.objects.filter(window=window, status__in=ACTIVE_CALL).only("display_number").first()
    if current is not None:
        raise Conflict(f"{current.display_number} 号尚未办结，请先办结或转移，再{what}。", code="call_active")


@retry_on_conflict
def window_pause(
    *, actor: AnyActor, staff: Staff, window: Window, reason: str, note: str = ""
) -> WindowState:
    """暂停服务 (000 §二(三)7 临时离柜; 001 第二十六条 请稍候): the display and the counter
    tablet show the sign until the teller resumes."""
    if reason not in PauseReason.values:
        raise DomainError("请选择暂停服务的原因。", code="invalid_input")
    if reason == PauseReason.OTHER and not note.strip():
        raise DomainError("原因为“其他”时请填写说明。", code="invalid_input")
    now = clock.now()
    with transaction.atomic():
        state = locked_state_of(staff, window)
        if state.status == WindowStatus.PAUSED:
            raise Conflict(f"{window.number} 号窗口已处于暂停服务状态。", code="invalid_transition")
        _refuse_with_active_call(window, "暂停服务")
        return window_change(
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
def window_resume(*, actor: AnyActor, staff: Staff, window: Window) -> WindowState:
    now = clock.now()
    with transaction.atomic():
        state = locked_state_of(staff, window)
        if state.status == WindowStatus.OPEN:
            raise Conflict(f"{window.number} 号窗口正在服务中，不需要恢复。", code="invalid_transition")
        return window_change(
            state,
            WindowStatus.OPEN,
            WindowAction.RESUME,
            actor=actor,
            window=window,
            now=now,
            summary=f"{window.number} 号窗口恢复服务",
        )


@retry_on_conflict
def window_sign_out(*, actor: AnyActor, staff: Staff, window: Window) -> WindowState:
    now = clock.now()
    with transaction.atomic():
        state = locked_state_of(staff, window)
        _refuse_with_active_call(window, "签退")
        return window_change(
            state,
            WindowStatus.CLOSED,
            WindowAction.SIGN_OUT,
            actor=actor,
            window=window,
            now=now,
            summary=f"{staff.name} 在 {window.number} 号窗口签退",
        )


@retry_on_conflict
def window_release(*, actor: AnyActor, window: Window, note: str) -> WindowState:
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
            move_ticket(
                current,
                TicketStatus.TRANSFERRED,
                TicketAction.TRANSFER,
                actor=actor,
                at=now,
                fields={"queued_at": now, "recall_count": 0, "target_window": None, "finished_at": now},
                note="窗口强制签退，退回队首",
                summary=f"{window.number} 号窗口强制签退，{current.display_number} 退回队首",
                window=window,
            )
        return window_change(
            state,
            WindowStatus.CLOSED,
            WindowAction.RELEASE,
            actor=actor,
            window=window,
            now=now,
            note=note.strip(),
            summary=f"{window.number} 号窗口强制签退：{note.strip()}",
        )
