from django.urls import path

from complaints import views, views_public

urlpatterns = [
    # Public (no login): web complaint form and follow-up by number and password.
    path("complain/", views_public.public_complain, name="public_complain"),
    path("complain/done/", views_public.public_complaint_done, name="public_complaint_done"),
    path("complain/track/", views_public.public_complaint_track, name="public_complaint_track"),
    path("complain/track/<str:no>/", views_public.public_complaint_status, name="public_complaint_status"),
    path(
        "complain/track/<str:no>/feedback/",
        views_public.public_complaint_feedback,
        name="public_complaint_feedback",
    ),
    # Staff.
    path("complaints/", views.complaint_list, name="complaint_list"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/mine/", views.complaint_mine, name="complaint_mine"),
    path("complaints/receipt/", views.complaint_receipt, name="complaint_receipt"),
    path("complaints/party-committee/", views.complaint_party_committee, name="complaint_party_committee"),
    path("complaints/analysis/", views.complaint_analysis_page, name="complaint_analysis"),
    path("complaints/pending-calendar/", views.complaint_pending_calendar, name="complaint_pending_calendar"),
    path("complaints/<str:no>/", views.complaint_detail, name="complaint_detail"),
    path("complaints/<str:no>/ticket/", views.complaint_ticket, name="complaint_ticket"),
    path("complaints/<str:no>/report/", views.complaint_report_print, name="complaint_report_print"),
    path("complaints/<str:no>/contact/", views.complaint_reveal, name="complaint_reveal"),
    path("complaints/<str:no>/files/<int:pk>/", views.complaint_attachment, name="complaint_attachment"),
    path("complaints/<str:no>/step/<str:step>/", views.complaint_step, name="complaint_step"),
]
