"""A reply's files go where its text goes: a unit's draft keeps them from co-units and proposers until it is sent."""

import pytest
from django.urls import reverse

from districts.models import User
from proposals.models import Attachment
from workflow.errors import WorkflowError
from workflow.selectors import visible_attachments
from workflow.services import assignment as assign
from workflow.services import feedback, opinions, replies

from .conftest import NOW, attachment, category
from .flow import consult

pytestmark = pytest.mark.django_db


@pytest.fixture
def item_file(registered, office):
    return attachment(registered, purpose=Attachment.Purpose.ITEM, user=office)


@pytest.fixture
def draft(handled, handler):
    """The lead unit's draft reply with its document attached; returns (draft, document)."""
    document = attachment(handled.item, purpose=Attachment.Purpose.REPLY, user=handler)
    reply = replies.draft_reply(
        actor=handler,
        now=NOW,
        assignment=handled,
        text="经研究，答复如下……",
        category=category("cppcc", "A"),
        signer="主任",
        attachments=[document],
    )
    return reply, document


def download(client, user, file):
    client.force_login(user)
    return client.get(reverse("items:attachment", args=[file.pk]))


def sees(user, file):
    return visible_attachments(user).filter(pk=file.pk).exists()


@pytest.mark.parametrize("who", ["co_handler", "proposer_user"])
def test_a_co_unit_and_the_proposer_neither_see_nor_download_a_draft_replys_file(
    client, draft, item_file, who, request
):
    user = request.getfixturevalue(who)
    _reply, document = draft
    assert not sees(user, document)
    assert download(client, user, document).status_code == 404
    # The item's own file is theirs as before.
    assert sees(user, item_file)
    assert download(client, user, item_file).status_code == 200


@pytest.mark.parametrize("who", ["handler", "head", "office", "leader", "city_admin"])
def test_the_drafting_unit_and_the_office_see_and_download_it(client, draft, who, request):
    user = request.getfixturevalue(who)
    _reply, document = draft
    assert sees(user, document)
    assert download(client, user, document).status_code == 200


@pytest.mark.parametrize("state", ["submitted", "approved"])
def test_it_stays_hidden_through_the_approval_chain(draft, handler, head, co_handler, proposer_user, state):
    reply, document = draft
    replies.submit_reply(actor=handler, now=NOW, reply=reply)
    if state == "approved":
        replies.approve_reply(actor=head, now=NOW, reply=reply)
    assert not sees(co_handler, document) and not sees(proposer_user, document)


def test_once_the_reply_is_sent_the_co_unit_and_the_proposer_download_it(
    client, draft, handler, head, office, co_handler, proposer_user
):
    reply, document = draft
    replies.submit_reply(actor=handler, now=NOW, reply=reply)
    replies.approve_reply(actor=head, now=NOW, reply=reply)
    replies.send_reply(actor=office, now=NOW, reply=reply)
    for user in (co_handler, proposer_user, handler, office):
        assert sees(user, document)
        assert download(client, user, document).status_code == 200


def test_another_district_and_an_unassigned_unit_see_neither_file(client, draft, item_file, outsider, other_handler):
    _reply, document = draft
    for user in (outsider, other_handler):
        for file in (document, item_file):
            assert not sees(user, file)
            assert download(client, user, file).status_code == 404


def test_the_item_page_lists_the_draft_file_for_the_unit_only(client, draft, handler, co_handler, proposer_user):
    _reply, document = draft
    for user, listed in ((handler, True), (co_handler, False), (proposer_user, False)):
        client.force_login(user)
        response = client.get(reverse("items:detail", args=[document.item_id]))
        assert (document in response.context["attachments"]) is listed
        assert (reverse("items:attachment", args=[document.pk]) in response.content.decode()) is listed


@pytest.mark.parametrize("who", ["co_handler", "proposer_user", "office"])
def test_the_files_a_user_may_see_are_one_query(draft, item_file, who, request, django_assert_num_queries):
    user = User.objects.get(pk=request.getfixturevalue(who).pk)
    visible_attachments(user).exists()  # the user's roles, read once per request
    with django_assert_num_queries(1):
        files = set(visible_attachments(user))
    _reply, document = draft
    assert files == ({item_file, document} if who == "office" else {item_file})


@pytest.fixture
def opinion_file(registered, office, unit, co_unit, handler, co_handler):
    """`co_unit`'s opinion for the lead unit, with a file."""
    _lead, co = assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[unit], co_units=[co_unit])
    assign.accept_assignment(actor=co_handler, now=NOW, assignment=co)
    document = attachment(registered, purpose=Attachment.Purpose.OTHER, user=co_handler)
    opinions.submit_opinion(actor=co_handler, now=NOW, assignment=co, text="会办意见", attachments=[document])
    return document


@pytest.mark.parametrize(("who", "visible"), [("co_handler", True), ("handler", True), ("office", True),
                                              ("proposer_user", False)])  # fmt: skip
def test_a_co_units_opinion_file_goes_to_the_lead_unit_and_office_not_the_proposer(
    client, opinion_file, who, visible, request
):
    user = request.getfixturevalue(who)
    assert sees(user, opinion_file) is visible
    assert download(client, user, opinion_file).status_code == (200 if visible else 404)


@pytest.mark.parametrize(("who", "visible"), [("proposer_user", True), ("handler", True), ("office", True),
                                              ("co_handler", False)])  # fmt: skip
def test_a_scanned_feedback_form_goes_where_the_feedback_goes(
    client, draft, office, head, proposer, who, visible, request
):
    reply, _document = draft
    replies.submit_reply(actor=request.getfixturevalue("handler"), now=NOW, reply=reply)
    replies.approve_reply(actor=head, now=NOW, reply=reply)
    replies.send_reply(actor=office, now=NOW, reply=reply)
    form = attachment(reply.assignment.item, purpose=Attachment.Purpose.FEEDBACK_FORM, user=office)
    feedback.record_feedback(actor=office, now=NOW, item=reply.assignment.item, agrees=True, form=form,
                             proposer=proposer)  # fmt: skip
    user = request.getfixturevalue(who)
    assert sees(user, form) is visible
    assert download(client, user, form).status_code == (200 if visible else 404)


@pytest.mark.parametrize("who", ["co_handler", "proposer_user", "office"])
def test_a_file_taken_off_a_draft_is_nobodys_but_its_uploaders(client, handled, handler, who, request):
    old = attachment(handled.item, purpose=Attachment.Purpose.REPLY, user=handler)
    first = replies.draft_reply(
        actor=handler, now=NOW, assignment=handled, text="草稿", category=category("cppcc", "A"), attachments=[old]
    )
    new = attachment(handled.item, purpose=Attachment.Purpose.REPLY, user=handler)
    replies.draft_reply(actor=handler, now=NOW, assignment=handled, version=first.version, attachments=[new])
    assert not sees(request.getfixturevalue(who), old)
    assert download(client, request.getfixturevalue(who), old).status_code == 404
    assert sees(handler, old)


def test_a_split_lead_cannot_take_the_other_leads_draft_file(
    registered, office, unit, other_unit, handler, other_handler
):
    a, b = assign.assign_units(actor=office, now=NOW, item=registered, lead_units=[unit, other_unit], split=True)
    assign.accept_assignment(actor=handler, now=NOW, assignment=a)
    assign.accept_assignment(actor=other_handler, now=NOW, assignment=b)
    consult(a, handler, NOW)
    consult(b, other_handler, NOW)
    secret = attachment(registered, purpose=Attachment.Purpose.REPLY, user=handler)
    replies.draft_reply(actor=handler, now=NOW, assignment=a, text="甲的草稿", attachments=[secret])
    with pytest.raises(WorkflowError) as exc:
        replies.draft_reply(actor=other_handler, now=NOW, assignment=b, text="乙", attachments=[secret])
    assert exc.value.code == "attachment_foreign"
    assert not sees(other_handler, secret)


def test_a_lead_unit_cannot_pass_on_a_co_units_opinion_file(handled, handler, co_handler, registered):
    shared = attachment(registered, purpose=Attachment.Purpose.OTHER, user=co_handler)
    registered.assignments.get(role="co").opinions.get().attachments.add(shared)
    with pytest.raises(WorkflowError) as exc:
        replies.draft_reply(actor=handler, now=NOW, assignment=handled, text="答复", attachments=[shared])
    assert exc.value.code == "attachment_foreign"
