"""`import_items FILE --district CODE [--district-name NAME]` (domain §7): import a spreadsheet of items."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from districts.models import District
from imports.errors import ImportRejected
from imports.service import run_import
from workflow.defaults import ensure_body_settings


class Command(BaseCommand):
    help = "Import items (current or past years) from an .xlsx or .csv file; all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--district", required=True, help="district code")
        parser.add_argument("--district-name", help="create the district with this name if the code is unknown")

    def handle(self, *args, file, district, district_name, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        with transaction.atomic():
            target = District.objects.filter(code=district).first()
            if target is None:
                if not district_name:
                    raise CommandError(
                        f"Unknown district code {district!r}; give --district-name to create the district."
                    )
                target = District.objects.create(code=district, name=district_name)
            ensure_body_settings(target)
            try:
                plan = run_import(actor=None, now=timezone.now(), district=target, filename=file.name, data=data)
            except ImportRejected as exc:
                for error in exc.errors:
                    self.stderr.write(str(error))
                raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Imported {len(plan.rows)} items into {target.code} ({plan.historical} past, {plan.live} live); "
            f"created {len(plan.new_units)} units, {len(plan.new_categories)} categories, "
            f"{len(plan.new_proposers)} proposers, {len(plan.new_sessions)} sessions."
        )
