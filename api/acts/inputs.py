"""What each act takes: parsed and checked for type and shape only; every workflow rule stays in the service.

Related objects are chosen among those the act's item may use (its district's units, its
scheme's outcome codes), so an id from elsewhere is a 400 naming the field, like an unknown one.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from districts.models import Body, District, HandlingUnit, Proposer, Role
from proposals.models import Category, Item, Kind, Session
from workflow.models import Consultation, OutcomeCategory, RatingValue, Reply
from workflow.models.messages import MAX_MESSAGE_CHARS
from workflow.selectors import item_scope, visible_attachments
from workflow.services.outcomes import body_setting

from .base import Upload, uploads


def _item(field):
    return field.context["item"]


def _user(field):
    return field.context["request"].user


@extend_schema_field(OpenApiTypes.INT)
class Scoped(serializers.PrimaryKeyRelatedField):
    """An id among `among(field)`: the objects the act's item or caller may use."""

    def __init__(self, among, **kwargs):
        self.among = among
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.among(self)


@extend_schema_field(OpenApiTypes.STR)
class Outcome(serializers.SlugRelatedField):
    """An outcome category by its code (A, B… or 1–4) in the scheme of the item's body."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", **kwargs)

    def get_queryset(self):
        return OutcomeCategory.objects.filter(scheme_id=body_setting(_item(self)).scheme_id)


@extend_schema_field(OpenApiTypes.STR)
class Rating(serializers.SlugRelatedField):
    """A rating by its code on the item's rating scale."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", **kwargs)

    def get_queryset(self):
        return RatingValue.objects.filter(scale_id=body_setting(_item(self)).rating_scale_id)


def _of_district(model):
    """The objects of `model` in the act's item's district."""

    def among(field):
        return model.objects.filter(district_id=_item(field).district_id)

    return among


_district_units = _of_district(HandlingUnit)


def _visible_items(field):
    scope = item_scope(_user(field))
    return Item.objects.none() if scope is None else Item.objects.filter(scope)


def reason_field(**kwargs):
    return serializers.CharField(allow_blank=True, **kwargs)


class Receive(serializers.Serializer):
    district = serializers.SlugRelatedField(slug_field="code", queryset=District.objects.all())
    year = serializers.IntegerField(min_value=1980, max_value=2100)
    body = serializers.ChoiceField(choices=Body.choices)
    kind = serializers.ChoiceField(choices=Kind.choices)
    number = serializers.CharField(max_length=30)
    title = serializers.CharField(max_length=300)
    text = serializers.CharField(required=False, allow_blank=True, default="")
    session = serializers.PrimaryKeyRelatedField(
        queryset=Session.objects.all(), required=False, allow_null=True, default=None
    )
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, allow_null=True, default=None, help_text="The subject area."
    )
    proposers = serializers.PrimaryKeyRelatedField(
        queryset=Proposer.objects.all(), many=True, required=False, default=list
    )
    lead_proposer = serializers.PrimaryKeyRelatedField(
        queryset=Proposer.objects.all(), required=False, allow_null=True, default=None
    )
    disclosure = serializers.ChoiceField(choices=Item.Disclosure.choices, default=Item.Disclosure.ON_REQUEST)
    submitted_on = serializers.DateField(required=False, allow_null=True, default=None)
    attachments = uploads(help_text="The item's text as handed in (multipart).")

    def validate(self, attrs):
        """Proposers, session and category of another district read as unknown ids, never as "elsewhere"."""
        district = attrs["district"]
        for name in ("session", "category", "lead_proposer"):
            if attrs.get(name) is not None and attrs[name].district_id != district.pk:
                raise serializers.ValidationError({name: [_("Not one of the district's.")]})
        if any(p.district_id != district.pk for p in attrs.get("proposers", ())):
            raise serializers.ValidationError({"proposers": [_("Not one of the district's.")]})
        return attrs


class Reason(serializers.Serializer):
    reason = reason_field()


class Merge(serializers.Serializer):
    into = Scoped(_visible_items, help_text="The item this one is handled as part of.")


class Assign(serializers.Serializer):
    lead_units = Scoped(_district_units, many=True, required=False, default=list)
    co_units = Scoped(_district_units, many=True, required=False, default=list)
    split = serializers.BooleanField(default=False, help_text="Several lead units reply separately (分办).")


def _district_leaders(field):
    leaders = get_user_model().objects.filter(
        memberships__role=Role.LEADER, memberships__district_id=_item(field).district_id
    )
    return leaders.distinct()


class Key(serializers.Serializer):
    leader = Scoped(_district_leaders, help_text="The district leader who leads the item (领导牵头督办).")


class Reassign(serializers.Serializer):
    unit = Scoped(_district_units)


class ConsultationInput(serializers.Serializer):
    method = serializers.ChoiceField(choices=Consultation.Method.choices)
    held_on = serializers.DateField()
    participants = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    stage = serializers.ChoiceField(choices=Consultation.Stage.choices, default=Consultation.Stage.BEFORE)
    form = Upload(
        required=False, allow_null=True, default=None, help_text="The scanned record (the office, for the proposer)."
    )


class Opinion(serializers.Serializer):
    text = serializers.CharField(allow_blank=True)
    attachments = uploads()


class ExtensionInput(serializers.Serializer):
    until = serializers.DateField(help_text="The new due date asked for.")
    reason = reason_field()


class Decide(serializers.Serializer):
    grant = serializers.BooleanField()
    until = serializers.DateField(required=False, allow_null=True, default=None, help_text="A shorter date.")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class Draft(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="")
    category = Outcome(required=False, allow_null=True, default=None, help_text="The outcome's code in the scheme.")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    planned_on = serializers.DateField(required=False, allow_null=True, default=None)
    signer = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    attachments = uploads(help_text="Reply documents (multipart).")


def _reply_files(field):
    return field.context["target"].attachments.all()


class Edit(Draft):
    """Only the fields sent change; `version` is the one the edit was based on."""

    version = serializers.IntegerField(help_text="The draft's version the edit is based on (409 if it moved on).")
    keep = Scoped(
        _reply_files, many=True, required=False, help_text="The draft's files to keep (default: all of them)."
    )

    def validate(self, attrs):
        if "version" not in attrs:  # a PATCH is partial, yet the version it is based on is never optional
            raise serializers.ValidationError({"version": [_("This field is required.")]}, code="required")
        return attrs


class Submit(serializers.Serializer):
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


def _reply_attachments(field):
    reply = field.context["target"]
    return visible_attachments(_user(field)).filter(item_id=reply.assignment.item_id)


class Publish(serializers.Serializer):
    attachments = Scoped(
        _reply_attachments, many=True, required=False, default=list, help_text="The reply's files shown with it."
    )


class FeedbackInput(serializers.Serializer):
    agrees = serializers.BooleanField(allow_null=True)
    rating = Rating(required=False, allow_null=True, default=None)
    praised = serializers.BooleanField(default=False)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    proposer = Scoped(
        _of_district(Proposer),
        required=False,
        allow_null=True,
        default=None,
        help_text="Whose form it is: the office recording it for them, or a login speaking for several proposers.",
    )
    form = Upload(required=False, allow_null=True, default=None, help_text="The scanned feedback form.")

    def validate_agrees(self, value):
        if value is None:
            raise serializers.ValidationError(_("Say whether the proposer agrees with the reply."))
        return value


class FollowUpInput(serializers.Serializer):
    progress = serializers.CharField(allow_blank=True)
    convert_to = Outcome(required=False, allow_null=True, default=None)
    planned_on = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ClosingReportInput(serializers.Serializer):
    text = serializers.CharField(allow_blank=True)


class Correction(serializers.Serializer):
    """Either fields of the item's record, or (`reply` and `outcome`) a sent reply's outcome."""

    reason = reason_field()
    title = serializers.CharField(max_length=300, required=False)
    text = serializers.CharField(required=False, allow_blank=True)
    category = Scoped(_of_district(Category), required=False, allow_null=True)
    session = Scoped(_of_district(Session), required=False, allow_null=True)
    disclosure = serializers.ChoiceField(choices=Item.Disclosure.choices, required=False)
    submitted_on = serializers.DateField(required=False, allow_null=True)
    reply = Scoped(
        lambda f: Reply.objects.filter(assignment__item=_item(f), state=Reply.State.SENT),
        required=False,
        help_text="A sent reply whose outcome is corrected.",
    )
    outcome = Outcome(required=False, help_text="The reply's corrected outcome.")

    ITEM_FIELDS = ("title", "text", "category", "session", "disclosure", "submitted_on")

    def validate(self, attrs):
        changes = [f for f in self.ITEM_FIELDS if f in attrs]
        if "reply" in attrs or "outcome" in attrs:
            if changes:
                raise serializers.ValidationError(
                    {changes[0]: [_("Correct the item's record and a reply's outcome separately.")]}
                )
            for name in ("reply", "outcome"):
                if name not in attrs:
                    raise serializers.ValidationError({name: [_("This field is required.")]})
        elif not changes:
            raise serializers.ValidationError({"title": [_("Say what is corrected.")]})
        return attrs


def _message_units(field):
    return HandlingUnit.objects.filter(assignments__item=_item(field)).distinct()


class MessageInput(serializers.Serializer):
    unit = Scoped(_message_units, help_text="The unit whose thread with the proposers this is.")
    text = serializers.CharField(allow_blank=True, max_length=MAX_MESSAGE_CHARS)
