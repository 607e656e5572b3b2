"""`annual_report --district CODE --year YYYY --body npc|cppcc ...` (domain §7): the yearly report."""

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from districts.models import Body, District
from proposals.models import Kind
from reports.annual import annual_report
from workflow.errors import WorkflowError

FORMATS = ("json", "xlsx", "docx", "pdf", "csv")


def _date(value):
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of must be a date YYYY-MM-DD, not {value!r}") from exc


class Command(BaseCommand):
    help = "Print or write the yearly report of a district, year and body (JSON to standard output by default)."

    def add_arguments(self, parser):
        parser.add_argument("--district", required=True, help="district code")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--body", required=True, choices=Body.values)
        parser.add_argument("--kind", choices=Kind.values, help="default: the body's ordinary items")
        parser.add_argument("--as-of", type=_date, help="YYYY-MM-DD; default today, or 31 December for a past year")
        parser.add_argument("--precision", type=int, choices=(0, 1), default=1)
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument(
            "--table",
            help="with --format csv: one table (summary, categories, outcomes or ratings); "
            "without it, a zip of one CSV per table",
        )
        parser.add_argument("--output", type=Path, help="file to write; standard output when absent")

    def handle(self, *args, district, year, body, kind, as_of, precision, format, table, output, **options):
        if table and format != "csv":
            raise CommandError("--table goes with --format csv.")
        target = District.objects.filter(code=district).first()
        if target is None:
            raise CommandError(f"Unknown district code {district!r}.")
        try:
            report = annual_report(district=target, year=year, body=body, kind=kind, as_of=as_of, precision=precision)
        except WorkflowError as exc:
            raise CommandError(str(exc)) from exc
        if format == "json":
            content = json.dumps(report, ensure_ascii=False, indent=2).encode()
        else:
            from reports.exports import UnknownFormat, render  # the export formats are optional for JSON users
            from reports.exports.pdf import MissingFont

            try:
                content = render(report, format, table=table)
            except (UnknownFormat, MissingFont) as exc:
                raise CommandError(str(exc)) from exc
        if output is None:
            if format not in ("json", "csv") or (format == "csv" and not table):
                raise CommandError(f"--format {format} is binary: give --output PATH.")
            self.stdout.write(content.decode("utf-8-sig" if format == "csv" else "utf-8"))
        else:
            output.write_bytes(content)
            self.stderr.write(f"Wrote {output}")
