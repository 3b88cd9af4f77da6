"""A booked appointment after the booking (网络预约排队, 000 §四(二)3(1)): checked in at a
kiosk it becomes a ticket (called before walk-ins of its category from the slot time;
late, it is a walk-in, 迟到转现场，不计爽约), cancelled by the citizen or the guide, or
marked a no-show (爽约) after its day — no-shows can block booking (product-queue).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from audit.transitions import transition
from common import clock
from common.actors import AnyActor
from common.errors import Conflict
from queueing import selectors
from queueing.models import (
    Appointment,
    AppointmentAction,
    AppointmentStatus,
    Queue,
    Ticket,
    TicketSource,
)
from queueing.params import queue_rules
from queueing.retry import retry_on_conflict
from queueing.services._common import refuse_after_day_close
from queueing.services.tickets import issue


@retry_on_conflict
def ticket_check_in(*, actor: AnyActor, appointment: Appointment, priority: str = "") -> Ticket:
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
        ticket = issue(
            actor=actor,
            branch=appointment.branch,
            queue=queue,
            priority=priority,
            source=TicketSource.APPOINTMENT,
            now=now,
            appointment_at=None if late else slot_at,
            note=f"预约码 {locked.code}" + ("（迟到，按现场号排队）" if late else ""),
        )
        locked.checked_in_at = now
        locked.ticket = ticket
        transition(
            locked,
            AppointmentStatus.LATE if late else AppointmentStatus.CHECKED_IN,
            actor=actor,
            fields=["checked_in_at", "ticket"],
            note=f"排队号 {ticket.display_number}",
            at=now,
            event={"action": AppointmentAction.LATE if late else AppointmentAction.CHECK_IN},
            audit="queueing.appointment.check_in",
            summary=f"预约 {locked.code} 签到，排队号 {ticket.display_number}"
            + ("（迟到转现场）" if late else ""),
        )
    appointment.refresh_from_db()
    return ticket


@retry_on_conflict
def appointment_cancel(*, actor: AnyActor, appointment: Appointment, note: str = "") -> Appointment:
    now = clock.now()
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        locked.closed_at = now
        transition(
            locked,
            AppointmentStatus.CANCELLED,
            actor=actor,
            fields=["closed_at"],
            note=note,
            at=now,
            event={"action": AppointmentAction.CANCEL},
            audit="queueing.appointment.cancel",
            summary=f"取消预约 {locked.code}" + (f"：{note}" if note else ""),
            refused=f"该预约{locked.get_status_display()}，不能取消。",
        )
        return locked


def appointments_mark_no_shows(*, actor: AnyActor, id_number: str | None = None) -> int:
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
            locked.closed_at = now
            transition(
                locked,
                AppointmentStatus.NO_SHOW,
                actor=actor,
                fields=["closed_at"],
                at=now,
                event={"action": AppointmentAction.NO_SHOW},
                audit="queueing.appointment.no_show",
                summary=f"预约 {locked.code} 当天未签到，记为爽约",
            )
            count += 1
    return count
