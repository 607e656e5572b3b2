"""`rebuild_report_rollup`: build the yearly reports' rollup again from the tables.

For deployment (the migration builds it once; the services keep it exact from then on), or
after data was changed outside the services (the admin, SQL by hand).
"""

import time

from django.core.management.base import BaseCommand

from reports.models import FactCount, ItemFacts, RolledUpYear
from reports.rollup import rebuild


class Command(BaseCommand):
    help = "Build the yearly reports' rollup (reports.rollup) again from the tables."

    def handle(self, *args, **options):
        started = time.perf_counter()
        rebuild()
        self.stdout.write(
            f"Rolled up {ItemFacts.objects.count()} items into {FactCount.objects.filter(n__gt=0).count()} "
            f"combinations over {RolledUpYear.objects.count()} district-years and bodies "
            f"in {time.perf_counter() - started:.1f} s."
        )
