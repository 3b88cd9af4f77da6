from django.urls import path

from appraisal import views

urlpatterns = [
    path("appraisal/windows/", views.window_scores, name="window_scores"),
    path("appraisal/quarters/", views.quarter_list, name="quarter_list"),
    path("appraisal/quarters/<str:key>/", views.quarter_detail, name="quarter_detail"),
    path(
        "appraisal/quarters/<str:key>/participants/", views.quarter_participants, name="quarter_participants"
    ),
    path("appraisal/quarters/<str:key>/publish/", views.quarter_publish, name="quarter_publish"),
    path("appraisal/quarters/<str:key>/withdraw/", views.quarter_withdraw, name="quarter_withdraw"),
    path("appraisal/quarters/<str:key>/republish/", views.quarter_republish, name="quarter_republish"),
    path("appraisal/quarters/<str:key>/entries/new/", views.entry_new, name="entry_new"),
    path("appraisal/quarters/<str:key>/staff/<str:staff_no>/", views.person_detail, name="person_detail"),
    path("appraisal/entries/<int:pk>/withdraw/", views.entry_withdraw, name="entry_withdraw"),
    path("appraisal/entries/<int:pk>/evidence/", views.entry_evidence, name="entry_evidence"),
    path("appraisal/peer-review/", views.peer_review, name="peer_review"),
    path("appraisal/mine/", views.my_appraisal, name="my_appraisal"),
    path("appraisal/annual/<int:year>/", views.annual_view, name="appraisal_annual"),
    path("notice-board/", views.notice_board, name="notice_board"),
    path("notice-board/<str:key>/", views.notice_board_quarter, name="notice_board_quarter"),
]
