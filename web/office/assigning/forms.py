"""The assigning forms: they parse what the office chose and change nothing; the services decide.

The choices offered are the item's district's active units (grouped by kind on the page) and its
active district leaders; whether a choice is allowed stays the service's call (`assign_units`,
`reassign`, `mark_key_item`), whose reason is shown beside the field it names.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from districts.models import Body, HandlingUnit, Role, User

# The order unit kinds are grouped in: bureaus first, as the office assigns most items to them.
KIND_ORDER = [kind for kind, _label in HandlingUnit.Kind.choices]


def active_units(district_id):
    """The units the office may choose from: the district's active ones, in their official order."""
    return HandlingUnit.objects.filter(district_id=district_id, is_active=True).order_by("sort_order", "name", "pk")


def unit_groups(district_id):
    """[(kind label, [units])] in `KIND_ORDER`, empty kinds left out, in one query: the page's fieldsets."""
    groups = {kind: [] for kind in KIND_ORDER}
    for unit in active_units(district_id):
        groups.setdefault(unit.kind, []).append(unit)
    labels = dict(HandlingUnit.Kind.choices)
    return [(labels.get(kind, kind), units) for kind, units in groups.items() if units]


def district_leaders(district_id):
    """The active district leaders of the district: who may supervise a key item."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__role=Role.LEADER,
            memberships__district_id=district_id,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("full_name", "username")
    )


class _UnitsChoice(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=HandlingUnit.objects.none(),
            required=False,  # no lead unit is the service's refusal ("Choose a lead unit."), beside the field
            widget=forms.CheckboxSelectMultiple,
            error_messages={"invalid_choice": _("%(value)s is not an active unit of this district.")},
            **kwargs,
        )


class UnitsForm(forms.Form):
    """Lead unit(s), split or not (分办), and co-units (会办): the arguments of `assign_units`."""

    lead_units = _UnitsChoice(label=_("Lead units"))
    split = forms.BooleanField(
        label=_("Split leads (分办): each lead unit handles and replies separately"),
        required=False,
    )
    co_units = _UnitsChoice(label=_("Co-handling units"))

    def __init__(self, *args, district_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_units"].queryset = active_units(district_id)
        self.fields["co_units"].queryset = active_units(district_id)
        self.district_id = district_id

    def chosen(self, name):
        """The ids ticked in field `name`, as typed (a refused form shows them ticked again)."""
        values = self[name].value() or []
        return {str(value) for value in values}


class ItemIdsField(forms.Field):
    """The items ticked on the desk: their ids, whatever their state (the service says which it refuses)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Tick at least one item to assign."),
        "invalid": _("The chosen items could not be read: reload the page and tick them again."),
    }

    def to_python(self, value):
        if not value:
            return []
        try:
            ids = [int(v) for v in value]
        except (TypeError, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return list(dict.fromkeys(ids))


class DeskForm(UnitsForm):
    """The desk: the ticked items, and the units every one of them goes to."""

    items = ItemIdsField(label=_("Items to assign"))

    field_order = ["items", "lead_units", "split", "co_units"]


class DeskFilterForm(forms.Form):
    """Narrow the desk to one body or a number or words of the title (e.g. every item about 养老)."""

    q = forms.CharField(
        label=_("Number or title"), required=False, max_length=100, widget=forms.TextInput(attrs={"type": "search"})
    )
    body = forms.ChoiceField(label=_("Body"), required=False, choices=[("", _("Both bodies")), *Body.choices])

    def narrow(self, items):
        if not self.is_valid():
            return items
        q, body = self.cleaned_data["q"].strip(), self.cleaned_data["body"]
        if q:
            items = items.filter(Q(number__icontains=q) | Q(title__icontains=q))
        if body:
            items = items.filter(body=body)
        return items


class ReassignForm(forms.Form):
    """The unit a returned assignment goes to next: the argument of `reassign`."""

    unit = forms.ModelChoiceField(
        label=_("New unit"),
        queryset=HandlingUnit.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the unit the item goes to."),
            "invalid_choice": _("This is not an active unit of this district."),
        },
    )

    def __init__(self, *args, district_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = active_units(district_id)
        self.district_id = district_id

    def chosen(self, name="unit"):
        value = self[name].value()
        return {str(value)} if value else set()


class KeyItemForm(forms.Form):
    """The district leader who leads the key item (领导牵头督办): the argument of `mark_key_item`."""

    leader = forms.ModelChoiceField(
        label=_("Supervising district leader"),
        queryset=User.objects.none(),
        empty_label=_("Choose a district leader"),
        error_messages={
            "required": _("Choose the district leader who leads the item."),
            "invalid_choice": _("This is not a district leader of this district."),
        },
    )

    def __init__(self, *args, leaders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders
