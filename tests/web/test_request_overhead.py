"""What every logged-in page costs before its own queries: the session is written at most once a minute."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


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
