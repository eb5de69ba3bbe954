from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class VisitsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "visits"

    def ready(self):
        # Every create, change and delete of these goes in the audit log, whichever path makes it.
        from mysteryshop.audit import track

        from .models import Assignment, Submission, Visit

        track(Visit)

        # Rules the database enforces from SQL (migrations 0002 and 0010), in words.
        from mysteryshop import database_rules

        database_rules.register_sql_rule(
            "assignment_no_overlapping_bookings",
            gettext_lazy(
                "This volunteer is already booked at that time, or too close to it to travel between the two."
            ),
        )
        database_rules.register_sql_rule(
            "assignment_under_18_paired_with_adult",
            gettext_lazy(
                "A volunteer under 18 can only be paired with an adult, and another volunteer under 18 is already "
                "on this visit."
            ),
        )
        track(Assignment, show_values=())
        track(Submission)

        # What this app holds about a volunteer goes in their subject-access export and goes when they are erased.
        from volunteers import services as volunteer_services

        from . import calibration, capture, privacy, services

        volunteer_services.register_subject_access_section("visits", privacy.subject_access_visits)
        volunteer_services.register_erasure_step(privacy.erase_from_visits)
        volunteer_services.register_stepping_back_step(privacy.release_on_stepping_back)
        # Adding days away asks before giving up visits booked on them (and gives them up as a decline).
        volunteer_services.register_bookings_on_days(services.bookings_on_days)
        volunteer_services.register_claim_correction_step(services.link_correction_to_visit)
        volunteer_services.register_audited_objects("visits.assignment", privacy.audited_assignments)
        volunteer_services.register_audited_objects("visits.submission", privacy.audited_submissions)
        # A report returned for correction is the first thing on the volunteer's home page.
        volunteer_services.register_home_section(gettext_lazy("Reports to correct"), capture.to_correct_on_home)
        # Calibration works like required training: due before the first visit and yearly after.
        volunteer_services.register_home_section(
            gettext_lazy("Practice before your next visit"), calibration.calibration_on_home
        )
