"""The office's decision forms: they parse what was typed and change nothing; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SendForm(forms.Form):
    """Send the reply to the proposers: nothing to type, the one-time token is the form."""


class SendBackForm(forms.Form):
    # Not required here: an empty reason is the service's refusal ("say why"), shown beside the field.
    reason = forms.CharField(
        label=_("Why it goes back to the unit"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "required": True}),
        help_text=_("The unit reads this with its draft, e.g. 答复类型不当 (wrong outcome category)."),
    )


class PublishForm(forms.Form):
    """Which of the reply's files go on the portal with it.

    Any file the reader may see parses (`visible_attachments`); that only the reply's own may be
    published is the service's rule, so the checkboxes offer the reply's files only.
    """

    attachments = forms.ModelMultipleChoiceField(
        label=_("Files published with the reply"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Files not ticked stay private."),
    )

    def __init__(self, *args, readable, offered, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["attachments"]
        field.queryset = readable
        field.widget.choices = [(file.pk, file.original_name) for file in offered]


class DecideExtensionForm(forms.Form):
    GRANT, REFUSE = "grant", "refuse"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(GRANT, _("Grant the extension")), (REFUSE, _("Refuse the extension"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose to grant or to refuse.")},
    )
    until = forms.DateField(
        label=_("New due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("When granting: the date the unit asked for, or another one."),
        error_messages={"invalid": _("Enter the date as YYYY-MM-DD.")},
    )
    note = forms.CharField(
        label=_("Note to the unit"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say why when refusing."),
    )

    @property
    def grants(self) -> bool:
        return self.cleaned_data["decision"] == self.GRANT
