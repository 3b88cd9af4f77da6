from django.urls import path

from documents import views

urlpatterns = [
    path("documents/", views.documents_index, name="documents_index"),
    path("documents/verify/<str:code>/", views.documents_verify, name="documents_verify"),
    path("documents/<slug:code>/sample/", views.documents_sample, name="documents_sample"),
    path("documents/<slug:code>/sample.pdf", views.documents_sample_pdf, name="documents_sample_pdf"),
]
