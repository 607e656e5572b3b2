"""The proposers' hand-in (issue #17) over the API: my drafts, their co-signers, handing in, withdrawing, answering.

Each act is one service of `workflow.services.submissions`. Only a login acting for a deputy, a
member or a group (`workflow.selectors.proposer_ids`) hands items in: anyone else is told so (403)
before any object is looked up. A submission or invitation not the caller's is a 404, like a missing
one; reading one (GET) is open to its co-signers and its office as well (`visible_submissions`).
"""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from districts.models import Proposer
from proposals.models import Category, Item, Kind, Session
from submissions.models import Submission
from workflow import selectors
from workflow.errors import NotAllowed
from workflow.services import submissions

from ..errors import error_responses
from ..resources.reference import Listed
from ..serializers import InvitationSerializer, SubmissionSerializer
from ..serializers.submissions import SUBMISSION_PREFETCH, SUBMISSION_RELATED
from .base import ID, Act, act, now, uploads
from .inputs import Scoped

# --- the objects, as the caller sees them --------------------------------------------------------------------


def _one(queryset, pk):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def own_submission(user, pk):
    return _one(selectors.own_submissions(user).select_related(*SUBMISSION_RELATED), pk)


def readable_submission(user, pk):
    submissions_read = selectors.visible_submissions(user).select_related(*SUBMISSION_RELATED)
    return _one(submissions_read.prefetch_related(*SUBMISSION_PREFETCH), pk)


def own_invitation(user, pk):
    return _one(selectors.own_invitations(user).select_related("submission", "proposer"), pk)


# --- what the acts take --------------------------------------------------------------------------------------


def _user(field):
    return field.context["request"].user


def _my_leads(field):
    return Proposer.objects.filter(pk__in=selectors.proposer_ids(_user(field)))


def _districts(field):
    """The draft's district when editing one, else the districts of the proposers the caller acts for."""
    target = field.context.get("target")
    if target is not None:
        return [target.district_id]
    return _my_leads(field).values("district_id")


def _categories(field):
    return Category.objects.filter(district_id__in=_districts(field))


def _sessions(field):
    return Session.objects.filter(district_id__in=_districts(field))


class Draft(serializers.Serializer):
    """A draft's fields; the service checks that the kind, category and session fit the lead's body and district."""

    kind = serializers.ChoiceField(Kind.choices)
    title = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    text = serializers.CharField(required=False, allow_blank=True, default="")
    category = Scoped(_categories, required=False, allow_null=True, default=None, help_text="A suggested category.")
    session = Scoped(_sessions, required=False, allow_null=True, default=None)
    disclosure = serializers.ChoiceField(Item.Disclosure.choices, required=False, default=Item.Disclosure.ON_REQUEST)
    files = uploads(help_text="Files added to the draft (a multipart upload).")

    def validate_title(self, value):
        return value.strip()


class NewDraft(Draft):
    lead = Scoped(_my_leads, help_text="The proposer handing it in: one the caller acts for.")


class Invite(serializers.Serializer):
    proposer = Scoped(
        lambda field: Proposer.objects.filter(district_id=field.context["target"].district_id),
        help_text="The deputy or member of the same body asked to co-sign.",
    )


# --- the acts ------------------------------------------------------------------------------------------------


def with_files(request, submission, files):
    """The draft with `files` added (`add_file` checks and stores each); the act's transaction holds them all."""
    for uploaded in files:
        submissions.add_file(actor=request.user, now=now(), submission=submission, uploaded_file=uploaded)
    return submission


def _require_proposer(user):
    if not selectors.proposer_ids(user):
        raise NotAllowed(_("Only deputies and members, or their group's staff, hand in items."))


class ProposerAct(Act):
    """An act of a proposer's login: 403 for any other before the object is looked up."""

    def respond(self, request, pk, partial=False):
        _require_proposer(request.user)
        return super().respond(request, pk, partial=partial)

    def parse(self, request, target, partial=False):
        """As `Act.parse`, without the item: a submission is not an item (yet), its inputs read `target`."""
        context = {"request": request, "view": self, "target": target}
        parsed = self.input(data=request.data, context=context, partial=partial)
        parsed.is_valid(raise_exception=True)
        return parsed.validated_data


@act(SubmissionSerializer, summary="Start a draft to hand in (a suggestion or a proposal)", created=True)
class Submissions(ProposerAct, Listed):
    """A new draft of `lead`; nothing reaches the office until it is handed in (`submit`)."""

    queryset = Submission.objects.none()  # the schema's model; get_queryset scopes
    serializer_class = SubmissionSerializer
    filterset_fields = ["state"]
    search_fields = ["title"]
    input = NewDraft

    @extend_schema(
        tags=["read"],
        operation_id="submissions_list",
        summary="My submissions (every state)",
        description="The drafts and handed-in items of the proposers the caller acts for, newest change first.",
        responses={200: SubmissionSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request, *args, **kwargs):
        _require_proposer(request.user)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        own = selectors.own_submissions(self.request.user)
        return (
            own.select_related(*SUBMISSION_RELATED)
            .prefetch_related(*SUBMISSION_PREFETCH)
            .order_by("-updated_at", "-pk")
        )

    def perform(self, request, target, data):
        files = data.pop("files")
        return with_files(request, submissions.create_draft(actor=request.user, now=now(), **data), files)


@act(SubmissionSerializer, summary="Edit a draft", method="patch")
class SubmissionDetail(ProposerAct):
    """Only the fields sent change; a submission handed in is no longer edited."""

    fetch = staticmethod(own_submission)
    input = Draft
    http_method_names = ["get", "patch", "options"]

    @extend_schema(
        tags=["read"],
        operation_id="submissions_retrieve",
        summary="One submission with its co-signers' invitations and its files",
        description="Its proposer's, one its caller is invited to co-sign, or (once handed in) its office's.",
        parameters=[ID],
        responses={200: SubmissionSerializer, **error_responses(401, 404)},
    )
    def get(self, request, id):
        submission = readable_submission(request.user, id)
        return Response(self.output(submission, context={"request": request}).data)

    def patch(self, request, id):
        return self.respond(request, id, partial=True)

    def perform(self, request, submission, data):
        files = data.pop("files", [])
        return with_files(
            request, submissions.edit_draft(actor=request.user, now=now(), submission=submission, **data), files
        )


@act(SubmissionSerializer, summary="Hand the draft in")
class Submit(ProposerAct):
    """It reaches the office's queue and can no longer be edited, only withdrawn; it needs a title and a text."""

    fetch = staticmethod(own_submission)

    def perform(self, request, submission, data):
        return submissions.submit(actor=request.user, now=now(), submission=submission)


@act(SubmissionSerializer, summary="Withdraw a draft or a handed-in item")
class Withdraw(ProposerAct):
    """Until the office registers it; open invitations to co-sign lapse."""

    fetch = staticmethod(own_submission)

    def perform(self, request, submission, data):
        return submissions.withdraw(actor=request.user, now=now(), submission=submission)


@act(InvitationSerializer, summary="Invite a co-signer (联名)", created=True)
class InviteCosigner(ProposerAct):
    """A deputy or member of the same body; they answer within the co-sign window."""

    fetch = staticmethod(own_submission)
    input = Invite

    def perform(self, request, submission, data):
        return submissions.invite(actor=request.user, now=now(), submission=submission, proposer=data["proposer"])


@act(InvitationSerializer, summary="Co-sign: confirm an invitation")
class Confirm(ProposerAct):
    """The invited deputy or member (or their group's staff) co-signs, within the co-sign window."""

    fetch = staticmethod(own_invitation)

    def perform(self, request, invitation, data):
        return submissions.confirm(actor=request.user, now=now(), invitation=invitation)


@act(InvitationSerializer, summary="Decline an invitation to co-sign")
class Decline(ProposerAct):
    """The item goes on without this co-signer."""

    fetch = staticmethod(own_invitation)

    def perform(self, request, invitation, data):
        return submissions.decline(actor=request.user, now=now(), invitation=invitation)
