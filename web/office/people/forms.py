"""Forms of the units-and-people screens: they parse; the staffing services decide."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from districts.models import HandlingUnit, Role
from workflow.services.staffing import STAFF_ROLES


def _leaders(district):
    return (
        get_user_model()
        .objects.filter(
            memberships__role=Role.LEADER, memberships__district=district, memberships__is_active=True, is_active=True
        )
        .distinct()
    )


class UnitForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    short_name = forms.CharField(label=_("Short name"), max_length=30, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=HandlingUnit.Kind.choices)
    sort_order = forms.IntegerField(
        label=_("Official order"), min_value=0, initial=0, help_text=_("Units are listed in this order.")
    )
    responsible_leader = forms.ModelChoiceField(
        label=_("Responsible district leader (分管领导)"),
        queryset=None,
        required=False,
        empty_label=_("None yet"),
        help_text=_("Signs off the replies that need a leader's sign-off; without one they wait for nobody."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, district, creating=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_leader"].queryset = _leaders(district)
        if creating:
            del self.fields["is_active"]  # a new unit is active


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    role = forms.ChoiceField(label=_("Role"), choices=[(r.value, r.label) for r in STAFF_ROLES])
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=None,
        required=False,
        help_text=_("For a handler or a unit head."),
        empty_label=_("—"),
    )
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=30, required=False, help_text=_("Reminders by SMS go to this number.")
    )
    email = forms.EmailField(label=_("Email"), required=False)
    username = forms.CharField(label=_("Login name"), max_length=150)
    password = forms.CharField(
        label=_("First password"),
        widget=forms.PasswordInput(render_value=False),
        strip=False,
        help_text=_("Tell the person in person; they can change it after logging in."),
    )

    def __init__(self, *args, district, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = HandlingUnit.objects.filter(district=district, is_active=True)


class ProposerLoginForm(forms.Form):
    username = forms.CharField(label=_("Login name"), max_length=150)
    password = forms.CharField(
        label=_("First password"),
        widget=forms.PasswordInput(render_value=False),
        strip=False,
        help_text=_("Tell the deputy or member in person; the first login asks for a new one."),
    )
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=30, required=False, help_text=_("Notices by SMS go to this number.")
    )
    email = forms.EmailField(label=_("Email"), required=False)


class ContactForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=30, required=False, help_text=_("Reminders by SMS go to this number.")
    )
    email = forms.EmailField(label=_("Email"), required=False)


class MoveForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Move to unit"), queryset=None)

    def __init__(self, *args, district, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = HandlingUnit.objects.filter(district=district, is_active=True)


class ConfirmForm(forms.Form):
    """An act that takes no input (ending a role, giving it back): the button is the whole form."""
