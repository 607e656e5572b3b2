"""The user's own notification settings page: channels, addresses, language."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Notification, NotificationKind, NotificationPreference
from notifications.reminders import sweep
from tests.factories import UserFactory

from .conftest import at

pytestmark = pytest.mark.django_db
URL = reverse("notifications:settings")
DUE = dt.date(2026, 10, 9)


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def no_email(db):
    """Someone with a mobile number but no email address (the office never entered one)."""
    return UserFactory(username="no_email", phone="13912345678")


def checkbox(html, name):
    """The <input> tag of the named checkbox."""
    return re.search(rf'<input type="checkbox" name="{name}"[^>]*>', html).group(0)


def channels_of(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("channel", flat=True))


def test_it_needs_a_login(client, handler):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    response = client.post(URL, {"sms": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not NotificationPreference.objects.exists()


def test_the_list_links_to_the_settings(english, handler):
    english.force_login(handler)
    assert f'href="{URL}"' in english.get(reverse("notifications:list")).content.decode()


def test_the_form_shows_the_current_choices_and_addresses(english, handler):
    NotificationPreference.objects.create(user=handler, email=False, sms=True)
    handler.language = "en"
    handler.save(update_fields=["language"])
    english.force_login(handler)
    html = english.get(URL).content.decode()
    assert "checked" not in checkbox(html, "email")
    assert "checked" in checkbox(html, "sms")
    assert '<option value="en" selected>' in html
    assert "to handler@example.cn" in html
    assert "to 138****0001" in html
    assert "13800000001" not in html
    assert "Always on." in html
    assert "Quiet hours for SMS, set for the whole site: 21:00–08:00." in html
    assert "An SMS due in those hours waits until 08:00." in html


def test_without_a_preference_row_every_channel_with_an_address_is_on(english, handler):
    english.force_login(handler)
    html = english.get(URL).content.decode()
    assert "checked" in checkbox(html, "email")
    assert "checked" in checkbox(html, "sms")
    assert '<option value="" selected>Site default (Simplified Chinese)</option>' in html


def test_without_quiet_hours_the_page_says_sms_go_out_at_any_hour(english, handler, settings):
    settings.SMS_QUIET_HOURS = None
    english.force_login(handler)
    assert "SMS are sent at any hour: the site sets no quiet hours." in english.get(URL).content.decode()


def test_turning_email_off_stops_the_next_reminders_email(
    english, calendar_2026, item, handler, make_obligation, django_capture_on_commit_callbacks, sms, mailoutbox, clock
):
    english.force_login(handler)
    response = english.post(URL, {"sms": "on", "language": ""}, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert "Your notification settings were saved." in response.content.decode()
    assert "checked" not in checkbox(response.content.decode(), "email")

    make_obligation(item, due_on=DUE)
    clock(at(DUE, 10))
    with django_capture_on_commit_callbacks(execute=True):
        sweep(now=at(DUE, 10))
    assert channels_of(handler) == ["in_app", "sms"]
    assert mailoutbox == []
    assert len(sms) == 1


def test_turning_both_off_leaves_the_bell(english, calendar_2026, item, handler, make_obligation):
    NotificationPreference.objects.create(user=handler, email=True, sms=True)
    english.force_login(handler)
    english.post(URL, {"language": ""})
    assert NotificationPreference.objects.filter(user=handler, email=False, sms=False).exists()
    make_obligation(item, due_on=DUE)
    sweep(now=at(DUE, 9))
    assert channels_of(handler) == ["in_app"]


def test_without_an_email_address_the_checkbox_is_disabled_and_says_why(english, no_email):
    english.force_login(no_email)
    html = english.get(URL).content.decode()
    assert "disabled" in checkbox(html, "email")
    assert "checked" not in checkbox(html, "email")
    assert "disabled" not in checkbox(html, "sms")
    assert "You have no email address on record, so nothing is sent by email; the district office" in html
    assert "to 139****5678" in html


def test_a_posted_email_on_without_an_address_is_refused_and_nothing_is_saved(english, no_email):
    english.force_login(no_email)
    response = english.post(URL, {"email": "on", "language": "en"})
    assert response.status_code == 400  # a refused form comes back with 400, as every action form does
    html = response.content.decode()
    assert "Nothing was saved." in html
    assert "Email cannot be turned on: you have no email address on record." in html
    assert not NotificationPreference.objects.exists()
    no_email.refresh_from_db()
    assert no_email.language == ""


def test_saving_keeps_the_stored_choice_of_a_channel_without_an_address(english, no_email):
    """The office adds the email later: the user gets email unless they ever turned it off."""
    english.force_login(no_email)
    english.post(URL, {"language": ""})
    assert NotificationPreference.objects.filter(user=no_email, email=True, sms=False).exists()


def test_a_crafted_post_changes_only_ones_own_preference(english, handler, second_handler):
    theirs = NotificationPreference.objects.create(user=second_handler, email=True, sms=True)
    english.force_login(handler)
    english.post(
        URL,
        {"sms": "on", "language": "en", "user": second_handler.pk, "user_id": second_handler.pk, "pk": theirs.pk},
    )
    theirs.refresh_from_db()
    assert (theirs.email, theirs.sms) == (True, True)
    second_handler.refresh_from_db()
    assert second_handler.language == ""
    mine = NotificationPreference.objects.get(user=handler)
    assert (mine.email, mine.sms) == (False, True)
    assert NotificationPreference.objects.count() == 2


def test_the_language_choice_is_saved_and_the_texts_follow_it(english, calendar_2026, item, handler, make_obligation):
    english.force_login(handler)
    english.post(URL, {"email": "on", "sms": "on", "language": "en"})
    handler.refresh_from_db()
    assert handler.language == "en"
    make_obligation(item, due_on=DUE)
    sweep(now=at(DUE, 9))
    english.cookies["django_language"] = "zh-hans"  # the page in Chinese, the notification still in English
    assert "Due today: Reply for item 0042" in english.get(reverse("notifications:list")).content.decode()
    english.post(URL, {"email": "on", "sms": "on", "language": ""})
    handler.refresh_from_db()
    assert handler.language == ""


def test_an_unknown_language_is_refused(english, handler):
    english.force_login(handler)
    response = english.post(URL, {"sms": "on", "language": "fr"})
    assert "Select a valid choice." in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_changes_need_a_post_with_the_csrf_token(client, handler):
    client.force_login(handler)
    assert client.put(URL, {"sms": "on"}).status_code == 405
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(handler)
    assert guarded.post(URL, {"sms": "on"}).status_code == 403
    assert not NotificationPreference.objects.exists()


def test_the_page_runs_the_same_queries_with_one_or_many_notifications(client, handler, django_assert_num_queries):
    # The clock stands still: the session written at login is not due to be written again (once a minute).
    traveller = time_machine.travel(at(DUE), tick=False)
    traveller.start()
    client.force_login(handler)

    def notify(first, last):
        Notification.objects.bulk_create(
            Notification(
                recipient=handler,
                channel="in_app",
                kind=NotificationKind.OFFICE_DIGEST,
                due_on=DUE - dt.timedelta(days=day),
                scheduled_for=at(DUE),
                created_at=at(DUE),
            )
            for day in range(first, last)
        )

    notify(0, 1)
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    notify(1, 41)
    NotificationPreference.objects.create(user=handler, email=False)
    # session, the user with the unread count (bell) and their roles (navigation), preference;
    # no session write: the login saved it within the minute
    with django_assert_num_queries(3):
        client.get(URL)
    traveller.stop()
    assert len(one) == 3


def test_a_site_without_an_sms_gateway_offers_no_sms_and_keeps_the_stored_choice(english, handler, settings):
    settings.SMS_BACKEND = ""
    NotificationPreference.objects.create(user=handler, email=True, sms=True)
    english.force_login(handler)
    html = english.get(URL).content.decode()
    assert "disabled" in checkbox(html, "sms") and "checked" not in checkbox(html, "sms")
    assert "This site sends no SMS: no gateway is configured." in html
    refused = english.post(URL, {"email": "on", "sms": "on", "language": ""})
    assert refused.status_code == 400
    assert "SMS cannot be turned on: this site sends no SMS." in refused.content.decode()
    english.post(URL, {"email": "on", "language": ""})
    assert NotificationPreference.objects.filter(user=handler, email=True, sms=True).exists()  # kept for a gateway
