"""The forms of the office's records: they parse what the clerk typed and change nothing.

Whether an act is allowed (a scanned form when acting for someone, a reason for a waiver or a
disagreement, the item's state) is the service's call: those fields are optional here, so the
service's own sentence is what the clerk reads beside the field. A field is named as the service
names it (`form`, `notes`, `reason`, `comment`), so `web.actions.perform` can put it there.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from districts.models import Proposer
from proposals.attachments import validate_upload
from proposals.models import Category, Item, Session
from workflow.models import Assignment, Consultation, OutcomeCategory, RatingValue, Reply
from workflow.services.outcomes import body_setting
from workflow.services.permissions import proposer_ids_of


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ScanField(forms.FileField):
    """The scanned paper form, checked as every upload is (type, size, content) before anything is stored."""

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if uploaded:
            validate_upload(uploaded)  # ValidationError names the file and what is wrong with it
        return uploaded


class AssignmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, assignment):
        return f"{assignment.unit.name} ({assignment.get_role_display()} · {assignment.get_state_display()})"


def _units(item, queryset):
    return queryset.filter(item=item).select_related("unit").order_by("assigned_at", "pk")


class FeedbackForm(forms.Form):
    """征询意见表 recorded for a proposer who received the reply."""

    AGREES = (("yes", _("Agrees (同意)")), ("no", _("Disagrees (不同意)")))

    proposer = forms.ModelChoiceField(label=_("Proposer"), queryset=Proposer.objects.none(), required=False)
    rating = forms.ModelChoiceField(
        label=_("Overall rating"),
        queryset=RatingValue.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
    )
    agrees = forms.TypedChoiceField(
        label=_("Does the proposer agree with the reply?"),
        choices=AGREES,
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    praised = forms.BooleanField(label=_("The proposer praises the unit (表扬)"), required=False)
    comment = forms.CharField(
        label=_("Comment"),
        help_text=_("When the proposer disagrees, write why: the unit handles the item again."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    form = ScanField(label=_("Scanned feedback form"), required=False)

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        proposers = Proposer.objects.filter(pk__in=proposer_ids_of(item)).order_by("name", "pk")
        self.fields["proposer"].queryset = proposers
        if len(proposers) == 1:
            self.fields["proposer"].initial = proposers[0].pk
        self.fields["rating"].queryset = RatingValue.objects.filter(scale=body_setting(item).rating_scale_id)


class ConsultationForm(forms.Form):
    """A consultation (面商) the unit held with the proposer, recorded by the office from its scanned record."""

    METHODS = [(value, label) for value, label in Consultation.Method.choices if value != Consultation.Method.WAIVER]

    assignment = AssignmentChoiceField(label=_("Unit"), queryset=Assignment.objects.none(), empty_label=None)
    method = forms.ChoiceField(label=_("How"), choices=METHODS)
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    stage = forms.ChoiceField(label=_("When"), choices=Consultation.Stage.choices, initial=Consultation.Stage.BEFORE)
    participants = forms.CharField(label=_("Participants"), max_length=300, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    form = ScanField(label=_("Scanned consultation record"), required=False)

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = _units(item, Assignment.objects.active())


class ConsultationWaiverForm(forms.Form):
    """The proposer declined a consultation (委员本人提出不需要走访): recorded as a waiver with how they declined."""

    assignment = AssignmentChoiceField(label=_("Lead unit"), queryset=Assignment.objects.none(), empty_label=None)
    held_on = forms.DateField(label=_("Declined on"), widget=DateInput())
    notes = forms.CharField(
        label=_("Reason: how the proposer declined"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    form = ScanField(
        label=_("Scanned record of the waiver"),
        help_text=_("The proposer's signed note or the record of the call."),
        required=False,
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = _units(item, Assignment.objects.active_leads())


class OpinionWaiverForm(forms.Form):
    """The lead reply may go out without this co-unit's opinion."""

    assignment = AssignmentChoiceField(
        label=_("Co-handling unit"), queryset=Assignment.objects.none(), empty_label=None
    )
    reason = forms.CharField(label=_("Reason for the waiver"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = _units(item, Assignment.objects.filter(role=Assignment.Role.CO))


class CloseForm(forms.Form):
    """Closing asks nothing: the service says what is still missing."""


class ItemCorrectionForm(forms.Form):
    """A recorded correction of the item's record: the fields changed, and why."""

    FIELDS = ("title", "text", "category", "session", "disclosure", "submitted_on")

    title = forms.CharField(label=_("Title"), max_length=Item._meta.get_field("title").max_length)
    text = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False)
    session = forms.ModelChoiceField(label=_("Session"), queryset=Session.objects.none(), required=False)
    disclosure = forms.ChoiceField(label=_("Disclosure consent"), choices=Item.Disclosure.choices)
    submitted_on = forms.DateField(label=_("Handed in on"), required=False, widget=DateInput())
    reason = forms.CharField(
        label=_("Reason for the correction"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, item, **kwargs):
        kwargs.setdefault("initial", {name: getattr(item, name) for name in self.FIELDS})
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["category"].queryset = Category.objects.filter(district_id=item.district_id)
        self.fields["session"].queryset = Session.objects.filter(district_id=item.district_id, body=item.body)

    def clean(self):
        data = super().clean()
        if not self.errors and not self.changes():
            raise ValidationError(_("Nothing was changed: change the field to correct, or go back to the item."))
        return data

    def changes(self) -> dict:
        """The fields whose value differs from the item's: only those are corrected and recorded."""
        data = self.cleaned_data
        return {name: data.get(name) for name in self.FIELDS if data.get(name) != getattr(self.item, name)}


class ReplyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, reply):
        sent = reply.sent_at.date().isoformat() if reply.sent_at else ""
        return f"{reply.assignment.unit.name} · {reply.get_kind_display()} · {sent} · {reply.category}"


class ReplyCorrectionForm(forms.Form):
    """A sent reply's outcome category corrected (e.g. 答复类型不当), with the reason."""

    reply = ReplyChoiceField(label=_("Reply"), queryset=Reply.objects.none(), empty_label=None)
    category = forms.ModelChoiceField(
        label=_("Correct outcome"), queryset=OutcomeCategory.objects.none(), required=False
    )
    reason = forms.CharField(
        label=_("Reason for the correction"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, item, replies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reply"].queryset = replies
        self.fields["category"].queryset = OutcomeCategory.objects.filter(scheme=body_setting(item).scheme_id)
