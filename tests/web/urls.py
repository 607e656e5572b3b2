"""Views that only the front-door tests reach: each refuses or acts the way a real screen would."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

from districts.models import District
from proposals.models import Category
from web.actions import perform
from web.submit import one_time
from workflow.errors import Conflict, NotAllowed, NotFound, WorkflowError


def raises(exc):
    def view(request):
        raise exc

    return view


FORM = engines["django"].from_string(
    "{% load web %}<form method=post>{% csrf_token %}{% submit_token %}{{ form.as_p }}<button>Add</button></form>"
)


class CategoryForm(forms.Form):
    name = forms.CharField(max_length=50)


def add_category(data):
    """A stand-in service: refuses one name, else writes one row."""
    if data["name"] == "refused":
        raise WorkflowError("That name is refused.", code="refused", field="name")
    return Category.objects.create(district=District.objects.get(code="fd"), name=data["name"])


@login_required
@one_time
def category_add(request):
    form = CategoryForm(request.POST)
    outcome = perform(request, form, add_category, then=lambda c: f"/done/{c.pk}/", message="Added.")
    if outcome.response:
        return outcome.response
    return HttpResponse(FORM.render({"form": form}, request), status=outcome.status)


urlpatterns = [
    path("not-found/", raises(NotFound("Item 42 of another district."))),
    path("not-allowed/", raises(NotAllowed("Only the unit head may approve."))),
    path("wrong-state/", raises(WorkflowError("The reply was already sent."))),
    path("conflict/", raises(Conflict("Someone accepted it first."))),
    path("denied/", raises(PermissionDenied("No reports for you."))),
    path("add/", category_add),
    path("", include("config.urls")),
]
