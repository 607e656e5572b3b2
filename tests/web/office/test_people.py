"""The office keeps its district's units and people without /admin/; each change says who made it."""

import uuid

import pytest
from django.urls import reverse

from districts.models import HandlingUnit, Membership, Role, User
from tests.factories import ItemFactory, UnitFactory
from workflow.models import Assignment

pytestmark = pytest.mark.django_db
PASSWORD = "Qiang-mima-2026!"


def test_the_units_page_shows_each_units_people_and_what_is_missing(as_office, district, unit, leader, handler, head):
    bare = UnitFactory(district=district, name="区民政局")
    response = as_office.get(reverse("people:units"))
    assert response.status_code == 200
    text = response.text
    assert "区经委" in text and "经委承办人" in text and "经委主任" in text and "分管副区长" in text
    row = text[text.index(bare.name) :]
    row = row[: row.index("</tr>")]
    assert "sign-off wait for nobody" in row
    assert "None: reminders go to the head" in row


def test_the_units_page_costs_the_same_for_many_units(as_office, district, unit, handler):
    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert as_office.get(reverse("people:units")).status_code == 200
        return len(queries)

    few = count()
    for i in range(25):
        unit = UnitFactory(district=district, name=f"单位{i}")
        Membership.objects.create(
            user=User.objects.create(username=f"h{i}"), role=Role.HANDLER, district=district, unit=unit
        )
    assert count() == few


def test_the_office_adds_a_unit_and_names_its_leader(as_office, district, leader):
    response = as_office.post(
        reverse("people:unit_new"),
        {"district": district.pk, "name": "区民政局", "short_name": "民政局", "kind": "bureau", "sort_order": 9,
         "responsible_leader": leader.pk, "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    unit = HandlingUnit.objects.get(name="区民政局")
    assert (unit.responsible_leader, unit.is_active) == (leader, True)
    assert unit.history.get().history_user.username == "office"


def test_a_duplicate_unit_name_is_refused_beside_the_field(as_office, district, unit):
    response = as_office.post(
        reverse("people:unit_new"), {"district": district.pk, "name": "区经委", "kind": "bureau", "sort_order": 1}
    )
    assert response.status_code == 400
    assert "The district already has a unit named 区经委." in response.text
    assert HandlingUnit.objects.filter(name="区经委").count() == 1


def test_renaming_a_unit_is_recorded_with_who_and_what(as_office, unit):
    data = {"name": "区经济委员会", "short_name": "经委", "kind": "bureau", "sort_order": 1, "is_active": "on"}
    assert as_office.post(reverse("people:unit", args=[unit.pk]), data).status_code == 302
    page = as_office.get(reverse("people:unit", args=[unit.pk])).text
    assert "区经委 → 区经济委员会" in page
    assert "区府办" in page  # who


def test_a_unit_with_open_work_cannot_be_deactivated(as_office, district, unit):
    item = ItemFactory(district=district, state="handling")
    Assignment.objects.create(item=item, unit=unit, role="lead", state="accepted", assigned_at=item.created_at)
    data = {"name": unit.name, "kind": "bureau", "sort_order": 1}  # "is_active" unticked
    response = as_office.post(reverse("people:unit", args=[unit.pk]), data)
    assert response.status_code == 400
    assert "The unit still handles 1 items: reassign them before deactivating it." in response.text
    unit.refresh_from_db()
    assert unit.is_active


def test_the_office_adds_a_handler_who_can_log_in(as_office, client, district, unit):
    response = as_office.post(
        reverse("people:person_new"),
        {"district": district.pk, "full_name": "李联络", "role": "handler", "unit": unit.pk, "phone": "13900000000",
         "email": "li@example.cn", "username": "li.handler", "password": PASSWORD},
    )  # fmt: skip
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="li.handler")
    assert (membership.role, membership.unit, membership.user.phone) == ("handler", unit, "13900000000")
    assert membership.history.get().history_user.username == "office"
    client.logout()
    response = client.post(reverse("login"), {"username": "li.handler", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"role": "handler", "unit": ""}, "unit", "Choose the unit this person works for."),
        ({"username": "office"}, "username", "A user with that username already exists."),
        ({"password": "123"}, "password", "This password is too short."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
    ],
)
def test_adding_a_person_says_what_is_wrong_and_adds_nothing(as_office, district, unit, change, field, message):
    data = {"district": district.pk, "full_name": "李联络", "role": "handler", "unit": unit.pk, "username": "li",
            "password": PASSWORD, **change}  # fmt: skip
    before = User.objects.count()
    response = as_office.post(reverse("people:person_new"), data)
    assert response.status_code == 400
    assert message in response.text
    assert User.objects.count() == before


def test_ending_a_handlers_only_role_ends_the_login_and_giving_it_back_restores_it(as_office, handler):
    membership = handler.memberships.get()
    assert as_office.post(reverse("people:deactivate", args=[membership.pk])).status_code == 302
    handler.refresh_from_db()
    assert not handler.is_active
    assert as_office.post(reverse("people:reactivate", args=[membership.pk])).status_code == 302
    handler.refresh_from_db()
    assert handler.is_active


def test_a_leader_still_named_for_units_cannot_be_ended(as_office, leader):
    membership = leader.memberships.get()
    response = as_office.post(reverse("people:deactivate", args=[membership.pk]))
    assert response.status_code == 400
    assert "Name another responsible leader for 经委、科委 first." in response.text
    assert Membership.objects.get(pk=membership.pk).is_active


def test_nobody_ends_their_own_role(as_office, office):
    response = as_office.post(reverse("people:deactivate", args=[office.memberships.get().pk]))
    assert response.status_code == 400
    assert "You cannot end your own role" in response.text


def test_moving_a_handler_ends_the_old_role_and_starts_one_at_the_new_unit(as_office, handler, unit, other_unit):
    membership = handler.memberships.get()
    response = as_office.post(reverse("people:move", args=[membership.pk]), {"unit": other_unit.pk})
    assert response.status_code == 302
    assert list(handler.memberships.order_by("pk").values_list("unit", "is_active")) == [
        (unit.pk, False),
        (other_unit.pk, True),
    ]


def test_contact_details_change_where_reminders_go(as_office, handler):
    membership = handler.memberships.get()
    data = {"full_name": "经委承办人", "phone": "13911112222", "email": "new@example.cn"}
    assert as_office.post(reverse("people:person", args=[membership.pk]), data).status_code == 302
    handler.refresh_from_db()
    assert (handler.phone, handler.email) == ("13911112222", "new@example.cn")
    page = as_office.get(reverse("people:person", args=[membership.pk])).text
    assert "13911112222" in page and "区府办" in page


def test_another_districts_people_and_units_are_not_found(as_office, other_district):
    unit = UnitFactory(district=other_district, name="金山区经委")
    user = User.objects.create(username="js")
    m = Membership.objects.create(user=user, role=Role.HANDLER, district=other_district, unit=unit)
    assert as_office.get(reverse("people:unit", args=[unit.pk])).status_code == 404
    assert as_office.get(reverse("people:person", args=[m.pk])).status_code == 404
    assert as_office.post(reverse("people:deactivate", args=[m.pk])).status_code == 404
    assert Membership.objects.get(pk=m.pk).is_active


@pytest.mark.parametrize("who", ["handler", "head", "leader", "proposer_user"])
def test_other_roles_may_not_keep_units_and_people(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("people:units")).status_code == 403
    assert client.get(reverse("people:person_new")).status_code == 403


def test_a_second_click_adds_the_unit_once(as_office, district):
    token = str(uuid.uuid4())
    data = {"district": district.pk, "name": "区民政局", "kind": "bureau", "sort_order": 1, "submit_token": token}
    first = as_office.post(reverse("people:unit_new"), data)
    second = as_office.post(reverse("people:unit_new"), data)
    assert (first.status_code, second.status_code) == (302, 302)
    assert second.url == first.url  # the second click lands where the first went
    assert HandlingUnit.objects.filter(name="区民政局").count() == 1
