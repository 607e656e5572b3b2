"""The proposer's forms: they parse what was typed and change nothing; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from districts.models import Proposer
from proposals.models import KIND_BODY, Category, Item, Kind


def kinds_of(body):
    """The kinds a proposer of `body` hands in (a city item is the office's, never handed in online)."""
    return [(value, label) for value, label in Kind.choices if KIND_BODY.get(value) == body]


class NameChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class DraftForm(forms.Form):
    """The item as the proposer writes it. Not required here: handing in says what is missing."""

    lead = NameChoice(label=_("Handed in by"), queryset=Proposer.objects.none(), empty_label=None)
    kind = forms.ChoiceField(label=_("Kind"))
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    text = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 10}))
    category = NameChoice(
        label=_("Suggested category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("Let the office choose"),
    )
    disclosure = forms.ChoiceField(
        label=_("Disclosure consent"),
        choices=Item.Disclosure.choices,
        initial=Item.Disclosure.ON_REQUEST,
        widget=forms.RadioSelect,
        help_text=_("Whether the reply may be published on the public portal."),
    )

    def __init__(self, *args, leads=None, submission=None, **kwargs):
        """For a new draft, `leads`: the proposers the user acts for; else the `submission` being edited."""
        super().__init__(*args, **kwargs)
        if submission is not None:
            del self.fields["lead"]
            district_ids, bodies = [submission.district_id], [submission.body]
        else:
            self.fields["lead"].queryset = leads
            if len(leads) == 1:
                self.fields["lead"].widget = forms.HiddenInput()
                self.fields["lead"].initial = leads[0]
            district_ids = [p.district_id for p in leads]
            bodies = sorted({p.body for p in leads})
        self.fields["kind"].choices = [choice for b in bodies for choice in kinds_of(b)]
        self.fields["category"].queryset = Category.objects.filter(
            district_id__in=district_ids, is_active=True
        ).order_by("sort_order", "name")


class FileForm(forms.Form):
    file = forms.FileField(
        label=_("Add a file"), help_text=_("The item's text as a document, photos, an appendix: one file at a time.")
    )


class InviteForm(forms.Form):
    proposer = NameChoice(label=_("Invite a co-signer"), queryset=Proposer.objects.none(), empty_label=_("Choose…"))

    def __init__(self, *args, submission, **kwargs):
        super().__init__(*args, **kwargs)
        taken = [submission.lead_id, *submission.invitations.values_list("proposer_id", flat=True)]
        self.fields["proposer"].queryset = (
            Proposer.objects.filter(
                district_id=submission.district_id,
                body=submission.body,
                kind=Proposer.Kind.PERSON,
                is_active=True,
            )
            .exclude(pk__in=taken)
            .order_by("name")
        )


class ActForm(forms.Form):
    """Hand in, withdraw, confirm, decline: nothing to type."""
