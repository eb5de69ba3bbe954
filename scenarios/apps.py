from django.apps import AppConfig


class ScenariosConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "scenarios"

    def ready(self):
        # Every create, change and delete of these goes in the audit log, whichever path makes it.
        from mysteryshop.audit import track

        from .models import Scenario

        track(Scenario)
