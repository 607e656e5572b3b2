"""Districts, units, sessions, categories and proposers: what the caller's districts hold.

A user reads the reference data of the districts they hold a role in (an admin every district's),
so a unit's handler can name a session or a category in a filter and a proposer their district's
units. Proposers are people: the district's office staff and leaders read their districts' list,
anyone else the proposers of the items they may see (`workflow.selectors.readable_proposers`).
"""

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import filters, generics

from districts.models import Body, District, HandlingUnit, Proposer
from proposals.models import Category, Session
from workflow.selectors import readable_districts, readable_proposers

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
        return readable_districts(self.request.user).order_by("sort_order", "pk")


@listed("Handling units of my districts", UnitSerializer)
class Units(Listed):
    queryset = HandlingUnit.objects.none()  # the schema's model; get_queryset scopes
    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    search_fields = ["name", "short_name"]

    def get_queryset(self):
        units = HandlingUnit.objects.filter(district__in=readable_districts(self.request.user))
        return units.select_related("district").order_by("district__sort_order", "sort_order", "pk")


@listed("Sessions of my districts", SessionSerializer)
class Sessions(Listed):
    queryset = Session.objects.none()  # the schema's model; get_queryset scopes
    serializer_class = SessionSerializer
    filterset_class = SessionFilter

    def get_queryset(self):
        sessions = Session.objects.filter(district__in=readable_districts(self.request.user))
        return sessions.select_related("district").order_by("-year", "body", "label", "pk")


@listed("Categories of my districts", CategorySerializer)
class Categories(Listed):
    queryset = Category.objects.none()  # the schema's model; get_queryset scopes
    serializer_class = CategorySerializer
    filterset_class = CategoryFilter
    search_fields = ["name"]

    def get_queryset(self):
        categories = Category.objects.filter(district__in=readable_districts(self.request.user))
        return categories.select_related("district").order_by("district__sort_order", "sort_order", "name", "pk")


@listed("Proposers I may read", ProposerSerializer)
class Proposers(Listed):
    queryset = Proposer.objects.none()  # the schema's model; get_queryset scopes
    serializer_class = ProposerSerializer
    filterset_class = ProposerFilter
    search_fields = ["name"]

    def get_queryset(self):
        return (
            readable_proposers(self.request.user)
            .select_related("district")
            .order_by("district__sort_order", "name", "pk")
        )
