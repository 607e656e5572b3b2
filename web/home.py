"""The landing page every login reaches first."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from deadlines.notices import warn_missing_years
from districts.models import HandlingUnit, Role
from districts.selectors import active_memberships
from workflow.access import acts_as_office


@login_required
def home(request):
    """The landing page: the roles the user holds and where each one works."""
    memberships = active_memberships(request.user)
    led_units = []
    if any(m.role == Role.LEADER for m in memberships):
        led_units = list(HandlingUnit.objects.filter(responsible_leader=request.user, is_active=True))
    if acts_as_office(request.user):
        warn_missing_years(request)  # deadlines set now already fall in next year
    return render(request, "home.html", {"memberships": memberships, "led_units": led_units})
