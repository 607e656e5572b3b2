"""`python manage.py seed_demo`: load the demo districts, people and items; safe to run again."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.drive import drive_demo
from demo.online import stage_online_work
from demo.people import DEMO_PASSWORD, ITEMS_PER_YEAR_AND_BODY, seed
from demo.worklist import stage_waiting_work, staged_numbers


class Command(BaseCommand):
    help = "Create or top up the demo data (three districts, their units, people, sessions and items)."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD, help="Password of every demo login.")
        parser.add_argument(
            "--items",
            type=int,
            default=ITEMS_PER_YEAR_AND_BODY,
            help="Items per district, body and year (each is moved through the workflow, about 0.5 s apiece).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (the demo logins have a published password).",
        )

    def handle(self, *args, password, items, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: demo logins with a known password don't belong here. Use --force.")
        if items < 1:
            raise CommandError("--items must be at least 1.")
        today = timezone.localdate()
        result = seed(today=today, password=password, items_per_year_and_body=items)
        self.stdout.write(f"Demo data ready ({result.items_created} new items).")
        moved = drive_demo(today=today, leave=staged_numbers())  # through the workflow services: every stage appears
        self.stdout.write(f"Workflow demo: {moved} items moved through the workflow.")
        staged = stage_waiting_work(today=today)
        self.stdout.write(f"Work waiting for the demo logins: {staged} new items.")
        online = stage_online_work(today=today)
        self.stdout.write(f"Handed in online and asked by the public: {online} new.")
        self.stdout.write(f"Demo logins (password for all: {password}):")
        for login in result.logins:
            self.stdout.write(f"  {login.username:<10} {login.role}  {login.scope}".rstrip())
