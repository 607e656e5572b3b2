"""Each outcome scheme of domain §5 from intake to closing, through the services only."""

import datetime as dt

import pytest

from districts.models import Role
from proposals.models import Item
from tests.factories import MembershipFactory, ProposerFactory, UserFactory
from workflow.errors import NotAllowed, WorkflowError
from workflow.models import BodySetting, ClosingReport, FollowUp, Obligation, OutcomeScheme, RatingValue, Reply
from workflow.services import assignment as assign
from workflow.services import closing, extensions, feedback, followup, intake, opinions, replies

from .conftest import NOW, category
from .flow import consult, receive
from .flow import reply as send

DAY = dt.timedelta(days=1)


def open_obligations(item):
    return Obligation.objects.filter(item=item, fulfilled_at=None, cancelled_at=None)


def test_cppcc_disagreement_re_reply_second_reply_and_closing(
    district, office, proposer, proposer_user, unit, handler, head, leader, co_unit, co_handler
):
    item = receive(
        office, proposer, now=NOW, number="0042", title="关于完善社区养老的提案", disclosure=Item.Disclosure.PUBLIC
    )
    intake.register_item(actor=office, now=NOW, item=item)
    lead, co = assign.assign_units(actor=office, now=NOW, item=item, lead_units=[unit], co_units=[co_unit])
    assign.mark_key_item(actor=office, now=NOW, item=item, leader=leader)
    assign.accept_assignment(actor=handler, now=NOW + DAY, assignment=lead)
    assign.accept_assignment(actor=co_handler, now=NOW + DAY, assignment=co)
    opinions.submit_opinion(actor=co_handler, now=NOW + 10 * DAY, assignment=co, text="民政局会办意见")
    consult(lead, handler, NOW + 12 * DAY)
    first = send(lead, handler=handler, head=head, office=office, category=category("cppcc", "B"), now=NOW + 30 * DAY)
    assert Item.objects.get().state == Item.State.REPLIED

    feedback.record_feedback(
        actor=proposer_user,
        now=NOW + 35 * DAY,
        item=item,
        agrees=False,
        rating=RatingValue.objects.get(code="average"),
        comment="尚未解决",
    )
    item.refresh_from_db()
    assert (item.state, item.round) == (Item.State.HANDLING, 2)
    # Round 2 needs its own consultation.
    second_round = replies.draft_reply(
        actor=handler,
        now=NOW + 40 * DAY,
        assignment=lead,
        text="重新办理答复",
        category=category("cppcc", "B"),
        planned_on=dt.date(2026, 12, 31),
    )
    with pytest.raises(WorkflowError):
        replies.submit_reply(actor=handler, now=NOW + 40 * DAY, reply=second_round)
    consult(lead, handler, NOW + 41 * DAY)
    replies.submit_reply(actor=handler, now=NOW + 41 * DAY, reply=second_round)
    replies.approve_reply(actor=head, now=NOW + 42 * DAY, reply=second_round)
    replies.send_reply(actor=office, now=NOW + 43 * DAY, reply=second_round)
    assert Obligation.objects.get(item=item, kind="rehandling_reply", round=2).on_time is True

    feedback.record_feedback(
        actor=proposer_user, now=NOW + 50 * DAY, item=item, agrees=True, rating=RatingValue.objects.get(code="good")
    )
    item.refresh_from_db()
    assert item.state == Item.State.FOLLOWING_UP
    assert open_obligations(item).get().kind == "follow_up"

    followup.report_progress(actor=handler, now=NOW + 80 * DAY, assignment=lead, progress="已完成选址")
    with pytest.raises(WorkflowError) as exc:
        closing.submit_closing_report(actor=handler, now=NOW + 90 * DAY, assignment=lead, text="结案")
    assert exc.value.code == "second_reply_missing"

    send(
        lead,
        handler=handler,
        head=head,
        office=office,
        category=category("cppcc", "A"),
        kind=Reply.Kind.SECOND,
        now=NOW + 200 * DAY,
    )
    current = Reply.objects.get(assignment=lead, round=2, kind=Reply.Kind.REPLY)
    assert (current.category.code, current.category_at_reply.code) == ("A", "B")
    assert FollowUp.objects.filter(converted_from__code="B", converted_to__code="A").exists()
    assert Item.objects.get().state == Item.State.FOLLOWING_UP

    closing.submit_closing_report(actor=handler, now=NOW + 210 * DAY, assignment=lead, text="项目已建成")
    item.refresh_from_db()
    assert item.state == Item.State.CLOSED
    assert not open_obligations(item).exists()
    assert first.round == 1 and Reply.objects.filter(state=Reply.State.SENT).count() == 3

    replies.publish_reply(actor=office, now=NOW + 211 * DAY, reply=current)
    # A closed item changes only by the office's recorded correction.
    with pytest.raises(WorkflowError):
        followup.report_progress(actor=handler, now=NOW + 220 * DAY, assignment=lead, progress="x")
    with pytest.raises(NotAllowed):
        closing.correct_item(actor=handler, now=NOW + 220 * DAY, item=item, reason="x", title="y")
    closing.correct_item(
        actor=office, now=NOW + 220 * DAY, item=item, reason="标题错字", title="关于完善社区养老服务的提案"
    )
    event = item.events.get(action="item.corrected")
    assert event.data["before"] == {"title": "关于完善社区养老的提案"}


def test_npc_extension_planned_then_second_reply(district, office, unit, handler, head, leader):
    proposer = ProposerFactory(district=district, body="npc", name="陈代表")
    item = receive(
        office, proposer, now=NOW, number="A001", title="关于增设公交线路的建议", body="npc", kind="suggestion"
    )
    intake.register_item(actor=office, now=NOW, item=item)
    (lead,) = assign.assign_units(actor=office, now=NOW, item=item, lead_units=[unit])
    assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
    ext = extensions.request_extension(
        actor=handler, now=NOW + 60 * DAY, assignment=lead, until=dt.date(2026, 8, 31), reason="需市交通委批复"
    )
    extensions.decide_extension(actor=office, now=NOW + 61 * DAY, extension=ext, grant=True)
    consult(lead, handler, NOW + 100 * DAY)
    late = NOW + 150 * DAY  # after the original 2 June, before the extended 31 August
    send(lead, handler=handler, head=head, office=office, category=category("npc", "3"), now=late)
    assert Obligation.objects.get(item=item, kind="reply").on_time is True

    closing.expire_feedback_windows(now=late + 40 * DAY)
    item.refresh_from_db()
    assert item.state == Item.State.FOLLOWING_UP
    assert item.events.filter(action="feedback.missed").exists()

    with pytest.raises(WorkflowError):
        closing.close_item(actor=office, now=late + 41 * DAY, item=item)
    send(
        lead,
        handler=handler,
        head=head,
        office=office,
        category=category("npc", "1"),
        kind=Reply.Kind.SECOND,
        now=late + 60 * DAY,
    )
    closing.submit_closing_report(actor=handler, now=late + 61 * DAY, assignment=lead, text="线路已开通")
    item.refresh_from_db()
    assert item.state == Item.State.CLOSED


def test_npc_for_reference_needs_the_leader_and_closes_on_agreement(district, office, unit, handler, head, leader):
    proposer = ProposerFactory(district=district, body="npc", name="林代表")
    user = UserFactory(username="deputy")
    MembershipFactory(user=user, role=Role.PROPOSER, district=district, proposer=proposer)
    item = receive(office, proposer, now=NOW, number="B001", title="书面意见", body="npc", kind="written_opinion")
    intake.register_item(actor=office, now=NOW, item=item)
    (lead,) = assign.assign_units(actor=office, now=NOW, item=item, lead_units=[unit])
    assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
    consult(lead, handler, NOW)
    reply = send(lead, handler=handler, head=head, leader=leader, office=office, category=category("npc", "4"), now=NOW)
    assert reply.leader_signed_by == leader
    feedback.record_feedback(
        actor=user, now=NOW + DAY, item=item, agrees=True, rating=RatingValue.objects.get(code="mostly")
    )
    assert Item.objects.get(pk=item.pk).state == Item.State.CLOSED


def test_abcd_return_reassignment_and_reason_category(
    district, office, proposer, unit, other_unit, handler, other_handler
):
    BodySetting.objects.filter(district=district, body="cppcc").update(scheme=OutcomeScheme.objects.get(code="abcd"))
    other_head = UserFactory(username="other_head")
    MembershipFactory(user=other_head, role=Role.UNIT_HEAD, district=district, unit=other_unit)
    item = receive(office, proposer, now=NOW, number="C001", title="关于河道治理的提案")
    intake.register_item(actor=office, now=NOW, item=item)
    (lead,) = assign.assign_units(actor=office, now=NOW, item=item, lead_units=[unit])
    assign.return_assignment(actor=handler, now=NOW + DAY, assignment=lead, reason="属水务局职责")
    new = assign.reassign(actor=office, now=NOW + 2 * DAY, assignment=lead, unit=other_unit)
    assert Obligation.objects.get(assignment=new, kind="reply").due_on == dt.date(2026, 6, 4)
    assign.accept_assignment(actor=other_handler, now=NOW + 3 * DAY, assignment=new)
    consult(new, other_handler, NOW + 3 * DAY)
    with pytest.raises(WorkflowError):
        replies.draft_reply(actor=other_handler, now=NOW, assignment=new, text="x", category=category("cppcc", "A"))
    reply = send(
        new, handler=other_handler, head=other_head, office=office, category=category("abcd", "C"), now=NOW + 30 * DAY
    )
    assert reply.reason
    closing.expire_feedback_windows(now=NOW + 80 * DAY)
    item.refresh_from_db()
    assert item.state == Item.State.CLOSED
    closing.correct_reply(
        actor=office, now=NOW + 90 * DAY, reply=reply, reason="答复类型不当", category=category("abcd", "B")
    )
    reply.refresh_from_db()
    assert (reply.category.code, reply.category_at_reply.code) == ("B", "C")
    assert not ClosingReport.objects.exists()


def test_cppcc_solved_closes_with_its_closing_report_without_a_second_reply(
    accepted, handler, head, office, proposer_user
):
    consult(accepted, handler, NOW)
    send(accepted, handler=handler, head=head, office=office, category=category("cppcc", "A"), now=NOW)
    feedback.record_feedback(actor=proposer_user, now=NOW, item=accepted.item, agrees=True)
    with pytest.raises(WorkflowError) as exc:
        closing.close_item(actor=office, now=NOW, item=accepted.item)
    assert exc.value.code == "closing_report_missing"
    closing.submit_closing_report(actor=handler, now=NOW, assignment=accepted, text="已落实")
    assert Item.objects.get().state == Item.State.CLOSED


def test_a_follow_up_converts_only_towards_resolved(
    district, office, unit, handler, head, leader, accepted, proposer_user
):
    consult(accepted, handler, NOW)
    send(accepted, handler=handler, head=head, office=office, category=category("cppcc", "B"), now=NOW)
    feedback.record_feedback(actor=proposer_user, now=NOW, item=accepted.item, agrees=True)
    with pytest.raises(WorkflowError) as exc:
        followup.report_progress(
            actor=handler, now=NOW, assignment=accepted, progress="x", convert_to=category("cppcc", "C")
        )
    assert exc.value.code == "conversion_backwards"
    followup.report_progress(
        actor=handler, now=NOW, assignment=accepted, progress="已解决", convert_to=category("cppcc", "A")
    )
    reply = Reply.objects.get()
    assert (reply.category.code, reply.category_at_reply.code) == ("A", "B")
    assert Item.objects.get().state == Item.State.FOLLOWING_UP


def test_closing_before_the_feedback_window_ends_is_refused(accepted, handler, head, office, leader):
    consult(accepted, handler, NOW)
    send(accepted, handler=handler, head=head, leader=leader, office=office, category=category("cppcc", "C"), now=NOW)
    with pytest.raises(WorkflowError) as exc:
        closing.close_item(actor=office, now=NOW + DAY, item=accepted.item)
    assert exc.value.code == "feedback_open"
    closing.close_item(actor=office, now=NOW + 40 * DAY, item=accepted.item)
    assert Item.objects.get().state == Item.State.CLOSED
