"""The proposers' hand-in by API: my drafts, co-signers invited and answering, handing in and withdrawing.

Each act: allowed, a login acting for no proposer (403), another proposer's object (404), the wrong
state (the service's code), bad input (400 naming the field). The list costs the same queries at any length.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from districts.models import Role
from submissions.models import CoSignInvitation, Submission
from tests.factories import CategoryFactory, MembershipFactory, ProposerFactory, UserFactory
from workflow.services import submissions

from .conftest import NOW, refused

pytestmark = pytest.mark.django_db

URL = "/api/v1/submissions/"


def login_for(district, proposer, username):
    user = UserFactory(username=username, full_name=proposer.name)
    MembershipFactory(user=user, role=Role.PROPOSER, district=district, proposer=proposer)
    return user


@pytest.fixture
def cosigner(district):
    return ProposerFactory(district=district, name="李委员")


@pytest.fixture
def cosigner_user(district, cosigner):
    return login_for(district, cosigner, "cosigner")


@pytest.fixture
def stranger_proposer(district):
    return ProposerFactory(district=district, name="赵委员")


@pytest.fixture
def stranger(district, stranger_proposer):
    """Another member with a login, neither lead nor invited."""
    return login_for(district, stranger_proposer, "stranger")


def new_draft(user, lead, title="关于优化公交线路的提案"):
    return submissions.create_draft(
        actor=user, now=NOW, lead=lead, kind="proposal", title=title, text="建议增加接驳公交。"
    )


@pytest.fixture
def own_draft(proposer, proposer_user):
    return new_draft(proposer_user, proposer)


@pytest.fixture
def invited(own_draft, proposer_user, cosigner, cosigner_user):
    return submissions.invite(actor=proposer_user, now=NOW, submission=own_draft, proposer=cosigner)


@pytest.fixture
def handed_in(own_draft, invited, proposer_user, cosigner_user):
    submissions.confirm(actor=cosigner_user, now=NOW, invitation=invited)
    return submissions.submit(actor=proposer_user, now=NOW, submission=own_draft)


def state_of(submission):
    return Submission.objects.get(pk=submission.pk).state


# --- create and list -----------------------------------------------------------------------------------------


def test_a_member_starts_a_draft(api, proposer_user, proposer):
    body = {"lead": proposer.pk, "kind": "proposal", "title": " 关于加装电梯的提案 ", "text": "建议……"}
    response = api(proposer_user).post(URL, body)
    assert response.status_code == 201, response.content
    made = response.json()
    assert (made["state"], made["title"], made["lead"]["id"]) == ("draft", "关于加装电梯的提案", proposer.pk)
    assert made["invitations"] == [] and made["files"] == []
    assert Submission.objects.get(pk=made["id"]).created_by == proposer_user


def test_a_draft_takes_its_files_as_a_multipart_upload(api, proposer_user, proposer):
    pdf = SimpleUploadedFile("提案全文.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    body = {"lead": proposer.pk, "kind": "proposal", "title": "标题", "files": [pdf]}
    response = api(proposer_user).post(URL, body, files=True)
    assert response.status_code == 201, response.content
    assert [f["name"] for f in response.json()["files"]] == ["提案全文.pdf"]


def test_a_refused_file_names_its_field(api, proposer_user, proposer):
    fake = SimpleUploadedFile("假.pdf", b"MZ", content_type="application/pdf")
    body = {"lead": proposer.pk, "kind": "proposal", "files": [fake]}
    refused(api(proposer_user).post(URL, body, files=True), 400, field="files")
    assert not Submission.objects.exists()


@pytest.mark.parametrize("role", ["office", "handler"])
def test_only_a_proposers_login_hands_in(api, request, role, proposer):
    user = request.getfixturevalue(role)
    refused(api(user).post(URL, {"lead": proposer.pk, "kind": "proposal"}), 403, code="not_allowed")
    refused(api(user).get(URL), 403)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "nonsense"}, "kind"),
        ({"lead": "other"}, "lead"),
        ({"kind": "suggestion"}, "kind"),
        ({"title": "x" * 301}, "title"),
    ],
)
def test_a_bad_draft_names_its_field(api, proposer_user, proposer, cosigner, change, field):
    body = {"lead": proposer.pk, "kind": "proposal", "title": "标题"} | change
    if body["lead"] == "other":
        body["lead"] = cosigner.pk  # a proposer the login does not act for
    refused(api(proposer_user).post(URL, body), 400, field=field)


def test_a_category_of_another_district_is_a_bad_field(api, proposer_user, proposer, other_district):
    foreign = CategoryFactory(district=other_district)
    body = {"lead": proposer.pk, "kind": "proposal", "category": foreign.pk}
    refused(api(proposer_user).post(URL, body), 400, field="category")


def test_my_list_shows_mine_with_their_cosigners_and_files(
    api, proposer_user, invited, own_draft, stranger, stranger_proposer
):
    submissions.add_file(
        actor=proposer_user, now=NOW, submission=own_draft, uploaded_file=SimpleUploadedFile("附件.pdf", b"%PDF-1.4 x")
    )
    new_draft(stranger, stranger_proposer, title="别人的草稿")
    rows = api(proposer_user).get(URL).json()["results"]
    assert [r["id"] for r in rows] == [own_draft.pk]
    assert [i["proposer"]["name"] for i in rows[0]["invitations"]] == ["李委员"]
    assert [f["name"] for f in rows[0]["files"]] == ["附件.pdf"]


@pytest.mark.parametrize("count", [2, 10])
def test_the_list_costs_the_same_queries_at_any_length(
    api, proposer_user, proposer, district, count, django_assert_max_num_queries
):
    client = api(proposer_user)
    for n in range(count):
        draft = new_draft(proposer_user, proposer, title=f"提案{n}")
        other = ProposerFactory(district=district)
        submissions.invite(actor=proposer_user, now=NOW, submission=draft, proposer=other)
        submissions.add_file(
            actor=proposer_user, now=NOW, submission=draft, uploaded_file=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")
        )
    with django_assert_max_num_queries(6):
        rows = client.get(URL).json()["results"]
    assert len(rows) == count


# --- read one, edit ------------------------------------------------------------------------------------------


def test_the_proposer_the_cosigner_and_the_office_read_it(api, proposer_user, cosigner_user, office, handed_in):
    for user in (proposer_user, cosigner_user, office):
        response = api(user).get(f"{URL}{handed_in.pk}/")
        assert response.status_code == 200, (user, response.content)
        assert response.json()["invitations"][0]["state"] == "confirmed"


def test_a_draft_is_nobody_elses(api, stranger, office, handler, own_draft):
    for user in (stranger, office, handler):  # the office sees it once handed in
        refused(api(user).get(f"{URL}{own_draft.pk}/"), 404)


def test_the_proposer_edits_a_draft(api, proposer_user, own_draft):
    response = api(proposer_user).patch(f"{URL}{own_draft.pk}/", {"text": "新的正文"})
    assert response.status_code == 200, response.content
    assert response.json()["text"] == "新的正文"
    assert response.json()["title"] == own_draft.title  # what is not sent stays


def test_editing_is_refused_outside_its_proposer_and_state(api, proposer_user, stranger, office, handed_in):
    url = f"{URL}{handed_in.pk}/"
    refused(api(office).patch(url, {"text": "x"}), 403)
    refused(api(stranger).patch(url, {"text": "x"}), 404)
    refused(api(proposer_user).patch(url, {"text": "x"}), 400, code="submission_state")


def test_a_bad_edit_names_its_field(api, proposer_user, own_draft):
    refused(api(proposer_user).patch(f"{URL}{own_draft.pk}/", {"disclosure": "everyone"}), 400, field="disclosure")


# --- invite, submit, withdraw --------------------------------------------------------------------------------


def test_the_proposer_invites_a_cosigner(api, proposer_user, own_draft, cosigner):
    response = api(proposer_user).post(f"{URL}{own_draft.pk}/invitations/", {"proposer": cosigner.pk})
    assert response.status_code == 201, response.content
    assert (response.json()["proposer"]["id"], response.json()["state"]) == (cosigner.pk, "pending")


def test_inviting_is_refused(
    api, proposer_user, proposer, stranger, office, handler, own_draft, cosigner, other_district
):
    url = f"{URL}{own_draft.pk}/invitations/"
    for user in (office, handler):
        refused(api(user).post(url, {"proposer": cosigner.pk}), 403)
    refused(api(stranger).post(url, {"proposer": cosigner.pk}), 404)
    refused(api(proposer_user).post(url, {"proposer": proposer.pk}), 400, code="cosigner_self", field="proposer")
    foreign = ProposerFactory(district=other_district)
    refused(api(proposer_user).post(url, {"proposer": foreign.pk}), 400, field="proposer")
    refused(api(proposer_user).post(url, {}), 400, field="proposer")


def test_the_proposer_hands_the_draft_in_once(api, proposer_user, own_draft):
    client = api(proposer_user)
    response = client.post(f"{URL}{own_draft.pk}/submit/")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "submitted"
    refused(client.post(f"{URL}{own_draft.pk}/submit/"), 400, code="submission_state")


def test_handing_in_is_refused(api, proposer_user, stranger, office, handler, own_draft):
    url = f"{URL}{own_draft.pk}/submit/"
    for user in (office, handler):
        refused(api(user).post(url), 403)
    refused(api(stranger).post(url), 404)
    submissions.edit_draft(actor=proposer_user, now=NOW, submission=own_draft, text=" ")
    refused(api(proposer_user).post(url), 400, code="text_missing", field="text")
    assert state_of(own_draft) == "draft"


def test_the_proposer_withdraws_and_open_invitations_lapse(api, proposer_user, own_draft, invited):
    response = api(proposer_user).post(f"{URL}{own_draft.pk}/withdraw/")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "withdrawn"
    assert response.json()["invitations"][0]["state"] == "lapsed"


def test_withdrawing_is_refused(api, proposer_user, stranger, office, handler, handed_in):
    url = f"{URL}{handed_in.pk}/withdraw/"
    for user in (office, handler):
        refused(api(user).post(url), 403)
    refused(api(stranger).post(url), 404)
    submissions.register(actor=office, now=NOW, submission=handed_in, number="0200")
    refused(api(proposer_user).post(url), 400, code="submission_state")
    assert state_of(handed_in) == "registered"


# --- answering an invitation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("act", "state"), [("confirm", "confirmed"), ("decline", "declined")])
def test_the_invited_member_answers(api, cosigner_user, invited, act, state):
    response = api(cosigner_user).post(f"/api/v1/invitations/{invited.pk}/{act}/")
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["submission"]) == (state, invited.submission_id)
    assert CoSignInvitation.objects.get(pk=invited.pk).answered_by == cosigner_user


@pytest.mark.parametrize("act", ["confirm", "decline"])
def test_answering_is_refused(api, cosigner_user, proposer_user, office, handler, invited, act):
    url = f"/api/v1/invitations/{invited.pk}/{act}/"
    for user in (office, handler):
        refused(api(user).post(url), 403)
    refused(api(proposer_user).post(url), 404)  # the lead is not the one invited
    assert api(cosigner_user).post(url).status_code == 200
    refused(api(cosigner_user).post(url), 400, code="invitation_answered")


def test_a_withdrawal_lapses_the_invitation_it_leaves_unanswered(api, cosigner_user, proposer_user, own_draft, invited):
    submissions.withdraw(actor=proposer_user, now=NOW, submission=own_draft)
    refused(api(cosigner_user).post(f"/api/v1/invitations/{invited.pk}/confirm/"), 400, code="invitation_answered")
