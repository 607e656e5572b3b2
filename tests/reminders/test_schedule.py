"""The beat schedule as a whole: what the scheduled tasks do together, day after day."""

import datetime as dt

import pytest
from django.utils.module_loading import import_string

from notifications.models import Notification, NotificationKind
from proposals.models import Item
from workflow.models import Event, Obligation

from .conftest import MONDAY, at

pytestmark = pytest.mark.django_db
# The feedback window of a reply sent on MONDAY ends on Thursday 2 April 2026 (one month).
WINDOW_ENDS = dt.date(2026, 4, 2)


def run_the_beat(settings, clock, moment):
    """Each scheduled task once at `moment`, as the worker runs them when the beat sends them."""
    clock(moment)
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        import_string(entry["task"])()


def snapshot(item):
    return (
        Item.objects.get(pk=item.pk).state,
        list(Event.objects.filter(item=item).values_list("action", flat=True)),
        Notification.objects.count(),
    )


def test_a_reply_nobody_rates_is_settled_once_its_feedback_window_ended(replied, settings, clock):
    feedback = Obligation.objects.get(item=replied, kind="feedback")
    assert feedback.due_on == WINDOW_ENDS
    run_the_beat(settings, clock, at(WINDOW_ENDS, 23, 50))
    assert Item.objects.get(pk=replied.pk).state == Item.State.REPLIED  # the last day still counts

    # domain §4.9: without disagreement the item moves on when the window ends (most deputies never log
    # in); an adopted item is followed up until its closing report.
    run_the_beat(settings, clock, MONDAY + dt.timedelta(days=45))
    settled = snapshot(replied)
    assert settled[0] == Item.State.FOLLOWING_UP
    assert settled[1].count("feedback.missed") == 1
    feedback.refresh_from_db()
    assert (feedback.cancelled_at, feedback.next_remind_at) == (MONDAY + dt.timedelta(days=45), None)

    run_the_beat(settings, clock, MONDAY + dt.timedelta(days=45))
    run_the_beat(settings, clock, MONDAY + dt.timedelta(days=46))
    assert snapshot(replied) == settled


def test_the_proposer_is_reminded_until_the_window_ends_and_not_after(replied, proposer_user, settings, clock):
    settle = settings.CELERY_BEAT_SCHEDULE["settle-feedback-windows"]
    assert max(settle["schedule"].hour) < settings.REMINDER_TIME.hour  # early, before the day's reminders
    sweep = import_string(settings.CELERY_BEAT_SCHEDULE["sweep-reminders"]["task"])

    clock(at(WINDOW_ENDS, 9, 5))
    sweep()
    told = Notification.objects.filter(recipient=proposer_user, obligation__kind="feedback")
    assert list(told.values_list("kind", flat=True)) == [NotificationKind.DUE_TODAY]

    # Friday 3 April: the night job settles the item, so the 09:00 sweep sends no "overdue".
    clock(at(WINDOW_ENDS + dt.timedelta(days=1), 1, 30))
    import_string(settle["task"])()
    clock(at(WINDOW_ENDS + dt.timedelta(days=1), 9, 5))
    sweep()
    assert list(told.values_list("kind", flat=True)) == [NotificationKind.DUE_TODAY]
    assert Item.objects.get(pk=replied.pk).state == Item.State.FOLLOWING_UP
