from django.urls import path

from cases import views, views_public

urlpatterns = [
    # Staff
    path("cases/", views.case_worklist, name="case_worklist"),
    path("cases/accept/", views.case_accept, name="case_accept"),
    path("cases/accept/<str:code>/", views.case_accept_matter, name="case_accept_matter"),
    path("cases/overdue/", views.case_overdue_report, name="case_overdue_report"),
    path("cases/pending-calendar/", views.case_pending_calendar, name="case_pending_calendar"),
    path("cases/reminders/<int:pk>/seen/", views.case_reminder_seen, name="case_reminder_seen"),
    path("cases/<str:receipt_no>/", views.case_detail, name="case_detail"),
    path("cases/<str:receipt_no>/password/", views.case_password_reset, name="case_password_reset"),
    path(
        "cases/<str:receipt_no>/handover/<int:pk>/<str:step>/",
        views.case_handover_action,
        name="case_handover_action",
    ),
    path(
        "cases/<str:receipt_no>/extension/<int:number>/form.<str:fmt>",
        views.case_extension_print,
        name="case_extension_print",
    ),
    path("cases/<str:receipt_no>/print/<str:form>.<str:fmt>", views.case_print, name="case_print"),
    path("cases/<str:receipt_no>/do/<str:action>/", views.case_action, name="case_action"),
    # The applicant (no login); the QR code on the notices leads here.
    path("query/", views_public.case_query, name="case_query"),
    path("query/<str:receipt_no>/", views_public.case_query_status, name="case_query_status"),
    path("query/<str:receipt_no>/review/", views_public.case_query_review, name="case_query_review"),
]
