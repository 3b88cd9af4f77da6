from django.urls import path

from rules import views

urlpatterns = [path("", views.rule_set_list, name="rule_set_list")]
