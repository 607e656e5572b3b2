"""The handling unit's inbox (`/units/`): the landing page of its handlers (承办人员) and its head.

What the unit must do next, grouped by the act and soonest due first (`work.inbox`), each row
linking to the item page, whose panel offers the act. A user of several units picks one
(`?unit=<pk>`, the first by default); a unit that is not theirs is "not found". At most six
queries whatever the data: the session, the user with their roles, the unit's obligations, its
closing reports and approvals, and the working-day calendar when its in-memory copy is re-checked.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.models import UNIT_ROLES, Role
from districts.selectors import active_memberships
from workflow.errors import NotAllowed

from .work import inbox as unit_inbox


def units_of(user):
    """The units `user` works for as handler or head, in their official order, each with `is_head`: no query."""
    units = {}
    for m in active_memberships(user):
        if m.role in UNIT_ROLES:
            unit = units.setdefault(m.unit_id, m.unit)
            unit.is_head = getattr(unit, "is_head", False) or m.role == Role.UNIT_HEAD
    return sorted(units.values(), key=lambda u: (u.sort_order, u.name, u.pk))


def _chosen(units, value):
    """The unit of `?unit=`: the first by default; another's id, or no id at all, is not found (404)."""
    if not value:
        return units[0]
    for unit in units:
        if str(unit.pk) == value:
            return unit
    raise Http404


@login_required
def inbox(request):
    """The chosen unit's work: counts per act at the top, then each act's rows; 403 for a user of no unit."""
    units = units_of(request.user)
    if not units:
        raise NotAllowed(_("The inbox is the handling units'."))
    unit = _chosen(units, request.GET.get("unit", ""))
    groups = unit_inbox(unit.pk, timezone.localdate(), head=unit.is_head)
    context = {
        "units": units,
        "unit": unit,
        "groups": groups,
        "total": sum(len(g.rows) for g in groups),
    }
    return render(request, "units/inbox/inbox.html", context)
