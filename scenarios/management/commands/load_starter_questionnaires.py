from django.core.management.base import BaseCommand

from scenarios.services import load_starter_questionnaires


class Command(BaseCommand):
    help = "Load the starter questionnaires (front desk, 101, website, online reporting, neighbourhood meeting) not yet present."

    def handle(self, *args, **options):
        created = load_starter_questionnaires()
        self.stdout.write(f"Loaded {len(created)} starter questionnaire(s).")
