"""Notices set off by events: the proposers hear of a reply and of a message from the unit."""

import datetime as dt

import pytest

from districts.models import Role
from notifications.events import notify_event, schedule_event_notices
from notifications.inbox import unread_count
from notifications.models import Notification, NotificationKind
from tests.factories import ItemFactory, MembershipFactory, ProposerFactory, UserFactory
from tests.workflow.flow import consult, reply
from workflow.models import Assignment, Event, OutcomeCategory
from workflow.services import feedback

from .conftest import at

pytestmark = pytest.mark.django_db
NOW = at(dt.date(2026, 10, 9), 10)
RATED = at(dt.date(2026, 3, 10), 10)


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


def rating_notices(user):
    return Notification.objects.filter(recipient=user, kind=NotificationKind.REPLY_ARRIVED, channel="in_app")


def rate(item, user, *, agrees=True):
    """The proposer rates within the feedback window (it ends 2 April; the notices are read in October)."""
    scale = item.district.body_settings.get(body=item.body).rating_scale
    return feedback.record_feedback(
        actor=user, now=RATED, item=item, agrees=agrees, rating=scale.values.first(), comment="" if agrees else "未解决"
    )


def test_rating_the_reply_settles_its_notice(replied, proposer_user, django_capture_on_commit_callbacks):
    notify_event(Event.objects.get(item=replied, action="reply.sent").pk, now=NOW)
    assert unread_count(proposer_user) == 1
    with django_capture_on_commit_callbacks(execute=True):
        rate(replied, proposer_user)
    (notice,) = rating_notices(proposer_user)
    assert notice.read_at is not None
    assert unread_count(proposer_user) == 0


def test_a_reply_rated_before_its_notice_is_recorded_asks_for_nothing(replied, proposer_user):
    # The demo sends and rates in one transaction: the notice is recorded on commit, after the rating.
    rate(replied, proposer_user)
    assert notify_event(Event.objects.get(item=replied, action="reply.sent").pk, now=NOW) == 0
    assert not rating_notices(proposer_user).exists()


def test_a_disagreement_settles_the_old_notice_and_the_next_reply_asks_again(
    replied, proposer_user, handler, head, office, django_capture_on_commit_callbacks
):
    notify_event(Event.objects.get(item=replied, action="reply.sent").pk, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        rate(replied, proposer_user, agrees=False)
    assert unread_count(proposer_user) == 0
    # Re-handled: a second reply, sent a week later, asks for a rating again.
    later = NOW + dt.timedelta(days=7)
    lead = Assignment.objects.get(item=replied)
    consult(lead, handler, later)
    adopted = OutcomeCategory.objects.get(scheme__code="cppcc", code="A")
    reply(lead, handler=handler, head=head, office=office, category=adopted, now=later)
    second = Event.objects.filter(item=replied, action="reply.sent").latest("at", "pk")
    assert notify_event(second.pk, now=later) == 1
    assert unread_count(proposer_user) == 1


def test_an_agreement_closes_the_item_so_no_proposers_notice_asks_any_more(
    district, replied, proposer_user, django_capture_on_commit_callbacks
):
    other = ProposerFactory(district=district, name="李委员")
    other_user = UserFactory(username="li")
    MembershipFactory(user=other_user, role=Role.PROPOSER, district=district, proposer=other)
    replied.item_proposers.create(proposer=other, is_lead=False, sort_order=1)
    notify_event(Event.objects.get(item=replied, action="reply.sent").pk, now=NOW)
    assert (unread_count(proposer_user), unread_count(other_user)) == (1, 1)
    with django_capture_on_commit_callbacks(execute=True):
        rate(replied, other_user)  # a co-signer agrees: the item closes
    assert (unread_count(proposer_user), unread_count(other_user)) == (0, 0)


def test_unsent_sms_of_a_settled_notice_is_skipped(replied, proposer_user, django_capture_on_commit_callbacks):
    event = Event.objects.get(item=replied, action="reply.sent")
    sms = Notification.objects.create(
        recipient=proposer_user,
        channel="sms",
        kind=NotificationKind.REPLY_ARRIVED,
        event=event,
        item=replied,
        due_on=NOW.date(),
        scheduled_for=NOW + dt.timedelta(hours=12),
        state=Notification.State.HELD,
        created_at=NOW,
    )
    with django_capture_on_commit_callbacks(execute=True):
        rate(replied, proposer_user)
    sms.refresh_from_db()
    assert sms.state == Notification.State.SKIPPED
