import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from districts.models import Role, User
from proposals.models import Item
from tests.factories import ItemFactory, MembershipFactory, ProposerFactory, SessionFactory, UserFactory
from workflow.errors import NotFound
from workflow.models import Feedback
from workflow.selectors import (
    get_item_for,
    published_replies,
    reads_feedback,
    visible_events,
    visible_feedback,
    visible_items,
    visible_replies,
)
from workflow.services import assignment as assign
from workflow.services import intake, replies

from .conftest import NOW, category
from .flow import consult
from .flow import reply as send

TODAY = NOW.date()


def pks(qs):
    return {i.pk for i in qs}


def test_the_office_sees_its_district_only(registered, office, outsider, other_district):
    foreign = ItemFactory(district=other_district)
    assert pks(visible_items(office, today=TODAY)) == {registered.pk}
    assert pks(visible_items(outsider, today=TODAY)) == {foreign.pk}
    with pytest.raises(NotFound):
        get_item_for(outsider, registered.pk, today=TODAY)
    assert get_item_for(office, registered.pk, today=TODAY) == registered


def test_get_item_for_joins_the_related_rows_it_is_asked_for(registered, office, django_assert_num_queries):
    registered.session = SessionFactory(district=registered.district)
    registered.save(update_fields=["session"])
    office = User.objects.get(pk=office.pk)
    with django_assert_num_queries(2):  # roles, the item with its district and session
        item = get_item_for(office, registered.pk, today=TODAY, related=("district", "session"))
        assert (item.district.name, item.session.district_id) == ("闵行区", registered.district_id)


def test_a_unit_sees_the_items_assigned_to_it(lead, handler, other_handler, district):
    ItemFactory(district=district)
    assert pks(visible_items(handler, today=TODAY)) == {lead.item_id}
    assert not visible_items(other_handler, today=TODAY).exists()


def test_a_proposer_sees_own_items_and_the_target_of_a_merge(registered, office, proposer_user, district, proposer):
    theirs = ItemFactory(district=district, number="0100", lead_proposer=proposer)
    target = ItemFactory(district=district, number="0101")
    ItemFactory(district=district, number="0102", lead_proposer=ProposerFactory(district=district))
    intake.merge_item(actor=office, now=NOW, item=theirs, into=target)
    assert pks(visible_items(proposer_user, today=TODAY)) == {registered.pk, theirs.pk, target.pk}


def test_a_proposer_follows_their_item_through_a_merge_of_the_merged_item(office, proposer_user, district, proposer):
    theirs = ItemFactory(district=district, number="0100", lead_proposer=proposer)
    middle = ItemFactory(district=district, number="0101")
    target = ItemFactory(district=district, number="0102")
    intake.merge_item(actor=office, now=NOW, item=theirs, into=middle)
    intake.merge_item(actor=office, now=NOW, item=middle, into=target)
    theirs.refresh_from_db()
    assert theirs.merged_into == target
    assert target.pk in pks(visible_items(proposer_user, today=TODAY))
    assert target.events.filter(action="item.merged_in", data__merged=theirs.pk).exists()


def test_anyone_without_a_role_sees_nothing(registered, db):
    assert not visible_items(AnonymousUser(), today=TODAY).exists()
    assert not visible_items(User.objects.create(username="nobody"), today=TODAY).exists()


def test_co_units_do_not_see_the_lead_units_draft(registered, office, unit, co_unit, handler, co_handler, head):
    lead, _co = assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[unit], co_units=[co_unit])
    assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
    draft = replies.draft_reply(actor=handler, now=NOW, assignment=lead, text="草稿", category=category("cppcc", "A"))
    assert pks(visible_replies(handler)) == {draft.pk}
    assert pks(visible_replies(office)) == {draft.pk}
    assert not visible_replies(co_handler).exists()
    assert registered.pk in pks(visible_items(co_handler, today=TODAY))


def actions(events):
    return set(events.values_list("action", flat=True))


def test_the_timeline_hides_the_lead_units_draft_steps_from_co_units_and_proposers(
    registered, office, unit, co_unit, handler, co_handler, head, proposer_user
):
    lead, co = assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[unit], co_units=[co_unit])
    assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
    assign.accept_assignment(actor=co_handler, now=NOW, assignment=co)
    replies.draft_reply(actor=handler, now=NOW, assignment=lead, text="草稿", category=category("cppcc", "A"))
    assert "reply.drafted" in actions(visible_events(handler).filter(item=registered))
    assert "reply.drafted" in actions(visible_events(office).filter(item=registered))
    co_sees = actions(visible_events(co_handler).filter(item=registered))
    assert "assignment.accepted" in co_sees and "reply.drafted" not in co_sees
    assert "reply.drafted" not in actions(visible_events(proposer_user).filter(item=registered))
    assert not visible_events(AnonymousUser()).exists()


def test_the_timeline_hides_the_co_units_opinions_from_proposers(
    registered, office, unit, co_unit, other_unit, handler, co_handler, proposer_user
):
    """An opinion is written for the lead unit (`_opinion_scope`): nor its sending nor the office's waiver reason
    is the proposers' to read."""
    from workflow.services import opinions

    _lead, co, waived = assign.assign_units(
        actor=office, now=NOW, item=registered, lead_units=[unit], co_units=[co_unit, other_unit]
    )
    assign.accept_assignment(actor=co_handler, now=NOW, assignment=co)
    opinions.submit_opinion(actor=co_handler, now=NOW, assignment=co, text="同意主办单位意见")
    opinions.waive_opinion(actor=office, now=NOW, assignment=waived, reason="科委内部意见分歧，免于会办")
    both = {"opinion.submitted", "opinion.waived"}
    for reader in (office, handler):
        assert both <= actions(visible_events(reader).filter(item=registered))
    proposer_sees = actions(visible_events(proposer_user).filter(item=registered))
    assert "item.assigned" in proposer_sees and not both & proposer_sees


def test_a_co_unit_reads_its_own_opinion_events_not_another_co_units(
    registered, office, unit, co_unit, other_unit, co_handler, other_handler
):
    """As `_opinion_scope`: the office, the lead units and the co-unit itself read an opinion, not a fellow co-unit."""
    from workflow.services import opinions

    _lead, co, waived = assign.assign_units(
        actor=office, now=NOW, item=registered, lead_units=[unit], co_units=[co_unit, other_unit]
    )
    assign.accept_assignment(actor=co_handler, now=NOW, assignment=co)
    opinions.submit_opinion(actor=co_handler, now=NOW, assignment=co, text="同意主办单位意见")
    opinions.waive_opinion(actor=office, now=NOW, assignment=waived, reason="科委内部意见分歧，免于会办")
    co_sees = actions(visible_events(co_handler).filter(item=registered))
    other_sees = actions(visible_events(other_handler).filter(item=registered))
    assert "opinion.submitted" in co_sees and "opinion.waived" not in co_sees
    assert "opinion.waived" in other_sees and "opinion.submitted" not in other_sees


def test_the_proposers_feedback_is_on_the_timeline_of_those_who_read_feedback_only(
    handled, registered, office, handler, head, co_handler, proposer_user
):
    from workflow.services import feedback

    lead = handled
    send(lead, handler=handler, head=head, office=office, category=category("cppcc", "A"), now=NOW)
    feedback.record_feedback(actor=proposer_user, now=NOW, item=registered, agrees=False, comment="未解决")
    for reader in (office, handler, proposer_user):
        assert "feedback.recorded" in actions(visible_events(reader).filter(item=registered))
    assert "feedback.recorded" not in actions(visible_events(co_handler).filter(item=registered))


def test_proposers_and_the_public_see_sent_and_published_replies_only(accepted, handler, head, office, proposer_user):
    consult(accepted, handler, NOW)
    reply = send(accepted, handler=handler, head=head, office=office, category=category("cppcc", "A"), now=NOW)
    assert pks(visible_replies(proposer_user)) == {reply.pk}
    assert not visible_replies(AnonymousUser()).exists()
    assert not published_replies().exists()
    replies.publish_reply(actor=office, now=NOW, reply=reply)
    assert pks(visible_replies(AnonymousUser())) == {reply.pk}
    assert pks(published_replies()) == {reply.pk}


def row(user, item):
    return get_item_for(user, item.pk, today=TODAY)


def test_each_item_says_what_it_waits_for_and_on_whom(
    received, office, handler, head, unit, co_unit, co_handler, leader
):
    assert (row(office, received).waits_for, row(office, received).waiting_on) == ("review", "office")
    intake.register_item(actor=office, now=NOW, item=received)
    assert row(office, received).waits_for == "assignment"
    lead, co = assign.assign_units(actor=office, now=NOW, item=received, lead_units=[unit], co_units=[co_unit])
    assert (row(office, received).waits_for, row(office, received).waiting_on) == ("acceptance", "unit")
    assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
    assign.accept_assignment(actor=co_handler, now=NOW, assignment=co)
    assert row(office, received).waits_for == "consultation"
    consult(lead, handler, NOW)
    assert row(office, received).waits_for == "co_opinion"
    from workflow.services import opinions

    opinions.submit_opinion(actor=co_handler, now=NOW, assignment=co, text="意见")
    assert row(office, received).waits_for == "reply"
    draft = replies.draft_reply(actor=handler, now=NOW, assignment=lead, text="答复", category=category("cppcc", "C"))
    replies.submit_reply(actor=handler, now=NOW, reply=draft)
    assert (row(office, received).waits_for, row(office, received).waiting_on) == ("head_approval", "unit_head")
    replies.approve_reply(actor=head, now=NOW, reply=draft)
    assert row(office, received).waiting_on == "leader"
    replies.sign_off_reply(actor=leader, now=NOW, reply=draft)
    assert row(office, received).waits_for == "office_review"
    replies.send_reply(actor=office, now=NOW, reply=draft)
    got = row(office, received)
    assert (got.stage, got.waits_for, got.waiting_on) == (Item.State.REPLIED, "feedback", "proposer")
    assert got.earliest_due_on == dt.date(2026, 4, 2)


def test_a_drafts_approval_step_is_told_only_to_those_who_see_the_draft(
    handled, registered, office, handler, head, co_handler, proposer_user
):
    # A leader's sign-off means 留作参考: the proposer and the co-unit must not learn it before the reply.
    c = category("cppcc", "C")
    draft = replies.draft_reply(actor=handler, now=NOW, assignment=handled, text="答复", category=c)
    replies.submit_reply(actor=handler, now=NOW, reply=draft)
    replies.approve_reply(actor=head, now=NOW, reply=draft)
    assert (row(office, registered).waits_for, row(handler, registered).waits_for) == ("leader_signoff",) * 2
    for reader in (co_handler, proposer_user):
        assert (row(reader, registered).waits_for, row(reader, registered).waiting_on) == ("reply", "unit")


def test_a_returned_assignment_waits_on_the_office(lead, handler, office):
    assign.return_assignment(actor=handler, now=NOW, assignment=lead, reason="非本单位职责")
    got = row(office, lead.item)
    assert (got.waits_for, got.waiting_on, got.earliest_due_on) == ("reassignment", "office", None)


def test_a_returned_co_unit_no_longer_waits_on_the_office_once_the_item_is_followed_up(
    registered, office, unit, handler, head, co_unit, co_handler, proposer_user
):
    # Reassignment is for items being handled; in follow-up the office can't reassign any more.
    from workflow.services import feedback

    lead, co = assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[unit], co_units=[co_unit])
    assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
    assign.return_assignment(actor=co_handler, now=NOW, assignment=co, reason="非本单位职责")
    assert row(office, registered).waits_for == "reassignment"
    consult(lead, handler, NOW)
    send(lead, handler=handler, head=head, office=office, category=category("cppcc", "B"), now=NOW)
    feedback.record_feedback(actor=proposer_user, now=NOW, item=registered, agrees=True)
    got = row(office, registered)
    assert (got.stage, got.waits_for, got.waiting_on) == (Item.State.FOLLOWING_UP, "follow_up", "unit")


def test_the_reply_steps_are_told_before_a_returned_co_units_reassignment(
    registered, office, unit, co_unit, handler, co_handler, head
):
    lead, co = assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[unit], co_units=[co_unit])
    assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
    assign.return_assignment(actor=co_handler, now=NOW, assignment=co, reason="非本单位职责")
    consult(lead, handler, NOW)
    assert row(office, registered).waits_for == "reassignment"
    draft = replies.draft_reply(actor=handler, now=NOW, assignment=lead, text="答复", category=category("cppcc", "A"))
    replies.submit_reply(actor=handler, now=NOW, reply=draft)
    assert (row(office, registered).waits_for, row(office, registered).waiting_on) == ("head_approval", "unit_head")
    replies.approve_reply(actor=head, now=NOW, reply=draft)
    assert (row(office, registered).waits_for, row(office, registered).waiting_on) == ("office_review", "office")


def test_after_the_second_reply_an_item_waits_for_the_closing_report(accepted, office, handler, head, proposer_user):
    from workflow.models import Reply
    from workflow.services import closing, feedback

    item = accepted.item
    consult(accepted, handler, NOW)
    send(accepted, handler=handler, head=head, office=office, category=category("cppcc", "B"), now=NOW)
    feedback.record_feedback(actor=proposer_user, now=NOW, item=item, agrees=True)
    assert row(office, item).waits_for == "follow_up"
    second = replies.draft_reply(
        actor=handler,
        now=NOW,
        assignment=accepted,
        kind=Reply.Kind.SECOND,
        text="已建成",
        category=category("cppcc", "A"),
    )
    replies.submit_reply(actor=handler, now=NOW, reply=second)
    assert (row(office, item).waits_for, row(proposer_user, item).waits_for) == ("head_approval", "follow_up")
    replies.approve_reply(actor=head, now=NOW, reply=second)
    replies.send_reply(actor=office, now=NOW, reply=second)
    for reader in (office, handler, proposer_user):
        got = row(reader, item)
        assert (got.stage, got.waits_for, got.waiting_on) == (Item.State.FOLLOWING_UP, "closing_report", "unit")
    closing.submit_closing_report(actor=handler, now=NOW, assignment=accepted, text="已建成两处养老驿站")
    assert (row(office, item).stage, row(office, item).waits_for) == (Item.State.CLOSED, "")


def test_overdue_items_are_flagged(lead, office):
    got = get_item_for(office, lead.item_id, today=TODAY + dt.timedelta(days=10))
    assert got.is_overdue and got.overdue_workdays > 0
    assert got.earliest_due_on == dt.date(2026, 3, 9)


def _items(district, unit, office, n, start=0):
    for i in range(start, start + n):
        item = ItemFactory(district=district, number=f"L{i:03d}", state=Item.State.REGISTERED, review="registered")
        assign.assign_units(actor=office, now=NOW, item=item, lead_units=[unit])


def _count(user):
    user = User.objects.get(pk=user.pk)  # a fresh object: its roles are read once per request
    with CaptureQueriesContext(connection) as ctx:
        rows = list(visible_items(user, today=TODAY + dt.timedelta(days=30)))
    return len(ctx.captured_queries), rows


@pytest.mark.parametrize("who", ["office", "handler", "proposer_user"])
def test_the_list_costs_the_same_queries_for_5_or_30_items(
    district, unit, office, handler, proposer_user, who, request
):
    user = request.getfixturevalue(who)
    _items(district, unit, office, 5)
    small, rows = _count(user)
    _items(district, unit, office, 25, start=5)
    large, more = _count(user)
    # roles (1) + the annotated list (1): days overdue are counted from the rows, no query per date
    assert small == large == 2
    if who != "proposer_user":
        assert (len(rows), len(more)) == (5, 30)
        assert all(r.is_overdue and r.waits_for == "acceptance" for r in more)


# --- feedback ----------------------------------------------------------------------------------


@pytest.fixture
def feedback_item(registered, office, unit, co_unit, handler, co_handler, proposer):
    """The item with `unit` leading and `co_unit` co-handling, and the proposer's feedback on it."""
    assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[unit], co_units=[co_unit])
    Feedback.objects.create(item=registered, proposer=proposer, agrees=True, submitted_at=NOW)
    return registered


@pytest.fixture
def merged_proposer_user(feedback_item, office, district):
    """The proposer of an item the office merged into the feedback item: they rate its reply too."""
    theirs = ItemFactory(district=district, number="0200", lead_proposer=ProposerFactory(district=district))
    intake.merge_item(actor=office, now=NOW, item=theirs, into=feedback_item)
    user = UserFactory(username="merged")
    MembershipFactory(user=user, role=Role.PROPOSER, district=district, proposer=theirs.item_proposers.get().proposer)
    return user


@pytest.mark.parametrize(
    "who", ["office", "leader", "handler", "head", "proposer_user", "merged_proposer_user", "city_admin"]
)
def test_the_office_leaders_the_proposers_and_the_lead_unit_read_the_feedback(feedback_item, who, request):
    user = request.getfixturevalue(who)
    assert pks(visible_feedback(user)) == set(feedback_item.feedback.values_list("pk", flat=True))
    assert reads_feedback(user, feedback_item)


@pytest.fixture
def stranger(district):
    """The proposer of another item of the district."""
    user = UserFactory(username="stranger")
    MembershipFactory(user=user, role=Role.PROPOSER, district=district, proposer=ProposerFactory(district=district))
    return user


@pytest.mark.parametrize("who", ["co_handler", "other_handler", "outsider", "stranger"])
def test_co_units_other_units_districts_and_proposers_do_not(feedback_item, who, request):
    user = request.getfixturevalue(who)
    assert not visible_feedback(user).exists()
    assert not reads_feedback(user, feedback_item)


def test_a_unit_that_returned_its_lead_assignment_no_longer_reads_it(feedback_item, handler):
    lead = feedback_item.assignments.get(unit__name="区经委")
    assign.return_assignment(actor=handler, now=NOW, assignment=lead, reason="非本单位职责")
    assert not visible_feedback(handler).exists() and not reads_feedback(handler, feedback_item)


def test_nobody_without_a_role_reads_feedback(feedback_item):
    assert not visible_feedback(AnonymousUser()).exists()
    assert not reads_feedback(AnonymousUser(), feedback_item)
    assert not reads_feedback(User.objects.create(username="nobody"), feedback_item)
