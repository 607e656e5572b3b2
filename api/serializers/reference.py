"""The reference data an item points at: districts, units, sessions, categories, proposers."""

from rest_framework import serializers

from districts.models import District, HandlingUnit, Proposer
from proposals.models import Category, Session

from .items import Output


class DistrictSerializer(Output):
    class Meta:
        model = District
        fields = ["id", "code", "name"]


class UnitSerializer(Output):
    district = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = HandlingUnit
        fields = ["id", "district", "name", "short_name", "kind", "is_active"]


class SessionSerializer(Output):
    district = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Session
        fields = ["id", "district", "body", "level", "term", "number", "year", "label", "starts_on", "ends_on"]


class CategorySerializer(Output):
    district = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Category
        fields = ["id", "district", "name", "sort_order", "is_active"]


class ProposerSerializer(Output):
    district = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Proposer
        fields = ["id", "district", "body", "kind", "name", "term", "constituency", "is_active"]
