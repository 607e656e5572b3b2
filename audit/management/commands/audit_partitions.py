"""`manage.py audit_partitions`: what the daily task does, by hand (create the coming months, drop the expired)."""

from django.core.management.base import BaseCommand, CommandError

from audit.partitions import MONTHS_AHEAD, create_ahead, purge


class Command(BaseCommand):
    help = "Create the audit log's coming monthly partitions and drop those older than AUDIT_RETENTION_DAYS."

    def add_arguments(self, parser):
        parser.add_argument("--months-ahead", type=int, default=MONTHS_AHEAD)
        parser.add_argument("--no-purge", action="store_true", help="Only create partitions.")

    def handle(self, *args, months_ahead, no_purge, **options):
        if months_ahead < 0:
            raise CommandError("--months-ahead must be 0 or more")
        created = create_ahead(months=months_ahead)
        dropped = [] if no_purge else purge()
        self.stdout.write(f"created: {', '.join(f'{m:%Y-%m}' for m in created) or '-'}")
        self.stdout.write(f"dropped: {', '.join(f'{m:%Y-%m}' for m in dropped) or '-'}")
