"""The filters of the item list (`/items/`): they narrow what `visible_items` gives, never widen it.

Each filter reads the annotations of `workflow.selectors.annotate_progress` (stage, is_overdue,
earliest_due_on), so the list and the item page agree on where an item stands; "waiting on me"
reads each role's own facts (`workflow.waiting.waiting_on_me`). A bad
value is a form error shown on the page, not an exception.
"""


import django_filters
from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import Body, HandlingUnit
from proposals.models import Item, Kind
from workflow.access import district_ids
from workflow.selectors import unit_items
from workflow.waiting import waiting_on_me

from .labels import STAGES

# Sort keys, each ending on the primary key so that equal rows keep one order across pages.
# The earliest open due date first puts overdue items first (they are due before today); items
# owing nothing (closed, rejected, merged) come last.
SORTS = {
    "due": (F("earliest_due_on").asc(nulls_last=True), "pk"),
    "number": ("-year", "body", "number", "pk"),
    "changed": (F("last_change_at").desc(nulls_last=True), "-pk"),
}
SORT_CHOICES = [
    ("due", _("Next due date, overdue first")),
    ("number", _("Number")),
    ("changed", _("Last change, newest first")),
]


def overseen_units(user):
    """The units of the districts where `user` is office staff or a leader (the unit filter's choices)."""
    districts = district_ids(user)
    return HandlingUnit.objects.filter(district_id__in=districts) if districts else None


def _checkbox(label, method):
    """A filter that applies when ticked; unticked (absent from the query string) it leaves the list alone."""
    return django_filters.BooleanFilter(label=label, method=method, widget=forms.CheckboxInput)


def _on(queryset, condition, value):
    return queryset.filter(condition) if value else queryset


class ItemFilter(django_filters.FilterSet):
    """Filters, search and sort of the item list, for one user.

    Bound to the request's query string. Without a `year` it shows the current year when the
    user has items in it, else every year (`year=` asks for every year). The unit filter is
    offered to office staff and leaders only, with their districts' units; "waiting on me"
    only to roles something can wait on.
    """

    q = django_filters.CharFilter(
        label=_("Number or title"), method="search", max_length=100, widget=forms.TextInput(attrs={"type": "search"})
    )
    year = django_filters.ChoiceFilter(label=_("Year"), empty_label=_("All years"))
    body = django_filters.ChoiceFilter(label=_("Body"), choices=Body.choices, empty_label=_("All"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Kind.choices, empty_label=_("All"))
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=STAGES, empty_label=_("All"))
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit"), queryset=HandlingUnit.objects.none(), method="handled_by", empty_label=_("All")
    )
    mine = _checkbox(_("Waiting on me or my unit"), "waiting")
    overdue = _checkbox(_("Overdue only"), "only_overdue")
    key = _checkbox(_("Key items only"), "only_key")
    sort = django_filters.ChoiceFilter(label=_("Sort by"), choices=SORT_CHOICES, method="sort_by", empty_label=None)

    class Meta:
        model = Item
        fields = []  # the declared filters only

    def __init__(self, data, queryset, *, request):
        user = request.user
        self.years = list(queryset.order_by("-year").values_list("year", flat=True).distinct())
        data = data.copy()
        if "year" not in data:
            this_year = timezone.localdate().year
            data["year"] = str(this_year) if this_year in self.years else ""
        if not data.get("sort"):
            data["sort"] = "due"
        super().__init__(data, queryset, request=request)
        self.filters["year"].extra["choices"] = [(str(year), str(year)) for year in self.years]
        units = overseen_units(user)
        if units is None:
            del self.filters["unit"]
        else:
            self.filters["unit"].queryset = units
        self.waiting_condition = waiting_on_me(user)
        if self.waiting_condition is None:
            del self.filters["mine"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value))

    def handled_by(self, queryset, name, unit):
        return queryset.filter(pk__in=unit_items(unit.pk))

    def waiting(self, queryset, name, value):
        return _on(queryset, self.waiting_condition, value)

    def only_overdue(self, queryset, name, value):
        return _on(queryset, Q(is_overdue=True), value)

    def only_key(self, queryset, name, value):
        return _on(queryset, Q(is_key=True), value)

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORTS[value])
