"""Print the code an authenticator app holding the demo secret shows now, for the demo staff sign-ins."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mysteryshop import demo


class Command(BaseCommand):
    help = "Print the current 6-digit code for the demo staff accounts (only with DJANGO_DEBUG on)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to print a demo code with DJANGO_DEBUG off: the demo secret is public, "
                "so it must never guard a real account."
            )
        seconds_left = 30 - int(time.time()) % 30
        self.stdout.write(demo.demo_code())
        self.stdout.write(f"(changes in {seconds_left} seconds; each code works once per account)", self.style.NOTICE)
