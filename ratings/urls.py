"""URL prefixes of the ratings app: /rate/ (public phone rating by token), /disclosure/
(public 好差评 results and rectifications), /ratings/ (staff)."""

from django.urls import path

from ratings import views, views_public

urlpatterns = [
    # Public
    path("rate/v/<str:ticket_token>/", views_public.rate_visit, name="rate_visit"),
    path("rate/case/<str:receipt_no>/", views_public.rate_case, name="rate_case"),
    path("rate/<str:token>/", views_public.rate, name="rate"),
    path("disclosure/", views_public.disclosure, name="disclosure"),
    # Staff
    path("ratings/", views.home, name="ratings_home"),
    path("ratings/list/", views.rating_list, name="ratings_list"),
    path("ratings/<int:pk>/", views.rating_detail, name="ratings_detail"),
    path(
        "ratings/<int:pk>/evidence/<int:annotation_pk>/",
        views.annotation_evidence,
        name="ratings_annotation_evidence",
    ),
    path("ratings/followups/", views.follow_up_list, name="ratings_follow_ups"),
    path("ratings/followups/<int:pk>/", views.follow_up_detail, name="ratings_follow_up"),
    path("ratings/callbacks/", views.callback_list, name="ratings_callbacks"),
    path("ratings/callbacks/ranking/", views.callback_ranking, name="ratings_callback_ranking"),
    path("ratings/callbacks/<int:pk>/", views.callback_detail, name="ratings_callback"),
    path("ratings/surveys/", views.survey_home, name="ratings_surveys"),
    path("ratings/surveys/<int:pk>/", views.survey_detail, name="ratings_survey"),
    path("ratings/export/", views.export, name="ratings_export"),
]
