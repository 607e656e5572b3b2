"""The item list's session, category and proposer filters, and its batch actions: tick rows to assign them at the
desk or bundle their case files, or bundle the whole filtered list."""

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from casefiles.models import CaseFileBundle
from tests.factories import CategoryFactory, ProposerFactory, SessionFactory
from tests.web.test_list_queries import ITEM_LIST_WITH_UNITS, _get
from tests.workflow.conftest import NOW
from tests.workflow.flow import receive
from workflow.services import assignment, intake

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW + dt.timedelta(days=3), tick=False) as traveller:
        yield traveller


def make_items(district, office, proposer, unit, count=4, *, title=None):
    """Items of 2026 across two sessions (0001-0002, 0003-0004), two categories (经济 0001 and 0003, 综合 0002
    and 0004) and three proposers (张 0001, 李 0002 and 0004, 王 0003); the first two assigned to `unit`.

    Returns (items, sessions, categories, proposers) so a test can say which filter picks what.
    """
    sessions = [
        SessionFactory(district=district, term=6, number=1, label="六届一次"),
        SessionFactory(district=district, term=6, number=2, label="六届二次"),
    ]
    categories = [CategoryFactory(district=district, name="经济"), CategoryFactory(district=district, name="综合")]
    proposers = [
        proposer,
        ProposerFactory(district=district, name="李委员"),
        ProposerFactory(district=district, name="王委员"),
    ]
    items = []
    for n in range(count):
        item = receive(
            office, proposers[(0, 1, 2, 1)[n % 4]], now=NOW, number=f"{n + 1:04d}",
            title=title(n) if title else f"提案{n + 1}", session=sessions[n // 2 % 2], category=categories[n % 2],
        )  # fmt: skip
        intake.register_item(actor=office, now=NOW, item=item)
        if n < 2:
            assignment.assign_units(actor=office, now=NOW, item=item, lead_units=[unit])
        items.append(item)
    return items, sessions, categories, proposers


@pytest.fixture
def data(district, office, proposer, unit):
    return make_items(district, office, proposer, unit)


def login(client, user):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def shown(response):
    """The ids of the rows the list shows."""
    return {int(pk) for pk in re.findall(r'<tr data-item="(\d+)"', response.text)}


def ids(items):
    return {item.pk for item in items}


# --- the filters ---------------------------------------------------------------------------------------------


def test_the_session_filter_shows_the_items_of_that_session_only(client, office, data):
    items, sessions, _categories, _proposers = data
    response = login(client, office).get(reverse("items:list"), {"session": sessions[1].pk})
    assert response.status_code == 200
    assert shown(response) == ids(items[2:4])


def test_the_category_filter_shows_the_items_of_that_category_only(client, office, data):
    items, _sessions, categories, _proposers = data
    response = login(client, office).get(reverse("items:list"), {"category": categories[0].pk})
    assert shown(response) == {items[0].pk, items[2].pk}


def test_the_proposer_filter_finds_the_items_of_proposers_whose_name_holds_what_is_typed(client, office, data):
    items, _sessions, _categories, _proposers = data
    response = login(client, office).get(reverse("items:list"), {"proposer": "李"})
    assert shown(response) == {items[1].pk, items[3].pk}
    assert shown(client.get(reverse("items:list"), {"proposer": "王委员"})) == {items[2].pk}
    assert shown(client.get(reverse("items:list"), {"proposer": "张"})) == {items[0].pk}


def test_the_filters_combine(client, office, data):
    items, sessions, categories, _proposers = data
    query = {"session": sessions[0].pk, "category": categories[1].pk, "proposer": "李"}
    assert shown(login(client, office).get(reverse("items:list"), query)) == {items[1].pk}


def test_the_session_and_category_choices_are_those_of_the_readers_items(
    client, office, outsider, other_district, data
):
    other_session = SessionFactory(district=other_district, label="九届一次")
    other_category = CategoryFactory(district=other_district, name="其他类")
    page = login(client, office).get(reverse("items:list")).text
    assert "六届一次 · CPPCC" in page and "六届二次 · CPPCC" in page and "经济" in page
    assert other_session.label not in page and other_category.name not in page
    # A session of another district, or one none of the reader's items carries, is not a choice.
    response = client.get(reverse("items:list"), {"session": other_session.pk})
    assert response.status_code == 400
    assert "Select a valid choice" in response.text


def test_the_proposer_filter_is_offered_to_who_sees_whole_districts_only(
    client, office, leader, handler, proposer_user, data
):
    for user, offered in ((office, True), (leader, True), (handler, False), (proposer_user, False)):
        page = login(client, user).get(reverse("items:list")).text
        assert ('name="proposer"' in page) is offered, user
        assert 'name="session"' in page and 'name="category"' in page, user


def test_a_proposer_filter_typed_by_someone_not_offered_it_changes_nothing(client, handler, data):
    items, *_ = data
    response = login(client, handler).get(reverse("items:list"), {"proposer": "王"})
    assert shown(response) == ids(items[:2])  # the unit's items, not narrowed


def test_the_list_with_every_new_filter_set_still_costs_6_named_queries(client, office, data):
    items, sessions, categories, _proposers = data
    login(client, office)
    url = f"{reverse('items:list')}?session={sessions[0].pk}&category={categories[0].pk}&proposer=张"
    response, queries = _get(client, url)
    assert shown(response) == {items[0].pk}
    assert queries == ITEM_LIST_WITH_UNITS


# --- the batch actions ------------------------------------------------------------------------------------


def test_the_office_gets_a_checkbox_per_row_and_the_batch_buttons(client, office, data):
    items, *_ = data
    page = login(client, office).get(reverse("items:list")).text
    assert page.count('name="items"') == len(items)
    assert 'form="items-batch"' in page and "data-tick-all" in page
    for button in ("Assign the ticked items", "Case files of the ticked items (PDF)", "Case files of this list (PDF)"):
        assert button in page
    assert "<script>" not in page  # no inline script: static/js/itemlist.js


def test_a_leader_may_bundle_the_list_but_ticks_nothing(client, leader, data):
    page = login(client, leader).get(reverse("items:list")).text
    assert "Case files of this list (PDF)" in page
    assert 'name="items"' not in page and "Assign the ticked items" not in page


@pytest.mark.parametrize("who", ["handler", "head", "proposer_user"])
def test_others_get_no_batch_actions(client, who, request, data):
    page = login(client, request.getfixturevalue(who)).get(reverse("items:list")).text
    assert 'name="items"' not in page and 'id="items-batch"' not in page and "Case files" not in page
    assert "Export to Excel" in page  # every reader exports what they see


def test_assign_the_ticked_items_opens_the_desk_with_them_preselected(client, office, data):
    items, *_ = data
    ticked = [items[2].pk, items[3].pk]
    response = login(client, office).post(reverse("items:assign_ticked"), {"items": ticked, "query": "year=2026"})
    assert response.status_code == 302
    assert response.url == f"{reverse('assigning:desk')}?items={ticked[0]}&items={ticked[1]}"
    desk = client.get(response.url)
    assert desk.status_code == 200
    assert {items[2].number, items[3].number} <= set(re.findall(r"\b000\d\b", desk.text))


def test_assign_with_nothing_ticked_goes_back_to_the_list_saying_so(client, office, data):
    response = login(client, office).post(reverse("items:assign_ticked"), {"query": "year=2026&stage=registered"})
    assert response.url == f"{reverse('items:list')}?year=2026&stage=registered"
    assert "Tick at least one item to assign." in client.get(response.url).text


@pytest.mark.parametrize("who", ["leader", "handler", "proposer_user"])
def test_only_the_office_sends_ticked_items_to_the_desk(client, who, request, data):
    items, *_ = data
    response = login(client, request.getfixturevalue(who)).post(
        reverse("items:assign_ticked"), {"items": [items[0].pk]}
    )
    assert response.status_code == 403


def test_assign_ticked_is_a_post(client, office, data):
    items, *_ = data
    assert login(client, office).get(reverse("items:assign_ticked"), {"items": items[0].pk}).status_code == 405


def test_case_files_of_the_ticked_items_bundle_those_only(client, office, data):
    items, *_ = data
    login(client, office).post(
        reverse("casefiles:bundle_new"), {"query": "year=2026", "ticked": "1", "items": [items[3].pk, items[1].pk]}
    )
    bundle = CaseFileBundle.objects.get()
    assert sorted(bundle.item_ids) == sorted([items[1].pk, items[3].pk])


def test_case_files_of_the_ticked_items_stay_within_the_lists_filters_and_the_readers_district(
    client, office, outsider, other_district, data
):
    items, _sessions, categories, _proposers = data
    foreign = receive(outsider, ProposerFactory(district=other_district), now=NOW, number="9001", title="外区提案")
    query = f"year=2026&category={categories[0].pk}"
    login(client, office).post(
        reverse("casefiles:bundle_new"),
        {"query": query, "ticked": "1", "items": [items[0].pk, items[1].pk, foreign.pk]},
    )
    assert CaseFileBundle.objects.get().item_ids == [items[0].pk]  # 0002 is not 经济, 9001 not the office's


def test_case_files_with_nothing_ticked_say_so(client, office, data):
    response = login(client, office).post(reverse("casefiles:bundle_new"), {"query": "year=2026", "ticked": "1"})
    assert response.status_code == 400
    assert "Tick at least one item." in response.text
    assert not CaseFileBundle.objects.exists()


def test_case_files_of_this_list_bundle_every_row_of_its_filters_even_with_rows_ticked(client, office, data):
    items, sessions, *_ = data
    login(client, office).post(
        reverse("casefiles:bundle_new"), {"query": f"year=2026&session={sessions[1].pk}", "items": [items[0].pk]}
    )
    assert sorted(CaseFileBundle.objects.get().item_ids) == sorted(ids(items[2:4]))


def test_a_second_click_on_a_bundle_button_makes_one_bundle(client, office, data):
    items, *_ = data
    login(client, office)
    form = {"submit_token": "5f0c8b9e-55c4-4a45-9b9d-3f1f6c0d2a11", "query": "", "ticked": "1", "items": [items[0].pk]}
    first = client.post(reverse("casefiles:bundle_new"), form)
    second = client.post(reverse("casefiles:bundle_new"), form)
    assert CaseFileBundle.objects.count() == 1
    assert second.status_code == 302 and second.url == first.url
