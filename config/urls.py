from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.static import serve

from config.api import api
from org import login

admin.site.site_header = "住房公积金窗口服务管理系统"
admin.site.site_title = "系统管理"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("login/", login.StaffLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/second-factor/", login.second_factor_verify, name="second_factor_verify"),
    path("account/second-factor/setup/", login.second_factor_setup, name="second_factor_setup"),
    path("account/second-factor/codes/", login.second_factor_codes, name="second_factor_codes"),
    path("org/lockouts/", login.lockouts, name="login_lockouts"),
    path("workdays/", include("workdays.urls")),
    path("rules/", include("rules.urls")),
    # Each app below owns its own URL prefixes (see its urls.py).
    path("", include("catalog.urls")),
    path("", include("documents.urls")),
    path("", include("queueing.urls")),
    path("", include("inquiries.urls")),
    path("", include("complaints.urls")),
    path("", include("cases.urls")),
    path("", include("ratings.urls")),
    path("", include("supervision.urls")),
    path("", include("appraisal.urls")),
    path("", include("reports.urls")),
    path("", include("org.urls")),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

handler403 = "common.views.forbidden"
handler404 = "common.views.not_found"
handler500 = "common.views.server_error"
