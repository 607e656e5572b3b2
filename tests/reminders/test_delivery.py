"""Delivery: claimed once, sent once; held at night; retried later; unknown after a crash."""

import datetime as dt
import io
import urllib.error
from unittest import mock

import pytest

from notifications import delivery
from notifications.backends import HTTPGatewaySMSBackend, SMSError
from notifications.delivery import deliver, dispatch, resend
from notifications.models import Notification, NotificationPreference
from notifications.reminders import sweep
from notifications.tasks import deliver_notification
from tests.factories import ItemFactory
from workflow.models import Obligation

from .conftest import RecordingSMSBackend, at

pytestmark = pytest.mark.django_db
State = Notification.State
DUE = dt.date(2026, 10, 9)


@pytest.fixture
def recorded(calendar_2026, item, handler, make_obligation):
    """The due-day reminder recorded for the handler, not yet handed to a worker."""
    obligation = make_obligation(item, due_on=DUE)
    sweep(now=at(DUE, 9))
    return obligation, Notification.objects.get(channel="sms"), Notification.objects.get(channel="email")


def test_it_sends_once_and_a_duplicate_task_does_nothing(recorded, sms):
    _obligation, text, _email = recorded
    assert deliver(text.pk, token="task-1", now=at(DUE, 9)) == State.SENT
    assert deliver(text.pk, token="task-2", now=at(DUE, 9)) == ""
    text.refresh_from_db()
    assert (text.state, text.attempts, text.sent_at) == (State.SENT, 1, at(DUE, 9))
    assert len(sms) == 1
    assert sms[0]["phone"] == "13800000001"
    assert sms[0]["params"]["number"] == "0042"


class WorkerKilled(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs."""


def test_a_task_redelivered_after_its_worker_died_marks_delivery_unknown(recorded, sms, clock):
    _obligation, text, _email = recorded
    clock(at(DUE, 9, 1))
    with mock.patch.object(RecordingSMSBackend, "send", side_effect=WorkerKilled), pytest.raises(WorkerKilled):
        deliver_notification.apply(args=[text.pk], task_id="same-task", throw=True)
    text.refresh_from_db()
    assert text.state == State.SENDING
    deliver_notification.apply(args=[text.pk], task_id="same-task")  # the broker redelivers it
    text.refresh_from_db()
    assert text.state == State.DELIVERY_UNKNOWN
    assert sms == []
    # Nothing resends it silently: later sweeps and dispatches leave it alone.
    dispatch(now=at(DUE, 12))
    sweep(now=at(DUE, 12))
    text.refresh_from_db()
    assert text.state == State.DELIVERY_UNKNOWN


def test_an_admin_resends_on_purpose(recorded, sms, django_capture_on_commit_callbacks, clock):
    _obligation, text, _email = recorded
    Notification.objects.filter(pk=text.pk).update(state=State.DELIVERY_UNKNOWN, claimed_by="dead")
    clock(at(DUE, 10))
    with django_capture_on_commit_callbacks(execute=True):
        assert resend([text.pk], now=at(DUE, 10)) == 1
    text.refresh_from_db()
    assert text.state == State.SENT
    assert len(sms) == 1


def test_resend_leaves_sent_rows_alone(recorded, sms):
    _obligation, text, _email = recorded
    deliver(text.pk, token="t", now=at(DUE, 9))
    assert resend([text.pk], now=at(DUE, 10)) == 0


def test_an_obligation_fulfilled_before_delivery_sends_nothing(recorded, sms, mailoutbox):
    obligation, text, email = recorded
    Obligation.objects.filter(pk=obligation.pk).update(fulfilled_at=at(DUE, 9, 1), on_time=True)
    assert deliver(text.pk, token="t1", now=at(DUE, 9, 2)) == State.SKIPPED
    assert deliver(email.pk, token="t2", now=at(DUE, 9, 2)) == State.SKIPPED
    assert sms == []
    assert mailoutbox == []


def test_a_moved_due_date_makes_the_old_reminder_obsolete(recorded, sms):
    obligation, text, _email = recorded
    Obligation.objects.filter(pk=obligation.pk).update(due_on=dt.date(2026, 11, 9))
    assert deliver(text.pk, token="t", now=at(DUE, 9, 2)) == State.SKIPPED


def test_sms_at_night_is_held_until_the_morning(recorded, sms, mailoutbox, django_capture_on_commit_callbacks, clock):
    _obligation, text, email = recorded
    night = at(DUE, 22)
    assert deliver(text.pk, token="t1", now=night) == State.HELD
    assert deliver(email.pk, token="t2", now=night) == State.SENT  # email does not wake anyone
    text.refresh_from_db()
    assert text.scheduled_for == at(DUE + dt.timedelta(days=1), 8)
    assert dispatch(now=at(DUE + dt.timedelta(days=1), 7, 59)) == []
    morning = at(DUE + dt.timedelta(days=1), 8, 5)
    clock(morning)
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch(now=morning) == [text.pk]
    text.refresh_from_db()
    assert (text.state, text.sent_at) == (State.SENT, morning)
    assert len(sms) == 1


def test_a_failed_send_is_held_for_a_later_retry_then_marked_failed(recorded, sms):
    _obligation, text, _email = recorded
    now = at(DUE, 10)
    with mock.patch.object(RecordingSMSBackend, "send", side_effect=SMSError("gateway answered 503")):
        for attempt in range(1, delivery.MAX_ATTEMPTS):
            assert deliver(text.pk, token=f"t{attempt}", now=now) == State.HELD
            text.refresh_from_db()
            assert text.attempts == attempt
            assert text.scheduled_for == now + delivery.RETRY_AFTER[attempt - 1]
            now = text.scheduled_for
            dispatch(now=now)
        assert deliver(text.pk, token="last", now=now) == State.FAILED
    text.refresh_from_db()
    assert "503" in text.error


def test_a_lost_message_is_handed_out_again_but_never_sent_twice(recorded, sms, django_capture_on_commit_callbacks):
    _obligation, text, _email = recorded
    later = at(DUE, 9) + delivery.REENQUEUE_AFTER + dt.timedelta(minutes=1)
    with mock.patch("notifications.tasks.deliver_notification.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            assert text.pk in dispatch(now=later)
        assert delay.call_count == 2  # the SMS and the email
    assert deliver(text.pk, token="a", now=later) == State.SENT
    assert deliver(text.pk, token="b", now=later) == ""
    assert len(sms) == 1


def test_a_row_stuck_in_sending_becomes_unknown_after_the_visibility_timeout(recorded):
    _obligation, text, _email = recorded
    Notification.objects.filter(pk=text.pk).update(state=State.SENDING, claimed_by="x", claimed_at=at(DUE, 9))
    dispatch(now=at(DUE, 9) + delivery.STUCK_AFTER + dt.timedelta(minutes=1))
    text.refresh_from_db()
    assert text.state == State.DELIVERY_UNKNOWN


def test_preferences_turn_channels_off(calendar_2026, item, handler, make_obligation):
    NotificationPreference.objects.create(user=handler, email=False, sms=False)
    make_obligation(item, due_on=DUE)
    sweep(now=at(DUE, 9))
    assert list(Notification.objects.values_list("channel", flat=True)) == ["in_app"]


def test_no_address_no_channel(calendar_2026, district, unit, head, make_obligation):
    # The head (handler fallback) has neither email nor phone: the bell only.
    make_obligation(ItemFactory(district=district), due_on=DUE)
    sweep(now=at(DUE, 9))
    assert list(Notification.objects.values_list("channel", "recipient")) == [("in_app", head.pk)]


def test_the_http_gateway_posts_the_template_and_its_parameters(settings):
    settings.SMS_GATEWAY_URL = "https://sms.example.cn/send"
    settings.SMS_GATEWAY_KEY = "k"
    response = mock.MagicMock(status=200)
    response.read.return_value = b'{"ok": true}'
    response.__enter__.return_value = response
    with mock.patch("urllib.request.urlopen", return_value=response) as urlopen:
        HTTPGatewaySMSBackend().send("13800000001", "SMS_1", {"number": "0042"}, "text")
    request = urlopen.call_args.args[0]
    assert request.full_url == "https://sms.example.cn/send"
    assert request.get_header("Authorization") == "Bearer k"
    assert b'"template": "SMS_1"' in request.data


def test_the_http_gateway_raises_on_refusal_and_on_no_connection(settings):
    settings.SMS_GATEWAY_URL = "https://sms.example.cn/send"
    refusal = urllib.error.HTTPError("u", 400, "bad", {}, io.BytesIO(b"template not approved"))
    with mock.patch("urllib.request.urlopen", side_effect=refusal), pytest.raises(SMSError, match="not approved"):
        HTTPGatewaySMSBackend().send("1", "SMS_1", {}, "text")
    with mock.patch("urllib.request.urlopen", side_effect=urllib.error.URLError("down")), pytest.raises(SMSError):
        HTTPGatewaySMSBackend().send("1", "SMS_1", {}, "text")


@pytest.mark.parametrize("may_resend", [False, True])
def test_resending_in_the_admin_is_its_own_right_not_part_of_reading(client, recorded, may_resend):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    _obligation, text, _email = recorded
    Notification.objects.filter(pk=text.pk).update(state=State.DELIVERY_UNKNOWN, claimed_by="dead")
    staff = UserFactory(username="clerk_staff", is_staff=True)
    rights = ["view_notification"] + (["resend_notification"] if may_resend else [])
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="notifications", codename__in=rights))
    client.force_login(staff)
    url = "/admin/notifications/notification/"
    page = client.get(url)
    assert page.status_code == 200
    assert ("resend_on_purpose" in page.content.decode()) is may_resend
    client.post(url, {"action": "resend_on_purpose", "_selected_action": [text.pk]})
    text.refresh_from_db()
    assert (text.state != State.DELIVERY_UNKNOWN) is may_resend  # resent: pending again, or delivered in-process
