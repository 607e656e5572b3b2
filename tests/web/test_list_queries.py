"""Every list page costs at most 6 queries for a logged-in GET, the same for 3 items or 60, a page of 1 or of 50.

Each test names the queries in the order they run: the request's overhead (the session; the user
with the bell's count and their roles, `notifications.inbox.InboxUserBackend`), then the page's own.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from districts.models import Membership, Role
from districts.selectors import active_memberships
from notifications.inbox import InboxUserBackend
from notifications.models import Channel, Notification, NotificationKind
from tests.factories import CategoryFactory, MembershipFactory, ProposerFactory, UnitFactory, UserFactory
from tests.workflow.conftest import NOW
from tests.workflow.flow import receive
from web.items import listing
from web.notifications import views as notification_views
from workflow.services import assignment as assign
from workflow.services import intake

pytestmark = pytest.mark.django_db

LATER = NOW + dt.timedelta(days=20)  # every acceptance (5 working days) is overdue by then
MAX_QUERIES = 6


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(LATER, tick=False) as traveller:
        yield traveller


def purpose(sql):
    """What a query of a list page is for, read from its SQL."""
    if re.search(r'FROM "django_session"', sql):
        return "session"
    if re.match(r'SELECT "districts_user"', sql):
        assert "workflow_notification" in sql and "districts_membership" in sql, sql
        return "user, bell and roles"
    if re.match(r'SELECT f\.year, f\.session_id, .* FROM \(SELECT DISTINCT "proposals_item"\."year"', sql):
        return "years"
    if re.match(r'SELECT "proposals_item"', sql) and "COUNT(" in sql and re.search("JSONB_AGG|JSON_GROUP_ARRAY", sql):
        return "page, counted, with lead proposers and units"
    if re.search(r'SELECT "districts_handlingunit"', sql):
        return "unit choices"
    if re.match(r'SELECT COUNT\(\*\) AS "__count" FROM "workflow_notification"', sql):
        return "notification count"
    if re.match(r'SELECT "workflow_notification"', sql):
        return "notifications of the page"
    return f"unexpected: {sql[:200]}"


def _get(client, url):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [purpose(q["sql"]) for q in queries.captured_queries]


# --- the item list, each role ---------------------------------------------------------------------------

OVERHEAD = ["session", "user, bell and roles"]
ITEM_LIST = [*OVERHEAD, "years", "page, counted, with lead proposers and units"]
# Office staff and leaders also choose among their district's units.
ITEM_LIST_WITH_UNITS = [*ITEM_LIST, "unit choices"]
EXPECTED = {
    "office": ITEM_LIST_WITH_UNITS,
    "leader": ITEM_LIST_WITH_UNITS,
    "handler": ITEM_LIST,
    "head": ITEM_LIST,
    "proposer_user": ITEM_LIST,
    "city_admin": ITEM_LIST,
}


def _items(district, office, proposer, unit, numbers):
    """Items assigned to `unit` (the lead), each with a category; every other one by `proposer`, the others by
    proposers of their own; every third one with a second lead unit of its own."""
    for n in numbers:
        author = proposer if n % 2 == 0 else ProposerFactory(district=district, name=f"委员{n}")
        item = receive(
            office, author, now=NOW, number=f"{n:04d}", title=f"提案{n}",
            category=CategoryFactory(district=district, name=f"类{n}"),
        )  # fmt: skip
        intake.register_item(actor=office, now=NOW, item=item)
        leads = [unit] + ([UnitFactory(district=district, name=f"单位{n}")] if n % 3 == 0 else [])
        assign.assign_units(actor=office, now=NOW, item=item, lead_units=leads, split=len(leads) > 1)


@pytest.mark.parametrize("who", list(EXPECTED))
def test_each_roles_item_list_costs_the_same_named_queries_for_3_items_or_60(
    client,
    district,
    office,
    leader,
    handler,
    head,
    proposer,
    proposer_user,
    city_admin,
    unit,
    who,
    request,
    monkeypatch,
):
    reader = request.getfixturevalue(who)
    client.force_login(reader)
    _items(district, office, proposer, unit, range(3))
    few, few_queries = _get(client, reverse("items:list"))
    _items(district, office, proposer, unit, range(3, 60))
    many, many_queries = _get(client, reverse("items:list"))
    monkeypatch.setattr(listing, "PAGE_SIZE", 1)
    one, one_queries = _get(client, reverse("items:list") + "?page=7")

    assert few_queries == many_queries == one_queries == EXPECTED[who]
    assert len(EXPECTED[who]) <= MAX_QUERIES
    # What the pages show: every item the reader sees (a proposer half of them), all overdue, in pages.
    seen = 30 if who == "proposer_user" else 60
    assert len(few.context["rows"]) == (2 if who == "proposer_user" else 3)
    assert len(many.context["rows"]) == min(seen, 50)
    assert f"{seen} items" in many.text and f"{seen} overdue" in many.text
    assert len(one.context["rows"]) == 1 and one.context["page"].number == 7
    assert f"Page 7 of {seen}" in one.text and f"{seen} items" in one.text


def test_the_rows_show_their_lead_proposers_and_units_in_order(client, district, office, proposer, unit):
    _items(district, office, proposer, unit, range(4))
    client.force_login(office)
    response, _queries = _get(client, reverse("items:list") + "?sort=number")
    rows = {item.number: item for item, *_labels in response.context["rows"]}
    assert [link.proposer.name for link in rows["0000"].lead_proposers] == ["张委员"]
    assert [link.proposer.name for link in rows["0001"].lead_proposers] == ["委员1"]
    assert [a.unit.name for a in rows["0000"].lead_assignments] == ["区经委", "单位0"]  # in the order assigned
    assert [a.unit.name for a in rows["0001"].lead_assignments] == ["区经委"]
    assert 'title="区经委">经委</span>' in response.text  # the short name, the full one on hover


def test_a_page_past_the_end_shows_the_last_page_with_the_count_asked_first(client, district, office, proposer, unit):
    _items(district, office, proposer, unit, range(3))
    client.force_login(office)
    response, queries = _get(client, reverse("items:list") + "?page=9")
    assert response.context["page"].number == 1 and len(response.context["rows"]) == 3
    assert "3 items" in response.text
    # Only here: the count of its own (to find the last page), then that page.
    assert queries.count("page, counted, with lead proposers and units") == 2
    response, _queries = _get(client, reverse("items:list") + "?page=x")
    assert response.context["page"].number == 1 and len(response.context["rows"]) == 3


def test_no_items_costs_no_more_and_says_so(client, district, office):
    client.force_login(office)
    response, queries = _get(client, reverse("items:list"))
    assert queries == ITEM_LIST_WITH_UNITS
    assert response.context["rows"] == [] and "There are no items yet" in response.text


def test_another_districts_office_sees_none_of_them(client, district, office, proposer, unit, outsider):
    _items(district, office, proposer, unit, range(3))
    client.force_login(outsider)
    response, queries = _get(client, reverse("items:list"))
    assert response.context["rows"] == [] and queries == ITEM_LIST_WITH_UNITS


# --- the notifications list ---------------------------------------------------------------------------------


def _notify(user, count):
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            channel=Channel.IN_APP,
            kind=NotificationKind.OFFICE_DIGEST,
            due_on=LATER.date() - dt.timedelta(days=n),
            state=Notification.State.SENT,
            scheduled_for=now,
            sent_at=now,
            created_at=now - dt.timedelta(minutes=n),
        )
        for n in range(Notification.objects.filter(recipient=user).count(), count)
    )


NOTIFICATION_LIST = [*OVERHEAD, "notification count", "notifications of the page"]


def test_the_notification_list_costs_the_same_named_queries_for_3_or_60(client, handler, office, monkeypatch):
    client.force_login(handler)
    _notify(handler, 3)
    _notify(office, 5)  # someone else's: not counted, not shown
    few, few_queries = _get(client, reverse("notifications:list"))
    _notify(handler, 60)
    many, many_queries = _get(client, reverse("notifications:list"))
    monkeypatch.setattr(notification_views, "PAGE_SIZE", 1)
    one, one_queries = _get(client, reverse("notifications:list") + "?page=2")

    assert few_queries == many_queries == one_queries == NOTIFICATION_LIST
    assert len(few.context["rows"]) == 3
    assert len(many.context["rows"]) == 30 and many.context["unread_notifications"] == 60
    assert len(one.context["rows"]) == 1 and one.context["page"].number == 2


# --- the roles that come with the user ----------------------------------------------------------------------


def test_the_roles_loaded_with_the_user_are_the_roles_a_query_finds(district, other_district, unit, proposer):
    user = UserFactory(username="many_hats")
    MembershipFactory(user=user, role=Role.HANDLER, district=district, unit=unit)
    MembershipFactory(user=user, role=Role.OFFICE, district=other_district)
    MembershipFactory(user=user, role=Role.PROPOSER, district=district, proposer=proposer)
    MembershipFactory(user=user, role=Role.LEADER, district=district, is_active=False)  # not an active role

    loaded = active_memberships(InboxUserBackend().get_user(user.pk))
    queried = list(
        Membership.objects.filter(user=user, is_active=True)
        .select_related("district", "unit", "proposer")
        .order_by("role", "district__sort_order", "unit__sort_order")
    )

    def fields(m):
        related = (m.district, m.unit, m.proposer)
        return [(f.attname, getattr(m, f.attname)) for f in m._meta.concrete_fields] + [
            [(f.attname, getattr(r, f.attname)) for f in r._meta.concrete_fields] if r else None for r in related
        ]

    assert [fields(m) for m in loaded] == [fields(m) for m in queried]
    assert [m.role for m in loaded] == [Role.HANDLER, Role.OFFICE, Role.PROPOSER]
    assert str(loaded[0].unit) == "经委" and loaded[2].proposer.name == "张委员"


def test_a_user_without_roles_loads_with_none(db):
    user = UserFactory(username="nobody")
    assert active_memberships(InboxUserBackend().get_user(user.pk)) == []
