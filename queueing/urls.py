from django.urls import path

from queueing import views

urlpatterns = [
    # 取号机 (kiosk)
    path("kiosk/", views.kiosk_home, name="kiosk_home"),
    path("kiosk/<str:branch>/", views.kiosk, name="kiosk"),
    path("kiosk/<str:branch>/take/", views.kiosk_take, name="kiosk_take"),
    path("kiosk/<str:branch>/checkin/", views.kiosk_checkin, name="kiosk_checkin"),
    path("kiosk/<str:branch>/ticket/<str:token>/", views.kiosk_slip, name="kiosk_slip"),
    # 叫号工作台 (teller), 大厅排队 (guide), devices, counter tablet
    path("queue/", views.workstation_home, name="queue_workstation_home"),
    path("queue/device/", views.device_bind, name="queue_device"),
    path("queue/guide/", views.guide, name="queue_guide"),
    path("queue/guide/panel/", views.guide_panel, name="queue_guide_panel"),
    path("queue/guide/take/", views.guide_take, name="queue_guide_take"),
    path("queue/guide/ticket/<int:pk>/<str:action>/", views.guide_ticket_action, name="queue_guide_ticket"),
    path(
        "queue/guide/appointment/<int:pk>/<str:action>/",
        views.guide_appointment_action,
        name="queue_guide_appointment",
    ),
    path("queue/guide/window/<int:pk>/release/", views.guide_window_release, name="queue_guide_release"),
    path("queue/<str:branch>/<int:number>/", views.workstation, name="queue_workstation"),
    path("queue/<str:branch>/<int:number>/panel/", views.workstation_panel, name="queue_workstation_panel"),
    path(
        "queue/<str:branch>/<int:number>/do/<str:action>/",
        views.workstation_action,
        name="queue_workstation_action",
    ),
    path("queue/counter/<str:branch>/<int:number>/", views.counter, name="queue_counter"),
    path("queue/counter/<str:branch>/<int:number>/panel/", views.counter_panel, name="queue_counter_panel"),
    # 叫号显示屏 (hall display)
    path("board/<str:branch>/", views.board, name="board"),
    path("board/<str:branch>/state/", views.board_state, name="board_state"),
    path("board/<str:branch>/events/", views.board_events, name="board_events"),
    # 网上预约 (public, phone-friendly) and a citizen's ticket
    path("book/", views.book, name="book"),
    path("book/slots/", views.book_slots, name="book_slots"),
    path("book/verify/", views.book_verify, name="book_verify"),
    path("book/done/<str:code>/", views.book_done, name="book_done"),
    path("book/manage/", views.book_manage, name="book_manage"),
    path("t/<str:token>/", views.ticket_page, name="ticket_page"),
    path("t/<str:token>/status/", views.ticket_page_status, name="ticket_page_status"),
    path("t/<str:token>/events/", views.ticket_page_events, name="ticket_page_events"),
]
