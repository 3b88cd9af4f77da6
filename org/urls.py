from django.urls import path

from org import views

urlpatterns = [
    path("", views.home, name="home"),
    path("org/", views.org_overview, name="org_overview"),
]
