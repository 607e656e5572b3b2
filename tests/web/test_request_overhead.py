"""What every logged-in page costs before its own queries: the session, and the user with the bell and roles.

The session is read once and written at most once a minute (districts.middleware), the user is
loaded with the bell's unread count and their active roles in one query (notifications.inbox.InboxUserBackend).
"""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications.inbox import InboxUserBackend
from notifications.models import Channel, Notification, NotificationKind
from web.notifications.views import bell

PASSWORD = "pw-for-tests-only"  # tests/factories.UserFactory
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _notify(user, day, *, read=False):
    now = timezone.now()
    return Notification.objects.create(
        recipient=user,
        channel=Channel.IN_APP,
        kind=NotificationKind.OFFICE_DIGEST,
        due_on=day,
        state=Notification.State.SENT,
        scheduled_for=now,
        sent_at=now,
        created_at=now,
        read_at=now if read else None,
    )


def _shape(sql):
    """A query as (verb, table): the table of its first qualified column, else the one it names."""
    verb = sql.split(None, 1)[0].upper()
    table = re.search(r'"(\w+)"\.', sql) or re.search(r'(?:FROM|UPDATE|INTO) "(\w+)"', sql)
    return verb, table and table.group(1)


def _session_writes(queries):
    return [q for q in queries if _shape(q["sql"]) in {("UPDATE", "django_session"), ("INSERT", "django_session")}]


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, queries.captured_queries


def test_a_logged_in_get_costs_two_queries_before_the_pages_own(client, office):
    _notify(office, dt.date(2026, 3, 1))
    _notify(office, dt.date(2026, 3, 2))
    _notify(office, dt.date(2026, 2, 27), read=True)
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(office)
        clock.shift(dt.timedelta(seconds=30))
        response, queries = _get(client, reverse("notifications:list"))

    assert [_shape(q["sql"]) for q in queries] == [
        # the overhead: two queries
        ("SELECT", "django_session"),  # 1. the session
        ("SELECT", "districts_user"),  # 2. the user, with the bell's unread count and their roles as subqueries
        # the page's own
        ("SELECT", "workflow_notification"),  # 3. the paginator's count
        ("SELECT", "workflow_notification"),  # 4. the page of notifications, with their items and units
    ]  # and no session write: the login saved it 30 seconds ago; the navigation's roles came with the user
    assert "workflow_notification" in queries[1]["sql"] and "districts_membership" in queries[1]["sql"]
    assert response.context["unread_notifications"] == 2
    assert '<span class="badge"' in response.text


def test_the_bell_counts_again_after_a_post_and_stays_exact(client, handler):
    first = _notify(handler, dt.date(2026, 3, 1))
    _notify(handler, dt.date(2026, 3, 2))
    client.force_login(handler)
    assert client.get(reverse("notifications:list")).context["unread_notifications"] == 2

    client.post(reverse("notifications:read"), {"pk": first.pk})
    assert client.get(reverse("notifications:list")).context["unread_notifications"] == 1

    # Within one POST: the user was loaded with 1 unread, then the rest were marked read.
    user = InboxUserBackend().get_user(handler.pk)
    Notification.objects.filter(recipient=handler).update(read_at=timezone.now())
    request = RequestFactory().post("/")
    request.user = user
    assert bell(request) == {"unread_notifications": 0}


def test_logging_in_through_the_form_uses_the_backend_with_the_bell(client, office):
    _notify(office, dt.date(2026, 3, 1))
    response = client.post(reverse("login"), {"username": "office", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == "notifications.inbox.InboxUserBackend"
    response, queries = _get(client, reverse("home"))
    assert response.context["unread_notifications"] == 1
    assert not [q for q in queries if _shape(q["sql"]) == ("SELECT", "workflow_notification")]


def test_the_session_is_written_at_most_once_a_minute(client, office):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(office)  # saves the session
        clock.shift(dt.timedelta(seconds=30))
        _response, queries = _get(client, reverse("home"))
        assert _session_writes(queries) == []

        clock.shift(dt.timedelta(seconds=30))  # a minute after the login
        _response, queries = _get(client, reverse("home"))
        assert len(_session_writes(queries)) == 1
        assert client.session["last_seen"] == (START + dt.timedelta(minutes=1)).timestamp()

        clock.shift(dt.timedelta(seconds=59))
        _response, queries = _get(client, reverse("home"))
        assert _session_writes(queries) == []
        assert client.session["last_seen"] == (START + dt.timedelta(minutes=1)).timestamp()

        clock.shift(dt.timedelta(seconds=1))  # a minute after the last write
        _response, queries = _get(client, reverse("home"))
        assert len(_session_writes(queries)) == 1
        assert client.session["last_seen"] == (START + dt.timedelta(minutes=2)).timestamp()


# last_seen may be up to a minute older than the last request: a session ends after 29 to 30 idle minutes.
@pytest.mark.parametrize(("idle", "logged_in"), [(dt.timedelta(minutes=28), True), (dt.timedelta(minutes=30), False)])
def test_the_idle_timeout_holds_to_the_minute_although_last_seen_is_written_once_a_minute(
    client, office, settings, idle, logged_in
):
    assert settings.SESSION_IDLE_TIMEOUT_MINUTES == 30
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(office)
        clock.shift(dt.timedelta(minutes=1))
        client.get(reverse("home"))  # last_seen 9:01
        clock.shift(dt.timedelta(seconds=59))
        client.get(reverse("home"))  # not written: the clock still runs from 9:01
        clock.shift(idle + dt.timedelta(seconds=1))
        response = client.get(reverse("home"))
    assert (response.status_code == 200) == logged_in


@pytest.mark.parametrize(("idle", "logged_in"), [(dt.timedelta(minutes=29), True), (dt.timedelta(minutes=30), False)])
def test_before_its_first_write_a_session_ends_by_the_expiry_its_login_saved(client, office, settings, idle, logged_in):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(office)
        clock.shift(dt.timedelta(seconds=30))
        client.get(reverse("home"))  # within the login's minute: nothing written
        clock.shift(idle + dt.timedelta(seconds=1))
        response = client.get(reverse("home"))
    assert (response.status_code == 200) == logged_in


def test_a_login_on_another_device_does_not_hold_back_this_sessions_clock(client, office):
    """Each session's idle clock starts at its own login, not at the user's latest login elsewhere."""
    from django.test import Client

    with time_machine.travel(START, tick=False) as clock:
        client.force_login(office)
        clock.shift(dt.timedelta(seconds=30))
        Client().force_login(office)  # the same person on a phone: last_login moves on
        clock.shift(dt.timedelta(seconds=40))  # 70 s after this session's login
        _response, queries = _get(client, reverse("home"))
        assert len(_session_writes(queries)) == 1
        assert client.session["last_seen"] == (START + dt.timedelta(seconds=70)).timestamp()
