"""Every write of the queue. Each service is keyword-only, runs in one transaction
with its event row and its audit event, and is retried as a whole on a transient
lock conflict (queueing/retry.py). A status moves only through
`audit.transitions.transition`, after the row is locked.

* `tickets` — take, call, recall, start, complete, no-show, transfer, reactivate, cancel
  (and the concurrency guarantees of numbering and calling);
* `windows` — sign-in, pause and resume, sign-out, forced sign-out;
* `appointments` — check-in at the kiosk, cancel, no-shows;
* `booking` — the two steps of an online booking (SMS code, then the booking);
* `day` — a hall's default queues and the clean-up after the day;
* `devices` — the tokens of kiosks, displays and counter tablets.
"""

from queueing.selectors import appointment_block_until
from queueing.services._common import DayClosed, refuse_after_day_close
from queueing.services.appointments import appointment_cancel, appointments_mark_no_shows, ticket_check_in
from queueing.services.booking import BOOKING_CODE_ALPHABET, appointment_book, appointment_code_request
from queueing.services.day import DEFAULT_QUEUES, hall_setup, queue_day_end
from queueing.services.devices import device_issue, device_revoke
from queueing.services.tickets import (
    ticket_call_next,
    ticket_cancel,
    ticket_complete,
    ticket_no_show,
    ticket_reactivate,
    ticket_recall,
    ticket_start,
    ticket_take,
    ticket_transfer,
)
from queueing.services.windows import (
    window_pause,
    window_release,
    window_resume,
    window_sign_in,
    window_sign_out,
)

__all__ = [
    "BOOKING_CODE_ALPHABET",
    "DEFAULT_QUEUES",
    "DayClosed",
    "appointment_block_until",
    "appointment_book",
    "appointment_cancel",
    "appointment_code_request",
    "appointments_mark_no_shows",
    "device_issue",
    "device_revoke",
    "hall_setup",
    "queue_day_end",
    "refuse_after_day_close",
    "ticket_call_next",
    "ticket_cancel",
    "ticket_check_in",
    "ticket_complete",
    "ticket_no_show",
    "ticket_reactivate",
    "ticket_recall",
    "ticket_start",
    "ticket_take",
    "ticket_transfer",
    "window_pause",
    "window_release",
    "window_resume",
    "window_sign_in",
    "window_sign_out",
]
