"""Notices to a phone number (a resident answered through 码上约): one SMS per answer, never in a bell."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from districts.phones import mobile_digits
from notifications.delivery import resend
from notifications.inbox import inbox, unread_count, with_unread_count
from notifications.models import Channel, Notification, NotificationKind
from notifications.recording import Notice, record
from notifications.residents import notify_resident
from notifications.texts import render
from workflow.signals import resident_answered

from .conftest import at

pytestmark = pytest.mark.django_db
State = Notification.State
DAY = dt.date(2026, 10, 12)  # a Monday
PHONE = "13800000009"
PATH = "/m/a/7KQ2XH/"


@pytest.fixture
def daytime(clock):
    """Outside the SMS quiet hours: workers read this clock."""
    clock(at(DAY, 10))
    return at(DAY, 10)


def answer(district, *, phone=PHONE, path=PATH, answered_at=None):
    """What `workflow.services.outreach.answer` does inside its transaction: tell the notifications app."""
    answered_at = answered_at or at(DAY, 9, 30)
    resident_answered.send(sender=None, phone=phone, district_id=district.pk, path=path, answered_at=answered_at)


def row(**fields):
    values = {"channel": Channel.SMS, "kind": NotificationKind.RESIDENT_ANSWER, "due_on": DAY}
    values |= {"scheduled_for": at(DAY), "created_at": at(DAY)} | fields
    return Notification(**values)


def violates(name, notification):
    with pytest.raises(IntegrityError, match=name), transaction.atomic():
        notification.save()


def test_the_database_refuses_a_notice_to_both_a_user_and_a_phone_or_to_neither(handler):
    violates("notification_user_or_phone", row(recipient=handler, phone=PHONE))
    violates("notification_user_or_phone", row())


def test_the_database_refuses_a_phone_notice_by_another_channel_or_a_number_that_is_not_a_mobile(handler):
    violates("notification_phone_by_sms", row(phone=PHONE, channel=Channel.EMAIL))
    violates("notification_phone_by_sms", row(phone=PHONE, channel=Channel.IN_APP))
    violates("notification_phone_is_mobile", row(phone="021-6488000"))
    row(phone=PHONE).save()
    row(recipient=handler, channel=Channel.IN_APP).save()


def test_the_database_refuses_the_same_answer_twice_but_takes_a_later_one():
    moment = at(DAY).isoformat()
    row(phone=PHONE, params={"path": PATH, "answered_at": moment}).save()
    violates("notification_once_per_phone_notice", row(phone=PHONE, params={"path": PATH, "answered_at": moment}))
    row(phone=PHONE, params={"path": PATH, "answered_at": at(DAY, 11).isoformat()}).save()
    assert Notification.objects.filter(phone=PHONE).count() == 2


def test_a_notice_names_a_user_or_a_phone_exactly():
    with pytest.raises(ValueError, match="exactly one"):
        Notice(recipient_id=1, phone=PHONE, kind=NotificationKind.RESIDENT_ANSWER, due_on=DAY)
    with pytest.raises(ValueError, match="exactly one"):
        Notice(kind=NotificationKind.RESIDENT_ANSWER, due_on=DAY)


@pytest.mark.parametrize(
    "typed", ["13800000009", "138 0000 0009", "138-0000-0009", "+86 138 0000 0009", "8613800000009"]
)
def test_a_mobile_number_is_kept_as_its_eleven_digits(typed):
    assert mobile_digits(typed) == PHONE


@pytest.mark.parametrize("typed", ["", "12800000009", "1380000000", "021-64880000", "138000000091"])
def test_anything_else_is_no_mobile_number(typed):
    assert mobile_digits(typed) is None


def test_an_answer_texts_the_resident_once_on_commit(district, daytime, sms, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        answer(district, phone="138 0000 0009")
        assert not Notification.objects.exists()  # nothing before the answer commits
    notice = Notification.objects.get()
    assert (notice.recipient, notice.phone, notice.channel, notice.kind) == (
        None,
        PHONE,
        Channel.SMS,
        NotificationKind.RESIDENT_ANSWER,
    )
    assert (notice.state, notice.attempts, notice.sent_at) == (State.SENT, 1, daytime)
    assert [text["phone"] for text in sms] == [PHONE]
    assert sms[0]["params"] == {"link": f"https://jianyi.example.cn{PATH}"}
    assert f"https://jianyi.example.cn{PATH}" in sms[0]["text"]


def test_an_answer_rolled_back_texts_nobody(district, daytime, sms, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        answer(district)
        raise RuntimeError("the answer failed")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert sms == []


def test_recording_the_same_answer_again_sends_nothing_but_a_later_answer_texts_again(
    daytime, sms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_resident(phone=PHONE, path=PATH, answered_at=at(DAY, 9, 30)) == 1
        notify_resident(phone=PHONE, path=PATH, answered_at=at(DAY, 9, 30))  # the same commit's callback, again
    assert Notification.objects.count() == 1
    assert len(sms) == 1
    with django_capture_on_commit_callbacks(execute=True):
        notify_resident(phone=PHONE, path=PATH, answered_at=at(DAY, 9, 45))  # a second answer to the message
    assert list(Notification.objects.values_list("state", flat=True)) == [State.SENT, State.SENT]
    assert len(sms) == 2


def test_a_number_that_is_not_a_mobile_is_not_texted_and_the_answer_stands(
    district, daytime, sms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        answer(district, phone="021-64881234")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert sms == []


def test_a_text_to_a_resident_waits_for_the_morning(clock, sms, django_capture_on_commit_callbacks):
    clock(at(DAY, 22))
    with django_capture_on_commit_callbacks(execute=True):
        notify_resident(phone=PHONE, path=PATH, answered_at=at(DAY, 22))
    notice = Notification.objects.get()
    assert (notice.state, notice.scheduled_for) == (State.HELD, at(DAY + dt.timedelta(days=1), 8))
    assert sms == []


def test_without_sms_the_text_is_recorded_unsendable_and_can_be_sent_once_a_gateway_is_set(
    settings, daytime, sms, handler, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = ""
    with django_capture_on_commit_callbacks(execute=True):
        notify_resident(phone=PHONE, path=PATH, answered_at=daytime)
        # A user (with a mobile number on record) gets the bell and email, no SMS row.
        record([Notice(recipient_id=handler.pk, kind=NotificationKind.OFFICE_DIGEST, due_on=DAY)], now=daytime)
    notice = Notification.objects.get(phone=PHONE)
    assert notice.state == State.UNSENDABLE
    with translation.override("en"):
        assert notice.get_state_display() == "Not sent: no SMS gateway is configured"
    assert sorted(Notification.objects.filter(recipient=handler).values_list("channel", flat=True)) == [
        Channel.EMAIL,
        Channel.IN_APP,
    ]
    settings.SMS_BACKEND = "tests.reminders.conftest.RecordingSMSBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert resend([notice.pk], now=daytime) == 1
    notice.refresh_from_db()
    assert notice.state == State.SENT
    assert [text["phone"] for text in sms] == [PHONE]


def test_a_pending_text_is_marked_unsendable_when_the_gateway_was_removed_meanwhile(
    settings, daytime, sms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        notify_resident(phone=PHONE, path=PATH, answered_at=daytime)
    settings.SMS_BACKEND = ""
    for callback in callbacks:
        callback()
    assert Notification.objects.get().state == State.UNSENDABLE
    assert sms == []


def test_a_users_notice_and_a_residents_are_recorded_together_each_to_its_own_number(
    daytime, handler, sms, django_capture_on_commit_callbacks
):
    notices = [
        Notice(recipient_id=handler.pk, kind=NotificationKind.OFFICE_DIGEST, due_on=DAY),
        Notice(
            phone=PHONE,
            kind=NotificationKind.RESIDENT_ANSWER,
            due_on=DAY,
            params={"path": PATH, "answered_at": daytime.isoformat()},
        ),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        assert record(notices, now=daytime) == 4  # the handler's bell, email and SMS; the resident's SMS
    assert sorted(text["phone"] for text in sms) == [handler.phone, PHONE]
    assert Notification.objects.filter(recipient=handler, channel=Channel.SMS, state=State.SENT).exists()


def test_the_text_is_in_the_sites_language(settings, daytime):
    settings.LANGUAGE_CODE = "en"
    notify_resident(phone=PHONE, path=PATH, answered_at=daytime)
    message = render(Notification.objects.get())
    assert message.body == (
        f"The message you left by scanning a QR code has an answer. Read it at https://jianyi.example.cn{PATH}"
    )


def test_no_bell_shows_a_residents_notice(client, district, handler, daytime, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify_resident(phone=PHONE, path=PATH, answered_at=daytime)
    assert Notification.objects.filter(phone=PHONE).exists()
    assert list(inbox(handler)) == []
    assert unread_count(handler) == 0
    assert with_unread_count(type(handler).objects.filter(pk=handler.pk)).get().unread_in_app_notifications == 0
    client.force_login(handler)
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    assert list(response.context["rows"]) == []


def test_the_admin_lists_a_residents_notice_and_resends_it(
    admin_client, daytime, sms, django_capture_on_commit_callbacks
):
    notify_resident(phone=PHONE, path=PATH, answered_at=daytime)
    notice = Notification.objects.get()
    Notification.objects.filter(pk=notice.pk).update(state=State.FAILED)
    changelist = reverse("admin:notifications_notification_changelist")
    response = admin_client.get(changelist, {"q": PHONE})
    assert response.status_code == 200
    assert PHONE in response.content.decode()
    assert list(response.context["cl"].result_list) == [notice]
    assert admin_client.get(reverse("admin:notifications_notification_change", args=[notice.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(changelist, {"action": "resend_on_purpose", "_selected_action": [notice.pk]})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.state == State.SENT
    assert [text["phone"] for text in sms] == [PHONE]
