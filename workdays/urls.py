from django.urls import path

from workdays import views

urlpatterns = [
    path("", views.calendar_page, name="workdays_calendar"),
    path("deadline/", views.deadline_partial, name="workdays_deadline"),
    path("notice/", views.notice_publish, name="workdays_notice"),
]
