"""The in-app bell: one's own notifications, marking them read, the unread count."""

import datetime as dt

import pytest
from django.test import RequestFactory
from django.urls import reverse

from notifications.models import Notification
from notifications.reminders import sweep
from web.notifications.views import bell

from .conftest import at

pytestmark = pytest.mark.django_db
DUE = dt.date(2026, 10, 9)


@pytest.fixture
def reminded(calendar_2026, item, handler, other_handler, make_obligation, other_unit):
    make_obligation(item, due_on=DUE)
    make_obligation(item, due_on=DUE, kind="co_opinion", obligation_unit=other_unit)
    sweep(now=at(DUE, 9))
    return Notification.objects.get(recipient=handler, channel="in_app")


def test_the_list_shows_only_ones_own_notifications(client, reminded, handler, django_assert_max_num_queries):
    client.force_login(handler)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    assert "关于加强社区养老服务的建议" in response.content.decode()
    assert [n.pk for n, _message in response.context["rows"]] == [reminded.pk]


def test_marking_read_needs_a_post_and_touches_only_ones_own(client, reminded, handler, other_handler):
    theirs = Notification.objects.get(recipient=other_handler, channel="in_app")
    client.force_login(handler)
    assert client.get(reverse("notifications:read")).status_code == 405
    client.post(reverse("notifications:read"), {"pk": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None
    response = client.post(reverse("notifications:read"), {"pk": reminded.pk})
    assert response.status_code == 302
    reminded.refresh_from_db()
    assert reminded.read_at is not None


def test_mark_all_read_and_the_unread_count(client, reminded, handler):
    request = RequestFactory().get("/")
    request.user = handler
    assert bell(request) == {"unread_notifications": 1}
    client.force_login(handler)
    client.post(reverse("notifications:read"))
    assert bell(request) == {"unread_notifications": 0}


def test_the_bell_needs_a_login(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
