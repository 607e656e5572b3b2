"""Write the portal's index again from the published replies (after a restore, or to check it)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from portal.index import reindex_items


class Command(BaseCommand):
    help = "Rebuild the public portal's index of published replies."

    def handle(self, *args, **options):
        with transaction.atomic():
            count = reindex_items(None)
        self.stdout.write(f"{count} published replies indexed.")
