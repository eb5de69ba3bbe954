from django.core.management.base import BaseCommand, CommandError

from reports import rollups


class Command(BaseCommand):
    help = "Rebuild every roll-up row from the approved answers; --verify only compares and fails on any difference."

    def add_arguments(self, parser):
        parser.add_argument(
            "--verify", action="store_true", help="Compare the tables with a recomputation; change nothing."
        )

    def handle(self, *args, verify=False, **options):
        if verify:
            problems = rollups.differences()
            if problems:
                for problem in problems[:50]:
                    self.stderr.write(problem)
                raise CommandError(f"The roll-up tables differ from a recomputation in {len(problems)} place(s).")
            self.stdout.write(self.style.SUCCESS("The roll-up tables match a recomputation from the answers."))
            return
        count = rollups.rebuild()
        self.stdout.write(self.style.SUCCESS(f"Rebuilt {count} roll-up rows."))
