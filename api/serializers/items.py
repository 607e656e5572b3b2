"""Items and what hangs on them, as the request's user may see them.

`ItemSerializer` is the detail (`GET items/{id}/`, and what item acts answer): it reads the item
again through `get_item_for` when it lacks the selectors' annotations (an act's return value), and
its assignments, replies, extensions, due dates, feedback, files and events each through the
selectors, one query per list whatever their length. `AssignmentSerializer` does the same for one
assignment when an act answers with it alone.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from deadlines.rules import explain
from proposals.models import Attachment, Item
from web.items.labels import STAGE_LABELS, WAITING_ON, WAITS_FOR
from workflow import timeline
from workflow.models import Assignment, Event, Extension, Feedback, Obligation, Reply
from workflow.selectors import (
    draft_readers,
    get_item_for,
    reads_feedback,
    visible_attachments,
    visible_events,
    visible_feedback,
    visible_replies,
)

# What the detail shows of the item itself, read with it.
ITEM_RELATED = ("district", "session", "category", "supervising_leader")


class Output(serializers.ModelSerializer):
    """An answer, never a request body: every field read-only (so the schema has no input twin)."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.read_only = True
        return fields


def _user(serializer):
    return serializer.context["request"].user


def person(user):
    """A user as others read them: the full name, else the user name; None for the system."""
    return (user.full_name or user.username) if user is not None else None


class Ref(serializers.Serializer):
    """A related object by id and name."""

    id = serializers.IntegerField()
    name = serializers.CharField()


class OutcomeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    label = serializers.CharField()


class AttachmentSerializer(Output):
    name = serializers.CharField(source="original_name")
    url = serializers.SerializerMethodField(help_text="Where the file is downloaded (the checked download).")

    class Meta:
        model = Attachment
        fields = ["id", "purpose", "name", "content_type", "size", "uploaded_at", "url"]

    def get_url(self, attachment) -> str:
        return reverse("items:attachment", args=[attachment.pk])


class ReplySerializer(Output):
    category = OutcomeSerializer(allow_null=True, help_text="The current outcome (a follow-up may convert it).")
    category_at_reply = OutcomeSerializer(allow_null=True, help_text="The outcome when the reply was sent.")
    attachments = AttachmentSerializer(many=True)

    class Meta:
        model = Reply
        fields = [
            "id",
            "assignment",
            "round",
            "kind",
            "state",
            "version",
            "text",
            "category",
            "category_at_reply",
            "reason",
            "planned_on",
            "signer",
            "head_approved_at",
            "leader_signed_at",
            "sent_at",
            "published_at",
            "attachments",
        ]


def _replies(user):
    return (
        visible_replies(user)
        .select_related("category", "category_at_reply")
        .prefetch_related("attachments")
        .order_by("round", "kind", "pk")
    )


class ExtensionSerializer(Output):
    class Meta:
        model = Extension
        fields = [
            "id",
            "assignment",
            "reason",
            "requested_until",
            "requested_at",
            "state",
            "granted_until",
            "decided_at",
            "decision_note",
        ]


def _reads_extensions(readers, district_id, unit_id) -> bool:
    """Extension requests stay between the unit and its district's office and leaders, as reply drafts do."""
    return (
        readers.get("everything", False)
        or district_id in readers.get("district_ids", ())
        or unit_id in readers.get("unit_ids", ())
    )


class AssignmentSerializer(Output):
    unit = Ref()
    replies = ReplySerializer(many=True, source="api_replies", help_text="The replies the caller may see.")
    extensions = ExtensionSerializer(
        many=True, source="api_extensions", help_text="Extension requests: for the unit and the office only."
    )

    class Meta:
        model = Assignment
        fields = [
            "id",
            "item",
            "unit",
            "role",
            "state",
            "assigned_at",
            "accepted_at",
            "returned_at",
            "return_reason",
            "replaces",
            "replies",
            "extensions",
        ]

    def to_representation(self, assignment):
        if not hasattr(assignment, "api_replies"):
            user = _user(self)
            assignment.api_replies = list(_replies(user).filter(assignment=assignment))
            readers = draft_readers(user)
            reads = _reads_extensions(readers, assignment.item.district_id, assignment.unit_id)
            assignment.api_extensions = list(assignment.extensions.order_by("requested_at", "pk")) if reads else []
        return super().to_representation(assignment)


class DueDateSerializer(Output):
    """An open obligation: what someone owes on the item, by when, and how the date was reached."""

    unit = Ref(allow_null=True)
    explanation = serializers.SerializerMethodField()

    class Meta:
        model = Obligation
        fields = ["id", "kind", "round", "owner", "unit", "assignment", "due_on", "provisional", "explanation"]

    def get_explanation(self, obligation) -> str:
        return explain(obligation)


class FeedbackSerializer(Output):
    proposer = Ref()
    rating = OutcomeSerializer(allow_null=True)

    class Meta:
        model = Feedback
        fields = [
            *["id", "item", "round", "proposer", "rating"],
            *["agrees", "praised", "comment", "on_behalf", "submitted_at"],
        ]


class EventSerializer(Output):
    actor = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField(help_text="The event in the caller's language.")

    class Meta:
        model = Event
        fields = ["id", "action", "at", "actor", "assignment", "text"]

    def get_actor(self, event) -> str | None:
        return person(event.actor)

    def get_text(self, event) -> str:
        return timeline.describe(event)


class ItemProposerSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="proposer_id")
    name = serializers.CharField(source="proposer.name")
    is_lead = serializers.BooleanField()


class _Where(serializers.Serializer):
    """Where an item stands, as the reader may read it (`selectors.annotate_progress`), with its words."""

    stage = serializers.CharField()
    stage_label = serializers.SerializerMethodField()
    waits_for = serializers.CharField()
    waits_for_label = serializers.SerializerMethodField()
    waiting_on = serializers.CharField()
    waiting_on_label = serializers.SerializerMethodField()
    earliest_due_on = serializers.DateField(allow_null=True)
    is_overdue = serializers.BooleanField()

    def get_stage_label(self, item) -> str:
        return str(STAGE_LABELS.get(item.stage, ""))

    def get_waits_for_label(self, item) -> str:
        return str(WAITS_FOR.get(item.waits_for, ""))

    def get_waiting_on_label(self, item) -> str:
        return str(WAITING_ON.get(item.waiting_on, ""))


ITEM_FIELDS = [
    *["id", "district", "year", "body", "kind", "number", "title"],
    *["session", "category", "state", "round", "is_key"],
]


class LeadUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    short_name = serializers.CharField()


class ItemListSerializer(_Where, Output):
    """A row of the item list: rows of `web.items.listing.list_rows` (lead proposers and units as JSON)."""

    district = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category = serializers.SerializerMethodField()
    lead_proposers = serializers.SerializerMethodField()
    lead_units = serializers.SerializerMethodField()
    last_change_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        model = Item
        fields = [*ITEM_FIELDS, *_Where._declared_fields, "lead_proposers", "lead_units", "last_change_at"]

    @extend_schema_field(Ref(allow_null=True))
    def get_category(self, item):
        return {"id": item.category_id, "name": item.category.name} if item.category_id else None

    @extend_schema_field(Ref(many=True))
    def get_lead_proposers(self, item):
        rows = sorted(item.lead_proposer_rows or (), key=lambda row: (row["order"], row["link"]))
        return [{"id": row["id"], "name": row["name"]} for row in rows]

    @extend_schema_field(LeadUnitSerializer(many=True))
    def get_lead_units(self, item):
        rows = sorted(item.lead_unit_rows or (), key=lambda row: (row["at"], row["link"]))
        return [{"id": row["id"], "name": row["name"], "short_name": row["short_name"]} for row in rows]


class SessionRef(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()


class ItemSerializer(_Where, Output):
    """One item with everything on it the caller may see."""

    district = serializers.SlugRelatedField(slug_field="code", read_only=True)
    session = SessionRef(allow_null=True)
    category = Ref(allow_null=True)
    supervising_leader = serializers.SerializerMethodField()
    proposers = ItemProposerSerializer(many=True, source="api_proposers")
    attachments = AttachmentSerializer(many=True, source="api_attachments")
    assignments = AssignmentSerializer(many=True, source="api_assignments")
    due_dates = DueDateSerializer(many=True, source="api_due_dates", help_text="Open obligations, earliest first.")
    feedback = FeedbackSerializer(
        many=True, source="api_feedback", allow_null=True, help_text="Null for a caller who does not read feedback."
    )
    events = EventSerializer(many=True, source="api_events", help_text="The timeline the caller may read.")

    class Meta:
        model = Item
        fields = [
            *ITEM_FIELDS,
            "text",
            "submitted_on",
            "review",
            "rejection_reason",
            "merged_into",
            "disclosure",
            "supervising_leader",
            "closed_at",
            "is_imported",
            *_Where._declared_fields,
            "proposers",
            "attachments",
            "assignments",
            "due_dates",
            "feedback",
            "events",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_supervising_leader(self, item) -> str | None:
        return person(item.supervising_leader)

    def to_representation(self, item):
        return super().to_representation(detailed(_user(self), item))


def detailed(user, item):
    """`item` read again as `user` sees it (unless it already is), with every list the detail shows."""
    if not hasattr(item, "stage"):
        item = get_item_for(user, item.pk, related=ITEM_RELATED)
    replies = {}
    for reply in _replies(user).filter(assignment__item=item):
        replies.setdefault(reply.assignment_id, []).append(reply)
    readers = draft_readers(user)
    extensions = {}
    for extension in Extension.objects.filter(assignment__item=item).order_by("requested_at", "pk"):
        extensions.setdefault(extension.assignment_id, []).append(extension)
    item.api_assignments = list(item.assignments.select_related("unit").order_by("assigned_at", "pk"))
    for assignment in item.api_assignments:
        assignment.api_replies = replies.get(assignment.pk, [])
        reads = _reads_extensions(readers, item.district_id, assignment.unit_id)
        assignment.api_extensions = extensions.get(assignment.pk, []) if reads else []
    item.api_proposers = list(item.item_proposers.select_related("proposer").order_by("-is_lead", "sort_order", "pk"))
    item.api_attachments = list(visible_attachments(user).filter(item=item).order_by("uploaded_at", "pk"))
    item.api_due_dates = list(
        Obligation.objects.open().filter(item=item).select_related("unit").order_by("due_on", "pk")
    )
    item.api_feedback = (
        list(visible_feedback(user).filter(item=item).select_related("proposer", "rating").order_by("round", "pk"))
        if reads_feedback(user, item)
        else None
    )
    item.api_events = list(
        visible_events(user).filter(item=item).select_related("assignment__unit", "actor").order_by("at", "pk")
    )
    return item
