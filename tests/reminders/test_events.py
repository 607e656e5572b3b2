"""Notices set off by events: the proposers hear of a reply and of a message from the unit."""

import datetime as dt

import pytest

from districts.models import Role
from notifications.events import notify_event, schedule_event_notices
from notifications.models import Notification, NotificationKind
from tests.factories import ItemFactory, MembershipFactory, ProposerFactory, UserFactory
from workflow.models import Assignment, Event

from .conftest import at

pytestmark = pytest.mark.django_db
NOW = at(dt.date(2026, 10, 9), 10)


def event_for(item, action, unit=None):
    assignment = None
    if unit is not None:
        assignment = Assignment.objects.create(item=item, unit=unit, role=Assignment.Role.LEAD, assigned_at=NOW)
    return Event.objects.create(item=item, assignment=assignment, action=action, at=NOW)


def test_a_sent_reply_tells_the_proposers_once(item, unit, proposer_user, handler, django_capture_on_commit_callbacks):
    event = event_for(item, "reply.sent", unit)
    with django_capture_on_commit_callbacks(execute=True):
        schedule_event_notices(event=event)
    notify_event(event.pk, now=NOW)  # a second call records nothing
    rows = Notification.objects.filter(channel="in_app")
    assert [(n.recipient, n.kind) for n in rows] == [(proposer_user, NotificationKind.REPLY_ARRIVED)]


def test_proposers_of_merged_items_hear_of_the_reply_too(district, item, unit, proposer_user):
    other = ProposerFactory(district=district, name="李代表")
    other_user = UserFactory(username="li")
    MembershipFactory(user=other_user, role=Role.PROPOSER, district=district, proposer=other)
    ItemFactory(district=district, review="merged", merged_into=item, lead_proposer=other)
    notify_event(event_for(item, "reply.sent", unit).pk, now=NOW)
    recipients = set(Notification.objects.filter(channel="in_app").values_list("recipient", flat=True))
    assert recipients == {proposer_user.pk, other_user.pk}


def test_a_message_from_the_unit_names_the_unit(item, unit, proposer_user):
    notify_event(event_for(item, "message.sent", unit).pk, now=NOW)
    notification = Notification.objects.get(channel="in_app")
    assert notification.kind == NotificationKind.UNIT_MESSAGE
    assert notification.params == {"unit": "区经委"}


def test_other_events_and_imported_items_tell_nobody(district, item, unit, proposer_user, proposer):
    assert notify_event(event_for(item, "assignment.accepted", unit).pk, now=NOW) == 0
    imported = ItemFactory(district=district, is_imported=True, lead_proposer=proposer)
    assert notify_event(event_for(imported, "reply.sent").pk, now=NOW) == 0
    assert Notification.objects.count() == 0


def test_the_timeline_tells_the_proposers_when_a_reply_is_sent(
    item, unit, proposer_user, django_capture_on_commit_callbacks
):
    from workflow.events import record_event

    assignment = Assignment.objects.create(item=item, unit=unit, role=Assignment.Role.LEAD, assigned_at=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        record_event(item=item, action="reply.sent", actor=None, now=NOW, assignment=assignment)
        record_event(item=item, action="reply.approved", actor=None, now=NOW, assignment=assignment)
    assert list(Notification.objects.values_list("recipient", "kind")) == [
        (proposer_user.pk, NotificationKind.REPLY_ARRIVED)
    ]
