"""码上约's rules (workflow.services.outreach): codes, residents' messages, and the deputy's acts."""

import datetime as dt

import pytest
from django.utils import translation

from audit.models import AuditEntry
from districts.models import Body
from outreach.models import Code, DistrictSetting, Message
from proposals.models import Item
from submissions.models import Submission
from workflow.errors import NotAllowed, NotFound, WorkflowError
from workflow.services import outreach, submissions
from workflow.services.intake import register_item
from workflow.signals import resident_answered

from ..factories import MembershipFactory, ProposerFactory, UserFactory
from .conftest import NOW


@pytest.fixture(autouse=True)
def _english():
    """What the resident reads is asserted in its English msgids (the site's default language is Chinese)."""
    with translation.override("en"):
        yield


def test_a_code_is_ten_unambiguous_characters_and_a_new_one_revokes_the_old(deputy, deputy_user, code):
    assert len(code.code) == 10 and set(code.code) <= set(outreach.ALPHABET)
    later = outreach.issue_code(actor=deputy_user, now=NOW + dt.timedelta(days=1), proposer=deputy)
    code.refresh_from_db()
    assert code.revoked_at is not None and code.revoked_by == deputy_user
    assert later.live and later.code != code.code
    assert Code.objects.filter(proposer=deputy).count() == 2  # kept, never deleted


def test_a_revoked_code_takes_no_message(deputy, deputy_user, code, send):
    outreach.revoke_code(actor=deputy_user, now=NOW, proposer=deputy)
    with pytest.raises(WorkflowError) as refused:
        send()
    assert refused.value.code == "code_revoked"
    assert not Message.objects.exists()


def test_cppcc_members_have_codes_only_where_the_district_enables_it(district, proposer, proposer_user):
    with pytest.raises(NotAllowed):
        outreach.issue_code(actor=proposer_user, now=NOW, proposer=proposer)
    DistrictSetting.objects.create(district=district, members_enabled=True)
    assert outreach.issue_code(actor=proposer_user, now=NOW, proposer=proposer).live


def test_nobody_issues_a_code_for_another_deputy(deputy, other_deputy_user):
    with pytest.raises(NotFound):
        outreach.issue_code(actor=other_deputy_user, now=NOW, proposer=deputy)


def test_the_twenty_first_message_of_a_code_within_the_hour_is_refused(send):
    for n in range(outreach.PER_CODE):
        send(f"第{n}条", now=NOW + dt.timedelta(minutes=n))
    with pytest.raises(outreach.TooMany) as refused:
        send("第21条", now=NOW + dt.timedelta(minutes=30))
    assert refused.value.status == 429
    assert Message.objects.count() == outreach.PER_CODE
    assert send("一小时后", now=NOW + dt.timedelta(hours=1, minutes=1)).pk  # the first has left the hour


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"text": "  "}, "text"),
        ({"text": "长" * 1001}, "text"),
        ({"text": "x", "neighbourhood": "区" * 101}, "neighbourhood"),
        ({"text": "x", "phone": "<b>1</b>"}, "phone"),
        ({"text": "x", "may_contact": True}, "phone"),
    ],
)
def test_a_message_is_bounded_and_checked(code, fields, field):
    with pytest.raises(WorkflowError) as refused:
        outreach.receive(now=NOW, code=code, **fields)
    assert refused.value.field == field


def test_an_answer_texts_only_a_resident_who_left_a_phone_and_consent(deputy_user, send):
    told = []

    def receiver(sender, **kwargs):
        told.append(kwargs)

    resident_answered.connect(receiver)
    try:
        consenting = send(phone="13800000000", may_contact=True)
        silent = send(phone="13900000000")
        outreach.answer(actor=deputy_user, now=NOW, message=consenting, text="已联系街道维修。")
        outreach.answer(actor=deputy_user, now=NOW, message=silent, text="已转交。")
    finally:
        resident_answered.disconnect(receiver)
    assert [(t["phone"], t["path"]) for t in told] == [("13800000000", f"/q/m/{consenting.private_code}/")]
    assert told[0]["district_id"] == consenting.district_id
    consenting.refresh_from_db()
    assert consenting.state == Message.State.ANSWERED and consenting.acted_by == deputy_user
    assert outreach.stage_for_resident(consenting) == "Your deputy has answered."
    assert AuditEntry.objects.filter(object_type="outreach.message", object_id=str(consenting.pk)).exists()


def test_another_deputy_cannot_act_on_the_messages(other_deputy_user, send):
    message = send()
    for act in (
        lambda: outreach.answer(actor=other_deputy_user, now=NOW, message=message, text="x"),
        lambda: outreach.dismiss(actor=other_deputy_user, now=NOW, message=message, reason="x"),
        lambda: outreach.hide(actor=other_deputy_user, now=NOW, message=message, reason="x"),
        lambda: outreach.turn_into_suggestion(actor=other_deputy_user, now=NOW, messages=[message]),
    ):
        with pytest.raises(NotFound):
            act()
    message.refresh_from_db()
    assert message.state == Message.State.WAITING


def test_hiding_spam_keeps_the_message_with_who_when_and_why(deputy_user, send):
    message = send("广告广告")
    with pytest.raises(WorkflowError):
        outreach.hide(actor=deputy_user, now=NOW, message=message, reason=" ")
    outreach.hide(actor=deputy_user, now=NOW, message=message, reason="广告")
    message.refresh_from_db()
    assert (message.state, message.acted_by, message.acted_at, message.reason) == (
        Message.State.HIDDEN,
        deputy_user,
        NOW,
        "广告",
    )
    assert Message.objects.get().state == Message.State.HIDDEN
    with pytest.raises(WorkflowError) as refused:
        outreach.answer(actor=deputy_user, now=NOW, message=message, text="x")
    assert refused.value.code == "message_state"


def test_two_messages_become_one_draft_whose_stage_the_residents_read(deputy, deputy_user, office, send):
    first = send("公交站没有遮雨棚", neighbourhood="莘庄镇")
    second = send("公交站台太窄")
    draft = outreach.turn_into_suggestion(actor=deputy_user, now=NOW, messages=[second, first])
    assert (draft.lead, draft.body, draft.kind, draft.state) == (deputy, Body.NPC, "suggestion", "draft")
    assert draft.title == "公交站没有遮雨棚"
    assert draft.text.index("公交站没有遮雨棚") < draft.text.index("公交站台太窄") and "莘庄镇" in draft.text
    assert set(draft.outreach_messages.values_list("pk", flat=True)) == {first.pk, second.pk}
    first.refresh_from_db()
    assert first.state == Message.State.SUGGESTION
    assert "writing a suggestion" in outreach.stage_for_resident(first)

    submissions.submit(actor=deputy_user, now=NOW, submission=draft)
    first.refresh_from_db()
    assert "recording it" in outreach.stage_for_resident(first)
    item = submissions.register(actor=office, now=NOW, submission=draft, number="J-001")
    first = Message.objects.select_related("submission__item").get(pk=first.pk)
    assert outreach.stage_for_resident(first) == str(outreach.ITEM_STAGES[Item.State.RECEIVED])
    register_item(actor=office, now=NOW, item=item)
    first = Message.objects.select_related("submission__item").get(pk=first.pk)
    assert outreach.stage_for_resident(first) == str(outreach.ITEM_STAGES[Item.State.REGISTERED])
    assert Submission.objects.get(pk=draft.pk).item == item


def test_a_suggestion_has_one_lead_and_takes_only_waiting_messages(district, deputy, deputy_user, code, send):
    group_staff_deputy = ProposerFactory(district=district, body=Body.NPC, name="周代表")
    MembershipFactory(user=deputy_user, role="proposer", district=district, proposer=group_staff_deputy)
    deputy_user = type(deputy_user).objects.get(pk=deputy_user.pk)  # its roles are read again
    theirs = send(through=outreach.issue_code(actor=deputy_user, now=NOW, proposer=group_staff_deputy))
    mine = send()
    with pytest.raises(WorkflowError) as refused:
        outreach.turn_into_suggestion(actor=deputy_user, now=NOW, messages=[mine, theirs])
    assert refused.value.code == "messages_mixed"
    outreach.answer(actor=deputy_user, now=NOW, message=mine, text="好")
    with pytest.raises(WorkflowError) as refused:
        outreach.turn_into_suggestion(actor=deputy_user, now=NOW, messages=[mine])
    assert refused.value.code == "message_state"
    assert not Submission.objects.exists()


def test_a_resident_without_the_private_code_finds_nothing(send):
    message = send()
    assert outreach.message_for_resident(message.private_code.lower()).pk == message.pk
    with pytest.raises(NotFound):
        outreach.message_for_resident("ABCDEFGHJK")


def test_a_login_without_a_deputy_has_no_code(district, deputy):
    stranger = UserFactory(username="stranger")
    with pytest.raises(NotFound):
        outreach.issue_code(actor=stranger, now=NOW, proposer=deputy)


def test_the_office_enables_members_and_its_no_stops_their_codes(district, office, proposer, proposer_user, outsider):
    with pytest.raises(NotAllowed):
        outreach.set_members_enabled(actor=proposer_user, now=NOW, district=district, enabled=True)
    with pytest.raises(NotAllowed):
        outreach.set_members_enabled(actor=outsider, now=NOW, district=district, enabled=True)
    outreach.set_members_enabled(actor=office, now=NOW, district=district, enabled=True)
    code = outreach.issue_code(actor=proposer_user, now=NOW, proposer=proposer)
    outreach.set_members_enabled(actor=office, now=NOW, district=district, enabled=False)
    code.refresh_from_db()
    assert not code.live and code.revoked_by == office


def test_the_yearly_report_counts_the_suggestions_handed_in_from_messages(district, deputy, deputy_user, office, send):
    from reports import annual, rollup

    draft = outreach.turn_into_suggestion(actor=deputy_user, now=NOW, messages=[send("一"), send("二")])
    submissions.submit(actor=deputy_user, now=NOW, submission=draft)
    register_item(actor=office, now=NOW, item=submissions.register(actor=office, now=NOW, submission=draft, number="1"))
    plain = submissions.create_draft(actor=deputy_user, now=NOW, lead=deputy, kind="suggestion", title="t", text="x")
    submissions.submit(actor=deputy_user, now=NOW, submission=plain)
    register_item(actor=office, now=NOW, item=submissions.register(actor=office, now=NOW, submission=plain, number="2"))
    as_of = NOW.date() + dt.timedelta(days=1)
    report = annual.annual_report(district=district, year=2026, body="npc", as_of=as_of)
    shown, sources = rollup.annual_report(district=district, year=2026, body="npc", as_of=as_of)
    assert (report["total"], report["outreach"]) == (2, 1)
    assert shown == report and sources[district.pk, 2026] == "rollup"
