"""`python manage.py send_reminders [--dry-run] [--at DATETIME]`: the hourly sweep and the digests, by hand."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from workflow import reminders


def _moment(raw):
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"--at {raw!r} is not a date and time such as 2026-10-09T09:00") from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return moment


class Command(BaseCommand):
    help = "Record and send the reminders and digests due now (or at --at), exactly as the hourly task does."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be sent; change nothing.")
        parser.add_argument("--at", type=_moment, help="Act as if it were this local time (YYYY-MM-DDTHH:MM).")

    def handle(self, *args, dry_run, at, **options):
        now = at or timezone.now()
        result = reminders.sweep(now=now, dry_run=dry_run)
        if dry_run:
            for notice in result.notices:
                self.stdout.write(
                    f"{notice.kind}\titem={notice.item_id}\tobligation={notice.obligation_id}\t"
                    f"user={notice.recipient_id}\tdue={notice.due_on}"
                )
            self.stdout.write(f"{result.obligations} obligations due, {len(result.notices)} notices (dry run)")
            return
        digests = reminders.send_digests(now=now)
        self.stdout.write(
            f"{result.obligations} obligations due, {result.rows} notification rows offered, {digests} digest rows"
        )
