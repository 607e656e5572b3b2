"""A district however created gets the default outcome scheme and rating scale for each body."""

import pytest
from django.urls import reverse

from districts.models import District
from workflow.defaults import ensure_body_settings
from workflow.models import BodySetting

pytestmark = pytest.mark.django_db

DEFAULTS = {("cppcc", "cppcc", "quality"), ("npc", "npc", "satisfaction")}


def _settings(district):
    return set(BodySetting.objects.filter(district=district).values_list("body", "scheme__code", "rating_scale__code"))


def test_a_district_added_in_the_admin_has_its_body_settings(admin_client):
    response = admin_client.post(
        reverse("admin:districts_district_add"),
        {"code": "songjiang", "name": "松江区", "sort_order": 3, "is_active": "on"},
    )
    assert response.status_code == 302
    assert _settings(District.objects.get(code="songjiang")) == DEFAULTS


def test_creating_a_district_twice_over_the_defaults_changes_nothing():
    district = District.objects.create(code="songjiang", name="松江区")
    ensure_body_settings(district)  # what the import command and seed_demo do after creating one
    assert _settings(district) == DEFAULTS and BodySetting.objects.filter(district=district).count() == 2


def test_saving_a_district_again_keeps_a_changed_scheme():
    district = District.objects.create(code="songjiang", name="松江区")
    BodySetting.objects.filter(district=district, body="cppcc").update(
        scheme=BodySetting.objects.get(district=district, body="npc").scheme
    )
    district.name = "松江新区"
    district.save()
    assert ("cppcc", "npc", "quality") in _settings(district)
