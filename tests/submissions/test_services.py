"""The services of items handed in online: every verb, its wrong roles and states, the co-sign window."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from deadlines.models import COSIGN_WINDOW, DeadlinePolicy, PeriodStart, PeriodUnit
from notifications.models import Notification, NotificationKind
from notifications.texts import render
from proposals.models import Attachment, Item, ItemProposer
from submissions.models import CoSignInvitation, Submission
from workflow import selectors
from workflow.errors import Conflict, NotAllowed, NotFound, WorkflowError
from workflow.services import intake, submissions

from ..factories import ProposerFactory
from .conftest import ANSWER_BY, NOW

pytestmark = pytest.mark.django_db
LATER = NOW + dt.timedelta(days=7)  # the next Monday: the window of invitations sent on NOW has ended


def refusal(call):
    with translation.override("en"), pytest.raises(WorkflowError) as caught:
        call()
    return caught.value


def register(office, submission, now=LATER, number="0101"):
    return submissions.register(actor=office, now=now, submission=submission, number=number)


# The draft.


def test_a_proposer_drafts_an_item_of_their_body(draft, proposer):
    assert (draft.state, draft.district_id, draft.body, draft.lead) == (
        "draft",
        proposer.district_id,
        "cppcc",
        proposer,
    )
    assert draft.disclosure == Item.Disclosure.ON_REQUEST
    assert not Item.objects.exists()  # a draft is not an item


def test_only_who_acts_for_the_proposer_drafts(proposer, office, cosigner_user):
    for actor in (office, cosigner_user):
        error = refusal(
            lambda actor=actor: submissions.create_draft(actor=actor, now=NOW, lead=proposer, kind="proposal")
        )
        assert isinstance(error, NotAllowed)


def test_a_draft_keeps_to_its_body(proposer, proposer_user):
    error = refusal(lambda: submissions.create_draft(actor=proposer_user, now=NOW, lead=proposer, kind="suggestion"))
    assert (error.code, error.field) == ("kind_body", "kind")


def test_a_group_s_staff_hands_in_for_the_group(group, group_staff):
    draft = submissions.create_draft(actor=group_staff, now=NOW, lead=group, kind="proposal", title="团体提案")
    assert draft.lead == group
    assert list(selectors.own_submissions(group_staff)) == [draft]


def test_the_owner_edits_the_draft_until_handed_in(draft, proposer_user, cosigner_user):
    submissions.edit_draft(actor=proposer_user, now=NOW, submission=draft, title="新标题", disclosure="public")
    draft.refresh_from_db()
    assert (draft.title, draft.disclosure) == ("新标题", "public")
    assert isinstance(refusal(lambda: submissions.edit_draft(actor=cosigner_user, now=NOW, submission=draft)), NotFound)
    submissions.submit(actor=proposer_user, now=NOW, submission=draft)
    error = refusal(lambda: submissions.edit_draft(actor=proposer_user, now=NOW, submission=draft, title="再改"))
    assert "Only a draft can be edited" in str(error)


def test_files_are_checked_and_kept_on_the_draft(draft, proposer_user, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    kept = submissions.add_file(
        actor=proposer_user, now=NOW, submission=draft, uploaded_file=SimpleUploadedFile("附件.pdf", b"%PDF-1.4 x")
    )
    assert kept.original_name == "附件.pdf" and kept.file.name.startswith(f"submissions/{draft.district_id}/")
    error = refusal(
        lambda: submissions.add_file(
            actor=proposer_user, now=NOW, submission=draft, uploaded_file=SimpleUploadedFile("假.pdf", b"MZ")
        )
    )
    assert error.field == "file" and "not a real .pdf file" in str(error)


# Co-signers.


def test_an_invitation_runs_three_working_days(invited, cosigner):
    assert (invited.proposer, invited.state, invited.answer_by) == (cosigner, "pending", ANSWER_BY)


def test_the_district_sets_the_co_sign_window(district, draft, proposer_user, cosigner):
    DeadlinePolicy.objects.create(
        district=district,
        kind=COSIGN_WINDOW,
        amount=5,
        unit=PeriodUnit.WORKING_DAYS,
        start=PeriodStart.INVITATION,
    )
    invitation = submissions.invite(actor=proposer_user, now=NOW, submission=draft, proposer=cosigner)
    assert invitation.answer_by == dt.date(2026, 3, 9)


@pytest.mark.parametrize("who", ["self", "group", "other_body", "twice"])
def test_co_signers_are_deputies_or_members_of_the_body(who, district, draft, proposer, proposer_user, invited, group):
    chosen = {
        "self": proposer,
        "group": group,
        "other_body": ProposerFactory(district=district, body="npc", name="赵代表"),
        "twice": invited.proposer,
    }[who]
    error = refusal(lambda: submissions.invite(actor=proposer_user, now=NOW, submission=draft, proposer=chosen))
    assert error.field == "proposer"


def test_co_signers_are_invited_in_the_draft_only(handed_in, proposer_user, silent):
    error = refusal(lambda: submissions.invite(actor=proposer_user, now=NOW, submission=handed_in, proposer=silent))
    assert error.code == "submission_state"


def test_the_invited_confirm_or_decline_once(invited, cosigner_user, proposer_user):
    assert isinstance(refusal(lambda: submissions.confirm(actor=proposer_user, now=NOW, invitation=invited)), NotFound)
    submissions.decline(actor=cosigner_user, now=NOW, invitation=invited)
    invited.refresh_from_db()
    assert (invited.state, invited.answered_by) == ("declined", cosigner_user)
    error = refusal(lambda: submissions.confirm(actor=cosigner_user, now=NOW, invitation=invited))
    assert error.code == "invitation_answered"


def test_the_window_ends_with_its_last_day(invited, cosigner_user):
    with time_machine.travel(dt.datetime(2026, 3, 5, 23, 59, tzinfo=NOW.tzinfo), tick=False):
        assert submissions.confirm(actor=cosigner_user, now=timezone.now(), invitation=invited).state == "confirmed"


def test_after_the_window_no_answer_counts(invited, cosigner_user):
    with time_machine.travel(dt.datetime(2026, 3, 6, 0, 1, tzinfo=NOW.tzinfo), tick=False):
        error = refusal(lambda: submissions.confirm(actor=cosigner_user, now=timezone.now(), invitation=invited))
    assert error.code == "window_ended" and "2026-03-05" in str(error)


def test_the_office_confirms_for_a_co_signer_who_does_not_log_in(handed_in, proposer_user, office, outsider, silent):
    # Invited in the draft; the office is told on the phone after the item was handed in.
    draft = submissions.create_draft(actor=proposer_user, now=NOW, lead=handed_in.lead, kind="proposal", title="二")
    invitation = submissions.invite(actor=proposer_user, now=NOW, submission=draft, proposer=silent)
    assert isinstance(refusal(lambda: submissions.confirm_for(actor=office, now=NOW, invitation=invitation)), NotFound)
    draft.text = "正文"
    draft.save()
    submissions.submit(actor=proposer_user, now=NOW, submission=draft)
    assert isinstance(
        refusal(lambda: submissions.confirm_for(actor=outsider, now=NOW, invitation=invitation)), NotFound
    )
    assert isinstance(
        refusal(lambda: submissions.confirm_for(actor=proposer_user, now=NOW, invitation=invitation)), NotFound
    )
    done = submissions.confirm_for(actor=office, now=NOW, invitation=invitation)
    assert (done.state, done.by_office, done.answered_by) == ("confirmed", True, office)


# Submit and withdraw.


def test_handing_in_needs_a_title_and_text(draft, proposer_user):
    submissions.edit_draft(actor=proposer_user, now=NOW, submission=draft, text=" ")
    assert refusal(lambda: submissions.submit(actor=proposer_user, now=NOW, submission=draft)).field == "text"
    submissions.edit_draft(actor=proposer_user, now=NOW, submission=draft, title="", text="正文")
    assert refusal(lambda: submissions.submit(actor=proposer_user, now=NOW, submission=draft)).field == "title"


def test_the_office_sees_handed_in_items_of_its_district_only(draft, proposer_user, office, outsider):
    assert not selectors.office_submissions(office).exists()  # a draft is the proposer's
    submissions.submit(actor=proposer_user, now=NOW, submission=draft)
    assert list(selectors.office_submissions(office)) == [draft]
    assert not selectors.office_submissions(outsider).exists()
    assert not selectors.visible_submissions(outsider).exists()


def test_withdrawn_until_registered(handed_in, proposer_user, office, cosigner_user):
    assert isinstance(
        refusal(lambda: submissions.withdraw(actor=cosigner_user, now=NOW, submission=handed_in)), NotFound
    )
    submissions.withdraw(actor=proposer_user, now=NOW, submission=handed_in)
    assert Submission.objects.get(pk=handed_in.pk).state == "withdrawn"
    assert refusal(lambda: register(office, handed_in)).code == "submission_state"


def test_withdrawing_lets_open_invitations_lapse(draft, invited, proposer_user, cosigner_user):
    submissions.withdraw(actor=proposer_user, now=NOW, submission=draft)
    assert CoSignInvitation.objects.get(pk=invited.pk).state == "lapsed"
    assert refusal(lambda: submissions.confirm(actor=cosigner_user, now=NOW, invitation=invited)).code == (
        "invitation_answered"
    )


# Registration.


def test_registering_creates_the_item_to_review(handed_in, proposer, cosigner, office, settings, tmp_path):
    item = register(office, handed_in, now=NOW)
    assert (item.number, item.state, item.title, item.year) == ("0101", Item.State.RECEIVED, handed_in.title, 2026)
    assert item.submitted_on == dt.date(2026, 3, 2)
    links = ItemProposer.objects.filter(item=item).order_by("sort_order")
    assert [(link.proposer, link.is_lead) for link in links] == [(proposer, True), (cosigner, False)]
    assert item.events.filter(action="item.received").exists()
    handed_in.refresh_from_db()
    assert (handed_in.state, handed_in.item, handed_in.registered_by) == ("registered", item, office)
    # Reviewed as an item handed in on paper.
    assert intake.register_item(actor=office, now=NOW, item=item).state == Item.State.REGISTERED


def test_those_who_declined_or_did_not_answer_are_left_out(
    draft, invited, proposer, proposer_user, cosigner_user, silent, office
):
    quiet = submissions.invite(actor=proposer_user, now=NOW, submission=draft, proposer=silent)
    submissions.decline(actor=cosigner_user, now=NOW, invitation=invited)
    submissions.submit(actor=proposer_user, now=NOW, submission=draft)
    error = refusal(lambda: register(office, draft, now=NOW))
    assert error.code == "cosign_window_open" and "王委员" in str(error) and "2026-03-05" in str(error)
    item = register(office, draft)
    assert list(item.proposers.all()) == [proposer]
    assert CoSignInvitation.objects.get(pk=quiet.pk).state == "lapsed"


def test_only_the_district_office_registers(handed_in, proposer_user, outsider, office, leader):
    for actor in (proposer_user, outsider, leader):
        assert isinstance(refusal(lambda actor=actor: register(actor, handed_in)), NotFound)
    assert not Item.objects.exists()


def test_the_number_is_the_office_s_and_unique(handed_in, office, item):
    error = refusal(lambda: register(office, handed_in, number=item.number))
    assert (error.code, error.field) == ("duplicate_number", "number")
    assert Submission.objects.get(pk=handed_in.pk).state == "submitted"


def test_a_submission_is_registered_once(handed_in, office):
    register(office, handed_in)
    error = refusal(lambda: register(office, handed_in, number="0102"))
    assert isinstance(error, Conflict) and "0101" in str(error)
    assert refusal(lambda: submissions.withdraw(actor=handed_in.created_by, now=LATER, submission=handed_in)).code == (
        "submission_state"
    )


def test_the_draft_s_files_become_the_item_s_attachments(draft, proposer_user, office, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    kept = submissions.add_file(
        actor=proposer_user, now=NOW, submission=draft, uploaded_file=SimpleUploadedFile("附件.pdf", b"%PDF-1.4 x")
    )
    submissions.submit(actor=proposer_user, now=NOW, submission=draft)
    item = register(office, draft)
    attachment = Attachment.objects.get(item=item)
    assert (attachment.original_name, attachment.file.name, attachment.purpose) == ("附件.pdf", kept.file.name, "item")
    assert attachment.file.read() == b"%PDF-1.4 x"
    kept.refresh_from_db()
    assert kept.attachment == attachment


# The invited are told.


def test_the_invited_hear_of_it_in_their_language(
    draft, proposer_user, cosigner_user, silent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submissions.invite(actor=proposer_user, now=NOW, submission=draft, proposer=silent)  # no login: nobody
        submissions.invite(
            actor=proposer_user, now=NOW, submission=draft, proposer=cosigner_user.memberships.get().proposer
        )
    notice = Notification.objects.get(channel="in_app")
    assert (notice.recipient, notice.kind, notice.due_on) == (
        cosigner_user,
        NotificationKind.COSIGN_INVITATION,
        ANSWER_BY,
    )
    assert "请于2026-03-05前确认" in render(notice).body  # Chinese unless the person chose otherwise
    cosigner_user.language = "en"
    cosigner_user.save(update_fields=["language"])
    message = render(Notification.objects.get(pk=notice.pk))
    assert "Confirm or decline by 2026-03-05" in message.body and message.body.endswith("/my/submissions/")
