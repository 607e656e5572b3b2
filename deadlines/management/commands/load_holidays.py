"""Load the official holiday schedule into the Holiday table, then move open due dates with it.

manage.py load_holidays --from-package [--year 2026]
manage.py load_holidays --file 2027.csv      # date,kind(holiday|workday),name
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from deadlines.calendar import ScheduleError, package_schedule, package_source, read_schedule_csv
from deadlines.loading import load_schedule


class Command(BaseCommand):
    help = "Load mainland China's holiday schedule (from the chinesecalendar package or a CSV file)."

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--from-package", action="store_true", help="Reload from the chinesecalendar package.")
        source.add_argument("--file", type=Path, help="CSV with columns date,kind,name (kind: holiday or workday).")
        parser.add_argument("--year", type=int, help="With --from-package: only this year.")

    def handle(self, *args, from_package, file, year, **options):
        if from_package:
            schedule = package_schedule(years={year} if year else None)
            if not schedule:
                raise CommandError(f"The chinesecalendar package has no data for {year}.")
            source = package_source()
        else:
            if year:
                raise CommandError("--year goes with --from-package; a file loads the years it lists.")
            try:
                with file.open(encoding="utf-8-sig", newline="") as lines:
                    schedule = read_schedule_csv(lines)
            except OSError as exc:
                raise CommandError(f"Can't read {file}: {exc.strerror}") from exc
            except ScheduleError as exc:
                raise CommandError(f"{file}: nothing imported. {exc}") from exc
            if not schedule:
                raise CommandError(f"{file} lists no dates.")
            source = f"file {file.name}"
        rows, moved = load_schedule(schedule, source=source, now=timezone.now())
        years = ", ".join(str(y) for y in sorted(schedule))
        self.stdout.write(f"Loaded {rows} dates for {years} from {source}; {moved} open due dates moved.")
