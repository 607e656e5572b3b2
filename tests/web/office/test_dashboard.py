"""The office's dashboard (/office/): every count links to the item list showing exactly those items.

A district's year built through the services at 2 March 2026 (a Monday), read on 30 March: by then
acceptances (due 9 March) and consultations (due 15 working days after acceptance) are overdue,
and the feedback window of a reply sent on 3 March ends on 3 April (within the week).
"""

import datetime as dt
import re
from html import escape, unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from districts.models import Role
from tests.factories import MembershipFactory, ProposerFactory, UnitFactory, UserFactory
from tests.workflow.conftest import NOW, category
from tests.workflow.flow import consult, receive, reply
from workflow.models import Reply
from workflow.services import assignment as assign
from workflow.services import extensions, intake, replies

pytestmark = pytest.mark.django_db

READ_ON = dt.datetime(2026, 3, 30, 10, 0, tzinfo=NOW.tzinfo)  # a Monday
HOUR = dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


@pytest.fixture
def co_unit(district):
    return UnitFactory(district=district, name="区建委", short_name="建委")


@pytest.fixture
def co_handler(district, co_unit):
    user = UserFactory(username="co_handler", full_name="建委承办人")
    MembershipFactory(user=user, role=Role.HANDLER, district=district, unit=co_unit)
    return user


def _assigned(office, proposer, number, *, leads, co=(), title="提案", now=NOW, **fields):
    item = receive(office, proposer, now=now, number=number, title=title, **fields)
    intake.register_item(actor=office, now=now, item=item)
    split = len(leads) > 1  # several lead units reply separately (分办)
    return item, assign.assign_units(actor=office, now=now, item=item, lead_units=leads, co_units=co, split=split)


@pytest.fixture
def year(district, other_district, office, outsider, proposer, unit, other_unit, co_unit, leader, handler, head,
         other_handler, co_handler):  # fmt: skip
    """The items of 2026 (CPPCC unless said), each at its own stage:

    0001 received; 0002 registered; 0003 assigned to 经委, not accepted (acceptance overdue), a key item of
    the leader; 0004 经委 accepted, 建委 co-unit not accepted (consultation and co acceptance overdue);
    0005 returned by 科委 (awaiting reassignment); 0006 reply awaiting the office's review; 0007 extension
    requested (consultation overdue); 0008 reply sent on 3 March (feedback window ends 3 April);
    0009 an NPC suggestion, acceptance overdue; 0010 of 2025 (received); 9001 the other district's,
    acceptance overdue.
    """
    items = {}
    items["0001"] = receive(office, proposer, now=NOW, number="0001", title="收到的提案")
    items["0002"] = receive(office, proposer, now=NOW, number="0002", title="立案的提案")
    intake.register_item(actor=office, now=NOW, item=items["0002"])
    items["0003"], _ = _assigned(office, proposer, "0003", leads=[unit], title="重点提案")
    assign.mark_key_item(actor=office, now=NOW, item=items["0003"], leader=leader)
    items["0004"], (lead, _co) = _assigned(office, proposer, "0004", leads=[unit], co=[co_unit])
    assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
    items["0005"], (returned,) = _assigned(office, proposer, "0005", leads=[other_unit])
    assign.return_assignment(actor=other_handler, now=NOW + HOUR, assignment=returned, reason="不属于本单位职责")
    items["0006"], (lead,) = _assigned(office, proposer, "0006", leads=[unit])
    assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
    consult(lead, handler, NOW)
    draft = replies.draft_reply(
        actor=handler, now=NOW, assignment=lead, text="答复", category=category("cppcc", "A"), signer="主任"
    )
    replies.submit_reply(actor=handler, now=NOW, reply=draft)
    replies.approve_reply(actor=head, now=NOW, reply=draft)
    assert Reply.objects.get(pk=draft.pk).state == Reply.State.AWAITING_OFFICE
    items["0007"], (lead,) = _assigned(office, proposer, "0007", leads=[unit])
    assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
    extensions.request_extension(
        actor=handler, now=NOW, assignment=lead, until=dt.date(2026, 7, 1), reason="需要协调多个部门"
    )
    sent_on = NOW + dt.timedelta(days=1)
    items["0008"], (lead,) = _assigned(office, proposer, "0008", leads=[other_unit])
    assign.accept_assignment(actor=other_handler, now=NOW, assignment=lead)
    consult(lead, other_handler, NOW)
    other_head = UserFactory(username="other_head")
    MembershipFactory(user=other_head, role=Role.UNIT_HEAD, district=district, unit=other_unit)
    reply(lead, handler=other_handler, head=other_head, office=office, category=category("cppcc", "A"), now=sent_on)
    deputy = ProposerFactory(district=district, name="李代表", body="npc")
    items["0009"], _ = _assigned(office, deputy, "0009", leads=[unit], body="npc", kind="suggestion")
    items["0010"] = intake.receive_item(
        actor=office, now=NOW, district=district, year=2025, body="cppcc", kind="proposal", number="0010",
        title="去年的提案", lead_proposer=proposer,
    )  # fmt: skip
    jinshan = ProposerFactory(district=other_district, name="金山委员")
    jinshan_unit = UnitFactory(district=other_district, name="金山经委")
    items["9001"], _ = _assigned(outsider, jinshan, "9001", leads=[jinshan_unit])
    return items


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(READ_ON, tick=False) as traveller:
        yield traveller


def get(client, user, query=""):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.get(reverse("dashboard:index") + query)


def count_links(response):
    """[(link, the count it shows)] of every link to the item list that shows a number."""
    assert response.status_code == 200, response.content.decode()[:3000]
    found = []
    for href, text in re.findall(r'<a href="(/items/\?[^"]*)"[^>]*>\s*(\d+)', response.content.decode()):
        found.append((unescape(href), int(text)))
    return found


def list_numbers(client, link):
    response = client.get(link)
    assert response.status_code == 200, (link, response.content.decode()[:2000])
    return sorted(item.number for item, *_labels in response.context["rows"])


def by_label(response, label):
    """The count shown in the row headed `label`, and its link."""
    page = response.content.decode()
    match = re.search(rf'<th scope="row">{re.escape(escape(label))}</th>\s*<td><a href="([^"]+)">(\d+)</a>', page)
    assert match, f"no row {label!r}"
    return int(match.group(2)), unescape(match.group(1))


# --- the counts and their lists ---------------------------------------------------------------------


def test_every_count_is_the_number_of_items_its_link_lists(client, year, office):
    links = count_links(get(client, office, "?body=cppcc")) + count_links(get(client, office))
    assert len(links) >= 20
    nonzero = 0
    for link, count in links:
        listed = list_numbers(client, link)
        assert len(listed) == count, (link, listed)
        nonzero += count > 0
    assert nonzero >= 10  # the data gives most counts something to agree on


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Received", ["0001"]),
        ("Awaiting assignment", ["0002"]),
        ("Being handled", ["0003", "0004", "0005", "0006", "0007"]),
        ("Replied, awaiting feedback", ["0008"]),
        ("Replies waiting for the office's review", ["0006"]),
        ("Returned assignments awaiting reassignment", ["0005"]),
        ("Extension requests to decide", ["0007"]),
        ("Feedback windows ending within 7 days", ["0008"]),
        ("Acceptance", ["0003", "0004"]),
        ("Consultation", ["0004", "0007"]),
        ("Reply", []),
        ("区经委", ["0003", "0004", "0007"]),
        ("区建委", ["0004"]),
    ],
)
def test_each_count_lists_exactly_its_items(client, year, office, label, expected):
    count, link = by_label(get(client, office, "?body=cppcc"), label)
    assert count == len(expected)
    assert list_numbers(client, link) == expected


def _draft_submitted(assignment, handler, now=NOW):
    draft = replies.draft_reply(
        actor=handler, now=now, assignment=assignment, text="答复", category=category("cppcc", "A"), signer="主任"
    )
    return replies.submit_reply(actor=handler, now=now, reply=draft)


def test_the_offices_work_is_counted_when_the_item_shows_an_earlier_step(
    client, year, office, proposer, unit, other_unit, handler, head, other_handler
):
    """The counts find the office's work through what each item waits for first (`shown_first`).

    0011 has two lead units: 经委's reply awaits the office while 科委's awaits its head, so the item
    shows the head's approval first; 0012's 科委 returned its assignment while 经委 has not accepted,
    so it shows the acceptance first. Both still count as the office's work, and list as such.
    """
    item, (first, second) = _assigned(office, proposer, "0011", leads=[unit, other_unit])
    for assignment, who in ((first, handler), (second, other_handler)):
        assign.accept_assignment(actor=who, now=NOW, assignment=assignment)
        consult(assignment, who, NOW)
    replies.approve_reply(actor=head, now=NOW, reply=_draft_submitted(first, handler))
    _draft_submitted(second, other_handler)
    returned, (_waiting, back) = _assigned(office, proposer, "0012", leads=[unit, other_unit])
    assign.return_assignment(actor=other_handler, now=NOW + HOUR, assignment=back, reason="不属于本单位职责")
    item.refresh_from_db()
    returned.refresh_from_db()
    assert (item.office_waits_for, returned.office_waits_for) == ("head_approval", "acceptance")
    response = get(client, office, "?body=cppcc")
    for label, expected in [
        ("Replies waiting for the office's review", ["0006", "0011"]),
        ("Returned assignments awaiting reassignment", ["0005", "0012"]),
    ]:
        count, link = by_label(response, label)
        assert (count, list_numbers(client, link)) == (len(expected), expected)


def test_the_key_items_show_their_leader_with_links(client, year, office):
    page = get(client, office, "?body=cppcc").content.decode()
    row = re.search(r'<th scope="row">分管副区长</th>(.*?)</tr>', page, re.S).group(1)
    links = [(unescape(h), int(n)) for h, n in re.findall(r'<a href="([^"]+)">(\d+)</a>', row)]
    assert [n for _h, n in links] == [1, 0, 1]  # key items, closed, overdue
    assert list_numbers(client, links[0][0]) == ["0003"]
    assert list_numbers(client, links[2][0]) == ["0003"]


def test_a_unit_without_overdue_work_is_not_listed(client, year, office):
    page = get(client, office, "?body=cppcc").content.decode()
    assert '<th scope="row">区科委</th>' not in page.split('id="dash-units"')[1].split("</section>")[0]


def test_the_other_body_and_year_are_their_own(client, year, office):
    npc = get(client, office, "?body=npc")
    assert by_label(npc, "Acceptance")[0] == 1
    assert list_numbers(client, by_label(npc, "Acceptance")[1]) == ["0009"]
    last_year = get(client, office, "?year=2025")
    assert by_label(last_year, "Received")[0] == 1
    assert list_numbers(client, by_label(last_year, "Received")[1]) == ["0010"]


def test_the_defaults_are_this_year_and_the_first_body_with_items(client, year, office, district):
    response = get(client, office)
    assert (response.context["year"], response.context["body"], response.context["district"]) == (
        2026,
        "npc",
        district,
    )
    only_cppcc = get(client, office, "?year=2025")
    assert only_cppcc.context["body"] == "cppcc"


def test_a_year_without_items_shows_zeros_and_offers_the_years_with_items(client, year, office):
    response = get(client, office, "?year=2020&body=cppcc")
    assert response.status_code == 200
    assert all(count == 0 for _link, count in count_links(response))
    assert list(response.context["years"]) == [2026, 2025, 2024, 2023, 2022, 2021, 2020]


# --- who may see it -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["handler", "head", "leader", "proposer_user"])
def test_other_roles_are_refused(client, year, who, request):
    response = get(client, request.getfixturevalue(who))
    assert response.status_code == 403


def test_another_districts_dashboard_is_not_found(client, year, office, other_district):
    assert get(client, office, f"?district={other_district.pk}").status_code == 404


def test_the_other_districts_office_sees_its_own_items_only(client, year, outsider):
    response = get(client, outsider, "?body=cppcc")
    assert by_label(response, "Acceptance")[0] == 1
    assert list_numbers(client, by_label(response, "Acceptance")[1]) == ["9001"]
    assert by_label(response, "Being handled")[0] == 1


def test_a_city_admin_chooses_the_district_and_the_links_keep_it(client, year, city_admin, district, other_district):
    response = get(client, city_admin, f"?district={other_district.pk}&body=cppcc")
    count, link = by_label(response, "Acceptance")
    assert count == 1 and list_numbers(client, link) == ["9001"]
    assert f"district={other_district.pk}" in link
    for link, count in count_links(get(client, city_admin, f"?district={district.pk}&body=cppcc")):
        assert len(list_numbers(client, link)) == count, link


def test_anonymous_users_are_sent_to_log_in(client, db):
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("query", "field"),
    [("?year=abc", "year"), ("?year=1900", "year"), ("?body=senate", "body"), ("?district=x", "district")],
)
def test_a_bad_choice_is_the_forms_error(client, year, office, query, field):
    response = get(client, office, query)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "This choice is not valid" in response.content.decode()


# --- home, language -------------------------------------------------------------------------------


def test_the_office_lands_on_its_dashboard(client, year, office, district):
    response = client.post(reverse("login"), {"username": "office", "password": "pw-for-tests-only"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "office/dashboard/dashboard.html" in [t.name for t in response.templates]
    assert response.context["district"] == district and 'data-role="office"' in response.text


def test_other_roles_keep_their_home_page_and_an_admin_finds_the_dashboard(client, year, handler, city_admin):
    client.force_login(handler)
    assert client.get(reverse("home")).status_code == 200
    client.force_login(city_admin)
    assert f'href="{reverse("dashboard:index")}"' in client.get(reverse("home")).content.decode()


def test_the_dashboard_is_in_chinese_by_default(client, year, office):
    client.force_login(office)
    page = client.get(reverse("dashboard:index")).content.decode()
    assert '<html lang="zh-hans">' in page
    assert '<label for="dash-year">年度</label>' in page and "已收件" in page


# --- the list's filters the dashboard links to ----------------------------------------------------


def test_the_dashboards_filters_show_on_the_list_only_when_a_link_set_them(client, year, office):
    client.force_login(office)
    plain = client.get(reverse("items:list"))
    assert not {"overdue_kind", "overdue_unit", "awaits_office", "feedback_ending", "leader", "district"} & set(
        plain.context["filters"].form.fields
    )
    linked = client.get(reverse("items:list") + "?year=2026&overdue_kind=reply")
    assert "overdue_kind" in linked.context["filters"].form.fields


def test_the_dashboards_filters_are_not_a_units(client, year, handler, unit):
    client.force_login(handler)
    response = client.get(reverse("items:list") + f"?year=2026&overdue_unit={unit.pk}&awaits_office=office_review")
    assert "overdue_unit" not in response.context["filters"].form.fields
    assert sorted(i.number for i, *_ in response.context["rows"]) == ["0003", "0004", "0006", "0007", "0009"]


def test_a_bad_value_in_a_linked_filter_is_the_lists_form_error(client, year, office):
    client.force_login(office)
    response = client.get(reverse("items:list") + "?overdue_kind=lunch")
    assert response.status_code == 400 and "overdue_kind" in response.context["filters"].form.errors


# --- queries --------------------------------------------------------------------------------------

# The session and the user with the bell and their roles (2, every page); the items of the year by
# body and stage (1); overdue items by kind and by unit (1, a UNION ALL); key items by leader (1); one row of
# single counts: replies to review, returned assignments, extensions, feedback windows ending, the district's
# years (1).
DASHBOARD_QUERIES = 6


def _queries(client, user, query=""):
    client.force_login(user)
    client.get(reverse("dashboard:index") + query)  # the session is written once after login; read only from here on
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("dashboard:index") + query)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_the_dashboard_costs_the_same_queries_with_no_items_or_many(client, district, office, proposer, unit, leader):
    empty = _queries(client, office)
    for n in range(6):
        item, _leads = _assigned(office, proposer, f"X{n:03d}", leads=[UnitFactory(district=district)])
        assign.mark_key_item(actor=office, now=NOW, item=item, leader=leader)
    many = _queries(client, office)
    assert len(empty) == len(many) == DASHBOARD_QUERIES, many
    own = many[2:]  # after the session and the user with the bell and their roles
    assert own[0].count("GROUP BY") == 1 and '"proposals_item"."body"' in own[0]
    assert sum("UNION ALL" in q for q in own) == 1  # overdue work by kind and by unit


def test_with_a_given_body_and_another_district_the_admin_adds_only_the_districts(client, year, city_admin, district):
    queries = _queries(client, city_admin, f"?district={district.pk}&body=cppcc")
    assert len(queries) == DASHBOARD_QUERIES + 1  # the active districts to choose from


def test_a_bigger_year_costs_no_more_queries(client, year, office, proposer, unit):
    small = len(_queries(client, office, "?body=cppcc"))
    for n in range(5):
        _assigned(office, proposer, f"Y{n:03d}", leads=[unit], co=[UnitFactory(district=unit.district)])
    assert len(_queries(client, office, "?body=cppcc")) == small


def test_more_work_at_the_office_and_overdue_costs_no_more_queries(client, year, office, proposer, unit, handler, head):
    """Replies awaiting the office's review and overdue obligations are counted in the same queries, however many."""
    before = _queries(client, office, "?body=cppcc")
    for n in range(4):
        _item, (lead,) = _assigned(office, proposer, f"Z{n:03d}", leads=[unit])
        assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
        consult(lead, handler, NOW)
        replies.approve_reply(actor=head, now=NOW, reply=_draft_submitted(lead, handler))
        _assigned(office, proposer, f"W{n:03d}", leads=[unit])  # its acceptance overdue
    after = _queries(client, office, "?body=cppcc")
    assert len(before) == len(after) == DASHBOARD_QUERIES
    response = get(client, office, "?body=cppcc")
    assert by_label(response, "Replies waiting for the office's review")[0] == 5
    assert by_label(response, "Acceptance")[0] == 2 + 4


def test_counts_are_links_with_words(client, year, office):
    response = get(client, office, "?body=cppcc")
    assert "dash-late-tag" in response.content.decode()  # overdue says so in words, not only in red
    query = parse_qs(urlsplit(by_label(response, "Acceptance")[1]).query)
    assert query["overdue_kind"] == ["acceptance"] and query["year"] == ["2026"]
