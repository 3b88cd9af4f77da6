from django.urls import path

from reports.review import views

urlpatterns = [
    path("reports/weekly/", views.weekly_review_page, name="reports_weekly"),
    path("reports/weekly/<str:branch>/<str:week>.pdf", views.weekly_review_pdf, name="reports_weekly_pdf"),
    path("reports/weekly/<str:branch>/<str:week>/", views.weekly_review_action, name="reports_weekly_action"),
    path("reports/complaints/", views.complaints_year_redirect, name="reports_complaints"),
    path("reports/complaints/<int:year>/", views.complaints_year_page, name="reports_complaints_year"),
    path("reports/complaints/<int:year>.pdf", views.complaints_year_pdf, name="reports_complaints_year_pdf"),
    path(
        "reports/complaints/<int:year>/analysis/",
        views.complaints_year_action,
        name="reports_complaints_year_action",
    ),
    path("reports/published/", views.published_page, name="reports_published"),
    path(
        "reports/published/appraisal/<str:key>.pdf",
        views.published_appraisal_pdf,
        name="reports_published_appraisal",
    ),
    path(
        "reports/published/window-scores/<str:period>.pdf",
        views.published_window_scores_pdf,
        name="reports_published_window_scores",
    ),
]
