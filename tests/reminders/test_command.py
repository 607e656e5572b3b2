"""`manage.py send_reminders`: the sweep by hand, with --dry-run and --at."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from workflow.models import Notification

pytestmark = pytest.mark.django_db
DUE = dt.date(2026, 10, 9)


def run(*args):
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_lists_what_would_be_sent(calendar_2026, item, handler, make_obligation):
    make_obligation(item, due_on=DUE)
    output = run("--dry-run", "--at", "2026-10-09T09:30")
    assert f"due_today\titem={item.pk}" in output
    assert "1 obligations due, 1 notices (dry run)" in output
    assert Notification.objects.count() == 0


def test_it_records_at_the_given_time_and_a_second_run_adds_nothing(calendar_2026, item, handler, make_obligation):
    make_obligation(item, due_on=DUE)
    assert "1 obligations due" in run("--at", "2026-10-09T09:30")
    count = Notification.objects.count()
    assert "0 obligations due" in run("--at", "2026-10-09T09:30")
    assert Notification.objects.count() == count == 3


def test_a_bad_time_is_refused_clearly(db):
    with pytest.raises(CommandError, match="not a date and time"):
        run("--at", "tomorrow")
