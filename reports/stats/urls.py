from django.urls import path

from reports.stats import views

urlpatterns = [
    path("stats/", views.stats_page, {"section": "queue"}, name="stats_queue"),
    path("stats/appointments/", views.stats_page, {"section": "appointments"}, name="stats_appointments"),
    path("stats/cases/", views.stats_page, {"section": "cases"}, name="stats_cases"),
    path("stats/ratings/", views.stats_page, {"section": "ratings"}, name="stats_ratings"),
    path("stats/complaints/", views.stats_page, {"section": "complaints"}, name="stats_complaints"),
]
