"""The office assigns: one item, many at the desk, a returned assignment again, key items; and the item page's acts."""

import datetime as dt
import threading
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import translation

from districts.models import HandlingUnit, Role
from proposals.models import Item
from tests.conftest import BrowserClient
from tests.factories import MembershipFactory, ProposerFactory, UnitFactory, UserFactory
from web.items.panel import acts_for
from web.office.assigning.panel import offers
from workflow.models import Assignment, Event
from workflow.services import assignment as assign
from workflow.services import intake

from ...workflow.flow import receive

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False) as traveller:
        yield traveller


@pytest.fixture
def co_unit(district):
    return UnitFactory(district=district, name="区民政局", short_name="民政局", kind=HandlingUnit.Kind.BUREAU)


@pytest.fixture
def street(district):
    return UnitFactory(district=district, name="莘庄镇", short_name="莘庄", kind=HandlingUnit.Kind.STREET_TOWN)


@pytest.fixture
def foreign_unit(other_district):
    return UnitFactory(district=other_district, name="金山区经委", short_name="金山经委")


def registered_item(office, proposer, number="0001", title="关于加强社区养老服务的建议"):
    item = receive(office, proposer, now=NOW, number=number, title=title, disclosure=Item.Disclosure.PUBLIC)
    return intake.register_item(actor=office, now=NOW, item=item)


@pytest.fixture
def registered(office, proposer):
    return registered_item(office, proposer)


def login(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def text(response):
    return response.content.decode()


def follow(client, response):
    assert response.status_code == 302, text(response)[:2000]
    return text(client.get(response["Location"]))


# --- assign one item ----------------------------------------------------------------------------------------


def test_the_office_sees_the_districts_active_units_grouped_by_kind(
    client, registered, office, unit, co_unit, street, foreign_unit
):
    UnitFactory(district=registered.district, name="已撤销的局", is_active=False)
    response = login(client, office).get(reverse("assigning:assign", args=[registered.pk]))
    page = text(response)
    assert response.status_code == 200
    assert "关于加强社区养老服务的建议" in page and "张委员" in page
    assert "区经委" in page and "区民政局" in page and "莘庄镇" in page
    assert "金山区经委" not in page and "已撤销的局" not in page
    # Bureaus first, then streets and towns, each a group of its own.
    assert page.index("Bureau") < page.index("区经委") < page.index("Street or town") < page.index("莘庄镇")
    assert 'name="submit_token"' in page


def test_the_office_assigns_a_lead_and_a_co_unit(client, registered, office, unit, co_unit):
    response = login(client, office).post(
        reverse("assigning:assign", args=[registered.pk]), {"lead_units": [unit.pk], "co_units": [co_unit.pk]}
    )
    assert response["Location"] == reverse("items:detail", args=[registered.pk])
    page = follow(client, response)
    assert "The item is assigned. Lead: 区经委. Co-handling: 区民政局." in page
    roles = dict(Assignment.objects.filter(item=registered).values_list("unit__name", "role"))
    assert roles == {"区经委": Assignment.Role.LEAD, "区民政局": Assignment.Role.CO}
    registered.refresh_from_db()
    assert registered.state == Item.State.HANDLING


def test_several_lead_units_are_assigned_as_split_leads(client, registered, office, unit, other_unit):
    response = login(client, office).post(
        reverse("assigning:assign", args=[registered.pk]), {"lead_units": [unit.pk, other_unit.pk], "split": "on"}
    )
    assert response.status_code == 302
    assert set(Assignment.objects.filter(item=registered).values_list("role", flat=True)) == {"split_lead"}


def test_several_leads_without_split_show_the_services_reason_and_keep_the_ticks(
    client, registered, office, unit, other_unit, co_unit
):
    response = login(client, office).post(
        reverse("assigning:assign", args=[registered.pk]),
        {"lead_units": [unit.pk, other_unit.pk], "co_units": [co_unit.pk]},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["lead_units"] == [
        "Several lead units reply separately: assign them as split leads (分办)."
    ]
    page = text(response)
    assert f'name="lead_units" value="{unit.pk}" data-unit="区经委" checked' in page
    assert f'name="co_units" value="{co_unit.pk}" data-unit="区民政局" checked' in page
    assert not Assignment.objects.exists()


def test_no_lead_unit_is_the_services_refusal_beside_the_field(client, registered, office, co_unit):
    response = login(client, office).post(reverse("assigning:assign", args=[registered.pk]), {"co_units": [co_unit.pk]})
    assert response.status_code == 400
    assert response.context["form"].errors["lead_units"] == ["Choose a lead unit."]
    assert "Nothing was done." in text(response)


@pytest.mark.parametrize("which", ["foreign", "inactive", "junk"])
def test_a_unit_not_offered_is_a_field_error(client, registered, office, foreign_unit, which):
    inactive = UnitFactory(district=registered.district, name="已撤销的局", is_active=False)
    value = {"foreign": foreign_unit.pk, "inactive": inactive.pk, "junk": "经委"}[which]
    response = login(client, office).post(reverse("assigning:assign", args=[registered.pk]), {"lead_units": [value]})
    assert response.status_code == 400
    assert response.context["form"].errors["lead_units"]
    assert not Assignment.objects.exists()


def test_a_district_leader_may_read_the_item_but_not_assign_it(client, registered, leader, unit):
    login(client, leader)
    assert client.get(reverse("assigning:assign", args=[registered.pk])).status_code == 403
    response = client.post(reverse("assigning:assign", args=[registered.pk]), {"lead_units": [unit.pk]})
    assert response.status_code == 403
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "handler"])
def test_another_districts_office_and_a_unit_get_404(client, registered, unit, who, request):
    login(client, request.getfixturevalue(who))
    assert client.get(reverse("assigning:assign", args=[registered.pk])).status_code == 404
    response = client.post(reverse("assigning:assign", args=[registered.pk]), {"lead_units": [unit.pk]})
    assert response.status_code == 404
    assert not Assignment.objects.exists()


def test_an_item_already_assigned_shows_the_services_message(client, registered, office, unit, other_unit):
    assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[other_unit])
    response = login(client, office).post(reverse("assigning:assign", args=[registered.pk]), {"lead_units": [unit.pk]})
    assert response.status_code == 409
    assert "Only a registered item awaiting assignment can be assigned." in text(response)
    assert list(Assignment.objects.values_list("unit", flat=True)) == [other_unit.pk]


def test_an_item_not_yet_registered_is_refused(client, office, proposer, unit):
    received = receive(office, proposer, now=NOW, number="0009", title="未立案的提案")
    response = login(client, office).post(reverse("assigning:assign", args=[received.pk]), {"lead_units": [unit.pk]})
    assert response.status_code == 400
    assert "Only a registered item awaiting assignment can be assigned." in text(response)


def test_a_double_submit_assigns_once(client, registered, office, unit):
    login(client, office)
    data = {"submit_token": str(uuid.uuid4()), "lead_units": [unit.pk]}
    first = client.post(reverse("assigning:assign", args=[registered.pk]), data)
    second = client.post(reverse("assigning:assign", args=[registered.pk]), data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert "already been sent; nothing was done a second time" in follow(client, second)
    assert Assignment.objects.count() == 1
    assert Event.objects.filter(action="item.assigned").count() == 1


# --- the assignment desk -------------------------------------------------------------------------------------


@pytest.fixture
def awaiting(office, proposer):
    return [registered_item(office, proposer, number=f"{n:04d}", title=f"第{n}号提案") for n in (1, 2, 3)]


def desk(client, user, query=""):
    login(client, user)
    return client.get(reverse("assigning:desk") + query)


def test_the_desk_lists_the_districts_items_awaiting_assignment_only(
    client, awaiting, office, proposer, outsider, other_district, unit
):
    received = receive(office, proposer, now=NOW, number="0010", title="未立案的提案")
    handled = registered_item(office, proposer, number="0011", title="已交办的提案")
    assign.assign_units(actor=office, now=NOW, item=handled, lead_units=[unit])
    elsewhere = registered_item(
        outsider, ProposerFactory(district=other_district, name="金山委员"), number="0001", title="金山的提案"
    )
    response = desk(client, office)
    shown = {item.pk for item in response.context["page"]}
    assert shown == {item.pk for item in awaiting}
    assert received.pk not in shown and handled.pk not in shown and elsewhere.pk not in shown
    page = text(response)
    assert "第1号提案" in page and "区经委" in page and "3 items" in page


def _many_registered(office, proposer, start, count):
    for n in range(start, start + count):
        registered_item(office, proposer, number=f"{n:04d}", title=f"第{n}号提案")


def test_the_desk_costs_the_same_queries_for_one_item_or_a_full_page(
    client, office, proposer, unit, co_unit, street, django_assert_num_queries
):
    _many_registered(office, proposer, 1, 1)
    login(client, office)
    client.get(reverse("assigning:desk"))  # the session is written once at login; read only from here on
    # The session, the user with the bell and their roles (2); the districts they act as the office in (1);
    # the page's count, its items with category, session and lead proposers (2); the units (1).
    with django_assert_num_queries(6):
        small = client.get(reverse("assigning:desk"))
    _many_registered(office, proposer, 2, 59)
    with django_assert_num_queries(6):
        large = client.get(reverse("assigning:desk"))
    assert len(small.context["page"]) == 1 and len(large.context["page"]) == 50
    assert large.context["page"].paginator.count == 60


def test_the_desk_assigns_every_ticked_item(client, awaiting, office, unit, co_unit):
    first, second, third = awaiting
    login(client, office)
    response = client.post(
        reverse("assigning:desk"),
        {"items": [first.pk, second.pk], "lead_units": [unit.pk], "co_units": [co_unit.pk]},
    )
    page = follow(client, response)
    assert "2 items assigned." in page
    assert "Assigned: 2 items" in page and "Refused: 0 items" in page and "第1号提案" in page
    for item in (first, second):
        assert set(Assignment.objects.filter(item=item).values_list("unit", "role")) == {
            (unit.pk, "lead"),
            (co_unit.pk, "co"),
        }
    third.refresh_from_db()
    assert third.state == Item.State.REGISTERED
    # The result page is read from the session: opening it again assigns nothing.
    assert "Assigned: 2 items" in text(client.get(response["Location"]))
    assert Assignment.objects.count() == 4


def test_the_desk_says_which_items_were_refused_and_why(client, awaiting, office, unit, other_unit, outsider):
    first, second, _third = awaiting
    # Another clerk assigned the second item meanwhile.
    assign.assign_units(actor=office, now=NOW, item=second, lead_units=[other_unit])
    data = {"items": [first.pk, second.pk], "lead_units": [unit.pk]}
    response = login(client, office).post(reverse("assigning:desk"), data)
    page = follow(client, response)
    assert "1 item assigned. 1 item refused: see why below." in page
    assert "Assigned: 1 item" in page and "Refused: 1 item" in page
    assert "Only a registered item awaiting assignment can be assigned." in page
    assert list(Assignment.objects.filter(item=second).values_list("unit", flat=True)) == [other_unit.pk]
    assert list(Assignment.objects.filter(item=first).values_list("unit", flat=True)) == [unit.pk]


def test_nothing_ticked_is_a_field_error(client, awaiting, office, unit):
    response = login(client, office).post(reverse("assigning:desk"), {"lead_units": [unit.pk]})
    assert response.status_code == 400
    assert response.context["form"].errors["items"] == ["Tick at least one item to assign."]
    assert not Assignment.objects.exists()


def test_when_nothing_can_be_assigned_the_form_comes_back_with_the_reason(
    client, awaiting, office, unit, other_unit, co_unit
):
    first, second, _third = awaiting
    response = login(client, office).post(
        reverse("assigning:desk"), {"items": [first.pk, second.pk], "lead_units": [unit.pk, other_unit.pk]}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["lead_units"] == [
        "Several lead units reply separately: assign them as split leads (分办)."
    ]
    page = text(response)
    assert "Not assigned:" in page and "第1号提案" in page
    assert f'name="items" value="{first.pk}" checked' in page
    assert not Assignment.objects.exists()


def test_another_districts_item_on_the_desk_is_refused_as_not_found(
    client, awaiting, office, unit, outsider, other_district
):
    elsewhere = registered_item(
        outsider, ProposerFactory(district=other_district, name="金山委员"), number="0001", title="金山的提案"
    )
    response = login(client, office).post(
        reverse("assigning:desk"), {"items": [awaiting[0].pk, elsewhere.pk], "lead_units": [unit.pk]}
    )
    page = follow(client, response)
    assert "Refused: 1 item" in page and "This item does not exist or is not yours to see." in page
    assert "金山的提案" not in page
    assert not Assignment.objects.filter(item=elsewhere).exists()


def test_the_desk_takes_a_preselection_from_the_item_list(client, awaiting, office, unit):
    first, _second, third = awaiting
    assign.assign_units(actor=office, now=NOW, item=third, lead_units=[unit])
    response = desk(client, office, f"?items={first.pk}&items={third.pk}")
    assert [item.pk for item in response.context["page"]] == [first.pk]
    page = text(response)
    assert f'name="items" value="{first.pk}" checked' in page
    assert "1 chosen item is not awaiting assignment in this district and is left out." in page
    assert "Show every item awaiting assignment" in page


def test_the_desk_narrows_to_a_body_or_words_of_the_title(client, awaiting, office, proposer):
    title = "关于社区养老食堂的建议"
    npc = receive(office, proposer, now=NOW, number="0100", title=title, body="npc", kind="suggestion")
    npc = intake.register_item(actor=office, now=NOW, item=npc)
    assert [item.pk for item in desk(client, office, "?q=养老").context["page"]] == [npc.pk]
    assert [item.pk for item in desk(client, office, "?q=0002").context["page"]] == [awaiting[1].pk]
    assert {item.pk for item in desk(client, office, "?body=cppcc").context["page"]} == {i.pk for i in awaiting}
    response = desk(client, office, "?body=nobody")
    assert response.status_code == 400 and response.context["filters"].errors["body"]


def test_an_unreadable_preselection_shows_the_whole_desk_with_a_note(client, awaiting, office):
    response = desk(client, office, "?items=abc")
    assert response.status_code == 200
    assert len(response.context["page"]) == 3
    assert "could not be read" in text(response)


@pytest.mark.parametrize("who", ["leader", "handler", "proposer_user"])
def test_the_desk_is_the_offices_only(client, awaiting, unit, who, request):
    assert desk(client, request.getfixturevalue(who)).status_code == 403
    response = client.post(reverse("assigning:desk"), {"items": [awaiting[0].pk], "lead_units": [unit.pk]})
    assert response.status_code == 403
    assert not Assignment.objects.exists()


def test_an_administrator_chooses_the_district(client, awaiting, city_admin, other_district, outsider):
    elsewhere = registered_item(
        outsider, ProposerFactory(district=other_district, name="金山委员"), number="0001", title="金山的提案"
    )
    response = desk(client, city_admin, f"?district={other_district.pk}")
    assert [item.pk for item in response.context["page"]] == [elsewhere.pk]
    assert 'id="desk-district"' in text(response)  # a choice of district for who acts in several
    assert desk(client, city_admin, "?district=99999").status_code == 404


def test_a_double_submit_of_the_desk_acts_once(client, awaiting, office, unit):
    login(client, office)
    data = {"submit_token": str(uuid.uuid4()), "items": [awaiting[0].pk], "lead_units": [unit.pk]}
    first = client.post(reverse("assigning:desk"), data)
    second = client.post(reverse("assigning:desk"), data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert "Assigned: 1 item" in follow(client, second)
    assert Event.objects.filter(action="item.assigned").count() == 1


def test_an_unknown_result_sends_back_to_the_desk(client, office):
    response = login(client, office).get(reverse("assigning:desk_done", args=["nope"]))
    assert response.status_code == 302 and response["Location"] == reverse("assigning:desk")


# --- reassigning a returned assignment --------------------------------------------------------------------------


@pytest.fixture
def returned(registered, office, unit, handler):
    (lead,) = assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[unit])
    return assign.return_assignment(actor=handler, now=NOW, assignment=lead, reason="不属于本单位职责，建议交区民政局")


def test_the_office_reads_the_units_reason_and_reassigns(client, returned, office, co_unit):
    response = login(client, office).get(reverse("assigning:reassign", args=[returned.pk]))
    page = text(response)
    assert response.status_code == 200
    assert "Returned by 区经委" in page and "不属于本单位职责，建议交区民政局" in page
    response = client.post(reverse("assigning:reassign", args=[returned.pk]), {"unit": co_unit.pk})
    assert response["Location"] == reverse("items:detail", args=[returned.item_id])
    assert "Reassigned to 区民政局; its clocks start now." in follow(client, response)
    new = Assignment.objects.get(replaces=returned)
    assert (new.unit, new.role, new.state) == (co_unit, Assignment.Role.LEAD, Assignment.State.PENDING)


def test_reassigning_an_assignment_not_returned_shows_the_services_message(client, registered, office, unit, co_unit):
    (lead,) = assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[unit])
    response = login(client, office).post(reverse("assigning:reassign", args=[lead.pk]), {"unit": co_unit.pk})
    assert response.status_code == 400
    assert "Only a returned assignment can be reassigned." in text(response)


def test_reassigning_twice_is_a_conflict(client, returned, office, co_unit, other_unit):
    assign.reassign(actor=office, now=NOW, assignment=returned, unit=other_unit)
    login(client, office)
    assert "Already reassigned to 区科委" in text(client.get(reverse("assigning:reassign", args=[returned.pk])))
    response = client.post(reverse("assigning:reassign", args=[returned.pk]), {"unit": co_unit.pk})
    assert response.status_code == 409
    assert "This returned assignment has already been reassigned." in text(response)


def test_reassigning_needs_a_unit_and_not_one_already_handling(client, returned, office, co_unit, foreign_unit):
    assign.reassign(actor=office, now=NOW, assignment=returned, unit=co_unit)
    new = Assignment.objects.get(replaces=returned)
    assign.return_assignment(actor=None, now=NOW, assignment=new, reason="也不属于本单位")
    login(client, office)
    response = client.post(reverse("assigning:reassign", args=[new.pk]), {})
    assert response.status_code == 400
    assert response.context["form"].errors["unit"] == ["Choose the unit the item goes to."]
    response = client.post(reverse("assigning:reassign", args=[new.pk]), {"unit": foreign_unit.pk})
    assert response.status_code == 400
    assert response.context["form"].errors["unit"] == ["This is not an active unit of this district."]


def test_reassigning_to_a_unit_already_on_the_item_is_refused_beside_the_field(
    client, registered, office, unit, co_unit, handler
):
    lead, _co = assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[unit], co_units=[co_unit])
    assign.return_assignment(actor=handler, now=NOW, assignment=lead, reason="不属于本单位职责")
    response = login(client, office).post(reverse("assigning:reassign", args=[lead.pk]), {"unit": co_unit.pk})
    assert response.status_code == 400
    assert response.context["form"].errors["unit"] == ["This unit already handles the item."]
    page = text(response)
    assert f'name="unit" value="{co_unit.pk}" checked' in page


def test_reassigning_is_the_offices_only(client, returned, co_unit, leader, outsider):
    login(client, leader)
    assert client.get(reverse("assigning:reassign", args=[returned.pk])).status_code == 403
    assert client.post(reverse("assigning:reassign", args=[returned.pk]), {"unit": co_unit.pk}).status_code == 403
    login(client, outsider)
    assert client.get(reverse("assigning:reassign", args=[returned.pk])).status_code == 404
    assert client.post(reverse("assigning:reassign", args=[returned.pk]), {"unit": co_unit.pk}).status_code == 404
    assert client.get(reverse("assigning:reassign", args=[returned.pk + 1000])).status_code == 404
    assert not Assignment.objects.filter(replaces=returned).exists()


def test_a_double_submit_reassigns_once(client, returned, office, co_unit):
    login(client, office)
    data = {"submit_token": str(uuid.uuid4()), "unit": co_unit.pk}
    first = client.post(reverse("assigning:reassign", args=[returned.pk]), data)
    second = client.post(reverse("assigning:reassign", args=[returned.pk]), data)
    assert first.status_code == second.status_code == 302
    assert Assignment.objects.filter(replaces=returned).count() == 1


# --- key items --------------------------------------------------------------------------------------------------


def test_the_office_marks_a_key_item_with_its_leader(client, registered, office, leader):
    login(client, office)
    page = text(client.get(reverse("assigning:key", args=[registered.pk])))
    assert "分管副区长" in page
    response = client.post(reverse("assigning:key", args=[registered.pk]), {"leader": leader.pk})
    assert response["Location"] == reverse("items:detail", args=[registered.pk])
    assert "Key item, led by 分管副区长." in follow(client, response)
    registered.refresh_from_db()
    assert registered.is_key and registered.supervising_leader == leader


def test_only_a_leader_of_the_district_can_lead_a_key_item(client, registered, office, handler, leader, other_district):
    stranger = UserFactory(username="jinshan-leader", full_name="金山副区长")
    MembershipFactory(user=stranger, role=Role.LEADER, district=other_district)
    login(client, office)
    page = text(client.get(reverse("assigning:key", args=[registered.pk])))
    assert "金山副区长" not in page
    for value in (handler.pk, stranger.pk):
        response = client.post(reverse("assigning:key", args=[registered.pk]), {"leader": value})
        assert response.status_code == 400
        assert response.context["form"].errors["leader"] == ["This is not a district leader of this district."]
    response = client.post(reverse("assigning:key", args=[registered.pk]), {})
    assert response.context["form"].errors["leader"] == ["Choose the district leader who leads the item."]
    registered.refresh_from_db()
    assert not registered.is_key


def test_a_rejected_item_cannot_become_a_key_item(client, office, proposer, leader):
    item = receive(office, proposer, now=NOW, number="0008", title="不立案的提案")
    intake.reject_item(actor=office, now=NOW, item=item, reason="不属于本区职权范围")
    response = login(client, office).post(reverse("assigning:key", args=[item.pk]), {"leader": leader.pk})
    assert response.status_code == 400
    assert "Only an item still to be handled can become a key item." in text(response)


def test_key_items_are_the_offices_only(client, registered, leader, outsider):
    login(client, leader)
    assert client.get(reverse("assigning:key", args=[registered.pk])).status_code == 403
    assert client.post(reverse("assigning:key", args=[registered.pk]), {"leader": leader.pk}).status_code == 403
    login(client, outsider)
    assert client.get(reverse("assigning:key", args=[registered.pk])).status_code == 404
    assert client.post(reverse("assigning:key", args=[registered.pk]), {"leader": leader.pk}).status_code == 404
    registered.refresh_from_db()
    assert not registered.is_key


def test_a_double_submit_marks_once(client, registered, office, leader):
    login(client, office)
    data = {"submit_token": str(uuid.uuid4()), "leader": leader.pk}
    client.post(reverse("assigning:key", args=[registered.pk]), data)
    client.post(reverse("assigning:key", args=[registered.pk]), data)
    assert Event.objects.filter(action="item.key").count() == 1


# --- the item page's acts -----------------------------------------------------------------------------------------


def _acts(user, item):
    assignments = list(item.assignments.select_related("unit"))
    return {act.label: act for act in offers(user, item, assignments)}


def test_the_office_is_offered_assign_and_key_on_a_registered_item(registered, office, leader):
    with translation.override("en"):
        acts = _acts(office, registered)
    assert acts["Assign units"].url == reverse("assigning:assign", args=[registered.pk])
    assert acts["Assign units"].primary
    assert acts["Mark as key item"].url == reverse("assigning:key", args=[registered.pk])
    assert _acts(leader, registered) == {}


def test_the_office_is_offered_to_reassign_each_returned_assignment(returned, office, co_unit, handler):
    item = Item.objects.get(pk=returned.item_id)
    with translation.override("en"):
        acts = _acts(office, item)
    assert "Assign units" not in acts
    assert acts["Reassign (returned by 经委)"].url == reverse("assigning:reassign", args=[returned.pk])
    assign.reassign(actor=office, now=NOW, assignment=returned, unit=co_unit)
    with translation.override("en"):
        assert not any(label.startswith("Reassign") for label in _acts(office, item))
    assert _acts(handler, item) == {}


def test_the_item_page_shows_the_acts_as_buttons(client, registered, office):
    page = text(login(client, office).get(reverse("items:detail", args=[registered.pk])))
    assert f'href="{reverse("assigning:assign", args=[registered.pk])}"' in page
    assert f'href="{reverse("assigning:key", args=[registered.pk])}"' in page
    assert any(act.url.endswith("/assign/") for act in acts_for(office, registered, []))


# --- two clerks at the desk at once ---------------------------------------------------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_clerks_assigning_the_same_items_in_opposite_order_each_item_once_and_no_deadlock(
    district, office, proposer, unit, other_unit
):
    first, second = (registered_item(office, proposer, number=f"{n:04d}", title=f"第{n}号提案") for n in (1, 2))
    colleague = UserFactory(username="colleague", full_name="区府办同事")
    MembershipFactory(user=colleague, role=Role.OFFICE, district=district)
    clients = [login(BrowserClient(), office), login(BrowserClient(), colleague)]
    posts = [
        {"items": [first.pk, second.pk], "lead_units": [unit.pk]},
        {"items": [second.pk, first.pk], "lead_units": [other_unit.pk]},
    ]
    barrier = threading.Barrier(2)
    statuses = [None, None]

    def run(i):
        try:
            barrier.wait()
            statuses[i] = clients[i].post(reverse("assigning:desk"), posts[i]).status_code
        except Exception as exc:  # a deadlock or a 500 is what this test looks for
            statuses[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # Each batch either assigned something (302) or had every item taken by the other (409, nothing done).
    assert set(statuses) <= {302, 409} and 302 in statuses, statuses
    for item in (first, second):
        assert Event.objects.filter(item=item, action="item.assigned").count() == 1
        assert Assignment.objects.filter(item=item).count() == 1
