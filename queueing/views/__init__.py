"""Pages of the queue: the kiosk (取号机), the teller's workstation (叫号工作台), the
guide's hall page (大厅排队), the counter tablet, the hall display (叫号显示屏), online
booking (网上预约) and a citizen's ticket page.

Kiosks, displays and counter tablets are bound to a device token once (/queue/device/);
staff use their session. Booking and a ticket's page are public and rate-limited.

* `kiosk` — the kiosk, check-in and the printed slip;
* `workstation` — the teller's window;
* `guide` — the guide's hall page;
* `devices` — binding a device, the counter tablet, the hall display;
* `public` — online booking and the ticket page.
"""

from queueing.views.devices import board, board_events, board_state, counter, counter_panel, device_bind
from queueing.views.guide import (
    guide,
    guide_appointment_action,
    guide_panel,
    guide_take,
    guide_ticket_action,
    guide_window_release,
)
from queueing.views.kiosk import kiosk, kiosk_checkin, kiosk_home, kiosk_slip, kiosk_take
from queueing.views.public import (
    book,
    book_done,
    book_manage,
    book_slots,
    book_verify,
    ticket_page,
    ticket_page_events,
    ticket_page_status,
)
from queueing.views.workstation import workstation, workstation_action, workstation_home, workstation_panel

__all__ = [
    "board",
    "board_events",
    "board_state",
    "book",
    "book_done",
    "book_manage",
    "book_slots",
    "book_verify",
    "counter",
    "counter_panel",
    "device_bind",
    "guide",
    "guide_appointment_action",
    "guide_panel",
    "guide_take",
    "guide_ticket_action",
    "guide_window_release",
    "kiosk",
    "kiosk_checkin",
    "kiosk_home",
    "kiosk_slip",
    "kiosk_take",
    "ticket_page",
    "ticket_page_events",
    "ticket_page_status",
    "workstation",
    "workstation_action",
    "workstation_home",
    "workstation_panel",
]
