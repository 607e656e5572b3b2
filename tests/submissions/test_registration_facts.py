"""Registering a submission made of residents' messages: the item's report facts know where it came from."""

from districts.models import Body, Role
from reports.models import ItemFacts
from workflow.services import outreach, submissions

from ..factories import MembershipFactory, ProposerFactory, UserFactory
from .conftest import NOW


def test_an_item_registered_from_residents_messages_counts_as_handed_in_from_them(district, office):
    """The item's facts are refreshed by its first event: the submission is linked to it by then."""
    deputy = ProposerFactory(district=district, body=Body.NPC, name="陈代表")
    deputy_user = UserFactory(username="deputy", full_name="陈代表")
    MembershipFactory(user=deputy_user, role=Role.PROPOSER, district=district, proposer=deputy)
    code = outreach.issue_code(actor=deputy_user, now=NOW, proposer=deputy)
    sent = [outreach.receive(now=NOW, code=code, text=text) for text in ("小区门口路灯坏了", "路口缺少斑马线")]
    from_messages = outreach.turn_into_suggestion(actor=deputy_user, now=NOW, messages=sent)
    plain = submissions.create_draft(actor=deputy_user, now=NOW, lead=deputy, kind="suggestion", title="t", text="x")
    for draft in (from_messages, plain):
        submissions.submit(actor=deputy_user, now=NOW, submission=draft)

    item = submissions.register(actor=office, now=NOW, submission=from_messages, number="1")
    other = submissions.register(actor=office, now=NOW, submission=plain, number="2")

    assert ItemFacts.objects.get(item=item).outreach == 1
    assert ItemFacts.objects.get(item=other).outreach == 0
