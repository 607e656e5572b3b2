"""The intake's forms: they parse what the clerk typed and change nothing; the services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import Body, Proposer
from proposals.attachments import validate_upload
from proposals.models import Category, Item, Kind, Session


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked against the attachment limits (`validate_upload`)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        cleaned, errors = [], []
        for uploaded in files:
            try:
                validate_upload(uploaded)
            except forms.ValidationError as exc:
                errors.extend(exc.messages)
            else:
                cleaned.append(uploaded)
        if errors:
            raise forms.ValidationError(errors)
        return cleaned


class ProposerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ReceiveForm(forms.Form):
    """An item as handed in on paper. Proposers are chosen through the search (`proposers` view)."""

    district = forms.ModelChoiceField(label=_("District"), queryset=None, empty_label=None)
    year = forms.IntegerField(label=_("Year"), min_value=1980, max_value=2100)
    body = forms.ChoiceField(label=_("Body"), choices=Body.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    number = forms.CharField(label=_("Number"), max_length=30)
    # The number this page suggested: a new suggestion replaces the number only while it is untouched.
    suggested = forms.CharField(required=False, widget=forms.HiddenInput)
    session = forms.ModelChoiceField(label=_("Session"), queryset=None, required=False, empty_label=_("None"))
    category = forms.ModelChoiceField(label=_("Category"), queryset=None, required=False, empty_label=_("None"))
    # Not required here: the service says what an item needs ("An item needs a title.").
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    text = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    lead = ProposerChoice(label=_("Lead proposer or group"), queryset=None, required=False)
    cosigners = forms.ModelMultipleChoiceField(label=_("Co-signers"), queryset=None, required=False)
    disclosure = forms.ChoiceField(
        label=_("Disclosure consent"),
        choices=Item.Disclosure.choices,
        initial=Item.Disclosure.ON_REQUEST,
        widget=forms.RadioSelect,
    )
    submitted_on = forms.DateField(
        label=_("Handed in on"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("The scanned paper and any appendix; several files may be chosen."),
    )

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
        self.fields["session"].queryset = Session.objects.filter(district__in=districts).order_by(
            "-year", "body", "term", "number"
        )
        self.fields["category"].queryset = Category.objects.filter(district__in=districts, is_active=True)
        proposers = Proposer.objects.filter(district__in=districts)
        self.fields["lead"].queryset = proposers
        self.fields["cosigners"].queryset = proposers
        if len(districts) == 1:
            self.fields["district"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        lead, cosigners = data.get("lead"), list(data.get("cosigners") or [])
        if cosigners and lead is None:
            self.add_error("lead", _("Choose the lead proposer of these co-signers (the first name on the paper)."))
        data["proposers"] = [p for p in cosigners if p != lead]
        return data

    def chosen(self, name):
        """The proposers picked in `name` (lead or cosigners), to show again when the form comes back."""
        if not self.is_bound:
            return []
        ids = [v for v in self.data.getlist(name) if v.isdigit()]
        found = {p.pk: p for p in self.fields[name].queryset.filter(pk__in=ids)}
        return [found[int(i)] for i in dict.fromkeys(ids) if int(i) in found]


def receive_initial(districts, *, suggest):
    """What an empty form starts with: this year, the first district, its ordinary CPPCC kind, the next number."""
    district = districts.first()
    today = timezone.localdate()
    initial = {"district": district, "year": today.year, "body": Body.CPPCC, "kind": Kind.PROPOSAL}
    initial["submitted_on"] = today
    if district is not None:
        initial["number"] = initial["suggested"] = suggest(
            district=district, year=today.year, body=Body.CPPCC, kind=Kind.PROPOSAL
        )
    return initial


class ReviewForm(forms.Form):
    """Register (立案): nothing to type."""


class RejectForm(forms.Form):
    # Not required here: the service says why a reason is needed.
    reason = forms.CharField(
        label=_("Reason it is not registered"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The proposer is told this reason."),
    )


class MergeForm(forms.Form):
    """并案: the item to merge into, chosen from the hints or the search, or found by its number or title."""

    query = forms.CharField(label=_("Merge into the item with number or title"), max_length=300, required=False)
    into = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("into") is None and not (data.get("query") or "").strip():
            self.add_error("query", _("Type the number or part of the title of the item to merge into."))
        return data
