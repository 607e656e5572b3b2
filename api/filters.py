"""The item list's filters over the API: the office's item list's fields (`web.items.filters`), fixed choices.

They narrow `visible_items`, never widen it, with the conditions of the browser's list and the
office dashboard (`overdue_of_kind`, `awaits_office`…), so a count on the dashboard and a list
asked over the API agree. Unlike the page, nothing is taken for granted: no year means every year,
and the choices are fixed (so the schema lists them) rather than read from the user's items. The
dashboard's filters (district, overdue work, awaiting the office, supervising leader, feedback
ending) are for those who see whole districts; anyone else asking for them gets a 400.
"""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from districts.models import Body
from proposals.models import ItemProposer, Kind
from web.items.filters import (
    AWAITS_OFFICE,
    AWAITS_OFFICE_CHOICES,
    OVERDUE_KIND_CHOICES,
    SORT_CHOICES,
    SORTS,
    feedback_window_ending,
    overdue_at_unit,
    overdue_of_kind,
    overseen_districts,
)
from web.items.labels import STAGES
from workflow.selectors import unit_items
from workflow.waiting import waiting_on_me

# Bounds of a number in the database: beyond them a value is bad input (400), not a failed query.
ID = {"min_value": 1, "max_value": 2**63 - 1}
SMALL = {"min_value": 0, "max_value": 32767}

# The filters of the office dashboard's links: for office staff, leaders and admins only.
OVERSEERS_ONLY = ("district", "overdue_kind", "overdue_unit", "awaits_office", "leader", "feedback_ending")


class ItemFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(help_text="Year of the items; every year when absent.", **SMALL)
    body = django_filters.ChoiceFilter(choices=Body.choices)
    kind = django_filters.ChoiceFilter(choices=Kind.choices)
    stage = django_filters.ChoiceFilter(choices=STAGES, help_text="The item's state; re-handling apart.")
    session = django_filters.NumberFilter(field_name="session_id", **ID, help_text="A session's id.")
    category = django_filters.NumberFilter(field_name="category_id", **ID, help_text="A category's id.")
    proposer = django_filters.CharFilter(
        method="by_proposer", max_length=100, help_text="Part of the name of one of the item's proposers."
    )
    unit = django_filters.NumberFilter(method="handled_by", **ID, help_text="A unit's id: the items it handles.")
    mine = django_filters.BooleanFilter(method="waiting", help_text="Waiting on me or my unit.")
    overdue = django_filters.BooleanFilter(method="only_overdue", help_text="Overdue items only.")
    key = django_filters.BooleanFilter(field_name="is_key", help_text="Key items (or, false, the others).")
    district = django_filters.CharFilter(field_name="district__code", help_text="A district's code.")
    overdue_kind = django_filters.ChoiceFilter(
        choices=OVERDUE_KIND_CHOICES, method="overdue_of_kind", help_text="Overdue work of this kind."
    )
    overdue_unit = django_filters.NumberFilter(
        **ID, method="overdue_at_unit", help_text="A unit's id: the items on which it owes overdue work."
    )
    awaits_office = django_filters.ChoiceFilter(
        choices=AWAITS_OFFICE_CHOICES, method="awaiting_office", help_text="What the item waits for the office to do."
    )
    leader = django_filters.NumberFilter(
        field_name="supervising_leader_id", **ID, help_text="A supervising leader's id."
    )
    feedback_ending = django_filters.BooleanFilter(
        method="feedback_ending_soon", help_text="The feedback window ends within 7 days."
    )
    ordering = django_filters.ChoiceFilter(
        choices=SORT_CHOICES, method="sort_by", empty_label=None, help_text="The order; the due date by default."
    )

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("ordering"):
            data["ordering"] = "due"
        super().__init__(data, queryset, request=request, **kwargs)
        self.today = timezone.localdate()

    @property
    def qs(self):
        user = self.request.user
        asked = [name for name in OVERSEERS_ONLY if self.data.get(name) not in (None, "")]
        if asked and overseen_districts(user) is None:
            message = _("Only the district's office staff and leaders filter by this.")
            raise ValidationError({asked[0]: [message]}, code="not_allowed")
        return super().qs

    def by_proposer(self, queryset, name, value):
        named = ItemProposer.objects.filter(item=OuterRef("pk"), proposer__name__icontains=value)
        return queryset.filter(Exists(named))

    def handled_by(self, queryset, name, value):
        return queryset.filter(pk__in=unit_items(value))

    def waiting(self, queryset, name, value):
        condition = waiting_on_me(self.request.user)
        if condition is None:  # nothing can wait on this user's roles
            return queryset.none() if value else queryset
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def only_overdue(self, queryset, name, value):
        return queryset.filter(is_overdue=value)

    def overdue_of_kind(self, queryset, name, value):
        return queryset.filter(overdue_of_kind(value, self.today))

    def overdue_at_unit(self, queryset, name, value):
        return queryset.filter(overdue_at_unit(value, self.today))

    def awaiting_office(self, queryset, name, value):
        return queryset.filter(AWAITS_OFFICE[value]())

    def feedback_ending_soon(self, queryset, name, value):
        ending = feedback_window_ending(self.today)
        return queryset.filter(ending) if value else queryset.exclude(ending)

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORTS[value])
