from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from . import audit_views, languages, signin_views, views

handler400 = "mysteryshop.views.bad_request"
handler403 = "mysteryshop.views.permission_denied"
handler404 = "mysteryshop.views.page_not_found"
handler500 = "mysteryshop.views.server_error"

# For machines: never translated, never prefixed.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("metrics", views.metrics, name="metrics"),
]
# For people: English at these addresses, Welsh (when the scheme offers it) under /cy/.
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("audit/", audit_views.audit_log, name="audit-log"),
    path("accounts/password_reset/", signin_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/two-factor/", signin_views.two_factor_verify, name="two-factor-verify"),
    path("accounts/two-factor/recovery-code/", signin_views.two_factor_recovery, name="two-factor-recovery"),
    path("accounts/two-factor/set-up/", signin_views.two_factor_setup, name="two-factor-setup"),
    path("accounts/security/", signin_views.signin_security, name="signin-security"),
    path("accounts/security/recovery-codes/", signin_views.recovery_codes_new, name="recovery-codes-new"),
    path("accounts/still-here/", signin_views.still_here, name="still-here"),
    path("accounts/language/", languages.language, name="language"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("volunteers/", include("volunteers.urls")),
    path("scenarios/", include("scenarios.urls")),
    path("visits/", include("visits.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)
