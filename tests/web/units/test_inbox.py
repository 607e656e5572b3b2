"""The handling unit's inbox (`/units/`): what the unit must do next, by act, soonest due first.

Each group from the workflow's own facts (open obligations, closing reports due, replies awaiting
the head); a reply in the approval chain does not wait on the handler; a handler of two units picks
one; another unit's or district's id is not found; other roles are refused; at most six queries
whatever the number of items.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from deadlines import calendar
from districts.models import Role
from tests.factories import MembershipFactory, UnitFactory
from tests.workflow.flow import consult, receive
from workflow.models import OutcomeCategory
from workflow.services import assignment as assign
from workflow.services import feedback, intake, opinions, replies

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday
TODAY = NOW + dt.timedelta(days=1)
URL = reverse("inbox:inbox")


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(TODAY, tick=False):
        yield


def category(code="A"):
    return OutcomeCategory.objects.get(scheme__code="cppcc", code=code)


def assigned(office, proposer, units, *, number, co_units=(), key=False):
    """An item assigned to `units` (leads) and `co_units`: their acceptances are open."""
    item = receive(office, proposer, now=NOW, number=number, title=f"关于社区养老服务的建议{number}")
    intake.register_item(actor=office, now=NOW, item=item)
    found = assign.assign_units(actor=office, now=NOW, item=item, lead_units=units, co_units=co_units)
    if key:
        item.is_key = True
        item.save(update_fields=["is_key"])
    return found


def accepted(office, proposer, unit, handler, *, number, **kwargs):
    lead = assigned(office, proposer, [unit], number=number, **kwargs)[0]
    return assign.accept_assignment(actor=handler, now=NOW, assignment=lead)


def submitted(lead, handler, text="经研究，拟新建两处养老驿站。"):
    consult(lead, handler, NOW)
    draft = replies.draft_reply(
        actor=handler, now=NOW, assignment=lead, text=text, category=category("A"), signer="王主任"
    )
    return replies.submit_reply(actor=handler, now=NOW, reply=draft)


def inbox(client, user, **query):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.get(URL, query)


def groups(response):
    assert response.status_code == 200, response.content.decode()[:2000]
    return {g.act: [row.item.number for row in g.rows] for g in response.context["groups"]}


def text(response):
    assert response.status_code == 200
    return response.content.decode()


# --- what waits on the unit ----------------------------------------------------------------------------


def test_a_new_assignment_waits_for_acceptance_with_its_due_date_and_days_left(client, office, proposer, unit, handler):
    assigned(office, proposer, [unit], number="0007", key=True)
    response = inbox(client, handler)
    assert groups(response)["acceptance"] == ["0007"]
    row = response.context["groups"][0].rows[0]
    page = text(response)
    assert f'href="{reverse("items:detail", args=[row.item.pk])}"' in page and "关于社区养老服务的建议0007" in page
    assert row.due_on == dt.date(2026, 3, 9) and row.days_left == 4  # 5 working days from Monday 2 March
    assert "Due 2026-03-09" in page and "4 working days left" in page and "Key item" in page
    assert groups(response)["reply"] == []  # owed too, but it comes once accepted


def test_accepted_work_falls_in_consultation_and_reply_and_soonest_first(client, office, proposer, unit, handler):
    accepted(office, proposer, unit, handler, number="0002")
    later = receive(office, proposer, now=NOW + dt.timedelta(days=7), number="0001", title="后交办")
    intake.register_item(actor=office, now=NOW, item=later)
    lead = assign.assign_units(actor=office, now=NOW + dt.timedelta(days=7), item=later, lead_units=[unit])[0]
    assign.accept_assignment(actor=handler, now=NOW + dt.timedelta(days=7), assignment=lead)
    got = groups(inbox(client, handler))
    assert got["acceptance"] == []
    assert got["consultation"] == ["0002", "0001"] and got["reply"] == ["0002", "0001"]


def test_a_co_unit_owes_its_opinion_and_no_longer_once_sent(client, office, proposer, unit, co_unit, co_handler):
    _lead, co = assigned(office, proposer, [unit], number="0003", co_units=[co_unit])
    assign.accept_assignment(actor=co_handler, now=NOW, assignment=co)
    assert groups(inbox(client, co_handler))["co_opinion"] == ["0003"]
    opinions.submit_opinion(actor=co_handler, now=NOW, assignment=co, text="同意主办单位意见")
    assert "Nothing to do: no item waits on 区民政局 now." in text(inbox(client, co_handler))


def test_overdue_work_is_red_and_in_working_days(client, office, proposer, unit, handler):
    assigned(office, proposer, [unit], number="0004")
    with time_machine.travel(dt.datetime(2026, 3, 12, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        response = inbox(client, handler)
    row = response.context["groups"][0].rows[0]
    assert row.overdue_days == 3  # due Monday 9 March; 10, 11 and 12 March
    page = text(response)
    assert "inbox-row-overdue" in page and "overdue by 3 working days" in page


def test_a_reply_with_the_head_waits_on_the_head_not_the_handler(client, office, proposer, unit, handler, head):
    submitted(accepted(office, proposer, unit, handler, number="0005"), handler)
    assert groups(inbox(client, handler))["reply"] == []
    assert "approval" not in groups(inbox(client, handler))
    got = groups(inbox(client, head))
    assert got["approval"] == ["0005"] and got["reply"] == []
    assert next(iter(got)) == "approval"  # the head's own work first
    assert "Replies waiting for your approval" in text(inbox(client, head))


def test_a_reply_sent_back_is_revise_with_the_reason_in_short(client, office, proposer, unit, handler, head):
    reply = submitted(accepted(office, proposer, unit, handler, number="0006"), handler)
    replies.send_back_reply(actor=head, now=NOW, reply=reply, reason="答复类型不当，应为列入计划" + "。" * 100)
    response = inbox(client, handler)
    assert groups(response)["reply"] == ["0006"]
    row = next(g for g in response.context["groups"] if g.act == "reply").rows[0]
    assert row.sent_back.startswith("答复类型不当，应为列入计划") and len(row.sent_back) == 80
    assert "Sent back: 答复类型不当" in text(response)


def test_the_closing_report_waits_once_due(client, office, proposer, proposer_user, unit, handler, head):
    reply = submitted(accepted(office, proposer, unit, handler, number="0008"), handler)
    replies.approve_reply(actor=head, now=NOW, reply=reply)
    item = replies.send_reply(actor=office, now=NOW, reply=reply).assignment.item
    feedback.record_feedback(actor=proposer_user, now=NOW, item=item, agrees=True)
    response = inbox(client, handler)
    assert groups(response)["closing_report"] == ["0008"]
    assert "No due date" in text(response)


def test_counts_per_act_at_the_top_and_a_plain_empty_state(client, office, proposer, unit, handler):
    assert "Nothing to do: no item waits on 区经委 now." in text(inbox(client, handler))
    assigned(office, proposer, [unit], number="0009")
    page = text(inbox(client, handler))
    assert 'href="#act-acceptance">Accept or return the assignment <strong>1</strong>' in page


# --- whose inbox ----------------------------------------------------------------------------------------


def test_a_handler_of_two_units_picks_the_unit(client, district, office, proposer, unit, other_unit, handler):
    MembershipFactory(user=handler, role=Role.HANDLER, district=district, unit=other_unit)
    unit.sort_order, other_unit.sort_order = 2, 1
    unit.save(update_fields=["sort_order"])
    other_unit.save(update_fields=["sort_order"])
    assigned(office, proposer, [unit], number="0010")
    assigned(office, proposer, [other_unit], number="0011")
    response = inbox(client, handler)
    assert response.context["unit"] == other_unit and groups(response)["acceptance"] == ["0011"]
    assert f'href="?unit={unit.pk}"' in text(response)
    assert groups(inbox(client, handler, unit=unit.pk))["acceptance"] == ["0010"]


def test_another_units_or_districts_id_and_a_bad_one_are_not_found(client, handler, other_unit, other_district):
    elsewhere = UnitFactory(district=other_district)
    for value in (other_unit.pk, elsewhere.pk, "abc", 10**9):
        assert inbox(client, handler, unit=value).status_code == 404


@pytest.mark.parametrize("who", ["office", "leader", "proposer_user", "outsider", "city_admin"])
def test_other_roles_are_refused(client, who, request):
    assert inbox(client, request.getfixturevalue(who)).status_code == 403


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and settings.LOGIN_URL in response["Location"]


# --- cost -----------------------------------------------------------------------------------------------


def _work(office, proposer, unit, handler, head, n, start):
    """`n` items of every kind of work: pending, accepted, with the head, sent back."""
    for i in range(start, start + n):
        number = f"{i:04d}"
        if i % 4 == 0:
            assigned(office, proposer, [unit], number=number, key=True)
            continue
        lead = accepted(office, proposer, unit, handler, number=number)
        if i % 4 >= 2:
            reply = submitted(lead, handler)
            if i % 4 == 3:
                replies.send_back_reply(actor=head, now=NOW, reply=reply, reason="请补充")


def test_the_inbox_costs_at_most_six_queries_for_3_or_30_items(
    client, office, proposer, unit, handler, head, django_assert_max_num_queries
):
    _work(office, proposer, unit, handler, head, 3, 100)
    inbox(client, head)
    with django_assert_max_num_queries(6):
        small = sum(len(g.rows) for g in client.get(URL).context["groups"])
    _work(office, proposer, unit, handler, head, 27, 200)
    calendar.invalidate()  # the working-day calendar read again: its two queries count too
    with django_assert_max_num_queries(6):
        large = sum(len(g.rows) for g in client.get(URL).context["groups"])
    assert small >= 3 and large >= 30
