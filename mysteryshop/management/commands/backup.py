from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mysteryshop import backups


class Command(BaseCommand):
    help = "Back up PostgreSQL and the private files (photos, receipts, reports) together into one new folder."

    def add_arguments(self, parser):
        parser.add_argument("destination", type=Path, help="The folder that holds the backups.")
        parser.add_argument(
            "--keep", type=int, default=None, help="Then delete all but the newest KEEP backups in the destination."
        )

    def handle(self, *args, destination, keep=None, **options):
        if keep is not None and keep < 1:
            raise CommandError("--keep must be 1 or more.")
        try:
            folder = backups.make_backup(destination, keep=keep)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Backed up to {folder}"))
