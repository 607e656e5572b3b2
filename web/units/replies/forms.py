"""The forms of the lead unit's reply and follow-up: they parse what the handler typed and change nothing.

Whether the reply is complete (a category, a planned date where the category needs one, a
consultation, every co-unit's opinion) is the service's call when it is submitted: the fields are
optional here, so a draft can be saved half-written and the service's own sentence is what the
handler reads beside the field. Fields are named as the services name them (`text`, `category`,
`planned_on`, `reason`, `attachments`, `progress`, `convert_to`), so `web.actions.perform` can put
a refusal there.
"""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from proposals.models import Attachment
from web.office.intake.forms import MultipleFileField, MultipleFileInput
from web.office.records.forms import DateInput
from workflow.models import OutcomeCategory, Reply


def normalise_newlines(text: str) -> str:
    """A browser sends a textarea's line breaks as CRLF: store LF, so a round trip changes nothing."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class LongText(forms.CharField):
    """A text of paragraphs kept exactly as typed: no stripping (a first line may start with 　　), LF breaks."""

    def __init__(self, *, rows, **kwargs):
        super().__init__(strip=False, required=False, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)

    def to_python(self, value):
        return normalise_newlines(super().to_python(value))


class CategoryField(forms.ModelChoiceField):
    def label_from_instance(self, category):
        return f"{category.code} · {category.label}"


def _categories(scheme_id):
    return OutcomeCategory.objects.filter(scheme_id=scheme_id).order_by("sort_order")


def _needing(categories, flag) -> str:
    return "、".join(f"{c.code} {c.label}" for c in categories if getattr(c, flag))


class FileChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, attachment):
        return attachment.original_name


class ReplyForm(forms.Form):
    """The draft of a reply or a second reply; `version` is the draft the handler opened (None: a new one)."""

    SAVE, SUBMIT = "save", "submit"

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    category = CategoryField(label=_("Outcome category"), queryset=OutcomeCategory.objects.none(), required=False)
    text = LongText(label=_("Text of the reply"), rows=16)
    planned_on = forms.DateField(label=_("Planned completion date"), required=False, widget=DateInput())
    reason = LongText(label=_("Reason"), rows=3)
    signer = forms.CharField(
        label=_("Signed by"), max_length=Reply._meta.get_field("signer").max_length, required=False
    )
    keep = FileChoices(
        label=_("Files of the reply"),
        queryset=Attachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Untick a file to take it off the reply."),
    )
    files = MultipleFileField(
        label=_("Add files"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ",".join(f".{e}" for e in settings.ATTACHMENT_EXTENSIONS)}),
        help_text=_("The signed reply document (复文) as PDF or OFD; accepted types: %(types)s.")
        % {"types": ", ".join(settings.ATTACHMENT_EXTENSIONS)},
    )

    def __init__(self, *args, scheme_id, files_of_reply=(), **kwargs):
        super().__init__(*args, **kwargs)
        categories = list(_categories(scheme_id))
        self.fields["category"].queryset = _categories(scheme_id)
        self.fields["category"].choices = [("", "—"), *((c.pk, f"{c.code} · {c.label}") for c in categories)]
        planned = _needing(categories, "needs_planned_date")
        if planned:
            self.fields["planned_on"].help_text = _("Needed for: %(categories)s.") % {"categories": planned}
        reasons = _needing(categories, "needs_reason")
        self.fields["reason"].help_text = (
            _("Needed for: %(categories)s.") % {"categories": reasons}
            if reasons
            else _("Only where the outcome needs it.")
        )
        keep = self.fields["keep"]
        keep.queryset = Attachment.objects.filter(pk__in=[a.pk for a in files_of_reply])
        keep.choices = [(a.pk, a.original_name) for a in files_of_reply]
        keep.initial = [a.pk for a in files_of_reply]
        if not files_of_reply:
            del self.fields["keep"]


class ProgressForm(forms.Form):
    """A progress report (跟踪) on an open outcome, possibly converting it towards resolved."""

    progress = LongText(label=_("Progress"), rows=8)
    convert_to = CategoryField(
        label=_("Convert the outcome to"),
        queryset=OutcomeCategory.objects.none(),
        required=False,
        help_text=_("Only when the outcome has matured (e.g. planned → solved); leave empty otherwise."),
    )
    planned_on = forms.DateField(label=_("Planned completion date"), required=False, widget=DateInput())
    reason = LongText(label=_("Reason"), rows=3)

    def __init__(self, *args, scheme_id, **kwargs):
        super().__init__(*args, **kwargs)
        categories = list(_categories(scheme_id))
        self.fields["convert_to"].queryset = _categories(scheme_id)
        self.fields["convert_to"].choices = [("", "—"), *((c.pk, f"{c.code} · {c.label}") for c in categories)]
        planned = _needing(categories, "needs_planned_date")
        if planned:
            self.fields["planned_on"].help_text = _("Needed when converting to: %(categories)s.") % {
                "categories": planned
            }


class ClosingReportForm(forms.Form):
    """结案报告: how the outcome that kept the item open was delivered."""

    text = LongText(label=_("Closing report"), rows=10)
