"""The item list (/items/): each role sees its own items, filters narrow them, the page costs the same for any size."""

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from districts.models import Role
from tests.factories import CategoryFactory, ItemFactory, MembershipFactory, ProposerFactory, UnitFactory, UserFactory
from web.items.listing import PAGE_SIZE
from workflow.selectors import visible_items
from workflow.services import assignment as assign
from workflow.services import intake, replies

from .conftest import NOW, category
from .flow import consult, receive

pytestmark = pytest.mark.django_db

TODAY = NOW + dt.timedelta(days=1)  # Tuesday 3 March 2026: nothing is due yet
LATER = dt.datetime(2026, 3, 12, 9, 0, tzinfo=NOW.tzinfo)  # Thursday: 0002's acceptance (due 9 March) is overdue
HOUR = dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _clock():
    """The list reads today's date; keep it next to the fixtures' clock, whatever the real date."""
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(district, other_district, office, outsider, proposer, unit, other_unit, leader, handler, other_handler):
    """Items of 2026 at three stages, one of 2025, and one of the other district, built through the services.

    0001 (张委员, 经济): `unit` accepted it, so it waits for the consultation; due 23 March; changed last.
    0002 (王委员, key item): assigned to `other_unit`, awaiting its acceptance; due 9 March.
    0003 (李代表, an NPC suggestion): received, awaiting the office's review; nothing due.
    0099 (张委员, 2025): received. 9001: the other district's.
    """
    economy = CategoryFactory(district=district, name="经济")
    wang = ProposerFactory(district=district, name="王委员")
    li = ProposerFactory(district=district, name="李代表", body="npc")
    first = receive(office, proposer, now=NOW, number="0001", title="关于加强社区养老服务的建议", category=economy)
    second = receive(office, wang, now=NOW + HOUR, number="0002", title="关于优化公交线路的提案")
    third = receive(
        office, li, now=NOW + 2 * HOUR, number="0003", title="关于增设停车位的建议", body="npc", kind="suggestion"
    )
    intake.receive_item(
        actor=office, now=NOW, district=district, year=2025, body="cppcc", kind="proposal", number="0099",
        title="关于去年的提案", lead_proposer=proposer,
    )  # fmt: skip
    jinshan = ProposerFactory(district=other_district, name="金山委员")
    receive(outsider, jinshan, now=NOW, number="9001", title="金山的提案")
    for item, now in ((first, NOW), (second, NOW + HOUR)):
        intake.register_item(actor=office, now=now, item=item)
    (lead,) = assign.assign_units(actor=office, now=NOW, item=first, lead_units=[unit])
    assign.assign_units(actor=office, now=NOW + HOUR, item=second, lead_units=[other_unit])
    assign.mark_key_item(actor=office, now=NOW + HOUR, item=second, leader=leader)
    assign.accept_assignment(actor=handler, now=NOW + 3 * HOUR, assignment=lead)
    return {"first": first, "second": second, "third": third, "lead": lead}


def get(client, user, query=""):
    """The list as `user` reads it, in English so the assertions read the msgids."""
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.get(reverse("items:list") + query)


def navigation(response):
    return re.search(r'<nav class="mainnav".*?</nav>', response.content.decode(), re.S).group(0)


def numbers(response):
    """The item numbers of the page, in order."""
    assert response.status_code == 200, response.content.decode()[:2000]
    return [item.number for item, *_labels in response.context["rows"]]


# --- who sees what --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("office", ["0001", "0002", "0003", "0099"]),
        ("leader", ["0001", "0002", "0003", "0099"]),
        ("handler", ["0001"]),
        ("other_handler", ["0002"]),
        ("proposer_user", ["0001", "0099"]),
        ("outsider", ["9001"]),
        ("city_admin", ["0001", "0002", "0003", "0099", "9001"]),
    ],
)
def test_each_role_sees_exactly_its_items(client, world, who, expected, request):
    assert sorted(numbers(get(client, request.getfixturevalue(who), "?year="))) == expected


def test_another_districts_office_without_items_sees_none_and_is_told_so(client, world):
    user = UserFactory(username="jingan_office")
    MembershipFactory(user=user, role=Role.OFFICE, district=UnitFactory().district)
    response = get(client, user)
    assert response.status_code == 200 and response.context["rows"] == []
    assert "There are no items yet." in response.content.decode()


def test_a_unit_with_nothing_assigned_is_told_so(client, world, co_handler):
    page_text = get(client, co_handler).content.decode()
    assert "Nothing is assigned to your unit yet." in page_text
    assert "0001" not in page_text and "0002" not in page_text


def test_a_user_without_a_role_sees_nothing_and_has_no_items_link(client, world):
    user = UserFactory(username="nobody")
    response = get(client, user)
    assert response.context["rows"] == []
    assert f'href="{reverse("items:list")}"' not in navigation(response)


def test_anonymous_users_are_sent_to_log_in(client, world):
    response = client.get(reverse("items:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_unit_filter_does_not_widen_a_units_view(client, world, handler, other_unit):
    """The unit filter is the office's and leaders'; a unit asking for another unit's items still sees its own."""
    response = get(client, handler, f"?year=&unit={other_unit.pk}")
    assert numbers(response) == ["0001"] and "unit" not in response.context["filters"].form.fields


# --- filters ----------------------------------------------------------------------------------


def test_the_year_defaults_to_the_current_one_when_the_user_has_items_in_it(client, world, office, _clock):
    assert sorted(numbers(get(client, office))) == ["0001", "0002", "0003"]
    assert numbers(get(client, office, "?year=2025")) == ["0099"]
    _clock.move_to(dt.datetime(2027, 1, 5, 9, 0, tzinfo=NOW.tzinfo))  # nothing of 2027 yet: every year
    assert sorted(numbers(get(client, office))) == ["0001", "0002", "0003", "0099"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?body=npc", ["0003"]),
        ("?kind=suggestion", ["0003"]),
        ("?kind=proposal", ["0001", "0002"]),
        ("?stage=received", ["0003"]),
        ("?stage=handling", ["0001", "0002"]),
        ("?key=on", ["0002"]),
        ("?q=养老", ["0001"]),
        ("?q=0002", ["0002"]),
        ("?q=+停车+", ["0003"]),
        ("?mine=on", ["0003"]),  # the office reviews what it received
        ("?body=cppcc&stage=handling&key=on", ["0002"]),
    ],
)
def test_each_filter_narrows_the_offices_list(client, world, office, query, expected):
    assert sorted(numbers(get(client, office, query))) == expected


def test_the_unit_filter_offers_the_districts_units_only(client, world, office, unit, other_unit, other_district):
    response = get(client, office, f"?unit={other_unit.pk}")
    assert numbers(response) == ["0002"]
    offered = list(response.context["filters"].form.fields["unit"].queryset)
    assert unit in offered and other_unit in offered
    other_districts_unit = UnitFactory(district=other_district)
    assert other_districts_unit not in offered
    assert get(client, office, f"?unit={other_districts_unit.pk}").status_code == 400


def test_overdue_only_keeps_the_overdue_items(client, world, office, _clock):
    assert numbers(get(client, office, "?overdue=on")) == []
    _clock.move_to(LATER)
    assert numbers(get(client, office, "?overdue=on")) == ["0002"]


def test_waiting_on_my_unit_is_each_units_own_work(client, world, handler, other_handler, co_handler):
    assert numbers(get(client, handler, "?mine=on")) == ["0001"]  # its consultation
    assert numbers(get(client, other_handler, "?mine=on")) == ["0002"]  # its acceptance
    assert "mine" in get(client, co_handler).context["filters"].form.fields


def test_waiting_on_the_leader_and_on_the_proposer(client, world, office, handler, head, leader, proposer_user):
    """A reply "for reference" awaits the responsible leader's sign-off; a sent reply awaits the proposer's feedback."""
    lead = world["lead"]
    consult(lead, handler, NOW)
    draft = replies.draft_reply(
        actor=handler, now=NOW, assignment=lead, text="留作参考", category=category("cppcc", "C"), signer="主任"
    )
    replies.submit_reply(actor=handler, now=NOW, reply=draft)
    replies.approve_reply(actor=head, now=NOW, reply=draft)
    assert numbers(get(client, leader, "?mine=on")) == ["0001"]
    assert numbers(get(client, proposer_user, "?mine=on")) == []
    replies.sign_off_reply(actor=leader, now=NOW, reply=draft)
    replies.send_reply(actor=office, now=NOW, reply=draft)
    assert numbers(get(client, leader, "?mine=on")) == []
    assert numbers(get(client, proposer_user, "?mine=on")) == ["0001"]
    assert numbers(get(client, handler, "?mine=on")) == []  # the unit waits for nobody's feedback


def test_a_lead_unit_sees_its_consultation_while_a_returned_co_unit_awaits_reassignment(
    client, registered, office, unit, co_unit, handler, co_handler, head, leader
):
    """Work in parallel: the office owes the reassignment while the lead unit, its head and the leader
    each owe their own step; every one of them finds the item waiting on them."""
    lead, co = assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[unit], co_units=[co_unit])
    assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
    assign.return_assignment(actor=co_handler, now=NOW, assignment=co, reason="不属于本单位职责")
    assert numbers(get(client, handler, "?mine=on")) == ["0001"]  # its consultation
    assert numbers(get(client, office, "?mine=on")) == ["0001"]  # the reassignment
    consult(lead, handler, NOW)
    draft = replies.draft_reply(
        actor=handler, now=NOW, assignment=lead, text="留作参考", category=category("cppcc", "C"), signer="主任"
    )
    replies.submit_reply(actor=handler, now=NOW, reply=draft)
    assert numbers(get(client, head, "?mine=on")) == ["0001"]  # its approval
    assert numbers(get(client, leader, "?mine=on")) == []
    replies.approve_reply(actor=head, now=NOW, reply=draft)
    assert numbers(get(client, leader, "?mine=on")) == ["0001"]  # its sign-off
    assert numbers(get(client, head, "?mine=on")) == numbers(get(client, handler, "?mine=on")) == []
    assert numbers(get(client, office, "?mine=on")) == ["0001"]  # still the reassignment


def test_split_leads_each_wait_on_their_own_approver(
    client, registered, office, district, unit, other_unit, handler, other_handler, head, leader
):
    """分办: one lead's reply awaits the office, the other's its head; both find the item waiting on them."""
    other_head = UserFactory(username="other_head")
    MembershipFactory(user=other_head, role=Role.UNIT_HEAD, district=district, unit=other_unit)
    first, second = assign.assign_units(
        actor=office, now=NOW, item=registered, lead_units=[unit, other_unit], split=True
    )
    drafts = []
    for assignment, unit_handler, code in ((first, handler, "A"), (second, other_handler, "C")):
        assign.accept_assignment(actor=unit_handler, now=NOW, assignment=assignment)
        consult(assignment, unit_handler, NOW)
        draft = replies.draft_reply(
            actor=unit_handler,
            now=NOW,
            assignment=assignment,
            text="答复",
            category=category("cppcc", code),
            signer="主任",
        )
        drafts.append(replies.submit_reply(actor=unit_handler, now=NOW, reply=draft))
    replies.approve_reply(actor=head, now=NOW, reply=drafts[0])
    assert numbers(get(client, office, "?mine=on")) == ["0001"]  # the first lead's reply to review
    assert numbers(get(client, other_head, "?mine=on")) == ["0001"]  # the second lead's reply to approve
    assert numbers(get(client, head, "?mine=on")) == []  # its reply is with the office
    replies.approve_reply(actor=other_head, now=NOW, reply=drafts[1])
    assert numbers(get(client, leader, "?mine=on")) == ["0001"]
    assert numbers(get(client, office, "?mine=on")) == ["0001"]
    assert numbers(get(client, other_head, "?mine=on")) == numbers(get(client, other_handler, "?mine=on")) == []


def test_after_the_second_reply_the_closing_report_waits_on_the_lead_unit(
    client, accepted, office, handler, head, proposer_user
):
    from workflow.models import Reply
    from workflow.services import closing, feedback

    from .flow import reply as send

    item = accepted.item
    consult(accepted, handler, NOW)
    send(accepted, handler=handler, head=head, office=office, category=category("cppcc", "B"), now=NOW)
    feedback.record_feedback(actor=proposer_user, now=NOW, item=item, agrees=True)
    send(
        accepted, handler=handler, head=head, office=office, category=category("cppcc", "A"), now=NOW,
        kind=Reply.Kind.SECOND,
    )  # fmt: skip
    response = get(client, handler, "?mine=on")
    assert numbers(response) == ["0001"]
    assert response.context["rows"][0][2] == "The closing report"
    closing.submit_closing_report(actor=handler, now=NOW, assignment=accepted, text="已建成两处养老驿站")
    assert numbers(get(client, handler, "?mine=on")) == []


def test_a_merged_items_proposer_no_longer_waits_once_their_feedback_is_in(
    client, office, proposer, proposer_user, district, unit, handler, head
):
    from workflow.services import feedback

    from .flow import reply as send

    wang = ProposerFactory(district=district, name="王委员")
    target = receive(office, wang, now=NOW, number="0001", title="关于优化公交线路的提案")
    merged = receive(office, proposer, now=NOW, number="0002", title="关于增加公交班次的提案")
    intake.merge_item(actor=office, now=NOW, item=merged, into=target)
    intake.register_item(actor=office, now=NOW, item=target)
    (lead,) = assign.assign_units(actor=office, now=NOW, item=target, lead_units=[unit])
    assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
    consult(lead, handler, NOW)
    send(lead, handler=handler, head=head, office=office, category=category("cppcc", "A"), now=NOW)
    assert numbers(get(client, proposer_user, "?mine=on")) == ["0001"]
    feedback.record_feedback(actor=proposer_user, now=NOW, item=target, agrees=True)
    assert numbers(get(client, proposer_user, "?mine=on")) == []  # still replied: 王委员's feedback is owed


def test_waiting_on_me_is_not_offered_to_a_city_admin(client, world, city_admin):
    fields = get(client, city_admin).context["filters"].form.fields
    assert "mine" not in fields and "unit" not in fields


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?year=abc", "year"),
        ("?year=1999", "year"),
        ("?stage=lost", "stage"),
        ("?body=senate", "body"),
        ("?sort=random", "sort"),
        ("?unit=999999", "unit"),
        ("?unit=x", "unit"),
    ],
)
def test_a_bad_filter_value_shows_the_forms_error(client, world, office, query, field):
    response = get(client, office, query)
    assert response.status_code == 400
    assert field in response.context["filters"].form.errors
    page_text = response.content.decode()
    assert "Some filters are not valid: correct them below." in page_text
    assert "Select a valid choice." in page_text
    assert "rows" not in response.context


def test_no_match_says_so_with_a_reset_link(client, world, office):
    response = get(client, office, "?q=不存在的标题")
    page_text = response.content.decode()
    assert response.context["rows"] == []
    assert "No items match these filters." in page_text
    assert f'<a href="{reverse("items:list")}">Reset the filters</a>' in page_text


# --- order ------------------------------------------------------------------------------------


def test_the_default_order_puts_overdue_first_then_the_next_due_date(client, world, office, _clock):
    _clock.move_to(LATER)
    response = get(client, office)
    assert numbers(response) == ["0002", "0001", "0003"]  # due 9 March (overdue), 23 March, nothing due
    page_text = response.content.decode()
    overdue = next(item for item, *_labels in response.context["rows"] if item.number == "0002")
    assert overdue.is_overdue and overdue.overdue_workdays == 3
    assert '<time datetime="2026-03-09">2026-03-09</time>' in page_text
    assert '<span class="tag items-overdue">overdue by 3 working days</span>' in page_text
    assert page_text.count("items-row-overdue") == 1
    assert re.search(r"3 items\s*·\s*<span[^>]*>1 overdue</span>", page_text)


def test_a_units_list_walks_its_assignments_in_due_order_with_the_items_dates(
    client, district, office, handler, unit, other_unit, _clock
):
    """A handler's list comes from its unit's assignments and sorts on the copy of the due date each
    keeps (`Assignment.item_next_due_on`): the same rows, order, count and overdue as the items' own dates."""
    units = {"lead": {"lead_units": [unit]}, "co": {"lead_units": [other_unit], "co_units": [unit]}}
    for n, (role, returned) in enumerate([("lead", False), ("co", False), ("lead", True), ("lead", False)]):
        item = receive(office, ProposerFactory(district=district), now=NOW, number=f"U{n}", title=f"提案{n}")
        intake.register_item(actor=office, now=NOW, item=item)
        (first, *_rest) = assign.assign_units(actor=office, now=NOW + n * 24 * HOUR, item=item, **units[role])
        if returned:
            assign.return_assignment(actor=handler, now=NOW + 30 * HOUR, assignment=first, reason="不属于本单位")
    _clock.move_to(LATER)
    response = get(client, handler, "?year=")
    mine = visible_items(handler).order_by(F("next_due_on").asc(nulls_last=True), "pk")
    assert numbers(response) == [item.number for item in mine] == ["U0", "U1", "U3"]
    rows = {item.number: item for item, *_labels in response.context["rows"]}
    assert [rows[item.number].earliest_due_on for item in mine] == [item.next_due_on for item in mine]
    assert response.context["page"].paginator.count == 3
    assert response.context["overdue"] == sum(item.next_due_on < LATER.date() for item in mine) > 0


def test_the_list_sorts_by_number_or_by_last_change(client, world, office):
    assert numbers(get(client, office, "?sort=number")) == ["0001", "0002", "0003"]
    # 0001 was accepted last, 0003 received after 0002 was assigned and marked key.
    assert numbers(get(client, office, "?sort=changed")) == ["0001", "0003", "0002"]


def test_equal_rows_keep_the_order_of_their_creation(client, district, office, proposer):
    created = [ItemFactory(district=district, lead_proposer=proposer).number for _n in range(5)]
    assert numbers(get(client, office)) == created  # nothing due on any: the primary key decides


# --- what a row says --------------------------------------------------------------------------


def test_a_row_shows_proposer_units_category_stage_and_what_it_waits_for(client, world, office):
    response = get(client, office)
    row = next(r for r in response.context["rows"] if r[0].number == "0001")
    item, stage, waits_for, waiting_on = row
    assert (stage, waits_for, waiting_on) == ("Being handled", "Consultation with the proposer", "The handling unit")
    assert [link.proposer.name for link in item.lead_proposers] == ["张委员"]
    assert [a.unit.name for a in item.lead_assignments] == ["区经委"]
    page_text = response.content.decode()
    for text in ("关于加强社区养老服务的建议", "张委员", "经委", "经济", "Received", "The district office", "Key item"):
        assert text in page_text
    assert f'href="{reverse("items:detail", args=[item.pk])}">0001</a>' in page_text


def test_the_list_is_in_chinese_by_default(client, world, office):
    client.force_login(office)
    page_text = client.get(reverse("items:list")).content.decode()
    assert '<th scope="col">案号</th>' in page_text and '<th scope="col">主办单位</th>' in page_text


# --- pages and queries --------------------------------------------------------------------------


def test_pages_hold_fifty_items_and_keep_the_filters(client, district, office, proposer):
    created = [ItemFactory(district=district, lead_proposer=proposer).number for _n in range(PAGE_SIZE + 1)]
    first = get(client, office, "?kind=proposal")
    assert numbers(first) == created[:50]
    page_text = first.content.decode()
    assert "51 items" in page_text and "Page 1 of 2" in page_text
    assert 'href="?kind=proposal&amp;page=2"' in page_text
    second = get(client, office, "?kind=proposal&page=2")
    assert numbers(second) == created[50:] and "Page 2 of 2" in second.content.decode()


def _list_queries(client, user, query=""):
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("items:list") + query)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def _handled_items(district, office, count, prefix):
    """`count` items, each with its own proposer, category and lead unit, assigned through the services."""
    for n in range(count):
        proposer = ProposerFactory(district=district, name=f"{prefix}委员{n}")
        item = receive(
            office, proposer, now=NOW, number=f"{prefix}{n:03d}", title=f"提案{n}",
            category=CategoryFactory(district=district, name=f"{prefix}类{n}"),
        )  # fmt: skip
        intake.register_item(actor=office, now=NOW, item=item)
        assign.assign_units(actor=office, now=NOW, item=item, lead_units=[UnitFactory(district=district)])


# The session, the user with the unread notifications in the header and their roles (2); the item years (1); the
# unit choices (1); the page of items with their categories, lead proposers and lead units, counted with the
# overdue among them (1): days overdue are counted from each row's stored due date, no query. No session write:
# the login saved it within the minute. Each query is named in tests/web/test_list_queries.py.
LIST_QUERIES = 5


@pytest.mark.parametrize("query", ["?year=", "?sort=changed&stage=handling&q=提案", "?sort=number&body=cppcc"])
def test_the_list_costs_the_same_queries_for_one_item_or_thirty(client, district, office, query):
    _handled_items(district, office, 1, "S")
    small, _response = _list_queries(client, office, query)
    _handled_items(district, office, 29, "L")
    large, response = _list_queries(client, office, query)
    assert small == large == LIST_QUERIES
    assert len(response.context["rows"]) == 30


def test_waiting_on_me_costs_the_same_queries_for_one_item_or_thirty(client, district, office, proposer):
    """The office's own work (here the items it received) is read in the one list query, however many."""
    _handled_items(district, office, 1, "S")
    ItemFactory(district=district, lead_proposer=proposer)
    small, _response = _list_queries(client, office, "?year=&mine=on")
    _handled_items(district, office, 29, "L")
    for _n in range(29):
        ItemFactory(district=district, lead_proposer=proposer)
    large, response = _list_queries(client, office, "?year=&mine=on")
    assert small == large
    assert len(response.context["rows"]) == 30


# --- navigation and home --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["office", "leader", "handler", "proposer_user", "city_admin"])
def test_every_role_finds_the_list_in_the_navigation(client, world, who, request):
    client.force_login(request.getfixturevalue(who))
    assert f'href="{reverse("items:list")}"' in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    ("who", "link", "expected"),
    [
        ("office", "?year=&amp;mine=on", ["0003", "0099"]),
        ("office", "?year=&amp;overdue=on", []),
        ("leader", "?year=&amp;key=on", ["0002"]),
        ("proposer_user", "?year=", ["0001", "0099"]),
        ("city_admin", "?year=", ["0001", "0002", "0003", "0099", "9001"]),
    ],
)
def test_each_role_card_on_the_home_page_links_to_its_list(client, world, who, link, expected, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("items:list")}{link}"' in home
    assert sorted(numbers(get(client, user, link.replace("&amp;", "&")))) == expected


@pytest.mark.parametrize(("who", "expected"), [("handler", ["0001"]), ("other_handler", ["0002"])])
def test_a_handlers_home_is_the_units_inbox_and_its_list_shows_the_units_items(client, world, who, expected, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    home = client.get(reverse("home"))
    assert "units/inbox/inbox.html" in [t.name for t in home.templates]
    assert f'href="{reverse("items:list")}"' in home.content.decode()
    assert sorted(numbers(get(client, user, "?year=&mine=on"))) == expected


def test_the_items_link_is_current_on_the_list(client, world, office):
    page_text = get(client, office).content.decode()
    assert f'<a href="{reverse("items:list")}" aria-current="page">' in page_text
