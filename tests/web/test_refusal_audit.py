"""A view's own 404 or 403 (`get_object_or_404`, `PermissionDenied`) is audited like every refusal, once.

The views below (this module is the URLconf of its tests) refuse each way a real screen does:
by Django's exceptions, which `web.middleware.RefusalMiddleware` writes to the log, or by a
service's refusal through `web.actions.perform`, which the refusal mapping already wrote.
"""

import pytest
from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.test import Client
from django.urls import include, path, reverse

from audit.log import Action
from audit.models import AuditEntry
from proposals.models import Item
from tests.conftest import BrowserClient
from web.actions import perform
from web.submit import one_time
from workflow.errors import NotFound

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def missing_item(request):
    return get_object_or_404(Item, pk=987654321)


def denied(request):
    raise PermissionDenied("No reports for you.")


@one_time
def refused_by_the_service(request):
    def call(data):
        raise NotFound("Item 42 of another district.")

    outcome = perform(request, forms.Form(request.POST), call, then="/", message="Done.")
    return outcome.response


urlpatterns = [
    path("missing/", missing_item),
    path("denied/", denied),
    path("service/", refused_by_the_service),
    path("", include("config.urls")),
]


def refusals():
    return list(AuditEntry.objects.filter(action=Action.REFUSED).order_by("pk"))


@pytest.fixture
def reader(office):
    client = BrowserClient()
    client.force_login(office)
    return client


@pytest.mark.parametrize(("url", "status"), [("/missing/", 404), ("/denied/", 403)])
def test_a_views_own_refusal_of_a_logged_in_user_is_audited_once(reader, office, url, status):
    assert reader.get(url).status_code == status

    (entry,) = refusals()
    assert (entry.user, entry.details["status"], entry.details["path"]) == (office, status, url)


def test_a_service_refusal_raised_again_as_a_404_is_audited_once(reader, office):
    assert reader.post("/service/").status_code == 404

    (entry,) = refusals()
    assert (entry.user, entry.details["status"], entry.details["code"]) == (office, 404, "not_found")


def test_a_real_views_get_object_or_404_is_audited(reader, office):
    """The case-file bundle of someone else (`get_object_or_404` on the reader's own bundles)."""
    url = reverse("casefiles:bundle", args=["00000000-0000-4000-8000-000000000000"])
    assert reader.get(url).status_code == 404

    assert [e.details["status"] for e in refusals()] == [404]


def test_an_anonymous_visitors_404_is_not_audited():
    assert Client().get("/missing/").status_code == 404
    assert Client().get("/denied/").status_code == 403

    assert refusals() == []


def test_the_views_refusal_is_answered_as_before(reader):
    """Auditing changes no answer: the 404 page names nothing, the 403 page gives the reason."""
    assert "987654321" not in reader.get("/missing/").content.decode()
    assert "No reports for you." in reader.get("/denied/").content.decode()


def test_an_http404_raised_twice_is_audited_once(rf, office):
    from web.middleware import RefusalMiddleware

    request = rf.get("/missing/")
    request.user = office
    exc = Http404()
    middleware = RefusalMiddleware(lambda r: None)
    assert middleware.process_exception(request, exc) is None
    assert middleware.process_exception(request, exc) is None

    assert len(refusals()) == 1
