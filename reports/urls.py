"""The reports app's pages, one URL module per area (see docs/reports.md)."""

from django.urls import include, path

urlpatterns = [
    path("", include("reports.stats.urls")),
    path("", include("reports.dashboard.urls")),
    path("", include("reports.review.urls")),
]
