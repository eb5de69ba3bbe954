from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "volunteers"

    def ready(self):
        # Every create, change and delete of these goes in the audit log, whichever path makes it.
        from mysteryshop.audit import track
        from mysteryshop.mail import LANGUAGE_RECORDS

        from .models import Volunteer

        track(Volunteer)
        # What is sent to an applicant or volunteer is in the language on their record.
        if Volunteer not in LANGUAGE_RECORDS:
            LANGUAGE_RECORDS.append(Volunteer)
