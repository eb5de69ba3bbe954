from django.apps import AppConfig


class VisitsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "visits"

    def ready(self):
        # Every create, change and delete of these goes in the audit log, whichever path makes it.
        from mysteryshop.audit import track

        from .models import Assignment, Submission, Visit

        track(Visit)
        track(Assignment, show_values=())
        track(Submission)
