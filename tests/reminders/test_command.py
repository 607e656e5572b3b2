"""`manage.py send_reminders`: the scheduled work by hand (settling, sweep, digests), with --dry-run and --at."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from notifications.models import Notification
from proposals.models import Item
from workflow.models import Event

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


def test_it_first_settles_the_items_whose_feedback_window_ended(replied, proposer_user):
    # Friday 3 April 2026, the day after the window ended: the sweep would send the proposer "overdue".
    output = run("--dry-run", "--at", "2026-04-03T09:30")
    assert "1 items would be settled (feedback window ended)" in output
    assert f"user={proposer_user.pk}\t" not in output  # the unit's follow-up report is what is due now
    assert Item.objects.get(pk=replied.pk).state == Item.State.REPLIED
    assert not Event.objects.filter(action="feedback.missed").exists()

    assert "1 items settled (feedback window ended)" in run("--at", "2026-04-03T09:30")
    assert Item.objects.get(pk=replied.pk).state == Item.State.FOLLOWING_UP
    assert not Notification.objects.filter(recipient=proposer_user, kind="overdue").exists()
    assert "0 items settled" in run("--at", "2026-04-03T09:30")
    assert Event.objects.filter(action="feedback.missed").count() == 1
