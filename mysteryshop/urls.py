from django.contrib import admin
from django.urls import include, path

from . import views

handler403 = "mysteryshop.views.permission_denied"
handler404 = "mysteryshop.views.page_not_found"
handler500 = "mysteryshop.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("volunteers/", include("volunteers.urls")),
    path("scenarios/", include("scenarios.urls")),
    path("visits/", include("visits.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]
