"""The unit head's approval, the district leader's sign-off and instruction, in the browser (web/units/approvals).

Per act: allowed (and what the next person sees), the wrong role (403), another unit of the same
district (404), another district (404), the wrong state (the service's sentence), bad input (beside
the field); the queues cost the same queries for one row or many.
"""

import pytest
from django.urls import reverse

from districts.models import Role
from proposals.models import Item
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.web.office.test_decisions import (
    NOW,
    as_user,
    category,
    file_of,
    handled_item,
    text,
)
from web.items.panel import Act
from web.units.approvals.panel import offers
from workflow.models import Event, Reply
from workflow.services import assignment as assign
from workflow.services import replies

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock_and_files(settings, tmp_path):
    import time_machine

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    with time_machine.travel(NOW, tick=False):
        yield


def submitted(lead, handler, code="A"):
    """The lead unit's reply with a document, drafted and submitted: it waits for the unit head."""
    letter = file_of(lead.item, "答复函.pdf", user=handler)
    fields = {"reason": "资金暂不具备"} if code == "C" else {}
    draft = replies.draft_reply(
        actor=handler,
        now=NOW,
        assignment=lead,
        text="经研究，拟新建两处养老驿站。\n\n第二段：资金已列入明年预算。",
        category=category(code),
        signer="王主任",
        attachments=[letter],
        **fields,
    )
    return replies.submit_reply(actor=handler, now=NOW, reply=draft)


@pytest.fixture
def lead(office, proposer, unit, co_unit, handler, co_handler, head, leader):
    return handled_item(office, proposer, unit, co_unit, handler, co_handler)


@pytest.fixture
def at_head(lead, handler):
    return submitted(lead, handler)


@pytest.fixture
def at_leader(lead, handler, head):
    """A 留作参考 (C) reply the head approved: it waits for the responsible leader."""
    return replies.approve_reply(actor=head, now=NOW, reply=submitted(lead, handler, "C"))


@pytest.fixture
def other_head(district, other_unit):
    user = UserFactory(username="other_head", full_name="科委主任")
    MembershipFactory(user=user, role=Role.UNIT_HEAD, district=district, unit=other_unit)
    return user


@pytest.fixture
def other_district_head(other_district):
    user = UserFactory(username="far_head", full_name="金山区经委主任")
    far_unit = UnitFactory(district=other_district, name="金山区经委")
    MembershipFactory(user=user, role=Role.UNIT_HEAD, district=other_district, unit=far_unit)
    return user


@pytest.fixture
def other_leader(district):
    user = UserFactory(username="leader2", full_name="另一位副区长")
    MembershipFactory(user=user, role=Role.LEADER, district=district)
    return user


def url(name, pk=None):
    return reverse(f"approvals:{name}", args=[] if pk is None else [pk])


def get(client, user, name, pk=None):
    return as_user(client, user).get(url(name, pk))


def post(client, user, name, pk, **data):
    return as_user(client, user).post(url(name, pk), data)


def errors(response, form, field=None):
    form = response.context[form]
    return [str(e) for e in (form.errors.get(field, []) if field else form.non_field_errors())]


def state(reply):
    return Reply.objects.get(pk=reply.pk).state


# --- the unit head's queue and review --------------------------------------------------------------------


def test_the_head_reads_the_queue_and_the_draft_with_opinions_and_consultations(client, at_head, head):
    page = text(get(client, head, "head_queue"))
    assert f'data-reply="{at_head.pk}"' in page and url("head_review", at_head.pk) in page
    page = text(get(client, head, "head_review", at_head.pk))
    assert "<p>经研究，拟新建两处养老驿站。</p>" in page and "第二段：资金已列入明年预算。" in page  # paragraphs kept
    assert "王主任" in page and "答复函.pdf" in page
    assert "同意主办单位意见，配合落实场地" in page  # the co-unit's opinion
    assert "张委员" in page  # the consultation's participants
    assert 'data-action="reply.submitted"' in page


@pytest.mark.parametrize("who", ["handler", "office", "leader"])
def test_the_head_queue_is_the_heads(client, at_head, who, request):
    assert get(client, request.getfixturevalue(who), "head_queue").status_code == 403


def test_the_head_approves_and_the_reply_goes_to_the_office(client, at_head, head):
    response = post(client, head, "approve", at_head.pk)
    assert (response.status_code, response["Location"]) == (302, url("head_queue"))
    reply = Reply.objects.get(pk=at_head.pk)
    assert (reply.state, reply.head_approved_by) == (Reply.State.AWAITING_OFFICE, head)
    page = text(client.get(url("head_queue")))
    assert "You approved the reply of 经委 on 0001." in page and f'data-reply="{at_head.pk}"' not in page


def test_a_for_reference_reply_goes_on_to_the_leader(client, lead, handler, head):
    reply = submitted(lead, handler, "C")
    post(client, head, "approve", reply.pk)
    assert state(reply) == Reply.State.AWAITING_LEADER


@pytest.mark.parametrize("who", ["handler", "leader", "office"])
def test_only_the_head_approves(client, at_head, who, request):
    assert post(client, request.getfixturevalue(who), "approve", at_head.pk).status_code == 403
    assert get(client, request.getfixturevalue(who), "head_review", at_head.pk).status_code == 403
    assert state(at_head) == Reply.State.AWAITING_HEAD


@pytest.mark.parametrize("who", ["other_head", "other_district_head", "outsider"])
def test_another_units_or_districts_reply_is_not_found(client, at_head, who, request):
    user = request.getfixturevalue(who)
    assert get(client, user, "head_review", at_head.pk).status_code == 404
    assert post(client, user, "approve", at_head.pk).status_code == 404
    assert post(client, user, "head_send_back", at_head.pk, reason="不行").status_code == 404
    assert state(at_head) == Reply.State.AWAITING_HEAD


def test_approving_twice_is_told_and_acts_once(client, at_head, head):
    post(client, head, "approve", at_head.pk)
    response = post(client, head, "approve", at_head.pk)  # a second form, opened before the first was sent
    assert response.status_code == 409
    assert errors(response, "decide_form") == ["This reply has already been approved."]
    assert Event.objects.filter(action="reply.approved").count() == 1


def test_a_double_click_acts_once(client, at_head, head):
    as_user(client, head)
    data = {"submit_token": "6f1c1b8e-1f7d-4c1e-9d53-0d2b7c1d0a11"}
    first = client.post(url("approve", at_head.pk), data)
    second = client.post(url("approve", at_head.pk), data)
    assert first["Location"] == second["Location"] == url("head_queue")
    assert Event.objects.filter(action="reply.approved").count() == 1


def test_the_head_sends_back_with_a_comment_the_handler_reads(client, at_head, head, handler):
    response = post(client, head, "head_send_back", at_head.pk, reason="请补充资金来源")
    assert (response.status_code, response["Location"]) == (302, url("head_queue"))
    assert state(at_head) == Reply.State.DRAFT
    event = Event.objects.get(action="reply.sent_back")
    assert (event.data["reason"], event.data["step"]) == ("请补充资金来源", "awaiting_head")
    page = text(as_user(client, handler).get(reverse("items:detail", args=[at_head.assignment.item_id])))
    assert "请补充资金来源" in page


def test_sending_back_without_a_comment_is_refused_beside_the_field(client, at_head, head):
    response = post(client, head, "head_send_back", at_head.pk, reason="  ")
    assert response.status_code == 400
    assert errors(response, "back_form", "reason") == ["Say why the reply is sent back."]
    assert state(at_head) == Reply.State.AWAITING_HEAD


def test_a_draft_not_submitted_cannot_be_approved_and_the_comment_is_kept(client, lead, handler, head):
    draft = replies.draft_reply(actor=handler, now=NOW, assignment=lead, text="草稿", category=category("A"))
    response = post(client, head, "approve", draft.pk)
    assert response.status_code == 400
    assert "The reply is not at this step" in errors(response, "decide_form")[0]
    assert "Nothing for you to decide" not in text(response, 400)  # the forms stay, with the reason
    response = post(client, head, "head_send_back", draft.pk, reason="请重写第二段")
    assert response.status_code == 400 and "请重写第二段" in text(response, 400)
    assert errors(response, "back_form") == ["Only a reply being approved can be sent back."]


# --- the district leader's queue, sign-off and key items -------------------------------------------------


def test_the_leader_queue_shows_only_replies_that_need_the_leader(
    client,
    at_leader,
    office,
    proposer,
    unit,
    co_unit,
    handler,
    co_handler,
    head,
    leader,
):
    other = handled_item(office, proposer, unit, co_unit, handler, co_handler, number="0002")
    skipped = replies.approve_reply(actor=head, now=NOW, reply=submitted(other, handler, "A"))
    page = text(get(client, leader, "leader_queue"))
    assert f'data-reply="{at_leader.pk}"' in page and f'data-reply="{skipped.pk}"' not in page
    assert url("leader_review", at_leader.pk) in page


@pytest.mark.parametrize("who", ["handler", "head", "office"])
def test_the_leader_queue_is_a_leaders(client, at_leader, who, request):
    assert get(client, request.getfixturevalue(who), "leader_queue").status_code == 403


def test_a_leader_not_responsible_for_the_unit_sees_none_of_its_replies(client, at_leader, other_leader):
    page = text(get(client, other_leader, "leader_queue"))
    assert f'data-reply="{at_leader.pk}"' not in page
    assert post(client, other_leader, "sign_off", at_leader.pk).status_code == 403


def test_the_leader_signs_off_and_the_reply_goes_to_the_office(client, at_leader, leader):
    assert "资金暂不具备" in text(get(client, leader, "leader_review", at_leader.pk))
    response = post(client, leader, "sign_off", at_leader.pk)
    assert (response.status_code, response["Location"]) == (302, url("leader_queue"))
    reply = Reply.objects.get(pk=at_leader.pk)
    assert (reply.state, reply.leader_signed_by) == (Reply.State.AWAITING_OFFICE, leader)


@pytest.mark.parametrize("who", ["head", "handler", "office"])
def test_only_the_leader_signs_off(client, at_leader, who, request):
    assert post(client, request.getfixturevalue(who), "sign_off", at_leader.pk).status_code == 403
    assert state(at_leader) == Reply.State.AWAITING_LEADER


@pytest.mark.parametrize("who", ["other_head", "other_district_head", "outsider"])
def test_the_leaders_step_is_not_found_outside_the_unit_or_district(client, at_leader, who, request):
    user = request.getfixturevalue(who)
    assert get(client, user, "leader_review", at_leader.pk).status_code == 404
    assert post(client, user, "sign_off", at_leader.pk).status_code == 404
    assert post(client, user, "leader_send_back", at_leader.pk, reason="不行").status_code == 404


def test_signing_off_a_reply_that_needs_no_sign_off_says_so(client, at_head, head, leader):
    replies.approve_reply(actor=head, now=NOW, reply=at_head)  # category A: straight to the office
    response = post(client, leader, "sign_off", at_head.pk)
    assert response.status_code == 400
    assert "needs no district leader's sign-off" in errors(response, "decide_form")[0]
    assert Reply.objects.get(pk=at_head.pk).leader_signed_by is None


def test_the_leader_sends_back_with_a_comment_and_not_without(client, at_leader, leader):
    response = post(client, leader, "leader_send_back", at_leader.pk, reason="")
    assert response.status_code == 400 and errors(response, "back_form", "reason")
    response = post(client, leader, "leader_send_back", at_leader.pk, reason="留作参考理由不充分")
    assert (response.status_code, state(at_leader)) == (302, Reply.State.DRAFT)


# --- the leader's instruction on a key item -------------------------------------------------------------


@pytest.fixture
def key(lead, office, leader):
    return assign.mark_key_item(actor=office, now=NOW, item=lead.item, leader=leader)


def test_the_leader_sees_the_key_item_and_gives_an_instruction_the_units_read(client, key, leader, handler):
    page = text(get(client, leader, "leader_queue"))
    assert f'data-item="{key.pk}"' in page and "经委" in page and "民政局" in page
    assert text(get(client, leader, "instruction", key.pk))
    response = post(client, leader, "instruction", key.pk, text="请于月底前拿出方案。\n会同民政局。")
    assert response.status_code == 302 and response["Location"].startswith(reverse("items:detail", args=[key.pk]))
    event = Event.objects.get(action="instruction.given")
    assert (event.actor, event.data["text"]) == (leader, "请于月底前拿出方案。\n会同民政局。")
    page = text(as_user(client, handler).get(reverse("items:detail", args=[key.pk])))
    assert "The supervising district leader gave an instruction: 请于月底前拿出方案。" in page


@pytest.mark.parametrize("who", ["head", "handler", "office", "other_leader"])
def test_only_the_supervising_leader_instructs(client, key, who, request):
    user = request.getfixturevalue(who)
    assert get(client, user, "instruction", key.pk).status_code == 403
    assert post(client, user, "instruction", key.pk, text="批示").status_code == 403
    assert not Event.objects.filter(action="instruction.given").exists()


@pytest.mark.parametrize("who", ["other_head", "other_district_head", "outsider"])
def test_the_instruction_page_is_not_found_outside_the_scope(client, key, who, request):
    assert get(client, request.getfixturevalue(who), "instruction", key.pk).status_code == 404


def test_an_empty_instruction_is_refused_beside_the_field(client, key, leader):
    response = post(client, leader, "instruction", key.pk, text="   ")
    assert response.status_code == 400 and errors(response, "form", "text") == ["Write the instruction."]


def test_an_item_not_key_or_closed_takes_no_instruction(client, lead, key, leader):
    Item.objects.filter(pk=key.pk).update(is_key=False)
    assert get(client, leader, "instruction", key.pk).status_code == 400
    Item.objects.filter(pk=key.pk).update(is_key=True, state=Item.State.CLOSED, closed_at=NOW)
    response = post(client, leader, "instruction", key.pk, text="批示")
    assert response.status_code == 400 and "reaches no one" in errors(response, "form")[0]


# --- the item page's buttons ------------------------------------------------------------------------------


def _offers(client, user, item):
    return as_user(client, user).get(reverse("items:detail", args=[item.pk])).context["acts"]


def test_the_head_is_offered_the_review_first(client, at_head, head, handler, leader):
    item = at_head.assignment.item
    review = Act("Review the reply of 经委", url("head_review", at_head.pk), primary=True)
    assert _offers(client, head, item)[0] == review
    assert review not in _offers(client, handler, item) and review not in _offers(client, leader, item)


def test_the_leader_is_offered_the_sign_off_and_the_instruction(client, at_leader, leader, office, head):
    item = assign.mark_key_item(actor=office, now=NOW, item=at_leader.assignment.item, leader=leader)
    acts = offers(leader, item, _assignments_of(leader, item))
    assert acts == [
        Act("Sign off the reply of 经委", url("leader_review", at_leader.pk), primary=True),
        Act("Give an instruction", url("instruction", item.pk)),
    ]
    assert offers(head, item, _assignments_of(head, item)) == []


def _assignments_of(user, item):
    from web.items.page import _assignments

    return _assignments(user, item)


# --- the queues' cost --------------------------------------------------------------------------------------

# The session, the user with the bell and their roles (2); the paginator's count and the page of replies
# with their items, units, outcomes and due dates (2). The leader's adds the key items and their units (2).
HEAD_QUEUE_QUERIES = 5  # and the city opinions waiting for the head (1)
LEADER_QUEUE_QUERIES = 6


def counted(client, user, name, queries, django_assert_num_queries, *, rows):
    """The queue as `user` reads it, logged in first: the page's own queries only."""
    as_user(client, user)
    with django_assert_num_queries(queries):
        response = client.get(url(name))
    assert len(response.context["replies"]) == rows
    return response


def test_the_queues_cost_the_same_for_one_row_or_many(
    client,
    at_leader,
    lead,
    office,
    proposer,
    unit,
    co_unit,
    handler,
    co_handler,
    head,
    leader,
    django_assert_num_queries,
):
    def item(number):
        return handled_item(office, proposer, unit, co_unit, handler, co_handler, number=number)

    assign.mark_key_item(actor=office, now=NOW, item=lead.item, leader=leader)
    submitted(item("0009"), handler)
    counted(client, head, "head_queue", HEAD_QUEUE_QUERIES, django_assert_num_queries, rows=1)
    response = counted(client, leader, "leader_queue", LEADER_QUEUE_QUERIES, django_assert_num_queries, rows=1)
    assert len(response.context["key_items"]) == 1
    for i in range(4):
        more = item(f"1{i:03d}")
        replies.approve_reply(actor=head, now=NOW, reply=submitted(more, handler, "C"))
        assign.mark_key_item(actor=office, now=NOW, item=more.item, leader=leader)
        submitted(item(f"2{i:03d}"), handler)
    counted(client, head, "head_queue", HEAD_QUEUE_QUERIES, django_assert_num_queries, rows=5)
    response = counted(client, leader, "leader_queue", LEADER_QUEUE_QUERIES, django_assert_num_queries, rows=5)
    assert len(response.context["key_items"]) == 5
