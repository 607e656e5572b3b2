"""An item handed in online (`submissions`), as its proposer, a co-signer or the office reads it.

The nested invitations and files are read from what the caller's query prefetched
(`SUBMISSION_PREFETCH`), so a list of submissions costs the same queries at any length.
"""

from django.db.models import Prefetch
from rest_framework import serializers

from submissions.models import CoSignInvitation, Submission, SubmissionFile

from .items import Output, Ref

SUBMISSION_RELATED = ("lead",)
SUBMISSION_PREFETCH = (
    Prefetch("invitations", queryset=CoSignInvitation.objects.select_related("proposer").order_by("invited_at", "pk")),
    Prefetch("files", queryset=SubmissionFile.objects.order_by("uploaded_at", "pk")),
)


class InvitationSerializer(Output):
    """An invitation to co-sign (联名) and its answer."""

    proposer = Ref(help_text="The invited deputy or member.")

    class Meta:
        model = CoSignInvitation
        fields = ["id", "submission", "proposer", "state", "invited_at", "answer_by", "answered_at", "by_office"]


class SubmissionFileSerializer(Output):
    name = serializers.CharField(source="original_name")

    class Meta:
        model = SubmissionFile
        fields = ["id", "name", "content_type", "size", "uploaded_at"]


class SubmissionSerializer(Output):
    """A draft or a handed-in item, with its co-signers' invitations and its files' names."""

    lead = Ref(help_text="The deputy, member or group handing it in.")
    invitations = InvitationSerializer(many=True)
    files = SubmissionFileSerializer(many=True)

    class Meta:
        model = Submission
        fields = [
            "id",
            "district",
            "body",
            "kind",
            "lead",
            "title",
            "text",
            "category",
            "session",
            "disclosure",
            "state",
            "created_at",
            "updated_at",
            "submitted_at",
            "withdrawn_at",
            "registered_at",
            "item",
            "invitations",
            "files",
        ]
