"""The forms of a unit's handling acts: they parse what the handler typed and change nothing.

Consultations and waivers are the office's record forms (`web.office.records.forms`), narrowed to
the handler's own units (`for_units`). A reason is optional here: whether it is missing is the
service's call, so its sentence is what the handler reads beside the field.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from web.office.intake.forms import MultipleFileField
from web.office.records.forms import AssignmentChoiceField, DateInput
from web.units.replies.forms import LongText
from workflow.models import Assignment


def for_units(form, mine):
    """Offer only the assignments of the user's own units among those the form offers.

    A handler of two units assigned on one item picks the unit; with only one it is chosen
    without asking. Returns the assignments offered.
    """
    field = form.fields["assignment"]
    field.queryset = field.queryset.filter(pk__in=[a.pk for a in mine])
    offered = list(field.queryset)
    if len(offered) == 1:
        field.widget = forms.HiddenInput()
        field.initial = offered[0].pk
    return offered


def _assignments(item, queryset=None):
    queryset = Assignment.objects.active() if queryset is None else queryset
    return queryset.filter(item=item).select_related("unit").order_by("assigned_at", "pk")


class AnswerForm(forms.Form):
    """Accept (接收) the assignment: which of the user's units accepts."""

    assignment = AssignmentChoiceField(label=_("Unit"), queryset=Assignment.objects.none(), empty_label=None)

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = _assignments(item)


class ReturnForm(AnswerForm):
    """Return (退回) the assignment to the office, saying why the unit is not the one to handle it."""

    reason = forms.CharField(
        label=_("Reason for returning"),
        help_text=_("Why the item is not this unit's work, and which unit it belongs to if you know."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class OpinionForm(forms.Form):
    """The co-handling unit's opinion (会办意见) for the lead unit, with its files."""

    assignment = AssignmentChoiceField(
        label=_("Co-handling unit"), queryset=Assignment.objects.none(), empty_label=None
    )
    text = LongText(label=_("Opinion"), rows=8)  # paragraphs kept as typed, LF line breaks
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("The signed opinion and any appendix; several files may be chosen."),
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = _assignments(item, Assignment.objects.filter(role=Assignment.Role.CO))


class ExtensionForm(forms.Form):
    """A request for more time to reply, decided by the office."""

    assignment = AssignmentChoiceField(label=_("Lead unit"), queryset=Assignment.objects.none(), empty_label=None)
    until = forms.DateField(label=_("New due date asked for"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Why the unit needs more time: what is still being done, and by when."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = _assignments(item, Assignment.objects.active_leads())
