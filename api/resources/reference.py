"""Districts, units, sessions, categories and proposers: what the caller's districts hold.

A user reads the reference data of the districts they hold a role in (an admin every district's),
so a unit's handler can name a session or a category in a filter and a proposer their district's
units. Proposers are people: the district's office staff and leaders read their districts' list,
anyone else the proposers of the items they may see (`selectors.item_scope`).
"""

import django_filters
from django.db.models import Q
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import filters, generics

from districts.models import Body, District, HandlingUnit, Proposer
from districts.selectors import active_memberships
from proposals.models import Category, Item, Session
from workflow.access import district_ids, is_admin
from workflow.selectors import item_scope

from ..errors import error_responses
from ..filters import SMALL
from ..serializers import (
    CategorySerializer,
    DistrictSerializer,
    ProposerSerializer,
    SessionSerializer,
    UnitSerializer,
)

LIST_ERRORS = error_responses(400, 401, 404)


def districts_of(user):
    """The districts whose reference data `user` reads: those of their active roles; every one for an admin."""
    if is_admin(user):
        return District.objects.all()
    return District.objects.filter(pk__in={m.district_id for m in active_memberships(user)})


def proposers_of(user):
    """The proposers `user` may read: their districts' (office and leaders), else those of their visible items."""
    if is_admin(user):
        return Proposer.objects.all()
    scope = item_scope(user)
    on_items = Proposer.objects.filter(item_links__item__in=Item.objects.filter(scope)) if scope else None
    readable = Q(district_id__in=district_ids(user))
    if on_items is not None:
        readable |= Q(pk__in=on_items.values("pk"))
    return Proposer.objects.filter(readable)


class DistrictFilter(django_filters.FilterSet):
    district = django_filters.CharFilter(field_name="district__code", help_text="A district's code.")


class UnitFilter(DistrictFilter):
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = HandlingUnit
        fields = ["kind"]


class SessionFilter(DistrictFilter):
    body = django_filters.ChoiceFilter(choices=Body.choices)
    year = django_filters.NumberFilter(**SMALL)

    class Meta:
        model = Session
        fields = ["level"]


class CategoryFilter(DistrictFilter):
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = Category
        fields = []


class ProposerFilter(DistrictFilter):
    body = django_filters.ChoiceFilter(choices=Body.choices)
    term = django_filters.NumberFilter(**SMALL)
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = Proposer
        fields = ["kind"]


class Listed(generics.ListAPIView):
    """A paginated list with django-filter's filters and `search` over `search_fields`."""

    filter_backends = [DjangoFilterBackend, filters.SearchFilter]


def listed(summary, serializer):
    return extend_schema_view(
        get=extend_schema(tags=["read"], summary=summary, responses={200: serializer(many=True), **LIST_ERRORS})
    )


@listed("Districts I hold a role in", DistrictSerializer)
class Districts(Listed):
    queryset = District.objects.none()  # the schema's model; get_queryset scopes
    serializer_class = DistrictSerializer
    search_fields = ["name", "code"]

    def get_queryset(self):
        return districts_of(self.request.user).order_by("sort_order", "pk")


@listed("Handling units of my districts", UnitSerializer)
class Units(Listed):
    queryset = HandlingUnit.objects.none()  # the schema's model; get_queryset scopes
    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    search_fields = ["name", "short_name"]

    def get_queryset(self):
        units = HandlingUnit.objects.filter(district__in=districts_of(self.request.user))
        return units.select_related("district").order_by("district__sort_order", "sort_order", "pk")


@listed("Sessions of my districts", SessionSerializer)
class Sessions(Listed):
    queryset = Session.objects.none()  # the schema's model; get_queryset scopes
    serializer_class = SessionSerializer
    filterset_class = SessionFilter

    def get_queryset(self):
        sessions = Session.objects.filter(district__in=districts_of(self.request.user))
        return sessions.select_related("district").order_by("-year", "body", "label", "pk")


@listed("Categories of my districts", CategorySerializer)
class Categories(Listed):
    queryset = Category.objects.none()  # the schema's model; get_queryset scopes
    serializer_class = CategorySerializer
    filterset_class = CategoryFilter
    search_fields = ["name"]

    def get_queryset(self):
        categories = Category.objects.filter(district__in=districts_of(self.request.user))
        return categories.select_related("district").order_by("district__sort_order", "sort_order", "name", "pk")


@listed("Proposers I may read", ProposerSerializer)
class Proposers(Listed):
    queryset = Proposer.objects.none()  # the schema's model; get_queryset scopes
    serializer_class = ProposerSerializer
    filterset_class = ProposerFilter
    search_fields = ["name"]

    def get_queryset(self):
        return proposers_of(self.request.user).select_related("district").order_by("district__sort_order", "name", "pk")
