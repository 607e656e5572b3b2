"""The read resources: each caller sees what the selectors let them see, in the one error shape otherwise."""

import datetime as dt
import itertools

import pytest
from django.utils import translation

from districts.models import Role
from notifications.models import Channel, Notification, NotificationKind
from tests.conftest import NOW
from tests.factories import (
    CategoryFactory,
    ItemFactory,
    MembershipFactory,
    ProposerFactory,
    SessionFactory,
    UnitFactory,
    UserFactory,
)
from workflow.services import extensions, replies

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/items/"


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- items: scope -------------------------------------------------------------------------------------


def test_each_role_lists_the_items_it_may_see(as_user, accepted, office, handler, co_handler, proposer_user, outsider):
    item = accepted[0].item
    ItemFactory(district=item.district, number="0002")  # another of the district's items, assigned to no unit
    for user, sees in [(office, 2), (handler, 1), (co_handler, 1), (proposer_user, 1), (outsider, 0)]:
        found = _ids(as_user(user).get(ITEMS))
        assert len(found) == sees, user
        assert (item.pk in found) == bool(sees)


def test_an_item_outside_the_scope_is_a_404_like_one_that_does_not_exist(as_user, item, outsider):
    api = as_user(outsider)
    with translation.override("en"):
        hidden = api.get(f"{ITEMS}{item.pk}/")
        missing = api.get(f"{ITEMS}{item.pk + 1000}/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert hidden.json()["code"] == "not_found"
    assert item.title not in hidden.content.decode()


def test_not_logged_in_is_a_401_in_the_error_shape(api, item):
    response = api.get(f"{ITEMS}{item.pk}/")
    assert response.status_code == 401
    assert set(response.json()) == {"code", "detail", "field"}


def test_the_item_shows_its_assignments_due_dates_and_timeline(as_user, accepted, office):
    lead, co = accepted
    data = as_user(office).get(f"{ITEMS}{lead.item_id}/").json()
    assert [a["id"] for a in data["assignments"]] == [lead.pk, co.pk]
    assert {a["state"] for a in data["assignments"]} == {"accepted"}
    assert data["due_dates"] and all(d["due_on"] and d["explanation"] for d in data["due_dates"])
    assert "assignment.accepted" in {e["action"] for e in data["events"]}
    assert data["proposers"][0]["is_lead"] is True
    assert data["feedback"] == []


def test_a_reply_draft_and_an_extension_request_stay_with_the_unit_and_the_office(
    as_user, accepted, office, handler, co_handler, proposer_user, outcome
):
    lead, _co = accepted
    replies.draft_reply(actor=handler, now=NOW, assignment=lead, text="草稿", category=outcome, signer="主任")
    extensions.request_extension(
        actor=handler, now=NOW, assignment=lead, until=NOW.date() + dt.timedelta(days=120), reason="需要调研"
    )
    url = f"{ITEMS}{lead.item_id}/"

    def lead_assignment(user):
        data = as_user(user).get(url).json()
        return next(a for a in data["assignments"] if a["id"] == lead.pk), data

    for user in (office, handler):
        seen, _data = lead_assignment(user)
        assert len(seen["replies"]) == 1 and len(seen["extensions"]) == 1, user
    for user in (co_handler, proposer_user):
        seen, data = lead_assignment(user)
        assert seen["replies"] == [] and seen["extensions"] == [], user
        assert not {e["action"] for e in data["events"]} & {"reply.drafted"}
    assert lead_assignment(co_handler)[1]["feedback"] is None  # a co-unit does not read feedback


# --- items: filters, search, order, pages -------------------------------------------------------------


@pytest.fixture
def listed(district, other_district, proposer):
    """Items of the district: two key ones (one overdue), 2025 and 2026; one of another district."""
    category = CategoryFactory(district=district, name="经济")
    rows = [
        ItemFactory(district=district, title="关于菜场的建议", is_key=True, category=category, lead_proposer=proposer),
        ItemFactory(district=district, title="关于道路的建议", is_key=True, next_due_on=dt.date(2020, 1, 1)),
        ItemFactory(district=district, title="关于公园的建议", year=2025, number="0099"),
    ]
    ItemFactory(district=other_district, title="关于菜场的另一建议")
    return rows


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", [0, 1, 2]),
        ("?key=true", [0, 1]),
        ("?year=2025", [2]),
        ("?search=菜场", [0]),
        ("?overdue=true", [1]),
        ("?proposer=张", [0]),
        ("?stage=received", [0, 1, 2]),
        ("?stage=closed", []),
        ("?district=minhang&key=false", [2]),
    ],
)
def test_the_office_filters_and_searches_the_list(as_user, office, listed, query, expected):
    assert _ids(as_user(office).get(ITEMS + query)) == {listed[i].pk for i in expected}


def test_the_category_filter_takes_an_id(as_user, office, listed):
    category = listed[0].category_id
    assert _ids(as_user(office).get(f"{ITEMS}?category={category}")) == {listed[0].pk}


def test_the_list_orders_by_due_date_by_default_and_by_number_on_request(as_user, office, listed):
    api = as_user(office)
    first = api.get(ITEMS).json()["results"][0]
    assert first["id"] == listed[1].pk and first["is_overdue"] is True
    by_number = [row["id"] for row in api.get(f"{ITEMS}?ordering=number").json()["results"]]
    assert by_number[0] == listed[0].pk and by_number[-1] == listed[2].pk  # newest year first


def test_a_bad_filter_value_is_a_400_naming_it(as_user, office, listed):
    with translation.override("en"):
        response = as_user(office).get(f"{ITEMS}?stage=nonsense")
    assert response.status_code == 400
    assert response.json()["field"] == "stage"
    assert response.json()["code"] == "invalid_choice"


def test_the_dashboards_filters_are_the_offices(as_user, handler, office, accepted):
    response = as_user(handler).get(f"{ITEMS}?awaits_office=extension")
    assert response.status_code == 400
    assert response.json()["field"] == "awaits_office"
    assert as_user(office).get(f"{ITEMS}?awaits_office=extension").status_code == 200


def test_pages_have_a_maximum_size(as_user, office, listed):
    api = as_user(office)
    page = api.get(f"{ITEMS}?page_size=2").json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    assert len(api.get(f"{ITEMS}?page_size=100000").json()["results"]) == 3  # capped at 200, not refused
    assert api.get(f"{ITEMS}?page=9").status_code == 404


def test_waiting_on_me_is_the_units_work(as_user, assigned, handler, office):
    # Pending acceptance waits on the unit, not on the office (items to review or assign: none here).
    assert _ids(as_user(handler).get(f"{ITEMS}?mine=true")) == {assigned[0].item_id}
    assert _ids(as_user(office).get(f"{ITEMS}?mine=true")) == set()


# --- reference data and notifications -------------------------------------------------------------------


def test_reference_data_is_the_callers_districts(as_user, office, outsider, unit, district, other_district):
    SessionFactory(district=district)
    UnitFactory(district=other_district, name="金山区经委")
    api = as_user(office)
    assert [d["code"] for d in api.get("/api/v1/districts/").json()["results"]] == ["minhang"]
    units = api.get("/api/v1/units/").json()["results"]
    assert {u["district"] for u in units} == {"minhang"} and unit.pk in {u["id"] for u in units}
    assert api.get("/api/v1/sessions/?body=cppcc&year=2026").json()["count"] == 1
    assert as_user(outsider).get("/api/v1/sessions/").json()["count"] == 0


def test_a_unit_reads_the_proposers_of_its_items_only(as_user, assigned, handler, other_handler, proposer, district):
    ProposerFactory(district=district, name="李委员")
    names = {p["name"] for p in as_user(handler).get("/api/v1/proposers/").json()["results"]}
    assert names == {proposer.name}
    assert as_user(other_handler).get("/api/v1/proposers/").json()["count"] == 0


def test_the_office_reads_its_districts_proposers_without_their_phone(as_user, office, proposer, district):
    ProposerFactory(district=district, name="李委员", phone="13800000000")
    rows = as_user(office).get("/api/v1/proposers/?search=李").json()["results"]
    assert [p["name"] for p in rows] == ["李委员"]
    assert "phone" not in rows[0]


DAYS = itertools.count()


def _notify(user, item, **fields):
    """A message notice of its own day (one notice a day per kind and recipient)."""
    return Notification.objects.create(
        recipient=user,
        channel=Channel.IN_APP,
        kind=NotificationKind.UNIT_MESSAGE,
        item=item,
        due_on=NOW.date() + dt.timedelta(days=next(DAYS)),
        params={"unit": "区经委"},
        scheduled_for=NOW,
        created_at=NOW,
        **fields,
    )


def test_notifications_are_mine_only_and_read_in_words(as_user, assigned, handler, co_handler):
    item = assigned[0].item
    Notification.objects.filter(recipient__in=[handler, co_handler]).delete()
    mine = _notify(handler, item)
    _notify(handler, item, read_at=NOW)
    _notify(co_handler, item)
    api = as_user(handler)
    rows = api.get("/api/v1/notifications/").json()["results"]
    assert len(rows) == 2 and all(row["subject"] and row["body"] for row in rows)
    assert [row["id"] for row in api.get("/api/v1/notifications/?unread=true").json()["results"]] == [mine.pk]


# --- a fixed number of queries, whatever the page size ---------------------------------------------------


def _more_items(district, proposer, unit, n):
    for _ in range(n):
        ItemFactory(district=district, lead_proposer=proposer, number=f"M{next(DAYS)}")


def _more_reference(district, n):
    for _ in range(n):
        i = next(DAYS)
        UnitFactory(district=district)
        SessionFactory(district=district, label=f"届{i}", year=2026)
        CategoryFactory(district=district, name=f"类{i}")
        ProposerFactory(district=district)


def _more_notifications(user, item, n):
    for _ in range(n):
        _notify(user, item)


LISTS = ["items", "districts", "units", "sessions", "categories", "proposers", "notifications"]


@pytest.mark.parametrize("name", LISTS)
def test_each_list_runs_the_same_queries_at_any_size(
    as_user, office, assigned, district, proposer, unit, django_assert_max_num_queries, name
):
    item = assigned[0].item
    api = as_user(office)
    url = f"/api/v1/{name}/?page_size=200"
    counts = []
    for n in (2, 25):
        _more_items(district, proposer, unit, n)
        _more_reference(district, n)
        _more_notifications(office, item, n)
        with django_assert_max_num_queries(8) as captured:
            response = api.get(url)
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts


@pytest.fixture
def outcome(district):
    from workflow.models import OutcomeCategory

    return OutcomeCategory.objects.filter(scheme__code="cppcc").order_by("sort_order").first()


def test_a_membership_in_two_districts_reads_both(as_user, district, other_district):
    user = UserFactory()
    MembershipFactory(user=user, role=Role.OFFICE, district=district)
    MembershipFactory(user=user, role=Role.LEADER, district=other_district)
    codes = {d["code"] for d in as_user(user).get("/api/v1/districts/").json()["results"]}
    assert codes == {"minhang", "jinshan"}
