"""The landing page every login reaches first."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from deadlines.notices import warn_missing_years
from districts.models import HandlingUnit, Role
from districts.selectors import active_memberships
from web.office.dashboard.views import dashboard, office_districts_of
from web.proposers.items.mine import proposer_ids
from web.proposers.items.views import my_items
from web.units.inbox.views import inbox, units_of
from workflow.access import acts_as_office, district_ids


@login_required
def home(request):
    """The landing page: the roles the user holds and where each one works.

    Office staff land on their dashboard itself (`/office/` is its address with a chosen district,
    year and body), handlers and unit heads on their unit's inbox (`/units/`): the login's redirect
    to the home page ends there, without one more hop. Deputies, members and groups' staff land on
    their items (`/my/`), unless they also lead: a leader's home lists their units.
    """
    if district_ids(request.user, (Role.OFFICE,)) and office_districts_of(request.user):
        return dashboard(request)
    if units_of(request.user):
        return inbox(request)
    memberships = active_memberships(request.user)
    leads = any(m.role == Role.LEADER for m in memberships)
    if proposer_ids(request.user) and not leads:
        return my_items(request)
    led_units = []
    if leads:
        led_units = list(HandlingUnit.objects.filter(responsible_leader=request.user, is_active=True))
    if acts_as_office(request.user):
        warn_missing_years(request)  # deadlines set now already fall in next year
    return render(request, "home.html", {"memberships": memberships, "led_units": led_units})
