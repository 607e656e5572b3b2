"""The approvers' forms: they parse what was typed and change nothing; the services decide.

Sending back takes the office's form (`web.office.decisions.forms.SendBackForm`): the same act of
the same service, with the reason the unit reads beside its draft.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from workflow.services.instructions import MAX_INSTRUCTION_CHARS


class DecideForm(forms.Form):
    """Approve (签发) or sign off (阅批): nothing to type, the one-time token is the form."""


class InstructionForm(forms.Form):
    # Not required here: an empty instruction is the service's refusal, shown beside the field.
    text = forms.CharField(
        label=_("Instruction"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "required": True, "maxlength": MAX_INSTRUCTION_CHARS}),
        help_text=_("Recorded on the item's timeline and sent to the handlers and heads of its units."),
    )
