"""Load the demo: sign-ins for every role and, app by app, realistic data.

It lives in `reports`, the app at the top of the dependency chain, so it may
call every other app's demo module. Running it again changes nothing new.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from mysteryshop import demo, mail
from reports import demo as reports_demo
from reports import rollups
from scenarios import demo as scenarios_demo
from visits import demo as visits_demo
from volunteers import demo as volunteers_demo


class Command(BaseCommand):
    help = "Load demo data (refused when DJANGO_DEBUG is off unless --force)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Load demo data even with DJANGO_DEBUG off (never in production)."
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo data with DJANGO_DEBUG off: demo sign-ins share a public password. "
                "Use --force only on a machine that is not in production."
            )
        # Demo bookings would otherwise e-mail every demo volunteer.
        with mail.suppressed(), transaction.atomic():
            demo.seed_users()
            volunteers_demo.seed()
            scenarios_demo.seed()
            visits_demo.seed()
            reports_demo.seed()
            # The demo's approved reports, rolled up as the Celery task would.
            rollups.rebuild()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write("Sign in at http://127.0.0.1:8000/accounts/login/ as any of these, all with the password")
        self.stdout.write(f"    {demo.DEMO_PASSWORD}")
        for username, _first, _last, role in demo.DEMO_USERS:
            self.stdout.write(f"  {username:<13} {role.label if role else 'System administrator'}")
        self.stdout.write("Staff accounts (coordinator, commissioner, liaison, admin) then ask for a code from an")
        self.stdout.write("authenticator app. Add this demo secret to any authenticator app (as a time-based key):")
        self.stdout.write(f"    {demo.DEMO_TOTP_SECRET}")
        self.stdout.write("or run `python manage.py demo_code` for the current code.")
