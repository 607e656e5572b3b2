"""The public's request and the office's decision: they parse what was typed and change nothing.

Whether a contact is an email address or a mobile number, and whether a refusal has its reason,
is the service's call (`workflow.services.disclosure`), so its sentence is what shows beside the field.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from workflow.models import DisclosureRequest

_field = DisclosureRequest._meta.get_field


class RequestForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"), max_length=_field("name").max_length, error_messages={"required": _("Give your name.")}
    )
    contact = forms.CharField(
        label=_("Email or mobile number"),
        max_length=_field("contact").max_length,
        help_text=_("The reply is sent there if the office grants your request; it is shown to no one else."),
        error_messages={"required": _("Give an email address or a mobile number.")},
    )
    reason = forms.CharField(
        label=_("Why you ask for the reply"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say why you ask for this reply.")},
    )


class DecideForm(forms.Form):
    GRANT, REFUSE = "grant", "refuse"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(GRANT, _("Grant: send the reply to the requester")), (REFUSE, _("Refuse the request"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose to grant or to refuse.")},
    )
    reason = forms.CharField(
        label=_("Reason for a refusal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the requester with the refusal."),
    )

    attachments = forms.ModelMultipleChoiceField(
        label=_("Files sent with the reply"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("By email only. None is sent unless chosen."),
    )

    def __init__(self, *args, files, **kwargs):
        super().__init__(*args, **kwargs)
        if files.exists():
            self.fields["attachments"].queryset = files
        else:
            del self.fields["attachments"]

    @property
    def grants(self) -> bool:
        return self.cleaned_data["decision"] == self.GRANT
