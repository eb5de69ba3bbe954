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

        # What this app holds about a volunteer goes in their subject-access export and goes when they are erased.
        from volunteers import services as volunteer_services

        from . import privacy, services

        volunteer_services.register_subject_access_section("visits", privacy.subject_access_visits)
        volunteer_services.register_erasure_step(privacy.erase_from_visits)
        # Adding days away asks before giving up visits booked on them (and gives them up as a decline).
        volunteer_services.register_bookings_on_days(services.bookings_on_days)
        volunteer_services.register_claim_correction_step(services.link_correction_to_visit)
        volunteer_services.register_audited_objects("visits.assignment", privacy.audited_assignments)
        volunteer_services.register_audited_objects("visits.submission", privacy.audited_submissions)
