"""A ticket's life: taken at a kiosk or by a guide, called, recalled, served, finished,
passed over, transferred, back in line, cancelled.

* 000 §四(二)3(1) — 叫号系统 (numbers unique per queue and day, gapless);
* 000 §二(二)1(3) — a guide takes a ticket for a citizen who cannot use the kiosk;
* 000 §二(二)1(5) — no new ticket after the day close (轧账);
* 000 §二(三)3 — the green channel; 001 第十一条(五) — 先到先办 (queueing/ordering.py);
* 多窗联办 — a transfer keeps the number and goes to the front of the target.

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

from datetime import date, datetime, timedelta

from django.db import IntegrityError, connection, transaction

from audit.services import audit_record
from audit.transitions import InvalidTransition, transition
from common import clock, hooks
from common.actors import AnyActor, event_actor
from common.errors import Conflict, DomainError
from org.models import Branch, Category, Staff, Window
from queueing import push, selectors
from queueing.models import (
    ACTIVE_CALL,
    IN_LINE,
    BoardEventKind,
    Priority,
    Queue,
    Ticket,
    TicketAction,
    TicketCounter,
    TicketSource,
    TicketStatus,
    WindowStatus,
)
from queueing.params import queue_rules
from queueing.retry import retry_on_conflict
from queueing.services._common import (
    board_event,
    move_ticket,
    record_event,
    refuse_after_day_close,
    ticket_event_fields,
)
from queueing.services.windows import hold_window, locked_state_of


def _next_number(queue: Queue, day: date) -> int:
    """The queue's next number on `day`: one UPDATE that locks the counter row, increments it
    and returns the new value (PostgreSQL, and SQLite ≥ 3.35, where the IMMEDIATE
    transaction holds the write lock anyway). The row of a new day is created first with
    INSERT … ON CONFLICT DO NOTHING, so two first tickets of the day cannot collide."""
    table = connection.ops.quote_name(TicketCounter._meta.db_table)
    sql = (
        f"UPDATE {table} SET last_number = last_number + 1 "
        "WHERE queue_id = %s AND service_date = %s RETURNING last_number"
    )
    params = [queue.pk, connection.ops.adapt_datefield_value(day)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        if row is None:
            TicketCounter.objects.bulk_create(
                [TicketCounter(queue=queue, service_date=day)], ignore_conflicts=True
            )
            cursor.execute(sql, params)
            row = cursor.fetchone()
    return int(row[0])


def issue(
    *,
    actor: AnyActor,
    branch: Branch,
    queue: Queue,
    priority: str,
    source: str,
    now: datetime,
    appointment_at: datetime | None = None,
    note: str = "",
) -> Ticket:
    """A new waiting ticket with the queue's next number, its "take" event and audit
    event (inside the caller's transaction)."""
    day = clock.local_date(now)
    number = _next_number(queue, day)
    _, label = event_actor(actor)
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
    record_event(
        ticket,
        actor=actor,
        at=now,
        from_status="",
        note=note,
        **ticket_event_fields(ticket, TicketAction.TAKE),
    )
    audit_record(
        actor=actor,
        action="queueing.ticket.take",
        obj=ticket,
        summary=f"取号 {ticket.display_number}（{Category(queue.category).label}"
        + (f"，绿色通道：{Priority(priority).label}" if priority else "")
        + f"，{TicketSource(source).label}）",
        changes={"source": source, "priority": priority},
    )
    # The hall's displays refresh their waiting counts (no stored event: nothing to replay).
    push.publish_activity(
        branch.pk,
        {
            "ticket": ticket.pk,
            "number": ticket.display_number,
            "window": None,
            "action": TicketAction.TAKE,
            "category": ticket.category,
            "status": ticket.status,
        },
    )
    return ticket


@retry_on_conflict
def ticket_take(
    *,
    actor: AnyActor,
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
        return issue(
            actor=actor, branch=branch, queue=queue, priority=priority, source=source, now=now, note=note
        )


def _active_ticket_locked(window: Window) -> Ticket:
    ticket = Ticket.objects.select_for_update().filter(window=window, status__in=ACTIVE_CALL).first()
    if ticket is None:
        raise Conflict(f"{window.number} 号窗口当前没有叫号，请先叫号。", code="no_active_call")
    ticket.window = window  # the caller's, with its branch: no second read
    return ticket


@retry_on_conflict
def ticket_call_next(*, actor: AnyActor, staff: Staff, window: Window) -> Ticket | None:
    """Call the next ticket for this window (ordering in queueing/ordering.py), or None
    when nobody waits for it. Signs the teller in at a free window."""
    try:
        return _call_next(actor=actor, staff=staff, window=window)
    except IntegrityError:
        # The partial unique index `ticket_one_active_call_per_window`: the window's call is
        # still open (checked by the database on the hot path, read here for the message).
        current = Ticket.objects.filter(window=window, status__in=ACTIVE_CALL).only("display_number").first()
        if current is None:
            raise
        raise Conflict(
            f"{current.display_number} 号尚未办结，请先办结、转移或标记过号，再叫下一位。",
            code="call_active",
        ) from None


def _call_next(*, actor: AnyActor, staff: Staff, window: Window) -> Ticket | None:
    now = clock.now()
    # Only a green-channel window needs a number of the rule set (how long an ordinary
    # ticket may be passed over, product-queue green_channel_max_passed_over_minutes).
    max_passed_over = (
        timedelta(minutes=queue_rules(clock.local_date(now)).params.green_channel_max_passed_over_minutes)
        if window.is_green_channel
        else timedelta(0)
    )
    with transaction.atomic():
        state = hold_window(actor=actor, staff=staff, window=window, now=now)
        if state.status == WindowStatus.PAUSED:
            raise Conflict(
                f"{window.number} 号窗口处于暂停服务状态，请先恢复服务再叫号。", code="window_paused"
            )
        categories = selectors.serving_categories(window, staff)
        order = selectors.call_order(
            window=window, categories=categories, now=now, max_passed_over=max_passed_over
        )
        locking = connection.features.has_select_for_update_skip_locked
        if locking:
            order = order.select_for_update(skip_locked=True, of=("self",))
        called = {
            "window": window,
            "staff": staff,
            "called_at": now,
            "started_at": None,
            "finished_at": None,
            "recall_count": 0,
            "target_window": None,
        }
        for _ in range(10):
            # PostgreSQL: the best ticket no other window has locked, locked for us until
            # commit — the lock is the claim. Elsewhere (SQLite, whose IMMEDIATE transaction
            # already excludes every other writer) a conditional UPDATE claims it, changing
            # no row if another window moved the ticket on since we read it.
            candidates = list(order[:1] if locking else order[:3])
            if not candidates:
                return None
            for ticket in candidates:
                if not locking and not Ticket.objects.filter(pk=ticket.pk, status=ticket.status).update(
                    status=ticket.status
                ):
                    continue
                for name, value in called.items():
                    setattr(ticket, name, value)
                transition(
                    ticket,
                    TicketStatus.CALLED,
                    actor=actor,
                    fields=list(called),
                    at=now,
                    event=ticket_event_fields(ticket, TicketAction.CALL),
                    audit="queueing.ticket.call",
                    summary=f"{window.number} 号窗口叫号 {ticket.display_number}",
                    changes={"window": window.number},
                )
                board_event(
                    ticket.branch_id,
                    BoardEventKind.CALL,
                    at=now,
                    window=window,
                    number=ticket.display_number,
                    payload={"ticket": ticket.pk, "category": ticket.category, "priority": ticket.priority},
                )
                return ticket
        raise Conflict("同时叫号的窗口较多，请再按一次“叫下一位”。", code="call_contention")


@retry_on_conflict
def ticket_recall(*, actor: AnyActor, staff: Staff, window: Window) -> Ticket:
    """Announce the called ticket again (重呼); counts towards the no-show rule. The
    status stays "called": the event row is a recall, not a move."""
    now = clock.now()
    with transaction.atomic():
        locked_state_of(staff, window)
        ticket = _active_ticket_locked(window)
        if ticket.status != TicketStatus.CALLED:
            raise InvalidTransition(f"{ticket.display_number} 号已在办理中，不需要重呼。")
        ticket.recall_count += 1
        ticket.save(update_fields=["recall_count"])
        record_event(
            ticket,
            actor=actor,
            at=now,
            from_status=ticket.status,
            note=f"第{ticket.recall_count}次重呼",
            **ticket_event_fields(ticket, TicketAction.RECALL),
        )
        board_event(
            ticket.branch_id,
            BoardEventKind.RECALL,
            at=now,
            window=window,
            number=ticket.display_number,
            payload={"ticket": ticket.pk, "recall": ticket.recall_count},
        )
        audit_record(
            actor=actor,
            action="queueing.ticket.recall",
            obj=ticket,
            summary=f"{window.number} 号窗口第{ticket.recall_count}次重呼 {ticket.display_number}",
        )
        return ticket


@retry_on_conflict
def ticket_start(*, actor: AnyActor, staff: Staff, window: Window) -> Ticket:
    """The citizen has come to the window: service starts (the service time runs from here)."""
    now = clock.now()
    with transaction.atomic():
        locked_state_of(staff, window)
        ticket = _active_ticket_locked(window)
        if ticket.status == TicketStatus.SERVING:
            raise InvalidTransition(f"{ticket.display_number} 号已在办理中。")
        return move_ticket(
            ticket,
            TicketStatus.SERVING,
            TicketAction.START,
            actor=actor,
            at=now,
            fields={"started_at": now},
            summary=f"{window.number} 号窗口开始办理 {ticket.display_number}",
            window=window,
        )


@retry_on_conflict
def ticket_complete(*, actor: AnyActor, staff: Staff, window: Window, note: str = "") -> Ticket:
    """Finish the service at the window (办结). Returns the finished ticket. In the same
    transaction the ratings app mints the service's rating tokens (the counter evaluator
    asks for a rating, the slip's QR code rates it later) and, for withdrawal and loan,
    puts a 12329 callback on the hotline list (the "ticket_completed" hook)."""
    now = clock.now()
    with transaction.atomic():
        locked_state_of(staff, window)
        ticket = _active_ticket_locked(window)
        ticket = move_ticket(
            ticket,
            TicketStatus.DONE,
            TicketAction.COMPLETE,
            actor=actor,
            at=now,
            fields={"finished_at": now},
            note=note,
            summary=f"{window.number} 号窗口办结 {ticket.display_number}",
            window=window,
        )
        hooks.fire("ticket_completed", ticket=ticket, at=now)
        return ticket


@retry_on_conflict
def ticket_no_show(*, actor: AnyActor, staff: Staff, window: Window) -> Ticket:
    """过号: nobody came after the call and the configured recalls."""
    now = clock.now()
    params = queue_rules(clock.local_date(now)).params
    with transaction.atomic():
        locked_state_of(staff, window)
        ticket = _active_ticket_locked(window)
        if ticket.status == TicketStatus.CALLED and ticket.recall_count < params.recalls_before_no_show:
            left = params.recalls_before_no_show - ticket.recall_count
            raise Conflict(
                f"请先重呼：重呼 {params.recalls_before_no_show} 次仍无人应答才能标记过号"
                f"（还需 {left} 次）。",
                code="recall_first",
            )
        return move_ticket(
            ticket,
            TicketStatus.NO_SHOW,
            TicketAction.NO_SHOW,
            actor=actor,
            at=now,
            fields={"no_show_at": now, "finished_at": now},
            summary=f"{window.number} 号窗口 {ticket.display_number} 过号",
            window=window,
        )


@retry_on_conflict
def ticket_transfer(
    *,
    actor: AnyActor,
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
        locked_state_of(staff, window)
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
        return move_ticket(
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
            window=window,
        )


@retry_on_conflict
def ticket_reactivate(*, actor: AnyActor, ticket: Ticket) -> Ticket:
    """A no-show ticket back in line within the grace period; it keeps its original
    arrival time (so it is called soon), product-queue no_show_grace_minutes."""
    now = clock.now()
    params = queue_rules(ticket.service_date).params
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if locked.status != TicketStatus.NO_SHOW:
            raise InvalidTransition(f"{locked.display_number} 号不是过号状态，不需要恢复。")
        deadline = (locked.no_show_at or now) + timedelta(minutes=params.no_show_grace_minutes)
        if locked.service_date != clock.local_date(now) or now > deadline:
            raise Conflict(
                f"{locked.display_number} 号过号已超过 {params.no_show_grace_minutes} 分钟，请重新取号。",
                code="grace_expired",
            )
        return move_ticket(
            locked,
            TicketStatus.WAITING,
            TicketAction.REACTIVATE,
            actor=actor,
            at=now,
            fields={"window": None, "staff": None, "called_at": None, "finished_at": None, "recall_count": 0},
            summary=f"{locked.display_number} 号恢复排队",
        )


@retry_on_conflict
def ticket_cancel(*, actor: AnyActor, ticket: Ticket, note: str = "") -> Ticket:
    """A waiting ticket leaves the line (the citizen left, or took a wrong category)."""
    now = clock.now()
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if locked.status not in IN_LINE:
            raise InvalidTransition(f"{locked.display_number} 号{locked.get_status_display()}，不能取消。")
        return move_ticket(
            locked,
            TicketStatus.CANCELLED,
            TicketAction.CANCEL,
            actor=actor,
            at=now,
            fields={"finished_at": now},
            note=note,
            summary=f"取消 {locked.display_number} 号" + (f"：{note}" if note else ""),
        )
