from django.urls import path

from inquiries import views

urlpatterns = [
    path("inquiries/", views.inquiry_home, name="inquiry_home"),
    path("inquiries/worklist/", views.inquiry_worklist, name="inquiry_worklist"),
    path("inquiries/register/", views.inquiry_register, name="inquiry_register"),
    path("inquiries/breaches/", views.breach_list, name="breach_list"),
    path("inquiries/breaches/preview/", views.breach_preview, name="breach_preview"),
    path("inquiries/breaches/<int:pk>/withdraw/", views.breach_withdraw, name="breach_withdraw"),
    path("inquiries/pending-calendar/", views.inquiry_pending_calendar, name="inquiry_pending_calendar"),
    path("inquiries/<str:no>/", views.inquiry_detail, name="inquiry_detail"),
    path("inquiries/<str:no>/<str:action>/", views.inquiry_act, name="inquiry_act"),
]
