"""The 码上约 forms: they parse what was typed and change nothing; `workflow.services.outreach` decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from outreach.models import ANSWER_MAX, MESSAGE_MAX
from workflow.services.outreach import NEIGHBOURHOOD_MAX


class WriteForm(forms.Form):
    """The resident's message (no login: the one-time token is a user-less one, `web.submit.one_time`)."""

    text = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MESSAGE_MAX}),
        help_text=_("At most %(n)s characters.") % {"n": MESSAGE_MAX},
        error_messages={"required": _("Write your message.")},
    )
    neighbourhood = forms.CharField(
        label=_("Your neighbourhood (optional)"), max_length=NEIGHBOURHOOD_MAX, required=False
    )
    phone = forms.CharField(
        label=_("Contact phone (optional)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Seen only by the deputy and the district office."),
    )
    may_contact = forms.BooleanField(
        label=_("The deputy may contact me; with a mobile number I am also told of the answer by text message"),
        required=False,
    )


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"),
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The resident reads it at their private link; if they left a phone, they are told by text."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=ANSWER_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class SuggestForm(forms.Form):
    """The messages one draft suggestion is made of: the deputy's waiting messages."""

    messages = forms.ModelMultipleChoiceField(
        label=_("Messages"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one message.")},
    )

    def __init__(self, *args, messages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["messages"].queryset = messages


class ActForm(forms.Form):
    """An act with nothing to type (issue or revoke a code)."""


class MembersForm(forms.Form):
    enabled = forms.BooleanField(label=_("CPPCC members of the district have QR codes too"), required=False)
