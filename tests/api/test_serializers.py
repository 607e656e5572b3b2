"""The output shapes show each caller what the selectors let them see."""

import pytest
from rest_framework.test import APIRequestFactory

from api.serializers import AssignmentSerializer, ItemSerializer

pytestmark = pytest.mark.django_db


def _as(user):
    request = APIRequestFactory().get("/")
    request.user = user
    return {"request": request}


def test_the_office_reads_the_whole_item(accepted, office):
    item = accepted[0].item
    data = ItemSerializer(item, context=_as(office)).data
    assert data["id"] == item.pk
    assert {a["unit"]["id"] for a in data["assignments"]} == set(item.assignments.values_list("unit_id", flat=True))
    assert data["events"] and all(e["text"] for e in data["events"])
    assert data["feedback"] == []
    assert data["stage"] == "handling"


def test_a_co_unit_reads_no_feedback_and_no_extensions_of_the_lead(accepted, co_handler, unit):
    data = ItemSerializer(accepted[0].item, context=_as(co_handler)).data
    assert data["feedback"] is None


def test_an_assignment_alone_reads_its_replies(accepted, handler, unit):
    assignment = accepted[0]
    data = AssignmentSerializer(assignment, context=_as(handler)).data
    assert data["unit"]["id"] == unit.pk
    assert data["replies"] == []
    assert data["extensions"] == []
