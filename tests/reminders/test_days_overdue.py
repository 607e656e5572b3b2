"""Days overdue, one definition: the item page, the status bulletin and the reminders give the same number.

An obligation due on Wednesday 30 September 2026, the last working day before National Day
(1–7 October off, Saturday 10 October worked), read after the holiday: working days, never the
calendar days the bulletin used to count (12 on 12 October where the item page said 4).
"""

import datetime as dt

import pytest
import time_machine

from notifications.models import Notification
from notifications.reminders import sweep
from notifications.texts import render
from proposals.models import Item
from reports.bulletin import bulletin_sections, status_bulletin
from workflow.obligations import with_deadlines

from .conftest import at

pytestmark = pytest.mark.django_db
DUE = dt.date(2026, 9, 30)


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"


def _item_page(item, today):
    return with_deadlines(Item.objects.filter(pk=item.pk), today=today).get().overdue_workdays


def _bulletin(item, end):
    bulletin = status_bulletin(district=item.district, body=item.body, start=dt.date(2026, 9, 1), end=end)
    (entry,) = bulletin.overdue
    (_unit, _item, _kind, _due, _done, days) = bulletin_sections(bulletin)[0][3][0]
    assert days == entry.days
    return entry.days


def _text(recipient, kind):
    notification = Notification.objects.select_related("recipient", "item", "obligation__unit").get(
        recipient=recipient, kind=kind, channel="in_app"
    )
    return render(notification).body


@pytest.mark.parametrize(
    ("read_on", "days", "words"),
    [
        (dt.date(2026, 10, 8), 1, "Overdue by 1 working day:"),  # the first working day after the holiday
        (dt.date(2026, 10, 10), 3, "Overdue by 3 working days:"),  # a make-up Saturday counts
        (dt.date(2026, 10, 12), 4, "Overdue by 4 working days:"),  # Sunday 11 October does not
    ],
)
def test_the_item_page_the_bulletin_and_the_reminder_say_the_same_working_days(
    english, calendar_2026, item, handler, head, make_obligation, read_on, days, words
):
    Item.objects.filter(pk=item.pk).update(review=Item.Review.REGISTERED)
    make_obligation(item, due_on=DUE)
    sweep(now=at(read_on, 9))

    assert _item_page(item, read_on) == days
    assert _bulletin(item, read_on) == days
    assert _text(handler, "overdue").startswith(words)
    if days >= 3:  # the unit head is told after 3 working days overdue (the default policy)
        assert _text(head, "escalation_head").startswith(f"Overdue by {days} working days:")


def test_a_reminder_keeps_the_days_of_the_day_it_was_recorded(english, calendar_2026, item, head, make_obligation):
    # Read a week later in the bell, the escalation still says how late the work was when it was sent.
    make_obligation(item, due_on=DUE)
    sweep(now=at(dt.date(2026, 10, 10), 9))
    with time_machine.travel(at(dt.date(2026, 10, 16), 9), tick=False):
        assert _text(head, "escalation_head").startswith("Overdue by 3 working days:")
    assert _item_page(item, dt.date(2026, 10, 16)) == 8


def test_only_overdue_reminders_count_days(english, calendar_2026, item, handler, make_obligation):
    make_obligation(item, due_on=DUE)
    sweep(now=at(DUE, 9))
    notification = Notification.objects.select_related("recipient", "item", "obligation__unit").get(
        recipient=handler, channel="in_app"
    )
    assert notification.kind == "due_today" and notification.params == {}
    assert render(notification).sms_params["days"] == ""
