"""The proposer's and the office's pages of items handed in online: scope, refusals, query counts."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from proposals.models import Item
from submissions.models import CoSignInvitation, Submission
from workflow.services import submissions

from ..factories import ProposerFactory
from .conftest import NOW

pytestmark = pytest.mark.django_db
MINE = reverse("submissions:mine")
QUEUE = reverse("office_submissions:queue")
LATER = dt.datetime(2026, 3, 9, 10, 0, tzinfo=NOW.tzinfo)


@pytest.fixture(autouse=True)
def _english_and_now(settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    with time_machine.travel(NOW, tick=False):
        yield


def url(name, obj):
    return reverse(name, args=[obj.pk])


def as_user(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def text_of(response):
    return response.content.decode()


# The proposer.


def test_a_proposer_writes_a_draft_and_lands_on_it(client, proposer, proposer_user):
    as_user(client, proposer_user)
    assert client.get(reverse("submissions:new")).status_code == 200
    response = client.post(
        reverse("submissions:create"),
        {"lead": proposer.pk, "kind": "proposal", "title": "关于停车难的提案", "text": "正文", "disclosure": "public"},
    )
    draft = Submission.objects.get()
    assert response.status_code == 302 and response["Location"] == url("submissions:detail", draft)
    assert (draft.title, draft.lead, draft.disclosure) == ("关于停车难的提案", proposer, "public")
    assert "关于停车难的提案" in text_of(client.get(MINE))


def test_only_proposers_hand_in(client, office):
    as_user(client, office)
    assert client.get(MINE).status_code == 403
    assert client.get(reverse("submissions:new")).status_code == 403


def test_another_s_draft_is_not_found(client, draft, cosigner_user, office, outsider):
    for user in (cosigner_user, office, outsider):
        as_user(client, user)
        assert client.get(url("submissions:detail", draft)).status_code == 404
        assert client.post(url("submissions:hand_in", draft)).status_code == 404


def test_the_draft_page_invites_and_hands_in(client, draft, proposer_user, cosigner):
    as_user(client, proposer_user)
    page = client.get(url("submissions:detail", draft))
    assert page.status_code == 200 and cosigner.name in text_of(page)  # a choice of the invite form
    response = client.post(url("submissions:invite", draft), {"proposer": cosigner.pk})
    assert response.status_code == 302
    assert CoSignInvitation.objects.get().answer_by == dt.date(2026, 3, 5)
    response = client.post(url("submissions:hand_in", draft), follow=True)
    assert Submission.objects.get().state == "submitted"
    assert "can no longer be changed" in text_of(response)
    refused = client.post(url("submissions:edit", draft), {"kind": "proposal", "title": "改", "disclosure": "public"})
    assert refused.status_code == 400 and "Only a draft can be edited" in text_of(refused)


def test_a_recorded_item_is_no_longer_withdrawn(client, handed_in, proposer_user, office):
    submissions.register(actor=office, now=NOW, submission=handed_in, number="0101")
    as_user(client, proposer_user)
    refused = client.post(url("submissions:withdraw", handed_in))
    assert refused.status_code == 400 and "Only a draft or an item not yet registered" in text_of(refused)
    assert "Recorded as item 0101" in text_of(client.get(MINE))


def test_a_co_signer_of_another_body_cannot_be_chosen(client, district, draft, proposer_user):
    deputy = ProposerFactory(district=district, body="npc", name="赵代表")
    as_user(client, proposer_user)
    response = client.post(url("submissions:invite", draft), {"proposer": deputy.pk})
    assert response.status_code == 400 and not CoSignInvitation.objects.exists()


def test_handing_in_without_text_says_so(client, proposer, proposer_user):
    empty = submissions.create_draft(actor=proposer_user, now=NOW, lead=proposer, kind="proposal", title="标题")
    as_user(client, proposer_user)
    response = client.post(url("submissions:hand_in", empty))
    assert response.status_code == 400 and "Write the text of the item" in text_of(response)
    assert Submission.objects.get().state == "draft"


def test_files_go_to_who_may_read_the_submission(
    client, draft, invited, proposer_user, cosigner_user, office, outsider
):
    as_user(client, proposer_user)
    refused = client.post(url("submissions:add_file", draft), {"file": SimpleUploadedFile("x.exe", b"MZ")})
    assert refused.status_code == 400 and "cannot be attached" in text_of(refused)
    client.post(url("submissions:add_file", draft), {"file": SimpleUploadedFile("附件.pdf", b"%PDF-1.4 x")})
    kept = draft.files.get()
    download = url("submissions:file", kept)
    assert client.get(download).status_code == 200
    as_user(client, cosigner_user)
    assert b"".join(client.get(download).streaming_content) == b"%PDF-1.4 x"
    as_user(client, office)
    assert client.get(download).status_code == 404  # a draft is the proposer's
    submissions.submit(actor=proposer_user, now=NOW, submission=draft)
    assert client.get(download).status_code == 200
    as_user(client, outsider)
    assert client.get(download).status_code == 404


def test_my_page_runs_constant_queries(
    client, proposer, proposer_user, cosigner, cosigner_user, django_assert_max_num_queries
):
    def drafts(n):
        for i in range(n):
            mine = submissions.create_draft(
                actor=proposer_user, now=NOW, lead=proposer, kind="proposal", title=f"草稿{i}"
            )
            submissions.invite(actor=proposer_user, now=NOW, submission=mine, proposer=cosigner)
            theirs = submissions.create_draft(
                actor=cosigner_user, now=NOW, lead=cosigner, kind="proposal", title=f"邀{i}"
            )
            submissions.invite(actor=cosigner_user, now=NOW, submission=theirs, proposer=proposer)

    as_user(client, proposer_user)
    drafts(2)
    client.get(MINE)
    with django_assert_max_num_queries(4):
        small = client.get(MINE)
    drafts(20)
    with django_assert_max_num_queries(4):
        large = client.get(MINE)
    assert (len(small.context["own"]), len(large.context["invitations"])) == (2, 22)


# An invitation.


def test_the_invited_co_signs(client, invited, cosigner_user, proposer_user):
    page = url("submissions:invitation", invited)
    as_user(client, proposer_user)
    assert client.get(page).status_code == 404
    assert client.post(url("submissions:confirm", invited)).status_code == 404
    as_user(client, cosigner_user)
    assert "Answer by 2026-03-05" in text_of(client.get(page))
    assert client.post(url("submissions:confirm", invited)).status_code == 302
    assert CoSignInvitation.objects.get().state == "confirmed"
    assert "Co-sign" not in text_of(client.get(page)).split("</h1>")[1].split("Files")[0]


def test_an_answer_after_the_window_is_refused(client, invited, cosigner_user):
    with time_machine.travel(LATER, tick=False):
        as_user(client, cosigner_user)  # a week later: a new session (the idle timeout ended the old one)
        response = client.post(url("submissions:decline", invited))
    assert response.status_code == 400 and "The co-sign window ended on 2026-03-05" in text_of(response)


def test_a_co_signer_who_declined_sees_nothing_of_the_item(
    client, invited, draft, proposer_user, cosigner_user, office
):
    submissions.decline(actor=cosigner_user, now=NOW, invitation=invited)
    submissions.submit(actor=proposer_user, now=NOW, submission=draft)
    item = submissions.register(actor=office, now=LATER, submission=draft, number="0101")
    with time_machine.travel(LATER, tick=False):
        as_user(client, cosigner_user)
        assert client.get(url("items:detail", item)).status_code == 404
        as_user(client, proposer_user)
        assert client.get(url("items:detail", item)).status_code == 200


# The office.


def test_the_queue_shows_its_district_s_handed_in_items(
    client, draft, handed_in, proposer, proposer_user, office, outsider
):
    other = submissions.create_draft(actor=proposer_user, now=NOW, lead=proposer, kind="proposal", title="还在写的草稿")
    as_user(client, office)
    page = text_of(client.get(QUEUE))
    assert handed_in.title in page and other.title not in page
    assert client.get(url("office_submissions:detail", other)).status_code == 404
    as_user(client, outsider)
    assert handed_in.title not in text_of(client.get(QUEUE))
    assert client.get(url("office_submissions:detail", handed_in)).status_code == 404
    assert client.post(url("office_submissions:register", handed_in), {"number": "0101"}).status_code == 404
    as_user(client, proposer_user)
    assert client.get(QUEUE).status_code == 403


def test_the_queue_runs_constant_queries(
    client, proposer, proposer_user, cosigner, office, django_assert_max_num_queries
):
    def handed_in(n):
        for i in range(n):
            mine = submissions.create_draft(
                actor=proposer_user, now=NOW, lead=proposer, kind="proposal", title=f"提案{i}", text="正文"
            )
            submissions.invite(actor=proposer_user, now=NOW, submission=mine, proposer=cosigner)
            submissions.submit(actor=proposer_user, now=NOW, submission=mine)

    as_user(client, office)
    handed_in(2)
    client.get(QUEUE)
    with django_assert_max_num_queries(3):
        small = client.get(QUEUE)
    handed_in(20)
    with django_assert_max_num_queries(3):
        large = client.get(QUEUE)
    assert (len(small.context["waiting"]), len(large.context["waiting"])) == (2, 22)


def test_the_office_registers_with_its_number_then_reviews(client, handed_in, office, proposer, cosigner):
    as_user(client, office)
    page = client.get(url("office_submissions:detail", handed_in))
    assert page.context["form"]["number"].value() == "0001"
    response = client.post(url("office_submissions:register", handed_in), {"number": "0007"})
    item = Item.objects.get()
    assert response.status_code == 302 and response["Location"] == url("intake:review", item)
    assert (item.number, item.state) == ("0007", "received")
    assert [p.name for p in item.proposers.order_by("item_links__sort_order")] == [proposer.name, cosigner.name]
    again = client.post(url("office_submissions:register", handed_in), {"number": "0008"})
    assert again.status_code == 409 and "already registered as item 0007" in text_of(again)


def test_a_taken_number_is_refused_beside_the_field(client, handed_in, office, item):
    as_user(client, office)
    response = client.post(url("office_submissions:register", handed_in), {"number": item.number})
    assert response.status_code == 400
    assert "already exists" in " ".join(response.context["form"].errors["number"])


def test_the_office_confirms_for_a_co_signer(client, draft, proposer_user, silent, office):
    quiet = submissions.invite(actor=proposer_user, now=NOW, submission=draft, proposer=silent)
    submissions.submit(actor=proposer_user, now=NOW, submission=draft)
    as_user(client, office)
    refused = client.post(url("office_submissions:register", draft), {"number": "0001"})
    assert refused.status_code == 400 and "王委员 may still answer until 2026-03-05" in text_of(refused)
    assert client.post(url("office_submissions:confirm_for", quiet)).status_code == 302
    assert CoSignInvitation.objects.get(pk=quiet.pk).by_office
    assert client.post(url("office_submissions:register", draft), {"number": "0001"}).status_code == 302


def test_a_group_s_staff_hands_in_for_the_group(client, group, group_staff, proposer_user):
    as_user(client, group_staff)
    response = client.post(
        reverse("submissions:create"),
        {"lead": group.pk, "kind": "proposal", "title": "民盟区委关于托育服务的提案", "disclosure": "public"},
    )
    draft = Submission.objects.get()
    assert response.status_code == 302 and draft.lead == group
    assert "民盟区委关于托育服务的提案" in text_of(client.get(MINE))
    as_user(client, proposer_user)  # a member who is not the group's staff
    assert client.get(url("submissions:detail", draft)).status_code == 404
    foreign = client.post(reverse("submissions:create"), {"lead": group.pk, "kind": "proposal", "disclosure": "public"})
    assert foreign.status_code == 400 and Submission.objects.count() == 1
