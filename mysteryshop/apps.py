from django.apps import AppConfig


class MysteryShopConfig(AppConfig):
    name = "mysteryshop"
    verbose_name = "Mystery Shop"

    def ready(self):
        from django.contrib.auth import signals

        from . import audit_signins, links, metrics  # noqa: F401 (links registers its deployment check)

        # Sign-ins are recorded from Django's own signals: every way of signing in sends them.
        signals.user_logged_in.connect(audit_signins.signed_in, dispatch_uid="audit-signed-in")
        signals.user_login_failed.connect(audit_signins.signin_failed, dispatch_uid="audit-signin-failed")
        signals.user_logged_out.connect(audit_signins.signed_out, dispatch_uid="audit-signed-out")
        # Each app's metrics.py registers the figures it reads at a scrape (mysteryshop.metrics).
        metrics.discover()
