"""`python manage.py send_reminders [--dry-run] [--at DATETIME]`: the scheduled reminder work, by hand.

In the order the beat runs it: settle the items whose feedback window ended, then the sweep
and the digests.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from notifications import reminders
from workflow.services import closing


def _moment(raw):
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"--at {raw!r} is not a date and time such as 2026-10-09T09:00") from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return moment


class Command(BaseCommand):
    help = (
        "Settle the items whose feedback window ended, then record and send the reminders and digests due now "
        "(or at --at), exactly as the scheduled tasks do."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be done; change nothing.")
        parser.add_argument("--at", type=_moment, help="Act as if it were this local time (YYYY-MM-DDTHH:MM).")

    def handle(self, *args, dry_run, at, **options):
        now = at or timezone.now()
        if dry_run:
            self._dry_run(now)
            return
        settled = closing.expire_feedback_windows(now=now)
        result = reminders.sweep(now=now)
        digests = reminders.send_digests(now=now)
        self.stdout.write(f"{settled} items settled (feedback window ended)")
        self.stdout.write(
            f"{result.obligations} obligations due, {result.rows} notification rows offered, {digests} digest rows"
        )

    def _dry_run(self, now):
        # Settling runs for real inside a transaction that is rolled back, so the sweep after it
        # sees what it would see.
        with transaction.atomic():
            settled = closing.expire_feedback_windows(now=now)
            result = reminders.sweep(now=now, dry_run=True)
            transaction.set_rollback(True)
        for notice in result.notices:
            self.stdout.write(
                f"{notice.kind}\titem={notice.item_id}\tobligation={notice.obligation_id}\t"
                f"user={notice.recipient_id}\tdue={notice.due_on}"
            )
        self.stdout.write(f"{settled} items would be settled (feedback window ended)")
        self.stdout.write(f"{result.obligations} obligations due, {len(result.notices)} notices (dry run)")
