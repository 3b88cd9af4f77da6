"""A hall's frame: its default queues and settings when a branch is set up, and the
clean-up after the day (tickets left in line, windows left open, appointments never
checked in). 000 §二(三) leaves opening hours to each branch; 000 §二(二)1(5) closes the
day (轧账).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from audit.services import audit_record
from common import clock
from common.actors import AnyActor
from org.models import Branch, Category
from queueing.models import (
    IN_LINE,
    HallSettings,
    Queue,
    Ticket,
    TicketAction,
    TicketStatus,
    WindowAction,
    WindowState,
    WindowStatus,
)
from queueing.services._common import move_ticket, start_of
from queueing.services.appointments import appointments_mark_no_shows
from queueing.services.windows import window_change
from queueing.slots import break_from_hours_note

# Default queues of a hall: letter, name, order (000 §五(二)3 categories + 综合).
DEFAULT_QUEUES = {
    Category.COLLECTION: ("A", "归集", 1),
    Category.WITHDRAWAL: ("B", "提取", 2),
    Category.LOAN: ("C", "贷款", 3),
    Category.OTHER: ("D", "综合", 4),
}


@transaction.atomic
def hall_setup(*, actor: AnyActor, branch: Branch) -> list[Queue]:
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
            actor=actor,
            action="queueing.hall.setup",
            obj=branch,
            summary=f"{branch.name}：建立排队队列 " + "、".join(f"{q.letter} {q.name}" for q in created),
            changes={"queues": [q.letter for q in created], "hall_settings": new_hall},
        )
    return created


def queue_day_end(*, actor: AnyActor) -> dict[str, int]:
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
                move_ticket(
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
                move_ticket(
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
    for state in WindowState.objects.exclude(status=WindowStatus.CLOSED).filter(since__lt=start_of(today)):
        with transaction.atomic():
            locked_state = WindowState.objects.select_for_update().select_related("window").get(pk=state.pk)
            if locked_state.status == WindowStatus.CLOSED:
                continue
            if Ticket.objects.filter(window=locked_state.window, status=TicketStatus.SERVING).exists():
                continue
            window_change(
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
