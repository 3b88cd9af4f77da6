"""Pages of the dashboard area: /dashboard/ (the whole centre), /dashboard/<branch>/
and their live partials, and /reports/staffing/ (窗口配置建议)."""

from django.urls import path

from reports.dashboard import views

urlpatterns = [
    path("dashboard/", views.dashboard_centre, name="reports_dashboard"),
    path("dashboard/live/", views.dashboard_centre_live, name="reports_dashboard_live"),
    path("dashboard/<str:code>/", views.dashboard_branch, name="reports_dashboard_branch"),
    path("dashboard/<str:code>/live/", views.dashboard_branch_live, name="reports_dashboard_branch_live"),
    path("reports/staffing/", views.staffing_advice, name="reports_staffing"),
]
