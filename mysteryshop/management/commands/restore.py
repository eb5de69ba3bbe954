from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mysteryshop import backups


class Command(BaseCommand):
    help = (
        "Restore a backup folder into the empty database of DATABASE_URL and the empty private files folder of "
        "DJANGO_PRIVATE_MEDIA_ROOT (it refuses to overwrite anything)."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="A folder made by the backup command (mysteryshop-<time>).")

    def handle(self, *args, backup, **options):
        try:
            restored = backups.restore_backup(backup)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Restored {restored.tables} tables and {restored.media_files} private files.")
        )
        for name in restored.missing_files:
            self.stderr.write(f"Missing file (its row is kept): {name}")
        if restored.unknown_migrations:
            self.stderr.write(
                "The backup is newer than this code (unknown migrations: "
                f"{', '.join(restored.unknown_migrations)}): deploy the code it was made with."
            )
        self.stdout.write(
            "Next: manage.py migrate (if this code is newer than the backup), then "
            "manage.py rebuild_rollups --verify, then start the site."
        )
