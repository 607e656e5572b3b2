"""The office's registration form: the number it gives, the category and session it settles."""

from django import forms
from django.utils.translation import gettext_lazy as _

from proposals.models import Category, Session


class RegisterForm(forms.Form):
    number = forms.CharField(label=_("Number"), max_length=30)
    category = forms.ModelChoiceField(label=_("Category"), queryset=None, required=False, empty_label=_("None"))
    session = forms.ModelChoiceField(label=_("Session"), queryset=None, required=False, empty_label=_("None"))

    def __init__(self, *args, submission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(district_id=submission.district_id, is_active=True)
        self.fields["session"].queryset = Session.objects.filter(
            district_id=submission.district_id, body=submission.body
        ).order_by("-year", "term", "number")


class ConfirmForm(forms.Form):
    """Confirm for a co-signer: nothing to type."""
