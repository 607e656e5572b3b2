import datetime as dt

import pytest
from django.utils import translation

from districts.models import Role
from proposals.models import Item
from tests.factories import MembershipFactory, UserFactory
from workflow import timeline
from workflow.errors import Conflict, NotAllowed, NotFound, WorkflowError
from workflow.models import Obligation, Reply
from workflow.services import assignment as assign
from workflow.services import replies

from .conftest import NOW, category
from .flow import consult


@pytest.fixture
def consulted(accepted, handler):
    consult(accepted, handler, NOW)
    return accepted


def draft(assignment, actor, **fields):
    values = {"text": "答复正文", "category": category("cppcc", "A"), "signer": "主任"} | fields
    return replies.draft_reply(actor=actor, now=NOW, assignment=assignment, **values)


def test_every_draft_save_raises_the_version(consulted, handler):
    reply = draft(consulted, handler)
    assert (reply.version, reply.state) == (1, Reply.State.DRAFT)
    reply = replies.draft_reply(actor=handler, now=NOW, assignment=consulted, version=1, text="改过的答复")
    assert (reply.version, reply.text) == (2, "改过的答复")


def test_a_save_over_a_stale_version_is_a_conflict(consulted, handler, head):
    draft(consulted, handler)
    replies.draft_reply(actor=head, now=NOW, assignment=consulted, version=1, text="主任改的")
    with pytest.raises(Conflict) as exc:
        replies.draft_reply(actor=handler, now=NOW, assignment=consulted, version=1, text="承办人改的")
    assert exc.value.code == "stale"
    assert Reply.objects.get().text == "主任改的"


def test_creating_a_second_draft_is_a_conflict(consulted, handler):
    draft(consulted, handler)
    with pytest.raises(Conflict):
        draft(consulted, handler)


def test_a_co_unit_cannot_draft_the_lead_reply(registered, office, unit, co_unit, co_handler):
    lead, co = assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[unit], co_units=[co_unit])
    with pytest.raises(NotFound):
        draft(lead, co_handler)
    assign.accept_assignment(actor=co_handler, now=NOW, assignment=co)
    with pytest.raises(WorkflowError) as exc:
        draft(co, co_handler)
    assert exc.value.code == "not_lead"


def test_a_reply_is_refused_before_a_consultation(accepted, handler):
    reply = draft(accepted, handler)
    with pytest.raises(WorkflowError) as exc:
        replies.submit_reply(actor=handler, now=NOW, reply=reply)
    assert exc.value.code == "consultation_missing"


def test_the_lead_reply_waits_for_every_co_unit_opinion(registered, office, unit, co_unit, handler, co_handler):
    lead, _co = assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[unit], co_units=[co_unit])
    assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
    consult(lead, handler, NOW)
    reply = draft(lead, handler)
    with pytest.raises(WorkflowError) as exc:
        replies.submit_reply(actor=handler, now=NOW, reply=reply)
    assert exc.value.code == "opinions_missing"
    assert "民政局" in str(exc.value)


@pytest.mark.parametrize(
    ("scheme", "code", "field"),
    [("cppcc", "B", "planned_on"), ("npc", "3", "planned_on"), ("abcd", "C", "reason")],
)
def test_a_category_gets_the_detail_it_needs(consulted, handler, scheme, code, field, district):
    if scheme != "cppcc":
        from workflow.models import BodySetting, OutcomeScheme

        BodySetting.objects.filter(district=district, body="cppcc").update(
            scheme=OutcomeScheme.objects.get(code=scheme)
        )
    reply = draft(consulted, handler, category=category(scheme, code))
    with pytest.raises(WorkflowError) as exc:
        replies.submit_reply(actor=handler, now=NOW, reply=reply)
    assert exc.value.field == field


def test_a_category_of_another_scheme_is_refused(consulted, handler):
    with pytest.raises(WorkflowError) as exc:
        draft(consulted, handler, category=category("npc", "1"))
    assert exc.value.code == "category_foreign"


def test_submitting_twice_is_a_conflict(consulted, handler):
    reply = draft(consulted, handler)
    replies.submit_reply(actor=handler, now=NOW, reply=reply)
    with pytest.raises(Conflict):
        replies.submit_reply(actor=handler, now=NOW, reply=reply)


def test_submitting_a_stale_view_is_a_conflict(consulted, handler):
    reply = draft(consulted, handler)
    replies.draft_reply(actor=handler, now=NOW, assignment=consulted, version=1, text="新")
    with pytest.raises(Conflict):
        replies.submit_reply(actor=handler, now=NOW, reply=reply, version=1)


def test_only_the_unit_head_approves(consulted, handler, head, leader):
    reply = draft(consulted, handler)
    replies.submit_reply(actor=handler, now=NOW, reply=reply)
    with pytest.raises(NotAllowed):
        replies.approve_reply(actor=handler, now=NOW, reply=reply)
    with pytest.raises(NotAllowed):
        replies.approve_reply(actor=leader, now=NOW, reply=reply)
    reply = replies.approve_reply(actor=head, now=NOW, reply=reply)
    assert (reply.state, reply.head_approved_by) == (Reply.State.AWAITING_OFFICE, head)


def test_for_reference_needs_the_responsible_leaders_sign_off(consulted, handler, head, leader, office, district):
    reply = draft(consulted, handler, category=category("cppcc", "C"))
    replies.submit_reply(actor=handler, now=NOW, reply=reply)
    reply = replies.approve_reply(actor=head, now=NOW, reply=reply)
    assert reply.state == Reply.State.AWAITING_LEADER
    with pytest.raises(WorkflowError):
        replies.send_reply(actor=office, now=NOW, reply=reply)
    another_leader = UserFactory(username="leader2")
    MembershipFactory(user=another_leader, role=Role.LEADER, district=district)
    with pytest.raises(NotAllowed):
        replies.sign_off_reply(actor=another_leader, now=NOW, reply=reply)
    reply = replies.sign_off_reply(actor=leader, now=NOW, reply=reply)
    assert (reply.state, reply.leader_signed_by) == (Reply.State.AWAITING_OFFICE, leader)


def test_the_office_sends_back_with_a_reason(consulted, handler, head, office):
    reply = draft(consulted, handler)
    replies.submit_reply(actor=handler, now=NOW, reply=reply)
    replies.approve_reply(actor=head, now=NOW, reply=reply)
    with pytest.raises(WorkflowError):
        replies.send_back_reply(actor=office, now=NOW, reply=reply, reason="")
    with pytest.raises(NotAllowed):
        replies.send_back_reply(actor=head, now=NOW, reply=reply, reason="x")
    reply = replies.send_back_reply(actor=office, now=NOW, reply=reply, reason="答复类型不当")
    assert (reply.state, reply.head_approved_by, reply.version) == (Reply.State.DRAFT, None, 2)
    event = reply.assignment.item.events.get(action="reply.sent_back")
    assert event.data["reason"] == "答复类型不当"
    assert event.data["step"] == "awaiting_office"


def test_sending_freezes_the_category_and_awaits_feedback(consulted, handler, head, office):
    reply = draft(consulted, handler)
    replies.submit_reply(actor=handler, now=NOW, reply=reply)
    replies.approve_reply(actor=head, now=NOW, reply=reply)
    later = NOW + dt.timedelta(days=20)
    reply = replies.send_reply(actor=office, now=later, reply=reply)
    assert (reply.state, reply.sent_at, reply.category_at_reply) == (Reply.State.SENT, later, reply.category)
    item = Item.objects.get()
    assert item.state == Item.State.REPLIED
    reply_obligation = Obligation.objects.get(assignment=consulted, kind="reply")
    assert reply_obligation.on_time is True
    assert Obligation.objects.filter(item=item, kind="feedback", owner="proposer", fulfilled_at=None).exists()
    # CPPCC A stays open with monthly follow-up.
    assert Obligation.objects.filter(item=item, kind="follow_up", fulfilled_at=None).exists()
    with pytest.raises(Conflict):
        replies.send_reply(actor=office, now=later, reply=reply)
    with pytest.raises(Conflict):
        draft(consulted, handler)


def test_only_the_office_sends(consulted, handler, head):
    reply = draft(consulted, handler)
    replies.submit_reply(actor=handler, now=NOW, reply=reply)
    replies.approve_reply(actor=head, now=NOW, reply=reply)
    with pytest.raises(NotAllowed):
        replies.send_reply(actor=head, now=NOW, reply=reply)


def test_a_split_item_is_replied_once_every_lead_has_sent(
    registered, office, unit, other_unit, handler, other_handler, head, leader
):
    from .flow import reply as send

    a, b = assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[unit, other_unit], split=True)
    other_head = UserFactory(username="other_head")
    MembershipFactory(user=other_head, role=Role.UNIT_HEAD, district=registered.district, unit=other_unit)
    for assignment, h in ((a, handler), (b, other_handler)):
        assign.accept_assignment(actor=h, now=NOW, assignment=assignment)
        consult(assignment, h, NOW)
    send(a, handler=handler, head=head, office=office, category=category("cppcc", "A"), now=NOW)
    assert Item.objects.get().state == Item.State.HANDLING
    send(b, handler=other_handler, head=other_head, office=office, category=category("cppcc", "A"), now=NOW)
    assert Item.objects.get().state == Item.State.REPLIED


def test_publishing_needs_consent_and_happens_once(consulted, handler, head, office):
    from .flow import reply as send

    reply = send(consulted, handler=handler, head=head, office=office, category=category("cppcc", "A"), now=NOW)
    with pytest.raises(NotAllowed):
        replies.publish_reply(actor=handler, now=NOW, reply=reply)
    reply = replies.publish_reply(actor=office, now=NOW, reply=reply)
    assert reply.published_by == office
    with pytest.raises(Conflict):
        replies.publish_reply(actor=office, now=NOW, reply=reply)


def test_publishing_is_refused_without_consent(consulted, handler, head, office):
    from .flow import reply as send

    Item.objects.update(disclosure=Item.Disclosure.PRIVATE)
    reply = send(consulted, handler=handler, head=head, office=office, category=category("cppcc", "A"), now=NOW)
    with pytest.raises(WorkflowError) as exc:
        replies.publish_reply(actor=office, now=NOW, reply=reply)
    assert exc.value.code == "no_consent"


def test_a_draft_cannot_be_published(consulted, handler, office):
    reply = draft(consulted, handler)
    with pytest.raises(WorkflowError):
        replies.publish_reply(actor=office, now=NOW, reply=reply)


def test_a_returned_split_lead_keeps_the_item_from_being_replied(
    registered, office, unit, other_unit, co_unit, co_handler, handler, other_handler, head, leader
):
    from .flow import reply as send

    a, b = assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[unit, other_unit], split=True)
    assign.return_assignment(actor=other_handler, now=NOW, assignment=b, reason="不属于本单位职责")
    assign.accept_assignment(actor=handler, now=NOW, assignment=a)
    consult(a, handler, NOW)
    send(a, handler=handler, head=head, office=office, category=category("cppcc", "A"), now=NOW)
    # Half the answer is out: the item still waits for the returned lead's replacement, and no feedback clock runs.
    assert Item.objects.get().state == Item.State.HANDLING
    assert not Obligation.objects.filter(kind="feedback").exists()

    c = assign.reassign(actor=office, now=NOW, assignment=b, unit=co_unit)
    co_head = UserFactory(username="co_head")
    MembershipFactory(user=co_head, role=Role.UNIT_HEAD, district=registered.district, unit=co_unit)
    assign.accept_assignment(actor=co_handler, now=NOW, assignment=c)
    consult(c, co_handler, NOW)
    send(c, handler=co_handler, head=co_head, office=office, category=category("cppcc", "A"), now=NOW)
    assert Item.objects.get().state == Item.State.REPLIED
    assert Obligation.objects.filter(kind="feedback", fulfilled_at=None).exists()


@pytest.fixture
def second_awaiting_office(consulted, handler, head, office, proposer_user):
    """A CPPCC B reply agreed to, and its second reply approved by the head: it waits for the office."""
    from workflow.services import feedback

    from .flow import reply as send

    send(consulted, handler=handler, head=head, office=office, category=category("cppcc", "B"), now=NOW)
    feedback.record_feedback(actor=proposer_user, now=NOW, item=consulted.item, agrees=True)
    assert Item.objects.get().state == Item.State.FOLLOWING_UP
    second = draft(consulted, handler, kind=Reply.Kind.SECOND, text="已完成", category=category("cppcc", "A"))
    replies.submit_reply(actor=handler, now=NOW, reply=second)
    return replies.approve_reply(actor=head, now=NOW, reply=second)


def test_a_second_reply_cannot_go_out_once_the_item_closed(second_awaiting_office, handler, office):
    from workflow.services import closing, followup

    lead = second_awaiting_office.assignment
    # Meanwhile the unit reports the plan delivered and closes the item.
    followup.report_progress(
        actor=handler, now=NOW, assignment=lead, progress="已解决", convert_to=category("cppcc", "A")
    )
    closing.submit_closing_report(actor=handler, now=NOW, assignment=lead, text="结案")
    item = Item.objects.get()
    assert item.state == Item.State.CLOSED
    # The overtaken second reply is superseded with the closing, not left stuck in the chain.
    assert Reply.objects.get(pk=second_awaiting_office.pk).state == Reply.State.SUPERSEDED
    assert item.events.get(action="item.closed").data["superseded"] == [second_awaiting_office.pk]
    with pytest.raises(WorkflowError):
        replies.send_reply(actor=office, now=NOW, reply=second_awaiting_office)
    with pytest.raises(WorkflowError):
        replies.send_back_reply(actor=office, now=NOW, reply=second_awaiting_office, reason="答复类型不当")
    assert not item.events.filter(action="reply.converted").exists()


def test_a_second_reply_is_refused_once_the_plan_was_reported_delivered(second_awaiting_office, handler, office):
    from workflow.services import followup

    followup.report_progress(
        actor=handler,
        now=NOW,
        assignment=second_awaiting_office.assignment,
        progress="已解决",
        convert_to=category("cppcc", "A"),
    )
    with pytest.raises(WorkflowError) as exc:
        replies.send_reply(actor=office, now=NOW, reply=second_awaiting_office)
    assert exc.value.code == "no_second_reply"


def test_a_draft_takes_only_the_items_own_files(consulted, handler, office, proposer, district):
    from proposals.models import Attachment

    from .conftest import attachment
    from .flow import receive

    other_item = receive(office, proposer, now=NOW, number="0002", title="另一件提案")
    own, foreign = (
        attachment(consulted.item, Attachment.Purpose.REPLY, handler),
        attachment(other_item, Attachment.Purpose.REPLY, handler),
    )
    foreign.original_name = "另一件的答复.pdf"
    foreign.save(update_fields=["original_name"])
    with translation.override("en"), pytest.raises(WorkflowError) as exc:
        draft(consulted, handler, attachments=[own, foreign])
    assert (exc.value.code, exc.value.field) == ("attachment_foreign", "attachments")
    assert "另一件的答复.pdf" in str(exc.value)
    assert not Reply.objects.exists()
    reply = draft(consulted, handler, attachments=[own])
    assert list(reply.attachments.all()) == [own]


def test_withdrawn_consent_takes_the_published_replies_off_the_portal(consulted, handler, head, office):
    from workflow.selectors import published_replies
    from workflow.services import closing

    from .flow import reply as send

    reply = send(consulted, handler=handler, head=head, office=office, category=category("cppcc", "A"), now=NOW)
    replies.publish_reply(actor=office, now=NOW, reply=reply)
    assert published_replies().filter(pk=reply.pk).exists()
    item = closing.correct_item(
        actor=office, now=NOW, item=consulted.item, reason="委员撤回公开同意", disclosure=Item.Disclosure.PRIVATE
    )
    reply.refresh_from_db()
    assert (reply.published_at, reply.published_by) == (None, None)
    assert not published_replies().exists()
    event = item.events.get(action="item.corrected")
    assert (event.data["before"], event.data["unpublished"]) == ({"disclosure": "public"}, [reply.pk])
    with translation.override("en"):
        assert timeline.describe(event) == (
            "The office corrected the record: 委员撤回公开同意 (the published reply was taken off the portal)"
        )
    with pytest.raises(WorkflowError) as exc:
        replies.publish_reply(actor=office, now=NOW, reply=reply)
    assert exc.value.code == "no_consent"


def test_a_leader_asked_to_sign_off_a_reply_that_needs_no_sign_off_is_told_so(consulted, handler, head, leader):
    """Category A skips the leader's step: the answer says so, not "already signed off" (nobody signed)."""
    reply = draft(consulted, handler)
    replies.submit_reply(actor=handler, now=NOW, reply=reply)
    replies.approve_reply(actor=head, now=NOW, reply=reply)
    with pytest.raises(WorkflowError) as exc, translation.override("en"):  # the reason is worded when refused
        replies.sign_off_reply(actor=leader, now=NOW, reply=reply)
    assert not isinstance(exc.value, Conflict)
    assert exc.value.code == "no_signoff_needed"
    assert "needs no district leader's sign-off" in str(exc.value)
    reply.refresh_from_db()
    assert (reply.state, reply.leader_signed_by) == (Reply.State.AWAITING_OFFICE, None)


def test_a_signed_off_reply_is_still_told_as_already_signed(consulted, handler, head, leader):
    reply = draft(consulted, handler, category=category("cppcc", "C"))
    replies.submit_reply(actor=handler, now=NOW, reply=reply)
    replies.approve_reply(actor=head, now=NOW, reply=reply)
    replies.sign_off_reply(actor=leader, now=NOW, reply=reply)
    with pytest.raises(Conflict) as exc:
        replies.sign_off_reply(actor=leader, now=NOW, reply=reply)
    assert exc.value.code == "already_done"
